"""A story: every publisher's telling of one event, oldest first, with reprints of one wire text shown once.

A story's articles are read by its page, by the page of each of its articles and by the front page, so they
are loaded once per period into the shared memo (without their texts) and served from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from herald.models import Article, Story
from herald.pipeline.coverage import timeline, without_body
from herald.web.language import language_of
from herald.web.pages.common import Moved, Web, not_found

STORY_SECONDS = 30.0
TIMELINE_LIMIT = 200
_LARGEST_ID = 2**63 - 1  # past this a database integer overflows: no such story, and no trip to ask


@dataclass(frozen=True, slots=True)
class StoryView:
    story: Story
    articles: list[Article]  # oldest first, without their texts; empty when ``story`` is a merge's survivor


def cached_story(web: Web, story_id: int) -> StoryView | None:
    """A story and its articles as of at most half a minute ago, or None if there is no such story. Asking
    for a merged story gives the story it became, without articles (the caller redirects)."""
    if not 0 < story_id <= _LARGEST_ID:
        return None

    def load() -> dict[str, Any]:
        story = web.store.stories.get(story_id)
        if story is None:
            raise LookupError(story_id)  # not memoised: unknown ids must not fill the memo
        members = web.store.stories.articles(story.id, TIMELINE_LIMIT) if story.id == story_id else []
        return {"view": StoryView(story, [without_body(a) for a in members])}

    try:
        view: StoryView = web.memo.get(f"story:{story_id}", STORY_SECONDS, load)["view"]
    except LookupError:
        return None
    return view


def router(web: Web) -> APIRouter:
    routes = APIRouter()

    @routes.get("/story/{story_id:int}", response_class=HTMLResponse)
    async def story(story_id: int, request: Request) -> Response:
        if not 0 < story_id <= _LARGEST_ID:
            raise not_found()

        def load() -> dict[str, Any]:
            view = cached_story(web, story_id)
            if view is None:
                raise not_found()
            if view.story.id != story_id:
                raise Moved(f"/story/{view.story.id}")
            if not view.articles:
                raise not_found()  # every article was taken out of it: nothing to show
            found = view.story
            lead = next((a for a in view.articles if a.id == found.lead_article_id), view.articles[0])
            return {
                "story": found,
                "lead": lead,
                "entries": timeline(view.articles),
                "shown": len(view.articles),
                "slugs": web.slugs_for(view.articles),
                "page_url": f"{web.settings.public_base_url}/story/{found.id}",
            }

        return await web.page("story.html", load, language=language_of(request))

    return routes
