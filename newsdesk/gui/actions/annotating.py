"""Annotating: tag, code and note the selected articles, highlight a passage of the one in
the reader, and show what editors said (the annotations pane, the highlights, the list's
Tags column). Every read and write is a job; every edit goes on the window's undo stack.

The current codebook (1..9 apply its values) is remembered in QSettings; the editor is
services.editors.default_editor() (the Settings dialog changes it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import reduce

from PySide6.QtCore import QModelIndex, QObject, QPoint, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QDialog, QLabel, QMenu

from newsdesk.gui.actions.undo import UndoStack
from newsdesk.gui.desk import Desk
from newsdesk.gui.desk_dialogs import NoteDialog, TagPicker
from newsdesk.gui.menus import add_items
from newsdesk.gui.panes.annotations import AnnotationsPane
from newsdesk.gui.panes.articles import ArticleListPane
from newsdesk.gui.panes.reader import ReaderPane
from newsdesk.models import Annotation, Codebook, Tag
from newsdesk.services.annotations import (
    ArticleAnnotations,
    Edit,
    add_note,
    add_story_note,
    annotations_by_article,
    article_annotations,
    code_articles,
    edit_note,
    remove_note,
    tag_articles,
    tag_story,
    untag_articles,
    untag_story,
)
from newsdesk.services.changes import Changes
from newsdesk.services.editors import default_editor
from newsdesk.store.api import Store

log = logging.getLogger(__name__)
CODEBOOK_KEY = "desk/codebook"
DEFAULT_CODEBOOK = "Coverage"
KEYS = 9  # 1..9 code with the current codebook's first nine values


def combined(edits: Sequence[Edit], summary: str) -> Edit:
    """Several edits as one step for the undo stack (a note on each selected article)."""
    return Edit(added=tuple(a for e in edits for a in e.added),
                removed=tuple(a for e in edits for a in e.removed),
                changes=reduce(lambda x, y: x | y, (e.changes for e in edits), Changes()),
                summary=summary)


class AnnotationActions(QObject):
    """The Desk menu's commands and what follows the article in the reader."""

    lists_changed = Signal()  # tags or codebooks were read again

    def __init__(self, desk: Desk, articles: ArticleListPane, reader: ReaderPane,
                 pane: AnnotationsPane, undo: UndoStack, *, code_actions: Sequence[QAction],
                 code_menu: QMenu, codebook_menu: QMenu) -> None:
        super().__init__(articles)
        self.desk, self.articles, self.reader, self.pane = desk, articles, reader, pane
        self.undo = undo
        self.model = articles.model
        self.code_actions, self.code_menu, self.codebook_menu = (
            list(code_actions), code_menu, codebook_menu)
        self.menu_actions: list[QAction | QMenu | None] = []  # the list's context menu
        # Remove tag ▸ the selected articles' own tags, filled as it opens (Desk menu, and
        # the list's context menu, which adds it itself)
        self.untag_menu = QMenu("Remove tag")
        self.untag_menu.aboutToShow.connect(self.fill_untag_menu)
        self.editor = default_editor()
        saved = desk.qsettings.value(CODEBOOK_KEY, DEFAULT_CODEBOOK)
        self.codebook = str(saved) if saved else DEFAULT_CODEBOOK
        self.codebooks: list[Codebook] = []
        self.tags: list[Tag] = []
        self.shown: ArticleAnnotations | None = None
        self.label = QLabel()
        self.label.setObjectName("deskState")
        self._codebook_group = QActionGroup(self)
        self._codebook_group.setExclusive(True)
        self._update_label()
        self._fill_code_menu()
        self.model.modelReset.connect(self._rows_reset)
        self.model.rowsInserted.connect(self._rows_added)
        articles.menu_requested.connect(self.article_menu)
        reader.article_shown.connect(self.load_article)
        reader.cleared.connect(self._reader_cleared)
        reader.view.highlight_requested.connect(self.highlight_passage)
        pane.note_clicked.connect(self.jump_to)
        pane.add_requested.connect(self.note_current)
        pane.edit_requested.connect(self.edit_note)
        pane.remove_requested.connect(self.remove_note)
        desk.changed.connect(self.apply_changed)

    # -- who and with what

    def set_editor(self, name: str) -> None:
        self.editor = name
        self._update_label()

    def _update_label(self) -> None:
        self.label.setText(f"Editor: {self.editor}  ·  Codebook: {self.codebook}")
        self.label.setToolTip("Who your tags, codes and notes are credited to (Settings), and "
                              "the codebook 1–9 apply (Desk ▸ Codebook)")

    def show_lists(self, tags: list[Tag], codebooks: list[Codebook]) -> None:
        """Tags and codebooks a job read (the tag actions read them for the tree too)."""
        self.tags, self.codebooks = tags, codebooks
        self.model.set_tag_colors(tags)
        self.pane.set_tag_colors({t.name: t.color for t in tags})
        if codebooks and self.codebook not in [b.name for b in codebooks]:
            self.codebook = codebooks[0].name  # the remembered one was removed
            self._update_label()
        self._fill_code_menu()
        self.lists_changed.emit()

    def current_codebook(self) -> Codebook | None:
        return next((b for b in self.codebooks if b.name == self.codebook), None)

    def choose_codebook(self, name: str) -> None:
        self.codebook = name
        self.desk.qsettings.setValue(CODEBOOK_KEY, name)
        self._update_label()
        self._fill_code_menu()
        self.desk.status(f"1–9 now code with {name}.", 4000)

    def _fill_code_menu(self) -> None:
        """The Code ▸ submenu and the 1..9 actions follow the current codebook."""
        book = self.current_codebook()
        values = book.values if book is not None else ()
        self.code_menu.clear()
        self.code_menu.setTitle(f"Code ({self.codebook})")
        for n, action in enumerate(self.code_actions, 1):
            value = values[n - 1] if n <= len(values) else ""
            action.setText(f"Code {value}" if value else f"Code value {n}")
            action.setEnabled(bool(value))
            action.setVisible(bool(value))
        for n, value in enumerate(values, 1):
            if n <= len(self.code_actions):
                self.code_menu.addAction(self.code_actions[n - 1])
            else:
                extra = self.code_menu.addAction(value)
                extra.triggered.connect(lambda _c=False, v=value: self.code_selection(v))
        self.codebook_menu.clear()
        for book_ in self.codebooks:
            choice = self.codebook_menu.addAction(book_.name)
            choice.setCheckable(True)
            choice.setChecked(book_.name == self.codebook)
            choice.setToolTip(book_.description or ", ".join(book_.values))
            self._codebook_group.addAction(choice)
            choice.triggered.connect(lambda _c=False, n=book_.name: self.choose_codebook(n))

    # -- the selection

    def selection(self) -> list[str]:
        return self.articles.selected_ids() if not self.articles.welcome_shown else []

    def _need_selection(self) -> list[str]:
        ids = self.selection()
        if not ids:
            self.desk.status("Select one or more articles first.", 4000)
        return ids

    def article_menu(self, where: QPoint) -> None:
        """Right click on the list: the desk's commands for the selection."""
        menu = self.build_article_menu()
        menu.exec(where)
        menu.deleteLater()

    def build_article_menu(self) -> QMenu:
        menu = QMenu(self.articles)
        add_items(menu, self.menu_actions)
        if self.selection_tags():
            self.fill_untag_menu()
            actions = menu.actions()
            if len(actions) > 1:
                menu.insertMenu(actions[1], self.untag_menu)  # below Tag…
            else:
                menu.addMenu(self.untag_menu)
        return menu

    def selection_tags(self) -> list[str]:
        """The selected articles' own tags (not their stories'), as the list's rows read
        them, each once, by name."""
        seen: dict[str, str] = {}
        for article_id in self.selection():
            for a in self.model.annotations(article_id):
                if a.kind == "tag" and a.target == "article":
                    seen.setdefault(a.tag.lower(), a.tag)
        return sorted(seen.values(), key=str.lower)

    def fill_untag_menu(self) -> None:
        self.untag_menu.clear()
        tags = self.selection_tags()
        for tag in tags:
            action = self.untag_menu.addAction(tag)
            action.triggered.connect(lambda _c=False, t=tag: self.remove_tags(self.selection(),
                                                                              [t]))
        if not tags:
            none = self.untag_menu.addAction("The selection has no tags")
            none.setEnabled(False)

    def remove_tags(self, ids: list[str], tags: list[str]) -> None:
        """Take these tags off these articles (one undo step)."""
        if not ids or not tags:
            return
        self._write(lambda store: untag_articles(store, ids, tags), title="Could not untag")

    def _write(self, write: Callable[[Store], Edit], *, title: str) -> None:
        """Run an annotation write; its Edit goes on the undo stack, its summary says what."""
        def done(edit: Edit) -> None:
            self.undo.push(edit)
            self.desk.status(edit.summary + (" Ctrl+Z undoes it." if edit.added or edit.removed
                                             else ""), 6000)

        self.desk.jobs.op(write, on_done=done, error_title=title)

    def tag_selection(self) -> None:
        """T: the tag picker for the selected articles."""
        ids = self._need_selection()
        if not ids:
            return
        picker = TagPicker([t.name for t in self.tags], len(ids), self.desk.parent)
        if picker.exec() != QDialog.DialogCode.Accepted or not picker.tags():
            return
        self.apply_tags(ids, picker.tags())

    def apply_tags(self, ids: list[str], tags: list[str]) -> None:
        editor = self.editor
        self._write(lambda store: tag_articles(store, ids, tags, editor), title="Could not tag")

    # -- a story's own tags and notes (kept on its anchor article; services decide)

    def tag_story(self, story_id: int, label: str) -> None:
        """The tag picker for a story (the story pane's link, the Stories' context menu)."""
        picker = TagPicker([t.name for t in self.tags], 1, self.desk.parent, story=label)
        if picker.exec() != QDialog.DialogCode.Accepted or not picker.tags():
            return
        tags, editor = picker.tags(), self.editor
        self._write(lambda store: tag_story(store, story_id, tags, editor),
                    title="Could not tag the story")

    def untag_story(self, story_id: int, tag: str) -> None:
        self._write(lambda store: untag_story(store, story_id, [tag]),
                    title="Could not untag the story")

    def note_story(self, story_id: int, label: str) -> None:
        dialog = NoteDialog(f"Note on the story “{label}”", parent=self.desk.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.text():
            return
        text, editor = dialog.text(), self.editor
        self._write(lambda store: add_story_note(store, story_id, text, editor),
                    title="Could not save the note")

    def code_selection(self, value: int | str) -> None:
        """1..9 (or a value's name): code the selected articles with the current codebook."""
        ids = self._need_selection()
        book = self.current_codebook()
        if not ids:
            return
        if book is None:
            self.desk.status(f"There is no codebook {self.codebook}; choose one in "
                             "Desk ▸ Codebook.", 6000)
            return
        if isinstance(value, int) and not 1 <= value <= len(book.values):
            self.desk.status(f"{book.name} has {len(book.values)} values.", 4000)
            return
        name, editor = book.name, self.editor
        chosen = str(value)
        self._write(lambda store: code_articles(store, ids, name, chosen, editor),
                    title="Could not code")

    def note_selection(self) -> None:
        """A note on each selected article (one undo step)."""
        ids = self._need_selection()
        if not ids:
            return
        dialog = NoteDialog("Note on the article" if len(ids) == 1
                            else f"Note on {len(ids)} articles", parent=self.desk.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.text():
            return
        text, editor = dialog.text(), self.editor

        def write(store: Store) -> Edit:
            edits = [add_note(store, i, text, editor) for i in ids]
            return edits[0] if len(edits) == 1 else combined(
                edits, f"Added a note to {len(edits)} articles.")

        self._write(write, title="Could not save the note")

    def note_current(self) -> None:
        """The annotations pane's Add note: on the article in the reader."""
        article = self.reader.view.article
        if article is None:
            return
        dialog = NoteDialog("Note on the article", parent=self.desk.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.text():
            return
        text, editor, article_id = dialog.text(), self.editor, article.id
        self._write(lambda store: add_note(store, article_id, text, editor),
                    title="Could not save the note")

    def highlight(self) -> None:
        """H: "Highlight with note" for the text selected in the reader."""
        passage = self.reader.view.selected_passage()
        if not passage or self.reader.view.article is None:
            self.desk.status("Select a passage in the reader first, then press H.", 4000)
            return
        self.highlight_passage(passage)

    def highlight_passage(self, passage: str) -> None:
        article = self.reader.view.article
        if article is None or not passage:
            return
        dialog = NoteDialog("Highlight with note", quote=passage, parent=self.desk.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        text, editor, article_id = dialog.text(), self.editor, article.id
        self._write(lambda store: add_note(store, article_id, text, editor, quote=passage),
                    title="Could not save the highlight")

    def edit_note(self, note_id: str) -> None:
        placed = next((n for n in self.pane.notes() if n.note.id == note_id), None)
        if placed is None:
            return
        quote = placed.note.quote.exact if placed.note.quote is not None else ""
        dialog = NoteDialog("Edit note", text=placed.note.text, quote=quote,
                            parent=self.desk.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.text() == placed.note.text:
            return
        text = dialog.text()
        self._write(lambda store: edit_note(store, note_id, text), title="Could not save the note")

    def remove_note(self, note_id: str) -> None:
        self._write(lambda store: remove_note(store, note_id), title="Could not remove the note")

    # -- what the reader shows

    def load_article(self, article_id: str) -> None:
        """Read the article's annotations (a job) for the pane and the highlights."""
        def shown(annotations: ArticleAnnotations) -> None:
            article = self.reader.view.article
            if article is None or article.id != annotations.article_id:
                return
            self.shown = annotations
            self.pane.show_annotations(annotations, article.title)
            self.reader.view.set_highlights(
                [(p.note.id, p.note.quote) for p in annotations.notes
                 if p.note.quote is not None and p.status != "lost"],
                self.pane.colors["mark"])

        self.desk.jobs.latest("annotations", lambda store: article_annotations(store, article_id),
                              on_done=shown,
                              on_failed=lambda error: self.desk.status(str(error), 6000))

    def _reader_cleared(self) -> None:
        self.desk.jobs.supersede("annotations")
        self.shown = None
        self.pane.clear()

    def jump_to(self, note_id: str) -> None:
        if not self.reader.view.jump_to(note_id):
            self.desk.status("That passage is no longer in the article's text.", 5000)

    # -- the list's Tags column

    def _rows_reset(self) -> None:
        self._read_rows(self.model.article_ids(), key="row-annotations")

    def _rows_added(self, _parent: QModelIndex, first: int, last: int) -> None:
        ids = self.model.article_ids()[first:last + 1]
        self._read_rows(ids, key=f"row-annotations:{ids[0]}" if ids else "")

    def _read_rows(self, ids: list[str], *, key: str) -> None:
        if not ids or self.desk.closed():
            return
        def read(by_article: dict[str, list[Annotation]]) -> None:
            self.model.set_annotations({i: by_article.get(i, []) for i in ids})  # none: none

        self.desk.jobs.latest(key, lambda store: annotations_by_article(store, ids),
                              on_done=read, background=True)

    def apply_changed(self, changes: Changes) -> None:
        """Redraw what an annotation write changed: its rows, and the reader's article."""
        if changes.tag_list:
            self._rows_reset()
        elif changes.annotated:
            listed = set(self.model.article_ids())
            ids = [i for i in self.model.article_ids() if i in changes.annotated & listed]
            if ids:
                self._read_rows(ids, key="row-annotations-changed")
        article = self.reader.view.article
        if article is not None and (article.id in changes.annotated or changes.tag_list
                                    or changes.all_articles):
            self.load_article(article.id)
