"""Sessions of two kinds on SQLite and on the real PostgreSQL: a browser's cookie and an app's bearer token,
each accepted only as its own kind; an app's sessions listed by a public handle and ended one by one, only by
their own reader."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, text

from herald.store import Store
from herald.store.schema import UTCDateTime
from herald.store.users import HANDLE_CHARS, UserStore, session_handle

HOUR = timedelta(hours=1)


def test_a_token_works_only_as_the_kind_it_was_made(users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash-a")
    web = users.create_session(ada.id, lifetime=HOUR)  # the site's callers name no kind
    app = users.create_session(ada.id, lifetime=HOUR, kind="app", label="Phone")
    assert users.session_user(web) == ada and users.session_user(web, kind="web") == ada
    assert users.session_user(web, kind="app") is None
    assert users.session_user(app, kind="app") == ada
    assert users.session_user(app) is None  # an app's token is no browser's cookie
    with pytest.raises(ValueError, match="session kind"):
        users.create_session(ada.id, lifetime=HOUR, kind="robot")
    with pytest.raises(ValueError, match="session kind"):
        users.session_user(app, kind="robot")


def test_app_sessions_are_listed_newest_first_by_handle(users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash-a")
    bob = users.create("bob@example.org", "Bob", "hash-b")
    users.create_session(ada.id, lifetime=HOUR)  # a browser: not an app
    first = users.create_session(ada.id, lifetime=HOUR, kind="app", label="Tablet", user_agent="Herald/1")
    second = users.create_session(ada.id, lifetime=HOUR, kind="app", label="P" * 300)
    users.create_session(ada.id, lifetime=-HOUR, kind="app", label="Expired")
    users.create_session(bob.id, lifetime=HOUR, kind="app", label="Bob's phone")

    listed = users.sessions(ada.id)
    assert [s.handle for s in listed] == [session_handle(second), session_handle(first)]
    assert [s.label for s in listed] == ["P" * 100, "Tablet"]
    assert all(s.kind == "app" and len(s.handle) == HANDLE_CHARS for s in listed)
    assert listed[1].user_agent == "Herald/1"
    assert listed[0].expires_at - listed[0].created_at == HOUR
    assert [s.handle for s in users.sessions(ada.id, limit=1, offset=1)] == [session_handle(first)]
    assert len(users.sessions(ada.id, kind="web")) == 1
    assert session_handle(first) == session_handle(first) != session_handle(second)


def test_an_app_is_signed_out_by_its_handle_only_by_its_reader(users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash-a")
    bob = users.create("bob@example.org", "Bob", "hash-b")
    web = users.create_session(ada.id, lifetime=HOUR)
    phone = users.create_session(ada.id, lifetime=HOUR, kind="app", label="Phone")
    tablet = users.create_session(ada.id, lifetime=HOUR, kind="app", label="Tablet")

    assert not users.delete_session_by_handle(bob.id, session_handle(phone))  # not Bob's
    assert not users.delete_session_by_handle(ada.id, session_handle(web))  # a browser is not an app
    for not_a_handle in (
        "",
        "%",
        "_" * HANDLE_CHARS,
        session_handle(phone)[:-1],
        session_handle(phone) + "0",
    ):
        assert not users.delete_session_by_handle(ada.id, not_a_handle)
    assert users.session_user(phone, kind="app") == ada and users.session_user(web) == ada

    assert users.delete_session_by_handle(ada.id, session_handle(phone))
    assert users.session_user(phone, kind="app") is None
    assert users.session_user(tablet, kind="app") == ada and users.session_user(web) == ada
    assert not users.delete_session_by_handle(ada.id, session_handle(phone))  # once


def test_deleting_by_token_can_be_kept_to_one_kind(users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash-a")
    web = users.create_session(ada.id, lifetime=HOUR)
    app = users.create_session(ada.id, lifetime=HOUR, kind="app", label="Phone")
    assert not users.delete_session(web, kind="app")
    assert users.session_user(web) == ada
    assert users.delete_session(app, kind="app")
    assert not users.delete_session(app)
    assert users.delete_session(web)  # no kind named: whichever it is
    assert users.session_user(web) is None


def test_a_ban_and_a_password_change_end_app_sessions_too(users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash-a")
    kept = users.create_session(ada.id, lifetime=HOUR, kind="app", label="Phone")
    other = users.create_session(ada.id, lifetime=HOUR, kind="app", label="Tablet")
    browser = users.create_session(ada.id, lifetime=HOUR)
    assert users.delete_sessions(ada.id, keep_token=kept) == 2
    assert users.session_user(kept, kind="app") == ada
    assert users.session_user(other, kind="app") is None and users.session_user(browser) is None
    users.set_banned(ada.id, True)
    assert users.session_user(kept, kind="app") is None and users.sessions(ada.id) == []


def test_sessions_made_before_kinds_are_browsers(store: Store, users: UserStore) -> None:
    """A row written without a kind (every session before app tokens) takes the database's default: web."""
    ada = users.create("ada@example.org", "Ada", "hash-a")
    now = datetime.now(UTC)
    statement = text(
        "INSERT INTO user_sessions (token_hash, user_id, created_at, expires_at, user_agent) "
        "VALUES (:token_hash, :user_id, :created_at, :expires_at, '')"
    ).bindparams(bindparam("created_at", type_=UTCDateTime()), bindparam("expires_at", type_=UTCDateTime()))
    old = "an-old-browser-token"
    with store.db.write() as session:
        session.execute(
            statement,
            {
                "token_hash": hashlib.sha256(old.encode()).hexdigest(),
                "user_id": ada.id,
                "created_at": now,
                "expires_at": now + HOUR,
            },
        )
    assert users.session_user(old) == ada
    assert users.session_user(old, kind="app") is None
    assert users.sessions(ada.id) == [] and [s.label for s in users.sessions(ada.id, kind="web")] == [""]
