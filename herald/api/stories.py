"""Stories for apps: the top stories as the front page ranks them, and one story with every telling.

A merged story's old id answers 308 with the story it became, for good (merges are never undone), as the
site's story page does with a 301.
"""

# No `from __future__ import annotations`: see herald/api/auth.py.

import time
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Response
from starlette.responses import RedirectResponse

from herald.api.articles import PREFIX
from herald.api.content import Content, shared
from herald.api.content_schemas import StoriesOut, StoryDetailOut, TellingOut
from herald.api.cursors import MAX_CURSOR_CHARS, offset_cursor, offset_in
from herald.api.problems import problem_responses
from herald.api.reader_schemas import LARGEST_ID
from herald.pipeline.coverage import timeline

DEFAULT_STORIES = 20
MAX_STORIES = 50
RANKED = 200  # how deep the ranking is paged: past this, stories are old news
STORY_ARTICLES = 200  # as the story page's timeline
MOVED = "public, max-age=86400"

NO_STORY = "No story has that id."
EMPTY_STORY = "That story has no articles left: an editor moved them all to other stories."

_Section = Annotated[
    str | None,
    Query(max_length=50, description="Only this section's stories, e.g. World.", examples=["World"]),
]
_Limit = Annotated[int, Query(ge=1, le=MAX_STORIES, description=f"Stories per page, 1 to {MAX_STORIES}.")]
_Cursor = Annotated[
    str | None,
    Query(max_length=MAX_CURSOR_CHARS, description="The `next_cursor` of the page before; none at first."),
]
_StoryId = Annotated[
    int, Path(ge=1, le=LARGEST_ID, description="The story's id, as in the site's /story/<id>.")
]


TOP_STORIES_SECONDS = 5.0
MAX_KEPT_PAGES = 256  # pages of top stories kept at once (sections times pages); past it, start again


def create_stories_api(content: Content) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["stories"])
    store = content.store
    # The top stories are the same for every app for a few seconds, as the front page is for every reader:
    # each page of them is ranked once per TOP_STORIES_SECONDS in this process, not once per request.
    recent: dict[tuple[str | None, int, int, tuple[str, ...]], tuple[float, StoriesOut]] = {}

    @router.get(
        "/stories",
        summary="Top stories",
        description=(
            "The stories the front page leads with, ranked as it ranks them: by how many publishers tell "
            "each and how fresh its news is. Each comes with its lead article. Only stories told in the "
            "languages the site shows. The ranking moves as news arrives, so a later page may repeat a story "
            f"of an earlier one; it goes {RANKED} stories deep."
        ),
        response_model=StoriesOut,
        responses=problem_responses(400, 422),
        operation_id="listTopStories",
    )
    def top_stories(
        response: Response, section: _Section = None, limit: _Limit = DEFAULT_STORIES, cursor: _Cursor = None
    ) -> StoriesOut:
        scope = f"stories|{section or ''}"
        offset = offset_in(content.cursors, scope, cursor)
        end = min(offset + limit, RANKED)
        languages = content.site_languages()
        shared(response)
        key = (section, offset, end, languages)
        now = time.monotonic()
        kept = recent.get(key)
        if kept is not None and now - kept[0] < TOP_STORIES_SECONDS:
            return kept[1]
        ranked = store.stories.top(end + 1, section=section, languages=languages)
        shown = ranked[offset:end]
        more = len(ranked) > end and end < RANKED
        answer = StoriesOut(
            items=content.story_cards(shown),
            next_cursor=offset_cursor(content.cursors, scope, end) if more else None,
        )
        if len(recent) >= MAX_KEPT_PAGES:
            recent.clear()
        recent[key] = (now, answer)
        return answer

    @router.get(
        "/stories/{story_id}",
        summary="A story with all its articles",
        description=(
            "The story and its tellings, oldest first, as the story's page shows them: a text that several "
            "publishers carried (a wire story) is one telling, with the other publishers' reprints under "
            "it. A story merged into another answers 308 with the other's address in Location. Articles in "
            "every language are listed, as on the site."
        ),
        response_model=StoryDetailOut,
        responses={
            308: {
                "description": "The story was merged into another, whose address is in Location.",
                "headers": {
                    "Location": {"schema": {"type": "string"}, "description": "The story it became."}
                },
            },
            **problem_responses(404, 422),
        },
        operation_id="getStory",
    )
    def story(story_id: _StoryId, response: Response) -> Any:
        found = store.stories.get(story_id)
        if found is None:
            raise HTTPException(404, NO_STORY)
        if found.id != story_id:
            return RedirectResponse(
                f"{PREFIX}/stories/{found.id}", status_code=308, headers={"Cache-Control": MOVED}
            )
        members = store.stories.articles(found.id, STORY_ARTICLES)
        if not members:
            raise HTTPException(404, EMPTY_STORY)
        cards = {card.id: card for card in content.cards(members)}
        lead = cards.get(found.lead_article_id or "") or cards[members[0].id]
        changed = content.changes.last_changed(article_ids=list(cards), story_ids=[found.id])
        shared(response, changed)
        return StoryDetailOut.of(
            found,
            lead,
            tellings=[
                TellingOut(article=cards[t.article.id], reprints=[cards[r.id] for r in t.reprints])
                for t in timeline(members)
            ],
            changed_at=changed or found.last_updated,
        )

    return router
