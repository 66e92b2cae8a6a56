"""Paging the reader's lists: ``?limit=`` and an opaque ``?cursor=``, answered with ``next_cursor``.

A cursor is the position of the next page's first item, encoded so apps treat it as a token rather than a
number to do sums with; that leaves room to change what it holds. One more row than the page is fetched, so
whether another page exists is known without counting the list.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Query

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_POSITION = 1_000_000  # further than any reader's list goes; a larger one is not a cursor of ours
MAX_CURSOR_CHARS = 40
_PREFIX = "p:"

BAD_CURSOR = (
    "That cursor is not valid: send the next_cursor of the page before, or no cursor for the first page."
)

_Item = TypeVar("_Item")


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The position a cursor names; 400 for anything that is not one of ours."""
    if not 0 < len(cursor) <= MAX_CURSOR_CHARS:
        raise HTTPException(400, BAD_CURSOR)
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        raise HTTPException(400, BAD_CURSOR) from None
    number = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not number.isdigit() or int(number) > MAX_POSITION:
        raise HTTPException(400, BAD_CURSOR)
    return int(number)


@dataclass(frozen=True, slots=True)
class Paging:
    """Where a page starts and how long it is."""

    offset: int
    limit: int

    def page(self, fetch: Callable[[int, int], Sequence[_Item]]) -> tuple[list[_Item], str | None]:
        """The page's items and the next page's cursor: ``fetch(limit, offset)`` is asked for one extra."""
        rows = list(fetch(self.limit + 1, self.offset))
        return self.cut(rows)

    def cut(self, rows: Sequence[_Item]) -> tuple[list[_Item], str | None]:
        """This page of rows that start at this page's offset (the extra one, if any, says more follow)."""
        shown = list(rows[: self.limit])
        more = len(rows) > self.limit and self.offset + self.limit <= MAX_POSITION
        return shown, encode_cursor(self.offset + self.limit) if more else None

    def slice(self, everything: Sequence[_Item]) -> tuple[list[_Item], str | None]:
        """This page of a list loaded whole (a comment thread, For you)."""
        return self.cut(everything[self.offset : self.offset + self.limit + 1])


def _paging(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(
            max_length=MAX_CURSOR_CHARS, description="The `next_cursor` of the page before; none at first."
        ),
    ] = None,
) -> Paging:
    return Paging(offset=decode_cursor(cursor) if cursor else 0, limit=limit)


PageQuery = Annotated[Paging, Depends(_paging)]
