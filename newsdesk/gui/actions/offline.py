"""The archive's commands: fetch the open article's full text (F), make a view available
offline (full text and images, with progress and Cancel), a source's full-text mode, and
offline mode (said once, a probe every minute, a refresh when the network is back).

Every fetch runs as a detached job (it waits on the network); the store is only touched
inside jobs, through services.offline.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QProgressBar, QPushButton, QWidget

from newsdesk.gui.actions.reading import ReadingActions
from newsdesk.gui.actions.refresh import RefreshActions
from newsdesk.gui.desk import Desk
from newsdesk.gui.models import QUERY_ROLE
from newsdesk.gui.panes.navigation import NavigationPane
from newsdesk.gui.storage_dialog import StorageDialog
from newsdesk.gui.versions_dialog import VersionsDialog
from newsdesk.models import ArticleQuery
from newsdesk.services.changes import Changes
from newsdesk.services.offline import (
    ArticleHistory,
    OfflineItem,
    OfflineReport,
    article_history,
    fetch_full_text,
    make_offline,
    set_full_text_mode,
)
from newsdesk.services.reading import OpenedArticle, open_article
from newsdesk.store.api import Store

PROBE_MS = 60_000  # offline: how often a refresh looks for the network
OFFLINE_TEXT = ("Offline: reading what is stored. NewsDesk refreshes when the network is "
                "back.")
MODES = (("off", "Off"), ("on-demand", "On demand"), ("always", "Always"))
OUTCOME_TEXT = {
    "extracted": "Full text fetched ({words} words).",
    "kept_summary": "Kept the feed's summary: {reason}",
    "not_article": "Not an article: {reason}",
    "failed": "Could not fetch the full text: {reason}",
    "skipped": "Not fetched: {reason}",
}


def describe_item(item: OfflineItem, words: int = 0) -> str:
    """The status sentence for one article's fetch (F)."""
    reason = item.reason or "no reason given."
    return OUTCOME_TEXT.get(item.outcome, "{reason}").format(words=f"{words:,}", reason=reason)


@dataclass(frozen=True, slots=True)
class TextFetched:
    """One article's page fetched, and the article read again to show it."""

    item: OfflineItem
    opened: OpenedArticle
    changes: Changes = field(default_factory=Changes)


def fetch_and_open(store: Store, article_id: str) -> TextFetched:
    """On a worker: fetch the page, then read the article with what it gave."""
    item = fetch_full_text(store, article_id)
    return TextFetched(item, open_article(store, article_id), Changes.of(articles=[article_id]))


class OfflineProgress(QWidget):
    """The status bar's part for "Make available offline": a bar, a count, Cancel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setObjectName("muted")
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.cancel = QPushButton("Cancel")
        self.cancel.setFlat(True)
        self.cancel.setToolTip("Stop after the article being fetched; what is done is kept")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.hide()

    def start(self, label: str) -> None:
        self.label.setText(label)
        self.bar.setRange(0, 0)
        self.cancel.setEnabled(True)
        self.show()

    def step(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)


class OfflineBanner(QWidget):
    """The thin strip above the panes while the network is gone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # the stylesheet's fill
        self.label = QLabel(OFFLINE_TEXT)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 3, 10, 3)
        layout.addWidget(self.label, 1)
        self.hide()


class OfflineActions(QObject):
    """F, Make available offline, Full text ▸, and offline mode."""

    def __init__(self, desk: Desk, nav: NavigationPane, reading: ReadingActions,
                 refresher: RefreshActions, progress: OfflineProgress,
                 banner: OfflineBanner, colors: Callable[[], dict[str, str]]) -> None:
        super().__init__(nav)
        self.desk, self.nav, self.reading, self.refresher = desk, nav, reading, refresher
        self.progress, self.banner, self._colors = progress, banner, colors
        self.last_versions: VersionsDialog | None = None
        self.last_storage: StorageDialog | None = None
        self._stop: threading.Event | None = None  # set while a make-offline job runs
        self.last_report: OfflineReport | None = None
        self._modes: dict[int, str] = {}  # modes set in this session (the tree may lag)
        progress.cancel.clicked.connect(self.cancel)
        reading.reader.fetch_requested.connect(self.fetch_current)
        reading.reader.changes_requested.connect(self.show_changes)
        # Full text ▸ in a source's context menu
        self.full_text_menu = QMenu("Full text")
        self.full_text_menu.setToolTipsVisible(True)
        group = QActionGroup(self.full_text_menu)
        group.setExclusive(True)
        self.mode_actions: dict[str, QAction] = {}
        for mode, text in MODES:
            action = QAction(text, self.full_text_menu, checkable=True)
            action.setToolTip({"off": "Never fetch this source's article pages",
                               "on-demand": "Fetch a page when you ask (F, or the reader's "
                                            "button)",
                               "always": "Fetch the page of every summary-only article "
                                         "after each refresh"}[mode])
            action.triggered.connect(lambda _c=False, m=mode: self.set_mode(m))
            group.addAction(action)
            self.full_text_menu.addAction(action)
            self.mode_actions[mode] = action
        self.full_text_menu.aboutToShow.connect(self._check_mode)
        # offline mode
        self.probe = QTimer(self, interval=PROBE_MS)
        self.probe.timeout.connect(self._probe)
        refresher.offline_changed.connect(self._offline_changed)

    # -- F: the open article's page

    def fetch_current(self) -> None:
        """Fetch the open article's page now (whatever its source's setting), then show
        what it gave; the reader says "Fetching…" meanwhile."""
        article = self.reading.reader.view.article
        if article is None:
            self.desk.status("Open an article first.", 4000)
            return
        if not article.url:
            self.desk.status("This article has no page address to fetch.", 6000)
            return
        article_id = article.id
        if article_id in self.reading.fetching_text:
            return
        self.reading.fetching_text.add(article_id)
        self.reading.reshow()
        self.desk.status("Fetching the full article…", 0)

        def done(fetched: TextFetched) -> None:
            self.reading.fetching_text.discard(article_id)
            fulltext = fetched.opened.fulltext
            words = fulltext.word_count if fulltext is not None else 0
            self.desk.status(describe_item(fetched.item, words), 10000)
            shown = self.reading.reader.view.article
            if shown is not None and shown.id == article_id:
                self.reading.show_record(fetched.opened)

        def failed(error: BaseException) -> None:
            self.reading.fetching_text.discard(article_id)
            self.reading.reshow()
            self.desk.show_error("Could not fetch the full article", error)

        self.desk.jobs.op(lambda store: fetch_and_open(store, article_id), on_done=done,
                          on_failed=failed, detached=True)

    # -- versions, storage

    def show_changes(self) -> None:
        """The open article's versions, with a word diff of each change (not modal)."""
        article = self.reading.reader.view.article
        if article is None:
            return
        article_id = article.id

        def show(history: ArticleHistory) -> None:
            dialog = VersionsDialog(history, self._colors(), self.desk.parent)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.last_versions = dialog
            dialog.show()

        self.desk.jobs.query(lambda store: article_history(store, article_id), on_done=show,
                             error_title="Could not read the article's versions")

    def show_storage(self) -> None:
        """Storage…: sizes by source, retention, Prune now, Compact (not modal)."""
        dialog = StorageDialog(self.desk, self.desk.parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_storage = dialog
        dialog.show()

    # -- Make available offline

    @property
    def running(self) -> bool:
        return self._stop is not None

    def make_selected_offline(self) -> None:
        """Full text and images for every article of the view selected in the tree (a
        view, source, folder, topic, story, tag)."""
        query = self.nav.currentIndex().data(QUERY_ROLE)
        if not isinstance(query, ArticleQuery):
            query = self.reading.model.query  # a search's results: what the list shows
        self.make_offline(query, self.nav.label() or "these articles")

    def make_offline(self, query: ArticleQuery, label: str) -> None:
        if self._stop is not None:
            self.desk.status("Already making articles available offline; Cancel stops it.",
                             5000)
            return
        stop = threading.Event()
        self._stop = stop
        name = label.split("  ")[0]  # a tree label's count is not its name
        self.progress.start(f"Offline: {name}")
        self.desk.status(f"Making “{name}” available offline…", 0)

        def report_progress(value: tuple[int, int]) -> None:
            done, total = value
            self.progress.step(done, total)
            self.desk.status(f"Making “{name}” available offline… {done} of {total}", 0)

        def done(report: OfflineReport) -> None:
            self._finished()
            self.last_report = report
            self.desk.status(report.summary(), 0)
            self.reading.reopen()

        def failed(error: BaseException) -> None:
            self._finished()
            self.desk.show_error("Could not make the articles available offline", error)

        self.desk.jobs.op(lambda store, report: make_offline(
            store, query, images=True, allow_images=True,
            progress=lambda done, total, _item: report((done, total)),
            should_stop=stop.is_set),
            on_done=done, on_failed=failed, on_progress=report_progress, detached=True)

    def cancel(self) -> None:
        """Stop after the article being fetched (what was fetched stays)."""
        if self._stop is not None:
            self._stop.set()
            self.progress.cancel.setEnabled(False)
            self.desk.status("Stopping after the article being fetched…", 0)

    def _finished(self) -> None:
        self._stop = None
        self.progress.hide()

    # -- Full text ▸

    def _selected_source(self) -> int | None:
        ident = self.nav.selected("source")
        return int(ident) if ident is not None else None

    def mode_of(self, source_id: int) -> str:
        if source_id in self._modes:
            return self._modes[source_id]
        found = next((s for s in self.nav.nav_model.sources if s.id == source_id), None)
        return found.full_text if found is not None else "on-demand"

    def _check_mode(self) -> None:
        source_id = self._selected_source()
        for action in self.mode_actions.values():
            action.setEnabled(source_id is not None)
        if source_id is not None:
            self.mode_actions[self.mode_of(source_id)].setChecked(True)

    def set_mode(self, mode: str) -> None:
        source_id = self._selected_source()
        if source_id is None:
            self.desk.status("Select a source first.", 4000)
            return
        name = (self.nav.label() or "this source").split("  ")[0]
        text = dict(MODES)[mode].lower()

        def done(_changes: Changes) -> None:
            self._modes[source_id] = mode
            self.desk.status(f"Full text for {name}: {text}.", 6000)
            self.reading.reopen()

        self.desk.jobs.op(lambda store: set_full_text_mode(store, source_id, mode),
                          on_done=done, error_title="Could not save the source")

    # -- offline mode

    def _offline_changed(self, offline: bool) -> None:
        """Say it once, probe every minute, clear it when a refresh gets through."""
        if offline:
            self.banner.show()
            self.probe.start()
        else:
            self.banner.hide()
            self.probe.stop()

    def _probe(self) -> None:
        if not self.refresher.running:
            self.refresher.refresh()
