"""The signed-in browser's cookie: reading it, setting it and clearing it.

The cookie holds a random token whose digest the store keeps; it is set only from a token the accounts service
has just made (sign-in, finishing sign-up), never from anything the browser sent, so a token planted in a
browser before sign-in is never the session after it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from herald.config import Settings

SESSION_COOKIE = "herald_session"
# Our tokens are 43 characters; a longer value is not one of ours and is not worth a database trip.
MAX_TOKEN_CHARS = 100


def secure_cookies(settings: Settings) -> bool:
    """Cookies travel over HTTPS only when the site is served over HTTPS (a plain-HTTP site on a laptop must
    still be able to sign in)."""
    return settings.public_base_url.startswith("https")


def session_token(request: Request) -> str | None:
    """The token the browser sent, if it could be one of ours."""
    token = request.cookies.get(SESSION_COOKIE, "")
    return token if 0 < len(token) <= MAX_TOKEN_CHARS else None


def sent_session_cookie(request: Request) -> bool:
    """Whether the browser sent a session cookie at all (even one too long to be ours): it can be cleared."""
    return SESSION_COOKIE in request.cookies


def set_session(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 24 * 3600,
        path="/",
        secure=secure_cookies(settings),
        httponly=True,
        samesite="lax",
    )


def clear_session(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=secure_cookies(settings), httponly=True, samesite="lax"
    )
