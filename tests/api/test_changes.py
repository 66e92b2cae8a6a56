"""GET /api/v1/changes as an app syncs with it: a cursor for now, then every article and story that changed
since (a corrected text, a new story, a merge reported as gone with where it went), oldest first, in pages
that hold every change once; a change being written is never passed by a cursor; bad, tampered and foreign
cursors are refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from herald.api import sync
from herald.api.sync import BAD_SINCE
from herald.models import ExtractedArticle
from tests.api.test_tokens import Herald, build_herald, problem_of
from tests.web.conftest import NOW, place, unit

Change = tuple[str, Any]


@pytest.fixture
def herald(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Herald]:
    """A site whose changes are listed as soon as they are made (the settling time is tested on its own)."""
    monkeypatch.setattr(sync, "SETTLE", timedelta(0))
    yield from build_herald(tmp_path)


def changes(herald: Herald, since: str | None = None, **query: Any) -> dict[str, Any]:
    params = {**query, **({"since": since} if since is not None else {})}
    answer = herald.client.get("/api/v1/changes", params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "public, no-cache" and answer.headers["etag"]
    body: dict[str, Any] = answer.json()
    return body


def sync_all(herald: Herald, since: str, limit: int = 100) -> tuple[list[dict[str, Any]], str]:
    """Every change since ``since``, asking again while more wait, as an app does; and the cursor to keep."""
    found: list[dict[str, Any]] = []
    while True:
        page = changes(herald, since, limit=limit)
        found += page["changes"]
        since = page["next_cursor"]
        if not page["has_more"]:
            return found, since


def at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def kinds(found: list[dict[str, Any]]) -> set[Change]:
    return {(c["kind"], c["article_id"] if c["kind"] == "article" else c["story_id"]) for c in found}


def test_no_cursor_means_now_and_nothing_changed_since(herald: Herald) -> None:
    start = changes(herald)
    assert start["changes"] == [] and start["has_more"] is False and start["next_cursor"]
    found, cursor = sync_all(herald, start["next_cursor"])
    assert found == [] and cursor


def test_a_corrected_article_is_reported_once(herald: Herald) -> None:
    cursor = changes(herald)["next_cursor"]
    wire = herald.stories.wire
    corrected = ExtractedArticle(title="x", paragraphs=("A corrected text.",), canonical_url=None)
    herald.store.articles.replace_content(wire, corrected, content_hash="c", now=NOW)
    found, cursor = sync_all(herald, cursor)
    assert [(c["kind"], c["article_id"], c["story_id"], c["gone"]) for c in found] == [
        ("article", wire, herald.stories.ferry, False)
    ]
    assert found[0]["href"] == f"/api/v1/articles/{wire}"
    refetched = herald.client.get(found[0]["href"]).json()
    assert (
        refetched["paragraphs"] == ["A corrected text."] and refetched["changed_at"] == found[0]["changed_at"]
    )
    assert sync_all(herald, cursor)[0] == []  # and never again


def test_a_new_story_and_a_merge_are_reported_with_where_the_story_went(herald: Herald) -> None:
    s, store = herald.stories, herald.store
    cursor = changes(herald)["next_cursor"]
    lone = herald.room.articles[2]
    article = store.articles.get(lone)
    assert article is not None
    new_story = place(store, lone, unit(9), article.fetched_at)
    found, cursor = sync_all(herald, cursor)
    assert kinds(found) == {("article", lone), ("story", new_story)}
    story = next(c for c in found if c["kind"] == "story")
    assert story["gone"] is False and story["merged_into"] is None
    assert story["href"] == f"/api/v1/stories/{new_story}"

    other = herald.room.articles[3]
    place(store, other, unit(9), article.fetched_at, story_id=s.ferry, merge_story_ids=(new_story,))
    found, cursor = sync_all(herald, cursor)
    assert kinds(found) == {("article", lone), ("article", other), ("story", new_story), ("story", s.ferry)}
    merged = next(c for c in found if c["kind"] == "story" and c["story_id"] == new_story)
    assert merged["gone"] is True and merged["merged_into"] == s.ferry
    assert merged["href"] == f"/api/v1/stories/{s.ferry}"
    moved = next(c for c in found if c["article_id"] == lone)
    assert moved["story_id"] == s.ferry
    times = [at(c["changed_at"]) for c in found]
    assert times == sorted(times)  # oldest first


def test_changes_come_in_pages_each_change_once(herald: Herald) -> None:
    store = herald.store
    cursor = changes(herald)["next_cursor"]
    for article_id in herald.room.articles[:7]:
        corrected = ExtractedArticle(
            title="x", paragraphs=(f"New text of {article_id}.",), canonical_url=None
        )
        store.articles.replace_content(article_id, corrected, content_hash=article_id, now=NOW)
    pages = []
    while True:
        page = changes(herald, cursor, limit=3)
        pages.append(page)
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert [len(p["changes"]) for p in pages] == [3, 3, 1]
    found = [(at(c["changed_at"]), c["article_id"]) for p in pages for c in p["changes"]]
    # each once, oldest change first (changes stamped at one instant by id: SQLite's clock has milliseconds)
    assert found == sorted(found) and sorted(a for _, a in found) == sorted(herald.room.articles[:7])


def test_a_change_not_yet_settled_is_not_passed(herald: Herald, monkeypatch: pytest.MonkeyPatch) -> None:
    cursor = changes(herald)["next_cursor"]
    corrected = ExtractedArticle(title="x", paragraphs=("Being written.",), canonical_url=None)
    herald.store.articles.replace_content(herald.stories.wire, corrected, content_hash="c", now=NOW)
    monkeypatch.setattr(sync, "SETTLE", timedelta(hours=1))  # as if it could still be in an open transaction
    waiting = changes(herald, cursor)
    assert waiting["changes"] == [] and waiting["has_more"] is False
    monkeypatch.setattr(sync, "SETTLE", timedelta(0))
    found, _ = sync_all(herald, waiting["next_cursor"])  # the cursor kept did not step past it
    assert kinds(found) == {("article", herald.stories.wire)}


def test_a_page_of_changes_has_validators(herald: Herald) -> None:
    cursor = changes(herald)["next_cursor"]
    corrected = ExtractedArticle(title="x", paragraphs=("Again.",), canonical_url=None)
    herald.store.articles.replace_content(herald.stories.wire, corrected, content_hash="c", now=NOW)
    first = herald.client.get("/api/v1/changes", params={"since": cursor})
    assert first.headers["etag"]
    same = herald.client.get(
        "/api/v1/changes", params={"since": cursor}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert same.status_code == 304 and same.content == b""


def test_bad_tampered_and_foreign_cursors_are_refused(herald: Herald) -> None:
    cursor = changes(herald)["next_cursor"]
    payload, mac = cursor.split(".")
    listing = herald.client.get("/api/v1/articles", params={"limit": 1}).json()["next_cursor"]
    for bad in ("now", "0", f"{payload}.{mac[:-2]}", f"{payload[:-2]}.{mac}", listing, cursor + "."):
        answer = herald.client.get("/api/v1/changes", params={"since": bad})
        assert problem_of(answer, 400)["detail"] == BAD_SINCE, bad
    too_many = herald.client.get("/api/v1/changes", params={"since": cursor, "limit": 10_000})
    assert problem_of(too_many, 422)["detail"].startswith("query parameter limit")
