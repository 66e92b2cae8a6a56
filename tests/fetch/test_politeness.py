"""Concurrency caps and per-host spacing, observed from the server's side of a mocked network."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter

import httpx

from .conftest import MakeFetcher, VirtualClock, html


class Watcher:
    """Counts requests in flight, per host and overall, and keeps the peaks."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.in_flight: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.peak_total = 0
        self.starts: dict[str, list[float]] = {}

    async def handler(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.in_flight[host] += 1
        self.peak[host] = max(self.peak[host], self.in_flight[host])
        self.peak_total = max(self.peak_total, sum(self.in_flight.values()))
        self.starts.setdefault(host, []).append(self.clock())
        for _ in range(5):  # stay in flight long enough for others to pile up
            await asyncio.sleep(0)
        self.in_flight[host] -= 1
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return html()


async def test_per_host_and_total_concurrency_are_never_exceeded(
    make_fetcher: MakeFetcher, clock: VirtualClock
) -> None:
    watcher = Watcher(clock)
    fetcher = make_fetcher(
        watcher.handler, fetch_concurrency=3, fetch_per_host_concurrency=2, fetch_per_host_delay_seconds=0
    )
    urls = [f"https://{host}.example.com/feed/{n}" for host in "abcd" for n in range(8)]
    results = await asyncio.gather(*(fetcher.fetch_feed(url) for url in urls))

    assert all(result.status == 200 for result in results)
    assert max(watcher.peak.values()) == 2  # reached, never passed
    assert watcher.peak_total == 3


async def test_starts_to_one_host_are_spaced_by_the_delay(
    make_fetcher: MakeFetcher, clock: VirtualClock
) -> None:
    watcher = Watcher(clock)
    fetcher = make_fetcher(watcher.handler, fetch_per_host_concurrency=4, fetch_per_host_delay_seconds=1.5)
    urls = [f"https://{host}.example.com/{n}" for host in "ab" for n in range(4)]
    await asyncio.gather(*(fetcher.fetch_feed(url) for url in urls))

    for host in ("a.example.com", "b.example.com"):
        starts = sorted(watcher.starts[host])
        gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
        assert len(starts) == 4
        assert all(gap >= 1.5 for gap in gaps), gaps
    # Hosts do not wait for each other: only the three later requests of each host slept.
    assert len(clock.sleeps) == 6


async def test_robots_is_fetched_once_for_concurrent_pages(
    make_fetcher: MakeFetcher, clock: VirtualClock
) -> None:
    watcher = Watcher(clock)
    fetcher = make_fetcher(watcher.handler, fetch_per_host_delay_seconds=0)
    await asyncio.gather(*(fetcher.fetch_page(f"https://news.example.com/{n}") for n in range(6)))
    assert len(watcher.starts["news.example.com"]) == 7  # six pages and one robots.txt
