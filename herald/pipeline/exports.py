"""What Herald hands to other programs in their own formats: the feeds it follows as OPML, and text made safe
for any XML document it writes (feeds out, sitemaps).

Titles and names come from feeds anyone can write; a control character in one would make the whole document
unreadable to every feed reader and crawler, so text is cleaned here before any XML is built around it.
"""

from __future__ import annotations

import re

from herald.models import SourceSpec
from herald.sources import render_opml
from herald.store import Store

# What XML 1.0 forbids (C0 controls but tab, line feed and carriage return; lone surrogates; U+FFFE and
# U+FFFF), and the C1 controls and DEL, which it allows but which no text means to hold.
_NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters an XML 1.0 document cannot carry (escaping is the writer's job)."""
    return _NOT_XML_TEXT.sub("", value)


def _optional(value: str | None) -> str | None:
    cleaned = xml_text(value).strip() if value else ""
    return cleaned or None


def followed_sources(store: Store) -> list[SourceSpec]:
    """The feeds the site follows now (a paused one is not followed), as OPML describes them, cleaned."""
    publishers = {p.id: p for p in store.publishers.list()}
    specs = []
    for source in store.sources.list():
        if not source.enabled:
            continue
        publisher = publishers.get(source.publisher_id)
        specs.append(
            SourceSpec(
                feed_url=xml_text(source.feed_url),
                title=_optional(source.title),
                publisher=_optional(source.publisher_name),
                home_url=_optional(publisher.home_url if publisher is not None else None),
                country=_optional(publisher.country if publisher is not None else None),
                language=_optional(publisher.language if publisher is not None else None),
                section=_optional(source.section),
            )
        )
    return specs


def sources_opml(store: Store, *, title: str) -> str:
    """The followed feeds as an OPML 2.0 document, one folder per section: what a reader imports to follow
    the same publishers in their own feed reader."""
    return render_opml(followed_sources(store), title=xml_text(title))
