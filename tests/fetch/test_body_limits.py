"""The body cap holds for declared, streamed and compressed bodies."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest

from herald.errors import FetchError, ResponseTooLargeError, UnsupportedContentError

from .conftest import MakeFetcher

CAP = 10_000


async def chunks(data: bytes, size: int = 1024, sent: list[int] | None = None) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        if sent is not None:
            sent.append(start)
        yield data[start : start + size]


async def test_declared_length_over_the_cap_is_refused_before_reading(make_fetcher: MakeFetcher) -> None:
    sent: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-length": str(CAP * 10)}
        return httpx.Response(200, headers=headers, content=chunks(b"x" * CAP * 10, sent=sent))

    fetcher = make_fetcher(handler, fetch_max_bytes=CAP)
    with pytest.raises(ResponseTooLargeError, match="larger than 10,000 bytes"):
        await fetcher.fetch_feed("https://news.example.com/feed")
    assert sent == []


async def test_streamed_body_without_length_stops_at_the_cap(make_fetcher: MakeFetcher) -> None:
    sent: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks(b"x" * CAP * 100, sent=sent))

    fetcher = make_fetcher(handler, fetch_max_bytes=CAP)
    with pytest.raises(ResponseTooLargeError):
        await fetcher.fetch_feed("https://news.example.com/feed")
    assert len(sent) <= CAP // 1024 + 1  # reading stopped as soon as the cap was passed


async def test_body_at_the_cap_is_accepted(make_fetcher: MakeFetcher) -> None:
    fetcher = make_fetcher(lambda r: httpx.Response(200, content=chunks(b"x" * CAP)), fetch_max_bytes=CAP)
    result = await fetcher.fetch_feed("https://news.example.com/feed")
    assert len(result.body) == CAP


@pytest.mark.parametrize("streamed", [True, False])
async def test_gzip_bomb_is_caught_on_decoded_size(make_fetcher: MakeFetcher, streamed: bool) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(bomb) < CAP  # small on the wire, so only the decoded count can catch it

    def handler(request: httpx.Request) -> httpx.Response:
        content = chunks(bomb) if streamed else bomb
        return httpx.Response(200, headers={"content-encoding": "gzip"}, content=content)

    fetcher = make_fetcher(handler, fetch_max_bytes=CAP)
    with pytest.raises(ResponseTooLargeError):
        await fetcher.fetch_feed("https://news.example.com/feed")


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send it
    ],
)
async def test_compressed_bodies_are_decoded(
    make_fetcher: MakeFetcher, encoding: str, compress: object
) -> None:
    text = b"<rss>" + b"news " * 1000 + b"</rss>"
    packed = compress(text)  # type: ignore[operator]
    fetcher = make_fetcher(
        lambda r: httpx.Response(200, headers={"content-encoding": encoding}, content=chunks(packed, 100))
    )
    result = await fetcher.fetch_feed("https://news.example.com/feed")
    assert result.body == text


async def test_unknown_compression_is_refused(make_fetcher: MakeFetcher) -> None:
    fetcher = make_fetcher(
        lambda r: httpx.Response(200, headers={"content-encoding": "br"}, content=chunks(b"??"))
    )
    with pytest.raises(UnsupportedContentError, match="br"):
        await fetcher.fetch_feed("https://news.example.com/feed")


async def test_damaged_gzip_is_a_fetch_error(make_fetcher: MakeFetcher) -> None:
    fetcher = make_fetcher(
        lambda r: httpx.Response(
            200, headers={"content-encoding": "gzip"}, content=chunks(b"not gzip at all")
        )
    )
    with pytest.raises(FetchError, match="damaged"):
        await fetcher.fetch_feed("https://news.example.com/feed")


async def test_only_decodable_encodings_are_asked_for(make_fetcher: MakeFetcher) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"")

    await make_fetcher(handler).fetch_feed("https://news.example.com/feed")
    assert seen[0].headers["accept-encoding"] == "gzip, deflate"
