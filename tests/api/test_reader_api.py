"""The reader's endpoints over the whole app: comments (threads for everyone and for their author, replies,
stories, editing and deleting only one's own, reports, the service's limits and rules, nothing that runs),
the reading list, the history, follows and mutes, and For you, each checked against what the site shows the
same reader; every refusal as problem+json, every personal answer uncached."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from herald.api.auth import BAD_TOKEN, MISSING_TOKEN
from herald.api.bodies import BODY_TOO_LARGE
from herald.api.comments import NO_STORY
from herald.api.paging import BAD_CURSOR
from herald.models import User
from herald.pipeline import reading as reading_module
from herald.pipeline.comments import (
    EMPTY,
    MAX_COMMENT_CHARS,
    NO_SUCH_ARTICLE,
    NO_SUCH_COMMENT,
    NOT_YOURS,
    TOO_FAST,
    TOO_LONG,
    Comments,
)
from herald.pipeline.reading import NOT_FOUND, TOO_MANY, reason
from tests.api.test_tokens import BOB, MOD, Herald, bearer, build_herald, personal, problem_of, unauthorized
from tests.web.conftest import COURIER, NOW, PORT_ALDER
from tests.web.signed_in import ADA, token_in
from tests.web.test_comments import ATTACKS

UNKNOWN_ID = "0" * 32
Answer = Any


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Herald]:
    """The default rules: an account's first comment waits for a moderator."""
    yield from build_herald(tmp_path)


@pytest.fixture
def open_site(tmp_path: Path) -> Iterator[Herald]:
    """No comment waits for a moderator."""
    yield from build_herald(tmp_path, comment_hold_first=0)


def user(site: Herald, email: str) -> User:
    found = site.store.users.by_email(email)
    assert found is not None
    return found


def thread(site: Herald, path: str, token: str | None = None, **query: Any) -> Any:
    answer = site.client.get(path, params=query, headers=bearer(token) if token else {})
    return personal(answer)


def comment_on(site: Herald, token: str, article_id: str, text: str, **fields: Any) -> Answer:
    body = {"text": text, **fields}
    return site.client.post(f"/api/v1/articles/{article_id}/comments", json=body, headers=bearer(token))


def posted(answer: Answer) -> dict[str, Any]:
    body: dict[str, Any] = personal(answer, 201)
    return body


def cards(html: str) -> list[str]:
    """The article ids of a site page's cards, in order."""
    return re.findall(r'<h[23] class="card-title"><a href="/article/([0-9a-f]{32})">', html)


# Comments: reading and posting


def test_a_held_comment_shows_to_its_author_only_until_a_moderator_passes_it(site: Herald) -> None:
    article = site.room.articles[0]
    path = f"/api/v1/articles/{article}/comments"
    ada, bob = site.token(ADA), site.token(BOB)
    empty = thread(site, path)
    assert empty == {"count": 0, "items": [], "next_cursor": None}

    comment = posted(comment_on(site, ada, article, "The timetable was *finally* published."))
    assert comment["status"] == "held" and comment["mine"] is True and comment["depth"] is None
    assert comment["text"] == "The timetable was *finally* published."
    assert comment["html"] == "<p>The timetable was <em>finally</em> published.</p>"
    assert comment["article_id"] == article and comment["author_name"] == "Ada"

    mine = thread(site, path, ada)
    assert [(c["id"], c["status"], c["mine"], c["depth"]) for c in mine["items"]] == [
        (comment["id"], "held", True, 0)
    ]
    assert mine["count"] == 0  # held comments are not counted, as on the site
    assert thread(site, path)["items"] == [] and thread(site, path, bob)["items"] == []
    # the site agrees: Ada's browser sees it waiting, Bob's sees nothing
    assert "finally" in site.browser(ADA).get(f"/article/{article}/comments").text
    assert "finally" not in site.browser(BOB).get(f"/article/{article}/comments").text

    Comments(site.accounts.settings, site.store).moderate(user(site, MOD), comment["id"], "restore")
    shown = thread(site, path)
    assert shown["count"] == 1
    [public] = shown["items"]
    assert public["status"] == "visible" and public["mine"] is False and public["text"] == comment["text"]
    assert thread(site, path, bob)["items"][0]["mine"] is False


def test_replies_nest_and_threads_come_in_pages(open_site: Herald) -> None:
    site, article = open_site, open_site.room.articles[0]
    path = f"/api/v1/articles/{article}/comments"
    ada, bob = site.token(ADA), site.token(BOB)
    first = posted(comment_on(site, ada, article, "First."))
    second = posted(comment_on(site, bob, article, "Second."))
    reply = posted(comment_on(site, bob, article, "A reply to the first.", parent_id=first["id"]))
    assert reply["parent_id"] == first["id"] and reply["status"] == "visible"

    whole = thread(site, path, ada)
    assert [(c["id"], c["depth"], c["mine"]) for c in whole["items"]] == [
        (first["id"], 0, True),
        (reply["id"], 1, False),
        (second["id"], 0, False),
    ]
    assert whole["count"] == 3 and whole["next_cursor"] is None
    seen: list[int] = []
    cursor = None
    for _ in range(3):
        page = thread(site, path, ada, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [c["id"] for c in whole["items"]]

    other = open_site.room.articles[1]
    for parent in (999_999, second["id"]):
        target = article if parent == 999_999 else other  # unknown, or on another article
        refused = comment_on(site, ada, target, "Lost reply.", parent_id=parent)
        assert problem_of(refused, 422)["detail"] == NO_SUCH_COMMENT
    problem_of(comment_on(site, ada, article, "Zero.", parent_id=0), 422)
    problem_of(comment_on(site, ada, article, "Huge.", parent_id=2**70), 422)
    assert thread(site, path)["count"] == 3


def test_story_threads_and_merged_stories(open_site: Herald) -> None:
    site, stories = open_site, open_site.stories
    ada = site.token(ADA)
    path = f"/api/v1/stories/{stories.ferry}/comments"
    made = site.client.post(path, json={"text": "On the whole story."}, headers=bearer(ada))
    comment = posted(made)
    assert comment["story_id"] == stories.ferry and comment["article_id"] is None
    assert [c["id"] for c in thread(site, path)["items"]] == [comment["id"]]

    # a merged story sends the app on to the story it became, the method and body kept
    merged = f"/api/v1/stories/{stories.merged_away}/comments"
    moved = site.client.get(merged + "?limit=5", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == f"/api/v1/stories/{stories.eclipse}/comments?limit=5"
    moved_post = site.client.post(
        merged, json={"text": "Eclipse."}, headers=bearer(ada), follow_redirects=False
    )
    assert moved_post.status_code == 308
    followed = site.client.post(merged, json={"text": "Eclipse."}, headers=bearer(ada))
    assert posted(followed)["story_id"] == stories.eclipse

    for unknown in ("999999", "0", "-1", "abc", "9" * 30):
        assert problem_of(site.client.get(f"/api/v1/stories/{unknown}/comments"), 404)["detail"] == NO_STORY
        post = site.client.post(
            f"/api/v1/stories/{unknown}/comments", json={"text": "x"}, headers=bearer(ada)
        )
        assert problem_of(post, 404)["detail"] == NO_STORY
    for unknown in (UNKNOWN_ID, "nonsense", "A" * 32):
        assert problem_of(site.client.get(f"/api/v1/articles/{unknown}/comments"), 404)["detail"] == (
            NO_SUCH_ARTICLE
        )
        assert problem_of(comment_on(site, ada, unknown, "Hello."), 404)["detail"] == NO_SUCH_ARTICLE


def test_only_the_author_edits_or_deletes(open_site: Herald) -> None:
    site, article = open_site, open_site.room.articles[0]
    ada, bob = site.token(ADA), site.token(BOB)
    comment = posted(comment_on(site, ada, article, "My own words."))
    url = f"/api/v1/comments/{comment['id']}"

    stolen = site.client.patch(url, json={"text": "Bob's words."}, headers=bearer(bob))
    assert problem_of(stolen, 403)["detail"] == NOT_YOURS
    assert problem_of(site.client.delete(url, headers=bearer(bob)), 403)["detail"] == NOT_YOURS
    stored = site.store.comments.get(comment["id"])
    assert stored is not None and stored.body_text == "My own words." and stored.status == "visible"
    unauthorized(site.client.patch(url, json={"text": "Anyone's."}), MISSING_TOKEN)

    edited = personal(site.client.patch(url, json={"text": "My **better** words."}, headers=bearer(ada)))
    assert (
        edited["text"] == "My **better** words."
        and edited["html"] == "<p>My <strong>better</strong> words.</p>"
    )
    assert edited["edited_at"] is not None and edited["status"] == "visible"
    # an edit that now breaks a rule (too many links) goes back to the moderators
    links = "See https://a.example https://b.example https://c.example"
    assert personal(site.client.patch(url, json={"text": links}, headers=bearer(ada)))["status"] == "held"

    personal(site.client.delete(url, headers=bearer(ada)), 204)
    assert site.store.comments.get(comment["id"]).status == "deleted"  # type: ignore[union-attr]
    assert thread(site, f"/api/v1/articles/{article}/comments", ada)["items"] == []
    for answer in (
        site.client.patch(url, json={"text": "Back."}, headers=bearer(ada)),
        site.client.delete(url, headers=bearer(ada)),
        site.client.patch("/api/v1/comments/999999", json={"text": "x"}, headers=bearer(ada)),
        site.client.delete("/api/v1/comments/abc", headers=bearer(ada)),
        site.client.delete("/api/v1/comments/" + "9" * 25, headers=bearer(ada)),
    ):
        assert problem_of(answer, 404)["detail"] == NO_SUCH_COMMENT


def test_reporting_a_comment(open_site: Herald) -> None:
    site, article = open_site, open_site.room.articles[0]
    ada, bob = site.token(ADA), site.token(BOB)
    comment = posted(comment_on(site, ada, article, "Buy cheap watches."))
    url = f"/api/v1/comments/{comment['id']}/report"
    assert personal(site.client.post(url, json={"reason": "spam"}, headers=bearer(bob))) == {"reported": True}
    assert personal(site.client.post(url, headers=bearer(bob))) == {"reported": False}  # once per reader
    problem_of(site.client.post(url, json={"reason": "I just dislike it"}, headers=bearer(ada)), 422)
    assert site.store.comments.get(comment["id"]).reports == 1  # type: ignore[union-attr]
    assert [c.id for c in site.store.comments.queue()] == [comment["id"]]
    missing = site.client.post("/api/v1/comments/999999/report", headers=bearer(bob))
    assert problem_of(missing, 404)["detail"] == NO_SUCH_COMMENT


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def test_what_readers_write_comes_back_safe(open_site: Herald) -> None:
    site, article = open_site, open_site.room.articles[0]
    ada, bob = site.token(ADA), site.token(BOB)
    for index, attack in enumerate(ATTACKS):  # two authors: five a minute each
        assert posted(comment_on(site, ada if index % 2 else bob, article, attack))["text"] == attack
    items = thread(site, f"/api/v1/articles/{article}/comments")["items"]
    assert [c["text"] for c in items] == ATTACKS  # the raw text as written, for an app that renders its own
    for item in items:
        html = item["html"]
        assert "<script" not in html.lower()
        parser = _Tags()
        parser.feed(html)
        for tag, attrs in parser.tags:
            assert tag not in ("script", "img", "iframe", "object"), tag
            for name, value in attrs.items():
                assert not name.startswith("on"), (tag, name)
                assert "javascript:" not in re.sub(r"\s", "", value).lower(), (tag, name, value)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in items[0]["html"]


def test_oversized_and_empty_comments_are_refused(open_site: Herald) -> None:
    site, article = open_site, open_site.room.articles[0]
    ada = site.token(ADA)
    assert (
        problem_of(comment_on(site, ada, article, "x" * (MAX_COMMENT_CHARS + 1)), 422)["detail"] == TOO_LONG
    )
    assert problem_of(comment_on(site, ada, article, " \n\t "), 422)["detail"] == EMPTY
    problem_of(site.client.post(f"/api/v1/articles/{article}/comments", json={}, headers=bearer(ada)), 422)
    problem_of(
        site.client.post(
            f"/api/v1/articles/{article}/comments",
            content=b"{not json",
            headers=bearer(ada) | {"Content-Type": "application/json"},
        ),
        422,
    )
    huge = {"text": "x" * 70_000}
    answer = site.client.post(f"/api/v1/articles/{article}/comments", json=huge, headers=bearer(ada))
    assert problem_of(answer, 413)["detail"] == BODY_TOO_LARGE

    def streamed() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"text": "'
        for _ in range(80):
            yield b"y" * 1000
        yield b'"}'

    answer = site.client.post(
        f"/api/v1/articles/{article}/comments",
        content=streamed(),
        headers=bearer(ada) | {"Content-Type": "application/json"},
    )
    assert problem_of(answer, 413)["detail"] == BODY_TOO_LARGE
    assert site.store.comments.counts([article]) == {}

    longest = posted(comment_on(site, ada, article, "z" * MAX_COMMENT_CHARS))
    url = f"/api/v1/comments/{longest['id']}"
    too_long = site.client.patch(url, json={"text": "w" * (MAX_COMMENT_CHARS + 1)}, headers=bearer(ada))
    assert problem_of(too_long, 422)["detail"] == TOO_LONG
    assert site.store.comments.get(longest["id"]).body_text == "z" * MAX_COMMENT_CHARS  # type: ignore[union-attr]


def test_posting_is_limited_as_on_the_site(open_site: Herald) -> None:
    site, article = open_site, open_site.room.articles[0]
    ada = site.token(ADA)
    for n in range(site.accounts.settings.comment_posts_per_minute):
        posted(comment_on(site, ada, article, f"Comment number {n}."))
    throttled = comment_on(site, ada, article, "One too many.")
    assert problem_of(throttled, 429)["detail"] == TOO_FAST
    assert throttled.headers["retry-after"] == "60"
    # the site's form counts the same posts
    browser = site.browser(ADA)
    form = {
        "csrf_token": token_in(browser.get("/account").text),
        "article_id": article,
        "text": "And one more.",
    }
    assert browser.post("/comments/post", data=form, follow_redirects=False).status_code == 429


def test_a_reader_reaches_no_moderator_action(open_site: Herald) -> None:
    site, article = open_site, open_site.room.articles[0]
    ada, bob, maud = site.token(ADA), site.token(BOB), site.token(MOD)
    comment = posted(comment_on(site, ada, article, "Fine words."))
    url = f"/api/v1/comments/{comment['id']}"
    for token in (bob, maud):  # the API has no moderation at all: a moderator's app has none either
        assert site.client.post(f"{url}/hide", headers=bearer(token)).status_code in (404, 405)
        assert site.client.get("/api/v1/moderation", headers=bearer(token)).status_code == 404
        assert site.client.put(url, json={"text": "x"}, headers=bearer(token)).status_code == 405
        refused = site.client.patch(
            url, json={"text": "Fine words.", "status": "hidden"}, headers=bearer(token)
        )
        assert refused.status_code in (403, 422)
        # and a bearer token opens nothing on the site: its moderation pages ask for signing in
        page = site.client.get("/moderation", headers=bearer(token), follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/account/sign-in")
    stored = site.store.comments.get(comment["id"])
    assert stored is not None and stored.status == "visible" and stored.body_text == "Fine words."

    Comments(site.accounts.settings, site.store).ban(user(site, MOD), user(site, ADA).id, reason="test")
    unauthorized(comment_on(site, ada, article, "Still here?"), BAD_TOKEN)  # a ban ends the app's session


# The reading list and the history


def test_the_reading_list(site: Herald) -> None:
    ada = site.token(ADA)
    first, second, third = site.room.articles[:3]
    for article in (first, second, third, second):  # saving again changes nothing
        personal(site.client.put(f"/api/v1/me/saved/{article}", headers=bearer(ada)), 204)
    listed = personal(site.client.get("/api/v1/me/saved", headers=bearer(ada)))
    ids = [a["id"] for a in listed["items"]]
    assert sorted(ids) == sorted([first, second, third]) and listed["next_cursor"] is None
    assert ids == cards(site.browser(ADA).get("/account/saved").text)  # the site's list, in its order
    item = listed["items"][0]
    assert item["url"] == f"/article/{item['id']}" and item["original_url"].startswith("https://")

    page_one = personal(site.client.get("/api/v1/me/saved?limit=2", headers=bearer(ada)))
    page_two = personal(
        site.client.get(f"/api/v1/me/saved?limit=2&cursor={page_one['next_cursor']}", headers=bearer(ada))
    )
    assert [a["id"] for a in page_one["items"] + page_two["items"]] == ids and page_two["next_cursor"] is None

    personal(site.client.delete(f"/api/v1/me/saved/{second}", headers=bearer(ada)), 204)
    personal(site.client.delete(f"/api/v1/me/saved/{second}", headers=bearer(ada)), 204)
    left = personal(site.client.get("/api/v1/me/saved", headers=bearer(ada)))
    assert second not in [a["id"] for a in left["items"]]
    assert personal(site.client.get("/api/v1/me/saved", headers=bearer(site.token(BOB))))["items"] == []

    for bad in (UNKNOWN_ID, "nonsense"):
        assert problem_of(site.client.put(f"/api/v1/me/saved/{bad}", headers=bearer(ada)), 404)["detail"] == (
            NO_SUCH_ARTICLE
        )
    problem_of(site.client.delete("/api/v1/me/saved/nonsense", headers=bearer(ada)), 404)
    for query in ("cursor=nonsense", "cursor=cDotMQ", "cursor=" + "A" * 41):
        answer = site.client.get(f"/api/v1/me/saved?{query}", headers=bearer(ada))
        assert answer.status_code in (400, 422)
        if answer.status_code == 400:
            assert problem_of(answer, 400)["detail"] == BAD_CURSOR
    for limit in ("0", "101", "many"):
        problem_of(site.client.get(f"/api/v1/me/saved?limit={limit}", headers=bearer(ada)), 422)


def test_the_reading_history(site: Herald) -> None:
    ada = site.token(ADA)
    first, second = site.room.articles[:2]
    for article in (first, second, first):  # reading again moves it to the top
        personal(site.client.put(f"/api/v1/me/history/{article}", headers=bearer(ada)), 204)
    history = personal(site.client.get("/api/v1/me/history", headers=bearer(ada)))
    assert [e["article"]["id"] for e in history["items"]] == [first, second]
    assert all(e["read_at"].endswith("Z") for e in history["items"])
    assert cards(site.browser(ADA).get("/account/history").text) == [first, second]
    missing = site.client.put(f"/api/v1/me/history/{UNKNOWN_ID}", headers=bearer(ada))
    assert problem_of(missing, 404)["detail"] == NO_SUCH_ARTICLE

    personal(site.client.delete("/api/v1/me/history", headers=bearer(ada)), 204)
    assert personal(site.client.get("/api/v1/me/history", headers=bearer(ada)))["items"] == []


# Follows, mutes and For you


def test_following_and_muting(site: Herald, monkeypatch: pytest.MonkeyPatch) -> None:
    ada = site.token(ADA)
    courier = str(site.room.publisher_ids[COURIER])
    story = str(site.stories.ferry)

    def follow(kind: str, key: str, **body: Any) -> Answer:
        return site.client.put(f"/api/v1/me/follows/{kind}/{key}", json=body or None, headers=bearer(ada))

    ferry = personal(follow("story", story))
    assert ferry["label"] == "Ferry strike ends as crews accept a new pay offer" and ferry["muted"] is False
    assert personal(follow("entity", PORT_ALDER.key))["label"] == "Port Alder"
    assert personal(follow("section", "Science", muted=True))["muted"] is True
    assert personal(follow("publisher", courier, muted=False))["label"] == COURIER
    listed = personal(site.client.get("/api/v1/me/follows", headers=bearer(ada)))
    assert [(f["kind"], f["key"], f["muted"]) for f in listed["items"]] == [
        ("story", story, False),
        ("entity", PORT_ALDER.key, False),
        ("publisher", courier, False),
        ("section", "Science", True),
    ]
    following = site.browser(ADA).get("/account/following").text
    assert "Port Alder" in following and COURIER in following and ">Muted</span>" in following

    # muting what one follows, then unmuting it (an unfollow), as the site's buttons do
    assert personal(follow("publisher", courier, muted=True))["muted"] is True
    personal(site.client.delete(f"/api/v1/me/follows/publisher/{courier}", headers=bearer(ada)), 204)
    personal(site.client.delete(f"/api/v1/me/follows/publisher/{courier}", headers=bearer(ada)), 204)
    page = personal(site.client.get("/api/v1/me/follows?limit=2", headers=bearer(ada)))
    rest = personal(
        site.client.get(f"/api/v1/me/follows?limit=2&cursor={page['next_cursor']}", headers=bearer(ada))
    )
    assert [f["key"] for f in page["items"] + rest["items"]] == [story, PORT_ALDER.key, "Science"]

    for kind, key in (
        ("entity", "no-such-entity"),
        ("admin", "1"),
        ("story", "999999"),
        ("section", "Nowhere"),
        ("publisher", "not-a-number"),
    ):
        assert problem_of(follow(kind, key), 404)["detail"] == NOT_FOUND
    problem_of(follow("entity", "port-alder" + "x" * 300), 422)
    problem_of(site.client.delete("/api/v1/me/follows/admin/1", headers=bearer(ada)), 404)
    problem_of(follow("story", story, muted="sometimes"), 422)

    monkeypatch.setattr(reading_module, "MAX_FOLLOWS", 3)
    assert problem_of(follow("section", "World"), 409)["detail"] == TOO_MANY
    assert personal(follow("story", story, muted=True))["muted"] is True  # changing one is not a new one


def test_for_you_with_its_reasons_and_news_since_the_last_visit(site: Herald) -> None:
    ada = site.token(ADA)
    site.client.put(f"/api/v1/me/follows/entity/{PORT_ALDER.key}", headers=bearer(ada))
    page = personal(site.client.get("/api/v1/me/for-you", headers=bearer(ada)))
    ids = [item["article"]["id"] for item in page["items"]]
    assert site.stories.wire in ids and page["follows"] == 1
    wire = next(item for item in page["items"] if item["article"]["id"] == site.stories.wire)
    assert wire["reasons"] == [reason("entity", "Port Alder")]
    assert ids == cards(site.browser(ADA).get("/for-you").text)  # the site's page, in the same order

    # a read article leaves it, as opening it on the site does
    personal(site.client.put(f"/api/v1/me/history/{site.stories.wire}", headers=bearer(ada)), 204)
    after = personal(site.client.get("/api/v1/me/for-you", headers=bearer(ada)))
    assert site.stories.wire not in [item["article"]["id"] for item in after["items"]]

    # a followed story that grew since the visit before this one
    site.client.put(f"/api/v1/me/follows/story/{site.stories.ferry}", headers=bearer(ada))
    ada_id = user(site, ADA).id
    site.store.reading.touch_visit(ada_id, NOW - timedelta(hours=10))
    first = personal(site.client.get("/api/v1/me/for-you?limit=1", headers=bearer(ada)))
    [news] = first["since_last_visit"]
    assert news["story_id"] == site.stories.ferry and news["new_articles"] > 0
    assert news["url"] == f"/story/{site.stories.ferry}" and first["last_visit"] is not None
    second = personal(
        site.client.get(f"/api/v1/me/for-you?limit=1&cursor={first['next_cursor']}", headers=bearer(ada))
    )
    assert second["since_last_visit"] == [] and second["last_visit"] is None  # first page only
    assert second["items"][0]["article"]["id"] != first["items"][0]["article"]["id"]
    again = personal(site.client.get("/api/v1/me/for-you", headers=bearer(ada)))
    assert again["since_last_visit"] == []  # the first page was the visit


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/me/apps"),
        ("DELETE", "/api/v1/me/apps/0123456789ab"),
        ("POST", "/api/v1/me/password"),
        ("DELETE", "/api/v1/tokens/current"),
        ("POST", "/api/v1/articles/{article}/comments"),
        ("POST", "/api/v1/stories/1/comments"),
        ("PATCH", "/api/v1/comments/1"),
        ("DELETE", "/api/v1/comments/1"),
        ("POST", "/api/v1/comments/1/report"),
        ("GET", "/api/v1/me/saved"),
        ("PUT", "/api/v1/me/saved/{article}"),
        ("DELETE", "/api/v1/me/saved/{article}"),
        ("GET", "/api/v1/me/history"),
        ("PUT", "/api/v1/me/history/{article}"),
        ("DELETE", "/api/v1/me/history"),
        ("GET", "/api/v1/me/follows"),
        ("PUT", "/api/v1/me/follows/section/World"),
        ("DELETE", "/api/v1/me/follows/section/World"),
        ("GET", "/api/v1/me/for-you"),
    ],
)
def test_every_reader_endpoint_needs_a_token(site: Herald, method: str, path: str) -> None:
    answer = site.client.request(method, path.format(article=site.room.articles[0]), json={"text": "x"})
    assert answer.status_code == 401, answer.text
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.headers["content-type"] == "application/problem+json"
    assert site.store.comments.counts([site.room.articles[0]]) == {}
