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
from newsdesk.gui.desk import Desk, error_text
from newsdesk.gui.desk_dialogs import CodebooksDialog, TimelineDialog
from newsdesk.gui.panes.navigation import NavigationPane
from newsdesk.models import Codebook, Tag
from newsdesk.services.annotations import (
    add_codebook,
    count_codes,
    list_codebooks,
    list_tags,
    merge_tags,
    remove_codebook,
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


@dataclass(frozen=True, slots=True)
class AddedCodebook:
    """A codebook a write stored (or found already there) and what that changed."""

    book: Codebook
    changes: Changes


def added_codebook(result: tuple[Codebook, Changes]) -> AddedCodebook:
    return AddedCodebook(*result)


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
        self.last_codebooks: CodebooksDialog | None = None  # the open dialog (tests, shots)
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
        if self.last_codebooks is not None and self.last_codebooks.isVisible():
            self.last_codebooks.show_codebooks(codebooks)

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

    # -- Desk ▸ Codebooks…

    def codebooks_dialog(self) -> None:
        """List the codebooks; add and remove them (each a job; errors stay in the dialog)."""
        if self.last_codebooks is not None:
            self.last_codebooks.close()
        dialog = CodebooksDialog(self.annotating.codebooks, self.desk.parent)
        dialog.add_requested.connect(self.add_codebook)
        dialog.remove_requested.connect(self.remove_codebook)
        self.last_codebooks = dialog
        dialog.open()
        self.reload()  # the list as stored now, should another window have changed it

    def add_codebook(self, name: str, values: list[str], description: str = "") -> None:
        dialog = self.last_codebooks

        def done(added: AddedCodebook) -> None:
            if dialog is not None:
                dialog.added(added.book)
            self.desk.status(f"Added the codebook {added.book.name} "
                             f"({len(added.book.values)} values)." if added.changes else
                             f"The codebook {added.book.name} is already there.", 6000)

        def failed(error: BaseException) -> None:
            if dialog is not None and dialog.isVisible():
                dialog.show_error(error_text(error))
            else:
                self.desk.show_error("Could not add the codebook", error)

        self.desk.jobs.op(lambda store: added_codebook(add_codebook(store, name, values,
                                                                    description)),
                          on_done=done, on_failed=failed)

    def remove_codebook(self, name: str) -> None:
        """Ask first, saying how many codes go with it; then remove it."""
        dialog = self.last_codebooks

        def failed(error: BaseException) -> None:
            if dialog is not None and dialog.isVisible():
                dialog.show_error(error_text(error))
            else:
                self.desk.show_error("Could not remove the codebook", error)

        def confirm(count: int) -> None:
            codes = (f"its {count} code{'s' * (count != 1)} (every editor's) go with it"
                     if count else "no article is coded with it")
            answer = QMessageBox.question(dialog or self.desk.parent, "Remove codebook",
                                          f"Remove the codebook {name}? {codes[:1].upper()}"
                                          f"{codes[1:]}. This cannot be undone.")
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.desk.jobs.op(lambda store: counted(remove_codebook(store, name)),
                              on_done=lambda result: self.desk.status(
                                  f"Removed the codebook {name} and {result.count} "
                                  f"code{'s' * (result.count != 1)}.", 6000),
                              on_failed=failed)

        self.desk.jobs.query(lambda store: count_codes(store, name), on_done=confirm,
                             on_failed=failed)
