"""The front page: the newest articles first, then one group per section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.responses import HTMLResponse

from herald.models import Article
from herald.web.pages.common import Web
from herald.web.render import section_path
from herald.web.seo import http_url

LATEST_COUNT = 7
SECTION_COUNT = 5
HOME_SECTIONS = 10
FRESH_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    href: str | None  # where "more" leads
    lead: Article
    others: list[Article]


def _group(name: str, href: str | None, articles: list[Article]) -> Group:
    """A picture sells the lead: the newest of the first three with an image leads, others follow in order."""
    lead = next((a for a in articles[:3] if http_url(a.image_url)), articles[0])
    return Group(name, href, lead, [a for a in articles if a is not lead])


def router(web: Web) -> APIRouter:
    routes = APIRouter()

    def load() -> dict[str, Any]:
        articles = web.store.articles
        latest = articles.latest(LATEST_COUNT)
        groups = [_group("Latest", "/latest", latest)] if latest else []
        shown = [a.id for a in latest]
        for name, _count in web.directory.sections()[:HOME_SECTIONS]:
            found = articles.latest(SECTION_COUNT, section=name, exclude_ids=tuple(shown))
            if not found:
                # A small section whose articles all made "Latest" still gets its group, or it would vanish.
                found = articles.latest(SECTION_COUNT, section=name)
            if found:
                groups.append(_group(name, section_path(name), found))
                shown.extend(a.id for a in found)
        every = [a for g in groups for a in (g.lead, *g.others)]
        return {"groups": groups, "slugs": web.slugs_for(every)}

    @routes.get("/", response_class=HTMLResponse)
    async def home() -> HTMLResponse:
        return await web.shared_page("home", FRESH_SECONDS, "home.html", load, current="home")

    return routes
