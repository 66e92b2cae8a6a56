"""Articles: written once per canonical URL, read by the web."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from herald.models import Article, ExtractedArticle
from herald.store.database import Database
from herald.store.schema import ArticleRow, ArticleURLRow, PublisherRow

EXCERPT_CHARS = 320
# A publication time further ahead than this is a publisher's clock or time-zone error: we use the fetch time.
FUTURE_TOLERANCE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class NewArticle:
    """What the pipeline hands the store for one article."""

    id: str
    canonical_url: str
    url: str
    extracted: ExtractedArticle
    publisher_id: int
    source_id: int | None
    fetched_at: datetime
    content_hash: str
    section: str | None = None


def make_excerpt(paragraphs: tuple[str, ...], limit: int = EXCERPT_CHARS) -> str:
    text = " ".join(paragraphs)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:—-")
    return cut + "…"


# Plain columns, not ORM entities: a page view reads rows and never writes them back, so it need not pay for
# the identity map and attribute instrumentation.
_ARTICLE_COLUMNS = (
    ArticleRow.id,
    ArticleRow.canonical_url,
    ArticleRow.url,
    ArticleRow.title,
    ArticleRow.body,
    ArticleRow.publisher_id,
    ArticleRow.source_id,
    ArticleRow.published_at,
    ArticleRow.fetched_at,
    ArticleRow.authors,
    ArticleRow.image_url,
    ArticleRow.image_caption,
    ArticleRow.language,
    ArticleRow.excerpt,
    ArticleRow.section,
    ArticleRow.extraction_method,
    ArticleRow.story_id,
    ArticleRow.copy_of,
    PublisherRow.name.label("publisher_name"),
    PublisherRow.home_url.label("publisher_home_url"),
    PublisherRow.favicon_url.label("publisher_favicon_url"),
)


def _article_query() -> Select[*tuple[Any, ...]]:
    return select(*_ARTICLE_COLUMNS).join(PublisherRow, PublisherRow.id == ArticleRow.publisher_id)


def _to_article(row: Row[Any]) -> Article:
    return Article(
        id=row.id,
        canonical_url=row.canonical_url,
        url=row.url,
        title=row.title,
        paragraphs=tuple(p for p in row.body.split("\n\n") if p),
        publisher_id=row.publisher_id,
        publisher_name=row.publisher_name,
        source_id=row.source_id,
        published_at=row.published_at,
        fetched_at=row.fetched_at,
        authors=tuple(row.authors or ()),
        image_url=row.image_url,
        image_caption=row.image_caption,
        language=row.language,
        excerpt=row.excerpt,
        section=row.section,
        extraction_method=row.extraction_method,
        publisher_home_url=row.publisher_home_url,
        publisher_favicon_url=row.publisher_favicon_url,
        story_id=row.story_id,
        copy_of=row.copy_of,
    )


def primary_language(tag: str | None) -> str:
    """A language tag's primary subtag in lower case: what the site's language choice is made of."""
    return (tag or "").strip().replace("_", "-").split("-", 1)[0].lower()


def in_languages(languages: Sequence[str]) -> ColumnElement[bool]:
    """Articles whose language is one of ``languages`` (primary subtags) in any regional form, or is not
    known: an article whose language no one could tell is not hidden for it."""
    lowered = func.lower(ArticleRow.language)
    return or_(
        ArticleRow.language.is_(None),
        lowered.in_(list(languages)),
        *(lowered.like(f"{code}-%") for code in languages),
    )


class ArticleStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def _insert(
        self, session: Session, table: type[ArticleRow] | type[ArticleURLRow], values: dict[str, Any]
    ) -> int:
        """INSERT ... ON CONFLICT DO NOTHING: the database, not a prior SELECT, keeps one row per key."""
        maker = sqlite_insert if self._db.is_sqlite else pg_insert
        key = next(iter(table.__table__.primary_key))
        # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT DO NOTHING.
        inserted = session.execute(maker(table).values(**values).on_conflict_do_nothing().returning(key))
        return len(inserted.all())

    def known_urls(self, urls: list[str]) -> set[str]:
        """Which of these item links (or canonical URLs) are stored already: their pages are not refetched."""
        if not urls:
            return set()
        with self._db.read() as session:
            by_link = set(session.scalars(select(ArticleURLRow.url).where(ArticleURLRow.url.in_(urls))))
            by_canonical = set(
                session.scalars(select(ArticleRow.canonical_url).where(ArticleRow.canonical_url.in_(urls)))
            )
        return by_link | by_canonical

    def link_url(self, url: str, article_id: str) -> None:
        with self._db.write() as session:
            self._insert(session, ArticleURLRow, {"url": url, "article_id": article_id})

    def save(self, new: NewArticle) -> bool:
        """Store an article once; True when it was new. The same canonical URL again only records the link."""
        return self.save_many([new])[0]

    def save_many(self, articles: Sequence[NewArticle]) -> builtins.list[bool]:
        """Several articles in one transaction (one feed's new items): for each, True when it was new."""
        if not articles:
            return []
        with self._db.write() as session:
            return [self._save_one(session, new) for new in articles]

    def _save_one(self, session: Session, new: NewArticle) -> bool:
        ex = new.extracted
        published = ex.published
        if published is not None and published > new.fetched_at + FUTURE_TOLERANCE:
            published = None
        values = {
            "id": new.id,
            "canonical_url": new.canonical_url,
            "url": new.url,
            "title": ex.title,
            "body": "\n\n".join(p.replace("\n\n", "\n") for p in ex.paragraphs),
            "excerpt": make_excerpt(ex.paragraphs),
            "authors": list(ex.authors),
            "published_at": published,
            "fetched_at": new.fetched_at,
            "updated_at": new.fetched_at,
            "sort_time": published or new.fetched_at,
            "image_url": ex.image_url,
            "image_caption": ex.image_caption,
            "language": ex.language,
            "section": new.section,
            "publisher_id": new.publisher_id,
            "source_id": new.source_id,
            "extraction_method": ex.method,
            "content_hash": new.content_hash,
        }
        created = self._insert(session, ArticleRow, values) > 0
        article_id = new.id
        if not created:
            existing = session.scalar(
                select(ArticleRow.id).where(ArticleRow.canonical_url == new.canonical_url)
            )
            article_id = existing or new.id
        for url in {new.url, new.canonical_url}:
            self._insert(session, ArticleURLRow, {"url": url, "article_id": article_id})
        return created

    def replace_content(
        self, article_id: str, extracted: ExtractedArticle, *, content_hash: str, now: datetime
    ) -> bool:
        """Store a new extraction of a known article (after a better extractor, or an updated page); the
        identity, headline and publication time stay. False when nothing changed."""
        with self._db.write() as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                return False
            body = "\n\n".join(p.replace("\n\n", "\n") for p in extracted.paragraphs)
            if body == row.body and extracted.method == row.extraction_method:
                row.updated_at = now  # checked: a feed's later "updated" claim is not chased again
                return False
            row.body = body
            row.excerpt = make_excerpt(extracted.paragraphs)
            row.content_hash = content_hash
            row.extraction_method = extracted.method
            row.updated_at = now
            row.image_url = extracted.image_url or row.image_url
            row.image_caption = extracted.image_caption or row.image_caption
            row.language = extracted.language or row.language
            if extracted.authors:
                row.authors = list(extracted.authors)
            return True

    def ids(self, *, publisher_id: int | None = None, limit: int | None = None) -> builtins.list[str]:
        """Article ids, newest first (for batch work such as re-extraction)."""
        query = select(ArticleRow.id).order_by(ArticleRow.sort_time.desc())
        if publisher_id is not None:
            query = query.where(ArticleRow.publisher_id == publisher_id)
        if limit is not None:
            query = query.limit(limit)
        with self._db.read() as session:
            return list(session.scalars(query))

    def get(self, article_id: str) -> Article | None:
        with self._db.read() as session:
            found = session.execute(_article_query().where(ArticleRow.id == article_id)).first()
            return _to_article(found) if found else None

    def many(self, article_ids: Sequence[str]) -> builtins.list[Article]:
        """Articles by id, in the order asked (missing ones left out)."""
        if not article_ids:
            return []
        with self._db.read() as session:
            rows = session.execute(_article_query().where(ArticleRow.id.in_(list(article_ids))))
            found = {row.id: _to_article(row) for row in rows}
        return [found[i] for i in article_ids if i in found]

    def latest(
        self,
        limit: int = 30,
        *,
        section: str | None = None,
        publisher_id: int | None = None,
        before: datetime | None = None,
        before_id: str | None = None,
        exclude_ids: tuple[str, ...] = (),
        languages: Sequence[str] = (),
    ) -> list[Article]:
        """Newest first. ``before`` (with ``before_id``, the last article of the previous page) pages back
        without skipping articles that share a time at the page break. ``languages`` (primary subtags) keeps
        the articles in those languages, and those whose language is unknown; none keeps every language."""
        query = _article_query()
        if languages:
            query = query.where(in_languages(languages))
        if section is not None:
            query = query.where(ArticleRow.section == section)
        if publisher_id is not None:
            query = query.where(ArticleRow.publisher_id == publisher_id)
        if before is not None and before_id is not None:
            query = query.where(
                or_(
                    ArticleRow.sort_time < before,
                    and_(ArticleRow.sort_time == before, ArticleRow.id > before_id),
                )
            )
        elif before is not None:
            query = query.where(ArticleRow.sort_time < before)
        if exclude_ids:
            query = query.where(ArticleRow.id.not_in(exclude_ids))
        query = query.order_by(ArticleRow.sort_time.desc(), ArticleRow.id).limit(limit)
        with self._db.read() as session:
            return [_to_article(row) for row in session.execute(query)]

    def sections(self) -> list[tuple[str, int]]:
        """Sections that hold articles, with their counts, largest first."""
        query = (
            select(ArticleRow.section, func.count())
            .where(ArticleRow.section.is_not(None))
            .group_by(ArticleRow.section)
            .order_by(func.count().desc())
        )
        with self._db.read() as session:
            return [(name, n) for name, n in session.execute(query) if name]

    def language_counts(self) -> list[tuple[str, int]]:
        """The languages stored articles are in, by primary subtag ("en" for "en-GB" and "en-us"), with how
        many each, most first."""
        query = (
            select(ArticleRow.language, func.count())
            .where(ArticleRow.language.is_not(None))
            .group_by(ArticleRow.language)
        )
        counts: dict[str, int] = {}
        with self._db.read() as session:
            for language, count in session.execute(query):
                primary = primary_language(language)
                if primary:
                    counts[primary] = counts.get(primary, 0) + count
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def count(self) -> int:
        with self._db.read() as session:
            return session.scalar(select(func.count()).select_from(ArticleRow)) or 0

    def updated_since(self, claims: Sequence[tuple[str, datetime]]) -> builtins.list[str]:
        """Ids of stored articles (by feed link or canonical URL) that a feed says changed after we stored
        their current text."""
        if not claims:
            return []
        by_url = {url: when for url, when in claims}
        query = (
            select(ArticleURLRow.url, ArticleRow.id, ArticleRow.updated_at)
            .join(ArticleRow, ArticleRow.id == ArticleURLRow.article_id)
            .where(ArticleURLRow.url.in_(list(by_url)))
        )
        stale: dict[str, None] = {}
        with self._db.read() as session:
            for url, article_id, updated_at in session.execute(query):
                if by_url[url] > updated_at:
                    stale[article_id] = None
        return list(stale)

    def content_hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        if not article_ids:
            return {}
        query = select(ArticleRow.id, ArticleRow.content_hash).where(ArticleRow.id.in_(list(article_ids)))
        with self._db.read() as session:
            return {article_id: digest for article_id, digest in session.execute(query)}

    def ids_with_hash(self, content_hash: str) -> list[str]:
        with self._db.read() as session:
            return list(session.scalars(select(ArticleRow.id).where(ArticleRow.content_hash == content_hash)))
