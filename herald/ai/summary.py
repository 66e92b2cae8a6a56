"""Extractive summaries and key points, chosen with the article's sentence embeddings.

The summary follows PacSum (Zheng and Lapata, 2019, "Sentence Centrality Revisited for Unsupervised
Summarization"): a sentence is central when the sentences *after* it say what it says, and less so when it
only repeats what came *before* it; news puts what matters first and elaborates later, so this directed
centrality favours the sentence that the rest of the article unfolds. Two priors join it, as in most
unsupervised news summarizers: an early sentence gains (news puts what matters first) and a long one loses a
little (it would crowd a three-sentence summary). Key points are the most central of the remaining
sentences, picked by maximal marginal relevance so no two say the same thing. Both lists are shown in
article order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from herald.ai.types import Sentence, Summary

SUMMARY_SENTENCES = 3
MAX_KEY_POINTS = 5
MIN_KEY_POINTS = 3
METHOD = "extractive"


@dataclass(frozen=True, slots=True)
class Weights:
    """PacSum's edge threshold and direction weights, and the priors' weights (in units of the centrality's
    spread). Chosen on the even half of the CNN/DM evaluation articles and checked on the odd half; see
    bench/summaries.py."""

    threshold: float = 0.5  # share of the similarity range below which an edge counts as nothing
    earlier: float = -2.0  # weight of similarity to earlier sentences (repeating is not central)
    later: float = 1.0  # weight of similarity to later sentences (what the article goes on to explain)
    position: float = 1.0  # weight of earliness, -log(1 + index)
    length: float = 0.3  # weight against long sentences, log(words)
    redundancy: float = 0.85  # a sentence this close to one already chosen adds nothing


DEFAULT_WEIGHTS = Weights()


def centrality(vectors: np.ndarray, weights: Weights = DEFAULT_WEIGHTS) -> np.ndarray:
    """PacSum's directed degree centrality of each sentence (rows: L2-normalised sentence vectors)."""
    count = len(vectors)
    if count == 0:
        return np.zeros(0, dtype=np.float32)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0.0)
    if count > 1:
        off = similarity[~np.eye(count, dtype=bool)]
        low, high = float(off.min()), float(off.max())
        edges = np.maximum(similarity - (low + weights.threshold * (high - low)), 0.0)
    else:
        edges = similarity
    later = np.triu(edges, k=1).sum(axis=1)  # row i: similarity to sentences after i
    earlier = np.tril(edges, k=-1).sum(axis=1)
    return np.asarray(weights.later * later + weights.earlier * earlier, dtype=np.float32)


def choose_summary(
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    *,
    length: int = SUMMARY_SENTENCES,
    key_points: int | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Summary:
    """The summary (``length`` sentences) and key points (``key_points``, or 3 to 5 by the article's length,
    none for a short article) of one article."""
    count = len(sentences)
    if count == 0:
        return Summary(sentences=(), key_points=(), method=METHOD)
    if len(vectors) != count:
        raise ValueError(f"{count} sentences but {len(vectors)} vectors")
    vectors = np.asarray(vectors, dtype=np.float32)
    scores = summary_scores(sentences, vectors, weights)
    chosen = _pick(scores, vectors, min(length, count), weights.redundancy, exclude=())
    wanted = _key_point_count(count - len(chosen)) if key_points is None else key_points
    points = _pick_diverse(vectors, wanted, exclude=chosen, redundancy=weights.redundancy) if wanted else []
    return Summary(
        sentences=tuple(sentences[i].text for i in sorted(chosen)),
        key_points=tuple(sentences[i].text for i in sorted(points)),
        method=METHOD,
    )


def summary_scores(
    sentences: Sequence[Sentence], vectors: np.ndarray, weights: Weights = DEFAULT_WEIGHTS
) -> np.ndarray:
    """How much each sentence deserves a place in the summary: directed centrality plus the two priors."""
    words = np.array([max(1, len(s.text.split())) for s in sentences], dtype=np.float32)
    earliness = -np.log1p(np.array([s.index for s in sentences], dtype=np.float32))
    return (
        _standardised(centrality(vectors, weights))
        + weights.position * _standardised(earliness)
        - weights.length * _standardised(np.log(words))
    )


def _standardised(values: np.ndarray) -> np.ndarray:
    spread = float(values.std()) if len(values) > 1 else 0.0
    return (values - float(values.mean())) / spread if spread > 1e-9 else np.zeros_like(values)


def _key_point_count(remaining: int) -> int:
    """About one key point per eight remaining sentences, three to five, and none when fewer than three
    sentences are left over (the summary already says it all)."""
    if remaining < MIN_KEY_POINTS:
        return 0
    return min(MAX_KEY_POINTS, max(MIN_KEY_POINTS, remaining // 8), remaining)


def _pick(
    scores: np.ndarray, vectors: np.ndarray, wanted: int, redundancy: float, exclude: Sequence[int]
) -> list[int]:
    """Best-scored first, skipping near-repeats of a sentence already taken."""
    chosen: list[int] = []
    for i in np.argsort(-scores, kind="stable"):
        index = int(i)
        if index in exclude:
            continue
        if chosen and float((vectors[chosen] @ vectors[index]).max()) >= redundancy:
            continue
        chosen.append(index)
        if len(chosen) == wanted:
            break
    return chosen


def _pick_diverse(
    vectors: np.ndarray, wanted: int, *, exclude: Sequence[int], redundancy: float
) -> list[int]:
    """Maximal marginal relevance: relevance is closeness to the article's centre, and each pick is pushed
    away from the summary and the points already taken, so the points cover the article's other matters."""
    centre = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centre))
    relevance = vectors @ (centre / norm) if norm > 0 else np.zeros(len(vectors), dtype=np.float32)
    taken = list(exclude)
    points: list[int] = []
    candidates = [i for i in range(len(vectors)) if i not in set(exclude)]
    while candidates and len(points) < wanted:
        if taken:
            closeness = (vectors[candidates] @ vectors[taken].T).max(axis=1)
        else:
            closeness = np.zeros(len(candidates), dtype=np.float32)
        marginal = 0.6 * relevance[candidates] - 0.4 * closeness
        best = int(np.argmax(marginal))
        index = candidates.pop(best)
        if taken and float(closeness[best]) >= redundancy:
            continue
        points.append(index)
        taken.append(index)
    return points
