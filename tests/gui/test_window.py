"""The window over a real store: models, the welcome page, the reader's network wall."""

import pytest

pytest.importorskip("PySide6")

from newsdesk.gui.mainwindow import MainWindow
from newsdesk.gui.models import ArticleTableModel, NavigationModel
from newsdesk.models import ArticleQuery
from newsdesk.sample import load_sample


def test_article_model_is_a_valid_qt_model(qtmodeltester, store):
    load_sample(store)
    model = ArticleTableModel(store)
    model.set_query(ArticleQuery())
    qtmodeltester.check(model)
    assert model.rowCount() == store.count_articles()


def test_article_model_pages_lazily(store):
    load_sample(store)
    model = ArticleTableModel(store)
    model.PAGE = 10
    model.set_query(ArticleQuery())
    assert model.rowCount() == 10 and model.canFetchMore(model.index(-1, -1))
    while model.canFetchMore(model.index(-1, -1)):
        model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == store.count_articles()


def test_navigation_model(qtmodeltester, store):
    load_sample(store)
    model = NavigationModel(store)
    qtmodeltester.check(model)
    texts = [model.index(0, 0, model.index(0, 0)).data()]
    assert texts == [f"All articles  ({store.count_articles()})"]


def test_empty_database_shows_the_welcome_page(qtbot, store):
    window = MainWindow(store)
    qtbot.addWidget(window)
    assert window.middle.currentWidget() is window.welcome


def test_loading_the_sample_from_the_welcome_page(qtbot, store):
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.welcome.sample_button.click()
    qtbot.waitUntil(lambda: window.middle.currentWidget() is window.table, timeout=10000)
    qtbot.waitUntil(lambda: window.articles_model.rowCount() > 0, timeout=5000)


def test_reader_makes_no_remote_request(qtbot, store, feed_server):
    from dataclasses import replace

    from tests.feedserver import Route

    feed_server.routes["/img.png"] = Route(body=b"\x89PNG", content_type="image/png")
    load_sample(store)
    article = store.list_articles(limit=1)[0]
    remote = feed_server.url("/img.png")
    article = replace(article, content_html=f'<p>pic <img src="{remote}"></p>')
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.reader.show_article(article, None)
    window.reader.grab()  # paint it, as a user would see it
    qtbot.wait(200)
    assert feed_server.requests == []
    assert remote in window.reader.blocked_urls
