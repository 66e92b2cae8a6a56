"""Nearest neighbours of article vectors: Herald's VectorIndex (usearch HNSW) beside numpy brute force on the
same synthetic news-like vectors, in the same run.

The vectors imitate all-MiniLM-L6-v2 news embeddings (384-d, unit length) rather than uniform noise, which
has no near neighbours: a shared direction (every embedding leans one way), 24 sections, 3,000 topics and
30,000 events with long-tailed sizes (per million articles: median 20, biggest ~1,150), each article its
event plus noise, and one article in twelve a near-copy of another (syndicated wire copy). Every random
direction is drawn from one anisotropic Gaussian (power-law spectrum, variance of the i-th axis ~ i^-0.9),
because real embeddings use few directions. Calibrated against MiniLM vectors of the real headlines and
articles in ../shared/eval/clusters: there, a random pair's cosine is 0.07-0.08 (here 0.08), the 10th
neighbour's 0.62-0.73 (here 0.61 at 200k vectors, 0.69 at 1M), the participation ratio of the PCA spectrum
45-70 (52), and 8-16% of articles have a copy above 0.95 (8%). The queries come from the same distribution
and are not in the index.

Brute force is the float32 matrix times the query, then argpartition; its answers are the truth for recall.
Latency is per single query (k=10); brute force's matrix product uses every core, the index one thread.

Usage: python bench/ann.py [--size 1000000] [--queries 1000] [--quantization i8,f16]
    [--expansion-search 64,128] [--expansion-add 128] [--connectivity 16] [--save-dir DIR]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from herald.store.vector_index import VectorIndex

NDIM = 384
K = 10
SECTIONS, TOPICS, EVENTS = 24, 3_000, 30_000
# Shares of each article's squared length: common direction, section, topic, event; the rest is noise.
SHARES = (0.08, 0.12, 0.20, 0.25)
SPECTRUM_POWER = 0.9
NEAR_COPY_RATE = 0.08
_CHUNK = 65_536


def _unit(rows: np.ndarray) -> np.ndarray:
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


class NewsLikeVectors:
    """The generator described in the module docstring; one seed gives the same corpus every run."""

    def __init__(self, seed: int = 7) -> None:
        rng = np.random.default_rng(seed)
        variances = np.arange(1, NDIM + 1, dtype=np.float64) ** -SPECTRUM_POWER
        basis = np.linalg.qr(rng.standard_normal((NDIM, NDIM)))[0]
        # z @ mixing has the power-law spectrum along random axes and E|x|^2 = NDIM, like z itself.
        self.mixing = (np.sqrt(variances / variances.mean())[:, None] * basis.T).astype(np.float32)
        common = self._directions(rng, 1)[0]
        sections = self._directions(rng, SECTIONS)
        topics = self._directions(rng, TOPICS)
        own = self._directions(rng, EVENTS)
        topic_section = rng.integers(0, SECTIONS, TOPICS)
        event_topic = rng.integers(0, TOPICS, EVENTS)
        a, b, c, d = np.sqrt(SHARES).astype(np.float32)
        centres = a * common + b * sections[topic_section[event_topic]] + c * topics[event_topic] + d * own
        self.centres = _unit(centres)
        # An event centre is (sum of SHARES) of an article's squared length; the noise brings the rest.
        within = float(sum(SHARES))
        self.noise = np.float32(np.sqrt((1 - within) / within))
        popularity = rng.lognormal(0.0, 1.0, EVENTS)
        self.popularity = popularity / popularity.sum()

    def _directions(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return _unit(rng.standard_normal((n, NDIM), dtype=np.float32) @ self.mixing)

    def draw(self, n: int, seed: int, *, copies_of: np.ndarray | None = None) -> np.ndarray:
        """n articles; NEAR_COPY_RATE of them near-copies (cosine ~0.97) of earlier ones, or of copies_of's
        rows when given (queries that have a syndicated twin in the index)."""
        rng = np.random.default_rng(seed)
        out = np.empty((n, NDIM), dtype=np.float32)
        for start in range(0, n, _CHUNK):
            stop = min(n, start + _CHUNK)
            events = rng.choice(EVENTS, size=stop - start, p=self.popularity)
            out[start:stop] = _unit(self.centres[events] + self.noise * self._directions(rng, stop - start))
        copies = np.flatnonzero(rng.random(n) < NEAR_COPY_RATE)
        if copies_of is None:
            copies = copies[copies > 0]
            originals = out[(rng.random(len(copies)) * copies).astype(np.int64)]
        else:
            originals = copies_of[rng.integers(0, len(copies_of), len(copies))]
        out[copies] = _unit(originals + np.float32(0.25) * self._directions(rng, len(copies)))
        return out


def rss_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def percentile_ms(seconds: list[float], q: float) -> float:
    return float(np.percentile(np.array(seconds) * 1000, q))


def timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


@dataclass
class Row:
    name: str
    build_s: float
    latencies: list[float]
    recall: float
    usearch_bytes: int
    rss_bytes: int
    batch_qps: float


def per_million_mb(value: int, size: int) -> float:
    return value / size * 1_000_000 / 2**20


def brute_force(data: np.ndarray, queries: np.ndarray) -> tuple[list[float], list[set[int]], list[float]]:
    """Per-query latencies, the true top-k rows, and each query's k-th best similarity."""
    latencies, truth, kth = [], [], []
    for query in queries:
        start = time.perf_counter()
        similarities = data @ query
        top = np.argpartition(-similarities, K)[:K]
        top = top[np.argsort(-similarities[top])]
        latencies.append(time.perf_counter() - start)
        truth.append(set(top.tolist()))
        kth.append(float(similarities[top[-1]]))
    return latencies, truth, kth


def build(quantization: str, data: np.ndarray, args: argparse.Namespace) -> tuple[VectorIndex, float, int]:
    """The index over every row (key = row + 1), its build time, and the process's RSS growth meanwhile."""
    gc.collect()
    rss_before = rss_bytes()
    index = VectorIndex(
        NDIM,
        quantization=quantization,
        connectivity=args.connectivity,
        expansion_add=args.expansion_add,
    )
    keys = np.arange(1, len(data) + 1, dtype=np.int64)
    start = time.perf_counter()
    step = max(_CHUNK, len(data) // 20)
    for first in range(0, len(data), step):
        index.add(keys[first : first + step], data[first : first + step])
        done = min(len(data), first + step)
        elapsed = time.perf_counter() - start
        progress = f"  {quantization}: {done:,} added in {elapsed:.0f} s ({done / elapsed:,.0f}/s)"
        print(progress, file=sys.stderr, flush=True)
    build_s = time.perf_counter() - start
    gc.collect()
    return index, build_s, rss_bytes() - rss_before


def measure(
    index: VectorIndex, queries: np.ndarray, truth: list[set[int]]
) -> tuple[list[float], float, float]:
    """Single-query latencies, recall@K against brute force, and batch throughput (queries/s)."""
    latencies, hits = [], 0
    for query, want in zip(queries, truth, strict=True):
        start = time.perf_counter()
        found = index.search(query, K)
        latencies.append(time.perf_counter() - start)
        hits += len(want & {key - 1 for key, _ in found})  # keys are row numbers + 1
    batch_s, _ = timed(lambda: index.search_many(queries, K))
    return latencies, hits / (K * len(queries)), len(queries) / batch_s


def decisions(index: VectorIndex, data: np.ndarray, queries: np.ndarray) -> list[float]:
    """What placing one article costs beyond the database: its 40 nearest articles from the index, the
    related ranking over them and the story choice among their stories (the pipeline's own functions), on
    synthetic names. The database reads that fetch those 40 articles' features are not included."""
    from herald.cluster import choose_story, rank_related
    from herald.models import ArticleSignal, StoryProfile

    def signal(key: int, vector: np.ndarray) -> ArticleSignal:
        terms = {f"name-{(key * 7 + i) % 5000}": 1 / np.sqrt(24) for i in range(24)}
        return ArticleSignal(str(key), vector, terms, None, int(key % 50), story_id=int(key % 997))

    latencies = []
    for n, query in enumerate(queries):
        article = signal(n, query)
        start = time.perf_counter()
        found = index.search(query, 40)
        searched = time.perf_counter() - start
        # Building the signals stands in for reading them from the database: not timed.
        neighbours = [signal(key, data[key - 1]) for key, _ in found]
        stories = [
            StoryProfile(s.story_id or 0, s.vector * 3, dict(s.terms), 3, None, None) for s in neighbours
        ]
        start = time.perf_counter()
        rank_related(article, neighbours)
        choose_story(article, stories)
        latencies.append(searched + time.perf_counter() - start)
    return latencies


def file_figures(index: VectorIndex, quantization: str, folder: Path, queries: np.ndarray) -> str:
    """Save, then open the file both ways: a full load (what Herald does) and a read-only memory map."""
    from usearch.index import Index

    path = folder / f"bench-{quantization}.usearch"
    save_s, _ = timed(lambda: index.save(path))
    size = path.stat().st_size
    load_s, loaded = timed(lambda: VectorIndex.load(path, ndim=NDIM, quantization=quantization))
    assert loaded is not None, "the saved index did not load"
    del loaded
    gc.collect()
    start = time.perf_counter()
    viewed = Index.restore(os.fspath(path), view=True)
    view_s = time.perf_counter() - start
    assert viewed is not None
    # The same int8 scaling VectorIndex applies, since this is usearch's own Index.
    probe = np.rint(queries[0] * (127 / np.abs(queries[0]).max())).astype(np.int8)
    start = time.perf_counter()
    viewed.search(probe if quantization == "i8" else queries[0], K, threads=1)
    first_s = time.perf_counter() - start
    del viewed
    path.unlink()
    path.with_name(path.name + ".json").unlink()
    return (
        f"{quantization:>4} file {size / 2**20:,.0f} MB: save {save_s:.1f} s, full load {load_s:.2f} s, "
        f"view (mmap) {view_s * 1000:.0f} ms then first search {first_s * 1000:.2f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="vectors in the index")
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--quantization", default="i8,f16", help="comma-separated: i8, f16")
    parser.add_argument("--connectivity", type=int, default=16)
    parser.add_argument("--expansion-add", type=int, default=128)
    parser.add_argument("--expansion-search", default="64,128", help="comma-separated values to try")
    parser.add_argument("--save-dir", type=Path, help="folder for the save/load timing (default: a temp dir)")
    args = parser.parse_args(argv)

    generator = NewsLikeVectors()
    drawn = generator.draw(args.size, seed=1)
    queries = generator.draw(args.queries, seed=2, copies_of=drawn)
    # The brute-force matrix's own footprint, apart from the generator's temporaries: a copy's RSS growth.
    gc.collect()
    rss_before = rss_bytes()
    data = drawn.copy()
    matrix_rss = rss_bytes() - rss_before
    del drawn
    gc.collect()
    queries_blocks = np.array_split(queries, max(1, len(queries) // 100))
    strangers = data[np.random.default_rng(3).choice(len(data), 2000, replace=False)] @ queries[:50].T

    brute_latencies, truth, kth = brute_force(data, queries)
    # .copy(): a slice of argpartition's result would keep its whole (N, block) array alive.
    batch_s, _ = timed(lambda: [np.argpartition(-(data @ b.T), K, axis=0)[:K].copy() for b in queries_blocks])
    brute = Row("numpy brute", 0.0, brute_latencies, 1.0, data.nbytes, matrix_rss, len(queries) / batch_s)

    rows, files = [brute], []
    with tempfile.TemporaryDirectory(dir=args.save_dir) as folder:
        for quantization in args.quantization.split(","):
            index, build_s, rss_delta = build(quantization, data, args)
            for expansion_search in (int(value) for value in args.expansion_search.split(",")):
                # A search-time knob: the benchmark turns it on the built graph instead of rebuilding.
                index._index.expansion_search = expansion_search  # type: ignore[misc]
                latencies, recall, qps = measure(index, queries, truth)
                name = f"{quantization} ef{expansion_search}"
                rows.append(Row(name, build_s, latencies, recall, index.memory_bytes, rss_delta, qps))
            index._index.expansion_search = int(args.expansion_search.split(",")[0])  # type: ignore[misc]
            placing = decisions(index, data, queries)
            files.append(
                f"{quantization:>4} placing one article (search 40, rank related, choose story): "
                f"p50 {percentile_ms(placing, 50):.2f} ms, p99 {percentile_ms(placing, 99):.2f} ms"
            )
            files.append(file_figures(index, quantization, Path(folder), queries))
            del index
            gc.collect()

    size = args.size
    print(
        f"{size:,} vectors x {NDIM}-d, {args.queries:,} queries, k={K}, {os.cpu_count()} cores; "
        f"connectivity {args.connectivity}, expansion_add {args.expansion_add}; ef = expansion_search"
    )
    print(
        f"cosine of a query to its {K}th neighbour: median {np.median(kth):.3f}, "
        f"p10 {np.percentile(kth, 10):.3f}; to a random article: median {np.median(strangers):.3f}"
    )
    print(
        f"{'':12} {'build s':>8} {'ins/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'recall':>7} "
        f"{'batch q/s':>9} {'MB/M mem':>9} {'MB/M RSS':>9}"
    )
    for row in rows:
        inserts = f"{size / row.build_s:7,.0f}" if row.build_s else f"{'-':>7}"
        built = f"{row.build_s:8.1f}" if row.build_s else f"{'-':>8}"
        print(
            f"{row.name:12} {built} {inserts} {percentile_ms(row.latencies, 50):7.3f} "
            f"{percentile_ms(row.latencies, 99):7.3f} {row.recall:7.4f} {row.batch_qps:9,.0f} "
            f"{per_million_mb(row.usearch_bytes, size):9,.0f} {per_million_mb(row.rss_bytes, size):9,.0f}"
        )
    print("ratios, brute force / index (time per query, and memory):")
    for row in rows[1:]:
        p50 = percentile_ms(brute.latencies, 50) / percentile_ms(row.latencies, 50)
        p99 = percentile_ms(brute.latencies, 99) / percentile_ms(row.latencies, 99)
        print(
            f"{row.name:12} {'':8} {'':7} {p50:7.1f} {p99:7.1f} {'':7} "
            f"{row.batch_qps / brute.batch_qps:9.1f} {brute.usearch_bytes / row.usearch_bytes:9.2f} "
            f"{brute.rss_bytes / max(1, row.rss_bytes):9.2f}"
        )
    print("MB/M mem: usearch memory_usage (brute: the matrix); MB/M RSS: process VmRSS growth while building")
    for line in files:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
