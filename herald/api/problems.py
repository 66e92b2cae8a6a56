"""Errors under /api/ as RFC 9457 problem details, while the site keeps its HTML error pages.

Exception handlers belong to the whole app, not to a router, so the API cannot scope them by mounting: the
handlers installed here look at the request's path and pass anything outside /api/ to whichever handler was
installed before them (the site's, or FastAPI's defaults).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from herald.api.schemas import Problem

log = logging.getLogger(__name__)

API_PATH_PREFIX = "/api/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
INVALID_REQUEST = "The request's parameters are not valid."
SERVER_ERROR = "Something went wrong on our side. Please try again in a moment."

Handler = Callable[[Request, Any], Awaitable[Response]]
AnyHandler = Callable[[Request, Any], Response | Awaitable[Response]]  # Starlette accepts sync ones too


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem(
    status: int,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> ProblemResponse:
    """A problem+json response. Errors are never cached: the next request may well succeed."""
    body = Problem(title=_phrase(status), status=status, detail=detail).model_dump()
    body.update(extensions or {})
    response = ProblemResponse(body, status_code=status, headers=dict(headers or {}))
    response.headers["Cache-Control"] = "no-store"
    return response


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error statuses, and a default for any other error (a server
    error, say), each a problem+json body. The default also keeps FastAPI from documenting its own
    application/json 422 body, which these handlers never send."""
    content = {PROBLEM_MEDIA_TYPE: {"schema": Problem.model_json_schema()}}
    responses: dict[int | str, dict[str, Any]] = {
        status: {"description": _phrase(status), "content": content} for status in statuses
    }
    responses["default"] = {"description": "Any other error", "content": content}
    return responses


async def problem_from_exception(_request: Request, exc: Exception) -> Response:
    """HTTPException and RequestValidationError as problem+json, whatever path they were raised under."""
    if isinstance(exc, RequestValidationError):
        return problem(422, _validation_detail(exc.errors()), extensions={"errors": _errors(exc.errors())})
    if isinstance(exc, HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail else _phrase(exc.status_code)
        return problem(exc.status_code, detail, headers=exc.headers)
    return problem(500, SERVER_ERROR)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer errors under /api/ with problem+json; call after the site's handlers, which keep the rest."""
    fallbacks: dict[Any, AnyHandler] = {
        HTTPException: app.exception_handlers.get(HTTPException) or http_exception_handler,
        RequestValidationError: (
            app.exception_handlers.get(RequestValidationError) or request_validation_exception_handler
        ),
    }
    for exc_class, fallback in fallbacks.items():
        app.add_exception_handler(exc_class, _for_api_paths(problem_from_exception, fallback))
    # Starlette's ServerErrorMiddleware takes its handler from key 500 or Exception; without one it answers
    # plain text, which is what an unhandled error outside the API then still gets.
    server_fallback = app.exception_handlers.get(500) or app.exception_handlers.get(Exception)
    app.add_exception_handler(500, _for_api_paths(_server_error, server_fallback or _plain_server_error))


def is_api_request(request: Request) -> bool:
    return request.url.path.startswith(API_PATH_PREFIX)


def _for_api_paths(api_handler: Handler, fallback: AnyHandler) -> Handler:
    async def handle(request: Request, exc: Any) -> Response:
        if is_api_request(request):
            return await api_handler(request, exc)
        if inspect.iscoroutinefunction(fallback):
            response: Response = await fallback(request, exc)
            return response
        # As Starlette would run it: a plain function off the event loop.
        result = await run_in_threadpool(fallback, request, exc)
        return await result if inspect.isawaitable(result) else result

    return handle


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("Error while serving %s", request.url.path, exc_info=exc)
    return problem(500, SERVER_ERROR)


async def _plain_server_error(_request: Request, _exc: Exception) -> Response:
    return PlainTextResponse("Internal Server Error", status_code=500)


def _validation_detail(errors: Sequence[Any]) -> str:
    first = errors[0] if errors else None
    if not isinstance(first, Mapping):
        return INVALID_REQUEST
    where = _location(first.get("loc", ()))
    message = str(first.get("msg", "")).strip()
    if not where or not message:
        return INVALID_REQUEST
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {message}{more}."


def _errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Where and what, without the rejected input: it may be long, and it is the client's own anyway."""
    return [
        {
            "location": _location(error.get("loc", ())),
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
        if isinstance(error, Mapping)
    ]


def _location(loc: Sequence[Any]) -> str:
    """("query", "q") -> "query parameter q"; a body's path joined with dots."""
    parts = [str(part) for part in loc]
    if len(parts) >= 2 and parts[0] in ("query", "path", "header", "cookie"):
        return f"{parts[0]} parameter {'.'.join(parts[1:])}"
    return ".".join(parts)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
