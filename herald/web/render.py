"""Jinja2 set up once: autoescaping everywhere, the time filters, and static URLs that carry a content hash
so browsers may cache them for a year."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse

from herald.config import Settings
from herald.pipeline.site import SiteLook
from herald.web.seo import article_time, http_url, language_tag
from herald.web.timefmt import calendar_date, exact_time, iso_time, relative_time

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
PAGE_CACHE = "public, max-age=60"


def section_path(name: str) -> str:
    return "/section/" + quote(name, safe="")


def entity_path(key: str) -> str:
    return "/entity/" + quote(key, safe="")


def counted(n: int, noun: str) -> str:
    """ "1 publisher", "4 publishers": the count and the noun, agreeing."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def hashtag(name: str) -> str:
    """ "Port Alder" as a hashtag: "#PortAlder"; a name with nothing left keeps its spaces."""
    joined = "".join(name.split())
    return "#" + (joined or name)


_KINDS = {
    "person": "Person",
    "per": "Person",
    "place": "Place",
    "location": "Place",
    "loc": "Place",
    "gpe": "Place",
    "organisation": "Organisation",
    "organization": "Organisation",
    "org": "Organisation",
}


def entity_kind(kind: str) -> str:
    """The kind of a named thing in words, whatever label the recogniser used."""
    return _KINDS.get(kind.lower(), kind.replace("_", " ").capitalize())


def _static_versions(root: Path) -> dict[str, str]:
    """A short content hash per static file: a changed file gets a new URL, so old copies never linger."""
    versions = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            versions[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return versions


class Renderer:
    def __init__(self, settings: Settings, site: Callable[[], SiteLook] | None = None) -> None:
        """``site`` gives the site's name and logo as its admins set them (read anew for each page, through
        the site's own short cache); without it, the configured name and Herald's logo."""
        self.settings = settings
        self._site = site or (lambda: SiteLook(settings.site_name, (), None))
        self._versions = _static_versions(STATIC_DIR)
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES_DIR),
            autoescape=True,  # every template, whatever its name: feed text is untrusted
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.env.filters.update(
            reltime=relative_time,
            exacttime=exact_time,
            isotime=iso_time,
            datename=calendar_date,
            http_url=http_url,
            lang=language_tag,
            article_time=article_time,
            section_path=section_path,
            entity_path=entity_path,
            counted=counted,
            hashtag=hashtag,
            entity_kind=entity_kind,
        )
        self.env.globals.update(static=self.static_url)

    def static_url(self, name: str) -> str:
        version = self._versions.get(name)
        return f"/static/{name}?v={version}" if version else f"/static/{name}"

    def render_text(self, template: str, **context: Any) -> str:
        context.setdefault("now", datetime.now(UTC))
        context.setdefault("nav_sections", [])
        context.setdefault("current", None)
        look = self._site()
        context.setdefault("site_name", look.name)
        context.setdefault("site_logo", look.logo_path or self.static_url("logo.svg"))
        return self.env.get_template(template).render(**context)

    def page(
        self, template: str, *, status: int = 200, cache: str = PAGE_CACHE, **context: Any
    ) -> HTMLResponse:
        return HTMLResponse(
            self.render_text(template, **context), status_code=status, headers={"Cache-Control": cache}
        )
