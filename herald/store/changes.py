"""What changed, and when: the articles and stories an app shows, in the order the database stamped their
changes (``changed_at``, kept by the triggers of migration 0008), for "changes since" and Last-Modified.

A position in that order is (time, kind, key): articles before stories at one instant, each by its id, so two
rows stamped at the same microsecond are never skipped or reported twice at a page break.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from herald.store.database import Database
from herald.store.schema import ArticleRow, StoryRow

ARTICLE: Final = 0
STORY: Final = 1
END_OF_INSTANT: Final = 2  # after every change stamped at the position's time


@dataclass(frozen=True, slots=True)
class Position:
    """A place in the order of changes; ``key`` is an article's id or a story's id (as text, so positions
    compare), and empty at the end of an instant."""

    time: datetime
    kind: int = END_OF_INSTANT
    key: str = ""

    def sort_key(self) -> tuple[datetime, int, str | int]:
        return (self.time, self.kind, int(self.key) if self.kind == STORY else self.key)


@dataclass(frozen=True, slots=True)
class Change:
    """One article or story as it is now, with when it last changed."""

    kind: int  # ARTICLE or STORY
    changed_at: datetime
    article_id: str | None  # for an article
    story_id: int | None  # the story itself, or the story an article belongs to
    merged_into: int | None = None  # a story folded into another
    article_count: int = 0  # a story's articles: none left means it is gone

    @property
    def position(self) -> Position:
        key = self.article_id if self.kind == ARTICLE else str(self.story_id)
        return Position(self.changed_at, self.kind, key or "")


def _after_article(after: Position) -> ColumnElement[bool]:
    if after.kind == ARTICLE:
        return or_(
            ArticleRow.changed_at > after.time,
            and_(ArticleRow.changed_at == after.time, ArticleRow.id > after.key),
        )
    return ArticleRow.changed_at > after.time  # a story or the instant's end: this instant's articles came


def _after_story(after: Position) -> ColumnElement[bool]:
    if after.kind == ARTICLE:
        return StoryRow.changed_at >= after.time
    if after.kind == STORY:
        return or_(
            StoryRow.changed_at > after.time,
            and_(StoryRow.changed_at == after.time, StoryRow.id > int(after.key)),
        )
    return StoryRow.changed_at > after.time


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ChangeStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def now(self) -> datetime:
        """The database's clock, which stamps the changes: on many machines, the one clock they share."""
        with self._db.read() as session:
            return self._now(session)

    def _now(self, session: Session) -> datetime:
        if self._db.is_sqlite:
            text = session.scalar(select(func.strftime("%Y-%m-%d %H:%M:%f", "now")))
            return datetime.fromisoformat(str(text)).replace(tzinfo=UTC)
        value = session.scalar(select(func.clock_timestamp()))
        if not isinstance(value, datetime):
            raise TypeError(f"The database's clock gave {value!r}")
        return _aware(value)

    def since(self, after: Position | None, *, until: datetime, limit: int) -> list[Change]:
        """The next ``limit`` changes after ``after`` (from the first ever without one) and stamped no later
        than ``until``, oldest first; one more than ``limit`` when more follow."""
        articles = select(ArticleRow.id, ArticleRow.changed_at, ArticleRow.story_id).where(
            ArticleRow.changed_at <= until
        )
        stories = select(
            StoryRow.id, StoryRow.changed_at, StoryRow.merged_into, StoryRow.article_count
        ).where(StoryRow.changed_at <= until)
        if after is not None:
            articles = articles.where(_after_article(after))
            stories = stories.where(_after_story(after))
        articles = articles.order_by(ArticleRow.changed_at, ArticleRow.id).limit(limit + 1)
        stories = stories.order_by(StoryRow.changed_at, StoryRow.id).limit(limit + 1)
        with self._db.read() as session:
            found = [
                Change(ARTICLE, _aware(row.changed_at), row.id, row.story_id)
                for row in session.execute(articles)
            ]
            found += [
                Change(STORY, _aware(row.changed_at), None, row.id, row.merged_into, row.article_count)
                for row in session.execute(stories)
            ]
        found.sort(key=lambda change: change.position.sort_key())
        return found[: limit + 1]

    def last_changed(
        self, *, article_ids: Sequence[str] = (), story_ids: Sequence[int] = ()
    ) -> datetime | None:
        """When the last of these articles and stories changed (None when none of them exists): what a
        response made of them says as its Last-Modified."""
        latest: list[datetime] = []
        with self._db.read() as session:
            if article_ids:
                found = session.scalar(
                    select(func.max(ArticleRow.changed_at)).where(ArticleRow.id.in_(list(article_ids)))
                )
                if found is not None:
                    latest.append(_aware(found))
            if story_ids:
                found = session.scalar(
                    select(func.max(StoryRow.changed_at)).where(StoryRow.id.in_(list(story_ids)))
                )
                if found is not None:
                    latest.append(_aware(found))
        return max(latest, default=None)
