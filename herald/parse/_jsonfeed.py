"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), which feedparser 6 does not read."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from herald.errors import ParseError
from herald.models import FeedItem, ParsedFeed
from herald.parse._text import (
    collapse,
    from_text,
    http_url,
    language_tag,
    not_in_future,
    plain_text,
    text_to_html,
    truncate,
    unique,
)
from herald.parse._warning import describe

JSON_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/"
SUMMARY_LIMIT = 600


def looks_like_json(body: bytes, content_type: str | None) -> bool:
    """The body's first character decides; the server's label only when that says nothing."""
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return True
    if head.startswith(b"<"):
        return False
    return bool(content_type and "json" in content_type)


def read_json_feed(body: bytes, *, url: str, charset: str | None, now: datetime) -> ParsedFeed:
    data = _load(body, charset)
    if not isinstance(data, dict):
        raise ParseError("This address returned JSON, but not a JSON Feed (the top level is not an object)")
    version = data.get("version")
    if not isinstance(version, str) or not version.startswith(JSON_FEED_VERSION_PREFIX):
        raise ParseError("This address returned JSON, but not a JSON Feed (no jsonfeed.org version field)")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise ParseError("The JSON Feed has no list of items")

    feed_language = language_tag(data.get("language"))
    feed_authors = _authors(data)
    items: list[FeedItem] = []
    skipped = 0
    for raw in raw_items:
        item = _item(raw, url=url, now=now, feed_language=feed_language, feed_authors=feed_authors)
        if item is None:
            skipped += 1
        else:
            items.append(item)
    return ParsedFeed(
        title=plain_text(_str(data.get("title"))) or url,
        home_url=http_url(data.get("home_page_url"), url),
        language=feed_language,
        ttl_minutes=None,
        items=tuple(items),
        warning=describe(None, kept=len(items), skipped=skipped),
        icon_url=http_url(data.get("favicon"), url) or http_url(data.get("icon"), url),
    )


def _load(body: bytes, charset: str | None) -> Any:
    try:
        if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
            return json.loads(body.decode(charset))
        return json.loads(body)
    except LookupError as exc:
        raise ParseError(f"The server declared an unknown character encoding {charset!r}") from exc
    except UnicodeDecodeError as exc:
        raise ParseError(f"The JSON Feed is not valid {exc.encoding} text") from exc
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"The JSON Feed is not valid JSON ({exc})") from exc


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _authors(obj: dict[str, Any]) -> tuple[str, ...]:
    """1.1 has an ``authors`` list; 1.0 had a single ``author``."""
    raw = obj.get("authors")
    entries = raw if isinstance(raw, list) else [obj.get("author")]
    names = [plain_text(entry.get("name")) for entry in entries if isinstance(entry, dict)]
    return unique([name for name in names if name])


def _item(
    raw: object, *, url: str, now: datetime, feed_language: str | None, feed_authors: tuple[str, ...]
) -> FeedItem | None:
    if not isinstance(raw, dict):
        return None
    raw_id = raw.get("id")
    guid = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
    link = http_url(raw.get("url"), url) or http_url(raw.get("external_url"), url)
    if link is None and guid and guid.lower().startswith(("http://", "https://")):
        link = http_url(guid, url)  # many feeds use the permalink as the id
    if link is None:
        return None
    content_html = _str(raw.get("content_html")) or None
    content_text = _str(raw.get("content_text")) or ""
    if content_html is None and content_text.strip():
        content_html = text_to_html(content_text)
    summary = plain_text(_str(raw.get("summary")))
    if not summary:
        summary = truncate(collapse(content_text) or plain_text(content_html, "text/html"), SUMMARY_LIMIT)
    image = http_url(raw.get("image"), url) or http_url(raw.get("banner_image"), url)
    if image is None:
        for attachment in raw.get("attachments") or []:
            if isinstance(attachment, dict) and str(attachment.get("mime_type", "")).startswith("image/"):
                image = http_url(attachment.get("url"), url)
                if image:
                    break
    tags = raw.get("tags")
    categories = [plain_text(t) for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
    return FeedItem(
        url=link,
        guid=guid,
        title=plain_text(_str(raw.get("title"))) or truncate(summary, 120),
        summary=summary,
        content_html=content_html,
        authors=_authors(raw) or feed_authors,
        published=not_in_future(from_text(raw.get("date_published")), now),
        updated=not_in_future(from_text(raw.get("date_modified")), now),
        image_url=image,
        categories=unique(categories),
        language=language_tag(raw.get("language")) or feed_language,
    )
