"""A local HTTP server serving recorded fixtures, so no test reaches the internet."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils import translation

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted by their English msgids; the Chinese ones are the catalogue's."""
    with translation.override("en"):
        yield


FEED_ETAG = '"feed-v1"'


class FixtureHandler(BaseHTTPRequestHandler):
    hits: dict[str, int]

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        self.server.hits[path] = self.server.hits.get(path, 0) + 1  # type: ignore[attr-defined]
        host = self.headers.get("Host", "")
        files = {
            "/robots.txt": ("robots.txt", "text/plain"),
            "/atom.xml": ("atom.xml", "application/atom+xml"),
            "/malformed.xml": ("malformed.xml", "application/rss+xml"),
            "/list.html": ("list.html", "text/html; charset=utf-8"),
            "/articles/1.html": ("article1.html", "text/html; charset=utf-8"),
            "/articles/2.html": ("article2.html", "text/html; charset=utf-8"),
            "/private/list.html": ("list.html", "text/html; charset=utf-8"),
            "/api.json": ("api.json", "application/json"),
        }
        if path == "/feed.xml":
            if self.headers.get("If-None-Match") == FEED_ETAG:
                self.send_response(304)
                self.end_headers()
                return
            body = (FIXTURES / "feed.xml").read_bytes()
            self._send(200, body, "application/rss+xml", ETag=FEED_ETAG)
        elif path in ("/sitemap.xml", "/sitemap-index.xml"):
            body = (FIXTURES / path.lstrip("/")).read_text().replace("HOST", host).encode()
            self._send(200, body, "application/xml")
        elif path in files:
            name, content_type = files[path]
            self._send(200, (FIXTURES / name).read_bytes(), content_type)
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, b"late", "text/plain")
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/huge":
            chunk = b"<p>" + "大".encode() * 1000 + b"</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()  # no Content-Length: the fetcher must count while reading
            try:
                for _ in range(2000):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/flaky":
            if self.server.hits[path] == 1:  # type: ignore[attr-defined]
                self._send(503, b"busy", "text/plain")
            else:
                self._send(200, (FIXTURES / "feed.xml").read_bytes(), "application/rss+xml")
        else:
            self._send(404, b"not found", "text/plain")


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (the time-out and size-limit tests) is expected."""


@dataclass
class FixtureSite:
    base: str
    hits: dict[str, int]

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


@pytest.fixture
def fixture_server() -> Iterator[FixtureSite]:
    """A fixture server on a free loopback port."""
    server = QuietServer(("127.0.0.1", 0), FixtureHandler)
    server.hits = {}  # type: ignore[attr-defined]
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield FixtureSite(f"http://127.0.0.1:{server.server_address[1]}", server.hits)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
