"""Stories and their comparisons: warming comparisons after new articles, so the story
pane (gui/panes/story.py, which reads its own story as a job) finds them ready."""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer

from newsdesk.gui.desk import Desk

log = logging.getLogger(__name__)


class StoryActions:
    """What a refresh asks of the comparisons."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._warming = False

    def warm_comparisons(self) -> None:
        """Compare new and changed stories in the background, one job at a time, so the
        story pane finds them ready (a cold comparison of 30 articles takes ~0.3 s). It
        starts after the views have asked for what the write changed, on its own thread."""
        QTimer.singleShot(0, self.desk.jobs, self._warm)  # not after the window is gone

    def _warm(self) -> None:
        if self._warming or self.desk.closed():
            return
        from newsdesk.services.comparisons import warm_cache

        self._warming = True

        def finished(_result: object) -> None:
            self._warming = False

        def failed(error: BaseException) -> None:
            log.warning("comparing stories in the background failed: %s", error)
            finished(None)

        self.desk.jobs.query(warm_cache, on_done=finished, on_failed=failed, background=True)
