"""The site as its admins shape it: its name, its logo and the languages its pages list, saved over the
configured defaults.

Every value is checked before it is kept, and an uploaded logo is decoded and written out anew, so only the
pixels of whatever was sent reach readers. Pages read the site through a cache of a few seconds: a change
shows on every web process of every machine that quickly, and a page costs no query for it.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import time
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image, UnidentifiedImageError

from herald.ai.grounded import LANGUAGES
from herald.config import Settings
from herald.errors import HeraldError
from herald.models import User
from herald.store import SiteAsset, Store
from herald.translation import N_

log = logging.getLogger(__name__)

NAME_KEY = "name"
LANGUAGES_KEY = "languages"
LOGO = "logo"

MAX_NAME_CHARS = 60
MAX_LOGO_BYTES = 1024 * 1024
LOGO_PIXELS = 512  # shown at 36 px in the header; 512 stays sharp on any screen and as an app icon
MAX_SOURCE_PIXELS = 40_000_000  # a larger picture is refused before it is decoded
RASTER_FORMATS = frozenset(("PNG", "JPEG", "GIF", "WEBP"))
CACHE_SECONDS = 5.0

ADMINS_ONLY = N_("Only admins can change the site.")
BAD_NAME = f"Give the site a name of 1 to {MAX_NAME_CHARS} characters, without line breaks."
UNKNOWN_LANGUAGE = N_("Choose languages from the list.")
LOGO_TOO_LARGE = f"That file is larger than {MAX_LOGO_BYTES // 2**20} MB. Choose a smaller image."
LOGO_EMPTY = N_("Choose an image file to upload.")
NOT_AN_IMAGE = N_("That file is not an image Herald can use. Upload a PNG, JPEG, GIF, WebP or SVG file.")
IMAGE_TOO_BIG = N_(
    "That picture has too many pixels. Upload one of at most 4,000 by 4,000 pixels, or an SVG file."
)

_CODE = re.compile(r"^[a-z]{2,3}$")


class SiteError(HeraldError):
    """A change to the site that was refused; the message says why, for the admin."""


@dataclass(frozen=True, slots=True)
class SiteLook:
    """What every page needs to know about the site."""

    name: str
    languages: tuple[str, ...]  # primary language subtags the listings keep; () keeps every language
    logo_digest: str | None  # the uploaded logo's version; None shows Herald's own logo

    @property
    def logo_path(self) -> str | None:
        """The uploaded logo's address, carrying its version so browsers may keep it for a year."""
        return f"/site/logo?v={self.logo_digest[:16]}" if self.logo_digest else None


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    code: str
    name: str
    articles: int  # how many stored articles are in it
    chosen: bool


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code)


def clean_site_name(raw: str) -> str:
    """The name as it will show: spaces collapsed; refused when empty, too long or holding control
    characters (a line break in a page title or a mail subject is never intended)."""
    if any(unicodedata.category(c) == "Cc" for c in raw):
        raise SiteError(BAD_NAME)
    name = " ".join(raw.split())
    if (
        not name
        or len(name) > MAX_NAME_CHARS
        or any(unicodedata.category(c) in ("Cf", "Co", "Cs") for c in name)
    ):
        raise SiteError(BAD_NAME)
    return name


def normalise_logo(data: bytes) -> tuple[str, bytes]:
    """(media type, bytes) of the logo to keep: a raster image decoded and written anew as a PNG of at most
    LOGO_PIXELS a side, or an SVG that parses as one (it is served under a policy that runs nothing in it)."""
    if not data:
        raise SiteError(LOGO_EMPTY)
    if len(data) > MAX_LOGO_BYTES:
        raise SiteError(LOGO_TOO_LARGE)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return "image/svg+xml", _checked_svg(data)
    return "image/png", _redrawn(data)


def _checked_svg(data: bytes) -> bytes:
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise SiteError(NOT_AN_IMAGE) from exc
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        raise SiteError(NOT_AN_IMAGE)
    return data


def _redrawn(data: bytes) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in RASTER_FORMATS:
                    raise SiteError(NOT_AN_IMAGE)
                width, height = image.size
                if width * height > MAX_SOURCE_PIXELS:
                    raise SiteError(IMAGE_TOO_BIG)
                image.seek(0)  # an animated GIF or WebP keeps its first frame
                picture = image.convert("RGBA")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise SiteError(IMAGE_TOO_BIG) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise SiteError(NOT_AN_IMAGE) from exc
    picture.thumbnail((LOGO_PIXELS, LOGO_PIXELS), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def saved_site_name(settings: Settings, store: Store) -> str:
    """The site's name as admins saved it, else the configured one, read now: for the rare uses outside a
    page (mail, an authenticator app's label) that have no :class:`Site` at hand."""
    try:
        name = store.site.settings().get(NAME_KEY)
    except Exception:  # a mail still goes out under the configured name
        log.exception("could not read the site's name")
        name = None
    return name if isinstance(name, str) and name else settings.site_name


class Site:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        cache_seconds: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.store = store
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, SiteLook] | None = None

    # Reading ------------------------------------------------------------------------------------------

    def current(self) -> SiteLook:
        """The site now, at most CACHE_SECONDS old. A database that cannot be read leaves the last known
        look in place (or the configured one), so pages keep rendering."""
        now = self._clock()
        cached = self._cached
        if cached is not None and now - cached[0] < self._cache_seconds:
            return cached[1]
        with self._lock:
            cached = self._cached
            if cached is not None and now - cached[0] < self._cache_seconds:
                return cached[1]
            try:
                look = self._load()
            except Exception:  # an error page, above all, must still render
                log.exception("could not read the site's settings; showing the last known")
                look = cached[1] if cached is not None else SiteLook(self.settings.site_name, (), None)
            self._cached = (now, look)
            return look

    def _load(self) -> SiteLook:
        saved = self.store.site.settings()
        name = saved.get(NAME_KEY)
        languages = saved.get(LANGUAGES_KEY)
        return SiteLook(
            name=name if isinstance(name, str) and name else self.settings.site_name,
            languages=tuple(c for c in languages if isinstance(c, str))
            if isinstance(languages, list)
            else (),
            logo_digest=self.store.site.asset_digests().get(LOGO),
        )

    def forget_cache(self) -> None:
        with self._lock:
            self._cached = None

    def logo(self) -> SiteAsset | None:
        return self.store.site.asset(LOGO)

    def language_choices(self) -> list[LanguageChoice]:
        """The languages an admin may choose from: those of the stored articles, most first, then the others
        Herald can name; each with whether it is chosen now."""
        chosen = set(self.current().languages)
        counts = dict(self.store.articles.language_counts())
        codes = [code for code in counts if _CODE.match(code)]
        codes += sorted((c for c in LANGUAGES if c not in counts), key=language_name)
        codes += sorted(c for c in chosen if c not in codes)
        return [LanguageChoice(c, language_name(c), counts.get(c, 0), c in chosen) for c in codes]

    # Changing -----------------------------------------------------------------------------------------

    def _admin(self, user: User) -> None:
        if not user.is_admin or user.banned:
            raise SiteError(ADMINS_ONLY)

    def save(self, user: User, *, name: str, languages: Sequence[str]) -> SiteLook:
        """Keep the site's name and the languages its listings show (none shows every language). Both are
        checked before either is kept, so a refused change changes nothing."""
        self._admin(user)
        clean_name = clean_site_name(name)
        offered = {choice.code for choice in self.language_choices()}
        chosen = sorted(dict.fromkeys(code.strip().lower() for code in languages if code.strip()))
        if any(code not in offered or not _CODE.match(code) for code in chosen):
            raise SiteError(UNKNOWN_LANGUAGE)
        if clean_name == self.settings.site_name:
            self.store.site.forget(NAME_KEY)  # the configured name again: it follows the configuration
        else:
            self.store.site.put(NAME_KEY, clean_name, by_user_id=user.id)
        if chosen:
            self.store.site.put(LANGUAGES_KEY, chosen, by_user_id=user.id)
        else:
            self.store.site.forget(LANGUAGES_KEY)
        self.forget_cache()
        return self.current()

    def set_logo(self, user: User, data: bytes) -> str:
        self._admin(user)
        media_type, kept = normalise_logo(data)
        digest = self.store.site.put_asset(LOGO, media_type, kept)
        self.forget_cache()
        return digest

    def remove_logo(self, user: User) -> bool:
        self._admin(user)
        removed = self.store.site.delete_asset(LOGO)
        self.forget_cache()
        return removed
