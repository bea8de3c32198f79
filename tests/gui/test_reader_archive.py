"""The reader's side of the archive: the full text with its note bar and the toggle to the
feed's version, the offer to fetch a summary-only article, the reason a page was not
used, an updated article's "Show changes", images fitted to the reader's width, figures
as blocks and embed cards as bordered blocks."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QUrl
from PySide6.QtGui import QImage, QTextDocument

from newsdesk.formats.palette import DARK
from newsdesk.gui.panes.reader import ReaderPane
from newsdesk.models import Article, FullText, Source

WHEN = datetime(2026, 12, 2, 14, 2, tzinfo=UTC)
SUMMARY = "<p>The court fined the editor on Tuesday. Continue reading...</p>"
FULL_HTML = ("<p>The court fined the editor on Tuesday for contempt.</p>"
             "<p>The judge said the paper had ignored three orders.</p>")


def png(width: int, height: int, color: int = 0x3366AA) -> bytes:
    image, data = QImage(width, height, QImage.Format.Format_RGB32), QByteArray()
    image.fill(color)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def article(**kw) -> Article:
    base = Article(id="a1", source_id=1, outlet="Example News", guid="g1",
                   url="https://news.example/court", title="Court fines editor",
                   authors=("A. Writer",), published=WHEN, updated=None, first_seen=WHEN,
                   summary_html=SUMMARY, content_html="",
                   text="The court fined the editor on Tuesday. Continue reading...")
    return replace(base, **kw)


def source(mode: str = "on-demand") -> Source:
    return Source(id=1, url="https://news.example/feed", title="Example News", full_text=mode)


def extracted(html: str = FULL_HTML) -> FullText:
    return FullText("a1", "extracted", WHEN, html=html, text="The court fined the editor on "
                    "Tuesday for contempt. The judge said the paper had ignored three orders.",
                    url="https://news.example/court", extractor="trafilatura", word_count=19)


@pytest.fixture
def pane(qtbot):
    pane = ReaderPane()
    pane.resize(640, 700)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def shown_text(pane: ReaderPane) -> str:
    return pane.view.document().toPlainText()


def test_full_text_is_shown_with_its_note_and_a_toggle_to_the_feeds_version(pane, qtbot):
    pane.show_article(article(), source(), allowed=False, cached=lambda _u: None,
                      fulltext=extracted())
    assert "ignored three orders" in shown_text(pane)
    assert pane.note_bar.isVisible()
    assert pane.note_label.text().startswith("Full text from the article's page, fetched ")
    assert pane.note_button.text() == "Show the feed's version"
    assert not pane.changes_button.isVisible()
    pane.note_button.click()
    assert "ignored three orders" not in shown_text(pane)
    assert "Continue reading" in shown_text(pane)
    assert pane.note_button.text() == "Show the full text"
    pane.note_button.click()
    assert "ignored three orders" in shown_text(pane)
    # the choice is per article: the next article shows its full text again
    pane.note_button.click()
    other = article(id="a2")
    pane.show_article(other, source(), allowed=False, cached=lambda _u: None,
                      fulltext=replace(extracted(), article_id="a2"))
    assert "ignored three orders" in shown_text(pane)


def test_a_summary_only_article_offers_to_fetch_it(pane, qtbot):
    pane.show_article(article(), source(), allowed=False, cached=lambda _u: None)
    assert pane.note_label.text() == "The feed gave a summary only."
    assert pane.note_button.text() == "Fetch full article (F)"
    with qtbot.waitSignal(pane.fetch_requested, timeout=1000):
        pane.note_button.click()
    pane.show_article(article(), source(), allowed=False, cached=lambda _u: None,
                      fetching=True)
    assert pane.note_label.text() == "Fetching the full article…"
    assert not pane.note_button.isEnabled()
    # a source whose full text is off is not offered a fetch; a full article needs none
    pane.show_article(article(), source("off"), allowed=False, cached=lambda _u: None)
    assert not pane.note_bar.isVisible()
    long_text = " ".join(["word"] * 400)
    pane.show_article(article(content_html=f"<p>{long_text}</p>", text=long_text), source(),
                      allowed=False, cached=lambda _u: None)
    assert not pane.note_bar.isVisible()


def test_a_kept_summary_or_a_failed_page_says_why(pane, qtbot):
    kept = FullText("a1", "kept_summary", WHEN,
                    reason="The page is behind a paywall: kept the feed's summary.")
    pane.show_article(article(), source(), allowed=False, cached=lambda _u: None,
                      fulltext=kept)
    assert pane.note_label.text() == "The page is behind a paywall: kept the feed's summary."
    assert not pane.note_button.isVisible()
    assert "Continue reading" in shown_text(pane)
    failed = FullText("a1", "failed", WHEN, reason="The server answered 404 Not Found.")
    pane.show_article(article(), source(), allowed=False, cached=lambda _u: None,
                      fulltext=failed)
    assert pane.note_label.text() == "The server answered 404 Not Found."
    assert pane.note_button.text() == "Try again (F)"


def test_an_updated_article_offers_its_changes(pane, qtbot):
    long_text = " ".join(["word"] * 400)
    pane.show_article(article(content_html=f"<p>{long_text}</p>", text=long_text), source(),
                      allowed=False, cached=lambda _u: None, versions=2)
    assert pane.note_label.text() == "Updated 2× since first seen."
    assert pane.changes_button.isVisible() and not pane.note_button.isVisible()
    with qtbot.waitSignal(pane.changes_requested, timeout=1000):
        pane.changes_button.click()


def image_sizes(pane: ReaderPane) -> list[tuple[str, float, float]]:
    """(name, drawn width, drawn height) of every image in the shown document."""
    found = []
    block = pane.view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                image = fmt.toImageFormat()
                found.append((image.name(), image.width(), image.height()))
            it += 1
        block = block.next()
    return found


def test_images_fit_the_readers_width_keeping_their_aspect(pane, qtbot):
    wide, small = "https://img.example/wide.png", "https://img.example/small.png"
    cache = {wide: png(1600, 400), small: png(120, 90)}
    body = (f'<figure><img src="{wide}" width="1600" height="400">'
            "<figcaption>The court at dusk.</figcaption></figure>"
            f'<p>Text <img src="{small}"></p>')
    pane.show_article(article(content_html=body), source(), allowed=True, cached=cache.get)
    limit = pane.view.viewport().width()
    sizes = dict((name, (w, h)) for name, w, h in image_sizes(pane))
    width, height = sizes[wide]
    assert 100 < width <= limit and abs(width / height - 4) < 0.05
    assert sizes[small] == (120, 90)  # smaller than the reader: its own size
    assert "The court at dusk." in shown_text(pane)
    # wider reader, wider picture (after the resize pauses)
    pane.resize(1100, 700)
    qtbot.waitUntil(lambda: dict((n, w) for n, w, _h in image_sizes(pane))[wide] > width,
                    timeout=3000)
    assert dict((n, w) for n, w, _h in image_sizes(pane))[wide] <= pane.view.viewport().width()
    # and the horizontal scroll bar never has anything to scroll
    assert pane.view.horizontalScrollBar().maximum() == 0


def test_a_full_texts_images_come_from_the_cache_too(pane, qtbot):
    picture = "https://img.example/page.png"
    fulltext = extracted(FULL_HTML + f'<p><img src="{picture}"></p>')
    pane.show_article(article(), source(), allowed=False, cached={picture: png(50, 40)}.get,
                      fulltext=fulltext)
    assert pane.view.blocked_urls == [] and not pane.bar.isVisible()
    resource = pane.view.document().resource(QTextDocument.ResourceType.ImageResource.value,
                                             QUrl(picture))
    assert isinstance(resource, QImage) and resource.size().width() == 50
    pane.show_article(article(), source(), allowed=False, cached=lambda _u: None,
                      fulltext=fulltext)
    assert pane.missing_images == [picture] and pane.bar.isVisible()


def test_an_embed_card_is_a_bordered_block(pane, qtbot):
    card = ('<div class="newsdesk-embed"><p><b>Video</b> · '
            '<a href="https://www.youtube.com/watch?v=abc">The ruling, read out</a> · '
            "youtube.com</p></div>")
    pane.view.colors = dict(DARK)
    pane.show_article(article(content_html=f"<p>Before.</p>{card}<p>After.</p>"), source(),
                      allowed=False, cached=lambda _u: None)
    assert "Video · The ruling, read out · youtube.com" in shown_text(pane)
    html = pane.view.document().toHtml()
    assert "<table" in html and DARK["card"].lower() in html.lower()
