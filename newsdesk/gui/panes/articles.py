"""The middle: the article list (a lazy, paged table), or the welcome page when empty."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStackedWidget, QTableView, QWidget

from newsdesk.gui.models import ArticleTableModel, PageRunner
from newsdesk.gui.panes.welcome import WelcomePage


class ArticleListPane(QStackedWidget):
    """The list of one view. Enter and a double click ask to open the article outside.

    Shift and Ctrl select several rows (the desk's actions apply to all of them); the
    reader follows the current row, the one the keyboard and the last click are on."""

    open_requested = Signal()
    order_changed = Signal()  # the date header was clicked: newest or oldest first
    menu_requested = Signal(QPoint)  # a right click on a row, in global coordinates

    def __init__(self, runner: PageRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ArticleTableModel(runner, self)
        self.table = table = QTableView()
        table.setObjectName("articles")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(30)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setAlternatingRowColors(False)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 34)
        header.setSectionResizeMode(ArticleTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ArticleTableModel.OUTLET, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ArticleTableModel.OUTLET, 130)
        header.setSectionResizeMode(ArticleTableModel.PUBLISHED, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(ArticleTableModel.PUBLISHED, 118)
        header.setSectionResizeMode(ArticleTableModel.TAGS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ArticleTableModel.TAGS, 110)
        table.setColumnHidden(ArticleTableModel.TAGS, True)  # until a shown row has a tag
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._menu)
        self.model.annotations_shown.connect(self._fit_columns)  # the Tags column comes, goes
        self.model.modelReset.connect(self._fit_columns)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(3, Qt.SortOrder.DescendingOrder)
        header.sectionClicked.connect(self._header_clicked)
        table.doubleClicked.connect(lambda _i: self.open_requested.emit())
        table.installEventFilter(self)
        self.welcome = WelcomePage()
        self.addWidget(table)
        self.addWidget(self.welcome)

    def show_welcome(self, empty: bool) -> None:
        self.setCurrentWidget(self.welcome if empty else self.table)

    @property
    def welcome_shown(self) -> bool:
        return self.currentWidget() is self.welcome

    def _header_clicked(self, section: int) -> None:
        if section == ArticleTableModel.PUBLISHED:
            self.model.newest_first = not self.model.newest_first
        self.table.horizontalHeader().setSortIndicator(
            3, Qt.SortOrder.DescendingOrder if self.model.newest_first
            else Qt.SortOrder.AscendingOrder)
        if section == ArticleTableModel.PUBLISHED:
            self.order_changed.emit()

    def selected_ids(self) -> list[str]:
        """The selected rows' articles in list order, else the current row's ([] if none)."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows and self.table.currentIndex().isValid():
            rows = [self.table.currentIndex().row()]
        return [h.id for r in rows if (h := self.model.headline(r)) is not None]

    def _menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        if not self.table.selectionModel().isRowSelected(index.row()):
            self.select_row(index.row())  # a right click outside the selection moves it
        self.menu_requested.emit(self.table.viewport().mapToGlobal(point))

    def select_row(self, row: int, *, silently: bool = False) -> None:
        index = self.model.index(row, ArticleTableModel.TITLE)
        if silently:
            self.table.selectionModel().blockSignals(True)
        self.table.setCurrentIndex(index)
        if silently:
            self.table.selectionModel().blockSignals(False)
        else:
            self.table.scrollTo(index)

    def _fit_columns(self) -> None:
        """A narrow list gives its room to titles: the outlet column shrinks, the date
        goes below ~420 px and the outlet below ~320 px (both are in the reader and the
        tooltip)."""
        width = self.table.viewport().width()
        header = self.table.horizontalHeader()
        self.table.setColumnHidden(ArticleTableModel.PUBLISHED, width < 420)
        self.table.setColumnHidden(ArticleTableModel.OUTLET, width < 320)
        header.resizeSection(ArticleTableModel.OUTLET, max(80, min(130, width // 4)))
        self.table.setColumnHidden(ArticleTableModel.TAGS,
                                   width < 480 or not self.model.any_tagged())
        header.resizeSection(ArticleTableModel.TAGS, max(70, min(140, width // 5)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self._fit_columns)  # once the viewport has its new width
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            # Enter opens only in the list: as a window shortcut it would take Enter away
            # from the search box.
            self.open_requested.emit()
            return True
        return super().eventFilter(watched, event)
