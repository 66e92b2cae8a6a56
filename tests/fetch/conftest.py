"""A Fetcher wired to httpx.MockTransport, a fake DNS and a virtual clock, so tests never touch a network."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
import pytest

from herald.config import Settings
from herald.fetch import Fetcher

PUBLIC_IP = "93.184.216.34"

Handler = (
    Callable[[httpx.Request], httpx.Response]
    | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
)


class FakeDNS:
    """Every name is public unless a test says otherwise; every lookup is recorded."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}
        self.lookups: list[str] = []
        self.unknown: set[str] = set()

    async def __call__(self, host: str) -> list[str]:
        self.lookups.append(host)
        if host in self.unknown:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.answers.get(host, [PUBLIC_IP])


class VirtualClock:
    """Time moves only when someone sleeps, so per-host spacing is checked without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def dns() -> FakeDNS:
    return FakeDNS()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


MakeFetcher = Callable[..., Fetcher]


@pytest.fixture
async def make_fetcher(dns: FakeDNS, clock: VirtualClock) -> AsyncIterator[MakeFetcher]:
    made: list[Fetcher] = []

    def make(handler: Handler, **overrides: Any) -> Fetcher:
        settings = Settings().with_overrides(**overrides)
        fetcher = Fetcher(
            settings, transport=httpx.MockTransport(handler), resolver=dns, clock=clock, sleep=clock.sleep
        )
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        await fetcher.aclose()


def html(body: str = "<html><body><p>Hello</p></body></html>", **headers: str) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8", **headers}, text=body)
