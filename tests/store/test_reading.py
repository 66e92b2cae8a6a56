"""A reader's own lists on SQLite and PostgreSQL: the reading list and history (idempotent, ordered, gone with
the reader or the article), follows and mutes that toggle in place, the last visit, and the two questions
the reader's page asks: which recent articles match a follow (and no mute, and are unread, and are not a
second copy of the same text), and which followed stories moved since a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, inspect, select, update

from herald.models import Article, EntityRef, User
from herald.store import Store, downgrade, migrate
from herald.store.entities import EntityStore
from herald.store.reading import ReadingStore
from herald.store.schema import (
    ArticleRow,
    FollowRow,
    ReaderVisitRow,
    ReadingHistoryRow,
    SavedArticleRow,
    UserRow,
)
from herald.store.users import UserStore
from tests.store.test_stories import T0, _article, _place, _publishers

SINCE = T0 - timedelta(days=1)
READING_TABLES = {"saved_articles", "reading_history", "follows", "reader_visits"}


@pytest.fixture
def reading(store: Store) -> ReadingStore:
    return ReadingStore(store.db)


@pytest.fixture
def people(users: UserStore) -> tuple[User, User]:
    return users.create("ada@example.org", "Ada", "hash"), users.create("bob@example.org", "Bob", "hash")


def _set(store: Store, article_id: str, **values: object) -> None:
    """Give an article the story or copy origin that understanding would have given it."""
    with store.db.write() as session:
        session.execute(update(ArticleRow).where(ArticleRow.id == article_id).values(**values))


def _name(store: Store, article_id: str, *keys: str) -> None:
    with store.db.write() as session:
        EntityStore(store.db).record_in(
            session, article_id, [(EntityRef(key, key.title(), "place"), 1) for key in keys]
        )


def _delete(store: Store, row: type[UserRow] | type[ArticleRow], key: object) -> None:
    with store.db.write() as session:
        session.execute(delete(row).where(row.id == key))


ReaderTable = type[SavedArticleRow] | type[ReadingHistoryRow] | type[FollowRow] | type[ReaderVisitRow]


def _rows(store: Store, table: ReaderTable, user_id: int) -> int:
    with store.db.read() as session:
        return int(
            session.scalar(select(func.count()).select_from(table).where(table.user_id == user_id)) or 0
        )


def _ids(candidates: list[tuple[Article, list[tuple[str, str, str]]]]) -> list[str]:
    return [article.id for article, _matches in candidates]


def test_the_migration_goes_down_and_up_again(store: Store) -> None:
    engine = store.db.engine
    downgrade(engine, "0005")
    assert not READING_TABLES & set(inspect(engine).get_table_names())
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= READING_TABLES


def test_the_reading_list(store: Store, reading: ReadingStore, people: tuple[User, User]) -> None:
    ada, bob = people
    (p,) = _publishers(store, 1)
    first, second, third = (_article(store, n, p, hours=n) for n in (1, 2, 3))
    assert reading.save(ada.id, first)
    assert reading.save(ada.id, second)
    assert not reading.save(ada.id, first)  # already there
    assert not reading.save(ada.id, "f" * 32)  # no such article
    assert reading.save(bob.id, third)
    assert [a.id for a in reading.saved(ada.id)] == [second, first]  # newest saved first
    assert [a.id for a in reading.saved(ada.id, limit=1, offset=1)] == [first]
    assert reading.saved(ada.id)[0].publisher_name == "Paper 0"
    assert reading.saved_ids(ada.id, [first, third, "f" * 32]) == {first}
    assert reading.saved_ids(ada.id, []) == set()
    assert (reading.saved_count(ada.id), reading.saved_count(bob.id)) == (2, 1)
    # saving again after removing puts it back on top
    assert reading.unsave(ada.id, first)
    assert not reading.unsave(ada.id, first)
    assert reading.save(ada.id, first)
    assert [a.id for a in reading.saved(ada.id)] == [first, second]


def test_history_keeps_one_row_per_article_and_moves_it_when_read_again(
    store: Store, reading: ReadingStore, people: tuple[User, User]
) -> None:
    ada, bob = people
    (p,) = _publishers(store, 1)
    first, second, third = (_article(store, n, p) for n in (1, 2, 3))
    reading.record_read(ada.id, first, at=T0)
    reading.record_read(ada.id, second, at=T0 + timedelta(minutes=1))
    reading.record_read(ada.id, third, at=T0 + timedelta(minutes=2))
    reading.record_read(ada.id, first, at=T0 + timedelta(minutes=3))  # read again: moves up, no new row
    reading.record_read(ada.id, "f" * 32)  # gone: nothing recorded, no error
    reading.record_read(bob.id, second)
    history = reading.history(ada.id)
    assert [(a.id, at) for a, at in history] == [
        (first, T0 + timedelta(minutes=3)),
        (third, T0 + timedelta(minutes=2)),
        (second, T0 + timedelta(minutes=1)),
    ]
    assert history[0][1].tzinfo is not None
    assert [a.id for a, _at in reading.history(ada.id, limit=1, offset=2)] == [second]
    assert reading.read_ids(ada.id, [first, second, "f" * 32]) == {first, second}
    assert reading.forget_read(ada.id, third)
    assert not reading.forget_read(ada.id, third)
    assert reading.clear_history(ada.id) == 2
    assert reading.history(ada.id) == [] and reading.clear_history(ada.id) == 0
    assert reading.read_ids(bob.id, [second]) == {second}  # another reader's history stays
    before = datetime.now(UTC)
    reading.record_read(ada.id, first)
    assert reading.history(ada.id)[0][1] >= before.replace(microsecond=0)


def test_rows_go_with_their_article_and_their_reader(
    store: Store, reading: ReadingStore, people: tuple[User, User]
) -> None:
    ada, bob = people
    (p,) = _publishers(store, 1)
    first, second = _article(store, 1, p), _article(store, 2, p)
    for user in (ada, bob):
        for article in (first, second):
            reading.save(user.id, article)
            reading.record_read(user.id, article)
        reading.follow(user.id, "publisher", str(p), "Paper 0")
        reading.touch_visit(user.id)
    _delete(store, ArticleRow, first)
    assert [a.id for a in reading.saved(ada.id)] == [second]
    assert [a.id for a, _at in reading.history(ada.id)] == [second]
    _delete(store, UserRow, ada.id)
    for table in (SavedArticleRow, ReadingHistoryRow, FollowRow, ReaderVisitRow):
        assert _rows(store, table, ada.id) == 0
        assert _rows(store, table, bob.id) == 1


def test_follow_and_mute_toggle_one_row(
    store: Store, reading: ReadingStore, people: tuple[User, User]
) -> None:
    ada, bob = people
    reading.follow(ada.id, "entity", "north-korea", "North Korea")
    (followed,) = reading.follows(ada.id)
    reading.follow(ada.id, "entity", "north-korea", "North Korea")  # again: nothing new
    assert reading.follows(ada.id) == [followed]
    assert (followed.kind, followed.key, followed.label, followed.muted) == (
        "entity",
        "north-korea",
        "North Korea",
        False,
    )
    reading.follow(ada.id, "entity", "north-korea", "DPRK", muted=True)  # muting what one follows
    (muted,) = reading.follows(ada.id)
    assert (muted.label, muted.muted) == ("DPRK", True)
    assert muted.created_at > followed.created_at  # a change of state is a new follow
    reading.follow(ada.id, "entity", "north-korea", "North Korea")  # following what one muted
    assert [f.muted for f in reading.follows(ada.id)] == [False]

    reading.follow(ada.id, "section", "Sport", "Sport", muted=True)
    reading.follow(ada.id, "publisher", "3", "the Harbour Courier")
    reading.follow(ada.id, "story", "12", "Bridge closes", muted=True)
    reading.follow(ada.id, "section", "Business", "Business")
    reading.follow(bob.id, "section", "Sport", "Sport")
    # follows first, then mutes; each by label, whatever the case
    assert [(f.label, f.muted) for f in reading.follows(ada.id)] == [
        ("Business", False),
        ("North Korea", False),
        ("the Harbour Courier", False),
        ("Bridge closes", True),
        ("Sport", True),
    ]
    state = reading.follow_state(
        ada.id, [("section", "Sport"), ("publisher", "3"), ("entity", "3"), ("section", "World")]
    )
    assert state == {("section", "Sport"): True, ("publisher", "3"): False}
    assert reading.follow_state(bob.id, [("section", "Sport")]) == {("section", "Sport"): False}
    assert reading.follow_state(ada.id, []) == {}

    assert reading.unfollow(ada.id, "section", "Sport")
    assert not reading.unfollow(ada.id, "section", "Sport")
    assert reading.follow_state(bob.id, [("section", "Sport")]) == {("section", "Sport"): False}
    with pytest.raises(ValueError, match="kind"):
        reading.follow(ada.id, "author", "x", "X")
    reading.follow(ada.id, "entity", "k" * 250, "L" * 400)
    long = [f for f in reading.follows(ada.id) if f.key.startswith("k")]
    assert [(len(f.key), len(f.label)) for f in long] == [(200, 300)]


def test_touch_visit_returns_the_previous_visit(reading: ReadingStore, people: tuple[User, User]) -> None:
    ada, bob = people
    assert reading.touch_visit(ada.id, T0) is None
    assert reading.touch_visit(ada.id, T0 + timedelta(hours=1)) == T0
    assert reading.touch_visit(bob.id, T0) is None
    before = datetime.now(UTC)
    assert reading.touch_visit(ada.id) == T0 + timedelta(hours=1)
    latest = reading.touch_visit(ada.id)
    assert latest is not None and latest >= before.replace(microsecond=0)


def test_for_you_matches_each_kind_and_says_which(
    store: Store, reading: ReadingStore, people: tuple[User, User]
) -> None:
    ada, bob = people
    p1, p2 = _publishers(store, 2)
    by_publisher = _article(store, 1, p1, hours=1)
    by_story = _article(store, 2, p2, hours=2)
    by_section = _article(store, 3, p2, hours=3, section="Business")
    by_entity = _article(store, 4, p2, hours=4)
    by_two = _article(store, 5, p1, hours=5, section="Business")
    unrelated = _article(store, 6, p2, hours=6, section="Sport")
    _set(store, by_story, story_id=41)
    _set(store, unrelated, story_id=42)
    _name(store, by_entity, "port-alder", "harbour", "quay")
    _name(store, unrelated, "harbour")
    assert reading.for_you_candidates(ada.id, SINCE) == []  # follows nothing yet

    reading.follow(ada.id, "publisher", str(p1), "Paper 0")
    reading.follow(ada.id, "story", "41", "The strike")
    reading.follow(ada.id, "section", "Business", "Business")
    reading.follow(ada.id, "entity", "port-alder", "Port Alder")
    reading.follow(ada.id, "entity", "quay", "Albert Quay")
    reading.follow(ada.id, "entity", "nowhere", "Nowhere")  # names nothing stored: matches nothing
    for junk in ("not-a-number", "²", "9" * 40):  # keys no row has: they match nothing, and fail nothing
        reading.follow(ada.id, "publisher", junk, "Junk")
        reading.follow(ada.id, "story", junk, "Junk", muted=True)
    reading.follow(bob.id, "section", "Sport", "Sport")
    found = reading.for_you_candidates(ada.id, SINCE)
    assert _ids(found) == [by_two, by_entity, by_section, by_story, by_publisher]  # newest first
    matches = {article.id: m for article, m in found}
    assert matches[by_publisher] == [("publisher", str(p1), "Paper 0")]
    assert matches[by_story] == [("story", "41", "The strike")]
    assert matches[by_section] == [("section", "Business", "Business")]
    assert matches[by_entity] == [("entity", "quay", "Albert Quay"), ("entity", "port-alder", "Port Alder")]
    assert matches[by_two] == [("publisher", str(p1), "Paper 0"), ("section", "Business", "Business")]
    assert found[0][0].publisher_name == "Paper 0"
    assert _ids(reading.for_you_candidates(bob.id, SINCE)) == [unrelated]
    assert _ids(reading.for_you_candidates(ada.id, SINCE, limit=2)) == [by_two, by_entity]


def test_for_you_leaves_out_what_matches_a_mute(
    store: Store, reading: ReadingStore, people: tuple[User, User]
) -> None:
    ada, _ = people
    p1, p2 = _publishers(store, 2)
    plain = _article(store, 1, p1, hours=1)
    names_muted = _article(store, 2, p1, hours=2)
    in_muted_section = _article(store, 3, p1, hours=3, section="Sport")
    in_muted_story = _article(store, 4, p1, hours=4)
    other_story = _article(store, 5, p1, hours=5, section="World")
    muted_publisher = _article(store, 6, p2, hours=6, section="World")
    _name(store, names_muted, "celebrity", "harbour")
    _name(store, plain, "harbour")
    _set(store, in_muted_story, story_id=7)
    _set(store, other_story, story_id=8)
    reading.follow(ada.id, "publisher", str(p1), "Paper 0")
    reading.follow(ada.id, "section", "World", "World")
    reading.follow(ada.id, "entity", "celebrity", "Celebrity", muted=True)
    reading.follow(ada.id, "section", "Sport", "Sport", muted=True)
    reading.follow(ada.id, "story", "7", "Gossip", muted=True)
    reading.follow(ada.id, "publisher", str(p2), "Paper 1", muted=True)
    # articles without a section or a story are not hidden by section or story mutes
    assert _ids(reading.for_you_candidates(ada.id, SINCE)) == [other_story, plain]
    hidden = {names_muted, in_muted_section, in_muted_story, muted_publisher}
    assert not hidden & set(_ids(reading.for_you_candidates(ada.id, SINCE)))
    # the mute lifted, the article returns
    reading.follow(ada.id, "entity", "celebrity", "Celebrity")
    found = reading.for_you_candidates(ada.id, SINCE)
    assert _ids(found) == [other_story, names_muted, plain]
    assert dict((a.id, m) for a, m in found)[names_muted] == [
        ("publisher", str(p1), "Paper 0"),
        ("entity", "celebrity", "Celebrity"),
    ]


def test_for_you_leaves_out_read_and_old_articles(
    store: Store, reading: ReadingStore, people: tuple[User, User]
) -> None:
    ada, bob = people
    (p,) = _publishers(store, 1)
    too_old = _article(store, 1, p, hours=-25)
    just_in = _article(store, 2, p, hours=-24)  # exactly at `since`
    read = _article(store, 3, p, hours=1)
    fresh = _article(store, 4, p, hours=2)
    reading.follow(ada.id, "publisher", str(p), "Paper 0")
    reading.record_read(ada.id, read)
    reading.record_read(bob.id, fresh)  # someone else's reading changes nothing
    assert too_old  # stored, but before `since`
    assert _ids(reading.for_you_candidates(ada.id, SINCE)) == [fresh, just_in]
    assert _ids(reading.for_you_candidates(ada.id, T0 + timedelta(hours=2))) == [fresh]
    reading.forget_read(ada.id, read)
    assert _ids(reading.for_you_candidates(ada.id, T0)) == [fresh, read]


def test_for_you_shows_a_text_once(store: Store, reading: ReadingStore, people: tuple[User, User]) -> None:
    ada, _ = people
    p1, p2, p3 = _publishers(store, 3)
    origin = _article(store, 1, p1, hours=1)
    reprint = _article(store, 2, p2, hours=2)
    lone_reprint = _article(store, 3, p2, hours=3)
    unfollowed_origin = _article(store, 4, p3, hours=0)
    _set(store, reprint, copy_of=origin)
    _set(store, lone_reprint, copy_of=unfollowed_origin)
    reading.follow(ada.id, "publisher", str(p1), "Paper 0")
    reading.follow(ada.id, "publisher", str(p2), "Paper 1")
    # the reprint of a candidate goes; a reprint whose origin is no candidate stays
    assert _ids(reading.for_you_candidates(ada.id, SINCE)) == [lone_reprint, origin]
    # the origin read, the reprint is the only telling left among the candidates
    reading.record_read(ada.id, origin)
    assert _ids(reading.for_you_candidates(ada.id, SINCE)) == [lone_reprint, reprint]


def test_a_followed_story_is_followed_into_the_story_it_merged_into(
    store: Store, reading: ReadingStore, people: tuple[User, User]
) -> None:
    ada, _ = people
    (p,) = _publishers(store, 1)
    first_article, second_article = _article(store, 1, p), _article(store, 2, p, hours=1)
    first = _place(store, first_article, p, 1)
    second = _place(store, second_article, p, 2, hours=1)
    reading.follow(ada.id, "story", str(second), "The second")
    assert _ids(reading.for_you_candidates(ada.id, SINCE)) == [second_article]
    third_article = _article(store, 3, p, hours=2)
    _place(store, third_article, p, 1, hours=2, story_id=first, merge_story_ids=(second,))
    found = reading.for_you_candidates(ada.id, SINCE)
    assert _ids(found) == [third_article, second_article, first_article]
    assert {tuple(m) for _a, m in found} == {(("story", str(second), "The second"),)}
    assert reading.new_in_followed_stories(ada.id, SINCE) == [(first, "The second", 3)]


def test_new_in_followed_stories_counts_what_came_after(
    store: Store, reading: ReadingStore, people: tuple[User, User]
) -> None:
    ada, bob = people
    (p,) = _publishers(store, 1)
    for n, (story, hours) in enumerate([(7, 1), (7, 2), (7, 3), (8, 2), (8, -1), (9, -2), (10, 4)]):
        _set(store, _article(store, n + 1, p, hours=hours), story_id=story)
    reading.follow(ada.id, "story", "7", "Bridge")
    reading.follow(ada.id, "story", "8", "Election")
    reading.follow(ada.id, "story", "9", "Old news")  # nothing since: left out
    reading.follow(ada.id, "story", "10", "Gossip", muted=True)  # muted: left out
    reading.follow(ada.id, "story", "11", "Empty")
    reading.follow(ada.id, "story", "²", "No such story")
    reading.follow(ada.id, "publisher", str(p), "Paper 0")  # not a story
    reading.follow(bob.id, "story", "10", "Gossip")
    assert reading.new_in_followed_stories(ada.id, T0) == [(7, "Bridge", 3), (8, "Election", 1)]
    # strictly after `since`
    assert reading.new_in_followed_stories(ada.id, T0 + timedelta(hours=2)) == [(7, "Bridge", 1)]
    assert reading.new_in_followed_stories(bob.id, T0) == [(10, "Gossip", 1)]
    assert reading.new_in_followed_stories(ada.id, T0 + timedelta(hours=5)) == []
