"""The story pane: how each outlet tells the selected article's story, with evidence.

It follows the selected article. Everything it shows is read in one "only the latest" job
on the desk's job runner (`read_story`): the article's story, its label, the cached
comparison or a freshly computed one, and its outlet count; the GUI thread only draws.
One comparison is computed at a time: while one is, the pane waits and then looks again
for the latest selection only. Every figure is a link: clicking it lists the sentences
behind it in the evidence view below, each with a link to its article.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, unquote

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from newsdesk.analysis.framing import Comparison
from newsdesk.formats.outline import (
    Figure,
    FramesSection,
    Outline,
    Proof,
    VoicesMatrix,
    build_outline,
    highlight,
)
from newsdesk.gui import theme
from newsdesk.gui.jobs import JobRunner
from newsdesk.gui.messages import show_message
from newsdesk.gui.panes.charts import FrameHeatMap, TimelineChart, TimelinePoint
from newsdesk.models import Annotation, Article
from newsdesk.services.annotations import story_annotations
from newsdesk.services.changes import Changes
from newsdesk.services.comparisons import StoryView, read_story, write_report
from newsdesk.services.offline import headline_notes
from newsdesk.store.api import Store

JOB = "story"  # the pane's key for "only the latest"
EDITORS_JOB = "story-editors"  # editors' tags and notes on the story drawn
MAX_EDITOR_NOTES = 4
Editors = tuple[list[Annotation], list[Annotation]]  # (the story's own, its articles')


def read_story_and_editors(store: Store, article_id: str) -> tuple[StoryView, Editors]:
    """What the pane draws, in one job: the story's comparison and what editors said."""
    view = read_story(store, article_id)
    editors: Editors = (story_annotations(store, view.story_id) if view.story_id is not None
                        else ([], []))
    return view, editors


def read_story_view(store: Store, article_id: str) -> tuple[StoryView, Editors,
                                                            Mapping[str, str]]:
    """The pane's one job: the comparison, what editors said, and which members'
    headlines changed ("headline changed 3 h after publication")."""
    view, editors = read_story_and_editors(store, article_id)
    members = [h.article_id for o in view.comparison.outlets for h in o.headlines]
    return view, editors, headline_notes(store, members)
WAIT_MS = 150  # a look that takes longer says "Comparing…" (a cached one never flickers)

EMPTY_TEXT = (
    "<h3>Story comparison</h3>"
    "<p>When several outlets report the same event, this pane lines them up: who reported "
    "first, what each headline stresses, the words each outlet uses that the others avoid, "
    "whose voices each quotes, the tone, and the frames each leans on.</p>"
    "<p>Select an article to see its story here. Every figure can be clicked to show the "
    "sentences behind it.</p>"
)
COMPARING_TEXT = "<h3>Comparing…</h3><p>Reading this story's articles side by side.</p>"
MAX_EVIDENCE = 40
MAX_VOICES = 12  # per outlet in the pane; the reports list them all
MAX_HEADLINES = 6  # per outlet; a long-running story's list would bury the rest
MAX_CORE = 12  # words every outlet reports, in the pane
MAX_MATRIX = 20  # voices in the pane's who-quotes-whom grid; the reports list them all
FRAME_LEGEND = ("Cells show the share, and its counts (sentences / framing sentences) when "
                "wide enough; hover a cell for its counts, a row name for its definition.")
UNBROKEN_NAME = 22  # a voice's name up to this long never wraps inside the grid


class FitBrowser(QTextBrowser):
    """Rich text as tall as its content, for a page that scrolls as a whole. A word-wrapped
    QLabel lays long rich text out again for every height-for-width query (100+ ms for a
    30-article story); this lays it out once per width."""

    linkActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.setStyleSheet("QTextBrowser { background: transparent; border: none; }")
        self.document().setDocumentMargin(0)
        self.anchorClicked.connect(lambda url: self.linkActivated.emit(url.toString()))
        self._source = ""

    def setText(self, text: str) -> None:
        self.setHtml(text)
        self._fit()

    def text(self) -> str:
        return self._source

    def setHtml(self, text: str) -> None:
        self._source = text
        super().setHtml(text)

    def clear(self) -> None:
        self.setText("")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        self.document().setTextWidth(self.viewport().width())
        height = int(self.document().size().height()) + 4
        if height != self.height():
            self.setFixedHeight(height)


class StoryPane(QWidget):
    """The side pane for the selected article's story. It reads nothing itself: every
    read runs on the job runner it is given."""

    article_requested = Signal(str)
    comparison_shown = Signal(object)  # the story id (or article id) whose comparison is up
    coverage_requested = Signal(int, str)  # story id, label: its coverage table
    agreement_requested = Signal()  # the agreement report of the current codebook
    story_tag_requested = Signal(int, str)  # story id, label: the tag picker for the story
    story_note_requested = Signal(int, str)  # story id, label: a note on the story
    story_untag_requested = Signal(int, str)  # story id, tag: take it off the story

    def __init__(self, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.article: Article | None = None  # the selected article
        self.view: StoryView | None = None  # what is drawn
        self.outline: Outline | None = None
        self.colors: dict[str, str] = {}
        self._request = 0  # bumped by every selection and reload: older answers are dropped
        self._marked = ""  # the article marked in what is drawn
        # members whose headline changed: id -> "headline changed 3 h after publication"
        self.headline_notes: Mapping[str, str] = {}
        self._items: list[Proof] = []  # what each ev:N link in the pane stands for
        self._stale = False  # the selection moved while hidden: look when shown
        self._busy = False  # a look (perhaps a comparison) is running: one at a time
        self._pending = False  # the selection moved meanwhile: look again when it is done
        self._waiting = QTimer(self, singleShot=True, interval=WAIT_MS)
        self._waiting.timeout.connect(self._say_comparing)

        self.header = QLabel(EMPTY_TEXT)
        self.header.setObjectName("storyHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.header.linkActivated.connect(self._link)
        # the three lines an editor reads first, full width under the title and Export…
        self.summary_lines = QLabel()
        self.summary_lines.setObjectName("storySummary")
        self.summary_lines.setWordWrap(True)
        self.summary_lines.setTextFormat(Qt.TextFormat.RichText)
        self.summary_lines.linkActivated.connect(self._link)
        self.summary_lines.hide()
        self.timeline = TimelineChart()
        self.timeline.article_clicked.connect(self.article_requested)
        self.frames_title = QLabel()
        self.frames_title.setTextFormat(Qt.TextFormat.RichText)
        self.frames_title.setWordWrap(True)
        self.heatmap = FrameHeatMap()
        self.heatmap.cell_clicked.connect(self.show_frame)
        self.details = FitBrowser()
        self.details.setObjectName("storyDetails")
        self.details.linkActivated.connect(self._link)

        self.export_button = QToolButton()
        self.export_button.setText("Export…")
        self.export_button.setToolTip("Save this comparison as an HTML report (with its charts), "
                                      "Markdown or JSON")
        self.export_button.clicked.connect(self.export_dialog)
        self.export_button.hide()
        # the desk: what editors said about this story, and its coverage reports
        self.editors: Editors = ([], [])
        self.tag_colors: dict[str, str] = {}  # lower-case name -> colour, as the Tags group
        self.editors_view = FitBrowser()
        self.editors_view.setObjectName("storyEditors")
        self.editors_view.linkActivated.connect(self._link)
        self.editors_view.hide()
        self.coverage_button = QToolButton()
        self.coverage_button.setText("Coverage table…")
        self.coverage_button.setToolTip("This story's outlets by the current codebook's values")
        self.coverage_button.clicked.connect(self._ask_coverage)
        self.agreement_button = QToolButton()
        self.agreement_button.setText("Agreement…")
        self.agreement_button.setToolTip("How far editors agree on the current codebook "
                                         "(Krippendorff's alpha), with the disagreements")
        self.agreement_button.clicked.connect(self.agreement_requested)
        self.desk_bar = QWidget()
        desk_row = QHBoxLayout(self.desk_bar)
        desk_row.setContentsMargins(0, 0, 0, 0)
        desk_row.addWidget(self.coverage_button)
        desk_row.addWidget(self.agreement_button)
        desk_row.addStretch(1)
        self.desk_bar.hide()
        body = QWidget()
        body.setObjectName("storyBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(8, 8, 8, 8)
        column.setSpacing(6)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(top)
        column.addWidget(self.summary_lines)
        column.addWidget(self.desk_bar)
        column.addWidget(self.editors_view)
        column.addWidget(self.timeline)
        column.addWidget(self.frames_title)
        column.addWidget(self.heatmap)
        column.addWidget(self.details)
        column.addStretch(1)
        self.page = QScrollArea()
        self.page.setWidgetResizable(True)
        self.page.setFrameShape(QFrame.Shape.NoFrame)
        self.page.setWidget(body)
        self.page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.evidence_title = QLabel()
        self.evidence_title.setWordWrap(True)
        self.evidence_title.setTextFormat(Qt.TextFormat.RichText)
        self.evidence_title.linkActivated.connect(self._link)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close the evidence")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide_evidence)
        self.evidence_view = QTextBrowser()
        self.evidence_view.setOpenLinks(False)
        self.evidence_view.anchorClicked.connect(self._evidence_link)
        self.evidence = QWidget()
        box = QVBoxLayout(self.evidence)
        box.setContentsMargins(8, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(self.evidence_title, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(row)
        box.addWidget(self.evidence_view, 1)
        self.evidence.hide()

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.page)
        self.splitter.addWidget(self.evidence)
        self.splitter.setSizes([560, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._empty(EMPTY_TEXT)

    # ------------------------------------------------------------ following the selection

    @property
    def story_id(self) -> int | None:
        """The story drawn (None for an article's own profile, or nothing drawn)."""
        return self.view.story_id if self.view is not None else None

    @property
    def comparison(self) -> Comparison | None:
        """The comparison drawn, if any."""
        return self.view.comparison if self.view is not None else None

    @property
    def proofs(self) -> tuple[Proof, ...]:
        """The evidence behind each clickable figure drawn, in the order of their links."""
        return tuple(self._items)

    def set_colors(self, colors: dict[str, str]) -> None:
        self.colors = colors
        for chart in (self.timeline, self.heatmap):
            chart.text_color = QColor(colors["text"])
            chart.muted = QColor(colors["muted"])
        self.timeline.grid = QColor(colors["border"])
        self.heatmap.base = QColor(colors["base"])
        self.heatmap.accent = QColor(colors["accent"])
        if self.view is not None:
            self._render()

    def show_article(self, article: Article | None) -> None:
        """Follow the selected article: its story's comparison, its own profile, or a hint."""
        self.article = article
        self._request += 1
        if not self.isVisible() and article is not None:
            self._stale = True  # nobody is looking: compare when the pane is shown
            return
        self._stale = False
        if article is None:
            self._pending = False
            self._waiting.stop()
            self.view = None
            self._empty(EMPTY_TEXT)
            return
        if self.view is not None and self.view.story_id is not None and \
                self.outline is not None and article.id in self.outline.articles:
            self._pending = False  # same story: only the marked article moves
            self._waiting.stop()
            self._render()
            return
        self._waiting.start()
        self._look()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        """After a refresh the story may have grown: look again. An unchanged comparison
        is left as it is, evidence open and scrolled where it was."""
        if not self.isVisible():
            self._stale = self.article is not None
            return
        if self.article is None:
            self.show_article(None)
            return
        self._stale = False
        self._request += 1
        if self.outline is None or self.article.id not in self.outline.articles:
            self._waiting.start()  # what is drawn is another story's: say so if it takes long
        self._look()

    def _look(self) -> None:
        """Read what the selected article needs, as one job; one at a time, so holding j
        through stories nobody has compared yet does not queue one comparison each."""
        if self._busy:
            self._pending = True
            return
        article, token = self.article, self._request
        if article is None:
            return
        article_id = article.id

        def finished() -> None:
            self._busy = False
            if self._pending:
                self._pending = False
                self._look()

        def done(found: tuple[StoryView, Editors, Mapping[str, str]]) -> None:
            if token == self._request:
                self._waiting.stop()
                view, self.editors, notes = found
                changed = notes != self.headline_notes
                self.headline_notes = notes
                self._arrived(view, redraw=changed)
            finished()

        def failed(error: BaseException) -> None:
            if token == self._request:
                self._waiting.stop()
                self.view = None
                self._empty(f"<h3>No comparison</h3><p>{html.escape(str(error))}</p>")
            finished()

        self._busy = True
        self.jobs.latest(JOB, lambda store: read_story_view(store, article_id),
                         on_done=done, on_failed=failed)

    def _arrived(self, view: StoryView, *, redraw: bool = False) -> None:
        """Draw what a look found; the comparison already drawn only moves its mark."""
        shown = self.view
        if shown is not None and view.story_id is not None and view.story_id == shown.story_id \
                and view.label == shown.label and view.comparison == shown.comparison:
            self.view = replace(shown, article_id=view.article_id, outlets=view.outlets)
            if self._marked != view.article_id or redraw:
                self._render()
            else:
                self._render_editors()
            return
        self._show(view)

    def _say_comparing(self) -> None:
        """A look that takes a while is computing a comparison: say so."""
        if self._busy and self.isVisible():
            self.view = None
            self._empty(COMPARING_TEXT)

    # ------------------------------------------------------------ drawing

    def _empty(self, text: str) -> None:
        self.export_button.hide()
        self.desk_bar.hide()
        self.editors_view.hide()
        self.editors = ([], [])
        self.header.setText(text)
        self.summary_lines.clear()
        self.summary_lines.hide()
        self.timeline.set_points([])
        self.heatmap.set_data([], [], {})
        self.frames_title.hide()
        self.details.clear()
        self.outline = None
        self.hide_evidence()

    def _show(self, view: StoryView) -> None:
        self.view = view
        self.hide_evidence()
        self._render()
        self.page.verticalScrollBar().setValue(0)
        self.comparison_shown.emit(view.story_id if view.story_id is not None
                                   else view.article_id)

    def _render(self) -> None:
        view = self.view
        if view is None:
            return
        c = self.colors or theme.LIGHT
        current = self.article.id if self.article else ""
        self._marked = current
        self._items = []
        outline = build_outline(view.label, view.comparison, grouped=view.story_id is not None)
        self.outline = outline
        single = outline.single
        mute = f"color:{c['muted']}"

        def square(color: str) -> str:
            return f"<span style='color:{color}'>■</span>"

        def more(count: int) -> str:
            return f" <span style='{mute}'>and {count} more</span>"

        # header
        header = outline.header
        if single:
            line = html.escape(header.alone)
        else:
            line = header.summary + (f" · first: <b>{html.escape(header.first)}</b>"
                                     if header.first else "")
        # the three lines an editor reads first, each a link to its evidence
        summary = "".join(
            f"<p style='margin:2px 0'><b>{label}:</b> "
            f"{self._link_to(figure.proof, html.escape(figure.text))}</p>"
            for label, figure in outline.summary.lines)
        self.header.setText(f"<h3 style='margin:0'>{html.escape(header.title)}</h3>"
                            f"<p style='{mute}'>{line}</p>")
        self.summary_lines.setText(summary)
        self.summary_lines.setVisible(bool(summary))
        self.export_button.show()
        self.desk_bar.setVisible(view.story_id is not None)
        self._render_editors()
        self.timeline.set_points([
            TimelinePoint(r.outlet.name, r.outlet.color, r.published, r.hours_after_first,
                          r.article.id, r.article.title)
            for r in outline.timeline.rows] if not single else [], current)

        # heat map: the dimensions any outlet uses, in the Media Frames Corpus order
        frames = outline.frames
        self.heatmap.set_data([(r.outlet.name, r.outlet.short, r.outlet.color) for r in frames.rows],
                              list(frames.dimensions),
                              {r.outlet.name: {cell.key: cell.share for cell in r.cells}
                               for r in frames.rows},
                              counts={r.outlet.name: {cell.key: (cell.count, cell.total)
                                                      for cell in r.cells}
                                      for r in frames.rows},
                              definitions={k: d for (k, _label), (_n, d) in
                                           zip(frames.dimensions, self._definitions(frames),
                                               strict=True)})
        self.frames_title.setVisible(bool(frames.dimensions))
        self.frames_title.setText(f"<b>{frames.title}</b> <span style='{mute}'>"
                                  f"{_text(frames.about)} {_text(frames.hint)}</span>"
                                  f"<br><span style='{mute}'>{FRAME_LEGEND}</span>")

        parts: list[str] = []
        # headlines, with the words no other headline uses marked
        parts.append(f"<h4>{outline.headlines.title}</h4>")
        for row in outline.headlines.rows:
            o = row.outlet
            kind = self._link_to(o.kind.proof, f"<span style='background-color:{c['mark']};"
                                 f"color:{c['text']}'>&nbsp;{html.escape(o.kind.text)}&nbsp;</span>")
            parts.append(f"<p style='margin-top:2px'>{square(o.color)} <b>{html.escape(o.name)}</b>"
                         f" <span style='{mute}'>({html.escape(o.short)})</span> {kind}")
            listed = [h for i, h in enumerate(row.headlines)
                      if i < MAX_HEADLINES or h.id == current]
            for h in listed:
                title = highlight(h.title, row.marked, "<u><b>", "</b></u>")
                arrow = "▶ " if h.id == current else ""
                parts.append(f"<br>{arrow}<a href='article:{h.id}' style='color:{c['text']};"
                             f"text-decoration:none'>{title}</a>")
                note = self.headline_notes.get(h.id)
                if note:
                    parts.append(f"<br><span style='{mute}; font-size:small'>&nbsp;&nbsp;↳ "
                                 f"{html.escape(note)}</span>")
            if len(row.headlines) > len(listed):
                parts.append("<br>" + more(len(row.headlines) - len(listed)).strip())
            parts.append("</p>")
        if outline.headlines.note:
            parts.append(f"<p style='{mute}'>{_text(outline.headlines.note)}</p>")

        # tone, loaded language, hedges
        parts.append(f"<h4>{outline.tone.title}</h4>")
        if outline.tone.about and not single:
            parts.append(f"<p style='{mute}; margin-top:0'>{_text(outline.tone.about)}</p>")
        parts.append("<table cellspacing='0' cellpadding='2'>")
        for t in outline.tone.rows:
            loaded = (self._link_to(t.loaded.proof, f"{t.loaded.text} loaded") if t.loaded
                      else f"<span style='{mute}'>0 loaded</span>")
            hedged = (self._link_to(t.hedged.proof, f"{t.hedged.text} hedged") if t.hedged
                      else f"<span style='{mute}'>0 hedged</span>")
            parts.append(f"<tr><td>{square(t.outlet.color)} {html.escape(t.outlet.short)}&nbsp;"
                         f"</td><td>{self._figure(t.figure)}&nbsp;</td><td>{loaded}&nbsp;</td>"
                         f"<td>{hedged}</td></tr>")
        parts.append("</table>")
        worded = [t for t in outline.tone.rows if t.loaded_words or t.quoted_words]
        if worded:
            for t in worded:
                words = [html.escape(w) for w in t.loaded_words] + [
                    f"{html.escape(w)} <span style='{mute}'>(quoted)</span>"
                    for w in t.quoted_words]
                loaded_link = (self._link_to(t.loaded.proof, ", ".join(words)) if t.loaded
                               else ", ".join(words))
                parts.append(f"<p style='margin:1px 0'>{square(t.outlet.color)} "
                             f"{html.escape(t.outlet.short)}: {loaded_link}</p>")
        if outline.tone.loaded_about:
            parts.append(f"<p style='{mute}'>{_text(outline.tone.loaded_about)}</p>")

        # distinctive words and the common core
        parts.append(f"<h4>{outline.words.title}</h4>")
        for w in outline.words.rows:
            if w.terms:
                parts.append(f"<p style='margin-top:2px'>{square(w.outlet.color)} "
                             + ", ".join(self._figure(t) for t in w.terms) + "</p>")
        if outline.core.terms and not single:
            core = ", ".join(self._figure(t) for t in outline.core.terms[:MAX_CORE])
            parts.append(f"<p><b>{outline.core.title}:</b> {core}</p>")

        # voices: one outlets x voices grid when comparing, else who the outlet quotes
        voices = outline.voices
        if voices.anyone:
            parts.append(f"<h4>{voices.title}</h4>")
            if voices.matrix is not None and not single:
                parts.append(self._matrix(outline, voices.matrix))
            else:
                for v in voices.rows:
                    ranked = sorted(v.voices, key=lambda f: (-(f.value or 0), f.text))
                    names = ", ".join(self._figure(f) for f in ranked[:MAX_VOICES]) or \
                        f"<span style='{mute}'>{voices.empty}</span>"
                    if len(ranked) > MAX_VOICES:
                        names += more(len(ranked) - MAX_VOICES)
                    parts.append(f"<p style='margin-top:2px'>{square(v.outlet.color)} {names}</p>")

        # links
        links = outline.links
        if links.rows:
            parts.append(f"<h4>{links.title}</h4>")
            for link in links.rows:
                bits = []
                if link.cites:
                    bits.append(f"{links.cites_label} "
                                + ", ".join(self._figure(x) for x in link.cites))
                if link.primary:
                    bits.append(f"{links.primary_label}: " + ", ".join(
                        self._link_to(x.proof, html.escape(_short_url(x.text)))
                        for x in link.primary))
                parts.append(f"<p style='margin-top:2px'>{square(link.outlet.color)} "
                             f"{html.escape(link.outlet.short)}: {'; '.join(bits)}</p>")
        self.details.setText("".join(parts))

    # ------------------------------------------------------------ editors' notes

    def _ask_coverage(self) -> None:
        if self.view is not None and self.view.story_id is not None:
            self.coverage_requested.emit(self.view.story_id, self.view.label)

    def apply_changed(self, changes: Changes) -> None:
        """An annotation of one of the drawn story's articles changed: read them again."""
        if self.outline is not None and (changes.tag_list or changes.all_articles or any(
                a in changes.annotated for a in self.outline.articles)):
            self.read_editors()

    def set_tag_colors(self, colors: dict[str, str]) -> None:
        """The tags' colours (the desk's lists were read): the chips' dots follow them."""
        self.tag_colors = {k.lower(): v for k, v in colors.items() if v}
        if self.view is not None:
            self._render_editors()

    def read_editors(self) -> None:
        """Editors' tags and notes on the drawn story (a job), beside the figures."""
        view = self.view
        if view is None or view.story_id is None:
            self.editors = ([], [])
            self._render_editors()
            return
        story_id = view.story_id

        def done(found: Editors) -> None:
            if self.view is not None and self.view.story_id == story_id:
                self.editors = found
                self._render_editors()

        self.jobs.latest(EDITORS_JOB, lambda store: story_annotations(store, story_id),
                         on_done=done)

    def _render_editors(self) -> None:
        """The section "Editors' notes": the story's own tags (each with a × that takes it
        off) and notes, with links to add either, then what editors said of its articles."""
        view = self.view
        if view is None or view.story_id is None:
            self.editors_view.hide()
            return
        story, articles = self.editors
        c = self.colors or theme.LIGHT
        mute = f"color:{c['muted']}"
        link = f"color:{c['accent']};text-decoration:none"
        titles = {a: o.title for a, o in self.outline.articles.items()} if self.outline else {}
        own_tags = sorted({a.tag for a in story if a.kind == "tag"}, key=str.lower)
        article_tags = sorted({a.tag for a in articles if a.kind == "tag"}
                              - set(own_tags), key=str.lower)
        codes: dict[tuple[str, str], int] = {}
        for a in articles:
            if a.kind == "code":
                codes[(a.codebook, a.value)] = codes.get((a.codebook, a.value), 0) + 1
        story_notes = [a for a in story if a.kind == "note"]
        notes = story_notes + [a for a in articles if a.kind == "note"]
        parts = ["<h4 style='margin-bottom:2px'>Editors' notes</h4>",
                 f"<p style='margin:0 0 4px 0'><a href='desk:tag' style='{link}'>Tag story…</a>"
                 f" &nbsp;·&nbsp; <a href='desk:note' style='{link}'>Note on story…</a></p>"]
        def dot(tag: str) -> str:  # the Tags group's colour: grey when none is chosen
            return (f"<span style='color:{self.tag_colors.get(tag.lower(), c['muted'])}'>"
                    "●</span>&nbsp;")

        if own_tags:
            chips = " &nbsp; ".join(
                f"{dot(t)}{unbroken(t)}&nbsp;<a href='untag:{quote(t, safe='')}' "
                f"title='Take {html.escape(t)} off the story' style='{mute};"
                "text-decoration:none'>×</a>" for t in own_tags)
            parts.append(f"<p style='margin:0'><b>Story tags:</b> {chips}</p>")
        if article_tags:
            parts.append(f"<p style='margin:0'><b>{'Its articles' if own_tags else 'Tags'}:"
                         "</b> " + ", ".join(unbroken(t) for t in article_tags) + "</p>")
        books = sorted({book for book, _v in codes})
        for book in books:
            ranked = sorted(((n, v) for (b, v), n in codes.items() if b == book),
                            key=lambda nv: (-nv[0], nv[1]))
            parts.append(f"<p style='margin:0'><b>{html.escape(book)}:</b> " + " · ".join(
                f"{html.escape(v)} <span style='{mute}'>{n}</span>" for n, v in ranked)
                + "</p>")
        if not (own_tags or article_tags or codes or notes):
            parts.append(f"<p style='{mute};margin:0'>No editor has tagged, coded or noted "
                         "this story yet.</p>")
        for note in notes[:MAX_EDITOR_NOTES]:
            quote_html = (f"<i>“{html.escape(note.quote.exact)}”</i><br>"
                          if note.quote is not None else "")
            on = ("on the story" if note.target == "story" else
                  f"on <a href='article:{note.article_id}'>"
                  f"{html.escape(titles.get(note.article_id) or 'an article')}</a>")
            parts.append(f"<p style='margin-top:4px'>{quote_html}{html.escape(note.text)}<br>"
                         f"<span style='{mute}'>{html.escape(note.editor or 'unknown')} · "
                         f"{note.created.astimezone():%d %b %H:%M} · {on}</span></p>")
        if len(notes) > MAX_EDITOR_NOTES:
            parts.append(f"<p style='{mute}'>and {len(notes) - MAX_EDITOR_NOTES} more notes "
                         "(in each article's annotations).</p>")
        self.editors_view.setText("".join(parts))
        self.editors_view.show()

    def _matrix(self, outline: Outline, matrix: VoicesMatrix) -> str:
        """Who quotes whom as one grid: outlets as columns in their colours, voices as rows,
        a linked mark (the number of sentences) where the outlet quotes the voice."""
        c = self.colors or theme.LIGHT
        mute = f"color:{c['muted']}"
        head = "".join(f"<th nowrap align='center' title='{html.escape(o.name)}' "
                       f"style='color:{o.color}'>&nbsp;{html.escape(o.short)}</th>"
                       for o in outline.outlets)
        rows = [f"<p style='{mute}; margin-bottom:2px'>{_text(matrix.note)}</p>",
                f"<table width='100%' cellspacing='0' cellpadding='1' style='font-size:small'>"
                f"<tr><th width='40%'></th>{head}</tr>"]
        for i, (name, cells) in enumerate(zip(matrix.voices, matrix.cells, strict=True)):
            if i == MAX_MATRIX:
                break
            marks = "".join(
                f"<td align='center'>{self._link_to(f.proof, '●' + html.escape(f.text))}</td>"
                if f is not None else f"<td align='center' style='{mute}'>·</td>"
                for f in cells)
            shown = unbroken(name) if len(name) <= UNBROKEN_NAME else html.escape(name)
            rows.append(f"<tr><td nowrap>{shown}&nbsp;</td>{marks}</tr>")
        rows.append("</table>")
        if len(matrix.voices) > MAX_MATRIX:
            rows.append(f"<p style='{mute}'>and {len(matrix.voices) - MAX_MATRIX} more voices "
                        "(in the reports).</p>")
        return "".join(rows)

    @staticmethod
    def _definitions(frames: FramesSection) -> list[tuple[str, str]]:
        """(name, definition) of each dimension drawn, from the section's legend."""
        known = dict(frames.definitions)
        return [(label, known.get(label, "")) for _key, label in frames.dimensions]

    def _figure(self, figure: Figure) -> str:
        return self._link_to(figure.proof, html.escape(figure.text))

    def _link_to(self, proof: Proof, text: str) -> str:
        self._items.append(proof)
        return f"<a href='ev:{len(self._items) - 1}'>{text}</a>"

    # ------------------------------------------------------------ export

    def export_dialog(self) -> None:
        view = self.view
        if view is None:
            return
        stem = re.sub(r"[^\w\- ]+", "", view.label)[:60].strip() or "story"
        name, chosen = QFileDialog.getSaveFileName(
            self, "Export comparison", f"{stem}.html",
            "HTML report (*.html);;Markdown (*.md);;JSON (*.json)")
        if name:
            self.export(Path(name), "md" if "Markdown" in chosen else
                        "json" if "JSON" in chosen else "html")

    def export(self, path: Path, fmt: str) -> None:
        """Write the shown comparison as a report (html, md or json), as a job: the HTML
        report reads its articles' addresses. A failure is a message, not an exception."""
        view = self.view
        if view is None:
            return
        article = self.article
        url = article.url if article is not None and article.id == view.article_id else None

        def failed(exc: BaseException) -> None:
            show_message(self, "Could not export",
                         f"{path}: {getattr(exc, 'strerror', None) or exc}")

        self.jobs.query(lambda store: write_report(store, view, path, fmt, url),
                        on_done=lambda _path: None, on_failed=failed)

    # ------------------------------------------------------------ evidence

    def show_frame(self, outlet: str, frame: str) -> None:
        """Open the evidence for one outlet's use of one frame (a heat-map cell)."""
        rows = self.outline.frames.rows if self.outline is not None else ()
        cell = next((c for r in rows if r.outlet.name == outlet for c in r.cells
                     if c.key == frame), None)
        if cell is not None and cell.figure is not None:
            self.show_evidence(cell.figure.proof)

    def _link(self, href: str) -> None:
        view = self.view
        story = view.story_id if view is not None else None
        if href in ("desk:tag", "desk:note") or href.startswith("untag:"):
            if story is not None and view is not None:
                if href == "desk:tag":
                    self.story_tag_requested.emit(story, view.label)
                elif href == "desk:note":
                    self.story_note_requested.emit(story, view.label)
                else:
                    self.story_untag_requested.emit(story, unquote(href.removeprefix("untag:")))
        elif href.startswith("ev:"):
            self.show_evidence(self._items[int(href[3:])])
        elif href.startswith("article:"):
            self.article_requested.emit(href.removeprefix("article:"))
        elif href.startswith(("http://", "https://")):
            QDesktopServices.openUrl(QUrl(href))  # a click is the user's request to go online

    def _evidence_link(self, url: QUrl) -> None:
        if url.scheme() == "article":
            self.article_requested.emit(url.path())
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    def show_evidence(self, item: Proof) -> None:
        """List the sentences behind a figure, the words that made it highlighted."""
        c = self.colors or theme.LIGHT
        title = f"<b>{html.escape(item.title)}</b>"
        if item.url:
            title += (f"<br><a href='{html.escape(item.url)}'>{html.escape(_short_url(item.url))}"
                      " ↗</a>")
        self.evidence_title.setText(title)
        articles = self.outline.articles if self.outline is not None else {}
        rows = []
        for i, ev in enumerate(item.sentences[:MAX_EVIDENCE]):
            text = highlight(ev.sentence, item.pattern,
                             f"<span style='background-color:{c['mark']};"
                             f"color:{c['text']}'><b>", "</b></span>")
            article = articles.get(ev.article_id)
            outlet, head = (article.outlet, article.title) if article else ("", "")
            score = (f"<b>{item.scores[i]:+.2f}</b> " if i < len(item.scores) else "")
            rows.append(f"<p>{score}{text}<br><span style='color:{c['muted']}'>"
                        f"{html.escape(outlet)} · <a href='article:{ev.article_id}'>"
                        f"{html.escape(head or 'open the article')}</a></span></p>")
        if len(item.sentences) > MAX_EVIDENCE:
            rows.append(f"<p style='color:{c['muted']}'>and {len(item.sentences) - MAX_EVIDENCE} "
                        "more sentences.</p>")
        if not item.sentences:
            rows.append(f"<p style='color:{c['muted']}'>"
                        f"{html.escape(item.note or 'No sentences to show.')}</p>")
        self.evidence_view.setHtml("".join(rows))
        self.evidence.show()

    def hide_evidence(self) -> None:
        self.evidence.hide()


def unbroken(tag: str) -> str:
    """A tag as rich text that never wraps inside itself: "lead-story" broke at its hyphen
    in a narrow pane (Qt ignores white-space: nowrap on a span), so its hyphens and spaces
    become their non-breaking kinds."""
    return html.escape(tag).replace("-", "\u2011").replace(" ", "&nbsp;")


def _text(text: str) -> str:
    """One of the outline's own sentences as rich text."""
    return html.escape(text, quote=False)


def _short_url(url: str) -> str:
    tail = url.split("://", 1)[-1]
    return tail if len(tail) <= 40 else tail[:37] + "…"
