"""Interactive documentation of the API at /api/v1/docs: Swagger UI, served by Herald itself.

The site's Content-Security-Policy runs only scripts from the site's own files and no inline script, and
Herald fetches nothing from elsewhere, so Swagger UI's files come from the ``swagger-ui-bundle`` package and
the few lines that start it are a file of their own (:data:`INIT_SCRIPT`), not a ``<script>`` block. The
files' addresses carry their version, so browsers keep them for a year.
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import APIRouter, HTTPException
from starlette.responses import FileResponse, HTMLResponse, Response
from swagger_ui_bundle import swagger_ui_path

from herald.api.articles import PREFIX

DOCS_PATH = f"{PREFIX}/docs"
OPENAPI_PATH = f"{PREFIX}/openapi.json"
ASSETS = Path(str(swagger_ui_path))
VERSION = ASSETS.name.rsplit("-", 1)[-1]  # "swagger-ui-4.15.5" -> "4.15.5"
VERSIONED = "public, max-age=31536000, immutable"
PAGE_CACHE = "public, max-age=300"
# Only what the page uses: the package's other files (its demo page, source maps) are not served.
_FILES = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript"}

INIT_SCRIPT = f"""\
"use strict";
// Starts Swagger UI on this page; a file, not an inline script, as the site's Content-Security-Policy asks.
window.addEventListener("load", function () {{
  window.ui = SwaggerUIBundle({{
    url: "{OPENAPI_PATH}",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  }});
}});
"""

_PAGE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{docs}/swagger-ui.css?v={version}">
</head>
<body>
<noscript><p>The interactive documentation needs JavaScript. The API's description is at
<a href="{openapi}">{openapi}</a>.</p></noscript>
<div id="swagger-ui"></div>
<script src="{docs}/swagger-ui-bundle.js?v={version}"></script>
<script src="{docs}/init.js?v={version}"></script>
</body>
</html>
"""


def create_docs(site_name: str) -> APIRouter:
    """The documentation page and its files (left out of the OpenAPI document: they are not the API)."""
    router = APIRouter(include_in_schema=False)
    page = _PAGE.format(
        title=html.escape(f"{site_name} API"), docs=DOCS_PATH, version=VERSION, openapi=OPENAPI_PATH
    )

    @router.get(DOCS_PATH)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Cache-Control": PAGE_CACHE})

    @router.get(f"{DOCS_PATH}/init.js")
    async def init() -> Response:
        return Response(INIT_SCRIPT, media_type="text/javascript", headers={"Cache-Control": VERSIONED})

    @router.get(f"{DOCS_PATH}/{{name}}")
    async def asset(name: str) -> FileResponse:
        media_type = _FILES.get(name)
        if media_type is None:
            raise HTTPException(404, "The documentation has no file of that name.")
        return FileResponse(ASSETS / name, media_type=media_type, headers={"Cache-Control": VERSIONED})

    return router
