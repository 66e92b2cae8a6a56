"""robots.txt for article pages: fetched once per origin, kept for the Fetcher's life.

What an answer means (RFC 9309 for 2xx and 4xx; our own choice for the rest):

- 2xx: the rules are parsed with ``urllib.robotparser`` and matched against our User-Agent's product token.
- any 4xx (401 and 403 included): there are no rules for us, everything is allowed (RFC 9309 2.3.1.3).
- 5xx, a timeout, a refused connection, an oversized file: RFC 9309 asks crawlers to assume "disallow all"
  here. Herald allows instead and logs it, because it fetches only pages its publisher's own feed linked to,
  one at a time and spaced out, and a flaky robots.txt must not silently stop a subscription. The answer is
  cached like any other for the Fetcher's life, so a struggling server is asked once, not once per page.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from urllib.robotparser import RobotFileParser

import httpx

from herald.errors import FetchError, RobotsDisallowedError

log = logging.getLogger(__name__)

# GET a robots.txt URL: (status, body). Raises FetchError when no answer came.
RobotsGetter = Callable[[httpx.URL], Awaitable[tuple[int, bytes]]]


class RobotsCache:
    def __init__(self, user_agent: str, getter: RobotsGetter) -> None:
        self._user_agent = user_agent
        self._get = getter
        self._rules: dict[str, RobotFileParser] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: httpx.URL) -> None:
        """Raise RobotsDisallowedError when the site's robots.txt forbids ``url`` to our User-Agent."""
        rules = await self._rules_for(url)
        if not rules.can_fetch(self._user_agent, str(url)):
            raise RobotsDisallowedError(
                f"robots.txt of {url.host} does not allow {self._user_agent.split('/')[0]} to fetch {url}"
            )

    async def _rules_for(self, url: httpx.URL) -> RobotFileParser:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        if origin in self._rules:
            return self._rules[origin]
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:  # concurrent pages of one site wait for a single robots.txt request
            if origin not in self._rules:
                self._rules[origin] = await self._load(httpx.URL(origin + "/robots.txt"))
            return self._rules[origin]

    async def _load(self, robots_url: httpx.URL) -> RobotFileParser:
        rules = RobotFileParser(str(robots_url))
        try:
            status, body = await self._get(robots_url)
        except FetchError as exc:
            log.warning("robots.txt unavailable, allowing all pages of %s: %s", robots_url.host, exc)
            rules.parse([])
            return rules
        if 200 <= status < 300:
            rules.parse(body.decode("utf-8", errors="replace").splitlines())
        elif 400 <= status < 500:
            rules.parse([])
        else:
            log.warning("robots.txt of %s answered %s; allowing all pages", robots_url.host, status)
            rules.parse([])
        return rules
