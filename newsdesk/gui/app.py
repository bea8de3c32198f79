"""QApplication set-up: open the store, build the window, run the event loop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from newsdesk import __version__
from newsdesk.errors import StoreError
from newsdesk.store.db import Store


def run_gui(db_path: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("NewsDesk")
    app.setOrganizationName("NewsDesk")
    app.setApplicationVersion(__version__)
    try:
        store = Store.open(db_path)
    except StoreError as exc:
        QMessageBox.critical(None, "NewsDesk cannot open its database", str(exc))
        return 1
    from newsdesk.gui.mainwindow import MainWindow

    window = MainWindow(store)
    window.show()
    try:
        return app.exec()
    finally:
        store.close()
