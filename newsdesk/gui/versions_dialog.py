"""An article's versions: each one's time, origin and headline, and what changed between
the selected one and the next, as a word diff of the headline and the text (added words
on the palette's "ins" colour, removed ones struck through on its "del" colour).

It draws an ArticleHistory read by a job; diffing is pure (offline/versions.py) and runs
here, on the GUI thread, without the store.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from newsdesk.gui.reader_html import diff_html, short_time
from newsdesk.offline.versions import changed_words
from newsdesk.services.offline import ArticleHistory

ORIGIN = {"feed": "the feed", "page": "the page"}


class VersionsDialog(QDialog):
    """The versions of one article, oldest first; the last row is the current one."""

    def __init__(self, history: ArticleHistory, colors: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history, self.colors = history, colors
        count = len(history.versions)
        self.setWindowTitle("Article versions")
        self.resize(880, 620)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        earlier = count - 1
        self.intro.setText(
            f"{earlier} earlier version{'s' * (earlier != 1)} of this article. Select one to "
            "see what changed in the next: added words are shaded green, removed ones red "
            "and struck through." if earlier else "This article has not changed since it "
            "was first stored.")
        self.list = QTreeWidget()
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels(["#", "Seen", "From", "Headline"])
        self.list.setUniformRowHeights(True)
        for version in history.versions:
            current = history.next_of(version.number) is None
            item = QTreeWidgetItem([
                str(version.number), short_time(version.seen),
                ORIGIN.get(version.origin, version.origin) + (" (current)" if current else ""),
                version.title])
            item.setToolTip(3, version.title)
            item.setData(0, Qt.ItemDataRole.UserRole, version.number)
            self.list.addTopLevelItem(item)
        for column, width in ((0, 36), (1, 110), (2, 150)):
            self.list.setColumnWidth(column, width)
        self.heading = QLabel()
        self.heading.setObjectName("muted")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.diff = QTextBrowser()
        self.diff.setOpenLinks(False)
        self.diff.document().setDefaultStyleSheet(
            f"body {{ color: {colors['text']}; }} h3 {{ margin-bottom: 8px; }}"
            f"p {{ line-height: 140%; }}")
        lower = QWidget()
        box = QVBoxLayout(lower)
        box.setContentsMargins(0, 6, 0, 0)
        box.addWidget(self.heading)
        box.addWidget(self.diff, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([170, 450])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.list.currentItemChanged.connect(lambda item, _old: self._select(item))
        if count:
            # the latest change first: the newest version something replaced
            changed = [v.number for v in history.versions
                       if history.next_of(v.number) is not None]
            first = self.list.topLevelItem((changed[-1] if changed else count) - 1)
            if first is not None:
                self.list.setCurrentItem(first)

    def _select(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        self.show_diff(int(item.data(0, Qt.ItemDataRole.UserRole)))

    def pair(self, number: int) -> tuple[int, int] | None:
        """The versions to compare for a selected one: it and the next of its origin (the
        feed's or the page's), or for a current one the one before it; None for a version
        alone of its origin."""
        history = self.history
        newer = history.next_of(number)
        if newer is not None:
            return number, newer
        origin = history.version(number).origin
        before = [v.number for v in history.versions[:number - 1] if v.origin == origin]
        return (before[-1], number) if before else None

    def show_diff(self, number: int) -> None:
        """What changed from version `number` to the next of its origin (a current one:
        from the one before it)."""
        found = self.pair(number)
        if found is None:
            only = self.history.version(number)
            self.heading.setText(f"Version {number} ({ORIGIN.get(only.origin, only.origin)}, "
                                 f"{short_time(only.seen)}): nothing earlier to compare.")
            self.diff.setHtml(f"<h3>{html.escape(only.title)}</h3>"
                              f"<p>{html.escape(only.text)}</p>")
            return
        older, newer = found
        title_parts, text_parts = self.history.diff(older, newer)
        removed, added = changed_words([*title_parts, *text_parts])
        old, new = self.history.version(older), self.history.version(newer)
        current = " (current)" if self.history.next_of(newer) is None else ""
        self.heading.setText(
            f"Version {older} ({ORIGIN.get(old.origin, old.origin)}, "
            f"{short_time(old.seen)}) → version {newer}{current} "
            f"({short_time(new.seen)}): {removed} word{'s' * (removed != 1)} removed, "
            f"{added} added.")
        self.diff.setHtml(f"<h3>{diff_html(title_parts, self.colors)}</h3>"
                          f"<p>{diff_html(text_parts, self.colors)}</p>")
