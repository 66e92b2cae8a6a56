"""Comments on articles and stories, and their moderation, as the site and the API use them.

A comment is rendered to safe HTML once, when written. The operator's rule set decides whether it shows at
once or waits for a moderator (a new account's first comments, link-heavy ones, blocked words); moderators
hide, restore and delete, ban accounts, and every action is logged with who and when. Posting is limited per
account and per client address, so a script cannot flood a thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from herald.community import (
    MAX_COMMENT_CHARS,
    CommentRules,
    Verdict,
    count_links,
    judge,
    parse_blocked_words,
    render_comment,
)
from herald.config import Settings
from herald.errors import AccountError
from herald.models import Comment, ModerationEntry, User
from herald.store import Store
from herald.translation import N_

MAX_REASON_CHARS = 200
ACTIONS = ("hide", "restore", "delete")

EMPTY = N_("Write something first.")
TOO_LONG = f"A comment can be at most {MAX_COMMENT_CHARS:,} characters long."
TOO_FAST = N_("You are commenting too fast. Wait a minute, then try again.")
BANNED = N_("This account is suspended and cannot comment.")
NOT_YOURS = N_("You can only change your own comments.")
NO_SUCH_COMMENT = N_("That comment does not exist any more.")
NO_SUCH_ARTICLE = N_("That article does not exist.")
NOT_A_MODERATOR = N_("Only moderators can do that.")
HELD = N_("Thanks: your comment will appear once a moderator has seen it.")


class CommentError(AccountError):
    """A comment or a moderation action was refused; the message is for the reader."""


@dataclass(frozen=True, slots=True)
class ThreadComment:
    """A comment in its thread, with what the page needs to show it."""

    comment: Comment
    depth: int  # 0 for a comment on the article, 1 for a reply, ...
    mine: bool  # the viewer wrote it: edit and delete are offered


class Comments:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.rules = CommentRules(
            hold_first=settings.comment_hold_first,
            max_links=settings.comment_max_links,
            blocked_words=parse_blocked_words(settings.comment_blocked_words),
        )

    # Reading ------------------------------------------------------------------------------------------------

    def thread(
        self, *, article_id: str | None = None, story_id: int | None = None, viewer: User | None = None
    ) -> list[ThreadComment]:
        comments = self.store.comments.thread(
            article_id=article_id, story_id=story_id, viewer_id=viewer.id if viewer else None
        )
        depth: dict[int, int] = {}
        out: list[ThreadComment] = []
        for comment in comments:
            level = depth.get(comment.parent_id, -1) + 1 if comment.parent_id is not None else 0
            depth[comment.id] = level
            out.append(ThreadComment(comment, level, viewer is not None and comment.user_id == viewer.id))
        return out

    def counts(self, article_ids: list[str]) -> dict[str, int]:
        return self.store.comments.counts(article_ids)

    # Writing ------------------------------------------------------------------------------------------------

    def post(
        self,
        user: User,
        text: str,
        *,
        article_id: str | None = None,
        story_id: int | None = None,
        parent_id: int | None = None,
        client: str = "",
    ) -> Comment:
        """Store a comment (visible, or held by the rules). Raises CommentError with a reader's message."""
        if user.banned:
            raise CommentError(BANNED)
        body = _clean(text)
        if (article_id is None) == (story_id is None):
            raise ValueError("a comment is on an article or on a story")
        if article_id is not None and self.store.articles.get(article_id) is None:
            raise CommentError(NO_SUCH_ARTICLE)
        if parent_id is not None:
            parent = self.store.comments.get(parent_id)
            if parent is None or (parent.article_id, parent.story_id) != (article_id, story_id):
                raise CommentError(NO_SUCH_COMMENT)
        self._throttle(user, client)
        html = render_comment(body)
        verdict = self._judge(user, body)
        try:
            return self.store.comments.add(
                user_id=user.id,
                text=body,
                html=html,
                status=verdict.status,
                article_id=article_id,
                story_id=story_id,
                parent_id=parent_id,
                hold_reason=verdict.reason,
            )
        except ValueError as exc:
            raise CommentError(NO_SUCH_COMMENT) from exc

    def _throttle(self, user: User, client: str) -> None:
        events, limits = self.store.users, self.settings
        now = datetime.now(UTC)
        minute, hour = now - timedelta(minutes=1), now - timedelta(hours=1)
        mine = f"comment:user:{user.id}"
        theirs = f"comment:addr:{client[:100]}" if client else ""
        if (
            events.count_events(mine, minute) >= limits.comment_posts_per_minute
            or events.count_events(mine, hour) >= limits.comment_posts_per_hour
            or (theirs and events.count_events(theirs, minute) >= limits.comment_posts_per_minute_per_address)
        ):
            raise CommentError(TOO_FAST)
        events.record_events([mine] + ([theirs] if theirs else []))

    def _judge(self, user: User, body: str) -> Verdict:
        """The rule set's decision for this text by this author, as things stand now."""
        return judge(
            self.rules,
            text=body,
            links=count_links(body),
            author_role=user.role,
            author_visible_comments=self.store.comments.user_comment_count(user.id),
        )

    def edit(self, user: User, comment_id: int, text: str) -> Comment:
        """An author's new text; an edit that now breaks a rule (say, adds links) goes back to the queue."""
        comment = self._own(user, comment_id)
        body = _clean(text)
        verdict = self._judge(user, body)
        status = "held" if verdict.status == "held" and comment.status == "visible" else None
        edited = self.store.comments.edit(comment.id, text=body, html=render_comment(body), status=status)
        if edited is None:
            raise CommentError(NO_SUCH_COMMENT)
        return edited

    def delete(self, user: User, comment_id: int) -> None:
        """An author takes their comment down; replies to it stay, under a "deleted" placeholder."""
        comment = self._own(user, comment_id)
        self.store.comments.set_status(comment.id, "deleted")

    def report(self, user: User, comment_id: int, reason: str) -> bool:
        """Flag a comment for the moderators; once per reader and comment."""
        if self.store.comments.get(comment_id) is None:
            raise CommentError(NO_SUCH_COMMENT)
        return self.store.comments.report(comment_id, user.id, " ".join(reason.split())[:MAX_REASON_CHARS])

    def _own(self, user: User, comment_id: int) -> Comment:
        if user.banned:
            raise CommentError(BANNED)
        comment = self.store.comments.get(comment_id)
        if comment is None or comment.status == "deleted":
            raise CommentError(NO_SUCH_COMMENT)
        if comment.user_id != user.id:
            raise CommentError(NOT_YOURS)
        return comment

    # Moderation ---------------------------------------------------------------------------------------------

    def queue(self, moderator: User) -> list[Comment]:
        _require_moderator(moderator)
        return self.store.comments.queue()

    def moderate(self, moderator: User, comment_id: int, action: str, reason: str = "") -> Comment:
        """hide, restore (visible again, reports cleared) or delete a comment; logged with who and when."""
        _require_moderator(moderator)
        if action not in ACTIONS:
            raise CommentError(f"Unknown action {action!r}.")
        comment = self.store.comments.get(comment_id)
        if comment is None:
            raise CommentError(NO_SUCH_COMMENT)
        status = {"hide": "hidden", "restore": "visible", "delete": "deleted"}[action]
        self.store.comments.set_status(comment.id, status)
        if action == "restore":
            self.store.comments.clear_reports(comment.id)
        self.store.comments.log_action(
            moderator_id=moderator.id,
            action=action,
            comment_id=comment.id,
            target_user_id=comment.user_id,
            reason=" ".join(reason.split())[:MAX_REASON_CHARS],
        )
        return self.store.comments.get(comment.id) or comment

    def ban(self, moderator: User, user_id: int, *, banned: bool = True, reason: str = "") -> User:
        """Ban (or lift a ban on) an account: it can no longer sign in or comment; its sessions end."""
        _require_moderator(moderator)
        target = self.store.users.get(user_id)
        if target is None:
            raise CommentError(N_("No such account."))
        if target.is_moderator and not moderator.is_admin:
            raise CommentError(N_("Only an admin can ban a moderator."))
        if target.id == moderator.id:
            raise CommentError(N_("You cannot ban yourself."))
        self.store.users.set_banned(target.id, banned)
        self.store.comments.log_action(
            moderator_id=moderator.id,
            action="ban" if banned else "unban",
            target_user_id=target.id,
            reason=" ".join(reason.split())[:MAX_REASON_CHARS],
        )
        return self.store.users.get(target.id) or target

    def log(self, moderator: User, limit: int = 100) -> list[ModerationEntry]:
        _require_moderator(moderator)
        return self.store.comments.log(limit=limit)


def _clean(text: str) -> str:
    body = text.replace("\r\n", "\n").replace("\x00", "").strip()
    if not body:
        raise CommentError(EMPTY)
    if len(body) > MAX_COMMENT_CHARS:
        raise CommentError(TOO_LONG)
    return body


def _require_moderator(user: User) -> None:
    if not user.is_moderator or user.banned:
        raise CommentError(NOT_A_MODERATOR)
