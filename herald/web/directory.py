"""The few facts every page needs (the section list for the nav, publisher slugs for links), kept for a
short while so a page view does not recount the whole article table."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from herald.store import Store

NAV_SECTIONS = 8


class Directory:
    """Sections and publisher slugs, refreshed at most every ``ttl_seconds``; safe to call from threads."""

    def __init__(
        self, store: Store, *, ttl_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic
    ):
        self._store = store
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._loaded_at: float | None = None
        self._sections: list[tuple[str, int]] = []
        self._slugs: dict[int, str] = {}

    def _refresh(self, *, force: bool = False) -> None:
        with self._lock:
            now = self._clock()
            if not force and self._loaded_at is not None and now - self._loaded_at < self._ttl:
                return
            self._sections = self._store.articles.sections()
            self._slugs = {p.id: p.slug for p in self._store.publishers.list()}
            self._loaded_at = now

    def sections(self) -> list[tuple[str, int]]:
        """(name, article count), largest first."""
        self._refresh()
        return self._sections

    def nav_sections(self) -> list[str]:
        return [name for name, _ in self.sections()[:NAV_SECTIONS]]

    def cached_nav_sections(self) -> list[str]:
        """What is already known, without touching the database (for the error page)."""
        return [name for name, _ in self._sections[:NAV_SECTIONS]]

    def publisher_slug(self, publisher_id: int) -> str | None:
        self._refresh()
        slug = self._slugs.get(publisher_id)
        if slug is None:
            # A publisher created since the last refresh.
            self._refresh(force=True)
            slug = self._slugs.get(publisher_id)
        return slug

    def publisher_slugs(self, publisher_ids: set[int]) -> dict[int, str]:
        self._refresh()
        if not publisher_ids <= self._slugs.keys():
            self._refresh(force=True)
        return {pid: self._slugs[pid] for pid in publisher_ids if pid in self._slugs}


MEMO_ENTRIES = 1024


class Memo:
    """Recently loaded page data, for pages that every visitor opens and that change only when feeds are read
    (the front page, a story's timeline): a few seconds of staleness spares the database most of the load.

    Keys can be as many as there are stories, so past ``max_entries`` the expired entries go, then the ones
    closest to expiry: a long-running server keeps what is being read, not everything ever read."""

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, max_entries: int = MEMO_ENTRIES
    ) -> None:
        self._clock = clock
        self._max_entries = max(1, max_entries)
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}
        self._loading: set[str] = set()

    def __len__(self) -> int:
        return len(self._entries)

    def _prune(self, now: float) -> None:
        """Called with the lock held, only once the memo is full; it frees a quarter, so the sweep's cost is
        spread over many inserts."""
        keep = self._max_entries * 3 // 4
        expired = [k for k, (until, _) in self._entries.items() if until <= now and k not in self._loading]
        for key in expired:
            del self._entries[key]
        if len(self._entries) > keep:
            by_expiry = sorted(self._entries, key=lambda k: self._entries[k][0])
            for key in by_expiry[: len(self._entries) - keep]:
                del self._entries[key]

    def ready(self, key: str) -> dict[str, Any] | None:
        """What ``get`` would return without loading (fresh data, or the previous data while another thread
        reloads), or None: cheap enough to call on the event loop."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (entry[0] > self._clock() or key in self._loading):
                return dict(entry[1])
        return None

    def get(self, key: str, ttl_seconds: float, load: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Fresh data, or while one thread reloads an expired entry, the previous data for everyone else:
        under load the database sees one reload per key and period, not one per waiting request."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and (entry[0] > now or key in self._loading):
                return dict(entry[1])
            self._loading.add(key)
        try:
            value = load()
        finally:
            with self._lock:
                self._loading.discard(key)
        with self._lock:
            if key not in self._entries and len(self._entries) >= self._max_entries:
                self._prune(now)
            self._entries[key] = (now + ttl_seconds, value)
        return dict(value)
