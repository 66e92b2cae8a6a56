"""Feed health for the operator: which feeds work, which fail and why, in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from herald.models import Source
from herald.web.language import language_of
from herald.web.pages.common import Web

PROBLEMS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Health:
    total: int
    healthy: int
    failing: int
    paused: int
    unchecked: int


def status(source: Source) -> str:
    """One word per feed, matching the summary's counts."""
    if not source.enabled:
        return "paused"
    if source.consecutive_failures > 0:
        return "failing"
    if source.last_checked_at is None:
        return "unchecked"
    return "healthy"


def health(sources: list[Source]) -> Health:
    states = [status(s) for s in sources]
    return Health(
        total=len(sources),
        healthy=states.count("healthy"),
        failing=states.count("failing"),
        paused=states.count("paused"),
        unchecked=states.count("unchecked"),
    )


def router(web: Web) -> APIRouter:
    routes = APIRouter()

    def load() -> dict[str, Any]:
        sources = web.store.sources.list()
        problems = web.store.sources.problems(limit=PROBLEMS_SHOWN)
        # Failing feeds first: they are what an operator opens this page for.
        order = {"failing": 0, "unchecked": 1, "healthy": 2, "paused": 3}
        ranked = sorted(sources, key=lambda s: order[status(s)])
        return {
            "sources": ranked,
            "feed_status": status,
            "health": health(sources),
            "problems": problems,
            "titles": {s.id: s.title for s in sources},
            "slugs": web.directory.publisher_slugs({s.publisher_id for s in sources}),
        }

    @routes.get("/sources", response_class=HTMLResponse)
    async def sources(request: Request) -> Response:
        return await web.page("sources.html", load, current="sources", language=language_of(request))

    return routes
