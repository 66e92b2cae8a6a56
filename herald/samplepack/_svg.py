"""Shared pieces of the pack's SVG drawings: the canvas size, a gradient sky, a scatter of stars."""

from __future__ import annotations

import random

W, H = 1200, 675


def background(top: str, bottom: str) -> str:
    return (
        f'<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{top}"/>'
        f'<stop offset="1" stop-color="{bottom}"/></linearGradient></defs>'
        f'<rect width="{W}" height="{H}" fill="url(#bg)"/>'
    )


def stars(rng: random.Random, count: int, max_y: int = H) -> str:
    dots = []
    for _ in range(count):
        x, y, r = rng.randint(0, W), rng.randint(0, max_y), rng.choice((1, 1.5, 2, 2.5))
        dots.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="#fff" opacity="{rng.uniform(0.4, 1):.2f}"/>')
    return "".join(dots)
