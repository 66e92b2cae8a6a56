"""Link-preview cards: a 1200x630 picture of a headline for the pages that have no lead image of their own,
so a link shared on a social network or in a chat shows the story, not an empty grey box.

Drawn with Pillow in the site's own colours (herald/web/static/herald.css): the site's name over a double
rule, the section, the headline as large as it fits, and the publisher and date under a rule. Fonts are the
machine's TrueType fonts (Debian's DejaVu), picked per text so that a headline in Arabic or Greek gets a face
that has its letters, and Pillow's built-in font when none is installed: a card is always drawn. A script no
installed font covers (Chinese, Japanese or Korean on a machine without a CJK font) shows as boxes.

Drawing costs tens of milliseconds of CPU: callers run :meth:`Cards.png` in a worker thread, and the bytes
of the cards drawn last are kept, keyed by everything drawn on them.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

CARD_WIDTH = 1200
CARD_HEIGHT = 630
CARD_MEDIA_TYPE = "image/png"
CACHED_CARDS = 256  # ~30 KB each

# herald.css, light theme
BACKGROUND = "#fbfaf6"
INK = "#191917"
MUTED = "#5b5850"
RULE = "#dcd8cd"
ACCENT = "#9b1c1c"

MARGIN = 80
TEXT_WIDTH = CARD_WIDTH - 2 * MARGIN
HEADLINE_TOP = 196  # below the masthead and the kicker
HEADLINE_BOTTOM = 516  # above the foot rule
HEADLINE_SIZES = (68, 62, 56, 50, 45, 40)
LINE_SPACING = 1.2
MAX_HEADLINE_CHARS = 300  # a longer "headline" is a feed's mistake; the card shows its start
ELLIPSIS = "…"
# Bumped when the design changes, so cached cards (here and in browsers, through the ETag) are redrawn.
DESIGN_VERSION = "1"

# Faces tried in order for each text: the first that has every letter of it is used. File names are found
# in the system's font folders by Pillow; DejaVu is Debian's fonts-dejavu-core, installed almost everywhere.
SERIF_BOLD = (
    "DejaVuSerif-Bold.ttf",
    "DejaVuSans-Bold.ttf",  # Arabic, Hebrew, Armenian, Georgian... which DejaVu Serif lacks
    "NotoSerifCJK-Bold.ttc",
    "NotoSansCJK-Bold.ttc",
    "DroidSansFallbackFull.ttf",
    "LiberationSerif-Bold.ttf",
)
SANS = (
    "DejaVuSans.ttf",
    "NotoSansCJK-Regular.ttc",
    "DroidSansFallbackFull.ttf",
    "LiberationSans-Regular.ttf",
)
SANS_BOLD = ("DejaVuSans-Bold.ttf", "NotoSansCJK-Bold.ttc", "DroidSansFallbackFull.ttf", *SANS)


@dataclass(frozen=True, slots=True)
class Faces:
    """The font files tried for each kind of text, best first."""

    headline: tuple[str, ...] = SERIF_BOLD  # and the site's name
    strong: tuple[str, ...] = SANS_BOLD  # the kicker and the publisher
    text: tuple[str, ...] = SANS  # the date


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
_SPACE = re.compile(r"\s+")
_PROBE_SIZE = 24


@dataclass(frozen=True, slots=True)
class Card:
    """What one card shows, as display text (the caller formats the date in the site's words)."""

    headline: str
    credit: str  # the publisher, or a story's "5 articles from 3 publishers"
    date: str  # "4 March 2026"
    site_name: str
    kicker: str | None = None  # the section, or "Full coverage"

    @property
    def digest(self) -> str:
        """Names this picture: equal digests draw equal cards (an ETag and the cache key)."""
        fields = (DESIGN_VERSION, self.headline, self.credit, self.date, self.site_name, self.kicker or "")
        return hashlib.sha256("\x00".join(fields).encode("utf-8", "replace")).hexdigest()[:32]


def plain(text: str) -> str:
    """One line of drawable text: controls and line breaks become spaces, runs of space one."""
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return _SPACE.sub(" ", cleaned).strip()


def right_to_left(text: str) -> bool:
    """Whether the text's first strong letter is Arabic or Hebrew (and the like): its lines align right."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


class _Fonts:
    """Fonts by face and size, loaded once, and which letters each face has."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[tuple[str, int], Font | None] = {}
        self._covers: dict[str, dict[str, bool]] = {}
        self._notdef: dict[str, bytes] = {}

    def _load(self, name: str, size: int) -> Font | None:
        key = (name, size)
        with self._lock:
            if key in self._loaded:
                return self._loaded[key]
        try:
            font: Font | None = ImageFont.truetype(name, size)
        except OSError:  # not installed here
            font = None
        with self._lock:
            self._loaded[key] = font
        return font

    def _has(self, name: str, probe: Font, char: str) -> bool:
        """Whether the face draws ``char`` as itself rather than as its missing-letter box."""
        with self._lock:
            known = self._covers.setdefault(name, {}).get(char)
            notdef = self._notdef.get(name)
        if known is not None:
            return known
        if notdef is None:
            notdef = bytes(probe.getmask("\uffff"))
            with self._lock:
                self._notdef[name] = notdef
        has = bytes(probe.getmask(char)) != notdef
        with self._lock:
            self._covers[name][char] = has
        return has

    def _missing(self, name: str, text: str) -> int:
        probe = self._load(name, _PROBE_SIZE)
        if probe is None:
            return len(text) + 1
        letters = {c for c in text if unicodedata.category(c)[0] not in ("Z", "C", "M")}
        return sum(1 for c in letters if not self._has(name, probe, c))

    def face_for(self, text: str, faces: Sequence[str]) -> str | None:
        """The first installed face that has every letter of ``text``, else the one missing fewest; None
        when no face of the list is installed."""
        best: tuple[int, str] | None = None
        for name in faces:
            missing = self._missing(name, text)
            if missing == 0:
                return name
            if missing <= len(text) and (best is None or missing < best[0]):
                best = (missing, name)
        return best[1] if best is not None else None

    def get(self, face: str | None, size: int) -> Font:
        font = self._load(face, size) if face is not None else None
        if font is not None:
            return font
        return ImageFont.load_default(size=size)


def _width(draw: ImageDraw.ImageDraw, text: str, font: Font) -> float:
    return draw.textlength(text, font=font)


def _break_word(draw: ImageDraw.ImageDraw, word: str, font: Font, width: float) -> list[str]:
    """A word wider than the line, in pieces that fit: for long compounds and URLs, and for scripts written
    without spaces (Chinese, Japanese), where every character is a place to break."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and _width(draw, current + char, font) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``, broken between words where it can be."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if _width(draw, candidate, font) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if _width(draw, word, font) <= width:
            current = word
        else:
            *whole, current = _break_word(draw, word, font, width)
            lines.extend(whole)
    if current:
        lines.append(current)
    return lines


def _shorten(draw: ImageDraw.ImageDraw, line: str, font: Font, width: float) -> str:
    """The line cut so that it ends with an ellipsis and still fits."""
    while line and _width(draw, line.rstrip() + ELLIPSIS, font) > width:
        line = line[:-1]
    return line.rstrip(" ,;:—-") + ELLIPSIS


def fit_headline(
    draw: ImageDraw.ImageDraw, fonts: _Fonts, headline: str, face: str | None
) -> tuple[Font, list[str], int]:
    """The largest size at which the headline fits its box; at the smallest, the lines that fit, the last
    one ending in an ellipsis. Returns the font, the lines and the line height."""
    height = HEADLINE_BOTTOM - HEADLINE_TOP
    for size in HEADLINE_SIZES:
        font = fonts.get(face, size)
        line_height = round(size * LINE_SPACING)
        lines = wrap(draw, headline, font, TEXT_WIDTH)
        if len(lines) * line_height <= height:
            return font, lines, line_height
    room = max(1, height // line_height)
    if len(lines) > room:
        lines = [*lines[: room - 1], _shorten(draw, lines[room - 1], font, TEXT_WIDTH)]
    return font, lines, line_height


class Cards:
    """Draws cards and keeps the bytes of the last :data:`CACHED_CARDS`; safe to call from threads."""

    def __init__(self, *, cached: int = CACHED_CARDS, faces: Faces = Faces()) -> None:
        self._fonts = _Fonts()
        self._faces = faces
        self._cached = max(1, cached)
        self._lock = threading.Lock()
        self._pngs: OrderedDict[str, bytes] = OrderedDict()

    def ready(self, card: Card) -> bytes | None:
        """The card's bytes if drawn lately, without drawing: cheap enough for the event loop."""
        with self._lock:
            png = self._pngs.get(card.digest)
            if png is not None:
                self._pngs.move_to_end(card.digest)
            return png

    def png(self, card: Card) -> bytes:
        """The card as PNG bytes, drawn now unless drawn lately."""
        png = self.ready(card)
        if png is not None:
            return png
        png = self.draw(card)
        with self._lock:
            self._pngs[card.digest] = png
            while len(self._pngs) > self._cached:
                self._pngs.popitem(last=False)
        return png

    def draw(self, card: Card) -> bytes:
        image = Image.new("RGB", (CARD_WIDTH, CARD_HEIGHT), BACKGROUND)
        draw = ImageDraw.Draw(image)
        fonts = self._fonts
        faces = self._faces

        draw.rectangle((0, 0, CARD_WIDTH, 12), fill=ACCENT)

        # The masthead: the site's name over the double rule the site's section bar wears.
        site_name = plain(card.site_name)[:80]
        name_font = fonts.get(fonts.face_for(site_name, faces.headline), 40)
        if _width(draw, site_name, name_font) > TEXT_WIDTH:
            site_name = _shorten(draw, site_name, name_font, TEXT_WIDTH)
        self._text(draw, (MARGIN, 52), site_name, name_font, INK)
        draw.rectangle((MARGIN, 116, CARD_WIDTH - MARGIN, 117), fill=INK)
        draw.rectangle((MARGIN, 121, CARD_WIDTH - MARGIN, 122), fill=INK)

        kicker = plain(card.kicker or "")[:80].upper()
        if kicker:
            kicker_font = fonts.get(fonts.face_for(kicker, faces.strong), 26)
            if _width(draw, kicker, kicker_font) > TEXT_WIDTH:
                kicker = _shorten(draw, kicker, kicker_font, TEXT_WIDTH)
            self._text(draw, (MARGIN, 146), kicker, kicker_font, ACCENT, rtl=right_to_left(kicker))

        headline = plain(card.headline)
        if len(headline) > MAX_HEADLINE_CHARS:
            headline = headline[:MAX_HEADLINE_CHARS].rstrip() + ELLIPSIS
        font, lines, line_height = fit_headline(
            draw, fonts, headline, fonts.face_for(headline, faces.headline)
        )
        rtl = right_to_left(headline)
        for number, line in enumerate(lines):
            self._text(draw, (MARGIN, HEADLINE_TOP + number * line_height), line, font, INK, rtl=rtl)

        # The foot: who and when, at opposite ends, so a right-to-left name and a date never mix in one run.
        draw.rectangle((MARGIN, 540, CARD_WIDTH - MARGIN, 541), fill=RULE)
        date = plain(card.date)[:60]
        date_font = fonts.get(fonts.face_for(date, faces.text), 28)
        date_width = _width(draw, date, date_font)
        credit = plain(card.credit)[:200]
        credit_font = fonts.get(fonts.face_for(credit, faces.strong), 28)
        room = TEXT_WIDTH - date_width - 40
        if _width(draw, credit, credit_font) > room:
            credit = _shorten(draw, credit, credit_font, room)
        credit_rtl = right_to_left(credit)
        self._text(draw, (MARGIN, 562), credit, credit_font, INK, rtl=credit_rtl)
        self._text(draw, (MARGIN, 562), date, date_font, MUTED, rtl=not credit_rtl)

        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()

    @staticmethod
    def _text(
        draw: ImageDraw.ImageDraw,
        at: tuple[int, int],
        text: str,
        font: Font,
        fill: str,
        *,
        rtl: bool = False,
    ) -> None:
        x, y = at
        if rtl:
            x = round(CARD_WIDTH - MARGIN - _width(draw, text, font))
        draw.text((x, y), text, font=font, fill=fill)
