"""Feed subscriptions and their health."""

from __future__ import annotations

import builtins
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from herald.errors import StoreError
from herald.models import Source, SourceSpec
from herald.store.database import Database
from herald.store.publishers import ensure_publisher
from herald.store.schema import ArticleRow, FetchProblemRow, PublisherRow, SourceRow

PROBLEMS_KEPT_PER_SOURCE = 50


class FeedAddressTaken(StoreError):
    """Another source already follows the feed address asked for; ``source_id`` is that source, or None when
    it could not be told (it was added at the same moment)."""

    def __init__(self, feed_url: str, source_id: int | None) -> None:
        super().__init__(f"Another source already follows {feed_url}.")
        self.feed_url = feed_url
        self.source_id = source_id


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
        """Subscribe to a feed; (source, created). Adding a known feed URL again changes nothing, also when
        another process adds it at the same moment."""
        try:
            return self._add(spec)
        except IntegrityError:  # the unique address, taken after our check: that source is the answer
            existing = self._id_for(spec.feed_url)
            found = self.get(existing) if existing is not None else None
            if found is None:
                raise
            return found, False

    def _add(self, spec: SourceSpec) -> tuple[Source, bool]:
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

    def update(self, source_id: int, *, title: str, feed_url: str) -> Source | None:
        """An operator's correction of a source's title and feed address; None when there is no such source.
        Raises :class:`FeedAddressTaken` when another source follows ``feed_url``, and then changes nothing.

        A new address is a new feed to the server: the conditional-GET validators of the old one are
        dropped, so the first fetch is a full one."""
        try:
            with self._db.write() as session:
                row = session.get(SourceRow, source_id)
                if row is None:
                    return None
                if feed_url != row.feed_url:
                    other = session.scalar(
                        select(SourceRow.id).where(SourceRow.feed_url == feed_url, SourceRow.id != source_id)
                    )
                    if other is not None:
                        raise FeedAddressTaken(feed_url, other)
                    row.feed_url = feed_url
                    row.etag = None
                    row.last_modified = None
                row.title = title
                session.flush()  # a clash with a source added meanwhile shows here, inside the transaction
                name = session.scalar(select(PublisherRow.name).where(PublisherRow.id == row.publisher_id))
                count = session.scalar(select(func.count()).where(ArticleRow.source_id == source_id)) or 0
                return _to_source(row, name or "", count)
        except IntegrityError:
            # The unique feed address, taken by a source committed after our check (the write session has
            # rolled back). "from None": the driver's message repeats the statement's parameters.
            raise FeedAddressTaken(feed_url, self._id_for(feed_url)) from None

    def _id_for(self, feed_url: str) -> int | None:
        with self._db.read() as session:
            return session.scalar(select(SourceRow.id).where(SourceRow.feed_url == feed_url))

    def article_count(self, source_id: int) -> int:
        """How many stored articles came from the source (``get`` leaves the count out: it is a scan)."""
        with self._db.read() as session:
            return session.scalar(select(func.count()).where(ArticleRow.source_id == source_id)) or 0

    def request_refresh(self, source_id: int, now: datetime) -> bool:
        """Make a followed source due at ``now``, for an operator's "refresh now"; False when there is no
        such source or it is paused. A lease stays as it is: a worker fetching the feed right now finishes,
        and nobody else fetches it at the same time."""
        with self._db.write() as session:
            result = session.execute(
                update(SourceRow)
                .where(SourceRow.id == source_id)
                .where(SourceRow.enabled.is_(True))
                .values(next_check_at=now)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

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
