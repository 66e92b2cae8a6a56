"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through feedparser, mapped onto Herald's ParsedFeed."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from herald.errors import ParseError
from herald.models import FeedItem, ParsedFeed
from herald.parse._text import (
    from_localized_rfc822,
    from_struct_time,
    http_url,
    language_tag,
    not_in_future,
    plain_text,
    text_to_html,
    truncate,
    unique,
)
from herald.parse._warning import bozo_problem, describe, is_syntax_error

SUMMARY_LIMIT = 600
MAX_TTL_MINUTES = 60 * 24 * 30
_SY_PERIOD_MINUTES = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}
_IMAGE_EXTENSIONS = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|\?)", re.IGNORECASE)
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S
)
_HTML_ANYWHERE = re.compile(rb"<(?:html|head|body)[\s>]|<!doctype\s+html", re.IGNORECASE)
# Servers label UTF-8 documents with these by default; a valid non-ASCII UTF-8 body is not in them.
_DEFAULT_CHARSETS = frozenset(("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252"))


def starts_like_html(body: bytes) -> bool:
    return bool(_HTML_START.match(body[:4096]))


def _looks_like_html(body: bytes, content_type: str | None) -> bool:
    """Only asked once feedparser found no feed, so markup quoted inside a feed cannot mislead it."""
    return starts_like_html(body) or (
        content_type in ("text/html", "application/xhtml+xml") or bool(_HTML_ANYWHERE.search(body[:4096]))
    )


def _charset_to_trust(body: bytes, charset: str | None) -> str | None:
    if not charset or charset.lower() not in _DEFAULT_CHARSETS or body.isascii():
        return charset
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return charset
    return None


def read_xml_feed(body: bytes, *, url: str, charset: str | None) -> feedparser.FeedParserDict:
    # application/xml, whatever the server said: text/xml would make feedparser assume US-ASCII (RFC 3023) and
    # warn about nearly every feed; the charset parameter, which is what matters, is passed on.
    trusted = _charset_to_trust(body, charset)
    stripped = body.lstrip(b" \t\r\n")
    if stripped.startswith(b"<"):
        body = stripped  # blank lines before <?xml ...?> are an XML error that only costs us a warning
    headers = {
        "content-type": f"application/xml; charset={trusted}" if trusted else "application/xml",
        "content-location": url,
    }
    try:
        return feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=True,
        )
    except Exception as exc:
        raise ParseError(f"The feed could not be read ({type(exc).__name__}: {exc})") from exc


def build_parsed_feed(
    parsed: feedparser.FeedParserDict, body: bytes, *, url: str, content_type: str | None, now: datetime
) -> ParsedFeed:
    feed: Mapping[str, Any] = parsed.get("feed") or {}
    entries: list[Any] = list(parsed.get("entries") or [])
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    version = parsed.get("version") or ""

    if not entries:
        _refuse_empty(body, content_type, version=version, exc=exc)

    feed_language = language_tag(feed.get("language"))
    items: list[FeedItem] = []
    skipped = 0
    for entry in entries:
        item = _item(entry, url=url, now=now, feed_language=feed_language)
        if item is None:
            skipped += 1
        else:
            items.append(item)

    title_detail = feed.get("title_detail") or {}
    image = feed.get("image") or {}
    return ParsedFeed(
        title=plain_text(feed.get("title"), title_detail.get("type")) or urlsplit(url).hostname or url,
        home_url=http_url(feed.get("link"), url),
        language=feed_language,
        ttl_minutes=_ttl_minutes(feed),
        items=tuple(items),
        warning=describe(bozo_problem(exc, body), kept=len(items), skipped=skipped),
        icon_url=http_url(feed.get("icon"), url)
        or http_url(image.get("href") if isinstance(image, Mapping) else None, url)
        or http_url(feed.get("logo"), url),
    )


def _refuse_empty(body: bytes, content_type: str | None, *, version: str, exc: BaseException | None) -> None:
    """No entries: fine for a well-formed feed that is empty today, an error for anything else."""
    if not version and _looks_like_html(body, content_type):
        raise ParseError("This address returned an HTML page, not a feed")
    if is_syntax_error(exc):
        problem = bozo_problem(exc, body) or "The feed is not well-formed"
        raise ParseError(f"{problem}, and no items could be read from it")
    if not version:
        raise ParseError("The document is not an RSS, Atom or JSON feed (no feed element was found)")


def _ttl_minutes(feed: Mapping[str, Any]) -> int | None:
    try:
        ttl = int(str(feed.get("ttl", "")).strip())
    except ValueError:
        ttl = 0
    if 0 < ttl <= MAX_TTL_MINUTES:
        return ttl
    period = _SY_PERIOD_MINUTES.get(str(feed.get("sy_updateperiod", "")).strip().lower())
    if period is None:
        return None
    try:
        frequency = int(str(feed.get("sy_updatefrequency", "1")).strip() or "1")
    except ValueError:
        frequency = 1
    return max(1, round(period / max(1, frequency)))


def _link(entry: Mapping[str, Any], url: str) -> str | None:
    found = http_url(entry.get("link"), url)
    if found:
        return found
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate":
            found = http_url(link.get("href"), url)
            if found:
                return found
    if entry.get("guidislink"):
        return http_url(entry.get("id"), url)
    return None


def _content_html(entry: Mapping[str, Any]) -> str | None:
    best: str | None = None
    for content in entry.get("content") or []:
        value = content.get("value")
        if not isinstance(value, str) or not value.strip():
            continue
        if "html" not in str(content.get("type", "text/html")):
            value = text_to_html(value)
        if best is None or len(value) > len(best):
            best = value
    return best


def _width(media: Mapping[str, Any]) -> int:
    try:
        return int(str(media.get("width", "0")))
    except ValueError:
        return 0


def _image(entry: Mapping[str, Any], url: str) -> str | None:
    """Media RSS first (largest), then thumbnails, then image enclosures, then iTunes artwork."""
    images = [
        m
        for m in entry.get("media_content") or []
        if m.get("medium") == "image"
        or str(m.get("type", "")).startswith("image/")
        or (not m.get("medium") and not m.get("type") and _IMAGE_EXTENSIONS.search(str(m.get("url", ""))))
    ]
    for group in (images, list(entry.get("media_thumbnail") or [])):
        for media in sorted(group, key=_width, reverse=True):
            found = http_url(media.get("url"), url)
            if found:
                return found
    for link in entry.get("links") or []:
        kind = str(link.get("type") or "")
        is_image = kind.startswith("image/") or (
            not kind and _IMAGE_EXTENSIONS.search(str(link.get("href", "")))
        )
        if link.get("rel") == "enclosure" and is_image:
            found = http_url(link.get("href"), url)
            if found:
                return found
    artwork = entry.get("image")
    if isinstance(artwork, Mapping):
        return http_url(artwork.get("href"), url)
    return None


def _authors(entry: Mapping[str, Any]) -> tuple[str, ...]:
    names = [plain_text(a.get("name")) for a in entry.get("authors") or [] if isinstance(a, Mapping)]
    if not any(names) and isinstance(entry.get("author"), str):
        names = [plain_text(entry["author"])]
    return unique([n for n in names if n])


def _item(entry: Mapping[str, Any], *, url: str, now: datetime, feed_language: str | None) -> FeedItem | None:
    link = _link(entry, url)
    if link is None:
        return None
    content_html = _content_html(entry)
    summary_detail = entry.get("summary_detail") or {}
    summary_type = str(summary_detail.get("type", "text/html"))
    raw_summary: str = entry["summary"] if isinstance(entry.get("summary"), str) else ""
    summary_text = plain_text(raw_summary, summary_type)
    if content_html is None and len(summary_text) > SUMMARY_LIMIT:
        # Many feeds carry the whole article in <description>; keep it as the item's content.
        content_html = raw_summary if "html" in summary_type else text_to_html(raw_summary)
    summary = truncate(summary_text or plain_text(content_html, "text/html"), SUMMARY_LIMIT)

    title_detail = entry.get("title_detail") or {}
    title = plain_text(entry.get("title"), title_detail.get("type")) or truncate(summary, 120)
    published = from_struct_time(entry.get("published_parsed")) or from_localized_rfc822(
        entry.get("published")
    )
    # dict.get: FeedParserDict.get("updated_parsed") quietly falls back to the publication date.
    updated = from_struct_time(dict.get(entry, "updated_parsed")) if isinstance(entry, dict) else None
    raw_id = entry.get("id")
    categories = [plain_text(t.get("label") or t.get("term")) for t in entry.get("tags") or []]
    return FeedItem(
        url=link,
        guid=raw_id.strip() or None if isinstance(raw_id, str) else None,
        title=title,
        summary=summary,
        content_html=content_html,
        authors=_authors(entry),
        published=not_in_future(published or updated, now),
        updated=not_in_future(updated, now),
        image_url=_image(entry, url),
        categories=unique([c for c in categories if c]),
        language=language_tag(entry.get("language"))
        or language_tag(title_detail.get("language"))
        or feed_language,
    )
