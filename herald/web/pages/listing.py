"""Paged lists of articles: everything, one section, one publisher; "Older articles" pages back by time.

A reader may narrow a list to one language (``?language=fr``, a primary subtag) among those the site lists;
the links to do so appear when the articles are in more than one. Paging keeps the choice.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from babel import Locale, UnknownLocaleError
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from herald.translation import N_
from herald.web.language import language_of
from herald.web.pages.common import Before, Web, not_found, paged, parse_before

LANGUAGE_COUNTS_SECONDS = 60.0  # a GROUP BY over every article: shared by all listings for a minute
_PRIMARY_TAG = re.compile(r"^[a-z]{2,3}$")
EVERY_LANGUAGE = N_("Every language")


def query(since: Before | None) -> dict[str, Any]:
    return since.query() if since is not None else {}


def _language_name(code: str, interface: str) -> str:
    """ "Français" in an English page is "French"; a code Babel does not know is shown as it is."""
    try:
        name = Locale.parse(code).get_display_name(interface)
    except (ValueError, UnknownLocaleError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


class LanguageFilter:
    """The languages a listing may be narrowed to, and the one the reader chose, if any."""

    def __init__(self, web: Web, request: Request) -> None:
        site = web.languages
        counts = web.memo.get(
            "language-counts",
            LANGUAGE_COUNTS_SECONDS,
            lambda: {"counts": web.store.articles.language_counts()},
        )["counts"]
        present = [code for code, _count in counts if not site or code in site]
        asked = request.query_params.get("language", "").strip().lower()
        # A reader can only narrow what the site lists; anything else (a bogus value too) is ignored.
        self.chosen = asked if _PRIMARY_TAG.match(asked) and asked in present else ""
        self.offered = present if len(present) > 1 else []
        self.languages: tuple[str, ...] = (self.chosen,) if self.chosen else site
        self.interface = language_of(request)
        self.path = request.url.path

    def context(self, every: str) -> dict[str, Any]:
        """The links (code, name, address, chosen) for the template; ``every`` names the unfiltered list."""
        links = [("", every, self.path, not self.chosen)]
        for code in self.offered:
            href = self.path + "?" + urlencode({"language": code})
            links.append((code, _language_name(code, self.interface), href, code == self.chosen))
        return {"language_links": links if self.offered else [], "chosen_language_filter": self.chosen}


def router(web: Web) -> APIRouter:
    routes = APIRouter()

    def every_language(request: Request) -> str:
        return web.renderer.translations(language_of(request)).gettext(EVERY_LANGUAGE)

    @routes.get("/latest", response_class=HTMLResponse)
    async def latest(request: Request, before: str | None = None) -> Response:
        since = parse_before(before)

        def load() -> dict[str, Any]:
            chosen = LanguageFilter(web, request)
            page = paged(lambda n: web.store.articles.latest(n, languages=chosen.languages, **query(since)))
            return chosen.context(every_language(request)) | {
                "title": "Latest",
                "page": page,
                "paging": before is not None,
                "slugs": web.slugs_for(page.articles),
                "comment_counts": web.comments.counts([a.id for a in page.articles]),
            }

        return await web.page("listing.html", load, current="latest", language=language_of(request))

    @routes.get("/section/{name:path}", response_class=HTMLResponse)
    async def section(name: str, request: Request, before: str | None = None) -> Response:
        since = parse_before(before)

        def load() -> dict[str, Any]:
            chosen = LanguageFilter(web, request)
            page = paged(
                lambda n: web.store.articles.latest(
                    n, section=name, languages=chosen.languages, **query(since)
                )
            )
            known = page.articles or any(s == name for s, _ in web.store.articles.sections())
            if not known:
                raise not_found()
            return chosen.context(every_language(request)) | {
                "title": name,
                "page": page,
                "paging": before is not None,
                "slugs": web.slugs_for(page.articles),
                "comment_counts": web.comments.counts([a.id for a in page.articles]),
            }

        return await web.page("listing.html", load, current=name, language=language_of(request))

    @routes.get("/publisher/{slug}", response_class=HTMLResponse)
    async def publisher(slug: str, request: Request, before: str | None = None) -> Response:
        since = parse_before(before)

        def load() -> dict[str, Any]:
            found = web.store.publishers.by_slug(slug)
            if found is None:
                raise not_found()
            chosen = LanguageFilter(web, request)
            page = paged(
                lambda n: web.store.articles.latest(
                    n, publisher_id=found.id, languages=chosen.languages, **query(since)
                )
            )
            return chosen.context(every_language(request)) | {
                "title": found.name,
                "publisher": found,
                "page": page,
                "paging": before is not None,
                "slugs": {found.id: found.slug},
                "comment_counts": web.comments.counts([a.id for a in page.articles]),
            }

        return await web.page("publisher.html", load, language=language_of(request))

    return routes
