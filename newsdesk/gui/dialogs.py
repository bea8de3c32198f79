"""Small dialogs: add or edit a source, edit a topic, failed feeds, keyboard shortcuts,
choose a story (to move an article into, or to merge with)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from newsdesk.gui.messages import plain_tooltip
from newsdesk.models import SourceReport, StorySummary


def _buttons(dialog: QDialog, ok_text: str = "OK") -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _folder_box(folders: list[str], current: str) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItems(["", *sorted(set(folders))])
    box.setCurrentText(current)
    line = box.lineEdit()  # an editable box always has one; the stub says it may be None
    if line is not None:
        line.setPlaceholderText("no folder (type a new one, e.g. News/Tech)")
    return box


class SourceDialog(QDialog):
    """Add a source (URL and folder) or edit one (title, folder, URL)."""

    def __init__(self, folders: list[str], parent: QWidget | None = None, *,
                 url: str = "", title: str | None = None, folder: str = "") -> None:
        super().__init__(parent)
        editing = title is not None
        self.setWindowTitle("Edit source" if editing else "Add source")
        self.setMinimumWidth(480)
        form = QFormLayout()
        self.url = QLineEdit(url)
        self.url.setPlaceholderText("https://example.com/feed or just example.com")
        form.addRow("Feed or site URL" if not editing else "Feed URL", self.url)
        self.title = QLineEdit(title or "")
        if editing:
            form.addRow("Title", self.title)
        self.folder = _folder_box(folders, folder)
        form.addRow("Folder", self.folder)
        layout = QVBoxLayout(self)
        if not editing:
            hint = QLabel("A site's address works too: NewsDesk finds the feed it advertises.")
            hint.setObjectName("muted")
            layout.addWidget(hint)
        layout.addLayout(form)
        self.error = QLabel()  # why the last try failed; what was typed stays above it
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #c53030;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Save" if editing else "Add"))

    def values(self) -> tuple[str, str, str]:
        return self.url.text().strip(), self.title.text().strip(), self.folder.currentText().strip()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))


class TopicDialog(QDialog):
    """Name, query (NewsDesk's search syntax) and description of a topic."""

    def __init__(self, parent: QWidget | None = None, *, name: str = "", query: str = "",
                 description: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit topic" if name else "New topic")
        self.setMinimumWidth(520)
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.query = QLineEdit(query)
        self.query.setPlaceholderText('e.g. privacy OR surveillance OR "data protection"')
        self.description = QLineEdit(description)
        form.addRow("Name", self.name)
        form.addRow("Query", self.query)
        form.addRow("Description", self.description)
        help_text = QLabel('Words match anywhere in titles and text; use AND, OR, NOT, '
                           '"exact phrases" and prefix* .')
        help_text.setObjectName("muted")
        help_text.setWordWrap(True)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # quotes the query typed
        self.error.setStyleSheet("color: #c53030;")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(help_text)
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Save"))

    def values(self) -> tuple[str, str, str]:
        return self.name.text().strip(), self.query.text().strip(), self.description.text().strip()


class FailedFeedsDialog(QDialog):
    """A non-modal list of the feeds the last refresh could not read, and why."""

    def __init__(self, failed: list[SourceReport], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{len(failed)} feeds could not be refreshed")
        self.setModal(False)
        self.resize(760, 320)
        table = QTableWidget(len(failed), 3)
        table.setHorizontalHeaderLabels(["Source", "What happened", "Kind"])
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, report in enumerate(failed):
            for column, text in enumerate((report.title, report.error_message or "",
                                           report.error_kind or "")):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tooltip(report.url if column == 0 else text))
                table.setItem(row, column, item)
        table.resizeColumnToContents(0)
        note = QLabel("NewsDesk will try these again later, waiting longer after each failure.")
        note.setObjectName("muted")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(note)
        layout.addWidget(buttons)


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut, in one table."""

    def __init__(self, shortcuts: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(460, 520)
        table = QTableWidget(len(shortcuts), 2)
        table.setHorizontalHeaderLabels(["Key", "Action"])
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for row, (key, action) in enumerate(shortcuts):
            table.setItem(row, 0, QTableWidgetItem(key))
            table.setItem(row, 1, QTableWidgetItem(action))
        table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)


class StoryChooserDialog(QDialog):
    """Pick a story (Move to story…, Merge with…): recent stories newest first, filtered
    as you type; each row says its outlets, size and dates."""

    def __init__(self, stories: list[StorySummary], title: str, prompt: str,
                 parent: QWidget | None = None, *, exclude: int | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumSize(560, 420)
        self.stories = sorted((s for s in stories if s.id != exclude),
                              key=lambda s: s.last_seen, reverse=True)
        label = QLabel(prompt)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by words of the title or an outlet")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.table = QTableWidget(len(self.stories), 4)
        self.table.setHorizontalHeaderLabels(["Story", "Outlets", "Articles", "Dates"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        for row, story in enumerate(self.stories):
            first, last = story.first_seen.astimezone(), story.last_seen.astimezone()
            dates = f"{first:%d %b}" + (f" – {last:%d %b}" if last.date() != first.date()
                                         else "")
            cells = (story.label, str(len(story.outlets)), str(story.size), dates)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (1, 2):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                item.setData(Qt.ItemDataRole.UserRole, story.id)
                item.setToolTip(plain_tooltip(f"{story.label}\n{', '.join(story.outlets)}"))
                self.table.setItem(row, column, item)
        self.table.doubleClicked.connect(lambda _i: self.accept())
        if self.stories:
            self.table.selectRow(0)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        self.buttons = _buttons(self, "Choose")
        layout.addWidget(self.buttons)
        self.filter.setFocus()

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        for row, story in enumerate(self.stories):
            haystack = f"{story.label} {' '.join(story.outlets)}".casefold()
            self.table.setRowHidden(row, not all(w in haystack for w in words))

    def chosen(self) -> StorySummary | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.table.isRowHidden(rows[0].row()):
            return None
        return self.stories[rows[0].row()]
