"""One sample server per test session: starting it renders the whole pack, which every test here reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from herald.samplepack import Pack, SamplePackServer, load_pack

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack()


@pytest.fixture(scope="session")
def server() -> Iterator[SamplePackServer]:
    with SamplePackServer(now=NOW) as running:
        yield running


@pytest.fixture(scope="session")
def client(server: SamplePackServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        yield http
