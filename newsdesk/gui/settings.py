"""The window's settings: defaults, QSettings persistence, and the settings dialog."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

THEMES = ("system", "light", "dark")


@dataclass
class GuiSettings:
    refresh_minutes: int = 30  # 0 turns automatic refresh off
    mark_read_delay: float = 1.5  # seconds an article must stay open; negative: never
    remote_images: bool = False  # load remote images for every article (cached copies only)
    font_size: int = 10
    theme: str = "system"
    tray_icon: bool = False
    notify_topics: list[str] = field(default_factory=list)


def load_settings(qs: QSettings) -> GuiSettings:
    """Read settings, falling back to defaults for anything missing or malformed."""
    result = GuiSettings()
    for f in fields(GuiSettings):
        if not qs.contains(f"settings/{f.name}"):
            continue
        raw = qs.value(f"settings/{f.name}")
        default = getattr(result, f.name)
        try:
            if isinstance(default, bool):
                value: object = raw if isinstance(raw, bool) else str(raw).lower() == "true"
            elif isinstance(default, int):
                value = int(raw)
            elif isinstance(default, float):
                value = float(raw)
            elif isinstance(default, list):
                value = [str(x) for x in raw] if isinstance(raw, list) else (
                    [str(raw)] if raw else [])
            else:
                value = str(raw)
        except (TypeError, ValueError):
            continue
        setattr(result, f.name, value)
    if result.theme not in THEMES:
        result.theme = "system"
    result.font_size = min(max(result.font_size, 7), 24)
    return result


def save_settings(qs: QSettings, settings: GuiSettings) -> None:
    for f in fields(GuiSettings):
        qs.setValue(f"settings/{f.name}", getattr(settings, f.name))
    qs.sync()


class SettingsDialog(QDialog):
    """Edit GuiSettings; `result_settings()` gives the edited copy."""

    def __init__(self, settings: GuiSettings, topics: list[str],
                 parent: QWidget | None = None, *, editor: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(440)
        form = QFormLayout()
        self.editor = QLineEdit(editor)
        self.editor.setObjectName("editorName")
        self.editor.setPlaceholderText("your name, as your tags, codes and notes will show it")
        self.editor.setToolTip("Every tag, code and note records who made it (the command "
                               "line's --editor uses the same name)")
        form.addRow("Editor's name", self.editor)
        if os.environ.get("NEWSDESK_EDITOR"):
            self.editor.setText(os.environ["NEWSDESK_EDITOR"])
            self.editor.setEnabled(False)
            self.editor.setToolTip("Set by the NEWSDESK_EDITOR environment variable")
        self.refresh = QSpinBox()
        self.refresh.setRange(0, 24 * 60)
        self.refresh.setSuffix(" min")
        self.refresh.setSpecialValueText("never")
        self.refresh.setValue(settings.refresh_minutes)
        form.addRow("Refresh automatically every", self.refresh)
        self.delay = QDoubleSpinBox()
        self.delay.setRange(-1, 60)
        self.delay.setSingleStep(0.5)
        self.delay.setSuffix(" s")
        self.delay.setSpecialValueText("never")
        self.delay.setValue(settings.mark_read_delay)
        form.addRow("Mark an open article read after", self.delay)
        self.images = QCheckBox("Show remote images in every article")
        self.images.setChecked(settings.remote_images)
        form.addRow("Images", self.images)
        self.font_size = QSpinBox()
        self.font_size.setRange(7, 24)
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(settings.font_size)
        form.addRow("Font size", self.font_size)
        self.theme = QComboBox()
        for name in THEMES:
            self.theme.addItem({"system": "Follow the system", "light": "Light",
                                "dark": "Dark"}[name], name)
        self.theme.setCurrentIndex(THEMES.index(settings.theme))
        form.addRow("Theme", self.theme)
        self.tray = QCheckBox("Show an icon with the unread count in the system tray")
        self.tray.setChecked(settings.tray_icon)
        form.addRow("Tray", self.tray)
        self.notify = QListWidget()
        self.notify.setMaximumHeight(110)
        for name in topics:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in settings.notify_topics
                               else Qt.CheckState.Unchecked)
            self.notify.addItem(item)
        form.addRow("Notify me of new articles on", self.notify)
        note = QLabel("Remote images are fetched in the background and kept for offline "
                      "reading; showing an article never contacts a server.")
        note.setObjectName("muted")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def result_editor(self) -> str:
        """The editor's name typed ("" when it is the environment's, not ours to change)."""
        return self.editor.text().strip() if self.editor.isEnabled() else ""

    def result_settings(self) -> GuiSettings:
        notify = [self.notify.item(i).text() for i in range(self.notify.count())
                  if self.notify.item(i).checkState() == Qt.CheckState.Checked]
        return GuiSettings(
            refresh_minutes=self.refresh.value(), mark_read_delay=self.delay.value(),
            remote_images=self.images.isChecked(), font_size=self.font_size.value(),
            theme=str(self.theme.currentData()), tray_icon=self.tray.isChecked(),
            notify_topics=notify)
