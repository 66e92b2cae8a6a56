"""Plain values that cross stage boundaries.

Stages exchange these instead of ORM rows so that each stage can be tested with no database and no network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One HTTP response after redirects, or a 304 that says nothing changed."""

    url: str  # the final URL after redirects
    status: int
    body: bytes
    content_type: str  # media type only, lower case, e.g. "application/rss+xml"
    charset: str | None  # from the Content-Type header, if any
    headers: dict[str, str]  # lower-case names
    etag: str | None = None
    last_modified: str | None = None
    max_age_seconds: int | None = None  # from Cache-Control max-age or Expires, if given
    not_modified: bool = False
    elapsed_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, as the publisher described it."""

    url: str  # absolute link to the article page
    guid: str | None
    title: str
    summary: str  # plain text
    content_html: str | None  # the feed's full content, if it carries any (content:encoded, atom:content)
    authors: tuple[str, ...] = ()
    published: datetime | None = None  # aware, UTC
    updated: datetime | None = None
    image_url: str | None = None
    categories: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    home_url: str | None
    language: str | None
    ttl_minutes: int | None  # RSS <ttl> or sy:updatePeriod/updateFrequency
    items: tuple[FeedItem, ...]
    warning: str | None = None  # the feed was readable but broken (feedparser's bozo), in words
    icon_url: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """The clean article pulled out of a page (or out of the feed's own content as a fall-back)."""

    title: str
    paragraphs: tuple[str, ...]
    canonical_url: str | None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    image_url: str | None = None
    image_caption: str | None = None
    language: str | None = None
    site_name: str | None = None
    description: str | None = None
    method: str = "page"  # "page" (trafilatura on the article page) or "feed" (the feed's content)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Article:
    """An article as stored: what the web shows."""

    id: str
    canonical_url: str
    url: str
    title: str
    paragraphs: tuple[str, ...]
    publisher_id: int
    publisher_name: str
    source_id: int | None
    published_at: datetime | None
    fetched_at: datetime
    authors: tuple[str, ...] = ()
    image_url: str | None = None
    image_caption: str | None = None
    language: str | None = None
    excerpt: str = ""
    section: str | None = None
    extraction_method: str = "page"
    publisher_home_url: str | None = None
    publisher_favicon_url: str | None = None
    story_id: int | None = None
    copy_of: str | None = None  # the article this one reprints (the copy group's origin), if any


@dataclass(frozen=True, slots=True)
class Publisher:
    id: int
    name: str
    slug: str
    home_url: str | None
    favicon_url: str | None = None
    country: str | None = None
    language: str | None = None
    article_count: int = 0


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A feed subscription as an operator or OPML describes it, before it is stored."""

    feed_url: str
    title: str | None = None
    publisher: str | None = None
    home_url: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    language: str | None = None  # BCP 47
    section: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A stored feed subscription with its health."""

    id: int
    feed_url: str
    title: str
    publisher_id: int
    publisher_name: str
    enabled: bool
    section: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    ttl_minutes: int | None = None
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_warning: str | None = None
    consecutive_failures: int = 0
    next_check_at: datetime | None = None
    article_count: int = 0


@dataclass(slots=True)
class RefreshReport:
    """What one refresh of one source did, for progress bars, summaries and logs."""

    source_id: int
    feed_url: str
    not_modified: bool = False
    items_seen: int = 0
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    from_feed_content: int = 0  # pages we could not fetch or read, stored from the feed's content
    updated: int = 0  # known articles whose feed said they changed, fetched again and replaced
    error: str | None = None  # the feed itself failed
    item_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class Story:
    """One event as several publishers told it."""

    id: int
    title: str
    lead_article_id: str | None
    section: str | None
    first_published: datetime
    last_updated: datetime
    article_count: int
    publisher_count: int


@dataclass(frozen=True, slots=True)
class EntityRef:
    """A person, place or organisation an article names; ``key`` is its stable identity and URL slug."""

    key: str
    name: str
    kind: str
    article_count: int = 0


@dataclass(frozen=True, slots=True)
class ArticleSignal:
    """What story assignment and related-article ranking know of an article: its unit-length embedding, its
    key terms (IDF-weighted, unit length), when it was published, and who published it."""

    id: str
    vector: np.ndarray
    terms: dict[str, float]
    published: datetime | None
    publisher_id: int
    story_id: int | None = None
    copy_of: str | None = None


@dataclass(slots=True)
class StoryProfile:
    """A story as clustering sees it: the sums of its members' vectors and term weights, so the average
    similarity of an article to all members is one dot product divided by ``size``."""

    id: int
    centroid_sum: np.ndarray
    terms_sum: dict[str, float]
    size: int
    first: datetime | None
    last: datetime | None


ROLES = ("reader", "moderator", "admin")


@dataclass(frozen=True, slots=True)
class User:
    """A reader's account as the site sees it: never its password hash or two-factor secret."""

    id: int
    email: str  # normalised: lower-case, as it signs in
    display_name: str
    role: str  # one of ROLES
    created_at: datetime
    banned: bool = False
    totp_enabled: bool = False

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


COMMENT_STATES = ("visible", "held", "hidden", "deleted")


@dataclass(frozen=True, slots=True)
class Comment:
    """A reader's comment on an article (``story_id`` set: on a story page), as stored. ``body_html`` is the
    sanitised rendering of ``body_text``, made once when it was written."""

    id: int
    article_id: str | None
    story_id: int | None
    parent_id: int | None
    user_id: int
    author_name: str
    body_text: str
    body_html: str
    status: str  # one of COMMENT_STATES: held waits for a moderator; hidden by one; deleted by its author
    created_at: datetime
    edited_at: datetime | None = None
    hold_reason: str = ""
    reports: int = 0


@dataclass(frozen=True, slots=True)
class ModerationEntry:
    """One moderator's action, as the log shows it."""

    id: int
    moderator_id: int | None  # None once the moderator's account is deleted
    moderator_name: str
    action: str  # hide, restore, delete, ban, unban
    comment_id: int | None
    target_user_id: int | None
    target_name: str
    reason: str
    at: datetime


FOLLOW_KINDS = ("publisher", "story", "entity", "section")


@dataclass(frozen=True, slots=True)
class Follow:
    """Something a reader follows (or mutes): a publisher (key: its id), a story (its id), a person, place or
    organisation (its entity key) or a section (its name)."""

    kind: str  # one of FOLLOW_KINDS
    key: str
    label: str  # what to call it: "The Harbour Courier", "North Korea", "Business"
    muted: bool
    created_at: datetime
