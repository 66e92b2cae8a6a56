"""Reader accounts on the site: signing in and out, signing up through a mailed or printed link, resetting and
changing a password, and two-factor sign-in.

Every page here is about one reader, so none is cached or indexed, and every form carries a CSRF token that
:mod:`herald.web.csrf` checks before the form is read at all. The accounts service decides and does the
database and hashing work, in worker threads; this module turns forms into its calls and its answers into
pages, and never says more than it does about whether an address has an account.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from herald.errors import AccountError, CodeRequired, SignInThrottled
from herald.models import User
from herald.pipeline.accounts import BAD_EMAIL, BAD_LINK, CHECK_INBOX, SIGN_UP_CLOSED, WRONG_CODE
from herald.translation import N_
from herald.web.csrf import Csrf
from herald.web.pages.common import Web
from herald.web.viewers import Form, Handle, Show, Viewers, Visit

NO_STORE = "no-store"
HOME = "/account"
MAX_LINK_TOKEN = 2000  # a welcome or reset link's token; longer is not one of ours
SETUP_PURPOSE = "totp-setup"
SETUP_SECONDS = 10 * 60
_LIMITS = {"email": 254, "name": 80, "code": 10, "setup": MAX_LINK_TOKEN, "next": 500}
MAX_PASSWORD = 200  # every other field is a password: password, current, new, repeat
_TOO_LONG = {
    "email": N_("That email address is too long."),
    "name": N_("That name is too long: choose one of 2 to 40 letters, digits or signs."),
    "code": N_("That code is too long. Enter the 6 digits your authenticator app shows now."),
}
TOO_LONG_PASSWORD = N_("That password is too long: use at most 200 characters.")
NOT_THE_SAME = N_("The two new passwords are not the same. Type the same password twice.")
SETUP_EXPIRED = N_(
    "That set-up took longer than 10 minutes. Add the new code below to your app and try again."
)
PASSWORD_CHANGED = N_("Your password is changed; sign in with it.")
DONE = {
    "password": N_("Your password is changed. Other browsers signed in to your account are signed out."),
    "two-factor-on": N_(
        "Two-factor sign-in is on: from now on, signing in also asks for a code from your app."
    ),
    "two-factor-off": N_("Two-factor sign-in is off."),
    "welcome": N_("Welcome! Your account is ready, and you are signed in."),
    "app": N_("That app is signed out. It needs your password to sign in again."),
}
APP_GONE = N_("That app is signed out already.")
APPS_SHOWN = 100  # the newest; each sign-in of an app is one, and they expire after 90 days


def local_path(value: str | None) -> str:
    """Where to go after signing in: a path on this site only, so a link cannot send a reader elsewhere
    (``//host`` and ``/\\host`` are other sites to a browser)."""
    if (
        not value
        or len(value) > _LIMITS["next"]
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value)
    ):
        return HOME
    return value


def _take(form: Form, *names: str, twice: tuple[str, str] | None = None) -> tuple[Form, str]:
    """The named fields (absent ones empty), each cut to its limit, and the message for the first problem: a
    field longer than its limit (a form error, not a crash), or a new password typed differently ``twice``."""
    values: Form = {}
    problem = ""
    for name in names:
        value = form.get(name, "")
        limit = _LIMITS.get(name, MAX_PASSWORD)
        if len(value) > limit:
            problem = problem or _TOO_LONG.get(name, TOO_LONG_PASSWORD)
            value = value[:limit]
        values[name] = value
    if twice and not problem and values[twice[0]] != values[twice[1]]:
        problem = NOT_THE_SAME
    return values, problem


async def _attempt(work: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, str]:
    """Run a service call in a worker thread: its result, or the reader's message when it refused."""
    try:
        return await run_in_threadpool(work, *args, **kwargs), ""
    except AccountError as exc:
        return None, str(exc)


def _link_token(visit: Visit) -> str | None:
    """The token of a welcome or reset link, from the page's address; one far too long is not ours."""
    token = str(visit.request.path_params.get("token", ""))
    return token if 0 < len(token) <= MAX_LINK_TOKEN else None


def router(web: Web, csrf: Csrf) -> APIRouter:
    pages = Viewers(
        web, csrf, cache=NO_STORE, message_template="message.html", current="account", signs_in=True
    )
    accounts = web.accounts

    def to_sign_in(visit: Visit) -> Response:
        """Back to the page after signing in (a form's address is no page: its account page instead)."""
        return pages.to_sign_in(visit, visit.request.url.path if visit.request.method == "GET" else HOME)

    def bad_link(visit: Visit) -> Response:
        return pages.message(visit, N_("This link does not work"), BAD_LINK, status=400)

    async def start_session(visit: Visit, token: str, target: str) -> Response:
        """Whatever session the browser named before (perhaps one planted in it) ends; the new one begins."""
        if visit.token is not None and visit.token != token:
            await run_in_threadpool(accounts.sign_out, visit.token)
        return pages.redirect(visit, target, new_session=token)

    # Signing in and out

    def sign_in_page(visit: Visit, *, status: int = 200, **context: Any) -> Response:
        next_path = local_path(visit.request.query_params.get("next"))
        defaults: dict[str, Any] = {"email": "", "error": "", "code_needed": False, "next_path": next_path}
        return pages.render(visit, "account_sign_in.html", status=status, **(defaults | context))

    async def sign_in_form(visit: Visit) -> Response:
        return sign_in_page(visit)

    async def sign_in(visit: Visit, form: Form) -> Response:
        values, problem = _take(form, "email", "password", "code")
        target = local_path(form.get("next"))
        status, code_needed = 400, False
        if not problem:
            try:
                signed = await run_in_threadpool(
                    accounts.sign_in,
                    values["email"],
                    values["password"],
                    code=values["code"],
                    client=visit.client,
                    user_agent=visit.user_agent,
                )
            except SignInThrottled as exc:
                problem, status = str(exc), 429
            except AccountError as exc:
                problem, code_needed = str(exc), isinstance(exc, CodeRequired) or str(exc) == WRONG_CODE
            else:
                return await start_session(visit, signed.session_token, target)
        return sign_in_page(
            visit,
            status=status,
            email=values["email"],
            next_path=target,
            error=problem,
            code_needed=code_needed,
        )

    async def sign_out(visit: Visit, _form: Form) -> Response:
        await run_in_threadpool(accounts.sign_out, visit.token)
        return pages.redirect(visit, "/", signed_out=True)

    # The account page: the password and two-factor forms, and the apps signed in

    async def account_page(visit: Visit, user: User, *, status: int = 200, **context: Any) -> Response:
        done = DONE.get(visit.request.query_params.get("done", ""), "") if status == 200 else ""
        apps = await run_in_threadpool(functools.partial(accounts.apps, user, limit=APPS_SHOWN))
        defaults: dict[str, Any] = {
            "done": done,
            "password_error": "",
            "two_factor_error": "",
            "apps_error": "",
        }
        return pages.render(
            visit, "account_page.html", status=status, user=user, apps=apps, **(defaults | context)
        )

    async def account(visit: Visit) -> Response:
        return to_sign_in(visit) if visit.user is None else await account_page(visit, visit.user)

    async def sign_out_app(visit: Visit, _form: Form) -> Response:
        """One of the reader's apps signed out by its handle; another reader's handle signs nothing out."""
        if visit.user is None:
            return to_sign_in(visit)
        handle = str(visit.request.path_params.get("handle", ""))
        if not await run_in_threadpool(accounts.revoke_app, visit.user, handle):
            return await account_page(visit, visit.user, status=404, apps_error=APP_GONE)
        return pages.redirect(visit, HOME + "?done=app")

    async def change_password(visit: Visit, form: Form) -> Response:
        if visit.user is None:
            return to_sign_in(visit)
        values, problem = _take(form, "current", "new", "repeat", twice=("new", "repeat"))
        if not problem:
            _, problem = await _attempt(
                accounts.change_password, visit.user, values["current"], values["new"], keep_token=visit.token
            )
            if not problem:
                return pages.redirect(visit, HOME + "?done=password")
        return await account_page(visit, visit.user, status=400, password_error=problem)

    async def two_factor_off(visit: Visit, form: Form) -> Response:
        if visit.user is None:
            return to_sign_in(visit)
        values, problem = _take(form, "password")
        if not problem:
            _, problem = await _attempt(accounts.disable_two_factor, visit.user, values["password"])
            if not problem:
                return pages.redirect(visit, HOME + "?done=two-factor-off")
        return await account_page(visit, visit.user, status=400, two_factor_error=problem)

    # Turning two-factor sign-in on

    async def setup_page(visit: Visit, user: User, *, status: int = 200, error: str = "") -> Response:
        """A new secret and its QR code; the secret comes back to us inside a signed, expiring token bound to
        this account, so nothing the browser returns is trusted as a secret of its own."""
        setup = await run_in_threadpool(accounts.begin_two_factor, user)
        token = accounts.tokens.make(SETUP_PURPOSE, {"secret": setup.secret, "user": user.id})
        return pages.render(
            visit,
            "account_two_factor.html",
            status=status,
            qr=setup.qr_svg,
            secret=setup.secret,
            setup_token=token,
            error=error,
        )

    async def two_factor(visit: Visit) -> Response:
        if visit.user is None:
            return to_sign_in(visit)
        return pages.redirect(visit, HOME) if visit.user.totp_enabled else await setup_page(visit, visit.user)

    async def two_factor_on(visit: Visit, form: Form) -> Response:
        user = visit.user
        if user is None or user.totp_enabled:
            return to_sign_in(visit) if user is None else pages.redirect(visit, HOME)
        values, problem = _take(form, "code", "setup")
        data = accounts.tokens.read(SETUP_PURPOSE, values["setup"], max_age_seconds=SETUP_SECONDS)
        secret = data.get("secret") if data is not None and data.get("user") == user.id else None
        if not isinstance(secret, str):
            return await setup_page(visit, user, status=400, error=SETUP_EXPIRED)
        if not problem:
            _, problem = await _attempt(accounts.enable_two_factor, user, secret, values["code"])
            if not problem:
                return pages.redirect(visit, HOME + "?done=two-factor-on")
        # The same secret again (the reader's app may hold it already): its text, no new QR code.
        return pages.render(
            visit,
            "account_two_factor.html",
            status=400,
            qr=None,
            secret=secret,
            setup_token=values["setup"],
            error=problem,
        )

    # Signing up: asking for a link, then the link

    def sign_up_page(visit: Visit, *, status: int = 200, email: str = "", error: str = "") -> Response:
        if not web.settings.signup_by_email:
            return pages.message(visit, N_("Sign up"), SIGN_UP_CLOSED)
        return pages.render(visit, "account_sign_up.html", status=status, email=email, error=error)

    async def sign_up_form(visit: Visit) -> Response:
        return sign_up_page(visit)

    async def sign_up(visit: Visit, form: Form) -> Response:
        if not web.settings.signup_by_email:
            return sign_up_page(visit)
        values, problem = _take(form, "email")
        if not problem:
            # A bad address, or the mail server failing: either says nothing about whether an account exists,
            # since a mail goes to every valid address.
            message, problem = await _attempt(
                functools.partial(accounts.request_sign_up, client=visit.client), values["email"]
            )
            if not problem:
                return pages.message(visit, N_("Check your inbox"), message)
        return sign_up_page(visit, status=400, email=values["email"], error=problem)

    def welcome_page(
        visit: Visit, email: str, *, status: int = 200, name: str = "", error: str = ""
    ) -> Response:
        return pages.render(visit, "account_welcome.html", status=status, email=email, name=name, error=error)

    async def welcome_email(visit: Visit) -> str | None:
        token = _link_token(visit)
        return None if token is None else await run_in_threadpool(accounts.welcome_email, token)

    async def welcome_form(visit: Visit) -> Response:
        email = await welcome_email(visit)
        return bad_link(visit) if email is None else welcome_page(visit, email)

    async def welcome(visit: Visit, form: Form) -> Response:
        token = _link_token(visit)
        email = await welcome_email(visit)
        if email is None or token is None:
            return bad_link(visit)
        values, problem = _take(form, "name", "password", "repeat", twice=("password", "repeat"))
        if not problem:
            signed, problem = await _attempt(
                accounts.complete_sign_up,
                token,
                values["name"],
                values["password"],
                user_agent=visit.user_agent,
            )
            if signed is not None:
                return await start_session(visit, signed.session_token, HOME + "?done=welcome")
            if problem == BAD_LINK:
                return bad_link(visit)
        return welcome_page(visit, email, status=400, name=values["name"], error=problem)

    # Forgotten passwords: asking for a link, then the link

    def reset_page(visit: Visit, *, status: int = 200, email: str = "", error: str = "") -> Response:
        return pages.render(visit, "account_reset.html", status=status, email=email, error=error)

    async def reset_form(visit: Visit) -> Response:
        return reset_page(visit)

    async def request_reset(visit: Visit, form: Form) -> Response:
        values, problem = _take(form, "email")
        if not problem:
            _, problem = await _attempt(
                functools.partial(accounts.request_reset, client=visit.client), values["email"]
            )
            # Mail goes only to an address with an account, so a failure to send must look like success or it
            # would tell the asker that the address has one (the log tells the operator).
            if problem != BAD_EMAIL:
                return pages.message(visit, N_("Check your inbox"), CHECK_INBOX)
        return reset_page(visit, status=400, email=values["email"], error=problem)

    async def reset_user(visit: Visit) -> User | None:
        token = _link_token(visit)
        return None if token is None else await run_in_threadpool(accounts.reset_user, token)

    def new_password_page(visit: Visit, user: User, *, status: int = 200, error: str = "") -> Response:
        return pages.render(visit, "account_new_password.html", status=status, email=user.email, error=error)

    async def new_password_form(visit: Visit) -> Response:
        user = await reset_user(visit)
        return bad_link(visit) if user is None else new_password_page(visit, user)

    async def new_password(visit: Visit, form: Form) -> Response:
        user = await reset_user(visit)
        if user is None:
            return bad_link(visit)
        values, problem = _take(form, "new", "repeat", twice=("new", "repeat"))
        if not problem:
            _, problem = await _attempt(accounts.reset_password, _link_token(visit), values["new"])
            if not problem:
                # the reset ended every session of the account, this browser's too if it had one
                mine = visit.user is not None and visit.user.id == user.id
                return pages.message(
                    visit,
                    N_("Password changed"),
                    PASSWORD_CHANGED,
                    link=("/account/sign-in", N_("Sign in")),
                    signed_out=mine,
                )
            if problem == BAD_LINK:
                return bad_link(visit)
        return new_password_page(visit, user, status=400, error=problem)

    routes = APIRouter()
    shown: list[tuple[str, Show]] = [
        ("/account", account),
        ("/account/sign-in", sign_in_form),
        ("/account/two-factor", two_factor),
        ("/account/sign-up", sign_up_form),
        ("/account/welcome/{token}", welcome_form),
        ("/account/reset", reset_form),
        ("/account/reset/{token}", new_password_form),
    ]
    handled: list[tuple[str, Handle]] = [
        ("/account/sign-in", sign_in),
        ("/account/sign-out", sign_out),
        ("/account/password", change_password),
        ("/account/two-factor", two_factor_on),
        ("/account/two-factor/off", two_factor_off),
        ("/account/apps/{handle}/sign-out", sign_out_app),
        ("/account/sign-up", sign_up),
        ("/account/welcome/{token}", welcome),
        ("/account/reset", request_reset),
        ("/account/reset/{token}", new_password),
    ]
    for path, show in shown:
        routes.add_api_route(path, pages.get(show), methods=["GET"], include_in_schema=False)
    for path, handle in handled:
        routes.add_api_route(path, pages.post(handle), methods=["POST"], include_in_schema=False)
    return routes
