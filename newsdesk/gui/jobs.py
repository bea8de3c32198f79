"""The one way the window runs work on the store: off the GUI thread, results back on it.

Modelled on Anki's `QueryOp` / `CollectionOp`:

- `JobRunner.query(read, on_done)`: `read(store)` runs on a pool thread, on the job's own
  connection to the database; `on_done(result)` runs on the GUI thread.
- `JobRunner.op(write, on_done)`: `write(store)` is a service call that returns a
  `services.changes.Changes` or a record carrying one as `.changes` (Anki's OpChanges and
  OpChangesWithCount); the writes run one at a time, in the order asked (one writer), and
  once one is done `on_done(record)` runs and the runner announces what changed, so each
  view decides whether it must redraw.
- `JobRunner.latest(key, read, on_done)`: "only the latest": asking again under the same key
  interrupts the one still running (sqlite3 stops mid-query) and drops its answer, for views
  that follow the selection (the list, the article, the counts).

`detached=True` runs a job on a daemon thread instead of the pool, for work that waits on the
network (a refresh, a subscription, image downloads): Qt waits for its pool's threads when the
application quits, and closing the window must not wait for a slow server. Abandoning such
work is safe: each source is stored in its own transaction. A detached write does not
queue behind the one writer (it would hold the queue for as long as the network takes); the
store's IMMEDIATE transactions keep it and the queued writes from overlapping.

Never touch a widget inside `read` or `write`; do that in the callbacks.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from newsdesk.errors import NewsdeskError
from newsdesk.services.changes import Changes
from newsdesk.store import Store

log = logging.getLogger(__name__)

Opener = Callable[[], Store]
OnFailed = Callable[[BaseException], object]


class HasChanges(Protocol):
    """A write's record that says what the write changed (services' Subscribed, BulkRead...)."""

    @property
    def changes(self) -> Changes: ...


Written = Changes | HasChanges  # what a write returns


def changes_of(written: Written) -> Changes:
    """What a write changed, whether it returned the Changes or a record carrying them."""
    return written if isinstance(written, Changes) else written.changes


class _Relay(QObject):
    """Lives on the GUI thread; queued signals from the worker land here."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object)

    def __init__(self, on_done: Callable[[Any], object] | None, on_failed: OnFailed | None,
                 on_progress: Callable[[Any], object] | None) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_failed = on_failed
        self._on_progress = on_progress
        self.done.connect(self._deliver_done, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._deliver_failed, Qt.ConnectionType.QueuedConnection)
        self.progress.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver_done(self, result: object) -> None:
        _live.discard(self)
        if self._on_done:
            self._on_done(result)

    @Slot(object)
    def _deliver_failed(self, error: object) -> None:
        _live.discard(self)
        if self._on_failed and isinstance(error, BaseException):
            self._on_failed(error)
        else:
            log.error("background task failed: %s", error)

    @Slot(object)
    def _deliver_progress(self, value: object) -> None:
        if self._on_progress:
            self._on_progress(value)


_live: set[_Relay] = set()  # keeps relays alive until they have delivered


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], relay: _Relay, with_progress: bool) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay
        self._with_progress = with_progress

    def run(self) -> None:
        try:
            result = self._fn(self._relay.progress.emit) if self._with_progress else self._fn()
        except BaseException as exc:
            if not isinstance(exc, Exception):
                raise
            if not isinstance(exc, NewsdeskError):
                log.exception("unexpected error in background task")
            self._emit(self._relay.failed, exc)
        else:
            self._emit(self._relay.done, result)

    @staticmethod
    def _emit(signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the application is shutting down; nobody is listening
            log.debug("background result dropped: receiver is gone")


def _start(fn: Callable[..., Any], *, on_done: Callable[[Any], object] | None,
           on_failed: OnFailed | None, on_progress: Callable[[Any], object] | None = None,
           pool: QThreadPool | None = None, detached: bool = False) -> None:
    """Run `fn` on a pool thread (or a daemon thread); with on_progress, `fn` gets a
    report(value) callable. The callbacks run on the GUI thread."""
    relay = _Relay(on_done, on_failed, on_progress)
    _live.add(relay)
    task = _Task(fn, relay, on_progress is not None)
    if detached:
        threading.Thread(target=task.run, name="newsdesk-network", daemon=True).start()
    else:
        (pool or QThreadPool.globalInstance()).start(task)


class JobRunner(QObject):
    """Runs reads, writes and "only the latest" reads, each on its own connection."""

    changed = Signal(object)  # a services.changes.Changes, once a write is done
    settled = Signal()  # every job asked has come back (bench and tests wait on it)

    def __init__(self, opener: Opener, *, on_error: Callable[[str, BaseException], object],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open = opener
        self._on_error = on_error
        self._writer = QThreadPool(self)  # one writer: writes land in the order asked
        self._writer.setMaxThreadCount(1)
        # Work nobody waits for (warming comparisons, topic counts: full-text queries that
        # take seconds at a million articles) runs here, so it never takes the threads the
        # reads that follow the selection need.
        self._background = QThreadPool(self)
        self._background.setMaxThreadCount(2)
        self._lock = threading.Lock()
        self._running: dict[str, Store] = {}
        self._generations: dict[str, int] = {}
        self._closed = False
        self._pending = 0  # jobs asked whose answer has not come back yet

    @property
    def idle(self) -> bool:
        """Whether every job asked has come back (for tests and bench)."""
        return self._pending == 0

    def _start(self, fn: Callable[..., Any], *, on_done: Callable[[Any], object],
               on_failed: OnFailed, **options: Any) -> None:
        self._pending += 1

        def done(result: object) -> None:
            self._pending -= 1
            on_done(result)
            self._settle()

        def failed(error: BaseException) -> None:
            self._pending -= 1
            on_failed(error)
            self._settle()

        _start(fn, on_done=done, on_failed=failed, **options)

    def _settle(self) -> None:
        if self._pending == 0 and not self._closed:
            with contextlib.suppress(RuntimeError):  # the window, and this runner, are gone
                self.settled.emit()

    def wait(self) -> None:
        """Block in an event loop until every job asked has come back (for bench and
        tests): unlike a loop of processEvents(), waiting in exec() lets the jobs' threads
        run without contending for the GIL, as they do in the running application."""
        if self._pending == 0:
            return
        loop = QEventLoop()
        self.settled.connect(loop.quit)
        try:
            if self._pending:
                loop.exec()
        finally:
            self.settled.disconnect(loop.quit)

    def _failed(self, title: str, on_failed: OnFailed | None) -> OnFailed:
        return on_failed or (lambda error: self._on_error(title, error))

    def query(self, read: Callable[[Store], Any], *, on_done: Callable[[Any], object],
              on_failed: OnFailed | None = None, error_title: str = "",
              on_progress: Callable[[Any], object] | None = None,
              detached: bool = False, background: bool = False) -> None:
        """Run read(store) off the GUI thread; on_done(result) on it. With on_progress,
        `read` is called as read(store, report). `background` work (nothing on screen waits
        for it) queues on its own thread, behind no view's read and ahead of none."""
        opener = self._open

        def work(*report: Callable[[object], None]) -> Any:
            with opener() as own:
                return read(own, *report)

        self._start(work, on_done=on_done, on_failed=self._failed(error_title, on_failed),
                    on_progress=on_progress, detached=detached,
                    pool=self._background if background else None)

    def op(self, write: Callable[..., Written], *,
           on_done: Callable[[Any], object] | None = None, on_failed: OnFailed | None = None,
           error_title: str = "", on_progress: Callable[[Any], object] | None = None,
           detached: bool = False) -> None:
        """Run write(store) as the one writer (with on_progress, write(store, report));
        on_done(what it returned) on the GUI thread, then `changed` is emitted with the
        Changes it returned or carried."""
        opener = self._open

        def work(*report: Callable[[object], None]) -> Written:
            with opener() as own:
                return write(own, *report)

        def done(written: Written) -> None:
            if on_done is not None:
                on_done(written)
            if not self._closed:
                self.changed.emit(changes_of(written))

        self._start(work, on_done=done, on_failed=self._failed(error_title, on_failed),
                    on_progress=on_progress, pool=None if detached else self._writer,
                    detached=detached)

    def latest(self, key: str, read: Callable[[Store], Any], *,
               on_done: Callable[[Any], object], on_failed: OnFailed | None = None,
               background: bool = False) -> None:
        """Run read(store) on its own interruptible connection; asking again under `key`
        (or closing) interrupts it and drops its answer, so a slow read never holds up
        the newer one or the exit. `background` (counts nobody is waiting on) runs it
        beside, not among, the reads that follow the selection."""
        opener = self._open
        generation = self.supersede(key)
        failed = on_failed or (lambda error: log.warning("%s failed: %s", key, error))

        def current() -> bool:
            return self._generations.get(key) == generation and not self._closed

        def work() -> Any:
            with opener() as own:
                own.interruptible()
                with self._lock:
                    if not current():
                        return None
                    self._running[key] = own
                try:
                    return read(own)
                finally:
                    with self._lock:
                        if self._running.get(key) is own:
                            del self._running[key]

        self._start(work, on_done=lambda result: on_done(result) if current() else None,
                    on_failed=lambda error: failed(error) if current() else None,
                    pool=self._background if background else None)

    def supersede(self, key: str) -> int:
        """Drop the answer of the job under `key`, interrupting it if it runs; the new
        generation."""
        with self._lock:
            generation = self._generations.get(key, 0) + 1
            self._generations[key] = generation
            running = self._running.pop(key, None)
            if running is not None:
                running.interrupt()
            return generation

    def is_running(self, key: str) -> bool:
        """Whether a latest-job under `key` is reading now (for tests and bench)."""
        with self._lock:
            return key in self._running

    def close(self) -> None:
        """Interrupt every latest-job and drop every answer still to come."""
        with self._lock:
            self._closed = True
            for key in self._generations:
                self._generations[key] += 1
            for store in self._running.values():
                store.interrupt()
            self._running.clear()

    def wait_for_writes(self, msecs: int) -> bool:
        """Wait for the writes asked so far (for tests and quitting)."""
        return self._writer.waitForDone(msecs)
