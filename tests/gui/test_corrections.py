"""Corrections from the window (Move to story…, Split, Pin, Merge with…, Detach) and the
"Why these articles?" dialog. The corrections' services are replaced by recorders that note
their arguments and thread, so these tests hold whatever the services compute."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from newsdesk.gui.actions import corrections as correction_actions
from newsdesk.gui.explain_dialog import ExplainDialog
from newsdesk.gui.models import ID_ROLE, KIND_ROLE
from newsdesk.models import Correction, MemberReason, StoryExplanation
from newsdesk.services.changes import Changes
from newsdesk.services.sample import load_sample
from tests.gui.conftest import settle


class Recorder:
    """Stands in for services.corrections: each call is noted with its thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, tuple[object, ...], dict[str, object], bool]] = []
        self.explanation: StoryExplanation | None = None
        for name in ("merge_stories", "split_story", "move_article", "pin_article",
                     "detach_story", "explain_story"):
            monkeypatch.setattr(correction_actions, name, self._call(name))

    def _call(self, name: str):
        def call(store, *args, **kwargs):
            self.calls.append((name, args, kwargs,
                               threading.current_thread() is threading.main_thread()))
            if name == "explain_story":
                assert self.explanation is not None
                return self.explanation
            if name == "split_story":
                return 99, Changes.of(story_list=True)
            return Changes.of(story_list=True)

        return call

    def names(self) -> list[str]:
        return [name for name, *_ in self.calls]


@pytest.fixture
def window_and_recorder(make_window, store, qtbot, monkeypatch):
    load_sample(store)
    recorder = Recorder(monkeypatch)
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    return window, recorder


def biggest(store):
    return max(store.stories.list(), key=lambda s: (len(s.outlets), s.size))


def select_story(window, qtbot, story_id: int) -> None:
    model = window.nav_model
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


def test_the_article_menu_has_the_story_corrections(window_and_recorder):
    window, _recorder = window_and_recorder
    menu = window.annotating.build_article_menu()
    story = next(a for a in menu.actions() if a.text() == "Story")
    assert [a.text() for a in story.menu().actions() if a.text()] == [
        "Move to story…", "Split into a new story", "Pin to this story", "Why these articles?"]
    assert [a.text() for a in window.story_menu.actions() if a.text()][:3] == [
        "Follow storyline", "Unfollow storyline", "Storyline timeline"]


def test_split_and_pin_the_selected_articles_of_a_story(window_and_recorder, store, qtbot):
    window, recorder = window_and_recorder
    story = biggest(store)
    select_story(window, qtbot, story.id)
    ids = select_rows(window, [0, 1])
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    window.corrections.split_action.trigger()
    settle(qtbot, window)
    name, args, kwargs, on_gui = recorder.calls[-1]
    assert (name, args[0], list(args[1])) == ("split_story", story.id, ids)
    assert not on_gui and kwargs["editor"] == window.annotating.editor
    assert any("new story (99)" in text for text in said)
    ids = select_rows(window, [0, 1])  # the list was read again after the split
    window.corrections.pin_action.trigger()
    settle(qtbot, window)
    assert [c[1] for c in recorder.calls if c[0] == "pin_article"] == [(ids[0],), (ids[1],)]


def test_move_to_story_asks_which_then_moves_each(window_and_recorder, store, qtbot):
    window, recorder = window_and_recorder
    story = biggest(store)
    select_story(window, qtbot, story.id)
    ids = select_rows(window, [0])
    other = next(s for s in store.stories.list() if s.id != story.id)
    offered: list[list[int]] = []

    def choose(dialog) -> bool:
        offered.append([s.id for s in dialog.stories])
        row = next(r for r, s in enumerate(dialog.stories) if s.id == other.id)
        dialog.table.selectRow(row)
        return True

    window.corrections.choose = choose
    window.corrections.move_action.trigger()
    settle(qtbot, window)
    assert story.id not in offered[0] and other.id in offered[0]  # not its own story
    assert ("move_article", (ids[0], other.id)) in [(c[0], c[1]) for c in recorder.calls]
    assert not any(c[3] for c in recorder.calls)


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


def test_merge_and_detach_a_story_from_the_navigation(window_and_recorder, store, qtbot,
                                                      no_modal_dialogs):
    window, recorder = window_and_recorder
    story = biggest(store)
    other = next(s for s in store.stories.list() if s.id != story.id)
    select_story(window, qtbot, story.id)
    assert window.corrections.merge_action in window.nav.menu_actions["story"]

    def choose(dialog) -> bool:
        dialog.table.selectRow(next(r for r, s in enumerate(dialog.stories) if s.id == other.id))
        return True

    window.corrections.choose = choose
    window.corrections.merge_action.trigger()
    settle(qtbot, window)
    assert ("merge_stories", (story.id, other.id)) in [(c[0], c[1]) for c in recorder.calls]
    assert any(title == "Merge stories" for title, _text in no_modal_dialogs)  # it asked
    window.corrections._event = (story.id, story.label)  # as the timeline's right click
    window.corrections.detach_action.trigger()
    window.corrections._event = None
    settle(qtbot, window)
    assert ("detach_story", (story.id,)) in [(c[0], c[1]) for c in recorder.calls]


def test_a_correction_not_confirmed_changes_nothing(window_and_recorder, store, qtbot,
                                                    monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window, recorder = window_and_recorder
    monkeypatch.setattr(QMessageBox, "exec", lambda box: int(QMessageBox.StandardButton.No.value))
    select_story(window, qtbot, biggest(store).id)
    window.corrections.detach_action.trigger()
    settle(qtbot, window)
    assert "detach_story" not in recorder.names()


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


def test_why_these_articles_reads_the_explanation_as_a_job(window_and_recorder, store, qtbot):
    window, recorder = window_and_recorder
    recorder.explanation = explanation()
    story = biggest(store)
    select_story(window, qtbot, story.id)
    window.corrections.explain_action.trigger()
    settle(qtbot, window)
    assert ("explain_story", (story.id,), {}, False) in recorder.calls
    dialog = window.corrections.last_explain
    assert dialog is not None and dialog.isVisible()
    assert len(dialog.row_texts()) == 3
    dialog.close()
