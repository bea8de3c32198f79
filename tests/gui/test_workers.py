"""Background work: results come back on the GUI thread; network work never holds up quitting."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThreadPool

from newsdesk.gui.workers import run_in_background


def test_result_and_failure_arrive_on_the_gui_thread(qtbot) -> None:
    gui = threading.get_ident()
    seen: list[tuple[str, object, int]] = []
    run_in_background(lambda: 41 + 1, on_done=lambda v: seen.append(("done", v, threading.get_ident())))
    run_in_background(lambda: 1 / 0, on_failed=lambda e: seen.append(("failed", type(e).__name__,
                                                                       threading.get_ident())))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert sorted(seen) == [("done", 42, gui), ("failed", "ZeroDivisionError", gui)]


def test_detached_work_is_not_waited_for_when_the_application_quits(qtbot) -> None:
    """Qt waits for its pool's threads on quit; a refresh or a subscription stuck on a slow
    server runs detached, so the pool has nothing to wait for and the window closes at once."""
    release = threading.Event()
    started = threading.Event()
    done: list[object] = []

    def slow() -> str:
        started.set()
        release.wait(30)
        return "late"

    run_in_background(slow, on_done=done.append, detached=True)
    assert started.wait(5)
    try:
        assert QThreadPool.globalInstance().waitForDone(50)  # nothing of it is in the pool
        assert QThreadPool.globalInstance().activeThreadCount() == 0
    finally:
        release.set()
    qtbot.waitUntil(lambda: done == ["late"], timeout=5000)
