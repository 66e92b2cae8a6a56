"""Relative and exact times as the pages print them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from herald.web import exact_time, iso_time, relative_time

NOW = datetime(2026, 11, 29, 14, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=60), "1 minute ago"),
        (timedelta(minutes=5, seconds=40), "5 minutes ago"),
        (timedelta(minutes=59), "59 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=23, minutes=59), "23 hours ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=3, hours=5), "3 days ago"),
        (timedelta(days=29), "29 days ago"),
        (timedelta(days=30), "on 30 October 2026"),
        (timedelta(days=270), "on 4 March 2026"),
        (-timedelta(seconds=30), "just now"),
        (-timedelta(minutes=12), "in 12 minutes"),
        (-timedelta(hours=2), "in 2 hours"),
        (-timedelta(days=1), "in 1 day"),
    ],
    ids=lambda v: str(v),
)
def test_relative_time(ago: timedelta, expected: str) -> None:
    assert relative_time(NOW - ago, NOW) == expected


def test_relative_time_reads_naive_times_as_utc() -> None:
    assert relative_time(datetime(2026, 11, 29, 11, 5), NOW) == "3 hours ago"


def test_relative_time_compares_instants_across_zones() -> None:
    paris = datetime(2026, 11, 29, 16, 0, tzinfo=timezone(timedelta(hours=1)))  # 15:00 UTC
    assert relative_time(paris, datetime(2026, 11, 29, 16, 0, tzinfo=UTC)) == "1 hour ago"
    assert exact_time(paris) == "Sunday 29 November 2026, 15:00 UTC"


def test_exact_time_spells_out_the_moment_in_utc() -> None:
    assert exact_time(NOW) == "Sunday 29 November 2026, 14:05 UTC"
    assert exact_time(datetime(2026, 3, 4, 9, 7, tzinfo=UTC)) == "Wednesday 4 March 2026, 09:07 UTC"


def test_iso_time_is_utc_to_the_second() -> None:
    assert iso_time(NOW.replace(microsecond=123456)) == "2026-11-29T14:05:30Z"
    assert iso_time(datetime(2026, 11, 29, 14, 5, 30)) == "2026-11-29T14:05:30Z"
