"""The coverage desk's small dialogs: the tag picker, a note, an HTML report (coverage
table, agreement) and a tag's timeline. They only edit text and draw what they are given."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from newsdesk.gui.messages import show_message
from newsdesk.gui.panes.charts import DailyBars


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

    def __init__(self, tags: Sequence[str], count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tag articles")
        self.setMinimumWidth(400)
        label = QLabel(f"Tags for {count} selected article{'s' * (count != 1)} "
                       "(separate several with commas):")
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
