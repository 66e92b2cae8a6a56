"""robots.txt governs pages (fetched once per site), never feeds."""

from __future__ import annotations

import httpx
import pytest

from herald.errors import RobotsDisallowedError

from .conftest import MakeFetcher, html

ROBOTS = """
User-agent: *
Disallow: /private/

User-agent: Herald
Disallow: /no-herald/
"""


def site(robots: httpx.Response, log: list[str]) -> object:
    def handler(request: httpx.Request) -> httpx.Response:
        log.append(request.url.path)
        if request.url.path == "/robots.txt":
            return robots
        return html()

    return handler


async def test_disallowed_page_is_refused_and_allowed_page_fetched(make_fetcher: MakeFetcher) -> None:
    log: list[str] = []
    fetcher = make_fetcher(site(httpx.Response(200, text=ROBOTS), log))
    with pytest.raises(RobotsDisallowedError, match=r"robots\.txt of news\.example\.com"):
        await fetcher.fetch_page("https://news.example.com/no-herald/story")
    # A group naming Herald replaces the "*" group, so /private/ is open to us.
    assert (await fetcher.fetch_page("https://news.example.com/private/story")).status == 200
    assert log == ["/robots.txt", "/private/story"]  # robots.txt asked once; refused pages never requested


async def test_star_group_applies_when_no_group_names_us(make_fetcher: MakeFetcher) -> None:
    log: list[str] = []
    fetcher = make_fetcher(site(httpx.Response(200, text="User-agent: *\nDisallow: /private/\n"), log))
    with pytest.raises(RobotsDisallowedError):
        await fetcher.fetch_page("https://news.example.com/private/story")
    assert (await fetcher.fetch_page("https://news.example.com/world/story")).status == 200


async def test_robots_rules_are_per_site(make_fetcher: MakeFetcher) -> None:
    log: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        log.append(f"{request.url.host}{request.url.path}")
        if request.url.path == "/robots.txt":
            if request.url.host == "strict.example.com":
                return httpx.Response(200, text="User-agent: *\nDisallow: /\n")
            return httpx.Response(200, text="")
        return html()

    fetcher = make_fetcher(handler)
    with pytest.raises(RobotsDisallowedError):
        await fetcher.fetch_page("https://strict.example.com/a")
    assert (await fetcher.fetch_page("https://open.example.com/a")).status == 200


@pytest.mark.parametrize("status", [404, 410, 401, 403])
async def test_robots_4xx_allows_everything(make_fetcher: MakeFetcher, status: int) -> None:
    log: list[str] = []
    fetcher = make_fetcher(site(httpx.Response(status), log))
    assert (await fetcher.fetch_page("https://news.example.com/a")).status == 200
    assert (await fetcher.fetch_page("https://news.example.com/b")).status == 200
    assert log == ["/robots.txt", "/a", "/b"]


async def test_robots_5xx_allows_and_logs(
    make_fetcher: MakeFetcher, caplog: pytest.LogCaptureFixture
) -> None:
    log: list[str] = []
    fetcher = make_fetcher(site(httpx.Response(503), log))
    assert (await fetcher.fetch_page("https://news.example.com/a")).status == 200
    assert "robots.txt of news.example.com answered 503" in caplog.text


async def test_unreachable_robots_allows_and_logs(
    make_fetcher: MakeFetcher, caplog: pytest.LogCaptureFixture
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            raise httpx.ReadTimeout("slow", request=request)
        return html()

    fetcher = make_fetcher(handler)
    assert (await fetcher.fetch_page("https://news.example.com/a")).status == 200
    assert "robots.txt unavailable" in caplog.text


async def test_redirected_robots_is_followed(make_fetcher: MakeFetcher) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            if request.url.host == "example.com":
                return httpx.Response(301, headers={"location": "https://www.example.com/robots.txt"})
            return httpx.Response(200, text="User-agent: *\nDisallow: /\n")
        return html()

    with pytest.raises(RobotsDisallowedError):
        await make_fetcher(handler).fetch_page("https://example.com/story")


async def test_robots_checked_again_after_a_redirect_to_another_site(make_fetcher: MakeFetcher) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            text = "User-agent: *\nDisallow: /\n" if request.url.host == "paywall.example.com" else ""
            return httpx.Response(200, text=text)
        if request.url.host == "short.example.com":
            return httpx.Response(302, headers={"location": "https://paywall.example.com/story"})
        return html()

    with pytest.raises(RobotsDisallowedError, match="paywall"):
        await make_fetcher(handler).fetch_page("https://short.example.com/x")


async def test_feeds_ignore_robots(make_fetcher: MakeFetcher) -> None:
    log: list[str] = []
    fetcher = make_fetcher(site(httpx.Response(200, text="User-agent: *\nDisallow: /\n"), log))
    assert (await fetcher.fetch_feed("https://news.example.com/feed")).status == 200
    assert log == ["/feed"]


async def test_robots_can_be_switched_off(make_fetcher: MakeFetcher) -> None:
    log: list[str] = []
    fetcher = make_fetcher(
        site(httpx.Response(200, text="User-agent: *\nDisallow: /\n"), log), fetch_respect_robots=False
    )
    assert (await fetcher.fetch_page("https://news.example.com/a")).status == 200
    assert log == ["/a"]
