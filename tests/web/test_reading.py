"""A reader's own Herald through the site: the reader bar on an article, saving and the reading list, the
reading history, following and muting, "For you" with its reasons and what is new since the last visit, and
every refusal: signed out, forged, sent back elsewhere, or naming something that cannot be followed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from herald.config import Settings
from herald.models import EntityRef, SourceSpec
from herald.pipeline.accounts import Accounts
from herald.pipeline.reading import NOT_FOUND, reason
from herald.store import Store
from herald.web import create_app
from herald.web.csrf import FORGED
from tests.web.conftest import (
    COURIER,
    NOW,
    PORT_ALDER,
    Newsroom,
    Stories,
    add_article,
    add_stories,
    build_newsroom,
    place,
    unit,
)
from tests.web.signed_in import ADA, KEY, PASSWORD, browser_for, token_in

BOB = "bob@example.org"
PRIVATE = "private, no-store"
HISTORY_NOTE = "Your history is kept only for you"
Answer = Any  # the test client's response


@dataclass
class Site:
    room: Newsroom
    stories: Stories
    app: Any

    @property
    def store(self) -> Store:
        return self.room.store

    def user_id(self, email: str) -> int:
        user = self.store.users.by_email(email)
        assert user is not None
        return user.id

    def browser(self, email: str | None = None) -> TestClient:
        """A new browser, signed in as ``email`` when given."""
        return browser_for(self.app, email)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    store = Store(f"sqlite:///{tmp_path}/t.db")
    room = build_newsroom(store)
    stories = add_stories(room)
    settings = Settings(data_dir=tmp_path, secret_key=KEY)
    accounts = Accounts(settings, store, KEY)
    accounts.create_user(ADA, "Ada", PASSWORD)
    accounts.create_user(BOB, "Bob", PASSWORD)
    try:
        yield Site(room, stories, create_app(settings, store, accounts=accounts))
    finally:
        store.close()


def send(client: TestClient, path: str, **fields: str) -> Answer:
    """A form to ``path`` with the browser's own CSRF token."""
    token = token_in(client.get("/account/sign-in").text)
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)


def bar(client: TestClient, article_id: str) -> Answer:
    answer = client.get(f"/article/{article_id}/you?fragment=1")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == PRIVATE
    return answer


def page(client: TestClient, path: str) -> Answer:
    answer = client.get(path, follow_redirects=False)
    assert answer.status_code == 200, (path, answer.status_code)
    assert answer.headers["cache-control"] == PRIVATE
    return answer


def redirected(answer: Answer, location: str) -> None:
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == location
    assert answer.headers["cache-control"] == PRIVATE


def cards(html: str) -> list[str]:
    """The article ids of a page's cards, in order."""
    return re.findall(r'<h[23] class="card-title"><a href="/article/([0-9a-f]{32})">', html)


def publisher_key(site: Site, name: str) -> str:
    return str(site.room.publisher_ids[name])


# Signed out


def test_signed_out_readers_are_asked_to_sign_in(site: Site) -> None:
    article = site.room.articles[0]
    client = site.browser()
    fragment = bar(client, article)
    assert f'href="/account/sign-in?next=/article/{article}"' in fragment.text
    assert "<form" not in fragment.text and "herald_csrf" not in fragment.headers.get("set-cookie", "")
    full = page(client, f"/article/{article}/you")
    assert f'href="/account/sign-in?next=/article/{article}/you"' in full.text
    assert '<meta name="robots" content="noindex">' in full.text and "<form" not in full.text
    for_you = page(client, "/for-you")
    assert 'href="/account/sign-in?next=/for-you"' in for_you.text and "<h1" in for_you.text
    for path in ("/account/saved", "/account/history", "/account/following"):
        redirected(client.get(path, follow_redirects=False), f"/account/sign-in?next={path}")
    assert client.get("/article/" + "0" * 32 + "/you?fragment=1").status_code == 404
    assert client.get("/article/nonsense/you").status_code == 404
    assert site.store.reading.history(site.user_id(ADA)) == []


def test_the_article_page_is_the_same_for_every_reader(site: Site) -> None:
    article = site.stories.wire
    anonymous = site.browser().get(f"/article/{article}")
    ada = site.browser(ADA)
    assert send(ada, f"/you/save/{article}", back=f"/article/{article}").status_code == 303
    publisher = publisher_key(site, COURIER)
    assert send(ada, "/you/follow", kind="publisher", key=publisher).status_code == 303
    signed_in = ada.get(f"/article/{article}")
    untimed = re.compile(r"<time[^>]*>[^<]*</time>")  # relative times may tick over between two requests
    assert untimed.sub("", signed_in.text) == untimed.sub("", anonymous.text)
    assert "set-cookie" not in signed_in.headers
    # the placeholder the script fills, and the link for readers without it
    assert f'data-reader-bar="/article/{article}/you?fragment=1"' in anonymous.text
    assert f'<a href="/article/{article}/you">' in anonymous.text
    assert "/static/reader.js" in anonymous.text
    assert '<a class="masthead-link" href="/for-you">For you</a>' in anonymous.text


# The reading list


def test_save_and_remove_an_article(site: Site) -> None:
    article, other = site.room.articles[0], site.room.articles[1]
    ada = site.browser(ADA)
    assert 'action="/you/save/' in bar(ada, article).text
    empty = page(ada, "/account/saved")
    assert "Nothing saved yet" in empty.text and cards(empty.text) == []

    redirected(send(ada, f"/you/save/{article}", back=f"/article/{article}"), f"/article/{article}")
    redirected(send(ada, f"/you/save/{other}", back=f"/article/{other}/you"), f"/article/{other}/you")
    redirected(send(ada, f"/you/save/{article}"), f"/article/{article}")  # again: no change, no error
    html = bar(ada, article).text
    assert f'action="/you/unsave/{article}"' in html and 'action="/you/save/' not in html
    assert ">Saved</span>" in html
    saved = page(ada, "/account/saved")
    assert cards(saved.text) == [other, article]  # newest saved first
    assert saved.text.count('action="/you/unsave/') == 2
    assert 'name="back" value="/account/saved"' in saved.text
    assert cards(page(site.browser(BOB), "/account/saved").text) == []  # one reader's list only

    redirected(send(ada, f"/you/unsave/{other}", back="/account/saved"), "/account/saved")
    assert cards(page(ada, "/account/saved").text) == [article]
    assert 'action="/you/save/' in bar(ada, other).text

    missing = send(ada, "/you/save/" + "0" * 32, back="/account/saved")
    assert missing.status_code == 404 and "That article does not exist." in missing.text
    assert send(ada, "/you/save/nonsense").status_code == 404
    assert [a.id for a in site.store.reading.saved(site.user_id(ADA))] == [article]


# The reading history


def test_opening_the_bar_records_the_reading_and_history_can_be_cleared(site: Site) -> None:
    first, second = site.room.articles[2], site.room.articles[3]
    ada = site.browser(ADA)
    empty = page(ada, "/account/history")
    assert HISTORY_NOTE in empty.text and "Your reading history is empty." in empty.text
    assert "Clear history" not in empty.text
    bar(ada, first)
    bar(ada, second)
    history = page(ada, "/account/history")
    assert cards(history.text) == [second, first]  # newest first
    assert HISTORY_NOTE in history.text and "when you open it while signed in" in history.text
    assert "Read <time" in history.text
    assert cards(page(site.browser(BOB), "/account/history").text) == []

    cleared = send(ada, "/account/history/clear", back="/account/history")
    redirected(cleared, "/account/history?done=cleared")
    after = page(ada, "/account/history?done=cleared")
    assert cards(after.text) == [] and "Your reading history is cleared." in after.text
    assert site.store.reading.history(site.user_id(ADA)) == []


# Following, muting and "For you"


def test_following_a_publisher_fills_for_you_with_a_reason(site: Site) -> None:
    ada = site.browser(ADA)
    empty = page(ada, "/for-you")
    assert "Follow what you care about" in empty.text and cards(empty.text) == []
    assert "the bar under its headline offers to follow" in empty.text

    article = site.room.articles[0]  # The Harbour Courier's newest of the base newsroom
    html = bar(ada, article).text
    publisher = publisher_key(site, COURIER)
    assert f'name="kind" value="publisher"><input type="hidden" name="key" value="{publisher}"' in html
    assert "Mute" in html and "<details" in html
    followed = send(ada, "/you/follow", kind="publisher", key=publisher, back=f"/article/{article}")
    redirected(followed, f"/article/{article}")
    assert ">Following</span>" in bar(ada, article).text

    for_you = page(ada, "/for-you")
    shown = cards(for_you.text)
    assert site.room.articles[1] in shown  # unread Courier articles of the week
    assert article not in shown  # read: opening its bar recorded it
    assert reason("publisher", COURIER) in for_you.text
    assert "You follow The Harbour Courier" in for_you.text
    for article_id in shown:
        found = site.store.articles.get(article_id)
        assert found is not None and found.publisher_name == COURIER

    following = page(ada, "/account/following")
    assert "Publishers" in following.text and COURIER in following.text
    assert 'action="/you/unfollow"' in following.text and 'action="/you/mute"' in following.text
    redirected(send(ada, "/you/unfollow", kind="publisher", key=publisher), "/account/following")
    assert "Follow what you care about" in page(ada, "/for-you").text


def test_a_muted_publisher_leaves_for_you_even_when_a_name_matches(site: Site) -> None:
    ada, wire = site.browser(ADA), site.stories.wire
    redirected(send(ada, "/you/follow", kind="entity", key=PORT_ALDER.key, back="/for-you"), "/for-you")
    before = page(ada, "/for-you")
    assert wire in cards(before.text)
    assert "You follow Port Alder" in before.text

    courier = publisher_key(site, COURIER)
    redirected(
        send(ada, "/you/mute", kind="publisher", key=courier, back="/account/following"), "/account/following"
    )
    after = page(ada, "/for-you")
    assert wire not in cards(after.text)
    assert site.stories.analysis in cards(after.text)  # Valley Ledger's article on the same story stays
    following = page(ada, "/account/following")
    assert ">Muted</span>" in following.text and "Unmute" in following.text
    # unmuting (an unfollow) brings it back
    redirected(send(ada, "/you/unfollow", kind="publisher", key=courier), "/account/following")
    assert wire in cards(page(ada, "/for-you").text)


def test_what_is_new_on_a_followed_story_since_the_last_visit(site: Site) -> None:
    ada, ferry = site.browser(ADA), site.stories.ferry
    html = bar(ada, site.stories.analysis).text
    assert f'name="kind" value="story"><input type="hidden" name="key" value="{ferry}"' in html
    redirected(send(ada, "/you/follow", kind="story", key=str(ferry), back="/for-you"), "/for-you")
    first = page(ada, "/for-you")
    assert "since your last visit" not in first.text  # no last visit yet
    assert "You follow the story" in first.text

    user_id = site.user_id(ADA)
    since = NOW - timedelta(hours=10)
    site.store.reading.touch_visit(user_id, since)
    expected = site.store.reading.new_in_followed_stories(user_id, since)
    assert [story_id for story_id, _title, _n in expected] == [ferry]
    count = expected[0][2]
    later = page(ada, "/for-you")
    assert "What’s new since your last visit" in later.text
    assert f'<a href="/story/{ferry}">' in later.text
    assert f"{count} new article{'s' if count != 1 else ''}" in later.text
    assert "since your last visit" not in page(ada, "/for-you").text  # this visit was the last


# Refusals


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("entity", "no-such-entity"),
        ("admin", "1"),
        ("publisher", "1" * 300),
        ("entity", "port-alder" + "x" * 290),
        ("story", "999999"),
        ("section", "Nowhere"),
        ("publisher", ""),
        ("", "World"),
    ],
)
def test_following_what_cannot_be_followed_is_refused(site: Site, kind: str, key: str) -> None:
    ada = site.browser(ADA)
    for path in ("/you/follow", "/you/mute"):
        refused = send(ada, path, kind=kind, key=key, back="/for-you")
        assert refused.status_code == 400, path
        assert NOT_FOUND in refused.text and refused.headers["cache-control"] == PRIVATE
        assert 'href="/for-you"' in refused.text  # the way back
    assert send(ada, "/you/unfollow", kind=kind, key=key).status_code in (303, 400)
    assert site.store.reading.follows(site.user_id(ADA)) == []


def test_forms_without_the_csrf_token_are_refused(site: Site) -> None:
    article = site.room.articles[0]
    ada = site.browser(ADA)
    publisher = publisher_key(site, COURIER)
    bar(ada, article)  # recorded: the history has one entry to keep
    cases = [
        (f"/you/save/{article}", {}),
        (f"/you/unsave/{article}", {}),
        ("/you/follow", {"kind": "publisher", "key": publisher}),
        ("/you/unfollow", {"kind": "publisher", "key": publisher}),
        ("/you/mute", {"kind": "publisher", "key": publisher}),
        ("/account/history/clear", {}),
    ]
    for path, fields in cases:
        for token in (None, "0" * 64):
            data = fields if token is None else fields | {"csrf_token": token}
            answer = ada.post(path, data=data, follow_redirects=False)
            assert answer.status_code == 403, path
            assert FORGED in answer.text
        token = token_in(ada.get("/account/sign-in").text)
        crossed = ada.post(
            path, data=fields | {"csrf_token": token}, headers={"Origin": "https://evil.example"}
        )
        assert crossed.status_code == 403, path
    user_id = site.user_id(ADA)
    assert site.store.reading.saved(user_id) == [] and site.store.reading.follows(user_id) == []
    assert len(site.store.reading.history(user_id)) == 1


def test_signed_out_forms_lead_to_signing_in(site: Site) -> None:
    article = site.room.articles[0]
    client = site.browser()
    token = token_in(client.get("/account/sign-in").text)  # the sign-in page gives anyone the cookie
    fields = {"csrf_token": token, "back": f"/article/{article}"}
    saved = client.post(f"/you/save/{article}", data=fields, follow_redirects=False)
    redirected(saved, f"/account/sign-in?next=/article/{article}")
    followed = client.post(
        "/you/follow", data=fields | {"kind": "section", "key": "World"}, follow_redirects=False
    )
    redirected(followed, f"/account/sign-in?next=/article/{article}")


@pytest.mark.parametrize(
    "back",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "evil.example",
        "/ok\r\nLocation: //evil.example",
        "/" + "a" * 600,
    ],
)
def test_back_never_leaves_the_site(site: Site, back: str) -> None:
    ada, article = site.browser(ADA), site.room.articles[0]
    redirected(send(ada, f"/you/save/{article}", back=back), f"/article/{article}")
    redirected(send(ada, f"/you/unsave/{article}", back=back), "/account/saved")
    followed = send(ada, "/you/follow", kind="section", key="World", back=back)
    redirected(followed, "/account/following")
    redirected(send(ada, "/you/unfollow", kind="section", key="World", back=back), "/account/following")


def test_labels_are_escaped_everywhere(site: Site) -> None:
    """A publisher's or an entity's name comes from feeds: it is shown as text, never run."""
    store, room = site.store, site.room
    evil_publisher = "<script>alert(1)</script> Gazette"
    source, _ = store.sources.add(
        SourceSpec(
            feed_url="https://evil.example/rss", publisher=evil_publisher, home_url="https://evil.example"
        )
    )
    room.source_ids[evil_publisher] = source.id
    room.publisher_ids[evil_publisher] = source.publisher_id
    article = add_article(
        room,
        evil_publisher,
        url="https://evil.example/news/1",
        title="An ordinary headline",
        paragraphs=("PORT ALDER — Something happened.",),
        published=NOW - timedelta(minutes=30),
        section="World",
    )
    evil_name = EntityRef("evil-name", '<img src=x onerror="alert(2)">', "person")
    place(store, article, unit(3), NOW - timedelta(minutes=30), entities=[(evil_name, 2)])

    ada, bob = site.browser(ADA), site.browser(BOB)
    html = bar(bob, article).text  # Bob reads it; Ada follows without reading
    for kind, key in (("publisher", str(source.publisher_id)), ("entity", "evil-name")):
        assert send(ada, "/you/follow", kind=kind, key=key).status_code == 303
    for text in (html, page(ada, "/account/following").text, page(ada, "/for-you").text):
        assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Gazette" in html
    for_you = page(ada, "/for-you").text
    assert article in cards(for_you)
    assert "You follow &lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in for_you
