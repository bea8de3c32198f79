"""Sources: subscribe (with discovery), edit, remove; the sample, the default outlets,
OPML import and export. Reads and writes are jobs; each says what it changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

from newsdesk.gui.desk import Desk, error_text
from newsdesk.gui.dialogs import SourceDialog
from newsdesk.gui.messages import show_message
from newsdesk.gui.panes.navigation import NavigationPane
from newsdesk.models import Source
from newsdesk.services.sample import SampleLoaded, load_sample
from newsdesk.services.sources import (
    Followed,
    Removed,
    SourceRow,
    Subscribed,
    edit_source,
    export_opml,
    follow_defaults,
    get_source,
    import_opml,
    remove_source,
    subscribe,
)


class SourceActions:
    """The commands of the Sources and File menus that follow or drop outlets."""

    def __init__(self, desk: Desk, nav: NavigationPane, *,
                 refresh: Callable[[], object], warm: Callable[[], object]) -> None:
        self.desk, self.nav, self._refresh, self._warm = desk, nav, refresh, warm

    def _folders(self) -> list[str]:
        return sorted({s.folder for s in self.nav.nav_model.sources if s.folder})

    def _selected_source(self) -> int | None:
        source_id = self.nav.selected("source")
        if source_id is None:
            self.desk.status("Select a source first.", 4000)
            return None
        return int(source_id)

    def add_source(self, url: str = "", folder: str = "", error: str = "") -> None:
        """Ask for a feed and subscribe on a worker; if that fails, the dialog comes back
        with what was typed and the reason, so nothing has to be typed again."""
        dialog = SourceDialog(self._folders(), self.desk.parent, url=url, folder=folder)
        dialog.show_error(error)
        if not dialog.exec():
            return
        url, _title, folder = dialog.values()
        if not url:
            return
        self.desk.status(f"Looking for a feed at {url}…", 0)

        def done(found: Subscribed) -> None:
            source, report = found.source, found.report
            if not found.created:
                self.desk.status(f"You already follow {source.display_name}.", 8000)
            else:
                new = f": {report.new} articles" if report is not None else ""
                self.desk.status(f"Added {source.display_name}{new}.", 8000)

        def failed(exc: BaseException) -> None:
            text = error_text(exc)
            self.desk.status(text, 10000)
            if not self.desk.closed():
                QTimer.singleShot(0, lambda: self.add_source(url, folder, text))

        self.desk.jobs.op(lambda store: subscribe(store, url, folder=folder), on_done=done,
                          on_failed=failed, detached=True)

    def edit_source(self) -> None:
        source_id = self._selected_source()
        if source_id is None:
            return
        self.desk.jobs.query(lambda store: get_source(store, source_id).source,
                             on_done=self._edit, error_title="Could not edit")

    def _edit(self, source: Source) -> None:
        dialog = SourceDialog(self._folders(), self.desk.parent, url=source.url,
                              title=source.title, folder=source.folder)
        if not dialog.exec():
            return
        url, title, folder = dialog.values()
        self.desk.jobs.op(lambda store: edit_source(store, source.id, title=title,
                                                    folder=folder, url=url),
                          error_title="Could not save the source")

    def remove_source(self) -> None:
        source_id = self._selected_source()
        if source_id is None:
            return
        self.desk.jobs.query(lambda store: get_source(store, source_id),
                             on_done=self._confirm_removal,
                             error_title="Could not remove the source")

    def _confirm_removal(self, row: SourceRow) -> None:
        source, count = row.source, row.articles
        if not show_message(
                self.desk.parent, "Remove source",
                f"Stop following {source.display_name} and delete its {count} articles?\n"
                "Starred articles from it are deleted too.", kind="question"):
            return

        def done(removed: Removed) -> None:
            self.desk.status(f"Removed {source.display_name} ({removed.articles} articles).",
                             8000)
            self.nav.select_first_view()

        self.desk.jobs.op(lambda store: remove_source(store, source.id), on_done=done,
                          error_title="Could not remove the source")

    def load_sample(self) -> None:
        self.desk.status("Loading the sample corpus…", 0)

        def done(loaded: SampleLoaded) -> None:
            self.desk.status(f"Loaded {loaded.sample.new} sample articles from "
                             f"{loaded.sample.outlets} invented outlets.", 8000)
            self._warm()

        self.desk.jobs.op(load_sample, on_done=done, error_title="Could not load the sample")

    def add_defaults(self) -> None:
        self.desk.jobs.op(follow_defaults,
                          on_done=lambda _followed: QTimer.singleShot(0, self._refresh),
                          error_title="Could not add the default sources")

    def import_opml(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.desk.parent, "Import OPML", "",
                                              "OPML files (*.opml *.xml);;All files (*)")
        if name:
            self.import_opml_file(name)

    def import_opml_file(self, name: str) -> None:
        """Read and follow an OPML file on a worker; a file that cannot be read (an
        OPMLError, or anything else) is a message and adds nothing."""

        def done(followed: Followed) -> None:
            self.desk.status(f"Imported {followed.added} new sources from {Path(name).name}; "
                             "fetching them now.", 8000)
            QTimer.singleShot(0, self._refresh)

        self.desk.status(f"Reading {Path(name).name}…", 0)
        self.desk.jobs.op(lambda store: import_opml(store, name), on_done=done,
                          error_title="Could not import the OPML file")

    def export_opml(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self.desk.parent, "Export OPML", "newsdesk.opml",
                                              "OPML files (*.opml)")
        if not name:
            return

        self.desk.jobs.query(lambda store: Path(name).write_text(export_opml(store),
                                                                 encoding="utf-8"),
                             on_done=lambda _none: self.desk.status(
            f"Saved {name}.", 6000), error_title="Could not export")

