"""The main window: it only composes panes, menus, toolbar and status bar, and wires them
to the actions (gui/actions/), which reach the store through the desk's job runner."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QColor, QIcon, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from newsdesk import __version__
from newsdesk.gui import theme
from newsdesk.gui.actions.annotating import AnnotationActions
from newsdesk.gui.actions.corrections import CorrectionActions
from newsdesk.gui.actions.coverage import CoverageActions
from newsdesk.gui.actions.offline import OfflineActions, OfflineBanner, OfflineProgress
from newsdesk.gui.actions.reading import ReadingActions
from newsdesk.gui.actions.refresh import RefreshActions
from newsdesk.gui.actions.sources import SourceActions
from newsdesk.gui.actions.stories import StoryActions
from newsdesk.gui.actions.storylines import StorylineActions
from newsdesk.gui.actions.tags import TagActions
from newsdesk.gui.actions.topics import TopicActions
from newsdesk.gui.actions.undo import UndoStack
from newsdesk.gui.actions.view import ViewActions
from newsdesk.gui.desk import Desk
from newsdesk.gui.dialogs import ShortcutsDialog
from newsdesk.gui.jobs import JobRunner
from newsdesk.gui.menus import add_items
from newsdesk.gui.models import Page
from newsdesk.gui.panes.annotations import AnnotationsPane
from newsdesk.gui.panes.articles import ArticleListPane
from newsdesk.gui.panes.navigation import NavigationPane
from newsdesk.gui.panes.reader import ReaderPane
from newsdesk.gui.panes.status import RefreshIndicator
from newsdesk.gui.panes.story import StoryPane
from newsdesk.gui.panes.storyline import StorylinePane
from newsdesk.gui.settings import GuiSettings, SettingsDialog, load_settings, save_settings
from newsdesk.gui.tray import Tray
from newsdesk.models import ArticleQuery, Headline
from newsdesk.services.editors import default_editor, save_default_editor
from newsdesk.store import Store, open_store

log = logging.getLogger(__name__)
NAV_MIN_WIDTH, LIST_MIN_WIDTH, READER_MIN_WIDTH = 150, 250, 330
DOCK_MIN_WIDTH, DOCK_MAX_WIDTH = 260, 640
DOCK_FIRST_MAX_WIDTH = 520  # the width it opens at; dragging may take it to the maximum
STORYLINE_MIN_HEIGHT = 150
SHOW_COPIES_KEY = "view/show_copies"
SEARCH_MIN_WIDTH, SEARCH_MAX_WIDTH = 200, 420

ICON_NAMES = ("refresh", "star", "star-filled", "mark-read", "mark-all-read", "open-browser",
              "add-source", "settings", "story", "folder", "feed", "topic", "view-all",
              "view-unread", "view-today", "undo", "warning")


class MainWindow(QMainWindow):
    """Sources and views on the left, the article list in the middle, the reader right."""

    # Built by the _build_* steps that __init__ runs; declared here so their types are known
    # to every method (mypy cannot infer them through the lambdas that use them first).
    search_box: QLineEdit
    story_dock: QDockWidget
    undo_action: QAction
    redo_action: QAction
    annotating: AnnotationActions
    undo_stack: UndoStack
    coverage: CoverageActions
    tags: TagActions
    desk_menu: QMenu
    storylines: StorylineActions
    corrections: CorrectionActions

    def __init__(self, store: Store, settings: QSettings | None = None) -> None:
        super().__init__()
        # Jobs open their own connections from its URL; the GUI thread never reads it.
        self.store = store
        self.qsettings = settings or QSettings()
        settings_now = load_settings(self.qsettings)
        self.colors = theme.colors(settings_now.theme)
        self.icons = self._make_icons()
        self.setWindowIcon(theme.app_icon())
        self._closed = False
        self.tray = Tray(self, lambda text, ms: self.statusBar().showMessage(text, ms))
        path = store.url
        self.jobs = JobRunner(lambda: open_store(path),
                              on_error=lambda title, error: self.desk.show_error(title, error),
                              parent=self)
        self.desk = Desk(self.jobs, self.qsettings, settings_now, self,
                         status=lambda text, ms: self.statusBar().showMessage(text, ms),
                         status_text=lambda: self.statusBar().currentMessage(),
                         closed=lambda: self._closed)
        self._build_panes()
        self._build_commands()
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_status_bar()
        self.view = ViewActions(self.desk, self.nav, self.middle, self.reader_pane,
                                self.story_pane, self.search_box, on_unread=self.tray.show_unread)
        self.undo_stack = UndoStack(self.desk, self.undo_action, self.redo_action)
        self.reading = ReadingActions(self.desk, self.view, self.middle, self.reader_pane,
                                      self.story_pane, undo=self.undo_stack,
                                      story_visible=self.story_dock.isVisible)
        self._build_desk()
        self._build_archive()
        self._build_storylines()
        self.search_box.returnPressed.connect(self.view.search)
        self.search_box.textChanged.connect(self.view.search_cleared)
        self.auto_refresh = QTimer(self)
        self.auto_refresh.timeout.connect(lambda: self.refresher.refresh(due_only=True))
        self.apply_settings(settings_now, first=True)
        self._restore_layout()
        self.view.reload_navigation()  # the first reads: the tree, its counts, the list
        self.tags.reload()  # and the Tags and Codes groups
        self.storylines.reload()  # and the Storylines group

    # ------------------------------------------------------------ construction

    @property
    def settings(self) -> GuiSettings:
        """The window's settings: one copy, the desk's (actions change it there)."""
        return self.desk.settings

    def _make_icons(self) -> dict[str, QIcon]:
        return {name: theme.icon(name, self.colors["muted"]) for name in ICON_NAMES}

    def _build_panes(self) -> None:
        self.nav = NavigationPane(self.icons)
        self.nav_model = self.nav.nav_model
        self.middle = ArticleListPane(self._read_page)
        self.table, self.welcome, self.articles_model = (self.middle.table, self.middle.welcome,
                                                         self.middle.model)
        self.reader_pane = ReaderPane()
        self.reader = self.reader_pane.view
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
        for pane in (self.nav, self.middle, self.reader_pane):
            self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([240, 640, 560])
        # offline mode's banner runs above the three panes
        self.offline_banner = OfflineBanner()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.offline_banner)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.stories = StoryActions(self.desk)
        self.story_pane = StoryPane(self.jobs)
        self.story_pane.article_requested.connect(lambda i: self.reading.open_article(i))
        self.story_dock = QDockWidget("Story comparison", self)
        self.story_dock.setObjectName("storyDock")
        self.story_dock.setWidget(self.story_pane)
        self.story_pane.setMinimumWidth(DOCK_MIN_WIDTH)
        self.story_pane.setMaximumWidth(DOCK_MAX_WIDTH)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.story_dock)
        self.story_dock.hide()
        self._dock_sized = False
        self.story_dock.visibilityChanged.connect(self._story_dock_shown)
        self.annotations_pane = AnnotationsPane()
        self.annotations_pane.setMinimumWidth(DOCK_MIN_WIDTH)
        self.annotations_pane.setMaximumWidth(DOCK_MAX_WIDTH)
        self.annotations_dock = QDockWidget("Annotations", self)
        self.annotations_dock.setObjectName("annotationsDock")
        self.annotations_dock.setWidget(self.annotations_pane)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.annotations_dock)
        self.tabifyDockWidget(self.story_dock, self.annotations_dock)
        self.annotations_dock.hide()
        self.annotations_dock.visibilityChanged.connect(self._story_dock_shown)
        # the storyline timeline runs along the bottom: days want the window's width
        self.storyline_pane = StorylinePane(self.jobs)
        self.storyline_dock = QDockWidget("Storyline timeline", self)
        self.storyline_dock.setObjectName("storylineDock")
        self.storyline_dock.setWidget(self.storyline_pane)
        self.storyline_pane.setMinimumHeight(STORYLINE_MIN_HEIGHT)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.storyline_dock)
        self.storyline_dock.hide()
        self._storyline_sized = False
        self.storyline_dock.visibilityChanged.connect(self._storyline_dock_shown)

    def _read_page(self, read: Callable[[Store], Page],
                   done: Callable[[Page | None], None]) -> None:
        """The list's pages, read on a worker; a failed read still ends the paging."""
        def failed(error: BaseException) -> None:
            self.statusBar().showMessage(str(error), 8000)
            done(None)

        self.jobs.latest("page", read, on_done=done, on_failed=failed)

    def _build_commands(self) -> None:
        self.refresher = RefreshActions(self.desk, self.stories, notify=self.tray.notify)
        self.sources = SourceActions(self.desk, self.nav, refresh=self.refresh,
                                     warm=self.stories.warm_comparisons)
        self.topics = TopicActions(self.desk, self.nav)
        self.welcome.sample_button.clicked.connect(self.sources.load_sample)
        self.welcome.defaults_button.clicked.connect(self.sources.add_defaults)
        self.welcome.import_button.clicked.connect(self.sources.import_opml)

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
        a, r, s, t = self._action, lambda: self.reading, self.sources, self.topics
        self.refresh_action = a("Refresh", self.refresh, ("F5", "R"), "refresh",
                                "Fetch new articles")
        self.next_action = a("Next article", lambda: r().move(1), ("J",))
        self.prev_action = a("Previous article", lambda: r().move(-1), ("K",))
        self.next_unread_action = a("Next unread", lambda: r().move(1, unread=True), ("N",))
        self.prev_unread_action = a("Previous unread", lambda: r().move(-1, unread=True),
                                    ("P",))
        self.page_action = a("Page down, then next", lambda: r().page_or_next(), ("Space",))
        self.star_action = a("Star / unstar", lambda: r().toggle_star(), ("S",), "star")
        self.read_action = a("Mark read / unread", lambda: r().toggle_read(), ("M",),
                             "mark-read")
        # Enter opens too, but only in the list (see ArticleListPane.eventFilter).
        self.open_action = a("Open in browser", lambda: r().open_in_browser(), ("O",),
                             "open-browser")
        self.all_read_action = a("Mark all read in this view", lambda: r().mark_view_read(
            str(self.nav.label() or "these results")), ("Shift+A",), "mark-all-read")
        self.undo_action = a("Undo", lambda: self.undo_stack.undo(), ("Ctrl+Z",), "undo",
                             "Undo the last mark all read, tag, code, note or correction")
        self.undo_action.setEnabled(False)
        self.redo_action = a("Redo", lambda: self.undo_stack.redo(), ("Ctrl+Shift+Z",), "",
                             "Redo the annotation edit just undone")
        self.redo_action.setEnabled(False)
        def d() -> AnnotationActions:  # built after the actions
            return self.annotating

        self.tag_action = a("Tag…", lambda: d().tag_selection(), ("T",), "",
                            "Tag the selected articles")
        self.code_actions = [a(f"Code value {n}", partial(self._code, n), (str(n),))
                             for n in range(1, 10)]
        self.note_action = a("Note…", lambda: d().note_selection(), ("Shift+N",), "",
                             "A note on the selected articles")
        self.highlight_action = a("Highlight with note…", lambda: d().highlight(), ("H",), "",
                                  "Quote the passage selected in the reader, with a note")
        self.export_selection_action = a("Export selection…",
                                         lambda: self.coverage.export_selection(), (), "",
                                         "Save the selected articles with their annotations")
        self.agreement_action = a("Agreement report…", lambda: self.coverage.agreement(), (),
                                  "", "Krippendorff's alpha for the current codebook")
        self.codebooks_action = a("Codebooks…", lambda: self.tags.codebooks_dialog(), (), "",
                                  "List, add and remove codebooks")
        self.tag_story_action = a("Tag story…", lambda: self._story_command(d().tag_story),
                                  (), "", "Tag the story selected in the navigation")
        self.note_story_action = a("Note on story…",
                                   lambda: self._story_command(d().note_story), (), "",
                                   "A note on the story selected in the navigation")
        self.code_menu = QMenu("Code", self)
        self.codebook_menu = QMenu("Codebook", self)
        self.search_action = a("Search", self._focus_search, ("/", "Ctrl+F"))
        self.focus_actions = [
            a("Focus sources", lambda: self.nav.setFocus(), ("Ctrl+1",)),
            a("Focus articles", lambda: self.table.setFocus(), ("Ctrl+2",)),
            a("Focus reader", lambda: self.reader.setFocus(), ("Ctrl+3",)),
        ]
        def o() -> OfflineActions:  # built after the reading actions
            return self.offline

        self.fetch_text_action = a("Fetch full article", lambda: o().fetch_current(), ("F",),
                                   "", "Fetch the open article's page for its full text")
        self.make_offline_action = a("Make available offline",
                                     lambda: o().make_selected_offline(), (), "",
                                     "Full text and images of every article in the "
                                     "selected view, source, topic or story")
        self.changes_action = a("Show changes…", lambda: o().show_changes(), (), "",
                                "What changed between the open article's versions")
        self.storage_action = a("Storage…", lambda: o().show_storage(), (), "",
                                "Database and cache sizes by source; retention; prune")
        self.add_source_action = a("Add source…", s.add_source, ("Ctrl+N",), "add-source")
        self.edit_source_action = a("Edit source…", s.edit_source)
        self.remove_source_action = a("Remove source…", s.remove_source)
        self.import_action = a("Import OPML…", s.import_opml, ("Ctrl+I",))
        self.export_action = a("Export OPML…", s.export_opml, ("Ctrl+E",))
        self.defaults_action = a("Follow the default outlets", s.add_defaults)
        self.sample_action = a("Load sample corpus", s.load_sample)
        self.add_topic_action = a("New topic…", t.add_topic, ("Ctrl+T",))
        self.edit_topic_action = a("Edit topic…", t.edit_topic)
        self.remove_topic_action = a("Remove topic…", t.remove_topic)
        self.settings_action = a("Settings…", self.open_settings, ("Ctrl+,",), "settings")
        self.help_action = a("Keyboard shortcuts", self.show_shortcuts, ("?", "F1"))
        self.about_action = a("About NewsDesk", self.show_about)
        self.quit_action = a("Quit", self.close, ("Ctrl+Q",))
        self.nav.menu_actions = {"source": (self.edit_source_action, self.remove_source_action),
                                 "topic": (self.edit_topic_action, self.remove_topic_action),
                                 "": (self.all_read_action, self.make_offline_action)}
        self.story_action = self.story_dock.toggleViewAction()
        self.story_action.setText("Story pane")
        self.story_action.setIcon(self.icons["story"])
        self.story_action.setShortcut(QKeySequence("Ctrl+4"))
        self.annotations_action = self.annotations_dock.toggleViewAction()
        self.annotations_action.setText("Annotations pane")
        self.annotations_action.setShortcut(QKeySequence("Ctrl+5"))

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        menus: dict[str, tuple[QAction | QMenu | None, ...]] = {
            "&File": (self.add_source_action, self.import_action, self.export_action, None,
                      self.defaults_action, self.sample_action, None, self.storage_action,
                      self.settings_action, None, self.quit_action),
            "&Article": (self.next_action, self.prev_action, self.next_unread_action,
                         self.prev_unread_action, self.page_action, None, self.star_action,
                         self.read_action, self.open_action, None, self.fetch_text_action,
                         self.changes_action, self.make_offline_action, None,
                         self.all_read_action, self.undo_action, self.redo_action),
            "&Desk": (self.tag_action, self.code_menu, self.note_action, self.highlight_action,
                      None, self.codebook_menu, self.codebooks_action, None,
                      self.export_selection_action,
                      self.agreement_action, None, self.undo_action, self.redo_action),
            "&Sources": (self.refresh_action, None, self.add_source_action,
                         self.edit_source_action, self.remove_source_action, None,
                         self.add_topic_action, self.edit_topic_action,
                         self.remove_topic_action),
            "&Story": (),  # filled by _build_storylines
            "&View": (self.search_action, *self.focus_actions, self.story_action,
                      self.annotations_action),
            "&Help": (self.help_action, self.about_action),
        }
        for title, actions in menus.items():
            menu = bar.addMenu(title)
            if title == "&Desk":
                self.desk_menu = menu  # Remove tag ▸ joins it with the desk's actions
            if title == "&Story":
                self.story_menu = menu
            if title == "&View":
                self.view_menu = menu
            add_items(menu, actions)
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
        self.search_bar = QToolBar("Search")
        self.search_bar.setObjectName("searchToolbar")
        self.search_bar.setMovable(False)
        self.search_bar.addWidget(self.search_box)
        self.addToolBar(self.search_bar)
        self._toolbar_text_width = toolbar.sizeHint().width()

    def _build_status_bar(self) -> None:
        self.status = RefreshIndicator(self.refresher, self.refresh_action, self.statusBar(),
                                       self)
        self.failed_button, self.progress = self.status.failed_button, self.status.progress

    def _code(self, n: int) -> None:
        self.annotating.code_selection(n)

    def _build_desk(self) -> None:
        """The coverage desk: annotating the selection, the Tags and Codes groups, reports."""
        self.annotating = AnnotationActions(
            self.desk, self.middle, self.reader_pane, self.annotations_pane, self.undo_stack,
            code_actions=self.code_actions, code_menu=self.code_menu,
            codebook_menu=self.codebook_menu)
        self.annotating.menu_actions = [self.tag_action, self.code_menu, self.note_action,
                                        None, self.export_selection_action]
        self.tags = TagActions(self.desk, self.nav, self.annotating, lambda: self.colors)
        self.coverage = CoverageActions(self.desk, self.annotating, self._show_ids)
        self.nav.menu_actions["tag"] = self.tags.menu
        self.nav.menu_actions["codebook"] = (self.agreement_action, self.codebooks_action)
        self.nav.menu_actions["story"] = (self.tag_story_action, self.note_story_action)
        self.story_pane.coverage_requested.connect(self.coverage.coverage_table)
        self.story_pane.agreement_requested.connect(self.coverage.agreement)
        self.story_pane.story_tag_requested.connect(self.annotating.tag_story)
        self.story_pane.story_note_requested.connect(self.annotating.note_story)
        self.story_pane.story_untag_requested.connect(self.annotating.untag_story)
        self.annotating.lists_changed.connect(lambda: self.story_pane.set_tag_colors(
            {t.name: t.color for t in self.annotating.tags}))
        self.desk_menu.insertMenu(self.code_menu.menuAction(), self.annotating.untag_menu)
        self.desk.changed.connect(self.story_pane.apply_changed)
        self.statusBar().addPermanentWidget(self.annotating.label)

    def _build_archive(self) -> None:
        """The archive: full text (F), Make available offline, Full text ▸, offline mode."""
        self.offline_progress = OfflineProgress()
        self.statusBar().addPermanentWidget(self.offline_progress)
        self.offline = OfflineActions(self.desk, self.nav, self.reading, self.refresher,
                                      self.offline_progress, self.offline_banner,
                                      lambda: self.colors)
        source_actions = self.nav.menu_actions["source"]
        self.nav.menu_actions["source"] = (*source_actions,
                                           self.offline.full_text_menu.menuAction())

    def _build_storylines(self) -> None:
        """Storylines (the group, the timeline, following) and corrections of the grouping."""
        self.storylines = StorylineActions(self.desk, self.nav, self.view, self.storyline_pane,
                                           self.storyline_dock, notify=self.tray.notify,
                                           open_article=lambda i: self.reading.open_article(i))
        self.corrections = CorrectionActions(
            self.desk, self.nav, self.middle, self.undo_stack, open_story=self._open_story,
            colors=lambda: self.colors, open_article=lambda i: self.reading.open_article(i))
        self.corrections.editor = lambda: self.annotating.editor
        self.storyline_pane.event_menu.connect(self._event_menu)
        self.refresher.finished.connect(lambda _failed: self.storylines.tell_news())
        story_actions = self.nav.menu_actions.get("story", ())
        self.nav.menu_actions["story"] = (*story_actions, *self.corrections.story_actions)
        self.annotating.menu_actions = [*self.annotating.menu_actions, None,
                                        self.corrections.article_menu]
        s, c = self.storylines, self.corrections
        self.storyline_action = self.storyline_dock.toggleViewAction()
        self.storyline_action.setText("Storyline timeline pane")
        self.storyline_action.setShortcut(QKeySequence("Ctrl+6"))
        add_items(self.story_menu, (s.follow_action, s.unfollow_action, s.timeline_action, None,
                                    c.move_action, c.split_action, c.pin_action, None,
                                    c.merge_action, c.detach_action, None, c.explain_action,
                                    None, s.follow_topic_action, s.unfollow_topic_action))
        self.view_menu.addAction(self.storyline_action)
        self.copies_action = QAction("Show copies", self)
        self.copies_action.setCheckable(True)
        self.copies_action.setToolTip("List wire copies and near-duplicates as rows of their "
                                      "own (else the original's row says '+2 copies')")
        self.copies_action.setChecked(
            str(self.qsettings.value(SHOW_COPIES_KEY, "false")).lower() in ("true", "1"))
        self.articles_model.show_copies = self.copies_action.isChecked()
        self.copies_action.toggled.connect(self._show_copies)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.copies_action)

    def _show_copies(self, shown: bool) -> None:
        """View ▸ Show copies: the list read again with or without its copies' rows."""
        self.qsettings.setValue(SHOW_COPIES_KEY, shown)
        self.articles_model.show_copies = shown
        self.view.show_query(self.view.wanted_query)

    def _open_story(self) -> tuple[int, str] | None:
        """The open article's story (the story commands' last resort)."""
        record = self.reading.record
        if record is None or record.story_id is None:
            return None
        return record.story_id, record.story_label or f"story {record.story_id}"

    def _event_menu(self, story_id: int, where: QPoint) -> None:
        shown = self.storyline_pane.timeline
        label = next((e.story.label for e in (shown.events if shown else ())
                      if e.story.id == story_id), f"story {story_id}")
        self.corrections.event_menu(story_id, label, where)

    def _storyline_dock_shown(self, visible: bool) -> None:
        """The first time the timeline opens it takes about a third of the window's height."""
        if visible and not self._storyline_sized:
            self._storyline_sized = True
            height = max(STORYLINE_MIN_HEIGHT, min(self.height() // 3, 320))
            self.resizeDocks([self.storyline_dock], [height], Qt.Orientation.Vertical)

    def _story_command(self, command: Callable[[int, str], object]) -> None:
        """Tag story… / Note on story…: on the story selected in the navigation."""
        key = self.nav.current_key()
        if key is None or key[0] != "story" or key[1] is None:
            self.desk.status("Select a story in the navigation first.", 4000)
            return
        command(int(key[1]), str(key[2] or self.nav.label() or f"story {key[1]}"))

    def _show_ids(self, ids: list[str], what: str) -> None:
        """A coverage table cell's articles, as a view of their own (no tree entry is it)."""
        self.nav.clear_current_silently()
        count = len(ids)
        self.view.show_query(ArticleQuery(ids=tuple(ids)), shown=lambda: self.desk.status(
            f"{count} article{'s' * (count != 1)}: {what}.", 8000))

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

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.jobs.close()
        self.view.topic_count_timer.stop()
        self.reading.read_timer.stop()
        self.auto_refresh.stop()
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.setValue("window/state", self.saveState())
        self.qsettings.setValue("window/splitter", self.splitter.saveState())
        self.qsettings.sync()
        self.tray.set_wanted(False)
        super().closeEvent(event)

    # ------------------------------------------------------------ settings, tray, status

    def apply_settings(self, settings: GuiSettings, *, first: bool = False) -> None:
        old_theme = None if first else self.desk.settings.theme
        self.desk.settings = settings
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.colors = theme.apply_theme(app, settings.theme, settings.font_size)
        if not first and old_theme != settings.theme:
            self.icons = self._make_icons()
            self.nav_model.set_icons(self.icons)
            self.nav.expand_groups()
        self.articles_model.accent = QColor(self.colors["unread"])
        self.reader.colors = self.colors
        self.reader.set_css(theme.reader_css(self.colors, settings.font_size))
        self.story_pane.set_colors(self.colors)
        self.storyline_pane.set_colors(self.colors)
        self.nav.set_colors(self.colors)
        self.annotations_pane.set_colors(self.colors)
        self.articles_model.muted = QColor(self.colors["muted"])
        if settings.refresh_minutes > 0:
            self.auto_refresh.start(settings.refresh_minutes * 60_000)
        else:
            self.auto_refresh.stop()
        self.tray.set_wanted(settings.tray_icon)
        if not first:
            self.reading.reshow()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.desk.settings, [t.name for t in self.nav_model.topics],
                                self, editor=self.annotating.editor)
        if dialog.exec():
            new = dialog.result_settings()
            save_settings(self.qsettings, new)
            self.apply_settings(new)
            editor = dialog.result_editor()
            if editor and editor != self.annotating.editor:
                try:
                    save_default_editor(editor)
                except OSError as exc:
                    self.desk.show_error("Could not save the editor's name", exc)
                self.annotating.set_editor(default_editor())

    def _focus_search(self) -> None:
        if not self.search_bar.isVisible():  # hidden from the toolbar menu: bring it back
            self.search_bar.show()
        self.search_box.setFocus()
        self.search_box.selectAll()

    # ------------------------------------------------------------ refresh

    def refresh(self, *, due_only: bool = False) -> None:
        self.refresher.refresh(due_only=due_only)

    # ------------------------------------------------------------ what tests and bench use

    def current_headline(self) -> Headline | None:
        return self.reading.current_headline()

    def open_article(self, article_id: str) -> None:
        self.reading.open_article(article_id)

    def shortcuts(self) -> list[tuple[str, str]]:
        rows = [("Enter (in the list)", "Open in browser")]
        for action in [*self.actions(), self.story_action, self.annotations_action,
                       self.storyline_action]:  # docks' too
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                             for k in action.shortcuts())
            if keys:
                rows.append((keys, action.text().replace("&", "")))
        return rows

    def show_error(self, title: str, error: BaseException) -> None:
        self.desk.show_error(title, error)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.shortcuts(), self).exec()

    def show_about(self) -> None:
        QMessageBox.about(self, "About NewsDesk",
                          f"<h3>NewsDesk {__version__}</h3><p>Read the news, follow a story, "
                          "and compare how outlets frame it.</p>")

