"""A size limit on what an app sends: the reader's endpoints take a few small JSON fields, the largest a
comment of at most 5,000 characters, so anything far larger is refused before it is read into memory.

A body whose Content-Length says it is too large is refused before any of it is read; one sent without a
length is counted as it arrives and refused once past the limit. Either way the answer is 413 problem+json
with a sentence for the reader.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive

# A comment of 5,000 characters, each written as a JSON escape of a character outside the BMP (12 bytes), is
# 60,000 bytes: the limit leaves room for that and the other fields.
MAX_BODY_BYTES = 64 * 1024
BODY_TOO_LARGE = "What was sent is far longer than this API takes (64 KiB at most). Shorten it and try again."


def _too_large() -> HTTPException:
    return HTTPException(413, BODY_TOO_LARGE)


def _counted(receive: Receive) -> Receive:
    """``receive`` that stops a body once more than MAX_BODY_BYTES of it have arrived."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY_BYTES:
                raise _too_large()
        return message

    return counted


class LimitedRoute(APIRoute):
    """A route that refuses a body over MAX_BODY_BYTES."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def limited(request: Request) -> Response:
            declared = request.headers.get("content-length", "")
            if declared and (
                not declared.isascii() or not declared.isdigit() or int(declared) > MAX_BODY_BYTES
            ):
                raise _too_large()
            return await handle(Request(request.scope, _counted(request.receive)))

        return limited
