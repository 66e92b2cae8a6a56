"""Conditional requests for every GET under /api/v1, in one place: an app that already holds an answer asks
again with If-None-Match (or If-Modified-Since) and gets 304 with no body when nothing changed.

Every successful answer carries a strong ETag, the digest of its body (unless the endpoint set one), so an
endpoint needs to do nothing for it; an endpoint whose data has a time sets Last-Modified itself. HEAD is
answered as GET without the body, so the two always agree.

The validators never change who may keep an answer: an answer about one reader keeps its ``private`` (or
``no-store``) Cache-Control on the 304 too, and its ETag is only ever compared with what that reader's app
sends. Plain ASGI, so a request outside the API costs one string comparison.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/api/v1/"
# A 304 repeats the headers that say how to keep the answer, never the body's own.
_BODY_HEADERS = frozenset({"content-length", "content-type", "content-encoding", "transfer-encoding"})


def http_date(moment: datetime) -> str:
    """A Last-Modified value: HTTP dates count whole seconds, in GMT."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return format_datetime(aware.replace(microsecond=0), usegmt=True)


def body_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match's weak comparison: any listed tag equal to ours, or "*"."""
    ours = _opaque(etag)
    return any(tag.strip() == "*" or _opaque(tag) == ours for tag in if_none_match.split(","))


def _parse_http_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def not_modified(request: Headers, response: Headers) -> bool:
    """Whether the app's copy is current: If-None-Match when sent (If-Modified-Since is then ignored, as
    RFC 9110 says), else If-Modified-Since against Last-Modified."""
    etag = response.get("etag")
    if_none_match = request.get("if-none-match")
    if if_none_match is not None:
        return etag is not None and etag_matches(if_none_match, etag)
    since = _parse_http_date(request.get("if-modified-since", ""))
    modified = _parse_http_date(response.get("last-modified", ""))
    return since is not None and modified is not None and modified <= since


def settled(last_modified: str, now: float) -> bool:
    """Whether a Last-Modified may be sent: only once its second is over. An HTTP date has whole seconds,
    so a copy sent during the second of a change, then a second change in that second, would have the same
    date, and If-Modified-Since would take the second change for none."""
    modified = _parse_http_date(last_modified)
    return modified is not None and modified.timestamp() + 1 <= now


class ConditionalGetMiddleware:
    """ETags, Last-Modified checks, 304s and HEAD for GET requests under :data:`API_PREFIX`."""

    def __init__(self, app: ASGIApp, *, clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(API_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        start: Message | None = None
        parts: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))

        try:
            await self.app({**scope, "method": "GET"} if head else scope, receive, keep)
        except Exception:
            # Starlette answers an unhandled error (a problem+json 500) and raises it again for the server
            # to log: the answer goes out as it is, then the error on.
            if start is not None:
                await send(start)
                await send({"type": "http.response.body", "body": b"" if head else b"".join(parts)})
            raise
        if start is None:
            return  # the app sent nothing (the client left): nothing to answer
        body = b"".join(parts)
        headers = MutableHeaders(scope=start)
        if start["status"] == 200:
            if "etag" not in headers:
                headers["ETag"] = body_etag(body)
            if "last-modified" in headers and not settled(headers["last-modified"], self._clock()):
                del headers["last-modified"]
            if not_modified(Headers(scope=scope), headers):
                kept = [
                    (k, v) for k, v in start["headers"] if k.decode("latin-1").lower() not in _BODY_HEADERS
                ]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
        await send(start)
        await send({"type": "http.response.body", "body": b"" if head else body})
