"""Comments for apps: an article's or a story's thread, and posting, replying, editing, deleting and
reporting, each through the comments service exactly as the site's forms go, so its rate limits, its rules
(a comment held for a moderator), bans and ownership apply the same; its refusals come back with its own
sentences as problem+json.

A thread is public: without a token it is what the site shows a signed-out reader, with one what it shows
that reader (their own comments waiting for a moderator among them). Every answer is about one viewer or may
be, so none is cached. Moderators' actions are the site's alone.
"""

# No `from __future__ import annotations`: see herald/api/auth.py.

import re
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from starlette.responses import RedirectResponse

from herald.api.articles import PREFIX
from herald.api.auth import OPTIONAL_SECURITY, Auth, Reader, client_of, no_content, private
from herald.api.bodies import LimitedRoute
from herald.api.paging import PageQuery
from herald.api.problems import problem_responses
from herald.api.reader_schemas import (
    LARGEST_ID,
    CommentEditIn,
    CommentIn,
    CommentOut,
    ReportIn,
    ReportOut,
    ThreadOut,
)
from herald.pipeline.comments import (
    BANNED,
    EMPTY,
    NO_SUCH_ARTICLE,
    NO_SUCH_COMMENT,
    NOT_A_MODERATOR,
    NOT_YOURS,
    TOO_FAST,
    TOO_LONG,
    CommentError,
    Comments,
)
from herald.store import Store

NO_STORY = "That story does not exist."  # the site's words for the same thing
RETRY_AFTER_SECONDS = 60  # the service's shortest window: "Wait a minute, then try again."
_ARTICLE_ID = re.compile(r"^[0-9a-f]{32}$")
_STATUS = {
    NOT_YOURS: 403,
    BANNED: 403,
    NOT_A_MODERATOR: 403,
    NO_SUCH_COMMENT: 404,
    NO_SUCH_ARTICLE: 404,
    TOO_FAST: 429,
    EMPTY: 422,
    TOO_LONG: 422,
}

_IdText = Annotated[str, Path(max_length=40, description="A positive whole number.")]


def parse_id(text: str) -> int | None:
    """A positive row id from a path, or None (no database trip for what cannot be one)."""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None


def refused(exc: CommentError, *, in_body: bool = False) -> HTTPException:
    """The service's refusal as an HTTP error with its sentence. A comment named in the body (the one
    replied to) that is not there is a request that cannot be done (422); named in the path, a 404."""
    message = str(exc)
    status = _STATUS.get(message, 400)
    if in_body and message == NO_SUCH_COMMENT:
        status = 422
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 429 else None
    return HTTPException(status, message, headers=headers)


def create_comments_api(comments: Comments, store: Store, auth: Auth) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["comments"], route_class=LimitedRoute)
    Signed = Annotated[Reader, Depends(auth.required)]
    Viewer = Annotated[Reader | None, Depends(auth.optional)]

    def article_of(article_id: str) -> str:
        if not _ARTICLE_ID.fullmatch(article_id) or store.articles.get(article_id) is None:
            raise HTTPException(404, NO_SUCH_ARTICLE)
        return article_id

    def story_of(text: str, request: Request) -> int | RedirectResponse:
        """The story's id; for a story merged into another, a redirect to the same request on that one."""
        story_id = parse_id(text)
        story = store.stories.get(story_id) if story_id is not None else None
        if story is None:
            raise HTTPException(404, NO_STORY)
        if story.id != story_id:
            moved = f"{PREFIX}/stories/{story.id}/comments"
            query = request.url.query
            return RedirectResponse(moved + (f"?{query}" if query else ""), status_code=308)
        return story.id

    def thread(
        viewer: Reader | None,
        paging: PageQuery,
        *,
        article_id: str | None = None,
        story_id: int | None = None,
    ) -> ThreadOut:
        entries = comments.thread(
            article_id=article_id, story_id=story_id, viewer=viewer.user if viewer else None
        )
        shown, cursor = paging.slice(entries)
        return ThreadOut(
            count=sum(1 for t in entries if t.comment.status == "visible"),
            items=[CommentOut.of(t.comment, depth=t.depth, mine=t.mine) for t in shown],
            next_cursor=cursor,
        )

    def post(
        reader: Reader,
        body: CommentIn,
        request: Request,
        *,
        article_id: str | None = None,
        story_id: int | None = None,
    ) -> CommentOut:
        try:
            comment = comments.post(
                reader.user,
                body.text,
                article_id=article_id,
                story_id=story_id,
                parent_id=body.parent_id,
                client=client_of(request),
            )
        except CommentError as exc:
            raise refused(exc, in_body=True) from exc
        return CommentOut.of(comment, depth=None, mine=True)

    thread_description = (
        "The page's comments in reading order. Without a token, what a signed-out reader sees; with one, "
        "what that reader sees, their own comments waiting for a moderator among them. A comment the reader "
        "may not read stays as a placeholder without text when replies to it are shown."
    )
    post_description = (
        "A new comment, or with `parent_id` a reply. Limited per reader and per address as on the site; the "
        "site's rules may hold it for a moderator (`status: held`), and then only its author sees it until a "
        "moderator has. The text is at most 5,000 characters; `html` is its safe rendering."
    )

    @router.get(
        "/articles/{article_id}/comments",
        summary="An article's comments",
        description=thread_description,
        response_model=ThreadOut,
        responses=problem_responses(400, 401, 404),
        openapi_extra=OPTIONAL_SECURITY,
        operation_id="listArticleComments",
    )
    def article_thread(
        article_id: Annotated[str, Path(max_length=64)], viewer: Viewer, paging: PageQuery, response: Response
    ) -> ThreadOut:
        found = thread(viewer, paging, article_id=article_of(article_id))
        private(response)
        return found

    @router.get(
        "/stories/{story_id}/comments",
        summary="A story's comments",
        description=thread_description + " A story merged into another answers 308, to the one it became.",
        response_model=ThreadOut,
        responses=problem_responses(400, 401, 404),
        openapi_extra=OPTIONAL_SECURITY,
        operation_id="listStoryComments",
    )
    def story_thread(
        story_id: _IdText, viewer: Viewer, paging: PageQuery, request: Request, response: Response
    ) -> ThreadOut | Response:
        found = story_of(story_id, request)
        if isinstance(found, Response):
            return found
        private(response)
        return thread(viewer, paging, story_id=found)

    @router.post(
        "/articles/{article_id}/comments",
        summary="Comment on an article",
        description=post_description,
        status_code=201,
        response_model=CommentOut,
        responses=problem_responses(401, 403, 404, 413, 422, 429),
        operation_id="postArticleComment",
    )
    def comment_article(
        article_id: Annotated[str, Path(max_length=64)],
        reader: Signed,
        body: CommentIn,
        request: Request,
        response: Response,
    ) -> CommentOut:
        if not _ARTICLE_ID.fullmatch(article_id):
            raise HTTPException(404, NO_SUCH_ARTICLE)  # the service finds the rest unknown itself
        posted = post(reader, body, request, article_id=article_id)
        private(response)
        return posted

    @router.post(
        "/stories/{story_id}/comments",
        summary="Comment on a story",
        description=post_description + " A story merged into another answers 308, to the one it became.",
        status_code=201,
        response_model=CommentOut,
        responses=problem_responses(401, 403, 404, 413, 422, 429),
        operation_id="postStoryComment",
    )
    def comment_story(
        story_id: _IdText, reader: Signed, body: CommentIn, request: Request, response: Response
    ) -> CommentOut | Response:
        found = story_of(story_id, request)
        if isinstance(found, Response):
            return found
        posted = post(reader, body, request, story_id=found)
        private(response)
        return posted

    def comment_id_of(text: str) -> int:
        comment_id = parse_id(text)
        if comment_id is None:
            raise HTTPException(404, NO_SUCH_COMMENT)
        return comment_id

    @router.patch(
        "/comments/{comment_id}",
        summary="Edit one's own comment",
        description=(
            "New text for a comment the reader wrote. An edit that now breaks one of the site's rules (links "
            "added, say) sends a visible comment back to the moderators (`status: held`)."
        ),
        response_model=CommentOut,
        responses=problem_responses(401, 403, 404, 413, 422),
        operation_id="editComment",
    )
    def edit(comment_id: _IdText, reader: Signed, body: CommentEditIn, response: Response) -> CommentOut:
        try:
            edited = comments.edit(reader.user, comment_id_of(comment_id), body.text)
        except CommentError as exc:
            raise refused(exc) from exc
        private(response)
        return CommentOut.of(edited, depth=None, mine=True)

    @router.delete(
        "/comments/{comment_id}",
        summary="Delete one's own comment",
        description="Replies to it stay, under a placeholder.",
        status_code=204,
        response_class=Response,
        responses=problem_responses(401, 403, 404),
        operation_id="deleteComment",
    )
    def delete(comment_id: _IdText, reader: Signed) -> Response:
        try:
            comments.delete(reader.user, comment_id_of(comment_id))
        except CommentError as exc:
            raise refused(exc) from exc
        return no_content()

    @router.post(
        "/comments/{comment_id}/report",
        summary="Report a comment to the moderators",
        description="Once per reader and comment; a second report says `reported: false`.",
        response_model=ReportOut,
        responses=problem_responses(401, 404, 422),
        operation_id="reportComment",
    )
    def report(
        comment_id: _IdText, reader: Signed, response: Response, body: ReportIn | None = None
    ) -> ReportOut:
        reason = body.reason if body is not None else "other"
        try:
            reported = comments.report(reader.user, comment_id_of(comment_id), reason)
        except CommentError as exc:
            raise refused(exc) from exc
        private(response)
        return ReportOut(reported=reported)

    return router
