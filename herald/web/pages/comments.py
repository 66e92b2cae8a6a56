"""Readers' comments on the site: an article's or a story's thread, as a fragment the page fetches once it
has loaded and as a full page for readers without JavaScript; and the forms that post, edit, delete and
report a comment.

The article and story pages never ask who is reading (they stay shared and cacheable); everything here is
about one viewer, so it is never stored by a cache, and every form carries a CSRF token that
:mod:`herald.web.csrf` checks before the form is read at all. The comments service decides what is allowed
and renders each comment's text to safe HTML once, when it is written; this module turns forms into its
calls and its refusals into the thread page with the reader's text kept.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from herald.models import User
from herald.pipeline.comments import (
    HELD,
    MAX_COMMENT_CHARS,
    NO_SUCH_ARTICLE,
    NO_SUCH_COMMENT,
    TOO_FAST,
    CommentError,
    ThreadComment,
)
from herald.translation import N_
from herald.web.csrf import Csrf
from herald.web.pages.common import ARTICLE_ID, Moved, Web
from herald.web.pages.story import cached_story
from herald.web.viewers import Form, Viewers, Visit, sign_in_path

PRIVATE = "private, no-store"  # about one viewer: never kept by a browser's or a proxy's cache
LARGEST_ID = 2**63 - 1  # past this a database integer overflows: no such row, and no trip to ask
# (value, label) of the report form's choices; anything else sent is "other"
REPORT_REASONS = (
    ("spam", N_("Spam or advertising")),
    ("abuse", N_("Abuse or harassment")),
    ("off-topic", N_("Off-topic")),
    ("other", N_("Something else")),
)
NO_STORY = N_("That story does not exist.")
NOWHERE = N_("That comment has no article or story to go on. Go back, reload the page and try again.")
DONE = {
    "held": HELD,
    "reported": N_("Thanks for the report: a moderator will look at that comment."),
    "deleted": N_("Your comment is deleted."),
}


@dataclass(frozen=True, slots=True)
class Target:
    """The page a thread belongs to: an article (``article_id``) or a story (``story_id``)."""

    article_id: str | None = None
    story_id: int | None = None

    @property
    def page_path(self) -> str:
        return f"/article/{self.article_id}" if self.article_id else f"/story/{self.story_id}"

    @property
    def comments_path(self) -> str:
        return self.page_path + "/comments"

    @property
    def ids(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "story_id": self.story_id}


@dataclass(frozen=True, slots=True)
class Draft:
    """What a reader typed into a form that was refused, to put back where they typed it."""

    kind: str  # "post", "reply" or "edit"
    comment_id: int | None  # the comment replied to or edited
    text: str


def comment_viewers(web: Web, csrf: Csrf) -> Viewers:
    """The comment pages' and the moderators' answers: private to one viewer, and forms only for a reader
    who is signed in (signing in and out is the account pages' business)."""
    return Viewers(web, csrf, cache=PRIVATE, message_template="message.html")


def parse_id(value: str | None) -> int | None:
    """A positive row id from a form or a path, or None for anything else."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None


def readable(entry: ThreadComment) -> bool:
    """Whether the viewer may read the comment, not only its placeholder: visible, or their own held one."""
    status = entry.comment.status
    return status == "visible" or (status == "held" and entry.mine)


def _has_form(thread: list[ThreadComment], draft: Draft) -> bool:
    """Whether the thread shows the form a draft was typed into: a reply to a visible comment, an edit of
    the viewer's own."""
    if draft.kind not in ("reply", "edit"):
        return True
    for entry in thread:
        if entry.comment.id == draft.comment_id:
            if draft.kind == "reply":
                return entry.comment.status == "visible"
            return entry.mine and readable(entry)
    return False


def _target_of(form: Form) -> Target | None:
    article_id = form.get("article_id", "")
    if article_id:
        return Target(article_id=article_id) if ARTICLE_ID.match(article_id) else None
    story_id = parse_id(form.get("story_id"))
    return Target(story_id=story_id) if story_id is not None else None


def _target_of_comment(article_id: str | None, story_id: int | None) -> Target:
    return Target(article_id=article_id) if article_id else Target(story_id=story_id)


def _after(target: Target, comment_id: int | None, form: Form, done: str = "") -> str:
    """Where a form leads once it worked: the comment on the page it was sent from (the article or story
    page, whose script loads the thread, or the thread's own page for readers without JavaScript)."""
    anchor = f"#comment-{comment_id}" if comment_id is not None else "#comments"
    if form.get("back") == "comments":
        return target.comments_path + (f"?done={done}" if done else "") + anchor
    return target.page_path + anchor


def _thread_context(web: Web, target: Target, viewer: User | None) -> dict[str, Any] | None:
    """The page's title and its thread for this viewer, or None when there is no such article or story.
    Synchronous: run it in a worker thread."""
    if target.article_id is not None:
        article = web.store.articles.get(target.article_id)
        if article is None:
            return None
        title = article.title
    else:
        view = cached_story(web, target.story_id or 0)
        if view is None:
            return None
        if view.story.id != target.story_id:
            raise Moved(Target(story_id=view.story.id).comments_path)
        title = view.story.title
    thread = web.comments.thread(**target.ids, viewer=viewer)
    return {
        # who a reply answers, by the comment's id: replies deeper than a phone can indent still say so
        "authors": {t.comment.id: t.comment.author_name for t in thread if readable(t)},
        "target": target,
        "title": title,
        "thread": thread,
        "count": sum(1 for t in thread if t.comment.status == "visible"),
        "reasons": REPORT_REASONS,
        "max_chars": MAX_COMMENT_CHARS,
        "sign_in": sign_in_path(target.page_path + "#comments"),
    }


def router(web: Web, csrf: Csrf) -> APIRouter:
    viewers = comment_viewers(web, csrf)
    comments = web.comments

    async def thread_page(
        visit: Visit,
        target: Target,
        *,
        fragment: bool = False,
        status: int = 200,
        error: str = "",
        draft: Draft | None = None,
    ) -> Response:
        try:
            context = await run_in_threadpool(_thread_context, web, target, visit.user)
        except Moved as moved:
            return viewers.redirect(visit, moved.location)
        if context is None:
            missing = NO_SUCH_ARTICLE if target.article_id else NO_STORY
            return viewers.message(visit, N_("Not found"), missing, status=404)
        done = DONE.get(visit.request.query_params.get("done", ""), "") if status == 200 else ""
        if draft is not None and not _has_form(context["thread"], draft):
            draft = Draft("post", None, draft.text)  # the text goes back where it can still be sent from
        context.update(error=error, draft=draft, done=done, fragment=fragment)
        if fragment:
            return viewers.render(visit, "comments_fragment.html", status=status, nav=False, **context)
        return viewers.render(visit, "comments_page.html", status=status, **context)

    async def article_thread(request: Request, article_id: str, fragment: str = "") -> Response:
        visit = await viewers.visit(request)
        if not ARTICLE_ID.match(article_id):
            return viewers.message(visit, N_("Not found"), NO_SUCH_ARTICLE, status=404)
        return await thread_page(visit, Target(article_id=article_id), fragment=fragment == "1")

    async def story_thread(request: Request, story_id: int, fragment: str = "") -> Response:
        visit = await viewers.visit(request)
        if not 0 < story_id <= LARGEST_ID:
            return viewers.message(visit, N_("Not found"), NO_STORY, status=404)
        return await thread_page(visit, Target(story_id=story_id), fragment=fragment == "1")

    def refused(visit: Visit, target: Target, exc: CommentError, draft: Draft) -> Awaitable[Response]:
        status = 429 if str(exc) == TOO_FAST else 400
        return thread_page(visit, target, status=status, error=str(exc), draft=draft)

    async def post(visit: Visit, form: Form) -> Response:
        target = _target_of(form)
        if target is None:
            return viewers.message(visit, N_("That did not work"), NOWHERE, status=400)
        if visit.user is None:
            return viewers.to_sign_in(visit, target.page_path + "#comments")
        text = form.get("text", "")
        raw_parent = form.get("parent_id", "")
        parent_id = parse_id(raw_parent)
        draft = Draft("reply" if parent_id else "post", parent_id, text)
        if raw_parent and parent_id is None:
            return await refused(visit, target, CommentError(NO_SUCH_COMMENT), draft)
        if (
            target.story_id is not None
            and await run_in_threadpool(cached_story, web, target.story_id) is None
        ):
            return viewers.message(visit, N_("Not found"), NO_STORY, status=404)
        write = functools.partial(
            comments.post, visit.user, text, parent_id=parent_id, client=visit.client, **target.ids
        )
        try:
            comment = await run_in_threadpool(write)
        except CommentError as exc:
            return await refused(visit, target, exc, draft)
        done = "held" if comment.status == "held" else ""
        return viewers.redirect(visit, _after(target, comment.id, form, done))

    async def own_comment(
        visit: Visit, form: Form, comment_id: int, change: Callable[[User], str], draft: Draft | None
    ) -> Response:
        """Run an author's or a reader's change to one comment, then back to its page saying what was done
        (``change`` returns a DONE key, or ""); a refusal shows the thread with the message (and the text
        typed, for an edit). Signed out, the form leads to signing in and back to the comment's page."""
        found = await run_in_threadpool(web.store.comments.get, comment_id)
        if found is None:
            return viewers.message(visit, N_("Not found"), NO_SUCH_COMMENT, status=404)
        target = _target_of_comment(found.article_id, found.story_id)
        if visit.user is None:
            return viewers.to_sign_in(visit, target.page_path + "#comments")
        user = visit.user
        try:
            done = await run_in_threadpool(change, user)
        except CommentError as exc:
            return await refused(visit, target, exc, draft or Draft("", None, ""))
        anchor = None if done == "deleted" else comment_id
        return viewers.redirect(visit, _after(target, anchor, form, done))

    async def edit(visit: Visit, form: Form) -> Response:
        comment_id = parse_id(visit.request.path_params.get("comment_id"))
        if comment_id is None:
            return viewers.message(visit, N_("Not found"), NO_SUCH_COMMENT, status=404)
        text = form.get("text", "")

        def change(user: User) -> str:
            edited = comments.edit(user, comment_id, text)
            return "held" if edited.status == "held" else ""

        return await own_comment(visit, form, comment_id, change, Draft("edit", comment_id, text))

    async def delete(visit: Visit, form: Form) -> Response:
        comment_id = parse_id(visit.request.path_params.get("comment_id"))
        if comment_id is None:
            return viewers.message(visit, N_("Not found"), NO_SUCH_COMMENT, status=404)

        def change(user: User) -> str:
            comments.delete(user, comment_id)
            return "deleted"

        return await own_comment(visit, form, comment_id, change, None)

    async def report(visit: Visit, form: Form) -> Response:
        comment_id = parse_id(visit.request.path_params.get("comment_id"))
        if comment_id is None:
            return viewers.message(visit, N_("Not found"), NO_SUCH_COMMENT, status=404)
        reason = form.get("reason", "")
        known = {value for value, _label in REPORT_REASONS}

        def change(user: User) -> str:
            comments.report(user, comment_id, reason if reason in known else "other")
            return "reported"

        return await own_comment(visit, form, comment_id, change, None)

    routes = APIRouter()
    routes.add_api_route(
        "/article/{article_id}/comments", article_thread, methods=["GET"], include_in_schema=False
    )
    routes.add_api_route(
        "/story/{story_id:int}/comments", story_thread, methods=["GET"], include_in_schema=False
    )
    for path, handle in (
        ("/comments/post", post),
        ("/comments/{comment_id}/edit", edit),
        ("/comments/{comment_id}/delete", delete),
        ("/comments/{comment_id}/report", report),
    ):
        routes.add_api_route(path, viewers.post(handle), methods=["POST"], include_in_schema=False)
    return routes
