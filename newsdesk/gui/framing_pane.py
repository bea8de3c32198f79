"""The side pane for the selected article's story: the other outlets' coverage of it.

The framing comparison (a later issue) will grow here; for now the pane lists who reported
the event, when, and under which headline, each one a click away.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from newsdesk.errors import NewsdeskError
from newsdesk.models import Article
from newsdesk.store.db import Store

EMPTY_TEXT = (
    "<h3>Story comparison</h3>"
    "<p>When several outlets report the same event, this pane lines their articles up: "
    "who reported first, how each headline frames it, and who they quote.</p>"
    "<p>Select an article to see its story here.</p>"
)


class StoryPane(QWidget):
    """Lists the other articles of the selected article's story."""

    article_requested = Signal(str)

    def __init__(self, store: Store | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.article: Article | None = None
        self.story_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.label = QLabel(EMPTY_TEXT)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label.setObjectName("storyEmpty")
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._clicked)
        self.view.hide()
        layout.addWidget(self.label)
        layout.addWidget(self.view, 1)

    def show_article(self, article: Article | None) -> None:
        """Follow the selected article: its story's other outlets, or an empty state."""
        self.article = article
        self.story_id = None
        if article is None or self.store is None:
            self._empty(EMPTY_TEXT)
            return
        try:
            story_id = self.store.story_of(article.id)
            members = self.store.story_members(story_id) if story_id is not None else []
        except NewsdeskError as exc:
            self._empty(f"<p>{html.escape(str(exc))}</p>")
            return
        if story_id is None:
            self._empty("<h3>Not in a story yet</h3><p>Stories are grouped after each "
                        "refresh.</p>")
            return
        self.story_id = story_id
        outlets = list(dict.fromkeys(m.source_title for m in members))
        first = members[0]
        parts = [f"<h3>{len(outlets)} outlet{'s' * (len(outlets) != 1)} on this story</h3>"]
        if len(outlets) == 1:
            parts.append(f"<p>Only {html.escape(outlets[0])} has reported this so far. "
                         "Other outlets' coverage appears here as it arrives.</p>")
        else:
            parts.append(f"<p>First: <b>{html.escape(first.source_title)}</b>, "
                         f"{first.published.astimezone():%d %b %H:%M}.</p>")
        for m in members:
            late = m.published - first.published
            hours = late.total_seconds() / 3600
            lag = "first" if m is first else (f"+{hours:.0f} h" if hours < 48
                                               else f"+{hours / 24:.0f} d")
            current = m.article_id == article.id
            title = html.escape(m.title)
            link = title if current else f'<a href="article:{m.article_id}">{title}</a>'
            dup = " <i>(copy)</i>" if m.duplicate_of else ""
            parts.append(
                f"<p style='margin-bottom:8px'><b>{html.escape(m.source_title)}</b> "
                f"<span style='color:gray'>{lag}</span>{dup}<br>"
                f"{'▶ ' if current else ''}{link}</p>")
        self.label.hide()
        self.view.setHtml("".join(parts))
        self.view.show()

    def _empty(self, text: str) -> None:
        self.view.hide()
        self.label.setText(text)
        self.label.show()

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == "article":
            self.article_requested.emit(url.path())
