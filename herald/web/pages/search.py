"""The search page: a plain GET form (it works without JavaScript, and its address can be shared), the filters
as lists of what the database holds, and the results grouped by story with the matched words marked.

Everything in the address is checked here, so a bad link gets this page back with a sentence saying what to
change (400), never an error from deeper down.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from herald.pipeline.search import MAX_QUERY_CHARS, MODES, PAGE_SIZE, Search, SearchResults, match_spans
from herald.pipeline.site import language_name
from herald.store.search import SearchFilters
from herald.translation import N_
from herald.web.language import language_of
from herald.web.pages.common import Web
from herald.web.pages.feeds import Channel, serve_feed
from herald.web.render import PAGE_CACHE
from herald.web.seo import article_time

OPTIONS_SECONDS = 60.0  # the filters' lists (publishers, sections, languages) change slowly
MAX_PAGE = 50
MAX_SECTION_CHARS = 50
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
MODE_NAMES = {
    "hybrid": N_("Words and meaning"),
    "text": N_("Exact words"),
    "semantic": N_("Meaning only"),
}
BAD_DATE = N_("Dates must be written as year-month-day, such as 2024-05-01.")
DATES_REVERSED = N_("The “from” date is after the “to” date: swap them to search between them.")
TOO_LONG = N_("That search is too long: shorten it to a few words or a phrase.")
BAD_MODE = N_("Choose how to match from the list: words and meaning, exact words, or meaning only.")
BAD_PUBLISHER = N_("That publisher is not one this site follows: choose one from the list.")
BAD_LANGUAGE = N_("Choose a language from the list.")
BAD_SECTION = N_("Choose a section from the list.")
NO_QUERY = N_("A search feed needs words to look for: add ?q= and a word or two to its address.")
FEED_ITEMS = 20  # the best matches a search feed carries
BAD_PAGE = N_("That page of results does not exist: start again from the first page.")


class BadSearch(ValueError):
    """A parameter of the address that cannot be searched, with the sentence to show."""


@dataclass(frozen=True, slots=True)
class Form:
    """The search as the address asked for it, cleaned, ready to fill the form again."""

    q: str = ""
    mode: str = "hybrid"
    start: str = ""  # "from", as typed
    end: str = ""  # "to", as typed
    publisher: str = ""  # a slug
    section: str = ""
    language: str = ""
    page: int = 1

    @property
    def filtered(self) -> bool:
        return bool(self.start or self.end or self.publisher or self.section or self.language)

    def link(self, **changes: Any) -> str:
        """This search's address with ``changes`` (another page), leaving out what is at its default."""
        values = {
            "q": self.q,
            "mode": self.mode if self.mode != "hybrid" else "",
            "from": self.start,
            "to": self.end,
            "publisher": self.publisher,
            "section": self.section,
            "language": self.language,
            "page": "",
        }
        values.update({k: str(v) for k, v in changes.items()})
        if values["page"] == "1":
            values["page"] = ""
        return "/search?" + urlencode({k: v for k, v in values.items() if v})


def highlight(text: str, terms: Sequence[str], prefix: str | None) -> Markup:
    """``text`` escaped, with the matched words in <mark>: each piece is escaped before any tag is added, so
    nothing in the text can become markup."""
    pieces: list[str] = []
    last = 0
    for start, end in match_spans(text, terms, prefix):
        pieces.append(escape(text[last:start]))
        pieces.append(Markup("<mark>%s</mark>") % text[start:end])
        last = end
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def _form(q: str, mode: str, start: str, to: str, publisher: str, section: str, language: str) -> Form:
    return Form(
        q=" ".join(q.split()),
        mode=mode or "hybrid",
        start=start.strip(),
        end=to.strip(),
        publisher=publisher.strip(),
        section=section.strip(),
        language=language.strip().lower(),
    )


def _date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadSearch(BAD_DATE) from None


def _page(value: str) -> int:
    if not value:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise BadSearch(BAD_PAGE)
    return int(value)


def router(web: Web, search: Search) -> APIRouter:
    routes = APIRouter()

    def options() -> dict[str, Any]:
        """The filters' choices, from the database, for a minute."""

        def load() -> dict[str, Any]:
            site_languages = set(web.languages)
            publishers = [(p.slug, p.name, p.id) for p in web.store.publishers.list() if p.article_count]
            languages = [
                (code, language_name(code))
                for code, _count in web.store.articles.language_counts()
                if _LANGUAGE.match(code) and (not site_languages or code in site_languages)
            ]
            return {
                "publishers": publishers,
                "sections": [name for name, _count in web.directory.sections()],
                "languages": sorted(languages, key=lambda item: item[1]),
            }

        return web.memo.get("search:options", OPTIONS_SECONDS, load)

    def filters_for(form: Form, choices: dict[str, Any]) -> SearchFilters:
        start, end = _date(form.start), _date(form.end)
        if start and end and start > end:
            raise BadSearch(DATES_REVERSED)
        publisher_id = None
        if form.publisher:
            publisher_id = next(
                (pid for slug, _, pid in choices["publishers"] if slug == form.publisher), None
            )
            if publisher_id is None:
                raise BadSearch(BAD_PUBLISHER)
        if form.language and not _LANGUAGE.match(form.language):
            raise BadSearch(BAD_LANGUAGE)
        if len(form.section) > MAX_SECTION_CHARS:
            raise BadSearch(BAD_SECTION)
        return SearchFilters(
            since=datetime.combine(start, time(), UTC) if start else None,
            until=datetime.combine(end, time(), UTC) + timedelta(days=1) if end and end < date.max else None,
            publisher_id=publisher_id,
            section=form.section or None,
            language=form.language or None,
            languages=web.languages,
        )

    @routes.get("/search/feed.{extension}", include_in_schema=False)
    async def search_feed(
        request: Request,
        extension: str,
        q: str = "",
        mode: str = "",
        start: str = Query("", alias="from"),
        to: str = "",
        publisher: str = "",
        section: str = "",
        language: str = "",
    ) -> Response:
        """A search as a feed (RSS, Atom or JSON Feed, by the extension): its best matches, newest first, so
        a feed reader shows what is new about the words as it comes in."""
        form = _form(q, mode, start, to, publisher, section, language)

        def load() -> Channel:
            try:
                if not form.q:
                    raise BadSearch(NO_QUERY)
                if len(form.q) > MAX_QUERY_CHARS:
                    raise BadSearch(TOO_LONG)
                if form.mode not in MODES:
                    raise BadSearch(BAD_MODE)
                filters = filters_for(form, options())
            except BadSearch as bad:
                raise HTTPException(400, str(bad)) from None
            results = search.search(form.q, filters, form.mode, 1, per_page=FEED_ITEMS)
            articles = sorted((g.article for g in results.groups), key=article_time, reverse=True)
            return Channel(
                title=f"“{form.q}”",
                path=form.link(),
                articles=articles,
                description=f"The newest of the best matches for “{form.q}”.",
            )

        return await serve_feed(web, request, extension, load)

    @routes.get("/search", response_class=HTMLResponse)
    async def search_page(
        request: Request,
        q: str = "",
        mode: str = "",
        start: str = Query("", alias="from"),
        to: str = "",
        publisher: str = "",
        section: str = "",
        language: str = "",
        page: str = "",
    ) -> Response:
        form = _form(q, mode, start, to, publisher, section, language)

        def load() -> dict[str, Any]:
            choices = options()
            context: dict[str, Any] = {
                "form": form,
                "modes": MODE_NAMES,
                "max_query": MAX_QUERY_CHARS,
                **choices,
                "results": None,
            }
            try:
                if len(form.q) > MAX_QUERY_CHARS:
                    raise BadSearch(TOO_LONG)
                if form.mode not in MODES:
                    raise BadSearch(BAD_MODE)
                filters = filters_for(form, choices)
                number = _page(page)
            except BadSearch as bad:
                return {**context, "error": str(bad)}
            shown = replace(form, page=number)
            context["form"] = shown
            if form.q:
                results = search.search(form.q, filters, form.mode, number, per_page=PAGE_SIZE)
                context.update(_results_context(web, shown, results))
            return {**context, "error": ""}

        def load_with_nav() -> dict[str, Any]:
            return {**load(), "nav_sections": web.directory.nav_sections()}

        context = await run_in_threadpool(load_with_nav)  # one hop off the event loop for everything
        failed = bool(context["error"])
        return web.renderer.page(
            "search.html",
            status=400 if failed else 200,
            cache="no-store" if failed else PAGE_CACHE,
            query_title=form.q if form.q and not failed else "",
            language=language_of(request),
            **context,
        )

    return routes


def _results_context(web: Web, form: Form, results: SearchResults) -> dict[str, Any]:
    terms, prefix = results.terms, results.prefix
    groups = [
        {
            "article": group.article,
            "story": group.story,
            "more": group.more,
            "title": highlight(group.article.title, terms, prefix),
            "excerpt": highlight(group.excerpt, terms, prefix),
        }
        for group in results.groups
    ]
    return {
        "results": results,
        "groups": groups,
        "slugs": web.slugs_for(g.article for g in results.groups),
        "first": results.offset + 1,
        "last": results.offset + len(groups),
        "newer": form.link(page=form.page - 1) if form.page > 1 else "",
        "older": form.link(page=form.page + 1) if results.more and form.page < MAX_PAGE else "",
    }
