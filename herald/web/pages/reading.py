"""A reader's own Herald on the site: the reader bar under an article's byline (save it; follow or mute its
publisher, story, names and section), the reading list, the reading history, what the reader follows, and
"For you", their own front page.

The article page stays the same for every reader: ``reader.js`` fetches the bar, which is about the reader,
once the page has loaded, as the comments are fetched; readers without JavaScript follow a link to the bar's
own page. Everything here is about one viewer, so no cache keeps it, and every form passes the size and CSRF
checks of :class:`Viewers` before it is read, then answers with a redirect back to the page on this site it
came from. The reading service decides what may be followed and names it from the database, never from the
form.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from herald.errors import AccountError
from herald.models import FOLLOW_KINDS, Article, Follow, User
from herald.pipeline.comments import NO_SUCH_ARTICLE
from herald.pipeline.reading import NOT_FOUND
from herald.translation import N_
from herald.web.csrf import Csrf
from herald.web.pages.accounts import local_path
from herald.web.pages.common import ARTICLE_ID, Web
from herald.web.pages.story import cached_story
from herald.web.render import entity_path, section_path
from herald.web.viewers import Form, Viewers, Visit, sign_in_path

PRIVATE = "private, no-store"  # about one viewer: never kept by a browser's or a proxy's cache
FOR_YOU = "/for-you"
SAVED = "/account/saved"
HISTORY = "/account/history"
FOLLOWING = "/account/following"
LIST_PAGE = 50  # articles per page of the reading list and of the history
LAST_PAGE = 1000  # a page number past this is no page of ours
BAR_NAMES = 3  # the article's most-named people, places and organisations offered in its bar
MAX_KEY_CHARS = 200
# The following page's groups, in the order "For you" weighs them.
KIND_GROUPS = (
    ("story", N_("Stories")),
    ("entity", N_("People, places and organisations")),
    ("publisher", N_("Publishers")),
    ("section", N_("Sections")),
)
REFUSED = N_("That did not work")
DONE = {"cleared": N_("Your reading history is cleared.")}


@dataclass(frozen=True, slots=True)
class Followable:
    """Something the reader can follow or mute, as a page shows it: what to call it, where its own page is
    (empty if it has none), and whether the reader follows it ("following"), mutes it ("muted") or neither."""

    kind: str
    key: str
    label: str
    href: str
    state: str = ""


def reading_viewers(web: Web, csrf: Csrf, current: str) -> Viewers:
    """Answers private to one viewer; forms only for a reader who is signed in (signing in and out is the
    account pages' business)."""
    return Viewers(web, csrf, cache=PRIVATE, message_template="message.html", current=current)


def back_to(form: Form, default: str) -> str:
    """Where a form leads once it worked: its ``back`` field when that is a path on this site, else
    ``default`` (a link elsewhere, ``//host`` included, is never followed)."""
    value = form.get("back", "")
    return value if value and local_path(value) == value else default


def _page_number(visit: Visit) -> int:
    text = visit.request.query_params.get("page", "1")
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else 1
    return min(max(number, 1), LAST_PAGE)


def _state(states: dict[tuple[str, str], bool], kind: str, key: str) -> str:
    muted = states.get((kind, key))
    return "" if muted is None else "muted" if muted else "following"


def _href(kind: str, key: str, slugs: dict[int, str]) -> str:
    if kind == "publisher":
        slug = slugs.get(int(key)) if key.isdigit() else None
        return f"/publisher/{slug}" if slug else ""
    if kind == "story":
        return f"/story/{key}" if key.isdigit() else ""
    if kind == "entity":
        return entity_path(key)
    return section_path(key)


def _followables(web: Web, article: Article) -> list[Followable]:
    """What the article's bar offers: its publisher, its story (as it is now, after any merge), its most
    named people, places and organisations, and its section. Synchronous."""
    slug = web.slugs_for([article]).get(article.publisher_id)
    home = f"/publisher/{slug}" if slug else ""
    found = [Followable("publisher", str(article.publisher_id), article.publisher_name, home)]
    view = cached_story(web, article.story_id) if article.story_id is not None else None
    if view is not None:
        found.append(Followable("story", str(view.story.id), view.story.title, f"/story/{view.story.id}"))
    for entity in web.store.entities.for_article(article.id, BAR_NAMES):
        found.append(Followable("entity", entity.key, entity.name, entity_path(entity.key)))
    if article.section:
        found.append(Followable("section", article.section, article.section, section_path(article.section)))
    return found


def _bar_context(web: Web, user: User | None, article_id: str) -> dict[str, Any] | None:
    """The reader bar of one article for one reader, or None when there is no such article. Opening it
    signed in is what records the reading. Synchronous: run it in a worker thread."""
    article = web.store.articles.get(article_id)
    if article is None:
        return None
    context: dict[str, Any] = {"article": article}
    if user is None:
        return context
    web.reading.record_read(user, article.id)
    offered = _followables(web, article)
    states = web.reading.follow_state(user, [(f.kind, f.key) for f in offered])
    context["followables"] = [
        Followable(f.kind, f.key, f.label, f.href, _state(states, f.kind, f.key)) for f in offered
    ]
    context["saved"] = article.id in web.store.reading.saved_ids(user.id, [article.id])
    return context


def _following_context(web: Web, user: User) -> dict[str, Any]:
    follows: list[Follow] = web.reading.follows(user)
    publisher_ids = {int(f.key) for f in follows if f.kind == "publisher" and f.key.isdigit()}
    slugs = web.directory.publisher_slugs(publisher_ids)
    groups = []
    for kind, title in KIND_GROUPS:
        shown = [
            Followable(
                f.kind, f.key, f.label, _href(f.kind, f.key, slugs), "muted" if f.muted else "following"
            )
            for f in follows
            if f.kind == kind
        ]
        if shown:
            groups.append((title, shown))
    return {"groups": groups}


def _for_you_context(web: Web, user: User) -> dict[str, Any]:
    page = web.reading.for_you(user)
    articles = [item.article for item in page.items]
    return {
        "page": page,
        "slugs": web.slugs_for(articles),
        "comment_counts": web.comments.counts([a.id for a in articles]),
    }


def router(web: Web, csrf: Csrf) -> APIRouter:
    yours = reading_viewers(web, csrf, "for-you")
    account = reading_viewers(web, csrf, "account")
    reading = web.reading

    # The reader bar

    async def bar(request: Request, article_id: str, fragment: str = "") -> Response:
        visit = await yours.visit(request)
        if not ARTICLE_ID.match(article_id):
            return yours.message(visit, N_("Not found"), NO_SUCH_ARTICLE, status=404)
        context = await run_in_threadpool(_bar_context, web, visit.user, article_id)
        if context is None:
            return yours.message(visit, N_("Not found"), NO_SUCH_ARTICLE, status=404)
        # The bar's forms lead back to the page it is on: the article's, or its own for readers without
        # JavaScript.
        is_fragment = fragment == "1"
        back = f"/article/{article_id}" if is_fragment else f"/article/{article_id}/you"
        context.update(back=back, sign_in=sign_in_path(back), fragment=is_fragment)
        if is_fragment:
            return yours.render(visit, "reading_bar_fragment.html", nav=False, **context)
        return yours.render(visit, "reading_bar.html", **context)

    # Saving and following

    def refused(visit: Visit, text: str, back: str, *, title: str = REFUSED, status: int = 400) -> Response:
        """A form that could not do what it asked: the reader's message, and the way back."""
        return yours.message(visit, title, text, status=status, link=(back, N_("Go back")))

    async def save(visit: Visit, form: Form) -> Response:
        article_id = str(visit.request.path_params.get("article_id", ""))
        if not ARTICLE_ID.match(article_id):
            return yours.message(visit, N_("Not found"), NO_SUCH_ARTICLE, status=404)
        back = back_to(form, f"/article/{article_id}")
        if visit.user is None:
            return yours.to_sign_in(visit, back)
        added = await run_in_threadpool(reading.save, visit.user, article_id)
        # not added: already on the list, or no such article; only the second is worth saying
        if not added and await run_in_threadpool(web.store.articles.get, article_id) is None:
            return refused(visit, NO_SUCH_ARTICLE, back, title=N_("Not found"), status=404)
        return yours.redirect(visit, back)

    async def unsave(visit: Visit, form: Form) -> Response:
        article_id = str(visit.request.path_params.get("article_id", ""))
        if not ARTICLE_ID.match(article_id):
            return yours.message(visit, N_("Not found"), NO_SUCH_ARTICLE, status=404)
        back = back_to(form, SAVED)
        if visit.user is None:
            return yours.to_sign_in(visit, back)
        await run_in_threadpool(reading.unsave, visit.user, article_id)
        return yours.redirect(visit, back)

    async def follow(visit: Visit, form: Form, *, muted: bool) -> Response:
        back = back_to(form, FOLLOWING)
        if visit.user is None:
            return yours.to_sign_in(visit, back)
        work = functools.partial(
            reading.follow, visit.user, form.get("kind", ""), form.get("key", ""), muted=muted
        )
        try:
            await run_in_threadpool(work)
        except AccountError as exc:
            return refused(visit, str(exc), back)
        return yours.redirect(visit, back)

    async def follow_one(visit: Visit, form: Form) -> Response:
        return await follow(visit, form, muted=False)

    async def mute(visit: Visit, form: Form) -> Response:
        return await follow(visit, form, muted=True)

    async def unfollow(visit: Visit, form: Form) -> Response:
        """Stop following or muting something (a mute's "Unmute" comes here too)."""
        back = back_to(form, FOLLOWING)
        if visit.user is None:
            return yours.to_sign_in(visit, back)
        kind, key = form.get("kind", ""), form.get("key", "")
        if kind not in FOLLOW_KINDS or not key or len(key) > MAX_KEY_CHARS:
            return refused(visit, NOT_FOUND, back)
        await run_in_threadpool(reading.unfollow, visit.user, kind, key)
        return yours.redirect(visit, back)

    async def clear_history(visit: Visit, form: Form) -> Response:
        if visit.user is None:
            return account.to_sign_in(visit, HISTORY)
        await run_in_threadpool(reading.clear_history, visit.user)
        return account.redirect(visit, HISTORY + "?done=cleared")

    # The reader's pages

    async def saved_page(visit: Visit) -> Response:
        if visit.user is None:
            return account.to_sign_in(visit, SAVED)
        number = _page_number(visit)
        offset = (number - 1) * LIST_PAGE
        rows = await run_in_threadpool(reading.saved, visit.user, LIST_PAGE + 1, offset)
        shown = rows[:LIST_PAGE]
        slugs = await run_in_threadpool(web.slugs_for, shown)
        more = number + 1 if len(rows) > LIST_PAGE and number < LAST_PAGE else None
        return account.render(
            visit,
            "reading_saved.html",
            articles=shown,
            slugs=slugs,
            page_number=number,
            next_page=more,
            back=SAVED + (f"?page={number}" if number > 1 else ""),
        )

    async def history_page(visit: Visit) -> Response:
        if visit.user is None:
            return account.to_sign_in(visit, HISTORY)
        number = _page_number(visit)
        offset = (number - 1) * LIST_PAGE
        rows = await run_in_threadpool(reading.history, visit.user, LIST_PAGE + 1, offset)
        shown = rows[:LIST_PAGE]
        slugs = await run_in_threadpool(web.slugs_for, [a for a, _when in shown])
        more = number + 1 if len(rows) > LIST_PAGE and number < LAST_PAGE else None
        done = DONE.get(visit.request.query_params.get("done", ""), "")
        return account.render(
            visit,
            "reading_history.html",
            entries=shown,
            slugs=slugs,
            page_number=number,
            next_page=more,
            done=done,
            back=HISTORY,
        )

    async def following_page(visit: Visit) -> Response:
        if visit.user is None:
            return account.to_sign_in(visit, FOLLOWING)
        context = await run_in_threadpool(_following_context, web, visit.user)
        return account.render(visit, "reading_following.html", back=FOLLOWING, **context)

    async def for_you(visit: Visit) -> Response:
        if visit.user is None:
            return yours.render(visit, "reading_sign_in.html", sign_in=sign_in_path(FOR_YOU))
        context = await run_in_threadpool(_for_you_context, web, visit.user)
        return yours.render(visit, "for_you.html", back=FOR_YOU, **context)

    routes = APIRouter()
    routes.add_api_route("/article/{article_id}/you", bar, methods=["GET"], include_in_schema=False)
    for path, show in (
        (FOR_YOU, for_you),
        (SAVED, saved_page),
        (HISTORY, history_page),
        (FOLLOWING, following_page),
    ):
        viewers = account if path.startswith("/account") else yours
        routes.add_api_route(path, viewers.get(show), methods=["GET"], include_in_schema=False)
    for path, handle in (
        ("/you/save/{article_id}", save),
        ("/you/unsave/{article_id}", unsave),
        ("/you/follow", follow_one),
        ("/you/unfollow", unfollow),
        ("/you/mute", mute),
    ):
        routes.add_api_route(path, yours.post(handle), methods=["POST"], include_in_schema=False)
    routes.add_api_route(
        HISTORY + "/clear", account.post(clear_history), methods=["POST"], include_in_schema=False
    )
    return routes
