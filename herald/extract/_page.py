"""An article page to an :class:`ExtractedArticle`: trafilatura finds the body, we clean it and add metadata.

Trafilatura runs in precision mode first (it scored best on the public benchmark). When that leaves next to
nothing after cleaning, a page usually has its story in an unusual container, so the balanced and then the
recall-oriented modes get a chance; one of them wins only with a much longer clean result. Stories split
into look-alike chunk containers get their other chunks back (see ``_chunks``).
"""

from __future__ import annotations

import re
from typing import Any

import trafilatura
from lxml import etree

from herald.errors import ExtractError
from herald.extract._body import body_paragraphs, link_texts
from herald.extract._boilerplate import clean_paragraphs
from herald.extract._chunks import sibling_chunks
from herald.extract._decode import decode_html
from herald.extract._metadata import PageMetadata, page_metadata, parse_datetime
from herald.models import ExtractedArticle

# Below this many characters a "body" is a caption, a teaser or an error page, not an article.
MIN_ARTICLE_CHARS = 80
# Below this, precision mode probably missed the story and the other modes are worth their time.
_RETRY_BELOW_CHARS = 400
_SWITCH_FACTOR = 2
# (favor_precision, favor_recall): precision first, then trafilatura's balanced and recall-oriented modes.
_MODES: tuple[tuple[bool, bool], ...] = ((True, False), (False, False), (False, True))
# News pages have a few thousand elements; past this, the inline ones are unwrapped, and then we give up.
MAX_ELEMENTS = 30_000
_INLINE = (
    "span",
    "font",
    "b",
    "i",
    "em",
    "strong",
    "small",
    "u",
    "s",
    "abbr",
    "mark",
    "sub",
    "sup",
    "code",
    "tt",
)
_TOKENS = re.compile(r"\w+")
_NO_TEXT = "No article text found on the page"
_SITE_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,40}$")


def _slim(root: etree._Element) -> None:
    """Trafilatura's time grows fast with the element count; hostile pages pile up tiny inline elements."""
    if sum(1 for _ in root.iter()) <= MAX_ELEMENTS:
        return
    etree.strip_tags(root, *_INLINE)
    count = sum(1 for _ in root.iter())
    if count > MAX_ELEMENTS:
        raise ExtractError(f"The page has {count:,} HTML elements, too many for an article page")


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKENS.findall(text)]


def _run(root: etree._Element, url: str, mode: tuple[bool, bool]) -> Any:
    return trafilatura.bare_extraction(
        root,
        url=url,
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_images=False,
        include_formatting=False,
        with_metadata=True,
        favor_precision=mode[0],
        favor_recall=mode[1],
    )


def _drop_title(paragraphs: tuple[str, ...], title: str | None) -> tuple[str, ...]:
    """The headline repeated as the body's first line."""
    if not title or not paragraphs:
        return paragraphs
    # page titles often carry the site's name after a separator: "Headline - Site.com"
    wanted = [_tokens(title), _tokens(_SITE_SUFFIX.sub("", title))]
    out = list(paragraphs)
    for i, para in enumerate(out[:3]):
        if _tokens(para) in wanted:
            del out[i]
            break
    return tuple(out)


def _body(document: Any, title: str | None, links: frozenset[str]) -> tuple[str, ...]:
    if document is None or document.body is None:
        return ()
    return _drop_title(clean_paragraphs(body_paragraphs(document.body, links)), title)


def _chars(paragraphs: tuple[str, ...]) -> int:
    return sum(len(p) for p in paragraphs)


def _split_authors(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    names = [name.strip() for name in re.split(r";|\s+and\s+|\s*&\s*", raw)]
    return tuple(dict.fromkeys(n for n in names if n and len(n) <= 100))


def _assemble(document: Any, paragraphs: tuple[str, ...], meta: PageMetadata) -> ExtractedArticle:
    title = (document.title if document is not None else None) or meta.title or ""
    published = meta.published or parse_datetime(document.date if document is not None else None)
    return ExtractedArticle(
        title=title,
        paragraphs=paragraphs,
        canonical_url=meta.canonical_url,
        authors=_split_authors(document.author if document is not None else None) or meta.authors,
        published=published,
        image_url=meta.image_url or (document.image if document is not None else None),
        image_caption=meta.image_caption,
        language=meta.language or (document.language if document is not None else None),
        site_name=meta.site_name or (document.sitename if document is not None else None),
        description=meta.description or (document.description if document is not None else None),
        method="page",
    )


def extract_article(html: bytes | str, *, url: str, charset: str | None = None) -> ExtractedArticle:
    """The clean article in a page, or ExtractError when the page holds no article text."""
    text = decode_html(html, charset)
    if not text.strip():
        raise ExtractError("The page is empty")
    try:
        root = trafilatura.load_html(text)
    except Exception as exc:  # lxml and trafilatura raise many kinds on broken input
        raise ExtractError(f"The page is not readable HTML: {exc}") from exc
    if root is None:
        raise ExtractError("The page is not readable HTML")
    _slim(root)
    try:
        meta = page_metadata(root, url)
        links = link_texts(root)
        best_doc: Any = None
        best: tuple[str, ...] = ()
        for mode in _MODES:
            document = _run(root, url, mode)
            title = (document.title if document is not None else None) or meta.title
            paragraphs = _body(document, title, links)
            # another mode's answer must be much longer to beat precision's: a little more is usually a teaser
            if best_doc is None or _chars(paragraphs) > _SWITCH_FACTOR * _chars(best):
                best_doc, best = document, paragraphs
            if _chars(best) >= _RETRY_BELOW_CHARS:
                break
        before, after = sibling_chunks(root, best)
        if before or after:
            best = (*clean_paragraphs(before), *best, *clean_paragraphs(after))
    except ExtractError:
        raise
    except Exception as exc:
        raise ExtractError(
            f"Article extraction failed on this page: {exc.__class__.__name__}: {exc}"
        ) from exc
    if _chars(best) < MIN_ARTICLE_CHARS:
        raise ExtractError(_NO_TEXT)
    return _assemble(best_doc, best, meta)
