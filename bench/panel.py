"""What Herald's AI panel costs on 2 cores: the summary's share of ingest, and the panel's tools for one
article.

Ingest share. The sample pack is served on loopback by a separate process (as bench/ingest.py does) and
fetched once through the real pipeline into a temporary SQLite store; its article texts are then, per round,
in this one process (torch using every core it finds):
  (a) enriched as the extraction workers enrich them, ``enrich_in_worker`` in batches of 16 (embedding, names,
      near-duplicate signature, section and, since summaries are chosen at ingest, the summary), and
  (b) summarised alone, ``summarize_in_worker`` on the same batches (sentence split, sentence embeddings,
      choice of sentences);
then (a') and (b') the same two, every batch handed at once to the pipeline's 2 extraction worker processes
(one torch thread each), wall time, as the pipeline runs them; and the whole pipeline runs end to end on the
sample pack into a fresh store with understanding on (fetch, parse, extract, store, enrich in those workers,
stories, related), as bench/ingest.py's understanding rounds do. Each is reported per article, median over
rounds. The summary's shares are the medians of each round's ratio (the rounds are interleaved, so one
round's ratio compares steps that saw the same machine): b / a and b' / a' of the enrich step; b / whole, and
b' / whole like for like (the summary run where the pipeline runs it). b / whole compares one process of
two torch threads with two processes of one thread: two threads suffer more when other work takes a core, so
on a busy machine b swings more from round to round than b' does.

Panel for one article: the lead article of the sample pack's biggest story (most publishers). The embedder is
loaded once first (its time is reported on its own line); then per round, with a fresh ``ArticleTools``:
``panel()`` cold (first call) and warm (second call), ``ask()`` cold (the sentence vectors of the article and
the story's closest tellings are computed) and warm (a different question, vectors cached),
``story_so_far()`` and ``coverage()`` alone; and ``panel()`` for an article stored before summaries existed
(its article_summaries row deleted first: the summary is computed and stored on demand). The baseline,
measured in the same run because the machine is shared and noisy, is GET /article/{id} (the page without the
panel) through fastapi's TestClient, median of every request; the panel fragment GET /article/{id}/ai is
measured the same way, first request and then warm, when the site has that route. Every line is printed in
ms and as a ratio to the page.

Usage: python bench/panel.py [--rounds 3] [--articles 0 (all)]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.testclient import TestClient
from ingest import SERVE, free_port, wait_until_up  # bench/ is on the path when a bench runs
from sqlalchemy import delete
from starlette.routing import Match

from herald.app import make_extract_executor
from herald.config import Settings
from herald.enrich import load_embedder
from herald.fetch import Fetcher
from herald.models import Article
from herald.pipeline import ArticleTools, Pipeline
from herald.pipeline.understand import enrich_in_worker, summarize_in_worker
from herald.samplepack import sample_sources
from herald.store import Store
from herald.store.schema import ArticleSummaryRow
from herald.web import create_app

BATCH = 16  # the pipeline's embedding_batch_size: articles one worker enriches together
PAGE_GETS = 15  # timed requests per round for the page and for the panel fragment
QUESTIONS = ("What happened, and when?", "Who is involved and what did they say?")

Texts = list[tuple[str, tuple[str, ...]]]


def open_store(settings: Settings, folder: Path, base_url: str) -> Store:
    store = Store(f"sqlite:///{folder / 'herald.db'}")
    for spec in sample_sources(base_url):
        store.sources.add(spec)
    return store


async def ingest(settings: Settings, store: Store, executor: Executor) -> tuple[int, float]:
    """(articles stored, seconds) for one pass of the real pipeline over every source."""
    start = time.perf_counter()
    async with Fetcher(settings) as fetcher:
        pipeline = Pipeline(settings, store, fetcher, executor)
        reports = await pipeline.refresh_many(store.sources.list())
    return sum(r.new for r in reports), time.perf_counter() - start


def ingest_round(settings: Settings, base_url: str, executor: Executor) -> float:
    """Milliseconds per article of a whole ingest into a fresh store."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(settings, Path(tmp), base_url)
        new, seconds = asyncio.run(ingest(settings.with_overrides(data_dir=Path(tmp)), store, executor))
        store.close()
    if new == 0:
        raise SystemExit("the pipeline stored no articles")
    return seconds * 1000 / new


def enrich_and_summary_ms(texts: Texts, precision: str, max_tokens: int) -> tuple[float, float]:
    """Milliseconds per article of (a) the enrich step and (b) the summary alone. Each batch goes through
    both, one straight after the other, so a burst of someone else's work on the machine slows both."""
    enrich = summary = 0.0
    for i in range(0, len(texts), BATCH):
        batch = texts[i : i + BATCH]
        start = time.perf_counter()
        enrich_in_worker(batch, precision, max_tokens)
        middle = time.perf_counter()
        summarize_in_worker([paragraphs for _title, paragraphs in batch], precision, max_tokens)
        summary += time.perf_counter() - middle
        enrich += middle - start
    return enrich * 1000 / len(texts), summary * 1000 / len(texts)


def in_workers_ms(
    executor: Executor, texts: Texts, precision: str, max_tokens: int, threads: int
) -> tuple[float, float]:
    """Milliseconds per article (wall time) of (a') the enrich step and (b') the summary alone as the pipeline
    runs them: every batch handed to the extraction workers at once, each worker on its torch threads."""

    def wall(work: Callable[..., object], batches: list[object]) -> float:
        start = time.perf_counter()
        futures = [executor.submit(work, batch, precision, max_tokens, threads) for batch in batches]
        for future in futures:
            future.result()
        return (time.perf_counter() - start) * 1000 / len(texts)

    batches = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]
    enrich = wall(enrich_in_worker, list(batches))
    summary = wall(summarize_in_worker, [[paragraphs for _title, paragraphs in batch] for batch in batches])
    return enrich, summary


def biggest_story_article(store: Store, articles: Sequence[Article]) -> Article:
    """The lead article of the story told by the most publishers (then the most articles)."""
    publishers: dict[int, set[int]] = defaultdict(set)
    counts: dict[int, int] = defaultdict(int)
    for article in articles:
        if article.story_id is not None:
            publishers[article.story_id].add(article.publisher_id)
            counts[article.story_id] += 1
    if not publishers:
        raise SystemExit("no article was placed in a story")
    story_id = max(publishers, key=lambda s: (len(publishers[s]), counts[s], -s))
    story = store.stories.get(story_id)
    lead = story.lead_article_id if story is not None else None
    members = [a for a in articles if a.story_id == story_id]
    return next((a for a in members if a.id == lead), members[0])


async def tools_round(settings: Settings, store: Store, article_id: str) -> dict[str, float]:
    """One sample (ms) of each tool, with a fresh ArticleTools as a new process would have."""
    timings: dict[str, float] = {}

    async def timed(name: str, call: Callable[[], Awaitable[object]]) -> None:
        start = time.perf_counter()
        result = await call()
        timings[name] = (time.perf_counter() - start) * 1000
        if result is None:
            raise SystemExit(f"{name} found no article {article_id}")

    tools = ArticleTools(settings, store)
    await timed("panel() cold", lambda: tools.panel(article_id))
    await timed("panel() warm", lambda: tools.panel(article_id))
    await timed("ask() cold", lambda: tools.ask(article_id, QUESTIONS[0]))
    await timed("ask() warm", lambda: tools.ask(article_id, QUESTIONS[1]))
    await timed("story_so_far()", lambda: tools.story_so_far(article_id, None))
    await timed("coverage()", lambda: tools.coverage(article_id))
    with store.db.write() as session:
        session.execute(delete(ArticleSummaryRow).where(ArticleSummaryRow.article_id == article_id))
    fresh = ArticleTools(settings, store)
    await timed("panel() with no stored summary", lambda: fresh.panel(article_id))
    if store.summaries.get(article_id) is None:
        raise SystemExit("panel() did not store the summary it computed")
    return timings


def has_fragment(settings: Settings, store: Store, article_id: str) -> bool:
    """Whether the site routes the panel fragment (it is being added while this bench is written)."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": f"/article/{article_id}/ai",
        "root_path": "",
        "headers": [],
    }
    routes = create_app(settings, store).router.routes
    return any(route.matches(scope)[0] == Match.FULL for route in routes)


def web_round(settings: Settings, store: Store, article_id: str, fragment: bool) -> dict[str, list[float]]:
    """Requests (ms) to a fresh site: the page, then the panel fragment cold and warm."""
    samples: dict[str, list[float]] = defaultdict(list)

    def get(client: TestClient, path: str) -> float:
        start = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        return elapsed

    with TestClient(create_app(settings, store)) as client:
        page = f"/article/{article_id}"
        get(client, page)  # the first request builds the site's caches
        samples["page"] = [get(client, page) for _ in range(PAGE_GETS)]
        if fragment:
            samples["fragment cold"].append(get(client, f"{page}/ai"))
            samples["fragment warm"] = [get(client, f"{page}/ai") for _ in range(PAGE_GETS)]
    return samples


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


@dataclass
class Measured:
    """Each line's samples in ms, one per round unless said otherwise."""

    articles: int = 0
    texts: int = 0
    target: Article | None = None
    publishers: int = 0
    load_ms: float = 0.0
    fragment: bool = False
    ingest: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    tools: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    web: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # every request


def measure(rounds: int, limit: int) -> Measured:
    # The sample server runs in its own process, as a publisher's server would, so that it does not share
    # this process's interpreter lock with the pipeline being measured.
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVE.format(port=port)])
    base_url = f"http://127.0.0.1:{port}"
    kept = tempfile.TemporaryDirectory()
    out = Measured()
    try:
        wait_until_up(base_url)
        settings = Settings(
            fetch_allowed_hosts=(base_url.split("//", 1)[1],),
            fetch_per_host_delay_seconds=0.0,
            fetch_per_host_concurrency=8,
            extract_workers=2,
            data_dir=Path(kept.name),
        )
        precision, max_tokens = settings.embedding_precision, settings.embedding_max_tokens
        worker_threads = max(1, (os.cpu_count() or 1) // settings.extract_workers)  # as Understanding does
        start = time.perf_counter()
        embedder = load_embedder(precision, max_tokens)  # the one ArticleTools and the in-process lines use
        out.load_ms = (time.perf_counter() - start) * 1000
        executor = make_extract_executor(settings)
        # The first pass spawns the workers and loads their models; its store is the one measured below.
        store = open_store(settings, Path(kept.name), base_url)
        asyncio.run(ingest(settings, store, executor))
        articles = store.articles.many(store.articles.ids())
        texts: Texts = [(a.title, a.paragraphs) for a in articles if a.paragraphs]
        texts = texts[:limit] if limit > 0 else texts
        out.articles, out.texts = len(articles), len(texts)
        target = out.target = biggest_story_article(store, articles)
        embedder.embed([title for title, _ in texts[:BATCH]])  # the first batch pays one-off costs
        enrich_in_worker(texts[:BATCH], precision, max_tokens)
        out.fragment = has_fragment(settings, store, target.id)
        for _ in range(rounds):
            out.ingest["whole"].append(ingest_round(settings, base_url, executor))
            for key, ms in zip(("a", "b"), enrich_and_summary_ms(texts, precision, max_tokens), strict=True):
                out.ingest[key].append(ms)
            in_workers = in_workers_ms(executor, texts, precision, max_tokens, worker_threads)
            for key, ms in zip(("aw", "bw"), in_workers, strict=True):
                out.ingest[key].append(ms)
            for name, ms in asyncio.run(tools_round(settings, store, target.id)).items():
                out.tools[name].append(ms)
            for name, samples in web_round(settings, store, target.id, out.fragment).items():
                out.web[name].extend(samples)
        executor.shutdown()
        story = store.stories.get(target.story_id) if target.story_id is not None else None
        out.publishers = story.publisher_count if story is not None else 1
        store.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        kept.cleanup()
    return out


INGEST_LINES = (
    ("a", "(a) enrich step, in-process, 2 torch threads"),
    ("b", "(b) summary alone, in-process, 2 torch threads"),
    ("aw", "(a') enrich step, in the 2 workers"),
    ("bw", "(b') summary alone, in the 2 workers"),
    ("whole", "whole ingest, understanding on, 2 workers"),
)


def report(out: Measured, rounds: int) -> None:
    median = statistics.median
    ingest = out.ingest

    def share(part: str, of: str) -> float:
        return median(p / w for p, w in zip(ingest[part], ingest[of], strict=True))

    print(
        f"sample pack: {out.articles} articles stored, {out.texts} texts enriched in batches of {BATCH}, "
        f"{rounds} rounds (medians)"
    )
    print()
    print(_row(["ingest step", "ms per article", "each round"]))
    print(_row(["---", "---:", "---:"]))
    for key, label in INGEST_LINES:
        values = ingest[key]
        print(_row([label, f"{median(values):.1f}", " ".join(f"{v:.1f}" for v in values)]))
    print()
    print("shares are medians of the rounds' ratios")
    enrich_shares = f"b / a {share('b', 'a'):.2f}, in the workers b' / a' {share('bw', 'aw'):.2f}"
    print(f"summary share of the enrich step: {enrich_shares}")
    ingest_shares = (
        f"b / whole {share('b', 'whole'):.2f}, like for like b' / whole {share('bw', 'whole'):.2f}"
    )
    print(f"summary share of whole ingest: {ingest_shares}")
    print()
    assert out.target is not None
    print(
        f"panel for one article: {out.target.id} ({len(out.target.paragraphs)} paragraphs), lead of the "
        f"biggest story ({out.publishers} publishers); model load (first load_embedder in this process): "
        f"{out.load_ms:.0f} ms"
    )
    page = median(out.web["page"])
    print()
    print(_row(["request or call", "ms", "ratio to page"]))
    print(_row(["---", "---:", "---:"]))
    print(_row([f"GET /article/{{id}} (baseline, {len(out.web['page'])} requests)", f"{page:.1f}", "1.00"]))
    for name, values in out.tools.items():
        print(_row([name, f"{median(values):.1f}", f"{median(values) / page:.2f}"]))
    if out.fragment:
        for name in ("fragment cold", "fragment warm"):
            ms = median(out.web[name])
            print(_row([f"GET /article/{{id}}/ai, {name.split()[1]}", f"{ms:.1f}", f"{ms / page:.2f}"]))
    else:
        print("GET /article/{id}/ai: skipped, the site has no panel fragment route")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--articles", type=int, default=0, help="texts for the enrich and summary lines; 0: all"
    )
    args = parser.parse_args(argv)
    report(measure(args.rounds, args.articles), args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
