"""People, places and organisations: one page per entity (the stories and articles naming it), and an index
of the most named ones."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from herald.models import EntityRef
from herald.web.language import language_of
from herald.web.pages.common import Web, not_found
from herald.web.render import entity_kind, entity_path

ENTITY_STORIES = 10
ENTITY_ARTICLES = 20
TOPICS = 40
TOPICS_SECONDS = 60.0
_LONGEST_KEY = 200  # keys are slugs of names; anything longer is not one of ours, and costs no query
_KIND_ORDER = ("Person", "Place", "Organisation")


def by_kind(entities: list[EntityRef]) -> list[tuple[str, list[EntityRef]]]:
    """People, places, organisations, then any other kind, each keeping the given order."""
    groups: dict[str, list[EntityRef]] = {}
    for entity in entities:
        groups.setdefault(entity_kind(entity.kind), []).append(entity)
    ordered = [k for k in _KIND_ORDER if k in groups] + sorted(k for k in groups if k not in _KIND_ORDER)
    return [(kind, groups[kind]) for kind in ordered]


def router(web: Web) -> APIRouter:
    routes = APIRouter()

    @routes.get("/entity/{key:path}", response_class=HTMLResponse)
    async def entity(key: str, request: Request) -> Response:
        if not key or len(key) > _LONGEST_KEY:
            raise not_found()

        def load() -> dict[str, Any]:
            found = web.store.entities.get(key)
            if found is None:
                raise not_found()
            articles = web.store.entities.articles(key, ENTITY_ARTICLES, languages=web.languages)
            return {
                "entity": found,
                "stories": web.store.stories.for_entity(key, ENTITY_STORIES, languages=web.languages),
                "articles": articles,
                "slugs": web.slugs_for(articles),
                "comment_counts": web.comments.counts([a.id for a in articles]),
                "page_url": web.settings.public_base_url + entity_path(found.key),
            }

        return await web.page("entity.html", load, language=language_of(request))

    def topics_load() -> dict[str, Any]:
        return {"kinds": by_kind(web.store.entities.popular(TOPICS))}

    @routes.get("/topics", response_class=HTMLResponse)
    async def topics(request: Request) -> HTMLResponse:
        return await web.shared_page(
            "topics",
            TOPICS_SECONDS,
            "topics.html",
            topics_load,
            current="topics",
            language=language_of(request),
        )

    return routes
