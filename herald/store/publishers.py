"""Publishers: first-class records that sources and articles point to."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from herald.models import Publisher
from herald.store.database import Database
from herald.store.schema import ArticleRow, PublisherRow


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "publisher"


def to_publisher(row: PublisherRow, article_count: int = 0) -> Publisher:
    return Publisher(
        id=row.id,
        name=row.name,
        slug=row.slug,
        home_url=row.home_url,
        favicon_url=row.favicon_url,
        country=row.country,
        language=row.language,
        article_count=article_count,
    )


def ensure_publisher(
    session: Session,
    name: str,
    *,
    home_url: str | None = None,
    favicon_url: str | None = None,
    country: str | None = None,
    language: str | None = None,
) -> PublisherRow:
    """The publisher called ``name``, created if new; blanks are filled in, known facts are kept."""
    row = session.scalar(select(PublisherRow).where(PublisherRow.name == name))
    if row is None:
        slug = base = slugify(name)
        n = 2
        while session.scalar(select(PublisherRow.id).where(PublisherRow.slug == slug)) is not None:
            slug = f"{base}-{n}"
            n += 1
        row = PublisherRow(name=name, slug=slug, created_at=datetime.now(UTC))
        session.add(row)
    row.home_url = row.home_url or home_url
    row.favicon_url = row.favicon_url or favicon_url
    row.country = row.country or country
    row.language = row.language or language
    session.flush()
    return row


class PublisherStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def ensure(self, name: str, *, home_url: str | None = None) -> int:
        """The id of the publisher called ``name``, created if new."""
        with self._db.write() as session:
            return ensure_publisher(session, name, home_url=home_url).id

    def list(self) -> list[Publisher]:
        counts = (
            select(ArticleRow.publisher_id, func.count().label("n"))
            .group_by(ArticleRow.publisher_id)
            .subquery()
        )
        query = (
            select(PublisherRow, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.publisher_id == PublisherRow.id)
            .order_by(PublisherRow.name)
        )
        with self._db.read() as session:
            return [to_publisher(row, n) for row, n in session.execute(query)]

    def by_slug(self, slug: str) -> Publisher | None:
        with self._db.read() as session:
            row = session.scalar(select(PublisherRow).where(PublisherRow.slug == slug))
            if row is None:
                return None
            n = session.scalar(select(func.count()).where(ArticleRow.publisher_id == row.id)) or 0
            return to_publisher(row, n)

    def get(self, publisher_id: int) -> Publisher | None:
        with self._db.read() as session:
            row = session.get(PublisherRow, publisher_id)
            return to_publisher(row, 0) if row is not None else None

    def update(
        self, publisher_id: int, *, favicon_url: str | None = None, home_url: str | None = None
    ) -> None:
        with self._db.write() as session:
            row = session.get(PublisherRow, publisher_id)
            if row is None:
                return
            if favicon_url and not row.favicon_url:
                row.favicon_url = favicon_url
            if home_url and not row.home_url:
                row.home_url = home_url
