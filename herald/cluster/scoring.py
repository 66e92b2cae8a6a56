"""How similar an article is to a story, and to another article.

An article's similarity to a story is the average of its similarity to every member (average link), blending
two views of "the same event": the embedding (what happened, in any words) and the IDF-weighted names the
articles share (who and where: two earthquakes or two free-agent signings read alike to an embedding, but name
different places and people). Average link, unlike nearest-member, keeps a story from drifting one
neighbour at a time. Because profiles keep sums, it costs one dot product per candidate story.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from herald.models import ArticleSignal, StoryProfile

# Weight of the embedding against the shared names, and the bar to join a story or merge two. Measured on
# ECB+ and UCI by bench/clusters.py; see the README for the figures these give.
VECTOR_WEIGHT = 0.45
JOIN_THRESHOLD = 0.35
MERGE_THRESHOLD = 0.40
# With no names to compare (a headline-only item, a text in lower case), the embedding alone decides, and must
# reach this cosine; articles with few names lean towards it. Chosen on UCI's headlines (README).
VECTOR_ONLY_THRESHOLD = 0.35
# Names (and words of names) an article needs before shared names weigh fully; fewer, and the embedding
# weighs more.
NAMES_FOR_FULL_WEIGHT = 24
# News about one event keeps coming for days; beyond this gap two articles are treated as different events.
STORY_GAP_DAYS = 10.0


def name_terms(mentions: Mapping[str, int]) -> dict[str, int]:
    """Clustering terms from an article's names: each name's key, and each longer word of it, so "Lohan"
    in one article meets "Lindsay Lohan" in another and "Betty Ford Center" meets "Betty Ford"."""
    terms: dict[str, int] = {}
    for key, count in mentions.items():
        terms[key] = terms.get(key, 0) + count
        parts = key.split("-")
        if len(parts) > 1:
            for part in parts:
                if len(part) > 2:
                    word = "w:" + part
                    terms[word] = terms.get(word, 0) + count
    return terms


def term_weights(
    mentions: Mapping[str, int], document_frequency: Mapping[str, int], total_documents: int
) -> dict[str, float]:
    """Unit-length TF-IDF weights of an article's names: a name few articles share says more."""
    weights: dict[str, float] = {}
    n = max(total_documents, 1)
    for key, count in mentions.items():
        if count <= 0:
            continue
        idf = math.log((n + 1) / (document_frequency.get(key, 0) + 1)) + 1.0
        weights[key] = (1.0 + math.log(count)) * idf
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {k: w / norm for k, w in weights.items()} if norm else {}


def _terms_dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(k, 0.0) for k, w in a.items())


def _gap_days(time: datetime | None, first: datetime | None, last: datetime | None) -> float:
    """Days between an article and a story's span; 0 when inside it or when either time is unknown."""
    if time is None or first is None or last is None:
        return 0.0
    if time < first:
        return (first - time).total_seconds() / 86400
    if time > last:
        return (time - last).total_seconds() / 86400
    return 0.0


def _time_factor(gap_days: float) -> float:
    if gap_days >= STORY_GAP_DAYS:
        return 0.0
    return 1.0 - 0.5 * (gap_days / STORY_GAP_DAYS) ** 2


def story_similarity(article: ArticleSignal, story: StoryProfile) -> float:
    size = max(story.size, 1)
    vector = float(article.vector @ story.centroid_sum) / size
    terms = _terms_dot(article.terms, story.terms_sum) / size
    evidence = _name_evidence(article.terms) if story.terms_sum else 0.0
    blended = _blend(vector, terms, evidence)
    return blended * _time_factor(_gap_days(article.published, story.first, story.last))


def _name_evidence(terms: Mapping[str, float]) -> float:
    """How far shared names can be trusted: a full article names enough people and places for their overlap
    to mean something; a headline's two or three names, told in other words elsewhere, do not."""
    return min(1.0, len(terms) / NAMES_FOR_FULL_WEIGHT)


def _blend(vector: float, terms: float, evidence: float) -> float:
    named = VECTOR_WEIGHT * vector + (1 - VECTOR_WEIGHT) * terms
    # Without names, the embedding alone, scaled so that the same bars apply to it.
    unnamed = vector * JOIN_THRESHOLD / VECTOR_ONLY_THRESHOLD
    return evidence * named + (1 - evidence) * unnamed


def choose_story(
    article: ArticleSignal, stories: Iterable[StoryProfile], threshold: float = JOIN_THRESHOLD
) -> tuple[StoryProfile | None, float]:
    """The story the article belongs to, or None for a new story; ties go to the older story (lower id), so
    the outcome does not depend on the order candidates were found in."""
    best: StoryProfile | None = None
    best_score = -1.0
    for story in sorted(stories, key=lambda s: s.id):
        score = story_similarity(article, story)
        if score > best_score:
            best, best_score = story, score
    if best is None or best_score < threshold:
        return None, best_score
    return best, best_score


def profile_with(story: StoryProfile, article: ArticleSignal) -> StoryProfile:
    terms = dict(story.terms_sum)
    for key, weight in article.terms.items():
        terms[key] = terms.get(key, 0.0) + weight
    times = [t for t in (story.first, story.last, article.published) if t is not None]
    return replace(
        story,
        centroid_sum=story.centroid_sum + article.vector,
        terms_sum=terms,
        size=story.size + 1,
        first=min(times) if times else None,
        last=max(times) if times else None,
    )


def _story_pair_similarity(a: StoryProfile, b: StoryProfile) -> float:
    """Average link between two stories: the mean similarity over every pair of their members."""
    pairs = max(a.size, 1) * max(b.size, 1)
    vector = float(a.centroid_sum @ b.centroid_sum) / pairs
    terms = _terms_dot(a.terms_sum, b.terms_sum) / pairs
    gap = 0.0
    if a.first and a.last and b.first and b.last:
        gap = max(0.0, (b.first - a.last).total_seconds(), (a.first - b.last).total_seconds()) / 86400
    evidence = min(_name_evidence(a.terms_sum), _name_evidence(b.terms_sum))
    return _blend(vector, terms, evidence) * _time_factor(gap)


def stories_to_merge(
    story: StoryProfile, others: Iterable[StoryProfile], threshold: float = MERGE_THRESHOLD
) -> list[int]:
    """Other stories that, now this one has grown, turn out to be about the same event."""
    return sorted(
        other.id
        for other in others
        if other.id != story.id and _story_pair_similarity(story, other) >= threshold
    )


def rank_related(
    article: ArticleSignal, candidates: Sequence[ArticleSignal], *, limit: int = 8, floor: float = 0.25
) -> list[tuple[str, float]]:
    """Articles about the same thing, best first: meaning, shared names and closeness in time, never the
    article itself or one of its reprints, and never merely recent (a candidate must be similar at all)."""
    group = article.copy_of or article.id
    scored: list[tuple[float, str, str]] = []
    for other in candidates:
        other_group = other.copy_of or other.id
        if other.id == article.id or other_group == group:
            continue
        meaning = float(article.vector @ other.vector)
        if meaning < floor:
            continue
        names = _terms_dot(article.terms, other.terms)
        closeness = 0.5
        if article.published is not None and other.published is not None:
            days = abs((article.published - other.published).total_seconds()) / 86400
            closeness = math.exp(-days / 7)
        score = 0.6 * meaning + 0.3 * names + 0.1 * closeness
        if other.publisher_id == article.publisher_id:
            score *= 0.9  # other outlets' tellings first; the publisher's own list is shown separately
        scored.append((score, other.id, other_group))
    scored.sort(key=lambda s: (-s[0], s[1]))
    ranked: list[tuple[str, float]] = []
    shown_groups: set[str] = set()
    for score, article_id, other_group in scored:
        if other_group in shown_groups:
            continue  # one reprint of a wire story is enough
        shown_groups.add(other_group)
        ranked.append((article_id, round(score, 6)))
        if len(ranked) == limit:
            break
    return ranked
