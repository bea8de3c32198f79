"""What an empty database shows: three ways to get started, one of them offline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from newsdesk.gui import theme


class WelcomePage(QWidget):
    """The empty state of the list: load the sample, follow the defaults, import OPML."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        logo = QLabel()
        logo.setPixmap(theme.app_icon().pixmap(72, 72))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("<h1>Welcome to NewsDesk</h1>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel("Follow a story across outlets and see how each one tells it.\n"
                      "Start with one of these:")
        text.setObjectName("muted")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for widget in (logo, title, text):
            layout.addWidget(widget)
        layout.addSpacing(12)
        self.sample_button = QPushButton("Load the sample corpus  (works offline)")
        self.sample_button.setDefault(True)
        self.defaults_button = QPushButton("Follow the default outlets  (needs the network)")
        self.import_button = QPushButton("Import an OPML file…")
        for button in (self.sample_button, self.defaults_button, self.import_button):
            button.setMinimumWidth(380)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
