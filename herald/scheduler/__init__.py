"""Refresh due feeds in the background: asks the store which sources are due, leases each one so that no two
workers (threads, processes or machines) fetch it at once, and hands them to the pipeline."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from herald.models import RefreshReport
from herald.pipeline import Pipeline, ReportCallback

__all__ = ["Scheduler"]

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, pipeline: Pipeline, *, batch_size: int = 50, idle_seconds: float = 30.0) -> None:
        self.pipeline = pipeline
        self.store = pipeline.store
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        # A lease outlives the slowest refresh we allow; a crashed worker's lease simply expires.
        self.lease_seconds = max(300.0, pipeline.settings.fetch_timeout_seconds * 20)
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def wake(self) -> None:
        """Start the next round now instead of after the idle wait: an admin asked for a feed to be fetched
        now. Safe from any thread; a scheduler that is not running has nothing to wake (the feed is due, and
        whichever worker runs next fetches it)."""
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run_once(self, on_report: ReportCallback | None = None) -> list[RefreshReport]:
        """Refresh every source that is due now; returns what each refresh did."""
        now = datetime.now(UTC)
        due = await asyncio.to_thread(self.store.sources.due, now, self.batch_size)
        leased = []
        for source in due:
            if await asyncio.to_thread(self.store.sources.lease, source.id, now, self.lease_seconds):
                leased.append(source)
        if not leased:
            return []
        return await self.pipeline.refresh_many(leased, on_report)

    async def run_forever(self, stop: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        while not stop.is_set():
            try:
                reports = await self.run_once()
                if reports:
                    new = sum(r.new for r in reports)
                    failed = sum(1 for r in reports if not r.ok)
                    log.info(
                        "refreshed %d feeds: %d new articles, %d feeds failing", len(reports), new, failed
                    )
            except Exception:  # the loop outlives any one bad round; the cause is in the log
                log.exception("scheduler round failed")
                reports = []
            if len(reports) >= self.batch_size:
                continue
            await self._idle(stop, self._wake)

    async def _idle(self, stop: asyncio.Event, wake: asyncio.Event) -> None:
        """Wait out the idle time, or less when the process stops or someone asks for a feed now."""
        waits = [asyncio.create_task(stop.wait()), asyncio.create_task(wake.wait())]
        try:
            await asyncio.wait(waits, timeout=self.idle_seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            wake.clear()
