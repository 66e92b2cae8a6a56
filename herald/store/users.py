"""Reader accounts: users, their signed-in sessions and the failed sign-ins that throttle password guessing.

Passwords arrive already hashed and two-factor codes already checked: this module only keeps the state, in
short transactions, and makes the one race that matters (a two-factor code used twice at once) impossible in
SQL rather than in Python.
"""

from __future__ import annotations

import builtins
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from herald.errors import AccountError
from herald.models import ROLES, User
from herald.store.database import Database
from herald.store.schema import RateEventRow, UserRow, UserSessionRow

MAX_EMAIL_CHARS = 254
MAX_DISPLAY_NAME_CHARS = 80
MAX_TOTP_SECRET_CHARS = 64
MAX_USER_AGENT_CHARS = 200
MAX_THROTTLE_KEY_CHARS = 300
# Our tokens are 43 characters; anything much longer is not one of ours and is refused before hashing.
MAX_TOKEN_CHARS = 100
TOKEN_BYTES = 32
# "web": a browser's session cookie; "app": an app's bearer token. A token works only as the kind it was made.
SESSION_KINDS = ("web", "app")
MAX_SESSION_LABEL_CHARS = 100
# A session's public name on the account page and in the API: the start of its token's digest. 48 bits tell
# one reader's sessions apart, and a digest's prefix says nothing about the token.
HANDLE_CHARS = 12
_HANDLE = re.compile(rf"^[0-9a-f]{{{HANDLE_CHARS}}}$")


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A signed-in session as its reader sees it in their list: never its token or its full digest."""

    handle: str
    kind: str
    label: str  # the name the reader gave the app; "" for a browser
    created_at: datetime
    expires_at: datetime
    user_agent: str


def _now() -> datetime:
    return datetime.now(UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _usable_token(token: str) -> bool:
    return 0 < len(token) <= MAX_TOKEN_CHARS


def session_handle(token: str) -> str:
    """The handle of the session this raw token opens, as :meth:`UserStore.sessions` lists it."""
    return _token_hash(token)[:HANDLE_CHARS]


def _check_kind(kind: str) -> None:
    if kind not in SESSION_KINDS:
        raise ValueError(f"unknown session kind {kind!r}; expected one of {', '.join(SESSION_KINDS)}")


def _rowcount(result: Result[Any]) -> int:
    return max(cast(CursorResult[Any], result).rowcount, 0)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")


def _to_user(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        role=row.role,
        created_at=row.created_at,
        banned=row.banned,
        totp_enabled=row.totp_secret is not None,
    )


class UserStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # Accounts ----------------------------------------------------------------------------------------------

    def create(self, email: str, display_name: str, password_hash: str, role: str = "reader") -> User:
        """A new account; ``email`` must already be normalised. A taken address is an AccountError (the
        unique key decides, so two sign-ups racing for one address cannot both win)."""
        _check_role(role)
        if len(email) > MAX_EMAIL_CHARS:
            raise ValueError(f"email address longer than {MAX_EMAIL_CHARS} characters")
        now = _now()
        try:
            with self._db.write() as session:
                row = UserRow(
                    email=email,
                    display_name=display_name[:MAX_DISPLAY_NAME_CHARS],
                    role=role,
                    password_hash=password_hash,
                    created_at=now,
                    banned=False,
                    totp_secret=None,
                    totp_last_step=0,
                    password_changed_at=now,
                )
                session.add(row)
                session.flush()
                user = _to_user(row)
        except IntegrityError:
            # "from None": the driver's message carries the statement's parameters, the password hash among
            # them, and tracebacks end up in logs.
            raise AccountError("That email address cannot be used.") from None
        return user

    def get(self, user_id: int) -> User | None:
        with self._db.read() as session:
            row = session.get(UserRow, user_id)
            return _to_user(row) if row is not None else None

    def by_email(self, email: str) -> User | None:
        with self._db.read() as session:
            row = session.scalar(select(UserRow).where(UserRow.email == email))
            return _to_user(row) if row is not None else None

    def password_hash(self, user_id: int) -> str | None:
        with self._db.read() as session:
            return session.scalar(select(UserRow.password_hash).where(UserRow.id == user_id))

    def set_password_hash(self, user_id: int, new_hash: str) -> None:
        with self._db.write() as session:
            session.execute(
                update(UserRow)
                .where(UserRow.id == user_id)
                .values(password_hash=new_hash, password_changed_at=_now())
            )

    def set_role(self, user_id: int, role: str) -> None:
        _check_role(role)
        with self._db.write() as session:
            session.execute(update(UserRow).where(UserRow.id == user_id).values(role=role))

    def set_banned(self, user_id: int, banned: bool) -> None:
        """Ban or unban; a ban signs the user out everywhere in the same transaction."""
        with self._db.write() as session:
            session.execute(update(UserRow).where(UserRow.id == user_id).values(banned=banned))
            if banned:
                session.execute(delete(UserSessionRow).where(UserSessionRow.user_id == user_id))

    def list(self, limit: int = 50, offset: int = 0) -> builtins.list[User]:
        with self._db.read() as session:
            rows = session.scalars(select(UserRow).order_by(UserRow.id).limit(limit).offset(offset))
            return [_to_user(row) for row in rows]

    def count(self) -> int:
        with self._db.read() as session:
            return int(session.scalar(select(func.count()).select_from(UserRow)) or 0)

    def count_admins(self) -> int:
        """Admins who can still act (banned ones excluded): the number that must not drop to zero."""
        query = select(func.count()).select_from(UserRow).where(UserRow.role == "admin", ~UserRow.banned)
        with self._db.read() as session:
            return int(session.scalar(query) or 0)

    # Two-factor --------------------------------------------------------------------------------------------

    def totp(self, user_id: int) -> tuple[str | None, int]:
        """(secret, last accepted time step); (None, 0) for an unknown user."""
        with self._db.read() as session:
            found = session.execute(
                select(UserRow.totp_secret, UserRow.totp_last_step).where(UserRow.id == user_id)
            ).first()
            return (found[0], int(found[1])) if found is not None else (None, 0)

    def set_totp(self, user_id: int, secret: str | None) -> None:
        """Turn two-factor on with a new secret, or off with None; a new secret starts from step 0."""
        if secret is not None and len(secret) > MAX_TOTP_SECRET_CHARS:
            raise ValueError(f"two-factor secret longer than {MAX_TOTP_SECRET_CHARS} characters")
        with self._db.write() as session:
            session.execute(
                update(UserRow).where(UserRow.id == user_id).values(totp_secret=secret, totp_last_step=0)
            )

    def use_totp_step(self, user_id: int, step: int) -> bool:
        """Spend a code's time step: True only if it is later than every step used before. One conditional
        UPDATE, so of two sign-ins racing with the same code exactly one wins, on either database."""
        with self._db.write() as session:
            result = session.execute(
                update(UserRow)
                .where(UserRow.id == user_id, UserRow.totp_last_step < step)
                .values(totp_last_step=step)
                .execution_options(synchronize_session=False)
            )
            return _rowcount(result) == 1

    # Sessions ----------------------------------------------------------------------------------------------

    def create_session(
        self, user_id: int, *, lifetime: timedelta, user_agent: str = "", kind: str = "web", label: str = ""
    ) -> str:
        """A new raw session token: a browser's cookie, or (``kind="app"``) an app's bearer token named
        ``label``. Only its hash is stored."""
        _check_kind(kind)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = _now()
        with self._db.write() as session:
            session.execute(
                insert(UserSessionRow).values(
                    token_hash=_token_hash(token),
                    user_id=user_id,
                    created_at=now,
                    expires_at=now + lifetime,
                    user_agent=user_agent[:MAX_USER_AGENT_CHARS],
                    kind=kind,
                    label=label[:MAX_SESSION_LABEL_CHARS],
                )
            )
        return token

    def session_user(self, token: str, *, kind: str = "web") -> User | None:
        """The user signed in by this token: the session is live, of this kind (a cookie is never a bearer
        token, nor the other way round), and the user not banned."""
        _check_kind(kind)
        if not _usable_token(token):
            return None
        query = (
            select(UserRow)
            .join(UserSessionRow, UserSessionRow.user_id == UserRow.id)
            .where(
                UserSessionRow.token_hash == _token_hash(token),
                UserSessionRow.kind == kind,
                UserSessionRow.expires_at > _now(),
                ~UserRow.banned,
            )
        )
        with self._db.read() as session:
            row = session.scalar(query)
            return _to_user(row) if row is not None else None

    def delete_session(self, token: str, *, kind: str | None = None) -> bool:
        """End the session this token opens (only if it is of ``kind``, when given); False if none was."""
        if not _usable_token(token):
            return False
        statement = delete(UserSessionRow).where(UserSessionRow.token_hash == _token_hash(token))
        if kind is not None:
            _check_kind(kind)
            statement = statement.where(UserSessionRow.kind == kind)
        with self._db.write() as session:
            return _rowcount(session.execute(statement)) > 0

    def sessions(
        self, user_id: int, *, kind: str = "app", limit: int = 100, offset: int = 0
    ) -> builtins.list[SessionInfo]:
        """The user's live sessions of one kind, newest first."""
        _check_kind(kind)
        query = (
            select(UserSessionRow)
            .where(
                UserSessionRow.user_id == user_id,
                UserSessionRow.kind == kind,
                UserSessionRow.expires_at > _now(),
            )
            .order_by(UserSessionRow.created_at.desc(), UserSessionRow.token_hash)
            .limit(limit)
            .offset(offset)
        )
        with self._db.read() as session:
            return [
                SessionInfo(
                    handle=row.token_hash[:HANDLE_CHARS],
                    kind=row.kind,
                    label=row.label,
                    created_at=row.created_at,
                    expires_at=row.expires_at,
                    user_agent=row.user_agent,
                )
                for row in session.scalars(query)
            ]

    def delete_session_by_handle(self, user_id: int, handle: str, *, kind: str = "app") -> bool:
        """End one of the user's own sessions by its handle; another user's session, or a handle that is not
        one, ends nothing."""
        _check_kind(kind)
        if not _HANDLE.fullmatch(handle):
            return False
        statement = delete(UserSessionRow).where(
            UserSessionRow.user_id == user_id,
            UserSessionRow.kind == kind,
            # a handle is hex digits only, so it holds no LIKE wildcard
            UserSessionRow.token_hash.startswith(handle),
        )
        with self._db.write() as session:
            return _rowcount(session.execute(statement)) > 0

    def delete_sessions(self, user_id: int, *, keep_token: str | None = None) -> int:
        """Sign a user out everywhere, except (after a password change) the browser that made it."""
        statement = delete(UserSessionRow).where(UserSessionRow.user_id == user_id)
        if keep_token is not None and _usable_token(keep_token):
            statement = statement.where(UserSessionRow.token_hash != _token_hash(keep_token))
        with self._db.write() as session:
            return _rowcount(session.execute(statement))

    def purge_expired_sessions(self, now: datetime | None = None) -> int:
        cutoff = now or _now()
        with self._db.write() as session:
            return _rowcount(
                session.execute(delete(UserSessionRow).where(UserSessionRow.expires_at <= cutoff))
            )

    # Rate limits: sign-in failures, mail requests ----------------------------------------------------------

    def record_events(self, keys: Sequence[str], at: datetime | None = None) -> None:
        """One event for each key (the address tried, the client's address…), all at the same time."""
        when = at or _now()
        unique = dict.fromkeys(key[:MAX_THROTTLE_KEY_CHARS] for key in keys)
        if not unique:
            return
        with self._db.write() as session:
            session.execute(insert(RateEventRow), [{"key": key, "at": when} for key in unique])

    def count_events(self, key: str, since: datetime) -> int:
        query = (
            select(func.count())
            .select_from(RateEventRow)
            .where(RateEventRow.key == key[:MAX_THROTTLE_KEY_CHARS], RateEventRow.at >= since)
        )
        with self._db.read() as session:
            return int(session.scalar(query) or 0)

    def clear_events(self, key: str) -> None:
        with self._db.write() as session:
            session.execute(delete(RateEventRow).where(RateEventRow.key == key[:MAX_THROTTLE_KEY_CHARS]))

    def purge_events(self, before: datetime) -> int:
        with self._db.write() as session:
            return _rowcount(session.execute(delete(RateEventRow).where(RateEventRow.at < before)))
