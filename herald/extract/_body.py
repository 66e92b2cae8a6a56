"""Trafilatura's XML body (``p``, ``head``, ``list/item``, ``quote``, ``table/row/cell``, ``lb``, ``ref``) as
a list of paragraphs.

We walk the tree ourselves rather than take trafilatura's plain text so that lists stay lists: a list whose
every item is the text of a link on the page is a "more stories" box, not part of the story. (Trafilatura's
own ``include_links`` would tell us too, but it changes which body trafilatura picks on some pages.)
"""

from __future__ import annotations

import re

from lxml import etree

_SPACES = re.compile(r"\s+")
_SKIPPED = frozenset({"graphic", "fig", "figure"})
BULLET = "• "
_HEADLINE_WORDS = 4


def _text(el: etree._Element) -> str:
    return _SPACES.sub(" ", "".join(el.itertext())).strip()


def link_texts(root: etree._Element) -> frozenset[str]:
    """The text of every link on the page, lower case, spaces collapsed."""
    return frozenset(
        text for a in root.iter("a") if (text := _SPACES.sub(" ", "".join(a.itertext())).strip().lower())
    )


def _headline_sized(texts: list[str]) -> bool:
    """Links to other stories carry their headlines; short items ("Bugs fixed") are the story's own list."""
    return sum(len(t.split()) for t in texts) >= _HEADLINE_WORDS * len(texts)


def _lines(el: etree._Element, links: frozenset[str]) -> list[str]:
    """The text of one block, cut at its line breaks (``lb``)."""
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = _SPACES.sub(" ", "".join(buffer)).strip()
        if line:
            lines.append(line)
        buffer.clear()

    def walk(node: etree._Element) -> None:
        if node.tag == "lb":
            flush()
        elif node.tag in ("list", "table"):
            flush()
            lines.extend(_block_paragraphs(node, links))
        else:
            buffer.append(node.text or "")
            for child in node:
                walk(child)
                buffer.append(child.tail or "")

    walk(el)
    flush()
    return lines


def _block_paragraphs(el: etree._Element, links: frozenset[str]) -> list[str]:
    tag = el.tag
    if not isinstance(tag, str) or tag in _SKIPPED:
        return []
    if tag == "list":
        items = [item for item in el if item.tag == "item"]
        texts = [_text(item) for item in items]
        if len(texts) >= 2 and _headline_sized(texts) and all(t.lower() in links for t in texts):
            return []
        out: list[str] = []
        for item in items:
            out.extend(BULLET + line for line in _lines(item, links))
        return out
    if tag == "table":
        rows = []
        for row in el.iter("row"):
            cells = [_text(cell) for cell in row if isinstance(cell.tag, str)]
            line = " | ".join(cell for cell in cells if cell)
            if line:
                rows.append(line)
        return rows
    return _lines(el, links)


def body_paragraphs(body: etree._Element, links: frozenset[str] = frozenset()) -> list[str]:
    out: list[str] = []
    if body.text and body.text.strip():
        out.append(_SPACES.sub(" ", body.text).strip())
    for child in body:
        out.extend(_block_paragraphs(child, links))
        if child.tail and child.tail.strip():
            out.append(_SPACES.sub(" ", child.tail).strip())
    return out
