"""The admins' pages: an index of what admins look after, the list of accounts with each one's role and ban,
and invitations (a welcome link the admin sends on privately, since the site may have no mail).

Only admins see them: anyone signed out is sent to sign in, anyone else gets a page saying the pages are not
theirs. Role changes go through the accounts service (which keeps the last admin), bans through the comments
service, so a ban from here is in the moderation log like one from the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from herald.models import ROLES, User
from herald.pipeline.accounts import INVITATION_DAYS, AccountError
from herald.pipeline.comments import MAX_REASON_CHARS
from herald.translation import N_
from herald.web.csrf import Csrf
from herald.web.pages.comments import comment_viewers, parse_id
from herald.web.pages.common import Web
from herald.web.viewers import Form, Handle, Visit

ADMIN = "/admin"
USERS = ADMIN + "/users"
PER_PAGE = 50
NOT_YOURS_TITLE = N_("Admins only")
NOT_YOURS = N_("Only admins can see this page.")
NO_SUCH_ACCOUNT = N_("That account does not exist.")
BAD_ROLE = "Choose one of the roles: " + ", ".join(ROLES) + "."
HAS_ACCOUNT = N_("That address already has an account.")
DONE = {
    "role": N_("The role is changed."),
    "ban": N_("The account is banned and signed out everywhere; the ban is in the moderation log."),
    "unban": N_("The ban is lifted: the account can sign in and comment again."),
}


def _page_number(value: str | None) -> int:
    """The page asked for; anything that is not a page number is the first page."""
    return parse_id(value) or 1


def router(web: Web, csrf: Csrf) -> APIRouter:
    viewers = comment_viewers(web, csrf)
    accounts, comments = web.accounts, web.comments

    def admin(visit: Visit, back: str) -> User | Response:
        """The signed-in admin, or the answer for anyone else: sign in first (then back to ``back``), or
        "not yours"."""
        if visit.user is None:
            return viewers.to_sign_in(visit, back)
        if not visit.user.is_admin or visit.user.banned:
            return viewers.message(visit, NOT_YOURS_TITLE, NOT_YOURS, status=403)
        return visit.user

    def refused(visit: Visit, text: str, status: int = 400) -> Response:
        return viewers.message(
            visit, N_("That did not work"), text, status=status, link=(USERS, N_("Back to the accounts"))
        )

    async def index_page(request: Request) -> Response:
        visit = await viewers.visit(request)
        who = admin(visit, ADMIN)
        if isinstance(who, Response):
            return who
        return viewers.render(visit, "admin.html")

    async def users_page(request: Request) -> Response:
        visit = await viewers.visit(request)
        who = admin(visit, USERS)
        if isinstance(who, Response):
            return who
        page = _page_number(request.query_params.get("page"))

        def look() -> tuple[list[User], int]:
            return web.store.users.list(limit=PER_PAGE, offset=(page - 1) * PER_PAGE), web.store.users.count()

        accounts_shown, total = await run_in_threadpool(look)
        last_page = max(1, -(-total // PER_PAGE))
        return viewers.render(
            visit,
            "admin_users.html",
            accounts=accounts_shown,
            total=total,
            page=page,
            last_page=last_page,
            roles=ROLES,
            done=DONE.get(request.query_params.get("done", ""), ""),
            max_reason=MAX_REASON_CHARS,
        )

    async def act(visit: Visit, work: Callable[[User, User], Any], done: str) -> Response:
        """Run an admin's action on the account the path names, in a worker thread, then back to the list
        saying what was done; a refusal gets a page saying why."""
        who = admin(visit, USERS)
        if isinstance(who, Response):
            return who
        user_id = parse_id(visit.request.path_params.get("user_id"))
        target = None if user_id is None else await run_in_threadpool(web.store.users.get, user_id)
        if target is None:
            return refused(visit, NO_SUCH_ACCOUNT, status=404)
        try:
            await run_in_threadpool(work, who, target)
        except AccountError as exc:  # the comments service's refusals are account errors too
            return refused(visit, str(exc))
        return viewers.redirect(visit, f"{USERS}?done={done}")

    async def change_role(visit: Visit, form: Form) -> Response:
        role = form.get("role", "")
        if role not in ROLES:
            return refused(visit, BAD_ROLE)
        return await act(visit, lambda _who, target: accounts.set_role(target.email, role), "role")

    def banning(banned: bool) -> Handle:
        async def handle(visit: Visit, form: Form) -> Response:
            reason = form.get("reason", "")
            return await act(
                visit,
                lambda who, target: comments.ban(who, target.id, banned=banned, reason=reason),
                "ban" if banned else "unban",
            )

        return handle

    async def invite(visit: Visit, form: Form) -> Response:
        who = admin(visit, USERS)
        if isinstance(who, Response):
            return who
        email, role = form.get("email", ""), form.get("role", "reader")
        if role not in ROLES:
            return refused(visit, BAD_ROLE)

        def make() -> str | None:
            """The link, or None when the address has an account already (its welcome link would not open)."""
            link = accounts.welcome_link(email, role)
            return link if accounts.welcome_email(link.rsplit("/", 1)[-1]) is not None else None

        try:
            link = await run_in_threadpool(make)
        except AccountError as exc:
            return refused(visit, str(exc))
        if link is None:
            return refused(visit, HAS_ACCOUNT)
        return viewers.render(
            visit, "admin_invitation.html", link=link, email=email.strip(), role=role, days=INVITATION_DAYS
        )

    routes = APIRouter()
    routes.add_api_route(ADMIN, index_page, methods=["GET"], include_in_schema=False)
    routes.add_api_route(USERS, users_page, methods=["GET"], include_in_schema=False)
    for path, handle in (
        (USERS + "/{user_id}/role", change_role),
        (USERS + "/{user_id}/ban", banning(True)),
        (USERS + "/{user_id}/unban", banning(False)),
        (ADMIN + "/invitations", invite),
    ):
        routes.add_api_route(path, viewers.post(handle), methods=["POST"], include_in_schema=False)
    return routes
