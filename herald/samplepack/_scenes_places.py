"""Scenes with a setting: ports, mountains, stadiums, rooms.

Each takes a seeded random generator, so an article always gets the same picture, and returns SVG markup
for a 1200x675 canvas without the outer <svg> element.
"""

from __future__ import annotations

import math
import random

from herald.samplepack._svg import H, W, background


def port(rng: random.Random) -> str:
    parts = [background("#1d3557", "#f4a261"), f'<rect y="520" width="{W}" height="155" fill="#14213d"/>']
    for x in (140, 420, 760):
        parts.append(
            f'<g fill="#e9ecef"><rect x="{x}" y="190" width="18" height="330"/>'
            f'<rect x="{x + 110}" y="190" width="18" height="330"/>'
            f'<rect x="{x - 60}" y="180" width="290" height="22"/>'
            f'<rect x="{x + 40}" y="140" width="60" height="40"/>'
            f'</g><line x1="{x + 70}" y1="202" x2="{x + 70}" y2="{rng.randint(300, 400)}" stroke="#adb5bd" '
            f'stroke-width="4"/>'
        )
    colours = ("#e63946", "#2a9d8f", "#e9c46a", "#457b9d", "#f77f00")
    for row in range(3):
        for col in range(14):
            if rng.random() < 0.8:
                fill = rng.choice(colours)
                parts.append(
                    f'<rect x="{60 + col * 78}" y="{466 - row * 40}" width="74" height="36" fill="{fill}"/>'
                )
    for y in (560, 600, 640):
        parts.append(
            f'<path d="M0 {y} q 50 -14 100 0 t 100 0 t 100 0 t 100 0 t 100 0 t 100 0 t 100 0 t 100 0 '
            f't 100 0 t 100 0 t 100 0 t 100 0" fill="none" stroke="#457b9d" stroke-width="3"/>'
        )
    return "".join(parts)


def bank(rng: random.Random) -> str:
    parts = [background("#283044", "#78909c"), '<polygon points="250,210 600,90 950,210" fill="#d8cfc4"/>']
    parts.append('<rect x="250" y="210" width="700" height="30" fill="#c9bfb3"/>')
    for i in range(7):
        parts.append(f'<rect x="{285 + i * 100}" y="250" width="40" height="250" fill="#efe7dc"/>')
    parts.append('<rect x="220" y="500" width="760" height="30" fill="#c9bfb3"/>')
    parts.append('<rect x="190" y="530" width="820" height="30" fill="#b5aa9c"/>')
    points, y = [], 420
    for i in range(13):
        y = max(80, min(460, y - rng.randint(-20, 40)))
        points.append(f"{40 + i * 95},{y}")
    parts.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#ffb703" stroke-width="8" '
        'stroke-linejoin="round" opacity="0.9"/>'
    )
    return "".join(parts)


def volcano(rng: random.Random) -> str:
    parts = [background("#3d0c02", "#e85d04")]
    for _ in range(14):
        x, y, r = 600 + rng.randint(-160, 160), rng.randint(40, 260), rng.randint(50, 110)
        parts.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="#6c757d" opacity="0.55"/>')
    parts.append('<polygon points="80,675 520,250 680,250 1120,675" fill="#231942"/>')
    parts.append('<polygon points="520,250 680,250 640,300 560,300" fill="#f48c06"/>')
    for dx in (-40, 10, 50):
        parts.append(
            f'<path d="M{600 + dx} 290 q {rng.randint(-60, 60)} 150 {dx * 3} 385" '
            'stroke="#ffba08" stroke-width="10" fill="none"/>'
        )
    return "".join(parts)


def ballot(rng: random.Random) -> str:
    parts = [background("#f1faee", "#a8dadc")]
    for i in range(8):
        parts.append(
            f'<rect x="{i * 160 - 40}" y="0" width="80" height="{H}" fill="#457b9d" opacity="0.08"/>'
        )
    parts.append('<rect x="380" y="300" width="440" height="300" rx="12" fill="#1d3557"/>')
    parts.append('<rect x="480" y="300" width="240" height="16" fill="#0b132b"/>')
    tilt = rng.randint(-8, 8)
    parts.append(
        f'<g transform="rotate({tilt} 600 200)"><rect x="500" y="90" width="200" height="240" fill="#fff" '
        'stroke="#adb5bd" stroke-width="3"/><rect x="530" y="130" width="30" height="30" fill="none" '
        'stroke="#1d3557" stroke-width="4"/><path d="M534 146 l10 10 l22 -26" stroke="#e63946" '
        'stroke-width="6" fill="none"/><rect x="575" y="138" width="100" height="12" fill="#ced4da"/>'
        '<rect x="530" y="190" width="30" height="30" fill="none" stroke="#1d3557" stroke-width="4"/>'
        '<rect x="575" y="198" width="90" height="12" fill="#ced4da"/></g>'
    )
    return "".join(parts)


def football(rng: random.Random) -> str:
    parts = [background("#2d6a4f", "#1b4332")]
    for i in range(0, W, 120):
        parts.append(f'<rect x="{i}" y="0" width="60" height="{H}" fill="#40916c" opacity="0.35"/>')
    parts.append(
        '<g fill="none" stroke="#f1faee" stroke-width="6" opacity="0.9"><rect x="40" y="40" width="1120" '
        'height="595"/><line x1="600" y1="40" x2="600" y2="635"/><circle cx="600" cy="337" r="110"/>'
        '<rect x="40" y="187" width="160" height="300"/><rect x="1000" y="187" width="160" height="300"/></g>'
    )
    x = rng.randint(760, 920)
    parts.append(
        f'<circle cx="{x}" cy="330" r="46" fill="#fff" stroke="#111" stroke-width="3"/>'
        f'<polygon points="{x},312 {x + 17},324 {x + 11},344 {x - 11},344 {x - 17},324" fill="#111"/>'
    )
    return "".join(parts)


def heat(rng: random.Random) -> str:
    parts = [background("#ff7b00", "#ffdd00")]
    parts.append(
        '<circle cx="880" cy="200" r="120" fill="#fff3b0"/><circle cx="880" cy="200" r="170" '
        'fill="#fff3b0" opacity="0.35"/>'
    )
    parts.append(f'<rect y="470" width="{W}" height="205" fill="#9c6644"/>')
    for _ in range(9):
        x = rng.randint(40, 1100)
        parts.append(
            f'<path d="M{x} 480 l20 40 l-15 30 l25 50" stroke="#6f4518" stroke-width="4" fill="none"/>'
        )
    for i in range(5):
        parts.append(
            f'<path d="M{120 + i * 90} 440 q 20 -30 0 -60 t 0 -60 t 0 -60" stroke="#fff" '
            'stroke-width="6" fill="none" opacity="0.5"/>'
        )
    parts.append(
        '<rect x="620" y="240" width="46" height="220" rx="23" fill="#fff"/><circle cx="643" cy="470" '
        'r="42" fill="#d00000"/><rect x="632" y="300" width="22" height="170" fill="#d00000"/>'
    )
    return "".join(parts)


def museum(rng: random.Random) -> str:
    parts = [background("#5e503f", "#22333b"), '<rect y="560" width="1200" height="115" fill="#1b1b1b"/>']
    parts.append('<polygon points="600,0 380,560 820,560" fill="#fffbe6" opacity="0.12"/>')
    parts.append('<path d="M600 60 L440 170 M600 60 L760 170" stroke="#c9ada7" stroke-width="3"/>')
    parts.append(
        '<rect x="420" y="170" width="360" height="280" fill="none" stroke="#d4a373" stroke-width="26"/>'
    )
    parts.append('<rect x="433" y="183" width="334" height="254" fill="#3a3a3a"/>')
    parts.append(f'<rect x="{rng.randint(520, 560)}" y="470" width="120" height="40" fill="#fefae0"/>')
    return "".join(parts)


def rail(rng: random.Random) -> str:
    parts = [
        background("#adb5bd", "#e9ecef"),
        '<polygon points="0,675 560,300 640,300 1200,675" fill="#6c757d"/>',
    ]
    for i in range(14):
        t = (i / 13) ** 2
        y = 300 + t * 375
        half = 40 + t * 560
        parts.append(
            f'<rect x="{600 - half}" y="{y:.0f}" width="{half * 2}" height="{4 + t * 16:.0f}" '
            'fill="#5c4033"/>'
        )
    parts.append('<path d="M580 300 L260 675 M620 300 L940 675" stroke="#343a40" stroke-width="10"/>')
    parts.append(
        f'<rect x="{rng.randint(880, 960)}" y="140" width="16" height="240" fill="#343a40"/>'
        '<rect x="860" y="120" width="60" height="110" rx="10" fill="#212529"/>'
        '<circle cx="890" cy="150" r="16" fill="#d00000"/><circle cx="890" cy="196" r="16" fill="#495057"/>'
    )
    return "".join(parts)


def road(rng: random.Random) -> str:
    parts = [
        background("#90e0ef", "#caf0f8"),
        '<polygon points="0,675 520,330 680,330 1200,675" fill="#495057"/>',
    ]
    for i in range(6):
        y = 350 + i * 55
        parts.append(
            f'<rect x="{596 - i * 4}" y="{y}" width="{8 + i * 8}" height="{18 + i * 6}" fill="#f8f9fa"/>'
        )
    parts.append(
        '<rect x="300" y="150" width="14" height="260" fill="#343a40"/><rect x="886" y="150" '
        'width="14" height="260" fill="#343a40"/><rect x="300" y="150" width="600" height="60" '
        f'fill="{rng.choice(("#e63946", "#f77f00", "#2a9d8f"))}"/>'
    )
    parts.append(
        '<polygon points="0,330 200,260 420,330" fill="#52b788"/><polygon points="780,330 1000,250 '
        '1200,330" fill="#52b788"/>'
    )
    return "".join(parts)


def theatre(rng: random.Random) -> str:
    parts = [background("#2b2d42", "#111")]
    parts.append('<polygon points="600,0 380,600 820,600" fill="#fff3b0" opacity="0.16"/>')
    parts.append('<rect y="560" width="1200" height="115" fill="#6f1d1b"/>')
    for side in (0, 1):
        x0 = 0 if side == 0 else 860
        for i in range(6):
            parts.append(
                f'<rect x="{x0 + i * 57}" y="0" width="50" height="{560 - (i if side else 5 - i) * 18}" '
                'fill="#9d0208"/>'
            )
    parts.append(
        f'<rect x="0" y="0" width="1200" height="60" fill="#6a040f"/><circle cx="{rng.randint(560, 640)}"'
        ' cy="520" r="30" fill="#ffd166"/>'
    )
    return "".join(parts)


def parliament(rng: random.Random) -> str:
    parts = [background("#edf2f4", "#8d99ae")]
    colours = ("#d62828", "#003049", "#fcbf49", "#2a9d8f", "#6a4c93")
    for ring in range(5):
        radius = 220 + ring * 55
        seats = 14 + ring * 4
        for s in range(seats):
            angle = math.pi * s / (seats - 1)
            x, y = 600 - radius * math.cos(angle), 600 - radius * math.sin(angle)
            fill = colours[min(4, int(s / seats * 5 + rng.random() * 0.3))]
            parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="18" fill="{fill}"/>')
    parts.append('<rect x="520" y="560" width="160" height="60" fill="#2b2d42"/>')
    return "".join(parts)
