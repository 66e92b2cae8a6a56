"""Feeds and pages over a mocked network: what comes back, what is sent, and the words of each failure."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from herald.errors import FetchError, FetchTimeoutError, HTTPStatusError, UnsupportedContentError
from herald.fetch import Fetcher

from .conftest import FakeDNS, MakeFetcher, html

RSS = b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title></channel></rss>"


async def test_feed_200_returns_body_and_validators(make_fetcher: MakeFetcher) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            headers={
                "Content-Type": 'Application/RSS+XML; charset="ISO-8859-1"',
                "ETag": '"v1"',
                "Last-Modified": "Wed, 01 Jan 2025 10:00:00 GMT",
                "Cache-Control": "public, max-age=900",
                "X-Extra": "yes",
            },
            content=RSS,
        )

    fetcher = make_fetcher(handler, user_agent="HeraldTest/1.0 (+mailto:ops@example.org)")
    result = await fetcher.fetch_feed("https://news.example.com/feed.xml")

    assert result.status == 200
    assert result.body == RSS
    assert result.url == "https://news.example.com/feed.xml"
    assert result.content_type == "application/rss+xml"
    assert result.charset == "iso-8859-1"
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 01 Jan 2025 10:00:00 GMT"
    assert result.max_age_seconds == 900
    assert result.headers["x-extra"] == "yes"
    assert not result.not_modified
    request = seen[0]
    assert request.headers["user-agent"] == "HeraldTest/1.0 (+mailto:ops@example.org)"
    assert "application/rss+xml" in request.headers["accept"]
    assert "application/atom+xml" in request.headers["accept"]
    assert "application/feed+json" in request.headers["accept"]
    assert "if-none-match" not in request.headers
    assert "if-modified-since" not in request.headers


async def test_feed_conditional_get_sends_validators_and_reads_304(make_fetcher: MakeFetcher) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, content=RSS)

    fetcher = make_fetcher(handler)
    result = await fetcher.fetch_feed(
        "https://news.example.com/feed.xml", etag='"v1"', last_modified="Wed, 01 Jan 2025 10:00:00 GMT"
    )

    assert result.not_modified
    assert result.status == 304
    assert result.body == b""
    assert result.etag == '"v1"'
    assert seen[0].headers["if-modified-since"] == "Wed, 01 Jan 2025 10:00:00 GMT"


async def test_expires_minus_date_gives_max_age(make_fetcher: MakeFetcher) -> None:
    headers = {"Date": "Wed, 01 Jan 2025 10:00:00 GMT", "Expires": "Wed, 01 Jan 2025 11:00:00 GMT"}
    fetcher = make_fetcher(lambda r: httpx.Response(200, headers=headers, content=RSS))
    result = await fetcher.fetch_feed("https://news.example.com/feed.xml")
    assert result.max_age_seconds == 3600


@pytest.mark.parametrize(
    ("status", "words", "permanent"),
    [
        (404, "not found", True),
        (410, "gone for good", True),
        (429, "asked us to slow down", False),
        (500, "server error", False),
        (503, "server error", False),
        (403, "access is refused", False),
    ],
)
async def test_http_errors_speak_words(
    make_fetcher: MakeFetcher, status: int, words: str, permanent: bool
) -> None:
    fetcher = make_fetcher(lambda r: httpx.Response(status, text="<html>error page</html>"))
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher.fetch_feed("https://news.example.com/feed.xml")
    assert caught.value.status == status
    assert caught.value.permanent is permanent
    assert words in str(caught.value)
    assert f"{status} " in str(caught.value)


async def test_timeout_becomes_fetch_timeout_error(make_fetcher: MakeFetcher) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    fetcher = make_fetcher(handler, fetch_timeout_seconds=20.0)
    with pytest.raises(FetchTimeoutError, match="did not answer within 20 seconds"):
        await fetcher.fetch_feed("https://slow.example.com/feed.xml")


async def test_connection_refused_in_words(make_fetcher: MakeFetcher) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except ConnectionRefusedError as exc:
            raise httpx.ConnectError("All connection attempts failed", request=request) from exc

    fetcher = make_fetcher(handler)
    with pytest.raises(FetchError, match=r"refused the connection .*down\.example\.com:443"):
        await fetcher.fetch_feed("https://down.example.com/feed.xml")


async def test_dns_failure_in_words(make_fetcher: MakeFetcher, dns: FakeDNS) -> None:
    dns.unknown.add("nowhere.example")
    fetcher = make_fetcher(lambda r: httpx.Response(200))
    with pytest.raises(FetchError, match=r"Could not find the server nowhere\.example"):
        await fetcher.fetch_feed("https://nowhere.example/feed.xml")


async def test_invalid_url_is_a_fetch_error(make_fetcher: MakeFetcher) -> None:
    fetcher = make_fetcher(lambda r: httpx.Response(200))
    with pytest.raises(FetchError, match="not a valid web address"):
        await fetcher.fetch_feed("http://[not-an-ip/feed")


async def test_page_200_asks_for_html(make_fetcher: MakeFetcher) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return html()

    fetcher = make_fetcher(handler)
    result = await fetcher.fetch_page("https://news.example.com/story")
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert b"Hello" in result.body
    page_request = seen[-1]
    assert page_request.headers["accept"].startswith("text/html")


@pytest.mark.parametrize("content_type", ["application/pdf", "image/jpeg", "application/rss+xml"])
async def test_page_refuses_non_html_without_reading_it(make_fetcher: MakeFetcher, content_type: str) -> None:
    read: list[bool] = []

    async def body() -> AsyncIterator[bytes]:
        read.append(True)
        yield b"%PDF-1.7 ..."

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, headers={"content-type": content_type}, content=body())

    fetcher = make_fetcher(handler)
    with pytest.raises(UnsupportedContentError, match=content_type.replace("+", r"\+")):
        await fetcher.fetch_page("https://news.example.com/report.pdf")
    assert read == []


async def test_page_accepts_xhtml(make_fetcher: MakeFetcher) -> None:
    fetcher = make_fetcher(
        lambda r: httpx.Response(200, headers={"content-type": "application/xhtml+xml"}, text="<html/>"),
        fetch_respect_robots=False,
    )
    result = await fetcher.fetch_page("https://news.example.com/story")
    assert result.content_type == "application/xhtml+xml"


async def test_fetcher_is_an_async_context_manager(dns: FakeDNS) -> None:
    from herald.config import Settings

    async with Fetcher(Settings(), transport=httpx.MockTransport(lambda r: html()), resolver=dns) as fetcher:
        result = await fetcher.fetch_feed("https://news.example.com/feed")
    assert result.status == 200
    assert fetcher._client.is_closed
