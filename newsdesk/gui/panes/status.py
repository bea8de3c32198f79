"""The refresh's part of the status bar: a progress bar while it runs, and a button that
lists the feeds that failed (never shown when every feed failed for want of a network)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QProgressBar, QPushButton, QStatusBar, QWidget

from newsdesk.gui.actions.refresh import RefreshActions
from newsdesk.gui.dialogs import FailedFeedsDialog


class RefreshIndicator:
    """Follows a RefreshActions: disables the action while it runs, shows its progress."""

    def __init__(self, refresher: RefreshActions, action: QAction, bar: QStatusBar,
                 parent: QWidget) -> None:
        self.refresher, self.action, self.parent = refresher, action, parent
        self.failed_dialog: FailedFeedsDialog | None = None
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.failed_button = QPushButton()
        self.failed_button.setFlat(True)
        self.failed_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.failed_button.clicked.connect(self.show_failed)
        self.failed_button.hide()
        bar.addPermanentWidget(self.failed_button)
        bar.addPermanentWidget(self.progress)
        refresher.started.connect(self._started)
        refresher.progressed.connect(self._progressed)
        refresher.finished.connect(self._finished)
        refresher.failed_refresh.connect(self._stopped)

    def _started(self) -> None:
        self.action.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _stopped(self) -> None:
        self.action.setEnabled(True)
        self.progress.hide()

    def _finished(self, failed: list[object]) -> None:
        self._stopped()
        self.failed_button.setText(f"{len(failed)} feeds failed")
        self.failed_button.setVisible(bool(failed))

    def show_failed(self) -> None:
        """The feeds the last refresh could not read, and why (not modal)."""
        if self.refresher.last_failed:
            self.failed_dialog = FailedFeedsDialog(self.refresher.last_failed, self.parent)
            self.failed_dialog.show()
