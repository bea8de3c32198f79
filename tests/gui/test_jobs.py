"""The job runner: results come back on the GUI thread; writes run one at a time and say
what changed; the latest job under a key supersedes the one before; network work never
holds up quitting."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThreadPool

from newsdesk.gui.jobs import JobRunner
from newsdesk.services.changes import Changes
from newsdesk.services.sources import Followed
from newsdesk.store import Store, open_store


def make_runner(store: Store) -> tuple[JobRunner, list[tuple[str, BaseException]]]:
    errors: list[tuple[str, BaseException]] = []
    path = store.url
    runner = JobRunner(lambda: open_store(path), on_error=lambda t, e: errors.append((t, e)))
    return runner, errors


def test_result_and_failure_arrive_on_the_gui_thread(qtbot, store) -> None:
    runner, errors = make_runner(store)
    gui = threading.get_ident()
    seen: list[tuple[str, object, int]] = []
    runner.query(lambda s: 41 + 1, on_done=lambda v: seen.append(("done", v, threading.get_ident())))
    runner.query(lambda s: 1 / 0, on_done=seen.append, on_failed=lambda e: seen.append(
        ("failed", type(e).__name__, threading.get_ident())))
    runner.query(lambda s: s.articles.get("nope"), on_done=seen.append, error_title="Could not")
    qtbot.waitUntil(lambda: len(seen) == 2 and len(errors) == 1 and runner.idle, timeout=5000)
    assert sorted(seen) == [("done", 42, gui), ("failed", "ZeroDivisionError", gui)]
    assert errors[0][0] == "Could not"


def test_a_write_returns_its_result_then_announces_what_changed(qtbot, store) -> None:
    runner, _errors = make_runner(store)
    events: list[object] = []
    runner.changed.connect(events.append)

    def write(s: Store) -> Followed:
        source, _created = s.sources.add("http://127.0.0.1:9/feed")
        return Followed(1, 1, Changes.of(sources=[source.id], source_list=True))

    runner.op(write, on_done=events.append)
    runner.op(lambda s: Changes.of(articles=["a"]), on_done=events.append)
    qtbot.waitUntil(lambda: len(events) == 4, timeout=5000)
    source_id = store.sources.list()[0].id
    added = Changes.of(sources=[source_id], source_list=True)
    assert events == [Followed(1, 1, added), added,  # a record carrying its Changes
                      Changes.of(articles=["a"]), Changes.of(articles=["a"])]  # or the Changes


def test_writes_land_in_the_order_asked(qtbot, store) -> None:
    runner, _errors = make_runner(store)
    store.sources.add("http://127.0.0.1:9/feed")
    source_id = store.sources.list()[0].id
    for title in ("one", "two", "three"):
        runner.op(lambda s, title=title: (s.sources.update(source_id, title=title), Changes())[1])
    qtbot.waitUntil(lambda: runner.idle, timeout=5000)
    assert runner.wait_for_writes(5000)
    assert store.sources.get(source_id).title == "three"


def test_only_the_latest_answer_under_a_key_arrives(qtbot, store) -> None:
    runner, _errors = make_runner(store)
    answers: list[str] = []
    release = threading.Event()

    def slow(_s: Store) -> str:
        release.wait(5)
        return "older"

    runner.latest("list", slow, on_done=answers.append)
    runner.latest("list", lambda _s: "newer", on_done=answers.append)
    release.set()
    qtbot.waitUntil(lambda: runner.idle, timeout=5000)
    assert answers == ["newer"]


def test_detached_work_is_not_waited_for_when_the_application_quits(qtbot, store) -> None:
    """Qt waits for its pool's threads on quit; a refresh or a subscription stuck on a slow
    server runs detached, so the pool has nothing to wait for and the window closes at once."""
    runner, _errors = make_runner(store)
    release = threading.Event()
    started = threading.Event()
    done: list[object] = []

    def slow(_s: Store) -> str:
        started.set()
        release.wait(30)
        return "late"

    runner.query(slow, on_done=done.append, detached=True)
    assert started.wait(5)
    try:
        assert QThreadPool.globalInstance().waitForDone(50)  # nothing of it is in the pool
        assert QThreadPool.globalInstance().activeThreadCount() == 0
    finally:
        release.set()
    qtbot.waitUntil(lambda: done == ["late"], timeout=5000)


def test_signals_keep_the_reference_counts_of_true_and_none(qapp):
    """PySide6 6.12.0 on Python 3.11 drops a reference to True at every emit and to None
    at every processEvents(): a long session then frees True and aborts. (On 3.12+ both
    are immortal and their counts never move.)"""
    import sys

    from PySide6.QtCore import QObject, Qt, Signal

    class Sender(QObject):
        said = Signal(object)

    sender = Sender()
    heard = []
    sender.said.connect(heard.append, Qt.ConnectionType.QueuedConnection)
    trues, nones = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(200):
        sender.said.emit(True)
        qapp.processEvents()
    assert heard == [True] * 200
    del heard[:]
    assert sys.getrefcount(True) >= trues - 20 and sys.getrefcount(None) >= nones - 20
