"""``changed_at`` as the database's triggers keep it, on SQLite and PostgreSQL: stamped on every change an
app shows (new rows, new texts and headlines, a new section, story or origin, a story's growth, merge and
loss of its articles), not on writes that change nothing shown; and "changes since" paging through them,
ties at one instant included, exactly once each.

Rows are first set to an old time (a direct write of changed_at, which no trigger watches), so whether an
operation stamped a row is told by its value and never by the clock's resolution."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import select, update

from herald.models import ArticleSignal, ExtractedArticle, SourceSpec
from herald.store import NewFeatures, Placement, Store, downgrade, migrate
from herald.store.changes import ARTICLE, STORY, ChangeStore, Position
from herald.store.schema import ArticleRow, StoryRow
from tests.store.builders import save_article

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)
OLD = datetime(2001, 1, 1, tzinfo=UTC)


def _age(store: Store) -> None:
    with store.db.write() as session:
        session.execute(update(ArticleRow).values(changed_at=OLD))
        session.execute(update(StoryRow).values(changed_at=OLD))


def _stamped(store: Store) -> set[str | int]:
    """The articles (by id) and stories (by id) stamped since :func:`_age`."""
    with store.db.read() as session:
        articles = session.scalars(select(ArticleRow.id).where(ArticleRow.changed_at != OLD))
        stories = session.scalars(select(StoryRow.id).where(StoryRow.changed_at != OLD))
        return {*articles, *stories}


def _source(store: Store, n: int) -> tuple[int, int]:
    source, _ = store.sources.add(SourceSpec(feed_url=f"http://p{n}.example/feed", publisher=f"Paper {n}"))
    return source.id, source.publisher_id


def _article(store: Store, n: int, source: tuple[int, int], section: str | None = "World") -> str:
    return save_article(
        store,
        n,
        publisher_id=source[1],
        source_id=source[0],
        published=T0 + timedelta(minutes=n),
        section=section,
    )


def _place(store: Store, article_id: str, seed: int, **decisions: object) -> int:
    vector = np.zeros(384, dtype=np.float32)
    vector[seed] = 1.0
    found = store.articles.get(article_id)
    assert found is not None
    signal = ArticleSignal(article_id, vector, {}, T0, found.publisher_id)
    placement = Placement(
        signal=signal,
        time=T0,
        title=found.title,
        features=NewFeatures(article_id, "test", vector, {}, None, (), None),
        **decisions,  # type: ignore[arg-type]
    )
    return store.stories.place(placement).story_id


def test_a_new_article_is_stamped_by_the_database_clock(store: Store) -> None:
    changes = ChangeStore(store.db)
    before = changes.now()
    article = _article(store, 1, _source(store, 1))
    after = changes.now()
    [change] = changes.since(None, until=after, limit=10)
    assert (change.kind, change.article_id, change.story_id) == (ARTICLE, article, None)
    assert before <= change.changed_at <= after
    assert change.changed_at.tzinfo is not None
    assert changes.last_changed(article_ids=[article]) == change.changed_at
    assert changes.last_changed(article_ids=["f" * 32]) is None


def test_a_new_text_is_a_change_and_a_check_that_finds_the_same_text_is_not(store: Store) -> None:
    article = _article(store, 1, _source(store, 1))
    _age(store)
    same = ExtractedArticle(title="Headline 1", paragraphs=("Paragraph of article 1.",), canonical_url=None)
    assert (
        store.articles.replace_content(article, same, content_hash="x", now=T0 + timedelta(days=1)) is False
    )
    assert _stamped(store) == set()  # only updated_at moved: nothing an app shows
    corrected = ExtractedArticle(
        title="Headline 1", paragraphs=("A corrected paragraph.",), canonical_url=None
    )
    assert store.articles.replace_content(article, corrected, content_hash="y", now=T0 + timedelta(days=2))
    assert _stamped(store) == {article}


def test_placing_stamps_the_article_and_its_story_and_a_merge_stamps_everything_it_moves(
    store: Store,
) -> None:
    source = _source(store, 1)
    first, second, third, fourth = (_article(store, n, source) for n in (1, 2, 3, 4))
    _age(store)
    ferry = _place(store, first, 0)
    assert _stamped(store) == {first, ferry}
    _place(store, second, 0, story_id=ferry)
    _age(store)
    eclipse = _place(store, third, 1)
    assert _stamped(store) == {third, eclipse}  # the ferry story and its articles are untouched

    _age(store)
    survivor = _place(store, fourth, 0, story_id=ferry, merge_story_ids=(eclipse,))
    assert survivor == ferry
    # the merged story (now merged_into), its article (moved), the survivor (grown) and the new article
    assert _stamped(store) == {eclipse, third, ferry, fourth}
    merged = [
        c for c in ChangeStore(store.db).since(None, until=datetime.now(UTC), limit=10) if c.kind == STORY
    ]
    assert {(c.story_id, c.merged_into) for c in merged} == {(eclipse, ferry), (ferry, None)}


def test_refiling_a_feed_stamps_only_the_articles_whose_section_changes(store: Store) -> None:
    source = _source(store, 1)
    world = _article(store, 1, source, section="World")
    science = _article(store, 2, source, section="Science")
    story = _place(store, world, 0)
    _age(store)
    assert store.stories.set_source_section(source[0], "World") == 2
    # the World article was written again with the same section: no change; its story's section stays World
    assert _stamped(store) == {science}
    assert story not in _stamped(store)


def test_an_editors_corrections_are_changes(store: Store) -> None:
    source, other = _source(store, 1), _source(store, 2)
    origin, copy, own = _article(store, 1, source), _article(store, 2, other), _article(store, 3, other)
    story = _place(store, origin, 0)
    _place(store, copy, 0, story_id=story, copy_origin=origin)
    _place(store, own, 0, story_id=story)
    _age(store)
    assert store.stories.ungroup_copy(copy)
    assert _stamped(store) == {copy}  # its copy_of is gone; the story shows the same counts
    _age(store)
    alone = store.stories.detach(own)
    assert alone is not None
    assert _stamped(store) == {own, alone, story}  # a new story, and the one it left lost an article


def test_changes_page_through_ties_at_one_instant_exactly_once(store: Store) -> None:
    source = _source(store, 1)
    articles = [_article(store, n, source) for n in range(1, 6)]
    stories = [_place(store, a, i) for i, a in enumerate(articles[:3])]
    instant = datetime(2026, 11, 21, 8, 30, 0, 123456, tzinfo=UTC)
    with store.db.write() as session:  # every change at one microsecond
        session.execute(update(ArticleRow).values(changed_at=instant))
        session.execute(update(StoryRow).values(changed_at=instant))
    changes = ChangeStore(store.db)
    expected = [(ARTICLE, a) for a in sorted(articles)] + [(STORY, str(s)) for s in sorted(stories)]
    for size in (1, 2, 3, 8):
        seen, after = [], None
        while True:
            page = changes.since(after, until=instant, limit=size)
            shown = page[:size]
            seen += [(c.kind, c.position.key) for c in shown]
            if len(page) <= size:
                break
            after = shown[-1].position
        assert seen == expected, size
    # the end of the instant is after all of them; nothing after ``until`` is listed
    assert changes.since(Position(instant), until=instant + timedelta(days=1), limit=10) == []
    assert changes.since(None, until=instant - timedelta(microseconds=1), limit=10) == []
    assert changes.last_changed(article_ids=articles, story_ids=stories) == instant


def test_the_migration_stamps_the_rows_it_finds_and_the_triggers_survive_later_migrations(
    database_url: str,
) -> None:
    store = Store(database_url)
    try:
        downgrade(store.db.engine, "0007")
        article = _article(store, 1, _source(store, 1))  # stored before there was a changed_at
        migrate(store.db.engine)
        changes = ChangeStore(store.db)
        [found] = changes.since(None, until=changes.now(), limit=10)
        assert found.article_id == article and found.changed_at > OLD
        _age(store)
        store.articles.replace_content(
            article,
            ExtractedArticle(title="Headline 1", paragraphs=("Another text.",), canonical_url=None),
            content_hash="z",
            now=T0,
        )
        assert _stamped(store) == {article}
    finally:
        store.close()
