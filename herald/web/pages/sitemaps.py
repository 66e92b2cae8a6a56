"""What search engines and link previews fetch: robots.txt, the sitemaps, and the card a page shows as its
picture when it has no lead image of its own.

``/sitemap.xml`` is an index of paged sitemaps (at most 50,000 addresses each, the protocol's limit): the
articles (oldest first, so a page, once full, stays the same), the stories told by more than one article,
the site's fixed pages and sections, the publishers and the most named entities. Articles are listed by id
alone, never loaded: the article sitemaps cost one indexed read of the ids, shared for ten minutes.
``/sitemap-news.xml`` is the Google News sitemap of the last two days. Every sitemap sits at the root, as
the protocol asks of a sitemap that lists addresses across the whole site.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from herald.models import Story
from herald.pipeline.cards import CARD_MEDIA_TYPE, Card, Cards
from herald.pipeline.exports import xml_text
from herald.web.pages.common import ARTICLE_ID, MOVED_CACHE, Moved, Web, not_found
from herald.web.pages.feeds import etag_of, etagged, not_modified
from herald.web.pages.story import cached_story
from herald.web.render import counted, entity_path, section_path
from herald.web.seo import article_time, language_tag
from herald.web.timefmt import calendar_date, iso_time

SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file
NEWS_DAYS = 2  # Google News lists articles of the last two days
NEWS_MAX = 1000  # and at most this many in one news sitemap
SITEMAP_SECONDS = 600.0
NEWS_SECONDS = 60.0
SITEMAP_CACHE = "public, max-age=3600"
NEWS_CACHE = "public, max-age=300"
ROBOTS_CACHE = "public, max-age=86400"
# A card changes only when the site is renamed; its ETag (a digest of all it shows) catches that.
CARD_CACHE = "public, max-age=604800"
SITEMAP_MEDIA_TYPE = "application/xml; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# Pages about one reader or for the staff: nothing there for a search engine.
PRIVATE_PATHS = ("/admin", "/account", "/moderation", "/api/v1/me")
FIXED_PAGES = ("/", "/latest", "/topics", "/sources")
_LARGEST_ID = 2**63 - 1


def robots_txt(base_url: str) -> str:
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in PRIVATE_PATHS), ""]
    lines += [f"Sitemap: {base_url}/sitemap.xml", f"Sitemap: {base_url}/sitemap-news.xml", ""]
    return "\n".join(lines)


# Documents --------------------------------------------------------------------------------------------------


def _lastmod(when: datetime | None) -> str:
    return f"<lastmod>{iso_time(when)}</lastmod>" if when is not None else ""


def urlset(entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    """A sitemap of (absolute address, last change if known)."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<urlset xmlns="{SITEMAP_NS}">\n']
    parts.extend(f"<url><loc>{escape(xml_text(url))}</loc>{_lastmod(when)}</url>\n" for url, when in entries)
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8")


def sitemap_index(entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    parts.extend(
        f"<sitemap><loc>{escape(xml_text(url))}</loc>{_lastmod(when)}</sitemap>\n" for url, when in entries
    )
    parts.append("</sitemapindex>\n")
    return "".join(parts).encode("utf-8")


def news_language(tag: str | None, default: str) -> str:
    """Google News wants an ISO 639 code, except "zh-cn" and "zh-tw" for the two ways of writing Chinese."""
    full = language_tag(tag, default).lower()
    primary = full.split("-", 1)[0]
    if primary == "zh":
        return "zh-tw" if any(part in ("tw", "hk", "mo", "hant") for part in full.split("-")[1:]) else "zh-cn"
    return primary


def pages_of(count: int) -> int:
    return math.ceil(count / SITEMAP_URLS)


def page_slice(items: Sequence[Any], page: int) -> Sequence[Any]:
    """The 1-based ``page`` of ``items``; a page past the end is not found (an empty list is page 1)."""
    if page < 1 or page > max(1, pages_of(len(items))):
        raise not_found()
    return items[(page - 1) * SITEMAP_URLS : page * SITEMAP_URLS]


# Routes -----------------------------------------------------------------------------------------------------


def router(web: Web) -> APIRouter:
    routes = APIRouter()
    base = web.settings.public_base_url
    cards = Cards()

    def article_ids() -> list[str]:
        """Every article's id, oldest first; one read of the ids for the index and all its pages."""
        ids: list[str] = web.memo.get(
            "sitemap:article-ids",
            SITEMAP_SECONDS,
            lambda: {"ids": list(reversed(web.store.articles.ids()))},
        )["ids"]
        return ids  # shared: read, never changed

    def stories() -> list[Story]:
        """The stories with a page worth finding (more than one article), by id."""

        def load() -> dict[str, Any]:
            listed = web.store.stories.top(max(1, web.store.stories.count()))
            return {"stories": sorted((s for s in listed if s.article_count > 1), key=lambda s: s.id)}

        found: list[Story] = web.memo.get("sitemap:stories", SITEMAP_SECONDS, load)["stories"]
        return found

    async def xml(
        request: Request, key: str, build: Callable[[], bytes], *, seconds: float, cache: str
    ) -> Response:
        def cached() -> dict[str, Any]:
            def make() -> dict[str, Any]:
                body = build()
                return {"body": body, "etag": etag_of(body)}

            return web.memo.get(key, seconds, make)

        built = await run_in_threadpool(cached)
        return etagged(request, built["body"], media_type=SITEMAP_MEDIA_TYPE, cache=cache, etag=built["etag"])

    @routes.get("/robots.txt", include_in_schema=False)
    async def robots() -> PlainTextResponse:
        return PlainTextResponse(robots_txt(base), headers={"Cache-Control": ROBOTS_CACHE})

    @routes.get("/sitemap.xml", include_in_schema=False)
    async def index(request: Request) -> Response:
        def build() -> bytes:
            entries: list[tuple[str, datetime | None]] = [
                (f"{base}/sitemap-articles-{n}.xml", None) for n in range(1, pages_of(len(article_ids())) + 1)
            ]
            listed = stories()
            for n in range(1, pages_of(len(listed)) + 1):
                newest = max(s.last_updated for s in page_slice(listed, n))
                entries.append((f"{base}/sitemap-stories-{n}.xml", newest))
            entries += [(f"{base}/sitemap-{name}.xml", None) for name in ("pages", "publishers", "entities")]
            return sitemap_index(entries)

        return await xml(request, "sitemap:index", build, seconds=SITEMAP_SECONDS, cache=SITEMAP_CACHE)

    @routes.get("/sitemap-articles-{page:int}.xml", include_in_schema=False)
    async def articles(request: Request, page: int) -> Response:
        def build() -> bytes:
            return urlset((f"{base}/article/{i}", None) for i in page_slice(article_ids(), page))

        return await xml(
            request, f"sitemap:articles:{page}", build, seconds=SITEMAP_SECONDS, cache=SITEMAP_CACHE
        )

    @routes.get("/sitemap-stories-{page:int}.xml", include_in_schema=False)
    async def story_pages(request: Request, page: int) -> Response:
        def build() -> bytes:
            return urlset((f"{base}/story/{s.id}", s.last_updated) for s in page_slice(stories(), page))

        return await xml(
            request, f"sitemap:stories:{page}", build, seconds=SITEMAP_SECONDS, cache=SITEMAP_CACHE
        )

    @routes.get("/sitemap-pages.xml", include_in_schema=False)
    async def fixed_pages(request: Request) -> Response:
        def build() -> bytes:
            paths = [*FIXED_PAGES, *(section_path(name) for name, _ in web.directory.sections())]
            return urlset((base + path, None) for path in paths[:SITEMAP_URLS])

        return await xml(request, "sitemap:pages", build, seconds=SITEMAP_SECONDS, cache=SITEMAP_CACHE)

    @routes.get("/sitemap-publishers.xml", include_in_schema=False)
    async def publishers(request: Request) -> Response:
        def build() -> bytes:
            listed = [p for p in web.store.publishers.list() if p.article_count > 0]
            return urlset((f"{base}/publisher/{p.slug}", None) for p in listed[:SITEMAP_URLS])

        return await xml(request, "sitemap:publishers", build, seconds=SITEMAP_SECONDS, cache=SITEMAP_CACHE)

    @routes.get("/sitemap-entities.xml", include_in_schema=False)
    async def entities(request: Request) -> Response:
        def build() -> bytes:
            named = web.store.entities.popular(SITEMAP_URLS, min_articles=2)
            return urlset((base + entity_path(e.key), None) for e in named)

        return await xml(request, "sitemap:entities", build, seconds=SITEMAP_SECONDS, cache=SITEMAP_CACHE)

    @routes.get("/sitemap-news.xml", include_in_schema=False)
    async def news(request: Request) -> Response:
        def build() -> bytes:
            since = datetime.now(UTC) - timedelta(days=NEWS_DAYS)
            languages = web.languages
            default = languages[0] if languages else "en"
            name = escape(xml_text(web.site.current().name))
            recent = [
                a
                for a in web.store.articles.latest(NEWS_MAX, languages=languages)
                if article_time(a) >= since and a.copy_of is None  # a reprint is its origin's news
            ]
            parts = [
                '<?xml version="1.0" encoding="UTF-8"?>\n',
                f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n',
            ]
            for a in recent:
                parts.append(
                    f"<url><loc>{escape(f'{base}/article/{a.id}')}</loc><news:news>"
                    f"<news:publication><news:name>{name}</news:name>"
                    f"<news:language>{escape(news_language(a.language, default))}</news:language>"
                    "</news:publication>"
                    f"<news:publication_date>{iso_time(article_time(a))}</news:publication_date>"
                    f"<news:title>{escape(xml_text(a.title))}</news:title></news:news></url>\n"
                )
            parts.append("</urlset>\n")
            return "".join(parts).encode("utf-8")

        key = f"sitemap:news:{','.join(web.languages)}"
        return await xml(request, key, build, seconds=NEWS_SECONDS, cache=NEWS_CACHE)

    # Cards ----------------------------------------------------------------------------------------------

    async def card_response(request: Request, load: Callable[[], Card]) -> Response:
        try:
            card = await run_in_threadpool(load)
        except Moved as moved:
            return RedirectResponse(moved.location, status_code=301, headers={"Cache-Control": MOVED_CACHE})
        etag = f'"{card.digest}"'
        headers = {"Cache-Control": CARD_CACHE, "ETag": etag}
        if not_modified(request, etag):
            return Response(status_code=304, headers=headers)
        png = cards.ready(card) or await run_in_threadpool(cards.png, card)
        return Response(png, media_type=CARD_MEDIA_TYPE, headers=headers)

    @routes.get("/article/{article_id}/card.png", include_in_schema=False)
    async def article_card(request: Request, article_id: str) -> Response:
        if not ARTICLE_ID.match(article_id):
            raise not_found()

        def load() -> Card:
            found = web.store.articles.get(article_id)
            if found is None:
                raise not_found()
            return Card(
                headline=found.title,
                credit=found.publisher_name,
                date=calendar_date(article_time(found)),
                site_name=web.site.current().name,
                kicker=found.section,
            )

        return await card_response(request, load)

    @routes.get("/story/{story_id:int}/card.png", include_in_schema=False)
    async def story_card(request: Request, story_id: int) -> Response:
        if not 0 < story_id <= _LARGEST_ID:
            raise not_found()

        def load() -> Card:
            view = cached_story(web, story_id)
            if view is None or (view.story.id == story_id and not view.articles):
                raise not_found()
            if view.story.id != story_id:
                raise Moved(f"/story/{view.story.id}/card.png")
            story = view.story
            return Card(
                headline=story.title,
                credit=f"{counted(story.article_count, 'article')} from "
                f"{counted(story.publisher_count, 'publisher')}",
                date=calendar_date(story.last_updated),
                site_name=web.site.current().name,
                kicker=f"{story.section} · Full coverage" if story.section else "Full coverage",
            )

        return await card_response(request, load)

    return routes
