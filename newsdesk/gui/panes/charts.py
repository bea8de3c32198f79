"""Small painted charts for the story pane: a timeline of who reported when, and a
frames-by-outlets heat map. Both are clickable; neither knows about the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from newsdesk.formats.outline import lag_text
from newsdesk.formats.palette import LIGHT


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    outlet: str
    color: str
    published: datetime
    hours_after_first: float
    article_id: str
    title: str


class TimelineChart(QWidget):
    """One row per outlet: a dot at the hour it first reported, the first one ringed."""

    article_clicked = Signal(str)
    ROW = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[TimelinePoint] = []
        self.text_color = QColor(LIGHT["text"])
        self.muted = QColor(LIGHT["muted"])
        self.grid = QColor(LIGHT["border"])
        self.current = ""
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_points(self, points: list[TimelinePoint], current: str = "") -> None:
        self.points = points
        self.current = current
        self.setFixedHeight(self.ROW * len(points) + 24 if points else 0)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(280, self.ROW * len(self.points) + 24)

    def _geometry(self) -> tuple[int, int, float]:
        """(left edge of the plot, its width, hours it spans)."""
        metrics = QFontMetrics(self.font())
        label = min(max((metrics.horizontalAdvance(p.outlet) for p in self.points), default=0) + 10,
                    self.width() // 2)
        span = max((p.hours_after_first for p in self.points), default=0.0)
        return label, max(self.width() - label - 16, 20), max(span, 1.0)

    def dot_at(self, index: int) -> QPoint:
        left, width, span = self._geometry()
        point = self.points[index]
        x = left + 6 + int(width * point.hours_after_first / span)
        return QPoint(x, index * self.ROW + self.ROW // 2 + 2)

    def paintEvent(self, _event: QPaintEvent) -> None:
        if not self.points:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, width, span = self._geometry()
        metrics = QFontMetrics(self.font())
        bottom = len(self.points) * self.ROW + 4
        painter.setPen(QPen(self.grid, 1))
        painter.drawLine(left + 6, bottom, left + 6 + width, bottom)
        painter.setPen(self.muted)
        taken: list[tuple[int, int]] = []  # the axis labels drawn, as (start, end)
        for fraction in (0.0, 1.0, 0.5):  # the middle one only where it fits between
            x = left + 6 + int(width * fraction)
            painter.drawLine(x, bottom, x, bottom + 3)
            text = lag_text(span * fraction) if fraction else "0 h"
            w = metrics.horizontalAdvance(text)
            start = min(max(x - w // 2, left), self.width() - w - 2)
            if any(start < end + 6 and a < start + w + 6 for a, end in taken):
                continue
            taken.append((start, start + w))
            painter.drawText(start, bottom + 4 + metrics.ascent(), text)
        for i, point in enumerate(self.points):
            y = i * self.ROW + self.ROW // 2 + 2
            painter.setPen(QPen(self.grid, 1, Qt.PenStyle.DotLine))
            painter.drawLine(left + 6, y, left + 6 + width, y)
            painter.setPen(self.text_color)
            name = metrics.elidedText(point.outlet, Qt.TextElideMode.ElideRight, left - 8)
            painter.drawText(QRect(0, y - self.ROW // 2, left - 4, self.ROW),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)
            center = self.dot_at(i)
            painter.setPen(QPen(self.text_color, 2) if point.article_id == self.current
                           else Qt.PenStyle.NoPen)
            painter.setBrush(QColor(point.color))
            painter.drawEllipse(center, 6, 6)
            lag = lag_text(point.hours_after_first)
            lw = metrics.horizontalAdvance(lag)
            x = center.x() + 10 if center.x() + 10 + lw < self.width() else center.x() - 10 - lw
            painter.setPen(self.muted)
            painter.drawText(x, y + metrics.ascent() // 2 - 1, lag)
        painter.end()

    def _hit(self, pos: QPoint) -> int | None:
        for i in range(len(self.points)):
            if (self.dot_at(i) - pos).manhattanLength() <= 10:
                return i
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position().toPoint())
        self.setCursor(Qt.CursorShape.PointingHandCursor if hit is not None
                       else Qt.CursorShape.ArrowCursor)
        if hit is not None:
            p = self.points[hit]
            QToolTip.showText(event.globalPosition().toPoint(),
                              f"{p.outlet}, {p.published.astimezone():%d %b %H:%M} "
                              f"({lag_text(p.hours_after_first)})\n{p.title}", self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position().toPoint())
        if hit is not None:
            self.article_clicked.emit(self.points[hit].article_id)


class FrameHeatMap(QWidget):
    """Rows are frame dimensions, columns outlets; the darker a cell, the more of that
    outlet's framing sentences use the dimension. Click a cell for the sentences."""

    cell_clicked = Signal(str, str)  # outlet, frame
    ROW = 20

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outlets: list[tuple[str, str, str]] = []  # (name, short label, colour)
        self.frames: list[tuple[str, str]] = []  # (key, label)
        self.weights: dict[str, dict[str, float]] = {}
        self.counts: dict[str, dict[str, tuple[int, int]]] = {}  # outlet -> key -> (n, of)
        self.definitions: dict[str, str] = {}  # key -> one-line definition
        self.text_color = QColor(LIGHT["text"])
        self.muted = QColor(LIGHT["muted"])
        self.base = QColor(LIGHT["base"])
        self.accent = QColor(LIGHT["accent"])
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_data(self, outlets: list[tuple[str, str, str]], frames: list[tuple[str, str]],
                 weights: dict[str, dict[str, float]], *,
                 counts: dict[str, dict[str, tuple[int, int]]] | None = None,
                 definitions: dict[str, str] | None = None) -> None:
        """`counts` (outlet -> key -> (sentences, framing sentences)) are drawn beside the
        share when the cell has room and always in its tooltip; `definitions` (key -> one
        line) are the row names' tooltips."""
        self.outlets, self.frames, self.weights = outlets, frames, weights
        self.counts, self.definitions = counts or {}, definitions or {}
        self.setFixedHeight(self.ROW * (len(frames) + 1) + 4 if frames else 0)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(280, self.ROW * (len(self.frames) + 1) + 4)

    def _columns(self) -> tuple[int, float]:
        metrics = QFontMetrics(self.font())
        label = max((metrics.horizontalAdvance(t) for _, t in self.frames), default=0) + 10
        return label, max((self.width() - label - 2) / max(len(self.outlets), 1), 12.0)

    def cell_rect(self, row: int, column: int) -> QRectF:
        label, width = self._columns()
        return QRectF(label + column * width + 1, (row + 1) * self.ROW + 1, width - 2, self.ROW - 2)

    def paintEvent(self, _event: QPaintEvent) -> None:
        if not self.frames:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label, width = self._columns()
        for c, (_name, short, color) in enumerate(self.outlets):
            rect = QRectF(label + c * width, 0, width, self.ROW)
            painter.setPen(QColor(color))
            # A narrow pane's columns fit "GDW" in a smaller type before eliding it to "G…".
            room, wide = width - 4, QFontMetricsF(self.font()).horizontalAdvance(short)
            font = QFont(self.font())
            if wide > room and font.pointSizeF() > 0:
                font.setPointSizeF(max(font.pointSizeF() * room / wide, font.pointSizeF() * 0.75))
            painter.setFont(font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, QFontMetricsF(font).elidedText(
                short, Qt.TextElideMode.ElideRight, width - 1))
        painter.setFont(self.font())
        top = max((w for row in self.weights.values() for w in row.values()), default=0.0) or 1.0
        for r, (key, text) in enumerate(self.frames):
            painter.setPen(self.text_color)
            painter.drawText(QRect(0, (r + 1) * self.ROW, label - 6, self.ROW),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text)
            for c, (name, _short, _color) in enumerate(self.outlets):
                share = self.weights.get(name, {}).get(key, 0.0)
                cell = self.cell_rect(r, c)
                fill = QColor(self.accent)
                fill.setAlphaF(0.08 + 0.92 * share / top if share else 0.04)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(fill)
                painter.drawRoundedRect(cell, 3, 3)
                if share and cell.width() >= 30:
                    painter.setPen(self.base if share / top > 0.55 else self.text_color)
                    painter.drawText(cell, Qt.AlignmentFlag.AlignCenter,
                                     self.cell_text(name, key, cell.width() - 4))
        painter.end()

    def cell_text(self, outlet: str, key: str, room: float) -> str:
        """'57% 24/42' when it fits in room pixels, else '57%': the counts behind a share."""
        share = self.weights.get(outlet, {}).get(key, 0.0)
        count, total = self.counts.get(outlet, {}).get(key, (0, 0))
        full = f"{share:.0%} {count}/{total}" if total else f"{share:.0%}"
        return full if QFontMetricsF(self.font()).horizontalAdvance(full) <= room \
            else f"{share:.0%}"

    def tooltip(self, pos: QPoint) -> str:
        """A cell's share with its counts and its dimension's definition; a row name's
        definition; '' elsewhere."""
        label, _width = self._columns()
        hit = self._hit(pos)
        if hit is not None:
            outlet, key = hit
            share = self.weights.get(outlet, {}).get(key, 0.0)
            count, total = self.counts.get(outlet, {}).get(key, (0, 0))
            counted = f" ({count} of {total})" if total else ""
            text = (f"{outlet}: {dict(self.frames)[key]} in {share:.0%}{counted} of its "
                    "framing sentences")
            return text + (f"\n{self.definitions[key]}" if key in self.definitions else "")
        row = pos.y() // self.ROW - 1
        if pos.x() < label and 0 <= row < len(self.frames):
            key, name = self.frames[row]
            return f"{name}: {self.definitions[key]}" if key in self.definitions else name
        return ""

    def _hit(self, pos: QPoint) -> tuple[str, str] | None:
        for r, (key, _text) in enumerate(self.frames):
            for c, (name, _short, _color) in enumerate(self.outlets):
                if self.cell_rect(r, c).contains(pos.toPointF()):
                    return name, key
        return None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position().toPoint())
        clickable = hit is not None and self.weights.get(hit[0], {}).get(hit[1], 0.0) > 0
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable
                       else Qt.CursorShape.ArrowCursor)
        tip = self.tooltip(event.position().toPoint())
        if tip:
            QToolTip.showText(event.globalPosition().toPoint(), tip, self)
        else:
            QToolTip.hideText()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position().toPoint())
        if hit is not None and self.weights.get(hit[0], {}).get(hit[1], 0.0) > 0:
            self.cell_clicked.emit(*hit)


class DailyBars(QWidget):
    """Articles per day as bars (a tag's timeline); days without articles are gaps."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[tuple[date, int]] = []
        self.text_color = QColor(LIGHT["text"])
        self.muted = QColor(LIGHT["muted"])
        self.grid = QColor(LIGHT["border"])
        self.bar = QColor(LIGHT["accent"])
        self.setMinimumSize(260, 160)
        self.setMouseTracking(True)

    def set_colors(self, colors: dict[str, str]) -> None:
        self.text_color, self.muted = QColor(colors["text"]), QColor(colors["muted"])
        self.grid, self.bar = QColor(colors["border"]), QColor(colors["accent"])
        self.update()

    def set_days(self, days: list[tuple[date, int]]) -> None:
        self.days = sorted(days)
        self.update()

    def _span(self) -> list[tuple[date, int]]:
        """Every day from the first to the last, zero where nothing was published."""
        if not self.days:
            return []
        counts = dict(self.days)
        first, last = self.days[0][0], self.days[-1][0]
        return [(first + timedelta(n), counts.get(first + timedelta(n), 0))
                for n in range((last - first).days + 1)]

    def _plot(self) -> QRectF:
        return QRectF(36, 10, max(self.width() - 48, 10), max(self.height() - 40, 10))

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        days = self._span()
        plot = self._plot()
        if not days:
            painter.setPen(self.muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No articles yet.")
            return
        top = max(n for _d, n in days)
        painter.setPen(QPen(self.grid, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.setPen(self.muted)
        painter.drawText(QRectF(0, plot.top() - 6, 30, 14), Qt.AlignmentFlag.AlignRight, str(top))
        painter.drawText(QRectF(0, plot.bottom() - 8, 30, 14), Qt.AlignmentFlag.AlignRight, "0")
        step = plot.width() / len(days)
        width = max(step * 0.75, 1.0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.bar)
        for i, (_day, n) in enumerate(days):
            if n:
                height = plot.height() * n / top
                painter.drawRect(QRectF(plot.left() + i * step + (step - width) / 2,
                                        plot.bottom() - height, width, height))
        painter.setPen(self.muted)
        labels = min(len(days), max(int(plot.width() // 90), 1))
        for k in range(labels):
            i = round(k * (len(days) - 1) / max(labels - 1, 1))
            x = plot.left() + i * step + step / 2
            left = min(max(x - 45, 0.0), self.width() - 90.0)  # the last label stays inside
            painter.drawText(QRectF(left, plot.bottom() + 4, 90, 16),
                             Qt.AlignmentFlag.AlignHCenter, f"{days[i][0]:%d %b}")

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        days = self._span()
        plot = self._plot()
        if not days or not plot.contains(event.position()):
            QToolTip.hideText()
            return
        i = min(int((event.position().x() - plot.left()) / (plot.width() / len(days))),
                len(days) - 1)
        day, n = days[max(i, 0)]
        QToolTip.showText(event.globalPosition().toPoint(),
                          f"{day:%A %d %B %Y}: {n} article{'s' * (n != 1)}", self)
