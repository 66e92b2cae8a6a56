"""Ingest throughput: articles per second through fetch, parse, extract and store (the real pipeline
against the sample pack served on loopback), beside trafilatura alone on the same pages in the same run; and
the same pipeline with understanding (embedding, names, copies, stories, related) beside it without, rounds
interleaved so that both see the same machine.

Usage: python bench/ingest.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import trafilatura

from herald.app import make_extract_executor
from herald.config import Settings
from herald.extract import extract_article
from herald.fetch import Fetcher
from herald.parse import parse_feed
from herald.pipeline import Pipeline
from herald.samplepack import sample_sources
from herald.store import Store

SERVE = (
    "import time\nfrom herald.samplepack import SamplePackServer\n"
    "SamplePackServer(port={port}).start()\nwhile True: time.sleep(3600)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base_url: str) -> None:
    for _ in range(100):
        try:
            httpx.get(base_url + "/robots.txt", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the sample pack server did not start")


def article_pages(base_url: str) -> list[bytes]:
    pages = []
    with httpx.Client() as client:
        for spec in sample_sources(base_url):
            feed = client.get(spec.feed_url)
            for item in parse_feed(feed.content, url=spec.feed_url).items:
                response = client.get(item.url)
                if response.status_code == 200 and "html" in response.headers.get("content-type", ""):
                    pages.append(response.content)
    return pages


def trafilatura_alone(pages: list[bytes]) -> float:
    """Pages per second, one process, extraction only."""
    start = time.perf_counter()
    for page in pages:
        trafilatura.extract(page, favor_precision=True, include_comments=False)
    return len(pages) / (time.perf_counter() - start)


def herald_extract_alone(pages: list[bytes]) -> float:
    """Pages per second, one process, Herald's extraction (trafilatura, cleanup, metadata) only."""
    start = time.perf_counter()
    for page in pages:
        extract_article(page, url="http://127.0.0.1/page")
    return len(pages) / (time.perf_counter() - start)


async def pipeline_round(settings: Settings, base_url: str, executor: object) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings.with_overrides(data_dir=Path(tmp))
        store = Store(f"sqlite:///{Path(tmp) / 'herald.db'}")
        for spec in sample_sources(base_url):
            store.sources.add(spec)
        sources = store.sources.list()
        start = time.perf_counter()
        async with Fetcher(settings) as fetcher:
            pipeline = Pipeline(settings, store, fetcher, executor)  # type: ignore[arg-type]
            reports = await pipeline.refresh_many(sources)
        elapsed = time.perf_counter() - start
        store.close()
    return sum(r.new for r in reports), elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    # The sample server runs in its own process, as a publisher's server would, so that it does not share
    # this process's interpreter lock with the pipeline being measured.
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVE.format(port=port)])
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url)
        settings = Settings(
            fetch_allowed_hosts=(base_url.split("//", 1)[1],),
            fetch_per_host_delay_seconds=0.0,
            fetch_per_host_concurrency=8,
            extract_workers=2,
        )
        pages = article_pages(base_url)
        trafilatura_alone(pages[:5])  # warm up imports and caches
        baseline = statistics.median(trafilatura_alone(pages) for _ in range(args.rounds))
        herald_extract_alone(pages[:5])
        extract_only = statistics.median(herald_extract_alone(pages) for _ in range(args.rounds))
        executor = make_extract_executor(settings)
        plain = settings.with_overrides(understanding=False)
        asyncio.run(pipeline_round(settings, base_url, executor))  # warm up worker processes and the model
        rounds = []
        understood = []
        for _ in range(args.rounds):
            rounds.append(asyncio.run(pipeline_round(plain, base_url, executor)))
            understood.append(asyncio.run(pipeline_round(settings, base_url, executor)))
        executor.shutdown()  # type: ignore[attr-defined]
    finally:
        server.terminate()
        server.wait(timeout=10)
    new = rounds[0][0]
    rates = [n / t for n, t in rounds]
    rate = statistics.median(rates)
    print(f"sample pack: {len(pages)} article pages, {new} articles stored per round, {args.rounds} rounds")
    print(f"trafilatura alone (1 process, extraction only): {baseline:7.1f} pages/s")
    print(f"Herald extraction alone (1 process, cleanup and metadata included): {extract_only:7.1f} pages/s")
    print(f"Herald pipeline (fetch+parse+extract+store, 2 extraction workers): {rate:7.1f} articles/s")
    with_understanding = statistics.median(n / t for n, t in understood)
    print(
        "Herald pipeline with understanding (embedding, copies, stories, related): "
        f"{with_understanding:7.1f} articles/s"
    )
    print(f"ratio Herald extraction / trafilatura alone: {extract_only / baseline:.2f}")
    print(f"ratio pipeline / trafilatura alone: {rate / baseline:.2f}")
    print(f"ratio pipeline with understanding / without: {with_understanding / rate:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
