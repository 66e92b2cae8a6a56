"""Signed cursors for the content listings and "changes since": the keyset variant of :mod:`paging`.

A listing that new articles keep arriving at the top of cannot be paged by offset: each new article would
shift the next page by one, and an app would see an article twice. Its cursor is instead the last item's
place in the listing's order (its time and id), and the next page starts strictly after it.

A cursor is its fields and a MAC over them and the listing (with its filters) it belongs to, keyed by the
site's secret key: an app treats it as a token, and one that was edited, cut short or sent to another listing
is refused with a 400 problem rather than read as a different place.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, datetime

from fastapi import HTTPException

MAX_CURSOR_CHARS = 200
_MAC_BYTES = 12
_SEPARATOR = "|"
_PURPOSE = b"herald api cursors v1"

BAD_CURSOR = (
    "That cursor is not valid for this list: send the next_cursor the same list (with the same filters) "
    "gave you, or no cursor for the first page."
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def format_time(moment: datetime) -> str:
    """A cursor's time: UTC to the microsecond, so the next page starts exactly after the last item."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat()


def parse_time(text: str, refusal: str = BAD_CURSOR) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise HTTPException(400, refusal) from None
    if moment.tzinfo is None:
        raise HTTPException(400, refusal)
    return moment.astimezone(UTC)


class Cursors:
    """Makes and reads the cursors of one site (one secret key)."""

    def __init__(self, secret_key: str) -> None:
        self._key = hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).digest()

    def _mac(self, scope: str, payload: str) -> bytes:
        message = f"{scope}\n{payload}".encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()[:_MAC_BYTES]

    def make(self, scope: str, fields: Sequence[str]) -> str:
        """A cursor holding ``fields`` (none containing "|") for the listing named by ``scope``."""
        if any(_SEPARATOR in field for field in fields):
            raise ValueError("A cursor's fields cannot contain the separator")
        payload = _SEPARATOR.join(fields)
        return f"{_b64(payload.encode())}.{_b64(self._mac(scope, payload))}"

    def read(self, scope: str, cursor: str, count: int, refusal: str = BAD_CURSOR) -> list[str]:
        """The ``count`` fields of a cursor this site made for ``scope``; a 400 problem for anything else."""
        if not 0 < len(cursor) <= MAX_CURSOR_CHARS or cursor.count(".") != 1:
            raise HTTPException(400, refusal)
        encoded, mac = cursor.split(".")
        try:
            payload = _unb64(encoded).decode("utf-8")
            sent_mac = _unb64(mac)
        except (binascii.Error, ValueError):
            raise HTTPException(400, refusal) from None
        if not hmac.compare_digest(sent_mac, self._mac(scope, payload)):
            raise HTTPException(400, refusal)
        fields = payload.split(_SEPARATOR)
        if len(fields) != count:
            raise HTTPException(400, refusal)
        return fields


MAX_OFFSET = 10_000  # deeper than any ranked list goes


def offset_in(cursors: Cursors, scope: str, cursor: str | None) -> int:
    """Where a page of a ranked list (top stories, popular names) starts: its rank, 0 without a cursor."""
    if cursor is None:
        return 0
    [text] = cursors.read(scope, cursor, 1)
    if not text.isdigit() or int(text) > MAX_OFFSET:
        raise HTTPException(400, BAD_CURSOR)
    return int(text)


def offset_cursor(cursors: Cursors, scope: str, offset: int) -> str:
    return cursors.make(scope, [str(offset)])


_HEX = frozenset("0123456789abcdef")


def article_after(cursors: Cursors, scope: str, cursor: str | None) -> tuple[datetime, str] | None:
    """The (time, id) of the last article of the page before, in a listing newest first; None at first."""
    if cursor is None:
        return None
    stamp, article_id = cursors.read(scope, cursor, 2)
    if len(article_id) != 32 or not set(article_id) <= _HEX:
        raise HTTPException(400, BAD_CURSOR)
    return parse_time(stamp), article_id


def article_cursor(cursors: Cursors, scope: str, time: datetime, article_id: str) -> str:
    return cursors.make(scope, [format_time(time), article_id])
