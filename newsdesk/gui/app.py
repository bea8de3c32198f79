"""QApplication set-up: high-DPI, identity, the store, the window, the event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from newsdesk import __version__
from newsdesk.errors import StoreError
from newsdesk.store import open_store


def make_app() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("NewsDesk")
    app.setOrganizationName("NewsDesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("newsdesk")
    return app


def run_gui(db_path: str | Path) -> int:
    app = make_app()
    try:
        store = open_store(db_path)
    except StoreError as exc:
        from newsdesk.gui.messages import show_message

        show_message(None, "NewsDesk cannot open its database", str(exc), kind="critical")
        return 1
    from newsdesk.gui.mainwindow import MainWindow

    window = MainWindow(store, QSettings())
    window.show()
    try:
        return app.exec()
    finally:
        store.close()
