"""When to look at a feed again: the publisher's hints, within the operator's limits, slowed by failures."""

from __future__ import annotations

from datetime import timedelta

from herald.config import Settings

# 2**30 minutes is already centuries; a larger exponent only risks a huge integer for nothing.
_MAX_BACKOFF_EXPONENT = 30


def next_check_delay(
    settings: Settings,
    *,
    ttl_minutes: int | None,
    max_age_seconds: int | None,
    consecutive_failures: int,
    permanent_failure: bool = False,
) -> timedelta:
    """Time until the next check of one feed.

    The feed's own hints (RSS ``<ttl>``, HTTP ``Cache-Control: max-age``/``Expires``) win over the default
    interval when given, the longer of the two if both are, because the publisher asked us not to come back
    sooner. Zero or negative hints ("no-cache") say nothing about a schedule and are ignored. The result never
    leaves [refresh_min_interval_minutes, refresh_max_interval_minutes], so a publisher cannot make us hammer
    it nor forget it. Failures double the wait each time (up to the maximum) so a broken server is not
    hammered; a 404/410 goes straight to the maximum, since such feeds rarely come back.
    """
    lowest = settings.refresh_min_interval_minutes * 60
    highest = max(settings.refresh_max_interval_minutes * 60, lowest)
    if permanent_failure:
        return timedelta(seconds=highest)
    hints = [s for s in ((ttl_minutes or 0) * 60, max_age_seconds or 0) if s > 0]
    seconds = max(hints) if hints else settings.refresh_interval_minutes * 60
    seconds = min(max(seconds, lowest), highest)
    failures = min(max(consecutive_failures, 0), _MAX_BACKOFF_EXPONENT)
    if failures:
        seconds = min(seconds * 2**failures, highest)
    return timedelta(seconds=seconds)
