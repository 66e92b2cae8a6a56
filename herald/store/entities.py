"""People, places and organisations named by articles: the hashtags on an article and the entity pages."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from herald.models import Article, EntityRef
from herald.store.articles import _article_query, _to_article, in_languages
from herald.store.database import Database
from herald.store.schema import ArticleEntityRow, ArticleRow, EntityRow


class EntityStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record_in(self, session: Session, article_id: str, entities: Sequence[tuple[EntityRef, int]]) -> None:
        """Link an article to the entities it names (most salient first), creating entities on first sight.
        A handful of statements whatever the number of names: this runs once per arriving article."""
        previous = list(
            session.scalars(
                select(ArticleEntityRow.entity_id).where(ArticleEntityRow.article_id == article_id)
            )
        )
        if previous:
            session.execute(
                update(EntityRow)
                .where(EntityRow.id.in_(previous))
                .values(article_count=EntityRow.article_count - 1)
            )
            session.execute(delete(ArticleEntityRow).where(ArticleEntityRow.article_id == article_id))
        named: dict[str, tuple[int, EntityRef, int]] = {}
        for rank, (entity, mentions) in enumerate(entities):
            named.setdefault(entity.key[:200], (rank, entity, mentions))
        if not named:
            return
        maker = sqlite_insert if self._db.is_sqlite else pg_insert
        session.execute(
            maker(EntityRow).on_conflict_do_nothing(index_elements=[EntityRow.key]),
            [
                {"key": key, "name": entity.name[:300], "kind": entity.kind, "article_count": 0}
                for key, (_rank, entity, _mentions) in named.items()
            ],
        )
        ids = dict(
            session.execute(select(EntityRow.key, EntityRow.id).where(EntityRow.key.in_(list(named)))).all()
        )
        session.execute(
            update(EntityRow)
            .where(EntityRow.id.in_(list(ids.values())))
            .values(article_count=EntityRow.article_count + 1)
        )
        session.execute(
            insert(ArticleEntityRow),
            [
                {"article_id": article_id, "entity_id": ids[key], "mentions": mentions, "rank": rank}
                for key, (rank, _entity, mentions) in named.items()
            ],
        )

    def get(self, key: str) -> EntityRef | None:
        with self._db.read() as session:
            row = session.scalar(select(EntityRow).where(EntityRow.key == key))
            return EntityRef(row.key, row.name, row.kind, row.article_count) if row else None

    def for_article(self, article_id: str, limit: int = 8) -> builtins.list[EntityRef]:
        query = (
            select(EntityRow)
            .join(ArticleEntityRow, ArticleEntityRow.entity_id == EntityRow.id)
            .where(ArticleEntityRow.article_id == article_id)
            .order_by(ArticleEntityRow.rank)
            .limit(limit)
        )
        with self._db.read() as session:
            return [EntityRef(r.key, r.name, r.kind, r.article_count) for r in session.scalars(query)]

    def articles(self, key: str, limit: int = 30, *, languages: Sequence[str] = ()) -> builtins.list[Article]:
        """The newest articles naming an entity (in one of ``languages``, when given)."""
        query = (
            _article_query()
            .join(ArticleEntityRow, ArticleEntityRow.article_id == ArticleRow.id)
            .join(EntityRow, EntityRow.id == ArticleEntityRow.entity_id)
            .where(EntityRow.key == key)
            .order_by(ArticleRow.sort_time.desc(), ArticleRow.id)
            .limit(limit)
        )
        if languages:
            query = query.where(in_languages(languages))
        with self._db.read() as session:
            return [_to_article(row) for row in session.execute(query)]

    def popular(self, limit: int = 20, *, min_articles: int = 2) -> builtins.list[EntityRef]:
        """The entities most articles name (for an index of topics)."""
        query = (
            select(EntityRow)
            .where(EntityRow.article_count >= min_articles)
            .order_by(EntityRow.article_count.desc(), EntityRow.key)
            .limit(limit)
        )
        with self._db.read() as session:
            return [EntityRef(r.key, r.name, r.kind, r.article_count) for r in session.scalars(query)]
