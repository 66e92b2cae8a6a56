"""Feed subscriptions and their health."""

from __future__ import annotations

import builtins
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from herald.models import Source, SourceSpec
from herald.store.database import Database
from herald.store.publishers import ensure_publisher
from herald.store.schema import ArticleRow, FetchProblemRow, PublisherRow, SourceRow

PROBLEMS_KEPT_PER_SOURCE = 50


def _to_source(row: SourceRow, publisher_name: str, article_count: int = 0) -> Source:
    return Source(
        id=row.id,
        feed_url=row.feed_url,
        title=row.title,
        publisher_id=row.publisher_id,
        publisher_name=publisher_name,
        enabled=row.enabled,
        section=row.section,
        etag=row.etag,
        last_modified=row.last_modified,
        ttl_minutes=row.ttl_minutes,
        last_checked_at=row.last_checked_at,
        last_success_at=row.last_success_at,
        last_error=row.last_error,
        last_warning=row.last_warning,
        consecutive_failures=row.consecutive_failures,
        next_check_at=row.next_check_at,
        article_count=article_count,
    )


class SourceStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, spec: SourceSpec) -> tuple[Source, bool]:
        """Subscribe to a feed; (source, created). Adding a known feed URL again changes nothing."""
        with self._db.write() as session:
            row = session.scalar(select(SourceRow).where(SourceRow.feed_url == spec.feed_url))
            created = row is None
            if row is None:
                publisher = ensure_publisher(
                    session,
                    spec.publisher or spec.title or _host_of(spec.feed_url),
                    home_url=spec.home_url,
                    country=spec.country,
                    language=spec.language,
                )
                row = SourceRow(
                    feed_url=spec.feed_url,
                    title=spec.title or publisher.name,
                    publisher_id=publisher.id,
                    enabled=True,
                    section=spec.section,
                    consecutive_failures=0,
                    next_check_at=datetime.now(UTC),
                    created_at=datetime.now(UTC),
                )
                session.add(row)
                session.flush()
            name = session.scalar(select(PublisherRow.name).where(PublisherRow.id == row.publisher_id)) or ""
            return _to_source(row, name), created

    def get(self, source_id: int) -> Source | None:
        with self._db.read() as session:
            found = session.execute(
                select(SourceRow, PublisherRow.name)
                .join(PublisherRow, PublisherRow.id == SourceRow.publisher_id)
                .where(SourceRow.id == source_id)
            ).first()
            return _to_source(found[0], found[1]) if found else None

    def list(self) -> list[Source]:
        counts = (
            select(ArticleRow.source_id, func.count().label("n")).group_by(ArticleRow.source_id).subquery()
        )
        query = (
            select(SourceRow, PublisherRow.name, func.coalesce(counts.c.n, 0))
            .join(PublisherRow, PublisherRow.id == SourceRow.publisher_id)
            .outerjoin(counts, counts.c.source_id == SourceRow.id)
            .order_by(PublisherRow.name, SourceRow.title)
        )
        with self._db.read() as session:
            return [_to_source(row, name, n) for row, name, n in session.execute(query)]

    def due(self, now: datetime, limit: int = 50) -> builtins.list[Source]:
        query = (
            select(SourceRow, PublisherRow.name)
            .join(PublisherRow, PublisherRow.id == SourceRow.publisher_id)
            .where(SourceRow.enabled.is_(True))
            .where(or_(SourceRow.next_check_at.is_(None), SourceRow.next_check_at <= now))
            .where(or_(SourceRow.lease_until.is_(None), SourceRow.lease_until <= now))
            .order_by(SourceRow.next_check_at)
            .limit(limit)
        )
        with self._db.read() as session:
            return [_to_source(row, name) for row, name in session.execute(query)]

    def lease(self, source_id: int, now: datetime, seconds: float) -> bool:
        """Claim a source for one refresh so two workers never fetch it at once; False if taken."""
        with self._db.write() as session:
            result = session.execute(
                update(SourceRow)
                .where(SourceRow.id == source_id)
                .where(or_(SourceRow.lease_until.is_(None), SourceRow.lease_until <= now))
                .values(lease_until=now + timedelta(seconds=seconds))
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def set_enabled(self, source_id: int, enabled: bool) -> bool:
        with self._db.write() as session:
            row = session.get(SourceRow, source_id)
            if row is None:
                return False
            row.enabled = enabled
            if enabled:
                row.next_check_at = datetime.now(UTC)
            return True

    def remove(self, source_id: int) -> bool:
        """Unsubscribe; the articles already stored stay, attributed to their publisher."""
        with self._db.write() as session:
            return bool(session.execute(delete(SourceRow).where(SourceRow.id == source_id)).rowcount)  # type: ignore[attr-defined]

    def record_success(
        self,
        source_id: int,
        *,
        now: datetime,
        next_check_at: datetime,
        etag: str | None,
        last_modified: str | None,
        ttl_minutes: int | None,
        warning: str | None,
        feed_title: str | None = None,
        home_url: str | None = None,
        icon_url: str | None = None,
    ) -> None:
        with self._db.write() as session:
            row = session.get(SourceRow, source_id)
            if row is None:
                return
            row.last_checked_at = now
            row.last_success_at = now
            row.last_error = None
            row.last_warning = warning
            row.consecutive_failures = 0
            row.next_check_at = next_check_at
            row.lease_until = None
            row.etag = etag or row.etag
            row.last_modified = last_modified or row.last_modified
            row.ttl_minutes = ttl_minutes
            if feed_title and row.title == row.feed_url:
                row.title = feed_title
            publisher = session.get(PublisherRow, row.publisher_id)
            if publisher is not None:
                publisher.home_url = publisher.home_url or home_url
                publisher.favicon_url = publisher.favicon_url or icon_url

    def record_not_modified(self, source_id: int, *, now: datetime, next_check_at: datetime) -> None:
        with self._db.write() as session:
            session.execute(
                update(SourceRow)
                .where(SourceRow.id == source_id)
                .values(
                    last_checked_at=now,
                    last_success_at=now,
                    last_error=None,
                    consecutive_failures=0,
                    next_check_at=next_check_at,
                    lease_until=None,
                )
            )

    def record_failure(self, source_id: int, *, now: datetime, error: str, next_check_at: datetime) -> None:
        with self._db.write() as session:
            session.execute(
                update(SourceRow)
                .where(SourceRow.id == source_id)
                .values(
                    last_checked_at=now,
                    last_error=error,
                    consecutive_failures=SourceRow.consecutive_failures + 1,
                    next_check_at=next_check_at,
                    lease_until=None,
                )
            )

    def record_problem(self, source_id: int, *, url: str, error: str, now: datetime) -> None:
        with self._db.write() as session:
            session.add(FetchProblemRow(source_id=source_id, url=url, error=error, occurred_at=now))
            session.flush()
            _trim_problems(session, source_id)

    def problems(
        self, source_id: int | None = None, limit: int = 20
    ) -> builtins.list[tuple[int, str, str, datetime]]:
        """Recent page-level problems: (source_id, url, error, when), newest first."""
        query = select(FetchProblemRow).order_by(FetchProblemRow.occurred_at.desc()).limit(limit)
        if source_id is not None:
            query = query.where(FetchProblemRow.source_id == source_id)
        with self._db.read() as session:
            return [(p.source_id, p.url, p.error, p.occurred_at) for p in session.scalars(query)]


def _trim_problems(session: Session, source_id: int) -> None:
    keep = (
        select(FetchProblemRow.id)
        .where(FetchProblemRow.source_id == source_id)
        .order_by(FetchProblemRow.occurred_at.desc())
        .limit(PROBLEMS_KEPT_PER_SOURCE)
    )
    session.execute(
        delete(FetchProblemRow)
        .where(FetchProblemRow.source_id == source_id)
        .where(FetchProblemRow.id.not_in(keep.scalar_subquery()))
    )


def _host_of(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url
