"""A reader's own Herald through the service the site uses, on SQLite and PostgreSQL: follows name real
things, "For you" ranks by them and says why, mutes hide, reading removes, and followed stories report what is
new since the last visit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from herald.config import Settings
from herald.errors import AccountError
from herald.models import ArticleSignal, EntityRef, SourceSpec, User
from herald.pipeline.reading import Reading
from herald.store import NewFeatures, Placement, Store
from tests.store.builders import save_article

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store(database_url)
    yield s
    s.close()


def publisher(store: Store, name: str) -> tuple[int, int]:
    source, _ = store.sources.add(SourceSpec(feed_url=f"http://{name.lower()}.example/feed", publisher=name))
    return source.id, source.publisher_id


def article(
    store: Store,
    n: int,
    source: tuple[int, int],
    *,
    hours_ago: float,
    names: tuple[str, ...] = (),
    story_id: int | None = None,
    copy_of: str | None = None,
) -> str:
    when = NOW - timedelta(hours=hours_ago)
    article_id = save_article(
        store, n, publisher_id=source[1], source_id=source[0], published=when, section="World", text="Text."
    )
    vector = np.random.default_rng(n).normal(size=384).astype(np.float32)
    vector /= np.linalg.norm(vector)
    signal = ArticleSignal(id=article_id, vector=vector, terms={}, published=when, publisher_id=source[1])
    entities = [(EntityRef(name.lower().replace(" ", "-"), name, "place"), 1) for name in names]
    store.stories.place(
        Placement(
            signal=signal,
            time=when,
            title=f"Headline {n}",
            features=NewFeatures(article_id, "test", vector, {}, None, (), None),
            entities=entities,
            story_id=story_id,
            copy_origin=copy_of,
        )
    )
    return article_id


def reader(store: Store) -> User:
    return store.users.create("reader@example.org", "Reader", "hash")


def test_for_you_follows_mutes_and_reasons(store: Store) -> None:
    reading = Reading(Settings(), store)
    courier, ledger = publisher(store, "Courier"), publisher(store, "Ledger")
    korea = article(store, 1, ledger, hours_ago=2, names=("North Korea",))
    courier_news = article(store, 2, courier, hours_ago=1)
    both = article(store, 3, courier, hours_ago=30, names=("North Korea",))
    old = article(store, 4, courier, hours_ago=24 * 9)
    user = reader(store)

    empty = reading.for_you(user, now=NOW)
    assert empty.items == () and empty.follows == 0 and empty.last_visit is None

    reading.follow(user, "entity", "north-korea")
    reading.follow(user, "publisher", str(courier[1]))
    page = reading.for_you(user, now=NOW)
    ids = [item.article.id for item in page.items]
    assert set(ids) == {korea, courier_news, both} and old not in ids  # a week at most
    by_id = {item.article.id: item for item in page.items}
    assert by_id[both].reasons == ("You follow North Korea", "You follow Courier")  # strongest first
    assert by_id[korea].reasons == ("You follow North Korea",)
    assert page.last_visit == NOW  # the first visit (the empty page) was recorded

    reading.follow(user, "publisher", str(courier[1]), muted=True)  # mute a followed publisher
    assert [item.article.id for item in reading.for_you(user, now=NOW).items] == [korea]
    reading.record_read(user, korea)
    assert reading.for_you(user, now=NOW).items == ()  # read already


def test_only_real_things_can_be_followed(store: Store) -> None:
    reading = Reading(Settings(), store)
    courier = publisher(store, "Courier")
    article(store, 1, courier, hours_ago=1, names=("Port Alder",))
    user = reader(store)
    for kind, key in (
        ("entity", "no-such-name"),
        ("admin", "1"),
        ("publisher", "999"),
        ("publisher", "x"),
        ("story", "-1"),
        ("section", "Not a section"),
        ("entity", "k" * 300),
    ):
        with pytest.raises(AccountError):
            reading.follow(user, kind, key)
    assert reading.follows(user) == []
    followed = reading.follow(user, "entity", "port-alder")
    assert followed.label == "Port Alder"  # from the store, not the form
    assert reading.follow(user, "section", "World").label == "World"


def test_reading_list_and_history(store: Store) -> None:
    reading = Reading(Settings(), store)
    courier = publisher(store, "Courier")
    first, second = article(store, 1, courier, hours_ago=2), article(store, 2, courier, hours_ago=1)
    user = reader(store)
    assert reading.save(user, first) and not reading.save(user, first)
    assert [a.id for a in reading.saved(user)] == [first]
    assert reading.unsave(user, first) and reading.saved(user) == []
    reading.record_read(user, first)
    reading.record_read(user, second)
    assert reading.history(user)[0][0].id == second
    assert reading.clear_history(user) == 2 and reading.history(user) == []


def test_whats_new_since_the_last_visit_on_followed_stories(store: Store) -> None:
    reading = Reading(Settings(), store)
    courier, ledger = publisher(store, "Courier"), publisher(store, "Ledger")
    first = article(store, 1, courier, hours_ago=5)
    story = store.articles.get(first).story_id  # type: ignore[union-attr]
    assert story is not None
    user = reader(store)
    reading.follow(user, "story", str(story))
    visit = reading.for_you(user, now=NOW - timedelta(hours=3))
    assert visit.since_last_visit == ()
    assert visit.items[0].reasons[0].startswith("You follow the story")
    article(store, 2, ledger, hours_ago=1, story_id=story)
    article(store, 3, ledger, hours_ago=0.5, story_id=story)
    news = reading.for_you(user, now=NOW).since_last_visit
    assert [(n.story_id, n.new_articles) for n in news] == [(story, 2)]


def test_a_wire_text_is_offered_once_even_when_its_origin_is_muted(store: Store) -> None:
    reading = Reading(Settings(), store)
    wire, ledger, courier = publisher(store, "Wire"), publisher(store, "Ledger"), publisher(store, "Courier")
    origin = article(store, 1, wire, hours_ago=3, names=("Port Alder",))
    first = article(store, 2, ledger, hours_ago=2, names=("Port Alder",), copy_of=origin)
    second = article(store, 3, courier, hours_ago=1, names=("Port Alder",), copy_of=origin)
    user = reader(store)
    reading.follow(user, "entity", "port-alder")
    reading.follow(user, "publisher", str(wire[1]), muted=True)
    items = reading.for_you(user, now=NOW).items
    assert len(items) == 1 and items[0].article.id in (first, second)
