"""The main window: layout, menus and actions. Work goes to the core through workers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QDesktopServices,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QTableView,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from newsdesk import __version__
from newsdesk.errors import NewsdeskError
from newsdesk.gui import theme
from newsdesk.gui.dialogs import FailedFeedsDialog, ShortcutsDialog, SourceDialog, TopicDialog
from newsdesk.gui.framing_pane import FramingPane
from newsdesk.gui.messages import show_message
from newsdesk.gui.models import (
    HEADLINE_ROLE,
    ID_ROLE,
    KIND_ROLE,
    LABEL_ROLE,
    QUERY_ROLE,
    ArticleTableModel,
    NavigationModel,
)
from newsdesk.gui.reader import ReaderPane
from newsdesk.gui.settings import GuiSettings, SettingsDialog, load_settings, save_settings
from newsdesk.gui.workers import run_in_background
from newsdesk.models import Article, ArticleQuery, RefreshReport
from newsdesk.store.db import Store

log = logging.getLogger(__name__)
NAV_MIN_WIDTH, LIST_MIN_WIDTH, READER_MIN_WIDTH = 150, 250, 330
DOCK_MIN_WIDTH, DOCK_MAX_WIDTH = 260, 640
DOCK_FIRST_MAX_WIDTH = 520  # the width it opens at; dragging may take it to the maximum
SEARCH_MIN_WIDTH, SEARCH_MAX_WIDTH = 200, 420
OFFLINE_KINDS = ("dns", "connect")  # every feed failing so means no network, not bad feeds

ICON_NAMES = ("refresh", "star", "star-filled", "mark-read", "mark-all-read", "open-browser",
              "add-source", "settings", "story", "folder", "feed", "topic", "view-all",
              "view-unread", "view-today", "undo", "warning")


class WelcomePage(QWidget):
    """What an empty database shows: three ways to get started, one of them offline."""

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


class MainWindow(QMainWindow):
    """Sources and views on the left, the article list in the middle, the reader right."""

    def __init__(self, store: Store, settings: QSettings | None = None) -> None:
        super().__init__()
        self.store = store
        self.qsettings = settings or QSettings()
        self.settings = load_settings(self.qsettings)
        self.colors = theme.colors(self.settings.theme)
        self.icons = self._make_icons()
        self.setWindowIcon(theme.app_icon())
        self._refreshing = False
        self._undo: list[tuple[int, str]] = []
        self._failed_dialog: FailedFeedsDialog | None = None
        self._last_failed: list[Any] = []
        self._current_id: str | None = None
        self._fetching_images: set[str] = set()
        self._warm_job_running = False
        self._closed = False
        # Jobs whose answer only matters while nothing newer was asked (see _latest).
        self._jobs_lock = threading.Lock()
        self._jobs: dict[str, Store] = {}
        self._generations: dict[str, int] = {}
        self._loading: ArticleQuery | None = None  # a full-text view being read
        self._images_tried: set[str] = set()
        self.tray: QSystemTrayIcon | None = None

        self._build_panes()
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_status_bar()

        self.read_timer = QTimer(self, singleShot=True)
        self.read_timer.timeout.connect(self._mark_current_read)
        # Topic counts are full-text queries: a burst of changes (reading with j, starring)
        # asks for one count, and a newer count interrupts an older one still running.
        self.topic_count_timer = QTimer(self, singleShot=True, interval=250)
        self.topic_count_timer.timeout.connect(self._count_topics_now)
        self.auto_refresh = QTimer(self)
        self.auto_refresh.timeout.connect(lambda: self.refresh(due_only=True))
        self.apply_settings(self.settings, first=True)
        self._restore_layout()
        self._show_middle()
        self._select_first_view()
        self._update_counts()

    # ------------------------------------------------------------ construction

    def _make_icons(self) -> dict[str, QIcon]:
        return {name: theme.icon(name, self.colors["muted"]) for name in ICON_NAMES}

    def _build_panes(self) -> None:
        self.nav_model = NavigationModel(self.store, self.icons, self)
        self.nav = QTreeView()
        self.nav.setObjectName("navigation")
        self.nav.setHeaderHidden(True)
        self.nav.setModel(self.nav_model)
        self.nav.setIndentation(14)
        self.nav.expandAll()
        self.nav.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.nav.customContextMenuRequested.connect(self._nav_menu)
        self.nav.selectionModel().currentChanged.connect(self._view_changed)

        self.articles_model = ArticleTableModel(self.store, self)
        self.articles_model.set_page_runner(lambda read, done: self._latest(
            "page", read, on_done=done, on_failed=lambda error: (
                self.statusBar().showMessage(str(error), 8000), done(None))))
        self.table = QTableView()
        self.table.setObjectName("articles")
        self.table.setModel(self.articles_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 34)
        header.setSectionResizeMode(ArticleTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ArticleTableModel.OUTLET, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ArticleTableModel.OUTLET, 130)
        header.setSectionResizeMode(ArticleTableModel.PUBLISHED, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(ArticleTableModel.PUBLISHED, 118)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(3, Qt.SortOrder.DescendingOrder)
        header.sectionClicked.connect(self._header_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._article_changed)
        self.table.doubleClicked.connect(lambda _i: self.open_in_browser())
        self.table.installEventFilter(self)

        self.welcome = WelcomePage()
        self.welcome.sample_button.clicked.connect(self.load_sample)
        self.welcome.defaults_button.clicked.connect(self.add_defaults)
        self.welcome.import_button.clicked.connect(self.import_opml)
        self.middle = QStackedWidget()
        self.middle.addWidget(self.table)
        self.middle.addWidget(self.welcome)

        self.reader_pane = ReaderPane()
        self.reader = self.reader_pane.view
        self.reader_pane.load_images.connect(self._load_images)
        self.reader.show_message("No article selected", "Pick an article from the list.")

        # Minimum widths keep every pane usable in a 1024 px window with the story pane
        # open: the reader never drops below a readable measure (it wrapped one syllable
        # a line at ~60 px), the list keeps its titles, the tree its names.
        self.nav.setMinimumWidth(NAV_MIN_WIDTH)
        self.middle.setMinimumWidth(LIST_MIN_WIDTH)
        self.reader_pane.setMinimumWidth(READER_MIN_WIDTH)
        self.splitter = QSplitter()
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.middle)
        self.splitter.addWidget(self.reader_pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([240, 640, 560])
        self.setCentralWidget(self.splitter)

        self.story_pane = FramingPane(self.store, runner=lambda call, done, failed: self._with_store(
            call, on_done=done, on_failed=failed))
        self.story_pane.article_requested.connect(self.open_article)
        self.story_dock = QDockWidget("Story comparison", self)
        self.story_dock.setObjectName("storyDock")
        self.story_dock.setWidget(self.story_pane)
        self.story_pane.setMinimumWidth(DOCK_MIN_WIDTH)
        self.story_pane.setMaximumWidth(DOCK_MAX_WIDTH)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.story_dock)
        self.story_dock.hide()
        self._dock_sized = False
        self.story_dock.visibilityChanged.connect(self._story_dock_shown)

    def _action(self, text: str, slot: Callable[[], object], keys: tuple[str, ...] = (),
                icon: str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        if icon:
            action.setIcon(self.icons[icon])
        action.setToolTip(f"{tip or text} ({', '.join(keys)})" if keys else (tip or text))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.refresh_action = a("Refresh", self.refresh, ("F5", "R"), "refresh",
                                "Fetch new articles")
        self.next_action = a("Next article", lambda: self.move(1), ("J",))
        self.prev_action = a("Previous article", lambda: self.move(-1), ("K",))
        self.next_unread_action = a("Next unread", lambda: self.move(1, unread=True), ("N",))
        self.prev_unread_action = a("Previous unread", lambda: self.move(-1, unread=True), ("P",))
        self.page_action = a("Page down, then next", self.page_or_next, ("Space",))
        self.star_action = a("Star / unstar", self.toggle_star, ("S",), "star")
        self.read_action = a("Mark read / unread", self.toggle_read, ("M",), "mark-read")
        # Enter opens too, but only in the list (see eventFilter): as a window shortcut it
        # would take Enter away from the search box.
        self.open_action = a("Open in browser", self.open_in_browser, ("O",), "open-browser")
        self.all_read_action = a("Mark all read in this view", self.mark_view_read,
                                 ("Shift+A",), "mark-all-read")
        self.undo_action = a("Undo mark all read", self.undo_bulk, ("Ctrl+Z",), "undo")
        self.undo_action.setEnabled(False)
        self.search_action = a("Search", self._focus_search, ("/", "Ctrl+F"))
        self.focus_actions = [
            a("Focus sources", lambda: self.nav.setFocus(), ("Ctrl+1",)),
            a("Focus articles", lambda: self.table.setFocus(), ("Ctrl+2",)),
            a("Focus reader", lambda: self.reader.setFocus(), ("Ctrl+3",)),
        ]
        self.add_source_action = a("Add source…", self.add_source, ("Ctrl+N",), "add-source")
        self.edit_source_action = a("Edit source…", self.edit_source)
        self.remove_source_action = a("Remove source…", self.remove_source)
        self.import_action = a("Import OPML…", self.import_opml, ("Ctrl+I",))
        self.export_action = a("Export OPML…", self.export_opml, ("Ctrl+E",))
        self.defaults_action = a("Follow the default outlets", self.add_defaults)
        self.sample_action = a("Load sample corpus", self.load_sample)
        self.add_topic_action = a("New topic…", self.add_topic, ("Ctrl+T",))
        self.edit_topic_action = a("Edit topic…", self.edit_topic)
        self.remove_topic_action = a("Remove topic…", self.remove_topic)
        self.settings_action = a("Settings…", self.open_settings, ("Ctrl+,",), "settings")
        self.help_action = a("Keyboard shortcuts", self.show_shortcuts, ("?", "F1"))
        self.about_action = a("About NewsDesk", self.show_about)
        self.quit_action = a("Quit", self.close, ("Ctrl+Q",))
        self.story_action = self.story_dock.toggleViewAction()
        self.story_action.setText("Story pane")
        self.story_action.setIcon(self.icons["story"])
        self.story_action.setShortcut(QKeySequence("Ctrl+4"))

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.add_source_action, self.import_action, self.export_action, None,
                       self.defaults_action, self.sample_action, None, self.settings_action,
                       None, self.quit_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        article_menu = bar.addMenu("&Article")
        for action in (self.next_action, self.prev_action, self.next_unread_action,
                       self.prev_unread_action, self.page_action, None, self.star_action,
                       self.read_action, self.open_action, None, self.all_read_action,
                       self.undo_action):
            article_menu.addSeparator() if action is None else article_menu.addAction(action)
        source_menu = bar.addMenu("&Sources")
        for action in (self.refresh_action, None, self.add_source_action,
                       self.edit_source_action, self.remove_source_action, None,
                       self.add_topic_action, self.edit_topic_action, self.remove_topic_action):
            source_menu.addSeparator() if action is None else source_menu.addAction(action)
        view_menu = bar.addMenu("&View")
        for action in (self.search_action, *self.focus_actions, self.story_action):
            view_menu.addAction(action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.refresh_action, self.add_source_action, None, self.all_read_action,
                       self.star_action, self.open_action, None, self.story_action,
                       self.settings_action):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        self.toolbar = toolbar
        self.addToolBar(toolbar)
        # The search box has a toolbar of its own: when the window is narrow the main
        # toolbar shows icons only and then folds into its » menu, while the search box
        # keeps its minimum width and stays visible (in the main toolbar's overflow it was
        # hidden, and '/' then focused nothing, so typed letters became shortcuts).
        self.search_box = QLineEdit()
        self.search_box.setObjectName("search")
        self.search_box.setPlaceholderText("Search every article  ( / )")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(SEARCH_MIN_WIDTH)
        self.search_box.setMaximumWidth(SEARCH_MAX_WIDTH)
        self.search_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.search_box.returnPressed.connect(self._search)
        self.search_box.textChanged.connect(self._search_cleared)
        self.search_bar = QToolBar("Search")
        self.search_bar.setObjectName("searchToolbar")
        self.search_bar.setMovable(False)
        self.search_bar.addWidget(self.search_box)
        self.addToolBar(self.search_bar)
        self._toolbar_text_width = toolbar.sizeHint().width()

    def _build_status_bar(self) -> None:
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.failed_button = QPushButton()
        self.failed_button.setFlat(True)
        self.failed_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.failed_button.clicked.connect(self.show_failed)
        self.failed_button.hide()
        self.statusBar().addPermanentWidget(self.failed_button)
        self.statusBar().addPermanentWidget(self.progress)

    def _restore_layout(self) -> None:
        geometry = self.qsettings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 880)
        state = self.qsettings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = self.qsettings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

    def _story_dock_shown(self, visible: bool) -> None:
        """The first time the story pane opens it takes about a quarter of the window."""
        if visible and not self._dock_sized:
            self._dock_sized = True
            width = min(max(self.width() // 4, DOCK_MIN_WIDTH), DOCK_FIRST_MAX_WIDTH)
            self.resizeDocks([self.story_dock], [width], Qt.Orientation.Horizontal)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Icons only when the toolbar's labels would not fit beside the search box."""
        super().resizeEvent(event)
        roomy = self.width() >= self._toolbar_text_width + SEARCH_MAX_WIDTH + 24
        style = (Qt.ToolButtonStyle.ToolButtonTextBesideIcon if roomy
                 else Qt.ToolButtonStyle.ToolButtonIconOnly)
        if self.toolbar.toolButtonStyle() != style:
            self.toolbar.setToolButtonStyle(style)

    def _fit_columns(self) -> None:
        """A narrow list gives its room to titles: the outlet column shrinks, the date
        goes below ~420 px and the outlet below ~320 px (both are in the reader and the
        tooltip)."""
        width = self.table.viewport().width()
        header = self.table.horizontalHeader()
        self.table.setColumnHidden(ArticleTableModel.PUBLISHED, width < 420)
        self.table.setColumnHidden(ArticleTableModel.OUTLET, width < 320)
        header.resizeSection(ArticleTableModel.OUTLET, max(80, min(130, width // 4)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self._fit_columns)  # once the viewport has its new width
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.open_in_browser()
            return True
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self._interrupt_jobs()
        self.topic_count_timer.stop()
        self.read_timer.stop()
        self.auto_refresh.stop()
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.setValue("window/state", self.saveState())
        self.qsettings.setValue("window/splitter", self.splitter.saveState())
        self.qsettings.sync()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)

    # ------------------------------------------------------------ settings and theme

    def apply_settings(self, settings: GuiSettings, *, first: bool = False) -> None:
        old_theme = None if first else self.settings.theme
        self.settings = settings
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.colors = theme.apply_theme(app, settings.theme, settings.font_size)
        if not first and old_theme != settings.theme:
            self.icons = self._make_icons()
            self.nav_model.set_icons(self.icons)
            self.nav.expandAll()
        self.articles_model.accent = QColor(self.colors["unread"])
        self.reader.set_css(theme.reader_css(self.colors, settings.font_size))
        self.story_pane.set_colors(self.colors)
        if settings.refresh_minutes > 0:
            self.auto_refresh.start(settings.refresh_minutes * 60_000)
        else:
            self.auto_refresh.stop()
        self._set_tray(settings.tray_icon)
        if not first and self.reader.article is not None:
            self._show_article(self.reader.article)

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, [t.name for t in self.store.list_topics()], self)
        if dialog.exec():
            new = dialog.result_settings()
            save_settings(self.qsettings, new)
            self.apply_settings(new)

    def _set_tray(self, wanted: bool) -> None:
        if wanted and self.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(theme.app_icon(), self)
            self.tray.activated.connect(lambda _reason: (self.showNormal(), self.raise_(),
                                                         self.activateWindow()))
            self.tray.show()
        elif not wanted and self.tray is not None:
            self.tray.hide()
            self.tray = None

    # ------------------------------------------------------------ views and reading

    def _show_middle(self) -> None:
        empty = not self.store.list_sources()
        self.middle.setCurrentWidget(self.welcome if empty else self.table)

    def _select_first_view(self) -> None:
        first = self.nav_model.index(0, 0, self.nav_model.index(0, 0))
        if first.isValid():
            self.nav.setCurrentIndex(first)

    def _view_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        query = current.data(QUERY_ROLE)
        if isinstance(query, ArticleQuery):
            if self.search_box.text():
                self.search_box.blockSignals(True)
                self.search_box.clear()
                self.search_box.blockSignals(False)
            self._set_query(query)

    def _set_query(self, query: ArticleQuery,
                   shown: Callable[[], object] | None = None) -> None:
        """Show a view; `shown` runs once its rows are in. Full-text views (a topic, a
        search) are read on a worker and a newer view interrupts them; the others are
        indexed and read at once. A query the store refuses is a status message, and the
        list stays as it was."""
        if query.search is not None or query.topic is not None:
            self._loading = query
            self.statusBar().showMessage("Searching…")

            def failed(error: BaseException) -> None:
                self._loading = None
                self.statusBar().showMessage(str(error), 10000)

            self._latest("list", lambda store: self.articles_model.first_page(store, query),
                         on_done=lambda rows: self._show_page(query, rows, shown),
                         on_failed=failed)
            return
        try:
            rows = self.articles_model.first_page(self.store, query)
        except NewsdeskError as exc:
            self.statusBar().showMessage(str(exc), 10000)
            return
        self._latest_cancel("list")
        self._show_page(query, rows, shown)

    @property
    def view_loading(self) -> bool:
        """Whether a full-text view is still being read on a worker (for tests and bench)."""
        return self._loading is not None

    def _latest_cancel(self, key: str) -> int:
        """Supersede the job under `key` (interrupting it if it runs); the new generation.
        A view read at once calls it too, so a full-text one still loading is dropped."""
        with self._jobs_lock:
            generation = self._generations.get(key, 0) + 1
            self._generations[key] = generation
            running = self._jobs.pop(key, None)
            if running is not None:
                running.interrupt()
            return generation

    def _show_page(self, query: ArticleQuery, rows: list[Any],
                   shown: Callable[[], object] | None) -> None:
        self._loading = None
        if self.statusBar().currentMessage() == "Searching…":
            self.statusBar().clearMessage()
        self.articles_model.show_page(query, rows)
        self.table.scrollToTop()
        self._sync_reader(view_changed=True)
        self.story_pane.show_article(None)
        if shown is not None:
            shown()

    def _sync_reader(self, *, view_changed: bool = False) -> None:
        """The reader and its empty-state text follow the list, whatever changed it.

        An article being read stays while it still exists (and, after a change of view or
        a search, while the new list holds it); otherwise the reader says what the list
        shows: the welcome page, an empty view, a search with no match, or rows to pick.
        """
        article = self.reader.article
        if article is not None and self.middle.currentWidget() is not self.welcome:
            if view_changed:
                keep = self.articles_model.row_of(article.id) >= 0
            else:
                try:
                    keep = self.store.get_article(article.id) is not None
                except NewsdeskError:  # deleted with its source, or the store is gone
                    keep = False
            if keep:
                return
        self._current_id = None
        self.read_timer.stop()
        search = self.articles_model.query.search
        if self.middle.currentWidget() is self.welcome:
            self.reader_pane.show_message("Nothing to read yet",
                                          "Articles appear here once you follow outlets "
                                          "or load the sample corpus.")
        elif self.articles_model.rowCount() == 0 and search:
            self.reader_pane.show_message(f"No articles match “{search}”",
                                          "Try other words, or clear the search box to go "
                                          "back to your views.")
        elif self.articles_model.rowCount() == 0:
            self.reader_pane.show_message("Nothing here", "This view has no articles.")
        else:
            self.reader_pane.show_message("No article selected", "Pick an article from the list.")

    def _header_clicked(self, section: int) -> None:
        if section != 3:
            self.table.horizontalHeader().setSortIndicator(
                3, Qt.SortOrder.DescendingOrder if self.articles_model.newest_first
                else Qt.SortOrder.AscendingOrder)
            return
        self.articles_model.newest_first = not self.articles_model.newest_first
        self.table.horizontalHeader().setSortIndicator(
            3, Qt.SortOrder.DescendingOrder if self.articles_model.newest_first
            else Qt.SortOrder.AscendingOrder)
        self._set_query(self.articles_model.query)

    def _focus_search(self) -> None:
        if not self.search_bar.isVisible():  # hidden from the toolbar menu: bring it back
            self.search_bar.show()
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _search(self) -> None:
        text = self.search_box.text().strip()
        if not text:
            return

        def shown() -> None:
            self.nav.selectionModel().blockSignals(True)
            self.nav.selectionModel().clearCurrentIndex()
            self.nav.clearSelection()
            self.nav.selectionModel().blockSignals(False)
            self.nav.viewport().update()
            if self.articles_model.rowCount():
                self.statusBar().showMessage(f"Results for “{text}”", 5000)
                self.table.setFocus()

        self._set_query(ArticleQuery(search=text), shown)

    def _search_cleared(self, text: str) -> None:
        if not text and not self.nav.currentIndex().isValid():
            self._select_first_view()

    def _article_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.read_timer.stop()
        headline = current.data(HEADLINE_ROLE)
        if headline is None or headline.id == self._current_id:
            return
        try:
            article = self.store.get_article(headline.id)
        except NewsdeskError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        self._current_id = article.id
        self._show_article(article)
        self.story_pane.show_article(article)
        self._hint_story(article)
        delay = self.settings.mark_read_delay
        if not headline.is_read and delay >= 0:
            self.read_timer.start(int(delay * 1000))

    def _hint_story(self, article: Article) -> None:
        """With the story pane closed, say when other outlets cover the same story."""
        if self.story_dock.isVisible():
            return
        try:
            story_id = self.store.story_of(article.id)
            outlets = self.store.story_outlet_count(story_id) if story_id is not None else 0
        except NewsdeskError:
            return
        if outlets >= 2:
            self.statusBar().showMessage(
                f"{outlets} outlets cover this story: Ctrl+4 compares how each tells it.", 6000)

    def _show_article(self, article: Article) -> None:
        try:
            source = self.store.get_source(article.source_id)
            for_article, for_source = self.store.remote_images_allowed(article)
        except NewsdeskError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        allowed = self.settings.remote_images or for_article or for_source
        self.reader_pane.show_article(article, source, allowed=allowed, cached=self._cached)
        if allowed and self.reader_pane.missing_images and (
                article.id not in self._images_tried):
            self._images_tried.add(article.id)  # once per session: offline stays quiet
            self._fetch_images(article)

    def _cached(self, url: str) -> bytes | None:
        found = self.store.cached_asset(url)
        return found[1] if found else None

    def open_article(self, article_id: str) -> None:
        """Show an article picked outside the list (the story pane): select it if listed."""
        row = self.articles_model.row_of(article_id)
        if row >= 0:
            self.table.setCurrentIndex(self.articles_model.index(row, ArticleTableModel.TITLE))
            return
        try:
            article = self.store.get_article(article_id)
        except NewsdeskError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        self._current_id = article.id
        self._show_article(article)
        self.story_pane.show_article(article)

    def current_headline(self) -> Any:
        return self.table.currentIndex().data(HEADLINE_ROLE)

    def move(self, step: int, *, unread: bool = False) -> None:
        """j/k and n/p: the next (unread) article, loading more rows as needed."""
        model = self.articles_model
        row = self.table.currentIndex().row()
        row = -1 if row < 0 and step > 0 else row
        while True:
            row += step
            if row >= model.rowCount() and model.canFetchMore(QModelIndex()):
                model.fetchMore(QModelIndex())
            if not 0 <= row < model.rowCount():
                self.statusBar().showMessage(
                    "No more unread articles in this view." if unread else "End of the list.",
                    4000)
                return
            headline = model.headline(row)
            if not unread or (headline is not None and not headline.is_read):
                break
        self.table.setCurrentIndex(model.index(row, ArticleTableModel.TITLE))
        self.table.scrollTo(model.index(row, ArticleTableModel.TITLE))

    def page_or_next(self) -> None:
        if self.reader.article is None or not self.reader.page_down():
            self.move(1, unread=True)

    def _mark_current_read(self) -> None:
        headline = self.current_headline()
        if headline is not None and not headline.is_read and headline.id == self._current_id:
            self._set_read([headline.id], True)

    def _set_read(self, ids: list[str], read: bool) -> None:
        try:
            self.store.set_read(ids, read)
        except NewsdeskError as exc:
            self.show_error("Could not save", exc)
            return
        self.articles_model.update_status(set(ids), read=read)
        self._update_counts()

    def toggle_read(self) -> None:
        headline = self.current_headline()
        if headline is not None:
            self.read_timer.stop()
            self._set_read([headline.id], not headline.is_read)

    def toggle_star(self) -> None:
        headline = self.current_headline()
        if headline is None:
            return
        try:
            self.store.set_starred(headline.id, not headline.is_starred)
        except NewsdeskError as exc:
            self.show_error("Could not save", exc)
            return
        self.articles_model.update_status({headline.id}, starred=not headline.is_starred)
        self.statusBar().showMessage("Starred." if not headline.is_starred else "Unstarred.", 3000)
        self._update_counts()

    def open_in_browser(self) -> None:
        article = self.reader.article
        if article is not None and article.url:
            QDesktopServices.openUrl(QUrl(article.url))

    def mark_view_read(self) -> None:
        """Mark everything in the current view read (in the background), with undo."""
        if self._loading is not None:  # the list still shows the view before this one
            self.statusBar().showMessage("This view is still loading; try again in a moment.",
                                         4000)
            return
        query = self.articles_model.query
        label = self.nav.currentIndex().data() or "these results"

        def done(result: tuple[int, int]) -> None:
            batch, count = result
            if count:
                self._undo.append((batch, str(label)))
                self.undo_action.setEnabled(True)
                self.undo_action.setText(f"Undo mark all read ({count})")
            self.statusBar().showMessage(
                f"Marked {count} articles read. Ctrl+Z undoes it." if count
                else "Nothing unread here.", 8000)
            self.reload_articles()

        self._with_store(lambda store: store.mark_read_where(query), on_done=done,
                         error_title="Could not mark read")

    def undo_bulk(self) -> None:
        if not self._undo:
            return
        batch, label = self._undo.pop()
        try:
            count = self.store.undo_read_batch(batch)
        except NewsdeskError as exc:
            self.show_error("Could not undo", exc)
            return
        self.undo_action.setEnabled(bool(self._undo))
        self.undo_action.setText("Undo mark all read")
        self.statusBar().showMessage(f"{count} articles in {label} are unread again.", 6000)
        self.reload_articles()

    def _load_images(self, scope: str) -> None:
        article = self.reader.article
        if article is None:
            return
        try:
            if scope == "source":
                self.store.allow_remote_images("source", article.source_id)
            else:
                self.store.allow_remote_images("article", article.id)
        except NewsdeskError as exc:
            self.show_error("Could not save", exc)
            return
        self._fetch_images(article)

    def _fetch_images(self, article: Article) -> None:
        """Download an article's images into the local cache on a worker, then re-show it."""
        if article.id in self._fetching_images:
            return
        from newsdesk.offline.assets import cache_images

        self._fetching_images.add(article.id)
        self.statusBar().showMessage("Fetching images…")

        def done(result: tuple[int, int]) -> None:
            self._fetching_images.discard(article.id)
            stored, failed = result
            self.statusBar().showMessage(
                f"{stored} images saved for offline reading"
                + (f"; {failed} could not be fetched." if failed else "."), 6000)
            if self.reader.article is not None and self.reader.article.id == article.id:
                self._show_article(article)

        def failed(error: BaseException) -> None:
            self._fetching_images.discard(article.id)
            self.show_error("Could not fetch images", error)

        self._with_store(lambda store: cache_images(store, article), on_done=done,
                         on_failed=failed, detached=True)

    def _with_store(self, call: Callable[[Store], Any], *, on_done: Callable[[Any], object],
                    error_title: str = "",
                    on_failed: Callable[[BaseException], object] | None = None,
                    detached: bool = False) -> None:
        """Run call(store) on a worker, on its own connection to the same database
        (`detached` for network work that closing the window must not wait for)."""
        path = self.store.path

        def work() -> Any:
            with Store.open(path) as own:
                return call(own)

        run_in_background(work, on_done=on_done, on_failed=on_failed or (
            lambda e: self.show_error(error_title, e)), detached=detached)

    # ------------------------------------------------------------ counts, title, tray

    def _update_counts(self) -> None:
        """Badges now from maintained counts; topic counts follow from a worker."""
        self.nav_model.refresh_counts()
        unread = self.nav_model.total_unread()
        self.setWindowTitle(f"NewsDesk — {unread} unread" if unread else "NewsDesk")
        if self.tray is not None:
            self.tray.setToolTip(f"NewsDesk: {unread} unread")
        self._count_topics()

    def _warm_comparisons(self) -> None:
        """Compare new and changed stories in the background, one job at a time, so the
        story pane finds them ready (a cold comparison of 30 articles takes ~0.3 s)."""
        if self._warm_job_running or self._closed:
            return
        from newsdesk.services.refresh import warm_comparisons

        self._warm_job_running = True

        def finished(_result: object) -> None:
            self._warm_job_running = False

        self._with_store(warm_comparisons, on_done=finished, on_failed=lambda e: (
            log.warning("comparing stories in the background failed: %s", e), finished(None)))

    def _count_topics(self) -> None:
        """Topic counts are full-text queries (seconds at a million articles): they run on
        a worker, shortly after the last change, interrupting a count still running."""
        if not self._closed:
            self.topic_count_timer.start()

    def _count_topics_now(self) -> None:
        if self._closed:
            return
        topics = [t.name for t in self.store.list_topics()]
        if not topics:
            return

        def failed(error: BaseException) -> None:
            log.warning("topic counts failed: %s", error)

        self._latest(
            "topic-counts",
            lambda store: {name: store.count_where(ArticleQuery(topic=name, unread_only=True))
                           for name in topics},
            on_done=self.nav_model.set_topic_counts, on_failed=failed)

    def _latest(self, key: str, call: Callable[[Store], Any], *,
                on_done: Callable[[Any], object],
                on_failed: Callable[[BaseException], object]) -> None:
        """Run call(store) on a worker's own interruptible connection. Asking again under
        the same key, or closing the window, interrupts it (sqlite3 stops mid-query) and
        drops its answer, so a slow query never holds up the newer one or the exit."""
        path = self.store.path
        generation = self._latest_cancel(key)

        def current() -> bool:
            return self._generations.get(key) == generation and not self._closed

        def work() -> Any:
            with Store.open(path) as own:
                own.interruptible()
                with self._jobs_lock:
                    if not current():
                        return None
                    self._jobs[key] = own
                try:
                    return call(own)
                finally:
                    with self._jobs_lock:
                        if self._jobs.get(key) is own:
                            del self._jobs[key]

        run_in_background(work, on_done=lambda result: on_done(result) if current() else None,
                          on_failed=lambda error: on_failed(error) if current() else None)

    def _interrupt_jobs(self) -> None:
        with self._jobs_lock:
            for key in self._generations:
                self._generations[key] += 1
            for store in self._jobs.values():
                store.interrupt()
            self._jobs.clear()

    def reload_articles(self) -> None:
        """Re-read the list keeping the selected article and the scroll position (a
        full-text view on a worker; while a view is loading its answer is fresh anyway)."""
        self._update_counts()
        if self._loading is not None:
            return
        query = self.articles_model.query
        if query.search is not None or query.topic is not None:
            model = self.articles_model
            self._latest("list", model.reload_reader(), on_done=lambda read: self._reloaded(read),
                         on_failed=lambda error: self.statusBar().showMessage(str(error), 8000))
            return
        try:
            read = self.articles_model.reload_rows(self.store)
        except NewsdeskError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        self._reloaded(read)

    def _reloaded(self, read: tuple[ArticleQuery, int, list[Any]]) -> None:
        keep = self._current_id
        scroll = self.table.verticalScrollBar().value()
        self.articles_model.show_reloaded(*read)
        if keep is not None:
            row = self.articles_model.row_of(keep)
            if row >= 0:
                self.table.selectionModel().blockSignals(True)
                self.table.setCurrentIndex(self.articles_model.index(row, ArticleTableModel.TITLE))
                self.table.selectionModel().blockSignals(False)
        self.table.verticalScrollBar().setValue(scroll)
        self._sync_reader()

    def reload_everything(self) -> None:
        current = self.nav.currentIndex()
        key = (current.data(KIND_ROLE), current.data(ID_ROLE), current.data(LABEL_ROLE)) \
            if current.isValid() else None
        self.nav_model.rebuild()
        self.nav.expandAll()
        self._show_middle()
        if key is not None and self._reselect_nav(key):
            self.reload_articles()
        elif not self.search_box.text():
            self._select_first_view()
        self._sync_reader()
        self._update_counts()
        self.story_pane.reload()

    def _reselect_nav(self, key: tuple[Any, Any, Any]) -> bool:
        kind, ident, _text = key
        matches = self.nav_model.match(self.nav_model.index(0, 0), KIND_ROLE, kind, -1,
                                       Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
        for index in matches:
            if index.data(ID_ROLE) == ident and (ident is not None or
                                                 index.data(QUERY_ROLE) is not None):
                if ident is None and index.data(LABEL_ROLE) != _text:
                    continue
                self.nav.selectionModel().blockSignals(True)
                self.nav.setCurrentIndex(index)
                self.nav.selectionModel().blockSignals(False)
                return True
        return False

    # ------------------------------------------------------------ refresh

    def refresh(self, *, due_only: bool = False) -> None:
        """Fetch on a worker thread; the list updates when it is done.

        Asked for (button, F5, r), every feed is fetched: conditional GETs keep that cheap,
        and a user who asks expects to see what is new now. The timer fetches only what is
        due, so each feed's own schedule and back-off hold.
        """
        if self._refreshing:
            return
        path = self.store.path
        notify = list(self.settings.notify_topics)
        self._refreshing = True
        self.refresh_action.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.statusBar().showMessage("Refreshing…")

        def work(report_progress: Callable[[object], None]) -> tuple[RefreshReport, dict]:
            from newsdesk.services.refresh import choose_sources, refresh

            with Store.open(path) as writer:
                chosen = choose_sources(writer, every_feed=not due_only)
                done = refresh(writer, chosen, progress=lambda done, total, _r: report_progress(
                    (done, total)), notify_topics=notify)
                return done.report, dict(done.topic_hits)

        run_in_background(work, on_done=self._refresh_done, on_failed=self._refresh_failed,
                          on_progress=self._refresh_progress, detached=True)

    def _refresh_progress(self, value: object) -> None:
        done, total = value  # type: ignore[misc]
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.statusBar().showMessage(f"Refreshing… {done} of {total} feeds")

    def _refresh_done(self, result: tuple[RefreshReport, dict[str, int]]) -> None:
        report, hits = result
        self._refreshing = False
        self.refresh_action.setEnabled(True)
        self.progress.hide()
        failed = list(report.failed)
        self._last_failed = failed
        offline = bool(failed) and len(failed) == len(report.sources) and all(
            r.error_kind in OFFLINE_KINDS for r in failed)
        if offline:
            message = (f"You seem to be offline: none of the {len(failed)} feeds could be "
                       "reached. NewsDesk will try again later.")
        elif report.sources:
            message = f"{report.new} new articles from {len(report.sources)} feeds."
        else:
            message = "Everything is up to date; nothing was due."
        self.statusBar().showMessage(message, 0 if offline else 10000)
        if failed and not offline:
            self.failed_button.setText(f"{len(failed)} feeds failed")
            self.failed_button.show()
        else:
            self.failed_button.hide()
        self.reload_everything()
        self._notify(hits)
        self._warm_comparisons()

    def _notify(self, hits: dict[str, int]) -> None:
        lines = [f"{count} new on {name}" for name, count in hits.items() if count]
        if not lines:
            return
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage("NewsDesk", "\n".join(lines), theme.app_icon(), 8000)
        else:
            self.statusBar().showMessage("  ·  ".join(lines), 12000)

    def _refresh_failed(self, error: BaseException) -> None:
        self._refreshing = False
        self.refresh_action.setEnabled(True)
        self.progress.hide()
        self.show_error("Refresh failed", error)

    def show_failed(self) -> None:
        if not self._last_failed:
            return
        self._failed_dialog = FailedFeedsDialog(self._last_failed, self)
        self._failed_dialog.show()

    # ------------------------------------------------------------ sources and topics

    def _folders(self) -> list[str]:
        return sorted({s.folder for s in self.store.list_sources() if s.folder})

    def _selected(self, kind: str) -> Any:
        index = self.nav.currentIndex()
        return index.data(ID_ROLE) if index.data(KIND_ROLE) == kind else None

    def _nav_menu(self, point: QPoint) -> None:
        index = self.nav.indexAt(point)
        kind = index.data(KIND_ROLE)
        if kind is None:
            return
        self.nav.setCurrentIndex(index)
        menu = QMenu(self)
        if kind == "source":
            menu.addAction(self.edit_source_action)
            menu.addAction(self.remove_source_action)
        elif kind == "topic":
            menu.addAction(self.edit_topic_action)
            menu.addAction(self.remove_topic_action)
        menu.addSeparator()
        menu.addAction(self.all_read_action)
        menu.exec(self.nav.viewport().mapToGlobal(point))

    def add_source(self, url: str = "", folder: str = "", error: str = "") -> None:
        """Ask for a feed and subscribe on a worker; if that fails, the dialog comes back
        with what was typed and the reason, so nothing has to be typed again."""
        dialog = SourceDialog(self._folders(), self, url=url, folder=folder)
        dialog.show_error(error)
        if not dialog.exec():
            return
        url, _title, folder = dialog.values()
        if not url:
            return
        from newsdesk.services.sources import Subscribed, subscribe

        self.statusBar().showMessage(f"Looking for a feed at {url}…")

        def done(result: Subscribed) -> None:
            source, report, created = result.source, result.report, result.created
            if not created:
                self.statusBar().showMessage(f"You already follow {source.display_name}.", 8000)
            else:
                new = f": {report.new} articles" if report is not None else ""
                self.statusBar().showMessage(f"Added {source.display_name}{new}.", 8000)
            self.reload_everything()

        def failed(exc: BaseException) -> None:
            text = str(exc) if isinstance(exc, (NewsdeskError, OSError)) else (
                f"Something went wrong inside NewsDesk: {exc}")
            self.statusBar().showMessage(text, 10000)
            if not self._closed:
                QTimer.singleShot(0, lambda: self.add_source(url, folder, text))

        self._with_store(lambda store: subscribe(store, url, folder=folder), on_done=done,
                         on_failed=failed, detached=True)

    def edit_source(self) -> None:
        source_id = self._selected("source")
        if source_id is None:
            self.statusBar().showMessage("Select a source first.", 4000)
            return
        try:
            source = self.store.get_source(int(source_id))
        except NewsdeskError as exc:
            self.show_error("Could not edit", exc)
            return
        dialog = SourceDialog(self._folders(), self, url=source.url, title=source.title,
                              folder=source.folder)
        if not dialog.exec():
            return
        url, title, folder = dialog.values()
        from newsdesk.services.sources import edit_source

        try:
            edit_source(self.store, source.id, title=title, folder=folder, url=url)
        except NewsdeskError as exc:
            self.show_error("Could not save the source", exc)
            return
        self.reload_everything()

    def remove_source(self) -> None:
        source_id = self._selected("source")
        if source_id is None:
            self.statusBar().showMessage("Select a source first.", 4000)
            return
        source = self.store.get_source(int(source_id))
        count = self.store.count_articles(source.id)
        if not show_message(
                self, "Remove source",
                f"Stop following {source.display_name} and delete its {count} articles?\n"
                "Starred articles from it are deleted too.", kind="question"):
            return
        self._with_store(lambda store: store.remove_source(source.id), on_done=lambda n: (
            self.statusBar().showMessage(f"Removed {source.display_name} ({n} articles).", 8000),
            self._select_first_view(), self.reload_everything()),
            error_title="Could not remove the source")

    def _edit_topic_dialog(self, dialog: TopicDialog, old_name: str | None) -> None:
        from newsdesk.services.topics import save_topic

        while dialog.exec():
            name, query, description = dialog.values()
            try:
                topic = save_topic(self.store, name, query, description,
                                   old_name=old_name).topic
            except NewsdeskError as exc:
                dialog.error.setText(str(exc))
                continue
            if old_name and old_name != topic.name and old_name in self.settings.notify_topics:
                self._rename_notified_topic(old_name, topic.name)
            self.reload_everything()
            return

    def _rename_notified_topic(self, old: str, new: str) -> None:
        """Notifications follow a renamed topic."""
        from dataclasses import replace

        names = [new if n == old else n for n in self.settings.notify_topics]
        self.settings = replace(self.settings, notify_topics=names)
        save_settings(self.qsettings, self.settings)

    def add_topic(self) -> None:
        self._edit_topic_dialog(TopicDialog(self), None)

    def edit_topic(self) -> None:
        name = self._selected("topic")
        if name is None:
            self.statusBar().showMessage("Select a topic first.", 4000)
            return
        topic = self.store.get_topic(str(name))
        self._edit_topic_dialog(TopicDialog(self, name=topic.name, query=topic.query,
                                            description=topic.description), topic.name)

    def remove_topic(self) -> None:
        name = self._selected("topic")
        if name is None:
            self.statusBar().showMessage("Select a topic first.", 4000)
            return
        if show_message(self, "Remove topic", f"Remove the topic “{name}”? Its articles stay.",
                        kind="question"):
            self.store.remove_topic(str(name))
            self._select_first_view()
            self.reload_everything()

    def load_sample(self) -> None:
        from newsdesk.services.sample import load_sample

        self.statusBar().showMessage("Loading the sample corpus…")
        self._with_store(lambda store: load_sample(store).sample, on_done=lambda loaded: (
            self.statusBar().showMessage(
                f"Loaded {loaded.new} sample articles from {loaded.outlets} invented outlets.",
                8000),
            self.reload_everything(), self._warm_comparisons()),
            error_title="Could not load the sample")

    def add_defaults(self) -> None:
        from newsdesk.services.sources import follow_defaults

        try:
            follow_defaults(self.store)
        except NewsdeskError as exc:
            self.show_error("Could not add the default sources", exc)
            return
        self.reload_everything()
        self.refresh()

    def import_opml(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import OPML", "",
                                              "OPML files (*.opml *.xml);;All files (*)")
        if not name:
            return
        self.import_opml_file(name)

    def import_opml_file(self, name: str) -> None:
        """Read and follow an OPML file on a worker; a file that cannot be read (an
        OPMLError, or anything else) is a message and adds nothing."""
        from newsdesk.services.sources import import_opml

        def done(added: int) -> None:
            self.statusBar().showMessage(
                f"Imported {added} new sources from {Path(name).name}; fetching them now.", 8000)
            self.reload_everything()
            QTimer.singleShot(0, self.refresh)

        self.statusBar().showMessage(f"Reading {Path(name).name}…")
        self._with_store(lambda store: import_opml(store, name).added, on_done=done,
                         error_title="Could not import the OPML file")

    def export_opml(self) -> None:
        from newsdesk.services.sources import export_opml

        name, _ = QFileDialog.getSaveFileName(self, "Export OPML", "newsdesk.opml",
                                              "OPML files (*.opml)")
        if not name:
            return
        try:
            Path(name).write_text(export_opml(self.store), encoding="utf-8")
        except OSError as exc:
            self.show_error("Could not export", exc)
            return
        self.statusBar().showMessage(f"Saved {name}.", 6000)

    # ------------------------------------------------------------ help and errors

    def shortcuts(self) -> list[tuple[str, str]]:
        rows = [("Enter (in the list)", "Open in browser")]
        for action in self.actions():
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                             for k in action.shortcuts())
            if keys:
                rows.append((keys, action.text().replace("&", "")))
        return rows

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.shortcuts(), self).exec()

    def show_about(self) -> None:
        QMessageBox.about(self, "About NewsDesk",
                          f"<h3>NewsDesk {__version__}</h3><p>Read the news, follow a story, "
                          "and compare how outlets frame it.</p>")

    def show_error(self, title: str, error: BaseException) -> None:
        text = str(error) if isinstance(error, (NewsdeskError, OSError)) else (
            f"Something went wrong inside NewsDesk: {error}")
        self.statusBar().showMessage(text, 10000)
        log.warning("%s: %s", title, text)
        if self.isVisible():
            show_message(self, title, text)


