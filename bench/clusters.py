"""Story quality on labelled news (../shared/eval/clusters), through Herald's real understanding path: each
article is stored in a fresh SQLite database, enriched (embedding, names, signature), and placed in a story by
the same code the pipeline runs, in publication order where the data gives one.

Printed beside two baselines computed in the same run on the same data:
- "own story": every article is its own story;
- "headline TF-IDF": online clustering of headline TF-IDF vectors (average link, cosine threshold); its
  threshold is the best of a grid chosen on the very data it is scored on, which flatters it.
Related articles: precision@k of the articles Herald shows as related (same gold event), beside the headline
TF-IDF nearest neighbours and "the most recent articles" (what the reference page shows).

Usage: python bench/clusters.py [--only ecb|uci] [--limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import random
import re
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from herald.config import Settings
from herald.models import ExtractedArticle
from herald.pipeline import Understanding
from herald.pipeline.understand import pending_from_new
from herald.store import NewArticle, Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "clusters"


@dataclass(frozen=True)
class Doc:
    id: str
    gold: str
    topic: str
    title: str
    body: str
    publisher: str
    time: datetime | None


# Loading -------------------------------------------------------------------------------------------------


def _parse_date(text: str | None) -> datetime | None:
    """ECB+ dates are free text ("May 3rd, 2013 2 : 00"); dateutil reads most of them."""
    if not text:
        return None
    from dateutil import parser

    cleaned = re.sub(r"\s*:\s*", ":", text)
    cleaned = re.sub(r"(?i)\b(published|updated|last updated|posted on|first published)\b\s*:?", " ", cleaned)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = parser.parse(cleaned, fuzzy=True, default=datetime(2000, 1, 1))
    except (ValueError, OverflowError):
        return None
    if parsed.year < 1990 or parsed.year > 2030:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def load_ecb(limit: int | None) -> list[Doc]:
    docs = []
    with (SHARED / "ecbplus.jsonl").open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs.append(
                Doc(
                    id=d["id"],
                    gold=d["event"],
                    topic=d["topic"],
                    title=d["title"],
                    body=d["text"],
                    publisher="ECB+ source",
                    time=_parse_date(d.get("date_publish")),
                )
            )
    # Publication order where known; the undated after them, in file order.
    docs.sort(key=lambda d: (d.time is None, d.time or datetime.min.replace(tzinfo=UTC)))
    return docs[:limit] if limit else docs


def load_uci(limit: int | None) -> list[Doc]:
    docs = []
    with (SHARED / "uci-news-aggregator-5000.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            docs.append(
                Doc(
                    id=row["ID"],
                    gold=row["STORY"],
                    topic=row["CATEGORY"],
                    title=row["TITLE"],
                    body="",
                    publisher=row["PUBLISHER"] or row["HOSTNAME"],
                    time=datetime.fromtimestamp(int(row["TIMESTAMP"]) / 1000, UTC),
                )
            )
    docs.sort(key=lambda d: d.time or datetime.min.replace(tzinfo=UTC))
    return docs[:limit] if limit else docs


# Metrics -------------------------------------------------------------------------------------------------


def bcubed(predicted: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    by_pred: dict[str, set[int]] = defaultdict(set)
    by_gold: dict[str, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(predicted, gold, strict=True)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    precision = recall = 0.0
    for i in range(len(gold)):
        same = len(by_pred[predicted[i]] & by_gold[gold[i]])
        precision += same / len(by_pred[predicted[i]])
        recall += same / len(by_gold[gold[i]])
    precision /= len(gold)
    recall /= len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def pairwise_f1(predicted: Sequence[str], gold: Sequence[str]) -> float:
    def pairs(labels: Sequence[str]) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(labels).values())

    both = pairs([f"{p}\x00{g}" for p, g in zip(predicted, gold, strict=True)])
    p_pairs, g_pairs = pairs(predicted), pairs(gold)
    precision = both / p_pairs if p_pairs else 1.0
    recall = both / g_pairs if g_pairs else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def paired_event_merges(predicted: Sequence[str], docs: Sequence[Doc]) -> tuple[int, int]:
    """(stories holding articles of both events of an ECB+ topic pair, stories in all)."""
    events_in: dict[str, set[str]] = defaultdict(set)
    for label, doc in zip(predicted, docs, strict=True):
        events_in[label].add(doc.gold)
    mixed = 0
    for events in events_in.values():
        topics = Counter(re.sub(r"ecb(plus)?$", "", e) for e in events)
        if any(n > 1 for n in topics.values()):
            mixed += 1
    return mixed, len(events_in)


def precision_at(related: dict[str, list[str]], docs: Sequence[Doc], k: int, key: str = "gold") -> float:
    """Mean share of the first k related articles that share the article's gold event (or topic); articles
    whose event has fewer than k others are scored over what the archive could give."""
    by_id = {d.id: d for d in docs}
    group_size = Counter(getattr(d, key) for d in docs)
    scores = []
    for doc in docs:
        possible = min(k, group_size[getattr(doc, key)] - 1)
        if possible <= 0:
            continue
        shown = related.get(doc.id, [])[:k]
        hits = sum(1 for other in shown if getattr(by_id[other], key) == getattr(doc, key))
        scores.append(hits / possible)
    return sum(scores) / len(scores) if scores else 0.0


# Baselines -----------------------------------------------------------------------------------------------


def _tfidf(texts: Sequence[str]) -> list[dict[str, float]]:
    tokens = [re.findall(r"[a-z0-9]+", t.lower()) for t in texts]
    df = Counter(w for ws in tokens for w in set(ws))
    n = len(texts)
    vectors = []
    for ws in tokens:
        tf = Counter(ws)
        v = {w: (1 + math.log(c)) * math.log((n + 1) / (df[w] + 1)) for w, c in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({w: x / norm for w, x in v.items()})
    return vectors


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def tfidf_clusters(vectors: Sequence[dict[str, float]], threshold: float) -> list[str]:
    """Online average link over headline TF-IDF: join the best story when its mean cosine clears the bar."""
    sums: list[dict[str, float]] = []
    sizes: list[int] = []
    labels = []
    postings: dict[str, set[int]] = defaultdict(set)
    for v in vectors:
        candidates = set().union(*(postings[w] for w in v)) if v else set()
        best, best_score = -1, -1.0
        for c in candidates:
            score = _dot(v, sums[c]) / sizes[c]
            if score > best_score:
                best, best_score = c, score
        if best >= 0 and best_score >= threshold:
            for w, x in v.items():
                sums[best][w] = sums[best].get(w, 0.0) + x
                postings[w].add(best)
            sizes[best] += 1
            labels.append(str(best))
        else:
            sums.append(dict(v))
            sizes.append(1)
            for w in v:
                postings[w].add(len(sums) - 1)
            labels.append(str(len(sums) - 1))
    return labels


def tfidf_related(vectors: Sequence[dict[str, float]], ids: Sequence[str], k: int) -> dict[str, list[str]]:
    out = {}
    for i, v in enumerate(vectors):
        scored = sorted(((_dot(v, w), j) for j, w in enumerate(vectors) if j != i), reverse=True)[:k]
        out[ids[i]] = [ids[j] for _, j in scored]
    return out


def recent_related(docs: Sequence[Doc], k: int) -> dict[str, list[str]]:
    """What the reference page does: the most recent other articles, whatever they are about."""
    out = {}
    for i, doc in enumerate(docs):
        earlier = [d.id for d in reversed(docs[:i])][:k]
        later = [d.id for d in docs[i + 1 :]][: k - len(earlier)]
        out[doc.id] = earlier + later
    return out


# Herald --------------------------------------------------------------------------------------------------


async def herald_run(docs: Sequence[Doc], batch: int) -> tuple[list[str], dict[str, list[str]], float, Store]:
    folder = Path(tempfile.mkdtemp(prefix="herald-clusters-"))
    settings = Settings(data_dir=folder, extract_workers=0)
    store = Store(settings.resolved_database_url)
    executor = ThreadPoolExecutor(max_workers=1)
    understanding = Understanding(settings, store, executor)
    publishers: dict[str, int] = {}
    base = datetime(2026, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    enrich_seconds = place_seconds = 0.0
    for start in range(0, len(docs), batch):
        chunk = docs[start : start + batch]
        news = []
        for offset, doc in enumerate(chunk):
            if doc.publisher not in publishers:
                publishers[doc.publisher] = store.publishers.ensure(doc.publisher)
            paragraphs = (doc.title, doc.body) if doc.body else (doc.title,)
            fetched = base + timedelta(seconds=start + offset)
            news.append(
                NewArticle(
                    id=f"{start + offset:032x}",
                    canonical_url=f"https://example.org/{doc.id}",
                    url=f"https://example.org/{doc.id}",
                    extracted=ExtractedArticle(
                        title=doc.title, paragraphs=paragraphs, canonical_url=None, published=doc.time
                    ),
                    publisher_id=publishers[doc.publisher],
                    source_id=None,
                    fetched_at=fetched,
                    content_hash=f"{start + offset:032x}",
                )
            )
        store.articles.save_many(news)
        pending = [pending_from_new(n) for n in news]
        # Placed in the order given: publication order where known.
        report = await understanding.understand(pending)
        enrich_seconds += report.enrich_seconds
        place_seconds += report.place_seconds
        if report.failed:
            raise SystemExit(f"understanding failed: {report.errors[:3]}")
    elapsed = time.perf_counter() - started
    print(
        f"understanding: enrichment {enrich_seconds:.1f} s ({len(docs) / enrich_seconds:.0f} articles/s, "
        f"model load included), placement {place_seconds:.1f} s ({1000 * place_seconds / len(docs):.1f} ms "
        "per article)"
    )
    executor.shutdown()
    ids = [f"{i:032x}" for i in range(len(docs))]
    articles = {a.id: a for a in store.articles.many(ids)}
    labels = [str(articles[i].story_id) for i in ids]
    to_doc = {ids[i]: docs[i].id for i in range(len(docs))}
    related = {to_doc[i]: [to_doc[r] for r in store.features.related_ids(i, 8) if r in to_doc] for i in ids}
    return labels, related, elapsed, store


def report(name: str, docs: list[Doc], args: argparse.Namespace) -> None:
    gold = [d.gold for d in docs]
    ids = [d.id for d in docs]
    print(f"\n## {name}: {len(docs)} articles, {len(set(gold))} gold stories")
    labels, related, elapsed, store = asyncio.run(herald_run(docs, args.batch))
    rows = []
    p, r, f = bcubed(labels, gold)
    rows.append(("Herald", p, r, f, pairwise_f1(labels, gold), len(set(labels))))
    headline_vectors = _tfidf([d.title for d in docs])
    best = None
    for threshold in [x / 20 for x in range(2, 18)]:
        tl = tfidf_clusters(headline_vectors, threshold)
        score = bcubed(tl, gold)
        if best is None or score[2] > best[1][2]:
            best = (threshold, score, tl)
    assert best is not None
    tp, tr, tf = best[1]
    rows.append(
        (
            f"headline TF-IDF (best threshold {best[0]:.2f})",
            tp,
            tr,
            tf,
            pairwise_f1(best[2], gold),
            len(set(best[2])),
        )
    )
    single = [d.id for d in docs]
    sp, sr, sf = bcubed(single, gold)
    rows.append(("own story", sp, sr, sf, pairwise_f1(single, gold), len(docs)))
    print(
        f"Herald placed {len(docs)} articles in {elapsed:.1f} s ({len(docs) / elapsed:.1f} articles/s, "
        "enrichment and database included)"
    )
    print("| clustering | BCubed P | BCubed R | BCubed F1 | pairwise F1 | stories | F1 vs TF-IDF |")
    print("|---|---|---|---|---|---|---|")
    for label, bp, br, bf, pf, n in rows:
        print(f"| {label} | {bp:.3f} | {br:.3f} | {bf:.3f} | {pf:.3f} | {n} | {bf / tf:.2f} |")
    if name.startswith("ECB"):
        mixed, total = paired_event_merges(labels, docs)
        tmixed, ttotal = paired_event_merges(best[2], docs)
        print(
            f"\nStories mixing the two events of an ECB+ topic pair: Herald {mixed} of {total}; "
            f"headline TF-IDF {tmixed} of {ttotal}"
        )
    tfidf_rel = tfidf_related(_tfidf([d.title + " " + d.body for d in docs]), ids, 8)
    recent = recent_related(docs, 8)
    print("\n| related articles | P@2 event | P@5 event | P@5 topic |")
    print("|---|---|---|---|")
    for label, rel in (
        ("Herald", related),
        ("TF-IDF of the full text", tfidf_rel),
        ("most recent (reference page)", recent),
    ):
        print(
            f"| {label} | {precision_at(rel, docs, 2):.3f} | {precision_at(rel, docs, 5):.3f} | "
            f"{precision_at(rel, docs, 5, 'topic'):.3f} |"
        )
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["ecb", "uci"])
    parser.add_argument("--limit", type=int, default=None, help="first N articles only (quick runs)")
    parser.add_argument("--batch", type=int, default=32, help="articles handed to understanding at once")
    parser.add_argument(
        "--shuffle",
        type=int,
        metavar="SEED",
        help="feed the articles in a random order (dates dropped): how much the stories depend on order",
    )
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"{SHARED} is missing: the evaluation data sits beside the repository", file=sys.stderr)
        return 2
    if args.only in (None, "ecb"):
        docs = load_ecb(args.limit)
        if args.shuffle is not None:
            random.Random(args.shuffle).shuffle(docs)
            docs = [replace(d, time=None) for d in docs]
            report(f"ECB+ (full articles, random order, seed {args.shuffle}, no dates)", docs, args)
        else:
            report("ECB+ (full articles, publication order where known)", docs, args)
    if args.only in (None, "uci"):
        report("UCI News Aggregator (headlines, timestamp order)", load_uci(args.limit), args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
