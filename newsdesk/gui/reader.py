"""The reader: sanitized HTML from the store, shown without ever touching the network.

QTextBrowser runs no script. It asks loadResource() for every image; remote ones get a
placeholder unless the user allowed remote images, and then they come from the local
cache only (fetching is the offline cache's job, on a worker thread, never here).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPainter, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from newsdesk.models import Article, Source

log = logging.getLogger(__name__)


def _placeholder(width: int = 160, height: int = 90) -> QImage:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(128, 128, 128, 40))
    painter = QPainter(image)
    painter.setPen(QColor(128, 128, 128, 200))
    painter.drawRect(0, 0, width - 1, height - 1)
    painter.drawText(image.rect(), 0x0084, "image not loaded")  # AlignCenter
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
        self.remote_images_allowed: Callable[[Article], bool] = lambda _a: False
        self.cached_image: Callable[[str], bytes | None] = lambda _u: None
        self._article: Article | None = None
        self._placeholder = _placeholder()

    @property
    def article(self) -> Article | None:
        return self._article

    def show_article(self, article: Article, source: Source | None) -> None:
        self._article = article
        self.blocked_urls = []
        outlet = html.escape(source.display_name if source else article.outlet)
        when = article.published.astimezone().strftime("%A %d %B %Y, %H:%M")
        byline = " · ".join(filter(None, [outlet, html.escape(article.author), when]))
        link = (f'<p class="link"><a href="{html.escape(article.url, quote=True)}">Read on the '
                f"site: {html.escape(article.url)}</a></p>" if article.url else "")
        tags = (f'<p class="meta">{html.escape(", ".join(article.categories))}</p>'
                if article.categories else "")
        body = article.html or f"<p>{html.escape(article.text)}</p>"
        self.document().clear()
        self.setHtml(f'<h1>{html.escape(article.title)}</h1><p class="meta">{byline}</p>'
                     f"{tags}{link}<hr>{body}")
        self.verticalScrollBar().setValue(0)

    def show_message(self, title: str, text: str) -> None:
        self._article = None
        self.setHtml(f'<h2>{html.escape(title)}</h2><p class="meta">{html.escape(text)}</p>')

    def loadResource(self, kind: int, url: QUrl) -> object:
        """Never fetch: remote images become a placeholder or a locally cached copy."""
        if url.scheme() in ("http", "https"):
            if kind == QTextDocument.ResourceType.ImageResource.value:
                if self._article is not None and self.remote_images_allowed(self._article):
                    data = self.cached_image(url.toString())
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

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            self.link_opened.emit(url)
            QDesktopServices.openUrl(url)
