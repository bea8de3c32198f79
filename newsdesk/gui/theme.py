"""Light and dark themes: Qt's palette and the stylesheet (resources/style) filled from
NewsDesk's one palette (formats/palette.py), and tinted icons."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from newsdesk.config import resource_path
from newsdesk.formats import palette

LIGHT = palette.LIGHT
DARK = palette.DARK


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
        # reader_html.adapt: a figure is a block, its caption the paragraph below the image
        f".figure {{ margin-top: 6px; margin-bottom: 14px; }}"
        f".caption {{ color: {c['muted']}; font-size: {font_size}pt; margin-top: 4px; "
        f"line-height: 130%; }}"
        f".embed {{ color: {c['text']}; font-size: {font_size}pt; }}"
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
