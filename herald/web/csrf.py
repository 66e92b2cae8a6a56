"""A form posted to the site, read defensively: a size cap before parsing, strict decoding, and proof that the
form came from one of our own pages.

The proof is a double-submit token: a random cookie (``herald_csrf``) that another site cannot read, and in
every form a hidden field with its HMAC under the site's secret key. A forged form has neither the cookie's
value nor the key, so it cannot carry the right field; a browser's Origin header, when sent, must also be
ours. Nothing is parsed or changed before these checks pass.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import AsyncGenerator
from urllib.parse import parse_qsl, urlsplit

from starlette.datastructures import FormData, Headers, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from herald.config import Settings
from herald.translation import N_
from herald.web.session import secure_cookies

CSRF_COOKIE = "herald_csrf"
CSRF_FIELD = "csrf_token"
MAX_BODY_BYTES = 16 * 1024  # our largest form is a few hundred bytes
MAX_FIELDS = 20
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

FORGED_TITLE = N_("Please try again")
FORGED = N_("This form has expired or came from another site. Go back, reload the page and try again.")
TOO_LARGE_TITLE = N_("Too much to send")
TOO_LARGE = N_("What was sent is far longer than this form takes. Go back, shorten it and try again.")
MALFORMED_TITLE = N_("That did not work")
MALFORMED = N_("What was sent is not a form we can read. Go back, reload the page and try again.")


class FormRefused(Exception):
    """A posted form that is not read at all: too large, unreadable, or not from our own page."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


def _forged() -> FormRefused:
    return FormRefused(403, FORGED_TITLE, FORGED)


def _malformed() -> FormRefused:
    return FormRefused(400, MALFORMED_TITLE, MALFORMED)


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the default port filled in, so ``https://a`` and ``https://a:443`` agree."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


class Csrf:
    def __init__(self, secret_key: str, settings: Settings) -> None:
        self._key = secret_key.encode("utf-8")
        self._settings = settings

    # The cookie

    @staticmethod
    def cookie_value(request: Request) -> str | None:
        """The browser's CSRF cookie, if it is one we could have made."""
        value = request.cookies.get(CSRF_COOKIE, "")
        return value if _COOKIE_VALUE.match(value) else None

    @staticmethod
    def new_value() -> str:
        return secrets.token_urlsafe(32)

    def set_cookie(self, response: Response, value: str) -> None:
        # No Max-Age: it lasts the browser session, and a new one is made whenever it is missing.
        response.set_cookie(
            CSRF_COOKIE, value, path="/", secure=secure_cookies(self._settings), httponly=True, samesite="lax"
        )

    def token(self, cookie_value: str) -> str:
        """The hidden field's value for a cookie: only the site can compute it."""
        return hmac.new(self._key, cookie_value.encode("ascii"), hashlib.sha256).hexdigest()

    # Reading a posted form

    async def read_form(
        self, request: Request, *, repeated: frozenset[str] = frozenset(), max_fields: int = MAX_FIELDS
    ) -> dict[str, str]:
        """The form's fields (the first value of each name; every value, one a line, for the names in
        ``repeated``, such as a group of checkboxes) once it has passed every check; raises
        :class:`FormRefused` otherwise."""
        self._check_origin(request)
        body = await _read_body(request)
        fields = _fields(await _parse(request, body, max_fields), repeated)
        self._check_token(request, fields)
        return fields

    async def read_upload(
        self, request: Request, *, file_field: str, max_file_bytes: int
    ) -> tuple[dict[str, str], bytes]:
        """A multipart form with one file: its text fields and the file's bytes (empty when no file was
        chosen), after the same checks. The body may be ``max_file_bytes`` larger than a form's; the file is
        read only once the form has proved it came from our page."""
        self._check_origin(request)
        body = await _read_body(request, limit=max_file_bytes + MAX_BODY_BYTES)
        kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if kind != "multipart/form-data":
            raise _malformed()

        form = await _multipart(request, body, max_files=1, max_fields=MAX_FIELDS)
        try:
            fields = _fields([(n, v) for n, v in form.multi_items() if isinstance(v, str)], frozenset())
            self._check_token(request, fields)
            upload = form.get(file_field)
            data = await upload.read() if isinstance(upload, UploadFile) else b""
        finally:
            await form.close()
        return fields, data

    def _check_token(self, request: Request, fields: dict[str, str]) -> None:
        cookie = self.cookie_value(request)
        sent = fields.get(CSRF_FIELD, "")
        if cookie is None or not hmac.compare_digest(
            sent.encode("utf-8"), self.token(cookie).encode("ascii")
        ):
            raise _forged()

    def _check_origin(self, request: Request) -> None:
        """A browser says where a form came from; when it does, that must be this site (as the request reached
        us, or as the operator configured it behind a proxy)."""
        sent = request.headers.get("origin")
        if sent is None:
            return
        ours = {_origin(str(request.url)), _origin(self._settings.public_base_url)} - {None}
        if _origin(sent) not in ours:
            raise _forged()


async def _read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """At most ``limit`` bytes, judged by Content-Length before anything is read and by counting while it is,
    since a client may send no length or a false one."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise _malformed()
        if int(declared) > limit:
            raise FormRefused(413, TOO_LARGE_TITLE, TOO_LARGE)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise FormRefused(413, TOO_LARGE_TITLE, TOO_LARGE)
            chunks.append(chunk)
    except ClientDisconnect as exc:
        raise _malformed() from exc
    return b"".join(chunks)


async def _parse(request: Request, body: bytes, max_fields: int) -> list[tuple[str, str]]:
    """URL-encoded or multipart text fields in UTF-8; anything else (another type, bad encoding, a file, too
    many fields) is refused rather than guessed at."""
    if not body:
        return []  # nothing sent is no form at all: the CSRF check refuses it
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _malformed() from exc
    pairs: list[tuple[str, str]]
    if kind == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=max_fields)
        except ValueError as exc:  # UnicodeDecodeError is one: a percent-escape that is not UTF-8
            raise _malformed() from exc
    elif kind == "multipart/form-data":
        form = await _multipart(request, body, max_files=0, max_fields=max_fields)
        pairs = [(name, value) for name, value in form.multi_items() if isinstance(value, str)]
    else:
        raise _malformed()
    return pairs


async def _multipart(request: Request, body: bytes, *, max_files: int, max_fields: int) -> FormData:
    """A multipart body already read (and capped), parsed with starlette's limits; refused when malformed."""

    async def once() -> AsyncGenerator[bytes, None]:
        yield body

    parser = MultiPartParser(
        Headers(scope=request.scope),
        once(),
        max_files=max_files,
        max_fields=max_fields,
        max_part_size=MAX_BODY_BYTES,
    )
    try:
        return await parser.parse()
    except (MultiPartException, ValueError) as exc:
        raise _malformed() from exc


def _fields(pairs: list[tuple[str, str]], repeated: frozenset[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in pairs:
        if "\x00" in name or "\x00" in value:  # no field of ours holds one, and PostgreSQL refuses them
            raise _malformed()
        if name in repeated and name in fields:
            fields[name] += "\n" + value
        else:
            fields.setdefault(name, value)
    return fields
