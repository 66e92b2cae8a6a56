"""The reading site as an ASGI app, built from the settings and an open store."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.responses import FileResponse, PlainTextResponse
from starlette.staticfiles import StaticFiles

from herald.config import Settings
from herald.store import Store
from herald.web import errors
from herald.web.directory import Directory, Memo
from herald.web.headers import HeadersMiddleware
from herald.web.pages import article, entity, home, listing, sources, story
from herald.web.pages.common import Web
from herald.web.render import STATIC_DIR, Renderer

ROBOTS = "User-agent: *\nAllow: /\n"


def create_app(settings: Settings, store: Store) -> FastAPI:
    """The site; the caller owns the store (opening and closing it), so this does no start-up work."""
    renderer = Renderer(settings)
    directory = Directory(store)
    web = Web(settings=settings, store=store, renderer=renderer, directory=directory, memo=Memo())
    app = FastAPI(title=settings.site_name, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = web
    for page in (home, listing, article, story, entity, sources):
        app.include_router(page.router(web))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(
            STATIC_DIR / "logo.svg",
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/robots.txt", include_in_schema=False)
    async def robots() -> PlainTextResponse:
        return PlainTextResponse(ROBOTS, headers={"Cache-Control": "public, max-age=86400"})

    errors.install(app, renderer, directory)
    app.add_middleware(HeadersMiddleware)
    return app
