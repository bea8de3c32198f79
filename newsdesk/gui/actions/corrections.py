"""Corrections of the grouping, from the window: on the selected articles "Move to
story…", "Split into a new story" and "Pin to this story"; on a story (the navigation's
story, the story of the list or of the open article, or an event of the timeline) "Merge
with…", "Detach from storyline" and "Why these articles?".

Each is one services.corrections call run as a write job; the corrections are recorded in
article terms by the service, so they hold through a re-grouping. Ctrl+Z takes a command's
corrections back (gui/actions/undo.py: services.corrections.undo_correction with the story
the articles came from), so none asks for confirmation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from newsdesk.gui.actions.undo import Corrected, UndoStack
from newsdesk.gui.desk import Desk
from newsdesk.gui.dialogs import StoryChooserDialog
from newsdesk.gui.explain_dialog import ExplainDialog
from newsdesk.gui.panes.articles import ArticleListPane
from newsdesk.gui.panes.navigation import NavigationPane
from newsdesk.models import Correction, StoryExplanation, StorySummary
from newsdesk.services.changes import Changes
from newsdesk.services.corrections import (
    detach_story,
    explain_story,
    last_correction,
    merge_stories,
    move_article,
    pin_article,
    split_story,
)
from newsdesk.services.reading import open_article
from newsdesk.services.stories import list_stories
from newsdesk.store.api import Store

log = logging.getLogger(__name__)
RECENT_DAYS = 60  # the chooser offers stories seen in the last two months
CHOOSER_LIMIT = 400


def made(store: Store) -> Correction:
    """The correction a service call just recorded (for its undo)."""
    found = last_correction(store)
    if found is None:  # every correction service records one; a store that did not is a bug
        raise RuntimeError("the correction was not recorded")
    return found


def story_of(store: Store, article_id: str) -> int | None:
    """The story an article is in now (where an undo of its move puts it back)."""
    return open_article(store, article_id).story_id


def recent_stories(store: Store) -> list[StorySummary]:
    """The stories a chooser offers: those seen lately (all of them in an old archive)."""
    since = datetime.now(UTC) - timedelta(days=RECENT_DAYS)
    found = list_stories(store, since=since, limit=CHOOSER_LIMIT)
    return found or list_stories(store, limit=CHOOSER_LIMIT)


def count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


class CorrectionActions(QObject):
    """The Story menu's corrections and the article list's Story ▸ submenu."""

    def __init__(self, desk: Desk, nav: NavigationPane, articles: ArticleListPane,
                 undo: UndoStack, *, open_story: Callable[[], tuple[int, str] | None],
                 colors: Callable[[], dict[str, str]],
                 open_article: Callable[[str], object]) -> None:
        super().__init__(nav)
        self.desk, self.nav, self.articles, self.undo = desk, nav, articles, undo
        self._open_story, self._colors, self._open_article = open_story, colors, open_article
        self.editor: Callable[[], str] = lambda: ""  # set by the window: the desk's editor
        self.last_explain: ExplainDialog | None = None  # the open dialog (tests, shots)
        self.last_chooser: StoryChooserDialog | None = None
        self.choose: Callable[[StoryChooserDialog], bool] = lambda d: bool(d.exec())
        self._event: tuple[int, str] | None = None  # the timeline event right clicked
        parent = desk.parent
        self.move_action = QAction("Move to story…", parent)
        self.move_action.setToolTip("Put the selected articles in another story (they stay "
                                    "there when stories are regrouped)")
        self.split_action = QAction("Split into a new story", parent)
        self.split_action.setToolTip("The selected articles leave their story for a new one")
        self.pin_action = QAction("Pin to this story", parent)
        self.pin_action.setToolTip("Keep the selected articles in their story through "
                                   "regrouping")
        self.merge_action = QAction("Merge with…", parent)
        self.merge_action.setToolTip("Put another story's articles into this story")
        self.detach_action = QAction("Detach from storyline", parent)
        self.detach_action.setToolTip("Take this story out of its storyline for good")
        self.explain_action = QAction("Why these articles?", parent)
        self.explain_action.setToolTip("Why the story holds its articles, and why it is in "
                                       "its storyline")
        for action, slot in ((self.move_action, self.move_selection),
                             (self.split_action, self.split_selection),
                             (self.pin_action, self.pin_selection),
                             (self.merge_action, self.merge_story),
                             (self.detach_action, self.detach),
                             (self.explain_action, self.explain)):
            action.triggered.connect(lambda _c=False, s=slot: s())
        self.article_menu = QMenu("Story", parent)  # the list's right click
        for item in (self.move_action, self.split_action, self.pin_action, None,
                     self.explain_action):
            self.article_menu.addSeparator() if item is None else self.article_menu.addAction(item)
        self.story_actions = (self.merge_action, self.detach_action, self.explain_action)

    # -- which story, which articles

    def story(self) -> tuple[int, str] | None:
        """The story a story command is for: a timeline event right clicked, the story
        selected in the navigation, else the story the list or the open article is in."""
        if self._event is not None:
            return self._event
        key = self.nav.current_key()
        if key is not None and key[0] == "story" and key[1] is not None:
            return int(key[1]), str(key[2] or f"story {key[1]}")
        query = self.articles.model.query
        if query.story_id is not None:
            return query.story_id, f"story {query.story_id}"
        return self._open_story()

    def _story_or_say(self) -> tuple[int, str] | None:
        story = self.story()
        if story is None:
            self.desk.status("Select a story (in the navigation, or an article of it) first.",
                             5000)
        return story

    def _selection_or_say(self) -> list[str]:
        ids = self.articles.selected_ids()
        if not ids:
            self.desk.status("Select articles in the list first.", 4000)
        return ids

    def event_menu(self, story_id: int, label: str, where: QPoint) -> None:
        """The timeline's right click on an event: the story commands, for that story."""
        menu = self.build_event_menu(story_id, label)
        menu.exec(where)
        menu.deleteLater()
        self._event = None

    def build_event_menu(self, story_id: int, label: str) -> QMenu:
        self._event = (story_id, label)
        menu = QMenu(self.desk.parent)
        for action in (self.explain_action, self.merge_action, self.detach_action):
            menu.addAction(action)
        return menu

    # -- on articles

    def move_selection(self) -> None:
        ids = self._selection_or_say()
        if not ids:
            return
        here = self.story()
        exclude = here[0] if here is not None else None

        def chosen(stories: list[StorySummary]) -> None:
            dialog = StoryChooserDialog(stories, "Move to story",
                                        f"Move {count(len(ids), 'article')} into which story? "
                                        "They stay there when stories are regrouped.",
                                        self.desk.parent, exclude=exclude)
            self.last_chooser = dialog
            target = dialog.chosen() if self.choose(dialog) else None
            if target is not None:
                self.move(ids, target.id, target.label)

        self.desk.jobs.query(recent_stories, on_done=chosen,
                             error_title="Could not list the stories")

    def move(self, ids: list[str], story_id: int, label: str) -> None:
        editor = self.editor()

        def write(store: Store) -> Corrected:
            changes, done = Changes(), []
            for article_id in ids:
                back = story_of(store, article_id)
                changes = changes | move_article(store, article_id, story_id, editor=editor)
                done.append((made(store), back))
            return Corrected(f"move {count(len(ids), 'article')} into “{label}”", tuple(done),
                             changes)

        self._run(write, "Could not move the articles")

    def _run(self, write: Callable[[Store], Corrected], error_title: str,
             said: Callable[[Corrected], str] | None = None) -> None:
        """A correction as a write job; once done it can be undone (Ctrl+Z)."""
        def done(corrected: Corrected) -> None:
            self.undo.push(corrected)
            text = said(corrected) if said else corrected.summary[:1].upper() + \
                corrected.summary[1:] + "."
            self.desk.status(f"{text} Ctrl+Z undoes it.", 8000)

        self.desk.jobs.op(write, on_done=done, error_title=error_title)

    def split_selection(self) -> None:
        ids = self._selection_or_say()
        story = self._story_or_say() if ids else None
        if story is None:
            return
        story_id, label = story
        editor = self.editor()

        def write(store: Store) -> Corrected:
            new, changes = split_story(store, story_id, ids, editor=editor)
            return Corrected(f"split {count(len(ids), 'article')} off “{label}”",
                             ((made(store), story_id),), changes, new_story=new)

        self._run(write, "Could not split the story", lambda corrected: (
            f"Split {count(len(ids), 'article')} into a new story ({corrected.new_story})."))

    def pin_selection(self) -> None:
        ids = self._selection_or_say()
        if not ids:
            return
        editor = self.editor()

        def write(store: Store) -> Corrected:
            changes, done = Changes(), []
            for article_id in ids:
                changes = changes | pin_article(store, article_id, editor=editor)
                done.append((made(store), None))
            return Corrected(f"pin {count(len(ids), 'article')}", tuple(done), changes)

        self._run(write, "Could not pin the articles", lambda _c: (
            f"Pinned {count(len(ids), 'article')} to their story: regrouping keeps them "
            "there."))

    # -- on a story

    def merge_story(self) -> None:
        story = self._story_or_say()
        if story is None:
            return
        into, label = story

        def chosen(stories: list[StorySummary]) -> None:
            dialog = StoryChooserDialog(stories, "Merge stories",
                                        f"Merge which story into “{label}”? Its articles "
                                        "join this one.", self.desk.parent, exclude=into)
            self.last_chooser = dialog
            other = dialog.chosen() if self.choose(dialog) else None
            if other is not None:
                self.merge(into, label, other.id, other.label)

        self.desk.jobs.query(recent_stories, on_done=chosen,
                             error_title="Could not list the stories")

    def merge(self, into: int, label: str, other: int, other_label: str) -> None:
        editor = self.editor()

        def write(store: Store) -> Corrected:
            changes = merge_stories(store, into, other, editor=editor)
            return Corrected(f"merge “{other_label}” into “{label}”", ((made(store), None),),
                             changes)

        self._run(write, "Could not merge the stories")

    def detach(self) -> None:
        story = self._story_or_say()
        if story is None:
            return
        story_id, label = story
        editor = self.editor()

        def write(store: Store) -> Corrected:
            changes = detach_story(store, story_id, editor=editor)
            return Corrected(f"detach “{label}” from its storyline", ((made(store), None),),
                             changes)

        self._run(write, "Could not detach the story", lambda _c: (
            f"“{label}” is no longer in a storyline; linking leaves it alone."))

    def explain(self) -> None:
        story = self._story_or_say()
        if story is None:
            return
        story_id = story[0]

        def show(explanation: StoryExplanation) -> None:
            if self.last_explain is not None:
                self.last_explain.close()
            dialog = ExplainDialog(explanation, self._colors(), self.desk.parent)
            dialog.article_requested.connect(self._open_article)
            self.last_explain = dialog
            dialog.open()

        self.desk.jobs.query(lambda store: explain_story(store, story_id), on_done=show,
                             error_title="Could not explain the story")
