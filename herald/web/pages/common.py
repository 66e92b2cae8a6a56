"""What every page handler shares: the context it closes over, loading off the event loop, and paging."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from herald.config import Settings
from herald.models import Article
from herald.pipeline import ArticleTools
from herald.pipeline.accounts import Accounts
from herald.pipeline.comments import Comments
from herald.pipeline.reading import Reading
from herald.pipeline.site import Site
from herald.store import Store
from herald.web.directory import Directory, Memo
from herald.web.language import DEFAULT_LANGUAGE
from herald.web.render import PAGE_CACHE, Renderer
from herald.web.seo import article_time

PAGE_SIZE = 20
# A merged story's old address leads to the story it became for good: merges are never undone.
MOVED_CACHE = "public, max-age=86400"


class Moved(Exception):
    """Raised by a page's loader when what was asked for lives at another address now (a merged story)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


@dataclass(frozen=True, slots=True)
class Web:
    settings: Settings
    store: Store
    renderer: Renderer
    directory: Directory
    memo: Memo
    tools: ArticleTools  # the article's AI features; only their own routes call them
    accounts: Accounts  # readers' accounts; only the account pages call them
    comments: Comments  # readers' comments; threads only on their own routes, counts on the cards
    reading: Reading  # a reader's saved articles, history and follows; only the reader's own routes call it
    site: Site  # the site's name, logo and languages as its admins set them
    # Starts this process's feed scheduler's next round now (an admin asked for a feed); None when this
    # process runs no scheduler, and the feed, marked due, waits for the next round of whichever runs one.
    wake_scheduler: Callable[[], None] | None = None

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the listings keep (primary subtags); () keeps every language."""
        return self.site.current().languages

    async def page(
        self,
        template: str,
        load: Callable[[], dict[str, Any]],
        *,
        current: str | None = None,
        language: str = DEFAULT_LANGUAGE,
    ) -> Response:
        """Run ``load`` (synchronous store calls) in a worker thread, in one hop with the nav's sections,
        then render on the loop, in the request's ``language``: the event loop never waits on the database.
        A loader that raises :class:`Moved` gets a permanent redirect instead."""

        try:
            context = await run_in_threadpool(self._with_nav, load)
        except Moved as moved:
            return RedirectResponse(moved.location, status_code=301, headers={"Cache-Control": MOVED_CACHE})
        return self.renderer.page(template, current=current, language=language, **context)

    def _with_nav(self, load: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        context = load()
        context["nav_sections"] = self.directory.nav_sections()
        return context

    async def shared_page(
        self,
        key: str,
        ttl_seconds: float,
        template: str,
        load: Callable[[], dict[str, Any]],
        *,
        current: str | None = None,
        language: str = DEFAULT_LANGUAGE,
    ) -> HTMLResponse:
        """A page that is the same for every reader of a language (the front page): loaded and rendered
        once per period and language, in a worker thread, and served from memory in between."""

        def build() -> dict[str, Any]:
            context = self._with_nav(load)
            return {
                "html": self.renderer.render_text(template, current=current, language=language, **context)
            }

        key = f"{key}:{language}"
        built = self.memo.ready(key)
        if built is None:
            built = await run_in_threadpool(self.memo.get, key, ttl_seconds, build)
        return HTMLResponse(built["html"], headers={"Cache-Control": PAGE_CACHE})

    def slugs_for(self, articles: Iterable[Article]) -> dict[int, str]:
        return self.directory.publisher_slugs({a.publisher_id for a in articles})


def not_found() -> HTTPException:
    return HTTPException(status_code=404)


@dataclass(frozen=True, slots=True)
class Before:
    """Where an older page starts: after the article at ``when`` with id ``article_id``."""

    when: datetime
    article_id: str | None = None

    def query(self) -> dict[str, Any]:
        return {"before": self.when, "before_id": self.article_id}


ARTICLE_ID = re.compile(r"^[0-9a-f]{32}$")
BAD_PAGE_LINK = "That page link is not valid."


def parse_before(value: str | None) -> Before | None:
    """The ``?before=`` cursor of paged lists: an ISO 8601 time, then ``_`` and the id of the last article
    shown; anything else is a bad link (400)."""
    if value is None or value == "":
        return None
    stamp, _, article_id = value.partition("_")
    try:
        when = datetime.fromisoformat(stamp.replace(" ", "+"))
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=BAD_PAGE_LINK) from exc
    if article_id and not ARTICLE_ID.match(article_id):
        raise HTTPException(status_code=400, detail=BAD_PAGE_LINK)
    return Before(when.replace(tzinfo=UTC) if when.tzinfo is None else when, article_id or None)


def cursor(article: Article) -> str:
    """The full-precision sort time and id of the last article shown, for the next page's ``?before=``."""
    return article_time(article).astimezone(UTC).isoformat().replace("+00:00", "Z") + "_" + article.id


@dataclass(frozen=True, slots=True)
class Paged:
    articles: list[Article]
    older: str | None  # the ?before= value of the next page, if there is one


def paged(fetch: Callable[[int], list[Article]]) -> Paged:
    """One extra row tells whether an older page exists without counting the table."""
    rows = fetch(PAGE_SIZE + 1)
    shown = rows[:PAGE_SIZE]
    return Paged(shown, cursor(shown[-1]) if len(rows) > PAGE_SIZE else None)
