"""Sources: subscribe (with discovery), edit, remove; the sample, the default outlets,
OPML import and export. Reads and writes are jobs; each says what it changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

from newsdesk.gui.changes import Changed
from newsdesk.gui.desk import Desk, error_text
from newsdesk.gui.dialogs import SourceDialog
from newsdesk.gui.messages import show_message
from newsdesk.gui.panes.navigation import NavigationPane
from newsdesk.models import Source
from newsdesk.store import Store


def source_update_fields(source: Source, url: str, title: str, folder: str) -> dict[str, object]:
    """What saving the source dialog changes: a new URL is a new feed, so what we knew of
    the old one (validators, body hash, schedule) starts again."""
    # moves to services/ at merge (services.sources.change_source)
    fields: dict[str, object] = {"title": title, "folder": folder}
    if url and url != source.url:
        fields.update(url=url, etag=None, last_modified=None, body_hash=None, next_fetch_at=None)
    return fields


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
        from newsdesk.services.sources import subscribe

        self.desk.status(f"Looking for a feed at {url}…", 0)

        def write(store: Store) -> tuple[tuple[Source, Any, bool], Changed]:
            found = subscribe(store, url, folder=folder)
            return ((found.source, found.report, found.created),
                    Changed(sources=frozenset({found.source.id})))

        def done(result: tuple[Source, Any, bool]) -> None:
            source, report, created = result
            if not created:
                self.desk.status(f"You already follow {source.display_name}.", 8000)
            else:
                new = f": {report.new} articles" if report is not None else ""
                self.desk.status(f"Added {source.display_name}{new}.", 8000)

        def failed(exc: BaseException) -> None:
            text = error_text(exc)
            self.desk.status(text, 10000)
            if not self.desk.closed():
                QTimer.singleShot(0, lambda: self.add_source(url, folder, text))

        self.desk.jobs.op(write, on_done=done, on_failed=failed, detached=True)

    def edit_source(self) -> None:
        source_id = self._selected_source()
        if source_id is None:
            return
        self.desk.jobs.query(lambda store: store.sources.get(source_id), on_done=self._edit,
                             error_title="Could not edit")

    def _edit(self, source: Source) -> None:
        dialog = SourceDialog(self._folders(), self.desk.parent, url=source.url,
                              title=source.title, folder=source.folder)
        if not dialog.exec():
            return
        fields = source_update_fields(source, *dialog.values())

        def write(store: Store) -> tuple[None, Changed]:
            store.sources.update(source.id, **fields)
            return None, Changed(sources=frozenset({source.id}))

        self.desk.jobs.op(write, error_title="Could not save the source")

    def remove_source(self) -> None:
        source_id = self._selected_source()
        if source_id is None:
            return
        self.desk.jobs.query(
            lambda store: (store.sources.get(source_id), store.articles.count(source_id)),
            on_done=lambda found: self._confirm_removal(*found),
            error_title="Could not remove the source")

    def _confirm_removal(self, source: Source, count: int) -> None:
        if not show_message(
                self.desk.parent, "Remove source",
                f"Stop following {source.display_name} and delete its {count} articles?\n"
                "Starred articles from it are deleted too.", kind="question"):
            return

        def write(store: Store) -> tuple[int, Changed]:
            return store.sources.remove(source.id), Changed(sources=frozenset({source.id}))

        def done(removed: int) -> None:
            self.desk.status(f"Removed {source.display_name} ({removed} articles).", 8000)
            self.nav.select_first_view()

        self.desk.jobs.op(write, on_done=done, error_title="Could not remove the source")

    def load_sample(self) -> None:
        from newsdesk.services.sample import load_sample

        self.desk.status("Loading the sample corpus…", 0)

        def done(loaded: Any) -> None:
            self.desk.status(f"Loaded {loaded.new} sample articles from {loaded.outlets} "
                             "invented outlets.", 8000)
            self._warm()

        self.desk.jobs.op(lambda store: (load_sample(store).sample, Changed(everything=True)),
                          on_done=done, error_title="Could not load the sample")

    def add_defaults(self) -> None:
        from newsdesk.services.sources import follow_defaults

        self.desk.jobs.op(lambda store: (follow_defaults(store).added, Changed(everything=True)),
                          on_done=lambda _added: QTimer.singleShot(0, self._refresh),
                          error_title="Could not add the default sources")

    def import_opml(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.desk.parent, "Import OPML", "",
                                              "OPML files (*.opml *.xml);;All files (*)")
        if name:
            self.import_opml_file(name)

    def import_opml_file(self, name: str) -> None:
        """Read and follow an OPML file on a worker; a file that cannot be read (an
        OPMLError, or anything else) is a message and adds nothing."""
        from newsdesk.services.sources import import_opml

        def done(added: int) -> None:
            self.desk.status(f"Imported {added} new sources from {Path(name).name}; "
                             "fetching them now.", 8000)
            QTimer.singleShot(0, self._refresh)

        self.desk.status(f"Reading {Path(name).name}…", 0)
        self.desk.jobs.op(lambda store: (import_opml(store, name).added, Changed(everything=True)),
                          on_done=done, error_title="Could not import the OPML file")

    def export_opml(self) -> None:
        from newsdesk.services.sources import export_opml

        name, _ = QFileDialog.getSaveFileName(self.desk.parent, "Export OPML", "newsdesk.opml",
                                              "OPML files (*.opml)")
        if not name:
            return

        def write_file(store: Store) -> None:
            Path(name).write_text(export_opml(store), encoding="utf-8")

        self.desk.jobs.query(write_file, on_done=lambda _none: self.desk.status(
            f"Saved {name}.", 6000), error_title="Could not export")

