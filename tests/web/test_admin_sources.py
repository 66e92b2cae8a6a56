"""The admins' source pages: only admins get in; every feed's health, failing first; adding, correcting,
pausing, resuming, refreshing and removing a feed, each refusal saying why and changing nothing; the
scheduler woken when this process runs one, and an honest sentence when it does not; forged forms refused;
feed-controlled text shown escaped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from herald.config import Settings
from herald.models import Source, SourceSpec
from herald.pipeline import MAX_URL_LENGTH
from herald.pipeline.accounts import Accounts
from herald.store import Store
from herald.web import create_app
from herald.web.csrf import FORGED
from herald.web.pages.admin import NOT_YOURS
from herald.web.pages.admin_sources import (
    ADDRESS_TAKEN,
    ADDRESS_TOO_LONG,
    ALREADY_FOLLOWED,
    BAD_SCHEME,
    BAD_SECTION,
    FETCHES_NOW,
    NO_HOST,
    NO_SUCH_SOURCE,
    NO_TITLE,
    NOT_CONFIRMED,
    NOTHING_CHANGED,
    PAUSED,
    TITLE_TOO_LONG,
    WAITS,
)
from tests.web.conftest import Newsroom, build_newsroom
from tests.web.signed_in import ADA, KEY, PASSWORD, browser_for, token_in

BOSS, MOD = "boss@example.org", "mod@example.org"
COURIER, LEDGER = "The Harbour Courier", "Valley Ledger"
PRIVATE = "private, no-store"
NOINDEX = '<meta name="robots" content="noindex">'
Answer = Any  # the test client's response


@dataclass
class Site:
    room: Newsroom
    app: Any
    wakes: list[int] = field(default_factory=list)  # one entry per wake of the scheduler

    @property
    def store(self) -> Store:
        return self.room.store

    def browser(self, email: str | None = None) -> TestClient:
        return browser_for(self.app, email)

    def source(self, source_id: int) -> Source:
        found = self.store.sources.get(source_id)
        assert found is not None
        return found

    def source_id(self, publisher: str) -> int:
        return self.room.source_ids[publisher]


def build_site(tmp_path: Path, *, with_scheduler: bool) -> Iterator[Site]:
    """The web tests' newsroom; Ada reads, Maud moderates, Boss is the admin. ``with_scheduler``: the app is
    given a wake callback, as when this process runs the scheduler."""
    store = Store(f"sqlite:///{tmp_path}/t.db")
    settings = Settings(data_dir=tmp_path, secret_key=KEY)
    accounts = Accounts(settings, store, KEY)
    accounts.create_user(ADA, "Ada", PASSWORD)
    accounts.create_user(MOD, "Maud", PASSWORD, role="moderator")
    accounts.create_user(BOSS, "Boss", PASSWORD, role="admin")
    wakes: list[int] = []
    wake = (lambda: wakes.append(1)) if with_scheduler else None
    try:
        room = build_newsroom(store)
        yield Site(room, create_app(settings, store, accounts=accounts, wake_scheduler=wake), wakes)
    finally:
        store.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from build_site(tmp_path, with_scheduler=True)


@pytest.fixture
def site_without_scheduler(tmp_path: Path) -> Iterator[Site]:
    yield from build_site(tmp_path, with_scheduler=False)


def token_of(client: TestClient) -> str:
    return token_in(client.get("/account/sign-in").text)


def send(client: TestClient, path: str, **fields: str) -> Answer:
    """A form to ``path`` with the browser's own CSRF token, the answer not followed."""
    return client.post(path, data={"csrf_token": token_of(client), **fields}, follow_redirects=False)


def posts(site: Site) -> list[tuple[str, dict[str, str]]]:
    courier = site.source_id(COURIER)
    return [
        ("/admin/sources", {"feed_url": "https://new.example/feed"}),
        (
            f"/admin/sources/{courier}/edit",
            {"title": "Changed", "feed_url": "https://changed.example/feed", "section": "Sports"},
        ),
        (f"/admin/sources/{courier}/pause", {}),
        (f"/admin/sources/{courier}/resume", {}),
        (f"/admin/sources/{courier}/refresh", {}),
        (f"/admin/sources/{courier}/remove", {"confirm": "yes"}),
    ]


def snapshot(site: Site) -> list[Source]:
    return site.store.sources.list()


def test_only_admins_get_in(site: Site) -> None:
    courier = site.source_id(COURIER)
    before = snapshot(site)
    anonymous = site.browser()
    for path in ("/admin/sources", f"/admin/sources/{courier}"):
        redirect = anonymous.get(path, follow_redirects=False)
        assert redirect.status_code == 303 and redirect.headers["location"] == f"/account/sign-in?next={path}"
    for path, fields in posts(site):
        answer = send(anonymous, path, **fields)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/account/sign-in"), path
    for email in (ADA, MOD):
        client = site.browser(email)
        for path in ("/admin/sources", f"/admin/sources/{courier}", "/admin/sources/99999"):
            answer = client.get(path)
            assert answer.status_code == 403 and NOT_YOURS in answer.text, (email, path)
            assert answer.headers["cache-control"] == PRIVATE
        for path, fields in posts(site):
            answer = send(client, path, **fields)
            assert answer.status_code == 403 and NOT_YOURS in answer.text, (email, path)
    assert snapshot(site) == before and site.wakes == []


def test_the_list_shows_every_feed_failing_first(site: Site) -> None:
    page = site.browser(BOSS).get("/admin/sources")
    assert page.status_code == 200 and page.headers["cache-control"] == PRIVATE and NOINDEX in page.text
    html = page.text
    # four healthy feeds, the failing one, the paused one (the newsroom's)
    assert "6 feeds" in html and "4 healthy" in html and "1 failing" in html and "1 paused" in html
    assert "0 not checked yet" in html
    assert 'action="/admin/sources"' in html and 'name="feed_url"' in html
    rows = html[html.index("<tbody>") : html.index("</tbody>")]
    ids = [int(part.split('"', 1)[0]) for part in rows.split('<tr id="source-')[1:]]
    assert len(ids) == 6 == len(site.store.sources.list())
    failing = next(s for s in site.store.sources.list() if s.consecutive_failures)
    paused = next(s for s in site.store.sources.list() if not s.enabled)
    assert ids[0] == failing.id and ids[-1] == paused.id
    first = rows[: rows.index("</tr>")]
    for fact in (
        f'href="/admin/sources/{failing.id}"',
        "https://gone.example/feed",
        "Gone Gazette",
        "Failing",
        "2 failures in a row",
        "The server answered 410 Gone: the feed has been removed",
        "Never succeeded",
        "Next check <time",
        "0 articles",
    ):
        assert fact in first, fact
    courier = rows[rows.index(f'id="source-{site.source_id(COURIER)}"') :]
    courier = courier[: courier.index("</tr>")]
    assert "World" in courier and "Healthy" in courier and "6 articles" in courier and "Succeeded" in courier
    assert "Not checked while paused" in rows


def test_a_sources_page_shows_its_health_and_problems(site: Site) -> None:
    courier = site.source_id(COURIER)
    page = site.browser(BOSS).get(f"/admin/sources/{courier}")
    assert page.status_code == 200 and page.headers["cache-control"] == PRIVATE and NOINDEX in page.text
    html = page.text
    for fact in (
        "The Harbour Courier",
        "https://courier.example/rss",
        "Healthy",
        "mismatched tag on line 88",  # the last warning
        "The page took longer than 20 seconds to answer",  # a page problem
        "https://courier.example/world/timeout-story",
        "30 minutes",  # the feed's own refresh time
        f'action="/admin/sources/{courier}/edit"',
        f'action="/admin/sources/{courier}/refresh"',
        f'action="/admin/sources/{courier}/pause"',
        f'action="/admin/sources/{courier}/remove"',
        "Yes, stop following this feed",
        '<option value="World" selected>',
    ):
        assert fact in html, fact
    assert f'action="/admin/sources/{courier}/resume"' not in html
    assert (
        "No page-level problems recently."
        in site.browser(BOSS).get(f"/admin/sources/{site.source_id(LEDGER)}").text
    )


def test_adding_a_feed(site: Site) -> None:
    boss = site.browser(BOSS)
    added = send(
        boss,
        "/admin/sources",
        feed_url="  https://new.example/feed.xml ",
        title="New Daily",
        publisher="New Press",
        section="Science",
    )
    assert added.status_code == 303
    location = added.headers["location"]
    assert location.startswith("/admin/sources/") and location.endswith("?done=added")
    source = site.source(int(location.split("/")[-1].split("?")[0]))
    assert (source.feed_url, source.title, source.publisher_name, source.section) == (
        "https://new.example/feed.xml",
        "New Daily",
        "New Press",
        "Science",
    )
    assert source.enabled and source.next_check_at is not None
    assert source.next_check_at <= datetime.now(UTC)  # due at once
    assert site.wakes == [1]
    page = boss.get(location).text
    assert "The feed is added." in page and FETCHES_NOW in page and "New Daily" in page
    plain = send(boss, "/admin/sources", feed_url="http://plain.example/rss")
    assert plain.status_code == 303
    plain_source = site.source(int(plain.headers["location"].split("/")[-1].split("?")[0]))
    assert plain_source.section is None and plain_source.publisher_name == "plain.example"
    # a title too long to be a publisher's name files the feed under its host
    long_title = send(boss, "/admin/sources", feed_url="https://wordy.example/rss", title="T" * 300)
    assert long_title.status_code == 303
    wordy = site.source(int(long_title.headers["location"].split("/")[-1].split("?")[0]))
    assert wordy.title == "T" * 300 and wordy.publisher_name == "wordy.example"


def test_adding_a_feed_already_followed_links_to_it(site: Site) -> None:
    boss, before = site.browser(BOSS), snapshot(site)
    courier = site.source_id(COURIER)
    again = send(boss, "/admin/sources", feed_url="https://courier.example/rss", title="Another name")
    assert again.status_code == 409 and ALREADY_FOLLOWED in again.text and NOTHING_CHANGED in again.text
    assert f'href="/admin/sources/{courier}"' in again.text
    assert snapshot(site) == before and site.wakes == []


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"feed_url": "ftp://files.example/feed"}, BAD_SCHEME),
        ({"feed_url": "javascript:alert(1)"}, BAD_SCHEME),
        ({"feed_url": "courier.example/rss"}, BAD_SCHEME),
        ({"feed_url": "https://"}, NO_HOST),
        ({"feed_url": "https:///only/a/path"}, NO_HOST),
        ({"feed_url": "https://bad.example:port/feed"}, NO_HOST),
        ({"feed_url": "https://[::1/feed"}, NO_HOST),
        ({"feed_url": "https://long.example/" + "a" * MAX_URL_LENGTH}, ADDRESS_TOO_LONG),
        ({"feed_url": "https://fine.example/rss", "section": "Sport"}, BAD_SECTION),
        ({"feed_url": "https://fine.example/rss", "title": "T" * 501}, TITLE_TOO_LONG),
    ],
)
def test_adding_a_bad_feed_is_refused(site: Site, fields: dict[str, str], why: str) -> None:
    boss, before = site.browser(BOSS), snapshot(site)
    answer = send(boss, "/admin/sources", **fields)
    assert answer.status_code == 400 and why in answer.text and NOTHING_CHANGED in answer.text
    assert snapshot(site) == before and site.wakes == []


def test_editing_a_feed(site: Site) -> None:
    boss = site.browser(BOSS)
    courier = site.source_id(COURIER)
    articles = [a for a in site.room.articles if site.store.articles.get(a).source_id == courier]  # type: ignore[union-attr]
    assert articles and all(site.store.articles.get(a).section == "World" for a in articles)  # type: ignore[union-attr]
    later = datetime.now(UTC) + timedelta(hours=1)
    site.store.sources.record_not_modified(courier, now=datetime.now(UTC), next_check_at=later)
    edited = send(
        boss,
        f"/admin/sources/{courier}/edit",
        title="  The   Courier ",
        feed_url="https://courier.example/rss2",
        section="Sports",
    )
    assert edited.status_code == 303 and edited.headers["location"] == f"/admin/sources/{courier}?done=edited"
    source = site.source(courier)
    assert (source.title, source.feed_url, source.section) == (
        "The Courier",
        "https://courier.example/rss2",
        "Sports",
    )
    assert all(site.store.articles.get(a).section == "Sports" for a in articles)  # type: ignore[union-attr]
    # a corrected address is fetched at once, not at the old address's next check
    assert site.wakes == [1] and source.next_check_at is not None
    assert source.next_check_at <= datetime.now(UTC)
    page = boss.get(edited.headers["location"]).text
    assert "The changes are saved." in page and '<option value="Sports" selected>' in page
    # back to automatic: the stored articles go back to their guess (none here), new ones to the feed's own
    automatic = send(
        boss, f"/admin/sources/{courier}/edit", title="The Courier", feed_url="https://courier.example/rss2"
    )
    assert automatic.status_code == 303 and site.source(courier).section is None
    assert site.wakes == [1]  # the same address: nothing new to fetch
    assert all(site.store.articles.get(a).section != "Sports" for a in articles)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fields", "why", "status"),
    [
        ({"title": "", "feed_url": "https://courier.example/rss"}, NO_TITLE, 400),
        ({"title": "T" * 501, "feed_url": "https://courier.example/rss"}, TITLE_TOO_LONG, 400),
        ({"title": "Fine", "feed_url": "mailto:desk@courier.example"}, BAD_SCHEME, 400),
        ({"title": "Fine", "feed_url": "https://courier.example/rss", "section": "Gossip"}, BAD_SECTION, 400),
        (
            {"title": "Fine", "feed_url": "https://ledger.example/feed.xml", "section": "Sports"},
            ADDRESS_TAKEN,
            409,
        ),
    ],
)
def test_a_bad_edit_changes_nothing(site: Site, fields: dict[str, str], why: str, status: int) -> None:
    boss, before = site.browser(BOSS), snapshot(site)
    courier = site.source_id(COURIER)
    sections_before = [a.section for a in site.store.articles.many(site.room.articles)]
    answer = send(boss, f"/admin/sources/{courier}/edit", **fields)
    assert answer.status_code == status and why in answer.text and NOTHING_CHANGED in answer.text
    if why == ADDRESS_TAKEN:
        assert f'href="/admin/sources/{site.source_id(LEDGER)}"' in answer.text
    assert snapshot(site) == before
    assert [a.section for a in site.store.articles.many(site.room.articles)] == sections_before


def test_pausing_and_resuming(site: Site) -> None:
    boss = site.browser(BOSS)
    courier = site.source_id(COURIER)
    paused = send(boss, f"/admin/sources/{courier}/pause")
    assert paused.status_code == 303 and paused.headers["location"] == f"/admin/sources/{courier}?done=paused"
    assert not site.source(courier).enabled and site.wakes == []
    page = boss.get(paused.headers["location"]).text
    assert "The feed is paused" in page and f'action="/admin/sources/{courier}/resume"' in page
    assert f'action="/admin/sources/{courier}/refresh"' not in page
    resumed = send(boss, f"/admin/sources/{courier}/resume")
    assert (
        resumed.status_code == 303 and resumed.headers["location"] == f"/admin/sources/{courier}?done=resumed"
    )
    source = site.source(courier)
    assert source.enabled and source.next_check_at is not None and source.next_check_at <= datetime.now(UTC)
    assert site.wakes == [1]
    assert FETCHES_NOW in boss.get(resumed.headers["location"]).text


def test_refresh_now_wakes_the_scheduler(site: Site) -> None:
    boss = site.browser(BOSS)
    courier = site.source_id(COURIER)
    assert site.source(courier).next_check_at > datetime.now(UTC)  # type: ignore[operator]
    refreshed = send(boss, f"/admin/sources/{courier}/refresh")
    assert (
        refreshed.status_code == 303
        and refreshed.headers["location"] == f"/admin/sources/{courier}?done=refresh"
    )
    assert site.source(courier).next_check_at <= datetime.now(UTC)  # type: ignore[operator]
    assert courier in [s.id for s in site.store.sources.due(datetime.now(UTC) + timedelta(seconds=1))]
    assert site.wakes == [1]
    page = boss.get(refreshed.headers["location"]).text
    assert FETCHES_NOW in page and WAITS not in page


def test_refresh_now_without_a_scheduler_says_when(site_without_scheduler: Site) -> None:
    site = site_without_scheduler
    boss = site.browser(BOSS)
    courier = site.source_id(COURIER)
    refreshed = send(boss, f"/admin/sources/{courier}/refresh")
    assert refreshed.status_code == 303
    assert site.source(courier).next_check_at <= datetime.now(UTC)  # type: ignore[operator]
    page = boss.get(refreshed.headers["location"]).text
    assert WAITS in page and FETCHES_NOW not in page


def test_a_paused_feed_cannot_be_refreshed(site: Site) -> None:
    boss = site.browser(BOSS)
    paused = next(s for s in site.store.sources.list() if not s.enabled)
    answer = send(boss, f"/admin/sources/{paused.id}/refresh")
    assert answer.status_code == 409 and PAUSED in answer.text and NOTHING_CHANGED in answer.text
    assert site.source(paused.id).next_check_at == paused.next_check_at and site.wakes == []


def test_removing_a_feed_keeps_its_articles(site: Site) -> None:
    boss = site.browser(BOSS)
    courier = site.source_id(COURIER)
    articles = [a.id for a in site.store.articles.many(site.room.articles) if a.source_id == courier]
    unconfirmed = send(boss, f"/admin/sources/{courier}/remove")
    assert unconfirmed.status_code == 400 and NOT_CONFIRMED in unconfirmed.text
    assert site.store.sources.get(courier) is not None
    removed = send(boss, f"/admin/sources/{courier}/remove", confirm="yes")
    assert removed.status_code == 303 and removed.headers["location"] == "/admin/sources?done=removed"
    assert site.store.sources.get(courier) is None
    kept = site.store.articles.many(articles)
    assert len(kept) == len(articles) > 0 and all(a.source_id is None for a in kept)
    listing = boss.get(removed.headers["location"]).text
    assert "The feed is removed" in listing and f'id="source-{courier}"' not in listing
    assert boss.get(f"/admin/sources/{courier}").status_code == 404


def test_unknown_sources_are_not_found(site: Site) -> None:
    boss, before = site.browser(BOSS), snapshot(site)
    for path in (
        "/admin/sources/99999",
        "/admin/sources/0",
        "/admin/sources/nonsense",
        "/admin/sources/" + "9" * 30,
    ):
        answer = boss.get(path)
        assert answer.status_code == 404 and NO_SUCH_SOURCE in answer.text, path
    for action, fields in (
        ("edit", {"title": "x", "feed_url": "https://x.example/"}),
        ("pause", {}),
        ("resume", {}),
        ("refresh", {}),
        ("remove", {"confirm": "yes"}),
    ):
        answer = send(boss, f"/admin/sources/99999/{action}", **fields)
        assert answer.status_code == 404 and NO_SUCH_SOURCE in answer.text, action
    assert snapshot(site) == before and site.wakes == []


def test_forged_forms_are_refused(site: Site) -> None:
    boss, before = site.browser(BOSS), snapshot(site)
    for path, fields in posts(site):
        for token in (None, "0" * 64):
            data = fields if token is None else fields | {"csrf_token": token}
            answer = boss.post(path, data=data, follow_redirects=False)
            assert answer.status_code == 403 and FORGED in answer.text, path
        crossed = boss.post(
            path, data=fields | {"csrf_token": token_of(boss)}, headers={"Origin": "https://evil.example"}
        )
        assert crossed.status_code == 403, path
    assert snapshot(site) == before and site.wakes == []


def test_feed_text_is_escaped(site: Site) -> None:
    evil = "<script>alert(1)</script>"
    source, _ = site.store.sources.add(
        SourceSpec(feed_url="https://evil.example/feed?a=<b>", title=f"Evil {evil}", publisher=f"Pub {evil}")
    )
    site.store.sources.record_failure(
        source.id, now=datetime.now(UTC), error=f"Broke {evil}", next_check_at=datetime.now(UTC)
    )
    boss = site.browser(BOSS)
    for path in ("/admin/sources", f"/admin/sources/{source.id}"):
        html = boss.get(path).text
        assert evil not in html and "<b>" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "Broke &lt;script&gt;" in html, path
