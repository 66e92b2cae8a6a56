"""What every page about one viewer needs (the account pages, the comment threads and forms, the moderators'
pages): who is asking, the nav's sections, the CSRF cookie, a posted form read only once it is safe, and every
answer rendered with the form token and sent with the right cookies and caching headers.

Such answers are never shared by a cache. The page families differ only in a few choices, made once where
they build their :class:`Viewers`: how the answers are cached, which page says a short message, and whether
the pages sign readers in and out (their forms are then for everyone, and they tend the session cookie).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from gettext import NullTranslations
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from herald.models import User
from herald.web.csrf import Csrf, FormRefused
from herald.web.language import DEFAULT_LANGUAGE, language_of
from herald.web.pages.common import Web
from herald.web.session import clear_session, sent_session_cookie, session_token, set_session

Form = dict[str, str]


def sign_in_path(back: str) -> str:
    """Signing in, then back to ``back`` (a path on this site, perhaps with a #fragment)."""
    return "/account/sign-in?next=" + quote(back, safe="/")


@dataclass(frozen=True, slots=True)
class Visit:
    """Who is asking: the session the browser named, its reader if that session is live, and the CSRF cookie
    for the forms."""

    request: Request
    token: str | None
    user: User | None
    nav: list[str]
    csrf_cookie: str
    csrf_is_new: bool
    language: str = DEFAULT_LANGUAGE  # the interface's, as the language middleware chose it
    translations: NullTranslations = field(default_factory=NullTranslations)

    def gettext(self, message: str) -> str:
        """A sentence in the viewer's language, for the few the code fills in before they are shown."""
        return self.translations.gettext(message)

    @property
    def client(self) -> str:
        return self.request.client.host if self.request.client else ""

    @property
    def user_agent(self) -> str:
        return self.request.headers.get("user-agent", "")[:200]


Show = Callable[[Visit], Awaitable[Response]]
Handle = Callable[[Visit, Form], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class Viewers:
    """Answers for one viewer, cached as ``cache`` says, with ``message_template`` for a short message and
    ``current`` marked in the nav. Pages that sign readers in and out (``signs_in``) give every visitor the
    CSRF cookie, since their forms are for anyone, and clear a session cookie that names no live session;
    elsewhere only a signed-in reader is given forms, and the session cookie is left to the account pages."""

    def __init__(
        self,
        web: Web,
        csrf: Csrf,
        *,
        cache: str,
        message_template: str,
        current: str | None = None,
        signs_in: bool = False,
    ) -> None:
        self.web = web
        self.csrf = csrf
        self.cache = cache
        self.message_template = message_template
        self.current = current
        self.signs_in = signs_in

    async def visit(self, request: Request) -> Visit:
        token = session_token(request)

        def look() -> tuple[User | None, list[str]]:
            return self.web.accounts.user_for_session(token), self.web.directory.nav_sections()

        user, nav = await run_in_threadpool(look)
        cookie = self.csrf.cookie_value(request)
        language = language_of(request)
        return Visit(
            request,
            token,
            user,
            nav,
            cookie or Csrf.new_value(),
            cookie is None,
            language,
            self.web.renderer.translations(language),
        )

    def get(self, show: Show) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            return await show(await self.visit(request))

        return endpoint

    def post(self, handle: Handle) -> Endpoint:
        """An endpoint whose ``handle`` sees the form only once it has passed the size, parsing and CSRF
        checks; a refused form gets a page saying why, with the status the check chose."""

        async def endpoint(request: Request) -> Response:
            visit = await self.visit(request)
            try:
                form = await self.csrf.read_form(request)
            except FormRefused as refused:
                return self.message(visit, refused.title, refused.message, status=refused.status)
            return await handle(visit, form)

        return endpoint

    def render(
        self,
        visit: Visit,
        template: str,
        *,
        status: int = 200,
        nav: bool = True,
        signed_out: bool = False,
        **context: Any,
    ) -> Response:
        if nav:
            context["nav_sections"] = visit.nav
        response = self.web.renderer.page(
            template,
            status=status,
            cache=self.cache,
            current=self.current,
            language=visit.language,
            viewer=visit.user,
            csrf_token=self.csrf.token(visit.csrf_cookie),
            **context,
        )
        return self.finish(visit, response, signed_out=signed_out)

    def message(self, visit: Visit, title: str, text: str, *, status: int = 200, **context: Any) -> Response:
        context.setdefault("link", None)
        return self.render(
            visit,
            self.message_template,
            status=status,
            title=title,
            message=text,
            failed=status >= 400,
            **context,
        )

    def redirect(
        self, visit: Visit, location: str, *, new_session: str | None = None, signed_out: bool = False
    ) -> Response:
        response = RedirectResponse(location, status_code=303, headers={"Cache-Control": self.cache})
        return self.finish(visit, response, new_session=new_session, signed_out=signed_out)

    def to_sign_in(self, visit: Visit, back: str) -> Response:
        return self.redirect(visit, sign_in_path(back))

    def finish(
        self, visit: Visit, response: Response, *, new_session: str | None = None, signed_out: bool = False
    ) -> Response:
        """The session cookie only ever from a token the accounts service just made (``new_session``); the
        CSRF cookie set when missing, and replaced whenever who is signed in changes."""
        response.headers["Cache-Control"] = self.cache
        settings = self.web.settings
        if new_session is not None:
            set_session(response, new_session, settings)
        elif signed_out or (self.signs_in and visit.user is None and sent_session_cookie(visit.request)):
            clear_session(response, settings)
        if new_session is not None or signed_out:
            self.csrf.set_cookie(response, Csrf.new_value())
        elif visit.csrf_is_new and (self.signs_in or visit.user is not None):
            self.csrf.set_cookie(response, visit.csrf_cookie)
        return response
