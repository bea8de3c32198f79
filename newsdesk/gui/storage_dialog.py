"""Storage: what the database and the image cache take, by source; how long the archive
keeps what (retention, saved in the settings file); Prune now (the dry run's count first,
then the prune on a worker) and Compact (give free pages back to the disk).

Every read and write is a job on the desk's runner; the dialog only draws.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from newsdesk.gui.desk import Desk
from newsdesk.gui.messages import show_message
from newsdesk.services.offline import (
    Compacted,
    PruneReport,
    Retention,
    compact,
    prune,
    read_retention,
    storage,
    write_retention,
)
from newsdesk.store.api import StorageUsage

FOR_EVER_DAYS = 365 * 200  # "keep for ever": older_than that no stored article is
SPIN_WIDTH = 200
COLUMNS = ("Source", "Articles", "Text", "Full texts", "Versions", "Images", "Total")


def human_size(size: int) -> str:
    """'12.4 MB', '880 KB', '0 B': the size a person reads (1 KB = 1,000 bytes)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if abs(value) < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"  # pragma: no cover - the loop returns by GB


def counted(count: int, noun: str) -> str:
    """'1 full text', '3,004 full texts'."""
    return f"{count:,} {noun}{'s' * (count != 1)}"


def both(count: int, size: int) -> str:
    """A table cell: how many and their size ('12 · 1.4 MB'), or a dash for none."""
    return f"{count:,} · {human_size(size)}" if count else "—"


class SortItem(QTableWidgetItem):
    """A cell shown as text ("12.4 MB") and sorted by its number."""

    def __init__(self, text: str, key: float | None = None) -> None:
        super().__init__(text)
        self.key = key  # None: sorted by its text
        if key is not None:
            self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, SortItem) and self.key is not None and other.key is not None:
            return self.key < other.key
        return self.text().lower() < other.text().lower()


def _days_box(value: int | None, *, allow_ever: bool) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0 if allow_ever else 1, 36500)
    box.setSuffix(" days")
    if allow_ever:
        box.setSpecialValueText("for ever")  # 0 shows as "for ever"
    box.setValue(value or 0)
    return box


class StorageDialog(QDialog):
    """Sizes by source, retention settings, Prune now and Compact."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.open_now = True
        self.usage: StorageUsage | None = None
        self.last_prune: PruneReport | None = None
        self.setWindowTitle("Storage")
        self.resize(820, 600)
        self.summary = QLabel("Measuring the database…")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        retention = read_retention()
        self.read_days = _days_box(retention.read_days, allow_ever=True)
        self.read_days.setToolTip("Read articles first stored longer ago are removed. "
                                  "Starred, tagged, coded, noted articles and those in a "
                                  "story several outlets cover are always kept.")
        self.full_text_days = _days_box(retention.full_text_days, allow_ever=True)
        self.full_text_days.setToolTip("Full texts fetched longer ago are removed (the "
                                       "feed's version stays); kept articles keep theirs.")
        self.image_days = _days_box(retention.image_days, allow_ever=False)
        self.image_days.setToolTip("Cached images no kept article uses are removed after "
                                   "this long.")
        self.cache_mb = QSpinBox()
        self.cache_mb.setRange(16, 1_000_000)
        self.cache_mb.setSuffix(" MB")
        self.cache_mb.setValue(retention.cache_mb)
        self.cache_mb.setToolTip("The image cache's total size; the oldest go first.")
        for box in (self.read_days, self.full_text_days, self.image_days, self.cache_mb):
            box.setMaximumWidth(SPIN_WIDTH)
        form = QFormLayout()
        form.addRow("Keep read articles", self.read_days)
        form.addRow("Keep full texts", self.full_text_days)
        form.addRow("Keep cached images", self.image_days)
        form.addRow("Image cache at most", self.cache_mb)
        settings = QGroupBox("Retention")
        settings.setLayout(form)

        self.prune_button = QPushButton("Prune now…")
        self.prune_button.setToolTip("Count what these settings remove, then remove it")
        self.prune_button.clicked.connect(self.prune_now)
        self.compact_button = QPushButton("Compact")
        self.compact_button.setToolTip("Give the database's free pages back to the disk "
                                       "(needs free space about the database's size)")
        self.compact_button.clicked.connect(self.compact_now)
        for button in (self.prune_button, self.compact_button):
            button.setAutoDefault(False)  # Enter in a spin box must not prune
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setObjectName("muted")
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)
        actions = QHBoxLayout()
        actions.addWidget(self.prune_button)
        actions.addWidget(self.compact_button)
        actions.addWidget(self.outcome, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(settings)
        layout.addLayout(actions)
        layout.addWidget(buttons)
        for box in (self.read_days, self.full_text_days, self.image_days, self.cache_mb):
            box.valueChanged.connect(lambda _v: self.save_retention())
        self.reload()

    def done(self, result: int) -> None:
        """Closed: answers still to come are dropped (the dialog deletes itself)."""
        self.open_now = False
        super().done(result)

    def _live(self, callback: Callable[[Any], object]) -> Callable[[Any], None]:
        """A job's callback that does nothing once the dialog is closed."""
        def call(value: Any) -> None:
            if self.open_now:
                callback(value)
        return call

    # -- sizes

    def reload(self) -> None:
        self.desk.jobs.query(storage, on_done=self._live(self.show_usage),
                             on_failed=self._live(lambda error: self.desk.show_error(
                                 "Could not measure the database", error)))

    def show_usage(self, usage: StorageUsage) -> None:
        self.usage = usage
        free = f" ({human_size(usage.free_bytes)} free, Compact gives it back)" \
            if usage.free_bytes else ""
        on_disk = (f"The database takes {human_size(usage.file_bytes)} on disk{free}."
                   if usage.file_bytes else "The database is in memory.")
        self.summary.setText(
            f"{on_disk} It holds {counted(usage.articles, 'article')}, "
            f"{counted(usage.full_texts, 'full text')}, "
            f"{counted(usage.versions, 'earlier version')} and "
            f"{counted(usage.assets, 'cached image')} ({human_size(usage.asset_bytes)}).")
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(usage.sources))
        for row, source in enumerate(usage.sources):
            cells = [
                SortItem(source.title),
                SortItem(f"{source.articles:,}", source.articles),
                SortItem(human_size(source.article_bytes), source.article_bytes),
                SortItem(both(source.full_texts, source.full_text_bytes),
                         source.full_text_bytes),
                SortItem(both(source.versions, source.version_bytes), source.version_bytes),
                SortItem(both(source.assets, source.asset_bytes), source.asset_bytes),
                SortItem(human_size(source.total_bytes), source.total_bytes),
            ]
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.table.setSortingEnabled(True)
        self.table.sortItems(len(COLUMNS) - 1, Qt.SortOrder.DescendingOrder)

    # -- retention

    def retention(self) -> Retention:
        return Retention(read_days=self.read_days.value() or None,
                         full_text_days=self.full_text_days.value() or None,
                         cache_mb=self.cache_mb.value(), image_days=self.image_days.value())

    def save_retention(self) -> None:
        try:
            write_retention(self.retention())
        except OSError as exc:
            self.desk.show_error("Could not save the retention settings", exc)

    def _older_than(self) -> timedelta:
        days = self.read_days.value()
        return timedelta(days=days or FOR_EVER_DAYS)

    def prune_now(self) -> None:
        """Count first (a dry run, a read), ask, then prune as the one writer."""
        retention, older_than = self.retention(), self._older_than()
        self.prune_button.setEnabled(False)
        self.outcome.setText("Counting what would go…")

        def counted(dry: PruneReport) -> None:
            self.prune_button.setEnabled(True)
            if not (dry.articles or dry.full_texts or dry.assets):
                self.outcome.setText("Nothing to prune: everything stored is within the "
                                    "retention settings.")
                return
            if not show_message(self, "Prune now", dry.summary() + "\n\nRemove it now? "
                                "This cannot be undone.", kind="question"):
                self.outcome.setText("")
                return
            self._prune(retention, older_than)

        def failed(error: BaseException) -> None:
            self.prune_button.setEnabled(True)
            self.outcome.setText("")
            self.desk.show_error("Could not count what to prune", error)

        # As the one writer: a dry run counts the cache's eviction in a transaction it
        # rolls back, so it must not race a refresh for the write lock.
        self.desk.jobs.op(lambda store: prune(store, older_than=older_than, dry_run=True,
                                              retention=retention),
                          on_done=self._live(counted), on_failed=self._live(failed))

    def _prune(self, retention: Retention, older_than: timedelta) -> None:
        self.prune_button.setEnabled(False)
        self.compact_button.setEnabled(False)
        self.outcome.setText("Pruning…")

        def done(report: PruneReport) -> None:
            self.last_prune = report
            self._idle(report.summary())
            self.desk.status(report.summary(), 10000)
            self.reload()

        def failed(error: BaseException) -> None:
            self._idle("")
            self.desk.show_error("Could not prune", error)

        self.desk.jobs.op(lambda store: prune(store, older_than=older_than,
                                              retention=retention),
                          on_done=self._live(done), on_failed=self._live(failed))

    def compact_now(self) -> None:
        self.prune_button.setEnabled(False)
        self.compact_button.setEnabled(False)
        self.outcome.setText("Compacting the database…")

        def done(shrunk: Compacted) -> None:
            saved = shrunk.freed_bytes
            self._idle(f"Compacted: the database gave {human_size(saved)} back to the disk."
                       if saved else "Compacted: there was nothing to give back.")
            self.reload()

        def failed(error: BaseException) -> None:
            self._idle("")
            self.desk.show_error("Could not compact the database", error)

        self.desk.jobs.op(compact, on_done=self._live(done), on_failed=self._live(failed))

    def _idle(self, text: str) -> None:
        self.prune_button.setEnabled(True)
        self.compact_button.setEnabled(True)
        self.outcome.setText(text)
