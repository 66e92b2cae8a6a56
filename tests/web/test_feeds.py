"""Feeds out: RSS, Atom and JSON Feed of the front page, sections, stories, publishers and entities, read back
with feedparser (and a strict XML parser, which forgives nothing); hostile headlines; ETags; the OPML of the
followed feeds; the <link rel="alternate"> tags that let browsers and readers find the feeds."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from herald.config import Settings
from herald.models import Article
from herald.pipeline.exports import xml_text
from herald.sources import parse_opml
from herald.store import Store
from herald.web import create_app
from herald.web.pages.feeds import Channel as FeedChannel
from herald.web.pages.feeds import FeedSite, atom, content_html, json_feed, rss
from tests.web.conftest import (
    COURIER,
    NOW,
    PORT_ALDER,
    Newsroom,
    Stories,
    add_article,
    add_stories,
    build_newsroom,
)
from tests.web.test_pages import Page

BASE = "https://herald.test"
HOSTILE_TITLE = "Breaking\x01\x08\x0b\x1f\x7f </title> ]]> <script>alert(1)</script> \ufffe & </channel> news"
HOSTILE_CLEAN = "Breaking </title> ]]> <script>alert(1)</script>  & </channel> news"
HOSTILE_BODY = ("First <b>bold</b> ]]> paragraph\x02.", "<img src=x onerror=alert(3)>")
MEDIA_TYPES = {"xml": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
JSON_FEED_TOP = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "language",
    "expired",
    "hubs",
    "items",
}
JSON_FEED_ITEM = {
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "authors",
    "tags",
    "language",
    "attachments",
}


@dataclass
class World:
    room: Newsroom
    stories: Stories
    hostile: str
    old: str  # published three days ago
    client: TestClient


def database(request: pytest.FixtureRequest, folder: Path) -> str:
    """SQLite in ``folder``, or a clean schema on the test PostgreSQL server, as the fixture's param says."""
    if request.param == "sqlite":
        return f"sqlite:///{folder / 't.db'}"
    url: str = request.getfixturevalue("postgres_server_url")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def build_world(store: Store) -> tuple[Newsroom, Stories, str, str]:
    room = build_newsroom(store)
    stories = add_stories(room)
    hostile = add_article(
        room,
        COURIER,
        url="https://courier.example/world/hostile",
        title=HOSTILE_TITLE,
        paragraphs=HOSTILE_BODY,
        published=NOW - timedelta(minutes=1),
        section="World",
    )
    old = add_article(
        room,
        COURIER,
        url="https://courier.example/world/old-news",
        title="Harbour wall repairs finished three days ago",
        paragraphs=("The wall is finished.",),
        published=NOW - timedelta(days=3),
        section="World",
    )
    return room, stories, hostile, old


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    store = Store(database(request, tmp_path_factory.mktemp("feeds")))
    room, stories, hostile, old = build_world(store)
    with TestClient(create_app(Settings(base_url=BASE), store)) as client:
        yield World(room, stories, hostile, old, client)
    store.close()


def strict_xml(body: bytes) -> Any:
    """The document parsed by a parser that refuses anything not well-formed (feedparser forgives)."""
    return fromstring(body)


def entries(world: World, path: str) -> Any:
    response = world.client.get(path)
    assert response.status_code == 200, path
    strict_xml(response.content)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return parsed


def article_ids(parsed: Any) -> list[str]:
    return [e.link.removeprefix(f"{BASE}/article/") for e in parsed.entries]


# The feeds and what they hold -------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["xml", "atom"])
def test_front_page_feed_is_the_newest_articles(world: World, extension: str) -> None:
    parsed = entries(world, f"/feed.{extension}")
    newest = world.room.store.articles.latest(30)
    assert article_ids(parsed) == [a.id for a in newest]
    assert parsed.feed.title == "Herald"
    assert parsed.feed.link == f"{BASE}/"
    first = parsed.entries[0]
    stored = newest[0]
    assert first.title == xml_text(stored.title)
    assert first.author == stored.publisher_name
    assert first.published_parsed is not None and first.updated_parsed is not None
    # feedparser gives HTML: the excerpt, a plain text, arrives escaped
    assert html.unescape(first.summary) == xml_text(stored.excerpt)
    assert first.source["title"] == stored.publisher_name
    assert first.source["link" if extension == "atom" else "href"].startswith(f"{BASE}/publisher/")
    content = first.content[0].value
    assert all(xml_text(p).split("<")[0] in content for p in stored.paragraphs)


@pytest.mark.parametrize("extension", ["xml", "atom"])
def test_section_feed_holds_only_the_section(world: World, extension: str) -> None:
    parsed = entries(world, f"/section/World/feed.{extension}")
    assert parsed.entries
    assert parsed.feed.title == "World · Herald"
    assert parsed.feed.link == f"{BASE}/section/World"
    assert all(e.tags[0].term == "World" for e in parsed.entries)
    assert set(article_ids(parsed)) == {a.id for a in world.room.store.articles.latest(30, section="World")}


@pytest.mark.parametrize("extension", ["xml", "atom"])
def test_story_feed_holds_each_text_once_newest_first(world: World, extension: str) -> None:
    s = world.stories
    parsed = entries(world, f"/story/{s.ferry}/feed.{extension}")
    # the wire text under its first publisher only; its reprints are the same text
    assert article_ids(parsed) == [s.local, s.analysis, s.wire]
    assert parsed.feed.link == f"{BASE}/story/{s.ferry}"


def test_merged_story_feed_leads_to_the_story_it_became(world: World) -> None:
    s = world.stories
    moved = world.client.get(f"/story/{s.merged_away}/feed.json", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == f"/story/{s.eclipse}/feed.json"


@pytest.mark.parametrize("extension", ["xml", "atom"])
def test_publisher_feed_holds_only_its_articles(world: World, extension: str) -> None:
    parsed = entries(world, f"/publisher/the-harbour-courier/feed.{extension}")
    assert parsed.entries and {e.author for e in parsed.entries} == {COURIER}
    assert parsed.feed.title == f"{COURIER} · Herald"


@pytest.mark.parametrize("extension", ["xml", "atom"])
def test_entity_feed_holds_the_articles_naming_it(world: World, extension: str) -> None:
    s = world.stories
    parsed = entries(world, f"/entity/{PORT_ALDER.key}/feed.{extension}")
    assert set(article_ids(parsed)) == {s.wire, s.wire_ledger, s.wire_nsr, s.analysis, s.local}
    assert parsed.feed.title == "Port Alder · Herald"


def test_json_feed_uses_the_version_1_1_fields(world: World) -> None:
    response = world.client.get("/publisher/the-harbour-courier/feed.json")
    assert response.headers["content-type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert set(feed) <= JSON_FEED_TOP
    assert feed["title"] == f"{COURIER} · Herald"
    assert feed["home_page_url"] == f"{BASE}/publisher/the-harbour-courier"
    assert feed["feed_url"] == f"{BASE}/publisher/the-harbour-courier/feed.json"
    assert feed["language"] == "en"
    newest = world.room.store.articles.latest(30, publisher_id=world.room.publisher_ids[COURIER])
    assert [item["id"] for item in feed["items"]] == [f"{BASE}/article/{a.id}" for a in newest]
    for item in feed["items"]:
        assert set(item) <= JSON_FEED_ITEM
        assert item["url"] == item["id"] and item["title"]
        assert item["content_html"].startswith(("<p>", "<figure>"))
        assert item["date_published"].endswith("Z")
        assert item["authors"] == [{"name": COURIER, "url": "https://courier.example"}]
        assert item["external_url"].startswith("https://courier.example/")


# Hostile text -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["xml", "atom"])
def test_hostile_headlines_stay_text_and_the_xml_parses(world: World, extension: str) -> None:
    parsed = entries(world, f"/feed.{extension}")
    [hostile] = [e for e in parsed.entries if e.link.endswith(world.hostile)]
    assert hostile.title == HOSTILE_CLEAN
    content = hostile.content[0].value
    # the paragraphs are text: their markup arrives escaped, never as elements
    assert "First &lt;b&gt;bold&lt;/b&gt; ]]&gt; paragraph." in content
    assert "&lt;img src=x onerror=alert(3)&gt;" in content
    assert "<img src=x" not in content and "<b>" not in content
    assert hostile.summary.startswith("First &lt;b&gt;bold&lt;/b&gt; ]]&gt; paragraph.")


def test_hostile_headlines_stay_text_in_json(world: World) -> None:
    feed = json.loads(world.client.get("/feed.json").content)
    [hostile] = [i for i in feed["items"] if i["id"].endswith(world.hostile)]
    assert hostile["title"] == HOSTILE_CLEAN
    assert "<p>First &lt;b&gt;bold&lt;/b&gt; ]]&gt; paragraph.</p>" in hostile["content_html"]


def _article(**changes: Any) -> Article:
    plain = Article(
        id="0" * 32,
        canonical_url="https://paper.example/a",
        url="https://paper.example/a?utm=feed",
        title="A headline",
        paragraphs=("One.",),
        publisher_id=1,
        publisher_name="Paper",
        source_id=None,
        published_at=NOW,
        fetched_at=NOW,
    )
    return replace(plain, **changes)


def test_every_character_xml_forbids_is_removed() -> None:
    forbidden = "".join(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85))
    assert xml_text(f"a{forbidden}\ud800\ufffe\uffffb\tc\nd") == "ab\tc\nd"
    article = _article(
        title=f"Nul\x00 and friends{forbidden}",
        paragraphs=(f"Body\x00{forbidden}.",),
        excerpt="\x00Excerpt",
        publisher_name="Paper\x00",
        image_url="javascript:alert(1)",
        authors=("Writer\x01",),
    )
    site = FeedSite(BASE, "Herald\x00", {1: "paper"})
    channel = FeedChannel("Feed\x00 title", "/", [article], "Described\x1f.")
    document = strict_xml(rss(channel, site, f"{BASE}/feed.xml"))
    assert document.find("channel/item/title").text == "Nul and friends"
    feed = json.loads(json_feed(channel, site, f"{BASE}/feed.json"))
    assert feed["items"][0]["title"] == "Nul and friends" and feed["title"] == "Feed title"
    assert "image" not in feed["items"][0]  # only http(s) images
    assert "javascript:" not in content_html(article, site)


def test_a_headline_with_nothing_left_is_named_by_its_publisher() -> None:
    channel = FeedChannel("Feed", "/", [_article(title="\x01\x02 ")])
    document = strict_xml(atom(channel, FeedSite(BASE, "Herald", {}), f"{BASE}/feed.atom"))
    ns = "{http://www.w3.org/2005/Atom}"
    assert document.find(f"{ns}entry/{ns}title").text == "Paper"


def test_content_is_the_article_as_its_page_shows_it() -> None:
    article = _article(
        paragraphs=('Café <owners> & "friends".', "Second."),
        image_url="https://img.example/a.jpg?x=1&y=2",
        image_caption="A <caption>",
    )
    html = content_html(article, FeedSite(BASE, "Herald", {}))
    assert html == (
        '<figure><img src="https://img.example/a.jpg?x=1&amp;y=2" alt="">'
        "<figcaption>A &lt;caption&gt;</figcaption></figure>\n"
        "<p>Café &lt;owners&gt; &amp; &quot;friends&quot;.</p>\n<p>Second.</p>\n"
        '<p><a href="https://paper.example/a">Read the original at Paper</a></p>'
    )


# HTTP -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["xml", "atom", "json"])
def test_media_types_caching_and_self_links(world: World, extension: str) -> None:
    path = f"/section/World/feed.{extension}"
    response = world.client.get(path)
    assert response.headers["content-type"].split(";")[0] == MEDIA_TYPES[extension]
    assert response.headers["cache-control"] == "public, max-age=300"
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')
    if extension == "json":
        assert json.loads(response.content)["feed_url"] == BASE + path
    else:
        parsed = feedparser.parse(response.content)
        assert [link.href for link in parsed.feed.links if link.rel == "self"] == [BASE + path]
    again = world.client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    weak_among_others = world.client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak_among_others.status_code == 304
    changed = world.client.get(path, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.content == response.content


@pytest.mark.parametrize(
    "path",
    [
        "/section/No such section/feed.xml",
        "/story/999999/feed.atom",
        "/story/0/feed.xml",
        "/story/99999999999999999999/feed.xml",
        "/publisher/nobody/feed.json",
        "/entity/no-such-name/feed.xml",
        "/feed.txt",
        "/section/World/feed.html",
    ],
)
def test_unknown_feeds_are_not_found(world: World, path: str) -> None:
    assert world.client.get(path).status_code == 404


def test_feeds_keep_the_sites_languages(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 't.db'}")
    room = build_newsroom(store)
    store.site.put("languages", ["fr"], by_user_id=None)
    with TestClient(create_app(Settings(base_url=BASE), store)) as client:
        parsed = feedparser.parse(client.get("/feed.atom").content)
    french = [a.id for a in store.articles.latest(30) if a.language == "fr"]
    assert french and article_ids(parsed) == french
    assert len(room.articles) > len(french)
    store.close()


# Finding the feeds ------------------------------------------------------------------------------------------


def alternates(world: World, path: str) -> dict[str, str]:
    page = Page(world.client.get(path).text)
    return {link["type"]: link["href"] for link in page.all("link", rel="alternate")}


def test_pages_name_their_feeds(world: World) -> None:
    s = world.stories
    expected = {
        "/": "",
        "/latest": "",
        "/section/World": "/section/World",
        f"/story/{s.ferry}": f"/story/{s.ferry}",
        "/publisher/the-harbour-courier": "/publisher/the-harbour-courier",
        f"/entity/{PORT_ALDER.key}": f"/entity/{PORT_ALDER.key}",
    }
    for page, feed in expected.items():
        found = alternates(world, page)
        assert found == {media: f"{feed}/feed.{ext}" for ext, media in MEDIA_TYPES.items()}, page
        for href in found.values():
            assert world.client.get(href).status_code == 200, href


# OPML -------------------------------------------------------------------------------------------------------


def test_opml_lists_every_followed_source(world: World) -> None:
    response = world.client.get("/sources.opml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/x-opml")
    assert response.headers["cache-control"] == "public, max-age=300"
    specs = parse_opml(response.content)
    followed = [s for s in world.room.store.sources.list() if s.enabled]
    assert sorted(s.feed_url for s in specs) == sorted(s.feed_url for s in followed)
    assert "https://quiet.example/rss" not in {s.feed_url for s in specs}  # paused: not followed
    by_url = {s.feed_url: s for s in specs}
    assert by_url["https://courier.example/rss"].section == "World"
    assert by_url["https://courier.example/rss"].home_url == "https://courier.example"
    assert by_url["https://quotidien.example/rss"].language == "fr"
    again = world.client.get("/sources.opml", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_opml_survives_a_hostile_feed_title(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 't.db'}")
    build_newsroom(store)
    [courier] = [s for s in store.sources.list() if s.feed_url == "https://courier.example/rss"]
    store.sources.update(courier.id, title="Courier\x01 </outline> & <b>", feed_url=courier.feed_url)
    with TestClient(create_app(Settings(base_url=BASE), store)) as client:
        specs = parse_opml(client.get("/sources.opml").content)
    assert {s.title for s in specs if s.feed_url == courier.feed_url} == {"Courier </outline> & <b>"}
    store.close()
