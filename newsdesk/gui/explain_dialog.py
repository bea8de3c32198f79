""""Why these articles?": what services.corrections.explain_story says about a story,
one row per article (its outlet, how similar it is to the rest, the names and terms it
shares, the copy it repeats, a user's correction), and why the story is in its
storyline. It draws a record a job read; it never reads the store."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from newsdesk.formats.palette import LIGHT, stable_outlet_color
from newsdesk.gui.messages import plain_tooltip
from newsdesk.models import MemberReason, StoryExplanation

COLUMNS = ("Outlet", "Article", "Similarity", "Shared names", "Shared terms", "Days", "Marks")
OUTLET, TITLE, SIMILARITY, NAMES, TERMS, DAYS, MARKS = range(len(COLUMNS))
CORRECTION_WORDS = {"merge": "merged", "split": "split off", "move": "moved", "pin": "pinned",
                    "detach": "detached"}


def marks_text(member: MemberReason, outlets: dict[str, str]) -> str:
    """The row's marks: the copy it repeats (by the original's outlet), the correction
    that put it here."""
    marks = []
    if member.copy_of:
        marks.append(f"copy of {outlets.get(member.copy_of, 'another article')}")
    if member.corrected:
        marks.append(f"{member.corrected} by you")
    return "; ".join(marks)


def similarity_text(value: float) -> str:
    return f"{value:.2f}"


class ExplainDialog(QDialog):
    """The explanation of one story, as a table and two lines."""

    article_requested = Signal(str)  # a double click on a row: open that article

    def __init__(self, explanation: StoryExplanation, colors: dict[str, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.explanation = explanation
        colors = colors or LIGHT
        self.setWindowTitle("Why these articles?")
        self.setMinimumSize(720, 380)
        self.resize(1040, 480)
        muted = colors["muted"]
        members = explanation.members
        outlets = len({m.outlet for m in members})
        self.summary = QLabel(
            f"<b>{html.escape(explanation.label)}</b><br><span style='color:{muted}'>"
            f"{len(members)} article{'s' * (len(members) != 1)} from {outlets} outlet"
            f"{'s' * (outlets != 1)}. Similarity is each article's likeness to the rest of the "
            "story (0 to 1, its words against the others' centre); shared names and terms are "
            "what it has in common with them.</span>")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        why = explanation.storyline_reason
        if explanation.storyline_id is None:
            line = "This story is in no storyline: no other event was close enough."
        else:
            line = (f"In storyline {explanation.storyline_id}"
                    + (f" because {why}." if why and not why.endswith(".") else
                       f" because {why}" if why else "."))
        if any(c.kind == "detach" for c in explanation.corrections):
            line = "You detached this story from its storyline; linking leaves it alone."
        self.storyline = QLabel(line)
        self.storyline.setObjectName("explainStoryline")
        self.storyline.setTextFormat(Qt.TextFormat.PlainText)
        self.storyline.setWordWrap(True)
        self.table = QTableWidget(len(members), len(COLUMNS))
        self.table.setObjectName("explainTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((OUTLET, 120), (SIMILARITY, 90), (NAMES, 140), (TERMS, 140),
                              (DAYS, 52), (MARKS, 150)):
            header.resizeSection(column, width)
        by_id = {m.article_id: m.outlet for m in members}
        for row, member in enumerate(sorted(members, key=lambda m: -m.similarity)):
            self._fill(row, member, by_id)
        self.table.doubleClicked.connect(self._open_row)
        self.corrections = QLabel(self._corrections_text())
        self.corrections.setTextFormat(Qt.TextFormat.PlainText)
        self.corrections.setWordWrap(True)
        self.corrections.setVisible(bool(explanation.corrections))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.storyline)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.corrections)
        layout.addWidget(buttons)

    def _fill(self, row: int, member: MemberReason, outlets: dict[str, str]) -> None:
        days = f"{member.days_apart:.1f}".rstrip("0").rstrip(".") if member.days_apart else "0"
        cells = (member.outlet, member.title, similarity_text(member.similarity),
                 ", ".join(member.shared_names), ", ".join(member.shared_terms), days,
                 marks_text(member, outlets))
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, member.article_id)
            if column == OUTLET:
                item.setForeground(QColor(stable_outlet_color(member.outlet)))
            if column in (SIMILARITY, DAYS):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(plain_tooltip(self._row_tip(member, outlets)))
            self.table.setItem(row, column, item)

    @staticmethod
    def _row_tip(member: MemberReason, outlets: dict[str, str]) -> str:
        lines = [member.title, f"{member.outlet} · similarity {member.similarity:.2f} · "
                 f"{member.days_apart:.1f} days after the story's first article"]
        if member.shared_names:
            lines.append("Names shared with the story: " + ", ".join(member.shared_names))
        if member.shared_terms:
            lines.append("Terms shared with the story: " + ", ".join(member.shared_terms))
        marks = marks_text(member, outlets)
        if marks:
            lines.append(marks[:1].upper() + marks[1:])
        lines.append("Double click to read it.")
        return "\n".join(lines)

    def _corrections_text(self) -> str:
        parts = [f"{CORRECTION_WORDS.get(c.kind, c.kind)} "
                 f"({len(c.articles)} article{'s' * (len(c.articles) != 1)}"
                 + (f", {c.editor}" if c.editor else "") + f", {c.created.astimezone():%d %b})"
                 for c in self.explanation.corrections]
        return "Corrections that shaped this story: " + "; ".join(parts) + "." if parts else ""

    def _open_row(self) -> None:
        item = self.table.currentItem()
        if item is not None:
            self.article_requested.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def row_texts(self) -> list[list[str]]:
        """Every cell's text, row by row (tests and screenshots)."""
        return [[(self.table.item(r, c) or QTableWidgetItem()).text()
                 for c in range(len(COLUMNS))] for r in range(self.table.rowCount())]
