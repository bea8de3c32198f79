"""Leases (named claims with an expiry), and `Exclusive`: a store's named sections that one
program at a time runs, built on whatever a backend holds (a lease, an advisory lock)."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from newsdesk.dates import to_iso
from newsdesk.errors import StoreError
from newsdesk.store.sql.core import Core

log = logging.getLogger(__name__)

POLL = 0.1  # seconds between tries while waiting for an exclusive section
LEASE_SECONDS = 60.0  # an exclusive section's lease, where a lease holds it
RENEW_EVERY = 20.0  # ... renewed this often while the section runs
MAX_SECONDS = 1e9  # about 31 years: the longest lease (dates stay four-digit years)


def _expiry(now: datetime, seconds: float) -> str:
    """When a lease of `seconds` from `now` ends, to the second, rounded up (a lease is
    never shorter than asked)."""
    return to_iso(now.replace(microsecond=0) + timedelta(seconds=math.ceil(
        seconds + now.microsecond / 1e6))) or ""


class SqlLeases:
    """The leases facet (see newsdesk.store.api.LeasesFacet)."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def acquire(self, name: str, holder: str, seconds: float,
                now: datetime | None = None) -> bool:
        """See LeasesFacet.acquire: one upsert whose update applies only to a lease that
        is ours or expired, inside a write (one writer at a time on both backends), so
        of two programs racing exactly one changes the row."""
        if not name or not holder:
            raise ValueError("A lease needs a name and a holder.")
        if not 0 <= seconds <= MAX_SECONDS:  # NaN fails too
            raise ValueError(f"A lease lasts from 0 to {MAX_SECONDS:.0f} seconds, not {seconds}.")
        at = now or datetime.now(UTC)
        with self._core.write() as conn:
            taken = conn.execute(
                "INSERT INTO leases(name, holder, expires) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, "
                "expires = excluded.expires "
                "WHERE leases.holder = excluded.holder OR leases.expires <= ?",
                [name, holder, _expiry(at, seconds), to_iso(at)]).rowcount
        return taken > 0

    def release(self, name: str, holder: str) -> bool:
        with self._core.write() as conn:
            return conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?",
                                [name, holder]).rowcount > 0

    def extend(self, name: str, holder: str, seconds: float) -> bool:
        """Extend a lease `holder` holds still (expired or not); False, changing nothing,
        when it was given up or another program took it. Not part of the contract: the
        renewal of LeaseSections, which must never take back a lease once released."""
        with self._core.write() as conn:
            return conn.execute("UPDATE leases SET expires = ? WHERE name = ? AND holder = ?",
                                [_expiry(datetime.now(UTC), seconds), name,
                                 holder]).rowcount > 0

    def holder(self, name: str, now: datetime | None = None) -> str | None:
        rows = self._core.read("SELECT holder FROM leases WHERE name = ? AND expires > ?",
                               [name, to_iso(now or datetime.now(UTC))])
        return str(rows[0][0]) if rows else None


class Exclusive:
    """A store's named exclusive sections (Store.exclusive): `take(name)` tries once to
    hold `name` for this store (True when it does now), `give(name)` lets it go. Waiting
    is polling `take`, so no connection sits blocked in the server; a section inside
    another of its name on the same store holds it at once (counted, given back when the
    outermost ends)."""

    def __init__(self, take: Callable[[str], bool], give: Callable[[str], None]) -> None:
        self._take = take
        self._give = give
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def __call__(self, name: str, wait: float = 0.0) -> Iterator[bool]:
        if not name:
            raise ValueError("An exclusive section needs a name.")
        with self._lock:
            if self._held.get(name):
                self._held[name] += 1
                inner = True
            else:
                inner = False
        if inner:
            try:
                yield True
            finally:
                with self._lock:
                    self._held[name] -= 1
            return
        if not self._wait_for(name, wait):
            yield False
            return
        with self._lock:
            self._held[name] = 1
        try:
            yield True
        finally:
            with self._lock:
                del self._held[name]
            try:
                self._give(name)
            except StoreError as exc:  # the block's own error matters more
                log.warning("could not give up %r: %s", name, exc)

    def _wait_for(self, name: str, wait: float) -> bool:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            if self._take(name):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(POLL, left))


def lease_holder() -> str:
    """A holder name unique to one store object: the host, the process and a random part
    (so a log says which program holds what)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class LeaseSections:
    """Exclusive sections held as leases (for a backend without session locks, SQLite):
    `exclusive:NAME` taken for LEASE_SECONDS and renewed every RENEW_EVERY seconds by a
    thread while the section runs, so a program that dies holds it a minute at most.

    The renewal only extends a lease still ours and is never waited for: giving up stops
    the thread and deletes the lease at once, and a renewal that was waiting for the
    connection (a long write on it) then finds nothing to extend, so nothing deadlocks
    and nothing is taken back."""

    def __init__(self, leases: SqlLeases, *, seconds: float = LEASE_SECONDS,
                 renew_every: float = RENEW_EVERY) -> None:
        self._leases = leases
        self._seconds = seconds
        self._renew_every = renew_every
        self.holder = lease_holder()
        self._renewers: dict[str, threading.Event] = {}
        self.exclusive = Exclusive(self._take, self._give)

    def _take(self, name: str) -> bool:
        """Try once; a lease another holder keeps is seen by a read, so waiting costs no
        writes (each would queue behind the writer that holds the section)."""
        if self._leases.holder(f"exclusive:{name}") not in (None, self.holder):
            return False
        if not self._leases.acquire(f"exclusive:{name}", self.holder, self._seconds):
            return False
        stop = threading.Event()
        thread = threading.Thread(target=self._renew, args=(name, stop), daemon=True,
                                  name=f"newsdesk-lease-{name}")
        self._renewers[name] = stop
        thread.start()
        return True

    def _renew(self, name: str, stop: threading.Event) -> None:
        while not stop.wait(self._renew_every):
            try:
                if not self._leases.extend(f"exclusive:{name}", self.holder, self._seconds) \
                        and not stop.is_set():
                    log.warning("the lease on %r was lost: another program may run it too",
                                name)
            except StoreError as exc:  # busy for a moment: the lease lasts a while yet
                log.warning("could not renew the lease on %r: %s", name, exc)

    def _give(self, name: str) -> None:
        self._renewers.pop(name).set()
        self._leases.release(f"exclusive:{name}", self.holder)
