"""The only code that speaks SQL: SQLite (default, WAL) or PostgreSQL, with Alembic migrations."""

from __future__ import annotations

from herald.store.articles import ArticleStore, NewArticle, make_excerpt
from herald.store.comments import CommentStore
from herald.store.database import Database, downgrade, migrate, schema_revision
from herald.store.entities import EntityStore
from herald.store.features import CopyCandidate, FeatureStore, NewFeatures
from herald.store.publishers import PublisherStore, slugify
from herald.store.reading import ReadingStore
from herald.store.search import SearchStore
from herald.store.site import SiteAsset, SiteStore
from herald.store.sources import SourceStore
from herald.store.stories import Placement, PlacementResult, StoryStore
from herald.store.summaries import SummaryStore
from herald.store.users import UserStore
from herald.store.vector_index import VectorIndex

__all__ = [
    "ArticleStore",
    "CommentStore",
    "CopyCandidate",
    "Database",
    "EntityStore",
    "FeatureStore",
    "NewArticle",
    "NewFeatures",
    "Placement",
    "PlacementResult",
    "PublisherStore",
    "ReadingStore",
    "SearchStore",
    "SiteAsset",
    "SiteStore",
    "SourceStore",
    "Store",
    "StoryStore",
    "SummaryStore",
    "UserStore",
    "VectorIndex",
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
        self.features = FeatureStore(self.db)
        self.entities = EntityStore(self.db)
        self.summaries = SummaryStore(self.db)
        self.stories = StoryStore(self.db, self.features, self.entities, self.summaries)
        self.users = UserStore(self.db)
        self.comments = CommentStore(self.db)
        self.reading = ReadingStore(self.db)
        self.site = SiteStore(self.db)
        self.search = SearchStore(self.db)

    @property
    def url(self) -> str:
        return self.db.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.db.dispose()
