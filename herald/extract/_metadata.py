"""What a page says about its article in its head: canonical address, lead image, time, language, names.

Publishers' own declarations (Open Graph, Twitter cards, JSON-LD, ``<link rel=canonical>``) are read first
because they carry full timestamps and absolute addresses; trafilatura's findings fill the gaps.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from dateutil import parser as dateparser
from lxml import etree

_SPACES = re.compile(r"\s+")
_LANG = re.compile(r"^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$")
_MAX_CAPTION = 400
# A date before the web or far ahead of now is a template placeholder, not a publication time.
_EARLIEST_YEAR = 1995

_CANONICAL = ("link[@rel='canonical']/@href", "meta[@property='og:url']/@content")
_IMAGE = (
    "meta[@property='og:image:secure_url']/@content",
    "meta[@property='og:image:url']/@content",
    "meta[@property='og:image']/@content",
    "meta[@name='og:image']/@content",
    "meta[@name='twitter:image']/@content",
    "meta[@name='twitter:image:src']/@content",
    "meta[@property='twitter:image']/@content",
    "link[@rel='image_src']/@href",
)
_IMAGE_ALT = ("meta[@property='og:image:alt']/@content", "meta[@name='twitter:image:alt']/@content")
_PUBLISHED = (
    "meta[@property='article:published_time']/@content",
    "meta[@property='og:article:published_time']/@content",
    "meta[@name='article:published_time']/@content",
    "meta[@itemprop='datePublished']/@content",
    "meta[@name='pubdate']/@content",
    "meta[@name='publishdate']/@content",
    "meta[@name='parsely-pub-date']/@content",
    "meta[@name='sailthru.date']/@content",
    "meta[@name='dc.date.issued']/@content",
    "meta[@name='DC.date.issued']/@content",
    "meta[@name='date']/@content",
)
_SITE_NAME = ("meta[@property='og:site_name']/@content", "meta[@name='application-name']/@content")
_DESCRIPTION = (
    "meta[@property='og:description']/@content",
    "meta[@name='description']/@content",
    "meta[@name='twitter:description']/@content",
)
_TITLE = ("meta[@property='og:title']/@content", "meta[@name='twitter:title']/@content", "title/text()")
_AUTHOR = ("meta[@name='author']/@content", "meta[@property='article:author']/@content")


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None = None
    canonical_url: str | None = None
    image_url: str | None = None
    image_caption: str | None = None
    published: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = _SPACES.sub(" ", value).strip()
    return text or None


def _first(head: etree._Element, paths: tuple[str, ...]) -> str | None:
    for path in paths:
        for value in head.xpath(path):
            text = _clean(str(value))
            if text:
                return text
    return None


def absolute_url(base: str, candidate: str | None) -> str | None:
    """``candidate`` resolved against the page, or None when it is not a web address."""
    if not candidate:
        return None
    try:
        resolved = urljoin(base, candidate.strip())
        parts = urlsplit(resolved)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return resolved


def parse_datetime(value: str | None) -> datetime | None:
    """An aware UTC time from an ISO-like string; a zone-less time is taken as UTC."""
    if not value:
        return None
    try:
        parsed = dateparser.isoparse(value.strip())
    except (ValueError, OverflowError):
        try:
            parsed = dateparser.parse(value.strip())
        except (ValueError, OverflowError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    if parsed.year < _EARLIEST_YEAR or parsed.year > datetime.now(UTC).year + 1:
        return None
    return parsed


def _json_ld(root: etree._Element) -> Iterator[dict[str, Any]]:
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                yield node
                stack.extend(v for v in node.values() if isinstance(v, dict | list))
            elif isinstance(node, list):
                stack.extend(node)


def _published(root: etree._Element, head: etree._Element) -> datetime | None:
    found = parse_datetime(_first(head, _PUBLISHED))
    if found:
        return found
    for node in _json_ld(root):
        value = node.get("datePublished")
        if isinstance(value, str) and (found := parse_datetime(value)):
            return found
    for value in root.xpath(
        "//*[@itemprop='datePublished']/@datetime | //*[@itemprop='datePublished']/@content"
    ):
        if found := parse_datetime(str(value)):
            return found
    return None


def _language(root: etree._Element, head: etree._Element) -> str | None:
    candidates = [
        root.get("lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang"),
        _first(
            head, ("meta[@http-equiv='content-language']/@content", "meta[@property='og:locale']/@content")
        ),
    ]
    for raw in candidates:
        value = _clean(raw)
        if value:
            value = value.split(",")[0].strip().replace("_", "-")
            if _LANG.match(value):
                primary, _, rest = value.partition("-")
                return primary.lower() + (
                    "-" + rest.upper() if len(rest) == 2 else ("-" + rest if rest else "")
                )
    return None


def _figure(root: etree._Element, base: str) -> tuple[str | None, str | None]:
    """The first figure's image and caption, inside the article element when there is one."""
    scopes = root.xpath("//article") or [root]
    for figure in scopes[0].iter("figure"):
        for img in figure.iter("img"):
            src = img.get("src") or img.get("data-src")
            image = absolute_url(base, src)
            if image and not image.startswith("data:"):
                captions = figure.xpath(".//figcaption")
                caption = _clean("".join(captions[0].itertext())) if captions else None
                return image, caption
    return None, None


def _caption_for(root: etree._Element, image: str, base: str) -> str | None:
    """The figcaption of the figure showing the lead image, when the page has one."""
    name = urlsplit(image).path.rsplit("/", 1)[-1]
    if not name:
        return None
    for figure in root.iter("figure"):
        for img in figure.iter("img"):
            src = absolute_url(base, img.get("src") or img.get("data-src"))
            if src and urlsplit(src).path.rsplit("/", 1)[-1] == name:
                captions = figure.xpath(".//figcaption")
                return _clean("".join(captions[0].itertext())) if captions else None
    return None


def page_metadata(root: etree._Element, url: str) -> PageMetadata:
    heads = root.xpath("//head")
    head = heads[0] if heads else root
    base = absolute_url(url, _first(head, ("base/@href",))) or url
    image = absolute_url(base, _first(head, _IMAGE))
    caption: str | None = None
    if image:
        caption = _caption_for(root, image, base) or _first(head, _IMAGE_ALT)
    else:
        image, caption = _figure(root, base)
    if caption and len(caption) > _MAX_CAPTION:
        caption = caption[:_MAX_CAPTION].rsplit(" ", 1)[0] + "…"
    author = _first(head, _AUTHOR)
    authors = (author,) if author and not author.lower().startswith(("http:", "https:", "www.")) else ()
    return PageMetadata(
        title=_first(head, _TITLE),
        canonical_url=absolute_url(base, _first(head, _CANONICAL)),
        image_url=image,
        image_caption=caption,
        published=_published(root, head),
        language=_language(root, head),
        site_name=_first(head, _SITE_NAME),
        description=_first(head, _DESCRIPTION),
        authors=authors,
    )
