"""Comments and moderation through the service the site uses, on SQLite and PostgreSQL: the rule set holds
what it should, authors change only their own comments, posting is rate-limited, and moderators' actions and
bans are logged with who and when."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from herald.config import Settings
from herald.models import SourceSpec, User
from herald.pipeline.comments import (
    BANNED,
    NOT_A_MODERATOR,
    NOT_YOURS,
    TOO_FAST,
    CommentError,
    Comments,
)
from herald.store import Store
from tests.store.builders import save_article

PASSWORD_HASH = "not-a-real-hash"


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store(database_url)
    yield s
    s.close()


def article(store: Store, n: int = 1) -> str:
    source, _ = store.sources.add(SourceSpec(feed_url=f"http://p{n}.example/feed", publisher=f"Paper {n}"))
    now = datetime.now(UTC)
    return save_article(
        store, n, publisher_id=source.publisher_id, source_id=source.id, published=now, text="Text."
    )


def user(store: Store, name: str, role: str = "reader") -> User:
    return store.users.create(f"{name.lower()}@example.org", name, PASSWORD_HASH, role)


def service(store: Store, **settings: object) -> Comments:
    return Comments(Settings().with_overrides(**settings), store)


def test_first_comment_waits_then_shows_and_threads(store: Store) -> None:
    comments = service(store)
    story = article(store)
    ann, ben, mod = user(store, "Ann"), user(store, "Ben"), user(store, "Mo", "moderator")
    first = comments.post(ann, "Hello **world**", article_id=story)
    assert first.status == "held" and "First" in first.hold_reason
    assert [t.comment.id for t in comments.thread(article_id=story, viewer=ben)] == []
    assert [t.comment.id for t in comments.thread(article_id=story, viewer=ann)] == [
        first.id
    ]  # its author sees it
    assert [c.id for c in comments.queue(mod)] == [first.id]
    comments.moderate(mod, first.id, "restore")
    second = comments.post(ann, "Second thoughts", article_id=story)
    assert second.status == "visible" and "<strong>world</strong>" in first.body_html
    by_mod = comments.post(mod, "Moderators are never held", article_id=story, parent_id=first.id)
    thread = comments.thread(article_id=story, viewer=ann)
    assert [(t.comment.id, t.depth, t.mine) for t in thread] == [
        (first.id, 0, True),
        (by_mod.id, 1, False),
        (second.id, 0, True),
    ]
    assert comments.counts([story]) == {story: 3}


def test_rules_hold_links_and_blocked_words(store: Store) -> None:
    comments = service(store, comment_hold_first=0, comment_max_links=1, comment_blocked_words="casino, spam")
    story = article(store)
    ann = user(store, "Ann")
    assert comments.post(ann, "See https://a.example", article_id=story).status == "visible"
    held = comments.post(ann, "https://a.example and https://b.example", article_id=story)
    assert held.status == "held" and "link" in held.hold_reason
    assert comments.post(ann, "Best CASINO in town", article_id=story).status == "held"
    assert comments.post(ann, "Casinos are a topic", article_id=story).status == "visible"  # whole words only


def test_authors_change_only_their_own_comments(store: Store) -> None:
    comments = service(store, comment_hold_first=0)
    story = article(store)
    ann, ben = user(store, "Ann"), user(store, "Ben")
    mine = comments.post(ann, "Original", article_id=story)
    with pytest.raises(CommentError, match=NOT_YOURS):
        comments.edit(ben, mine.id, "Defaced")
    with pytest.raises(CommentError, match=NOT_YOURS):
        comments.delete(ben, mine.id)
    assert store.comments.get(mine.id).body_text == "Original"  # type: ignore[union-attr]
    edited = comments.edit(ann, mine.id, "Better <script>alert(1)</script>")
    assert edited.edited_at is not None and "<script" not in edited.body_html
    reply = comments.post(ben, "A reply", article_id=story, parent_id=mine.id)
    comments.delete(ann, mine.id)
    thread = comments.thread(article_id=story)
    assert [(t.comment.id, t.comment.status) for t in thread] == [(mine.id, "deleted"), (reply.id, "visible")]
    with pytest.raises(CommentError):
        comments.post(
            ben, "Reply to another article's comment", article_id=article(store, 2), parent_id=reply.id
        )
    with pytest.raises(CommentError):
        comments.post(ben, "   ", article_id=story)
    with pytest.raises(CommentError):
        comments.post(ben, "x" * 5001, article_id=story)


def test_posting_is_rate_limited(store: Store) -> None:
    comments = service(store, comment_hold_first=0)
    story = article(store)
    ann = user(store, "Ann")
    for n in range(Settings().comment_posts_per_minute):
        comments.post(ann, f"Comment {n}", article_id=story, client="10.0.0.1")
    with pytest.raises(CommentError, match=TOO_FAST):
        comments.post(ann, "One too many", article_id=story, client="10.0.0.2")


def test_moderation_is_for_moderators_and_logged(store: Store) -> None:
    comments = service(store, comment_hold_first=0)
    story = article(store)
    ann, ben = user(store, "Ann"), user(store, "Ben")
    mod, admin = user(store, "Mo", "moderator"), user(store, "Ada", "admin")
    rude = comments.post(ann, "Something rude", article_id=story)
    assert comments.report(ben, rude.id, "abuse") and not comments.report(ben, rude.id, "abuse")  # once each
    for action in (lambda: comments.queue(ben), lambda: comments.moderate(ben, rude.id, "hide")):
        with pytest.raises(CommentError, match=NOT_A_MODERATOR):
            action()
    assert [c.id for c in comments.queue(mod)] == [rude.id]
    comments.moderate(mod, rude.id, "hide", "Personal attack")
    assert comments.thread(article_id=story) == []
    comments.ban(mod, ann.id, reason="Repeated abuse")
    banned = store.users.get(ann.id)
    assert banned is not None and banned.banned
    with pytest.raises(CommentError, match=BANNED):
        comments.post(banned, "Let me back", article_id=story)
    with pytest.raises(CommentError, match="admin"):
        comments.ban(mod, admin.id)
    log = comments.log(admin)
    assert [(e.action, e.moderator_name, e.target_name) for e in log] == [
        ("ban", "Mo", "Ann"),
        ("hide", "Mo", "Ann"),
    ]
    assert log[1].reason == "Personal attack" and log[1].comment_id == rude.id
