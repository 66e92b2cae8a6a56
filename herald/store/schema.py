"""Tables. Alembic migrations under store/migrations are the source of truth for the database; these
declarations must match them (a test compares the two)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    FetchedValue,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PublisherRow(Base):
    __tablename__ = "publishers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    home_url: Mapped[str | None] = mapped_column(String(2000))
    favicon_url: Mapped[str | None] = mapped_column(String(2000))
    country: Mapped[str | None] = mapped_column(String(8))
    language: Mapped[str | None] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SourceRow(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed_url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    publisher_id: Mapped[int] = mapped_column(ForeignKey("publishers.id", ondelete="CASCADE"), index=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    section: Mapped[str | None] = mapped_column(String(50))
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    ttl_minutes: Mapped[int | None] = mapped_column(Integer)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_warning: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ArticleRow(Base):
    __tablename__ = "articles"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    canonical_url: Mapped[str] = mapped_column(String(2000), unique=True)
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    excerpt: Mapped[str] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sort_time: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    image_url: Mapped[str | None] = mapped_column(String(2000))
    image_caption: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(35))
    section: Mapped[str | None] = mapped_column(String(50))
    publisher_id: Mapped[int] = mapped_column(ForeignKey("publishers.id", ondelete="CASCADE"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    extraction_method: Mapped[str] = mapped_column(String(10), default="page")
    content_hash: Mapped[str] = mapped_column(String(32), index=True)
    # Understanding (plain indexed columns rather than foreign keys, so adding them never rebuilds a large
    # SQLite table): the story the article belongs to, the article it is a copy of (the group's origin), and
    # the operator's "leave this one alone" marks that stop automatic regrouping.
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)
    copy_of: Mapped[str | None] = mapped_column(String(32), index=True)
    copy_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    story_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When something an app shows last changed: stamped by the database's triggers (migration 0008), never
    # written by the store; what the API's "changes since" reads.
    changed_at: Mapped[datetime] = mapped_column(
        UTCDateTime, index=True, server_default=FetchedValue(), server_onupdate=FetchedValue()
    )

    __table_args__ = (
        Index("ix_articles_publisher_time", "publisher_id", "sort_time"),
        Index("ix_articles_section_time", "section", "sort_time"),
        Index("ix_articles_language_time", "language", "sort_time"),  # search's language filter (0009)
    )


class ArticleURLRow(Base):
    """Every address an article was linked from (feed links before canonicalisation), so a known page is
    never fetched twice."""

    __tablename__ = "article_urls"
    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)


class FetchProblemRow(Base):
    """Recent item-level problems (a page that failed), shown on the sources page."""

    __tablename__ = "fetch_problems"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    error: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StoryRow(Base):
    """One event told by one or more publishers. The centroid is the running sum of member vectors (float32),
    so average-link similarity to the story is one dot product divided by ``article_count``."""

    __tablename__ = "stories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    lead_article_id: Mapped[str | None] = mapped_column(String(32))
    section: Mapped[str | None] = mapped_column(String(50))
    first_published: Mapped[datetime] = mapped_column(UTCDateTime)
    last_updated: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    publisher_count: Mapped[int] = mapped_column(Integer, default=0)
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    terms: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    merged_into: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime] = mapped_column(  # as ArticleRow.changed_at
        UTCDateTime, index=True, server_default=FetchedValue(), server_onupdate=FetchedValue()
    )

    __table_args__ = (Index("ix_stories_section_updated", "section", "last_updated"),)


class ArticleFeaturesRow(Base):
    """What understanding computed for an article: its embedding (float16), its weighted key terms and its
    near-duplicate signature. ``key`` is the integer the vector index knows the article by; the index is
    rebuilt from this table."""

    __tablename__ = "article_features"
    key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), unique=True, index=True
    )
    model: Mapped[str] = mapped_column(String(100))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    terms: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    near_dup: Mapped[bytes | None] = mapped_column(LargeBinary)
    section_guess: Mapped[str | None] = mapped_column(String(50))


class ArticleBandRow(Base):
    """Locality-sensitive-hashing bands of near-duplicate signatures: articles sharing a band are candidate
    copies. An index lookup in the database, so every worker process sees every other's articles."""

    __tablename__ = "article_bands"
    band: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class TermRow(Base):
    """How many understood articles carry each clustering term (a name, or a word of a name): the document
    frequencies behind the IDF weights, kept up to date as articles arrive."""

    __tablename__ = "terms"
    term: Mapped[str] = mapped_column(String(200), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer, default=0)


class EntityRow(Base):
    __tablename__ = "entities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    article_count: Mapped[int] = mapped_column(Integer, default=0)


class ArticleEntityRow(Base):
    __tablename__ = "article_entities"
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    mentions: Mapped[int] = mapped_column(Integer, default=1)
    rank: Mapped[int] = mapped_column(Integer, default=0)


class RelatedRow(Base):
    """Related articles, ranked when an article arrives and updated when a better one arrives later: a page
    view reads a few rows and never searches vectors."""

    __tablename__ = "related_articles"
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    related_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    score: Mapped[float] = mapped_column(Float)


class ArticleSummaryRow(Base):
    """An article's extractive summary and key points, chosen once when it is understood (or first asked
    for), so the AI panel reads one row."""

    __tablename__ = "article_summaries"
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    sentences: Mapped[list[str]] = mapped_column(JSON)
    key_points: Mapped[list[str]] = mapped_column(JSON)
    method: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))


class GeneratedTextRow(Base):
    """What a language model wrote for an article (a summary, an answer, a plain retelling, a translation),
    kept per model and variant (the language, or the question's digest): a second reader costs nothing."""

    __tablename__ = "generated_texts"
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    tool: Mapped[str] = mapped_column(String(20), primary_key=True)
    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    variant: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))


class UserRow(Base):
    """A reader's account. ``email`` is stored normalised (lower-case), so the unique key is the sign-in
    identity; ``totp_last_step`` is the last two-factor time step accepted, so a code is good only once."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20), default="reader")
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    banned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int] = mapped_column(BigInteger, default=0)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UserSessionRow(Base):
    """A signed-in browser. Only the SHA-256 of its token is kept, so a copy of the database signs no one
    in."""

    __tablename__ = "user_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_agent: Mapped[str] = mapped_column(String(200))
    # "web": a browser's cookie; "app": a bearer token an app holds, named by the reader so they can tell
    # their signed-in apps apart and sign one out. Each works only where it was issued.
    kind: Mapped[str] = mapped_column(String(8), default="web", server_default="web")
    label: Mapped[str] = mapped_column(String(100), default="", server_default="")


class RateEventRow(Base):
    """One event that a rate limit counts, under its key: a failed sign-in ("email:…", "addr:…"), a mail
    asked for ("mailto:…", "mailfrom:…"), a comment posted. Counted over a recent window, so guessing and
    flooding slow down whichever account or address they come from."""

    __tablename__ = "rate_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_rate_events_key_at", "key", "at"),)


class CommentRow(Base):
    """A reader's comment on an article or (``story_id``) on a story page. The story is a plain column, not a
    foreign key, because stories merge; replies go with their parent, and comments with their author."""

    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[str | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    story_id: Mapped[int | None] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="visible")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_reason: Mapped[str] = mapped_column(String(200), default="")
    report_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_comments_article_time", "article_id", "created_at"),
        Index("ix_comments_story_time", "story_id", "created_at"),
        Index("ix_comments_status_time", "status", "created_at"),
        CheckConstraint("(article_id IS NULL) <> (story_id IS NULL)", name="ck_comments_one_target"),
    )


class CommentReportRow(Base):
    """One reader's report of one comment: the key makes a second report from the same reader a no-op."""

    __tablename__ = "comment_reports"
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ModerationLogRow(Base):
    """What moderators did. Comment and target user are plain columns, not foreign keys, so the record
    outlives what it is about; a removed moderator leaves the entry with no moderator."""

    __tablename__ = "moderation_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    comment_id: Mapped[int | None] = mapped_column(Integer)
    target_user_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SavedArticleRow(Base):
    """An article on a reader's reading list. The article's index makes removing an article cheap."""

    __tablename__ = "saved_articles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    article_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_saved_articles_user_time", "user_id", "saved_at"),)


class ReadingHistoryRow(Base):
    """The last time a reader opened an article: one row per article, so reading it again moves it up."""

    __tablename__ = "reading_history"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    article_id: Mapped[str] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_reading_history_user_time", "user_id", "read_at"),)


class FollowRow(Base):
    """A publisher, story, entity or section a reader follows or (``muted``) never wants to see. Keys are
    text whatever the kind, and not foreign keys: stories merge and entities are rebuilt, and a follow
    outliving what it names only stops matching."""

    __tablename__ = "follows"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    label: Mapped[str] = mapped_column(String(300))
    muted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReaderVisitRow(Base):
    """When a reader last looked at their own page, so it can say what moved since."""

    __tablename__ = "reader_visits"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SiteSettingRow(Base):
    """One of the site's own settings an admin changes on the admin pages (its name, its languages), over the
    configured default. In the database, so every web process on every machine sees the same site."""

    __tablename__ = "site_settings"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class SiteAssetRow(Base):
    """A file an admin uploaded for the site (its logo), kept in the database for the same reason."""

    __tablename__ = "site_assets"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
