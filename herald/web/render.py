"""Jinja2 set up once: autoescaping everywhere, the time filters, the interface's translations, and static
URLs that carry a content hash so browsers may cache them for a year.

One environment serves every language: each render carries its language's translations in its context, and
the gettext functions and the filters that speak read them from there."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from gettext import NullTranslations
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from starlette.responses import HTMLResponse

from herald.config import Settings
from herald.pipeline.site import SiteLook
from herald.translation import N_
from herald.web.language import DEFAULT_LANGUAGE, Catalogs
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
    """ "1 publisher", "4 publishers": the count and the noun, agreeing (in English: feeds, sitemaps)."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


# The nouns the pages count, with their plural forms for the catalogs; any other noun is counted in English.
_COUNTED = {
    "account": lambda t, n: t.ngettext("%(num)s account", "%(num)s accounts", n),
    "article": lambda t, n: t.ngettext("%(num)s article", "%(num)s articles", n),
    "comment": lambda t, n: t.ngettext("%(num)s comment", "%(num)s comments", n),
    "failure": lambda t, n: t.ngettext("%(num)s failure", "%(num)s failures", n),
    "feed": lambda t, n: t.ngettext("%(num)s feed", "%(num)s feeds", n),
    "minute": lambda t, n: t.ngettext("%(num)s minute", "%(num)s minutes", n),
    "new article": lambda t, n: t.ngettext("%(num)s new article", "%(num)s new articles", n),
    "own telling": lambda t, n: t.ngettext("%(num)s own telling", "%(num)s own tellings", n),
    "publisher": lambda t, n: t.ngettext("%(num)s publisher", "%(num)s publishers", n),
    "report": lambda t, n: t.ngettext("%(num)s report", "%(num)s reports", n),
    "reprint": lambda t, n: t.ngettext("%(num)s reprint", "%(num)s reprints", n),
    "result": lambda t, n: t.ngettext("%(num)s result", "%(num)s results", n),
    "source": lambda t, n: t.ngettext("%(num)s source", "%(num)s sources", n),
    "story": lambda t, n: t.ngettext("%(num)s story", "%(num)s stories", n),
}


def counted_in(translations: NullTranslations, language: str, n: int, noun: str) -> str:
    """ "1 article", "3 articles"; "1 article", "3 articles" in French too, with the number written the
    language's way ("1 234")."""
    phrase = _COUNTED.get(noun)
    if phrase is None:
        return counted(n, noun)
    return str(phrase(translations, n)) % {"num": format_decimal(n, locale=language)}


def hashtag(name: str) -> str:
    """ "Port Alder" as a hashtag: "#PortAlder"; a name with nothing left keeps its spaces."""
    joined = "".join(name.split())
    return "#" + (joined or name)


# The roles' names as the admin pages show them (herald.models.ROLES), for the catalogs.
ROLE_NAMES = (N_("reader"), N_("moderator"), N_("admin"))
_PERSON, _PLACE, _ORGANISATION = N_("Person"), N_("Place"), N_("Organisation")
_KINDS = {
    "person": _PERSON,
    "per": _PERSON,
    "place": _PLACE,
    "location": _PLACE,
    "loc": _PLACE,
    "gpe": _PLACE,
    "organisation": _ORGANISATION,
    "organization": _ORGANISATION,
    "org": _ORGANISATION,
}


def entity_kind(kind: str) -> str:
    """The kind of a named thing in words (English: the page translates it), whatever label the recogniser
    used."""
    return _KINDS.get(kind.lower(), kind.replace("_", " ").capitalize())


def _translations(context: Context) -> NullTranslations:
    found = context.get("ui_translations")
    return found if isinstance(found, NullTranslations) else NullTranslations()


def _language(context: Context) -> str:
    return str(context.get("ui_language") or DEFAULT_LANGUAGE)


# What the i18n extension's _(), gettext() and ngettext() call: the render's own translations.
@pass_context
def _gettext(context: Context, message: str) -> str:
    return _translations(context).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _translations(context).ngettext(singular, plural, n)


@pass_context
def _translated(context: Context, message: str) -> str:
    """A sentence the code wrote in English (a refusal, a "done" line), in the reader's language when the
    catalogs have it; as it is otherwise. Never formatted, so a % in it is only a % sign."""
    return _translations(context).gettext(message) if message else message


@pass_context
def _reltime(context: Context, when: datetime, now: datetime) -> str:
    return relative_time(when, now, _language(context), _translations(context).gettext)


@pass_context
def _exacttime(context: Context, when: datetime) -> str:
    return exact_time(when, _language(context))


@pass_context
def _datename(context: Context, when: datetime) -> str:
    return calendar_date(when, _language(context))


@pass_context
def _counted(context: Context, n: int, noun: str) -> str:
    return counted_in(_translations(context), _language(context), n, noun)


@pass_context
def _entity_kind(context: Context, kind: str) -> str:
    return _translations(context).gettext(entity_kind(kind))


@pass_context
def _number(context: Context, n: int) -> str:
    return format_decimal(n, locale=_language(context))


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
            extensions=["jinja2.ext.i18n"],
        )
        self.env.install_gettext_callables(  # type: ignore[attr-defined]
            _gettext, _ngettext, newstyle=True
        )
        self.env.filters.update(
            reltime=_reltime,
            exacttime=_exacttime,
            isotime=iso_time,
            datename=_datename,
            http_url=http_url,
            lang=language_tag,
            article_time=article_time,
            section_path=section_path,
            entity_path=entity_path,
            counted=_counted,
            hashtag=hashtag,
            entity_kind=_entity_kind,
            translated=_translated,
            number=_number,
        )
        self.env.globals.update(static=self.static_url)
        self.catalogs = Catalogs.load()
        self._language_names = {code: self.catalogs.name(code) for code in self.catalogs.languages}

    def translations(self, language: str) -> NullTranslations:
        return self.catalogs.get(language)

    def static_url(self, name: str) -> str:
        version = self._versions.get(name)
        return f"/static/{name}?v={version}" if version else f"/static/{name}"

    def render_text(self, template: str, *, language: str = DEFAULT_LANGUAGE, **context: Any) -> str:
        """The page in ``language`` (the request's: :func:`herald.web.language.language_of`)."""
        context["ui_language"] = language if language in self._language_names else DEFAULT_LANGUAGE
        context["ui_translations"] = self.catalogs.get(context["ui_language"])
        context["languages_offered"] = self._language_names
        context.setdefault("now", datetime.now(UTC))
        context.setdefault("nav_sections", [])
        context.setdefault("current", None)
        look = self._site()
        context.setdefault("site_name", look.name)
        context.setdefault("site_logo", look.logo_path or self.static_url("logo.svg"))
        return self.env.get_template(template).render(**context)

    def page(
        self,
        template: str,
        *,
        status: int = 200,
        cache: str = PAGE_CACHE,
        language: str = DEFAULT_LANGUAGE,
        **context: Any,
    ) -> HTMLResponse:
        return HTMLResponse(
            self.render_text(template, language=language, **context),
            status_code=status,
            headers={"Cache-Control": cache},
        )
