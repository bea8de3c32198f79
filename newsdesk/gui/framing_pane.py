"""The side pane for a story: other outlets' coverage of the selected article's event.

Until stories exist (the clustering issue), it explains what will appear here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from newsdesk.models import Article

EMPTY_TEXT = (
    "<h3>Story comparison</h3>"
    "<p>When several outlets report the same event, this pane will line their articles up: "
    "who reported first, how each headline frames it, the words each outlet uses that the "
    "others don't, and who they quote.</p>"
    "<p>Stories are grouped after each refresh. Select an article to see its story here.</p>"
)


class StoryPane(QWidget):
    """Placeholder content for the story dock, with a clear empty state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.article: Article | None = None
        layout = QVBoxLayout(self)
        self.label = QLabel(EMPTY_TEXT)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label.setObjectName("storyEmpty")
        layout.addWidget(self.label)
        layout.addStretch(1)

    def show_article(self, article: Article | None) -> None:
        """Follow the selected article (stories arrive with the clustering issue)."""
        self.article = article
