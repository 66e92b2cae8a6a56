"""Reader accounts on SQLite and on the real PostgreSQL: one account per address, roles, bans that sign out,
sessions kept only as hashes and expiring, two-factor steps spent once, sign-in failures counted per key."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

import herald.store.users
from herald.errors import AccountError
from herald.store import Store
from herald.store.schema import RateEventRow, UserRow, UserSessionRow
from herald.store.users import UserStore

HOUR = timedelta(hours=1)


def _session_rows(store: Store) -> list[tuple[str, int]]:
    with store.db.read() as session:
        rows = session.execute(select(UserSessionRow.token_hash, UserSessionRow.user_id))
        return [(token_hash, user_id) for token_hash, user_id in rows]


def test_create_get_and_by_email(users: UserStore) -> None:
    before = datetime.now(UTC)
    ada = users.create("ada@example.org", "Ada", "hash-a")
    bob = users.create("bob@example.org", "Bob", "hash-b", role="admin")
    assert ada.id != bob.id
    assert (ada.email, ada.display_name, ada.role, ada.banned, ada.totp_enabled) == (
        "ada@example.org",
        "Ada",
        "reader",
        False,
        False,
    )
    assert ada.created_at.tzinfo is not None and ada.created_at >= before - timedelta(seconds=1)
    assert users.get(ada.id) == ada
    assert users.by_email("bob@example.org") == bob and bob.is_admin
    assert users.by_email("BOB@example.org") is None  # the caller normalises; the store matches exactly
    assert users.get(10_000) is None and users.by_email("nobody@example.org") is None
    assert users.password_hash(ada.id) == "hash-a" and users.password_hash(10_000) is None
    assert [u.id for u in users.list()] == [ada.id, bob.id]
    assert [u.id for u in users.list(limit=1, offset=1)] == [bob.id]
    assert users.count() == 2 and users.count_admins() == 1
    long_name = users.create("carol@example.org", "C" * 200, "hash-c")
    assert long_name.display_name == "C" * 80


def test_duplicate_email_is_an_account_error(users: UserStore) -> None:
    users.create("ada@example.org", "Ada", "hash-a")
    with pytest.raises(AccountError, match="cannot be used") as raised:
        users.create("ada@example.org", "Another Ada", "secret-hash")
    assert "secret-hash" not in str(raised.value) and raised.value.__cause__ is None
    assert users.count() == 1
    users.create("ada2@example.org", "Ada 2", "hash")  # the failed insert left nothing broken behind
    assert users.count() == 2


def test_roles_are_validated(users: UserStore) -> None:
    with pytest.raises(ValueError, match="role"):
        users.create("ada@example.org", "Ada", "hash", role="root")
    assert users.count() == 0
    ada = users.create("ada@example.org", "Ada", "hash")
    users.set_role(ada.id, "moderator")
    assert (user := users.get(ada.id)) is not None and user.role == "moderator" and user.is_moderator
    with pytest.raises(ValueError, match="role"):
        users.set_role(ada.id, "superuser")
    assert (user := users.get(ada.id)) is not None and user.role == "moderator"
    users.set_role(ada.id, "admin")
    assert users.count_admins() == 1
    users.set_banned(ada.id, True)
    assert users.count_admins() == 0  # a banned admin cannot act, so does not count


def test_password_change_sets_its_time(store: Store, users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "old-hash")

    def changed_at() -> datetime:
        with store.db.read() as session:
            value = session.scalar(select(UserRow.password_changed_at).where(UserRow.id == ada.id))
            assert value is not None
            return value

    assert changed_at() == ada.created_at
    later = ada.created_at + timedelta(days=3)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(herald.store.users, "_now", lambda: later)
        users.set_password_hash(ada.id, "new-hash")
    assert users.password_hash(ada.id) == "new-hash"
    assert changed_at() == later and changed_at().tzinfo is not None


def test_sessions_store_only_a_hash_of_the_token(store: Store, users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash")
    token = users.create_session(ada.id, lifetime=HOUR, user_agent="Browser/1 " + "x" * 400)
    assert len(token) >= 40
    assert _session_rows(store) == [(hashlib.sha256(token.encode()).hexdigest(), ada.id)]
    with store.db.read() as session:
        stored = session.execute(select(UserSessionRow)).scalars().one()
        assert token not in (stored.token_hash, stored.user_agent) and len(stored.user_agent) == 200
    assert users.session_user(token) == ada
    assert users.session_user(token[:-1]) is None
    assert users.session_user("") is None
    users.delete_session(token)
    assert users.session_user(token) is None and _session_rows(store) == []


def test_oversized_token_is_refused_without_a_query(store: Store, users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash")
    token = users.create_session(ada.id, lifetime=HOUR)
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(store.db.engine, "before_cursor_execute", count)
    try:
        assert users.session_user("a" * 101) is None
        assert users.session_user(token + "a" * 100) is None
        users.delete_session("a" * 5000)
        assert statements == []
        assert users.session_user(token) == ada  # the listener does see the queries that are made
        assert statements
    finally:
        event.remove(store.db.engine, "before_cursor_execute", count)


def test_sessions_expire(store: Store, users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash")
    expired = users.create_session(ada.id, lifetime=-timedelta(seconds=1))
    live = users.create_session(ada.id, lifetime=HOUR)
    assert users.session_user(expired) is None
    assert users.session_user(live) == ada
    later = datetime.now(UTC) + 2 * HOUR
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(herald.store.users, "_now", lambda: later)
        assert users.session_user(live) is None
    assert users.purge_expired_sessions() == 1  # only the one already expired
    assert users.session_user(live) == ada
    assert users.purge_expired_sessions(now=later) == 1
    assert _session_rows(store) == []


def test_ban_signs_out_and_banned_users_have_no_session(store: Store, users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash")
    bob = users.create("bob@example.org", "Bob", "hash")
    ada_tokens = [users.create_session(ada.id, lifetime=HOUR) for _ in range(2)]
    bob_token = users.create_session(bob.id, lifetime=HOUR)
    users.set_banned(ada.id, True)
    assert (banned := users.get(ada.id)) is not None and banned.banned
    assert all(users.session_user(t) is None for t in ada_tokens)
    assert [user_id for _hash, user_id in _session_rows(store)] == [bob.id]
    assert users.session_user(bob_token) == bob

    # a session made while banned (by a caller that forgot to check) still signs no one in
    sneaky = users.create_session(ada.id, lifetime=HOUR)
    assert users.session_user(sneaky) is None
    users.set_banned(ada.id, False)
    assert users.session_user(sneaky) == users.get(ada.id)  # unbanned: the session works again


def test_delete_sessions_can_keep_the_current_one(users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash")
    bob = users.create("bob@example.org", "Bob", "hash")
    current, other, third = (users.create_session(ada.id, lifetime=HOUR) for _ in range(3))
    bob_token = users.create_session(bob.id, lifetime=HOUR)
    assert users.delete_sessions(ada.id, keep_token=current) == 2
    assert users.session_user(current) == ada
    assert users.session_user(other) is None and users.session_user(third) is None
    assert users.delete_sessions(ada.id, keep_token=bob_token) == 1  # another user's token keeps nothing
    assert users.session_user(current) is None
    assert users.delete_sessions(ada.id) == 0
    assert users.session_user(bob_token) == bob


def test_deleting_a_user_takes_their_sessions(store: Store, users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash")
    users.create_session(ada.id, lifetime=HOUR)
    with store.db.write() as session:
        session.delete(session.get(UserRow, ada.id))
    assert _session_rows(store) == []


def test_totp_steps_are_spent_once_and_in_order(users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash")
    assert users.totp(ada.id) == (None, 0) and users.totp(10_000) == (None, 0)
    users.set_totp(ada.id, "JBSWY3DPEHPK3PXP")
    assert (user := users.get(ada.id)) is not None and user.totp_enabled
    assert users.use_totp_step(ada.id, 1000)
    assert not users.use_totp_step(ada.id, 1000)  # the same code again
    assert not users.use_totp_step(ada.id, 999)  # an older code
    assert users.use_totp_step(ada.id, 1001)
    assert users.totp(ada.id) == ("JBSWY3DPEHPK3PXP", 1001)
    big = 2**40  # past 32 bits: the column is a BigInteger
    assert users.use_totp_step(ada.id, big) and users.totp(ada.id) == ("JBSWY3DPEHPK3PXP", big)
    assert not users.use_totp_step(10_000, 5)  # no such user
    users.set_totp(ada.id, None)
    assert users.totp(ada.id) == (None, 0)
    assert (user := users.get(ada.id)) is not None and not user.totp_enabled
    with pytest.raises(ValueError):
        users.set_totp(ada.id, "A" * 65)


def test_concurrent_sign_ins_cannot_share_a_code(users: UserStore) -> None:
    ada = users.create("ada@example.org", "Ada", "hash")
    users.set_totp(ada.id, "JBSWY3DPEHPK3PXP")
    attempts = 8
    start = threading.Barrier(attempts)
    results: list[bool] = []
    lock = threading.Lock()

    def sign_in() -> None:
        start.wait()
        won = users.use_totp_step(ada.id, 4242)
        with lock:
            results.append(won)

    threads = [threading.Thread(target=sign_in) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * (attempts - 1) + [True]


def test_sign_in_failures_count_by_key_and_window(store: Store, users: UserStore) -> None:
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    email, addr = "email:ada@example.org", "addr:192.0.2.1"
    for minutes in (0, 5, 10):
        users.record_events([email, addr], at=t0 + timedelta(minutes=minutes))
    users.record_events(["addr:192.0.2.2"], at=t0 + timedelta(minutes=10))
    users.record_events([], at=t0)  # nothing to record, no error
    assert users.count_events(email, since=t0) == 3
    assert users.count_events(email, since=t0 + timedelta(minutes=5)) == 2  # the window's start counts
    assert users.count_events(addr, since=t0 + timedelta(minutes=11)) == 0
    assert users.count_events("addr:192.0.2.2", since=t0) == 1
    assert users.count_events("email:bob@example.org", since=t0) == 0

    users.clear_events(email)  # a successful sign-in forgets the account's failures…
    assert users.count_events(email, since=t0) == 0
    assert users.count_events(addr, since=t0) == 3  # …not the address's

    recent = datetime.now(UTC)
    users.record_events([addr])  # without a time: now, aware UTC
    assert users.count_events(addr, since=recent - timedelta(minutes=1)) == 1
    with store.db.read() as session:
        newest = session.scalar(select(func.max(RateEventRow.at)))
        assert newest is not None and newest.tzinfo is not None

    assert users.purge_events(before=t0 + timedelta(minutes=10)) == 2  # addr at 0 and 5
    assert users.count_events(addr, since=t0) == 2
    assert users.count_events("addr:192.0.2.2", since=t0) == 1


def test_long_throttle_keys_are_cut(users: UserStore) -> None:
    long_key = "email:" + "a" * 400 + "@example.org"
    at = datetime(2026, 12, 1, tzinfo=UTC)
    users.record_events([long_key, long_key[:300] + "different tail"], at=at)
    # both keys cut to the same 300 characters: one row, found by either form
    assert users.count_events(long_key, since=at) == 1
    assert users.count_events(long_key[:300], since=at) == 1
    users.clear_events(long_key)
    assert users.count_events(long_key, since=at) == 0
