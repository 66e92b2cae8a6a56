"""The site as an app a reader installs: its web app manifest, its icons, the service worker that keeps the
shell, the top stories and the reader's saved articles for reading offline, and the page shown offline.

The worker's code is ``static/sw.js``; this sends it from the site's root (a worker controls only what is
under its own address) with its settings written in: the shell's addresses with their versions, and the
marks by which it finds articles in the pages it passes on. Those marks are the templates' own markup and
live here, beside the tests that check them against the rendered pages, so a template change that would blind
the worker fails a test instead.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from herald.pipeline.app_icons import ICONS, AppIcons
from herald.pipeline.site import SiteLook
from herald.web.language import language_of
from herald.web.pages.common import Web, not_found
from herald.web.render import STATIC_DIR, TEMPLATES_DIR

MANIFEST_PATH = "/manifest.webmanifest"
WORKER_PATH = "/sw.js"
OFFLINE_PATH = "/offline"
ICONS_PATH = "/app/icons"
APPLE_TOUCH_PATH = "/apple-touch-icon.png"
MANIFEST_TYPE = "application/manifest+json"
WORKER_TYPE = "text/javascript; charset=utf-8"
WORKER_FILE = "sw.js"
SHORT_NAME_CHARS = 12  # what a launcher shows under an icon before it cuts the name
# herald.css --bg, as base.html's light theme-color: the app's title bar and splash screen match the page;
# base.html's dark theme-color meta takes over from the manifest's when the system is dark.
THEME_COLOUR = "#fbfaf6"
BACKGROUND_COLOUR = "#fbfaf6"
MANIFEST_CACHE = "public, max-age=300"  # a renamed site reaches installed apps within minutes
WORKER_CACHE = "no-cache"  # browsers check for a new worker on every visit
ICON_CACHE_VERSIONED = "public, max-age=31536000, immutable"
ICON_CACHE_PLAIN = "public, max-age=300"

# How the worker finds articles in the pages it passes on (see the module's docstring). Each mark is
# followed in the page by a 32-hex article id.
WORKER_MARKS = {
    # home.html: the top stories' section, and each story's headline link in it
    "topStories": 'class="group top-stories"',
    "topStoriesEnd": "</section>",
    "topStory": 'class="card-title"><a href="/article/',
    # _reading.html and reading_saved.html: the form that removes a saved article (so: it is saved), the
    # form that saves one (so: it is not), and the link to an older page of the reading list
    "saved": 'action="/you/unsave/',
    "notSaved": 'action="/you/save/',
    "olderPage": 'rel="next"',
}
# The worker's settings are one line of sw.js, replaced when it is sent.
_CONFIG_LINE = re.compile(r"^var CONFIG = .*; // herald:config$", re.MULTILINE)
# Templates the offline page is made of: a change to them is a new worker, which fetches the page anew.
_OFFLINE_TEMPLATES = ("base.html", "offline.html")


def short_name(name: str) -> str:
    """The name under the icon: as many of the name's first words as fit, else its first letters."""
    short = ""
    for word in name.split():
        longer = f"{short} {word}" if short else word
        if len(longer) > SHORT_NAME_CHARS:
            break
        short = longer
    return short or name[:SHORT_NAME_CHARS].rstrip()


def icon_path(name: str, version: str) -> str:
    return f"{ICONS_PATH}/{name}.png?v={version}"


def manifest(look: SiteLook, icon_version: str) -> dict[str, Any]:
    """The web app manifest of the site as its admins named it."""
    icons = [
        {
            "src": icon_path(icon.name, icon_version),
            "sizes": f"{icon.size}x{icon.size}",
            "type": "image/png",
            "purpose": icon.purpose,
        }
        for icon in ICONS
        if icon.purpose in ("any", "maskable")
    ]
    small = icon_path("icon-192", icon_version)
    return {
        "id": "/",
        "name": look.name,
        "short_name": short_name(look.name),
        "description": (
            f"{look.name}: the latest news from the publishers it follows, in full and easy to read."
        ),
        "lang": "en",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "categories": ["news"],
        "icons": icons,
        "shortcuts": [
            {
                "name": "Latest news",
                "short_name": "Latest",
                "url": "/latest",
                "icons": [{"src": small, "sizes": "192x192", "type": "image/png"}],
            },
            {
                "name": "Saved articles",
                "short_name": "Saved",
                "url": "/account/saved",
                "icons": [{"src": small, "sizes": "192x192", "type": "image/png"}],
            },
        ],
    }


def worker_source(source: str, config: dict[str, Any]) -> str:
    """sw.js with its settings line holding ``config``."""
    line = f"var CONFIG = {json.dumps(config, sort_keys=True)}; // herald:config"
    written, count = _CONFIG_LINE.subn(lambda _match: line, source, count=1)
    if count != 1:
        raise ValueError(f"{WORKER_FILE} has no settings line to write into")
    return written


def _static_files() -> list[str]:
    """Every static file but the worker itself: the stylesheet, the scripts, Herald's logo."""
    return sorted(
        path.relative_to(STATIC_DIR).as_posix()
        for path in STATIC_DIR.rglob("*")
        if path.is_file() and path.name != WORKER_FILE
    )


def router(web: Web) -> APIRouter:
    icons = AppIcons(web.site)
    source = (STATIC_DIR / WORKER_FILE).read_text(encoding="utf-8")
    worker_source(source, {})  # a worker that lost its settings line fails here, at start-up
    static_shell = [web.renderer.static_url(name) for name in _static_files()]
    templates = hashlib.sha256()
    for name in _OFFLINE_TEMPLATES:
        templates.update((TEMPLATES_DIR / name).read_bytes())
    templates_digest = templates.hexdigest()

    def worker_config() -> dict[str, Any]:
        """What the worker is told: its shell (what it keeps from install on) and the version naming it,
        which changes with any file in the shell, the offline page's templates, or the site's name or logo."""
        look = web.site.current()
        icon_version = icons.version()
        shell = [
            *static_shell,
            *([look.logo_path] if look.logo_path else []),
            icon_path("icon-192", icon_version),
            icon_path("icon-512", icon_version),
            OFFLINE_PATH,
        ]
        version = hashlib.sha256(
            json.dumps([shell, look.name, templates_digest]).encode("utf-8")
        ).hexdigest()[:16]
        return {"version": version, "shell": shell, "offline": OFFLINE_PATH, "marks": WORKER_MARKS}

    routes = APIRouter()

    @routes.get(MANIFEST_PATH, include_in_schema=False)
    async def web_manifest() -> Response:
        look, version = await run_in_threadpool(lambda: (web.site.current(), icons.version()))
        return JSONResponse(
            manifest(look, version), media_type=MANIFEST_TYPE, headers={"Cache-Control": MANIFEST_CACHE}
        )

    @routes.get(WORKER_PATH, include_in_schema=False)
    async def service_worker() -> Response:
        config = await run_in_threadpool(worker_config)
        return Response(
            worker_source(source, config),
            media_type=WORKER_TYPE,
            headers={"Cache-Control": WORKER_CACHE, "Service-Worker-Allowed": "/"},
        )

    async def icon_response(name: str, asked_version: str | None) -> Response:
        made = await run_in_threadpool(icons.png, name)
        if made is None:
            raise not_found()
        version, png = made
        cache = ICON_CACHE_VERSIONED if asked_version == version else ICON_CACHE_PLAIN
        return Response(png, media_type="image/png", headers={"Cache-Control": cache})

    @routes.get(ICONS_PATH + "/{name}.png", include_in_schema=False)
    async def icon(name: str, request: Request) -> Response:
        return await icon_response(name, request.query_params.get("v"))

    @routes.get(APPLE_TOUCH_PATH, include_in_schema=False)
    async def apple_touch_icon() -> Response:
        """At the address iOS asks for, whatever the page links: never versioned, so kept only briefly."""
        return await icon_response("apple-touch-icon", None)

    @routes.get(OFFLINE_PATH, include_in_schema=False)
    async def offline(request: Request) -> Response:
        return await web.page("offline.html", dict, language=language_of(request))

    return routes
