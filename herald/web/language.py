"""The interface's language: the catalogs, which language a request gets, and the reader's choice of one.

A reader's choice (the footer's "English · Français", kept in a cookie for a year) wins; without one, the
browser's Accept-Language among the languages we have catalogs for; else English. Catalogs are the ``.po``
files under ``locale/``, compiled in memory when the site starts, so there is nothing to build. Article text
keeps its own language whatever the interface speaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs

from babel import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "herald_lang"
COOKIE_SECONDS = 365 * 24 * 3600
CHOOSE_PATH = "/language"  # ?lang=fr: the footer's links
SCOPE_KEY = "herald.language"
MAX_ACCEPT_LANGUAGE = 500  # characters of the header worth reading; a browser sends far fewer
# Shared caches keep one copy per cookie and browser language: a page's words depend on both.
VARY = "Cookie, Accept-Language"
_TAG = re.compile(r"^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$")
# Paths whose answers are not pages in the reader's language.
_NOT_PAGES = ("/static/", "/api/")


@dataclass(frozen=True, slots=True)
class Catalogs:
    """The interface's translations by language code; English is the text itself."""

    by_language: dict[str, NullTranslations]

    @classmethod
    def load(cls, root: Path = LOCALE_DIR) -> Catalogs:
        found: dict[str, NullTranslations] = {DEFAULT_LANGUAGE: NullTranslations()}
        for po in sorted(root.glob("*/LC_MESSAGES/messages.po")):
            code = po.parent.parent.name
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=code)
            compiled = BytesIO()
            write_mo(compiled, catalog)
            compiled.seek(0)
            found[code] = Translations(compiled)
        return cls(found)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.by_language)

    def get(self, language: str) -> NullTranslations:
        return self.by_language.get(language) or self.by_language[DEFAULT_LANGUAGE]

    def name(self, language: str) -> str:
        """The language's name in itself, as a reader looking for it would recognise it: "Français"."""
        shown = Locale.parse(language).get_display_name(language) or language
        return shown[:1].upper() + shown[1:]


def chosen_language(cookie: str | None, accept_language: str, offered: tuple[str, ...]) -> str:
    """The reader's cookie if it names a language we have, else the browser's best match, else English."""
    if cookie in offered:
        return str(cookie)
    wanted: list[tuple[float, int, str]] = []
    for part in accept_language[:MAX_ACCEPT_LANGUAGE].split(","):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        weight = 1.0
        name, _, number = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(number)
            except ValueError:
                weight = 0.0
        if weight > 0 and _TAG.match(tag):
            wanted.append((-weight, len(wanted), tag.replace("-", "_")))
    preferred = [tag for _weight, _position, tag in sorted(wanted)]
    # Babel matches "fr_CA" to "fr" through its aliases; "fr-CA" alone needs the primary subtag tried too.
    preferred = [t for tag in preferred for t in (tag, tag.split("_")[0])]
    return negotiate_locale(preferred, list(offered), sep="_") or DEFAULT_LANGUAGE


def language_of(connection: HTTPConnection) -> str:
    """The interface language the middleware chose for this request (English outside it)."""
    return str(connection.scope.get(SCOPE_KEY, DEFAULT_LANGUAGE))


def _back(connection: HTTPConnection) -> str:
    """Where the reader was: the page that linked here when it is on this site, else the front page."""
    referer = connection.headers.get("referer", "")
    origin = f"{connection.url.scheme}://{connection.url.netloc}"
    if referer.startswith(origin + "/"):
        path = referer[len(origin) :]
        if not path.startswith("//") and "\\" not in path and not path.startswith(CHOOSE_PATH):
            return path
    return "/"


class LanguageMiddleware:
    """Puts the request's language on its scope, answers the footer's language links (cookie, then back
    where the reader was), and marks shared pages as varying with the cookie and the browser's language."""

    def __init__(self, app: ASGIApp, *, languages: tuple[str, ...], secure: bool) -> None:
        self.app = app
        self.languages = languages
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if path.startswith(_NOT_PAGES):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        if path == CHOOSE_PATH and scope.get("method") in ("GET", "HEAD"):
            await self._choose(connection)(scope, receive, send)
            return
        scope[SCOPE_KEY] = chosen_language(
            connection.cookies.get(LANGUAGE_COOKIE),
            connection.headers.get("accept-language", ""),
            self.languages,
        )

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                shared = "public" in headers.get("cache-control", "")
                if shared and headers.get("content-type", "").startswith("text/html"):
                    headers["Vary"] = ", ".join(v for v in (headers.get("vary"), VARY) if v)
            await send(message)

        await self.app(scope, receive, send_varying)

    def _choose(self, connection: HTTPConnection) -> RedirectResponse:
        """The reader's choice kept for a year (a language we have no catalog for is not kept)."""
        asked = parse_qs(connection.url.query).get("lang", [""])[0]
        response = RedirectResponse(_back(connection), status_code=303, headers={"Cache-Control": "no-store"})
        if asked in self.languages:
            response.set_cookie(
                LANGUAGE_COOKIE,
                asked,
                max_age=COOKIE_SECONDS,
                path="/",
                secure=self.secure,
                httponly=True,
                samesite="lax",
            )
        return response
