"""The only code that speaks SQL: SQLite (default, WAL) or PostgreSQL, with Alembic migrations."""

from __future__ import annotations

from herald.store.articles import ArticleStore, NewArticle, make_excerpt
from herald.store.database import Database, downgrade, migrate, schema_revision
from herald.store.publishers import PublisherStore, slugify
from herald.store.sources import SourceStore

__all__ = [
    "ArticleStore",
    "Database",
    "NewArticle",
    "PublisherStore",
    "SourceStore",
    "Store",
    "downgrade",
    "make_excerpt",
    "migrate",
    "schema_revision",
    "slugify",
]


class Store:
    """The database and its table groups, opened once per process and passed down."""

    def __init__(self, url: str, *, migrate_schema: bool = True) -> None:
        self.db = Database(url)
        if migrate_schema:
            migrate(self.db.engine)
        self.sources = SourceStore(self.db)
        self.articles = ArticleStore(self.db)
        self.publishers = PublisherStore(self.db)

    @property
    def url(self) -> str:
        return self.db.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.db.dispose()
