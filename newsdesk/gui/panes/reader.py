"""The reader: sanitized HTML from the store, shown without ever touching the network.

QTextBrowser runs no script. It asks loadResource() for every image; remote ones get a
placeholder unless the user allowed remote images, and then they come from the local
cache only (downloading is offline/assets.py's job, on a worker thread, never here).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPainter, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from newsdesk.models import Article, Source
from newsdesk.offline.assets import image_urls

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


class ReaderView(QTextBrowser):
    """Shows one article; remote resources are blocked and recorded, links open outside."""

    link_opened = Signal(QUrl)

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

    @property
    def article(self) -> Article | None:
        return self._article

    def show_article(self, article: Article, source: Source | None) -> None:
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
        body = article.html or f"<p>{html.escape(article.text)}</p>"
        self._fresh_document()
        self.setHtml(f'<h1>{html.escape(article.title)}</h1><p class="meta">{byline}</p>'
                     f"{tags}{link}<br>{body}")
        self.verticalScrollBar().setValue(0)

    def set_css(self, css: str) -> None:
        self._css = css
        self.document().setDefaultStyleSheet(css)

    def _fresh_document(self) -> None:
        """A new document per article: QTextDocument caches resources, placeholders included."""
        document = QTextDocument(self)  # the old one, our child too, is deleted by Qt
        document.setDefaultStyleSheet(self._css)
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.bar)
        layout.addWidget(self.view, 1)

    def show_article(self, article: Article, source: Source | None, *, allowed: bool,
                     cached: Callable[[str], bytes | None]) -> None:
        self.view.cached_image = cached
        self.view.show_article(article, source)
        urls = image_urls(article)
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

    def show_message(self, title: str, text: str) -> None:
        self.bar.hide()
        self.view.show_message(title, text)

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
