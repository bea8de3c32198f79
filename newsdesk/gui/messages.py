"""Messages that quote feeds, servers and files: always shown as plain text.

Qt guesses whether a message box's text or a tooltip is HTML; a feed title such as
`<a href="file:///etc">x</a><b>` would then become a live link or swallow the rest of
the message. Every message box in the window goes through show_message, and every
tooltip holding outside text through plain_tooltip.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def show_message(parent: QWidget | None, title: str, text: str, *,
                 kind: str = "warning") -> bool:
    """The one way the window shows a message box: as plain text, whatever it holds.

    Messages quote feed titles, server reason phrases and file names; as rich text a
    `<a href="file:///...">` in any of them would become a live link or hide the rest of
    the message. kind is "warning", "critical", "information" or "question" (Yes/No,
    No the default); returns whether the user answered Yes.
    """
    icons = {"warning": QMessageBox.Icon.Warning, "critical": QMessageBox.Icon.Critical,
             "information": QMessageBox.Icon.Information,
             "question": QMessageBox.Icon.Question}
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    buttons = yes | no if kind == "question" else QMessageBox.StandardButton.Ok
    box = QMessageBox(icons[kind], title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if kind == "question":
        box.setDefaultButton(no)
    answer = box.exec()
    return kind == "question" and answer == yes


def plain_tooltip(text: str) -> str:
    """A tooltip that shows text literally (Qt renders a tooltip that looks like HTML)."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>" if text else ""
