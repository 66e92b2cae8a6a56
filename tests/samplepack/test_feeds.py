"""Each outlet's feed, read back the way Herald's parse stage will read it."""

from __future__ import annotations

import json
from calendar import timegm
from datetime import UTC, datetime, timedelta

import feedparser
import httpx
import pytest

from herald.samplepack import Pack

from .conftest import NOW

XML_FORMATS = {"rss": ("application/rss+xml", "rss20"), "atom": ("application/atom+xml", "atom10")}


def _outlet_keys(fmt: str) -> list[str]:
    from herald.samplepack import load_pack

    return [o.key for o in load_pack().outlets if o.feed_format == fmt]


@pytest.mark.parametrize("key", _outlet_keys("rss") + _outlet_keys("atom"))
def test_xml_feeds_parse_cleanly_with_every_item(key: str, pack: Pack, client: httpx.Client) -> None:
    outlet = pack.outlet(key)
    response = client.get(outlet.feed_path)
    media_type, version = XML_FORMATS[outlet.feed_format]
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == version
    expected = pack.feed_articles(key)
    assert [e.title for e in parsed.entries] == [a.title for a in expected]
    for entry, article in zip(parsed.entries, expected, strict=True):
        assert entry.link.startswith(str(client.base_url) + f"/{article.outlet}/")
        assert entry.summary == article.summary
        assert entry.author == article.author
        assert [t.term for t in entry.tags] == [article.section]
        published = datetime.fromtimestamp(timegm(entry.published_parsed), UTC)
        assert published == article.published(NOW)
    assert parsed.feed.language == outlet.language


@pytest.mark.parametrize("key", _outlet_keys("json"))
def test_json_feeds_follow_json_feed_1_1(key: str, pack: Pack, client: httpx.Client) -> None:
    # feedparser 6 does not read JSON Feed, so the structure is checked against the spec's required fields.
    outlet = pack.outlet(key)
    response = client.get(outlet.feed_path)
    assert response.headers["content-type"] == "application/feed+json; charset=utf-8"
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["home_page_url"] == outlet.home_url
    assert feed["feed_url"] == str(client.base_url) + outlet.feed_path
    expected = pack.feed_articles(key)
    assert [item["title"] for item in feed["items"]] == [a.title for a in expected]
    for item, article in zip(feed["items"], expected, strict=True):
        assert item["id"] and item["url"].startswith(str(client.base_url))
        assert item.get("content_html") or item.get("content_text")
        assert datetime.fromisoformat(item["date_published"]) == article.published(NOW)
        assert item["authors"] == [{"name": article.author}]
        assert item["tags"][0] == article.section


def test_newest_item_is_as_fresh_as_the_pack_says(pack: Pack, client: httpx.Client) -> None:
    feed = json.loads(client.get("/meridian/feed.json").content)
    newest = min(a.hours_ago for a in pack.articles_of("meridian"))
    assert datetime.fromisoformat(feed["items"][0]["date_published"]) == (NOW - timedelta(hours=newest))


def test_every_feed_link_leads_to_its_page_or_to_the_broken_one(pack: Pack, client: httpx.Client) -> None:
    statuses = {}
    for outlet in pack.outlets:
        parsed = feedparser.parse(client.get(outlet.feed_path).content)
        links = [e.link for e in parsed.entries] or [
            i["url"] for i in json.loads(client.get(outlet.feed_path).content)["items"]
        ]
        for link in links:
            statuses[link] = client.get(link).status_code
    assert sorted(statuses.values()).count(500) == 1
    assert set(statuses.values()) == {200, 500}


def test_the_broken_pages_item_carries_the_whole_article(pack: Pack, client: httpx.Client) -> None:
    broken = next(a for a in pack.articles if a.page_status != 200)
    parsed = feedparser.parse(client.get(pack.outlet(broken.outlet).feed_path).content)
    entry = next(e for e in parsed.entries if e.title == broken.title)
    content = entry.content[0].value
    for paragraph in broken.paragraphs:
        assert paragraph.replace("&", "&amp;") in content


def test_the_shared_item_has_one_url_in_both_feeds(pack: Pack, client: httpx.Client) -> None:
    shared = next(a for a in pack.articles if a.also_in)
    links = []
    for key in (shared.outlet, *shared.also_in):
        parsed = feedparser.parse(client.get(pack.outlet(key).feed_path).content)
        links.append(next(e.link for e in parsed.entries if e.title == shared.title))
    assert len(set(links)) == 1


def test_tracking_outlets_decorate_their_feed_links(pack: Pack, client: httpx.Client) -> None:
    for outlet in pack.outlets:
        if outlet.feed_format == "json":
            continue
        parsed = feedparser.parse(client.get(outlet.feed_path).content)
        own = [e.link for e in parsed.entries if f"/{outlet.key}/" in e.link]
        assert all(("utm_source=rss" in link) == outlet.tracking for link in own), outlet.key
