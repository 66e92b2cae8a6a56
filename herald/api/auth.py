"""Apps sign readers in with a bearer token, and the reader's account through it: who they are, their
signed-in apps, and their password.

The API reads no cookie at all: a browser's session cookie is never sent as a bearer token by another site,
so nothing here can be forged across sites and no CSRF token is needed. Tokens come from the accounts
service, which checks and throttles an app's sign-in exactly as the site's form, and keeps an app's token
apart from a browser's: each works only where it was issued.
"""

# No `from __future__ import annotations` in the API's reader modules: FastAPI reads the endpoints'
# annotations at run time, and the dependencies they name are made inside each router's factory.

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from herald.api.articles import PREFIX
from herald.api.bodies import LimitedRoute
from herald.api.paging import PageQuery
from herald.api.problems import problem, problem_responses
from herald.api.reader_schemas import AppOut, AppsOut, PasswordIn, TokenIn, TokenOut, UserOut
from herald.errors import AccountError, CodeRequired, SignInThrottled
from herald.models import User
from herald.pipeline.accounts import (
    BAD_APP_NAME,
    SUSPENDED,
    THROTTLE_WINDOW,
    WRONG_CODE,
    Accounts,
)
from herald.store.users import session_handle

PERSONAL = "private, no-store"  # about one reader: no cache, shared or not, keeps it
SCHEME = "bearer"
MISSING_TOKEN = "Sign in first: send the app's token as “Authorization: Bearer <token>”."
BAD_TOKEN = (
    "That token does not work any more: it was signed out, it expired or the account is suspended. "
    "Sign in again."
)
NO_SUCH_APP = "None of your apps is signed in under that handle; GET /api/v1/me/apps lists them."

bearer = HTTPBearer(
    auto_error=False,  # a missing token is answered by the dependencies below, as problem+json
    scheme_name=SCHEME,
    bearerFormat="opaque",
    description="An app's token from POST /api/v1/tokens. A browser's session cookie is not one.",
)
_Credentials = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]


@dataclass(frozen=True, slots=True)
class Reader:
    """The reader a request's token signs in, and that token (to sign this app out, or keep it signed in
    when the password changes)."""

    user: User
    token: str


def unauthorized(detail: str, *, invalid: bool = False) -> HTTPException:
    challenge = 'Bearer error="invalid_token"' if invalid else "Bearer"
    return HTTPException(401, detail, headers={"WWW-Authenticate": challenge})


def private(response: Response) -> None:
    response.headers["Cache-Control"] = PERSONAL


def no_content() -> Response:
    return Response(status_code=204, headers={"Cache-Control": PERSONAL})


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


@dataclass(frozen=True, slots=True)
class Auth:
    """The two ways an endpoint asks who is reading: ``required`` (401 without a working token) and
    ``optional`` (None without any token; a token sent that does not work is still a 401, so an app whose
    reader was signed out hears it rather than seeing the public page)."""

    required: Callable[..., Reader]
    optional: Callable[..., Reader | None]


def authenticate(accounts: Accounts) -> Auth:
    def required(credentials: _Credentials) -> Reader:
        token = credentials.credentials if credentials is not None else ""
        if not token:
            raise unauthorized(MISSING_TOKEN)
        user = accounts.user_for_app_token(token)
        if user is None:
            raise unauthorized(BAD_TOKEN, invalid=True)
        return Reader(user, token)

    def optional(request: Request, credentials: _Credentials) -> Reader | None:
        if credentials is None and "authorization" not in request.headers:
            return None
        return required(credentials)

    return Auth(required, optional)


# OpenAPI: an endpoint that takes a token but needs none lists "no token" as a choice too.
OPTIONAL_SECURITY: dict[str, Any] = {"security": [{}]}


def create_account_api(accounts: Accounts, auth: Auth) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["account"], route_class=LimitedRoute)
    Signed = Annotated[Reader, Depends(auth.required)]

    @router.post(
        "/tokens",
        summary="Sign an app in",
        description=(
            "A bearer token for the reader's email address and password, and the 6-digit code when the "
            "account has two-factor sign-in: then, without a code (or with a wrong one), the answer is 401 "
            "with `code_required: true`. Attempts are limited as on the site; past the limit the answer is "
            "429 with Retry-After. `name` is what the reader's account page calls this app. The token "
            "works only as a bearer token, for 90 days or until signed out."
        ),
        status_code=201,
        response_model=TokenOut,
        responses=problem_responses(401, 403, 422, 429),
        operation_id="createToken",
    )
    def create_token(body: TokenIn, request: Request, response: Response) -> Any:
        try:
            signed = accounts.sign_in_app(
                body.email,
                body.password,
                code=body.code,
                label=body.name,
                client=client_of(request),
                user_agent=request.headers.get("user-agent", "")[:200],
            )
        except SignInThrottled as exc:
            retry = str(int(THROTTLE_WINDOW.total_seconds()))
            return problem(429, str(exc), headers={"Retry-After": retry})
        except AccountError as exc:
            return _sign_in_refused(exc)
        private(response)
        return TokenOut(
            token=signed.session_token, expires_at=signed.expires_at, user=UserOut.of(signed.user)
        )

    @router.delete(
        "/tokens/current",
        summary="Sign this app out",
        description="Ends the session of the token sent: it no longer works anywhere.",
        status_code=204,
        response_class=Response,
        responses=problem_responses(401),
        operation_id="deleteCurrentToken",
    )
    def sign_out(reader: Signed) -> Response:
        accounts.sign_out_app(reader.token)
        return no_content()

    @router.get(
        "/me",
        summary="The signed-in reader",
        response_model=UserOut,
        responses=problem_responses(401),
        operation_id="getMe",
    )
    def me(reader: Signed, response: Response) -> UserOut:
        private(response)
        return UserOut.of(reader.user)

    @router.get(
        "/me/apps",
        summary="The reader's signed-in apps",
        description="Each app session, newest first, as the account page lists them under “Apps signed in”.",
        response_model=AppsOut,
        responses=problem_responses(401),
        operation_id="listApps",
    )
    def apps(reader: Signed, paging: PageQuery, response: Response) -> AppsOut:
        shown, cursor = paging.page(
            lambda limit, offset: accounts.apps(reader.user, limit=limit, offset=offset)
        )
        current = session_handle(reader.token)
        private(response)
        return AppsOut(items=[AppOut.of(app, current) for app in shown], next_cursor=cursor)

    @router.delete(
        "/me/apps/{handle}",
        summary="Sign one of the reader's apps out",
        status_code=204,
        response_class=Response,
        responses=problem_responses(401, 404),
        operation_id="deleteApp",
    )
    def revoke(
        reader: Signed,
        handle: Annotated[str, Path(max_length=64, description="The app's `handle` from GET /me/apps.")],
    ) -> Response:
        if not accounts.revoke_app(reader.user, handle):
            raise HTTPException(404, NO_SUCH_APP)
        return no_content()

    @router.post(
        "/me/password",
        summary="Change the reader's password",
        description=(
            "With the current password. Every other session of the account ends, the site's browsers and "
            "other apps alike; this app stays signed in."
        ),
        status_code=204,
        response_class=Response,
        responses=problem_responses(400, 401, 422),
        operation_id="changePassword",
    )
    def change_password(reader: Signed, body: PasswordIn) -> Response:
        try:
            accounts.change_password(reader.user, body.current, body.new, keep_token=reader.token)
        except AccountError as exc:
            raise HTTPException(400, str(exc)) from exc
        return no_content()

    return router


def _sign_in_refused(exc: AccountError) -> Response:
    """The sign-in's refusal with the site's sentence: 401 (and whether a code is what is missing) for
    anything the reader can put right by typing, 403 for a suspended account, 422 for the app's name."""
    message = str(exc)
    if message == SUSPENDED:
        return problem(403, message)
    if message == BAD_APP_NAME:
        return problem(422, message)
    needs_code = isinstance(exc, CodeRequired) or message == WRONG_CODE
    return problem(
        401, message, headers={"WWW-Authenticate": "Bearer"}, extensions={"code_required": needs_code}
    )
