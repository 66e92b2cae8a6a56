"""Feeds out: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the site's listings, so a reader can follow Herald, a
section, a story, a publisher or a name in their own feed reader; and ``/sources.opml``, the feeds Herald
follows, to follow them elsewhere.

Every page that lists articles has its feed at its own address plus ``/feed.xml`` (RSS), ``/feed.atom`` or
``/feed.json``; the front page's are ``/feed.xml`` and so on. The front page's feed is the newest articles
(what /latest lists), not the top stories' leads: a feed reader shows each item once, in the order it came,
and the top stories re-rank and change their leads all day, which in a feed would be items vanishing and
coming back.

A feed is a :class:`Channel` (a title, the address of the page it follows, its articles) served by
:func:`serve_feed`; a new feed is a route that builds one. Items carry the article's full text as the
article page shows it (paragraphs, escaped) and link to the article's page here. The text comes from
feeds anyone can write: everything put into XML is stripped of what XML 1.0 cannot carry, and feedgen
(lxml) escapes the rest.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from feedgen.feed import FeedGenerator
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from herald.models import Article
from herald.pipeline.coverage import timeline
from herald.pipeline.exports import sources_opml, xml_text
from herald.web.pages.common import MOVED_CACHE, Moved, Web, not_found
from herald.web.pages.story import cached_story
from herald.web.render import entity_path, section_path
from herald.web.seo import article_time, http_url, language_tag
from herald.web.timefmt import iso_time

FEED_ITEMS = 30
FEED_SECONDS = 60.0  # how long a built feed is served from memory
FEED_CACHE = "public, max-age=300"
OPML_MEDIA_TYPE = "text/x-opml; charset=utf-8"
_LONGEST_KEY = 200  # entity keys are slugs; a longer one is not ours and costs no query
_LARGEST_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class FeedFormat:
    extension: str
    media_type: str
    name: str  # as a <link rel="alternate"> title says it


RSS = FeedFormat("xml", "application/rss+xml", "RSS")
ATOM = FeedFormat("atom", "application/atom+xml", "Atom")
JSON_FEED = FeedFormat("json", "application/feed+json", "JSON Feed")
FORMATS = {f.extension: f for f in (RSS, ATOM, JSON_FEED)}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True, slots=True)
class Channel:
    """One feed: its title, the address of the page it follows (a path on this site, "/" for the front
    page), its articles newest first, and a sentence saying what it holds."""

    title: str
    path: str
    articles: Sequence[Article]
    description: str = ""
    language: str | None = None  # when the whole feed is in one language (a publisher's)


@dataclass(frozen=True, slots=True)
class FeedSite:
    """What a feed needs to know about the site it is served from."""

    base_url: str  # the public address, without a trailing slash
    name: str
    publisher_slugs: dict[int, str]


def feed_path(page_path: str, extension: str) -> str:
    """A page's feed: "/" has "/feed.xml", "/section/World" has "/section/World/feed.xml"."""
    return f"{page_path.rstrip('/')}/feed.{extension}"


# Building ---------------------------------------------------------------------------------------------------


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _published(article: Article) -> datetime:
    return _aware(article_time(article))


def _original(article: Article, site: FeedSite) -> str:
    return http_url(article.canonical_url) or http_url(article.url) or _page(article, site)


def _page(article: Article, site: FeedSite) -> str:
    return f"{site.base_url}/article/{article.id}"


def _publisher_feed(article: Article, site: FeedSite) -> str | None:
    slug = site.publisher_slugs.get(article.publisher_id)
    return f"{site.base_url}{feed_path(f'/publisher/{slug}', RSS.extension)}" if slug else None


def content_html(article: Article, site: FeedSite) -> str:
    """The article as its page shows it, as HTML: the lead image and caption, the paragraphs (escaped, as the
    page's template escapes them) and the way to the original."""
    parts = []
    image = http_url(article.image_url)
    if image:
        caption = (
            f"<figcaption>{html.escape(article.image_caption)}</figcaption>" if article.image_caption else ""
        )
        parts.append(f'<figure><img src="{html.escape(image)}" alt="">{caption}</figure>')
    parts.extend(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    parts.append(
        f'<p><a href="{html.escape(_original(article, site))}">'
        f"Read the original at {html.escape(article.publisher_name)}</a></p>"
    )
    return xml_text("\n".join(parts))


def _headline(article: Article) -> str:
    """The title an item shows; Atom requires one, so a headline with nothing left names the publisher."""
    return xml_text(article.title).strip() or xml_text(article.publisher_name)


def _updated(channel: Channel) -> datetime:
    """The newest item's time: a feed that did not change renders the same bytes, so its ETag holds."""
    if channel.articles:
        return max(_published(a) for a in channel.articles)
    return datetime.now(UTC)


def _generator(channel: Channel, site: FeedSite, self_url: str, media_type: str) -> FeedGenerator:
    page_url = site.base_url + channel.path
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(page_url)
    fg.title(xml_text(channel.title))
    fg.link(href=self_url, rel="self", type=media_type)
    fg.link(href=page_url, rel="alternate")  # last: feedgen gives RSS's <link> the last link
    fg.description(xml_text(channel.description or channel.title))
    fg.generator("Herald")
    fg.updated(_updated(channel))
    if channel.language:
        fg.language(language_tag(channel.language))
    for article in channel.articles:
        page = _page(article, site)
        publisher = xml_text(article.publisher_name)
        entry = fg.add_entry(order="append")
        entry.id(page)
        entry.guid(page, permalink=True)
        entry.title(_headline(article))
        # One link: feedgen 1.0 writes an entry's links without their rel, so a second would be "alternate"
        # too. The original's address is in the content ("Read the original at ...").
        entry.link(href=page, rel="alternate")
        home = http_url(article.publisher_home_url)
        entry.author({"name": publisher, "uri": home} if home else {"name": publisher})
        for name in article.authors:
            entry.contributor({"name": xml_text(name)})
        entry.dc.dc_creator(publisher)
        entry.published(_published(article))
        entry.updated(_published(article))
        if article.excerpt:
            # Escaped as HTML: RSS readers read a <description> as HTML, so a plain "<b>" must arrive as text.
            entry.summary(html.escape(xml_text(article.excerpt)), type="html")
        entry.content(content_html(article, site), type="html")
        if article.section:
            entry.category(term=xml_text(article.section))
        source = _publisher_feed(article, site)
        if source:
            entry.source(url=source, title=publisher)
    return fg


def rss(channel: Channel, site: FeedSite, self_url: str) -> bytes:
    return bytes(_generator(channel, site, self_url, RSS.media_type).rss_str(pretty=False))


def atom(channel: Channel, site: FeedSite, self_url: str) -> bytes:
    return bytes(_generator(channel, site, self_url, ATOM.media_type).atom_str(pretty=False))


def json_feed(channel: Channel, site: FeedSite, self_url: str) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1), with the same items as the XML feeds."""
    items = []
    for article in channel.articles:
        page = _page(article, site)
        item: dict[str, Any] = {
            "id": page,
            "url": page,
            "external_url": _original(article, site),
            "title": _headline(article),
            "content_html": content_html(article, site),
            "date_published": iso_time(_published(article)),
            "date_modified": iso_time(_published(article)),
        }
        if article.excerpt:
            item["summary"] = xml_text(article.excerpt)
        image = http_url(article.image_url)
        if image:
            item["image"] = image
        author: dict[str, str] = {"name": xml_text(article.publisher_name)}
        home = http_url(article.publisher_home_url)
        if home:
            author["url"] = home
        item["authors"] = [author]
        if article.section:
            item["tags"] = [xml_text(article.section)]
        if article.language:
            item["language"] = language_tag(article.language)
        items.append(item)
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": xml_text(channel.title),
        "home_page_url": site.base_url + channel.path,
        "feed_url": self_url,
        "description": xml_text(channel.description or channel.title),
    }
    if channel.language:
        document["language"] = language_tag(channel.language)
    document["items"] = items
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


RENDERERS: dict[str, Callable[[Channel, FeedSite, str], bytes]] = {
    RSS.extension: rss,
    ATOM.extension: atom,
    JSON_FEED.extension: json_feed,
}


# Serving ----------------------------------------------------------------------------------------------------


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def not_modified(request: Request, etag: str) -> bool:
    """Whether the client's If-None-Match names ``etag`` (weak or strong; "*" names any)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def etagged(
    request: Request, body: bytes, *, media_type: str, cache: str, etag: str | None = None
) -> Response:
    """``body`` with its ETag, or an empty 304 when the client holds it already."""
    etag = etag or etag_of(body)
    headers = {"Cache-Control": cache, "ETag": etag}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


async def serve_feed(web: Web, request: Request, extension: str, load: Callable[[], Channel]) -> Response:
    """The feed ``load`` builds, in the format the address's extension names, answered from memory for a
    minute: ``load`` (synchronous store calls) runs in a worker thread; it raises ``not_found()`` for an
    unknown page and :class:`Moved` for one that moved (the client is redirected)."""
    kind = FORMATS.get(extension)
    if kind is None:
        raise not_found()
    query = request.url.query
    self_url = web.settings.public_base_url + request.url.path + (f"?{query}" if query else "")

    def build() -> dict[str, Any]:
        channel = load()
        site = FeedSite(
            web.settings.public_base_url, web.site.current().name, web.slugs_for(channel.articles)
        )
        body = RENDERERS[kind.extension](channel, site, self_url)
        return {"body": body, "etag": etag_of(body)}

    def cached() -> dict[str, Any]:
        return web.memo.get(f"feed:{self_url}:{','.join(web.languages)}", FEED_SECONDS, build)

    try:
        built = await run_in_threadpool(cached)
    except Moved as moved:
        return RedirectResponse(moved.location, status_code=301, headers={"Cache-Control": MOVED_CACHE})
    return etagged(
        request,
        built["body"],
        media_type=f"{kind.media_type}; charset=utf-8",
        cache=FEED_CACHE,
        etag=built["etag"],
    )


def router(web: Web) -> APIRouter:
    """Include it before the page routers: ``/section/{name:path}`` would otherwise take a section's feed
    address for a section's name."""
    routes = APIRouter()

    def site_name() -> str:
        return web.site.current().name

    @routes.get("/sources.opml", include_in_schema=False)
    async def opml(request: Request) -> Response:
        def build() -> dict[str, Any]:
            body = sources_opml(web.store, title=f"{site_name()} sources").encode("utf-8")
            return {"body": body, "etag": etag_of(body)}

        built = await run_in_threadpool(web.memo.get, "feed:sources.opml", FEED_SECONDS, build)
        return etagged(
            request, built["body"], media_type=OPML_MEDIA_TYPE, cache=FEED_CACHE, etag=built["etag"]
        )

    @routes.get("/feed.{extension}", include_in_schema=False)
    async def home(request: Request, extension: str) -> Response:
        def load() -> Channel:
            articles = web.store.articles.latest(FEED_ITEMS, languages=web.languages)
            name = site_name()
            return Channel(name, "/", articles, f"The latest articles on {name}.")

        return await serve_feed(web, request, extension, load)

    @routes.get("/section/{name:path}/feed.{extension}", include_in_schema=False)
    async def section(request: Request, name: str, extension: str) -> Response:
        def load() -> Channel:
            articles = web.store.articles.latest(FEED_ITEMS, section=name, languages=web.languages)
            if not articles and not any(s == name for s, _ in web.directory.sections()):
                raise not_found()
            return Channel(
                f"{name} · {site_name()}",
                section_path(name),
                articles,
                f"The latest articles in {name} on {site_name()}.",
            )

        return await serve_feed(web, request, extension, load)

    @routes.get("/story/{story_id:int}/feed.{extension}", include_in_schema=False)
    async def story(request: Request, story_id: int, extension: str) -> Response:
        if not 0 < story_id <= _LARGEST_ID:
            raise not_found()

        def load() -> Channel:
            view = cached_story(web, story_id)
            if view is None:
                raise not_found()
            if view.story.id != story_id:
                raise Moved(feed_path(f"/story/{view.story.id}", extension))
            if not view.articles:
                raise not_found()
            # Each text once, as the story's page shows it: a wire text is its first publisher's article.
            newest = [t.article.id for t in reversed(timeline(view.articles))][:FEED_ITEMS]
            return Channel(
                f"{view.story.title} · {site_name()}",
                f"/story/{story_id}",
                web.store.articles.many(newest),
                f"Every publisher's articles on this story, newest first, on {site_name()}.",
            )

        return await serve_feed(web, request, extension, load)

    @routes.get("/publisher/{slug}/feed.{extension}", include_in_schema=False)
    async def publisher(request: Request, slug: str, extension: str) -> Response:
        def load() -> Channel:
            found = web.store.publishers.by_slug(slug)
            if found is None:
                raise not_found()
            articles = web.store.articles.latest(FEED_ITEMS, publisher_id=found.id, languages=web.languages)
            return Channel(
                f"{found.name} · {site_name()}",
                f"/publisher/{found.slug}",
                articles,
                f"The latest articles from {found.name} on {site_name()}.",
                language=found.language,
            )

        return await serve_feed(web, request, extension, load)

    @routes.get("/entity/{key:path}/feed.{extension}", include_in_schema=False)
    async def entity(request: Request, key: str, extension: str) -> Response:
        if not key or len(key) > _LONGEST_KEY:
            raise not_found()

        def load() -> Channel:
            found = web.store.entities.get(key)
            if found is None:
                raise not_found()
            articles = web.store.entities.articles(key, FEED_ITEMS, languages=web.languages)
            return Channel(
                f"{found.name} · {site_name()}",
                entity_path(found.key),
                articles,
                f"The latest articles naming {found.name} on {site_name()}.",
            )

        return await serve_feed(web, request, extension, load)

    return routes
