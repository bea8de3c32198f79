"""The server's HTTP face: the standard library's threading HTTP server in front of
`ReaderApi`, one store connection per request thread, requests logged through logging.

TLS is a reverse proxy's job (README); this listens on loopback by default.
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from newsdesk.server.reader_api import Answer, ReaderApi, Request, parse_query_string
from newsdesk.store import Store, open_store

log = logging.getLogger(__name__)

MAX_BODY = 4 * 1024 * 1024  # a POST larger than this is refused (413)


class StorePerThread:
    """A store connection for each thread that asks (the HTTP server's request threads,
    the fetch loop), all closed by `close()`."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()

    def __call__(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self._url)
            self._local.store = store
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            stores, self._all = self._all, []
        for store in stores:
            store.close()


class ReaderServer(ThreadingHTTPServer):
    """Serves one ReaderApi; a request thread keeps its store connection for the next."""

    daemon_threads = True
    request_queue_size = 128  # the default 5 resets a team's clients connecting at once

    def __init__(self, address: tuple[str, int], api: ReaderApi) -> None:
        super().__init__(address, _Handler)
        self.api = api


class _Handler(BaseHTTPRequestHandler):
    server: ReaderServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit() or int(length) > MAX_BODY:
            self._send(Answer(413, b"The request body is too large."))
            return
        self._serve(self.rfile.read(int(length)))

    def _serve(self, body: bytes) -> None:
        path, _, query = self.path.partition("?")
        request = Request(method=self.command, path=path, query=parse_query_string(query),
                          body=body, authorization=self.headers.get("Authorization"),
                          client=self.client_address[0])
        try:
            answer = self.server.api.answer(request)
        except Exception:  # a bug of ours: the client gets a 500, the log the traceback
            log.exception("greader %s %s failed", self.command, path)
            answer = Answer(500, b"NewsDesk failed to answer; its log says why.")
        self._send(answer)

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.client_address[0], format % args)
