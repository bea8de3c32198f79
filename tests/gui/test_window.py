"""The window over a real store, driven as a user would: keys, clicks, a loopback server."""

from dataclasses import replace

import pytest
from PySide6.QtCore import QModelIndex, Qt

from newsdesk.gui.actions.view import changes_navigation, changes_rows
from newsdesk.gui.models import ArticleTableModel, NavigationModel, published_label
from newsdesk.gui.settings import GuiSettings, load_settings, save_settings
from newsdesk.models import ArticleQuery
from newsdesk.services.changes import Changes
from newsdesk.services.navigation import read_navigation
from newsdesk.services.sample import load_sample
from tests.conftest import fixture_bytes
from tests.feedserver import Route
from tests.gui.conftest import settle


def synchronous(store):
    """A page runner that reads at once (the window's reads are jobs instead)."""
    return lambda read, done: done(read(store))


@pytest.fixture
def sample_window(make_window, store, qtbot):
    load_sample(store)
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    return window


def current_title(window):
    headline = window.current_headline()
    return headline.title if headline else None


def test_article_model_is_a_valid_qt_model(qtmodeltester, store):
    load_sample(store)
    model = ArticleTableModel(synchronous(store))
    model.set_query(ArticleQuery())
    qtmodeltester.check(model)
    assert model.rowCount() == store.articles.count()


def test_article_model_pages_lazily_in_both_orders(store):
    load_sample(store)
    expected = [a.id for a in store.articles.list()]
    for newest_first in (True, False):
        model = ArticleTableModel(synchronous(store))
        model.PAGE = 10
        model.newest_first = newest_first
        model.set_query(ArticleQuery())
        assert model.rowCount() == 10 and model.canFetchMore(QModelIndex())
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        ids = [model.headline(i).id for i in range(model.rowCount())]
        assert ids == (expected if newest_first else expected[::-1])


def test_navigation_model(qtmodeltester, store):
    load_sample(store)
    model = NavigationModel()
    model.show(read_navigation(store))
    qtmodeltester.check(model)
    views = model.index(0, 0)
    assert [model.index(r, 0, views).data() for r in range(4)] == [
        "All unread  (43)", "All articles  (43)", "Today", "Starred"]


@pytest.mark.parametrize(("changes", "navigation", "rows"), [
    (Changes(), False, False),
    (Changes.of(articles=["a"], sources=[1]), False, False),  # marks the list changed in place
    (Changes(all_articles=True), False, True),  # a view marked read, an undo
    (Changes.of(new_articles=["a"], sources=[1]), False, True),
    (Changes.of(stories=[3]), True, True),  # a story grew: its label and outlets
    (Changes(source_list=True), True, True),
    (Changes(topic_list=True), True, True),
])
def test_what_a_write_changed_decides_what_is_redrawn(changes, navigation, rows):
    assert (changes_navigation(changes), changes_rows(changes)) == (navigation, rows)


def test_published_label_is_relative_then_absolute():
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert published_label(now - timedelta(hours=3), now).startswith("3 h ago · ")
    assert published_label(datetime(2026, 10, 1, 12, tzinfo=UTC), now) == "01 Oct 2026"


def test_empty_database_shows_the_welcome_page(make_window):
    window = make_window()
    assert window.middle.currentWidget() is window.welcome


def test_loading_the_sample_from_the_welcome_page(make_window, qtbot):
    window = make_window()
    window.welcome.sample_button.click()
    qtbot.waitUntil(lambda: window.middle.currentWidget() is window.table, timeout=10000)
    qtbot.waitUntil(lambda: window.articles_model.rowCount() == 43, timeout=5000)
    assert window.windowTitle() == "NewsDesk — 43 unread"


def test_keyboard_navigation(sample_window, qtbot, store):
    window = sample_window
    titles = [a.title for a in store.articles.list(unread_only=True)]
    window.table.setFocus()
    start = max(window.table.currentIndex().row(), -1)
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    assert current_title(window) == titles[start + 1]
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    assert current_title(window) == titles[start + 3]
    qtbot.keyClick(window.table, Qt.Key.Key_K)
    assert current_title(window) == titles[start + 2]
    qtbot.keyClick(window.table, Qt.Key.Key_S)
    first_id = window.current_headline().id
    qtbot.waitUntil(lambda: store.reading.status(first_id).is_starred == 1, timeout=2000)
    qtbot.keyClick(window.table, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: store.reading.status(first_id).is_read == 1, timeout=2000)
    settle(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: store.reading.status(first_id).is_read == 0, timeout=2000)


def test_next_unread_skips_read_articles(sample_window, qtbot, store):
    window = sample_window
    window.nav.setCurrentIndex(window.nav_model.index(1, 0, window.nav_model.index(0, 0)))
    articles = store.articles.list()
    store.reading.set_read([articles[1].id, articles[2].id])
    settle(qtbot, window)
    window.view.reload_articles()
    settle(qtbot, window)
    window.table.setCurrentIndex(QModelIndex())
    window.reading.move(1, unread=True)
    assert current_title(window) == articles[0].title
    window.table.setFocus()
    window.table.setCurrentIndex(window.articles_model.index(0, 1))
    qtbot.keyClick(window.table, Qt.Key.Key_N)
    assert current_title(window) == articles[3].title
    qtbot.keyClick(window.table, Qt.Key.Key_P)
    assert current_title(window) == articles[0].title


def test_space_pages_the_reader_then_moves_on(sample_window, qtbot, store):
    window = sample_window
    window.resize(900, 420)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    first = current_title(window)
    bar = window.reader.verticalScrollBar()
    presses = 0
    while current_title(window) == first and presses < 40:
        qtbot.keyClick(window.table, Qt.Key.Key_Space)
        presses += 1
    assert current_title(window) != first
    assert presses >= 1 and bar.value() == 0


def test_opening_an_article_marks_it_read_after_the_delay(sample_window, qtbot, store):
    window = sample_window
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    article_id = window.current_headline().id
    qtbot.waitUntil(lambda: store.reading.status(article_id).is_read == 1, timeout=3000)
    qtbot.waitUntil(lambda: window.windowTitle() == "NewsDesk — 42 unread", timeout=3000)


def test_mark_all_read_and_undo(sample_window, qtbot, store):
    window = sample_window
    window.all_read_action.trigger()
    qtbot.waitUntil(lambda: store.reading.unread_count() == 0, timeout=5000)
    qtbot.waitUntil(lambda: window.undo_action.isEnabled(), timeout=5000)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: store.reading.unread_count() == 43, timeout=5000)
    assert not window.undo_action.isEnabled()


def test_search_box_filters_and_bad_queries_are_a_message(sample_window, qtbot):
    window = sample_window
    qtbot.keyClicks(window.search_box, "Crossfade")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.articles_model.rowCount() == 4, timeout=5000)
    window.search_box.setText('"unbalanced')
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "not valid" in window.statusBar().currentMessage(), timeout=5000)
    assert window.articles_model.rowCount() == 4  # the list stays as it was


def test_letters_typed_in_the_search_box_are_not_shortcuts(sample_window, qtbot, store):
    window = sample_window
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, "jks")
    assert window.search_box.text() == "jks"
    assert store.articles.list(starred_only=True) == []


def test_refresh_against_a_loopback_server(make_window, qtbot, store, feed_server):
    feed_server.routes["/feed.xml"] = Route(body=fixture_bytes("rss20.xml"))
    feed_server.routes["/gone.xml"] = Route(status=410)
    store.sources.add(feed_server.url("/feed.xml"), title="Loopback")
    store.sources.add(feed_server.url("/gone.xml"), title="Gone")
    window = make_window()
    window.refresh_action.trigger()
    assert not window.refresh_action.isEnabled()
    qtbot.waitUntil(lambda: window.refresh_action.isEnabled(), timeout=15000)
    settle(qtbot, window)
    assert window.articles_model.rowCount() == 2
    assert window.failed_button.isVisibleTo(window) and "1 feeds failed" in window.failed_button.text()
    window.status.show_failed()
    assert window.status.failed_dialog is not None and not window.status.failed_dialog.isModal()


def test_refresh_keeps_selection(make_window, qtbot, store, feed_server):
    feed_server.routes["/feed.xml"] = Route(body=fixture_bytes("rss20.xml"))
    store.sources.add(feed_server.url("/feed.xml"), title="Loopback")
    load_sample(store)
    window = make_window()
    window.table.selectRow(5)
    chosen = window.current_headline().id
    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: window.refresh_action.isEnabled(), timeout=15000)
    settle(qtbot, window)
    assert window.articles_model.rowCount() == 45
    assert window.current_headline().id == chosen


def test_remote_images_are_blocked_then_cached_on_request(make_window, qtbot, store, feed_server,
                                                          monkeypatch):
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage

    monkeypatch.setattr("newsdesk.offline.assets.ALLOW_PRIVATE_ADDRESSES", True)  # loopback images

    image, data = QImage(40, 30, QImage.Format.Format_RGB32), QByteArray()
    image.fill(0x3366AA)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    png = bytes(data.data())
    feed_server.routes["/img.png"] = Route(body=png, content_type="image/png")
    load_sample(store)
    article = store.articles.list(limit=1)[0]
    remote = feed_server.url("/img.png")
    changed = replace(article, content_html=f'<p>pic <img src="{remote}" width="300"></p>')
    store.articles.upsert([changed])
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.table.selectRow(0)
    window.reader.grab()
    qtbot.wait(100)
    assert feed_server.requests == []
    assert remote in window.reader.blocked_urls
    assert window.reader_pane.bar.isVisibleTo(window)
    window.reader_pane.for_article.click()
    qtbot.waitUntil(lambda: store.caches.cached_asset(remote) is not None, timeout=10000)
    qtbot.waitUntil(lambda: not window.reader_pane.bar.isVisibleTo(window), timeout=5000)
    requests = len(feed_server.requests)
    window.reader.grab()
    assert remote not in window.reader.blocked_urls
    assert len(feed_server.requests) == requests == 1


def test_settings_round_trip_and_bad_values(qsettings):
    settings = GuiSettings(refresh_minutes=5, mark_read_delay=-1, remote_images=True,
                           font_size=13, theme="dark", tray_icon=False, notify_topics=["AI"])
    save_settings(qsettings, settings)
    assert load_settings(qsettings) == settings
    qsettings.setValue("settings/font_size", "huge")
    qsettings.setValue("settings/theme", "purple")
    loaded = load_settings(qsettings)
    assert (loaded.font_size, loaded.theme) == (GuiSettings().font_size, "system")


def test_geometry_and_splitter_are_restored(make_window, store):
    load_sample(store)
    first = make_window()
    first.resize(760, 540)
    first.splitter.setSizes([200, 400, 400])
    sizes = first.splitter.sizes()
    first.close()
    second = make_window()
    assert second.size().width() == 760
    assert second.splitter.sizes() == sizes


def test_dark_theme_applies(make_window, qsettings):
    save_settings(qsettings, GuiSettings(theme="dark", refresh_minutes=0))
    window = make_window()
    assert window.colors["window"] == "#1d2026"
    assert window.palette().color(window.backgroundRole()).name() == "#1d2026"


def test_every_shortcut_is_listed_in_help(make_window):
    listed = dict(make_window().shortcuts())
    for keys, action in (("J", "Next article"), ("K", "Previous article"), ("N", "Next unread"),
                         ("P", "Previous unread"), ("Space", "Page down, then next"),
                         ("S", "Star / unstar"), ("M", "Mark read / unread"),
                         ("O", "Open in browser"), ("/, Ctrl+F", "Search"), ("F5, R", "Refresh"),
                         ("Ctrl+1", "Focus sources"), ("Ctrl+2", "Focus articles"),
                         ("Ctrl+3", "Focus reader"), ("Ctrl+4", "Story pane"),
                         ("Shift+A", "Mark all read in this view"),
                         ("Ctrl+Z", "Undo"), ("Ctrl+Shift+Z", "Redo"), ("T", "Tag…"),
                         ("H", "Highlight with note…"), ("Shift+N", "Note…"),
                         ("Ctrl+5", "Annotations pane"), ("1", "Code supportive"),
                         ("6", "Code wire copy"), ("?, F1", "Keyboard shortcuts")):
        assert listed.get(keys) == action, keys


def test_topic_dialog_refuses_a_bad_query(make_window, store, qtbot, monkeypatch):
    from newsdesk.gui.dialogs import TopicDialog

    window = make_window()
    answers = iter([("Broken", '"open', ""), ("Courts", "court OR judge", "Rulings")])
    monkeypatch.setattr(TopicDialog, "exec", lambda self: 1)
    monkeypatch.setattr(TopicDialog, "values", lambda self: next(answers))
    window.topics.add_topic()
    settle(qtbot, window)
    assert "Courts" in [t.name for t in store.topics.list()]
    assert "Broken" not in [t.name for t in store.topics.list()]


def test_stories_view_lists_the_contempt_story_first(sample_window, qtbot):
    window = sample_window
    nav = window.nav_model
    groups = [nav.index(r, 0).data() for r in range(nav.rowCount())]
    assert groups == ["VIEWS", "TOPICS", "TAGS", "CODES", "STORYLINES", "STORIES", "SOURCES"]
    first = nav.index(0, 0, nav.index(5, 0))
    assert first.data().endswith("·  5")  # the contempt story: five outlets
    window.nav.setCurrentIndex(first)
    settle(qtbot, window)
    assert window.articles_model.rowCount() == 5


def test_editing_a_topic_to_a_bad_query_keeps_it_and_says_why(make_window, store, monkeypatch,
                                                               qtbot):
    from newsdesk.gui.dialogs import TopicDialog
    from newsdesk.gui.models import ID_ROLE
    from newsdesk.models import Topic

    store.topics.add("Courts", "court OR judge", "Rulings")
    window = make_window()
    index = window.nav_model.match(window.nav_model.index(0, 0), ID_ROLE, "Courts", 1,
                                   Qt.MatchFlag.MatchRecursive)[0]
    window.nav.setCurrentIndex(index)
    shown: list[str] = []  # the dialog's error line each time it is shown

    def exec_dialog(dialog):
        shown.append(dialog.error.text())
        return 1 if len(shown) == 1 else 0  # Save once, then Cancel after reading the error

    monkeypatch.setattr(TopicDialog, "exec", exec_dialog)
    monkeypatch.setattr(TopicDialog, "values", lambda self: ("Tribunals", '"open', "Rulings"))
    window.topics.edit_topic()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)
    settle(qtbot, window)
    assert shown == ["", "The search query is not valid: in '\"open', the quote at position 1 "
                         "is never closed."]
    assert Topic("Courts", "court OR judge", "Rulings") in store.topics.list()
    assert "Tribunals" not in [t.name for t in store.topics.list()]


MARKUP_TITLE = '<a href="file:///etc">x</a><b>'


def test_a_feed_title_with_markup_is_shown_literally(make_window, store, no_modal_dialogs,
                                                     monkeypatch, qtbot):
    from PySide6.QtWidgets import QLabel, QMessageBox

    from newsdesk.gui.messages import plain_tooltip, show_message
    from newsdesk.gui.models import ID_ROLE

    source, _ = store.sources.add("http://127.0.0.1:9/feed", title=MARKUP_TITLE)
    window = make_window()
    item = window.nav_model.match(window.nav_model.index(0, 0), ID_ROLE, source.id, 1,
                                  Qt.MatchFlag.MatchRecursive)[0]
    window.nav.setCurrentIndex(item)
    labels: list[tuple[Qt.TextFormat, str]] = []

    def exec_box(box):  # look at the label Qt would paint, then answer No
        label = box.findChild(QLabel, "qt_msgbox_label")
        labels.append((label.textFormat(), label.text()))
        return int(QMessageBox.StandardButton.No.value)

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    window.sources.remove_source()
    settle(qtbot, window)
    assert labels == [(Qt.TextFormat.PlainText,
                       f"Stop following {MARKUP_TITLE} and delete its 0 articles?\n"
                       "Starred articles from it are deleted too.")]
    assert store.sources.get(source.id).title == MARKUP_TITLE  # No kept it
    assert show_message(None, "Refresh failed", f"HTTP 500 {MARKUP_TITLE}") is False
    assert labels[-1] == (Qt.TextFormat.PlainText, f"HTTP 500 {MARKUP_TITLE}")
    assert plain_tooltip(MARKUP_TITLE) == ("<p style='white-space:pre-wrap'>&lt;a href=&quot;"
                                           "file:///etc&quot;&gt;x&lt;/a&gt;&lt;b&gt;</p>")
    assert item.data(Qt.ItemDataRole.ToolTipRole) == plain_tooltip("http://127.0.0.1:9/feed")


def test_a_failed_refresh_message_is_plain_text(make_window, no_modal_dialogs):
    from newsdesk.errors import FetchError

    window = make_window()
    window.show()
    window.show_error("Refresh failed", FetchError("http", f"HTTP 502 {MARKUP_TITLE}"))
    assert no_modal_dialogs == [("Refresh failed", f"HTTP 502 {MARKUP_TITLE}")]
    assert window.statusBar().currentMessage() == f"HTTP 502 {MARKUP_TITLE}"


def test_add_source_that_fails_keeps_what_was_typed(make_window, store, qtbot, monkeypatch,
                                                    feed_server):
    from newsdesk.gui.dialogs import SourceDialog

    feed_server.routes["/missing"] = Route(status=404)
    typed = feed_server.url("/missing")
    window = make_window()
    seen: list[tuple[str, str, str]] = []

    def exec_dialog(dialog):
        seen.append((dialog.url.text(), dialog.folder.currentText(), dialog.error.text()))
        if len(seen) == 1:
            dialog.url.setText(typed)
            dialog.folder.setCurrentText("News/Tech")
            return 1
        return 0  # the second time: read the reason, then Cancel

    monkeypatch.setattr(SourceDialog, "exec", exec_dialog)
    window.sources.add_source()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10000)
    assert seen[0] == ("", "", "")
    url, folder, error = seen[1]
    assert (url, folder) == (typed, "News/Tech")
    assert error == window.statusBar().currentMessage() and "404" in error
    assert store.sources.list() == []


def test_refresh_asked_for_fetches_every_feed_the_timer_only_what_is_due(
        make_window, qtbot, store, feed_server):
    feed_server.routes["/feed.xml"] = Route(body=fixture_bytes("rss20.xml"), etag='"v1"')
    store.sources.add(feed_server.url("/feed.xml"), title="Loopback")
    window = make_window()
    for expected in (1, 2):  # F5 twice: the second is not due, and is fetched all the same
        window.refresh_action.trigger()
        qtbot.waitUntil(lambda: window.refresh_action.isEnabled(), timeout=15000)
        assert len(feed_server.requests) == expected
    assert feed_server.requests[1].headers.get("if-none-match") == '"v1"'
    assert window.statusBar().currentMessage() == "0 new articles from 1 feeds."
    window.auto_refresh.timeout.emit()  # the timer: nothing is due
    qtbot.waitUntil(lambda: window.refresh_action.isEnabled(), timeout=15000)
    assert len(feed_server.requests) == 2
    assert window.statusBar().currentMessage() == "Everything is up to date; nothing was due."


def test_offline_refresh_says_so_in_one_sentence(make_window, qtbot, store):
    import socket

    ports = []
    for _ in range(3):  # ports nobody listens on: every fetch is refused
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            ports.append(probe.getsockname()[1])
    for port in ports:
        store.sources.add(f"http://127.0.0.1:{port}/feed.xml")
    window = make_window()
    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: window.refresh_action.isEnabled(), timeout=30000)
    assert window.statusBar().currentMessage() == (
        "You seem to be offline: none of the 3 feeds could be reached. "
        "NewsDesk will try again later.")
    assert not window.failed_button.isVisibleTo(window)
    assert {r.error_kind for r in window.refresher.last_failed} == {"connect"}


def test_letters_typed_in_the_search_box_are_text_not_shortcuts(sample_window, qtbot, store):
    window = sample_window
    window.table.selectRow(0)
    chosen = window.current_headline()
    qtbot.keyClick(window.table, Qt.Key.Key_Slash)
    qtbot.waitUntil(window.search_box.hasFocus, timeout=3000)
    qtbot.keyClicks(window.search_box, "s mjkn")
    qtbot.keyClick(window.search_box, Qt.Key.Key_R)
    assert window.search_box.text() == "s mjknr"
    assert window.current_headline().id == chosen.id  # j/k/n did not move
    assert not store.reading.status(chosen.id).is_starred
    assert window.refresh_action.isEnabled()  # r did not start a refresh
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_S)  # in the list, s still stars
    qtbot.waitUntil(lambda: store.reading.status(chosen.id).is_starred, timeout=3000)


@pytest.mark.parametrize(("size", "dock_width"), [((1024, 700), 260), ((1920, 1080), 480)])
def test_panes_keep_usable_widths_with_the_story_pane_open(sample_window, qtbot, size,
                                                           dock_width):
    from newsdesk.gui import mainwindow

    window = sample_window
    window.resize(*size)
    window.story_dock.show()
    qtbot.waitUntil(lambda: window.story_dock.isVisible(), timeout=3000)
    qtbot.wait(50)
    assert window.width() == size[0]
    assert window.reader_pane.width() >= mainwindow.READER_MIN_WIDTH
    assert window.middle.width() >= mainwindow.LIST_MIN_WIDTH
    assert window.story_dock.widget().width() == dock_width
    assert window.search_box.isVisible()
    assert window.search_box.width() >= mainwindow.SEARCH_MIN_WIDTH
    narrow = size[0] < 1400
    from newsdesk.gui.models import ArticleTableModel

    # A narrow list keeps its room for titles; the reader shows outlet and date.
    assert window.table.isColumnHidden(ArticleTableModel.OUTLET) == narrow
    assert window.table.isColumnHidden(ArticleTableModel.PUBLISHED) == narrow
    assert window.toolbar.toolButtonStyle() == (
        Qt.ToolButtonStyle.ToolButtonIconOnly if narrow
        else Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Slash)
    qtbot.waitUntil(window.search_box.hasFocus, timeout=3000)


def reader_heading(window) -> str:
    return window.reader.toPlainText().splitlines()[0]


def test_reader_text_follows_loading_the_sample(make_window, qtbot):
    window = make_window()
    assert reader_heading(window) == "Nothing to read yet"
    window.welcome.sample_button.click()
    qtbot.waitUntil(lambda: window.articles_model.rowCount() == 43, timeout=10000)
    settle(qtbot, window)
    assert window.reader.toPlainText() == "No article selected\nPick an article from the list."


def test_reader_text_follows_a_search(sample_window, qtbot):
    window = sample_window
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.reader.article is not None, timeout=3000)
    window.search_box.setText("zzqxv")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.reader.toPlainText() == (
        "No articles match “zzqxv”\nTry other words, or clear the search box to go back to "
        "your views."), timeout=5000)
    window.search_box.setText("Nimbus")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.articles_model.query.search == "Nimbus", timeout=5000)
    settle(qtbot, window)
    assert window.articles_model.rowCount() > 0
    # the results take the focus, and the reader shows the one the list points at
    assert reader_heading(window) == current_title(window) == window.reader.article.title
    assert "Nimbus" in reader_heading(window)


def test_reader_text_follows_removing_a_source(sample_window, qtbot, store):
    from newsdesk.gui.models import ID_ROLE

    window = sample_window
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.reader.article is not None, timeout=3000)
    shown = window.reader.article
    item = window.nav_model.match(window.nav_model.index(0, 0), ID_ROLE, shown.source_id, 1,
                                  Qt.MatchFlag.MatchRecursive)[0]
    window.nav.setCurrentIndex(item)
    settle(qtbot, window)
    assert window.reader.article == shown  # the article is in its source's list: it stays
    window.sources.remove_source()
    qtbot.waitUntil(lambda: window.reader.article is None, timeout=10000)
    qtbot.waitUntil(lambda: reader_heading(window) == "No article selected", timeout=5000)
    assert shown.source_id not in [s.id for s in store.sources.list()]


def test_reader_text_follows_switching_views(sample_window, qtbot):
    window = sample_window
    views = window.nav_model.index(0, 0)
    window.table.selectRow(0)
    settle(qtbot, window)
    window.nav.setCurrentIndex(window.nav_model.index(3, 0, views))  # Starred: empty
    settle(qtbot, window)
    assert window.reader.toPlainText() == "Nothing here\nThis view has no articles."
    window.nav.setCurrentIndex(window.nav_model.index(1, 0, views))  # All articles
    settle(qtbot, window)
    assert window.articles_model.rowCount() == 43
    assert window.reader.toPlainText() == "No article selected\nPick an article from the list."


SLOW_SQL = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200000000) "
            "SELECT count(*) FROM c")


def test_a_newer_request_interrupts_a_slow_one(make_window, qtbot):
    import time

    window = make_window()
    results: list[object] = []
    started = time.monotonic()
    window.jobs.latest("list", lambda store: store.raw_sql(SLOW_SQL), on_done=results.append,
                   on_failed=results.append)
    qtbot.waitUntil(lambda: window.jobs.is_running("list"), timeout=5000)  # the slow query runs
    window.jobs.latest("list", lambda store: "newer", on_done=results.append,
                   on_failed=results.append)
    qtbot.waitUntil(lambda: results == ["newer"], timeout=5000)
    from PySide6.QtCore import QThreadPool

    assert QThreadPool.globalInstance().waitForDone(5000)
    assert time.monotonic() - started < 5  # the slow one stopped, not ran to its end
    qtbot.wait(50)
    assert results == ["newer"]  # the interrupted one's error was dropped, not shown


def test_closing_the_window_interrupts_a_slow_query(make_window, qtbot, no_modal_dialogs):
    import time

    from PySide6.QtCore import QThreadPool

    window = make_window()
    window.jobs.latest("topic-counts", lambda store: store.raw_sql(SLOW_SQL),
                   on_done=lambda _r: None, on_failed=lambda _e: None)
    qtbot.waitUntil(lambda: window.jobs.is_running("topic-counts"), timeout=5000)
    started = time.monotonic()
    window.close()
    assert QThreadPool.globalInstance().waitForDone(5000)
    assert time.monotonic() - started < 3
    assert not window.jobs.is_running("topic-counts") and no_modal_dialogs == []


@pytest.fixture
def topic_reads(monkeypatch) -> list[bool]:
    """For each read of a topic's rows: whether it ran on the GUI thread."""
    import threading

    from newsdesk.store.sql.articles import SqlArticles

    on_gui_thread: list[bool] = []
    original = SqlArticles.headlines

    def spy(self, query, **kwargs):
        if query.topic is not None:
            on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return original(self, query, **kwargs)

    monkeypatch.setattr(SqlArticles, "headlines", spy)
    return on_gui_thread


def test_topic_view_is_read_off_the_gui_thread(sample_window, qtbot, topic_reads):
    window = sample_window
    threads = topic_reads
    topics = window.nav_model.index(1, 0)
    window.nav.setCurrentIndex(window.nav_model.index(1, 0, topics))  # Tech policy and courts
    qtbot.waitUntil(lambda: window.articles_model.query.topic is not None, timeout=5000)
    assert threads == [False]
    assert window.articles_model.rowCount() == 17
    window.table.selectRow(3)
    chosen = window.current_headline().id
    window.view.reload_articles()  # as after a refresh: re-read on a worker, selection kept
    qtbot.waitUntil(lambda: len(threads) == 2, timeout=5000)
    qtbot.waitUntil(lambda: not window.jobs.is_running("list"), timeout=5000)
    qtbot.wait(50)
    assert threads == [False, False]
    assert window.articles_model.rowCount() == 17 and window.current_headline().id == chosen


@pytest.mark.parametrize(("body", "depth", "message"), [
    ("<opml><body><outline", 0,
     "The OPML file is not well-formed XML (unclosed token: line 1, column 12)."),
    (None, 5000, None),  # nested 5000 deep: the sentence is sources.py's (OPMLError)
])
def test_an_opml_file_that_cannot_be_read_is_a_message(make_window, qtbot, store, tmp_path,
                                                       no_modal_dialogs, body, depth, message):
    opml = tmp_path / "bad.opml"
    opml.write_text(body or ("<opml><body>" + '<outline text="x">' * depth
                             + '<outline xmlUrl="http://127.0.0.1:9/f"/>'
                             + "</outline>" * depth + "</body></opml>"))
    window = make_window()
    window.show()
    window.sources.import_opml_file(str(opml))
    qtbot.waitUntil(lambda: bool(no_modal_dialogs), timeout=10000)
    title, text = no_modal_dialogs[0]
    assert title == "Could not import the OPML file"
    assert window.statusBar().currentMessage() == text
    if message is not None:
        assert text == message
    assert store.sources.list() == []
    assert window.isVisible()


def test_further_pages_of_a_topic_are_read_off_the_gui_thread(sample_window, qtbot, topic_reads):
    window = sample_window
    window.articles_model.PAGE = 5
    on_gui_thread = topic_reads
    topics = window.nav_model.index(1, 0)
    window.nav.setCurrentIndex(window.nav_model.index(1, 0, topics))  # 17 articles
    model = window.articles_model
    qtbot.waitUntil(lambda: model.query.topic is not None and model.rowCount() >= 5, timeout=5000)

    def more() -> bool:  # as the view does while it has room for rows
        if model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
            assert not model.canFetchMore(QModelIndex())  # one page at a time, on a worker
        return model.rowCount() == 17

    qtbot.waitUntil(more, timeout=10000)
    qtbot.wait(50)
    assert model.rowCount() == 17 and not model.canFetchMore(QModelIndex())
    assert len(on_gui_thread) == 4 and not any(on_gui_thread)
    ids = [model.headline(i).id for i in range(17)]
    assert len(set(ids)) == 17


def test_the_gui_thread_never_touches_the_store(qtbot, store, recorded_window, monkeypatch,
                                                feed_server, no_modal_dialogs, tmp_path):
    """Every read and write of the window is a job: wrap the window's store and every
    connection its jobs open, drive the window as a user would, and look at the threads."""
    from newsdesk.gui.dialogs import TopicDialog
    from newsdesk.gui.models import ID_ROLE, KIND_ROLE

    feed_server.routes["/feed.xml"] = Route(body=fixture_bytes("rss20.xml"))
    store.sources.add(feed_server.url("/feed.xml"), title="Loopback")
    load_sample(store)
    window, calls = recorded_window()
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    nav = window.nav_model

    def select(kind: str) -> None:
        index = nav.match(nav.index(0, 0), KIND_ROLE, kind, 1, Qt.MatchFlag.MatchRecursive)[0]
        window.nav.setCurrentIndex(index)
        settle(qtbot, window)

    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: window.refresh_action.isEnabled(), timeout=15000)
    settle(qtbot, window)
    for kind in ("source", "folder", "topic", "story", "view"):
        select(kind)
        assert window.articles_model.rowCount() > 0, kind
    window.table.setFocus()
    for key in (Qt.Key.Key_J, Qt.Key.Key_J, Qt.Key.Key_M, Qt.Key.Key_S, Qt.Key.Key_K):
        qtbot.keyClick(window.table, key)
        settle(qtbot, window)
    assert window.reader.article is not None
    window.all_read_action.trigger()
    qtbot.waitUntil(lambda: window.undo_action.isEnabled(), timeout=5000)
    window.undo_action.trigger()
    settle(qtbot, window)
    # the desk: tag a multi-selection, code it, undo and redo, a highlight, the pane, the
    # Tags group, a tag's view and timeline, the coverage table, the agreement, an export
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QDialog

    from newsdesk.gui.desk_dialogs import NoteDialog, TagPicker

    monkeypatch.setattr(TagPicker, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(TagPicker, "tags", lambda self: ["desk-test"])
    monkeypatch.setattr(NoteDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(NoteDialog, "text", lambda self: "A note")
    window.annotations_dock.show()
    window.middle.select_row(0)
    window.table.selectionModel().select(
        window.articles_model.index(1, 1),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    settle(qtbot, window)
    for key, modifiers in ((Qt.Key.Key_T, Qt.KeyboardModifier.NoModifier),
                           (Qt.Key.Key_3, Qt.KeyboardModifier.NoModifier),
                           (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
                           (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                            | Qt.KeyboardModifier.ShiftModifier)):
        qtbot.keyClick(window.table, key, modifiers)
        settle(qtbot, window)
    window.note_action.trigger()
    settle(qtbot, window)
    from newsdesk.gui.panes.reader import find_quote
    from newsdesk.models import TextQuote

    passage = " ".join(window.reader.article.text.split()[2:6])
    start, end = find_quote(window.reader.document().toPlainText(), TextQuote(passage))
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    window.reader.setTextCursor(cursor)
    window.highlight_action.trigger()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: any(n.note.quote for n in window.annotations_pane.notes()),
                    timeout=5000)
    tag = nav.match(nav.index(0, 0), KIND_ROLE, "tag", 1, Qt.MatchFlag.MatchRecursive)[0]
    window.nav.setCurrentIndex(tag)
    settle(qtbot, window)
    assert window.articles_model.rowCount() == 2
    window.tags.timeline()
    settle(qtbot, window)
    window.story_dock.show()
    story = max(store.stories.list(), key=lambda st: len(st.outlets))
    window.open_article(story.article_ids[0])
    settle(qtbot, window)
    window.coverage.coverage_table(story.id, story.label)
    settle(qtbot, window)
    cells = window.coverage.last_report
    cells.grid.cellClicked.emit(0, 0)  # a cell's articles in the list (a read)
    settle(qtbot, window)
    # a story's own tags and notes (the pane's links), untagging one, Remove tag ▸
    window.open_article(story.article_ids[0])
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.story_pane.story_id == story.id, timeout=10000)
    for link in ("desk:tag", "desk:note", "untag:desk-test"):
        window.story_pane._link(link)
        settle(qtbot, window)
    window.undo_action.trigger()
    settle(qtbot, window)
    window.annotating.remove_tags([story.article_ids[0]], ["desk-test"])
    settle(qtbot, window)
    # Desk ▸ Codebooks…: add one, then remove it (its codes are counted first)
    window.codebooks_action.trigger()
    settle(qtbot, window)
    books = window.tags.last_codebooks
    books.name.setText("Sourcing")
    books.values.setPlainText("official, expert")
    books.add_button.click()
    settle(qtbot, window)
    window.tags.remove_codebook("Sourcing")
    settle(qtbot, window)
    books.close()
    window.coverage.agreement()
    window.coverage.export(list(story.article_ids), tmp_path / "memo.html", "html")
    settle(qtbot, window)
    assert (tmp_path / "memo.html").exists() and window.coverage.last_report is not None
    window.search_box.setText("court")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    settle(qtbot, window)
    monkeypatch.setattr(TopicDialog, "exec", lambda self: 1)
    monkeypatch.setattr(TopicDialog, "values", lambda self: ("Warrants", "warrant*", ""))
    window.topics.add_topic()
    settle(qtbot, window)
    source = nav.match(nav.index(0, 0), KIND_ROLE, "source", 1, Qt.MatchFlag.MatchRecursive)[0]
    window.nav.setCurrentIndex(source)
    settle(qtbot, window)
    source_id = source.data(ID_ROLE)
    window.sources.remove_source()
    settle(qtbot, window)
    window.close()
    names = {name for name, _gui in calls}
    assert {"articles.headlines", "articles.get", "reading.set_read", "reading.set_starred",
            "reading.mark_read_where", "reading.undo_batch", "topics.add", "sources.remove",
            "sources.list", "annotations.tag", "annotations.code", "annotations.add_note",
            "annotations.untag", "annotations.add_codebook", "annotations.coded",
            "annotations.remove_codebook", "annotations.restore"} <= names
    assert not any(b.name == "Sourcing" for b in store.annotations.codebooks())
    assert source_id not in [s.id for s in store.sources.list()]
    # interrupt() is the one call made from the GUI thread on purpose: JobRunner.latest
    # stops a superseded read with it (sqlite3's interrupt is meant for another thread);
    # with the desk's per-article reads a superseded read is often still running.
    assert [name for name, on_gui_thread in calls if on_gui_thread and name != "interrupt"] == []


def test_j_past_the_loaded_rows_reads_the_next_page_then_moves_on(make_window, qtbot, store):
    load_sample(store)
    window = make_window()
    window.articles_model.PAGE = 5
    window.nav.setCurrentIndex(window.nav_model.index(1, 0, window.nav_model.index(0, 0)))
    settle(qtbot, window)
    assert window.articles_model.rowCount() == 5
    titles = [a.title for a in store.articles.list()]
    for _ in range(30):  # rows past the first page come from pages jobs read
        window.reading.move(1)
        settle(qtbot, window)
    assert current_title(window) == titles[29]


def test_a_mark_that_cannot_be_saved_is_put_back(sample_window, qtbot, monkeypatch,
                                                 no_modal_dialogs):
    from newsdesk.errors import StoreError
    from newsdesk.gui.actions import reading

    def refuse(*_args, **_kwargs):
        raise StoreError("The disk is full.")

    window = sample_window
    settle(qtbot, window)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    settle(qtbot, window)
    monkeypatch.setattr(reading, "set_read", refuse)
    monkeypatch.setattr(reading, "set_starred", refuse)
    before = window.current_headline()
    qtbot.keyClick(window.table, Qt.Key.Key_M)
    qtbot.keyClick(window.table, Qt.Key.Key_S)
    settle(qtbot, window)
    after = window.current_headline()
    assert (after.is_read, after.is_starred) == (before.is_read, before.is_starred)
    assert [title for title, _text in no_modal_dialogs] == ["Could not save", "Could not save"]


def test_an_article_that_cannot_be_opened_is_not_taken_for_the_open_one(sample_window, qtbot,
                                                                      monkeypatch):
    from newsdesk.errors import NotFoundError
    from newsdesk.gui.actions import reading

    window = sample_window
    settle(qtbot, window)

    def gone(*_args):
        raise NotFoundError("There is no article with that id.")

    monkeypatch.setattr(reading, "open_article", gone)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    settle(qtbot, window)
    assert "no article" in window.statusBar().currentMessage()
    assert window.view.current_id is None  # opening it again tries again
