"""The Tags and Codes groups of the navigation: read the tags (with their counts) and the
codebooks as a job, and rename, merge, colour or remove a tag, or show its timeline, from
the group's context menu. Every read and write is a job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMessageBox

from newsdesk.gui.actions.annotating import AnnotationActions
from newsdesk.gui.desk import Desk
from newsdesk.gui.desk_dialogs import TimelineDialog
from newsdesk.gui.panes.navigation import NavigationPane
from newsdesk.models import Codebook, Tag
from newsdesk.services.annotations import (
    list_codebooks,
    list_tags,
    merge_tags,
    remove_tag,
    rename_tag,
    set_tag_color,
)
from newsdesk.services.changes import Changes
from newsdesk.services.coverage import tag_timeline
from newsdesk.store.api import Store


@dataclass(frozen=True, slots=True)
class Counted:
    """A tag write's count (assignments merged or removed) and what it changed."""

    count: int
    changes: Changes


def counted(result: tuple[int, Changes]) -> Counted:
    return Counted(*result)


def read_lists(store: Store) -> tuple[list[Tag], list[Codebook]]:
    """The tags with their counts and the codebooks, in one job."""
    return list_tags(store), list_codebooks(store)


class TagActions(QObject):
    """The navigation's desk groups and the tag commands of their context menu."""

    def __init__(self, desk: Desk, nav: NavigationPane, annotating: AnnotationActions,
                 colors: Callable[[], dict[str, str]]) -> None:
        super().__init__(nav)
        self.desk, self.nav, self.annotating, self.colors = desk, nav, annotating, colors
        self.last_timeline: TimelineDialog | None = None
        parent = desk.parent
        self.rename_action = QAction("Rename tag…", parent)
        self.merge_action = QAction("Merge into another tag…", parent)
        self.color_action = QAction("Colour…", parent)
        self.timeline_action = QAction("Timeline (articles per day)…", parent)
        self.remove_action = QAction("Remove tag…", parent)
        for action, slot in ((self.rename_action, self.rename), (self.merge_action, self.merge),
                             (self.color_action, self.recolor),
                             (self.timeline_action, self.timeline),
                             (self.remove_action, self.remove)):
            action.triggered.connect(lambda _c=False, s=slot: s())
        desk.changed.connect(self.apply_changed)

    @property
    def menu(self) -> tuple[QAction, ...]:
        return (self.timeline_action, self.rename_action, self.merge_action, self.color_action,
                self.remove_action)

    def reload(self) -> None:
        """Read the tags and codebooks again (at start, and when either changed)."""
        self.desk.jobs.latest("desk-lists", read_lists, on_done=self._show,
                              on_failed=lambda error: self.desk.status(str(error), 8000))

    def _show(self, lists: tuple[list[Tag], list[Codebook]]) -> None:
        tags, codebooks = lists
        key = self.nav.current_key()
        self.nav.nav_model.dot_color = self.colors()["muted"]
        self.nav.nav_model.set_desk(tags, codebooks)
        self.nav.expand_groups()
        if key is not None and key[0] in ("tag", "untagged", "codebook", "code"):
            self.nav.reselect(key)
        self.annotating.show_lists(tags, codebooks)

    def apply_changed(self, changes: Changes) -> None:
        if changes.tag_list or changes.codebook_list or changes.annotated \
                or changes.all_articles:
            self.reload()

    def _tag(self) -> str | None:
        name = self.nav.selected("tag")
        return str(name) if name else None

    def rename(self) -> None:
        tag = self._tag()
        if tag is None:
            return
        new, ok = QInputDialog.getText(self.desk.parent, "Rename tag", f"New name for {tag}:",
                                       text=tag)
        new = new.strip()
        if ok and new and new != tag:
            self.desk.jobs.op(lambda store: rename_tag(store, tag, new),
                              on_done=lambda _c: self.desk.status(
                                  f"Renamed {tag} to {new}.", 5000),
                              error_title="Could not rename the tag")

    def merge(self) -> None:
        tag = self._tag()
        if tag is None:
            return
        others = [t.name for t in self.annotating.tags if t.name.lower() != tag.lower()]
        if not others:
            self.desk.status("There is no other tag to merge into.", 4000)
            return
        into, ok = QInputDialog.getItem(self.desk.parent, "Merge tags",
                                        f"Merge {tag} into (its articles keep every tag):",
                                        others, 0, False)
        if ok and into:
            self.desk.jobs.op(lambda store: counted(merge_tags(store, tag, into)),
                              on_done=lambda result: self.desk.status(
                                  f"Merged {tag} into {into} ({result.count} articles).", 6000),
                              error_title="Could not merge the tags")

    def recolor(self) -> None:
        tag = self._tag()
        if tag is None:
            return
        known = next((t.color for t in self.annotating.tags if t.name == tag), "")
        color = QColorDialog.getColor(QColor(known or self.colors()["accent"]),
                                      self.desk.parent, f"Colour of {tag}")
        if color.isValid():
            hex_color = color.name()
            self.desk.jobs.op(lambda store: set_tag_color(store, tag, hex_color),
                              error_title="Could not colour the tag")

    def remove(self) -> None:
        tag = self._tag()
        if tag is None:
            return
        count = next((t.articles + t.stories for t in self.annotating.tags if t.name == tag), 0)
        answer = QMessageBox.question(
            self.desk.parent, "Remove tag",
            f"Remove the tag {tag}" + (f" from {count} articles and stories?" if count else "?"))
        if answer == QMessageBox.StandardButton.Yes:
            self.desk.jobs.op(lambda store: counted(remove_tag(store, tag)),
                              on_done=lambda result: self.desk.status(
                                  f"Removed {tag} ({result.count} assignments).", 6000),
                              error_title="Could not remove the tag")

    def timeline(self) -> None:
        tag = self._tag()
        if tag is None:
            return

        def show(days: list[tuple[date, int]]) -> None:
            self.last_timeline = TimelineDialog(tag, days, self.colors(), self.desk.parent)
            self.last_timeline.open()

        self.desk.jobs.query(lambda store: tag_timeline(store, tag), on_done=show,
                             error_title="Could not read the timeline")
