"""Scenes built around an object: a chip, a comet, a vial, a tablet.

Each takes a seeded random generator, so an article always gets the same picture, and returns SVG markup
for a 1200x675 canvas without the outer <svg> element.
"""

from __future__ import annotations

import random

from herald.samplepack._svg import H, W, background, stars


def chip(rng: random.Random) -> str:
    parts = [background("#0b132b", "#1c2541")]
    for _ in range(22):
        y = rng.randint(40, 635)
        parts.append(
            f'<path d="M0 {y} h{rng.randint(150, 380)} l40 {rng.choice((-40, 40))}" stroke="#3a506b" '
            'stroke-width="4" fill="none"/>'
        )
    for i in range(12):
        offset = 410 + i * 34
        parts.append(
            f'<rect x="{offset}" y="150" width="14" height="40" fill="#c0c0c0"/>'
            f'<rect x="{offset}" y="485" width="14" height="40" fill="#c0c0c0"/>'
        )
        parts.append(
            f'<rect x="360" y="{200 + i * 24}" width="40" height="12" fill="#c0c0c0"/>'
            f'<rect x="800" y="{200 + i * 24}" width="40" height="12" fill="#c0c0c0"/>'
        )
    parts.append('<rect x="400" y="190" width="400" height="295" rx="14" fill="#222831"/>')
    for gx in range(5):
        for gy in range(4):
            fill = rng.choice(("#5bc0be", "#6fffe9", "#3a506b"))
            parts.append(
                f'<rect x="{440 + gx * 66}" y="{222 + gy * 62}" width="56" height="52" fill="{fill}" '
                'opacity="0.8"/>'
            )
    return "".join(parts)


def comet(rng: random.Random) -> str:
    parts = [
        '<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">'
        '<stop offset="0" stop-color="#03071e"/><stop offset="1" stop-color="#240046"/></linearGradient>'
        '<linearGradient id="tail" x1="0" y1="0" x2="1" y2="1">'
        '<stop offset="0" stop-color="#caf0f8" stop-opacity="0"/>'
        '<stop offset="1" stop-color="#caf0f8" stop-opacity="0.9"/></linearGradient></defs>'
        f'<rect width="{W}" height="{H}" fill="url(#bg)"/>',
        stars(rng, 160),
    ]
    cx, cy = rng.randint(740, 860), rng.randint(380, 460)
    parts.append(
        f'<polygon points="120,40 {cx - 10},{cy - 18} {cx + 10},{cy + 18} 60,120" fill="url(#tail)"/>'
    )
    parts.append(
        f'<circle cx="{cx}" cy="{cy}" r="26" fill="#fff"/><circle cx="{cx}" cy="{cy}" r="60" '
        'fill="#caf0f8" opacity="0.25"/>'
    )
    parts.append('<polygon points="0,675 300,560 520,620 800,540 1200,640 1200,675" fill="#10002b"/>')
    return "".join(parts)


def vaccine(rng: random.Random) -> str:
    parts = [background("#e0fbfc", "#98c1d9")]
    for _ in range(16):
        x, y = rng.randint(40, 1160), rng.randint(40, 635)
        parts.append(f'<circle cx="{x}" cy="{y}" r="{rng.randint(8, 22)}" fill="#3d5a80" opacity="0.25"/>')
    parts.append(
        '<rect x="470" y="260" width="120" height="300" rx="20" fill="#fff" stroke="#3d5a80" '
        'stroke-width="6"/><rect x="470" y="380" width="120" height="180" rx="20" fill="#ee6c4d" '
        'opacity="0.8"/><rect x="495" y="200" width="70" height="60" fill="#293241"/>'
    )
    parts.append(
        '<path d="M660 560 v-220 q0 -40 40 -40 h20 v-80 l30 -40 l30 40 v80 h20 q40 0 40 40 v220 z" '
        'fill="#fff" stroke="#3d5a80" stroke-width="6"/>'
    )
    return "".join(parts)


def network(rng: random.Random) -> str:
    parts = [background("#10002b", "#3c096c")]
    nodes = [(rng.randint(80, 520), rng.randint(80, 600)) for _ in range(9)]
    nodes += [(rng.randint(680, 1120), rng.randint(80, 600)) for _ in range(9)]
    for i, (x1, y1) in enumerate(nodes):
        for x2, y2 in nodes[i + 1 : i + 3]:
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#9d4edd" stroke-width="3"/>')
    parts.append(
        f'<line x1="{nodes[0][0]}" y1="{nodes[0][1]}" x2="{nodes[-1][0]}" y2="{nodes[-1][1]}" '
        'stroke="#ffd60a" stroke-width="6"/>'
    )
    for i, (x, y) in enumerate(nodes):
        fill = "#c77dff" if i < 9 else "#48cae4"
        parts.append(f'<circle cx="{x}" cy="{y}" r="{rng.randint(12, 24)}" fill="{fill}"/>')
    return "".join(parts)


def book(rng: random.Random) -> str:
    parts = [background("#f6e8d6", "#d4a373")]
    parts.append(
        '<path d="M600 200 q -160 -60 -380 -20 v360 q 220 -40 380 20 z" fill="#fffdf7" stroke="#6b4f3a" '
        'stroke-width="5"/><path d="M600 200 q 160 -60 380 -20 v360 q -220 -40 -380 20 z" '
        'fill="#fffdf7" stroke="#6b4f3a" stroke-width="5"/>'
    )
    for i in range(8):
        y = 220 + i * 34
        parts.append(
            f'<line x1="270" y1="{y}" x2="{rng.randint(480, 560)}" y2="{y + 6}" stroke="#b08968" '
            f'stroke-width="5"/><line x1="650" y1="{y + 6}" x2="{rng.randint(860, 930)}" y2="{y}" '
            'stroke="#b08968" stroke-width="5"/>'
        )
    parts.append('<circle cx="1000" cy="120" r="50" fill="#e76f51" opacity="0.8"/>')
    return "".join(parts)


def deepsea(rng: random.Random) -> str:
    parts = [background("#023e8a", "#03045e"), stars(rng, 70)]
    parts.append('<path d="M0 560 q 300 -60 600 0 t 600 0 v115 h-1200 z" fill="#001d3d"/>')
    for _ in range(9):
        x, h = rng.randint(60, 1140), rng.randint(90, 220)
        parts.append(
            f'<path d="M{x - 26} 575 q -10 {-h} 26 {-h} q 36 0 26 {h} z" fill="#ffb4a2" '
            f'opacity="{rng.uniform(0.55, 0.9):.2f}"/>'
        )
    return "".join(parts)


def clinic(rng: random.Random) -> str:
    parts = [background("#caf0f8", "#ade8f4"), '<circle cx="1040" cy="110" r="60" fill="#ffd60a"/>']
    parts.append('<polygon points="140,300 520,300 460,200 200,200" fill="#023e8a"/>')
    for i in range(4):
        parts.append(
            f'<line x1="{210 + i * 70}" y1="200" x2="{170 + i * 90}" y2="300" stroke="#90e0ef" '
            'stroke-width="3"/>'
        )
    parts.append(
        '<rect x="600" y="210" width="280" height="400" rx="16" fill="#fff" stroke="#0077b6" '
        'stroke-width="6"/><line x1="600" y1="360" x2="880" y2="360" stroke="#0077b6" stroke-width="5"/>'
    )
    parts.append(
        '<g stroke="#0096c7" stroke-width="8"><line x1="740" y1="420" x2="740" y2="560"/>'
        '<line x1="680" y1="490" x2="800" y2="490"/><line x1="697" y1="447" x2="783" y2="533"/>'
        '<line x1="783" y1="447" x2="697" y2="533"/></g>'
    )
    parts.append(f'<path d="M330 300 v{rng.randint(200, 260)}" stroke="#495057" stroke-width="10"/>')
    return "".join(parts)


def tablet(rng: random.Random) -> str:
    parts = [background("#dee2e6", "#adb5bd")]
    parts.append(
        '<rect x="380" y="60" width="440" height="560" rx="28" fill="#343a40"/><rect x="410" y="95" '
        'width="380" height="490" fill="#f1f3f5"/>'
    )
    for i in range(12):
        parts.append(
            f'<rect x="440" y="{130 + i * 36}" width="{rng.randint(220, 320)}" height="12" fill="#868e96"/>'
        )
    parts.append(
        '<line x1="860" y1="590" x2="1010" y2="170" stroke="#212529" stroke-width="16" '
        'stroke-linecap="round"/>'
    )
    return "".join(parts)


def code(rng: random.Random) -> str:
    parts = [background("#1b263b", "#0d1b2a")]
    parts.append(
        '<rect x="160" y="90" width="880" height="500" rx="14" fill="#0b0f19" stroke="#415a77" '
        'stroke-width="3"/><rect x="160" y="90" width="880" height="44" rx="14" fill="#415a77"/>'
    )
    for i, fill in enumerate(("#ff5f56", "#ffbd2e", "#27c93f")):
        parts.append(f'<circle cx="{196 + i * 34}" cy="112" r="10" fill="{fill}"/>')
    for i in range(11):
        indent = rng.choice((0, 0, 40, 80))
        colour = rng.choice(("#8ecae6", "#ffb703", "#adb5bd", "#90be6d", "#f28482"))
        parts.append(
            f'<rect x="{200 + indent}" y="{160 + i * 36}" width="{rng.randint(120, 560)}" height="14" '
            f'rx="4" fill="{colour}"/>'
        )
    return "".join(parts)
