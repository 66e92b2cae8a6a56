"""Readers' comments, the reports readers make about them and the log of what moderators did.

Rendering and policy (what gets held, who may do what) belong to the callers: this module keeps the state,
checks only what the tables cannot (a comment is on exactly one article or story, a reply on its parent's
page) and lays a page's comments out as a thread.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from herald.models import COMMENT_STATES, Comment, ModerationEntry
from herald.store.database import Database
from herald.store.schema import ArticleRow, CommentReportRow, CommentRow, ModerationLogRow, UserRow

MAX_HOLD_REASON_CHARS = 200
MAX_REPORT_REASON_CHARS = 200
MAX_ACTION_CHARS = 20
MAX_LOG_REASON_CHARS = 300


def _now() -> datetime:
    return datetime.now(UTC)


def _check_status(status: str) -> None:
    if status not in COMMENT_STATES:
        raise ValueError(f"unknown comment status {status!r}; expected one of {', '.join(COMMENT_STATES)}")


def _to_comment(row: CommentRow, author_name: str) -> Comment:
    return Comment(
        id=row.id,
        article_id=row.article_id,
        story_id=row.story_id,
        parent_id=row.parent_id,
        user_id=row.user_id,
        author_name=author_name,
        body_text=row.body_text,
        body_html=row.body_html,
        status=row.status,
        created_at=row.created_at,
        edited_at=row.edited_at,
        hold_reason=row.hold_reason,
        reports=row.report_count,
    )


def _with_author() -> Select[CommentRow, str]:
    return select(CommentRow, UserRow.display_name).join(UserRow, UserRow.id == CommentRow.user_id)


def _fetch(session: Session, comment_id: int) -> Comment | None:
    found = session.execute(_with_author().where(CommentRow.id == comment_id)).first()
    return _to_comment(found[0], found[1]) if found is not None else None


def _target(article_id: str | None, story_id: int | None) -> ColumnElement[bool]:
    """The WHERE clause for one page's comments; exactly one of the two must be given."""
    if (article_id is None) == (story_id is None):
        raise ValueError("a comment belongs to exactly one article or one story")
    if article_id is not None:
        return CommentRow.article_id == article_id
    return CommentRow.story_id == story_id


def _thread_order(comments: Sequence[Comment], viewer_id: int | None) -> list[Comment]:
    """Depth-first, oldest first at every level. A comment the viewer may not read stays only as a
    placeholder, with its text removed, when something below it is shown; otherwise it goes with its
    subtree. Iterative, because nesting has no limit."""
    readable = {
        c.id for c in comments if c.status == "visible" or (c.status == "held" and c.user_id == viewer_id)
    }
    # A parent's id is always smaller than its replies' (it existed when they were written), so walking ids
    # downwards settles every reply before its parent.
    shown: set[int] = set()
    for comment in sorted(comments, key=lambda c: c.id, reverse=True):
        if comment.id in readable or comment.id in shown:
            shown.add(comment.id)
            if comment.parent_id is not None:
                shown.add(comment.parent_id)
    children: dict[int | None, list[Comment]] = {}
    for comment in sorted(comments, key=lambda c: (c.created_at, c.id)):
        if comment.id in shown:
            children.setdefault(comment.parent_id, []).append(comment)
    ordered: list[Comment] = []
    # Replies whose parent was not loaded (cut off by the limit) hang from nothing and are left out.
    stack = list(reversed(children.get(None, [])))
    while stack:
        comment = stack.pop()
        if comment.id in readable:
            ordered.append(comment)
        else:
            ordered.append(dataclasses.replace(comment, body_text="", body_html=""))
        stack.extend(reversed(children.get(comment.id, [])))
    return ordered


class CommentStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # Comments ----------------------------------------------------------------------------------------------

    def add(
        self,
        *,
        user_id: int,
        text: str,
        html: str,
        status: str,
        article_id: str | None = None,
        story_id: int | None = None,
        parent_id: int | None = None,
        hold_reason: str = "",
    ) -> Comment:
        """A new comment. A reply must be on its parent's article or story, so a thread never spans two
        pages; an unknown user, article or parent is a ValueError rather than a database error."""
        _check_status(status)
        _target(article_id, story_id)
        with self._db.write() as session:
            author_name = session.scalar(select(UserRow.display_name).where(UserRow.id == user_id))
            if author_name is None:
                raise ValueError(f"no user {user_id}")
            if article_id is not None and session.get(ArticleRow, article_id) is None:
                raise ValueError(f"no article {article_id!r}")
            if parent_id is not None:
                parent = session.execute(
                    select(CommentRow.article_id, CommentRow.story_id).where(CommentRow.id == parent_id)
                ).first()
                if parent is None:
                    raise ValueError(f"no comment {parent_id} to reply to")
                if (parent.article_id, parent.story_id) != (article_id, story_id):
                    raise ValueError("a reply must be on the same article or story as its parent")
            row = CommentRow(
                article_id=article_id,
                story_id=story_id,
                parent_id=parent_id,
                user_id=user_id,
                body_text=text,
                body_html=html,
                status=status,
                created_at=_now(),
                edited_at=None,
                hold_reason=hold_reason[:MAX_HOLD_REASON_CHARS],
                report_count=0,
            )
            session.add(row)
            session.flush()
            return _to_comment(row, author_name)

    def get(self, comment_id: int) -> Comment | None:
        with self._db.read() as session:
            return _fetch(session, comment_id)

    def edit(self, comment_id: int, *, text: str, html: str, status: str | None = None) -> Comment | None:
        """New text, marked as edited; ``status`` when the edit changes it (links added: held again)."""
        values: dict[str, Any] = {"body_text": text, "body_html": html, "edited_at": _now()}
        if status is not None:
            _check_status(status)
            values["status"] = status
        with self._db.write() as session:
            session.execute(update(CommentRow).where(CommentRow.id == comment_id).values(**values))
            return _fetch(session, comment_id)

    def set_status(self, comment_id: int, status: str) -> None:
        _check_status(status)
        with self._db.write() as session:
            session.execute(update(CommentRow).where(CommentRow.id == comment_id).values(status=status))

    def thread(
        self,
        *,
        article_id: str | None = None,
        story_id: int | None = None,
        viewer_id: int | None = None,
        limit: int = 500,
    ) -> list[Comment]:
        """One page's comments in reading order (see ``_thread_order``), from its oldest ``limit``: oldest
        first, so a reply is never loaded without its parent. Comments whose status is not "visible" are
        either the viewer's own held ones or placeholders without text."""
        query = _with_author().where(_target(article_id, story_id))
        query = query.order_by(CommentRow.created_at, CommentRow.id).limit(limit)
        with self._db.read() as session:
            comments = [_to_comment(row, name) for row, name in session.execute(query)]
        return _thread_order(comments, viewer_id)

    def counts(self, article_ids: Sequence[str]) -> dict[str, int]:
        """Visible comments per article; articles without any are absent."""
        if not article_ids:
            return {}
        query = (
            select(CommentRow.article_id, func.count())
            .where(CommentRow.article_id.in_(set(article_ids)), CommentRow.status == "visible")
            .group_by(CommentRow.article_id)
        )
        with self._db.read() as session:
            return {article_id: int(count) for article_id, count in session.execute(query) if article_id}

    def user_comment_count(self, user_id: int, *, statuses: Sequence[str] = ("visible",)) -> int:
        query = (
            select(func.count())
            .select_from(CommentRow)
            .where(CommentRow.user_id == user_id, CommentRow.status.in_(list(statuses)))
        )
        with self._db.read() as session:
            return int(session.scalar(query) or 0)

    # Reports -----------------------------------------------------------------------------------------------

    def report(self, comment_id: int, user_id: int, reason: str) -> bool:
        """Record one reader's report: True if it counted. The report row and the counter change together;
        the composite key settles two reports racing from the same reader."""
        try:
            with self._db.write() as session:
                if session.get(CommentRow, comment_id) is None:
                    return False
                if session.get(CommentReportRow, (comment_id, user_id)) is not None:
                    return False
                session.execute(
                    insert(CommentReportRow).values(
                        comment_id=comment_id,
                        user_id=user_id,
                        reason=reason[:MAX_REPORT_REASON_CHARS],
                        created_at=_now(),
                    )
                )
                session.execute(
                    update(CommentRow)
                    .where(CommentRow.id == comment_id)
                    .values(report_count=CommentRow.report_count + 1)
                )
        except IntegrityError:
            return False
        return True

    def queue(self, limit: int = 100) -> list[Comment]:
        """What waits for a moderator: held comments and reported visible ones, most reported first, then
        oldest."""
        query = (
            _with_author()
            .where(
                or_(
                    CommentRow.status == "held",
                    and_(CommentRow.status == "visible", CommentRow.report_count > 0),
                )
            )
            .order_by(CommentRow.report_count.desc(), CommentRow.created_at, CommentRow.id)
            .limit(limit)
        )
        with self._db.read() as session:
            return [_to_comment(row, name) for row, name in session.execute(query)]

    def clear_reports(self, comment_id: int) -> None:
        """Forget a comment's reports (a moderator restored it), so it leaves the queue and can be reported
        afresh."""
        with self._db.write() as session:
            session.execute(delete(CommentReportRow).where(CommentReportRow.comment_id == comment_id))
            session.execute(update(CommentRow).where(CommentRow.id == comment_id).values(report_count=0))

    # Moderation log ----------------------------------------------------------------------------------------

    def log_action(
        self,
        *,
        moderator_id: int,
        action: str,
        comment_id: int | None = None,
        target_user_id: int | None = None,
        reason: str = "",
    ) -> None:
        if not 0 < len(action) <= MAX_ACTION_CHARS:
            raise ValueError(f"a moderation action is 1 to {MAX_ACTION_CHARS} characters")
        with self._db.write() as session:
            session.execute(
                insert(ModerationLogRow).values(
                    moderator_id=moderator_id,
                    action=action,
                    comment_id=comment_id,
                    target_user_id=target_user_id,
                    reason=reason[:MAX_LOG_REASON_CHARS],
                    at=_now(),
                )
            )

    def log(self, limit: int = 100, offset: int = 0) -> list[ModerationEntry]:
        """Newest first. A moderator or target whose account is gone has the name "" (and a removed
        moderator the id 0, the entry's type having no room for "nobody")."""
        moderator = aliased(UserRow)
        target = aliased(UserRow)
        query = (
            select(ModerationLogRow, moderator.display_name, target.display_name)
            .outerjoin(moderator, moderator.id == ModerationLogRow.moderator_id)
            .outerjoin(target, target.id == ModerationLogRow.target_user_id)
            .order_by(ModerationLogRow.at.desc(), ModerationLogRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self._db.read() as session:
            return [
                ModerationEntry(
                    id=row.id,
                    moderator_id=row.moderator_id,
                    moderator_name=moderator_name or "",
                    action=row.action,
                    comment_id=row.comment_id,
                    target_user_id=row.target_user_id,
                    target_name=target_name or "",
                    reason=row.reason,
                    at=row.at,
                )
                for row, moderator_name, target_name in session.execute(query)
            ]
