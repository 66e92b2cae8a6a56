"""The three feed formats the pack speaks: RSS 2.0, Atom 1.0 and JSON Feed 1.1.

Feeds are built with ElementTree and json, so escaping is the libraries' job, not ours. Each format carries
the details real publishers put in it (RSS enclosures or Media RSS, Atom tag: ids, JSON Feed authors), so the
parser downstream meets the variety it will meet in the wild.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import format_datetime
from html import escape

from herald.samplepack._data import Outlet, PackArticle
from herald.samplepack._links import Links

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

for _prefix, _uri in (("atom", ATOM), ("content", CONTENT), ("dc", DC), ("media", MEDIA)):
    ET.register_namespace(_prefix, _uri)

CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


def render_feed(links: Links, outlet: Outlet, articles: list[PackArticle], now: datetime) -> bytes:
    """The outlet's feed, newest item first."""
    if outlet.feed_format == "rss":
        return _rss(links, outlet, articles, now)
    if outlet.feed_format == "atom":
        return _atom(links, outlet, articles, now)
    return _json_feed(links, outlet, articles, now)


def content_html(article: PackArticle) -> str:
    return "".join(f"<p>{escape(p, quote=False)}</p>" for p in article.paragraphs)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _rss(links: Links, outlet: Outlet, articles: list[PackArticle], now: datetime) -> bytes:
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", outlet.feed_title)
    _sub(channel, "link", outlet.home_url)
    _sub(channel, "description", outlet.description)
    _sub(channel, "language", outlet.language)
    _sub(channel, "copyright", f"© {now.year} {outlet.company}")
    _sub(channel, f"{{{ATOM}}}link", href=links.feed(outlet), rel="self", type="application/rss+xml")
    if articles:
        _sub(channel, "lastBuildDate", format_datetime(articles[0].published(now)))
    _sub(channel, "ttl", "30")
    image = _sub(channel, "image")
    _sub(image, "url", links.favicon(outlet))
    _sub(image, "title", outlet.feed_title)
    _sub(image, "link", outlet.home_url)
    for article in articles:
        item = _sub(channel, "item")
        _sub(item, "title", article.title)
        _sub(item, "link", links.feed_link(article))
        _sub(item, "guid", links.guid(article), isPermaLink="false")
        _sub(item, "pubDate", format_datetime(article.published(now)))
        _sub(item, f"{{{DC}}}creator", article.author)
        _sub(item, "category", article.section)
        _sub(item, "description", article.summary)
        if outlet.full_content:
            _sub(item, f"{{{CONTENT}}}encoded", content_html(article))
            media = _sub(
                item, f"{{{MEDIA}}}content", url=links.image(article), type="image/svg+xml", medium="image"
            )
            _sub(media, f"{{{MEDIA}}}description", article.image_caption)
        else:
            _sub(item, "enclosure", url=links.image(article), type="image/svg+xml", length="0")
    return _xml(rss)


def _atom(links: Links, outlet: Outlet, articles: list[PackArticle], now: datetime) -> bytes:
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: outlet.language})
    _sub(feed, f"{{{ATOM}}}title", outlet.feed_title)
    _sub(feed, f"{{{ATOM}}}subtitle", outlet.description)
    _sub(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=outlet.home_url)
    _sub(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=links.feed(outlet))
    _sub(feed, f"{{{ATOM}}}id", outlet.home_url)
    newest = articles[0].published(now) if articles else now
    _sub(feed, f"{{{ATOM}}}updated", newest.isoformat())
    _sub(feed, f"{{{ATOM}}}icon", links.favicon(outlet))
    _sub(feed, f"{{{ATOM}}}rights", f"© {now.year} {outlet.company}")
    author = _sub(feed, f"{{{ATOM}}}author")
    _sub(author, f"{{{ATOM}}}name", outlet.name)
    for article in articles:
        entry = _sub(feed, f"{{{ATOM}}}entry")
        _sub(entry, f"{{{ATOM}}}title", article.title, type="text")
        _sub(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=links.feed_link(article))
        _sub(entry, f"{{{ATOM}}}id", f"tag:{outlet.domain},2026:{links.pack.number(article)}")
        published = article.published(now).isoformat()
        _sub(entry, f"{{{ATOM}}}published", published)
        _sub(entry, f"{{{ATOM}}}updated", published)
        entry_author = _sub(entry, f"{{{ATOM}}}author")
        _sub(entry_author, f"{{{ATOM}}}name", article.author)
        _sub(entry, f"{{{ATOM}}}category", term=article.section, label=article.section)
        _sub(entry, f"{{{ATOM}}}summary", article.summary, type="text")
        if outlet.full_content:
            _sub(entry, f"{{{ATOM}}}content", content_html(article), type="html")
        _sub(entry, f"{{{ATOM}}}link", rel="enclosure", type="image/svg+xml", href=links.image(article))
    return _xml(feed)


def _json_feed(links: Links, outlet: Outlet, articles: list[PackArticle], now: datetime) -> bytes:
    items = []
    for article in articles:
        item: dict[str, object] = {
            "id": links.canonical(article),
            "url": links.feed_link(article),
            "title": article.title,
            "summary": article.summary,
            "image": links.image(article),
            "date_published": article.published(now).isoformat(),
            "authors": [{"name": article.author}],
            "tags": [article.section, *article.tags],
            "language": outlet.language,
        }
        # JSON Feed requires one of the two; outlets without HTML send the plain text, as the spec intends.
        if outlet.full_content:
            item["content_html"] = content_html(article)
        else:
            item["content_text"] = "\n\n".join(article.paragraphs)
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet.feed_title,
        "home_page_url": outlet.home_url,
        "feed_url": links.feed(outlet),
        "description": outlet.description,
        "icon": links.favicon(outlet),
        "favicon": links.favicon(outlet),
        "language": outlet.language,
        "authors": [{"name": outlet.name, "url": outlet.home_url}],
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
