"""Comments through the site: the thread as the article page's fragment and as its own page, posting,
replying, editing, deleting and reporting, the moderators' queue and log, and every kind of bad input
answered with a page, never a crash, and never with a script that runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from herald.config import Settings
from herald.pipeline.accounts import Accounts
from herald.pipeline.comments import HELD, NOT_YOURS, TOO_FAST, TOO_LONG
from herald.store import Store
from herald.web import create_app
from herald.web.csrf import FORGED, MALFORMED, TOO_LARGE
from herald.web.pages.moderation import NOT_YOURS as MODERATORS_ONLY
from tests.web.conftest import Newsroom, add_stories, build_newsroom
from tests.web.signed_in import ADA, KEY, PASSWORD, browser_for, token_in

BOB, MOD = "bob@example.org", "mod@example.org"
EMPTY = "No comments yet. Start the conversation."
Answer = Any  # the test client's response


@dataclass
class Site:
    room: Newsroom
    accounts: Accounts
    app: Any

    @property
    def store(self) -> Store:
        return self.room.store

    def browser(self, email: str | None = None) -> TestClient:
        """A new browser, signed in as ``email`` when given."""
        return browser_for(self.app, email)


def build_site(tmp_path: Path, **overrides: Any) -> Iterator[Site]:
    store = Store(f"sqlite:///{tmp_path}/t.db")
    room = build_newsroom(store)
    settings = Settings(data_dir=tmp_path, secret_key=KEY, **overrides)
    accounts = Accounts(settings, store, KEY)
    accounts.create_user(ADA, "Ada", PASSWORD)
    accounts.create_user(BOB, "Bob", PASSWORD)
    accounts.create_user(MOD, "Maud", PASSWORD, role="moderator")
    try:
        yield Site(room, accounts, create_app(settings, store, accounts=accounts))
    finally:
        store.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """The default rules: an account's first comment waits for a moderator."""
    yield from build_site(tmp_path)


@pytest.fixture
def open_site(tmp_path: Path) -> Iterator[Site]:
    """No comment waits for a moderator."""
    yield from build_site(tmp_path, comment_hold_first=0)


def fragment(client: TestClient, article_id: str) -> Answer:
    answer = client.get(f"/article/{article_id}/comments?fragment=1")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "private, no-store"
    return answer


def post(client: TestClient, article_id: str, text: str, **fields: str) -> Answer:
    token = token_in(client.get(f"/article/{article_id}/comments").text)
    data = {"csrf_token": token, "article_id": article_id, "text": text, **fields}
    return client.post("/comments/post", data=data, follow_redirects=False)


def posted_id(answer: Answer) -> int:
    assert answer.status_code == 303, answer.text
    found = re.search(r"#comment-(\d+)$", answer.headers["location"])
    assert found, answer.headers["location"]
    return int(found.group(1))


def send(client: TestClient, path: str, **fields: str) -> Answer:
    """A form to ``path`` with the browser's own CSRF token."""
    token = token_in(client.get("/account/sign-in").text)
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def thread_of(html: str) -> str:
    start = html.find('<ol class="comment-list">')
    return html[start : html.index("</ol>", start)] if start >= 0 else ""


# Posting and reading


def test_empty_thread_and_signed_out_reader(site: Site) -> None:
    article = site.room.articles[0]
    client = site.browser()
    page = fragment(client, article)
    assert EMPTY in page.text
    assert f'href="/account/sign-in?next=/article/{article}%23comments"' in page.text
    assert "Sign in to comment" in page.text and "<form" not in page.text
    assert "herald_csrf" not in page.headers.get("set-cookie", "")  # no forms, no cookie
    full = client.get(f"/article/{article}/comments")
    assert full.status_code == 200 and full.headers["cache-control"] == "private, no-store"
    assert EMPTY in full.text and "<h1" in full.text and '<meta name="robots" content="noindex">' in full.text
    # the article page: the no-JS link and the fragment's address for the script, nothing per reader
    article_page = client.get(f"/article/{article}")
    assert f'href="/article/{article}/comments">Read and write comments</a>' in article_page.text
    assert f'data-comments="/article/{article}/comments?fragment=1"' in article_page.text
    assert "/static/comments.js" in article_page.text
    assert client.get("/article/" + "0" * 32 + "/comments").status_code == 404
    assert client.get("/article/nonsense/comments").status_code == 404


def test_first_comment_waits_for_a_moderator_then_shows(site: Site) -> None:
    article = site.room.articles[0]
    ada, bob, maud = site.browser(ADA), site.browser(BOB), site.browser(MOD)
    answer = post(ada, article, "The ferry timetable was *finally* published.")
    comment_id = posted_id(answer)
    assert answer.headers["location"] == f"/article/{article}#comment-{comment_id}"

    own = fragment(ada, article).text
    assert "finally" in own and "Waiting for a moderator" in own and f'id="comment-{comment_id}"' in own
    assert "<em>finally</em>" in own
    for other in (bob, site.browser()):
        assert "finally" not in fragment(other, article).text
        assert EMPTY in fragment(other, article).text
    assert site.store.comments.counts([article]) == {}

    queue = maud.get("/moderation")
    assert queue.status_code == 200 and "finally" in queue.text and "Ada" in queue.text
    assert f'href="/article/{article}"' in queue.text
    approved = send(maud, f"/moderation/comments/{comment_id}/restore", reason="fine")
    assert approved.status_code == 303 and approved.headers["location"] == "/moderation?done=restore"

    shown = fragment(site.browser(), article).text
    assert "<em>finally</em>" in shown and "Waiting for a moderator" not in shown
    assert "1 comment<" in shown and EMPTY not in shown
    log = maud.get("/moderation/log").text
    assert "Maud" in log and "restored" in log and "fine" in log
    # from the full page (no JavaScript), a held comment is said to be held
    held = post(bob, article, "Bob's first.", back="comments")
    assert held.headers["location"] == f"/article/{article}/comments?done=held#comment-{posted_id(held)}"
    assert HELD in bob.get(held.headers["location"]).text
    # Ada's second comment is not held
    second = posted_id(post(ada, article, "And the winter one too."))
    assert "And the winter one too." in fragment(bob, article).text
    assert site.store.comments.get(second) is not None


def test_without_holding_a_comment_shows_at_once_and_the_full_page_returns_to_itself(open_site: Site) -> None:
    article = open_site.room.articles[0]
    ada = open_site.browser(ADA)
    comment_id = posted_id(post(ada, article, "First!"))
    assert "First!" in fragment(open_site.browser(), article).text
    # a form from the full page (no JavaScript) leads back to the full page
    again = post(ada, article, "From the full page.", back="comments")
    assert again.headers["location"] == f"/article/{article}/comments#comment-{posted_id(again)}"
    assert comment_id != posted_id(again)


def test_replies_nest_under_their_parents(open_site: Site) -> None:
    article = open_site.room.articles[0]
    ada, bob = open_site.browser(ADA), open_site.browser(BOB)
    top = posted_id(post(ada, article, "Top level."))
    reply = posted_id(post(bob, article, "A reply.", parent_id=str(top)))
    deeper = posted_id(post(ada, article, "A reply to the reply.", parent_id=str(reply)))
    other = posted_id(post(bob, article, "Another top level."))
    html = thread_of(fragment(open_site.browser(), article).text)
    order = [int(n) for n in re.findall(r'id="comment-(\d+)"', html)]
    assert order == [top, reply, deeper, other]
    depths = re.findall(r'comment comment-depth-(\d)[^"]*" id="comment-(\d+)"', html)
    assert {int(ident): int(depth) for depth, ident in depths} == {top: 0, reply: 1, deeper: 2, other: 0}
    assert f'Replying to <a href="#comment-{reply}">Bob</a>' in html

    # a parent on another article, or not a number, is refused with the text kept
    elsewhere = open_site.room.articles[1]
    wrong = post(ada, elsewhere, "Lost reply.", parent_id=str(top))
    assert wrong.status_code == 400 and "Lost reply." in wrong.text
    assert post(ada, article, "Odd parent.", parent_id="x1").status_code == 400


def test_story_threads(open_site: Site) -> None:
    stories = add_stories(open_site.room)
    ada = open_site.browser(ADA)
    story_page = ada.get(f"/story/{stories.ferry}")
    assert f'data-comments="/story/{stories.ferry}/comments?fragment=1"' in story_page.text
    token = token_in(ada.get(f"/story/{stories.ferry}/comments").text)
    data = {"csrf_token": token, "story_id": str(stories.ferry), "text": "On the whole story."}
    answer = ada.post("/comments/post", data=data, follow_redirects=False)
    comment_id = posted_id(answer)
    assert answer.headers["location"] == f"/story/{stories.ferry}#comment-{comment_id}"
    assert "On the whole story." in ada.get(f"/story/{stories.ferry}/comments?fragment=1").text
    # a merged story's thread lives at the story it became
    moved = ada.get(f"/story/{stories.merged_away}/comments", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == f"/story/{stories.eclipse}/comments"
    missing = ada.post("/comments/post", data=data | {"story_id": "999999"}, follow_redirects=False)
    assert missing.status_code == 404


# Safety


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    "[click](javascript:alert(3))",
    "[click](JaVaScRiPt:alert(4))",
    "[x](java\tscript:alert(5))",
    '<a href="javascript:alert(6)">link</a>',
    '[label](https://example.org/" onmouseover="alert(7))',
    "![pic](https://example.org/x.png)",
    "<javascript:alert(8)>",
    "[ok](https://example.org/page) and https://example.org/bare",
]


def test_what_readers_write_never_runs(open_site: Site) -> None:
    article = open_site.room.articles[0]
    ada, bob = open_site.browser(ADA), open_site.browser(BOB)
    for index, attack in enumerate(ATTACKS):
        posted_id(post(ada if index % 2 else bob, article, attack))
    page = open_site.browser().get(f"/article/{article}/comments").text
    section = page[page.index('<section class="comments"') : page.index("</section>")]
    for html in (fragment(open_site.browser(), article).text, section):
        assert "<script" not in html.lower()
        parser = _Tags()
        parser.feed(html)
        links = 0
        for tag, attrs in parser.tags:
            assert tag not in ("script", "img", "iframe", "object"), tag
            for name, value in attrs.items():
                assert not name.startswith("on"), (tag, name)
                assert "javascript:" not in re.sub(r"\s", "", value).lower(), (tag, name, value)
            href = attrs.get("href", "")
            if tag == "a" and href.startswith("http"):
                assert attrs.get("rel") == "nofollow ugc noopener", attrs
                links += 1
        assert links >= 2  # the markdown link and the bare address


def test_forms_without_the_csrf_token_are_refused(open_site: Site) -> None:
    article = open_site.room.articles[0]
    ada, maud = open_site.browser(ADA), open_site.browser(MOD)
    comment_id = posted_id(post(ada, article, "Keep me as I am."))
    ada_id = open_site.store.users.by_email(ADA)
    assert ada_id is not None
    cases = [
        (ada, "/comments/post", {"article_id": article, "text": "forged"}),
        (ada, f"/comments/{comment_id}/edit", {"text": "forged"}),
        (ada, f"/comments/{comment_id}/delete", {}),
        (maud, f"/comments/{comment_id}/report", {"reason": "spam"}),
        (maud, f"/moderation/comments/{comment_id}/hide", {}),
        (maud, f"/moderation/users/{ada_id.id}/ban", {"reason": "forged"}),
        (maud, f"/moderation/users/{ada_id.id}/unban", {}),
    ]
    for client, path, fields in cases:
        for token in (None, "0" * 64):
            data = fields if token is None else fields | {"csrf_token": token}
            answer = client.post(path, data=data, follow_redirects=False)
            assert answer.status_code == 403, path
            assert FORGED in answer.text
        # a form from another site, even with the right token
        token = token_in(client.get("/account/sign-in").text)
        crossed = client.post(
            path, data=fields | {"csrf_token": token}, headers={"Origin": "https://evil.example"}
        )
        assert crossed.status_code == 403, path
    comment = open_site.store.comments.get(comment_id)
    assert comment is not None and comment.body_text == "Keep me as I am." and comment.status == "visible"
    assert comment.reports == 0
    assert open_site.store.comments.counts([article]) == {article: 1}
    assert not open_site.store.users.get(ada_id.id).banned  # type: ignore[union-attr]
    assert open_site.store.comments.log() == []


def test_only_the_author_edits_or_deletes(open_site: Site) -> None:
    article = open_site.room.articles[0]
    ada, bob = open_site.browser(ADA), open_site.browser(BOB)
    comment_id = posted_id(post(ada, article, "Ada's words."))
    assert "Edit</summary>" not in thread_of(fragment(bob, article).text)
    assert "Report</summary>" in thread_of(fragment(bob, article).text)
    taken = send(bob, f"/comments/{comment_id}/edit", text="Bob's words now.")
    assert taken.status_code == 400 and NOT_YOURS in taken.text
    assert "Bob&#39;s words now.</textarea>" in taken.text  # kept, to post elsewhere or copy
    removed = send(bob, f"/comments/{comment_id}/delete")
    assert removed.status_code == 400 and NOT_YOURS in removed.text
    comment = open_site.store.comments.get(comment_id)
    assert comment is not None and comment.body_text == "Ada's words." and comment.status == "visible"

    # the author can, and the thread says so
    assert "Edit</summary>" in thread_of(fragment(ada, article).text)
    edited = send(ada, f"/comments/{comment_id}/edit", text="Ada's **better** words.")
    assert edited.status_code == 303 and edited.headers["location"].endswith(f"#comment-{comment_id}")
    html = fragment(bob, article).text
    assert "<strong>better</strong>" in html and ">edited<" in html
    reply = posted_id(post(bob, article, "I agree.", parent_id=str(comment_id)))
    assert send(ada, f"/comments/{comment_id}/delete").status_code == 303
    html = thread_of(fragment(bob, article).text)
    assert "[deleted]" in html and "better" not in html and f'id="comment-{reply}"' in html

    # reporting: counted once, into the queue
    other = posted_id(post(bob, article, "Buy cheap watches."))
    assert send(ada, f"/comments/{other}/report", reason="spam").status_code == 303
    assert send(ada, f"/comments/{other}/report", reason="nonsense").status_code == 303
    reported = open_site.store.comments.get(other)
    assert reported is not None and reported.reports == 1
    assert "Buy cheap watches." in open_site.browser(MOD).get("/moderation").text
    # signed out, a form leads to signing in
    anonymous = open_site.browser()
    token = token_in(anonymous.get("/account/sign-in").text)
    answer = anonymous.post(
        "/comments/post",
        data={"csrf_token": token, "article_id": article, "text": "hi"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/account/sign-in?next=/article/{article}%23comments"


def test_moderation_is_for_moderators(open_site: Site) -> None:
    article = open_site.room.articles[0]
    ada, bob = open_site.browser(ADA), open_site.browser(BOB)
    comment_id = posted_id(post(ada, article, "Fine words."))
    ada_user = open_site.store.users.by_email(ADA)
    assert ada_user is not None
    for path in ("/moderation", "/moderation/log"):
        assert bob.get(path).status_code == 403 and MODERATORS_ONLY in bob.get(path).text
        redirect = open_site.browser().get(path, follow_redirects=False)
        assert (
            redirect.status_code == 303
            and redirect.headers["location"] == "/account/sign-in?next=/moderation"
        )
    actions = [
        f"/moderation/comments/{comment_id}/hide",
        f"/moderation/comments/{comment_id}/delete",
        f"/moderation/users/{ada_user.id}/ban",
    ]
    anonymous = open_site.browser()
    for path in actions:
        assert send(bob, path, reason="no").status_code == 403
        assert send(anonymous, path, reason="no").status_code == 303
    comment = open_site.store.comments.get(comment_id)
    assert comment is not None and comment.status == "visible"
    assert open_site.accounts.user_for_session(ada.cookies.get("herald_session")) is not None
    assert "/moderation" not in bob.get("/account").text
    assert 'href="/moderation"' in open_site.browser(MOD).get("/account").text
    maud = open_site.browser(MOD)
    assert send(maud, f"/moderation/comments/{comment_id}/approve").status_code == 404
    assert send(maud, "/moderation/comments/99999999999999999999/hide").status_code == 404
    hidden = send(maud, f"/moderation/comments/{comment_id}/hide", reason="rude")
    assert hidden.status_code == 303
    reply_free = fragment(bob, article).text
    assert "Fine words." not in reply_free and EMPTY in reply_free  # hidden, with no replies: gone


def test_banning_from_the_queue_ends_the_session_and_is_logged(site: Site) -> None:
    article = site.room.articles[0]
    ada, maud = site.browser(ADA), site.browser(MOD)
    held = posted_id(post(ada, article, "Visit my shop http://spam.example"))
    session = ada.cookies.get("herald_session")
    assert site.accounts.user_for_session(session) is not None
    queue = maud.get("/moderation").text
    ada_user = site.store.users.by_email(ADA)
    assert ada_user is not None
    assert f'action="/moderation/users/{ada_user.id}/ban"' in queue and f"queued-{held}" in queue
    banned = send(maud, f"/moderation/users/{ada_user.id}/ban", reason="Spam links")
    assert banned.status_code == 303 and banned.headers["location"] == "/moderation?done=ban"
    assert site.accounts.user_for_session(session) is None
    assert ada.get("/account", follow_redirects=False).status_code == 303
    log = maud.get("/moderation/log").text
    assert "banned" in log and "Ada" in log and "Spam links" in log and "Maud" in log
    # a moderator cannot be banned by another moderator
    maud_user = site.store.users.by_email(MOD)
    assert maud_user is not None
    assert send(maud, f"/moderation/users/{maud_user.id}/ban", reason="me").status_code == 400
    lifted = send(maud, f"/moderation/users/{ada_user.id}/unban")
    assert lifted.status_code == 303
    assert not site.store.users.get(ada_user.id).banned  # type: ignore[union-attr]


# Bad input


def test_oversized_and_malformed_posts_get_clear_pages(open_site: Site) -> None:
    article = open_site.room.articles[0]
    ada = open_site.browser(ADA)
    token = token_in(ada.get(f"/article/{article}/comments").text)
    huge = ada.post(
        "/comments/post",
        data={"csrf_token": token, "article_id": article, "text": "x" * 17_000},
        follow_redirects=False,
    )
    assert huge.status_code == 413 and TOO_LARGE in huge.text
    long = ada.post(
        "/comments/post",
        data={"csrf_token": token, "article_id": article, "text": "word " * 1100},
        follow_redirects=False,
    )
    assert long.status_code == 400 and TOO_LONG in long.text
    assert "word word word" in long.text  # the text is kept for shortening
    for body, kind in (
        (b"\xff\xfe=bad", "application/x-www-form-urlencoded"),
        (b'{"text": "json"}', "application/json"),
    ):
        answer = ada.post("/comments/post", content=body, headers={"Content-Type": kind})
        assert answer.status_code == 400 and MALFORMED in answer.text
    blank = ada.post(
        "/comments/post",
        data={"csrf_token": token, "article_id": article, "text": "   "},
        follow_redirects=False,
    )
    assert blank.status_code == 400 and "Write something first." in blank.text
    nowhere = ada.post("/comments/post", data={"csrf_token": token, "text": "hi"}, follow_redirects=False)
    assert nowhere.status_code == 400
    unknown = ada.post(
        "/comments/post",
        data={"csrf_token": token, "article_id": "0" * 32, "text": "hi"},
        follow_redirects=False,
    )
    assert unknown.status_code == 404
    for path in ("/comments/0/edit", "/comments/abc/delete", "/comments/99999/report"):
        assert ada.post(path, data={"csrf_token": token, "text": "x"}).status_code == 404
    assert open_site.store.comments.counts([article]) == {}


def test_posting_is_limited_to_five_a_minute(open_site: Site) -> None:
    article = open_site.room.articles[0]
    ada = open_site.browser(ADA)
    for n in range(5):
        posted_id(post(ada, article, f"Comment number {n}."))
    throttled = post(ada, article, "One too many.")
    assert throttled.status_code == 429
    assert TOO_FAST in throttled.text and "One too many.</textarea>" in throttled.text
    assert open_site.store.comments.counts([article]) == {article: 5}


# The shared pages


def test_cards_show_comment_counts(open_site: Site) -> None:
    article = open_site.room.articles[0]  # the newest World article
    ada, bob = open_site.browser(ADA), open_site.browser(BOB)
    for client in (ada, bob, ada):
        posted_id(post(client, article, "A thought."))
    link = f'href="/article/{article}#comments">3 comments</a>'
    for path in ("/latest", "/section/World", "/"):
        assert link in open_site.browser().get(path).text, path
    related = open_site.room.articles[1]  # another World article by the same publisher: "More from"
    assert link in open_site.browser().get(f"/article/{related}").text
    assert "1 comment<" not in open_site.browser().get("/latest").text


def test_the_article_page_is_the_same_for_everyone(open_site: Site) -> None:
    article = open_site.room.articles[0]
    ada = open_site.browser(ADA)
    posted_id(post(ada, article, "Ada was here."))

    def page(client: TestClient) -> str:
        answer = client.get(f"/article/{article}")
        assert answer.status_code == 200 and answer.headers["cache-control"].startswith("public")
        assert "set-cookie" not in answer.headers
        return re.sub(r"<time[^>]*>[^<]*</time>", "", answer.text)  # relative times may tick over

    signed_in, signed_out = page(ada), page(open_site.browser())
    assert signed_in == signed_out
    assert "Ada was here." not in signed_in and "csrf_token" not in signed_in
