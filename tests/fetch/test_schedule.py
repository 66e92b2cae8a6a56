"""next_check_delay, table-driven: hints, bounds, backoff."""

from __future__ import annotations

from datetime import timedelta

import pytest

from herald.config import Settings
from herald.fetch import next_check_delay

# Default 30 min, bounds [10 min, 1440 min].
SETTINGS = Settings(
    refresh_interval_minutes=30, refresh_min_interval_minutes=10, refresh_max_interval_minutes=1440
)


@pytest.mark.parametrize(
    ("ttl", "max_age", "failures", "permanent", "minutes"),
    [
        pytest.param(None, None, 0, False, 30, id="no hints: default interval"),
        pytest.param(60, None, 0, False, 60, id="ttl honoured"),
        pytest.param(None, 7200, 0, False, 120, id="max-age honoured"),
        pytest.param(60, 7200, 0, False, 120, id="longer of ttl and max-age"),
        pytest.param(180, 600, 0, False, 180, id="ttl longer than max-age"),
        pytest.param(1, None, 0, False, 10, id="short ttl raised to the minimum"),
        pytest.param(None, 60, 0, False, 10, id="short max-age raised to the minimum"),
        pytest.param(10_000, None, 0, False, 1440, id="long ttl cut to the maximum"),
        pytest.param(0, 0, 0, False, 30, id="zero hints ignored"),
        pytest.param(None, None, 1, False, 60, id="one failure doubles"),
        pytest.param(None, None, 3, False, 240, id="three failures: 8x"),
        pytest.param(60, None, 2, False, 240, id="backoff starts from the hinted interval"),
        pytest.param(None, None, 10, False, 1440, id="backoff capped at the maximum"),
        pytest.param(None, None, 10_000, False, 1440, id="huge failure count stays sane"),
        pytest.param(None, None, 0, True, 1440, id="permanent failure: straight to the maximum"),
        pytest.param(5, None, 0, True, 1440, id="permanent failure ignores hints"),
        pytest.param(None, None, -1, False, 30, id="negative failures treated as none"),
    ],
)
def test_next_check_delay(
    ttl: int | None, max_age: int | None, failures: int, permanent: bool, minutes: int
) -> None:
    delay = next_check_delay(
        SETTINGS,
        ttl_minutes=ttl,
        max_age_seconds=max_age,
        consecutive_failures=failures,
        permanent_failure=permanent,
    )
    assert delay == timedelta(minutes=minutes)


def test_bounds_come_from_settings() -> None:
    settings = Settings(
        refresh_interval_minutes=5, refresh_min_interval_minutes=15, refresh_max_interval_minutes=60
    )
    assert next_check_delay(
        settings, ttl_minutes=None, max_age_seconds=None, consecutive_failures=0
    ) == timedelta(minutes=15)
    assert next_check_delay(
        settings, ttl_minutes=None, max_age_seconds=None, consecutive_failures=5
    ) == timedelta(minutes=60)
