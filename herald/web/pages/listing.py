"""Paged lists of articles: everything, one section, one publisher; "Older articles" pages back by time."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import HTMLResponse, Response

from herald.web.pages.common import Before, Web, not_found, paged, parse_before


def query(since: Before | None) -> dict[str, Any]:
    return since.query() if since is not None else {}


def router(web: Web) -> APIRouter:
    routes = APIRouter()

    @routes.get("/latest", response_class=HTMLResponse)
    async def latest(before: str | None = None) -> Response:
        since = parse_before(before)

        def load() -> dict[str, Any]:
            page = paged(lambda n: web.store.articles.latest(n, languages=web.languages, **query(since)))
            return {
                "title": "Latest",
                "page": page,
                "paging": before is not None,
                "slugs": web.slugs_for(page.articles),
                "comment_counts": web.comments.counts([a.id for a in page.articles]),
            }

        return await web.page("listing.html", load, current="latest")

    @routes.get("/section/{name:path}", response_class=HTMLResponse)
    async def section(name: str, before: str | None = None) -> Response:
        since = parse_before(before)

        def load() -> dict[str, Any]:
            page = paged(
                lambda n: web.store.articles.latest(n, section=name, languages=web.languages, **query(since))
            )
            known = page.articles or any(s == name for s, _ in web.store.articles.sections())
            if not known:
                raise not_found()
            return {
                "title": name,
                "page": page,
                "paging": before is not None,
                "slugs": web.slugs_for(page.articles),
                "comment_counts": web.comments.counts([a.id for a in page.articles]),
            }

        return await web.page("listing.html", load, current=name)

    @routes.get("/publisher/{slug}", response_class=HTMLResponse)
    async def publisher(slug: str, before: str | None = None) -> Response:
        since = parse_before(before)

        def load() -> dict[str, Any]:
            found = web.store.publishers.by_slug(slug)
            if found is None:
                raise not_found()
            page = paged(
                lambda n: web.store.articles.latest(
                    n, publisher_id=found.id, languages=web.languages, **query(since)
                )
            )
            return {
                "title": found.name,
                "publisher": found,
                "page": page,
                "paging": before is not None,
                "slugs": {found.id: found.slug},
                "comment_counts": web.comments.counts([a.id for a in page.articles]),
            }

        return await web.page("publisher.html", load)

    return routes
