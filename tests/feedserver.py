"""A real HTTP server on 127.0.0.1 for tests: fixture feeds, ETags, redirects, errors, delays."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(BaseHTTPRequestHandler):
    """A loopback test server's handler that stays quiet: no access log, and no traceback
    on stderr when the client resets or drops the connection (a fetch timing out or
    cancelled, a probe giving up) - socketserver prints one for any error out of `handle`,
    which reads as a failure in a passing test's output."""

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
            self.close_connection = True  # the client went: nothing to answer

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    gzip: bool = False
    redirect: str | None = None
    raw_encoding: str | None = None  # send body as-is with this Content-Encoding
    chunk_delay: float = 0.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class FeedServer:
    """Serve `routes` (path -> Route or callable returning Route); record every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Callable[[], Route]] = {}
        self.requests: list[Seen] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        server = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                try:
                    self._get()
                finally:
                    with server._lock:
                        server.active -= 1

            def _get(self) -> None:
                server.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                found = server.routes.get(self.path.split("?")[0])
                route = found() if callable(found) else found
                if route is None:
                    self._send(404, b"not here", {"Content-Type": "text/plain"})
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.redirect:
                    self._send(route.status, b"", {"Location": route.redirect})
                    return
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                if route.status == 200:
                    inm = self.headers.get("If-None-Match")
                    ims = self.headers.get("If-Modified-Since")
                    if (route.etag and inm == route.etag) or (
                            route.last_modified and not route.etag and ims == route.last_modified):
                        self._send(304, b"", headers)
                        return
                body = route.body
                if route.gzip:
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                if route.raw_encoding:
                    headers["Content-Encoding"] = route.raw_encoding
                self._send(route.status, body, headers, route.chunk_delay)

            def _send(self, status: int, body: bytes, headers: dict[str, str],
                      chunk_delay: float = 0.0) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status == 304:
                    return
                try:
                    if chunk_delay:
                        for start in range(0, len(body), 1024):
                            self.wfile.write(body[start:start + 1024])
                            self.wfile.flush()
                            time.sleep(chunk_delay)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path.split("?")[0] == path]

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
