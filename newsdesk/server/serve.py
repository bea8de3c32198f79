"""`newsdesk serve`: one process that fetches on the schedule, groups, warms comparisons
and answers the Google Reader API, until it is told to stop.

A refresh runs in a worker process (refresh_worker): grouping after a big fetch is
seconds of pure-Python CPU, which in this process would hold the interpreter the request
threads need. Two servers may share a store: a refresh runs under the store's lease
"refresh", renewed while the worker runs, so while one server fetches the other does not
fetch the same feeds (it tries again at its next turn); grouping has its own exclusive
section in the store. Stopping (SIGTERM, Ctrl-C) ends the worker (each source's write is
a transaction: nothing is half-saved), answers no new requests and closes every
connection.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from newsdesk.server.http import ReaderServer, StorePerThread
from newsdesk.server.reader_api import PREFIX, ReaderApi
from newsdesk.store import Store

log = logging.getLogger(__name__)

LEASE = "refresh"


@dataclass(frozen=True)
class ServeSettings:
    url: str  # the store
    host: str = "127.0.0.1"
    port: int = 8080
    every: float = 300.0  # seconds between looks at what is due


def holder_name() -> str:
    """Who holds a lease: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def refresh_turn(store: Store, holder: str, url: str, stopping: threading.Event, *,
                 lease_seconds: float = 900.0) -> bool:
    """Fetch what is due, group it and warm comparisons, if no other server is doing it;
    return whether this one did. The work runs in a process of its own (refresh_worker),
    so grouping never holds this interpreter while requests wait; stopping ends it. A
    failure is logged, not raised: the next turn tries again."""
    if not store.leases.acquire(LEASE, holder, lease_seconds):
        log.info("another server is refreshing this store; skipping this turn")
        return False
    try:
        worker = subprocess.Popen([sys.executable, "-m", "newsdesk.server.refresh_worker", url])
        started = renewed = time.monotonic()
        while worker.poll() is None:
            if stopping.wait(0.5) or time.monotonic() > started + lease_seconds:
                worker.terminate()  # its source writes are transactions: nothing half-saved
                worker.wait(timeout=60)
                break
            if time.monotonic() - renewed > lease_seconds / 3:  # a write, so not often:
                store.leases.acquire(LEASE, holder, lease_seconds)  # the worker writes too
                renewed = time.monotonic()
        if worker.returncode:
            log.warning("the refresh ended with status %s; the next turn tries again",
                        worker.returncode)
    except OSError as exc:
        log.error("the refresh could not start: %s", exc)
    finally:
        store.leases.release(LEASE, holder)
    return True


class Server:
    """The HTTP server and the fetch loop of one `newsdesk serve`."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.stores = StorePerThread(settings.url)
        self.api = ReaderApi(self.stores, secrets.token_bytes(32))
        self.http = ReaderServer((settings.host, settings.port), self.api)
        self.stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def address(self) -> str:
        host, port = self.http.server_address[:2]
        return f"http://{host!s}:{port}{PREFIX}"

    def start(self) -> Server:
        self.stores()  # opens (and migrates) the store now: a bad URL fails before serving
        for name, target in (("http", self.http.serve_forever), ("refresh", self._loop)):
            thread = threading.Thread(target=target, name=f"newsdesk-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("serving the Google Reader API at %s", self.address)
        return self

    def _loop(self) -> None:
        holder = holder_name()
        while not self.stopping.is_set():
            refresh_turn(self.stores(), holder, self.settings.url, self.stopping)
            self.stopping.wait(self.settings.every)

    def stop(self) -> None:
        """Stop serving and fetching; wait for both; close every connection."""
        self.stopping.set()
        self.http.shutdown()
        self.http.server_close()
        for thread in self._threads:
            thread.join(timeout=60)
        self.stores.close()
        log.info("stopped")
