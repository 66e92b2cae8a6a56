"""The reading site as an ASGI app, built from the settings and an open store."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from herald.config import Settings
from herald.pipeline import ArticleTools, language_model_from
from herald.pipeline.accounts import Accounts
from herald.pipeline.comments import Comments
from herald.pipeline.reading import Reading
from herald.pipeline.search import Search
from herald.pipeline.site import Site
from herald.store import Store
from herald.web import errors
from herald.web.csrf import Csrf
from herald.web.directory import Directory, Memo
from herald.web.headers import HeadersMiddleware
from herald.web.language import LanguageMiddleware
from herald.web.pages import accounts as account_pages
from herald.web.pages import admin as admin_pages
from herald.web.pages import (
    admin_site,
    admin_sources,
    article,
    entity,
    feeds,
    home,
    listing,
    moderation,
    sitemaps,
    sources,
    story,
)
from herald.web.pages import app as app_pages
from herald.web.pages import comments as comment_pages
from herald.web.pages import reading as reading_pages
from herald.web.pages import search as search_pages
from herald.web.pages import tools as tool_pages
from herald.web.pages.common import Web
from herald.web.render import STATIC_DIR, Renderer
from herald.web.session import secure_cookies


def create_app(
    settings: Settings,
    store: Store,
    tools: ArticleTools | None = None,
    accounts: Accounts | None = None,
    *,
    search: Search | None = None,
    wake_scheduler: Callable[[], None] | None = None,
) -> FastAPI:
    """The site; the caller owns the store (opening and closing it), so this does no start-up work.

    ``tools`` are the articles' AI features, shared with the API when the caller builds them; without them the
    site builds its own (the embedder loads on first use, not here) and closes their language model's
    connections when its lifespan ends. ``accounts`` likewise; without it the site builds its own with the
    site's secret key (made once into the data folder when none is configured), which also keys the account
    forms' CSRF tokens. ``wake_scheduler`` starts the feed scheduler's next round at once, when this process
    runs one: the admins' "refresh now"."""
    owned = tools is None
    article_tools = (
        tools if tools is not None else ArticleTools(settings, store, language_model_from(settings))
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned:
                await article_tools.aclose()

    # The composition root passes accounts built with the site's lasting key; an app built without them
    # (tests, embedding) signs with the configured key or a key of its own that lives as long as it does.
    reader_accounts = (
        accounts
        if accounts is not None
        else Accounts(settings, store, settings.secret_key or secrets.token_urlsafe(48))
    )
    secret_key = reader_accounts.secret_key
    site = Site(settings, store)
    renderer = Renderer(settings, site.current)
    directory = Directory(store)
    web = Web(
        settings=settings,
        store=store,
        renderer=renderer,
        directory=directory,
        memo=Memo(),
        tools=article_tools,
        accounts=reader_accounts,
        comments=Comments(settings, store),
        reading=Reading(settings, store),
        site=site,
        wake_scheduler=wake_scheduler,
    )
    app = FastAPI(
        title=settings.site_name, docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.web = web
    # Feeds first: /section/{name:path} and /entity/{key:path} would take a feed's address for a name.
    app.include_router(feeds.router(web))
    app.include_router(sitemaps.router(web))
    for page in (home, listing, article, tool_pages, story, entity, sources):
        app.include_router(page.router(web))
    csrf = Csrf(secret_key, settings)
    app.include_router(account_pages.router(web, csrf))
    app.include_router(comment_pages.router(web, csrf))
    app.include_router(moderation.router(web, csrf))
    app.include_router(admin_pages.router(web, csrf))
    app.include_router(admin_sources.router(web, csrf))
    app.include_router(admin_site.router(web, csrf))
    app.include_router(reading_pages.router(web, csrf))
    # Words and meaning: shared with the API when the caller builds it, so the process keeps one copy of
    # the article vectors; built here (the model loads on the first search by meaning) when not.
    app.include_router(search_pages.router(web, search if search is not None else Search(settings, store)))
    app.include_router(app_pages.router(web))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        uploaded = site.current().logo_path
        if uploaded is not None:
            return RedirectResponse(
                uploaded, status_code=302, headers={"Cache-Control": "public, max-age=300"}
            )
        return FileResponse(
            STATIC_DIR / "logo.svg",
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    errors.install(app, renderer, directory)
    # The interface's language for every page (inside the headers, so its own redirect gets them too).
    app.add_middleware(
        LanguageMiddleware, languages=renderer.catalogs.languages, secure=secure_cookies(settings)
    )
    app.add_middleware(HeadersMiddleware)
    return app
