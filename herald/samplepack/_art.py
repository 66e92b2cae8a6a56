"""Simple flat SVG illustrations and favicons, drawn in code so the pack carries no one's photographs.

Each article names a motif; the drawing is varied by a seed taken from the article's key, so two articles
with the same motif do not look identical, while the same article always gets the same picture.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from html import escape

from herald.samplepack import _scenes_places as places
from herald.samplepack import _scenes_things as things
from herald.samplepack._svg import H, W

Draw = Callable[[random.Random], str]


MOTIFS: dict[str, Draw] = {
    "port": places.port,
    "bank": places.bank,
    "volcano": places.volcano,
    "ballot": places.ballot,
    "football": places.football,
    "chip": things.chip,
    "comet": things.comet,
    "heat": places.heat,
    "museum": places.museum,
    "vaccine": things.vaccine,
    "rail": places.rail,
    "network": things.network,
    "book": things.book,
    "deepsea": things.deepsea,
    "road": places.road,
    "theatre": places.theatre,
    "parliament": places.parliament,
    "clinic": things.clinic,
    "tablet": things.tablet,
    "code": things.code,
}


def illustration(motif: str, seed: str, title: str) -> str:
    """An SVG picture for an article; ``title`` becomes the image's accessible name."""
    draw = MOTIFS[motif]
    body = draw(random.Random(seed))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def favicon(name: str, accent: str) -> str:
    """A square with the outlet's initials, the way small publishers' icons look."""
    words = [w for w in name.replace("The ", "").split() if w[:1].isalpha()]
    initials = "".join(w[0] for w in words[:2]).upper()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
        f'<rect width="64" height="64" rx="12" fill="{accent}"/>'
        '<text x="32" y="42" text-anchor="middle" font-family="Georgia, serif" font-size="28" '
        f'font-weight="bold" fill="#fff">{escape(initials)}</text></svg>'
    )
