"""Small conversions shared by the RSS/Atom and JSON Feed readers: markup to plain text, dates, links."""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Publishers' clocks and time-zone bugs put items a few hours ahead; more than this is a bogus date.
FUTURE_TOLERANCE = timedelta(days=1)

_WHITESPACE = re.compile(r"\s+")
_LOOKS_LIKE_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)
_SKIPPED_TAGS = frozenset(("script", "style", "template", "noscript"))


class _TextCollector(HTMLParser):
    """Keeps the text nodes, with a space where a block element would break the line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment on one line; entities decoded, scripts and styles dropped."""
    if not markup:
        return ""
    collector = _TextCollector()
    try:
        collector.feed(markup)
        collector.close()
    except Exception:  # HTMLParser is lenient, but a pathological fragment must not sink the whole feed
        return collapse(html.unescape(re.sub(r"<[^>]*>", " ", markup)))
    return collapse("".join(collector.parts))


def plain_text(value: str | None, content_type: str | None = None) -> str:
    """Feeds mark titles as text but often put markup or escaped entities in them anyway."""
    if not value:
        return ""
    if (content_type and "html" in content_type) or _LOOKS_LIKE_MARKUP.search(value):
        return html_to_text(value)
    return collapse(value)


def text_to_html(text: str) -> str:
    """Plain-text content as paragraphs, so later stages can treat every feed content as HTML."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def http_url(candidate: object, base: str) -> str | None:
    """An absolute http(s) URL, resolved against ``base``; None for anything a browser should not follow."""
    if not isinstance(candidate, str):
        return None
    value = candidate.strip()
    if not value:
        return None
    try:
        absolute = urljoin(base, value)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(ch.isspace() for ch in absolute):
        absolute = absolute.replace(" ", "%20")
        if any(ch.isspace() for ch in absolute):
            return None
    return absolute


def from_struct_time(value: object) -> datetime | None:
    """feedparser hands over dates as UTC ``struct_time``."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def from_text(value: object) -> datetime | None:
    """RFC 3339 (what JSON Feed requires) first, then RFC 822 (what some JSON feeds use anyway)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # a date with no zone is read as UTC, like feedparser does
    try:
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


# Month names that feedparser's RFC 822 parser does not know (pt, es, it, fr, de, nl), by their first letters.
_MONTHS = {
    **dict.fromkeys(("jan", "ene", "gen", "jän", "janv"), 1),
    **dict.fromkeys(("feb", "fev", "fév", "févr"), 2),
    **dict.fromkeys(("mar", "mär", "mrt", "mars"), 3),
    **dict.fromkeys(("apr", "abr", "avr"), 4),
    **dict.fromkeys(("may", "mai", "mag", "mei"), 5),
    **dict.fromkeys(("jun", "giu", "juin"), 6),
    **dict.fromkeys(("jul", "lug", "juil"), 7),
    **dict.fromkeys(("aug", "ago", "aoû", "aou"), 8),
    **dict.fromkeys(("sep", "set"), 9),
    **dict.fromkeys(("oct", "okt", "out", "ott"), 10),
    **dict.fromkeys(("nov",), 11),
    **dict.fromkeys(("dec", "dez", "dic", "déc"), 12),
}
_LOCALIZED_RFC822 = re.compile(
    r"^\s*(?:[^\W\d]+\.?,?\s+)?(\d{1,2})\.?\s+([^\W\d]+)\.?\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*(?:([+-])(\d{2}):?(\d{2})|GMT|UTC|UT|Z)?\s*$",
    re.IGNORECASE,
)


def from_localized_rfc822(value: object) -> datetime | None:
    """'mer, 16 nov 2022 00:38:15 +0100': RFC 822 with day and month names in the feed's own language."""
    if not isinstance(value, str):
        return None
    match = _LOCALIZED_RFC822.match(value)
    if not match:
        return None
    day, month_name, year, hour, minute, second, sign, off_h, off_m = match.groups()
    name = month_name.casefold()
    month = _MONTHS.get(name[:4]) or _MONTHS.get(name[:3])
    if month is None:
        return None
    try:
        moment = datetime(int(year), month, int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC)
    except ValueError:
        return None
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        moment = moment - offset if sign == "+" else moment + offset
    return moment


def not_in_future(value: datetime | None, now: datetime) -> datetime | None:
    """A date more than a day ahead is a publisher bug; we drop it rather than pin the item to the top."""
    if value is None or value > now + FUTURE_TOLERANCE:
        return None
    return value


def language_tag(value: object) -> str | None:
    """BCP 47 case: ``en_us`` and ``EN-us`` both become ``en-US``."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace("_", "-")
    if not text or len(text) > 35 or not re.fullmatch(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*", text):
        return None
    parts = text.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2:
            out.append(part.upper())
        elif len(part) == 4:
            out.append(part.title())
        else:
            out.append(part.lower())
    return "-".join(out)


def unique(values: list[str]) -> tuple[str, ...]:
    """Order kept; the first spelling of case-insensitive duplicates wins."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            out.append(value)
    return tuple(out)
