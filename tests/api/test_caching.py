"""Conditional requests under /api/v1: a strong ETag on every successful GET, Last-Modified where the data
has a time (once its second is over), 304 with no body for If-None-Match or If-Modified-Since, HEAD as GET
without the body, and a reader's private answers kept private on their 304s too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from starlette.datastructures import Headers

from herald.api.caching import (
    ConditionalGetMiddleware,
    body_etag,
    etag_matches,
    http_date,
    not_modified,
    settled,
)
from herald.models import ExtractedArticle
from herald.store.schema import ArticleRow, StoryRow
from tests.api.test_tokens import BOB, PERSONAL, Herald, bearer, build_herald
from tests.web.signed_in import ADA

AN_HOUR_AGO = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


@pytest.fixture
def herald(tmp_path: Path) -> Iterator[Herald]:
    """A site whose articles and stories last changed an hour ago."""
    for site in build_herald(tmp_path):
        with site.store.db.write() as session:
            session.execute(update(ArticleRow).values(changed_at=AN_HOUR_AGO))
            session.execute(update(StoryRow).values(changed_at=AN_HOUR_AGO))
        yield site


def not_modified_answer(answer: Any, first: Any) -> None:
    assert answer.status_code == 304, answer.text
    assert answer.content == b""
    assert answer.headers["etag"] == first.headers["etag"]
    assert answer.headers["cache-control"] == first.headers["cache-control"]
    assert "content-length" not in answer.headers or answer.headers["content-length"] == "0"


def test_every_get_carries_a_strong_etag_and_an_unchanged_answer_is_304(herald: Herald) -> None:
    s = herald.stories
    for path in (
        "/api/v1/stories",
        f"/api/v1/stories/{s.ferry}",
        "/api/v1/articles?limit=5",
        f"/api/v1/articles/{s.wire}",
        f"/api/v1/articles/{s.wire}/related",
        f"/api/v1/articles/{s.wire}/summary",  # the AI tools' endpoints too
        "/api/v1/sections",
        "/api/v1/publishers",
        "/api/v1/entities/port-alder",
        "/api/v1/openapi.json",
    ):
        first = herald.client.get(path)
        assert first.status_code == 200, path
        etag = first.headers["etag"]
        assert etag.startswith('"') and etag == body_etag(first.content), path
        assert herald.client.get(path).headers["etag"] == etag  # the same answer, the same tag
        not_modified_answer(herald.client.get(path, headers={"If-None-Match": etag}), first)
        # any of a list, and a weak form of ours, match; another tag does not
        listed = herald.client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
        not_modified_answer(listed, first)
        assert herald.client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_last_modified_and_if_modified_since(herald: Herald) -> None:
    s = herald.stories
    for path in (f"/api/v1/articles/{s.wire}", f"/api/v1/stories/{s.ferry}"):
        first = herald.client.get(path)
        assert first.headers["last-modified"] == http_date(AN_HOUR_AGO), path
        same = herald.client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
        not_modified_answer(same, first)
        later = format_datetime(AN_HOUR_AGO + timedelta(minutes=5), usegmt=True)
        not_modified_answer(herald.client.get(path, headers={"If-Modified-Since": later}), first)
        earlier = format_datetime(AN_HOUR_AGO - timedelta(seconds=1), usegmt=True)
        assert herald.client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
        assert herald.client.get(path, headers={"If-Modified-Since": "yesterday"}).status_code == 200
        # If-None-Match decides when both are sent
        both = {"If-Modified-Since": first.headers["last-modified"], "If-None-Match": '"other"'}
        assert herald.client.get(path, headers=both).status_code == 200


def test_a_changed_article_is_sent_again_with_its_new_validators(herald: Herald) -> None:
    s, path = herald.stories, f"/api/v1/articles/{herald.stories.wire}"
    first = herald.client.get(path)
    corrected = ExtractedArticle(
        title=first.json()["title"], paragraphs=("A corrected text.",), canonical_url=None
    )
    assert herald.store.articles.replace_content(s.wire, corrected, content_hash="c", now=AN_HOUR_AGO)
    by_tag = herald.client.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert by_tag.status_code == 200 and by_tag.json()["paragraphs"] == ["A corrected text."]
    assert by_tag.headers["etag"] != first.headers["etag"]
    # the change happened just now: its date is sent only once its second is over, so If-Modified-Since
    # cannot mistake a second change in the same second for none
    by_date = herald.client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    assert by_date.status_code == 200
    assert datetime.fromisoformat(by_date.json()["changed_at"]) > AN_HOUR_AGO


def test_a_date_in_the_current_second_is_not_sent(herald: Herald) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)  # a database clock ahead of this one looks the same
    with herald.store.db.write() as session:
        session.execute(
            update(ArticleRow).where(ArticleRow.id == herald.stories.wire).values(changed_at=soon)
        )
    answer = herald.client.get(f"/api/v1/articles/{herald.stories.wire}")
    assert answer.status_code == 200 and "last-modified" not in answer.headers and answer.headers["etag"]


def test_a_readers_private_answers_keep_their_etag_and_stay_private(herald: Herald) -> None:
    ada, bob = herald.token(ADA), herald.token(BOB)
    first = herald.client.get("/api/v1/me", headers=bearer(ada))
    assert first.status_code == 200 and first.headers["cache-control"] == PERSONAL
    etag = first.headers["etag"]
    repeat = herald.client.get("/api/v1/me", headers={**bearer(ada), "If-None-Match": etag})
    not_modified_answer(repeat, first)
    assert repeat.headers["cache-control"] == PERSONAL
    # another reader's answer is another body: Ada's tag never gets Bob a 304
    others = herald.client.get("/api/v1/me", headers={**bearer(bob), "If-None-Match": etag})
    assert others.status_code == 200 and others.json()["email"] == "bob@example.org"
    # without a token there is nothing to validate: the refusal stays a refusal
    refused = herald.client.get("/api/v1/me", headers={"If-None-Match": etag})
    assert refused.status_code == 401 and "etag" not in refused.headers
    saved = herald.client.get("/api/v1/me/saved", headers=bearer(ada))
    assert saved.headers["cache-control"] == PERSONAL
    not_modified_answer(
        herald.client.get(
            "/api/v1/me/saved", headers={**bearer(ada), "If-None-Match": saved.headers["etag"]}
        ),
        saved,
    )


def test_head_is_get_without_the_body(herald: Herald) -> None:
    path = f"/api/v1/articles/{herald.stories.wire}"
    got = herald.client.get(path)
    head = herald.client.head(path)
    assert head.status_code == 200 and head.content == b""
    for name in ("etag", "last-modified", "cache-control", "content-type", "content-length"):
        assert head.headers[name] == got.headers[name], name
    assert herald.client.head(path, headers={"If-None-Match": got.headers["etag"]}).status_code == 304
    assert herald.client.head("/api/v1/articles/" + "0" * 32).status_code == 404


def test_errors_writes_and_the_site_are_left_alone(herald: Herald) -> None:
    missing = herald.client.get("/api/v1/articles/" + "0" * 32, headers={"If-None-Match": "*"})
    assert missing.status_code == 404 and "etag" not in missing.headers
    signed = herald.sign_in()
    assert signed.status_code == 201 and "etag" not in signed.headers
    assert "etag" not in herald.client.get("/").headers


def test_validators_in_detail() -> None:
    assert etag_matches("*", '"a"') and etag_matches('W/"a"', '"a"') and etag_matches('"b", "a"', '"a"')
    assert not etag_matches('"ab"', '"a"') and not etag_matches("", '"a"')
    assert http_date(datetime(2024, 5, 1, 9, 30, 15, 999999, tzinfo=UTC)) == "Wed, 01 May 2024 09:30:15 GMT"
    stamp = datetime(2024, 5, 1, 9, 30, 15, tzinfo=UTC)
    assert settled(http_date(stamp), stamp.timestamp() + 1)
    assert not settled(http_date(stamp), stamp.timestamp() + 0.5)
    assert not settled("not a date", stamp.timestamp() + 10)
    answer = Headers({"etag": '"a"', "last-modified": http_date(stamp)})
    assert not_modified(Headers({"if-modified-since": http_date(stamp)}), answer)
    assert not not_modified(Headers({"if-modified-since": http_date(stamp - timedelta(seconds=1))}), answer)
    assert not not_modified(Headers({}), answer)


async def test_an_error_answered_and_raised_again_still_reaches_the_client() -> None:
    """Starlette answers an unhandled error, then raises it again for the server to log."""

    async def failing(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"x/y")]})
        await send({"type": "http.response.body", "body": b"sorry"})
        raise RuntimeError("logged by the server")

    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": "/api/v1/stories", "headers": [], "query_string": b""}
    with pytest.raises(RuntimeError):
        await ConditionalGetMiddleware(failing)(scope, receive, send)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 500 and sent[1]["body"] == b"sorry"
