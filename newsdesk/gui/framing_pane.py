"""The framing pane: how each outlet tells the selected article's story, with evidence.

It follows the selected article. A story's comparison comes from the store's cache when
it is fresh (fast enough for the GUI thread); otherwise it is computed on a worker while
the pane says so. Every figure is a link: clicking it lists the sentences behind it in
the evidence view below, each with a link to its article.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
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

from newsdesk.analysis.framing import (
    FRAME_LABELS,
    Comparison,
    Evidence,
    frame_patterns,
    hedge_pattern,
    tone_word,
)
from newsdesk.comparison import (
    cached_story_comparison,
    compare_article,
    compare_story,
    to_json,
    to_markdown,
)
from newsdesk.errors import NewsdeskError
from newsdesk.gui import theme
from newsdesk.gui.charts import FrameHeatMap, TimelineChart, TimelinePoint
from newsdesk.gui.messages import show_message
from newsdesk.models import Article
from newsdesk.presentation import (
    any_of,
    highlight,
    outlet_color,
    outlet_colors,
    outlets_in_order,
    short_name,
    signed,
    word_pattern,
)
from newsdesk.report_html import to_html
from newsdesk.store import Store

# runner(call, on_done, on_failed): run call(store) off the GUI thread (MainWindow._with_store)
Runner = Callable[[Callable[[Store], Any], Callable[[Any], None], Callable[[BaseException], None]],
                  None]

EMPTY_TEXT = (
    "<h3>Story comparison</h3>"
    "<p>When several outlets report the same event, this pane lines them up: who reported "
    "first, what each headline stresses, the words each outlet uses that the others avoid, "
    "whose voices each quotes, the tone, and the frames each leans on.</p>"
    "<p>Select an article to see its story here. Every figure can be clicked to show the "
    "sentences behind it.</p>"
)
MAX_EVIDENCE = 40
MAX_VOICES = 12  # per outlet in the pane; the reports list them all
MAX_HEADLINES = 6  # per outlet; a long-running story's list would bury the rest


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """What one link in the pane stands for."""

    title: str
    sentences: tuple[Evidence, ...]
    highlight: re.Pattern[str] | None = None
    scores: tuple[float, ...] = ()  # tone scores, one per sentence, when that is the figure
    url: str = ""  # a primary source the figure is about, offered as a link
    note: str = ""  # why, when the figure rests on something other than sentences


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

    def setHtml(self, text: str) -> None:  # type: ignore[override]
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


class FramingPane(QWidget):
    """The side pane for the selected article's story."""

    article_requested = Signal(str)
    comparison_shown = Signal(object)  # the story id (or article id) whose comparison is up

    def __init__(self, store: Store | None = None, runner: Runner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.article: Article | None = None
        self.story_id: int | None = None
        self.comparison: Comparison | None = None
        self.colors: dict[str, str] = {}
        self._label = ""
        self._request = 0
        self._items: list[EvidenceItem] = []
        self._titles: dict[str, tuple[str, str]] = {}  # article id -> (outlet, title)
        self._stale = False
        self._busy = False  # a comparison is being computed on a worker
        self._pending = False  # the selection moved meanwhile: look again when it is done

        self.header = QLabel(EMPTY_TEXT)
        self.header.setObjectName("storyHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.header.linkActivated.connect(self._link)
        self.timeline = TimelineChart()
        self.timeline.article_clicked.connect(self.article_requested)
        self.frames_title = QLabel()
        self.frames_title.setTextFormat(Qt.TextFormat.RichText)
        self.frames_title.setWordWrap(True)
        self.heatmap = FrameHeatMap()
        self.heatmap.cell_clicked.connect(self._frame_clicked)
        self.details = FitBrowser()
        self.details.setObjectName("storyDetails")
        self.details.linkActivated.connect(self._link)

        self.export_button = QToolButton()
        self.export_button.setText("Export…")
        self.export_button.setToolTip("Save this comparison as an HTML report (with its charts), "
                                      "Markdown or JSON")
        self.export_button.clicked.connect(self.export_dialog)
        self.export_button.hide()
        body = QWidget()
        body.setObjectName("storyBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(8, 8, 8, 8)
        column.setSpacing(6)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(top)
        column.addWidget(self.timeline)
        column.addWidget(self.frames_title)
        column.addWidget(self.heatmap)
        column.addWidget(self.details)
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

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
        self.splitter.addWidget(self.scroll)
        self.splitter.addWidget(self.evidence)
        self.splitter.setSizes([560, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._empty(EMPTY_TEXT)

    # ------------------------------------------------------------ following the selection

    def set_colors(self, colors: dict[str, str]) -> None:
        self.colors = colors
        for chart in (self.timeline, self.heatmap):
            chart.text_color = QColor(colors["text"])
            chart.muted = QColor(colors["muted"])
        self.timeline.grid = QColor(colors["border"])
        self.heatmap.base = QColor(colors["base"])
        self.heatmap.accent = QColor(colors["accent"])
        if self.comparison is not None:
            self._render()

    def show_article(self, article: Article | None) -> None:
        """Follow the selected article: its story's comparison, its own profile, or a hint."""
        previous_story = self.story_id
        self.article = article
        self._request += 1
        if not self.isVisible() and article is not None:
            self._stale = True  # nobody is looking: compare when the pane is shown
            return
        self._stale = False
        if article is None or self.store is None:
            self.story_id = None
            self.comparison = None
            self._empty(EMPTY_TEXT)
            return
        try:
            story_id = self.store.stories.story_of(article.id)
            if story_id is not None and story_id == previous_story and self.comparison is not None:
                self._render()  # same story: only the marked article moves
                return
            self.story_id = story_id
            cached = cached_story_comparison(self.store, story_id) if story_id is not None else None
            if cached is not None:
                self._show(self.store.stories.label(story_id), cached)  # type: ignore[arg-type]
                return
        except NewsdeskError as exc:
            self._empty(f"<p>{html.escape(str(exc))}</p>")
            return
        self.comparison = None
        self._empty("<h3>Comparing…</h3><p>Reading this story's articles side by side.</p>")
        if self._busy:  # one comparison at a time: holding j must not queue one per article
            self._pending = True
            return
        token = self._request
        if story_id is None:
            article_id = article.id

            def call(store: Store) -> tuple[str, Comparison]:
                return compare_article(store, article_id)
        else:
            def call(store: Store) -> tuple[str, Comparison]:
                return compare_story(store, story_id)

        def finished() -> None:
            self._busy = False
            if self._pending:
                self._pending = False
                self.reload()

        def done(result: tuple[str, Comparison]) -> None:
            if token == self._request:
                self._show(*result)
            finished()

        def failed(error: BaseException) -> None:
            if token == self._request:
                self._empty(f"<h3>No comparison</h3><p>{html.escape(str(error))}</p>")
            finished()

        if self.runner is None:
            try:
                done(call(self.store))
            except NewsdeskError as exc:
                failed(exc)
        else:
            self._busy = True
            self.runner(call, done, failed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def reload(self) -> None:
        """After a refresh the story may have grown: look again (the cache says if so).
        An unchanged comparison is left as it is, evidence open and scrolled where it was."""
        article = self.article
        if article is not None and self.comparison is not None and self.store is not None \
                and self.isVisible():
            try:
                story_id = self.store.stories.story_of(article.id)
                if story_id is not None and story_id == self.story_id and \
                        cached_story_comparison(self.store, story_id) == self.comparison:
                    return
            except NewsdeskError:
                pass
        self.story_id, self.comparison = None, None
        self.show_article(article)

    # ------------------------------------------------------------ drawing

    def _empty(self, text: str) -> None:
        self.export_button.hide()
        self.header.setText(text)
        self.timeline.set_points([])
        self.heatmap.set_data([], [], {})
        self.frames_title.hide()
        self.details.clear()
        self.hide_evidence()

    def _show(self, label: str, comparison: Comparison) -> None:
        self._label = label
        self.comparison = comparison
        self.hide_evidence()
        self._render()
        self.scroll.verticalScrollBar().setValue(0)
        self.comparison_shown.emit(self.story_id if self.story_id is not None
                                   else (self.article.id if self.article else None))

    def _render(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        c = self.colors or theme.LIGHT
        current = self.article.id if self.article else ""
        self._items = []
        outlets = outlets_in_order(comparison)
        color = outlet_colors(outlets)
        self._titles = {h.article_id: (o.outlet, h.sentence) for o in outlets for h in o.headlines}
        articles = sum(len(o.headlines) for o in outlets)
        single = len(outlets) == 1
        mute = f"color:{c['muted']}"

        # header
        if single:
            what = ("Not grouped into a story yet." if self.story_id is None else
                    f"Only {html.escape(outlets[0].outlet)} has reported this so far; other "
                    "outlets' coverage appears here as it arrives.")
            head = (f"<h3 style='margin:0'>{html.escape(self._label)}</h3>"
                    f"<p style='{mute}'>{what} Below is this coverage's own profile, its words "
                    "measured against everything stored.</p>")
        else:
            first = comparison.timeline[0] if comparison.timeline else None
            who = (f" · first: <b>{html.escape(first.outlet)}</b>" if first else "")
            head = (f"<h3 style='margin:0'>{html.escape(self._label)}</h3>"
                    f"<p style='{mute}'>{len(outlets)} outlets · {articles} articles{who}</p>")
        self.header.setText(head)
        self.export_button.show()
        self.timeline.set_points([
            TimelinePoint(e.outlet, color.get(e.outlet, outlet_color(0)), e.published,
                          e.hours_after_first, e.article_id,
                          self._titles.get(e.article_id, ("", ""))[1])
            for e in comparison.timeline] if not single else [], current)

        # heat map: the dimensions any outlet uses, in the Media Frames Corpus order
        used = [k for k in FRAME_LABELS if any(o.frames.get(k) for o in outlets)]
        self.heatmap.set_data([(o.outlet, short_name(o.outlet), color[o.outlet]) for o in outlets],
                              [(k, FRAME_LABELS[k]) for k in used],
                              {o.outlet: o.frames for o in outlets})
        self.frames_title.setVisible(bool(used))
        self.frames_title.setText("<b>Frames</b> <span style='" + mute + "'>share of each "
                                  "outlet's framing sentences; click a cell</span>")

        parts: list[str] = []
        # headlines, with the words no other headline uses marked
        parts.append("<h4>Headlines</h4>")
        for o in outlets:
            marked = any_of(o.headline_words) if not single else None
            kind = self._link_to(EvidenceItem(
                f"Why {o.outlet} reads as {o.kind}: {o.kind_reason}", (),
                note="This figure comes from the article's feed categories, address or style "
                     "rather than from particular sentences."),
                f"<span style='background-color:{c['notice']};color:{c['text']}'>"
                f"&nbsp;{o.kind}&nbsp;</span>")
            parts.append(f"<p style='margin-top:2px'><span style='color:{color[o.outlet]}'>■</span> "
                         f"<b>{html.escape(o.outlet)}</b> <span style='{mute}'>"
                         f"({short_name(o.outlet)})</span> {kind}")
            listed = [h for i, h in enumerate(o.headlines)
                      if i < MAX_HEADLINES or h.article_id == current]
            for h in listed:
                title = (highlight(h.sentence, marked, "<u><b>", "</b></u>") if marked
                         else html.escape(h.sentence))
                arrow = "▶ " if h.article_id == current else ""
                parts.append(f"<br>{arrow}<a href='article:{h.article_id}' style='color:{c['text']};"
                             f"text-decoration:none'>{title}</a>")
            if len(o.headlines) > len(listed):
                parts.append(f"<br><span style='{mute}'>and {len(o.headlines) - len(listed)} "
                             "more</span>")
            parts.append("</p>")
        if not single:
            parts.append(f"<p style='{mute}'>Underlined: words no other outlet's headline uses."
                         "</p>")

        # tone, loaded language, hedges
        parts.append("<h4>Tone</h4><table cellspacing='0' cellpadding='2'>")
        for o in outlets:
            tone_link = self._link_to(EvidenceItem(
                f"{o.outlet}: its strongest sentences by tone (VADER, -1 to 1)",
                tuple(e for _, e in o.tone_evidence), None,
                tuple(s for s, _ in o.tone_evidence)),
                f"{signed(o.tone)} {tone_word(o.tone)}")
            loaded = self._link_to(EvidenceItem(
                f"{o.outlet}: loaded words", tuple(t.evidence for t in o.loaded),
                any_of(t.word for t in o.loaded)),
                f"{len(o.loaded)} loaded") if o.loaded else f"<span style='{mute}'>0 loaded</span>"
            hedge = self._link_to(EvidenceItem(
                f"{o.outlet}: hedged sentences", o.hedges, hedge_pattern()),
                f"{len(o.hedges)} hedged") if o.hedges else f"<span style='{mute}'>0 hedged</span>"
            parts.append(f"<tr><td><span style='color:{color[o.outlet]}'>■</span> "
                         f"{html.escape(short_name(o.outlet))}&nbsp;</td><td>{tone_link}&nbsp;"
                         f"</td><td>{loaded}&nbsp;</td><td>{hedge}</td></tr>")
        parts.append("</table>")

        # distinctive words and the common core
        parts.append("<h4>" + ("Words it leans on" if single else "Words each uses more than "
                                                                 "the others") + "</h4>")
        for o in outlets:
            if not o.distinctive:
                continue
            links = ", ".join(self._link_to(EvidenceItem(
                f"{o.outlet} uses “{t.term}” {t.count}× (log-odds z {t.z:+.1f})", t.evidence,
                word_pattern(t.term)), html.escape(t.term)) for t in o.distinctive)
            parts.append(f"<p style='margin-top:2px'><span style='color:{color[o.outlet]}'>■</span>"
                         f" {links}</p>")
        if comparison.common_core and not single:
            core = ", ".join(self._link_to(EvidenceItem(
                f"Every outlet reports “{term}”", comparison.core_evidence.get(term, ()),
                word_pattern(term)), html.escape(term)) for term in comparison.common_core[:12])
            parts.append(f"<p><b>Everyone reports:</b> {core}</p>")

        # voices, the most cited first
        quoted: dict[str, list[Evidence]] = {}
        for o in outlets:
            for v in o.voices:
                quoted.setdefault(v.name, []).extend(v.evidence)
        if quoted:
            parts.append("<h4>Voices</h4>")
            for o in outlets:
                ranked = sorted(o.voices, key=lambda v: (-len(v.evidence), v.name))
                names = ", ".join(self._link_to(EvidenceItem(
                    f"{o.outlet} quotes or cites {v.name}", v.evidence, word_pattern(v.name)),
                    html.escape(v.name)) for v in ranked[:MAX_VOICES]) or \
                    f"<span style='{mute}'>nobody</span>"
                if len(ranked) > MAX_VOICES:
                    names += f" <span style='{mute}'>and {len(ranked) - MAX_VOICES} more</span>"
                line = (f"<p style='margin-top:2px'><span style='color:{color[o.outlet]}'>■</span> "
                        f"{names}")
                if o.missing_voices and not single:
                    missing = sorted(o.missing_voices, key=lambda n: (-len(quoted.get(n, ())), n))
                    gone = ", ".join(self._link_to(EvidenceItem(
                        f"{o.outlet} leaves out {name}; the others quote them so:",
                        tuple(quoted.get(name, ())), word_pattern(name)), html.escape(name))
                        for name in missing[:MAX_VOICES])
                    if len(missing) > MAX_VOICES:
                        gone += f" <span style='{mute}'>and {len(missing) - MAX_VOICES} more</span>"
                    line += f"<br><span style='{mute}'>leaves out:</span> {gone}"
                parts.append(line + "</p>")

        # links
        linking = [o for o in outlets if o.links_to_outlets or o.primary_sources]
        if linking:
            parts.append("<h4>Links</h4>")
            for o in linking:
                bits = []
                if o.links_to_outlets:
                    bits.append("cites " + ", ".join(self._link_to(EvidenceItem(
                        f"{o.outlet} links to {x}", o.link_evidence.get(x, ())), html.escape(x))
                        for x in o.links_to_outlets))
                if o.primary_sources:
                    bits.append("primary sources: " + ", ".join(self._link_to(EvidenceItem(
                        f"{o.outlet} links to a primary source", o.link_evidence.get(u, ()),
                        url=u),
                        html.escape(_short_url(u))) for u in o.primary_sources))
                parts.append(f"<p style='margin-top:2px'><span style='color:{color[o.outlet]}'>■"
                             f"</span> {html.escape(short_name(o.outlet))}: {'; '.join(bits)}</p>")
        self.details.setText("".join(parts))

    def _link_to(self, item: EvidenceItem, text: str) -> str:
        self._items.append(item)
        return f"<a href='ev:{len(self._items) - 1}'>{text}</a>"

    # ------------------------------------------------------------ export

    def export_dialog(self) -> None:
        if self.comparison is None:
            return
        stem = re.sub(r"[^\w\- ]+", "", self._label)[:60].strip() or "story"
        name, chosen = QFileDialog.getSaveFileName(
            self, "Export comparison", f"{stem}.html",
            "HTML report (*.html);;Markdown (*.md);;JSON (*.json)")
        if not name:
            return
        try:
            self.export(Path(name), "md" if "Markdown" in chosen else
                        "json" if "JSON" in chosen else "html")
        except (OSError, NewsdeskError) as exc:
            show_message(self, "Could not export",
                         f"{name}: {getattr(exc, 'strerror', None) or exc}")

    def export(self, path: Path, fmt: str) -> None:
        """Write the shown comparison as a report (html, md or json)."""
        if self.comparison is None:
            return
        if fmt == "html":
            urls = ({m.article_id: m.url for m in self.store.stories.members(self.story_id) if m.url}
                    if self.store is not None and self.story_id is not None else {})
            if self.article is not None and self.article.url:
                urls.setdefault(self.article.id, self.article.url)
            text = to_html(self._label, self.comparison, urls=urls)
        elif fmt == "md":
            text = to_markdown(self._label, self.comparison)
        else:
            text = to_json(self._label, self.comparison)
        path.write_text(text + "\n", encoding="utf-8")

    # ------------------------------------------------------------ evidence

    def _frame_clicked(self, outlet: str, frame: str) -> None:
        found = next((o for o in (self.comparison.outlets if self.comparison else ())
                      if o.outlet == outlet), None)
        if found is None:
            return
        share = found.frames.get(frame, 0.0)
        self.show_evidence(EvidenceItem(
            f"{outlet}: {FRAME_LABELS.get(frame, frame)} in {share:.0%} of its framing sentences",
            found.frame_evidence.get(frame, ()), frame_patterns().get(frame)))

    def _link(self, href: str) -> None:
        if href.startswith("ev:"):
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

    def show_evidence(self, item: EvidenceItem) -> None:
        """List the sentences behind a figure, the words that made it highlighted."""
        c = self.colors or theme.LIGHT
        title = f"<b>{html.escape(item.title)}</b>"
        if item.url:
            title += (f"<br><a href='{html.escape(item.url)}'>{html.escape(_short_url(item.url))}"
                      " ↗</a>")
        self.evidence_title.setText(title)
        rows = []
        for i, ev in enumerate(item.sentences[:MAX_EVIDENCE]):
            text = html.escape(ev.sentence)
            if item.highlight is not None:
                text = highlight(ev.sentence, item.highlight,
                                  f"<span style='background-color:{c['notice']};"
                                  f"color:{c['text']}'><b>", "</b></span>")
            outlet, title = self._titles.get(ev.article_id, ("", ""))
            score = (f"<b>{item.scores[i]:+.2f}</b> " if i < len(item.scores) else "")
            rows.append(f"<p>{score}{text}<br><span style='color:{c['muted']}'>"
                        f"{html.escape(outlet)} · <a href='article:{ev.article_id}'>"
                        f"{html.escape(title or 'open the article')}</a></span></p>")
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


def _short_url(url: str) -> str:
    tail = url.split("://", 1)[-1]
    return tail if len(tail) <= 40 else tail[:37] + "…"
