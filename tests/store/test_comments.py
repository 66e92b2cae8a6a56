"""Comments, reports and the moderation log on SQLite and PostgreSQL: replies stay on their parent's page,
threads read depth-first with placeholders only where replies need them, held comments reach only their
author, a reader reports a comment once, and the log outlives the accounts it names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select

from herald.models import Comment, User
from herald.store import Store
from herald.store.comments import CommentStore
from herald.store.schema import CommentReportRow, ModerationLogRow, UserRow
from herald.store.users import UserStore
from tests.store.test_stories import _article, _publishers


@pytest.fixture
def comments(store: Store) -> CommentStore:
    return CommentStore(store.db)


@pytest.fixture
def articles(store: Store) -> tuple[str, str]:
    (publisher,) = _publishers(store, 1)
    return _article(store, 1, publisher), _article(store, 2, publisher, hours=1)


@pytest.fixture
def people(users: UserStore) -> tuple[User, User, User]:
    return (
        users.create("ada@example.org", "Ada", "hash"),
        users.create("bob@example.org", "Bob", "hash"),
        users.create("mod@example.org", "Moderator", "hash", role="moderator"),
    )


def _delete_user(store: Store, user_id: int) -> None:
    with store.db.write() as session:
        session.execute(delete(UserRow).where(UserRow.id == user_id))


def _texts(thread: list[Comment]) -> list[str]:
    return [c.body_text for c in thread]


def test_add_and_get_with_the_authors_name(
    comments: CommentStore, articles: tuple[str, str], people: tuple[User, User, User]
) -> None:
    article, _ = articles
    ada, bob, _ = people
    before = datetime.now(UTC)
    first = comments.add(
        user_id=ada.id, text="Hello", html="<p>Hello</p>", status="visible", article_id=article
    )
    assert (first.article_id, first.story_id, first.parent_id, first.user_id) == (article, None, None, ada.id)
    assert (first.author_name, first.body_text, first.body_html, first.status) == (
        "Ada",
        "Hello",
        "<p>Hello</p>",
        "visible",
    )
    assert first.created_at.tzinfo is not None and first.created_at >= before.replace(microsecond=0)
    assert (first.edited_at, first.hold_reason, first.reports) == (None, "", 0)
    assert comments.get(first.id) == first
    assert comments.get(10_000) is None

    on_story = comments.add(
        user_id=bob.id, text="On a story", html="", status="held", story_id=7, hold_reason="r" * 300
    )
    got = comments.get(on_story.id)
    assert got is not None and (got.story_id, got.article_id, got.author_name, got.status) == (
        7,
        None,
        "Bob",
        "held",
    )
    assert got.hold_reason == "r" * 200

    with pytest.raises(ValueError, match="exactly one"):
        comments.add(user_id=ada.id, text="x", html="x", status="visible")
    with pytest.raises(ValueError, match="exactly one"):
        comments.add(user_id=ada.id, text="x", html="x", status="visible", article_id=article, story_id=7)
    with pytest.raises(ValueError, match="status"):
        comments.add(user_id=ada.id, text="x", html="x", status="shown", article_id=article)
    with pytest.raises(ValueError, match="user"):
        comments.add(user_id=10_000, text="x", html="x", status="visible", article_id=article)
    with pytest.raises(ValueError, match="article"):
        comments.add(user_id=ada.id, text="x", html="x", status="visible", article_id="f" * 32)
    assert comments.user_comment_count(ada.id) == 1
    assert comments.user_comment_count(bob.id) == 0
    assert comments.user_comment_count(bob.id, statuses=("visible", "held")) == 1


def test_replies_stay_on_their_parents_page(
    comments: CommentStore, articles: tuple[str, str], people: tuple[User, User, User]
) -> None:
    article, other_article = articles
    ada, bob, _ = people
    root = comments.add(user_id=ada.id, text="root", html="", status="visible", article_id=article)
    on_story = comments.add(user_id=ada.id, text="story", html="", status="visible", story_id=3)
    with pytest.raises(ValueError, match="no comment"):
        comments.add(
            user_id=bob.id, text="x", html="", status="visible", article_id=article, parent_id=10_000
        )
    with pytest.raises(ValueError, match="same article"):
        comments.add(
            user_id=bob.id, text="x", html="", status="visible", article_id=other_article, parent_id=root.id
        )
    with pytest.raises(ValueError, match="same article"):
        comments.add(user_id=bob.id, text="x", html="", status="visible", story_id=3, parent_id=root.id)
    with pytest.raises(ValueError, match="same article"):
        comments.add(user_id=bob.id, text="x", html="", status="visible", story_id=4, parent_id=on_story.id)
    # nesting has no limit in storage
    parent = root
    for depth in range(1, 8):
        parent = comments.add(
            user_id=bob.id,
            text=f"d{depth}",
            html="",
            status="visible",
            article_id=article,
            parent_id=parent.id,
        )
    assert _texts(comments.thread(article_id=article)) == ["root"] + [f"d{d}" for d in range(1, 8)]
    reply = comments.add(
        user_id=bob.id, text="story reply", html="", status="visible", story_id=3, parent_id=on_story.id
    )
    assert comments.thread(story_id=3) == [on_story, reply]
    with pytest.raises(ValueError, match="exactly one"):
        comments.thread()


def test_thread_is_depth_first_oldest_first(
    comments: CommentStore, articles: tuple[str, str], people: tuple[User, User, User]
) -> None:
    article, other_article = articles
    ada, bob, _ = people

    def add(text: str, parent: Comment | None = None, user: User = ada) -> Comment:
        return comments.add(
            user_id=user.id,
            text=text,
            html=f"<p>{text}</p>",
            status="visible",
            article_id=article,
            parent_id=parent.id if parent else None,
        )

    a = add("a")
    b = add("b", user=bob)
    a1 = add("a1", a, user=bob)
    b1 = add("b1", b)
    a1x = add("a1x", a1)
    a2 = add("a2", a)
    c = add("c")
    a1y = add("a1y", a1, user=bob)
    comments.add(user_id=ada.id, text="elsewhere", html="", status="visible", article_id=other_article)
    thread = comments.thread(article_id=article)
    assert _texts(thread) == ["a", "a1", "a1x", "a1y", "a2", "b", "b1", "c"]
    assert thread == [a, a1, a1x, a1y, a2, b, b1, c]
    assert [x.author_name for x in thread[:3]] == ["Ada", "Bob", "Ada"]
    assert comments.thread(article_id=article, viewer_id=bob.id) == thread
    assert _texts(comments.thread(article_id=article, limit=3)) == ["a", "a1", "b"]
    assert b1.parent_id == b.id and a2.parent_id == a.id


def test_deleted_and_hidden_stay_only_as_placeholders_for_visible_replies(
    comments: CommentStore, articles: tuple[str, str], people: tuple[User, User, User]
) -> None:
    article, _ = articles
    ada, _, _ = people

    def add(text: str, parent: Comment | None = None) -> Comment:
        return comments.add(
            user_id=ada.id,
            text=text,
            html=f"<p>{text}</p>",
            status="visible",
            article_id=article,
            parent_id=parent.id if parent else None,
        )

    deleted_parent = add("deleted parent")
    add("reply to deleted", deleted_parent)
    deleted_leaf = add("deleted leaf")
    hidden_parent = add("hidden parent")
    add("reply to hidden", hidden_parent)
    hidden_leaf = add("hidden leaf")
    chain_top = add("chain top")
    chain_middle = add("chain middle", chain_top)
    add("chain bottom", chain_middle)
    dead_top = add("dead top")
    dead_reply = add("dead reply", dead_top)
    for comment, status in [
        (deleted_parent, "deleted"),
        (deleted_leaf, "deleted"),
        (hidden_parent, "hidden"),
        (hidden_leaf, "hidden"),
        (chain_top, "deleted"),
        (chain_middle, "hidden"),
        (dead_top, "deleted"),
        (dead_reply, "hidden"),
    ]:
        comments.set_status(comment.id, status)

    thread = comments.thread(article_id=article, viewer_id=ada.id)  # even the author sees no removed text
    assert [(c.id, c.status, c.body_text, c.body_html) for c in thread] == [
        (deleted_parent.id, "deleted", "", ""),
        (thread[1].id, "visible", "reply to deleted", "<p>reply to deleted</p>"),
        (hidden_parent.id, "hidden", "", ""),
        (thread[3].id, "visible", "reply to hidden", "<p>reply to hidden</p>"),
        (chain_top.id, "deleted", "", ""),
        (chain_middle.id, "hidden", "", ""),
        (thread[6].id, "visible", "chain bottom", "<p>chain bottom</p>"),
    ]
    assert thread[0].author_name == "Ada"  # placeholders keep who and when, for the caller to decide
    stored = comments.get(hidden_parent.id)
    assert stored is not None and stored.body_text == "hidden parent"  # only the thread blanks it

    with pytest.raises(ValueError, match="status"):
        comments.set_status(deleted_leaf.id, "gone")


def test_held_comments_reach_only_their_author(
    comments: CommentStore, articles: tuple[str, str], people: tuple[User, User, User]
) -> None:
    article, _ = articles
    ada, bob, moderator = people
    root = comments.add(user_id=ada.id, text="root", html="", status="visible", article_id=article)
    held_reply = comments.add(
        user_id=bob.id, text="held reply", html="", status="held", article_id=article, parent_id=root.id
    )
    held_root = comments.add(
        user_id=bob.id, text="held root", html="", status="held", article_id=article, hold_reason="links"
    )
    assert _texts(comments.thread(article_id=article)) == ["root"]
    assert _texts(comments.thread(article_id=article, viewer_id=ada.id)) == ["root"]
    assert _texts(comments.thread(article_id=article, viewer_id=moderator.id)) == ["root"]
    assert comments.thread(article_id=article, viewer_id=bob.id) == [root, held_reply, held_root]

    # a visible reply under a comment held again after an edit: the held one becomes a placeholder
    visible_reply = comments.add(
        user_id=ada.id, text="under", html="", status="visible", article_id=article, parent_id=held_root.id
    )
    for_others = comments.thread(article_id=article, viewer_id=ada.id)
    assert [(c.id, c.status, c.body_text) for c in for_others] == [
        (root.id, "visible", "root"),
        (held_root.id, "held", ""),
        (visible_reply.id, "visible", "under"),
    ]


def test_counts_are_visible_comments_per_article(
    comments: CommentStore, articles: tuple[str, str], people: tuple[User, User, User]
) -> None:
    article, other_article = articles
    ada, bob, _ = people
    assert comments.counts([]) == {}
    assert comments.counts([article]) == {}
    for status in ("visible", "visible", "held", "hidden", "deleted"):
        comments.add(user_id=ada.id, text="x", html="", status=status, article_id=article)
    comments.add(user_id=bob.id, text="x", html="", status="visible", article_id=other_article)
    comments.add(user_id=bob.id, text="x", html="", status="visible", story_id=1)
    assert comments.counts([article, other_article, "f" * 32]) == {article: 2, other_article: 1}
    assert comments.counts([other_article]) == {other_article: 1}


def test_a_reader_reports_a_comment_once_and_the_queue_orders_the_work(
    store: Store, comments: CommentStore, articles: tuple[str, str], people: tuple[User, User, User]
) -> None:
    article, _ = articles
    ada, bob, moderator = people

    def add(text: str, status: str = "visible") -> Comment:
        return comments.add(user_id=ada.id, text=text, html="", status=status, article_id=article)

    held = add("held", "held")
    once = add("reported once")
    twice = add("reported twice")
    add("never reported")
    hidden = add("hidden and reported")
    also_once = add("also reported once")

    assert comments.report(once.id, bob.id, "rude")
    assert not comments.report(once.id, bob.id, "still rude")  # the same reader again
    assert comments.report(twice.id, bob.id, "spam")
    assert comments.report(twice.id, moderator.id, "x" * 500)
    assert comments.report(hidden.id, bob.id, "spam")
    assert comments.report(also_once.id, moderator.id, "")
    assert not comments.report(10_000, bob.id, "missing")
    comments.set_status(hidden.id, "hidden")

    got = comments.get(twice.id)
    assert got is not None and got.reports == 2
    got = comments.get(once.id)
    assert got is not None and got.reports == 1
    with store.db.read() as session:
        reasons = session.scalars(
            select(CommentReportRow.reason).where(CommentReportRow.comment_id == twice.id)
        ).all()
    assert sorted(len(reason) for reason in reasons) == [4, 200]

    assert [c.id for c in comments.queue()] == [twice.id, once.id, also_once.id, held.id]
    assert [c.id for c in comments.queue(limit=2)] == [twice.id, once.id]

    comments.clear_reports(twice.id)  # restored by a moderator
    assert [c.id for c in comments.queue()] == [once.id, also_once.id, held.id]
    got = comments.get(twice.id)
    assert got is not None and got.reports == 0
    assert comments.report(twice.id, bob.id, "again")  # may be reported afresh


def test_edit_marks_the_comment_edited(
    comments: CommentStore, articles: tuple[str, str], people: tuple[User, User, User]
) -> None:
    article, _ = articles
    ada, _, _ = people
    original = comments.add(
        user_id=ada.id, text="first", html="<p>first</p>", status="visible", article_id=article
    )
    edited = comments.edit(original.id, text="second", html="<p>second</p>")
    assert edited is not None and edited.edited_at is not None and edited.edited_at >= original.created_at
    assert (edited.body_text, edited.body_html, edited.status, edited.created_at) == (
        "second",
        "<p>second</p>",
        "visible",
        original.created_at,
    )
    assert comments.get(original.id) == edited
    held = comments.edit(original.id, text="see http://x", html="<p>see</p>", status="held")
    assert held is not None and held.status == "held"
    with pytest.raises(ValueError, match="status"):
        comments.edit(original.id, text="x", html="x", status="approved")
    assert comments.edit(10_000, text="x", html="x") is None


def test_the_log_names_people_and_outlives_their_accounts(
    store: Store, comments: CommentStore, articles: tuple[str, str], people: tuple[User, User, User]
) -> None:
    article, _ = articles
    ada, bob, moderator = people
    bobs = comments.add(user_id=bob.id, text="bob's", html="", status="visible", article_id=article)
    reply = comments.add(
        user_id=ada.id, text="reply", html="", status="visible", article_id=article, parent_id=bobs.id
    )
    adas = comments.add(user_id=ada.id, text="ada's", html="", status="visible", article_id=article)
    assert comments.report(adas.id, bob.id, "spam")

    comments.log_action(moderator_id=moderator.id, action="hide", comment_id=bobs.id, target_user_id=bob.id)
    comments.log_action(moderator_id=moderator.id, action="ban", target_user_id=bob.id, reason="r" * 400)
    comments.log_action(moderator_id=ada.id, action="restore", comment_id=adas.id, reason="fine")
    with pytest.raises(ValueError, match="action"):
        comments.log_action(moderator_id=moderator.id, action="x" * 21)

    log = comments.log()
    assert [(e.action, e.moderator_id, e.moderator_name, e.target_user_id, e.target_name) for e in log] == [
        ("restore", ada.id, "Ada", None, ""),
        ("ban", moderator.id, "Moderator", bob.id, "Bob"),
        ("hide", moderator.id, "Moderator", bob.id, "Bob"),
    ]
    assert log[1].reason == "r" * 300 and log[2].comment_id == bobs.id and log[0].at >= log[1].at
    assert [e.action for e in comments.log(limit=1, offset=1)] == ["ban"]

    _delete_user(store, bob.id)  # his comments go, and the replies under them; his report too
    assert comments.get(bobs.id) is None and comments.get(reply.id) is None
    got = comments.get(adas.id)
    assert got is not None and got.reports == 1  # the counter is the moderator's to clear
    assert comments.thread(article_id=article) == [got]
    _delete_user(store, moderator.id)

    log = comments.log()
    assert [(e.action, e.moderator_id, e.moderator_name, e.target_user_id, e.target_name) for e in log] == [
        ("restore", ada.id, "Ada", None, ""),
        ("ban", None, "", bob.id, ""),
        ("hide", None, "", bob.id, ""),
    ]
    with store.db.read() as session:
        moderators = session.scalars(
            select(ModerationLogRow.moderator_id).order_by(ModerationLogRow.id)
        ).all()
        reports = session.scalars(select(CommentReportRow.user_id)).all()
    assert moderators == [None, None, ada.id]
    assert reports == []
