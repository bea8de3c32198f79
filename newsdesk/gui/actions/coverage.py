"""The desk's reports: a story's coverage table (outlets x the current codebook's values),
the agreement report for the current codebook, and exporting the selected articles with
their annotations (a memo, tidy CSV or JSON Lines). Each reads as a job; the formats
modules write the pages (the same the CLI's export writes), the window only shows them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from newsdesk.analysis.agreement import Agreement
from newsdesk.analysis.coverage import CoverageTable
from newsdesk.formats.annotations import coverage_csv, coverage_jsonl
from newsdesk.formats.coverage_memo import (
    agreement_html,
    agreement_markdown,
    coverage_table_html,
    memo_html,
    memo_markdown,
)
from newsdesk.gui import theme
from newsdesk.gui.actions.annotating import AnnotationActions
from newsdesk.gui.desk import Desk
from newsdesk.gui.desk_dialogs import CoverageDialog, ReportDialog
from newsdesk.services.coverage import agreement_for, build_coverage, story_coverage_table
from newsdesk.store.api import Store

FORMATS = {"HTML memo (*.html)": "html", "Markdown memo (*.md)": "md",
           "Tidy CSV, one row per annotation (*.csv)": "csv",
           "JSON Lines, for another NewsDesk (*.jsonl)": "jsonl"}


def write_export(store: Store, ids: list[str], path: Path, fmt: str) -> int:
    """Write the selected articles' coverage to `path`; how many articles it holds. The
    memo is always light: it is for someone else's screen or printer."""
    coverage = build_coverage(store, article_ids=ids)
    if fmt == "csv":
        text = coverage_csv(coverage)
    elif fmt == "jsonl":
        text = "".join(line + "\n" for line in coverage_jsonl(coverage))
    elif fmt == "md":
        text = memo_markdown(coverage)
    else:
        text = memo_html(coverage)
    path.write_text(text, encoding="utf-8")
    return len(coverage.articles)


class CoverageActions(QObject):
    """Open the coverage table and the agreement report; export the selection."""

    def __init__(self, desk: Desk, annotating: AnnotationActions,
                 show_articles: Callable[[list[str], str], object] | None = None) -> None:
        super().__init__(desk.parent)
        self.desk, self.annotating = desk, annotating
        self.show_articles = show_articles  # a coverage cell's articles, in the list
        self.last_report: ReportDialog | None = None  # the open report (tests, screenshots)

    @property
    def dark(self) -> bool:
        return theme.is_dark(self.desk.settings.theme)

    def _open(self, title: str, page: str, stem: str, markdown: str | None = None, *,
              table: CoverageTable | None = None) -> None:
        if self.last_report is not None:
            self.last_report.close()
        self.last_report = (
            CoverageDialog(title, table, page, theme.colors(self.desk.settings.theme),
                           stem=stem, parent=self.desk.parent) if table is not None
            else ReportDialog(title, page, stem=stem, markdown=markdown,
                              parent=self.desk.parent))
        if isinstance(self.last_report, CoverageDialog) and self.show_articles is not None:
            self.last_report.cell_chosen.connect(self.show_articles)
        # not modal: the list behind shows a clicked cell's articles and stays usable
        self.last_report.setModal(False)
        self.last_report.show()

    def coverage_table(self, story_id: int, label: str) -> None:
        """The story's outlets by the current codebook's values."""
        codebook, dark = self.annotating.codebook, self.dark

        def show(table: CoverageTable) -> None:
            self._open(f"Coverage of “{label}” by {codebook}",
                       coverage_table_html(table, title=label, dark=dark),
                       f"coverage {label} {codebook}", table=table)

        self.desk.jobs.query(lambda store: story_coverage_table(store, story_id, codebook),
                             on_done=show, error_title="Could not read the coverage table")

    def agreement(self) -> None:
        """Krippendorff's alpha for the current codebook, with the disagreements."""
        codebook, dark = self.annotating.codebook, self.dark

        def show(result: tuple[Agreement, dict[str, str]]) -> None:
            found, titles = result
            self._open(f"Agreement on {codebook}", agreement_html(found, titles, dark=dark),
                       f"agreement {codebook}", agreement_markdown(found, titles))

        self.desk.jobs.query(lambda store: agreement_for(store, codebook), on_done=show,
                             error_title="Could not compute the agreement")

    def export_selection(self) -> None:
        ids = self.annotating.selection()
        if not ids:
            self.desk.status("Select one or more articles first.", 4000)
            return
        name, chosen = QFileDialog.getSaveFileName(
            self.desk.parent, f"Export {len(ids)} articles with their annotations",
            "coverage.html", ";;".join(FORMATS))
        if name:
            self.export(ids, Path(name), FORMATS.get(chosen, "html"))

    def export(self, ids: list[str], path: Path, fmt: str) -> None:
        self.desk.jobs.query(lambda store: write_export(store, ids, path, fmt),
                             on_done=lambda count: self.desk.status(
                                 f"Exported {count} articles to {path}.", 6000),
                             error_title="Could not export")
