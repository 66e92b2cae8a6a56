"""The ways into the news for apps: sections, publishers (each with its newest articles) and the names
articles mention (each with its stories and articles), as the site's section, publisher and name pages."""

# No `from __future__ import annotations`: see herald/api/auth.py.

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Response

from herald.api.articles import PREFIX
from herald.api.content import Content, shared
from herald.api.content_schemas import (
    EntitiesOut,
    EntityDetailOut,
    EntityOut,
    PublisherDetailOut,
    PublisherOut,
    PublishersOut,
    SectionOut,
    SectionsOut,
)
from herald.api.cursors import MAX_CURSOR_CHARS, offset_cursor, offset_in
from herald.api.news import DEFAULT_ARTICLES, MAX_ARTICLES, latest_page
from herald.api.problems import problem_responses
from herald.models import Publisher

DEFAULT_PAGE = 50
MAX_PAGE = 200
ENTITY_STORIES = 10  # as the name's page on the site
ENTITY_DEPTH = 500  # how far back a name's articles are paged
POPULAR_DEPTH = 1000
MAX_KEY_CHARS = 200

NO_PUBLISHER = "No publisher has that slug; GET /api/v1/publishers lists them."
NO_ENTITY = "No name has that key; GET /api/v1/entities lists the most mentioned."

_Cursor = Annotated[
    str | None,
    Query(max_length=MAX_CURSOR_CHARS, description="The `next_cursor` of the page before; none at first."),
]
_PageLimit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Items per page, 1 to {MAX_PAGE}.")]
_ArticleLimit = Annotated[
    int, Query(ge=1, le=MAX_ARTICLES, description=f"Articles per page, 1 to {MAX_ARTICLES}.")
]
_Slug = Annotated[
    str,
    Path(
        max_length=200,
        description="The publisher's slug, as in the site's /publisher/<slug>.",
        examples=["the-harbour-courier"],
    ),
]
_Key = Annotated[
    str,
    Path(
        max_length=MAX_KEY_CHARS,
        description="The name's key, as in the site's /entity/<key>.",
        examples=["port-alder"],
    ),
]


def create_directory_api(content: Content) -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    store = content.store

    @router.get(
        "/sections",
        tags=["sections"],
        summary="Sections",
        description=(
            "Every section that holds articles, largest first, with its count; a section's articles are at "
            "its `href`. Counted at most 30 seconds ago."
        ),
        response_model=SectionsOut,
        operation_id="listSections",
    )
    def sections(response: Response) -> SectionsOut:
        found = content.sections.get(store.articles.sections)
        shared(response)
        return SectionsOut(items=[SectionOut(name=name, article_count=n) for name, n in found])

    @router.get(
        "/publishers",
        tags=["publishers"],
        summary="Publishers",
        description="Every publisher Herald follows, by name, with how many of its articles are kept.",
        response_model=PublishersOut,
        responses=problem_responses(400, 422),
        operation_id="listPublishers",
    )
    def publishers(
        response: Response, limit: _PageLimit = DEFAULT_PAGE, cursor: _Cursor = None
    ) -> PublishersOut:
        offset = offset_in(content.cursors, "publishers", cursor)
        everyone: list[Publisher] = content.publishers.get(store.publishers.list)
        shown = everyone[offset : offset + limit]
        more = len(everyone) > offset + limit
        shared(response)
        return PublishersOut(
            items=[PublisherOut.of(p) for p in shown],
            next_cursor=offset_cursor(content.cursors, "publishers", offset + limit) if more else None,
        )

    @router.get(
        "/publishers/{slug}",
        tags=["publishers"],
        summary="A publisher and its newest articles",
        description=(
            "The publisher, and its articles newest first in the languages the site shows, paged with "
            "`next_cursor` as GET /api/v1/articles is."
        ),
        response_model=PublisherDetailOut,
        responses=problem_responses(400, 404, 422),
        operation_id="getPublisher",
    )
    def publisher(
        slug: _Slug, response: Response, limit: _ArticleLimit = DEFAULT_ARTICLES, cursor: _Cursor = None
    ) -> PublisherDetailOut:
        found = store.publishers.by_slug(slug)
        if found is None:
            raise HTTPException(404, NO_PUBLISHER)
        items, next_cursor = latest_page(
            content, f"publisher|{found.id}", cursor, limit, content.site_languages(), publisher_id=found.id
        )
        shared(response)
        return PublisherDetailOut(publisher=PublisherOut.of(found), items=items, next_cursor=next_cursor)

    @router.get(
        "/entities",
        tags=["names"],
        summary="The most mentioned names",
        description=(
            "People, places and organisations that articles mention, most mentioned first (those in at "
            "least two articles), as the site's Topics page."
        ),
        response_model=EntitiesOut,
        responses=problem_responses(400, 422),
        operation_id="listEntities",
    )
    def entities(response: Response, limit: _PageLimit = DEFAULT_PAGE, cursor: _Cursor = None) -> EntitiesOut:
        offset = offset_in(content.cursors, "entities", cursor)
        end = min(offset + limit, POPULAR_DEPTH)
        found = store.entities.popular(end + 1)
        more = len(found) > end and end < POPULAR_DEPTH
        shared(response)
        return EntitiesOut(
            items=[EntityOut.of(e) for e in found[offset:end]],
            next_cursor=offset_cursor(content.cursors, "entities", end) if more else None,
        )

    @router.get(
        "/entities/{key}",
        tags=["names"],
        summary="A name, its stories and its articles",
        description=(
            "A person, place or organisation: the latest stories naming it (on the first page), and the "
            f"articles naming it, newest first and paged with `next_cursor` ({ENTITY_DEPTH} deep), in the "
            "languages the site shows."
        ),
        response_model=EntityDetailOut,
        responses=problem_responses(400, 404, 422),
        operation_id="getEntity",
    )
    def entity(
        key: _Key, response: Response, limit: _ArticleLimit = DEFAULT_ARTICLES, cursor: _Cursor = None
    ) -> EntityDetailOut:
        found = store.entities.get(key)
        if found is None:
            raise HTTPException(404, NO_ENTITY)
        scope = f"entity|{found.key}"
        offset = offset_in(content.cursors, scope, cursor)
        languages = content.site_languages()
        end = min(offset + limit, ENTITY_DEPTH)
        articles = store.entities.articles(found.key, end + 1, languages=languages)
        stories = (
            store.stories.for_entity(found.key, ENTITY_STORIES, languages=languages) if offset == 0 else []
        )
        more = len(articles) > end and end < ENTITY_DEPTH
        shared(response)
        return EntityDetailOut(
            entity=EntityOut.of(found),
            stories=content.story_cards(stories),
            items=content.cards(articles[offset:end]),
            next_cursor=offset_cursor(content.cursors, scope, end) if more else None,
        )

    return router
