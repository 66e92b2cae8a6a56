"""Times as readers say them: "3 days ago" on the page, the exact moment on hover, in the reader's language.

Pure functions of their arguments (``now`` is passed in) so pages render the same way in tests as in use.
Month and day names and the "ago" phrasing come from Babel's CLDR data for the language; the two phrases
CLDR does not have ("just now", "on 4 March 2026") come through the caller's ``gettext``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from babel.dates import format_date, format_datetime, format_timedelta

# Past this, "47 days ago" is harder to place than the date itself.
_RELATIVE_DAYS = 30
_DATE = "d MMMM y"  # "4 March 2026": day first, month in words, so no reader misreads 4/3 as 3 April
_MOMENT = "EEEE d MMMM y, HH:mm 'UTC'"


def _english(text: str) -> str:
    return text


def _aware(when: datetime) -> datetime:
    """The store gives aware UTC times; a naive one can only mean UTC here."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def calendar_date(when: datetime, language: str = "en") -> str:
    """ "4 March 2026", "4 mars 2026"."""
    return format_date(_aware(when).date(), _DATE, locale=language)


def relative_time(
    when: datetime, now: datetime, language: str = "en", gettext: Callable[[str], str] = _english
) -> str:
    """ "just now", "5 minutes ago", "in 2 hours" (next checks are in the future), or "on 4 March 2026"."""
    seconds = (_aware(now) - _aware(when)).total_seconds()
    if abs(seconds) < 60:
        return gettext("just now")
    if abs(seconds) >= _RELATIVE_DAYS * 86400:
        return gettext("on %(date)s") % {"date": calendar_date(when, language)}
    unit = 60 if abs(seconds) < 3600 else 3600 if abs(seconds) < 86400 else 86400
    count = int(abs(seconds) // unit)
    # Whole units, and a threshold of that count: Babel then names this unit ("59 minutes"), never rounds up
    # to a larger one ("1 hour") as its default threshold would.
    span = timedelta(seconds=count * unit if seconds >= 0 else -count * unit)
    return format_timedelta(-span, threshold=count, add_direction=True, locale=language)


def exact_time(when: datetime, language: str = "en") -> str:
    """ "Sunday 29 November 2026, 14:05 UTC": spelled out, in UTC, the same for every reader."""
    return format_datetime(_aware(when), _MOMENT, tzinfo=UTC, locale=language)


def iso_time(when: datetime) -> str:
    """Machine-readable time for ``<time datetime>``, JSON-LD and OpenGraph, to the second, in UTC."""
    return _aware(when).replace(microsecond=0).isoformat().replace("+00:00", "Z")
