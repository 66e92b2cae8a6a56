"""Embedding throughput and agreement: all-MiniLM-L6-v2 in fp32 and bf16, reading 256 or 128 word pieces, on
the same real news articles in the same run. The baseline is fp32 at 256 word pieces (the model's full
length); every variant is compared with it for speed (articles per second) and for how far its vectors move
(cosine of each article's vector with the baseline's).

Articles come from ECB+ (../shared/eval/clusters/ecbplus.jsonl), spread over its events; each is embedded the
way Herald embeds an article, ``passage_text(title, [text])`` (the corpus puts the first sentence in
``title``). bf16 is only fast on CPUs with native bf16 instructions (avx512_bf16 or amx_bf16); elsewhere it
runs emulated and much slower, which is why Herald's "auto" precision takes it only there.

Usage: python bench/embedding.py [--data ../shared/eval/clusters/ecbplus.jsonl] [--articles 300]
    [--batch-size 32] [--threads 2] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from herald.enrich import Embedder, passage_text
from herald.enrich.embedding import _cpu_flags_support_bf16

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval" / "clusters" / "ecbplus.jsonl"
VARIANTS = (("fp32", 256), ("fp32", 128), ("bf16", 256), ("bf16", 128))  # the first is the baseline


@dataclass(frozen=True)
class Run:
    precision: str
    max_tokens: int
    seconds: float
    vectors: np.ndarray

    @property
    def name(self) -> str:
        return f"{self.precision}-{self.max_tokens}"

    @property
    def per_second(self) -> float:
        return len(self.vectors) / self.seconds


def load_passages(path: Path, count: int) -> list[str]:
    """``count`` articles taken at an even stride through the file, so every event is represented."""
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    stride = max(1, len(records) // count)
    chosen = records[::stride][:count]
    return [passage_text(record["title"], [record["text"] or ""]) for record in chosen]


def measure(passages: list[str], batch_size: int, threads: int, rounds: int) -> list[Run]:
    """Every variant once per round, interleaved, keeping each one's fastest round: on a shared machine a
    burst of someone else's work then slows one round of every variant rather than all rounds of one."""
    embedders = [Embedder(precision=p, max_tokens=n, threads=threads) for p, n in VARIANTS]
    for embedder in embedders:
        embedder.embed(passages[:batch_size], batch_size=batch_size)  # first batch pays one-off costs
    best = [float("inf")] * len(embedders)
    vectors: list[np.ndarray] = [np.empty(0)] * len(embedders)
    for _ in range(rounds):
        for i, embedder in enumerate(embedders):
            start = time.perf_counter()
            vectors[i] = embedder.embed(passages, batch_size=batch_size)
            best[i] = min(best[i], time.perf_counter() - start)
    return [Run(p, n, seconds, v) for (p, n), seconds, v in zip(VARIANTS, best, vectors, strict=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument("--rounds", type=int, default=2, help="timed passes per variant; the fastest counts")
    args = parser.parse_args(argv)
    passages = load_passages(args.data, args.articles)
    try:
        native = _cpu_flags_support_bf16(Path("/proc/cpuinfo").read_text(encoding="utf-8"))
    except OSError:
        native = False
    print(
        f"{len(passages)} ECB+ articles from {args.data}, batch {args.batch_size}, "
        f"{args.threads} torch threads, best of {args.rounds} rounds, "
        f"bf16 {'native' if native else 'EMULATED (slow) on this CPU'}"
    )
    runs = measure(passages, args.batch_size, args.threads, args.rounds)
    base = runs[0]
    print(f"{'variant':10} {'articles/s':>10} {'ratio':>7} {'min cos':>8} {'mean cos':>8}")
    for run in runs:
        cosines = np.sum(run.vectors * base.vectors, axis=1)
        print(
            f"{run.name:10} {run.per_second:10.1f} {run.per_second / base.per_second:7.2f} "
            f"{cosines.min():8.4f} {cosines.mean():8.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
