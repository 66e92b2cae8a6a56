"""Article-body extraction quality: Herald's ``extract_article`` beside plain trafilatura on the same pages,
in the same run, scored the way the public article-extraction benchmark scores (so figures compare with the
published ones).

The scorer below does not import Herald, so the test suite can import it to check the same figures.

Usage: python bench/extraction.py [--data ../shared/eval/extraction] [--worst 10]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SHINGLE = 4

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval" / "extraction"


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    html: bytes
    truth: str


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def shingles(text: str, n: int = _SHINGLE) -> Counter[str]:
    """The multiset of n-token shingles; a text shorter than n tokens is one shingle of all its tokens."""
    tokens = _TOKEN.findall(text or "")
    grams = (" ".join(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def page_counts(truth: str, prediction: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingles, divided by their sum so that every page weighs the same."""
    want, got = shingles(truth), shingles(prediction)
    tp = fp = fn = 0
    for key in want.keys() | got.keys():
        t, p = want.get(key, 0), got.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def page_score(truth: str, prediction: str) -> Score:
    tp, fp, fn = page_counts(truth, prediction)
    if fp == fn == 0:
        return Score(1.0, 1.0)
    precision = 0.0 if tp == fp == 0 else tp / (tp + fp)
    recall = 0.0 if tp == fn == 0 else tp / (tp + fn)
    return Score(precision, recall)


def overall(scores: Iterable[Score]) -> Score:
    """Precision and recall averaged over pages; F1 is then the harmonic mean of the two averages."""
    items = list(scores)
    if not items:
        return Score(0.0, 0.0)
    return Score(
        sum(s.precision for s in items) / len(items),
        sum(s.recall for s in items) / len(items),
    )


def load_pages(data_dir: Path = DEFAULT_DATA) -> list[Page]:
    truth = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, entry in sorted(truth.items()):
        html = gzip.decompress((data_dir / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(Page(page_id, entry.get("url", ""), html, entry.get("articleBody", "")))
    return pages


def plain_trafilatura(page: Page) -> str:
    """The baseline: trafilatura as documented, precision favoured, comments left out, plain text."""
    import trafilatura

    return trafilatura.extract(page.html, url=page.url, favor_precision=True, include_comments=False) or ""


@dataclass(frozen=True)
class Run:
    name: str
    per_page: Mapping[str, Score]
    seconds_per_page: float

    @property
    def score(self) -> Score:
        return overall(self.per_page.values())


def run(name: str, extractor: Callable[[Page], str], pages: list[Page]) -> Run:
    per_page: dict[str, Score] = {}
    elapsed = 0.0
    for page in pages:
        start = time.perf_counter()
        try:
            text = extractor(page)
        except Exception:  # a page the extractor refuses scores as an empty prediction
            text = ""
        elapsed += time.perf_counter() - start
        per_page[page.id] = page_score(page.truth, text)
    return Run(name, per_page, elapsed / max(1, len(pages)))


def herald_extractor(page: Page) -> str:
    from herald.extract import extract_article

    return extract_article(page.html, url=page.url).text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--worst", type=int, default=0, help="list the N pages where Herald loses most F1")
    args = parser.parse_args(argv)
    pages = load_pages(args.data)
    base = run("trafilatura", plain_trafilatura, pages)
    herald = run("herald", herald_extractor, pages)
    print(f"{len(pages)} pages from {args.data}")
    print(f"{'':12} {'F1':>7} {'P':>7} {'R':>7} {'ms/page':>8}")
    for result in (base, herald):
        s = result.score
        ms = result.seconds_per_page * 1000
        print(f"{result.name:12} {s.f1:7.4f} {s.precision:7.4f} {s.recall:7.4f} {ms:8.1f}")
    b, h = base.score, herald.score
    print(
        f"{'ratio':12} {h.f1 / b.f1:7.4f} {h.precision / b.precision:7.4f} {h.recall / b.recall:7.4f} "
        f"{herald.seconds_per_page / base.seconds_per_page:8.2f}"
    )
    if args.worst:
        worst = sorted(pages, key=lambda p: herald.per_page[p.id].f1 - base.per_page[p.id].f1)
        for page in worst[: args.worst]:
            hs, bs = herald.per_page[page.id], base.per_page[page.id]
            print(
                f"{page.id[:12]} herald P{hs.precision:.3f} R{hs.recall:.3f}  "
                f"trafilatura P{bs.precision:.3f} R{bs.recall:.3f}  {page.url}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
