"""The store on SQLite and on the real PostgreSQL: one row per canonical URL, health bookkeeping, leases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from herald.models import ExtractedArticle, SourceSpec
from herald.store import NewArticle, Store, make_excerpt, schema_revision
from herald.store.schema import Base
from herald.store.search import declared_in_schema


def _new(store: Store, source_id: int, publisher_id: int, n: int, **changes: object) -> NewArticle:
    extracted = ExtractedArticle(
        title=f"Headline {n}",
        paragraphs=(f"PORT ALDER (Wire) — First paragraph {n}.", "Second paragraph."),
        canonical_url=None,
        published=datetime(2026, 11, 1, 12, n % 60, tzinfo=UTC),
        language="en",
    )
    values: dict[str, object] = {
        "id": f"{n:032x}",
        "canonical_url": f"https://news.example/a/{n}",
        "url": f"http://127.0.0.1/feed-link/{n}?utm_source=x",
        "extracted": extracted,
        "publisher_id": publisher_id,
        "source_id": source_id,
        "fetched_at": datetime(2026, 11, 2, tzinfo=UTC),
        "content_hash": f"{n:032x}",
        "section": "World",
    }
    values.update(changes)
    return NewArticle(**values)  # type: ignore[arg-type]


def test_migrations_reach_head(store: Store) -> None:
    current, head = schema_revision(store.db.engine)
    assert current == head is not None


def test_same_canonical_url_is_one_row(store: Store) -> None:
    source, created = store.sources.add(SourceSpec(feed_url="http://a.example/feed", publisher="A Daily"))
    assert created
    first = _new(store, source.id, source.publisher_id, 1)
    assert store.articles.save(first) is True
    # from another feed link, after a "restart" (a new Store on the same database)
    again = _new(store, source.id, source.publisher_id, 1, url="http://other.example/x")
    reopened = Store(store.db.engine.url.render_as_string(hide_password=False))
    assert reopened.articles.save(again) is False
    reopened.close()
    assert store.articles.count() == 1
    assert store.articles.known_urls(
        ["http://other.example/x", "http://127.0.0.1/feed-link/1?utm_source=x"]
    ) == {
        "http://other.example/x",
        "http://127.0.0.1/feed-link/1?utm_source=x",
    }


def test_article_round_trip_keeps_paragraphs_and_aware_times(store: Store) -> None:
    source, _ = store.sources.add(SourceSpec(feed_url="http://a.example/feed", publisher="A Daily"))
    store.articles.save(_new(store, source.id, source.publisher_id, 7))
    article = store.articles.get(f"{7:032x}")
    assert article is not None
    assert article.paragraphs == ("PORT ALDER (Wire) — First paragraph 7.", "Second paragraph.")
    assert article.published_at == datetime(2026, 11, 1, 12, 7, tzinfo=UTC)
    assert article.publisher_name == "A Daily"
    assert store.articles.get("f" * 32) is None


def test_future_publication_time_is_not_trusted(store: Store) -> None:
    source, _ = store.sources.add(SourceSpec(feed_url="http://a.example/feed", publisher="A Daily"))
    future = ExtractedArticle(
        title="t", paragraphs=("p",), canonical_url=None, published=datetime(2030, 1, 1, tzinfo=UTC)
    )
    store.articles.save(_new(store, source.id, source.publisher_id, 3, extracted=future))
    article = store.articles.get(f"{3:032x}")
    assert article is not None and article.published_at is None


def test_latest_orders_and_filters(store: Store) -> None:
    a, _ = store.sources.add(SourceSpec(feed_url="http://a.example/feed", publisher="A Daily"))
    b, _ = store.sources.add(SourceSpec(feed_url="http://b.example/feed", publisher="B Times"))
    for n in range(1, 6):
        store.articles.save(_new(store, a.id, a.publisher_id, n, section="World" if n % 2 else "Sports"))
    store.articles.save(_new(store, b.id, b.publisher_id, 40))
    latest = store.articles.latest(10)
    assert [x.title for x in latest][:2] == ["Headline 40", "Headline 5"]
    assert {x.title for x in store.articles.latest(10, section="Sports")} == {"Headline 2", "Headline 4"}
    assert {x.publisher_name for x in store.articles.latest(10, publisher_id=b.publisher_id)} == {"B Times"}
    older = store.articles.latest(10, before=latest[1].published_at)
    assert "Headline 5" not in {x.title for x in older}
    assert dict(store.articles.sections()) == {"World": 4, "Sports": 2}
    pubs = {p.name: p.article_count for p in store.publishers.list()}
    assert pubs == {"A Daily": 5, "B Times": 1}


def test_feed_health_is_recorded(store: Store) -> None:
    source, _ = store.sources.add(SourceSpec(feed_url="http://a.example/feed", publisher="A Daily"))
    now = datetime(2026, 11, 3, tzinfo=UTC)
    store.sources.record_failure(source.id, now=now, error="The server answered 500", next_check_at=now)
    store.sources.record_failure(source.id, now=now, error="Timed out", next_check_at=now)
    failing = store.sources.get(source.id)
    assert failing is not None
    assert (failing.consecutive_failures, failing.last_error) == (2, "Timed out")
    store.sources.record_success(
        source.id,
        now=now,
        next_check_at=now + timedelta(minutes=30),
        etag='"v1"',
        last_modified=None,
        ttl_minutes=60,
        warning="not well-formed",
    )
    healthy = store.sources.get(source.id)
    assert healthy is not None
    assert (healthy.consecutive_failures, healthy.last_error, healthy.etag) == (0, None, '"v1"')
    assert healthy.last_success_at == now
    store.sources.record_problem(source.id, url="http://a.example/x", error="404", now=now)
    assert store.sources.problems(source.id)[0][1:3] == ("http://a.example/x", "404")


def test_due_and_leases(store: Store) -> None:
    source, _ = store.sources.add(SourceSpec(feed_url="http://a.example/feed", publisher="A Daily"))
    now = datetime.now(UTC) + timedelta(seconds=1)
    assert [s.id for s in store.sources.due(now)] == [source.id]
    assert store.sources.lease(source.id, now, 60) is True
    assert store.sources.lease(source.id, now, 60) is False  # a second worker does not get it
    assert store.sources.due(now) == []
    assert store.sources.lease(source.id, now + timedelta(seconds=61), 60) is True  # an expired lease
    store.sources.set_enabled(source.id, False)
    assert store.sources.due(now + timedelta(days=1)) == []


def test_removing_a_source_keeps_its_articles(store: Store) -> None:
    source, _ = store.sources.add(SourceSpec(feed_url="http://a.example/feed", publisher="A Daily"))
    store.articles.save(_new(store, source.id, source.publisher_id, 9))
    assert store.sources.remove(source.id)
    article = store.articles.get(f"{9:032x}")
    assert article is not None and article.source_id is None


def test_excerpt_cuts_at_a_word() -> None:
    text = ("word " * 200).strip()
    excerpt = make_excerpt((text,), limit=50)
    assert excerpt.endswith("…") and len(excerpt) <= 51 and "wor…" not in excerpt


def test_paging_does_not_skip_articles_that_share_a_time(store: Store) -> None:
    source, _ = store.sources.add(SourceSpec(feed_url="http://a.example/feed", publisher="A Daily"))
    same_time = ExtractedArticle(
        title="t", paragraphs=("p",), canonical_url=None, published=datetime(2026, 11, 1, 12, tzinfo=UTC)
    )
    for n in range(5):
        store.articles.save(_new(store, source.id, source.publisher_id, 100 + n, extracted=same_time))
    seen: list[str] = []
    page = store.articles.latest(2)
    while page:
        seen += [a.id for a in page]
        last = page[-1]
        page = store.articles.latest(2, before=last.published_at, before_id=last.id)
    assert sorted(seen) == sorted(f"{100 + n:032x}" for n in range(5)) and len(seen) == 5


def test_a_percent_sign_in_the_database_address_is_no_problem(tmp_path: Path) -> None:
    # Alembic reads its options through configparser, where "%" would start an interpolation.
    folder = tmp_path / "100% local"
    folder.mkdir()
    store = Store(f"sqlite:///{folder / 'herald.db'}")
    try:
        assert schema_revision(store.db.engine) is not None
    finally:
        store.close()


def test_the_declared_tables_match_the_migrations(store: Store) -> None:
    # The migrations are the truth for the database; schema.py must declare exactly what they build, but for
    # the search index's own tables (SQLite) and column (PostgreSQL), which the ORM never touches.
    with store.db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": declared_in_schema}
        )
        assert compare_metadata(context, Base.metadata) == []
