"""Stories: articles about one event across publishers. Clustering decides; this module records each
decision in one transaction per article and answers the pages' questions (top stories, coverage)."""

from __future__ import annotations

import builtins
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from herald.ai.types import Summary
from herald.models import Article, ArticleSignal, EntityRef, Story, StoryProfile
from herald.store.articles import _article_query, _to_article, in_languages
from herald.store.database import Database
from herald.store.entities import EntityStore
from herald.store.features import FeatureStore, NewFeatures, vector_from_bytes
from herald.store.schema import (
    ArticleEntityRow,
    ArticleFeaturesRow,
    ArticleRow,
    EntityRow,
    SourceRow,
    StoryRow,
)
from herald.store.summaries import SummaryStore

# Top stories: how fast a story's weight decays with the hours since its last article.
FRESHNESS_HALF_LIFE_HOURS = 18.0


@dataclass(frozen=True, slots=True)
class Placement:
    """Everything understanding decided about one new article, written in one transaction."""

    signal: ArticleSignal
    time: datetime  # publication time, else fetch time: when the story last moved
    title: str
    features: NewFeatures
    entities: Sequence[tuple[EntityRef, int]] = ()
    copy_origin: str | None = None  # it reprints this article (the group's origin)
    replaces_origin: str | None = None  # it is older than the group's origin, which becomes its copy
    story_id: int | None = None  # join this story; None starts a new one
    merge_story_ids: tuple[int, ...] = ()  # stories found to be the same event, folded into story_id
    related: Sequence[tuple[str, float]] = ()
    reciprocal: Sequence[tuple[str, float]] = ()
    same_text: Sequence[str] = ()  # its copy group: a list already showing one of them is not offered it
    section: str | None = None
    summary: Summary | None = None  # its extractive summary and key points, chosen by the worker


@dataclass(frozen=True, slots=True)
class PlacementResult:
    key: int
    story_id: int
    merged: tuple[int, ...] = field(default_factory=tuple)


def _centroid_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def _centroid(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float32).copy()


# A story keeps the sums of its strongest names only: enough to tell it from another event, and a long tail
# of names mentioned once would make every decision read and multiply more.
STORY_TERMS_KEPT = 400


def _add_terms(total: dict[str, float], terms: dict[str, float]) -> dict[str, float]:
    out = dict(total)
    for key, weight in terms.items():
        out[key] = out.get(key, 0.0) + weight
    if len(out) > STORY_TERMS_KEPT:
        out = dict(sorted(out.items(), key=lambda item: -item[1])[:STORY_TERMS_KEPT])
    return out


_STORY_COLUMNS = (
    StoryRow.id,
    StoryRow.title,
    StoryRow.lead_article_id,
    StoryRow.section,
    StoryRow.first_published,
    StoryRow.last_updated,
    StoryRow.article_count,
    StoryRow.publisher_count,
)


def _to_story(row: StoryRow) -> Story:
    return Story(
        id=row.id,
        title=row.title,
        lead_article_id=row.lead_article_id,
        section=row.section,
        first_published=row.first_published,
        last_updated=row.last_updated,
        article_count=row.article_count,
        publisher_count=row.publisher_count,
    )


def _new_story(
    *,
    title: str,
    lead_article_id: str,
    section: str | None,
    time: datetime,
    vector: np.ndarray,
    terms: dict[str, float],
) -> StoryRow:
    """A story of one article (counts are refreshed from its members once it has them)."""
    return StoryRow(
        title=title,
        lead_article_id=lead_article_id,
        section=section,
        first_published=time,
        last_updated=time,
        article_count=1,
        publisher_count=1,
        centroid=_centroid_bytes(vector),
        terms=dict(terms),
        created_at=datetime.now(UTC),
    )


def _told_in(languages: Sequence[str]) -> Select[int | None]:
    """The stories with an article in one of ``languages`` (or in a language no one could tell)."""
    return select(ArticleRow.story_id).where(ArticleRow.story_id.is_not(None), in_languages(languages))


class StoryStore:
    def __init__(
        self, db: Database, features: FeatureStore, entities: EntityStore, summaries: SummaryStore
    ) -> None:
        self._db = db
        self._features = features
        self._entities = entities
        self._summaries = summaries

    # Writing ----------------------------------------------------------------------------------------------

    def profiles(self, story_ids: Sequence[int]) -> dict[int, StoryProfile]:
        """Live stories (not merged away) as clustering sees them."""
        if not story_ids:
            return {}
        query = select(
            StoryRow.id,
            StoryRow.centroid,
            StoryRow.terms,
            StoryRow.article_count,
            StoryRow.first_published,
            StoryRow.last_updated,
        ).where(StoryRow.id.in_(list(story_ids)), StoryRow.merged_into.is_(None))
        with self._db.read() as session:
            return {
                row.id: StoryProfile(
                    id=row.id,
                    centroid_sum=_centroid(row.centroid),
                    terms_sum=dict(row.terms or {}),
                    size=row.article_count,
                    first=row.first_published,
                    last=row.last_updated,
                )
                for row in session.execute(query)
            }

    def place(self, placement: Placement) -> PlacementResult:
        with self._db.write() as session:
            key = self._features.add_in(session, placement.features)
            self._features.count_terms_in(session, list(placement.signal.terms))
            self._entities.record_in(session, placement.signal.id, placement.entities)
            article = session.get(ArticleRow, placement.signal.id)
            if article is None:
                raise LookupError(f"No article {placement.signal.id}")
            if placement.summary is not None:
                self._summaries.put_in(session, placement.signal.id, placement.summary)
            if article.section is None and placement.section is not None:
                article.section = placement.section
            if placement.replaces_origin is not None:
                session.execute(
                    update(ArticleRow)
                    .where(
                        or_(
                            ArticleRow.id == placement.replaces_origin,
                            ArticleRow.copy_of == placement.replaces_origin,
                        ),
                        ArticleRow.id != placement.signal.id,
                        ArticleRow.copy_locked.is_(False),
                    )
                    .values(copy_of=placement.signal.id)
                )
                article.copy_of = None
            elif placement.copy_origin is not None and not article.copy_locked:
                article.copy_of = placement.copy_origin if placement.copy_origin != article.id else None
            story = self._join_or_start(session, placement, article)
            merged = tuple(
                gone for gone in placement.merge_story_ids if self._merge(session, story, gone) is not None
            )
            self._refresh_counts(session, story)
            self._features.set_related_in(
                session,
                placement.signal.id,
                placement.related,
                reciprocal=placement.reciprocal,
                same_text=placement.same_text,
            )
            return PlacementResult(key=key, story_id=story.id, merged=merged)

    def _join_or_start(self, session: Session, placement: Placement, article: ArticleRow) -> StoryRow:
        signal = placement.signal
        story = session.get(StoryRow, placement.story_id) if placement.story_id is not None else None
        while story is not None and story.merged_into is not None:
            story = session.get(StoryRow, story.merged_into)
        if story is None:
            story = _new_story(
                title=placement.title,
                lead_article_id=signal.id,
                section=placement.section,
                time=placement.time,
                vector=signal.vector,
                terms=signal.terms,
            )
            session.add(story)
            session.flush()
        else:
            centroid = _centroid(story.centroid) + signal.vector
            story.centroid = _centroid_bytes(centroid)
            story.terms = _add_terms(story.terms or {}, signal.terms)
            story.first_published = min(story.first_published, placement.time)
            story.last_updated = max(story.last_updated, placement.time)
            self._choose_lead(session, story, centroid, article, signal)
        article.story_id = story.id
        session.flush()
        return story

    def _choose_lead(
        self,
        session: Session,
        story: StoryRow,
        centroid: np.ndarray,
        article: ArticleRow,
        signal: ArticleSignal,
    ) -> None:
        """The member closest to the story's centre is its most typical telling: its headline leads. A reprint
        never leads: the story credits the text's first publisher."""
        if article.copy_of is not None:
            return
        current = None
        if story.lead_article_id is not None:
            current = session.execute(
                select(ArticleFeaturesRow.vector, ArticleRow.copy_of)
                .join(ArticleRow, ArticleRow.id == ArticleFeaturesRow.article_id)
                .where(ArticleFeaturesRow.article_id == story.lead_article_id)
            ).first()
        if (
            current is None
            or current.copy_of is not None
            or float(signal.vector @ centroid) > float(vector_from_bytes(current.vector) @ centroid)
        ):
            story.lead_article_id = article.id
            story.title = article.title

    def _merge(self, session: Session, keep: StoryRow, gone_id: int) -> int | None:
        """Fold ``gone`` into ``keep``, unless an operator has placed one of their articles by hand: merging
        would put a detached article back beside the story it was taken out of."""
        gone = session.get(StoryRow, gone_id)
        if gone is None or gone.id == keep.id or gone.merged_into is not None:
            return None
        hand_placed = session.scalar(
            select(ArticleRow.id)
            .where(ArticleRow.story_id.in_([keep.id, gone.id]), ArticleRow.story_locked.is_(True))
            .limit(1)
        )
        if hand_placed is not None:
            return None
        keep.centroid = _centroid_bytes(_centroid(keep.centroid) + _centroid(gone.centroid))
        keep.terms = _add_terms(keep.terms or {}, gone.terms or {})
        keep.first_published = min(keep.first_published, gone.first_published)
        keep.last_updated = max(keep.last_updated, gone.last_updated)
        session.execute(update(ArticleRow).where(ArticleRow.story_id == gone.id).values(story_id=keep.id))
        session.execute(update(StoryRow).where(StoryRow.merged_into == gone.id).values(merged_into=keep.id))
        gone.merged_into = keep.id
        session.flush()
        return gone.id

    def _refresh_counts(self, session: Session, story: StoryRow) -> None:
        members = session.execute(
            select(ArticleRow.publisher_id, ArticleRow.section).where(ArticleRow.story_id == story.id)
        ).all()
        story.article_count = len(members)
        story.publisher_count = len({m.publisher_id for m in members})
        sections = Counter(m.section for m in members if m.section)
        if sections:
            story.section = sections.most_common(1)[0][0]
        session.flush()

    def replace_features(
        self,
        features: NewFeatures,
        entities: Sequence[tuple[EntityRef, int]],
        summary: Summary | None = None,
    ) -> int:
        """An updated article's new features and summary; its story keeps the member it had (the centroid is
        not re-summed: one member's edit moves it little, and a rebuild would cost a read of every member).
        What a language model wrote from the old text is dropped."""
        with self._db.write() as session:
            key = self._features.add_in(session, features)
            self._entities.record_in(session, features.article_id, entities)
            if summary is not None:
                self._summaries.put_in(session, features.article_id, summary)
            self._summaries.forget_generated_in(session, features.article_id)
            return key

    def set_source_section(self, source_id: int, section: str | None) -> int | None:
        """The operator's section for a source: its articles, past and future, are filed there. None hands
        stored articles back to the zero-shot guess, and new ones to the feed's categories, then the guess.
        Returns how many articles were refiled, or None when there is no such source."""
        with self._db.write() as session:
            source = session.get(SourceRow, source_id)
            if source is None:
                return None
            source.section = section
            articles = session.execute(
                select(ArticleRow.id, ArticleRow.story_id, ArticleFeaturesRow.section_guess)
                .outerjoin(ArticleFeaturesRow, ArticleFeaturesRow.article_id == ArticleRow.id)
                .where(ArticleRow.source_id == source_id)
            ).all()
            for row in articles:
                session.execute(
                    update(ArticleRow)
                    .where(ArticleRow.id == row.id)
                    .values(section=section or row.section_guess)
                )
            for story_id in {row.story_id for row in articles if row.story_id is not None}:
                story = session.get(StoryRow, story_id)
                if story is not None:
                    self._refresh_counts(session, story)
            return len(articles)

    # Operator corrections ---------------------------------------------------------------------------------

    def detach(self, article_id: str) -> int | None:
        """Take an article out of its story into a story of its own, for good (the operator knows better);
        the story it left is recomputed from the members that remain. Returns the new story's id."""
        with self._db.write() as session:
            article = session.get(ArticleRow, article_id)
            if article is None:
                return None
            features = session.scalar(
                select(ArticleFeaturesRow).where(ArticleFeaturesRow.article_id == article_id)
            )
            old_id = article.story_id
            vector = vector_from_bytes(features.vector) if features else np.zeros(384, dtype=np.float32)
            story = _new_story(
                title=article.title,
                lead_article_id=article.id,
                section=article.section,
                time=article.published_at or article.fetched_at,
                vector=vector,
                terms=dict(features.terms) if features else {},
            )
            session.add(story)
            session.flush()
            article.story_id = story.id
            article.story_locked = True
            if old_id is not None:
                self._recompute(session, old_id)
            return story.id

    def _recompute(self, session: Session, story_id: int) -> None:
        story = session.get(StoryRow, story_id)
        if story is None:
            return
        rows = session.execute(
            select(
                ArticleRow.id,
                ArticleRow.title,
                ArticleRow.published_at,
                ArticleRow.fetched_at,
                ArticleFeaturesRow.vector,
                ArticleFeaturesRow.terms,
            )
            .outerjoin(ArticleFeaturesRow, ArticleFeaturesRow.article_id == ArticleRow.id)
            .where(ArticleRow.story_id == story_id)
        ).all()
        if not rows:
            story.article_count = 0
            story.publisher_count = 0
            return
        vectors = [vector_from_bytes(r.vector) for r in rows if r.vector is not None]
        centroid = np.sum(vectors, axis=0) if vectors else _centroid(story.centroid) * 0
        terms: dict[str, float] = {}
        for r in rows:
            terms = _add_terms(terms, dict(r.terms or {}))
        times = [r.published_at or r.fetched_at for r in rows]
        story.centroid = _centroid_bytes(centroid)
        story.terms = terms
        story.first_published = min(times)
        story.last_updated = max(times)
        best = max(
            (r for r in rows if r.vector is not None),
            key=lambda r: float(vector_from_bytes(r.vector) @ centroid),
            default=rows[0],
        )
        story.lead_article_id = best.id
        story.title = best.title
        self._refresh_counts(session, story)

    def ungroup_copy(self, article_id: str) -> bool:
        """Undo a copy grouping: the article stands on its own and is never grouped as a copy again."""
        with self._db.write() as session:
            article = session.get(ArticleRow, article_id)
            if article is None:
                return False
            if article.copy_of is None:
                # It is an origin: its copies lose their origin and the oldest of them takes over.
                copies = session.scalars(
                    select(ArticleRow).where(ArticleRow.copy_of == article_id).order_by(ArticleRow.sort_time)
                ).all()
                if copies:
                    heir = copies[0]
                    heir.copy_of = None
                    for other in copies[1:]:
                        other.copy_of = heir.id
            article.copy_of = None
            article.copy_locked = True
            return True

    # Reading ----------------------------------------------------------------------------------------------

    def get(self, story_id: int) -> Story | None:
        """A story, following merges: asking for a merged story gives the story it became."""
        with self._db.read() as session:
            row = session.get(StoryRow, story_id)
            hops = 0
            while row is not None and row.merged_into is not None and hops < 50:
                row = session.get(StoryRow, row.merged_into)
                hops += 1
            return _to_story(row) if row is not None else None

    def articles(self, story_id: int, limit: int = 200) -> builtins.list[Article]:
        """The story's articles, oldest first (its timeline)."""
        query = (
            _article_query()
            .where(ArticleRow.story_id == story_id)
            .order_by(ArticleRow.sort_time, ArticleRow.id)
            .limit(limit)
        )
        with self._db.read() as session:
            return [_to_article(row) for row in session.execute(query)]

    def copies(self, origin_id: str) -> builtins.list[Article]:
        """The reprints of an article, oldest first."""
        query = _article_query().where(ArticleRow.copy_of == origin_id).order_by(ArticleRow.sort_time)
        with self._db.read() as session:
            return [_to_article(row) for row in session.execute(query)]

    def top(
        self,
        limit: int = 10,
        *,
        section: str | None = None,
        now: datetime | None = None,
        window: timedelta = timedelta(days=3),
        exclude_ids: Sequence[int] = (),
        languages: Sequence[str] = (),
    ) -> builtins.list[Story]:
        """Stories ranked by how many publishers tell them and how fresh they are; stories whose news is older
        than ``window`` only fill up a page that would otherwise be short. With ``languages``, only stories
        told in at least one of them."""
        now = now or datetime.now(UTC)
        # Only the fields a listing shows: not the centroid and terms clustering keeps beside them.
        query = select(*_STORY_COLUMNS).where(StoryRow.merged_into.is_(None), StoryRow.article_count > 0)
        if languages:
            query = query.where(StoryRow.id.in_(_told_in(languages)))
        if section is not None:
            query = query.where(StoryRow.section == section)
        if exclude_ids:
            query = query.where(StoryRow.id.not_in(list(exclude_ids)))
        query = query.order_by(StoryRow.last_updated.desc()).limit(max(200, limit * 10))
        with self._db.read() as session:
            rows = [Story(*row) for row in session.execute(query)]

        def weight(story: Story) -> float:
            age = now - story.last_updated
            fresh = 0.5 ** (max(0.0, age.total_seconds() / 3600) / FRESHNESS_HALF_LIFE_HOURS)
            stale = 0.0 if age <= window else 1.0
            breadth = 1 + math.log(story.publisher_count) * 2 + math.log(story.article_count)
            return breadth * fresh - stale * 10

        rows.sort(key=lambda r: (weight(r), r.last_updated, r.id), reverse=True)
        return rows[:limit]

    def for_entity(self, key: str, limit: int = 20, *, languages: Sequence[str] = ()) -> builtins.list[Story]:
        """The latest stories whose articles name an entity (in one of ``languages``, when given)."""
        story_ids = (
            select(ArticleRow.story_id)
            .join(ArticleEntityRow, ArticleEntityRow.article_id == ArticleRow.id)
            .join(EntityRow, EntityRow.id == ArticleEntityRow.entity_id)
            .where(EntityRow.key == key, ArticleRow.story_id.is_not(None))
        )
        if languages:
            story_ids = story_ids.where(in_languages(languages))
        query = (
            select(StoryRow)
            .where(StoryRow.id.in_(story_ids), StoryRow.merged_into.is_(None))
            .order_by(StoryRow.last_updated.desc())
            .limit(limit)
        )
        with self._db.read() as session:
            return [_to_story(r) for r in session.scalars(query)]

    def count(self) -> int:
        with self._db.read() as session:
            return (
                session.scalar(
                    select(func.count()).select_from(StoryRow).where(StoryRow.merged_into.is_(None))
                )
                or 0
            )
