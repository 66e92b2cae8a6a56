"""What `make run` does, as a test: the sample pack over real HTTP, through the pipeline, onto the site."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient

from herald.config import Settings
from herald.fetch import Fetcher
from herald.pipeline import Pipeline
from herald.samplepack import SamplePackServer, load_pack, sample_sources
from herald.store import Store
from herald.web import create_app


def test_sample_pack_fills_the_site(tmp_path: Path) -> None:
    pack = load_pack()
    with SamplePackServer() as server:
        settings = Settings(
            data_dir=tmp_path,
            fetch_allowed_hosts=(server.base_url.split("//", 1)[1],),
            fetch_per_host_delay_seconds=0.0,
            fetch_per_host_concurrency=8,
            extract_workers=0,
        )
        store = Store(settings.resolved_database_url)

        async def ingest() -> None:
            with ThreadPoolExecutor(max_workers=2) as pool:
                async with Fetcher(settings) as fetcher:
                    pipeline = Pipeline(settings, store, fetcher, pool)
                    pipeline.add_sources(sample_sources(server.base_url))
                    reports = await pipeline.refresh_many(store.sources.list())
                    assert all(r.ok for r in reports), [r.error for r in reports]
                    assert sum(r.from_feed_content for r in reports) >= 1  # the page that answers 500

        asyncio.run(ingest())
    articles = store.articles.latest(500)
    # one row per article although one item is in two outlets' feeds
    assert len(articles) == len(pack.articles) == len({a.canonical_url for a in articles})
    from_pages = [a for a in articles if a.extraction_method == "page"]
    assert len(from_pages) == len(articles) - 1  # all but the page that answers 500
    # pages declare their publisher's canonical address; the fall-back keeps the feed's link
    assert all(a.canonical_url.startswith("https://") and ".example/" in a.canonical_url for a in from_pages)
    assert all("utm_" not in a.canonical_url for a in articles)
    assert len({a.publisher_name for a in articles}) == len(pack.outlets)
    assert {a.section for a in articles} >= {"World", "Business", "Science", "Sports"}
    # the chrome of the outlets' pages is gone from the stored text
    for article in articles:
        text = " ".join(article.paragraphs).lower()
        for chrome in ("sign up for", "show comments", "share on", "cookies"):
            assert chrome not in text, (article.title, chrome)

    # understanding: each wire reprint is grouped under its original, which its outlet published first
    by_title = {a.title: a for a in articles}
    by_key = {p.key: by_title[p.title] for p in pack.articles}
    reprints = [p for p in pack.articles if p.syndicated_from]
    assert reprints
    for reprint in reprints:
        assert by_key[reprint.key].copy_of == by_key[reprint.syndicated_from].id, reprint.key
    # stories: no story mixes two of the pack's events, and most events told by several outlets are one story
    events_of: dict[int | None, set[str]] = {}
    for p in pack.articles:
        events_of.setdefault(by_key[p.key].story_id, set()).add(p.event)
    assert None not in events_of
    assert all(len(events) == 1 for events in events_of.values()), events_of
    stories_of: dict[str, set[int | None]] = {}
    for p in pack.articles:
        stories_of.setdefault(p.event, set()).add(by_key[p.key].story_id)
    told_by_several = [e for e in stories_of if sum(p.event == e for p in pack.articles) > 1]
    whole = [e for e in told_by_several if len(stories_of[e]) == 1]
    assert len(whole) >= 0.75 * len(told_by_several), (len(whole), len(told_by_several))

    client = TestClient(create_app(Settings(), store))
    home = client.get("/")
    assert home.status_code == 200 and articles[0].title.replace("'", "&#39;") in home.text
    page = client.get(f"/article/{articles[0].id}")
    assert page.status_code == 200 and articles[0].paragraphs[0][:40] in page.text.replace("&#39;", "'")
    store.close()
