"""Corrections from the window (Move to story…, Split, Pin, Merge with…, Detach) on a real
store over the sample, with Ctrl+Z taking them back, and the "Why these articles?" dialog."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from newsdesk.gui.explain_dialog import ExplainDialog
from newsdesk.gui.models import ID_ROLE, KIND_ROLE
from newsdesk.models import Correction, MemberReason, StoryExplanation
from newsdesk.services.sample import load_sample
from tests.gui.conftest import settle


@pytest.fixture
def window(make_window, store, qtbot):
    load_sample(store)
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    return window


def biggest(store):
    return max(store.stories.list(), key=lambda s: (len(s.outlets), s.size))


def select_story(window, qtbot, story_id: int) -> None:
    model = window.nav_model
    qtbot.waitUntil(lambda: any(i.data(ID_ROLE) == story_id for i in model.match(
        model.index(0, 0), KIND_ROLE, "story", -1, Qt.MatchFlag.MatchRecursive)), timeout=5000)
    index = next(i for i in model.match(model.index(0, 0), KIND_ROLE, "story", -1,
                                        Qt.MatchFlag.MatchRecursive)
                 if i.data(ID_ROLE) == story_id)
    window.nav.setCurrentIndex(index)
    settle(qtbot, window)


def select_rows(window, rows: list[int]) -> list[str]:
    from PySide6.QtCore import QItemSelectionModel

    model = window.articles_model
    window.middle.select_row(rows[0])
    for row in rows[1:]:
        window.table.selectionModel().select(
            model.index(row, 1), QItemSelectionModel.SelectionFlag.Select
            | QItemSelectionModel.SelectionFlag.Rows)
    return window.middle.selected_ids()


def choosing(story_id: int):
    """A chooser that picks this story, as a user would."""
    offered: list[list[int]] = []

    def choose(dialog) -> bool:
        offered.append([s.id for s in dialog.stories])
        dialog.table.selectRow(next(r for r, s in enumerate(dialog.stories) if s.id == story_id))
        return True

    return choose, offered


def test_the_article_menu_has_the_story_corrections(window):
    menu = window.annotating.build_article_menu()
    story = next(a for a in menu.actions() if a.text() == "Story")
    assert [a.text() for a in story.menu().actions() if a.text()] == [
        "Move to story…", "Split into a new story", "Pin to this story", "Why these articles?"]
    assert [a.text() for a in window.story_menu.actions() if a.text()][:3] == [
        "Follow storyline", "Unfollow storyline", "Storyline timeline"]


def test_split_the_selected_articles_then_undo_it(window, store, qtbot):
    story = biggest(store)
    select_story(window, qtbot, story.id)
    ids = select_rows(window, [0, 1])
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    window.corrections.split_action.trigger()
    settle(qtbot, window)
    where = store.stories.stories_of(ids)
    assert len(set(where.values())) == 1 and story.id not in where.values()
    assert any("into a new story" in text and "Ctrl+Z" in text for text in said)
    assert [c.kind for c in store.stories.corrections()] == ["split"]
    assert window.undo_action.text().startswith("Undo split 2 articles")
    window.undo_stack.undo()
    settle(qtbot, window)
    assert set(store.stories.stories_of(ids).values()) == {story.id}
    assert store.stories.corrections() == []


def test_pin_records_a_pin_for_each_article(window, store, qtbot):
    story = biggest(store)
    select_story(window, qtbot, story.id)
    ids = select_rows(window, [0, 1])
    window.corrections.pin_action.trigger()
    settle(qtbot, window)
    pins = [c for c in store.stories.corrections() if c.kind == "pin"]
    assert sorted(c.articles[0] for c in pins) == sorted(ids)
    assert set(store.stories.stories_of(ids).values()) == {story.id}


def test_move_to_story_asks_which_then_moves_and_undo_puts_it_back(window, store, qtbot):
    story = biggest(store)
    other = next(s for s in store.stories.list() if s.id != story.id)
    select_story(window, qtbot, story.id)
    ids = select_rows(window, [0])
    window.corrections.choose, offered = choosing(other.id)
    window.corrections.move_action.trigger()
    settle(qtbot, window)
    assert story.id not in offered[0] and other.id in offered[0]  # not its own story
    assert store.stories.stories_of(ids) == {ids[0]: other.id}
    window.undo_stack.undo()
    settle(qtbot, window)
    assert store.stories.stories_of(ids) == {ids[0]: story.id}


def test_the_chooser_filters_as_you_type(qtbot, store):
    from newsdesk.gui.dialogs import StoryChooserDialog

    load_sample(store)
    stories = store.stories.list()
    dialog = StoryChooserDialog(stories, "Move to story", "Which?")
    qtbot.addWidget(dialog)
    word = stories[0].label.split()[0]
    dialog.filter.setText(word)
    shown = [s for r, s in enumerate(dialog.stories) if not dialog.table.isRowHidden(r)]
    assert shown and all(word.casefold() in (s.label + " ".join(s.outlets)).casefold()
                         for s in shown)
    dialog.filter.setText("zzzz-no-such-story")
    assert dialog.chosen() is None


def test_merge_a_story_from_the_navigation_and_undo(window, store, qtbot):
    story = biggest(store)
    other = next(s for s in store.stories.list() if s.id != story.id)
    select_story(window, qtbot, story.id)
    assert window.corrections.merge_action in window.nav.menu_actions["story"]
    window.corrections.choose, _offered = choosing(other.id)
    window.corrections.merge_action.trigger()
    settle(qtbot, window)
    assert set(store.stories.stories_of(other.article_ids).values()) == {story.id}
    window.undo_stack.undo()
    settle(qtbot, window)
    back = set(store.stories.stories_of(other.article_ids).values())
    assert len(back) == 1 and story.id not in back  # a story of their own again


def test_detach_an_event_from_its_storyline(window, store, qtbot):
    from newsdesk.services.storylines import list_storylines, timeline

    lines = list_storylines(store)
    assert lines, "the sample's contempt ruling and its appeal make a storyline"
    event = timeline(store, lines[0].id).events[-1].story
    window.corrections.build_event_menu(event.id, event.label)  # the timeline's right click
    window.corrections.detach_action.trigger()
    window.corrections._event = None
    settle(qtbot, window)
    link = store.stories.links([event.id])[event.id]
    assert link.locked and link.storyline_id is None
    assert [c.kind for c in store.stories.corrections()] == ["detach"]


def test_no_correction_touches_the_store_on_the_gui_thread(recorded_window, store, qtbot):
    load_sample(store)
    window, calls = recorded_window()
    settle(qtbot, window)
    story = biggest(store)
    select_story(window, qtbot, story.id)
    select_rows(window, [0, 1])
    calls.clear()
    window.corrections.split_action.trigger()
    settle(qtbot, window)
    window.undo_stack.undo()
    settle(qtbot, window)
    window.corrections.explain_action.trigger()
    settle(qtbot, window)
    assert calls and not [name for name, on_gui in calls if on_gui]
    assert window.corrections.last_explain is not None
    window.corrections.last_explain.close()


def explanation() -> StoryExplanation:
    members = (
        MemberReason("a1", "Court holds Nimbus in contempt", "Reuters", 0.81, 0.0,
                     ("Nimbus", "Ireland"), ("contempt", "emails")),
        MemberReason("a2", "Nimbus held in contempt over Irish emails", "Yahoo News", 0.79, 0.2,
                     ("Nimbus",), ("contempt",), copy_of="a1"),
        MemberReason("a3", "Why the Nimbus ruling matters", "Techdirt", 0.34, 1.5,
                     ("Nimbus",), (), corrected="moved"),
    )
    return StoryExplanation(12, "Nimbus contempt ruling", members, storyline_id=7,
                            storyline_reason="both name Nimbus, Ireland; 41 days apart",
                            corrections=(Correction(1, "move", ("a3",), ("a1", "a2"), "alice",
                                                    datetime(2021, 3, 4, tzinfo=UTC)),))


def test_the_explain_dialog_shows_each_articles_reasons(qtbot):
    dialog = ExplainDialog(explanation())
    qtbot.addWidget(dialog)
    rows = dialog.row_texts()
    assert rows[0][:5] == ["Reuters", "Court holds Nimbus in contempt", "0.81",
                           "Nimbus, Ireland", "contempt, emails"]
    assert rows[1][6] == "copy of Reuters"
    assert rows[2][6] == "moved by you" and rows[2][2] == "0.34"
    assert "both name Nimbus, Ireland; 41 days apart" in dialog.storyline.text()
    assert "moved (1 article, alice" in dialog.corrections.text()
    with qtbot.waitSignal(dialog.article_requested) as opened:
        dialog.table.setCurrentCell(2, 1)
        dialog.table.doubleClicked.emit(dialog.table.currentIndex())
    assert opened.args == ["a3"]


def test_why_these_articles_explains_the_selected_story(window, store, qtbot):
    story = biggest(store)
    select_story(window, qtbot, story.id)
    window.corrections.explain_action.trigger()
    settle(qtbot, window)
    dialog = window.corrections.last_explain
    assert dialog is not None and dialog.isVisible()
    rows = dialog.row_texts()
    assert len(rows) == story.size
    assert all(0 <= float(row[2]) <= 1 for row in rows)
    assert "storyline" in dialog.storyline.text()
    dialog.close()
