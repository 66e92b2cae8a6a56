"""What the pipeline tests share: settings for a local fixture server, a store on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from herald.config import Settings
from herald.store import Store


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        fetch_allow_private_networks=True,
        fetch_per_host_delay_seconds=0.0,
        fetch_timeout_seconds=1.0,
        fetch_max_bytes=200_000,
        extract_workers=0,
    )


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store(database_url)
    yield s
    s.close()
