"""The reader: sanitized HTML from the store, shown without ever touching the network.

QTextBrowser runs no script. It asks loadResource() for every image; remote ones get a
placeholder unless the user allowed remote images, and then they come from the local
cache only (downloading is offline/assets.py's job, on a worker thread, never here).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDesktopServices,
    QImage,
    QPainter,
    QPixmap,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from newsdesk.analysis.anchoring import locate
from newsdesk.formats.palette import LIGHT
from newsdesk.gui.reader_html import FETCH, TOGGLE, Note, adapt, note_for
from newsdesk.models import Article, FullText, Source, TextQuote
from newsdesk.offline.assets import image_urls
from newsdesk.offline.fulltext import needs_full_text

FIT_DELAY_MS = 120  # images are fitted to the new width once a resize pauses this long
NOTE_MIN_LINE = 260  # px: a note's sentence narrower than this puts its buttons below it

log = logging.getLogger(__name__)


def _placeholder(width: int = 200, height: int = 110) -> QImage:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(128, 128, 128, 36))
    painter = QPainter(image)
    painter.setPen(QColor(128, 128, 128, 180))
    painter.drawRect(0, 0, width - 1, height - 1)
    painter.drawText(image.rect(), 0x0084, "remote image\nnot loaded")  # AlignCenter
    painter.end()
    return image


def summary_only(article: Article) -> bool:
    """Whether the feed gave only a summary of the article (the reader offers its page)."""
    return bool(article.url) and needs_full_text(article)


def find_quote(text: str, quote: TextQuote, start: int = 0) -> tuple[int, int] | None:
    """Where a highlight's passage is in the shown document's text, as (start, end), looking
    from `start` (the article's body, past its header): the same search the annotations
    pane's found/moved/lost comes from (analysis.anchoring.locate). None when it is not
    there. Images are Qt's object replacement character in the text: a space to it."""
    span = locate(text[start:].replace("\ufffc", " "), quote)
    return None if span is None else (start + span.start, start + span.end)


class ReaderView(QTextBrowser):
    """Shows one article; remote resources are blocked and recorded, links open outside.
    Highlights (editors' quoted passages) are drawn over the text, never into it."""

    link_opened = Signal(QUrl)
    highlight_requested = Signal(str)  # the selected passage, for "Highlight with note"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.blocked_urls: list[str] = []
        self.cached_image: Callable[[str], bytes | None] = lambda _u: None
        self._article: Article | None = None
        self._placeholder = _placeholder()
        self._css = ""
        self._body_start = 0  # where the article's text begins, after title and byline
        self.highlights: dict[str, tuple[int, int]] = {}  # note id -> shown (start, end)
        self.colors: dict[str, str] = dict(LIGHT)  # the theme's: embed cards are drawn in it
        # Images are fitted to the width once a resize pauses (every pixel of a drag
        # would lay the document out again).
        self._fit_timer = QTimer(self, singleShot=True, interval=FIT_DELAY_MS)
        self._fit_timer.timeout.connect(self.fit_images)

    @property
    def article(self) -> Article | None:
        return self._article

    def show_article(self, article: Article, source: Source | None,
                     body_html: str | None = None) -> None:
        """Show an article: its feed's version, or `body_html` (its full text) instead."""
        self._article = article
        self.blocked_urls = []
        outlet = html.escape(source.display_name if source else article.outlet)
        when = article.published.astimezone().strftime("%A %d %B %Y, %H:%M")
        byline = " · ".join(filter(None, [outlet, html.escape(article.author), when]))
        link = (f'<p class="meta"><a href="{html.escape(article.url, quote=True)}">'
                f"Open the original ↗</a> &nbsp; {html.escape(article.url)}</p>"
                if article.url else "")
        tags = (f'<p class="tags">{html.escape(" · ".join(article.categories))}</p>'
                if article.categories else "")
        body = adapt(body_html or article.html, self.colors) or \
            f"<p>{html.escape(article.text)}</p>"
        self._fresh_document()
        head = f'<h1>{html.escape(article.title)}</h1><p class="meta">{byline}</p>{tags}{link}<br>'
        self.setHtml(f"{head}<a name='newsdesk-body'></a>{body}")
        self._body_start = self._head_length(head)
        self.fit_images()
        self.verticalScrollBar().setValue(0)

    def image_width(self) -> int:
        """The widest an image may be drawn: the reader's text width."""
        margin = int(self.document().documentMargin())
        return max(40, self.viewport().width() - 2 * margin - 4)

    def fit_images(self) -> None:
        """Draw every image at most as wide as the reader, keeping its aspect (a 2000 px
        photo in a 500 px reader scrolled sideways). Sizes are set on the document's image
        formats, so the text, its highlights and their positions do not change."""
        self._fit_timer.stop()
        document = self.document()
        widest = self.image_width()
        cursor = QTextCursor(document)
        block = document.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                it += 1
                fmt = fragment.charFormat()
                if not fragment.isValid() or not fmt.isImageFormat():
                    continue
                image = fmt.toImageFormat()
                width, height = self._natural_size(image)
                if width <= 0 or height <= 0:
                    continue
                shown = min(width, widest)
                if abs(image.width() - shown) < 0.5 and image.height() > 0:
                    continue
                image.setWidth(shown)
                image.setHeight(height * shown / width)
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(),
                                   QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(image)
            block = block.next()

    def _natural_size(self, image: QTextImageFormat) -> tuple[int, int]:
        """An image's own size, from the document's resource (loadResource's answer)."""
        resource = self.document().resource(QTextDocument.ResourceType.ImageResource.value,
                                            QUrl(image.name()))
        if isinstance(resource, (QImage, QPixmap)):
            return resource.width(), resource.height()
        return 0, 0

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_timer.start()

    def _head_length(self, head: str) -> int:
        """How many characters the title and byline take in the shown document."""
        probe = QTextDocument()
        probe.setHtml(head)
        return max(0, probe.characterCount() - 1)

    def selected_passage(self) -> str:
        """The selected text with paragraph breaks as spaces ("" when nothing is)."""
        text = self.textCursor().selectedText()
        return re.sub(r"\s+", " ", text.replace("\u2029", " ").replace("\u2028", " ")).strip()

    def set_highlights(self, quotes: Sequence[tuple[str, TextQuote]], color: str) -> None:
        """Draw each note's passage with the palette's mark colour; a passage that is not
        in the shown text any more is not drawn (the annotations pane says it is lost)."""
        text = self.document().toPlainText()
        selections = []
        self.highlights = {}
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(color))
        for note_id, quote in quotes:
            found = find_quote(text, quote, self._body_start) or find_quote(text, quote)
            if found is None:
                continue
            self.highlights[note_id] = found
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(found[0])
            cursor.setPosition(found[1], QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.setExtraSelections(selections)

    def jump_to(self, note_id: str) -> bool:
        """Scroll to a highlight and select its passage; False when it is not shown."""
        found = self.highlights.get(note_id)
        if found is None:
            return False
        cursor = QTextCursor(self.document())
        cursor.setPosition(found[0])
        cursor.setPosition(found[1], QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        return True

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """The standard menu, and "Highlight with note…" when text is selected."""
        menu = self.createStandardContextMenu(event.pos())
        passage = self.selected_passage()
        if passage and self._article is not None:
            action = menu.addAction("Highlight with note…")
            action.triggered.connect(lambda _c=False: self.highlight_requested.emit(passage))
            menu.insertAction(menu.actions()[0], action)
            menu.insertSeparator(menu.actions()[1])
        menu.exec(event.globalPos())
        menu.deleteLater()

    def set_css(self, css: str) -> None:
        self._css = css
        self.document().setDefaultStyleSheet(css)

    def _fresh_document(self) -> None:
        """A new document per article: QTextDocument caches resources, placeholders included."""
        document = QTextDocument(self)  # the old one, our child too, is deleted by Qt
        document.setDefaultStyleSheet(self._css)
        self.setExtraSelections([])
        self.highlights = {}
        self.setDocument(document)

    def show_message(self, title: str, text: str) -> None:
        self._article = None
        self._fresh_document()
        self.setHtml(f'<h2>{html.escape(title)}</h2><p class="meta">{html.escape(text)}</p>')

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        """Never fetch: remote images become a placeholder or a locally cached copy."""
        url = QUrl(name) if isinstance(name, str) else name  # Qt passes a QUrl; the stub allows str
        if url.scheme() in ("http", "https"):
            if kind == QTextDocument.ResourceType.ImageResource.value:
                data = self.cached_image(url.toString())  # a local copy needs no network
                if data:
                    image = QImage()
                    if image.loadFromData(data):
                        return image
                self.blocked_urls.append(url.toString())
                return self._placeholder
            self.blocked_urls.append(url.toString())
            return None
        if url.scheme() in ("", "qrc", "data"):
            return super().loadResource(kind, url)
        self.blocked_urls.append(url.toString())
        return None

    def page_down(self) -> bool:
        """Scroll one page; False when already at the end (the caller moves on)."""
        bar = self.verticalScrollBar()
        if bar.value() >= bar.maximum():
            return False
        bar.setValue(bar.value() + bar.pageStep() - 40)
        return True

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            self.link_opened.emit(url)
            QDesktopServices.openUrl(url)


class ReaderPane(QWidget):
    """The reader plus a bar that offers to load the article's remote images."""

    load_images = Signal(str)  # "article", "source"
    article_shown = Signal(str)  # an article's id, once it is drawn (its annotations follow)
    cleared = Signal()  # a message instead of an article
    fetch_requested = Signal()  # "Fetch full article": the open article's page, now
    changes_requested = Signal()  # "Show changes": the open article's versions

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = ReaderView()
        self.bar = QWidget()
        self.bar.setObjectName("imageBar")
        self.bar_label = QLabel()
        self.bar_label.setTextFormat(Qt.TextFormat.PlainText)
        self.for_article = QPushButton("Load for this article")
        self.for_source = QPushButton("Always for this source")
        self.for_article.clicked.connect(lambda: self.load_images.emit("article"))
        self.for_source.clicked.connect(lambda: self.load_images.emit("source"))
        bar_layout = QHBoxLayout(self.bar)
        bar_layout.setContentsMargins(10, 4, 10, 4)
        bar_layout.addWidget(self.bar_label, 1)
        bar_layout.addWidget(self.for_article)
        bar_layout.addWidget(self.for_source)
        self.bar.hide()
        self.missing_images: list[str] = []
        # the archive's bar: where the text shown comes from, and what else there is
        self.note_bar = QWidget()
        self.note_bar.setObjectName("noteBar")
        self.note_label = QLabel()
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.note_label.setWordWrap(True)
        self.note_button = QPushButton()
        self.note_button.clicked.connect(self._note_clicked)
        self.changes_button = QPushButton("Show changes")
        self.changes_button.setToolTip("What changed between this article's versions")
        self.changes_button.clicked.connect(self.changes_requested)
        note_buttons = QHBoxLayout()
        note_buttons.setContentsMargins(0, 0, 0, 0)
        note_buttons.addStretch(1)
        note_buttons.addWidget(self.note_button)
        note_buttons.addWidget(self.changes_button)
        # beside the sentence when the reader is wide, below it when narrow (a sentence
        # wrapped one word a line beside two buttons in a 330 px reader)
        self.note_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.note_bar)
        self.note_layout.setContentsMargins(10, 4, 10, 4)
        self.note_layout.setSpacing(4)
        self.note_layout.addWidget(self.note_label, 1)
        self.note_layout.addLayout(note_buttons)
        self.note_bar.hide()
        self.note = Note("")
        self.fulltext: FullText | None = None
        self.versions = 0
        self.full_text_mode = "on-demand"
        self.showing_full = True  # the full text when there is one; the toggle flips it
        self.fetching = False
        self._source: Source | None = None
        self._allowed = False
        self._cached: Callable[[str], bytes | None] = lambda _u: None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.note_bar)
        layout.addWidget(self.bar)
        layout.addWidget(self.view, 1)

    def show_article(self, article: Article, source: Source | None, *, allowed: bool,
                     cached: Callable[[str], bytes | None], fulltext: FullText | None = None,
                     versions: int = 0, fetching: bool = False) -> None:
        """Show an article: its full text when one was extracted (unless the user asked
        for the feed's version of this article), with the note bar saying which."""
        same = self.view.article is not None and self.view.article.id == article.id
        if not same:
            self.showing_full = True
        self.fulltext, self.versions, self.fetching = fulltext, versions, fetching
        self._source, self._allowed, self._cached = source, allowed, cached
        self.full_text_mode = source.full_text if source is not None else "on-demand"
        self._draw(article)

    def _draw(self, article: Article) -> None:
        fulltext, cached, source, allowed = self.fulltext, self._cached, self._source, \
            self._allowed
        full = fulltext is not None and fulltext.extracted and self.showing_full
        self.view.cached_image = cached
        self.view.show_article(article, source, fulltext.html if full and fulltext else None)
        self.note = note_for(fulltext, summary_only=summary_only(article),
                             mode=self.full_text_mode, showing_full=self.showing_full,
                             versions=self.versions, fetching=self.fetching)
        self.note_label.setText(self.note.text)
        self.note_button.setText(self.note.button)
        self.note_button.setVisible(bool(self.note.button))
        self.note_button.setEnabled(not self.fetching)
        self.changes_button.setVisible(self.note.changes)
        self.note_bar.setVisible(self.note.shown)
        self._place_note_buttons()
        shown = replace(article, content_html=fulltext.html) if full and fulltext else article
        urls = image_urls(shown)
        missing = [u for u in urls if not cached(u)]
        self.missing_images = missing
        if missing and not allowed:
            self.bar_label.setText(f"{len(missing)} remote image{'s' * (len(missing) != 1)} "
                                   "not shown, to keep your reading private.")
            name = source.display_name[:28].replace("&", "&&") if source else ""  # no mnemonic
            self.for_source.setText(f"Always for {name}" if source else "Always for this source")
            self.bar.show()
        else:
            self.bar.hide()
        self.article_shown.emit(article.id)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_note_buttons()

    def _place_note_buttons(self) -> None:
        """The note's buttons beside its sentence if both fit on one line, else below."""
        buttons = sum(b.sizeHint().width() + 4 for b in (self.note_button, self.changes_button)
                      if not b.isHidden())
        text = self.note_label.fontMetrics().horizontalAdvance(self.note_label.text())
        wide = self.width() - 24 >= buttons + min(text, NOTE_MIN_LINE) + 8
        direction = (QBoxLayout.Direction.LeftToRight if wide
                     else QBoxLayout.Direction.TopToBottom)
        if self.note_layout.direction() != direction:
            self.note_layout.setDirection(direction)

    def _note_clicked(self) -> None:
        if self.note.action == TOGGLE:
            self.toggle_version()
        elif self.note.action == FETCH:
            self.fetch_requested.emit()

    def toggle_version(self) -> None:
        """Between the full text and the feed's version (for this article only)."""
        article = self.view.article
        if article is None or self.fulltext is None or not self.fulltext.extracted:
            return
        self.showing_full = not self.showing_full
        self._draw(article)

    def show_message(self, title: str, text: str) -> None:
        self.bar.hide()
        self.note_bar.hide()
        self.fulltext, self.versions, self.fetching = None, 0, False
        self.view.show_message(title, text)
        self.cleared.emit()

    def say_what_the_list_shows(self, *, welcome: bool, rows: int, search: str | None) -> None:
        """With no article to show, say what the list shows: the welcome page, an empty
        view, a search with no match, or rows to pick."""
        if welcome:
            self.show_message("Nothing to read yet", "Articles appear here once you follow "
                              "outlets or load the sample corpus.")
        elif rows == 0 and search:
            self.show_message(f"No articles match “{search}”", "Try other words, or clear the "
                              "search box to go back to your views.")
        elif rows == 0:
            self.show_message("Nothing here", "This view has no articles.")
        else:
            self.show_message("No article selected", "Pick an article from the list.")
