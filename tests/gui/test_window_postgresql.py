"""The window on a team's PostgreSQL store (`newsdesk gui --db postgresql://...`): the same
first run as on SQLite, its jobs each opening their own connection from the store's URL."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from newsdesk.store import Store, open_store
from tests.gui.conftest import settle


@pytest.fixture
def store(pg_url: str) -> Iterator[Store]:
    with open_store(pg_url) as opened:
        yield opened


def test_the_window_loads_the_sample_and_reads_on_postgresql(make_window, qtbot, store):
    window = make_window()
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    assert window.middle.currentWidget() is window.welcome
    window.welcome.sample_button.click()
    qtbot.waitUntil(lambda: window.middle.currentWidget() is window.table, timeout=20000)
    qtbot.waitUntil(lambda: window.articles_model.rowCount() == 43, timeout=10000)
    assert window.windowTitle() == "NewsDesk — 43 unread"
    settle(qtbot, window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: window.current_headline() is not None, timeout=5000)
    headline = window.current_headline()
    assert headline is not None
    first_id = headline.id
    qtbot.keyClick(window.table, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: store.reading.status(first_id).is_read, timeout=5000)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.windowTitle() == "NewsDesk — 42 unread", timeout=5000)
    if shots := os.environ.get("NEWSDESK_SHOTS"):  # to look at: NEWSDESK_SHOTS=/tmp/shots
        window.grab().save(os.path.join(shots, "window-postgresql.png"))
