"""The archive in the window, over a real store and the loopback server: F fetches the
open article's page, Show changes opens its versions, Make available offline runs with
progress and Cancel, Full text ▸ sets a source's mode, offline mode is said once and
cleared when the network is back, the Storage dialog prunes after a dry run, the story
pane notes a changed headline. And THE test: a stored article with its cached images is
shown without a single network request."""

import socket
import threading
import urllib.request
from http.server import ThreadingHTTPServer

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument

from newsdesk.gui.models import ID_ROLE, KIND_ROLE
from newsdesk.models import ArticleQuery
from newsdesk.services.offline import make_offline
from newsdesk.services.reading import allow_images, save_images
from newsdesk.services.refresh import refresh as refresh_feeds
from newsdesk.services.sample import load_sample
from tests.conftest import fixture_bytes
from tests.feedserver import QuietHandler, Route
from tests.gui.conftest import settle
from tests.gui.test_reader_archive import png
from tests.unit.services.archive_site import BONDS, FLOOD, serve_site


@pytest.fixture
def site(feed_server, store, monkeypatch):
    """The summary-only news site, followed and fetched once."""
    monkeypatch.setattr("newsdesk.offline.assets.ALLOW_PRIVATE_ADDRESSES", True)
    site = serve_site(feed_server)
    store.sources.add(site.feed_url, title="Valley Courier")
    refresh_feeds(store, store.sources.list())
    return site


@pytest.fixture
def window(make_window, qtbot):
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    return window


def article_id(store, title: str) -> str:
    return next(a.id for a in store.articles.list() if a.title == title)


def open_and_wait(window, qtbot, ident: str) -> None:
    window.open_article(ident)
    qtbot.waitUntil(lambda: window.reader.article is not None
                    and window.reader.article.id == ident, timeout=10_000)
    settle(qtbot, window)


def test_f_fetches_the_open_articles_full_text(site, store, window, qtbot, feed_server):
    flood = article_id(store, FLOOD)
    open_and_wait(window, qtbot, flood)
    pane = window.reader_pane
    assert pane.note_label.text() == "The feed gave a summary only."
    before = len(feed_server.requests)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: pane.fulltext is not None and pane.fulltext.extracted,
                    timeout=20_000)
    settle(qtbot, window)
    assert pane.note_label.text().startswith("Full text from the article's page, fetched ")
    assert "flood wall" in window.reader.document().toPlainText().lower()
    assert window.statusBar().currentMessage().startswith("Full text fetched (")
    assert [r.path for r in feed_server.requests[before:]] == ["/news/flood-wall"]
    assert store.archive.fulltext(flood).extracted
    pane.note_button.click()  # the feed's version, then back
    assert "Continue reading" in window.reader.document().toPlainText()


def test_a_paywalled_page_keeps_the_summary_and_says_why(site, store, window, qtbot):
    bonds = article_id(store, BONDS)
    open_and_wait(window, qtbot, bonds)
    window.fetch_text_action.trigger()
    pane = window.reader_pane
    qtbot.waitUntil(lambda: pane.fulltext is not None, timeout=20_000)
    assert pane.fulltext.status == "kept_summary"
    assert pane.note_label.text() == pane.fulltext.reason and "paywall" in pane.fulltext.reason
    assert "Continue reading" in window.reader.document().toPlainText()


def test_show_changes_opens_the_versions_with_a_word_diff(site, store, window, qtbot):
    flood = article_id(store, FLOOD)
    site.items[0].title = "River town rejects its flood wall"
    refresh_feeds(store, store.sources.list())
    open_and_wait(window, qtbot, flood)
    pane = window.reader_pane
    assert pane.note_label.text() == "The feed gave a summary only. Updated 1× since first seen."
    assert pane.changes_button.isVisible()
    pane.changes_button.click()
    qtbot.waitUntil(lambda: window.offline.last_versions is not None, timeout=10_000)
    dialog = window.offline.last_versions
    assert dialog.list.topLevelItemCount() == 2
    assert dialog.list.topLevelItem(1).text(2) == "the feed (current)"
    html = dialog.diff.document().toHtml().lower()
    colors = window.colors
    assert colors["ins"] in html and colors["del"] in html
    assert "line-through" in html
    assert "rejects" in dialog.diff.toPlainText() and "votes to rebuild" in \
        dialog.diff.toPlainText()
    assert dialog.heading.text().startswith("Version 1 (the feed, ")
    dialog.close()


def select_source(window, qtbot) -> int:
    nav = window.nav_model
    index = nav.match(nav.index(0, 0), KIND_ROLE, "source", 1, Qt.MatchFlag.MatchRecursive)[0]
    window.nav.setCurrentIndex(index)
    settle(qtbot, window)
    return int(index.data(ID_ROLE))


def test_make_a_source_available_offline_with_progress(site, store, window, qtbot,
                                                        feed_server):
    select_source(window, qtbot)
    window.make_offline_action.trigger()
    assert window.offline_progress.isVisibleTo(window)
    qtbot.waitUntil(lambda: not window.offline.running, timeout=30_000)
    settle(qtbot, window)
    report = window.offline.last_report
    assert report is not None and not report.cancelled
    assert report.count("extracted") >= 1 and report.count("kept_summary") >= 1
    assert window.statusBar().currentMessage() == report.summary()
    assert not window.offline_progress.isVisibleTo(window)
    assert store.archive.fulltext(article_id(store, FLOOD)).extracted
    assert "/images/2026/12/flood-wall.jpg" in [r.path for r in feed_server.requests]


def test_cancel_stops_making_available_offline_and_keeps_what_was_done(
        site, store, window, qtbot, feed_server):
    for path in ("/news/flood-wall", "/markets/bonds", "/video/storm"):
        route = feed_server.routes[path]
        route.delay = 0.6
    select_source(window, qtbot)
    window.make_offline_action.trigger()
    qtbot.waitUntil(lambda: window.offline_progress.bar.maximum() > 0
                    and window.offline_progress.bar.value() >= 1, timeout=20_000)
    window.offline_progress.cancel.click()
    assert window.statusBar().currentMessage() == "Stopping after the article being fetched…"
    qtbot.waitUntil(lambda: not window.offline.running, timeout=30_000)
    report = window.offline.last_report
    assert report.cancelled
    assert len(report.items) < 4
    kept = store.archive.fulltexts([a.id for a in store.articles.list()])
    assert len(kept) >= 1  # what was fetched before the cancel stays


def test_full_text_mode_from_the_source_menu(site, store, window, qtbot):
    source_id = select_source(window, qtbot)
    menu = window.offline.full_text_menu
    assert menu.menuAction() in window.nav.menu_actions["source"]
    menu.aboutToShow.emit()
    assert window.offline.mode_actions["on-demand"].isChecked()
    window.offline.mode_actions["always"].trigger()
    settle(qtbot, window)
    assert store.sources.get(source_id).full_text == "always"
    assert window.statusBar().currentMessage() == "Full text for Valley Courier: always."
    menu.aboutToShow.emit()
    assert window.offline.mode_actions["always"].isChecked()
    window.offline.mode_actions["off"].trigger()
    settle(qtbot, window)
    assert store.sources.get(source_id).full_text == "off"
    open_and_wait(window, qtbot, article_id(store, FLOOD))
    assert not window.reader_pane.note_bar.isVisible()  # off: no offer to fetch


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FeedHandler(QuietHandler):
    def do_GET(self) -> None:
        body = fixture_bytes("rss20.xml")
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_offline_mode_is_said_once_probes_and_refreshes_when_back(make_window, store, qtbot):
    port = free_port()  # nobody listens there: the network is "gone"
    store.sources.add(f"http://127.0.0.1:{port}/feed.xml", title="Local")
    window = make_window()
    window.show()
    window.offline.probe.setInterval(200)
    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: window.offline_banner.isVisibleTo(window), timeout=30_000)
    assert window.offline_banner.label.text() == (
        "Offline: reading what is stored. NewsDesk refreshes when the network is back.")
    assert window.statusBar().currentMessage().startswith("You seem to be offline")
    assert window.offline.probe.isActive()
    window.statusBar().showMessage("reading quietly")
    probes = []
    window.refresher.started.connect(lambda: probes.append(1))
    qtbot.waitUntil(lambda: len(probes) >= 2 and not window.refresher.running, timeout=30_000)
    assert window.statusBar().currentMessage() == "reading quietly"  # said once
    assert window.offline_banner.isVisibleTo(window)
    server = ThreadingHTTPServer(("127.0.0.1", port), FeedHandler)  # the network is back
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        qtbot.waitUntil(lambda: not window.offline_banner.isVisibleTo(window), timeout=30_000)
        qtbot.waitUntil(lambda: not window.refresher.running, timeout=10_000)
        settle(qtbot, window)
        assert not window.offline.probe.isActive()
        assert window.statusBar().currentMessage().startswith("Back online: ")
        assert store.articles.count() > 0
    finally:
        server.shutdown()
        server.server_close()


def test_storage_dialog_shows_sizes_and_prunes_after_a_dry_run(make_window, store, qtbot,
                                                                no_modal_dialogs):
    load_sample(store)
    store.reading.set_read([a.id for a in store.articles.list()], True)
    window = make_window()
    window.storage_action.trigger()
    dialog = window.offline.last_storage
    qtbot.waitUntil(lambda: dialog.usage is not None, timeout=10_000)
    usage = dialog.usage
    assert dialog.table.rowCount() == len(usage.sources) > 1
    assert dialog.summary.text().startswith("The database takes ")
    totals = [dialog.table.item(r, 6).key for r in range(dialog.table.rowCount())]
    assert totals == sorted(totals, reverse=True)
    dialog.table.sortItems(0, Qt.SortOrder.AscendingOrder)  # by name, then by size again
    names = [dialog.table.item(r, 0).text().lower() for r in range(dialog.table.rowCount())]
    assert names == sorted(names)
    before = store.articles.count()
    dialog.read_days.setValue(1)  # saved in the settings file as it changes
    from newsdesk.services.offline import read_retention

    assert read_retention().read_days == 1
    # the sample's articles were first stored now: nothing is older than a day
    dialog.prune_now()
    qtbot.waitUntil(lambda: dialog.outcome.text().startswith("Nothing to prune"),
                    timeout=10_000)
    assert store.articles.count() == before and no_modal_dialogs == []
    dialog.compact_now()
    qtbot.waitUntil(lambda: dialog.outcome.text().startswith("Compacted"), timeout=20_000)
    dialog.close()


def test_prune_now_asks_with_the_dry_runs_count_then_prunes(make_window, store, qtbot,
                                                            no_modal_dialogs, monkeypatch):
    load_sample(store)
    store.reading.set_read([a.id for a in store.articles.list()], True)
    window = make_window()
    window.storage_action.trigger()
    dialog = window.offline.last_storage
    qtbot.waitUntil(lambda: dialog.usage is not None, timeout=10_000)
    from datetime import timedelta

    monkeypatch.setattr(dialog, "_older_than", lambda: timedelta(seconds=-60))  # all are old
    before = store.articles.count()
    dialog.prune_now()
    qtbot.waitUntil(lambda: dialog.last_prune is not None, timeout=20_000)
    title, text = no_modal_dialogs[0]
    assert title == "Prune now" and text.startswith("Would remove ")
    assert dialog.outcome.text() == dialog.last_prune.summary()
    assert 0 < store.articles.count() < before  # kept ones (several outlets' stories) stay
    assert dialog.last_prune.articles == before - store.articles.count()


def test_the_story_pane_notes_a_changed_headline(site, store, make_window, qtbot):
    flood = article_id(store, FLOOD)
    site.items[0].title = "River town rejects its flood wall"
    refresh_feeds(store, store.sources.list())
    window = make_window()
    window.show()
    window.story_dock.show()
    open_and_wait(window, qtbot, flood)
    pane = window.story_pane
    qtbot.waitUntil(lambda: "after publication" in pane.details.text(), timeout=10_000)
    assert pane.headline_notes[flood].lower().startswith("headline changed")


# ------------------------------------------------------------------ THE test


def test_a_stored_article_with_cached_images_is_shown_without_the_network(
        make_window, store, qtbot, feed_server, monkeypatch):
    """Fill the cache from the loopback server (feed images and the full text's), then
    show the article with every socket connect failing: the server counts no hit, nothing
    tried to connect, and the images drawn are the cached pictures, not placeholders."""
    monkeypatch.setattr("newsdesk.offline.assets.ALLOW_PRIVATE_ADDRESSES", True)
    monkeypatch.setattr("newsdesk.offline.pages.ALLOW_PRIVATE_ADDRESSES", True)  # loopback
    feed_picture, page_picture = feed_server.url("/feed.png"), feed_server.url("/page.png")
    feed_server.routes["/feed.png"] = Route(body=png(640, 320), content_type="image/png")
    feed_server.routes["/page.png"] = Route(body=png(300, 200, 0xAA3366),
                                            content_type="image/png")
    page = (b"<html><head><title>Flood wall</title></head><body><article><h1>Flood wall</h1>"
            + b"".join(b"<p>The council voted on Monday night to rebuild the flood wall "
                       b"along the river, after three winters of floods. %d</p>" % n
                       for n in range(12))
            + b'<figure><img src="/page.png" alt="The wall"><figcaption>The wall.'
              b"</figcaption></figure></article></body></html>")
    feed_server.routes["/story"] = Route(body=page, content_type="text/html; charset=utf-8")
    load_sample(store)
    article = store.articles.list(limit=1)[0]
    from dataclasses import replace

    stored = replace(article, url=feed_server.url("/story"),
                     content_html=f'<p>Summary. <img src="{feed_picture}"></p>')
    store.articles.upsert([stored])
    allow_images(store, stored, "article")
    make_offline(store, ArticleQuery(ids=(stored.id,)), images=True)
    fulltext = store.archive.fulltext(stored.id)
    assert fulltext is not None and fulltext.extracted and page_picture in fulltext.html
    assert store.caches.cached_asset(feed_picture) and store.caches.cached_asset(page_picture)
    save_images(store, stored)  # nothing left to fetch
    hits = len(feed_server.requests)

    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    connects: list[object] = []

    def refuse(self, address, *args, **kwargs):
        connects.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    with pytest.raises(OSError):  # the patch holds: nothing can reach the server now
        urllib.request.urlopen(feed_server.url("/feed.png"), timeout=2)
    assert len(connects) == 1
    connects.clear()
    open_and_wait(window, qtbot, stored.id)
    window.reader.grab()  # laid out and painted: every image resource asked for
    qtbot.wait(200)
    settle(qtbot, window)
    view, pane = window.reader, window.reader_pane
    assert connects == []
    assert len(feed_server.requests) == hits
    assert view.blocked_urls == [] and not pane.bar.isVisible()
    assert pane.fulltext is not None and pane.fulltext.extracted
    document = view.document()
    picture = document.resource(QTextDocument.ResourceType.ImageResource.value,
                                QUrl(page_picture))
    assert isinstance(picture, QImage) and (picture.width(), picture.height()) == (300, 200)
    assert picture.pixelColor(5, 5).name() == "#aa3366"  # the cached picture itself
    pane.note_button.click()  # the feed's version: its picture is cached too
    window.reader.grab()
    picture = view.document().resource(QTextDocument.ResourceType.ImageResource.value,
                                       QUrl(feed_picture))
    assert isinstance(picture, QImage) and picture.width() == 640
    assert connects == [] and len(feed_server.requests) == hits


def test_the_archives_commands_never_touch_the_store_on_the_gui_thread(
        site, store, recorded_window, qtbot, no_modal_dialogs):
    """F, Show changes, Make available offline, Full text ▸, Storage (with a dry run and a
    compact), the story pane's headline notes: every store call is made by a job."""
    flood = article_id(store, FLOOD)
    site.items[0].title = "River town rejects its flood wall"
    refresh_feeds(store, store.sources.list())
    window, calls = recorded_window()
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    window.story_dock.show()
    open_and_wait(window, qtbot, flood)
    window.fetch_text_action.trigger()
    qtbot.waitUntil(lambda: window.reader_pane.fulltext is not None, timeout=20_000)
    window.changes_action.trigger()
    qtbot.waitUntil(lambda: window.offline.last_versions is not None, timeout=10_000)
    window.offline.last_versions.close()
    select_source(window, qtbot)
    window.offline.mode_actions["always"].trigger()
    settle(qtbot, window)
    window.make_offline_action.trigger()
    qtbot.waitUntil(lambda: not window.offline.running, timeout=30_000)
    settle(qtbot, window)
    window.storage_action.trigger()
    dialog = window.offline.last_storage
    qtbot.waitUntil(lambda: dialog.usage is not None, timeout=10_000)
    dialog.prune_now()
    qtbot.waitUntil(lambda: dialog.prune_button.isEnabled(), timeout=10_000)
    dialog.compact_now()
    qtbot.waitUntil(lambda: dialog.outcome.text().startswith("Compacted"), timeout=20_000)
    settle(qtbot, window)
    window.close()
    names = {name for name, _gui in calls}
    assert {"archive.fulltext", "archive.save_fulltext", "archive.versions",
            "archive.usage", "archive.vacuum", "sources.update"} <= names, names
    assert [name for name, on_gui_thread in calls if on_gui_thread and name != "interrupt"] == []
