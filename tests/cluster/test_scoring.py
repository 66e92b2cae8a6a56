"""Story choice, merging and related ranking on hand-made signals: the decisions, without a model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from herald.cluster import (
    JOIN_THRESHOLD,
    choose_story,
    profile_with,
    rank_related,
    stories_to_merge,
    story_similarity,
    term_weights,
)
from herald.models import ArticleSignal, StoryProfile

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)
RNG = np.random.default_rng(7)
TOPICS = {name: RNG.normal(size=384).astype(np.float32) for name in ("quake", "signing", "election")}


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def signal(
    article_id: str,
    topic: str,
    names: dict[str, int],
    *,
    hours: float = 0.0,
    publisher: int = 1,
    noise: float = 0.8,  # two articles of one kind of event: cosine about 0.6, as MiniLM gives
    copy_of: str | None = None,
    df: dict[str, int] | None = None,
) -> ArticleSignal:
    vector = unit(TOPICS[topic] + noise * np.linalg.norm(TOPICS[topic]) * unit(RNG.normal(size=384)))
    return ArticleSignal(
        id=article_id,
        vector=vector,
        terms=term_weights(names, df or {}, 100),
        published=T0 + timedelta(hours=hours),
        publisher_id=publisher,
        copy_of=copy_of,
    )


def story_of(story_id: int, *members: ArticleSignal) -> StoryProfile:
    first, *rest = members
    profile = StoryProfile(
        story_id, first.vector.copy(), dict(first.terms), 1, first.published, first.published
    )
    for m in rest:
        profile = profile_with(profile, m)
    return profile


# A full article names a couple of dozen people, places and organisations (and words of them).
QUAKE_A = {"chile": 3, "valparaiso": 2, "usgs": 1} | {f"chilean-name-{i}": 1 for i in range(22)}
QUAKE_B = {"japan": 3, "sendai": 2, "usgs": 1} | {f"japanese-name-{i}": 1 for i in range(22)}


def test_term_weights_are_unit_length_and_favour_rare_names() -> None:
    weights = term_weights({"common": 1, "rare": 1}, {"common": 90, "rare": 1}, 100)
    assert abs(sum(w * w for w in weights.values()) - 1.0) < 1e-9
    assert weights["rare"] > weights["common"]
    assert term_weights({}, {}, 100) == {}


def test_article_joins_the_story_of_its_event() -> None:
    story = story_of(1, signal("a", "quake", QUAKE_A), signal("b", "quake", QUAKE_A, hours=1))
    chosen, score = choose_story(signal("c", "quake", QUAKE_A, hours=2), [story])
    assert chosen is not None and chosen.id == 1
    assert score >= JOIN_THRESHOLD


def test_same_kind_of_event_elsewhere_starts_a_new_story() -> None:
    """Two earthquakes read alike; the places named keep them apart."""
    story = story_of(1, signal("a", "quake", QUAKE_A), signal("b", "quake", QUAKE_A, hours=1))
    chosen, _ = choose_story(signal("c", "quake", QUAKE_B, hours=2), [story])
    assert chosen is None


def test_unrelated_article_starts_a_new_story() -> None:
    story = story_of(1, signal("a", "quake", QUAKE_A))
    chosen, _ = choose_story(signal("c", "election", {"ohio": 2}), [story])
    assert chosen is None


def test_far_apart_in_time_is_another_event() -> None:
    story = story_of(1, signal("a", "quake", QUAKE_A), signal("b", "quake", QUAKE_A, hours=1))
    later = signal("c", "quake", QUAKE_A, hours=24 * 40)
    assert story_similarity(later, story) == 0.0
    assert choose_story(later, [story])[0] is None


def test_unknown_times_are_neutral() -> None:
    story = story_of(1, signal("a", "quake", QUAKE_A))
    undated = signal("c", "quake", QUAKE_A)
    undated = ArticleSignal(undated.id, undated.vector, undated.terms, None, 1)
    assert choose_story(undated, [story])[0] is not None


def test_choice_does_not_depend_on_candidate_order() -> None:
    one = story_of(1, signal("a", "quake", QUAKE_A))
    two = story_of(2, signal("b", "quake", QUAKE_A))
    new = signal("c", "quake", QUAKE_A)
    assert choose_story(new, [one, two])[0] == choose_story(new, [two, one])[0]


@pytest.mark.parametrize(("names", "merges"), [(QUAKE_A, True), (QUAKE_B, False)])
def test_stories_about_one_event_merge(names: dict[str, int], merges: bool) -> None:
    one = story_of(1, signal("a", "quake", QUAKE_A), signal("b", "quake", QUAKE_A))
    two = story_of(2, signal("c", "quake", names), signal("d", "quake", names))
    assert (stories_to_merge(one, [two]) == [2]) is merges


def test_related_never_shows_itself_or_its_reprints_and_ranks_same_event_first() -> None:
    me = signal("me", "quake", QUAKE_A, noise=0.2)
    candidates = [
        me,
        signal("copy", "quake", QUAKE_A, copy_of="me", publisher=2),
        signal("same-event", "quake", QUAKE_A, publisher=3, hours=2),
        signal("other-quake", "quake", QUAKE_B, publisher=4, hours=1),
        signal("unrelated", "election", {"ohio": 1}, publisher=5),
    ]
    ranked = [article_id for article_id, _ in rank_related(me, candidates)]
    assert "me" not in ranked and "copy" not in ranked
    assert ranked[0] == "same-event"
    assert "unrelated" not in ranked  # not merely recent: dissimilar articles are never shown


def test_related_shows_one_reprint_of_a_wire_story() -> None:
    me = signal("me", "quake", QUAKE_A)
    wire = [
        signal(f"w{i}", "quake", QUAKE_A, copy_of="w0" if i else None, publisher=10 + i) for i in range(3)
    ]
    ranked = [article_id for article_id, _ in rank_related(me, wire)]
    assert len(ranked) == 1


def test_with_few_names_the_embedding_decides() -> None:
    """Headlines name one or two things, told in other words elsewhere: their embedding must carry them."""
    story = story_of(1, signal("a", "quake", {"chile": 1}), signal("b", "quake", {"valparaiso": 1}))
    same_topic = signal("c", "quake", {"santiago": 1}, noise=0.3)
    assert choose_story(same_topic, [story])[0] is not None
    assert choose_story(signal("d", "election", {"santiago": 1}), [story])[0] is None
