"""The Fetcher: every HTTP request Herald makes to publishers goes through here."""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType

import httpx

from herald.config import Settings
from herald.errors import (
    FetchError,
    FetchTimeoutError,
    TooManyRedirectsError,
    UnsupportedContentError,
)
from herald.fetch._body import ACCEPT_ENCODING, read_capped
from herald.fetch._guard import Resolver, check_url, host_port, system_resolver
from herald.fetch._limits import Clock, HostLimiter, Sleep
from herald.fetch._response import max_age_seconds, media_type, status_error
from herald.fetch._robots import RobotsCache
from herald.models import FetchResult

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_HOST_CHARS = re.compile(r"[A-Za-z0-9._:-]*")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# A server may trickle one byte per read-timeout forever; the whole of one request gets this many timeouts.
_WHOLE_REQUEST_TIMEOUTS = 3

BodyCheck = Callable[[httpx.Response, str], None]
HopCheck = Callable[[httpx.URL], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Answer:
    url: httpx.URL
    status: int
    headers: httpx.Headers
    body: bytes
    elapsed: float


class Fetcher:
    """One shared HTTP client with Herald's manners: honest, bounded, polite and careful where it goes.

    ``transport`` replaces the network (tests pass ``httpx.MockTransport``), ``resolver`` the DNS lookup used
    by the SSRF guard, and ``clock``/``sleep`` the timing of per-host spacing so tests need not wait.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self._settings = settings
        self._resolver = resolver or system_resolver
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(settings.fetch_timeout_seconds),
            follow_redirects=False,  # each hop goes through the SSRF guard and robots.txt first
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            trust_env=False,  # no proxy or CA bundle taken from the environment behind the operator's back
        )
        self._limiter = HostLimiter(
            total=settings.fetch_concurrency,
            per_host=settings.fetch_per_host_concurrency,
            delay_seconds=settings.fetch_per_host_delay_seconds,
            clock=clock or time.monotonic,
            sleep=sleep or asyncio.sleep,
        )
        self._robots = RobotsCache(settings.user_agent, self._get_robots)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET a feed, conditionally when we hold its validators. robots.txt does not apply: the publisher
        offers the feed for machines to fetch, as every feed reader assumes."""
        headers = {"Accept": FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        answer = await self._get(url, headers)
        if answer.status == 304 and (etag or last_modified):
            return self._result(answer, not_modified=True)
        return self._result(self._require_success(answer, what="feed"))

    async def fetch_page(self, url: str) -> FetchResult:
        """GET an article page: robots.txt is obeyed (when configured) and only HTML is accepted."""
        hop_check = self._robots.check if self._settings.fetch_respect_robots else None
        answer = await self._get(url, {"Accept": PAGE_ACCEPT}, body_check=_require_html, hop_check=hop_check)
        self._require_success(answer, what="page")
        kind, _ = media_type(answer.headers)
        if not kind and answer.body.lstrip()[:1] != b"<":
            raise UnsupportedContentError(f"The answer from {answer.url} has no Content-Type and is not HTML")
        return self._result(answer)

    def _require_success(self, answer: _Answer, *, what: str) -> _Answer:
        if 200 <= answer.status < 300:
            return answer
        if answer.status >= 400:
            raise status_error(answer.status, str(answer.url), what=what)
        raise FetchError(f"The server answered {answer.status} for {answer.url}, which Herald cannot use")

    def _result(self, answer: _Answer, *, not_modified: bool = False) -> FetchResult:
        kind, charset = media_type(answer.headers)
        return FetchResult(
            url=str(answer.url),
            status=answer.status,
            body=b"" if not_modified else answer.body,
            content_type=kind,
            charset=charset,
            headers={name.lower(): value for name, value in answer.headers.items()},
            etag=answer.headers.get("etag"),
            last_modified=answer.headers.get("last-modified"),
            max_age_seconds=max_age_seconds(answer.headers),
            not_modified=not_modified,
            elapsed_seconds=answer.elapsed,
        )

    async def _get_robots(self, url: httpx.URL) -> tuple[int, bytes]:
        answer = await self._get(str(url), {"Accept": "text/plain, */*;q=0.5"})
        return answer.status, answer.body

    async def _get(
        self,
        url: str,
        headers: dict[str, str],
        *,
        body_check: BodyCheck | None = None,
        hop_check: HopCheck | None = None,
    ) -> _Answer:
        """Follow redirects by hand, guarding every hop; the body is read only for a 2xx answer."""
        started = time.perf_counter()
        current = _parse_url(url)
        visited = [current]
        while True:
            await check_url(current, self._settings, self._resolver)
            if hop_check is not None:
                await hop_check(current)
            status, response_headers, body, location = await self._hop(current, headers, body_check)
            if location is None:
                return _Answer(current, status, response_headers, body, time.perf_counter() - started)
            target = _redirect_target(current, location)
            if target in visited:
                chain = " -> ".join(str(u) for u in [*visited, target])
                raise TooManyRedirectsError(f"The server redirects in a loop: {chain}")
            visited.append(target)
            if len(visited) - 1 > self._settings.fetch_max_redirects:
                raise TooManyRedirectsError(
                    f"{url} redirects more than {self._settings.fetch_max_redirects} times "
                    f"(fetch_max_redirects); the last hop was to {target}"
                )
            current = target

    async def _hop(
        self, url: httpx.URL, headers: dict[str, str], body_check: BodyCheck | None
    ) -> tuple[int, httpx.Headers, bytes, str | None]:
        """One request in its politeness slot, with every failure turned into a FetchError in words."""
        timeout = self._settings.fetch_timeout_seconds
        whole = timeout * _WHOLE_REQUEST_TIMEOUTS
        async with self._limiter.slot(url.host):
            try:
                async with asyncio.timeout(whole):
                    return await self._exchange(url, headers, body_check)
            except TimeoutError as exc:
                raise FetchTimeoutError(
                    f"The server at {url.host} took more than {whole:g} seconds to send {url}"
                ) from exc
            except httpx.TimeoutException as exc:
                raise FetchTimeoutError(
                    f"The server at {url.host} did not answer within {timeout:g} seconds ({url})"
                ) from exc
            except httpx.HTTPError as exc:
                raise FetchError(_transport_words(url, exc)) from exc

    async def _exchange(
        self, url: httpx.URL, headers: dict[str, str], body_check: BodyCheck | None
    ) -> tuple[int, httpx.Headers, bytes, str | None]:
        """(status, headers, body, Location of a redirect or None)."""
        request = self._client.build_request("GET", url, headers=headers)
        response = await self._client.send(request, stream=True)
        try:
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("location", "").strip()
                if not location:
                    raise FetchError(f"{url} answered {status} (a redirect) without saying where to go")
                return status, response.headers, b"", location
            body = b""
            if 200 <= status < 300:
                if body_check is not None:
                    body_check(response, str(url))
                body = await read_capped(response, str(url), self._settings.fetch_max_bytes)
            return status, response.headers, body, None
        finally:
            await response.aclose()


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchError(f"{url!r} is not a valid web address: {exc}") from exc
    # httpx percent-escapes what it cannot read instead of refusing it ("http://exa mple.com").
    if not _HOST_CHARS.fullmatch(parsed.raw_host.decode("ascii")) or not 0 < (parsed.port or 80) < 65536:
        raise FetchError(f"{url!r} is not a valid web address")
    return parsed


def _redirect_target(current: httpx.URL, location: str) -> httpx.URL:
    try:
        joined = current.join(location).copy_with(fragment=None)
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError(f"{current} redirects to {location!r}, which is not a valid address") from exc
    return _parse_url(str(joined))


def _require_html(response: httpx.Response, url: str) -> None:
    """Refuse PDFs, images and the like before downloading them."""
    kind, _ = media_type(response.headers)
    if kind and kind not in HTML_TYPES:
        raise UnsupportedContentError(f"{url} is {kind}, not an HTML page, so there is no article to read")


def _transport_words(url: httpx.URL, exc: httpx.HTTPError) -> str:
    """What went wrong below HTTP, in words; the OS error sits at the bottom of the exception chain."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return f"The server at {url.host} refused the connection (nothing listens on {host_port(url)})"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"The TLS certificate of {url.host} is not valid: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return f"The TLS handshake with {url.host} failed: {cause}"
        if isinstance(cause, OSError) and "name" in str(cause).lower() and "resol" in str(cause).lower():
            return f"Could not find the server {url.host}: the name does not resolve ({cause})"
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectError):
        return f"Could not connect to {url.host}: {exc or 'connection failed'}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"The server at {url.host} broke off or garbled its answer for {url}: {exc}"
    return f"Could not fetch {url}: {exc or type(exc).__name__}"
