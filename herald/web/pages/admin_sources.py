"""The admins' pages for the feeds the site follows: every feed's health at a glance (failing first), a page
per feed with its recent problems, and the forms that add, correct, pause, resume, refresh and remove one.

The public /sources page shows the same health read-only; these pages share its words for a feed's state.
"Refresh now" marks the feed due and wakes this process's scheduler when it runs one, so the fetch goes
through the same pipeline as every other; without a scheduler here, the feed waits for the next round of
whichever process runs one, and the page says so rather than pretend.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from urllib.parse import urlsplit

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from herald.models import Source, SourceSpec, User
from herald.pipeline import MAX_URL_LENGTH, SECTIONS
from herald.store.sources import FeedAddressTaken
from herald.translation import N_
from herald.web.csrf import Csrf
from herald.web.language import language_of
from herald.web.pages.admin import NOT_YOURS, NOT_YOURS_TITLE
from herald.web.pages.comments import comment_viewers, parse_id
from herald.web.pages.common import Web
from herald.web.pages.sources import health, status
from herald.web.viewers import Form, Handle, Visit

SOURCES = "/admin/sources"
PROBLEMS_SHOWN = 20
MAX_TITLE_CHARS = 500  # the width of a source's title column
MAX_PUBLISHER_CHARS = 200  # the width of a publisher's name column
# Failing feeds first: they are what an admin opens this page for; paused ones last.
ORDER = {"failing": 0, "unchecked": 1, "healthy": 2, "paused": 3}

NOTHING_CHANGED = N_("Nothing was changed.")
NO_ADDRESS = N_("Type the feed's address, starting with http:// or https://.")
BAD_SCHEME = N_("A feed address starts with http:// or https://. Check the address and try again.")
ADDRESS_TOO_LONG = (
    f"That feed address is longer than {MAX_URL_LENGTH:,} characters. Check the address and try again."
)
NO_HOST = N_("That feed address names no site after http:// or https://. Check the address and try again.")
NO_TITLE = N_("Give the feed a title.")
TITLE_TOO_LONG = f"A title is at most {MAX_TITLE_CHARS} characters. Shorten it and try again."
PUBLISHER_TOO_LONG = (
    f"A publisher's name is at most {MAX_PUBLISHER_CHARS} characters. Shorten it and try again."
)
BAD_SECTION = "Choose one of the sections (" + ", ".join(SECTIONS) + "), or Automatic."
ALREADY_FOLLOWED = N_("Herald already follows that feed address.")
ADDRESS_TAKEN = N_("Another source already follows that feed address, so this one keeps its own.")
NO_SUCH_SOURCE = N_("That source does not exist: it may have been removed.")
PAUSED = N_("This feed is paused, so Herald does not fetch it. Resume it first, then refresh it.")
NOT_CONFIRMED = N_("To remove the feed, tick “Yes, stop following this feed” and press the button again.")
FETCHES_NOW = N_("Herald fetches it now; reload in a moment to see the result.")
WAITS = N_("It is due now: the next round of “herald run” or “herald worker” fetches it.")
DONE = {
    "added": N_("The feed is added."),
    "edited": N_("The changes are saved."),
    "paused": N_("The feed is paused: Herald does not fetch it until you resume it. Its articles stay."),
    "resumed": N_("The feed is resumed."),
    "refresh": N_("The feed is due now."),
    "removed": N_("The feed is removed: Herald no longer follows it. Its articles stay."),
}
WAKES = {"added", "resumed", "refresh"}  # done sentences followed by what happens to the feed next


class Refused(Exception):
    """A form field that cannot be used; the message says why and what to do."""


def feed_address(text: str) -> str:
    """The feed address typed into a form, checked: http or https, a host, and not too long to store."""
    address = text.strip()
    if not address:
        raise Refused(NO_ADDRESS)
    if len(address) > MAX_URL_LENGTH:
        raise Refused(ADDRESS_TOO_LONG)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in address):
        raise Refused(BAD_SCHEME if "://" not in address else NO_HOST)
    try:
        parts = urlsplit(address)
        # a port that is not a number, or out of range, raises here rather than at fetch time
        host, _port = parts.hostname, parts.port
    except ValueError:
        raise Refused(NO_HOST) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise Refused(BAD_SCHEME)
    if not host:
        raise Refused(NO_HOST)
    return address


def title_of(text: str) -> str | None:
    """A title from the form, its runs of spaces made one; None when left blank."""
    title = " ".join(text.split())
    if len(title) > MAX_TITLE_CHARS:
        raise Refused(TITLE_TOO_LONG)
    return title or None


def required_title(text: str) -> str:
    title = title_of(text)
    if title is None:
        raise Refused(NO_TITLE)
    return title


def section_of(text: str) -> str | None:
    """A section from the form: one of the site's, or None for "Automatic" (the feed's categories, then the
    guess)."""
    if not text.strip():
        return None
    if text.strip() not in SECTIONS:
        raise Refused(BAD_SECTION)
    return text.strip()


def publisher_for(name: str, title: str | None, feed_url: str) -> str | None:
    """The publisher a new feed is filed under: the name typed, or (as the store would choose) the title,
    unless that is too long for a publisher's name, then the feed's host."""
    publisher = " ".join(name.split())
    if len(publisher) > MAX_PUBLISHER_CHARS:
        raise Refused(PUBLISHER_TOO_LONG)
    if publisher:
        return publisher
    if title is not None and len(title) > MAX_PUBLISHER_CHARS:
        return urlsplit(feed_url).hostname
    return None


def source_path(source_id: int) -> str:
    return f"{SOURCES}/{source_id}"


def router(web: Web, csrf: Csrf) -> APIRouter:
    viewers = comment_viewers(web, csrf)
    next_step = FETCHES_NOW if web.wake_scheduler is not None else WAITS

    def admin(visit: Visit, back: str) -> User | Response:
        """The signed-in admin, or the answer for anyone else, as on the other admin pages."""
        if visit.user is None:
            return viewers.to_sign_in(visit, back)
        if not visit.user.is_admin or visit.user.banned:
            return viewers.message(visit, NOT_YOURS_TITLE, NOT_YOURS, status=403)
        return visit.user

    def refused(
        visit: Visit,
        why: str,
        *,
        status: int = 400,
        back: tuple[str, str] = (SOURCES, N_("Back to the sources")),
    ) -> Response:
        why_then = f"{visit.gettext(why)} {visit.gettext(NOTHING_CHANGED)}"
        return viewers.message(visit, N_("That did not work"), why_then, status=status, link=back)

    def no_such_source(visit: Visit) -> Response:
        return refused(visit, NO_SUCH_SOURCE, status=404)

    def wake() -> None:
        if web.wake_scheduler is not None:
            web.wake_scheduler()

    def done_sentence(request: Request) -> str:
        key = request.query_params.get("done", "")
        if key not in DONE:
            return ""
        words = web.renderer.translations(language_of(request))
        done = words.gettext(DONE[key])
        return f"{done} {words.gettext(next_step)}" if key in WAKES else done

    async def list_page(request: Request) -> Response:
        visit = await viewers.visit(request)
        who = admin(visit, SOURCES)
        if isinstance(who, Response):
            return who
        followed = await run_in_threadpool(web.store.sources.list)
        ranked = sorted(followed, key=lambda s: ORDER[status(s)])
        return viewers.render(
            visit,
            "admin_sources.html",
            sources=ranked,
            health=health(followed),
            feed_status=status,
            sections=SECTIONS,
            max_url=MAX_URL_LENGTH,
            max_title=MAX_TITLE_CHARS,
            max_publisher=MAX_PUBLISHER_CHARS,
            done=done_sentence(request),
        )

    async def source_page(request: Request) -> Response:
        visit = await viewers.visit(request)
        source_id = parse_id(request.path_params.get("source_id"))
        who = admin(visit, source_path(source_id) if source_id else SOURCES)
        if isinstance(who, Response):
            return who
        if source_id is None:
            return viewers.message(
                visit, N_("No such source"), NO_SUCH_SOURCE, status=404, link=(SOURCES, N_("All sources"))
            )

        def look() -> tuple[Source | None, list[tuple[int, str, str, datetime]]]:
            found = web.store.sources.get(source_id)
            if found is None:
                return None, []
            found = dataclasses.replace(found, article_count=web.store.sources.article_count(source_id))
            return found, web.store.sources.problems(source_id=source_id, limit=PROBLEMS_SHOWN)

        source, problems = await run_in_threadpool(look)
        if source is None:
            return viewers.message(
                visit, N_("No such source"), NO_SUCH_SOURCE, status=404, link=(SOURCES, N_("All sources"))
            )
        return viewers.render(
            visit,
            "admin_source.html",
            source=source,
            state=status(source),
            problems=problems,
            sections=SECTIONS,
            max_url=MAX_URL_LENGTH,
            max_title=MAX_TITLE_CHARS,
            done=done_sentence(request),
        )

    async def add(visit: Visit, form: Form) -> Response:
        who = admin(visit, SOURCES)
        if isinstance(who, Response):
            return who
        try:
            feed_url = feed_address(form.get("feed_url", ""))
            title = title_of(form.get("title", ""))
            publisher = publisher_for(form.get("publisher", ""), title, feed_url)
            section = section_of(form.get("section", ""))
        except Refused as exc:
            return refused(visit, str(exc))
        spec = SourceSpec(feed_url=feed_url, title=title, publisher=publisher, section=section)
        source, created = await run_in_threadpool(web.store.sources.add, spec)
        if not created:
            return refused(
                visit,
                ALREADY_FOLLOWED,
                status=409,
                back=(
                    source_path(source.id),
                    visit.gettext(N_("Open “%(title)s”")) % {"title": source.title},
                ),
            )
        wake()
        return viewers.redirect(visit, f"{source_path(source.id)}?done=added")

    async def acting_on(visit: Visit) -> tuple[Source, str] | Response:
        """The source the path names and its page, for an admin; or the answer that stops the action."""
        source_id = parse_id(visit.request.path_params.get("source_id"))
        who = admin(visit, source_path(source_id) if source_id else SOURCES)
        if isinstance(who, Response):
            return who
        source = None if source_id is None else await run_in_threadpool(web.store.sources.get, source_id)
        if source is None:
            return no_such_source(visit)
        return source, source_path(source.id)

    async def edit(visit: Visit, form: Form) -> Response:
        found = await acting_on(visit)
        if isinstance(found, Response):
            return found
        source, page = found
        try:
            title = required_title(form.get("title", ""))
            feed_url = feed_address(form.get("feed_url", ""))
            section = section_of(form.get("section", ""))
        except Refused as exc:
            return refused(visit, str(exc), back=(page, N_("Back to the feed")))

        def save() -> Source | None:
            updated = web.store.sources.update(source.id, title=title, feed_url=feed_url)
            if updated is not None and section != source.section:
                web.store.stories.set_source_section(source.id, section)  # refiles its stored articles
            if updated is not None and feed_url != source.feed_url:
                # A corrected address is worth trying at once, not at the old one's next check.
                web.store.sources.request_refresh(source.id, datetime.now(UTC))
            return updated

        try:
            updated = await run_in_threadpool(save)
        except FeedAddressTaken as exc:
            other = (
                (source_path(exc.source_id), N_("Open the other source"))
                if exc.source_id
                else (page, N_("Back to the feed"))
            )
            return refused(visit, ADDRESS_TAKEN, status=409, back=other)
        if updated is None:
            return no_such_source(visit)
        if feed_url != source.feed_url and source.enabled:
            wake()
        return viewers.redirect(visit, f"{page}?done=edited")

    def switching(enabled: bool) -> Handle:
        async def handle(visit: Visit, _form: Form) -> Response:
            found = await acting_on(visit)
            if isinstance(found, Response):
                return found
            source, page = found
            if not await run_in_threadpool(web.store.sources.set_enabled, source.id, enabled):
                return no_such_source(visit)
            if enabled:
                wake()  # resuming makes the feed due at once
            return viewers.redirect(visit, f"{page}?done={'resumed' if enabled else 'paused'}")

        return handle

    async def refresh(visit: Visit, _form: Form) -> Response:
        found = await acting_on(visit)
        if isinstance(found, Response):
            return found
        source, page = found
        if not source.enabled:
            return refused(visit, PAUSED, status=409, back=(page, N_("Back to the feed")))
        if not await run_in_threadpool(web.store.sources.request_refresh, source.id, datetime.now(UTC)):
            # paused or removed since we looked
            latest = await run_in_threadpool(web.store.sources.get, source.id)
            if latest is None:
                return no_such_source(visit)
            return refused(visit, PAUSED, status=409, back=(page, N_("Back to the feed")))
        wake()
        return viewers.redirect(visit, f"{page}?done=refresh")

    async def remove(visit: Visit, form: Form) -> Response:
        found = await acting_on(visit)
        if isinstance(found, Response):
            return found
        source, page = found
        if form.get("confirm") != "yes":
            return refused(visit, NOT_CONFIRMED, back=(page, N_("Back to the feed")))
        if not await run_in_threadpool(web.store.sources.remove, source.id):
            return no_such_source(visit)
        return viewers.redirect(visit, f"{SOURCES}?done=removed")

    routes = APIRouter()
    routes.add_api_route(SOURCES, list_page, methods=["GET"], include_in_schema=False)
    routes.add_api_route(SOURCES + "/{source_id}", source_page, methods=["GET"], include_in_schema=False)
    routes.add_api_route(SOURCES, viewers.post(add), methods=["POST"], include_in_schema=False)
    for action, handle in (
        ("edit", edit),
        ("pause", switching(False)),
        ("resume", switching(True)),
        ("refresh", refresh),
        ("remove", remove),
    ):
        routes.add_api_route(
            f"{SOURCES}/{{source_id}}/{action}",
            viewers.post(handle),
            methods=["POST"],
            include_in_schema=False,
        )
    return routes
