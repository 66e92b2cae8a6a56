"""Politeness: how many requests run at once, overall and per host, and how far apart they start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class _Host:
    slots: asyncio.Semaphore
    next_start: float = field(default=float("-inf"))


class HostLimiter:
    """Semaphores overall and per host, plus a per-host clock that spaces request starts.

    The order matters: a request first waits for its host's slot and its host's turn, and only then takes a
    slot from the shared pool, so requests queued behind a slow host never starve the other hosts.
    """

    def __init__(
        self, *, total: int, per_host: int, delay_seconds: float, clock: Clock, sleep: Sleep
    ) -> None:
        self._total = asyncio.Semaphore(max(total, 1))
        self._per_host = max(per_host, 1)
        self._delay = max(delay_seconds, 0.0)
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(asyncio.Semaphore(self._per_host))
        async with state.slots:
            await self._wait_turn(state)
            async with self._total:
                yield

    async def _wait_turn(self, state: _Host) -> None:
        # Reserve the start time before sleeping: no await between reading and writing next_start, so two
        # waiters can never claim the same turn.
        now = self._clock()
        start = max(now, state.next_start)
        state.next_start = start + self._delay
        if start > now:
            await self._sleep(start - now)
