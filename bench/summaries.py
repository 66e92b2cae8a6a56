"""Extractive summary quality: Herald's ``choose_summary`` on 250 CNN / Daily Mail news articles
(../shared/eval/summaries/cnndm-frank.jsonl), scored against their human-written highlights with ROUGE-1,
ROUGE-2 and ROUGE-L F1 (rouge-score, Porter stemming, both sides lower-cased; the highlights' " . "
separators become sentence breaks). ROUGE-Lsum, the summary-level ROUGE-L that published CNN/DM figures
report, is printed beside them.

Every system picks whole sentences from the same splitter (``split_sentences``), so the comparison is about
which sentences are chosen, not how they are cut:
- Herald: the article's sentences embedded in one call, then ``choose_summary`` (no headline vector: the
  data has no headlines);
- lead-3: the first sentences, the baseline news summaries are measured against (published ROUGE-1/2/L
  about 40.3 / 17.7 / 36.6 on the full test set);
- TextRank: PageRank over the cosine graph of the sentences' TF-IDF vectors (fitted per article, English
  stop words dropped), the top sentences kept in article order.

Printed: mean F1 (x100) per system, Herald minus lead-3 per metric, a paired bootstrap over articles (the
share of resamples where Herald's mean beats lead-3's, with the 95% interval of the difference), the
average summary length in words, and Herald's time per article (split, embedding, choice) beside the split
alone. The model is loaded and warmed up before the clock starts.

Usage: python bench/summaries.py [--data ../shared/eval/summaries/cnndm-frank.jsonl] [--limit N]
    [--split all|dev|test] [--length 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from herald.ai.sentences import embed_sentences, split_sentences
from herald.ai.summary import choose_summary
from herald.ai.types import Sentence
from herald.enrich import load_embedder

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval" / "summaries" / "cnndm-frank.jsonl"
METRICS = ("rouge1", "rouge2", "rougeL", "rougeLsum")
METRIC_LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeL": "R-L", "rougeLsum": "R-Lsum"}
BOOTSTRAP_RESAMPLES = 1000
_PTB_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}


@dataclass(frozen=True)
class Record:
    line: int  # in the file, from 0: even lines are the dev half, odd ones the test half
    id: str
    article: str
    highlights: tuple[str, ...]


@dataclass
class SystemRun:
    """One summarizer's output over the articles: per-article F1 per metric and summary lengths."""

    name: str
    scores: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in METRICS})
    words: list[int] = field(default_factory=list)
    shared_with_lead: list[int] = field(default_factory=list)  # its sentences that are also the lead's
    is_lead: list[bool] = field(default_factory=list)  # it chose exactly the lead

    def mean(self, metric: str) -> float:
        return 100 * statistics.fmean(self.scores[metric]) if self.scores[metric] else 0.0


# Loading -------------------------------------------------------------------------------------------------


def highlight_sentences(reference: str) -> tuple[str, ...]:
    """The reference's highlights as sentences: the data joins them with " . " and writes brackets the Penn
    Treebank way (-LRB-), which would otherwise count as words no summary can contain."""
    for token, bracket in _PTB_BRACKETS.items():
        reference = reference.replace(token, bracket)
    parts = (part.strip().rstrip(" .").strip() for part in reference.split(" . "))
    return tuple(part for part in parts if part)


def load_records(path: Path, split: str = "all", limit: int | None = None) -> list[Record]:
    """``split`` "dev" keeps lines 0, 2, 4... of the file (counting from 0), "test" the odd ones, so tuning on
    one half can be checked on the other."""
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if not line.strip() or (split == "dev" and number % 2) or (split == "test" and not number % 2):
                continue
            item = json.loads(line)
            records.append(
                Record(number, item["id"], item["article"], highlight_sentences(item["reference"]))
            )
    return records[:limit] if limit else records


# Baselines -----------------------------------------------------------------------------------------------


def lead(sentences: Sequence[Sentence], length: int) -> list[str]:
    return [s.text for s in sentences[:length]]


def textrank(sentences: Sequence[Sentence], length: int) -> list[str]:
    """TextRank (Mihalcea and Tarau 2004) with TF-IDF cosine edges: the plain graph baseline that any
    embedding-based choice ought to beat. Falls back to the lead when the graph says nothing."""
    if len(sentences) <= length:
        return [s.text for s in sentences]
    try:
        matrix = TfidfVectorizer(stop_words="english").fit_transform([s.text for s in sentences])
    except ValueError:  # nothing but stop words
        return lead(sentences, length)
    similarity = cosine_similarity(matrix)
    np.fill_diagonal(similarity, 0.0)
    graph = nx.from_numpy_array(similarity)
    try:
        ranks = nx.pagerank(graph, max_iter=500)
    except nx.PowerIterationFailedConvergence:
        return lead(sentences, length)
    best = sorted(range(len(sentences)), key=lambda i: (-ranks[i], i))[:length]
    return [sentences[i].text for i in sorted(best)]


# Scoring -------------------------------------------------------------------------------------------------


def make_scorer() -> Callable[[Sequence[str], Sequence[str]], dict[str, float]]:
    """F1 per metric of a summary against the highlights, sentences one a line (ROUGE-Lsum reads them)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)

    def score(summary: Sequence[str], highlights: Sequence[str]) -> dict[str, float]:
        target = "\n".join(h.lower() for h in highlights)
        prediction = "\n".join(s.lower() for s in summary)
        return {metric: value.fmeasure for metric, value in scorer.score(target, prediction).items()}

    return score


def paired_bootstrap(ours: Sequence[float], theirs: Sequence[float], seed: int) -> tuple[float, float, float]:
    """Share of article resamples where our mean beats theirs, and the 2.5th and 97.5th percentiles of the
    mean difference: how much of the gap could be the luck of which articles were drawn."""
    difference = np.asarray(ours, dtype=np.float64) - np.asarray(theirs, dtype=np.float64)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(difference), size=(BOOTSTRAP_RESAMPLES, len(difference)))
    means = difference[picks].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float((means > 0).mean()), float(low), float(high)


def _milliseconds(seconds: Sequence[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"{1000 * statistics.fmean(ordered):.1f} ms mean, {1000 * p95:.1f} ms p95"


# The run -------------------------------------------------------------------------------------------------


def run(records: Sequence[Record], length: int) -> tuple[list[SystemRun], dict[str, list[float]], float]:
    """Score every system on every article; returns the runs (Herald first, lead second), the per-article
    seconds of each Herald step, and the model's load time."""
    started = time.perf_counter()
    embedder = load_embedder(precision="auto", max_tokens=128)
    embedder.embed(["A first call pays the one-off costs.", "So the articles are timed fairly."])
    load_seconds = time.perf_counter() - started
    score = make_scorer()
    runs = [SystemRun("Herald"), SystemRun(f"lead-{length}"), SystemRun("TextRank (TF-IDF)")]
    timings: dict[str, list[float]] = {"split": [], "embed": [], "choose": [], "total": [], "textrank": []}
    for record in records:
        t0 = time.perf_counter()
        sentences = split_sentences([record.article])
        t1 = time.perf_counter()
        vectors = embed_sentences(embedder, [s.text for s in sentences])
        t2 = time.perf_counter()
        herald = list(choose_summary(sentences, vectors, length=length).sentences) if sentences else []
        t3 = time.perf_counter()
        ranked = textrank(sentences, length)
        t4 = time.perf_counter()
        for name, seconds in (
            ("split", t1 - t0),
            ("embed", t2 - t1),
            ("choose", t3 - t2),
            ("total", t3 - t0),
        ):
            timings[name].append(seconds)
        timings["textrank"].append(t4 - t3)
        for system, summary in zip(runs, (herald, lead(sentences, length), ranked), strict=True):
            for metric, value in score(summary, record.highlights).items():
                system.scores[metric].append(value)
            system.words.append(sum(len(s.split()) for s in summary))
            system.shared_with_lead.append(len(set(summary) & set(lead(sentences, length))))
            system.is_lead.append(list(summary) == lead(sentences, length))
    return runs, timings, load_seconds


def report(
    records: Sequence[Record],
    runs: Sequence[SystemRun],
    timings: dict[str, list[float]],
    seed: int,
    length: int,
) -> None:
    herald, baseline = runs[0], runs[1]
    columns = " | ".join(METRIC_LABELS[m] for m in METRICS)
    print(f"| system | {columns} | words | R-1 / {baseline.name} |")
    print("|---" * (len(METRICS) + 3) + "|")
    for system in runs:
        cells = " | ".join(f"{system.mean(m):.1f}" for m in METRICS)
        ratio = system.mean("rouge1") / baseline.mean("rouge1") if baseline.mean("rouge1") else 0.0
        print(f"| {system.name} | {cells} | {statistics.fmean(system.words):.1f} | {ratio:.3f} |")
    for other in runs[1:]:
        cells = " | ".join(f"{herald.mean(m) - other.mean(m):+.1f}" for m in METRICS)
        print(
            f"| Herald − {other.name} | {cells} | "
            f"{statistics.fmean(herald.words) - statistics.fmean(other.words):+.1f} | |"
        )
    print()
    for other in (runs[0], runs[2]):
        same = sum(other.is_lead)
        print(
            f"{other.name} keeps {statistics.fmean(other.shared_with_lead):.2f} of the {length} lead "
            f"sentences on average, and picks exactly the lead in {same} of {len(records)} articles."
        )
    reference_words = statistics.fmean(sum(len(h.split()) for h in r.highlights) for r in records)
    print(f"\nReference highlights: {reference_words:.1f} words on average (tokenised).")
    print(f"\nPaired bootstrap over articles ({BOOTSTRAP_RESAMPLES} resamples, seed {seed}):")
    print("| Herald against | metric | share of resamples Herald ahead | 95% interval of the difference |")
    print("|---|---|---|---|")
    for other in runs[1:]:
        for metric in ("rouge1", "rougeL"):
            share, low, high = paired_bootstrap(herald.scores[metric], other.scores[metric], seed)
            interval = f"{100 * low:+.1f} .. {100 * high:+.1f}"
            print(f"| {other.name} | {METRIC_LABELS[metric]} | {share:.3f} | {interval} |")
    if len({r.line % 2 for r in records}) == 2:
        print("\nBy half (Herald's weights were chosen on dev, the even lines; test is held out):")
        print("| half | articles | Herald R-1 | lead R-1 | Herald − lead R-1 | Herald − lead R-L |")
        print("|---|---|---|---|---|---|")
        for half, parity in (("dev", 0), ("test", 1)):
            rows = [i for i, r in enumerate(records) if r.line % 2 == parity]
            gaps = {
                m: 100 * statistics.fmean(herald.scores[m][i] - baseline.scores[m][i] for i in rows)
                for m in ("rouge1", "rougeL")
            }
            ours = 100 * statistics.fmean(herald.scores["rouge1"][i] for i in rows)
            theirs = 100 * statistics.fmean(baseline.scores["rouge1"][i] for i in rows)
            print(
                f"| {half} | {len(rows)} | {ours:.1f} | {theirs:.1f} | {gaps['rouge1']:+.1f} "
                f"| {gaps['rougeL']:+.1f} |"
            )
    print("\nTime per article:")
    print(f"- Herald, split + embed + choose: {_milliseconds(timings['total'])}")
    print(f"  - split alone: {_milliseconds(timings['split'])}")
    print(f"  - embedding the sentences: {_milliseconds(timings['embed'])}")
    print(f"  - choose_summary: {_milliseconds(timings['choose'])}")
    print(f"- TextRank, after the split: {_milliseconds(timings['textrank'])}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="first N articles only (quick runs)")
    parser.add_argument(
        "--split", choices=("all", "dev", "test"), default="all", help="dev: even lines from 0; test: odd"
    )
    parser.add_argument("--length", type=int, default=3, help="sentences per summary, for every system")
    parser.add_argument("--seed", type=int, default=0, help="the bootstrap's random seed")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data} is missing: the evaluation data sits beside the repository", file=sys.stderr)
        return 2
    records = load_records(args.data, args.split, args.limit)
    if not records:
        print("no articles selected", file=sys.stderr)
        return 2
    runs, timings, load_seconds = run(records, args.length)
    sentence_counts = [len(split_sentences([r.article])) for r in records]
    print(
        f"{len(records)} CNN/DM articles ({args.split} split) from {args.data.name}, "
        f"{statistics.fmean(sentence_counts):.1f} sentences each on average, summaries of {args.length} "
        f"sentences; embedder loaded in {load_seconds:.1f} s (not counted below)\n"
    )
    report(records, runs, timings, args.seed, args.length)
    return 0


if __name__ == "__main__":
    sys.exit(main())
