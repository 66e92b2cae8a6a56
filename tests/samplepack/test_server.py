"""The HTTP behaviour a polite fetcher depends on: validators, 304s, content types, errors."""

from __future__ import annotations

import re
from email.utils import format_datetime

import httpx
import pytest

from herald.samplepack import Pack, SamplePackServer, sample_sources

from .conftest import NOW


def test_start_picks_a_free_port_and_stop_releases_it() -> None:
    server = SamplePackServer(now=NOW)
    with pytest.raises(RuntimeError):
        _ = server.base_url
    base_url = server.start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        assert server.base_url == base_url
        assert httpx.get(base_url + "/robots.txt").status_code == 200
    finally:
        server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(base_url + "/robots.txt")


def test_sample_sources_point_at_the_feeds(
    server: SamplePackServer, pack: Pack, client: httpx.Client
) -> None:
    sources = sample_sources(server.base_url + "/")
    assert len(sources) == len(pack.outlets)
    for source in sources:
        assert source.feed_url.startswith(server.base_url + "/")
        assert source.home_url and source.home_url.startswith("https://") and ".example/" in source.home_url
        assert source.publisher and source.country and len(source.country) == 2 and source.language
        assert source.section is None
        assert client.get(source.feed_url).status_code == 200


def test_unknown_paths_are_404(client: httpx.Client) -> None:
    for path in ("/nowhere", "/northgate/private/secret", "/img/none.svg", "/northgate/feed.json"):
        assert client.get(path).status_code == 404


def test_robots_allows_all_but_private_corners(client: httpx.Client) -> None:
    response = client.get("/robots.txt")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "User-agent: *" in response.text
    assert "Disallow: /northgate/private/" in response.text


def test_feed_answers_304_to_a_matching_etag(client: httpx.Client) -> None:
    first = client.get("/northgate/feed.xml")
    etag = first.headers["etag"]
    again = client.get("/northgate/feed.xml", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = client.get("/northgate/feed.xml", headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    stale = client.get("/northgate/feed.xml", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_feed_answers_304_to_if_modified_since(client: httpx.Client, pack: Pack) -> None:
    first = client.get("/harbour/feed.atom")
    last_modified = first.headers["last-modified"]
    newest = pack.feed_articles("harbour")[0].published(NOW)
    assert last_modified == format_datetime(newest, usegmt=True)
    assert client.get("/harbour/feed.atom", headers={"If-Modified-Since": last_modified}).status_code == 304
    earlier = format_datetime(NOW.replace(year=2025), usegmt=True)
    assert client.get("/harbour/feed.atom", headers={"If-Modified-Since": earlier}).status_code == 200
    garbage = client.get("/harbour/feed.atom", headers={"If-Modified-Since": "yesterday-ish"})
    assert garbage.status_code == 200


def test_if_none_match_wins_over_if_modified_since(client: httpx.Client) -> None:
    first = client.get("/valle/feed.xml")
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": first.headers["last-modified"]}
    assert client.get("/valle/feed.xml", headers=headers).status_code == 200


def test_head_sends_headers_without_a_body(client: httpx.Client) -> None:
    got = client.get("/meridian/feed.json")
    head = client.head("/meridian/feed.json")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["etag"] == got.headers["etag"]


def test_broken_page_answers_500(client: httpx.Client, pack: Pack) -> None:
    broken = next(a for a in pack.articles if a.page_status != 200)
    response = client.get(f"/{broken.outlet}/{pack.article_path(broken)}")
    assert response.status_code == 500
    assert "etag" not in response.headers


def test_tracking_parameters_do_not_change_the_page(client: httpx.Client, pack: Pack) -> None:
    article = pack.articles_of("northgate")[0]
    path = f"/northgate/{pack.article_path(article)}"
    plain = client.get(path)
    tracked = client.get(path + "?utm_source=rss&utm_medium=feed")
    assert plain.status_code == tracked.status_code == 200
    assert plain.content == tracked.content
