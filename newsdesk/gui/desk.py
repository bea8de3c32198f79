"""The desk: the small context every action receives, instead of the main window.

It holds the job runner (the only way to the store), a way to say things in the status
bar, a way to report an error, the settings, the parent for dialogs, and the `changed`
signal that carries what a write changed. Actions import this module and `jobs`, never
`mainwindow`, so there is no import circle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSettings, SignalInstance
from PySide6.QtWidgets import QWidget

from newsdesk.errors import NewsdeskError
from newsdesk.gui.jobs import JobRunner
from newsdesk.gui.messages import show_message
from newsdesk.gui.settings import GuiSettings, save_settings

log = logging.getLogger(__name__)


@dataclass
class Desk:
    """What an action may use. `jobs.changed` is the changed signal (a services Changes)."""

    jobs: JobRunner
    qsettings: QSettings
    settings: GuiSettings
    parent: QWidget  # for dialogs and message boxes only
    status: Callable[[str, int], object]  # status(text, milliseconds; 0 stays)
    status_text: Callable[[], str]
    closed: Callable[[], bool]

    @property
    def changed(self) -> SignalInstance:
        """Emitted with a services.changes.Changes once a write is done."""
        return self.jobs.changed

    def save_settings(self, settings: GuiSettings) -> None:
        self.settings = settings
        save_settings(self.qsettings, settings)

    def show_error(self, title: str, error: BaseException) -> None:
        """A sentence in the status bar, and a message box while the window is shown."""
        text = error_text(error)
        self.status(text, 10000)
        log.warning("%s: %s", title, text)
        if self.parent.isVisible():
            show_message(self.parent, title, text)


def error_text(error: BaseException) -> str:
    """Our errors and the system's are sentences for the user; anything else is our bug."""
    return str(error) if isinstance(error, (NewsdeskError, OSError)) else (
        f"Something went wrong inside NewsDesk: {error}")
