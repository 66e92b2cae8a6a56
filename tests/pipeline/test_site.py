"""The site as admins shape it: names and languages checked before they are kept, logos redrawn or refused,
only admins changing anything, and pages reading it through a short cache that survives a failing database."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from herald.config import Settings
from herald.models import SourceSpec, User
from herald.pipeline.site import (
    ADMINS_ONLY,
    BAD_NAME,
    IMAGE_TOO_BIG,
    LOGO_EMPTY,
    LOGO_PIXELS,
    LOGO_TOO_LARGE,
    MAX_LOGO_BYTES,
    NOT_AN_IMAGE,
    UNKNOWN_LANGUAGE,
    Site,
    SiteError,
    SiteLook,
    clean_site_name,
    normalise_logo,
)
from herald.store import Store
from tests.store.builders import save_article

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _user(role: str, *, banned: bool = False) -> User:
    return User(1, f"{role}@example.org", role.title(), role, T0, banned=banned)


@pytest.fixture
def admin(store: Store) -> User:
    """A real admin: the settings remember who changed them."""
    return store.users.create("boss@example.org", "Boss", "not-a-real-hash", role="admin")


def _picture(size: tuple[int, int], kind: str = "PNG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal" if mode != "1" else 0).save(out, format=kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("raw", "kept"),
    [("  The   Night Desk ", "The Night Desk"), ("Élan — nouvelles", "Élan — nouvelles"), ("A", "A")],
)
def test_names_are_tidied(raw: str, kept: str) -> None:
    assert clean_site_name(raw) == kept


@pytest.mark.parametrize(
    "raw", ["", "   ", "x" * 61, "Two\nlines", "Tab\there", "Null\x00", "Bidi\u202eevil"]
)
def test_names_that_would_break_a_title_are_refused(raw: str) -> None:
    with pytest.raises(SiteError, match=BAD_NAME):
        clean_site_name(raw)


@pytest.mark.parametrize(("kind", "mode"), [("PNG", "RGBA"), ("JPEG", "RGB"), ("GIF", "P"), ("WEBP", "RGB")])
def test_raster_logos_are_redrawn_as_small_pngs(kind: str, mode: str) -> None:
    media_type, data = normalise_logo(_picture((1200, 600), kind, mode))
    assert media_type == "image/png"
    with Image.open(io.BytesIO(data)) as kept:
        assert kept.format == "PNG" and kept.size == (LOGO_PIXELS, LOGO_PIXELS // 2)


def test_a_png_carrying_text_chunks_loses_them() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(out, format="PNG", pnginfo=info)
    _, data = normalise_logo(out.getvalue())
    assert b"<script>" not in data


def test_an_svg_logo_is_kept_as_sent() -> None:
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    assert normalise_logo(svg) == ("image/svg+xml", svg)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", LOGO_EMPTY),
        (b"x" * (MAX_LOGO_BYTES + 1), LOGO_TOO_LARGE),
        (b"GIF89a but not really", NOT_AN_IMAGE),
        (b"%PDF-1.7\n", NOT_AN_IMAGE),
        (b"<html><body>hello</body></html>", NOT_AN_IMAGE),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>", NOT_AN_IMAGE),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
            NOT_AN_IMAGE,
        ),
    ],
)
def test_what_is_not_a_usable_image_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(SiteError) as refused:
        normalise_logo(data)
    assert str(refused.value) == message


def test_a_picture_with_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    bomb = _picture((8000, 8000), "PNG", "1")  # a few KB on the wire, 64 million pixels once decoded
    assert len(bomb) < MAX_LOGO_BYTES
    with pytest.raises(SiteError, match=IMAGE_TOO_BIG):
        normalise_logo(bomb)


def test_the_configured_site_until_an_admin_changes_it(store: Store, admin: User) -> None:
    site = Site(Settings(site_name="Herald"), store)
    assert site.current() == SiteLook("Herald", (), None)
    look = site.save(admin, name=" The Desk ", languages=["fr", "en", "en", ""])
    assert look == SiteLook("The Desk", ("en", "fr"), None)
    digest = site.set_logo(admin, _picture((64, 64)))
    assert site.current().logo_digest == digest
    assert site.current().logo_path == f"/site/logo?v={digest[:16]}"
    assert site.remove_logo(admin) and site.current().logo_digest is None
    # Saving the configured name and no language goes back to following the configuration.
    assert site.save(admin, name="Herald", languages=[]) == SiteLook("Herald", (), None)
    assert store.site.settings() == {}


def test_only_admins_change_the_site_and_a_refusal_changes_nothing(store: Store, admin: User) -> None:
    site = Site(Settings(), store)
    for who in (_user("reader"), _user("moderator"), _user("admin", banned=True)):
        with pytest.raises(SiteError, match=ADMINS_ONLY):
            site.save(who, name="Mine", languages=[])
        with pytest.raises(SiteError, match=ADMINS_ONLY):
            site.set_logo(who, _picture((10, 10)))
        with pytest.raises(SiteError, match=ADMINS_ONLY):
            site.remove_logo(who)
    with pytest.raises(SiteError, match=UNKNOWN_LANGUAGE):
        site.save(admin, name="Changed", languages=["en", "xx"])
    with pytest.raises(SiteError, match=UNKNOWN_LANGUAGE):
        site.save(admin, name="Changed", languages=["en-GB"])
    with pytest.raises(SiteError, match=BAD_NAME):
        site.save(admin, name="", languages=["en"])
    assert store.site.settings() == {} and store.site.asset_digests() == {}


def test_languages_on_offer_are_the_articles_then_the_named_ones(store: Store, admin: User) -> None:
    source, _ = store.sources.add(SourceSpec("http://a.example/f"))
    for n, language in enumerate(["fr", "fr-CA", "tl", "en"], start=1):
        save_article(store, n, publisher_id=source.publisher_id, published=T0, language=language)
    site = Site(Settings(), store)
    choices = site.language_choices()
    assert [(c.code, c.articles) for c in choices[:3]] == [("fr", 2), ("en", 1), ("tl", 1)]
    assert choices[2].name == "tl"  # Herald has no name for it, but articles are in it: it can be chosen
    assert "de" in {c.code for c in choices} and not any(c.chosen for c in choices)
    site.save(admin, name="Herald", languages=["tl"])
    assert [c.code for c in site.language_choices() if c.chosen] == ["tl"]


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_pages_see_a_change_made_elsewhere_once_the_cache_runs_out(store: Store, admin: User) -> None:
    clock = _Clock()
    reader_site = Site(Settings(site_name="Herald"), store, cache_seconds=5, clock=clock)
    admin_site = Site(Settings(site_name="Herald"), store)  # another process, the same database
    assert reader_site.current().name == "Herald"
    admin_site.save(admin, name="Renamed", languages=[])
    assert reader_site.current().name == "Herald"
    clock.now += 5
    assert reader_site.current().name == "Renamed"


def test_a_failing_database_leaves_the_last_known_site(store: Store, admin: User) -> None:
    clock = _Clock()
    site = Site(Settings(site_name="Herald"), store, cache_seconds=1, clock=clock)
    site.save(admin, name="Known", languages=[])
    assert site.current().name == "Known"

    def broken() -> dict[str, object]:
        raise RuntimeError("database gone")

    store.site.settings = broken  # type: ignore[method-assign]
    clock.now += 2
    assert site.current().name == "Known"
    fresh = Site(Settings(site_name="Configured"), store)
    assert fresh.current() == SiteLook("Configured", (), None)


def test_mail_and_authenticator_apps_use_the_saved_name(store: Store, admin: User) -> None:
    from herald.pipeline.accounts import Accounts

    accounts = Accounts(Settings(site_name="Herald"), store, "k" * 48)
    assert accounts.site_name == "Herald"
    Site(Settings(site_name="Herald"), store).save(admin, name="The Desk", languages=[])
    assert accounts.site_name == "The Desk"
    assert "issuer=The%20Desk" in accounts.begin_two_factor(admin).uri
