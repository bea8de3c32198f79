"""Filling a menu from a list of its entries, the one way the window's menus are built."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu


def add_items(menu: QMenu, items: Iterable[QAction | QMenu | None]) -> None:
    """Append each action, submenu, or (None) a separator."""
    for item in items:
        if item is None:
            menu.addSeparator()
        elif isinstance(item, QMenu):
            menu.addMenu(item)
        else:
            menu.addAction(item)
