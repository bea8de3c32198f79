"""`newsdesk serve`: one process that fetches on the schedule, groups, warms comparisons
and answers the Google Reader API, until it is told to stop.

Two servers may share a store: a refresh runs under the store's lease "refresh", so while
one server fetches the other does not fetch the same feeds (it tries again at its next
turn); grouping has its own exclusive section in the store. Stopping (SIGTERM, Ctrl-C)
lets the refresh under way finish its source writes, answers no new requests and closes
every connection.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
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


def refresh_turn(store: Store, holder: str, *, lease_seconds: float = 900.0) -> bool:
    """Fetch what is due, group it and warm comparisons, if no other server is doing it;
    return whether this one did. A failure is logged, not raised: the next turn tries."""
    from newsdesk.services.refresh import refresh

    if not store.leases.acquire(LEASE, holder, lease_seconds):
        log.info("another server is refreshing this store; skipping this turn")
        return False
    try:
        done = refresh(store, warm=True)
        report = done.report
        log.info("refreshed %d sources: %d new articles, %d failed, %d placed in stories",
                 len(report.sources), sum(len(s.new_ids) for s in report.sources),
                 len(report.failed), done.placed)
    except Exception:
        log.exception("a refresh failed; the next turn tries again")
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
            refresh_turn(self.stores(), holder)
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
