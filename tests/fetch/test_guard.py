"""The SSRF guard: only public http(s) addresses, unless the operator says otherwise."""

from __future__ import annotations

import httpx
import pytest

from herald.errors import UnsafeURLError

from .conftest import FakeDNS, MakeFetcher


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b"<rss/>")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.1.10", "private"),
        ("172.16.0.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata service
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),  # carrier-grade NAT
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
    ],
)
async def test_names_resolving_to_unsafe_addresses_are_refused(
    make_fetcher: MakeFetcher, dns: FakeDNS, address: str, reason: str
) -> None:
    dns.answers["evil.example.com"] = [address]
    fetcher = make_fetcher(ok)
    with pytest.raises(UnsafeURLError, match=reason):
        await fetcher.fetch_feed("http://evil.example.com/feed")


async def test_one_private_answer_among_public_ones_is_enough_to_refuse(
    make_fetcher: MakeFetcher, dns: FakeDNS
) -> None:
    dns.answers["mixed.example.com"] = ["93.184.216.34", "127.0.0.1"]
    with pytest.raises(UnsafeURLError):
        await make_fetcher(ok).fetch_feed("http://mixed.example.com/feed")


@pytest.mark.parametrize("url", ["http://127.0.0.1/feed", "http://[::1]:8000/feed", "http://10.0.0.1/"])
async def test_ip_literals_are_checked_without_dns(make_fetcher: MakeFetcher, dns: FakeDNS, url: str) -> None:
    with pytest.raises(UnsafeURLError):
        await make_fetcher(ok).fetch_feed(url)
    assert dns.lookups == []


@pytest.mark.parametrize("url", ["ftp://news.example.com/feed", "file:///etc/passwd", "gopher://x/"])
async def test_other_schemes_are_refused(make_fetcher: MakeFetcher, url: str) -> None:
    with pytest.raises(UnsafeURLError, match="Only http and https"):
        await make_fetcher(ok).fetch_feed(url)


async def test_allowed_host_and_port_pass(make_fetcher: MakeFetcher, dns: FakeDNS) -> None:
    dns.answers["samples.local"] = ["127.0.0.1"]
    fetcher = make_fetcher(ok, fetch_allowed_hosts=("127.0.0.1:8731", "samples.local:80"))
    assert (await fetcher.fetch_feed("http://127.0.0.1:8731/feed")).status == 200
    assert (await fetcher.fetch_feed("http://samples.local/feed")).status == 200  # port 80 by default
    with pytest.raises(UnsafeURLError, match="fetch_allowed_hosts"):
        await fetcher.fetch_feed("http://127.0.0.1:8732/feed")  # another port of the same host
    with pytest.raises(UnsafeURLError):
        await fetcher.fetch_feed("https://samples.local/feed")  # https defaults to port 443


async def test_private_networks_allowed_by_setting(make_fetcher: MakeFetcher, dns: FakeDNS) -> None:
    fetcher = make_fetcher(ok, fetch_allow_private_networks=True)
    assert (await fetcher.fetch_feed("http://192.168.1.2/feed")).status == 200
    with pytest.raises(UnsafeURLError):
        await fetcher.fetch_feed("ftp://192.168.1.2/feed")  # the scheme rule still holds


async def test_public_names_pass_after_lookup(make_fetcher: MakeFetcher, dns: FakeDNS) -> None:
    result = await make_fetcher(ok).fetch_feed("https://news.example.com/feed")
    assert result.status == 200
    assert dns.lookups == ["news.example.com"]
