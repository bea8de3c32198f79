"""Stories and their comparisons: the story pane's jobs, and warming comparisons after
new articles so the pane finds them ready."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from newsdesk.gui.desk import Desk
from newsdesk.store import Store

log = logging.getLogger(__name__)


class StoryActions:
    """What the story pane and a refresh ask of the comparisons."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._warming = False

    def run_for_pane(self, call: Callable[[Store], Any], done: Callable[[Any], None],
                     failed: Callable[[BaseException], None]) -> None:
        """The story pane's runner: its comparison is read as a job."""
        self.desk.jobs.query(call, on_done=done, on_failed=failed)

    def warm_comparisons(self) -> None:
        """Compare new and changed stories in the background, one job at a time, so the
        story pane finds them ready (a cold comparison of 30 articles takes ~0.3 s)."""
        if self._warming or self.desk.closed():
            return
        from newsdesk.services.comparisons import warm_cache

        self._warming = True

        def finished(_result: object) -> None:
            self._warming = False

        def failed(error: BaseException) -> None:
            log.warning("comparing stories in the background failed: %s", error)
            finished(None)

        self.desk.jobs.query(warm_cache, on_done=finished, on_failed=failed)
