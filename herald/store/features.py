"""What understanding computed for each article (embedding, key terms, near-duplicate signature and its LSH
bands) and the related articles ranked from them."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from herald.models import ArticleSignal
from herald.store.database import Database
from herald.store.schema import ArticleBandRow, ArticleFeaturesRow, ArticleRow, RelatedRow, TermRow


def vector_to_bytes(vector: np.ndarray) -> bytes:
    """float16 halves the storage of float32; cosine similarities move by about 1e-4."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def vector_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float16).astype(np.float32)


@dataclass(frozen=True, slots=True)
class NewFeatures:
    article_id: str
    model: str
    vector: np.ndarray
    terms: dict[str, float]
    near_dup: bytes | None
    bands: tuple[int, ...]
    section_guess: str | None


@dataclass(frozen=True, slots=True)
class CopyCandidate:
    """A stored article sharing a near-duplicate band with a new one."""

    article_id: str
    near_dup: bytes
    sort_time: datetime
    copy_of: str | None
    copy_locked: bool
    story_id: int | None


class FeatureStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add_in(self, session: Session, features: NewFeatures) -> int:
        """Store (or replace) an article's features; returns the integer key the vector index uses."""
        session.execute(
            delete(ArticleFeaturesRow).where(ArticleFeaturesRow.article_id == features.article_id)
        )
        session.execute(delete(ArticleBandRow).where(ArticleBandRow.article_id == features.article_id))
        key = session.execute(
            insert(ArticleFeaturesRow)
            .values(
                article_id=features.article_id,
                model=features.model,
                vector=vector_to_bytes(features.vector),
                terms=features.terms,
                near_dup=features.near_dup,
                section_guess=features.section_guess,
            )
            .returning(ArticleFeaturesRow.key)
        ).scalar_one()
        bands = sorted(set(features.bands))
        if bands:
            session.execute(
                insert(ArticleBandRow), [{"band": band, "article_id": features.article_id} for band in bands]
            )
        return int(key)

    def term_frequency(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """(articles carrying each term, articles understood): the IDF of a term."""
        with self._db.read() as session:
            total = session.scalar(select(func.count()).select_from(ArticleFeaturesRow)) or 0
            if not terms:
                return {}, total
            rows = session.execute(
                select(TermRow.term, TermRow.documents).where(TermRow.term.in_(list(terms)))
            )
            return {term: documents for term, documents in rows}, total

    def count_terms_in(self, session: Session, terms: Sequence[str]) -> None:
        """One more article carries each of these terms."""
        unique = sorted(set(terms))
        if not unique:
            return
        maker = sqlite_insert if self._db.is_sqlite else pg_insert
        # One statement run for many rows (executemany): compiled once, not once per number of terms.
        statement = maker(TermRow).on_conflict_do_update(
            index_elements=[TermRow.term], set_={"documents": TermRow.documents + 1}
        )
        session.execute(statement, [{"term": t[:200], "documents": 1} for t in unique])

    def vectors_after(self, key: int, limit: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
        """(keys, float32 vectors) with keys above ``key``, in key order: how a vector index catches up."""
        query = (
            select(ArticleFeaturesRow.key, ArticleFeaturesRow.vector)
            .where(ArticleFeaturesRow.key > key)
            .order_by(ArticleFeaturesRow.key)
            .limit(limit)
        )
        with self._db.read() as session:
            rows = session.execute(query).all()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        keys = np.array([r.key for r in rows], dtype=np.int64)
        vectors = np.stack([vector_from_bytes(r.vector) for r in rows])
        return keys, vectors

    def ids_for_keys(self, keys: Sequence[int]) -> dict[int, str]:
        if not keys:
            return {}
        query = select(ArticleFeaturesRow.key, ArticleFeaturesRow.article_id).where(
            ArticleFeaturesRow.key.in_([int(k) for k in keys])
        )
        with self._db.read() as session:
            return {key: article_id for key, article_id in session.execute(query)}

    def max_key(self) -> int:
        with self._db.read() as session:
            return session.scalar(select(func.max(ArticleFeaturesRow.key))) or 0

    def signals(self, article_ids: Sequence[str]) -> dict[str, ArticleSignal]:
        """What clustering and ranking need of stored articles, by id."""
        if not article_ids:
            return {}
        query = (
            select(
                ArticleRow.id,
                ArticleRow.published_at,
                ArticleRow.publisher_id,
                ArticleRow.story_id,
                ArticleRow.copy_of,
                ArticleFeaturesRow.vector,
                ArticleFeaturesRow.terms,
            )
            .join(ArticleFeaturesRow, ArticleFeaturesRow.article_id == ArticleRow.id)
            .where(ArticleRow.id.in_(list(article_ids)))
        )
        with self._db.read() as session:
            rows = session.execute(query).all()
        return {
            r.id: ArticleSignal(
                id=r.id,
                vector=vector_from_bytes(r.vector),
                terms=dict(r.terms or {}),
                published=r.published_at,
                publisher_id=r.publisher_id,
                story_id=r.story_id,
                copy_of=r.copy_of,
            )
            for r in rows
        }

    def copy_candidates(self, bands: Sequence[int], *, exclude_id: str) -> builtins.list[CopyCandidate]:
        if not bands:
            return []
        matching = (
            select(ArticleBandRow.article_id)
            .where(ArticleBandRow.band.in_(list(bands)), ArticleBandRow.article_id != exclude_id)
            .distinct()
            .limit(200)
            .subquery()
        )
        query = (
            select(
                ArticleRow.id,
                ArticleFeaturesRow.near_dup,
                ArticleRow.sort_time,
                ArticleRow.copy_of,
                ArticleRow.copy_locked,
                ArticleRow.story_id,
            )
            .join(ArticleFeaturesRow, ArticleFeaturesRow.article_id == ArticleRow.id)
            .where(ArticleRow.id.in_(select(matching.c.article_id)), ArticleFeaturesRow.near_dup.is_not(None))
        )
        with self._db.read() as session:
            return [
                CopyCandidate(r.id, r.near_dup, r.sort_time, r.copy_of, bool(r.copy_locked), r.story_id)
                for r in session.execute(query)
            ]

    def without_features(self, limit: int = 1000) -> builtins.list[str]:
        """Articles stored before understanding ran (or when it failed), oldest first: the backfill queue."""
        query = (
            select(ArticleRow.id)
            .outerjoin(ArticleFeaturesRow, ArticleFeaturesRow.article_id == ArticleRow.id)
            .where(ArticleFeaturesRow.key.is_(None))
            .order_by(ArticleRow.sort_time, ArticleRow.id)
            .limit(limit)
        )
        with self._db.read() as session:
            return list(session.scalars(query))

    def count(self) -> int:
        with self._db.read() as session:
            return session.scalar(select(func.count()).select_from(ArticleFeaturesRow)) or 0

    # Related articles ------------------------------------------------------------------------------------

    def related_ids(self, article_id: str, limit: int = 8) -> builtins.list[str]:
        query = (
            select(RelatedRow.related_id)
            .where(RelatedRow.article_id == article_id)
            .order_by(RelatedRow.score.desc(), RelatedRow.related_id)
            .limit(limit)
        )
        with self._db.read() as session:
            return list(session.scalars(query))

    def set_related_in(
        self,
        session: Session,
        article_id: str,
        ranked: Sequence[tuple[str, float]],
        *,
        reciprocal: Sequence[tuple[str, float]] = (),
        same_text: Sequence[str] = (),
        keep: int = 8,
    ) -> None:
        """Replace an article's related list, and offer it to its neighbours' lists, where it stays only if it
        ranks among their best ``keep``: pages read these rows, so a later article can appear beside an
        earlier one without a search at read time."""
        session.execute(delete(RelatedRow).where(RelatedRow.article_id == article_id))
        own = [
            {"article_id": article_id, "related_id": related_id, "score": float(score)}
            for related_id, score in ranked[:keep]
        ]
        offers = {target: float(score) for target, score in reciprocal if target != article_id}
        lists: dict[str, list[tuple[str, float]]] = {target: [] for target in offers}
        if offers:
            rows = session.execute(
                select(RelatedRow.article_id, RelatedRow.related_id, RelatedRow.score).where(
                    RelatedRow.article_id.in_(list(offers))
                )
            )
            for target, related_id, score in rows:
                lists[target].append((related_id, score))
        added = []
        group = set(same_text)
        for target, score in offers.items():
            current = sorted(lists[target], key=lambda r: -r[1])
            if any(related_id == article_id or related_id in group for related_id, _ in current):
                continue  # it is there already, or another telling of the same text is
            if len(current) >= keep:
                weakest_id, weakest_score = current[-1]
                if weakest_score >= score:
                    continue
                session.execute(
                    delete(RelatedRow).where(
                        RelatedRow.article_id == target, RelatedRow.related_id == weakest_id
                    )
                )
            added.append({"article_id": target, "related_id": article_id, "score": score})
        if own or added:
            session.execute(insert(RelatedRow), own + added)
