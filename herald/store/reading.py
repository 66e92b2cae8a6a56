"""A reader's own lists: the reading list, the reading history, what they follow and mute, and their last
visit; and the two questions their page asks of them, "what here is for me" and "what moved since I came".

Follows are keyed by text whatever their kind (a publisher's or a story's id as text, an entity's key, a
section's name) and name nothing by foreign key, so one whose publisher, story or name is gone only stops
matching. A followed story that was merged into another is followed into the story that absorbed it.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeAlias, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Result,
    and_,
    case,
    delete,
    exists,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.util import AliasedClass

from herald.models import FOLLOW_KINDS, Article, Follow
from herald.store.articles import _article_query, _to_article
from herald.store.database import Database
from herald.store.schema import (
    ArticleEntityRow,
    ArticleRow,
    EntityRow,
    FollowRow,
    ReaderVisitRow,
    ReadingHistoryRow,
    SavedArticleRow,
    StoryRow,
)

MAX_FOLLOW_KEY_CHARS = 200
MAX_FOLLOW_LABEL_CHARS = 300

Match = tuple[str, str, str]  # (kind, key, label) of a follow an article matched


def _now() -> datetime:
    return datetime.now(UTC)


def _rowcount(result: Result[Any]) -> int:
    return max(cast(CursorResult[Any], result).rowcount, 0)


def _id_key(key: str) -> int | None:
    """A publisher's or story's key as the id it names; None for text that names no row (a key typed by
    hand: it then matches nothing rather than failing in the database)."""
    return int(key) if key.isdecimal() and len(key) <= 9 else None


def _to_follow(row: FollowRow) -> Follow:
    return Follow(kind=row.kind, key=row.key, label=row.label, muted=row.muted, created_at=row.created_at)


@dataclass
class _FollowSet:
    """One side (followed or muted) of a reader's follows, resolved to what articles carry: publisher and
    story ids, section names and entity ids; each mapped to the follows that name it."""

    publishers: dict[int, list[Follow]] = field(default_factory=dict)
    stories: dict[int, list[Follow]] = field(default_factory=dict)
    sections: dict[str, list[Follow]] = field(default_factory=dict)
    entities: dict[int, list[Follow]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.publishers or self.stories or self.sections or self.entities)

    def matched_by(self, article: Article, entity_ids: set[int]) -> list[Follow]:
        """The follows that name the article, given which of this set's entities it names."""
        found = list(self.publishers.get(article.publisher_id, []))
        if article.story_id is not None:
            found += self.stories.get(article.story_id, [])
        found += [f for entity_id in entity_ids for f in self.entities.get(entity_id, [])]
        if article.section is not None:
            found += self.sections.get(article.section, [])
        return found


def _live_stories(session: Session, numbers: set[int | None]) -> dict[int, int]:
    """Story id -> the story that holds its articles now (merges keep ``merged_into`` one hop deep)."""
    keys = {n for n in numbers if n is not None}
    if not keys:
        return {}
    rows = session.execute(select(StoryRow.id, StoryRow.merged_into).where(StoryRow.id.in_(keys)))
    live = {key: key for key in keys}
    live.update({story_id: merged_into or story_id for story_id, merged_into in rows})
    return live


def _resolve(session: Session, follows: Sequence[Follow]) -> tuple[_FollowSet, _FollowSet]:
    """(followed, muted), in two queries at most whatever the number of follows."""
    live = _live_stories(session, {_id_key(f.key) for f in follows if f.kind == "story"})
    entity_keys = {f.key for f in follows if f.kind == "entity"}
    entity_ids: dict[str, int] = {}
    if entity_keys:
        query = select(EntityRow.key, EntityRow.id).where(EntityRow.key.in_(entity_keys))
        entity_ids = {key: entity_id for key, entity_id in session.execute(query)}
    followed, muted = _FollowSet(), _FollowSet()
    for follow in follows:
        side = muted if follow.muted else followed
        number = _id_key(follow.key)
        if follow.kind == "publisher" and number is not None:
            side.publishers.setdefault(number, []).append(follow)
        elif follow.kind == "story" and number is not None:
            side.stories.setdefault(live[number], []).append(follow)
        elif follow.kind == "section":
            side.sections.setdefault(follow.key, []).append(follow)
        elif follow.kind == "entity" and follow.key in entity_ids:
            side.entities.setdefault(entity_ids[follow.key], []).append(follow)
    return followed, muted


_ArticleTable: TypeAlias = type[ArticleRow] | AliasedClass[ArticleRow]


def _names_any(article: _ArticleTable, entity_ids: builtins.list[int]) -> ColumnElement[bool]:
    named = aliased(ArticleEntityRow)
    return exists().where(named.article_id == article.id, named.entity_id.in_(entity_ids))


def _matches_any(article: _ArticleTable, follows: _FollowSet) -> ColumnElement[bool]:
    ways: list[ColumnElement[bool]] = []
    if follows.publishers:
        ways.append(article.publisher_id.in_(list(follows.publishers)))
    if follows.stories:
        ways.append(article.story_id.in_(list(follows.stories)))
    if follows.sections:
        ways.append(article.section.in_(list(follows.sections)))
    if follows.entities:
        ways.append(_names_any(article, list(follows.entities)))
    return or_(*ways)


def _matches_none(article: _ArticleTable, muted: _FollowSet) -> ColumnElement[bool]:
    # NOT IN is never true for NULL: an article without a story or section is not muted by one.
    conditions: list[ColumnElement[bool]] = [true()]
    if muted.publishers:
        conditions.append(article.publisher_id.not_in(list(muted.publishers)))
    if muted.stories:
        conditions.append(or_(article.story_id.is_(None), article.story_id.not_in(list(muted.stories))))
    if muted.sections:
        conditions.append(or_(article.section.is_(None), article.section.not_in(list(muted.sections))))
    if muted.entities:
        conditions.append(~_names_any(article, list(muted.entities)))
    return and_(*conditions)


def _candidate(
    article: _ArticleTable, user_id: int, since: datetime, followed: _FollowSet, muted: _FollowSet
) -> ColumnElement[bool]:
    """What makes an article a candidate for the reader's page, written for any alias of the articles
    table so the same test can be asked of a reprint's origin."""
    read = exists().where(ReadingHistoryRow.user_id == user_id, ReadingHistoryRow.article_id == article.id)
    return and_(
        article.sort_time >= since, _matches_any(article, followed), _matches_none(article, muted), ~read
    )


class ReadingStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def _insert(self, table: Any) -> Any:
        return (sqlite_insert if self._db.is_sqlite else pg_insert)(table)

    def _article_exists(self, session: Session, article_id: str) -> bool:
        return session.scalar(select(ArticleRow.id).where(ArticleRow.id == article_id)) is not None

    # The reading list --------------------------------------------------------------------------------------

    def save(self, user_id: int, article_id: str) -> bool:
        """True when the article went onto the list; False when it was there already or does not exist."""
        statement = (
            self._insert(SavedArticleRow)
            .values(user_id=user_id, article_id=article_id, saved_at=_now())
            .on_conflict_do_nothing()
            .returning(SavedArticleRow.article_id)  # psycopg reports no rowcount for DO NOTHING
        )
        try:
            with self._db.write() as session:
                if not self._article_exists(session, article_id):
                    return False
                return len(session.execute(statement).all()) > 0
        except IntegrityError:  # the article (or the reader) went away meanwhile
            return False

    def unsave(self, user_id: int, article_id: str) -> bool:
        statement = delete(SavedArticleRow).where(
            SavedArticleRow.user_id == user_id, SavedArticleRow.article_id == article_id
        )
        with self._db.write() as session:
            return _rowcount(session.execute(statement)) > 0

    def saved(self, user_id: int, limit: int = 50, offset: int = 0) -> builtins.list[Article]:
        """Newest saved first."""
        query = (
            _article_query()
            .join(SavedArticleRow, SavedArticleRow.article_id == ArticleRow.id)
            .where(SavedArticleRow.user_id == user_id)
            .order_by(SavedArticleRow.saved_at.desc(), ArticleRow.id)
            .limit(limit)
            .offset(offset)
        )
        with self._db.read() as session:
            return [_to_article(row) for row in session.execute(query)]

    def saved_ids(self, user_id: int, article_ids: Sequence[str]) -> set[str]:
        """Which of these articles (a page's cards) are on the reader's list."""
        if not article_ids:
            return set()
        query = select(SavedArticleRow.article_id).where(
            SavedArticleRow.user_id == user_id, SavedArticleRow.article_id.in_(set(article_ids))
        )
        with self._db.read() as session:
            return set(session.scalars(query))

    def saved_count(self, user_id: int) -> int:
        query = select(func.count()).select_from(SavedArticleRow).where(SavedArticleRow.user_id == user_id)
        with self._db.read() as session:
            return int(session.scalar(query) or 0)

    # The reading history -----------------------------------------------------------------------------------

    def record_read(self, user_id: int, article_id: str, at: datetime | None = None) -> None:
        """Remember that the reader opened the article; a second reading moves it to ``at``. An article
        that is gone records nothing."""
        statement = self._insert(ReadingHistoryRow).values(
            user_id=user_id, article_id=article_id, read_at=at or _now()
        )
        statement = statement.on_conflict_do_update(
            index_elements=[ReadingHistoryRow.user_id, ReadingHistoryRow.article_id],
            set_={"read_at": statement.excluded.read_at},
        )
        try:
            with self._db.write() as session:
                if self._article_exists(session, article_id):
                    session.execute(statement)
        except IntegrityError:  # the article went away meanwhile: nothing to remember
            return

    def history(
        self, user_id: int, limit: int = 50, offset: int = 0
    ) -> builtins.list[tuple[Article, datetime]]:
        """What the reader opened, last read first, with when."""
        query = (
            _article_query()
            .add_columns(ReadingHistoryRow.read_at)
            .join(ReadingHistoryRow, ReadingHistoryRow.article_id == ArticleRow.id)
            .where(ReadingHistoryRow.user_id == user_id)
            .order_by(ReadingHistoryRow.read_at.desc(), ArticleRow.id)
            .limit(limit)
            .offset(offset)
        )
        with self._db.read() as session:
            return [(_to_article(row), row.read_at) for row in session.execute(query)]

    def clear_history(self, user_id: int) -> int:
        with self._db.write() as session:
            result = session.execute(delete(ReadingHistoryRow).where(ReadingHistoryRow.user_id == user_id))
            return _rowcount(result)

    def forget_read(self, user_id: int, article_id: str) -> bool:
        statement = delete(ReadingHistoryRow).where(
            ReadingHistoryRow.user_id == user_id, ReadingHistoryRow.article_id == article_id
        )
        with self._db.write() as session:
            return _rowcount(session.execute(statement)) > 0

    def read_ids(self, user_id: int, article_ids: Sequence[str]) -> set[str]:
        if not article_ids:
            return set()
        query = select(ReadingHistoryRow.article_id).where(
            ReadingHistoryRow.user_id == user_id, ReadingHistoryRow.article_id.in_(set(article_ids))
        )
        with self._db.read() as session:
            return set(session.scalars(query))

    # Follows and mutes -------------------------------------------------------------------------------------

    def follow(self, user_id: int, kind: str, key: str, label: str, *, muted: bool = False) -> None:
        """Follow (or mute) something; the same thing again changes the label and the state, and a change
        of state counts as a new follow (its ``created_at`` moves)."""
        if kind not in FOLLOW_KINDS:
            raise ValueError(f"unknown follow kind {kind!r}; expected one of {', '.join(FOLLOW_KINDS)}")
        statement = self._insert(FollowRow).values(
            user_id=user_id,
            kind=kind,
            key=key[:MAX_FOLLOW_KEY_CHARS],
            label=label[:MAX_FOLLOW_LABEL_CHARS],
            muted=muted,
            created_at=_now(),
        )
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[FollowRow.user_id, FollowRow.kind, FollowRow.key],
            set_={
                "label": excluded.label,
                "muted": excluded.muted,
                "created_at": case(
                    (FollowRow.muted != excluded.muted, excluded.created_at), else_=FollowRow.created_at
                ),
            },
        )
        with self._db.write() as session:
            session.execute(statement)

    def unfollow(self, user_id: int, kind: str, key: str) -> bool:
        """Stop following or muting it."""
        statement = delete(FollowRow).where(
            FollowRow.user_id == user_id, FollowRow.kind == kind, FollowRow.key == key
        )
        with self._db.write() as session:
            return _rowcount(session.execute(statement)) > 0

    def follows(self, user_id: int) -> builtins.list[Follow]:
        """Follows, then mutes, each by label. Sorted here, not in SQL, so the order is the same on both
        databases whatever PostgreSQL's collation."""
        with self._db.read() as session:
            return _sorted(self._follows(session, user_id))

    def _follows(self, session: Session, user_id: int) -> builtins.list[Follow]:
        return [
            _to_follow(row) for row in session.scalars(select(FollowRow).where(FollowRow.user_id == user_id))
        ]

    def follow_state(self, user_id: int, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], bool]:
        """For the (kind, key) pairs the reader follows or mutes: muted or not. Pairs absent: neither."""
        wanted = set(pairs)
        if not wanted:
            return {}
        query = select(FollowRow.kind, FollowRow.key, FollowRow.muted).where(
            FollowRow.user_id == user_id, FollowRow.key.in_({key for _kind, key in wanted})
        )
        with self._db.read() as session:
            rows = session.execute(query).all()
        return {(kind, key): bool(muted) for kind, key, muted in rows if (kind, key) in wanted}

    # Visits ------------------------------------------------------------------------------------------------

    def touch_visit(self, user_id: int, at: datetime | None = None) -> datetime | None:
        """Record this visit and return the one before (None on the first). Two visits at once may both
        see the same previous one, which only repeats "since your last visit" once."""
        at = at or _now()
        statement = self._insert(ReaderVisitRow).values(user_id=user_id, last_seen_at=at)
        statement = statement.on_conflict_do_update(
            index_elements=[ReaderVisitRow.user_id], set_={"last_seen_at": statement.excluded.last_seen_at}
        )
        with self._db.write() as session:
            previous = session.scalar(
                select(ReaderVisitRow.last_seen_at).where(ReaderVisitRow.user_id == user_id)
            )
            session.execute(statement)
        return previous

    # The reader's page -------------------------------------------------------------------------------------

    def for_you_candidates(
        self, user_id: int, since: datetime, limit: int = 300
    ) -> builtins.list[tuple[Article, builtins.list[Match]]]:
        """Articles since ``since`` that match something the reader follows, with the follows each matched
        (publisher, story, entity, section, each by label), newest first. Left out: anything matching a
        mute, anything read, and a reprint whose origin is itself a candidate (the same text once is
        enough). A fixed handful of queries, however many follows or articles."""
        with self._db.read() as session:
            followed, muted = _resolve(session, self._follows(session, user_id))
            if followed.is_empty():
                return []
            origin = aliased(ArticleRow)
            reprint_of_candidate = and_(
                ArticleRow.copy_of.is_not(None),
                exists()
                .where(origin.id == ArticleRow.copy_of, _candidate(origin, user_id, since, followed, muted))
                .correlate(ArticleRow),
            )
            query = (
                _article_query()
                .where(_candidate(ArticleRow, user_id, since, followed, muted), ~reprint_of_candidate)
                .order_by(ArticleRow.sort_time.desc(), ArticleRow.id)
                .limit(limit)
            )
            articles = [_to_article(row) for row in session.execute(query)]
            named: dict[str, set[int]] = {}
            if followed.entities and articles:
                rows = session.execute(
                    select(ArticleEntityRow.article_id, ArticleEntityRow.entity_id).where(
                        ArticleEntityRow.article_id.in_([a.id for a in articles]),
                        ArticleEntityRow.entity_id.in_(list(followed.entities)),
                    )
                )
                for article_id, entity_id in rows:
                    named.setdefault(article_id, set()).add(entity_id)
        return [(a, _match_list(followed.matched_by(a, named.get(a.id, set())))) for a in articles]

    def new_in_followed_stories(self, user_id: int, since: datetime) -> builtins.list[tuple[int, str, int]]:
        """(story id, label, articles after ``since``) for each followed, unmuted story that has any, most
        first. Follows of stories since merged count in the story that absorbed them, once."""
        with self._db.read() as session:
            follows = [f for f in self._follows(session, user_id) if f.kind == "story" and not f.muted]
            live = _live_stories(session, {_id_key(f.key) for f in follows})
            labels: dict[int, str] = {}
            for follow in _sorted(follows):
                number = _id_key(follow.key)
                if number is not None:
                    # The story's own follow names it best; a merged one's label is a fallback.
                    story_id = live[number]
                    if story_id == number or story_id not in labels:
                        labels[story_id] = follow.label
            if not labels:
                return []
            query = (
                select(ArticleRow.story_id, func.count())
                .where(ArticleRow.story_id.in_(list(labels)), ArticleRow.sort_time > since)
                .group_by(ArticleRow.story_id)
            )
            counts = {story_id: int(n) for story_id, n in session.execute(query) if story_id is not None}
        found = [(story_id, labels[story_id], n) for story_id, n in counts.items() if n > 0]
        return sorted(found, key=lambda item: (-item[2], item[1].casefold(), item[0]))


def _sorted(follows: Sequence[Follow]) -> builtins.list[Follow]:
    return sorted(follows, key=lambda f: (f.muted, f.label.casefold(), f.label, f.kind, f.key))


def _match_list(follows: Sequence[Follow]) -> builtins.list[Match]:
    ordered = sorted(set(follows), key=lambda f: (FOLLOW_KINDS.index(f.kind), f.label.casefold(), f.key))
    return [(f.kind, f.key, f.label) for f in ordered]
