"""The fetch stage: async HTTP for feeds and article pages, with the manners a publisher expects.

- One shared httpx client, an honest User-Agent, conditional GET for feeds (ETag / Last-Modified).
- Bounded: a timeout per read and per request, a body cap counted after decompression (gzip bombs included),
  a limit on redirects, which are followed by hand.
- Safe: every hop passes an SSRF guard (http/https to public addresses only, unless the operator allows more).
- Polite: concurrency caps overall and per host, spaced starts per host, robots.txt for pages (not feeds).
- Every failure is a :class:`herald.errors.FetchError` subclass whose message an operator can act on.

:func:`next_check_delay` turns a feed's hints and failures into the wait before its next check.
"""

from herald.fetch._fetcher import Fetcher
from herald.fetch._guard import Resolver
from herald.fetch._schedule import next_check_delay

__all__ = ["Fetcher", "Resolver", "next_check_delay"]
