"""Fixtures the store's tests share: a store on each database ``database_url`` names, and its accounts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from herald.store import Store
from herald.store.users import UserStore


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store(database_url)
    yield s
    s.close()


@pytest.fixture
def users(store: Store) -> UserStore:
    return UserStore(store.db)
