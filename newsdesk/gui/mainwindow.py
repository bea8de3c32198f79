"""The main window: layout, menus and actions. Work is delegated to the core and workers."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from newsdesk.errors import NewsdeskError
from newsdesk.gui.framing_pane import StoryPane
from newsdesk.gui.models import HEADLINE_ROLE, QUERY_ROLE, ArticleTableModel, NavigationModel
from newsdesk.gui.reader import ReaderView
from newsdesk.gui.workers import run_in_background
from newsdesk.models import ArticleQuery, RefreshReport
from newsdesk.store.db import Store

log = logging.getLogger(__name__)


class WelcomePage(QWidget):
    """What an empty database shows: three ways to get started, one of them offline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("<h1>Welcome to NewsDesk</h1>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel("Follow a story across outlets and see how each one tells it.\n"
                      "Start with one of these:")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        layout.addWidget(text)
        self.defaults_button = QPushButton("Follow the default outlets (needs the network)")
        self.import_button = QPushButton("Import an OPML file…")
        self.sample_button = QPushButton("Load the sample corpus (works offline)")
        for button in (self.defaults_button, self.import_button, self.sample_button):
            button.setMinimumWidth(360)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class MainWindow(QMainWindow):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.setWindowTitle("NewsDesk")
        self.resize(1400, 860)
        self._refreshing = False

        self.nav_model = NavigationModel(store, self)
        self.nav = QTreeView()
        self.nav.setHeaderHidden(True)
        self.nav.setModel(self.nav_model)
        self.nav.expandAll()
        self.nav.selectionModel().currentChanged.connect(self._view_changed)

        self.articles_model = ArticleTableModel(store, self)
        self.table = QTableView()
        self.table.setModel(self.articles_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 34)
        header.resizeSection(1, 150)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._article_changed)

        self.welcome = WelcomePage()
        self.welcome.sample_button.clicked.connect(self.load_sample)
        self.welcome.defaults_button.clicked.connect(self.add_defaults)
        self.welcome.import_button.clicked.connect(self.import_opml)
        self.middle = QStackedWidget()
        self.middle.addWidget(self.table)
        self.middle.addWidget(self.welcome)

        self.reader = ReaderView()
        self.reader.show_message("No article selected", "Pick an article from the list.")

        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.middle)
        self.splitter.addWidget(self.reader)
        self.splitter.setSizes([260, 560, 580])
        self.setCentralWidget(self.splitter)

        self.story_pane = StoryPane()
        self.story_dock = QDockWidget("Story", self)
        self.story_dock.setObjectName("storyDock")
        self.story_dock.setWidget(self.story_pane)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.story_dock)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)

        self._build_actions()
        self._show_middle()
        self._select_first_view()

    # ------------------------------------------------------------ construction

    def _build_actions(self) -> None:
        self.refresh_action = QAction("Refresh", self, shortcut=QKeySequence("F5"))
        self.refresh_action.triggered.connect(self.refresh)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search all articles (/)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(320)
        self.search_box.returnPressed.connect(self._search)
        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.refresh_action)
        toolbar.addSeparator()
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy())
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.search_box)
        self.addToolBar(toolbar)

        file_menu = self.menuBar().addMenu("&File")
        add = file_menu.addAction("Add source…")
        add.triggered.connect(self.add_source)
        imp = file_menu.addAction("Import OPML…")
        imp.triggered.connect(self.import_opml)
        exp = file_menu.addAction("Export OPML…")
        exp.triggered.connect(self.export_opml)
        file_menu.addSeparator()
        sample = file_menu.addAction("Load sample corpus")
        sample.triggered.connect(self.load_sample)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.story_dock.toggleViewAction())
        find = QAction("Search", self, shortcut=QKeySequence("/"))
        find.triggered.connect(lambda: self.search_box.setFocus())
        self.addAction(find)

    def _show_middle(self) -> None:
        empty = not self.store.list_sources()
        self.middle.setCurrentWidget(self.welcome if empty else self.table)

    def _select_first_view(self) -> None:
        first_group = self.nav_model.index(0, 0)
        first = self.nav_model.index(0, 0, first_group)
        if first.isValid():
            self.nav.setCurrentIndex(first)

    # ------------------------------------------------------------ views and reading

    def _view_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        query = current.data(QUERY_ROLE)
        if isinstance(query, ArticleQuery):
            self._set_query(query)

    def _set_query(self, query: ArticleQuery) -> None:
        try:
            self.articles_model.set_query(query)
        except NewsdeskError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        if self.articles_model.rowCount() == 0:
            self.reader.show_message("Nothing here", "This view has no articles yet.")

    def _search(self) -> None:
        text = self.search_box.text().strip()
        if text:
            self.nav.clearSelection()
            self._set_query(ArticleQuery(search=text))

    def _article_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        headline = current.data(HEADLINE_ROLE)
        if headline is None:
            return
        try:
            article = self.store.get_article(headline.id)
            source = self.store.get_source(article.source_id)
        except NewsdeskError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        self.reader.show_article(article, source)

    # ------------------------------------------------------------ background work

    def refresh(self) -> None:
        """Fetch what is due on a worker thread; the list updates when it is done."""
        if self._refreshing:
            return
        path = self.store.path
        self._refreshing = True
        self.refresh_action.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.statusBar().showMessage("Refreshing…")

        def work(report_progress: object) -> RefreshReport:
            from newsdesk.ingest.pipeline import refresh

            with Store.open(path) as writer:
                return refresh(writer, progress=lambda done, total, _r: report_progress(
                    (done, total)))  # type: ignore[operator]

        run_in_background(work, on_done=self._refresh_done, on_failed=self._refresh_failed,
                          on_progress=self._refresh_progress)

    def _refresh_progress(self, value: object) -> None:
        done, total = value  # type: ignore[misc]
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.statusBar().showMessage(f"Refreshing… {done} of {total} feeds")

    def _refresh_done(self, report: RefreshReport) -> None:
        self._refreshing = False
        self.refresh_action.setEnabled(True)
        self.progress.hide()
        failed = report.failed
        message = (f"{report.new} new articles from {len(report.sources)} feeds"
                   if report.sources else "Nothing was due for a refresh")
        if failed:
            message += f"; {len(failed)} failed (see the sources' tooltips)"
        self.statusBar().showMessage(message, 10000)
        self.reload_everything()

    def _refresh_failed(self, error: BaseException) -> None:
        self._refreshing = False
        self.refresh_action.setEnabled(True)
        self.progress.hide()
        self.show_error("Refresh failed", error)

    def reload_everything(self) -> None:
        current = self.nav.currentIndex()
        self.nav_model.rebuild()
        self.nav.expandAll()
        self._show_middle()
        if current.isValid():
            self.articles_model.reload()
        else:
            self._select_first_view()

    def load_sample(self) -> None:
        path = self.store.path

        def work() -> object:
            from newsdesk.sample import load_sample

            with Store.open(path) as writer:
                return load_sample(writer)

        self.statusBar().showMessage("Loading the sample corpus…")
        run_in_background(work, on_done=lambda loaded: (
            self.statusBar().showMessage(f"Loaded {loaded.new} sample articles.", 8000),
            self.reload_everything(), self._select_first_view()),
            on_failed=lambda e: self.show_error("Could not load the sample", e))

    def add_defaults(self) -> None:
        from newsdesk.sources import default_feeds

        try:
            for feed in default_feeds():
                self.store.add_source(feed.url, title=feed.title, site_url=feed.site_url,
                                      folder=feed.folder)
        except NewsdeskError as exc:
            self.show_error("Could not add the default sources", exc)
            return
        self.reload_everything()
        self.refresh()

    def add_source(self) -> None:
        url, ok = QInputDialog.getText(self, "Add source", "Feed or site URL:")
        if not ok or not url.strip():
            return
        path = self.store.path

        def work() -> object:
            from newsdesk.ingest.pipeline import subscribe

            with Store.open(path) as writer:
                return subscribe(writer, url)

        self.statusBar().showMessage(f"Looking for a feed at {url}…")
        run_in_background(work, on_done=lambda result: (
            self.statusBar().showMessage(f"Added {result[0].display_name}.", 8000),
            self.reload_everything()),
            on_failed=lambda e: self.show_error("Could not add the source", e))

    def import_opml(self) -> None:
        from newsdesk.sources import read_opml

        name, _ = QFileDialog.getOpenFileName(self, "Import OPML", "",
                                              "OPML files (*.opml *.xml);;All files (*)")
        if not name:
            return
        try:
            feeds = read_opml(name)
            for feed in feeds:
                self.store.add_source(feed.url, title=feed.title, site_url=feed.site_url,
                                      folder=feed.folder)
        except NewsdeskError as exc:
            self.show_error("Could not import the OPML file", exc)
            return
        self.statusBar().showMessage(f"Imported {len(feeds)} sources from {Path(name).name}.")
        self.reload_everything()
        QTimer.singleShot(0, self.refresh)

    def export_opml(self) -> None:
        from newsdesk.sources import export_opml

        name, _ = QFileDialog.getSaveFileName(self, "Export OPML", "newsdesk.opml",
                                              "OPML files (*.opml)")
        if not name:
            return
        try:
            Path(name).write_text(export_opml(self.store.list_sources()), encoding="utf-8")
        except OSError as exc:
            self.show_error("Could not export", exc)

    def show_error(self, title: str, error: BaseException) -> None:
        text = str(error) if isinstance(error, (NewsdeskError, OSError)) else (
            f"Something went wrong inside NewsDesk: {error}")
        self.statusBar().showMessage(text, 10000)
        QMessageBox.warning(self, title, text)
