"""The real transport path: a tiny http.server on 127.0.0.1 in a thread, nothing mocked on the way."""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from herald.config import Settings
from herald.errors import (
    FetchError,
    FetchTimeoutError,
    ResponseTooLargeError,
    RobotsDisallowedError,
    UnsafeURLError,
)
from herald.fetch import Fetcher

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>Local</title></channel></rss>"


class _Handler(BaseHTTPRequestHandler):
    release: threading.Event
    seen: list[dict[str, str]]

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        route = getattr(self, "_get_" + self.path.strip("/").replace(".", "_").replace("-", "_"), None)
        if route is None:
            self.send_error(404)
            return
        route()

    def _get_feed(self) -> None:
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        body = gzip.compress(FEED)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", '"v1"')
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        self.wfile.write(body)

    def _get_moved(self) -> None:
        self.send_response(301)
        self.send_header("Location", "/feed")
        self.end_headers()

    def _get_robots_txt(self) -> None:
        body = b"User-agent: *\nDisallow: /private\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _get_page(self) -> None:
        body = b"<!doctype html><html><body><p>Local page</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _get_endless(self) -> None:
        self.send_response(200)  # no Content-Length: the body ends when the connection closes
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        try:
            for _ in range(1000):
                self.wfile.write(b"x" * 16_384)
        except OSError:
            pass  # the client hung up at the cap, as it should

    def _get_slow(self) -> None:
        self.release.wait(10)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    release = threading.Event()
    seen: list[dict[str, str]] = []
    handler = type("Handler", (_Handler,), {"release": release, "seen": seen})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}", seen
    release.set()
    httpd.shutdown()
    httpd.server_close()


def settings_for(host_port: str, **overrides: Any) -> Settings:
    return Settings(fetch_allowed_hosts=(host_port,), fetch_per_host_delay_seconds=0, **overrides)


async def test_feed_over_real_http(server: tuple[str, list[dict[str, str]]]) -> None:
    host_port, seen = server
    async with Fetcher(settings_for(host_port)) as fetcher:
        result = await fetcher.fetch_feed(f"http://{host_port}/moved")
        again = await fetcher.fetch_feed(f"http://{host_port}/feed", etag=result.etag)

    assert result.url == f"http://{host_port}/feed"
    assert result.body == FEED  # gzip decoded
    assert result.content_type == "application/rss+xml"
    assert result.charset == "utf-8"
    assert result.etag == '"v1"'
    assert result.max_age_seconds == 600
    assert again.not_modified and again.status == 304 and again.body == b""
    last = seen[-1]
    assert last["if-none-match"] == '"v1"'
    assert last["user-agent"].startswith("Herald/")


async def test_page_and_robots_over_real_http(server: tuple[str, list[dict[str, str]]]) -> None:
    host_port, _ = server
    async with Fetcher(settings_for(host_port)) as fetcher:
        page = await fetcher.fetch_page(f"http://{host_port}/page")
        with pytest.raises(RobotsDisallowedError):
            await fetcher.fetch_page(f"http://{host_port}/private")
    assert b"Local page" in page.body


async def test_streamed_body_cap_over_real_http(server: tuple[str, list[dict[str, str]]]) -> None:
    host_port, _ = server
    async with Fetcher(settings_for(host_port, fetch_max_bytes=100_000)) as fetcher:
        with pytest.raises(ResponseTooLargeError):
            await fetcher.fetch_feed(f"http://{host_port}/endless")


async def test_timeout_over_real_http(server: tuple[str, list[dict[str, str]]]) -> None:
    host_port, _ = server
    async with Fetcher(settings_for(host_port, fetch_timeout_seconds=0.2)) as fetcher:
        with pytest.raises(FetchTimeoutError, match=r"did not answer within 0\.2 seconds"):
            await fetcher.fetch_feed(f"http://{host_port}/slow")


async def test_real_guard_refuses_the_server_unless_allowed(server: tuple[str, list[dict[str, str]]]) -> None:
    host_port, _ = server
    port = host_port.rsplit(":", 1)[1]
    async with Fetcher(Settings()) as fetcher:
        with pytest.raises(UnsafeURLError, match="loopback"):
            await fetcher.fetch_feed(f"http://{host_port}/feed")
        with pytest.raises(UnsafeURLError, match="loopback"):  # the system resolver, on a local name
            await fetcher.fetch_feed(f"http://localhost:{port}/feed")


async def test_connection_refused_over_real_socket() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Fetcher(Settings(fetch_allow_private_networks=True)) as fetcher:
        with pytest.raises(FetchError, match=f"refused the connection .*127.0.0.1:{port}"):
            await fetcher.fetch_feed(f"http://127.0.0.1:{port}/feed")
