"""Stories, copies, entities and related lists as the store records them, on SQLite and PostgreSQL: what a
placement writes, merges, the operator's corrections, and the pages' queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from herald.models import ArticleSignal, EntityRef, SourceSpec
from herald.store import NewFeatures, Placement, Store
from tests.store.builders import save_article

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _vector(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=384).astype(np.float32)
    return v / np.linalg.norm(v)


def _publishers(store: Store, n: int) -> list[int]:
    ids = []
    for i in range(n):
        source, _ = store.sources.add(
            SourceSpec(feed_url=f"http://p{i}.example/feed", publisher=f"Paper {i}")
        )
        ids.append(source.publisher_id)
    return ids


def _article(store: Store, n: int, publisher_id: int, hours: float = 0, section: str | None = None) -> str:
    published = T0 + timedelta(hours=hours)
    return save_article(store, n, publisher_id=publisher_id, published=published, section=section)


def _place(
    store: Store, article_id: str, publisher_id: int, seed: int, hours: float = 0, **kw: object
) -> int:
    vector = _vector(seed)
    signal = ArticleSignal(article_id, vector, {"port-alder": 1.0}, T0 + timedelta(hours=hours), publisher_id)
    placement = Placement(
        signal=signal,
        time=T0 + timedelta(hours=hours),
        title=f"Headline of {article_id[-2:]}",
        features=NewFeatures(article_id, "test", vector, signal.terms, None, (), None),
        **kw,  # type: ignore[arg-type]
    )
    return store.stories.place(placement).story_id


def test_new_story_then_join_counts_publishers_and_span(store: Store) -> None:
    p1, p2 = _publishers(store, 2)
    a = _article(store, 1, p1, section="World")
    b = _article(store, 2, p2, hours=5, section="World")
    story_id = _place(store, a, p1, 1)
    assert _place(store, b, p2, 1, hours=5, story_id=story_id) == story_id
    story = store.stories.get(story_id)
    assert story is not None
    assert (story.article_count, story.publisher_count) == (2, 2)
    assert story.first_published == T0 and story.last_updated == T0 + timedelta(hours=5)
    assert story.section == "World"
    assert [x.id for x in store.stories.articles(story_id)] == [a, b]
    profile = store.stories.profiles([story_id])[story_id]
    assert profile.size == 2
    assert np.allclose(profile.centroid_sum, _vector(1) * 2, atol=1e-5)
    assert store.articles.get(b).story_id == story_id  # type: ignore[union-attr]


def test_merge_moves_members_and_old_id_leads_to_the_survivor(store: Store) -> None:
    (p,) = _publishers(store, 1)
    first = _place(store, _article(store, 1, p), p, 1)
    second = _place(store, _article(store, 2, p), p, 2)
    joined = _place(store, _article(store, 3, p), p, 1, story_id=first, merge_story_ids=(second,))
    assert joined == first
    merged = store.stories.get(second)
    assert merged is not None and merged.id == first and merged.article_count == 3
    assert second not in store.stories.profiles([first, second])
    assert store.stories.count() == 1


def test_copy_group_and_ungrouping(store: Store) -> None:
    p1, p2, p3 = _publishers(store, 3)
    origin = _article(store, 1, p1)
    story = _place(store, origin, p1, 1)
    copy = _article(store, 2, p2, hours=1)
    _place(store, copy, p2, 1, hours=1, story_id=story, copy_origin=origin)
    assert [a.id for a in store.stories.copies(origin)] == [copy]
    # an older telling arrives late: it becomes the origin and the others its copies
    older = _article(store, 3, p3, hours=-2)
    _place(store, older, p3, 1, hours=-2, story_id=story, replaces_origin=origin)
    assert store.articles.get(older).copy_of is None  # type: ignore[union-attr]
    assert {a.id for a in store.stories.copies(older)} == {origin, copy}
    # the operator says one of them is its own work
    assert store.stories.ungroup_copy(copy)
    assert {a.id for a in store.stories.copies(older)} == {origin}
    assert store.articles.get(copy).copy_of is None  # type: ignore[union-attr]


def test_detach_recomputes_the_story_it_left(store: Store) -> None:
    p1, p2 = _publishers(store, 2)
    a, b = _article(store, 1, p1), _article(store, 2, p2, hours=1)
    story = _place(store, a, p1, 1)
    _place(store, b, p2, 2, hours=1, story_id=story)
    new_story = store.stories.detach(b)
    assert new_story is not None and new_story != story
    left = store.stories.get(story)
    assert left is not None and (left.article_count, left.publisher_count) == (1, 1)
    assert np.allclose(store.stories.profiles([story])[story].centroid_sum, _vector(1), atol=1e-3)
    assert store.articles.get(b).story_id == new_story  # type: ignore[union-attr]


def test_a_detached_article_is_never_merged_back(store: Store) -> None:
    p1, p2, p3 = _publishers(store, 3)
    a, b = _article(store, 1, p1), _article(store, 2, p2, hours=1)
    story = _place(store, a, p1, 1)
    _place(store, b, p2, 1, hours=1, story_id=story)
    alone = store.stories.detach(b)
    assert alone is not None
    # a later article close to both would merge them; the operator's correction stands
    _place(store, _article(store, 3, p3, hours=2), p3, 1, hours=2, story_id=story, merge_story_ids=(alone,))
    assert store.articles.get(b).story_id == alone  # type: ignore[union-attr]
    assert store.stories.get(alone) is not None and store.stories.get(alone).id == alone  # type: ignore[union-attr]


def test_entities_and_related_lists(store: Store) -> None:
    p1, p2, p3 = _publishers(store, 3)
    a, b, c = _article(store, 1, p1), _article(store, 2, p2), _article(store, 3, p3)
    macron = EntityRef("emmanuel-macron", "Emmanuel Macron", "person")
    _place(store, a, p1, 1, entities=[(macron, 3)])
    _place(store, b, p2, 1, entities=[(macron, 1)], related=[(a, 0.9)], reciprocal=[(a, 0.9)])
    _place(store, c, p3, 1, related=[(a, 0.5), (b, 0.7)], reciprocal=[(a, 0.5), (b, 0.7)])
    assert store.entities.get("emmanuel-macron") == EntityRef(
        "emmanuel-macron", "Emmanuel Macron", "person", 2
    )
    assert [e.key for e in store.entities.for_article(a)] == ["emmanuel-macron"]
    assert [x.id for x in store.entities.articles("emmanuel-macron")] in ([a, b], [b, a])
    assert store.features.related_ids(a) == [b, c]  # offered later, kept in score order
    assert store.features.related_ids(c) == [b, a]
    assert len(store.stories.for_entity("emmanuel-macron")) >= 1


def test_related_lists_keep_only_the_best(store: Store) -> None:
    (p,) = _publishers(store, 1)
    ids = [_article(store, n, p) for n in range(1, 5)]
    _place(store, ids[0], p, 1)
    for n, article_id in enumerate(ids[1:], start=1):
        _place(store, article_id, p, 1, related=[(ids[0], n / 10)], reciprocal=[(ids[0], n / 10)])
    assert len(store.features.related_ids(ids[0], 8)) == 3
    assert store.features.related_ids(ids[0], 8)[0] == ids[3]


def test_top_stories_rank_by_publishers_and_freshness(store: Store) -> None:
    p1, p2, p3 = _publishers(store, 3)
    wide = _place(store, _article(store, 1, p1), p1, 1)
    for n, p in ((2, p2), (3, p3)):
        _place(store, _article(store, n, p, hours=1), p, 1, hours=1, story_id=wide)
    narrow = _place(store, _article(store, 4, p1, hours=2), p1, 2, hours=2)
    stale = _place(store, _article(store, 5, p2, hours=-24 * 10), p2, 3, hours=-24 * 10)
    top = [s.id for s in store.stories.top(10, now=T0 + timedelta(hours=3))]
    assert top == [wide, narrow, stale]
