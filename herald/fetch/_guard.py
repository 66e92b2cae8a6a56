"""The SSRF guard: a feed URL typed by anyone must not reach the machine's own network.

The check runs before every request, redirects included. It resolves the host itself and refuses when any of
its addresses is not public, since the HTTP client may connect to any of them. What it cannot stop is a DNS
answer that changes between this check and the client's own lookup (DNS rebinding with a very short TTL);
closing that gap needs connecting to the vetted address itself, which httpx does not offer without
replacing its connection pool.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

import httpx

from herald.config import Settings
from herald.errors import FetchError, UnsafeURLError

Resolver = Callable[[str], Awaitable[list[str]]]

_DEFAULT_PORTS = {"http": 80, "https": 443}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


async def system_resolver(host: str) -> list[str]:
    """The operating system's answer for a host name, as address strings."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def host_port(url: httpx.URL) -> str:
    """ "host:port" as the operator writes it in fetch_allowed_hosts, with the scheme's port by default."""
    port = url.port or _DEFAULT_PORTS.get(url.scheme, 0)
    host = url.host.lower()
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _unsafe_reason(address: IPAddress) -> str | None:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    checks = (
        (address.is_loopback, "a loopback address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private network address"),
        (not address.is_global, "a non-public address"),
    )
    return next((reason for hit, reason in checks if hit), None)


async def check_url(url: httpx.URL, settings: Settings, resolver: Resolver) -> None:
    """Raise UnsafeURLError unless the URL is http(s) on a public address (or one the operator allowed)."""
    if url.scheme not in _DEFAULT_PORTS:
        raise UnsafeURLError(f"Only http and https addresses can be fetched, not {url.scheme or 'no'}: {url}")
    if not url.host:
        raise UnsafeURLError(f"The address {url} names no server")
    if settings.fetch_allow_private_networks:
        return
    allowed = {entry.strip().lower() for entry in settings.fetch_allowed_hosts}
    if host_port(url) in allowed:
        return
    host = url.raw_host.decode("ascii")  # IDNA-encoded, as DNS knows it
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = await _resolve(host, resolver)
    for address in addresses:
        reason = _unsafe_reason(address)
        if reason is not None:
            raise UnsafeURLError(
                f"Refused to fetch {url}: {url.host} is {reason} ({address}). Herald only fetches public "
                f"addresses unless fetch_allow_private_networks is on or {host_port(url)} is in "
                "fetch_allowed_hosts"
            )


async def _resolve(host: str, resolver: Resolver) -> list[IPAddress]:
    try:
        answers = await resolver(host)
    except OSError as exc:  # socket.gaierror included
        raise FetchError(f"Could not find the server {host}: the name does not resolve ({exc})") from exc
    addresses = []
    for answer in answers:
        try:
            addresses.append(ipaddress.ip_address(answer.split("%", 1)[0]))  # drop an IPv6 zone id
        except ValueError:
            continue
    if not addresses:
        raise FetchError(f"Could not find the server {host}: the name has no address")
    return addresses
