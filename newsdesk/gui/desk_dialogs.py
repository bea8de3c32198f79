"""The coverage desk's small dialogs: the tag picker, a note, an HTML report (coverage
table, agreement) and a tag's timeline. They only edit text and draw what they are given."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from newsdesk.analysis.coverage import CoverageTable
from newsdesk.gui.messages import show_message
from newsdesk.gui.panes.charts import DailyBars
from newsdesk.models import Codebook


def split_tags(text: str) -> list[str]:
    """'a, b ,,c' -> ['a', 'b', 'c']: tags are comma-separated, each once (case-insensitive)."""
    seen: dict[str, str] = {}
    for part in text.split(","):
        name = part.strip()
        if name:
            seen.setdefault(name.lower(), name)
    return list(seen.values())


class TagLineEdit(QLineEdit):
    """A line edit whose completion covers the tag being typed (after the last comma)."""

    def __init__(self, tags: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.completer_model = QStringListModel(sorted(tags, key=str.lower), self)
        completer = QCompleter(self.completer_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setWidget(self)
        completer.activated.connect(self._complete)
        self.tag_completer = completer
        self.textEdited.connect(self._typed)

    def _typed(self, text: str) -> None:
        current = text.rsplit(",", 1)[-1].strip()
        popup = self.tag_completer.popup()
        if not current:
            if popup is not None:
                popup.hide()
            return
        self.tag_completer.setCompletionPrefix(current)
        self.tag_completer.complete()

    def _complete(self, chosen: str) -> None:
        head = self.text().rsplit(",", 1)[0] + ", " if "," in self.text() else ""
        self.setText(f"{head}{chosen}, ")


class TagPicker(QDialog):
    """Tag the selected articles: names comma-separated, completed from the known tags;
    Enter applies."""

    def __init__(self, tags: Sequence[str], count: int, parent: QWidget | None = None, *,
                 story: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Tag story" if story else "Tag articles")
        self.setMinimumWidth(400)
        label = QLabel((f"Tags for the story “{story}”" if story else
                        f"Tags for {count} selected article{'s' * (count != 1)}")
                       + " (separate several with commas):")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        self.line = TagLineEdit(tags)
        self.line.setPlaceholderText("e.g. ireland-case, follow-up")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Tag")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.line)
        layout.addWidget(buttons)

    def tags(self) -> list[str]:
        return split_tags(self.line.text())


def split_values(text: str) -> list[str]:
    """A codebook's values as typed: one per line, or on one line separated by commas (a
    value may hold a comma when each has its own line: "Legality, constitutionality...")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1:
        return [part.strip() for part in lines[0].split(",") if part.strip()]
    return lines


class CodebooksDialog(QDialog):
    """Desk ▸ Codebooks…: the codebooks with their values, a form to add one, and Remove.
    It writes nothing itself: it asks (`add_requested`, `remove_requested`) and the desk's
    actions answer with the new list (`show_codebooks`) or the service's sentence
    (`show_error`); nothing closes on an error, so what was typed is still there."""

    add_requested = Signal(str, list, str)  # name, values, description
    remove_requested = Signal(str)  # name

    def __init__(self, codebooks: Sequence[Codebook], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Codebooks")
        self.setMinimumWidth(520)
        self.resize(640, 540)
        about = QLabel("A codebook is a set of fixed values; each editor gives an article one "
                       "value per codebook. 1–9 code with the current one (Desk ▸ Codebook).")
        about.setWordWrap(True)
        about.setObjectName("muted")
        self.list = QTreeWidget()
        self.list.setObjectName("codebookList")
        self.list.setHeaderLabels(["Codebook", "Values"])
        self.list.setRootIsDecorated(False)
        self.list.setColumnWidth(0, 180)
        self.list.itemSelectionChanged.connect(self._selected)
        # the selected codebook in full: the list elides long value lists (Media frames)
        self.details = QLabel()
        self.details.setObjectName("codebookDetails")
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.remove_button = QPushButton("Remove…")
        self.remove_button.setToolTip("Remove the selected codebook and every code made with it")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._remove)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Sourcing")
        self.description = QLineEdit()
        self.description.setPlaceholderText("Optional, e.g. Who the article relies on first")
        self.values = QPlainTextEdit()
        self.values.setPlaceholderText("One per line, or separated by commas:\n"
                                       "official, expert, witness, anonymous")
        self.values.setFixedHeight(84)
        self.add_button = QPushButton("Add codebook")
        self.add_button.clicked.connect(self._add)
        # Enter in the form adds; it must never be the Remove button's (it was the default)
        self.remove_button.setAutoDefault(False)
        self.add_button.setDefault(True)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c53030;")  # as the other dialogs' errors
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.list, 1)
        chosen = QHBoxLayout()
        chosen.addWidget(self.details, 1)
        chosen.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(chosen)
        layout.addSpacing(6)
        layout.addWidget(QLabel("<b>New codebook</b>"))
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Values", self.values)
        form.addRow("Description", self.description)
        layout.addLayout(form)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.codebooks: list[Codebook] = []
        self._wanted: str | None = None  # the one just added: selected once it is listed
        self.show_codebooks(codebooks)

    def show_codebooks(self, codebooks: Sequence[Codebook]) -> None:
        selected = self._wanted or self.selected()
        self.codebooks = list(codebooks)
        self.list.clear()
        for book in self.codebooks:
            item = QTreeWidgetItem([book.name + (" (built-in)" if book.builtin else ""),
                                    ", ".join(book.values)])
            item.setData(0, Qt.ItemDataRole.UserRole, book.name)
            item.setToolTip(0, book.description or book.name)
            item.setToolTip(1, "\n".join(f"{n}. {v}" for n, v in enumerate(book.values, 1)))
            self.list.addTopLevelItem(item)
            if book.name == selected:
                item.setSelected(True)
                self._wanted = None
        self._selected()

    def selected(self) -> str | None:
        items = self.list.selectedItems()
        name = items[0].data(0, Qt.ItemDataRole.UserRole) if items else None
        return str(name) if name else None

    def _selected(self) -> None:
        name = self.selected()
        self.remove_button.setEnabled(name is not None)
        book = next((b for b in self.codebooks if b.name == name), None)
        if book is None:
            self.details.setText("Select a codebook to see its values and the keys that "
                                 "code them.")
            return
        keys = " · ".join(f"{n}\u00a0{v}" if n <= 9 else v
                          for n, v in enumerate(book.values, 1))
        self.details.setText((f"{book.description}\n" if book.description else "") + keys)

    def _add(self) -> None:
        self.error.hide()
        self.add_requested.emit(self.name.text(), split_values(self.values.toPlainText()),
                                self.description.text())

    def _remove(self) -> None:
        name = self.selected()
        if name is not None:
            self.error.hide()
            self.remove_requested.emit(name)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def added(self, book: Codebook) -> None:
        """The new codebook was stored: clear the form; it is selected once listed."""
        self.name.clear()
        self.values.clear()
        self.description.clear()
        self.error.hide()
        self._wanted = book.name


class NoteDialog(QDialog):
    """Write or edit a note; with a quote, the passage it highlights is shown above."""

    def __init__(self, title: str, *, text: str = "", quote: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        if quote:
            shown = quote if len(quote) <= 400 else quote[:400] + "…"
            passage = QLabel(f"“{shown}”")
            passage.setTextFormat(Qt.TextFormat.PlainText)
            passage.setWordWrap(True)
            passage.setObjectName("muted")
            layout.addWidget(passage)
        self.editor = QPlainTextEdit(text)
        self.editor.setPlaceholderText("Your note (plain text)")
        self.editor.setMinimumHeight(110)
        layout.addWidget(self.editor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def text(self) -> str:
        return self.editor.toPlainText().strip()


class ReportDialog(QDialog):
    """A report the formats module wrote as self-contained HTML, shown and saveable."""

    def __init__(self, title: str, page: str, *, stem: str = "report",
                 markdown: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.page, self.markdown, self.stem = page, markdown, stem
        self.resize(760, 560)
        self.browser = QTextBrowser()
        self.browser.setObjectName("reportView")
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(False)
        self.browser.setHtml(page)
        save = QPushButton("Save…")
        save.setToolTip("Save this report as HTML (opens in any browser)"
                        + (" or Markdown" if markdown is not None else ""))
        save.clicked.connect(self.save_dialog)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(save, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)

    def save_dialog(self) -> None:
        stem = re.sub(r"[^\w\- ]+", "", self.stem)[:60].strip() or "report"
        kinds = "HTML (*.html)" + (";;Markdown (*.md)" if self.markdown is not None else "")
        name, chosen = QFileDialog.getSaveFileName(self, "Save report", f"{stem}.html", kinds)
        if name:
            self.save(Path(name), "md" if "Markdown" in chosen else "html")

    def save(self, path: Path, fmt: str = "html") -> None:
        """Write the report (a small local file: no job needed, no store touched)."""
        text = self.markdown if fmt == "md" and self.markdown is not None else self.page
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            show_message(self, "Could not save", f"{path}: {exc.strerror or exc}")


class ShadedCells(QStyledItemDelegate):
    """Paints a cell's own background: the stylesheet's ::item rule hides it otherwise."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        brush = index.data(Qt.ItemDataRole.BackgroundRole)
        if isinstance(brush, (QBrush, QColor)):
            painter.fillRect(option.rect, brush)
        super().paint(painter, option, index)


class CoverageDialog(ReportDialog):
    """A story's coverage table as a native table (outlets down, the codebook's values
    across, each cell shaded by its share of the outlet's articles); Save writes the HTML
    page formats.coverage_memo made of the same table. Clicking a cell asks for its
    articles (`cell_chosen`: their ids and what they are); the dialog stays open beside the
    list, so the editor can go through the cells one after another."""

    cell_chosen = Signal(list, str)  # article ids, "outlet coded value"

    def __init__(self, title: str, table: CoverageTable, page: str, colors: dict[str, str], *,
                 stem: str = "coverage", parent: QWidget | None = None) -> None:
        super().__init__(title, page, stem=stem, parent=parent)
        self.table_data = table
        columns = [*table.values, "uncoded"]
        grid = QTableWidget(len(table.outlets), len(columns))
        grid.setObjectName("coverageTable")
        grid.setHorizontalHeaderLabels(columns)
        grid.setVerticalHeaderLabels(list(table.outlets))
        grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        grid.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        grid.horizontalHeader().setMinimumSectionSize(64)
        grid.setItemDelegate(ShadedCells(grid))
        grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        accent = QColor(colors["accent"])
        for row, outlet in enumerate(table.outlets):
            counts = [table.counts.get((outlet, v), 0) for v in table.values]
            counts.append(table.uncoded.get(outlet, 0))
            total = max(sum(counts), 1)
            for column, count in enumerate(counts):
                item = QTableWidgetItem(str(count) if count else "·")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                value = columns[column]
                item.setToolTip(f"{outlet}: {count} article{'s' * (count != 1)} "
                                + ("nobody coded" if value == "uncoded" else f"coded {value}")
                                + (" (click to list them)" if count and value != "uncoded"
                                   else ""))
                if count:
                    shade = QColor(accent)
                    shade.setAlphaF(0.15 + 0.6 * count / total)
                    item.setBackground(shade)
                else:
                    item.setForeground(QColor(colors["muted"]))
                grid.setItem(row, column, item)
        self.grid = grid
        grid.cellClicked.connect(self.choose_cell)
        grid.resizeColumnsToContents()
        wanted = (grid.verticalHeader().sizeHint().width() + grid.horizontalHeader().length()
                  + 40)
        self.resize(min(max(wanted, 560), 1100), min(200 + 34 * len(table.outlets), 620))
        about = QLabel(f"{title}. Each article counts once per outlet, under the value most "
                       "of its editors chose (a tie counts under each tied value). Click a "
                       "count to list its articles.")
        about.setTextFormat(Qt.TextFormat.PlainText)
        about.setWordWrap(True)
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            self.browser.hide()
            layout.insertWidget(0, about)
            layout.insertWidget(1, grid, 1)


    def choose_cell(self, row: int, column: int) -> None:
        """A click on a count: its articles, for the window's list."""
        table = self.table_data
        if not (0 <= row < len(table.outlets) and 0 <= column < len(table.values)):
            return  # the uncoded column: the table does not name those articles
        outlet, value = table.outlets[row], table.values[column]
        ids = list(table.articles.get((outlet, value), ()))
        if ids:
            self.cell_chosen.emit(ids, f"{outlet} coded {value}")


class TimelineDialog(QDialog):
    """A tag's articles per day."""

    def __init__(self, tag: str, days: Sequence[tuple[date, int]], colors: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Timeline of “{tag}”")
        self.resize(640, 320)
        total = sum(n for _d, n in days)
        about = QLabel(f"{total} article{'s' * (total != 1)} tagged {tag}, by day of "
                       "publication" + (f", {days[0][0]:%d %b %Y} to {days[-1][0]:%d %b %Y}."
                                        if days else "."))
        about.setTextFormat(Qt.TextFormat.PlainText)
        about.setWordWrap(True)
        self.chart = DailyBars()
        self.chart.set_colors(colors)
        self.chart.set_days(list(days))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.chart, 1)
        layout.addWidget(buttons)
