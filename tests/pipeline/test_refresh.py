"""The real pipeline (fetch, parse, extract, store) against a local HTTP server with fixture feeds and pages,
including the ways real feeds break. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from herald.config import Settings
from herald.fetch import Fetcher
from herald.models import RefreshReport, Source, SourceSpec
from herald.pipeline import Pipeline
from herald.store import Store
from tests.fixture_server import FixtureServer, running_server

FIXTURES = Path(__file__).with_name("fixtures")


def rss(items: str, *, encoding: str = "utf-8", ttl: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Test Gazette</title><link>https://www.test-gazette.example/</link>"
        f"<language>en</language>{ttl}{items}</channel></rss>"
    )


def item(link: str, title: str, *, category: str = "", content: str = "", date: str = "") -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>{title} in brief.</description>"
        + (f"<category>{category}</category>" if category else "")
        + (f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content else "")
        + (f"<pubDate>{date}</pubDate>" if date else "<pubDate>Fri, 27 Nov 2026 08:30:00 GMT</pubDate>")
        + "</item>"
    )


FEED_CONTENT = (
    "<p>GLENFORD (Test Gazette) — The town council approved a new footbridge over the river on Tuesday "
    "after a public consultation that drew more than six hundred responses.</p>"
    "<p>Work is due to start in the spring and the crossing should open before the end of next year, "
    "the council's engineer said, at a cost shared with the regional transport fund.</p>"
)


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with running_server() as s:
        s.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
        s.add("/news/harbour", (FIXTURES / "page-harbour.html").read_bytes())
        s.add("/news/comet", (FIXTURES / "page-comet.html").read_bytes())
        yield s


def refresh(settings: Settings, store: Store, *feed_urls: str) -> list[RefreshReport]:
    """Subscribe to the feeds (if new) and refresh them once through the real pipeline."""

    async def go() -> list[RefreshReport]:
        sources: list[Source] = []
        for url in feed_urls:
            source, _ = store.sources.add(SourceSpec(feed_url=url, publisher="Test Gazette"))
            sources.append(store.sources.get(source.id) or source)
        with ThreadPoolExecutor(max_workers=1) as pool:
            async with Fetcher(settings) as fetcher:
                pipeline = Pipeline(settings, store, fetcher, pool)
                return [await pipeline.refresh_source(s) for s in sources]

    return asyncio.run(go())


def source_for(store: Store, url: str) -> Source:
    return next(s for s in store.sources.list() if s.feed_url == url)


def test_new_articles_are_fetched_extracted_and_stored(
    server: FixtureServer, settings: Settings, store: Store
) -> None:
    feed = server.add(
        "/feed.xml",
        rss(
            item(
                server.url("/news/harbour?utm_source=rss"), "Harbour cranes fall silent", category="Business"
            )
            + item(server.url("/news/comet"), "Amateur astronomer spots new comet", category="Science")
        ),
        headers={"Content-Type": "application/rss+xml; charset=utf-8"},
    )
    [report] = refresh(settings, store, feed)
    assert (report.ok, report.new, report.failed) == (True, 2, 0)
    articles = {a.title: a for a in store.articles.latest(10)}
    harbour = articles["Harbour cranes fall silent"]
    # canonical URL from the page, tracking parameters removed; the id is its digest
    assert harbour.canonical_url == "https://www.test-gazette.example/business/harbour-cranes-silent"
    assert len(harbour.id) == 32 and all(c in "0123456789abcdef" for c in harbour.id)
    assert harbour.paragraphs[0].startswith("BRACKWATER (Test Gazette) —")
    assert len(harbour.paragraphs) >= 4
    text = " ".join(harbour.paragraphs)
    assert "newsletter" not in text.lower() and "Show comments" not in text and "Share this" not in text
    assert (
        harbour.section == "Business"
        and harbour.image_url == "https://www.test-gazette.example/img/cranes.jpg"
    )
    assert harbour.extraction_method == "page"
    assert articles["Amateur astronomer spots new comet"].section == "Science"
    healthy = source_for(store, feed)
    assert healthy.last_success_at is not None and healthy.last_error is None


def test_refetching_never_makes_a_second_row(server: FixtureServer, settings: Settings, store: Store) -> None:
    links = item(server.url("/news/harbour"), "Harbour cranes fall silent")
    first = server.add("/a.xml", rss(links), headers={"Content-Type": "application/rss+xml"}, etag='"a1"')
    # another feed links the same page with tracking parameters: same canonical URL, same row
    second = server.add(
        "/b.xml",
        rss(item(server.url("/news/harbour?utm_campaign=x"), "Cranes idle")),
        headers={"Content-Type": "application/rss+xml"},
    )
    refresh(settings, store, first)
    [again] = refresh(settings, store, first)  # conditional GET: 304
    assert again.not_modified and again.new == 0
    assert server.request_headers["/a.xml"][-1].get("if-none-match") == '"a1"'
    [other] = refresh(settings, store, second)
    assert other.new == 0 and other.unchanged == 1
    assert store.articles.count() == 1
    assert server.hits["/news/harbour"] == 1


def test_page_that_fails_falls_back_to_feed_content(
    server: FixtureServer, settings: Settings, store: Store
) -> None:
    server.add("/news/gone", "gone", status=410, headers={"Content-Type": "text/plain"})
    server.add("/news/report.pdf", b"%PDF-1.7 binary", headers={"Content-Type": "application/pdf"})
    feed = server.add(
        "/feed.xml",
        rss(
            item(server.url("/news/gone"), "Footbridge approved", content=FEED_CONTENT)
            + item(
                server.url("/private/members-only"),
                "Members only",
                content=FEED_CONTENT.replace("footbridge", "ferry"),
            )
            + f"<item><title>Annual report</title><link>{server.url('/news/report.pdf')}</link></item>"
        ),
        headers={"Content-Type": "application/rss+xml"},
    )
    [report] = refresh(settings, store, feed)
    assert report.new == 2 and report.from_feed_content == 2
    assert report.failed == 1  # the PDF, and a feed item with no text at all: nothing to show
    stored = {a.title: a for a in store.articles.latest(10)}
    assert stored["Footbridge approved"].extraction_method == "feed"
    assert stored["Footbridge approved"].paragraphs[0].startswith("GLENFORD (Test Gazette)")
    assert "/private/" not in str(server.hits)  # robots.txt was obeyed
    problems = {url.rsplit("/", 1)[1]: error for _, url, error, _ in store.sources.problems()}
    assert set(problems) == {"gone", "members-only", "report.pdf"}
    assert "410" in problems["gone"] and "feed's own text was stored" in problems["gone"]
    assert "robots.txt" in problems["members-only"]


BROKEN_FEEDS = [
    pytest.param(dict(body="missing", status=404), "404", id="404"),
    pytest.param(dict(body="gone", status=410), "410", id="410"),
    pytest.param(dict(body="oops", status=500), "500", id="500"),
    pytest.param(dict(body=rss(""), delay=3.0), "within", id="timeout"),
    pytest.param(
        dict(body=b"x" * 300_000, headers={"Content-Type": "application/rss+xml"}), "large", id="oversized"
    ),
    pytest.param(dict(body="<html><body><h1>Welcome</h1></body></html>"), "HTML", id="html-not-a-feed"),
    pytest.param(
        dict(body=b"\x89PNG\r\n\x1a\n" + bytes(200), headers={"Content-Type": "image/png"}), "", id="binary"
    ),
    pytest.param(dict(body="", headers={"Content-Type": "application/rss+xml"}), "", id="empty"),
]


@pytest.mark.parametrize(("route", "words"), BROKEN_FEEDS)
def test_broken_feed_is_recorded_and_stored_articles_survive(
    server: FixtureServer, settings: Settings, store: Store, route: dict[str, object], words: str
) -> None:
    feed = server.add(
        "/feed.xml",
        rss(item(server.url("/news/comet"), "Comet")),
        headers={"Content-Type": "application/rss+xml"},
    )
    refresh(settings, store, feed)
    assert store.articles.count() == 1
    server.add("/feed.xml", **route)  # type: ignore[arg-type]
    [report] = refresh(settings, store, feed)
    assert not report.ok and report.error
    assert words.lower() in report.error.lower()
    failing = source_for(store, feed)
    assert failing.consecutive_failures == 1 and failing.last_error == report.error
    assert failing.next_check_at is not None and failing.last_success_at is not None
    assert store.articles.count() == 1  # nothing stored is lost


def test_redirect_loop_is_recorded(server: FixtureServer, settings: Settings, store: Store) -> None:
    server.add("/loop-a", status=301, headers={"Location": server.url("/loop-b")})
    server.add("/loop-b", status=302, headers={"Location": server.url("/loop-a")})
    [report] = refresh(settings, store, server.url("/loop-a"))
    assert report.error and "redirect" in report.error.lower()


def test_malformed_xml_still_yields_items_with_a_warning(
    server: FixtureServer, settings: Settings, store: Store
) -> None:
    broken = rss(item(server.url("/news/comet"), "Comet &amp found") + "<item><title>Unclosed")
    feed = server.add("/feed.xml", broken, headers={"Content-Type": "application/rss+xml"})
    [report] = refresh(settings, store, feed)
    assert report.ok and report.new == 1
    assert source_for(store, feed).last_warning


def test_wrong_and_missing_encodings(server: FixtureServer, settings: Settings, store: Store) -> None:
    latin = rss(item(server.url("/news/comet"), "Café crème: comète découverte"), encoding="iso-8859-1")
    declared_latin = server.add(
        "/latin.xml", latin.encode("iso-8859-1"), headers={"Content-Type": "application/xml"}
    )
    # UTF-8 bytes served with no charset anywhere
    bare = rss(item(server.url("/news/harbour"), "Zürich dockers join — “solidarity”")).replace(
        ' encoding="utf-8"', ""
    )
    undeclared = server.add("/bare.xml", bare.encode("utf-8"), headers={"Content-Type": "application/xml"})
    reports = refresh(settings, store, declared_latin, undeclared)
    assert all(r.ok for r in reports), [r.error for r in reports]
    titles = {a.title for a in store.articles.latest(10)}
    assert titles == {"Café crème: comète découverte", "Zürich dockers join — “solidarity”"}


def test_failures_back_off(server: FixtureServer, settings: Settings, store: Store) -> None:
    feed = server.add("/feed.xml", "oops", status=503)
    refresh(settings, store, feed)
    first = source_for(store, feed)
    refresh(settings, store, feed)
    second = source_for(store, feed)
    assert first.next_check_at and second.next_check_at and first.last_checked_at and second.last_checked_at
    assert (second.next_check_at - second.last_checked_at) > (first.next_check_at - first.last_checked_at)
    assert second.consecutive_failures == 2


def test_an_overlong_link_is_skipped_and_the_rest_stored(
    server: FixtureServer, settings: Settings, store: Store
) -> None:
    long_link = server.url("/news/" + "x" * 2100)
    feed = server.add(
        "/feed.xml",
        rss(item(long_link, "Too long", content=FEED_CONTENT) + item(server.url("/news/comet"), "Comet")),
        headers={"Content-Type": "application/rss+xml"},
    )
    [report] = refresh(settings, store, feed)
    assert report.ok and (report.new, report.failed) == (1, 1)
    assert "2000" in report.item_errors[0]
    assert [a.title for a in store.articles.latest()] == ["Comet"]
