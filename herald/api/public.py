"""What Herald publishes, for apps, in one router: stories (:mod:`herald.api.stories`), articles
(:mod:`herald.api.news`), sections, publishers and names (:mod:`herald.api.directory`), and what changed
since an app last looked (:mod:`herald.api.sync`)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter

from herald.api.content import Content
from herald.api.directory import create_directory_api
from herald.api.news import create_news_api
from herald.api.stories import create_stories_api
from herald.api.sync import create_sync_api
from herald.store import Store


def create_content_api(
    store: Store, site_languages: Callable[[], tuple[str, ...]], secret_key: str
) -> APIRouter:
    """Every content route over the process's store. ``site_languages`` gives the languages the site's
    listings keep now; ``secret_key`` (the site's) signs the cursors, so a cursor an app keeps works on every
    web process and after a restart."""
    content = Content.of(store, site_languages, secret_key)
    router = APIRouter()
    router.include_router(create_stories_api(content))
    router.include_router(create_news_api(content))
    router.include_router(create_directory_api(content))
    router.include_router(create_sync_api(content))
    return router
