"""Storylines in the window: the navigation's Storylines group, the timeline pane that
follows the selected storyline, following storylines and topics, and the notification a
refresh's news gives. Every read and write is a job."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

from newsdesk.gui.actions.view import ViewActions
from newsdesk.gui.desk import Desk
from newsdesk.gui.models import FOLLOWED_ROLE, ID_ROLE, KIND_ROLE, STORYLINES_SHOWN
from newsdesk.gui.panes.navigation import NavigationPane
from newsdesk.gui.panes.storyline import StorylinePane
from newsdesk.models import ArticleQuery, StorylineSummary
from newsdesk.services.changes import Changes
from newsdesk.services.navigation import storylines_shown
from newsdesk.services.storylines import Notice, follow, followed, notices, unfollow
from newsdesk.store.api import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StorylineLists:
    """What the Storylines group draws, read in one job: the storylines (followed first,
    then newest event first), and the names of the followed topics (their flag in the Topics group)."""

    storylines: list[StorylineSummary]
    followed_topics: frozenset[str]


def read_storylines(store: Store) -> StorylineLists:
    return StorylineLists(list(storylines_shown(store, STORYLINES_SHOWN)),
                          frozenset(f.key for f in followed(store) if f.kind == "topic"))


@dataclass(frozen=True, slots=True)
class Told:
    """What a refresh brought to what the user follows (marked told as it was read)."""

    notices: tuple[Notice, ...]

    @property
    def changes(self) -> Changes:
        return Changes.of(story_list=bool(self.notices))


def read_notices(store: Store) -> Told:
    return Told(tuple(notices(store)))


def notice_lines(found: tuple[Notice, ...], limit: int = 4) -> list[str]:
    """One notification's lines: the first few notices, then how many more."""
    lines = [n.text for n in found[:limit]]
    if len(found) > limit:
        lines.append(f"and {len(found) - limit} more in what you follow")
    return lines


class StorylineActions(QObject):
    """The Storylines group, the timeline dock, Follow / Unfollow."""

    def __init__(self, desk: Desk, nav: NavigationPane, view: ViewActions,
                 pane: StorylinePane, dock: QDockWidget, *,
                 notify: Callable[[list[str]], object],
                 open_article: Callable[[str], object]) -> None:
        super().__init__(nav)
        self.desk, self.nav, self.view, self.pane, self.dock = desk, nav, view, pane, dock
        self._notify, self._open_article = notify, open_article
        self.last_notices: tuple[Notice, ...] = ()
        parent = desk.parent
        self.follow_action = QAction("Follow storyline", parent)
        self.follow_action.setToolTip("An unread badge, and a notification when a new event "
                                      "joins or a new outlet covers it")
        self.unfollow_action = QAction("Unfollow storyline", parent)
        self.follow_topic_action = QAction("Follow topic", parent)
        self.follow_topic_action.setToolTip("A notification when new articles match it")
        self.unfollow_topic_action = QAction("Unfollow topic", parent)
        self.timeline_action = QAction("Storyline timeline", parent)
        self.timeline_action.setToolTip("The selected storyline's events along the days")
        for action, slot in ((self.follow_action, lambda: self.follow_selected(True)),
                             (self.unfollow_action, lambda: self.follow_selected(False)),
                             (self.follow_topic_action, lambda: self.follow_topic(True)),
                             (self.unfollow_topic_action, lambda: self.follow_topic(False)),
                             (self.timeline_action, self.show_timeline_dock)):
            action.triggered.connect(lambda _c=False, s=slot: s())
        nav.menu_actions["storyline"] = (self.follow_action, self.unfollow_action,
                                         self.timeline_action)
        topic_actions = nav.menu_actions.get("topic", ())
        nav.menu_actions["topic"] = (*topic_actions, self.follow_topic_action,
                                     self.unfollow_topic_action)
        nav.view_selected.connect(self._view_selected)
        nav.selectionModel().currentChanged.connect(self._current_changed)
        pane.event_selected.connect(self.show_event)
        pane.follow_requested.connect(self.set_followed)
        desk.changed.connect(self.apply_changed)
        self._current_changed(nav.currentIndex(), QModelIndex())

    # -- the group

    def reload(self) -> None:
        """Read the storylines (and which topics are followed) again, in the background."""
        def failed(error: BaseException) -> None:
            log.warning("storylines not listed: %s", error)

        self.desk.jobs.latest("storylines", read_storylines, on_done=self._show,
                              on_failed=failed, background=True)

    def _show(self, lists: StorylineLists) -> None:
        key = self.nav.current_key()
        if self.nav.nav_model.set_storylines(lists.storylines, lists.followed_topics) \
                and key is not None and key[0] == "storyline":
            self.nav.reselect(key)
        self.nav.expand_groups()
        self._current_changed(self.nav.currentIndex(), QModelIndex())

    def apply_changed(self, changes: Changes) -> None:
        """Storylines grow with stories, and their badges move with every read mark."""
        if changes:
            self.reload()
        if changes.story_list or changes.stories or changes.new_articles:
            self.pane.reload()

    # -- selecting

    def _view_selected(self, query: ArticleQuery) -> None:
        if query.storyline_id is not None:
            self.pane.select_event(None)
            self.pane.show_storyline(query.storyline_id)
            self.dock.show()
            self.dock.raise_()
            # the dock takes height from the tree: keep the storyline picked in sight
            QTimer.singleShot(0, self.nav, lambda: self.nav.scrollTo(self.nav.currentIndex()))

    def show_timeline_dock(self) -> None:
        storyline = self.selected_storyline()
        if storyline is not None and storyline != self.pane.storyline_id:
            self.pane.show_storyline(storyline)
        self.dock.show()
        self.dock.raise_()

    def show_event(self, story_id: int) -> None:
        """An event clicked in the timeline: its articles in the list, the first one open
        (so the story pane compares it); the storyline stays in the timeline."""
        self.pane.select_event(story_id)
        label = next((e.story.label for e in (self.pane.timeline.events
                                               if self.pane.timeline else ())
                      if e.story.id == story_id), f"story {story_id}")

        def shown() -> None:
            first = self.view.model.headline(0)
            count = self.view.model.rowCount()
            self.desk.status(f"Event: {label} ({count} article{'s' * (count != 1)}). "
                             "Select the storyline again for all its events.", 8000)
            if first is not None:
                self._open_article(first.id)

        self.nav.clear_current_silently()
        self.view.show_query(ArticleQuery(story_id=story_id), shown=shown)

    def selected_storyline(self) -> int | None:
        value = self.nav.selected("storyline")
        return int(value) if value is not None else self.pane.storyline_id

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """Follow or Unfollow, whichever applies to the entry selected."""
        kind = current.data(KIND_ROLE)
        followed_now = bool(current.data(FOLLOWED_ROLE))
        self.follow_action.setVisible(kind != "storyline" or not followed_now)
        self.unfollow_action.setVisible(kind == "storyline" and followed_now)
        self.follow_action.setEnabled(kind == "storyline" or self.pane.storyline_id is not None)
        self.follow_topic_action.setVisible(kind == "topic" and not followed_now)
        self.unfollow_topic_action.setVisible(kind == "topic" and followed_now)

    # -- following

    def follow_selected(self, on: bool) -> None:
        storyline = self.selected_storyline()
        if storyline is None:
            self.desk.status("Select a storyline in the navigation first.", 4000)
            return
        self.set_followed(storyline, on)

    def set_followed(self, storyline_id: int, on: bool) -> None:
        label = self._label_of(storyline_id)
        self.desk.jobs.op(
            lambda store: (follow if on else unfollow)(store, "storyline", str(storyline_id)),
            on_done=lambda _changes: self.desk.status(
                f"Following {label}: you will hear when a new event joins it or a new outlet "
                "covers it." if on else f"No longer following {label}.", 6000),
            error_title="Could not follow the storyline" if on
            else "Could not unfollow the storyline")

    def follow_topic(self, on: bool) -> None:
        index = self.nav.currentIndex()
        if index.data(KIND_ROLE) != "topic":
            self.desk.status("Select a topic in the navigation first.", 4000)
            return
        name = str(index.data(ID_ROLE))
        self.desk.jobs.op(lambda store: (follow if on else unfollow)(store, "topic", name),
                          on_done=lambda _changes: self.desk.status(
                              f"Following the topic {name}." if on
                              else f"No longer following the topic {name}.", 6000),
                          error_title="Could not follow the topic" if on
                          else "Could not unfollow the topic")

    def _label_of(self, storyline_id: int) -> str:
        for line in self.nav.nav_model.storylines:
            if line.id == storyline_id:
                return f"“{line.label}”"
        shown = self.pane.timeline
        if shown is not None and shown.storyline.id == storyline_id:
            return f"“{shown.storyline.label}”"
        return f"storyline {storyline_id}"

    # -- after a refresh

    def tell_news(self) -> None:
        """After a refresh: what is new in what the user follows, as one notification
        (the service marks it told, so it is said once)."""
        def done(told: Told) -> None:
            self.last_notices = told.notices
            if told.notices:
                self._notify(notice_lines(told.notices))

        self.desk.jobs.op(read_notices, on_done=done,
                          on_failed=lambda error: log.warning("no notices: %s", error))
