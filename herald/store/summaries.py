"""Stored results of the AI tools: each article's extractive summary, and what a language model wrote for it
(cached per model and variant, so a text is generated once however many readers ask)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from herald.ai.types import Summary
from herald.store.database import Database
from herald.store.schema import ArticleRow, ArticleSummaryRow, GeneratedTextRow

MAX_TEXT_CHARS = 2_000  # a summary sentence longer than this was cut by the splitter already


def _to_summary(row: ArticleSummaryRow) -> Summary:
    return Summary(sentences=tuple(row.sentences), key_points=tuple(row.key_points), method=row.method)


class SummaryStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def put_in(self, session: Session, article_id: str, summary: Summary) -> None:
        """Store (or replace) an article's summary within the caller's transaction."""
        values = {
            "sentences": [s[:MAX_TEXT_CHARS] for s in summary.sentences],
            "key_points": [s[:MAX_TEXT_CHARS] for s in summary.key_points],
            "method": summary.method[:40],
            "created_at": datetime.now(UTC),
        }
        maker = sqlite_insert if self._db.is_sqlite else pg_insert
        statement = maker(ArticleSummaryRow).values(article_id=article_id, **values)
        session.execute(
            statement.on_conflict_do_update(index_elements=[ArticleSummaryRow.article_id], set_=values)
        )

    def put(self, article_id: str, summary: Summary) -> bool:
        """Store a summary for an article that still exists (False when it was deleted meanwhile)."""
        with self._db.write() as session:
            if session.get(ArticleRow, article_id) is None:
                return False
            self.put_in(session, article_id, summary)
            return True

    def get(self, article_id: str) -> Summary | None:
        with self._db.read() as session:
            row = session.get(ArticleSummaryRow, article_id)
            if row is None:
                return None
            return _to_summary(row)

    def many(self, article_ids: Sequence[str]) -> dict[str, Summary]:
        if not article_ids:
            return {}
        with self._db.read() as session:
            rows = session.scalars(
                select(ArticleSummaryRow).where(ArticleSummaryRow.article_id.in_(list(article_ids)))
            )
            return {row.article_id: _to_summary(row) for row in rows}

    def without_summary(self, limit: int = 1000) -> list[str]:
        """Articles with text and no summary yet, oldest first (stored before summaries existed)."""
        with self._db.read() as session:
            query = (
                select(ArticleRow.id)
                .outerjoin(ArticleSummaryRow, ArticleSummaryRow.article_id == ArticleRow.id)
                .where(ArticleSummaryRow.article_id.is_(None))
                .order_by(ArticleRow.fetched_at, ArticleRow.id)
                .limit(limit)
            )
            return list(session.scalars(query))

    def count(self) -> int:
        with self._db.read() as session:
            return int(session.scalar(select(func.count()).select_from(ArticleSummaryRow)) or 0)

    # Generated texts ---------------------------------------------------------------------------------------

    def generated(self, article_id: str, tool: str, model: str, variant: str = "") -> dict[str, Any] | None:
        with self._db.read() as session:
            row = session.get(GeneratedTextRow, (article_id, tool, model[:200], variant[:64]))
            return dict(row.content) if row is not None else None

    def put_generated(
        self, article_id: str, tool: str, model: str, variant: str, content: dict[str, Any]
    ) -> bool:
        """Keep a generated text; False when the article is gone."""
        values = {"content": content, "created_at": datetime.now(UTC)}
        key = {"article_id": article_id, "tool": tool, "model": model[:200], "variant": variant[:64]}
        maker = sqlite_insert if self._db.is_sqlite else pg_insert
        with self._db.write() as session:
            if session.get(ArticleRow, article_id) is None:
                return False
            statement = maker(GeneratedTextRow).values(**key, **values)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=[
                        GeneratedTextRow.article_id,
                        GeneratedTextRow.tool,
                        GeneratedTextRow.model,
                        GeneratedTextRow.variant,
                    ],
                    set_=values,
                )
            )
            return True

    def forget_generated_in(self, session: Session, article_id: str) -> None:
        """Drop what was generated from an article's old text (its text changed)."""
        session.execute(delete(GeneratedTextRow).where(GeneratedTextRow.article_id == article_id))
