"""The site's settings for admins (its name, its logo, the languages its listings keep) and the uploaded logo
itself, served to everyone.

The logo is served from the database with its digest in the address, so browsers keep it for a year and a new
upload is a new address. An SVG logo is sent under a policy that runs no script and loads nothing, should
someone open it on its own.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from herald.models import User
from herald.pipeline.site import LOGO_TOO_LARGE, MAX_LOGO_BYTES, MAX_NAME_CHARS, SiteError
from herald.translation import N_
from herald.web.csrf import Csrf, FormRefused
from herald.web.pages.comments import comment_viewers
from herald.web.pages.common import Web
from herald.web.viewers import Form, Visit

SETTINGS_PATH = "/admin/site"
LOGO_PATH = "/site/logo"
NOT_YOURS_TITLE = N_("Admins only")
NOT_YOURS = N_("Only admins can see this page.")
LANGUAGE_FIELD = "languages"
MAX_LANGUAGE_FIELDS = 400  # one checkbox a language: far more than any site offers
DONE = {
    "saved": N_("Saved. Every page shows the change within a minute."),
    "logo": N_("The new logo is in place."),
    "logo-removed": N_("The logo is removed: the site shows Herald's own again."),
}
LOGO_CACHE_VERSIONED = "public, max-age=31536000, immutable"
LOGO_CACHE_PLAIN = "public, max-age=300"
# An SVG opened on its own is a document: this keeps it from running script or loading anything.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def router(web: Web, csrf: Csrf) -> APIRouter:
    viewers = comment_viewers(web, csrf)
    site = web.site

    def admin(visit: Visit) -> User | Response:
        if visit.user is None:
            return viewers.to_sign_in(visit, SETTINGS_PATH)
        if not visit.user.is_admin or visit.user.banned:
            return viewers.message(visit, NOT_YOURS_TITLE, NOT_YOURS, status=403)
        return visit.user

    async def show(
        visit: Visit, *, problem: str = "", status: int = 200, name: str | None = None
    ) -> Response:
        look, choices = await run_in_threadpool(lambda: (site.current(), site.language_choices()))
        return viewers.render(
            visit,
            "admin_site.html",
            status=status,
            look=look,
            name=look.name if name is None else name,
            configured_name=web.settings.site_name,
            choices=choices,
            problem=problem,
            done=DONE.get(visit.request.query_params.get("done", ""), ""),
            max_name=MAX_NAME_CHARS,
            max_logo_mb=MAX_LOGO_BYTES // 2**20,
        )

    async def settings_page(request: Request) -> Response:
        visit = await viewers.visit(request)
        who = admin(visit)
        return who if isinstance(who, Response) else await show(visit)

    async def read(request: Request, visit: Visit) -> Form | Response:
        try:
            return await csrf.read_form(
                request, repeated=frozenset((LANGUAGE_FIELD,)), max_fields=MAX_LANGUAGE_FIELDS
            )
        except FormRefused as refused:
            return viewers.message(visit, refused.title, refused.message, status=refused.status)

    async def save(request: Request) -> Response:
        visit = await viewers.visit(request)
        form = await read(request, visit)
        if isinstance(form, Response):
            return form
        who = admin(visit)
        if isinstance(who, Response):
            return who
        name = form.get("name", "")
        codes = form.get(LANGUAGE_FIELD, "").split("\n")
        try:
            await run_in_threadpool(lambda: site.save(who, name=name, languages=codes))
        except SiteError as exc:
            return await show(visit, problem=str(exc), status=400, name=name)
        return viewers.redirect(visit, f"{SETTINGS_PATH}?done=saved")

    async def upload_logo(request: Request) -> Response:
        visit = await viewers.visit(request)
        try:
            _fields, data = await csrf.read_upload(request, file_field="logo", max_file_bytes=MAX_LOGO_BYTES)
        except FormRefused as refused:
            if refused.status == 413:
                return viewers.message(visit, N_("That did not work"), LOGO_TOO_LARGE, status=413)
            return viewers.message(visit, refused.title, refused.message, status=refused.status)
        who = admin(visit)
        if isinstance(who, Response):
            return who
        try:
            await run_in_threadpool(site.set_logo, who, data)
        except SiteError as exc:
            return await show(visit, problem=str(exc), status=400)
        return viewers.redirect(visit, f"{SETTINGS_PATH}?done=logo")

    async def remove_logo(visit: Visit, _form: Form) -> Response:
        who = admin(visit)
        if isinstance(who, Response):
            return who
        await run_in_threadpool(site.remove_logo, who)
        return viewers.redirect(visit, f"{SETTINGS_PATH}?done=logo-removed")

    async def logo(request: Request) -> Response:
        asset = await run_in_threadpool(site.logo)
        if asset is None:
            # No upload (or just removed): Herald's own logo, wherever an old page still points.
            return RedirectResponse(web.renderer.static_url("logo.svg"), status_code=302)
        etag = f'"{asset.digest[:32]}"'
        versioned = request.query_params.get("v") == asset.digest[:16]
        headers = {"ETag": etag, "Cache-Control": LOGO_CACHE_VERSIONED if versioned else LOGO_CACHE_PLAIN}
        if asset.media_type == "image/svg+xml":
            headers["Content-Security-Policy"] = SVG_POLICY
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(asset.data, media_type=asset.media_type, headers=headers)

    routes = APIRouter()
    routes.add_api_route(SETTINGS_PATH, settings_page, methods=["GET"], include_in_schema=False)
    routes.add_api_route(SETTINGS_PATH, save, methods=["POST"], include_in_schema=False)
    routes.add_api_route(SETTINGS_PATH + "/logo", upload_logo, methods=["POST"], include_in_schema=False)
    routes.add_api_route(
        SETTINGS_PATH + "/logo/remove", viewers.post(remove_logo), methods=["POST"], include_in_schema=False
    )
    routes.add_api_route(LOGO_PATH, logo, methods=["GET", "HEAD"], include_in_schema=False)
    return routes
