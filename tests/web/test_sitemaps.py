"""What search engines and link previews read: robots.txt, the sitemap index and its paged sitemaps, the
Google News sitemap, and the card images that article and story pages name as their picture."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from PIL import Image

from herald.config import Settings
from herald.store import Store
from herald.web import create_app
from herald.web.pages import sitemaps
from tests.web.conftest import PORT_ALDER
from tests.web.test_feeds import BASE, HOSTILE_CLEAN, World, build_world, database
from tests.web.test_pages import Page

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    store = Store(database(request, tmp_path_factory.mktemp("sitemaps")))
    room, stories, hostile, old = build_world(store)
    with TestClient(create_app(Settings(base_url=BASE), store)) as client:
        yield World(room, stories, hostile, old, client)
    store.close()


def xml(client: TestClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"].startswith("application/xml")
    return fromstring(response.content)


def locations(document: Any, tag: str = "url") -> list[str]:
    return [e.findtext(f"{SM}loc") for e in document.findall(f"{SM}{tag}")]


# robots.txt -------------------------------------------------------------------------------------------------


def test_robots_allows_the_site_and_names_the_sitemaps(world: World) -> None:
    response = world.client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for private in ("/admin", "/account", "/moderation", "/api/v1/me"):
        assert f"Disallow: {private}" in lines
    assert not any(line.startswith("Disallow: /article") or line == "Disallow: /" for line in lines)
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert f"Sitemap: {BASE}/sitemap-news.xml" in lines


# Sitemaps ---------------------------------------------------------------------------------------------------


def test_index_names_every_sitemap_and_each_lists_absolute_addresses(world: World) -> None:
    index = xml(world.client, "/sitemap.xml")
    assert index.tag == f"{SM}sitemapindex"
    children = locations(index, "sitemap")
    assert children == [
        f"{BASE}/sitemap-articles-1.xml",
        f"{BASE}/sitemap-stories-1.xml",
        f"{BASE}/sitemap-pages.xml",
        f"{BASE}/sitemap-publishers.xml",
        f"{BASE}/sitemap-entities.xml",
    ]
    listed: dict[str, list[str]] = {}
    for child in children:
        document = xml(world.client, child.removeprefix(BASE))
        assert document.tag == f"{SM}urlset"
        listed[child] = locations(document)
        assert listed[child] and all(url.startswith(f"{BASE}/") for url in listed[child])
    store = world.room.store
    articles = listed[f"{BASE}/sitemap-articles-1.xml"]
    assert sorted(articles) == sorted(f"{BASE}/article/{i}" for i in store.articles.ids())
    s = world.stories
    # stories told by more than one article; a merged story lives on as the story it became
    assert listed[f"{BASE}/sitemap-stories-1.xml"] == [f"{BASE}/story/{s.ferry}", f"{BASE}/story/{s.eclipse}"]
    pages = listed[f"{BASE}/sitemap-pages.xml"]
    assert f"{BASE}/" in pages and f"{BASE}/latest" in pages and f"{BASE}/section/World" in pages
    publishers = listed[f"{BASE}/sitemap-publishers.xml"]
    assert f"{BASE}/publisher/the-harbour-courier" in publishers
    assert f"{BASE}/publisher/quiet-weekly" not in publishers  # no articles, nothing to find
    assert f"{BASE}/entity/{PORT_ALDER.key}" in listed[f"{BASE}/sitemap-entities.xml"]


def test_story_sitemap_says_when_each_story_last_changed(world: World) -> None:
    document = xml(world.client, "/sitemap-stories-1.xml")
    story = world.room.store.stories.get(world.stories.ferry)
    assert story is not None
    [entry] = [e for e in document.findall(f"{SM}url") if e.findtext(f"{SM}loc").endswith(f"/{story.id}")]
    stamp = entry.findtext(f"{SM}lastmod")
    assert datetime.fromisoformat(stamp) == story.last_updated.replace(microsecond=0)


def test_article_sitemaps_are_paged(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitemaps, "SITEMAP_URLS", 7)
    ids = world.room.store.articles.ids()
    pages = -(-len(ids) // 7)
    assert pages >= 3
    with TestClient(create_app(Settings(base_url=BASE), world.room.store)) as client:
        children = locations(xml(client, "/sitemap.xml"), "sitemap")
        article_maps = [c for c in children if "/sitemap-articles-" in c]
        assert article_maps == [f"{BASE}/sitemap-articles-{n}.xml" for n in range(1, pages + 1)]
        seen: list[str] = []
        for child in article_maps:
            urls = locations(xml(client, child.removeprefix(BASE)))
            assert 0 < len(urls) <= 7
            seen += urls
        assert len(seen) == len(set(seen)) == len(ids)
        # oldest first: the first page, once full, never changes
        assert seen[0] == f"{BASE}/article/{ids[-1]}"
        for missing in (
            f"/sitemap-articles-{pages + 1}.xml",
            "/sitemap-articles-0.xml",
            "/sitemap-stories-9.xml",
        ):
            assert client.get(missing).status_code == 404


def test_sitemaps_answer_304_to_their_etag(world: World) -> None:
    for path in ("/sitemap.xml", "/sitemap-articles-1.xml", "/sitemap-news.xml"):
        response = world.client.get(path)
        assert response.headers["cache-control"].startswith("public, max-age=")
        again = world.client.get(path, headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304, path


def test_news_sitemap_holds_the_last_two_days(world: World) -> None:
    document = xml(world.client, "/sitemap-news.xml")
    entries = {
        e.findtext(f"{SM}loc").removeprefix(f"{BASE}/article/"): e for e in document.findall(f"{SM}url")
    }
    s = world.stories
    assert world.old not in entries  # three days old
    assert s.wire in entries and s.wire_ledger not in entries  # a reprint is its origin's news
    since = datetime.now(UTC) - timedelta(days=2)
    recent = [a for a in world.room.store.articles.latest(1000) if a.copy_of is None]
    assert set(entries) == {a.id for a in recent if (a.published_at or a.fetched_at) >= since}
    news = entries[s.local].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Herald"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "fr"
    assert news.findtext(f"{NEWS}title") == "Fin de la grève des ferries à Port Alder"
    published = datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
    assert published >= since
    assert entries[world.hostile].findtext(f"{NEWS}news/{NEWS}title") == HOSTILE_CLEAN


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en-GB", "en"),
        ("fr", "fr"),
        ("zh-Hant-TW", "zh-tw"),
        ("zh-CN", "zh-cn"),
        ("zh", "zh-cn"),
        (None, "de"),
    ],
)
def test_news_language_is_what_google_news_accepts(tag: str | None, expected: str) -> None:
    assert sitemaps.news_language(tag, "de") == expected


# Cards ------------------------------------------------------------------------------------------------------


def png_size(body: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == "PNG"
        return image.size


def test_article_card_is_a_cached_1200_by_630_png(world: World) -> None:
    path = f"/article/{world.stories.analysis}/card.png"
    response = world.client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert png_size(response.content) == (1200, 630)
    assert "max-age=604800" in response.headers["cache-control"]
    etag = response.headers["etag"]
    again = world.client.get(path)
    assert again.headers["etag"] == etag and again.content == response.content
    assert world.client.get(path, headers={"If-None-Match": etag}).status_code == 304


def test_story_card_and_a_merged_storys_card(world: World) -> None:
    s = world.stories
    response = world.client.get(f"/story/{s.ferry}/card.png")
    assert response.status_code == 200 and png_size(response.content) == (1200, 630)
    moved = world.client.get(f"/story/{s.merged_away}/card.png", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == f"/story/{s.eclipse}/card.png"


def test_hostile_headline_card_draws(world: World) -> None:
    response = world.client.get(f"/article/{world.hostile}/card.png")
    assert response.status_code == 200 and png_size(response.content) == (1200, 630)


@pytest.mark.parametrize(
    "path",
    [
        "/article/" + "f" * 32 + "/card.png",
        "/article/not-an-id/card.png",
        "/story/999999/card.png",
        "/story/0/card.png",
    ],
)
def test_cards_of_nothing_are_not_found(world: World, path: str) -> None:
    assert world.client.get(path).status_code == 404


def test_pages_without_a_lead_image_show_their_card(world: World) -> None:
    s = world.stories
    plain = Page(world.client.get(f"/article/{s.analysis}").text)
    card = f"{BASE}/article/{s.analysis}/card.png"
    assert plain.meta("og:image") == [card]
    assert plain.meta("og:image:width") == ["1200"] and plain.meta("og:image:height") == ["630"]
    assert plain.meta("twitter:card") == ["summary_large_image"]
    assert plain.meta("twitter:image") == [card]
    assert world.client.get(card.removeprefix(BASE)).status_code == 200

    pictured = Page(world.client.get(f"/article/{world.room.articles[0]}").text)
    assert pictured.meta("og:image") == ["https://images.example/photos/0-0.svg"]
    assert pictured.meta("twitter:image") == ["https://images.example/photos/0-0.svg"]
    assert pictured.meta("og:image:width") == []

    story = Page(world.client.get(f"/story/{s.ferry}").text)
    assert story.meta("og:image") == [f"{BASE}/story/{s.ferry}/card.png"]
    assert story.meta("twitter:card") == ["summary_large_image"]


def test_the_card_follows_the_sites_name(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 't.db'}")
    _room, stories, _hostile, _old = build_world(store)
    path = f"/article/{stories.analysis}/card.png"
    with TestClient(create_app(Settings(base_url=BASE), store)) as client:
        before = client.get(path).headers["etag"]
    store.site.put("name", "Harbour Daily", by_user_id=None)
    with TestClient(create_app(Settings(base_url=BASE), store)) as client:
        after = client.get(path)
    assert after.status_code == 200 and after.headers["etag"] != before
    store.close()
