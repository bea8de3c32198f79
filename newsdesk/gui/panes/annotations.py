"""The annotations pane: what editors said about the article in the reader.

Its tags, codes and notes (a highlight's quote above its note, with editor and time, and
"lost" when the passage is no longer in the text), and the story's tags and notes. It
draws what a job read (services.annotations.article_annotations); clicking a highlight
asks the reader to jump to it, and the links ask the desk's actions to add, edit or
remove a note. It reads nothing itself.
"""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from newsdesk.gui import theme
from newsdesk.models import Annotation
from newsdesk.services.annotations import ArticleAnnotations, PlacedNote

EMPTY = ("<h3>Annotations</h3><p>Tags, codes and notes of the article in the reader appear "
         "here. Select text in the reader and choose <b>Highlight with note</b> (H) to quote "
         "a passage; press T to tag and 1–9 to code the selected articles.</p>")
STATUS_TEXT = {
    "found": "",
    "moved": "the text changed; the passage was found again",
    "lost": "lost: the passage is no longer in the text",
}


def _when(created: datetime) -> str:
    return created.astimezone().strftime("%d %b %Y, %H:%M")


class AnnotationsPane(QWidget):
    """Lists an article's annotations; signals what the user asks for."""

    note_clicked = Signal(str)  # a highlight's note id: show its passage
    add_requested = Signal()
    edit_requested = Signal(str)  # note id
    remove_requested = Signal(str)  # note id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationsPane")
        self.colors: dict[str, str] = dict(theme.LIGHT)
        self.tag_colors: dict[str, str] = {}
        self.shown: ArticleAnnotations | None = None
        self.title = ""
        self.view = QTextBrowser()
        self.view.setObjectName("annotationsView")
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(lambda url: self.follow(url.toString()))
        self.add_button = QPushButton("Add note…")
        self.add_button.setToolTip("A note on the article in the reader (Shift+N)")
        self.add_button.clicked.connect(self.add_requested)
        self.add_button.setEnabled(False)
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 4, 8, 4)
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.clear()

    @property
    def shown_id(self) -> str | None:
        """The article whose annotations are shown (None when none are)."""
        return self.shown.article_id if self.shown is not None else None

    def set_colors(self, colors: dict[str, str]) -> None:
        self.colors = colors
        self._render()

    def set_tag_colors(self, colors: dict[str, str]) -> None:
        self.tag_colors = {k.lower(): v for k, v in colors.items() if v}
        self._render()

    def clear(self) -> None:
        self.shown = None
        self.title = ""
        self.add_button.setEnabled(False)
        self.view.setHtml(EMPTY)

    def show_annotations(self, annotations: ArticleAnnotations, title: str = "") -> None:
        self.shown = annotations
        self.title = title
        self.add_button.setEnabled(True)
        self._render()

    def notes(self) -> tuple[PlacedNote, ...]:
        return self.shown.notes if self.shown is not None else ()

    def _render(self) -> None:
        a = self.shown
        if a is None:
            return
        c = self.colors
        mute = f"color:{c['muted']}"
        lost = sum(1 for n in a.notes if n.status == "lost")
        counts = (f"{len(a.tags)} tag{'s' * (len(a.tags) != 1)} · {len(a.codes)} "
                  f"code{'s' * (len(a.codes) != 1)} · {len(a.notes)} "
                  f"note{'s' * (len(a.notes) != 1)}" + (f" · {lost} lost" if lost else ""))
        parts = [f"<h3 style='margin-bottom:0'>{html.escape(self.title or 'This article')}</h3>"
                 f"<p style='{mute};margin-top:0'>{counts}</p>"]
        parts.append(self._tag_line("Tags", a.tags))
        if a.codes:
            codes = "<br>".join(
                f"<b>{html.escape(x.codebook)}</b>: {html.escape(x.value)} "
                f"<span style='{mute}'>({html.escape(x.editor or 'unknown editor')})</span>"
                for x in sorted(a.codes, key=lambda x: (x.codebook, x.editor)))
            parts.append(f"<p style='margin-top:4px'>{codes}</p>")
        else:
            parts.append(f"<p style='{mute};margin-top:4px'>Not coded yet.</p>")
        parts.append(f"<h4 style='margin-bottom:2px'>Notes ({len(a.notes)})</h4>")
        if not a.notes:
            parts.append(f"<p style='{mute}'>No notes yet.</p>")
        for placed in a.notes:
            parts.append(self._note_html(placed))
        if a.story_tags or a.story_notes:
            parts.append("<h4 style='margin-bottom:2px'>Its story</h4>")
            if a.story_tags:
                parts.append(self._tag_line("Story tags", a.story_tags))
            for note in a.story_notes:
                parts.append(self._plain_note_html(note))
        self.view.setHtml("".join(parts))

    def _tag_line(self, label: str, tags: tuple[Annotation, ...]) -> str:
        c = self.colors
        if not tags:
            return f"<p style='color:{c['muted']};margin-top:2px'>No tags yet (T adds some).</p>"
        chips = " &nbsp;".join(
            f"<span style='color:{self.tag_colors.get(t.tag.lower(), c['accent'])}'>●</span>"
            f"&nbsp;{html.escape(t.tag)}" for t in tags)
        return f"<p style='margin-top:2px'><b>{label}:</b> {chips}</p>"

    def _note_html(self, placed: PlacedNote) -> str:
        c = self.colors
        note = placed.note
        status = STATUS_TEXT.get(placed.status, "")
        quote = ""
        if note.quote is not None:
            passage = html.escape(note.quote.exact)
            if placed.status == "lost":
                quote = (f"<p style='margin:0'><span style='color:{c['warning']}'>⚠ "
                         f"{html.escape(status)}</span><br>"
                         f"<span style='color:{c['muted']}'><i>“{passage}”</i></span></p>")
            else:
                quote = (f"<p style='margin:0'><a href='note:{html.escape(note.id)}' "
                         f"style='color:{c['text']};text-decoration:none'>"
                         f"<span style='background-color:{c['mark']}'><i>“{passage}”</i></span>"
                         "</a>" + (f"<br><span style='color:{c['muted']}'>{html.escape(status)}"
                                   "</span>" if status else "") + "</p>")
        return (f"<div style='margin-top:8px'>{quote}"
                f"<p style='margin:2px 0 0 0'>{html.escape(note.text) or '<i>(no text)</i>'}</p>"
                f"<p style='color:{c['muted']};margin:0'>{html.escape(note.editor or 'unknown')}"
                f" · {_when(note.created)} · <a href='edit:{html.escape(note.id)}'>edit</a>"
                f" · <a href='remove:{html.escape(note.id)}'>remove</a></p></div>")

    def _plain_note_html(self, note: Annotation) -> str:
        c = self.colors
        return (f"<p style='margin-top:6px'>{html.escape(note.text)}<br>"
                f"<span style='color:{c['muted']}'>{html.escape(note.editor or 'unknown')} · "
                f"{_when(note.created)}</span></p>")

    def follow(self, href: str) -> None:
        """A link in the pane: jump to a highlight, or edit or remove a note."""
        kind, _, ident = href.partition(":")
        if kind == "note":
            self.note_clicked.emit(ident)
        elif kind == "edit":
            self.edit_requested.emit(ident)
        elif kind == "remove":
            self.remove_requested.emit(ident)
        elif kind in ("http", "https"):
            QDesktopServices.openUrl(QUrl(href))
