"""The navigation tree: smart views, topics, stories and sources by folder."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QIcon, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from newsdesk.formats.palette import LIGHT
from newsdesk.gui.models import (
    ID_ROLE,
    KIND_ROLE,
    LABEL_ROLE,
    QUERY_ROLE,
    STORYLINE_ROLE,
    NavigationModel,
)
from newsdesk.gui.panes.storyline import plural, span_text
from newsdesk.models import ArticleQuery, StorylineSummary
from newsdesk.services.navigation import Navigation

NavKey = tuple[Any, Any, Any]  # (kind, id, label): what is selected, across a rebuild


class StorylineDelegate(QStyledItemDelegate):
    """A storyline's row on two lines: its title (a flag when followed, an unread badge),
    then its span of dates, events and outlets in the muted colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.muted = QColor(LIGHT["muted"])
        self.accent = QColor(LIGHT["accent"])
        self.accent_text = QColor(LIGHT["accent_text"])

    def set_colors(self, colors: dict[str, str]) -> None:
        self.muted, self.accent = QColor(colors["muted"]), QColor(colors["accent"])
        self.accent_text = QColor(colors["accent_text"])

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(KIND_ROLE) != "storyline":
            return size
        return QSize(size.width(), QFontMetrics(option.font).height() * 2 + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        storyline = index.data(STORYLINE_ROLE)
        if index.data(KIND_ROLE) != "storyline" or not isinstance(storyline, StorylineSummary):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.icon = QIcon()
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text_color = opt.palette.highlightedText().color() if selected \
            else opt.palette.text().color()
        rect = opt.rect.adjusted(6, 3, -6, -3)
        font = QFont(opt.font)
        metrics = QFontMetrics(font)
        line_h = metrics.height()
        painter.save()
        right = rect.right()
        if storyline.followed and storyline.unread:  # the unread badge, a pill at the right
            badge = str(storyline.unread)
            bold = QFont(font)
            bold.setBold(True)
            bw = QFontMetrics(bold).horizontalAdvance(badge) + 12
            pill = QRect(right - bw + 1, rect.top() + 1, bw, line_h - 2)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.accent)
            painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
            painter.setPen(self.accent_text)
            painter.setFont(bold)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, badge)
            right = pill.left() - 6
        title = ("⚑ " if storyline.followed else "") + storyline.label
        if storyline.followed and storyline.unread:
            font.setBold(True)
        painter.setFont(font)
        painter.setPen(text_color)
        title_rect = QRect(rect.left(), rect.top(), right - rect.left(), line_h)
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(font).elidedText(title, Qt.TextElideMode.ElideRight,
                                                       title_rect.width()))
        small = QFont(opt.font)
        small.setPointSizeF(max(opt.font.pointSizeF() - 1, 7))
        painter.setFont(small)
        painter.setPen(text_color if selected else self.muted)
        facts = (f"{span_text(storyline.first_seen, storyline.last_seen)} · "
                 f"{plural(storyline.events, 'event')} · "
                 f"{plural(len(storyline.outlets), 'outlet')}")
        facts_rect = QRect(rect.left(), rect.top() + line_h + 1, rect.width(), line_h)
        painter.drawText(facts_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(small).elidedText(facts, Qt.TextElideMode.ElideRight,
                                                        facts_rect.width()))
        painter.restore()


class NavigationPane(QTreeView):
    """Shows what a job read; says which view the user picked."""

    view_selected = Signal(object)  # an ArticleQuery

    def __init__(self, icons: dict[str, QIcon], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setHeaderHidden(True)
        self.nav_model = NavigationModel(icons, self)
        self.setModel(self.nav_model)
        self.delegate = StorylineDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setIndentation(14)
        self.expand_groups()
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.selectionModel().currentChanged.connect(self._current_changed)
        # the context menu: actions per kind of entry; "" for every entry, below the rest
        self.menu_actions: dict[str, tuple[QAction, ...]] = {}

    def set_colors(self, colors: dict[str, str]) -> None:
        self.delegate.set_colors(colors)
        self.viewport().update()

    def _menu(self, point: QPoint) -> None:
        index = self.indexAt(point)
        kind = index.data(KIND_ROLE)
        if kind is None:
            return
        self.setCurrentIndex(index)
        menu = QMenu(self)
        for action in self.menu_actions.get(kind, ()):
            menu.addAction(action)
        menu.addSeparator()
        for action in self.menu_actions.get("", ()):
            menu.addAction(action)
        menu.exec(self.viewport().mapToGlobal(point))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        query = current.data(QUERY_ROLE)
        if isinstance(query, ArticleQuery):
            self.view_selected.emit(query)

    def selected(self, kind: str) -> Any:
        """The id of the selected source or topic (None if something else is selected)."""
        index = self.currentIndex()
        return index.data(ID_ROLE) if index.data(KIND_ROLE) == kind else None

    def label(self) -> str | None:
        """The selected row's text (None when nothing is selected)."""
        text = self.currentIndex().data()
        return text if isinstance(text, str) else None

    def current_key(self) -> NavKey | None:
        current = self.currentIndex()
        return (current.data(KIND_ROLE), current.data(ID_ROLE), current.data(LABEL_ROLE)) \
            if current.isValid() else None

    def show_data(self, data: Navigation, key: NavKey | None) -> bool:
        """Rebuild from `data`; whether `key` was selected again (silently)."""
        self.nav_model.show(data)
        self.expand_groups()
        return key is not None and self.reselect(key)

    def expand_groups(self) -> None:
        """Every group open, but each codebook's values folded (two built-in codebooks
        alone hold 21 values): a click on the codebook opens them."""
        self.expandAll()
        model = self.nav_model
        for index in model.match(model.index(0, 0), KIND_ROLE, "codebook", -1,
                                 Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly):
            if self.currentIndex().parent() != index:  # keep open the one a value is picked in
                self.collapse(index)

    def reselect(self, key: NavKey) -> bool:
        kind, ident, text = key
        model = self.nav_model
        matches = model.match(model.index(0, 0), KIND_ROLE, kind, -1,
                              Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
        for index in matches:
            if index.data(ID_ROLE) == ident and (ident is not None or
                                                 index.data(QUERY_ROLE) is not None):
                if ident is None and index.data(LABEL_ROLE) != text:
                    continue
                self.selectionModel().blockSignals(True)
                self.setCurrentIndex(index)
                self.selectionModel().blockSignals(False)
                return True
        return False

    def select_first_view(self) -> None:
        first = self.nav_model.index(0, 0, self.nav_model.index(0, 0))
        if first.isValid():
            self.setCurrentIndex(first)

    def clear_current_silently(self) -> None:
        """A search shows results of no view: nothing in the tree is selected."""
        self.selectionModel().blockSignals(True)
        self.selectionModel().clearCurrentIndex()
        self.clearSelection()
        self.selectionModel().blockSignals(False)
        self.viewport().update()
