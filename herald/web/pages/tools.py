"""The article's AI features on the site: the panel as a fragment the article page fetches after it has
loaded (so the page itself never waits on a summary or an embedding), the fragments the panel's controls ask
for, and the same tools as one full page for readers without JavaScript.

A tool that has nothing to give (no language model, an unknown language, a model that failed) says so in the
fragment with HTTP 200: the reader sees the message where the result would be, never an error page.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from herald.errors import AssistantError
from herald.pipeline import Panel, Rewrite, StorySoFar
from herald.translation import N_
from herald.web.language import VARY, language_of
from herald.web.pages.common import ARTICLE_ID, Web, not_found

# The panel grows with the story and the language choice follows the reader's browser: short and private.
FRAGMENT_CACHE = "private, max-age=60"
NO_STORE = "no-store"  # a message about a failure must not outlive it
MAX_LANGUAGE_TAGS = 20  # of an Accept-Language header: more is not a browser

NO_DATE = N_("Pick a date to see what is new since then.")
BAD_DATE = N_("That date is not valid. Please pick a day, like 2026-03-04.")

_CITATION = re.compile(r"\[(\d{1,4}(?:\s*,\s*\d{1,4})*)\]")


@dataclass(frozen=True, slots=True)
class Since:
    """What the "what's new since" control shows: the story from a date, or a message about the date."""

    value: str  # as the reader typed it, to put back in the form
    when: datetime | None = None  # the start of that day, UTC
    story: StorySoFar | None = None
    message: str = ""


@dataclass(frozen=True, slots=True)
class Retelling:
    """A simple version or a translation, or the message a reader gets instead."""

    rewrite: Rewrite | None = None
    message: str = ""


def router(web: Web) -> APIRouter:
    routes = APIRouter()

    @routes.get("/article/{article_id}/ai", response_class=HTMLResponse)
    async def panel_fragment(article_id: str, request: Request) -> Response:
        panel = await _panel(web, article_id)
        return _fragment(web, request, "panel", **_panel_context(panel, request, lang=None))

    @routes.get("/article/{article_id}/ai/ask", response_class=HTMLResponse)
    async def ask_fragment(article_id: str, request: Request, q: str = "") -> Response:
        _check(article_id)
        answer = await web.tools.ask(article_id, q)
        if answer is None:
            raise not_found()
        return _fragment(web, request, "answer", answer=answer)

    @routes.get("/article/{article_id}/ai/since", response_class=HTMLResponse)
    async def since_fragment(article_id: str, request: Request, since: str = "") -> Response:
        _check(article_id)
        found = await _since(web, article_id, since)
        return _fragment(
            web, request, "since", cache=FRAGMENT_CACHE if found.story else NO_STORE, since=found
        )

    @routes.get("/article/{article_id}/ai/simple", response_class=HTMLResponse)
    async def simple_fragment(article_id: str, request: Request) -> Response:
        _check(article_id)
        retelling = await _retelling(web.tools.explain(article_id))
        return _fragment(web, request, "rewrite", cache=_retelling_cache(retelling), retelling=retelling)

    @routes.get("/article/{article_id}/ai/translate", response_class=HTMLResponse)
    async def translate_fragment(article_id: str, request: Request, lang: str = "") -> Response:
        _check(article_id)
        retelling = await _retelling(web.tools.translate(article_id, lang))
        return _fragment(web, request, "rewrite", cache=_retelling_cache(retelling), retelling=retelling)

    @routes.get("/article/{article_id}/tools", response_class=HTMLResponse)
    async def tools_page(
        article_id: str,
        request: Request,
        q: str | None = None,
        since: str | None = None,
        view: str = "",
        lang: str | None = None,
    ) -> Response:
        panel = await _panel(web, article_id)
        context = _panel_context(panel, request, lang=lang)
        if q is not None:
            context["answer"] = await web.tools.ask(article_id, q)
        if since is not None:
            context["since"] = await _since(web, article_id, since)
        if view == "simple":
            context["retelling"] = await _retelling(web.tools.explain(article_id))
        elif lang is not None:
            context["retelling"] = await _retelling(web.tools.translate(article_id, lang))
        response = await web.page("tools.html", lambda: context, language=language_of(request))
        failed = (context["retelling"] is not None and context["retelling"].rewrite is None) or (
            context["since"] is not None and context["since"].story is None
        )
        response.headers["Cache-Control"] = NO_STORE if failed else FRAGMENT_CACHE
        response.headers["Vary"] = VARY
        return response

    return routes


def _check(article_id: str) -> None:
    if not ARTICLE_ID.match(article_id):
        raise not_found()  # no database trip for a malformed id


async def _panel(web: Web, article_id: str) -> Panel:
    """The panel; with a language model, its summary written once per article (later readers get the kept
    one), or the extractive summary when the model fails."""
    _check(article_id)
    panel = await web.tools.panel(article_id)
    if panel is None:
        raise not_found()
    if panel.generative and not panel.summary.generated and panel.summary.sentences:
        summary = await web.tools.summary(article_id)
        if summary is not None:
            panel = replace(panel, summary=summary)
    return panel


def _panel_context(panel: Panel, request: Request, *, lang: str | None) -> dict[str, Any]:
    """What the panel's template needs, with nothing asked yet."""
    chosen = (lang or "").strip().lower().split("-")[0] or preferred_language(
        request.headers.get("accept-language", ""), panel.languages
    )
    return {
        "panel": panel,
        "article": panel.article,
        "summary_text": renumbered_citations(panel.summary.generated),
        "chosen_language": chosen,
        "answer": None,
        "since": None,
        "retelling": None,
    }


def _fragment(
    web: Web, request: Request, part: str, *, cache: str = FRAGMENT_CACHE, **context: Any
) -> HTMLResponse:
    html = web.renderer.render_text("ai_panel.html", part=part, language=language_of(request), **context)
    return HTMLResponse(html, headers={"Cache-Control": cache, "Vary": VARY})


async def _since(web: Web, article_id: str, value: str) -> Since:
    """The story since the reader's date (the start of that day, UTC); a missing or bad date is a message."""
    text = value.strip()[:40]
    if not text:
        return Since(value=text, message=NO_DATE)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return Since(value=text, message=BAD_DATE)
    when = datetime(day.year, day.month, day.day, tzinfo=UTC)
    story = await web.tools.story_so_far(article_id, when)
    if story is None:
        raise not_found()
    return Since(value=day.isoformat(), when=when, story=story)


async def _retelling(pending: Awaitable[Rewrite | None]) -> Retelling:
    try:
        rewrite = await pending
    except AssistantError as exc:
        return Retelling(message=str(exc))
    if rewrite is None:
        raise not_found()
    return Retelling(rewrite=rewrite)


def _retelling_cache(retelling: Retelling) -> str:
    return FRAGMENT_CACHE if retelling.rewrite is not None else NO_STORE


def preferred_language(header: str, offered: Sequence[tuple[str, str]]) -> str:
    """The primary tag of the reader's most wanted language that a translation is offered in, or ""."""
    codes = {code for code, _name in offered}
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:MAX_LANGUAGE_TAGS]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, number = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().lower().replace("_", "-").split("-")[0]
        if weight > 0 and primary in codes:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else ""


def renumbered_citations(text: str) -> str:
    """A generated summary cites sentences by their number in the article ([3][7]); the panel lists only the
    cited ones, so the citations are renumbered to match that list ([1][2])."""
    numbers = sorted({int(n) for group in _CITATION.findall(text) for n in group.split(",")})
    position = {number: index for index, number in enumerate(numbers, 1)}

    def renumber(match: re.Match[str]) -> str:
        return "".join(f"[{position[int(n)]}]" for n in match.group(1).split(","))

    return _CITATION.sub(renumber, text)
