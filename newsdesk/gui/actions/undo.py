"""One undo stack for the window: marking a view read, every annotation edit, and every
correction of the grouping (move, split, pin, merge, detach).

Ctrl+Z undoes the newest of either kind (two stacks on one key would leave the user
guessing which one a press undoes). An annotation edit's undo is its inverse edit
(services.annotations.undo), so Ctrl+Shift+Z redoes it by undoing the inverse; undoing a
"mark all read" or a correction cannot be redone (the view may hold other articles by
then; a correction is made again from its menu). Any new edit
clears what could be redone, as in every editor.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from newsdesk.gui.desk import Desk
from newsdesk.models import Correction
from newsdesk.services.annotations import Edit, undo
from newsdesk.services.changes import Changes
from newsdesk.services.corrections import undo_correction
from newsdesk.services.reading import undo_mark_read
from newsdesk.store.api import Store


@dataclass(frozen=True, slots=True)
class MarkedRead:
    """A "mark all read in this view" that can be undone (its batch in the store)."""

    batch: int
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Corrected:
    """Corrections one command made, each with the story its articles came from (where
    an undo puts them back; None: a story of their own, or no move to take back)."""

    summary: str  # "move 2 articles into “Appeal heard”"
    made: tuple[tuple[Correction, int | None], ...]
    changes: Changes
    new_story: int | None = None  # a split's new story


def undo_corrections(store: Store, step: Corrected) -> Changes:
    """Take back a command's corrections, newest first (a move of three articles made
    three)."""
    changes = Changes()
    for correction, back_to in reversed(step.made):
        changes = changes | undo_correction(store, correction, back_to)
    return changes


Step = MarkedRead | Edit | Corrected


def step_text(step: Step) -> str:
    """What the Edit menu says it would undo or redo."""
    if isinstance(step, MarkedRead):
        return f"mark all read ({step.count})"
    if isinstance(step, Corrected):
        return step.summary.split(" into ")[0]
    summary = step.summary.rstrip(".")
    return summary[:1].lower() + summary[1:] if summary else "annotation edit"


class UndoStack(QObject):
    """The undo and redo actions' state; every undo and redo is a write job."""

    def __init__(self, desk: Desk, undo_action: QAction, redo_action: QAction) -> None:
        super().__init__(desk.parent)
        self.desk, self.undo_action, self.redo_action = desk, undo_action, redo_action
        self.undos: list[Step] = []
        self.redos: list[Edit] = []
        self._update()

    def push(self, step: Step) -> None:
        """A write that can be undone is done (an edit that changed nothing is not one)."""
        if isinstance(step, Edit) and not (step.added or step.removed):
            return
        self.undos.append(step)
        self.redos.clear()
        self._update()

    def _update(self) -> None:
        self.undo_action.setEnabled(bool(self.undos))
        self.undo_action.setText(f"Undo {step_text(self.undos[-1])}" if self.undos else "Undo")
        self.redo_action.setEnabled(bool(self.redos))
        self.redo_action.setText(f"Redo {step_text(self.redos[-1])}" if self.redos else "Redo")

    def undo(self) -> None:
        if not self.undos:
            self.desk.status("Nothing to undo.", 3000)
            return
        step = self.undos.pop()
        self._update()
        if isinstance(step, Corrected):
            corrected = step
            self.desk.jobs.op(lambda store: undo_corrections(store, corrected),
                              on_done=lambda _changes: self.desk.status(
                                  f"Undone: {corrected.summary}.", 6000),
                              on_failed=lambda error: self._put_back(corrected, error))
            return
        if isinstance(step, MarkedRead):
            self.desk.jobs.op(lambda store: undo_mark_read(store, step.batch),
                              on_done=lambda undone: self.desk.status(
                                  f"{undone.count} articles in {step.label} are unread again.",
                                  6000),
                              error_title="Could not undo")
            return

        def undone(inverse: Edit) -> None:
            self.redos.append(inverse)
            self._update()
            self.desk.status(f"Undone: {step.summary}", 6000)

        self.desk.jobs.op(lambda store: undo(store, step), on_done=undone,
                          on_failed=lambda error: self._failed(step, error, redo=False))

    def redo(self) -> None:
        if not self.redos:
            self.desk.status("Nothing to redo.", 3000)
            return
        inverse = self.redos.pop()
        self._update()

        def redone(again: Edit) -> None:
            self.undos.append(again)
            self._update()
            self.desk.status(f"Redone: {again.summary}", 6000)

        self.desk.jobs.op(lambda store: undo(store, inverse), on_done=redone,
                          on_failed=lambda error: self._failed(inverse, error, redo=True))

    def _put_back(self, step: Corrected, error: BaseException) -> None:
        """An undo of a correction that failed changed nothing: it can be tried again."""
        self.undos.append(step)
        self._update()
        self.desk.show_error("Could not undo", error)

    def _failed(self, step: Edit, error: BaseException, *, redo: bool) -> None:
        """Nothing was changed: the step stays where it was, so trying again is possible."""
        (self.redos if redo else self.undos).append(step)
        self._update()
        self.desk.show_error("Could not redo" if redo else "Could not undo", error)
