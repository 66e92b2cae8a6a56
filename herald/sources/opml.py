"""OPML import and export: the format every feed reader speaks for moving subscriptions around.

Imports go through defusedxml, because an OPML file is uploaded by a person and may be hostile: entity
expansion ("billion laughs") and external entities (XXE) are refused instead of being expanded or fetched.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from urllib.parse import urlsplit

import defusedxml
import defusedxml.ElementTree as SafeET

from herald.errors import ParseError
from herald.models import SourceSpec

# SourceSpec fields with no OPML 2.0 attribute of their own; other readers ignore unknown attributes.
_EXTRA_ATTRIBUTES = ("publisher", "country")


def _web_url(value: str | None) -> str | None:
    """Old exports write feed:// or feed:https://; anything else that is not http(s) cannot be fetched."""
    if not value:
        return None
    url = value.strip()
    lowered = url.lower()
    if lowered.startswith("feed:http://") or lowered.startswith("feed:https://"):
        url = url[len("feed:") :]
    elif lowered.startswith("feed://"):
        url = "http://" + url[len("feed://") :]
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _clean(value: str | None) -> str | None:
    text = " ".join(value.split()) if value else ""
    return text or None


def _label(outline: ET.Element) -> str | None:
    return _clean(outline.get("title")) or _clean(outline.get("text"))


def parse_opml(data: bytes) -> list[SourceSpec]:
    """Feeds of an OPML file in document order, each once; folders become sections.

    An outline with an ``xmlUrl`` is a feed; an outline without one is a folder, and the nearest folder
    around a feed gives its section. Outlines whose ``xmlUrl`` is not an http(s) address are skipped.
    """
    try:
        root = SafeET.fromstring(data)
    except defusedxml.DTDForbidden as exc:
        raise ParseError("The OPML file has a document type declaration, which Herald refuses") from exc
    except defusedxml.EntitiesForbidden as exc:
        raise ParseError(
            "The OPML file declares XML entities, which Herald refuses (they can be used in attacks)"
        ) from exc
    except defusedxml.ExternalReferenceForbidden as exc:
        raise ParseError("The OPML file refers to external resources, which Herald refuses") from exc
    except ET.ParseError as exc:
        raise ParseError(f"The OPML file is not well-formed XML ({exc})") from exc
    except (ValueError, UnicodeError) as exc:
        raise ParseError(f"The OPML file could not be read ({exc})") from exc

    if root.tag != "opml":
        raise ParseError(f"This is not an OPML file: its root element is <{root.tag}>, not <opml>")
    body = root.find("body")
    if body is None:
        raise ParseError("The OPML file has no <body>, so it lists no feeds")

    specs: list[SourceSpec] = []
    seen: set[str] = set()

    def walk(parent: ET.Element, section: str | None) -> None:
        for outline in parent.findall("outline"):
            feed_url = _web_url(outline.get("xmlUrl") or outline.get("xmlurl"))
            if outline.get("xmlUrl") is None and outline.get("xmlurl") is None:
                walk(outline, _label(outline) or section)
                continue
            if feed_url is None or feed_url in seen:
                continue
            seen.add(feed_url)
            specs.append(
                SourceSpec(
                    feed_url=feed_url,
                    title=_label(outline),
                    publisher=_clean(outline.get("publisher")),
                    home_url=_web_url(outline.get("htmlUrl") or outline.get("htmlurl")),
                    country=(_clean(outline.get("country")) or "").upper() or None,
                    language=_clean(outline.get("language")),
                    section=section,
                )
            )

    walk(body, None)
    return specs


def _feed_outline(spec: SourceSpec) -> ET.Element:
    label = spec.title or spec.publisher or spec.feed_url
    attributes = {"type": "rss", "text": label, "title": label, "xmlUrl": spec.feed_url}
    if spec.home_url:
        attributes["htmlUrl"] = spec.home_url
    if spec.language:
        attributes["language"] = spec.language
    for name in _EXTRA_ATTRIBUTES:
        value = getattr(spec, name)
        if value:
            attributes[name] = value
    return ET.Element("outline", attributes)


def render_opml(specs: Iterable[SourceSpec], *, title: str) -> str:
    """OPML 2.0 with one folder per section, in order of first appearance; feeds without one at the top."""
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    loose: list[ET.Element] = []
    for spec in specs:
        outline = _feed_outline(spec)
        if not spec.section:
            loose.append(outline)
            continue
        if spec.section not in folders:
            folders[spec.section] = ET.Element("outline", {"text": spec.section, "title": spec.section})
        folders[spec.section].append(outline)
    body.extend(loose)
    body.extend(folders.values())
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
