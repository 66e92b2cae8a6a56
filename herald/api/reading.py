"""The reader's own Herald for apps: the reading list, the reading history, what they follow and mute, and
"For you", each through the reading service as the site's pages go, so what may be followed, and what it is
called, is decided from Herald's records and never from the request.

Everything here is about one reader: every answer needs their token and none is cached.
"""

# No `from __future__ import annotations`: see herald/api/auth.py.

import re
from typing import Annotated

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Response

from herald.api.articles import PREFIX
from herald.api.auth import Auth, Reader, no_content, private
from herald.api.bodies import LimitedRoute
from herald.api.paging import PageQuery
from herald.api.problems import problem_responses
from herald.api.reader_schemas import (
    ArticleOut,
    FollowIn,
    FollowOut,
    FollowsOut,
    ForYouItemOut,
    ForYouOut,
    HistoryOut,
    ReadOut,
    SavedOut,
    StoryNewsOut,
)
from herald.errors import AccountError
from herald.models import FOLLOW_KINDS
from herald.pipeline.comments import NO_SUCH_ARTICLE
from herald.pipeline.reading import NOT_FOUND, TOO_MANY, Reading
from herald.store import Store

MAX_KEY_CHARS = 200  # as the site's forms: longer is nothing that can be followed
_ARTICLE_ID = re.compile(r"^[0-9a-f]{32}$")

_ArticleId = Annotated[
    str,
    Path(
        max_length=64,
        description="The article's id: 32 lowercase hex digits, as in the site's /article/<id>.",
    ),
]
_Kind = Annotated[str, Path(max_length=20, description="publisher, story, entity or section.")]
_Key = Annotated[
    str,
    Path(
        max_length=MAX_KEY_CHARS,
        description="The publisher's or the story's id, the name's key (as in /entity/<key>), or the "
        "section's name.",
    ),
]


def create_reading_api(reading: Reading, store: Store, auth: Auth) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["your herald"], route_class=LimitedRoute)
    Signed = Annotated[Reader, Depends(auth.required)]

    def known_article(article_id: str) -> str:
        if not _ARTICLE_ID.fullmatch(article_id) or store.articles.get(article_id) is None:
            raise HTTPException(404, NO_SUCH_ARTICLE)
        return article_id

    # The reading list

    @router.get(
        "/me/saved",
        summary="The reading list",
        response_model=SavedOut,
        responses=problem_responses(400, 401),
        operation_id="listSaved",
    )
    def saved(reader: Signed, paging: PageQuery, response: Response) -> SavedOut:
        shown, cursor = paging.page(lambda limit, offset: reading.saved(reader.user, limit, offset))
        private(response)
        return SavedOut(items=[ArticleOut.of(a) for a in shown], next_cursor=cursor)

    @router.put(
        "/me/saved/{article_id}",
        summary="Save an article",
        description="Puts the article on the reading list; saving it again changes nothing.",
        status_code=204,
        response_class=Response,
        responses=problem_responses(401, 404),
        operation_id="saveArticle",
    )
    def save(reader: Signed, article_id: _ArticleId) -> Response:
        if not _ARTICLE_ID.fullmatch(article_id):
            raise HTTPException(404, NO_SUCH_ARTICLE)
        # not added: on the list already, or no such article; only the second is worth saying
        if not reading.save(reader.user, article_id):
            known_article(article_id)
        return no_content()

    @router.delete(
        "/me/saved/{article_id}",
        summary="Take an article off the reading list",
        status_code=204,
        response_class=Response,
        responses=problem_responses(401, 404),
        operation_id="unsaveArticle",
    )
    def unsave(reader: Signed, article_id: _ArticleId) -> Response:
        if not _ARTICLE_ID.fullmatch(article_id):
            raise HTTPException(404, NO_SUCH_ARTICLE)
        reading.unsave(reader.user, article_id)
        return no_content()

    # The reading history

    @router.get(
        "/me/history",
        summary="The reading history",
        description="What the reader opened, last read first, kept only for them.",
        response_model=HistoryOut,
        responses=problem_responses(400, 401),
        operation_id="listHistory",
    )
    def history(reader: Signed, paging: PageQuery, response: Response) -> HistoryOut:
        shown, cursor = paging.page(lambda limit, offset: reading.history(reader.user, limit, offset))
        private(response)
        return HistoryOut(
            items=[ReadOut(article=ArticleOut.of(a), read_at=when) for a, when in shown], next_cursor=cursor
        )

    @router.put(
        "/me/history/{article_id}",
        summary="Record that the reader read an article",
        description=(
            "What the site does when a signed-in reader opens an article: it goes to the top of the history "
            "and no longer shows in For you."
        ),
        status_code=204,
        response_class=Response,
        responses=problem_responses(401, 404),
        operation_id="recordRead",
    )
    def record_read(reader: Signed, article_id: _ArticleId) -> Response:
        reading.record_read(reader.user, known_article(article_id))
        return no_content()

    @router.delete(
        "/me/history",
        summary="Clear the reading history",
        status_code=204,
        response_class=Response,
        responses=problem_responses(401),
        operation_id="clearHistory",
    )
    def clear_history(reader: Signed) -> Response:
        reading.clear_history(reader.user)
        return no_content()

    # Follows and mutes

    @router.get(
        "/me/follows",
        summary="What the reader follows and mutes",
        description="Follows first, then mutes, each by name.",
        response_model=FollowsOut,
        responses=problem_responses(400, 401),
        operation_id="listFollows",
    )
    def follows(reader: Signed, paging: PageQuery, response: Response) -> FollowsOut:
        shown, cursor = paging.slice(reading.follows(reader.user))
        private(response)
        return FollowsOut(items=[FollowOut.of(f) for f in shown], next_cursor=cursor)

    @router.put(
        "/me/follows/{kind}/{key:path}",
        summary="Follow or mute something",
        description=(
            "Follow (or, with `muted: true`, mute) a publisher, a story, a name or a section that Herald "
            "has; its label comes from Herald's records. Doing it again switches between following and "
            "muting. Without a body, it is followed."
        ),
        response_model=FollowOut,
        responses=problem_responses(401, 404, 409, 422),
        operation_id="follow",
    )
    def follow(
        reader: Signed,
        kind: _Kind,
        key: _Key,
        response: Response,
        body: Annotated[FollowIn | None, Body()] = None,
    ) -> FollowOut:
        muted = body.muted if body is not None else False
        try:
            followed = reading.follow(reader.user, kind, key, muted=muted)
        except AccountError as exc:
            raise HTTPException(409 if str(exc) == TOO_MANY else 404, str(exc)) from exc
        private(response)
        return FollowOut.of(followed)

    @router.delete(
        "/me/follows/{kind}/{key:path}",
        summary="Stop following or muting something",
        status_code=204,
        response_class=Response,
        responses=problem_responses(401, 404),
        operation_id="unfollow",
    )
    def unfollow(reader: Signed, kind: _Kind, key: _Key) -> Response:
        if kind not in FOLLOW_KINDS or not key:
            raise HTTPException(404, NOT_FOUND)
        reading.unfollow(reader.user, kind, key)
        return no_content()

    # For you

    @router.get(
        "/me/for-you",
        summary="For you",
        description=(
            "Recent articles that match what the reader follows and nothing they mute, unread, best first, "
            "each with the reasons it is there; and the followed stories that grew since the visit before. "
            "The first page counts as a visit, as opening the site's page does, and only it carries "
            "`since_last_visit` and `last_visit`."
        ),
        response_model=ForYouOut,
        responses=problem_responses(400, 401),
        operation_id="getForYou",
    )
    def for_you(reader: Signed, paging: PageQuery, response: Response) -> ForYouOut:
        first = paging.offset == 0
        page = reading.for_you(reader.user, touch=first)
        shown, cursor = paging.slice(page.items)
        private(response)
        return ForYouOut(
            items=[ForYouItemOut.of(item) for item in shown],
            since_last_visit=[StoryNewsOut.of(news) for news in page.since_last_visit] if first else [],
            last_visit=page.last_visit if first else None,
            follows=page.follows,
            next_cursor=cursor,
        )

    return router
