"""Herald against plain trafilatura on the 102 pages of the development set, scored as the public benchmark
scores (the scorer lives in bench/extraction.py, which does not import Herald)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.bench_loader import load_bench


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench("extraction")


def test_scorer_counts_shared_shingles(bench: ModuleType) -> None:
    truth = "one two three four five six"
    assert bench.page_score(truth, truth) == bench.Score(1.0, 1.0)
    assert bench.page_score("", "") == bench.Score(1.0, 1.0)
    assert bench.page_score(truth, "") == bench.Score(0.0, 0.0)
    half = bench.page_score(truth, "one two three four five six seven eight nine")
    assert half.recall == 1.0
    assert half.precision == pytest.approx(3 / 6)


def test_herald_beats_plain_trafilatura(bench: ModuleType, shared_dir: Path) -> None:
    pages = bench.load_pages(shared_dir / "eval" / "extraction")
    assert len(pages) == 102
    base = bench.run("trafilatura", bench.plain_trafilatura, pages).score
    herald = bench.run("herald", bench.herald_extractor, pages).score
    assert herald.f1 >= base.f1, (herald, base)
    assert herald.precision > base.precision, (herald, base)
