"""Topics: add, edit (a rename is one transaction, in services/topics.py), remove."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QTimer

from newsdesk.errors import NewsdeskError
from newsdesk.gui.desk import Desk
from newsdesk.gui.dialogs import TopicDialog
from newsdesk.gui.messages import show_message
from newsdesk.gui.panes.navigation import NavigationPane
from newsdesk.services.topics import SavedTopic, remove_topic, save_topic


def notified_after_rename(names: list[str], old: str, new: str) -> list[str]:
    """Notifications (a window setting) follow a renamed topic."""
    return [new if n == old else n for n in names]


class TopicActions:
    """The topic commands of the Sources menu and the tree's context menu."""

    def __init__(self, desk: Desk, nav: NavigationPane) -> None:
        self.desk, self.nav = desk, nav

    def add_topic(self) -> None:
        self._ask(TopicDialog(self.desk.parent), None)

    def edit_topic(self) -> None:
        name = self.nav.selected("topic")
        if name is None:
            self.desk.status("Select a topic first.", 4000)
            return
        topic = next((t for t in self.nav.nav_model.topics if t.name == name), None)
        if topic is None:
            return
        self._ask(TopicDialog(self.desk.parent, name=topic.name, query=topic.query,
                              description=topic.description), topic.name)

    def _ask(self, dialog: TopicDialog, old_name: str | None) -> None:
        """Show the dialog; save on a worker; a query the store refuses brings the dialog
        back with the reason, keeping what was typed."""
        if not dialog.exec():
            return
        name, query, description = dialog.values()

        def done(saved: SavedTopic) -> None:
            topic = saved.topic
            notify = self.desk.settings.notify_topics
            if old_name and old_name != topic.name and old_name in notify:
                self.desk.save_settings(replace(self.desk.settings, notify_topics=(
                    notified_after_rename(list(notify), old_name, topic.name))))

        def failed(error: BaseException) -> None:
            if not isinstance(error, NewsdeskError):
                self.desk.show_error("Could not save the topic", error)
                return
            dialog.error.setText(str(error))
            if not self.desk.closed():
                QTimer.singleShot(0, lambda: self._ask(dialog, old_name))

        self.desk.jobs.op(lambda store: save_topic(store, name, query, description,
                                                   old_name=old_name),
                          on_done=done, on_failed=failed)

    def remove_topic(self) -> None:
        name = self.nav.selected("topic")
        if name is None:
            self.desk.status("Select a topic first.", 4000)
            return
        if not show_message(self.desk.parent, "Remove topic",
                            f"Remove the topic “{name}”? Its articles stay.", kind="question"):
            return
        self.desk.jobs.op(lambda store: remove_topic(store, str(name)),
                          on_done=lambda _changes: self.nav.select_first_view(),
                          error_title="Could not remove the topic")
