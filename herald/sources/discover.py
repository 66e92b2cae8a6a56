"""Feed autodiscovery: the <link rel="alternate"> tags a site puts in its pages' <head>."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

FEED_TYPES = frozenset(("application/rss+xml", "application/atom+xml", "application/feed+json"))


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"].strip()
        elif tag == "link":
            rels = values.get("rel", "").lower().split()
            media_type = values.get("type", "").split(";", 1)[0].strip().lower()
            href = values.get("href", "").strip()
            if "alternate" in rels and media_type in FEED_TYPES and href:
                self.hrefs.append(href)

    handle_startendtag = handle_starttag


def discover_feeds(html: str, base_url: str) -> list[str]:
    """Absolute feed addresses a page advertises, in page order, each once.

    Relative addresses resolve against the page's ``<base href>`` when it has one, else ``base_url``.
    """
    collector = _LinkCollector()
    try:
        collector.feed(html)
        collector.close()
    except Exception:  # html.parser is lenient; keep whatever was found before a pathological construct
        pass
    base = urljoin(base_url, collector.base) if collector.base else base_url
    found: list[str] = []
    for href in collector.hrefs:
        try:
            absolute = urljoin(base, href)
            parts = urlsplit(absolute)
        except ValueError:
            continue
        if parts.scheme.lower() in ("http", "https") and parts.netloc and absolute not in found:
            found.append(absolute)
    return found
