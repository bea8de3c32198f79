from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings, QThreadPool

from newsdesk.gui.mainwindow import MainWindow
from newsdesk.gui.settings import GuiSettings, save_settings
from newsdesk.store import Store


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """A message box would wait forever for a click; tests record (title, text) instead,
    answer Yes to questions, and check every box shows its text as plain text."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def record(kind: str, answer: object = None):
        def show(_parent, title, text, *args, **kwargs):
            shown.append((title, text))
            return answer
        return show

    def exec_box(box: QMessageBox) -> int:
        assert box.textFormat() == Qt.TextFormat.PlainText, box.text()
        shown.append((box.windowTitle(), box.text()))
        yes = QMessageBox.StandardButton.Yes
        return int((yes if box.standardButtons() & yes else QMessageBox.StandardButton.Ok).value)

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(record("warning")))
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(record("critical")))
    monkeypatch.setattr(QMessageBox, "about", staticmethod(record("about")))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(record("question", QMessageBox.StandardButton.Yes)))
    return shown


@pytest.fixture(autouse=True)
def desk_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The editor's name lives in the settings file: a temporary one, and no editor from
    the environment, so tests never read or write the user's."""
    path = tmp_path / "config" / "settings.json"
    monkeypatch.setenv("NEWSDESK_CONFIG", str(path))
    monkeypatch.delenv("NEWSDESK_EDITOR", raising=False)
    return path


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    """Settings in a temporary file: tests never read or write the user's settings."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    save_settings(settings, GuiSettings(refresh_minutes=0, mark_read_delay=0.05, theme="light"))
    return settings


def settle(qtbot, window: MainWindow, timeout: int = 10_000) -> None:
    """Wait until every job the window asked for has come back."""
    qtbot.waitUntil(lambda: window.jobs.idle, timeout=timeout)


@pytest.fixture
def make_window(qtbot, store: Store, qsettings: QSettings) -> Iterator:
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(store, qsettings)
        qtbot.addWidget(window)
        windows.append(window)
        settle(qtbot, window)  # the first reads (tree, counts, list) are jobs
        return window

    yield make
    QThreadPool.globalInstance().waitForDone(10_000)
    for window in windows:
        window.close()
        window.jobs.wait_for_writes(10_000)
    QThreadPool.globalInstance().waitForDone(10_000)


class RecordingStore:
    """A store that notes, for every method called on it or on its facets, whether the GUI
    thread called it."""

    FACETS = ("sources", "articles", "reading", "topics", "stories", "caches", "annotations",
              "archive")

    def __init__(self, store, calls: list[tuple[str, bool]], prefix: str = "") -> None:
        self._store, self._calls, self._prefix = store, calls, prefix

    def __getattr__(self, name):
        value = getattr(self._store, name)
        if not self._prefix and name in self.FACETS:
            return RecordingStore(value, self._calls, f"{name}.")
        if not callable(value):
            return value

        def call(*args, **kwargs):
            self._calls.append((self._prefix + name,
                                threading.current_thread() is threading.main_thread()))
            return value(*args, **kwargs)

        return call

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._store.close()


@pytest.fixture
def recorded_window(qtbot, store: Store, qsettings: QSettings, monkeypatch: pytest.MonkeyPatch):
    """make() -> (window, calls): a window whose store, and every connection its jobs open,
    record each call with whether the GUI thread made it."""
    from newsdesk.gui import mainwindow
    from newsdesk.store import open_store

    calls: list[tuple[str, bool]] = []

    def make() -> tuple[MainWindow, list[tuple[str, bool]]]:
        monkeypatch.setattr(mainwindow, "open_store", lambda url, **kwargs: RecordingStore(
            open_store(url, **kwargs), calls))
        window = MainWindow(RecordingStore(store, calls), qsettings)
        qtbot.addWidget(window)
        return window, calls

    return make
