"""Light and dark themes: a palette, a stylesheet from resources/style, tinted icons."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from newsdesk.config import resource_path

LIGHT = {
    "window": "#f4f5f7", "base": "#ffffff", "alt": "#f8f9fb", "text": "#1f2328",
    "muted": "#656d76", "border": "#d8dde3", "grid": "#eef0f3", "hover": "#e6e9ee",
    "selection": "#dbe8fb", "selection_text": "#0b2a52", "accent": "#2c5282",
    "accent_text": "#ffffff", "reader": "#ffffff", "button": "#ffffff", "notice": "#fff6d6",
    "warning": "#b7791f", "scroll": "#c5cbd3", "link": "#1f5fae", "unread": "#2c5282",
}
DARK = {
    "window": "#1d2026", "base": "#23272e", "alt": "#262a31", "text": "#e6e8eb",
    "muted": "#9aa3ad", "border": "#353b44", "grid": "#2b3038", "hover": "#2f353d",
    "selection": "#2d4a6e", "selection_text": "#f2f6fb", "accent": "#6ea8fe",
    "accent_text": "#0d1117", "reader": "#1f2329", "button": "#2b3038", "notice": "#3d3520",
    "warning": "#f0b429", "scroll": "#4a515b", "link": "#8ab4f8", "unread": "#8ab4f8",
}


def is_dark(theme: str) -> bool:
    """'dark', 'light', or 'system' (what the desktop prefers, light when it cannot say)."""
    if theme == "system":
        hints = QGuiApplication.styleHints()
        return bool(hints) and hints.colorScheme() == Qt.ColorScheme.Dark
    return theme == "dark"


def colors(theme: str) -> dict[str, str]:
    return DARK if is_dark(theme) else LIGHT


def apply_theme(app: QApplication, theme: str, font_size: int) -> dict[str, str]:
    """Set style, palette, stylesheet and font; return the colours for other widgets."""
    c = colors(theme)
    app.setStyle("Fusion")
    palette = QPalette()
    for role, key in ((QPalette.ColorRole.Window, "window"), (QPalette.ColorRole.Base, "base"),
                      (QPalette.ColorRole.AlternateBase, "alt"),
                      (QPalette.ColorRole.Text, "text"), (QPalette.ColorRole.WindowText, "text"),
                      (QPalette.ColorRole.Button, "button"),
                      (QPalette.ColorRole.ButtonText, "text"),
                      (QPalette.ColorRole.Highlight, "selection"),
                      (QPalette.ColorRole.HighlightedText, "selection_text"),
                      (QPalette.ColorRole.Link, "link"),
                      (QPalette.ColorRole.ToolTipBase, "base"),
                      (QPalette.ColorRole.ToolTipText, "text"),
                      (QPalette.ColorRole.PlaceholderText, "muted")):
        palette.setColor(role, QColor(c[key]))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(c["muted"]))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText,
                     QColor(c["muted"]))
    app.setPalette(palette)
    style = resource_path("style", "newsdesk.qss").read_text("utf-8")
    for key, value in c.items():
        style = style.replace("{" + key + "}", value)
    app.setStyleSheet(style)
    font = QFont(app.font())
    font.setPointSize(font_size)
    app.setFont(font)
    return c


def reader_css(c: dict[str, str], font_size: int) -> str:
    """The reader document's stylesheet (QTextBrowser supports a CSS subset)."""
    return (
        f"body {{ color: {c['text']}; font-size: {font_size + 2}pt; }}"
        f"h1 {{ font-size: {font_size + 9}pt; font-weight: 700; margin-bottom: 4px; }}"
        f"p {{ margin-top: 0; margin-bottom: 10px; line-height: 150%; }}"
        f"a {{ color: {c['link']}; text-decoration: none; }}"
        f".meta {{ color: {c['muted']}; font-size: {font_size}pt; }}"
        f".tags {{ color: {c['muted']}; font-size: {font_size - 1}pt; }}"
        f"blockquote {{ color: {c['muted']}; margin-left: 16px; }}"
        f"figcaption {{ color: {c['muted']}; font-size: {font_size}pt; }}"
    )


@cache
def _svg(name: str) -> str:
    return resource_path("icons", f"{name}.svg").read_text("utf-8")


def icon(name: str, color: str) -> QIcon:
    """An icon from resources/icons, drawn in `color`, sharp at any device pixel ratio."""
    svg = _svg(name).replace("#000000", color)
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    result = QIcon()
    for size in (16, 24, 32, 48, 64):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        result.addPixmap(pixmap)
    return result


def app_icon() -> QIcon:
    return QIcon(str(resource_path("icons", "newsdesk.svg")))
