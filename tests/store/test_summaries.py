"""Stored summaries and generated texts, on SQLite and PostgreSQL: written with a placement or alone, replaced
with an update (which drops what a model wrote from the old text), gone with their article."""

from __future__ import annotations

from sqlalchemy import delete

from herald.ai.types import Summary
from herald.store import NewFeatures, Store
from herald.store.schema import ArticleRow
from tests.store.test_stories import _article, _publishers, _vector

SUMMARY = Summary(sentences=("First.", "Second."), key_points=("A point.", "Another."), method="extractive")


def test_summaries_round_trip_and_backlog(store: Store) -> None:
    (publisher,) = _publishers(store, 1)
    first, second = _article(store, 1, publisher), _article(store, 2, publisher, hours=1)
    assert store.summaries.without_summary() == [first, second]
    assert store.summaries.put(first, SUMMARY)
    assert store.summaries.get(first) == SUMMARY
    assert store.summaries.without_summary() == [second]
    replaced = Summary(sentences=("Only.",), key_points=(), method="extractive")
    assert store.summaries.put(first, replaced)  # a second choice replaces the first
    assert store.summaries.many([first, second, "f" * 32]) == {first: replaced}
    assert store.summaries.count() == 1
    assert not store.summaries.put("e" * 32, SUMMARY)  # no such article: nothing stored, no error


def test_generated_texts_are_kept_per_model_and_variant(store: Store) -> None:
    (publisher,) = _publishers(store, 1)
    article = _article(store, 1, publisher)
    assert store.summaries.generated(article, "translate", "m1", "es") is None
    assert store.summaries.put_generated(article, "translate", "m1", "es", {"title": "Hola"})
    assert store.summaries.put_generated(article, "translate", "m1", "fr", {"title": "Bonjour"})
    assert store.summaries.put_generated(article, "translate", "m2", "es", {"title": "Buenas"})
    assert store.summaries.put_generated(article, "translate", "m1", "es", {"title": "Hola de nuevo"})
    assert store.summaries.generated(article, "translate", "m1", "es") == {"title": "Hola de nuevo"}
    assert store.summaries.generated(article, "translate", "m2", "es") == {"title": "Buenas"}
    assert not store.summaries.put_generated("e" * 32, "simple", "m1", "", {})

    # new text for the article: a new summary, and what the models wrote from the old text is dropped
    store.stories.replace_features(
        NewFeatures(
            article_id=article,
            model="test",
            vector=_vector(1),
            terms={},
            near_dup=None,
            bands=(),
            section_guess=None,
        ),
        [],
        SUMMARY,
    )
    assert store.summaries.get(article) == SUMMARY
    assert store.summaries.generated(article, "translate", "m1", "fr") is None

    with store.db.write() as session:  # an article deleted takes its rows along
        session.execute(delete(ArticleRow).where(ArticleRow.id == article))
    assert store.summaries.get(article) is None and store.summaries.count() == 0
