"""The navigation tree: smart views, topics, stories and sources by folder."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QTreeView, QWidget

from newsdesk.gui.models import (
    ID_ROLE,
    KIND_ROLE,
    LABEL_ROLE,
    QUERY_ROLE,
    NavigationModel,
)
from newsdesk.models import ArticleQuery
from newsdesk.services.navigation import Navigation

NavKey = tuple[Any, Any, Any]  # (kind, id, label): what is selected, across a rebuild


class NavigationPane(QTreeView):
    """Shows what a job read; says which view the user picked."""

    view_selected = Signal(object)  # an ArticleQuery

    def __init__(self, icons: dict[str, QIcon], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setHeaderHidden(True)
        self.nav_model = NavigationModel(icons, self)
        self.setModel(self.nav_model)
        self.setIndentation(14)
        self.expand_groups()
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.selectionModel().currentChanged.connect(self._current_changed)
        # the context menu: actions per kind of entry; "" for every entry, below the rest
        self.menu_actions: dict[str, tuple[QAction, ...]] = {}

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
