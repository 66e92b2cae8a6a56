"""Error pages with the site's chrome: a 404 that leads home, and a 500 that apologises without a trace.

Neither touches the database: the database may be why we are here.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from herald.translation import N_
from herald.web.directory import Directory
from herald.web.headers import SECURITY_HEADERS
from herald.web.language import DEFAULT_LANGUAGE, language_of
from herald.web.render import Renderer

log = logging.getLogger(__name__)

MESSAGES = {
    404: (
        N_("Page not found"),
        N_("We could not find that page. It may have moved, or the link may be mistyped."),
    ),
    400: (N_("Bad link"), N_("That link is not one we understand.")),
    405: (N_("Not allowed"), N_("This page cannot be used that way.")),
    500: (
        N_("Something went wrong"),
        N_("Sorry — something went wrong on our side. Please try again in a moment."),
    ),
}
OTHER_ERROR = N_("That did not work.")
_PLAIN_500 = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Something went wrong</title>"
    "<h1>Something went wrong</h1><p>Sorry — please try again in a moment. <a href='/'>Home</a></p></html>"
)


def error_page(
    renderer: Renderer, directory: Directory, status: int, language: str = DEFAULT_LANGUAGE
) -> HTMLResponse:
    """The page in the reader's ``language``; error.html translates the title and the sentence."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    title, text = MESSAGES.get(status, (phrase, OTHER_ERROR))
    return renderer.page(
        "error.html",
        status=status,
        cache="no-store",
        language=language,
        nav_sections=directory.cached_nav_sections(),
        status_code=status,
        title=title,
        message=text,
    )


def install(app: FastAPI, renderer: Renderer, directory: Directory) -> None:
    async def http_error(request: Request, exc: Exception) -> Response:
        status = int(getattr(exc, "status_code", 500))
        response = error_page(renderer, directory, status, language_of(request))
        for name, value in (getattr(exc, "headers", None) or {}).items():
            response.headers[name] = value
        return response

    async def bad_request(request: Request, _exc: Exception) -> Response:
        return error_page(renderer, directory, 400, language_of(request))

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("Error while serving %s", request.url.path, exc_info=exc)
        try:
            response: Response = error_page(renderer, directory, 500, language_of(request))
        except Exception:  # the apology must not fail too
            response = HTMLResponse(_PLAIN_500, status_code=500)
        # This handler runs outside the middleware stack, so the headers are set here.
        response.headers.update(SECURITY_HEADERS)
        response.headers["Cache-Control"] = "no-store"
        return response

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_request)
    app.add_exception_handler(500, server_error)
