"""The storyline timeline: a storyline's events along the days, one row per outlet, a
dot where an outlet covered an event and a faint ring where it stayed silent.

The pane reads its timeline as a job (services.storylines.timeline); the chart only draws
what it is given, so tests and screenshots can hand it made-up records.
"""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from newsdesk.formats.palette import LIGHT, stable_outlet_color
from newsdesk.gui.jobs import JobRunner
from newsdesk.services.storylines import StorylineTimeline, TimelineEvent, timeline

EMPTY_TEXT = "Select a storyline in the navigation to see its events along the days."


def span_text(first: datetime, last: datetime) -> str:
    """'3 – 28 Mar 2021', '28 Mar – 4 May 2021', '12 Dec 2020 – 9 Jan 2021' (local dates)."""
    a, b = first.astimezone(), last.astimezone()
    if a.date() == b.date():
        return f"{a:%d %b %Y}".lstrip("0")
    if a.year != b.year:
        return f"{a:%d %b %Y} – {b:%d %b %Y}".replace(" 0", " ").lstrip("0")
    if a.month != b.month:
        return f"{a:%d %b} – {b:%d %b %Y}".replace(" 0", " ").lstrip("0")
    return f"{a:%d} – {b:%d %b %Y}".replace(" 0", " ").lstrip("0")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


class StorylineChart(QWidget):
    """Columns are events (oldest left, a gap label where days pass between them), rows
    are outlets; click an event to select its story."""

    event_clicked = Signal(int)  # the story id
    event_menu = Signal(int, QPoint)  # story id, global position: a right click
    ROW = 24
    HEAD = 62  # two lines of the event's label and its date
    GAP = 34  # the strip between two columns that says how many days passed
    MIN_COL, MAX_COL = 78, 220
    TAIL = 52  # the right margin: "5 of 7" per outlet

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline: StorylineTimeline | None = None
        self.current: int | None = None  # the selected event's story id
        self.text_color = QColor(LIGHT["text"])
        self.muted = QColor(LIGHT["muted"])
        self.grid = QColor(LIGHT["grid"])
        self.border = QColor(LIGHT["border"])
        self.highlight = QColor(LIGHT["selection"])
        self.base = QColor(LIGHT["base"])
        self._available = 0  # the scroll area's width: columns widen to fill it
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_colors(self, colors: dict[str, str]) -> None:
        self.text_color, self.muted = QColor(colors["text"]), QColor(colors["muted"])
        self.grid, self.border = QColor(colors["grid"]), QColor(colors["border"])
        self.highlight, self.base = QColor(colors["selection"]), QColor(colors["base"])
        self.update()

    def set_timeline(self, shown: StorylineTimeline | None, current: int | None = None) -> None:
        self.timeline, self.current = shown, current
        self._resize()

    def set_current(self, story_id: int | None) -> None:
        self.current = story_id
        self.update()

    def fit_to(self, width: int) -> None:
        """The visible width: columns widen (up to a limit) to use it."""
        self._available = width
        self._resize()

    # -- geometry

    @property
    def events(self) -> tuple[TimelineEvent, ...]:
        return self.timeline.events if self.timeline else ()

    @property
    def outlets(self) -> tuple[str, ...]:
        return self.timeline.outlets if self.timeline else ()

    def label_width(self) -> int:
        metrics = QFontMetrics(self.font())
        widest = max((metrics.horizontalAdvance(o) for o in self.outlets), default=40)
        return min(widest + 34, max(176, self._available // 5))

    def column_width(self) -> int:
        count = len(self.events)
        if not count:
            return self.MIN_COL
        room = self._available - self.label_width() - self.TAIL - self.GAP * (count - 1)
        return max(self.MIN_COL, min(self.MAX_COL, room // count))

    def column_rect(self, index: int) -> QRect:
        """The whole column of the index-th event (header and rows)."""
        col = self.column_width()
        x = self.label_width() + index * (col + self.GAP)
        return QRect(x, 0, col, self.HEAD + self.ROW * len(self.outlets) + 6)

    def cell_center(self, index: int, row: int) -> QPoint:
        rect = self.column_rect(index)
        return QPoint(rect.center().x(), self.HEAD + row * self.ROW + self.ROW // 2)

    def sizeHint(self) -> QSize:
        count = len(self.events)
        width = self.label_width() + count * self.column_width() + max(count - 1, 0) * self.GAP
        return QSize(width + self.TAIL, self.HEAD + self.ROW * len(self.outlets) + 10)

    def _resize(self) -> None:
        self.setFixedSize(self.sizeHint())
        self.update()

    def event_at(self, pos: QPoint) -> int | None:
        for i in range(len(self.events)):
            if self.column_rect(i).contains(pos):
                return i
        return None

    # -- drawing

    def paintEvent(self, _event: QPaintEvent) -> None:
        if not self.events:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        label_w = self.label_width()
        right = self.column_rect(len(self.events) - 1).right()
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() - 1.5, 7))
        small_metrics = QFontMetrics(small)
        for row, _outlet in enumerate(self.outlets):  # banded rows, so a row reads across
            if row % 2 == 0:
                top = self.HEAD + row * self.ROW
                painter.fillRect(QRect(0, top, right + self.TAIL, self.ROW), self.grid)
        for i, event in enumerate(self.events):
            rect = self.column_rect(i)
            if event.story.id == self.current:
                painter.fillRect(rect.adjusted(-3, 0, 3, 0), self.highlight)
            self._draw_head(painter, event, rect, small, small_metrics)
            if i:
                self._draw_gap(painter, i, small, small_metrics)
        painter.setPen(QPen(self.border, 1))
        painter.drawLine(0, self.HEAD - 1, right + self.TAIL, self.HEAD - 1)
        for row, outlet in enumerate(self.outlets):
            y = self.HEAD + row * self.ROW
            color = QColor(stable_outlet_color(outlet))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(QRect(6, y + self.ROW // 2 - 5, 10, 10), 2, 2)
            painter.setPen(self.text_color)
            name = metrics.elidedText(outlet, Qt.TextElideMode.ElideRight, label_w - 30)
            painter.drawText(QRect(22, y, label_w - 24, self.ROW),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)
            covered = 0
            for i, event in enumerate(self.events):
                center = self.cell_center(i, row)
                if outlet in event.outlets:
                    covered += 1
                    painter.setPen(QPen(self.base, 1.5))
                    painter.setBrush(color)
                    painter.drawEllipse(center, 7, 7)
                else:  # silent: a faint ring, so the gap is seen, not just missing
                    painter.setPen(QPen(self.muted, 1, Qt.PenStyle.DotLine))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawEllipse(center, 5, 5)
            painter.setFont(small)
            painter.setPen(self.muted)
            painter.drawText(QRect(right + 8, y, self.TAIL - 10, self.ROW),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             f"{covered}/{len(self.events)}")
            painter.setFont(self.font())
        painter.end()

    def _draw_head(self, painter: QPainter, event: TimelineEvent, rect: QRect,
                   small: QFont, small_metrics: QFontMetrics) -> None:
        """The event's label on two lines (elided), and its date and outlet count below."""
        painter.setPen(self.text_color)
        painter.setFont(self.font())
        metrics = QFontMetrics(self.font())
        width = rect.width() - 4
        words, lines, line = event.story.label.split(), [], ""
        for word in words:
            trial = f"{line} {word}".strip()
            if metrics.horizontalAdvance(trial) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
            if len(lines) == 2:
                break
        if line and len(lines) < 2:
            lines.append(line)
        if len(lines) == 2 and " ".join(lines) != " ".join(words):
            lines[1] = metrics.elidedText(lines[1] + " …", Qt.TextElideMode.ElideRight, width)
        lines = [metrics.elidedText(text, Qt.TextElideMode.ElideRight, width) for text in lines]
        top = 4
        for text in lines:
            painter.drawText(QRect(rect.x() + 2, top, width, metrics.height()),
                             Qt.AlignmentFlag.AlignLeft, text)
            top += metrics.height()
        painter.setFont(small)
        painter.setPen(self.muted)
        when = event.story.first_seen.astimezone()
        covered = len(event.outlets)
        painter.drawText(QRect(rect.x() + 2, self.HEAD - small_metrics.height() - 4, width,
                               small_metrics.height()), Qt.AlignmentFlag.AlignLeft,
                         f"{when:%d %b}".lstrip("0") + f" · {covered}/{len(self.outlets)}")
        painter.setFont(self.font())

    def _draw_gap(self, painter: QPainter, index: int, small: QFont,
                  small_metrics: QFontMetrics) -> None:
        """Between two events, how many days passed ("+41 d"), in the strip between them."""
        before, after = self.events[index - 1].story, self.events[index].story
        days = (after.first_seen.astimezone().date() - before.first_seen.astimezone().date()).days
        x = self.column_rect(index).x() - self.GAP
        painter.setPen(QPen(self.border, 1, Qt.PenStyle.DashLine))
        bottom = self.HEAD + self.ROW * len(self.outlets)
        middle, label_top = x + self.GAP // 2, self.HEAD - small_metrics.height() - 4
        if days <= 0:
            painter.drawLine(middle, 4, middle, bottom)
            return
        painter.drawLine(middle, 4, middle, label_top - 2)  # broken where the days are said
        painter.drawLine(middle, self.HEAD, middle, bottom)
        text = f"+{days}d"
        painter.setFont(small)
        painter.setPen(self.muted)
        painter.drawText(QRect(x - 4, label_top, self.GAP + 8, small_metrics.height()),
                         Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(self.font())

    # -- the mouse

    def tooltip_text(self, index: int) -> str:
        event = self.events[index]
        story = event.story
        lines = [story.label, f"{span_text(story.first_seen, story.last_seen)} · "
                 f"{plural(story.size, 'article')}",
                 f"Covered by {len(event.outlets)}: " + ", ".join(event.outlets)]
        if event.silent:
            lines.append(f"Silent ({len(event.silent)}): " + ", ".join(event.silent))
        lines.append("Click to read its articles; right click for more.")
        return "\n".join(lines)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hit = self.event_at(event.position().toPoint())
        self.setCursor(Qt.CursorShape.PointingHandCursor if hit is not None
                       else Qt.CursorShape.ArrowCursor)
        if hit is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.tooltip_text(hit), self)
        else:
            QToolTip.hideText()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        hit = self.event_at(event.position().toPoint())
        if hit is not None:
            self.current = self.events[hit].story.id
            self.update()
            self.event_clicked.emit(self.current)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        hit = self.event_at(event.pos())
        if hit is not None:
            self.event_menu.emit(self.events[hit].story.id, event.globalPos())


class StorylinePane(QWidget):
    """A storyline's header (title, span, events, outlets, Follow) over its timeline."""

    event_selected = Signal(int)  # a story id: show its articles
    event_menu = Signal(int, QPoint)  # story id, where: the event's commands
    follow_requested = Signal(int, bool)  # storyline id, follow (True) or unfollow
    shown = Signal(object)  # the StorylineTimeline drawn (tests and screenshots wait on it)

    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storylinePane")
        self.jobs = jobs
        self.storyline_id: int | None = None
        self.timeline: StorylineTimeline | None = None
        self.colors: dict[str, str] = dict(LIGHT)
        self.header = QLabel(EMPTY_TEXT)
        self.header.setObjectName("storylineHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.follow_button = QToolButton()
        self.follow_button.setText("Follow")
        self.follow_button.setToolTip("Follow this storyline: an unread badge, and a "
                                      "notification when a new event joins or a new outlet "
                                      "covers it")
        self.follow_button.clicked.connect(self._follow_clicked)
        self.follow_button.hide()
        self.chart = StorylineChart()
        self.chart.event_clicked.connect(self.event_selected)
        self.chart.event_menu.connect(self.event_menu)
        self.scroller = QScrollArea()
        self.scroller.setObjectName("storylineScroll")
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setWidget(self.chart)
        self.scroller.setWidgetResizable(False)
        self.scroller.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        top = QHBoxLayout()
        top.setContentsMargins(8, 6, 8, 2)
        top.addWidget(self.header, 1)
        top.addWidget(self.follow_button, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(top)
        column.addWidget(self.scroller, 1)
        self.set_colors(self.colors)

    def set_colors(self, colors: dict[str, str]) -> None:
        self.colors = colors
        self.chart.set_colors(colors)
        self._draw_header()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.chart.fit_to(self.scroller.viewport().width())

    def show_storyline(self, storyline_id: int | None) -> None:
        """Read and draw a storyline's timeline (None: the empty hint)."""
        self.storyline_id = storyline_id
        if storyline_id is None:
            self.jobs.supersede("storyline-timeline")
            self.show_timeline(None)
            return

        def failed(error: BaseException) -> None:
            if self.storyline_id == storyline_id:
                self.timeline = None
                self.chart.set_timeline(None)
                self.header.setText(html.escape(str(error)))

        self.jobs.latest("storyline-timeline", lambda store: timeline(store, storyline_id),
                         on_done=self.show_timeline, on_failed=failed)

    def reload(self) -> None:
        """Read the shown storyline again (it grew, or it was followed)."""
        if self.storyline_id is not None:
            self.show_storyline(self.storyline_id)

    def show_timeline(self, shown: StorylineTimeline | None) -> None:
        """Draw a timeline a job read (or made-up one in tests)."""
        self.timeline = shown
        if shown is not None:
            self.storyline_id = shown.storyline.id
        current = self.chart.current
        if shown is None or all(e.story.id != current for e in shown.events):
            current = None
        self.chart.set_timeline(shown, current)
        self.chart.fit_to(self.scroller.viewport().width())
        self._draw_header()
        self.shown.emit(shown)

    def select_event(self, story_id: int | None) -> None:
        self.chart.set_current(story_id)

    def _draw_header(self) -> None:
        shown = self.timeline
        if shown is None:
            self.header.setText(f"<span style='color:{self.colors['muted']}'>"
                                f"{html.escape(EMPTY_TEXT)}</span>")
            self.follow_button.hide()
            return
        line = shown.storyline
        muted = self.colors["muted"]
        silent = sum(1 for e in shown.events if e.silent)
        facts = [span_text(line.first_seen, line.last_seen), plural(len(shown.events), "event"),
                 plural(len(shown.outlets), "outlet")]
        if line.followed:
            facts.append(f"following · {line.unread} unread" if line.unread else "following")
        legend = ("● covered &nbsp; ◌ silent" + (f" (in {plural(silent, 'event')})"
                                                  if silent else ""))
        self.header.setText(f"<b>{html.escape(line.label)}</b><br><span style='color:{muted}'>"
                            f"{html.escape(' · '.join(facts))} &nbsp;&nbsp; {legend}</span>")
        self.follow_button.setText("Unfollow" if line.followed else "Follow")
        self.follow_button.show()

    def _follow_clicked(self) -> None:
        if self.timeline is not None:
            line = self.timeline.storyline
            self.follow_requested.emit(line.id, not line.followed)
