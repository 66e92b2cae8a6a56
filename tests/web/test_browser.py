"""The site in a real browser (Debian's chromium through Playwright), served by uvicorn on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn
from fastapi import FastAPI

from herald.config import Settings
from herald.pipeline.accounts import Accounts
from herald.store import Store
from herald.web import create_app
from tests.web.conftest import WIRE_TITLE, Newsroom, add_stories, build_newsroom

if TYPE_CHECKING:
    from playwright.sync_api import Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
ADA, ADA_PASSWORD = "ada@example.org", "analytical engine notes"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serving(app: FastAPI, port: int) -> Iterator[str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@contextmanager
def _site_with_ada(tmp_path: Path, **overrides: Any) -> Iterator[tuple[str, Newsroom]]:
    """A site of its own (its newsroom's images on loopback) where Ada has an account."""
    store = Store(f"sqlite:///{tmp_path}/t.db")
    settings = Settings(data_dir=tmp_path, **overrides)
    port = _free_port()
    room = build_newsroom(store, image_base=f"http://127.0.0.1:{port}/static/logo.svg#")
    Accounts(settings, store, "k" * 48).create_user(ADA, "Ada Lovelace", ADA_PASSWORD)
    try:
        with _serving(create_app(settings, store), port) as url:
            yield url, room
    finally:
        store.close()


@contextmanager
def _phone(p: Playwright) -> Iterator[tuple[Page, list[str]]]:
    """A page 390px wide in a browser of its own, and the errors its console reports."""
    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    try:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        yield page, errors
    finally:
        browser.close()


def _sign_in_as_ada(page: Page) -> None:
    """The sign-in form, filled in and sent (the page is already on it)."""
    page.get_by_label("Email address").fill(ADA)
    page.get_by_label("Password").fill(ADA_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('browser')}/t.db")
    # Images point at the site's own logo so the page loads nothing from outside loopback.
    port = _free_port()
    add_stories(build_newsroom(store, image_base=f"http://127.0.0.1:{port}/static/logo.svg#"))
    with _serving(create_app(Settings(), store), port) as url:
        yield url
    store.close()


def test_read_an_article_on_desktop_and_phone(site: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(site + "/")
            assert page.locator("h2").first.get_attribute("id") == "top-heading"  # top stories come first
            page.screenshot(path=str(tmp_path / "home-1280.png"), full_page=True)

            headline = page.locator(".card-lead .card-title a").first
            title = headline.inner_text()
            headline.click()
            page.wait_for_url("**/article/*")
            article_url = page.url
            assert page.locator("h1").count() == 1
            assert page.locator("h1").inner_text() == title
            stamp = page.locator(".byline time")
            assert stamp.get_attribute("datetime")
            assert (stamp.get_attribute("title") or "").endswith("UTC")
            assert stamp.inner_text().endswith("ago")
            page.screenshot(path=str(tmp_path / "article-1280.png"), full_page=True)

            # from the front page to a story's full coverage
            page.goto(site + "/")
            page.locator(".top-stories .coverage-link").first.click()
            page.wait_for_url("**/story/*")
            story_url = page.url
            assert page.locator("h1").inner_text() == WIRE_TITLE
            # five articles, the wire text's two copies shown under it
            assert page.locator(".timeline-entry").count() == 3
            assert "Also published by" in page.locator(".timeline").inner_text()
            page.screenshot(path=str(tmp_path / "story-1280.png"), full_page=True)

            page.set_viewport_size({"width": 390, "height": 844})
            pages = (article_url, site + "/", site + "/sources", site + "/section/World", site + "/topics")
            for path in (*pages, story_url, site + "/entity/port-alder"):
                page.goto(path)
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390px"
            page.goto(story_url)
            page.screenshot(path=str(tmp_path / "story-390.png"), full_page=True)
            page.goto(site + "/")
            page.screenshot(path=str(tmp_path / "home-390.png"), full_page=True)

            # keyboard: the first Tab lands on the skip link, which is then visible
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
            box = page.locator(".skip-link").bounding_box()
            assert box is not None and box["y"] >= 0

            # CSP blocks nothing we serve ourselves
            assert not [e for e in errors if "Content Security Policy" in e]
        finally:
            browser.close()
    assert (tmp_path / "article-1280.png").stat().st_size > 0


def test_the_ai_panel_loads_and_answers_a_question(site: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p, _phone(p) as (page, errors):
        page.goto(site + "/")
        page.locator(".card-lead .card-title a").first.click()
        page.wait_for_url("**/article/*")
        panel = page.locator("#ai-tools")
        # the embedder loads on the first request: allow it time
        expect(panel.locator("#ai-summary-heading")).to_be_visible(timeout=60_000)
        expect(panel).not_to_have_attribute("aria-busy", "true")
        assert "Open the AI tools" not in panel.inner_text()  # the fallback gave way to the panel
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the loaded panel scrolls sideways by {overflow}px at 390px"

        article_url = page.url
        page.fill("#ai-question", "When do services resume?")
        page.locator("#ask button[type=submit]").click()
        answer = page.locator("#ai-answer .ai-answer")
        expect(answer).to_be_visible(timeout=30_000)
        assert "When do services resume?" in answer.inner_text()
        assert answer.locator("blockquote").count() >= 1
        assert page.url == article_url  # answered in place, not by leaving the page
        assert not [e for e in errors if "Content Security Policy" in e]


def test_sign_in_see_the_account_and_sign_out(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with _site_with_ada(tmp_path) as (url, _), sync_playwright() as p, _phone(p) as (page, errors):
        page.goto(url + "/")
        page.locator(".masthead-account").click()  # not signed in: the account link leads to sign-in
        page.wait_for_url("**/account/sign-in?next=/account")
        _sign_in_as_ada(page)
        page.wait_for_url(url + "/account")
        expect(page.locator("h1")).to_have_text("Your account")
        assert "Ada Lovelace" in page.locator(".account-facts").inner_text()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the account page scrolls sideways by {overflow}px at 390px"
        cookies = {c["name"]: c for c in page.context.cookies()}
        assert cookies["herald_session"]["httpOnly"] and cookies["herald_session"]["sameSite"] == "Lax"

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(url + "/")
        assert "herald_session" not in {c["name"] for c in page.context.cookies()}
        page.goto(url + "/account")
        page.wait_for_url("**/account/sign-in?next=/account")
        assert not [e for e in errors if "Content Security Policy" in e]


def test_the_comments_load_and_a_comment_is_posted(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with (
        _site_with_ada(tmp_path, comment_hold_first=0) as (url, room),
        sync_playwright() as p,
        _phone(p) as (page, errors),
    ):
        article = room.articles[0]
        page.goto(f"{url}/article/{article}")
        section = page.locator("#comments")
        section.scroll_into_view_if_needed()
        # signed out: the thread loads with a way to sign in that comes back here
        expect(section.locator(".comments-empty")).to_have_text("No comments yet. Start the conversation.")
        section.get_by_role("link", name="Sign in to comment").click()
        page.wait_for_url("**/account/sign-in**")  # a glob: "?" would stand for any character
        _sign_in_as_ada(page)
        page.wait_for_url(f"{url}/article/{article}#comments")

        form = page.locator("#comments .comment-compose")
        expect(form).to_be_visible(timeout=10_000)
        form.locator("textarea").fill("The timetable is out: **at last**.")
        form.get_by_role("button", name="Post comment").click()
        page.wait_for_url(f"{url}/article/{article}#comment-*")
        posted = page.locator("#comments .comment-text").first
        expect(posted).to_contain_text("The timetable is out: at last.")
        assert posted.locator("strong").inner_text() == "at last"
        expect(page.locator("#comments .comments-title")).to_have_text("1 comment")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the comments scroll sideways by {overflow}px at 390px"
        assert not [e for e in errors if "Content Security Policy" in e]


def test_the_reader_bar_saves_an_article_to_the_reading_list(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with _site_with_ada(tmp_path) as (url, room), sync_playwright() as p, _phone(p) as (page, errors):
        article = room.articles[0]
        page.goto(f"{url}/article/{article}")
        title = page.locator("h1").inner_text()
        bar = page.locator("#you")
        # signed out: the bar loads with a way to sign in that comes back to the article
        bar.get_by_role("link", name="Sign in").click()
        page.wait_for_url("**/account/sign-in**")
        _sign_in_as_ada(page)
        page.wait_for_url(f"{url}/article/{article}")

        save = bar.get_by_role("button", name="Save this article for later")
        expect(save).to_be_visible(timeout=10_000)
        save.click()
        page.wait_for_url(f"{url}/article/{article}")
        expect(bar.locator(".reader-saved")).to_contain_text("Saved", timeout=10_000)
        bar.locator(".reader-follow > summary").click()  # the list of what can be followed opens
        expect(bar.get_by_role("button", name="Follow The Harbour Courier")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the reader bar scrolls sideways by {overflow}px at 390px"

        bar.get_by_role("link", name="your list").click()
        page.wait_for_url(f"{url}/account/saved")
        expect(page.locator("h1")).to_have_text("Saved articles")
        expect(page.locator(".card-title").first).to_have_text(title)
        assert not [e for e in errors if "Content Security Policy" in e]


def test_an_admin_renames_the_site_and_uploads_a_logo_on_a_phone(tmp_path: Path) -> None:
    import io

    from PIL import Image
    from playwright.sync_api import expect, sync_playwright

    picture = io.BytesIO()
    Image.new("RGB", (120, 120), "crimson").save(picture, format="PNG")
    with _site_with_ada(tmp_path) as (url, room), sync_playwright() as p, _phone(p) as (page, errors):
        Accounts(Settings(data_dir=tmp_path), room.store, "k" * 48).create_user(
            "boss@example.org", "Boss", ADA_PASSWORD, role="admin"
        )
        page.goto(f"{url}/admin/site")
        page.wait_for_url("**/account/sign-in**")
        page.get_by_label("Email address").fill("boss@example.org")
        page.get_by_label("Password").fill(ADA_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{url}/admin/site")
        for path in ("/admin/site", "/admin/sources"):
            page.goto(url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390px"
        page.goto(f"{url}/admin/site")
        page.get_by_label("The site's name").fill("Harbour Desk")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".form-done")).to_contain_text("Saved.")
        expect(page.locator(".brand-name")).to_have_text("Harbour Desk")
        page.get_by_label("A new logo").set_input_files(
            files=[{"name": "logo.png", "mimeType": "image/png", "buffer": picture.getvalue()}]
        )
        page.get_by_role("button", name="Upload").click()
        expect(page.locator(".form-done")).to_contain_text("The new logo is in place.")
        logo = page.locator(".brand-logo")
        assert (logo.get_attribute("src") or "").startswith("/site/logo?v=")
        assert page.evaluate("document.querySelector('.brand-logo').naturalWidth") == 120
        page.screenshot(path=str(tmp_path / "admin-site-390.png"), full_page=True)
        assert not errors, errors


# Whether a cache of the service worker whose name starts with the prefix holds the page at the path.
_KEPT = """async ([prefix, path]) => {
  for (const name of await caches.keys()) {
    if (name.startsWith(prefix) && await (await caches.open(name)).match(path)) { return true; }
  }
  return false;
}"""


def test_the_app_installs_and_reads_a_saved_article_offline(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with _site_with_ada(tmp_path) as (url, room), sync_playwright() as p:
        add_stories(room)
        # A browser with a profile of its own: Chromium finds no page installable in a context without one
        # (Playwright's usual contexts are incognito).
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            args=ARGS,
            viewport={"width": 390, "height": 844},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            # The AI panel is not under test here: answered at once, its model is never loaded (a load
            # still running when the test ends would outlive the server).
            page.route(
                "**/article/*/ai",
                lambda route: route.fulfill(content_type="text/html", body="<p>AI features</p>"),
            )
            page.goto(url + "/")
            assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)") == url + "/"
            cdp = context.new_cdp_session(page)
            manifest = cdp.send("Page.getAppManifest")
            assert manifest["url"] == url + "/manifest.webmanifest" and not manifest["errors"]
            assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
            # the browser offered its install prompt, and "Get the app" holds it
            expect(page.locator(".app-get.app-get-ready")).to_have_count(1, timeout=10_000)

            # the worker keeps the front page's top stories
            top = page.locator(".top-stories .card-title a").first.get_attribute("href")
            assert top is not None
            page.wait_for_function(_KEPT, arg=["herald-pages-", top], timeout=10_000)

            article = next(a for a in room.articles if f"/article/{a}" != top)
            path = f"/article/{article}"
            page.goto(url + path)
            title = page.locator("h1").inner_text()
            first_paragraph = page.locator(".story-body p").first.inner_text()
            offer = page.locator(".site-footer .app-get-button")
            offer.scroll_into_view_if_needed()
            expect(offer).to_be_visible()
            expect(offer).to_have_text("Get the app")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"the article page scrolls sideways by {overflow}px at 390px"
            assert not page.evaluate(_KEPT, ["herald-", path])

            page.locator("#you").get_by_role("link", name="Sign in").click()
            page.wait_for_url("**/account/sign-in**")
            _sign_in_as_ada(page)
            page.wait_for_url(url + path)
            page.locator("#you").get_by_role("button", name="Save this article for later").click()
            page.wait_for_url(url + path)
            expect(page.locator("#you .reader-saved")).to_contain_text("Saved", timeout=10_000)
            page.wait_for_function(_KEPT, arg=["herald-saved-", path], timeout=10_000)

            context.set_offline(True)
            page.goto(url + path)
            expect(page.locator("h1")).to_have_text(title)
            expect(page.locator(".story-body p").first).to_have_text(first_paragraph)
            # a page never kept: the offline page, listing what can be read
            page.goto(url + "/section/Science")
            expect(page.locator("h1")).to_have_text("You are offline")
            saved = page.locator("[data-offline-group=saved]")
            expect(saved.get_by_role("link", name=title)).to_be_visible()
            expect(page.locator("[data-offline-group=top] li").first).to_be_visible()
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"the offline page scrolls sideways by {overflow}px at 390px"
            page.screenshot(path=str(tmp_path / "offline-390.png"), full_page=True)
            saved.get_by_role("link", name=title).click()
            page.wait_for_url(url + path)
            expect(page.locator("h1")).to_have_text(title)

            # signing out takes the reader's saved articles from this browser
            context.set_offline(False)
            page.goto(url + "/account")
            page.get_by_role("button", name="Sign out").click()
            page.wait_for_url(url + "/")
            page.wait_for_function(f"async () => !(await ({_KEPT})(['herald-saved-', '{path}']))")
            assert not [e for e in errors if "Content Security Policy" in e]
        finally:
            context.close()
