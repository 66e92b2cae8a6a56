"""Choosing a summary and key points from sentence vectors (synthetic vectors: the choice is pure numpy)."""

from __future__ import annotations

import numpy as np
import pytest

from herald.ai.summary import centrality, choose_summary
from herald.ai.types import Sentence


def sentences(count: int) -> list[Sentence]:
    return [Sentence(index=i, paragraph=i, text=f"Sentence number {i} of the article.") for i in range(count)]


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_directed_centrality_favours_what_later_sentences_unfold() -> None:
    # sentence 0 is echoed by 1 and 2; sentence 3 only repeats what came before
    vectors = unit(np.array([[1, 0.1, 0], [0.9, 0.2, 0], [0.95, 0, 0.1], [0.97, 0.05, 0.05], [0, 0, 1.0]]))
    scores = centrality(vectors)
    assert int(np.argmax(scores)) == 0
    assert scores[3] < scores[0]


def test_summary_in_article_order_without_near_repeats() -> None:
    rng = np.random.default_rng(7)
    vectors = unit(rng.normal(size=(12, 16)))
    vectors[1] = vectors[0]  # a repeat of the lead
    summary = choose_summary(sentences(12), vectors, length=3)
    chosen = [int(s.split()[2]) for s in summary.sentences]
    assert len(chosen) == 3 and chosen == sorted(chosen)
    assert not {0, 1} <= set(chosen)
    points = [int(s.split()[2]) for s in summary.key_points]
    assert 3 <= len(points) <= 5 and points == sorted(points)
    assert not set(points) & set(chosen)


@pytest.mark.parametrize(
    ("count", "summary", "points"), [(0, 0, 0), (1, 1, 0), (3, 3, 0), (5, 3, 0), (6, 3, 3)]
)
def test_short_articles(count: int, summary: int, points: int) -> None:
    vectors = unit(np.random.default_rng(1).normal(size=(max(count, 1), 8)))[:count]
    result = choose_summary(sentences(count), vectors)
    assert (len(result.sentences), len(result.key_points)) == (summary, points)
    assert result.method == "extractive"


def test_long_articles_get_up_to_five_points() -> None:
    vectors = unit(np.random.default_rng(3).normal(size=(80, 32)))
    assert len(choose_summary(sentences(80), vectors).key_points) == 5


def test_vectors_must_match_sentences() -> None:
    with pytest.raises(ValueError, match="vectors"):
        choose_summary(sentences(3), np.zeros((2, 4), dtype=np.float32))
