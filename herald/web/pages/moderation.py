"""The moderators' pages: the queue of held and reported comments with what can be done about each (hide,
restore, delete, ban the author), and the log of what moderators did.

Only moderators and admins see them: anyone signed out is sent to sign in, a reader gets a page saying the
pages are not theirs. The comments service checks the role again and logs every action with who and when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from herald.models import Comment, User
from herald.pipeline.comments import ACTIONS, MAX_REASON_CHARS, NOT_A_MODERATOR, CommentError
from herald.translation import N_
from herald.web.csrf import Csrf
from herald.web.pages.comments import comment_viewers, parse_id
from herald.web.pages.common import Web
from herald.web.viewers import Form, Handle, Visit

QUEUE = "/moderation"
LOG_SIZE = 200
NOT_YOURS_TITLE = N_("Moderators only")
NOT_YOURS = N_("Only moderators can see this page.")
NOTHING_THERE = N_("There is nothing to moderate there.")
DONE = {
    "hide": N_("The comment is hidden: readers see “[removed by a moderator]” in its place."),
    "restore": N_("The comment is visible again, and its reports are cleared."),
    "delete": N_("The comment is deleted."),
    "ban": N_("The author is banned and signed out everywhere."),
    "unban": N_("The ban is lifted: the author can sign in and comment again."),
}


@dataclass(frozen=True, slots=True)
class Waiting:
    """A comment in the queue, with the page it is on."""

    comment: Comment
    page_path: str
    page_title: str


def _queue(web: Web, moderator: User) -> list[Waiting]:
    """The queue, each comment with its page's title (one query for the articles). Synchronous."""
    queue = web.comments.queue(moderator)
    titles = {
        a.id: a.title for a in web.store.articles.many(sorted({c.article_id for c in queue if c.article_id}))
    }
    waiting = []
    for comment in queue:
        if comment.article_id:
            path, title = f"/article/{comment.article_id}", titles.get(comment.article_id, N_("An article"))
        else:
            story = web.store.stories.get(comment.story_id or 0)
            path, title = f"/story/{comment.story_id}", story.title if story is not None else N_("A story")
        waiting.append(Waiting(comment, path, title))
    return waiting


def router(web: Web, csrf: Csrf) -> APIRouter:
    viewers = comment_viewers(web, csrf)
    comments = web.comments

    def moderator(visit: Visit) -> User | Response:
        """The signed-in moderator, or the answer for anyone else: sign in first, or "not yours"."""
        if visit.user is None:
            return viewers.to_sign_in(visit, QUEUE)
        if not visit.user.is_moderator or visit.user.banned:
            return viewers.message(visit, NOT_YOURS_TITLE, NOT_YOURS, status=403)
        return visit.user

    def shown(visit: Visit, template: str, **context: Any) -> Response:
        done = DONE.get(visit.request.query_params.get("done", ""), "")
        return viewers.render(visit, template, done=done, max_reason=MAX_REASON_CHARS, **context)

    async def queue_page(request: Request) -> Response:
        visit = await viewers.visit(request)
        who = moderator(visit)
        if isinstance(who, Response):
            return who
        return shown(visit, "moderation.html", queue=await run_in_threadpool(_queue, web, who))

    async def log_page(request: Request) -> Response:
        visit = await viewers.visit(request)
        who = moderator(visit)
        if isinstance(who, Response):
            return who
        return shown(
            visit, "moderation_log.html", entries=await run_in_threadpool(comments.log, who, LOG_SIZE)
        )

    async def act(visit: Visit, target: int | None, work: Callable[[User, int], Any], done: str) -> Response:
        """Run a moderator's action in a worker thread, then back to the queue saying what was done."""
        who = moderator(visit)
        if isinstance(who, Response):
            return who
        if target is None:
            return viewers.message(visit, N_("Not found"), NOTHING_THERE, status=404)
        try:
            await run_in_threadpool(work, who, target)
        except CommentError as exc:
            return viewers.message(
                visit,
                N_("That did not work"),
                str(exc),
                status=403 if str(exc) == NOT_A_MODERATOR else 400,
                link=(QUEUE, N_("Back to the queue")),
            )
        return viewers.redirect(visit, f"{QUEUE}?done={done}")

    async def moderate(visit: Visit, form: Form) -> Response:
        action = str(visit.request.path_params.get("action", ""))
        comment_id = parse_id(visit.request.path_params.get("comment_id"))
        reason = form.get("reason", "")
        if action not in ACTIONS:
            comment_id = None
        return await act(
            visit, comment_id, lambda user, target: comments.moderate(user, target, action, reason), action
        )

    def banning(banned: bool) -> Handle:
        async def handle(visit: Visit, form: Form) -> Response:
            user_id = parse_id(visit.request.path_params.get("user_id"))
            reason = form.get("reason", "")
            return await act(
                visit,
                user_id,
                lambda user, target: comments.ban(user, target, banned=banned, reason=reason),
                "ban" if banned else "unban",
            )

        return handle

    routes = APIRouter()
    routes.add_api_route(QUEUE, queue_page, methods=["GET"], include_in_schema=False)
    routes.add_api_route(QUEUE + "/log", log_page, methods=["GET"], include_in_schema=False)
    for path, handle in (
        ("/moderation/comments/{comment_id}/{action}", moderate),
        ("/moderation/users/{user_id}/ban", banning(True)),
        ("/moderation/users/{user_id}/unban", banning(False)),
    ):
        routes.add_api_route(path, viewers.post(handle), methods=["POST"], include_in_schema=False)
    return routes
