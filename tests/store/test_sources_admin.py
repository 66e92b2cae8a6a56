"""What the admins' source pages ask of the store: correcting a source's title and feed address (never onto
another source's address, even one added at the same moment), making a feed due now without breaking a
worker's lease, and counting a source's articles; on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from herald.models import Source, SourceSpec
from herald.store import Store
from herald.store.schema import SourceRow
from herald.store.sources import FeedAddressTaken
from tests.store.builders import save_article

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def follow(store: Store, feed_url: str, title: str = "A feed") -> Source:
    source, created = store.sources.add(SourceSpec(feed_url=feed_url, title=title, publisher="Gazette"))
    assert created
    return source


def fetched(store: Store, source_id: int) -> Source:
    """The source after a successful fetch that left conditional-GET validators and a next check."""
    store.sources.record_success(
        source_id,
        now=NOW - timedelta(minutes=10),
        next_check_at=NOW + timedelta(hours=1),
        etag='"v1"',
        last_modified="Wed, 04 Mar 2026 11:00:00 GMT",
        ttl_minutes=None,
        warning=None,
    )
    source = store.sources.get(source_id)
    assert source is not None
    return source


def test_update_changes_title_and_address(store: Store) -> None:
    source = follow(store, "https://one.example/feed")
    fetched(store, source.id)
    save_article(store, 1, publisher_id=source.publisher_id, published=NOW, source_id=source.id)
    same_address = store.sources.update(source.id, title="Renamed", feed_url="https://one.example/feed")
    assert same_address is not None and same_address.title == "Renamed" and same_address.article_count == 1
    assert same_address.etag == '"v1"'  # the same feed: its validators still hold
    moved = store.sources.update(source.id, title="Moved", feed_url="https://one.example/new-feed")
    assert moved is not None and moved.feed_url == "https://one.example/new-feed" and moved.title == "Moved"
    assert moved.etag is None and moved.last_modified is None  # a new address is fetched in full
    stored = store.sources.get(source.id)
    assert stored is not None and (stored.title, stored.feed_url) == ("Moved", "https://one.example/new-feed")
    assert store.sources.update(999_999, title="Nobody", feed_url="https://none.example/") is None


def test_update_onto_another_sources_address_changes_nothing(store: Store) -> None:
    one = follow(store, "https://one.example/feed", "One")
    two = follow(store, "https://two.example/feed", "Two")
    with pytest.raises(FeedAddressTaken) as raised:
        store.sources.update(one.id, title="Changed", feed_url=two.feed_url)
    assert raised.value.source_id == two.id and two.feed_url in str(raised.value)
    assert store.sources.get(one.id) == one


def test_an_address_taken_meanwhile_is_refused_not_leaked(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process adds the address after the store's own check and before its write: the database's
    unique key refuses it, and the store says so as it does for a clash it saw (on both databases)."""
    one = follow(store, "https://one.example/feed", "One")
    racing = "https://racing.example/feed"
    db = store.db
    original = db.write

    def add_the_same_address(_session: Session, *_args: Any) -> None:
        with db.engine.begin() as other:
            other.execute(
                insert(SourceRow).values(
                    feed_url=racing,
                    title="Racer",
                    publisher_id=one.publisher_id,
                    enabled=True,
                    consecutive_failures=0,
                    created_at=NOW,
                )
            )

    @contextmanager
    def write_with_a_race() -> Iterator[Session]:
        with original() as session:
            event.listen(session, "before_flush", add_the_same_address, once=True)
            yield session

    monkeypatch.setattr(db, "write", write_with_a_race)
    with pytest.raises(FeedAddressTaken) as raised:
        store.sources.update(one.id, title="Changed", feed_url=racing)
    monkeypatch.setattr(db, "write", original)
    racer = [s for s in store.sources.list() if s.feed_url == racing]
    assert len(racer) == 1 and raised.value.source_id == racer[0].id
    assert raised.value.__cause__ is None and raised.value.__suppress_context__  # no driver text with it
    assert store.sources.get(one.id) == one
    # the store still writes afterwards
    assert store.sources.update(one.id, title="Later", feed_url=one.feed_url) is not None


def test_request_refresh_makes_a_feed_due_now(store: Store) -> None:
    source = fetched(store, follow(store, "https://one.example/feed").id)
    assert store.sources.due(NOW) == []
    assert store.sources.request_refresh(source.id, NOW)
    refreshed = store.sources.get(source.id)
    assert refreshed is not None and refreshed.next_check_at == NOW
    assert [s.id for s in store.sources.due(NOW)] == [source.id]
    assert refreshed.etag == '"v1"' and refreshed.last_success_at == source.last_success_at
    assert not store.sources.request_refresh(999_999, NOW)


def test_request_refresh_keeps_a_workers_lease(store: Store) -> None:
    source = follow(store, "https://one.example/feed")
    fetched(store, source.id)
    assert store.sources.lease(source.id, NOW, 300)
    assert store.sources.request_refresh(source.id, NOW)
    assert store.sources.due(NOW) == []  # due, but a worker holds it: nobody else fetches it meanwhile
    assert not store.sources.lease(source.id, NOW + timedelta(seconds=1), 300)
    after_lease = NOW + timedelta(seconds=301)
    assert [s.id for s in store.sources.due(after_lease)] == [source.id]


def test_a_paused_feed_is_not_made_due(store: Store) -> None:
    source = follow(store, "https://one.example/feed")
    fetched(store, source.id)
    store.sources.set_enabled(source.id, False)
    assert not store.sources.request_refresh(source.id, NOW)
    paused = store.sources.get(source.id)
    assert paused is not None and paused.next_check_at == NOW + timedelta(hours=1)


def test_article_count(store: Store) -> None:
    one = follow(store, "https://one.example/feed", "One")
    two = follow(store, "https://two.example/feed", "Two")
    for n in range(3):
        save_article(store, n, publisher_id=one.publisher_id, published=NOW, source_id=one.id)
    save_article(store, 9, publisher_id=two.publisher_id, published=NOW, source_id=two.id)
    assert store.sources.article_count(one.id) == 3
    assert store.sources.article_count(two.id) == 1
    assert store.sources.article_count(999_999) == 0
