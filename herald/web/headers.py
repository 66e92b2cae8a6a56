"""Security and caching headers on every response, as plain ASGI so it adds no per-request task overhead."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Lead images come from publishers' hosts, hence img-src https: http:. No script runs except our own files;
# the JSON-LD block is data (application/ld+json), which CSP does not execute.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' https: http: data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "interest-cohort=(), camera=(), microphone=(), geolocation=()",
}
# Static URLs carry a content hash (?v=...), so a year is safe; without one, an hour.
STATIC_VERSIONED = "public, max-age=31536000, immutable"
STATIC_PLAIN = "public, max-age=3600"


class HeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        versioned = b"v=" in scope.get("query_string", b"")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if path.startswith("/static/") and message["status"] in (200, 304):
                    headers["Cache-Control"] = STATIC_VERSIONED if versioned else STATIC_PLAIN
                else:
                    headers.setdefault(
                        "Cache-Control", "no-store" if message["status"] >= 400 else "no-cache"
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)
