"""The installable app's icons: made from the logo an admin uploaded when it is a raster picture, and
otherwise Herald's own mark, drawn here with Pillow (which cannot read the SVG logo) to match it.

An icon is made at most once per version of the logo and kept in memory: a phone asks for it when the site
is installed and the service worker when it installs, so the drawing stays off every page's path. Pictures
are drawn four times larger and scaled down, which gives the straight edges of the mark smooth anti-aliasing.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw, UnidentifiedImageError

from herald.pipeline.site import Site

log = logging.getLogger(__name__)

Purpose = Literal["any", "maskable", "apple"]


@dataclass(frozen=True, slots=True)
class IconSpec:
    """One icon: its name in the address, its size in pixels, and how a launcher shows it. "any" may be
    transparent around a rounded mark; "maskable" fills its square and keeps what matters inside the
    circle a launcher may cut it to; "apple" fills its square for iOS, which rounds the corners itself."""

    name: str
    size: int
    purpose: Purpose


ICONS = (
    IconSpec("icon-192", 192, "any"),
    IconSpec("icon-512", 512, "any"),
    IconSpec("maskable-192", 192, "maskable"),
    IconSpec("maskable-512", 512, "maskable"),
    IconSpec("apple-touch-icon", 180, "apple"),
)
ICONS_BY_NAME = {icon.name: icon for icon in ICONS}

# Change when the drawing below changes, so browsers fetch the new icons (they keep a version for a year).
HERALD_ICON_VERSION = "herald-1"

HERALD_RED = (0x9B, 0x1C, 0x1C, 0xFF)
WHITE = (0xFF, 0xFF, 0xFF, 0xFF)
RULE = (0xE6, 0xC6, 0xC6, 0xFF)  # the logo's white rule at 75 % opacity over the red
PAPER = (0xFB, 0xFA, 0xF6, 0xFF)  # the page's background (herald.css --bg): behind an uploaded logo

# herald/web/static/logo.svg, in its 64-unit box: the serif "H" as one outline, the rule under it, the corner.
_H_OUTLINE = (
    (14, 14), (27, 14), (27, 17.5), (23.8, 17.5), (23.8, 29.8), (40.2, 29.8), (40.2, 17.5), (37, 17.5),
    (37, 14), (50, 14), (50, 17.5), (46.7, 17.5), (46.7, 46.5), (50, 46.5), (50, 50), (37, 50),
    (37, 46.5), (40.2, 46.5), (40.2, 33.6), (23.8, 33.6), (23.8, 46.5), (27, 46.5), (27, 50), (14, 50),
    (14, 46.5), (17.3, 46.5), (17.3, 17.5), (14, 17.5),
)  # fmt: skip
_RULE_BOX = (14.0, 53.0, 50.0, 55.6)
_CORNER = 14.0
_BOX = 64.0
_SUPERSAMPLE = 4
# How much of the square the mark spans: a maskable icon keeps its corners inside the central circle of
# 80 % of the width that every launcher shows; an uploaded logo gets the same safe area.
_MASK_SCALE = {"any": 1.0, "maskable": 0.8, "apple": 1.0}
_LOGO_SHARE = {"any": 1.0, "maskable": 0.6, "apple": 0.8}


def herald_icon(size: int, purpose: Purpose) -> bytes:
    """Herald's own mark as a PNG ``size`` pixels square."""
    big = size * _SUPERSAMPLE
    unit = big / _BOX
    scale = _MASK_SCALE[purpose]
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if purpose == "any":
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(_CORNER * unit), fill=HERALD_RED)
    else:
        draw.rectangle((0, 0, big, big), fill=HERALD_RED)

    def at(x: float, y: float) -> tuple[float, float]:
        middle = _BOX / 2
        return ((middle + (x - middle) * scale) * unit, (middle + (y - middle) * scale) * unit)

    draw.polygon([at(x, y) for x, y in _H_OUTLINE], fill=WHITE)
    left, top, right, bottom = _RULE_BOX
    draw.rectangle((*at(left, top), *at(right, bottom)), fill=RULE)
    return _png(image.resize((size, size), Image.Resampling.LANCZOS))


def logo_icon(logo_png: bytes, size: int, purpose: Purpose) -> bytes:
    """An uploaded logo as a PNG ``size`` pixels square: whole and centred, on a transparent square for
    "any", and on its own background colour (or the page's) for the icons that must fill their square.
    Raises ValueError when the stored logo cannot be read."""
    try:
        with Image.open(io.BytesIO(logo_png)) as opened:
            logo = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError("the stored logo is not a picture Pillow can read") from exc
    if logo.width < 1 or logo.height < 1:
        raise ValueError("the stored logo has no pixels")
    background = (0, 0, 0, 0) if purpose == "any" else _edge_colour(logo) or PAPER
    icon = Image.new("RGBA", (size, size), background)
    room = max(1, round(size * _LOGO_SHARE[purpose]))
    ratio = min(room / logo.width, room / logo.height)
    width, height = max(1, round(logo.width * ratio)), max(1, round(logo.height * ratio))
    fitted = logo.resize((width, height), Image.Resampling.LANCZOS)
    icon.alpha_composite(fitted, ((size - width) // 2, (size - height) // 2))
    return _png(icon)


def _edge_colour(logo: Image.Image) -> tuple[int, int, int, int] | None:
    """The logo's own background when its four corners are one opaque colour, so a filled icon looks like
    the logo grown to the edges rather than a picture framed in another colour."""
    last_x, last_y = logo.width - 1, logo.height - 1
    corners = [logo.getpixel(point) for point in ((0, 0), (last_x, 0), (0, last_y), (last_x, last_y))]
    pixels = [c for c in corners if isinstance(c, tuple) and len(c) == 4]
    if len(pixels) != 4 or any(alpha < 255 for *_rgb, alpha in pixels):
        return None
    first = pixels[0]
    if any(abs(int(a) - int(b)) > 8 for other in pixels[1:] for a, b in zip(first, other, strict=True)):
        return None
    red, green, blue, _alpha = (int(v) for v in first)
    return (red, green, blue, 255)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


class AppIcons:
    """The icons of the site as it is now, each made once per version of its logo."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._lock = threading.Lock()
        self._version = ""
        self._made: dict[str, bytes] = {}

    def version(self) -> str:
        """The icons' version, for their addresses: the uploaded logo's, or that of Herald's drawing."""
        digest = self.site.current().logo_digest
        return digest[:16] if digest else HERALD_ICON_VERSION

    def png(self, name: str) -> tuple[str, bytes] | None:
        """(version, PNG) of the icon called ``name``, or None when there is no such icon. Synchronous and
        possibly slow (a database read and a drawing): run it in a worker thread."""
        spec = ICONS_BY_NAME.get(name)
        if spec is None:
            return None
        version = self.version()
        with self._lock:
            if self._version == version and name in self._made:
                return version, self._made[name]
        made = self._make(spec, version)
        with self._lock:
            if self._version != version:
                self._version, self._made = version, {}
            self._made[name] = made
        return version, made

    def _make(self, spec: IconSpec, version: str) -> bytes:
        if version != HERALD_ICON_VERSION:
            logo = self.site.logo()
            # An SVG logo would need a renderer Herald does not ship: Herald's own mark stands in.
            if logo is not None and logo.media_type == "image/png":
                try:
                    return logo_icon(logo.data, spec.size, spec.purpose)
                except ValueError:
                    log.exception("could not make the app icon %s from the uploaded logo", spec.name)
        return herald_icon(spec.size, spec.purpose)
