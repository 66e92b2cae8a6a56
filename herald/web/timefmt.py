"""Times as readers say them: "3 days ago" on the page, the exact moment on hover.

Pure functions of their arguments (``now`` is passed in) so pages render the same way in tests as in use.
"""

from __future__ import annotations

from datetime import UTC, datetime

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Past this, "47 days ago" is harder to place than the date itself.
_RELATIVE_DAYS = 30


def _aware(when: datetime) -> datetime:
    """The store gives aware UTC times; a naive one can only mean UTC here."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def calendar_date(when: datetime) -> str:
    """ "4 March 2026": day first, month in words, so no reader misreads 4/3 as 3 April."""
    when = _aware(when)
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


def relative_time(when: datetime, now: datetime) -> str:
    """ "just now", "5 minutes ago", "in 2 hours" (next checks are in the future), or "on 4 March 2026"."""
    seconds = (_aware(now) - _aware(when)).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        return "just now"
    if seconds >= _RELATIVE_DAYS * 86400:
        return f"on {calendar_date(when)}"
    if seconds < 3600:
        amount = _count(int(seconds // 60), "minute")
    elif seconds < 86400:
        amount = _count(int(seconds // 3600), "hour")
    else:
        amount = _count(int(seconds // 86400), "day")
    return f"in {amount}" if future else f"{amount} ago"


def exact_time(when: datetime) -> str:
    """ "Sunday 29 November 2026, 14:05 UTC": spelled out, so it needs no locale on the server."""
    when = _aware(when)
    return f"{_DAYS[when.weekday()]} {calendar_date(when)}, {when:%H:%M} UTC"


def iso_time(when: datetime) -> str:
    """Machine-readable time for ``<time datetime>``, JSON-LD and OpenGraph, to the second, in UTC."""
    return _aware(when).replace(microsecond=0).isoformat().replace("+00:00", "Z")
