"""The site as an installable app: its manifest names the site as its admins named it and lists icons that
are PNGs of the sizes it says (made from an uploaded raster logo, else Herald's own mark); the service worker
is sent from the root with its settings written in; the offline page; the caching of each; and the marks by
which the worker finds articles, checked against the pages it reads them in."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from herald.config import Settings
from herald.pipeline.accounts import Accounts
from herald.pipeline.app_icons import HERALD_ICON_VERSION, herald_icon, logo_icon
from herald.pipeline.site import LOGO, NAME_KEY
from herald.store import Store
from herald.web import create_app
from herald.web.headers import CONTENT_SECURITY_POLICY
from herald.web.pages.app import WORKER_MARKS, short_name
from tests.web.conftest import add_stories, build_newsroom
from tests.web.signed_in import ADA, KEY, PASSWORD, browser_for
from tests.web.test_reading import bar, send

PAPER = (0xFB, 0xFA, 0xF6, 0xFF)
HERALD_RED = (0x9B, 0x1C, 0x1C, 0xFF)
WHITE = (0xFF, 0xFF, 0xFF, 0xFF)
SVG_LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


class App:
    """A site on a temporary SQLite file, with Ada's account, built anew after each change to the site's
    settings (a running site sees them within seconds; a test should not wait)."""

    def __init__(self, tmp_path: Path, database_url: str | None = None) -> None:
        self.store = Store(database_url or f"sqlite:///{tmp_path}/t.db")
        self.room = build_newsroom(self.store)
        add_stories(self.room)
        self.settings = Settings(data_dir=tmp_path, secret_key=KEY)
        self.accounts = Accounts(self.settings, self.store, KEY)
        self.accounts.create_user(ADA, "Ada", PASSWORD)

    def browser(self, email: str | None = None) -> TestClient:
        return browser_for(create_app(self.settings, self.store, accounts=self.accounts), email)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    built = App(tmp_path)
    try:
        yield built
    finally:
        built.store.close()


@pytest.fixture
def app_on_each_database(tmp_path: Path, database_url: str) -> Iterator[App]:
    """For what goes through the database's binary column: the uploaded logo."""
    built = App(tmp_path, database_url)
    try:
        yield built
    finally:
        built.store.close()


def _png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _picture(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "PNG"
    return picture.convert("RGBA")


def _at(picture: Image.Image, x: int, y: int) -> tuple[int, ...]:
    """The RGBA value of one pixel."""
    pixel = picture.getpixel((x, y))
    assert isinstance(pixel, tuple)
    return pixel


def _manifest(client: TestClient) -> dict[str, Any]:
    answer = client.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/manifest+json"
    assert answer.headers["cache-control"] == "public, max-age=300"
    manifest: dict[str, Any] = answer.json()
    return manifest


def _icon(client: TestClient, manifest: dict[str, Any], purpose: str, size: int) -> Image.Image:
    """The manifest's icon of that purpose and size, fetched, checked to be the PNG it claims to be."""
    [entry] = [i for i in manifest["icons"] if i["purpose"] == purpose and i["sizes"] == f"{size}x{size}"]
    assert entry["type"] == "image/png"
    answer = client.get(entry["src"])
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"  # versioned address
    picture = _picture(answer.content)
    assert picture.size == (size, size)
    return picture


def _worker_config(client: TestClient) -> dict[str, Any]:
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    found = re.search(r"^var CONFIG = (.*); // herald:config$", answer.text, re.MULTILINE)
    assert found, "the worker has no settings line"
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def ids_after(html: str, mark: str) -> list[str]:
    """What sw.js's idsAfter finds: the article ids following each occurrence of the mark, once each."""
    found: list[str] = []
    for match in re.finditer(re.escape(mark) + "([0-9a-f]{32})", html):
        if match.group(1) not in found:
            found.append(match.group(1))
    return found


# The manifest


def test_the_manifest_makes_the_site_an_app_with_its_icons(app: App) -> None:
    client = app.browser()
    manifest = _manifest(client)
    assert manifest["name"] == manifest["short_name"] == "Herald"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    # the light theme of herald.css, as base.html's light theme-color says
    css = Path("herald/web/static/herald.css").read_text(encoding="utf-8")
    assert "--bg: #fbfaf6;" in css
    assert manifest["theme_color"] == manifest["background_color"] == "#fbfaf6"
    assert '<meta name="theme-color" content="#fbfaf6" media="(prefers-color-scheme: light)">' in (
        client.get("/").text
    )
    for purpose in ("any", "maskable"):
        for size in (192, 512):
            _icon(client, manifest, purpose, size)
    for shortcut in manifest["shortcuts"]:
        assert shortcut["url"].startswith("/")
        assert client.get(shortcut["icons"][0]["src"]).status_code == 200


def test_the_app_takes_the_name_the_admins_gave_the_site(app: App) -> None:
    app.store.site.put(NAME_KEY, "The Harbour Evening Gazette", by_user_id=None)
    manifest = _manifest(app.browser())
    assert manifest["name"] == "The Harbour Evening Gazette"
    assert manifest["short_name"] == "The Harbour"
    assert manifest["description"].startswith("The Harbour Evening Gazette: ")


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Herald", "Herald"),
        ("Harbour Desk", "Harbour Desk"),  # twelve characters: all of it
        ("The Harbour Evening Gazette", "The Harbour"),
        ("Nachrichtenübersicht Nord", "Nachrichtenü"),  # a first word too long is cut
    ],
)
def test_the_short_name_fits_under_an_icon(name: str, short: str) -> None:
    assert short_name(name) == short


# The icons


def test_herald_draws_its_own_icons_when_no_logo_is_uploaded(app: App) -> None:
    client = app.browser()
    manifest = _manifest(client)
    assert all(icon["src"].endswith(f"?v={HERALD_ICON_VERSION}") for icon in manifest["icons"])
    rounded = _icon(client, manifest, "any", 512)
    assert _at(rounded, 0, 0)[3] == 0  # the rounded corner is transparent
    assert _at(rounded, 20, 256) == HERALD_RED
    assert _at(rounded, 256, 254) == WHITE  # the H's crossbar, as in logo.svg
    maskable = _icon(client, manifest, "maskable", 512)
    assert _at(maskable, 0, 0) == HERALD_RED  # fills its square: a launcher cuts it to shape
    assert _at(maskable, 256, 254) == WHITE
    # the mark keeps inside the circle every launcher shows (80 % of the width)
    data = maskable.tobytes()  # RGBA, row by row
    marked = [
        (i % 512, i // 512)
        for i in range(512 * 512)
        if max(abs(data[4 * i + c] - HERALD_RED[c]) for c in range(4)) > 8
    ]
    assert marked and all((x - 255.5) ** 2 + (y - 255.5) ** 2 <= (0.4 * 512) ** 2 for x, y in marked)
    apple = _picture(client.get("/apple-touch-icon.png").content)
    assert apple.size == (180, 180) and _at(apple, 0, 0) == HERALD_RED  # opaque for iOS


def test_the_icons_are_made_from_an_uploaded_logo(app_on_each_database: App) -> None:
    app = app_on_each_database
    logo = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    logo.paste((20, 40, 120, 255), (20, 10, 180, 90))  # a navy mark on a transparent background
    digest = app.store.site.put_asset(LOGO, "image/png", _png(logo))
    client = app.browser()
    manifest = _manifest(client)
    assert all(icon["src"].endswith(f"?v={digest[:16]}") for icon in manifest["icons"])
    plain = _icon(client, manifest, "any", 512)
    assert _at(plain, 256, 256) == (20, 40, 120, 255)
    assert _at(plain, 0, 0)[3] == 0  # the logo's own transparency stays
    maskable = _icon(client, manifest, "maskable", 512)
    assert _at(maskable, 256, 256) == (20, 40, 120, 255)
    assert _at(maskable, 0, 0) == PAPER  # filled with the page's colour
    assert _at(maskable, 60, 256) == PAPER  # the logo stays in the safe circle


def test_a_logo_with_its_own_background_fills_the_maskable_icon_with_it() -> None:
    logo = _png(Image.new("RGB", (120, 120), (200, 30, 60)))
    maskable = _picture(logo_icon(logo, 192, "maskable"))
    assert _at(maskable, 0, 0) == _at(maskable, 96, 96) == (200, 30, 60, 255)


def test_an_svg_logo_leaves_the_icons_to_herald(app: App) -> None:
    digest = app.store.site.put_asset(LOGO, "image/svg+xml", SVG_LOGO)
    client = app.browser()
    manifest = _manifest(client)
    assert all(icon["src"].endswith(f"?v={digest[:16]}") for icon in manifest["icons"])
    icon = _icon(client, manifest, "any", 192)
    assert _png(icon) == _png(_picture(herald_icon(192, "any")))


def test_icons_are_kept_a_year_only_at_their_current_version(app: App) -> None:
    client = app.browser()
    current = client.get(f"/app/icons/icon-192.png?v={HERALD_ICON_VERSION}")
    assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
    for address in ("/app/icons/icon-192.png", "/app/icons/icon-192.png?v=0123456789abcdef"):
        answer = client.get(address)
        assert answer.status_code == 200 and answer.content == current.content
        assert answer.headers["cache-control"] == "public, max-age=300"
    assert client.get("/apple-touch-icon.png").headers["cache-control"] == "public, max-age=300"
    assert client.get("/app/icons/favicon-64.png").status_code == 404


# The service worker and the offline page


def test_the_worker_is_sent_from_the_root_to_control_the_whole_site(app: App) -> None:
    client = app.browser()
    answer = client.get("/sw.js")
    assert answer.headers["content-type"] == "text/javascript; charset=utf-8"
    assert answer.headers["service-worker-allowed"] == "/"
    assert answer.headers["cache-control"] == "no-cache"
    # the policy lets the site's own worker and manifest load: worker-src and manifest-src fall back to it
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY and "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "worker-src" not in CONTENT_SECURITY_POLICY and "manifest-src" not in CONTENT_SECURITY_POLICY
    config = _worker_config(client)
    assert config["marks"] == WORKER_MARKS
    assert config["offline"] == "/offline"
    shell = config["shell"]
    assert "/offline" in shell
    home = client.get("/").text
    # every script and the stylesheet the pages load is in the shell, at the version the pages ask for
    for address in re.findall(r'(?:src|href)="(/static/[^"]+)"', home):
        assert address in shell
    assert not [a for a in shell if a.startswith("/static/sw.js")]
    for address in shell:
        assert client.get(address).status_code == 200, address


def test_the_worker_changes_with_the_site_it_keeps(app: App) -> None:
    before = _worker_config(app.browser())
    app.store.site.put(NAME_KEY, "Harbour Desk", by_user_id=None)
    renamed = _worker_config(app.browser())
    assert renamed["version"] != before["version"]  # its offline page shows the new name
    digest = app.store.site.put_asset(LOGO, "image/png", _png(Image.new("RGB", (64, 64), "navy")))
    with_logo = _worker_config(app.browser())
    assert with_logo["version"] not in (before["version"], renamed["version"])
    assert f"/site/logo?v={digest[:16]}" in with_logo["shell"]
    assert f"/app/icons/icon-512.png?v={digest[:16]}" in with_logo["shell"]


def test_the_offline_page(app: App) -> None:
    answer = app.browser().get("/offline")
    assert answer.status_code == 200
    html = answer.text
    assert "<h1>You are offline</h1>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "data-offline" in html and 'data-offline-group="saved"' in html
    assert re.search(r'<script src="/static/app\.js\?v=[0-9a-f]+" defer>', html)
    assert "masthead-date" not in html  # kept for days: no date that would go stale


def test_every_page_offers_the_app(app: App) -> None:
    client = app.browser()
    for path in ("/", f"/article/{app.room.articles[0]}", "/sources"):
        html = client.get(path).text
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        assert '<link rel="apple-touch-icon" href="/apple-touch-icon.png">' in html
        assert re.search(r'<script src="/static/app\.js\?v=[0-9a-f]+" defer>', html)
        assert '<summary class="app-get-button">Get the app</summary>' in html
        assert "tap Share, then Add to Home Screen" in html


# What the worker reads in the pages it passes on


def test_the_worker_finds_the_top_stories_in_the_front_page(app: App) -> None:
    html = app.browser().get("/").text
    start = html.index(WORKER_MARKS["topStories"])
    section = html[start : html.index(WORKER_MARKS["topStoriesEnd"], start)]
    found = ids_after(section, WORKER_MARKS["topStory"])
    assert len(found) == section.count('<article class="card top-story') >= 2
    assert all(app.store.articles.get(article) is not None for article in found)
    # the other outlets' headlines and the sections below are not top stories' leads
    assert len(ids_after(html, 'href="/article/')) > len(found)


def test_the_worker_learns_what_is_saved_from_the_reader_bar_and_the_list(app: App) -> None:
    first, second, other = app.room.articles[:3]
    visitor = app.browser()
    signed_out = bar(visitor, first).text
    assert not ids_after(signed_out, WORKER_MARKS["saved"]) and not ids_after(
        signed_out, WORKER_MARKS["notSaved"]
    )
    ada = app.browser(ADA)
    assert ids_after(bar(ada, first).text, WORKER_MARKS["notSaved"]) == [first]
    for article in (first, second):
        assert send(ada, f"/you/save/{article}", back=f"/article/{article}").status_code == 303
    assert ids_after(bar(ada, first).text, WORKER_MARKS["saved"]) == [first]
    assert ids_after(bar(ada, other).text, WORKER_MARKS["saved"]) == []
    listed = ada.get("/account/saved").text
    assert sorted(ids_after(listed, WORKER_MARKS["saved"])) == sorted((first, second))
    assert WORKER_MARKS["olderPage"] not in listed  # one page: the whole list
    # the bar's own page, for readers without JavaScript, says the same
    own_page = ada.get(f"/article/{first}/you").text
    assert ids_after(own_page, WORKER_MARKS["saved"]) == [first]
