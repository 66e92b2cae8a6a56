"""Stories split into several sibling containers (one per chunk between adverts), of which trafilatura keeps
only the first.

Sites built this way give every chunk the same tag and class. When the container of the extracted text has
look-alike cousins nearby (same tag and class, a common ancestor a few levels up, inside the same
``<article>``), their paragraphs belong to the story too.
"""

from __future__ import annotations

import re

from lxml import etree

from herald.extract._boilerplate import is_list_header

_SPACES = re.compile(r"\s+")
_TEXT_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote")
# How far up the common ancestor of two chunks may be.
_MAX_LEVELS = 3
# A paragraph this long identifies its place in the page without doubt.
_ANCHOR_CHARS = 80


def _text(el: etree._Element) -> str:
    return _SPACES.sub(" ", "".join(el.itertext())).strip()


def _find_container(root: etree._Element, paragraphs: tuple[str, ...]) -> etree._Element | None:
    anchors = {p for p in paragraphs if len(p) >= _ANCHOR_CHARS}
    if not anchors:
        return None
    for el in root.iter("p"):
        if _text(el) in anchors:
            parent = el.getparent()
            return parent if parent is not None and parent.get("class") else None
    return None


def _under_list_header(item: etree._Element) -> bool:
    """An item of a list headed "More stories" or the like: links to other stories, whatever its markup."""
    lst = item.getparent()
    previous = lst.getprevious() if lst is not None else None
    return previous is not None and is_list_header(_text(previous))


def _article_of(el: etree._Element) -> etree._Element | None:
    for ancestor in el.iterancestors("article"):
        return ancestor
    return None


def _cousins(container: etree._Element) -> list[etree._Element]:
    key = (container.tag, container.get("class"))
    article = _article_of(container)
    top = container
    for _ in range(_MAX_LEVELS):
        parent = top.getparent()
        if parent is None or parent is article:
            break
        top = parent
    return [
        el
        for el in top.iter(container.tag)
        if (el.tag, el.get("class")) == key and _article_of(el) is article
    ]


def sibling_chunks(root: etree._Element, paragraphs: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Paragraphs of the story's other chunks that come before and after the extracted ones."""
    container = _find_container(root, paragraphs)
    if container is None:
        return [], []
    chunks = _cousins(container)
    if len(chunks) < 2:
        return [], []
    known = set(paragraphs)
    before: list[str] = []
    after: list[str] = []
    target = before
    for chunk in chunks:
        if chunk is container:
            target = after
            continue
        for block in chunk.iter(*_TEXT_BLOCKS):
            if block.getparent() is not None and block.getparent().tag in ("li", "blockquote"):
                continue
            if block.tag == "li" and _under_list_header(block):
                continue
            text = _text(block)
            if text and text not in known:
                known.add(text)
                target.append(text)
    return before, after
