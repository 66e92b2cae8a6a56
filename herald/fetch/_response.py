"""Reading an HTTP answer's headers into the words and numbers Herald stores."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from email.message import Message
from http import HTTPStatus

import httpx

from herald.errors import HTTPStatusError


def media_type(headers: httpx.Headers) -> tuple[str, str | None]:
    """(media type in lower case without parameters, charset or None); ("", None) without a Content-Type."""
    raw = headers.get("content-type", "").strip()
    if not raw:
        return "", None
    message = Message()  # the stdlib parser copes with quoting and odd spacing in parameters
    message["content-type"] = raw
    kind = raw.split(";", 1)[0].strip().lower()
    charset = message.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 form: (charset, language, value)
        charset = charset[2]
    return kind, (str(charset).strip().lower() or None) if charset else None


def max_age_seconds(headers: httpx.Headers, *, now: datetime | None = None) -> int | None:
    """How long the publisher says the answer stays fresh: Cache-Control max-age, else Expires minus Date."""
    for directive in headers.get("cache-control", "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.strip().lower() == "max-age":
            try:
                return max(int(value.strip().strip('"')), 0)
            except ValueError:
                return None
    expires = _http_date(headers.get("expires"))
    if expires is None:
        return None
    date = _http_date(headers.get("date")) or now or datetime.now(UTC)
    return max(int((expires - date).total_seconds()), 0)


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # "Expires: 0" and "-1" mean "already expired"; the caller treats None as no hint
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def status_error(status: int, url: str, *, what: str) -> HTTPStatusError:
    """The HTTPStatusError for a 4xx/5xx answer, in words an operator can act on."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    head = f"The server answered {status} {phrase} for {url}"
    if status == 404:
        text = f"{head}: the {what} was not found (the address may have changed)"
    elif status == 410:
        text = f"{head}: the {what} is gone for good (the publisher removed it)"
    elif status == 429:
        text = f"{head}: it asked us to slow down (too many requests)"
    elif status in (401, 403):
        text = f"{head}: access is refused (the {what} needs a login or blocks us)"
    elif status >= 500:
        text = f"{head}: a server error on the publisher's side, usually temporary"
    else:
        text = f"{head}: the server refused the request"
    return HTTPStatusError(text, status)
