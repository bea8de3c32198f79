"""Refresh: fetch the feeds on a worker, then say what came of it in one sentence."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from newsdesk.gui.actions.stories import StoryActions
from newsdesk.gui.desk import Desk
from newsdesk.models import RefreshReport, SourceReport
from newsdesk.services.offline import PruneReport, keep_to_retention
from newsdesk.services.refresh import Refreshed, choose_sources, seems_offline
from newsdesk.services.refresh import refresh as refresh_feeds


def describe_refresh(report: RefreshReport) -> tuple[str, bool]:
    """The status sentence for a refresh, and whether it means we are offline."""
    if seems_offline(report):
        return (f"You seem to be offline: none of the {len(report.failed)} feeds could be "
                "reached. NewsDesk will try again later."), True
    if report.sources:
        return f"{report.new} new articles from {len(report.sources)} feeds.", False
    return "Everything is up to date; nothing was due.", False


RETENTION_EVERY = 24 * 3600.0  # seconds between two automatic retention passes


class RefreshActions(QObject):
    """Fetch by hand (every feed) or by the timer (only what is due), one at a time."""

    started = Signal()
    progressed = Signal(int, int)  # done, total
    finished = Signal(list)  # the failed sources' reports, unless the whole refresh failed
    failed_refresh = Signal()
    offline_changed = Signal(bool)  # the network went (True) or came back (False)

    def __init__(self, desk: Desk, stories: StoryActions, *,
                 notify: Callable[[list[str]], object]) -> None:
        super().__init__()
        self.desk, self.stories, self._notify = desk, stories, notify
        self.running = False
        self.offline = False  # the last refresh reached no feed: say so once, then be quiet
        self._retention_at = 0.0  # monotonic time the retention settings were last applied
        self.last_failed: list[SourceReport] = []

    def refresh(self, *, due_only: bool = False) -> None:
        """Asked for (button, F5, r), every feed is fetched: conditional GETs keep that cheap,
        and a user who asks expects to see what is new now. The timer fetches only what is
        due, so each feed's own schedule and back-off hold."""
        if self.running:
            return
        notify = list(self.desk.settings.notify_topics)
        self.running = True
        self.started.emit()
        if not self.offline:  # offline, a refresh is a quiet probe: the banner says it
            self.desk.status("Refreshing…", 0)

        # Every feed (asked for by hand) or only those due (the timer); then the new
        # articles on each topic the user wants to hear about are counted.
        self.desk.jobs.op(lambda store, report: refresh_feeds(
            store, choose_sources(store, every_feed=not due_only), notify_topics=notify,
            progress=lambda done, total, _source: report((done, total))),
            on_done=self._done, on_failed=self._failed, on_progress=self._progress,
            detached=True)

    def _progress(self, value: tuple[int, int]) -> None:
        """(done, total) as refresh_and_count reports it, passed through the job's signal."""
        done, total = value
        self.progressed.emit(done, total)
        if not self.offline:
            self.desk.status(f"Refreshing… {done} of {total} feeds", 0)

    def _done(self, refreshed: Refreshed) -> None:
        report, hits = refreshed.report, refreshed.topic_hits
        self.running = False
        message, offline = describe_refresh(report)
        was_offline, self.offline = self.offline, offline
        self.last_failed = list(report.failed)
        if offline and not was_offline:
            self.desk.status(message, 0)
        elif not offline:
            self.desk.status(("Back online: " if was_offline else "") + message, 10000)
        self.finished.emit([] if offline else self.last_failed)
        if offline != was_offline:
            self.offline_changed.emit(offline)
        lines = [f"{count} new on {name}" for name, count in hits.items() if count]
        if lines:
            self._notify(lines)
        self.stories.warm_comparisons()
        if not offline:
            self._keep_to_retention()

    def _keep_to_retention(self) -> None:
        """Once a day, after a refresh, remove what the retention settings no longer keep
        (on a worker; nothing happens while they keep everything for ever)."""
        if self._retention_at and time.monotonic() - self._retention_at < RETENTION_EVERY:
            return
        self._retention_at = time.monotonic()

        def done(report: PruneReport) -> None:
            if report.articles or report.full_texts:
                self.desk.status(report.summary(), 10000)

        self.desk.jobs.op(lambda store: keep_to_retention(store), on_done=done,
                          on_failed=lambda error: self.desk.show_error(
                              "Could not apply the retention settings", error))

    def _failed(self, error: BaseException) -> None:
        self.running = False
        self.failed_refresh.emit()
        self.desk.show_error("Refresh failed", error)
