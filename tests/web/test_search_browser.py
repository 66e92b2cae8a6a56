"""The search page in a real browser at phone width (390 px): typing a search, opening the filters, narrowing
by publisher, paging, all without a sideways scroll and without a script of ours."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from herald.config import Settings
from herald.pipeline.search import Search
from herald.store import Store
from herald.web import create_app
from tests.web.conftest import NOW, QUOTIDIEN, add_article, add_stories, build_newsroom
from tests.web.test_browser import ARGS, CHROMIUM, _free_port, _serving

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


def no_embedding(_texts: Sequence[str]) -> np.ndarray:
    raise OSError("no model in these tests")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('search-browser')}/t.db")
    port = _free_port()
    room = build_newsroom(store, image_base=f"http://127.0.0.1:{port}/static/logo.svg#")
    add_stories(room)
    for n in range(14):  # two pages of results for "regate"
        add_article(
            room,
            QUOTIDIEN,
            url=f"https://quotidien.example/regates/{n}",
            title=f"Régate numéro {n} : les équipages les plus rapides de la saison sur la côte nord",
            paragraphs=("Les voiliers de la régate partent à l'aube, " * 6,),
            published=NOW - timedelta(days=1, minutes=n),
            language="fr",
        )
    settings = Settings()
    app = create_app(settings, store, search=Search(settings, store, embed=no_embedding))
    with _serving(app, port) as url:
        yield url
    store.close()


def test_search_on_a_phone(site: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
            page = context.new_page()
            page.goto(site + "/search")

            def overflow() -> int:
                return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))

            assert overflow() <= 0
            page.get_by_label("Search for").fill("ferry strike")
            page.keyboard.press("Enter")
            page.wait_for_url("**/search?q=ferry+strike&**")
            assert page.locator(".search-result").count() >= 2
            assert page.locator(".search-result mark").first.inner_text() == "Ferry"
            assert overflow() <= 0
            page.screenshot(path=str(tmp_path / "search-390.png"), full_page=True)

            # the filters open without a script, and fit the width
            page.get_by_text("Filters", exact=True).click()
            publisher = page.get_by_label("Publisher")
            assert publisher.is_visible()
            for label in ("Match", "From", "To", "Publisher", "Section", "Language"):
                box = page.get_by_label(label, exact=True).bounding_box()
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, label
            publisher.select_option(label="Valley Ledger")
            page.get_by_role("button", name="Apply filters").click()
            page.wait_for_url("**publisher=valley-ledger**")
            assert page.locator(".search-result").count() == 1
            assert overflow() <= 0

            # long French headlines, two pages
            page.goto(site + "/search?q=regate&mode=text")
            assert page.locator(".search-result").count() == 10
            assert overflow() <= 0
            page.get_by_role("link", name="More results").click()
            page.wait_for_url("**page=2**")
            assert page.locator(".search-result").count() == 4
            page.screenshot(path=str(tmp_path / "search-page-2-390.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "search-390.png").stat().st_size > 0
