"""The tray icon: the unread count in its tooltip, topic notifications, a click brings the
window back. Optional (a setting) and absent where the desktop has no tray."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from newsdesk.gui import theme


class Tray:
    """Owns the tray icon while it is wanted; without one, notifications go to the status bar."""

    def __init__(self, window: QMainWindow, status: Callable[[str, int], None]) -> None:
        self._window = window
        self._status = status
        self.icon: QSystemTrayIcon | None = None

    def set_wanted(self, wanted: bool) -> None:
        if wanted and self.icon is None and QSystemTrayIcon.isSystemTrayAvailable():
            self.icon = QSystemTrayIcon(theme.app_icon(), self._window)
            self.icon.activated.connect(lambda _reason: self.bring_to_front())
            self.icon.show()
        elif not wanted and self.icon is not None:
            self.icon.hide()
            self.icon = None

    def bring_to_front(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()

    def show_unread(self, unread: int) -> None:
        """The window title and the tray's tooltip say how many articles are unread."""
        self._window.setWindowTitle(f"NewsDesk — {unread} unread" if unread else "NewsDesk")
        if self.icon is not None:
            self.icon.setToolTip(f"NewsDesk: {unread} unread")

    def notify(self, lines: list[str]) -> None:
        if self.icon is not None and self.icon.supportsMessages():
            self.icon.showMessage("NewsDesk", "\n".join(lines), theme.app_icon(), 8000)
        else:
            self._status("  ·  ".join(lines), 12000)
