"""Run a core call off the GUI thread and deliver its result back on the GUI thread.

Like Anki's CollectionOp: `run_in_background(fn, on_done=..., on_failed=...)`. Never
touch a widget inside `fn`; do that in the callbacks, which run on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; queued signals from the worker land here."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object)

    def __init__(self, on_done: Callable[[Any], None] | None,
                 on_failed: Callable[[BaseException], None] | None,
                 on_progress: Callable[[Any], None] | None) -> None:
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
        if self._on_failed:
            self._on_failed(error)  # type: ignore[arg-type]
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
            from newsdesk.errors import NewsdeskError

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


def run_in_background(fn: Callable[..., Any], *, on_done: Callable[[Any], None] | None = None,
                      on_failed: Callable[[BaseException], None] | None = None,
                      on_progress: Callable[[Any], None] | None = None,
                      pool: QThreadPool | None = None, detached: bool = False) -> None:
    """Run `fn` on a pool thread. With on_progress, `fn` gets a report(value) callable.

    `detached` runs it on a daemon thread instead, for work that waits on the network
    (a refresh, a subscription, image downloads): Qt waits for its pool's threads when the
    application quits, and closing the window must not wait for a slow server. Abandoning
    such work is safe: each source is stored in its own transaction.
    """
    relay = _Relay(on_done, on_failed, on_progress)
    _live.add(relay)
    task = _Task(fn, relay, on_progress is not None)
    if detached:
        threading.Thread(target=task.run, name="newsdesk-network", daemon=True).start()
    else:
        (pool or QThreadPool.globalInstance()).start(task)
