"""The scheduler refreshes what is due, once, and leaves the rest for later."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from herald.config import Settings
from herald.fetch import Fetcher
from herald.models import SourceSpec
from herald.pipeline import Pipeline
from herald.scheduler import Scheduler
from herald.store import Store
from tests.fixture_server import running_server
from tests.pipeline.test_refresh import FIXTURES, item, rss


def test_due_feeds_are_refreshed_once(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        fetch_allow_private_networks=True,
        fetch_per_host_delay_seconds=0.0,
        extract_workers=0,
    )
    store = Store(settings.resolved_database_url)
    with running_server() as server:
        server.add("/robots.txt", "", headers={"Content-Type": "text/plain"})
        server.add("/news/comet", (FIXTURES / "page-comet.html").read_bytes())
        feed = server.add(
            "/feed.xml",
            rss(item(server.url("/news/comet"), "Comet")),
            headers={"Content-Type": "application/rss+xml"},
        )
        paused, _ = store.sources.add(SourceSpec(feed_url=server.url("/paused.xml"), publisher="Paused"))
        store.sources.set_enabled(paused.id, False)
        store.sources.add(SourceSpec(feed_url=feed, publisher="Gazette"))

        async def rounds() -> tuple[int, int]:
            with ThreadPoolExecutor(max_workers=1) as pool:
                async with Fetcher(settings) as fetcher:
                    scheduler = Scheduler(Pipeline(settings, store, fetcher, pool))
                    first = await scheduler.run_once()
                    second = await scheduler.run_once()  # nothing is due any more
                    return len(first), len(second)

        assert asyncio.run(rounds()) == (1, 0)
        assert server.hits.get("/feed.xml") == 1 and "/paused.xml" not in server.hits
    [article] = store.articles.latest()
    assert article.title == "Comet"
    source = next(s for s in store.sources.list() if s.feed_url == feed)
    assert source.next_check_at is not None and source.last_checked_at is not None
    assert source.next_check_at > source.last_checked_at
    store.close()
