"""Page bytes to text: the charset the server named, else the page's own declaration, else a guess."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Hostile or broken pages can be huge; an article's text is always near the top, so the rest is dropped.
MAX_HTML_BYTES = 3_000_000

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        found = codecs.lookup(name.strip().strip("\"'"))
    except LookupError:
        return None
    # HTML's rule: a page labelled latin-1 or ascii is read as windows-1252, a superset that browsers use.
    if found.name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return found.name


def _try(data: bytes, codec: str) -> str | None:
    """Strict decoding; a multi-byte character cut by the size cap at the very end does not count."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 4:
            return data[: exc.start].decode(codec, errors="replace")
        return None
    except LookupError:
        return None


def decode_html(html: bytes | str, charset: str | None = None) -> str:
    if isinstance(html, str):
        text = html[:MAX_HTML_BYTES]
    else:
        data = html[:MAX_HTML_BYTES]
        text = _decode_bytes(data, charset)
    # lxml refuses a str that still carries an XML encoding declaration
    return _XML_DECLARATION.sub("", text, count=1).replace("\x00", "")


def _decode_bytes(data: bytes, charset: str | None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    declared = _META_CHARSET.search(data[:4096])
    candidates = [_codec(charset), _codec(declared.group(1).decode("ascii")) if declared else None, "utf-8"]
    for candidate in candidates:
        if candidate:
            text = _try(data, candidate)
            if text is not None:
                return text
    guess = from_bytes(data[:200_000]).best()
    guessed = _codec(guess.encoding) if guess is not None else None
    return data.decode(guessed or "utf-8", errors="replace")
