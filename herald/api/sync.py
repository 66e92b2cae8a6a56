"""Changes since: how an app keeps what it holds up to date without fetching everything again.

How an app syncs:

1. On first start, ``GET /api/v1/changes`` (no ``since``) gives a cursor for "now"; keep it, then fetch the
   listings the app shows (``/stories``, ``/articles``...).
2. Later, ``GET /api/v1/changes?since=<cursor>`` lists every article and story that changed after it, oldest
   first: refetch those the app holds at their ``href`` (a story ``gone`` is dropped; one ``merged_into``
   another is replaced by it), and keep ``next_cursor``. While ``has_more`` is true, ask again at once.
3. New articles and stories are changes too, so the same call tells an app what to add.

Changes are read from the database's own stamps (migration 0008), and a change shows here only once it is
:data:`SETTLE` old: a change being written in a transaction that commits a moment later is never passed by
a cursor. A change may come twice (once as new, again as changed): refetching is always safe.
"""

# No `from __future__ import annotations`: see herald/api/auth.py.

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response

from herald.api.articles import PREFIX
from herald.api.caching import http_date
from herald.api.content import Content
from herald.api.content_schemas import ChangeOut, ChangesOut
from herald.api.cursors import MAX_CURSOR_CHARS, format_time, parse_time
from herald.api.problems import problem_responses
from herald.store.changes import ARTICLE, END_OF_INSTANT, STORY, Change, Position

# How old a change must be to be listed: longer than any transaction that stamps articles or stories runs.
SETTLE = timedelta(seconds=10)
DEFAULT_CHANGES = 100
MAX_CHANGES = 500
SCOPE = "changes"
FRESH = "public, no-cache"  # an app asks every time; its ETag makes an unchanged answer a 304

BAD_SINCE = (
    "That `since` is not a cursor from GET /api/v1/changes: send the next_cursor of your last sync, or no "
    "`since` to start from now (then fetch the listings again)."
)

_KINDS = {str(ARTICLE): ARTICLE, str(STORY): STORY, str(END_OF_INSTANT): END_OF_INSTANT}


def _position(content: Content, cursor: str) -> Position:
    stamp, kind_text, key = content.cursors.read(SCOPE, cursor, 3, BAD_SINCE)
    kind = _KINDS.get(kind_text)
    valid_key = {
        ARTICLE: len(key) == 32 and key.isalnum() and key == key.lower(),
        STORY: key.isdigit() and 0 < len(key) <= 19,
        END_OF_INSTANT: key == "",
    }
    if kind is None or not valid_key[kind]:
        raise HTTPException(400, BAD_SINCE)
    return Position(parse_time(stamp, BAD_SINCE), kind, key)


def _cursor(content: Content, position: Position) -> str:
    return content.cursors.make(SCOPE, [format_time(position.time), str(position.kind), position.key])


def _out(change: Change) -> ChangeOut:
    if change.kind == ARTICLE:
        return ChangeOut(
            kind="article",
            article_id=change.article_id,
            story_id=change.story_id,
            changed_at=change.changed_at,
            merged_into=None,
            gone=False,
        )
    return ChangeOut(
        kind="story",
        article_id=None,
        story_id=change.story_id,
        changed_at=change.changed_at,
        merged_into=change.merged_into,
        gone=change.merged_into is not None or change.article_count == 0,
    )


def create_sync_api(content: Content) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["sync"])

    @router.get(
        "/changes",
        summary="What changed since the app last looked",
        description=(
            "Every article and story that changed after the cursor `since`, oldest first: new ones, a "
            "corrected text or headline, an article moved to another story or section, a story that grew, "
            "was renamed, was merged into another (`merged_into`) or lost all its articles (`gone`). Refetch "
            "what the app holds at each `href`, keep `next_cursor` for next time, and while `has_more` is "
            "true ask again at once.\n\nWithout `since`, the answer lists nothing and `next_cursor` stands "
            "for now: keep it, and fetch the listings. A change is listed once it is "
            f"{int(SETTLE.total_seconds())} seconds old, and may be listed twice: refetching is always safe."
        ),
        response_model=ChangesOut,
        responses=problem_responses(400, 422),
        operation_id="listChanges",
    )
    def changes(
        response: Response,
        since: Annotated[
            str | None,
            Query(
                max_length=MAX_CURSOR_CHARS,
                description="The `next_cursor` of the app's last call; none to start from now.",
            ),
        ] = None,
        limit: Annotated[
            int, Query(ge=1, le=MAX_CHANGES, description=f"Changes per answer, 1 to {MAX_CHANGES}.")
        ] = DEFAULT_CHANGES,
    ) -> ChangesOut:
        after = _position(content, since) if since is not None else None
        horizon = content.changes.now() - SETTLE
        response.headers["Cache-Control"] = FRESH
        if since is None or after is None:
            return ChangesOut(changes=[], next_cursor=_cursor(content, Position(horizon)), has_more=False)
        found = content.changes.since(after, until=horizon, limit=limit)
        shown, has_more = found[:limit], len(found) > limit
        if not shown:
            # The same cursor again: until something changes the answer stays the same, and a 304.
            return ChangesOut(changes=[], next_cursor=since, has_more=False)
        response.headers["Last-Modified"] = http_date(shown[-1].changed_at)
        return ChangesOut(
            changes=[_out(c) for c in shown],
            next_cursor=_cursor(content, shown[-1].position),
            has_more=has_more,
        )

    return router
