"""The article as the feed itself carries it, for when the page cannot be fetched or read.

Feeds' ``content:encoded`` is publisher HTML with the same boilerplate as pages (share links, "The post ...
appeared first on ..."), so it goes through the same cleaning.
"""

from __future__ import annotations

import re
from datetime import datetime

from lxml import etree, html

from herald.errors import ExtractError
from herald.extract._boilerplate import clean_paragraphs
from herald.models import ExtractedArticle

_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "pre",
        "tr",
        "dd",
        "dt",
        "header",
        "footer",
        "ul",
        "ol",
        "dl",
        "table",
        "hr",
        "br",
        "main",
        "aside",
        "address",
    ]
)
_SKIPPED = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "svg", "figcaption", "button"}
)
_MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>")
_SPACES = re.compile(r"\s+")
# WordPress and friends append this to every item of their feeds.
_APPEARED_FIRST = re.compile(r"^the post .{1,300} appeared first on .{1,200}$", re.IGNORECASE)


def html_paragraphs(markup: str) -> list[str]:
    """Block-level text of an HTML fragment, one string per paragraph, line breaks splitting them too."""
    if not _MARKUP.search(markup):
        return [
            p
            for p in (_SPACES.sub(" ", part).strip() for part in re.split(r"\n\s*\n|\r\n\s*\r\n", markup))
            if p
        ]
    try:
        root = html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    paragraphs: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = _SPACES.sub(" ", "".join(buffer)).strip()
        if text:
            paragraphs.append(text)
        buffer.clear()

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIPPED or not tag:  # comments and processing instructions too: keep only their tail
            if node is not root:
                buffer.append(node.tail or "")
            return
        block = tag in _BLOCKS
        if block:
            flush()
        buffer.append(node.text or "")
        for child in node:
            walk(child)
        if block:
            flush()
        if node is not root:
            buffer.append(node.tail or "")

    walk(root)
    flush()
    return paragraphs


def article_from_feed(
    *,
    title: str,
    content_html: str | None,
    summary: str,
    url: str,
    authors: tuple[str, ...] = (),
    published: datetime | None = None,
    image_url: str | None = None,
    language: str | None = None,
) -> ExtractedArticle:
    """The feed's full content when it has any, else its summary, cleaned like a page's body."""
    paragraphs: tuple[str, ...] = ()
    for source in (content_html, summary):
        if source and source.strip():
            found = [p for p in html_paragraphs(source) if not _APPEARED_FIRST.match(p)]
            paragraphs = clean_paragraphs(found)
            if paragraphs and [t.lower() for t in paragraphs] == [title.strip().lower()]:
                paragraphs = ()  # the "content" is only the headline again
            if paragraphs:
                break
    if not paragraphs:
        raise ExtractError(f"The feed gives no text for {url}: neither content nor summary")
    return ExtractedArticle(
        title=title,
        paragraphs=paragraphs,
        canonical_url=None,
        authors=authors,
        published=published,
        image_url=image_url,
        language=language,
        method="feed",
    )
