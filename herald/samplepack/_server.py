"""The in-process HTTP server behind ``make run``: a real socket on the loopback interface.

It speaks enough HTTP to exercise a polite fetcher for real: ETag and Last-Modified with 304 answers to
conditional requests, Content-Type with charset, HEAD, 404 for unknown paths and a 500 for the one page
that is broken on purpose.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import cast
from urllib.parse import urlsplit

from herald.samplepack._data import load_pack
from herald.samplepack._site import Response, build_routes, error_page

logger = logging.getLogger(__name__)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Response]


class _Handler(BaseHTTPRequestHandler):
    server_version = "HeraldSamplePack/1.0"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("sample pack: " + format, *args)

    def _answer(self, *, with_body: bool) -> None:
        routes = cast(_HTTPServer, self.server).routes
        path = urlsplit(self.path).path
        response = routes.get(path) or error_page(404, "Not Found")
        if response.status == 200 and self._not_modified(response):
            self.send_response(304)
            self._validators(response)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if response.status == 200:
            self._validators(response)
        if response.cache_control:
            self.send_header("Cache-Control", response.cache_control)
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def _validators(self, response: Response) -> None:
        self.send_header("ETag", response.etag)
        if response.last_modified is not None:
            self.send_header("Last-Modified", format_datetime(response.last_modified, usegmt=True))

    def _not_modified(self, response: Response) -> bool:
        """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or response.etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since and response.last_modified is not None:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return response.last_modified <= since
        return False


class SamplePackServer:
    """Serves the invented outlets' feeds, pages and pictures on 127.0.0.1 from a background thread.

    Publication times are offsets from ``now`` (the moment the server is built, unless given), so the site
    always looks fresh.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, now: datetime | None = None) -> None:
        self._host = host
        self._port = port
        self._now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("The sample pack server has not been started")
        return self._base_url

    def start(self) -> str:
        if self._server is not None:
            raise RuntimeError("The sample pack server is already running")
        pack = load_pack()
        server = _HTTPServer((self._host, self._port), _Handler)
        port = server.server_address[1]
        host = f"[{self._host}]" if ":" in self._host else self._host
        base_url = f"http://{host}:{port}"
        server.routes = build_routes(pack, base_url, self._now)
        self._thread = threading.Thread(target=server.serve_forever, name="herald-samplepack", daemon=True)
        self._thread.start()
        self._server, self._base_url = server, base_url
        logger.info("Sample pack serving %d outlets at %s", len(pack.outlets), base_url)
        return base_url

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = self._base_url = None

    def __enter__(self) -> SamplePackServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
