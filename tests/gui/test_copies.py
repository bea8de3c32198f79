"""Copies collapsed in the article list: the original's row says "+2 copies" and names
their outlets, copies show only with View ▸ Show copies, paging goes on past a copy left
out, and a read mark redraws every copy's row."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from newsdesk.gui import models as gui_models
from newsdesk.gui.models import ArticleTableModel, Page
from newsdesk.models import ArticleQuery, Headline
from newsdesk.services.sample import load_sample
from tests.gui.conftest import settle


def synchronous(store):
    return lambda read, done: done(read(store))


@pytest.fixture
def copies_of_first(monkeypatch, store):
    """The newest article's two next rows are its copies (whatever the service says)."""
    load_sample(store)
    rows = [a.id for a in store.articles.list()]
    original, copies = rows[0], tuple(rows[1:3])

    def collapse(_store, found: list[Headline]):
        """As the store knows copy groups: a group is told for any page holding one of
        its members; a copy is left out when its original is in the same page."""
        ids = {h.id for h in found}
        present = tuple(c for c in copies if c in ids)
        groups = {original: present} if present else {}
        hidden = set(present) if original in ids else set()
        return [h for h in found if h.id not in hidden], groups

    monkeypatch.setattr(gui_models, "collapse", collapse)
    return original, copies


def title_of(model: ArticleTableModel, row: int, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, ArticleTableModel.TITLE), role)


def test_the_original_says_how_many_copies_and_whose(store, copies_of_first):
    original, copies = copies_of_first
    model = ArticleTableModel(synchronous(store))
    model.set_query(ArticleQuery())
    assert model.rowCount() == store.articles.count() - 2
    assert model.article_ids()[0] == original
    assert not set(copies) & set(model.article_ids())
    assert title_of(model, 0).endswith("+2 copies")
    tip = title_of(model, 0, Qt.ItemDataRole.ToolTipRole)
    assert "also ran as 2 copies" in tip and "Show copies" in tip
    headlines = {h.id: h for h in gui_models.list_headlines(store, ArticleQuery(), limit=5,
                                                            newest_first=True)}
    for copy in copies:
        assert headlines[copy].source_title in tip
    assert model.with_copies({original}) == {original, *copies}


def test_show_copies_lists_them_as_quieter_rows(store, copies_of_first):
    original, copies = copies_of_first
    model = ArticleTableModel(synchronous(store))
    model.show_copies = True
    model.set_query(ArticleQuery())
    assert model.rowCount() == store.articles.count()
    row = model.row_of(copies[0])
    assert title_of(model, row).startswith("↳ ")
    assert not title_of(model, 0).endswith("copies")
    assert "A copy of" in title_of(model, row, Qt.ItemDataRole.ToolTipRole)
    assert model.with_copies({copies[1]}) == {original, *copies}


def test_paging_goes_on_after_a_copy_left_out(store, copies_of_first):
    _original, copies = copies_of_first
    expected = [a.id for a in store.articles.list() if a.id not in copies]
    model = ArticleTableModel(synchronous(store))
    model.PAGE = 2  # the first page reads the original and one copy: one row shown
    model.set_query(ArticleQuery())
    assert model.rowCount() == 1 and model.canFetchMore(QModelIndex())
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.article_ids() == expected


def test_a_page_knows_where_the_next_one_starts(store):
    load_sample(store)
    page = gui_models.read_page(store, ArticleQuery(), limit=3, newest_first=True)
    assert isinstance(page, Page) and len(page.rows) == 3 and page.more
    assert page.last == page.rows[-1]


def test_marking_an_original_read_redraws_its_copies(make_window, store, qtbot,
                                                     copies_of_first):
    original, copies = copies_of_first
    window = make_window()
    window.view.show_query(ArticleQuery())  # every article, read or not
    window.copies_action.setChecked(True)
    settle(qtbot, window)
    assert window.articles_model.query == ArticleQuery()
    model = window.articles_model
    assert model.row_of(copies[0]) >= 0
    window.reading.set_read([original], True)  # at once in the list; the service marks
    for article_id in (original, *copies):  # the copies in the store (tests/unit/services)
        assert model.headline(model.row_of(article_id)).is_read, article_id
    settle(qtbot, window)
    window.copies_action.setChecked(False)
    settle(qtbot, window)
    assert model.row_of(copies[0]) < 0
