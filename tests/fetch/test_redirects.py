"""Redirects are followed by hand: each hop is counted, checked for loops and guarded against SSRF."""

from __future__ import annotations

import httpx
import pytest

from herald.errors import TooManyRedirectsError, UnsafeURLError

from .conftest import FakeDNS, MakeFetcher


def redirect(to: str, status: int = 301) -> httpx.Response:
    return httpx.Response(status, headers={"location": to})


async def test_redirect_chain_is_followed_to_the_final_url(make_fetcher: MakeFetcher) -> None:
    hops = {
        "/old": redirect("https://new.example.com/moved", 301),
        "/moved": redirect("/final?x=1", 302),  # relative Location
        "/final": httpx.Response(200, headers={"ETag": '"e"'}, content=b"<rss/>"),
    }
    fetcher = make_fetcher(lambda r: hops[r.url.path], fetch_max_redirects=2)
    result = await fetcher.fetch_feed("https://old.example.com/old")
    assert result.url == "https://new.example.com/final?x=1"
    assert result.body == b"<rss/>"
    assert result.etag == '"e"'


async def test_redirect_loop_is_named(make_fetcher: MakeFetcher) -> None:
    hops = {"/a": redirect("/b"), "/b": redirect("/a")}
    fetcher = make_fetcher(lambda r: hops[r.url.path], fetch_max_redirects=10)
    with pytest.raises(TooManyRedirectsError, match="loop"):
        await fetcher.fetch_feed("https://news.example.com/a")


async def test_chain_longer_than_the_limit_fails(make_fetcher: MakeFetcher) -> None:
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request.url.path)
        step = int(request.url.path.strip("/"))
        return redirect(f"/{step + 1}", 307)

    fetcher = make_fetcher(handler, fetch_max_redirects=3)
    with pytest.raises(TooManyRedirectsError, match="more than 3"):
        await fetcher.fetch_feed("https://news.example.com/0")
    assert requests == ["/0", "/1", "/2", "/3"]  # the fourth redirect is never followed


async def test_exactly_the_limit_is_allowed(make_fetcher: MakeFetcher) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        step = int(request.url.path.strip("/"))
        return redirect(f"/{step + 1}") if step < 3 else httpx.Response(200, content=b"ok")

    fetcher = make_fetcher(handler, fetch_max_redirects=3)
    result = await fetcher.fetch_feed("https://news.example.com/0")
    assert result.url == "https://news.example.com/3"


async def test_redirect_to_a_private_address_is_refused(make_fetcher: MakeFetcher, dns: FakeDNS) -> None:
    dns.answers["intranet.example.com"] = ["10.0.0.5"]
    requested: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        return redirect("http://intranet.example.com/admin")

    fetcher = make_fetcher(handler)
    with pytest.raises(UnsafeURLError, match=r"private network address \(10\.0\.0\.5\)"):
        await fetcher.fetch_feed("https://news.example.com/feed")
    assert requested == ["https://news.example.com/feed"]


async def test_redirect_to_loopback_literal_and_other_scheme_are_refused(make_fetcher: MakeFetcher) -> None:
    targets = {"/a": redirect("http://127.0.0.1:8080/"), "/b": redirect("file:///etc/passwd")}
    fetcher = make_fetcher(lambda r: targets[r.url.path])
    with pytest.raises(UnsafeURLError, match="loopback"):
        await fetcher.fetch_feed("https://news.example.com/a")
    with pytest.raises(UnsafeURLError, match="Only http and https"):
        await fetcher.fetch_feed("https://news.example.com/b")
