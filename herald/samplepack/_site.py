"""Every response the sample server can give, rendered once when it starts.

The pack is small (a few hundred kilobytes), so rendering it all up front keeps the request handler trivial
and makes ETags stable for the life of the server.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from herald.samplepack._art import favicon, illustration
from herald.samplepack._data import SECTIONS, Pack
from herald.samplepack._feeds import CONTENT_TYPES, render_feed
from herald.samplepack._links import Links
from herald.samplepack._pages import PageRenderer

HTML = "text/html; charset=utf-8"
SVG = "image/svg+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    content_type: str
    body: bytes
    last_modified: datetime | None = None
    cache_control: str | None = None

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


def error_page(status: int, reason: str) -> Response:
    body = f"<!doctype html><html lang=en><title>{status} {reason}</title><h1>{status} {reason}</h1></html>\n"
    return Response(status, HTML, body.encode())


def build_routes(pack: Pack, base_url: str, now: datetime) -> dict[str, Response]:
    links = Links(pack, base_url)
    pages = PageRenderer(pack, links, now)
    routes: dict[str, Response] = {
        "/": Response(200, HTML, pages.index().encode()),
        "/robots.txt": Response(200, TEXT, _robots(pack).encode()),
    }
    for outlet in pack.outlets:
        own = pack.articles_of(outlet.key)
        listed = pack.feed_articles(outlet.key)
        newest = listed[0].published(now) if listed else now
        routes[outlet.feed_path] = Response(
            200,
            CONTENT_TYPES[outlet.feed_format],
            render_feed(links, outlet, listed, now),
            last_modified=newest,
            cache_control="public, max-age=300",
        )
        routes[f"/{outlet.key}/favicon.svg"] = Response(
            200, SVG, favicon(outlet.name, outlet.accent).encode()
        )
        routes[f"/{outlet.key}/"] = Response(
            200, HTML, pages.listing(outlet, outlet.name, own, outlet.home_url).encode(), last_modified=newest
        )
        for section in SECTIONS:
            path = pages.section_path(outlet, section)
            local = pack.sections[outlet.lang_family][section]
            in_section = [a for a in own if a.section == section]
            html = pages.listing(
                outlet, local, in_section, outlet.home_url.rstrip("/") + path[len(outlet.key) + 1 :]
            )
            routes[path] = Response(200, HTML, html.encode())
        for article in own:
            picture = illustration(article.image_motif, article.key, article.image_caption)
            routes[f"/img/{article.outlet}/{article.slug}.svg"] = Response(200, SVG, picture.encode())
            page_path = f"/{article.outlet}/{pack.article_path(article)}"
            if article.page_status != 200:
                routes[page_path] = error_page(article.page_status, "Internal Server Error")
            else:
                routes[page_path] = Response(
                    200, HTML, pages.article(article).encode(), last_modified=article.published(now)
                )
    return routes


def _robots(pack: Pack) -> str:
    lines = ["# The sample pack welcomes every crawler, except in the private corners.", "User-agent: *"]
    lines += [f"Disallow: /{outlet.key}/private/" for outlet in pack.outlets]
    lines += ["Allow: /", ""]
    return "\n".join(lines)
