"""The coverage desk in the window: tag, code, note and highlight the selection, undo and
redo, the annotations pane, the Tags group, and the coverage and agreement reports."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog

from newsdesk.gui.desk_dialogs import NoteDialog, TagPicker, split_tags
from newsdesk.gui.models import KIND_ROLE, LABEL_ROLE
from newsdesk.gui.panes.reader import find_quote
from newsdesk.models import TextQuote
from newsdesk.services.annotations import annotations_by_article, article_annotations
from newsdesk.services.editors import default_editor
from newsdesk.services.sample import load_sample
from tests.gui.conftest import settle


@pytest.fixture
def desk_window(make_window, store, qtbot):
    load_sample(store)
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    return window


def select_rows(window, rows: list[int]) -> list[str]:
    """Select rows as Ctrl+clicks would: the first becomes current, the rest are added."""
    table = window.table
    model = window.articles_model
    window.middle.select_row(rows[0])
    for row in rows[1:]:
        table.selectionModel().select(
            model.index(row, 1), QItemSelectionModel.SelectionFlag.Select
            | QItemSelectionModel.SelectionFlag.Rows)
    return [model.headline(r).id for r in rows]


def tags_of(store, ids: list[str]) -> dict[str, set[str]]:
    found = annotations_by_article(store, ids)
    return {i: {a.tag for a in found.get(i, []) if a.kind == "tag"} for i in ids}


def answer_tag_picker(monkeypatch, text: str) -> None:
    monkeypatch.setattr(TagPicker, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(TagPicker, "tags", lambda self: split_tags(text))


def answer_note(monkeypatch, text: str) -> None:
    monkeypatch.setattr(NoteDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(NoteDialog, "text", lambda self: text)


def tag_items(window) -> dict[str, str]:
    """The Tags group as drawn: name -> its row's text."""
    nav = window.nav_model
    return {i.data(LABEL_ROLE): i.data() for i in nav.match(
        nav.index(0, 0), KIND_ROLE, "tag", -1, Qt.MatchFlag.MatchRecursive)}


def test_split_tags_takes_commas_and_drops_repeats():
    assert split_tags(" ireland-case, Follow-up ,,ireland-CASE, ") == ["ireland-case", "Follow-up"]


def test_the_list_selects_several_rows_and_the_reader_follows_the_current(desk_window, qtbot):
    window = desk_window
    ids = select_rows(window, [0, 2, 3])
    assert window.middle.selected_ids() == ids
    qtbot.waitUntil(lambda: window.reader.article is not None
                    and window.reader.article.id == ids[0], timeout=5000)


def test_tag_picker_tags_the_selection_and_ctrl_z_untags_it(desk_window, qtbot, store,
                                                            monkeypatch):
    window = desk_window
    ids = select_rows(window, [0, 1, 2])
    answer_tag_picker(monkeypatch, "ireland-case, follow-up")
    window.tag_action.trigger()
    settle(qtbot, window)
    assert tags_of(store, ids) == {i: {"ireland-case", "follow-up"} for i in ids}
    assert "Tagged" in window.statusBar().currentMessage()
    # the Tags group counts them, and the list's rows show them
    qtbot.waitUntil(lambda: tag_items(window).get("ireland-case") == "ireland-case  (3)",
                    timeout=5000)
    qtbot.waitUntil(lambda: window.articles_model.tags_of(ids[0]) != [], timeout=5000)
    assert not window.table.isColumnHidden(window.articles_model.TAGS)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert tags_of(store, ids) == {i: set() for i in ids}
    qtbot.waitUntil(lambda: window.articles_model.tags_of(ids[0]) == [], timeout=5000)
    assert window.redo_action.isEnabled()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    settle(qtbot, window)
    assert tags_of(store, ids) == {i: {"ireland-case", "follow-up"} for i in ids}


def test_one_undo_stack_for_mark_read_and_tags(desk_window, qtbot, store, monkeypatch):
    window = desk_window
    ids = select_rows(window, [0])
    answer_tag_picker(monkeypatch, "later")
    window.tag_action.trigger()
    settle(qtbot, window)
    assert window.undo_action.text().startswith("Undo tagged")
    qtbot.waitUntil(lambda: store.reading.unread_count() == 42, timeout=5000)  # opened: read
    settle(qtbot, window)
    window.all_read_action.trigger()
    qtbot.waitUntil(lambda: store.reading.unread_count() == 0, timeout=5000)
    settle(qtbot, window)
    assert window.undo_action.text() == "Undo mark all read (42)"
    window.undo_action.trigger()  # the newest first: the marks
    settle(qtbot, window)
    assert store.reading.unread_count() == 42 and tags_of(store, ids) == {ids[0]: {"later"}}
    assert window.undo_action.text().startswith("Undo tagged")
    window.undo_action.trigger()  # then the tag
    settle(qtbot, window)
    assert tags_of(store, ids) == {ids[0]: set()} and not window.undo_action.isEnabled()


def test_number_keys_code_the_selection_with_the_current_codebook(desk_window, qtbot, store):
    window = desk_window
    ids = select_rows(window, [0, 1])
    assert "Codebook: Coverage" in window.annotating.label.text()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_2)
    settle(qtbot, window)
    found = annotations_by_article(store, ids)
    assert {(a.codebook, a.value, a.editor) for i in ids for a in found[i]
            if a.kind == "code"} == {("Coverage", "critical", default_editor())}
    qtbot.keyClick(window.table, Qt.Key.Key_5)  # coding again replaces the value
    settle(qtbot, window)
    found = annotations_by_article(store, ids)
    assert [a.value for i in ids for a in found[i] if a.kind == "code"] == ["opinion"] * 2
    window.annotating.choose_codebook("Media frames")
    assert window.code_actions[0].text() == "Code Economic"
    assert window.qsettings.value("desk/codebook") == "Media frames"


def test_highlight_with_note_is_listed_drawn_and_jumped_to(desk_window, qtbot, store,
                                                           monkeypatch):
    window = desk_window
    window.annotations_dock.show()
    select_rows(window, [0])
    qtbot.waitUntil(lambda: window.reader.article is not None, timeout=5000)
    article = window.reader.article
    passage = " ".join(article.text.split()[3:9])
    view = window.reader
    start = find_quote(view.document().toPlainText(), TextQuote(passage), 0)
    assert start is not None
    cursor = QTextCursor(view.document())
    cursor.setPosition(start[0])
    cursor.setPosition(start[1], QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    answer_note(monkeypatch, "Who said this first?")
    window.highlight_action.trigger()
    settle(qtbot, window)
    notes = article_annotations(store, article.id).notes
    assert [(n.note.text, n.note.quote.exact if n.note.quote else None) for n in notes] == [
        ("Who said this first?", passage)]
    note_id = notes[0].note.id
    pane = window.annotations_pane
    qtbot.waitUntil(lambda: note_id in view.highlights, timeout=5000)
    assert "Who said this first?" in pane.view.toPlainText()
    assert passage in pane.view.toPlainText()
    assert len(view.extraSelections()) == 1
    view.moveCursor(QTextCursor.MoveOperation.Start)
    pane.follow(f"note:{note_id}")  # a click on the quote
    assert view.textCursor().selectedText() == view.document().toPlainText()[
        view.highlights[note_id][0]:view.highlights[note_id][1]]
    pane.follow(f"remove:{note_id}")
    settle(qtbot, window)
    assert article_annotations(store, article.id).notes == ()
    qtbot.waitUntil(lambda: view.highlights == {}, timeout=5000)


def test_a_lost_passage_says_so_in_the_pane(desk_window):
    from datetime import UTC, datetime

    from newsdesk.models import Annotation
    from newsdesk.services.annotations import ArticleAnnotations, PlacedNote

    note = Annotation("note", "a1", "alice", datetime(2026, 1, 2, tzinfo=UTC), id="n1",
                      text="check", quote=TextQuote("words gone from the text"))
    pane = desk_window.annotations_pane
    pane.show_annotations(ArticleAnnotations("a1", notes=(PlacedNote(note, None, "lost"),)),
                          "An article")
    text = pane.view.toPlainText()
    assert "lost: the passage is no longer in the text" in text and "alice" in text


def test_selecting_a_tag_shows_its_articles_and_untagged_the_rest(desk_window, qtbot,
                                                                  monkeypatch):
    window = desk_window
    ids = select_rows(window, [1, 4])
    answer_tag_picker(monkeypatch, "court")
    window.tag_action.trigger()
    settle(qtbot, window)
    nav = window.nav_model
    qtbot.waitUntil(lambda: "court" in tag_items(window), timeout=5000)
    item = next(i for i in nav.match(nav.index(0, 0), KIND_ROLE, "tag", -1,
                                     Qt.MatchFlag.MatchRecursive) if i.data(LABEL_ROLE) == "court")
    window.nav.setCurrentIndex(item)
    settle(qtbot, window)
    assert sorted(window.articles_model.article_ids()) == sorted(ids)
    untagged = nav.match(nav.index(0, 0), KIND_ROLE, "untagged", 1, Qt.MatchFlag.MatchRecursive)[0]
    window.nav.setCurrentIndex(untagged)
    settle(qtbot, window)
    assert window.articles_model.rowCount() == 43 - 2
    assert not set(ids) & set(window.articles_model.article_ids())


def test_the_settings_dialog_saves_the_editor(desk_window, monkeypatch, desk_settings_file):
    from newsdesk.gui.settings import SettingsDialog

    window = desk_window
    monkeypatch.setattr(SettingsDialog, "exec", lambda self: 1)
    monkeypatch.setattr(SettingsDialog, "result_editor", lambda self: "Alice Moreau")
    window.open_settings()
    assert default_editor() == "Alice Moreau" and desk_settings_file.exists()
    assert "Editor: Alice Moreau" in window.annotating.label.text()
    dialog = SettingsDialog(window.settings, [], window, editor=default_editor())
    assert dialog.editor.text() == "Alice Moreau"


def test_coverage_table_and_agreement_open_from_the_story_pane(desk_window, qtbot, store):
    from newsdesk.services.annotations import code_articles

    window = desk_window
    story = max(store.stories.list(), key=lambda s: len(s.outlets))
    code_articles(store, list(story.article_ids), "Coverage", "critical", "alice")
    code_articles(store, list(story.article_ids), "Coverage", "neutral", "bob")
    window.story_dock.show()
    window.open_article(story.article_ids[0])
    settle(qtbot, window)
    pane = window.story_pane
    qtbot.waitUntil(lambda: pane.story_id == story.id, timeout=10000)
    assert pane.coverage_button.isVisible()
    assert "Editors' notes" in pane.editors_view.toPlainText()
    pane.coverage_button.click()
    settle(qtbot, window)
    report = window.coverage.last_report
    assert report is not None and report.isVisible()
    shown = report.browser.toPlainText()
    assert story.label in shown and "critical" in shown and "openwire.example" in shown
    pane.agreement_button.click()
    settle(qtbot, window)
    report = window.coverage.last_report
    assert report is not None and report.windowTitle() == "Agreement on Coverage"
    assert "alpha" in report.browser.toPlainText().lower()


def test_right_click_on_articles_offers_tag_code_note_export(desk_window):
    window = desk_window
    select_rows(window, [0, 1])
    menu = window.annotating.build_article_menu()
    assert [x.text() for x in menu.actions() if x.text()] == [
        "Tag…", "Code (Coverage)", "Note…", "Export selection…", "Story"]
    assert [a.text() for a in window.code_menu.actions()][:2] == ["Code supportive",
                                                                  "Code critical"]


def test_a_tags_context_menu_renames_it_and_shows_its_timeline(desk_window, qtbot, store,
                                                               monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from newsdesk.services.annotations import list_tags

    window = desk_window
    ids = [window.articles_model.headline(r).id for r in range(3)]
    window.annotating.apply_tags(ids, ["lisbon"])
    settle(qtbot, window)
    nav = window.nav_model
    qtbot.waitUntil(lambda: "lisbon" in tag_items(window), timeout=5000)
    item = next(i for i in nav.match(nav.index(0, 0), KIND_ROLE, "tag", -1,
                                     Qt.MatchFlag.MatchRecursive) if i.data(LABEL_ROLE) == "lisbon")
    window.nav.setCurrentIndex(item)
    settle(qtbot, window)
    assert [a.text() for a in window.nav.menu_actions["tag"]][:2] == [
        "Timeline (articles per day)…", "Rename tag…"]
    window.tags.timeline()
    settle(qtbot, window)
    dialog = window.tags.last_timeline
    assert dialog is not None and sum(n for _d, n in dialog.chart.days) == 3
    dialog.close()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("lisbon-case", True))
    window.tags.rename()
    settle(qtbot, window)
    assert [t.name for t in list_tags(store)] == ["lisbon-case"]
    qtbot.waitUntil(lambda: tag_items(window).get("lisbon-case") == "lisbon-case  (3)",
                    timeout=5000)
    assert tags_of(store, ids) == {i: {"lisbon-case"} for i in ids}


def open_story(window, qtbot, store):
    """The sample's widest story, drawn in the story pane."""
    story = max(store.stories.list(), key=lambda s: len(s.outlets))
    window.story_dock.show()
    window.open_article(story.article_ids[0])
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.story_pane.story_id == story.id, timeout=10000)
    return story


def story_level(store, story_id: int) -> tuple[set[str], list[str]]:
    from newsdesk.services.annotations import story_annotations

    own, _articles = story_annotations(store, story_id)
    return {a.tag for a in own if a.kind == "tag"}, [a.text for a in own if a.kind == "note"]


def test_a_story_is_tagged_noted_and_untagged_from_its_pane_with_undo(desk_window, qtbot,
                                                                      store, monkeypatch):
    window = desk_window
    story = open_story(window, qtbot, store)
    pane = window.story_pane
    assert "Tag story…" in pane.editors_view.toPlainText()
    answer_tag_picker(monkeypatch, "lead-story, check-sources")
    pane._link("desk:tag")  # the section's "Tag story…" link
    settle(qtbot, window)
    assert story_level(store, story.id)[0] == {"lead-story", "check-sources"}
    qtbot.waitUntil(lambda: "lead\u2011story ×" in pane.editors_view.toPlainText(),
                    timeout=5000)  # unbroken: a non-breaking hyphen
    window.undo_action.trigger()
    settle(qtbot, window)
    assert story_level(store, story.id)[0] == set()
    qtbot.waitUntil(lambda: "Story tags" not in pane.editors_view.toPlainText(), timeout=5000)
    window.redo_action.trigger()
    settle(qtbot, window)
    assert story_level(store, story.id)[0] == {"lead-story", "check-sources"}
    answer_note(monkeypatch, "Ask the court for the ruling itself.")
    pane._link("desk:note")
    settle(qtbot, window)
    assert story_level(store, story.id)[1] == ["Ask the court for the ruling itself."]
    qtbot.waitUntil(lambda: "Ask the court for the ruling itself." in
                    pane.editors_view.toPlainText(), timeout=5000)
    assert "on the story" in pane.editors_view.toPlainText()
    pane._link("untag:check-sources")  # the × beside the tag
    settle(qtbot, window)
    assert story_level(store, story.id)[0] == {"lead-story"}
    qtbot.waitUntil(lambda: "check\u2011sources" not in pane.editors_view.toPlainText()
                    and "lead\u2011story" in pane.editors_view.toPlainText(), timeout=5000)
    window.undo_action.trigger()
    settle(qtbot, window)
    assert story_level(store, story.id)[0] == {"lead-story", "check-sources"}


def test_the_stories_context_menu_tags_and_notes_the_story(desk_window, qtbot, store,
                                                           monkeypatch):
    window = desk_window
    story = max(store.stories.list(), key=lambda s: len(s.outlets))
    nav = window.nav_model
    item = next(i for i in nav.match(nav.index(0, 0), KIND_ROLE, "story", -1,
                                     Qt.MatchFlag.MatchRecursive)
                if i.data(LABEL_ROLE) == story.label)
    window.nav.setCurrentIndex(item)
    settle(qtbot, window)
    assert [a.text() for a in window.nav.menu_actions["story"]] == [
        "Tag story…", "Note on story…", "Merge with…", "Detach from storyline",
        "Why these articles?"]
    answer_tag_picker(monkeypatch, "follow-this")
    window.tag_story_action.trigger()
    answer_note(monkeypatch, "Two outlets copy the wire.")
    window.note_story_action.trigger()
    settle(qtbot, window)
    assert story_level(store, story.id) == ({"follow-this"}, ["Two outlets copy the wire."])
    window.undo_action.trigger()  # the note first
    settle(qtbot, window)
    assert story_level(store, story.id) == ({"follow-this"}, [])
    # the Tags group counts the story
    qtbot.waitUntil(lambda: "follow-this" in tag_items(window), timeout=5000)


def test_story_commands_need_a_story_selected(desk_window):
    window = desk_window
    window.nav.select_first_view()
    window.tag_story_action.trigger()
    assert window.statusBar().currentMessage() == "Select a story in the navigation first."


def test_codebooks_dialog_adds_refuses_and_removes(desk_window, qtbot, store,
                                                   no_modal_dialogs):
    from newsdesk.gui.desk_dialogs import split_values
    from newsdesk.services.annotations import code_articles, list_codebooks

    window = desk_window
    window.codebooks_action.trigger()
    settle(qtbot, window)
    dialog = window.tags.last_codebooks
    assert dialog is not None and dialog.isVisible()
    listed = [dialog.list.topLevelItem(i).text(0) for i in range(dialog.list.topLevelItemCount())]
    assert listed == ["Coverage (built-in)", "Media frames (built-in)"]
    dialog.list.setCurrentItem(dialog.list.topLevelItem(1))  # its values in full, with keys
    assert "9\u00a0Health and safety" in dialog.details.text()
    assert dialog.add_button.isDefault() and not dialog.remove_button.autoDefault()
    dialog.name.setText("Sourcing")
    dialog.values.setPlainText("official, expert , witness,anonymous")
    dialog.add_button.click()
    settle(qtbot, window)
    assert [b.values for b in list_codebooks(store) if b.name == "Sourcing"] == [
        ("official", "expert", "witness", "anonymous")]
    qtbot.waitUntil(lambda: dialog.list.topLevelItemCount() == 3, timeout=5000)
    assert dialog.selected() == "Sourcing" and dialog.name.text() == ""
    assert "Sourcing" in [a.text() for a in window.codebook_menu.actions()]
    nav = window.nav_model
    qtbot.waitUntil(lambda: "Sourcing" in [i.data(LABEL_ROLE) for i in nav.match(
        nav.index(0, 0), KIND_ROLE, "codebook", -1, Qt.MatchFlag.MatchRecursive)], timeout=5000)
    # a taken name with other values: the service's sentence, in the dialog, which stays
    dialog.name.setText("coverage")
    dialog.values.setPlainText("good\nbad")
    dialog.add_button.click()
    settle(qtbot, window)
    assert dialog.isVisible() and not dialog.error.isHidden()
    assert "There is already a codebook named 'Coverage'" in dialog.error.text()
    assert dialog.values.toPlainText() == "good\nbad"
    assert len(list_codebooks(store)) == 3
    # remove, after a confirmation that says how many codes go
    ids = [window.articles_model.headline(r).id for r in range(2)]
    code_articles(store, ids, "Sourcing", "expert", "alice")
    code_articles(store, ids[:1], "Sourcing", "witness", "bob")
    dialog.remove_button.click()
    settle(qtbot, window)
    assert no_modal_dialogs[-1][0] == "Remove codebook"
    assert "Its 3 codes (every editor's) go with it" in no_modal_dialogs[-1][1]
    assert [b.name for b in list_codebooks(store)] == ["Coverage", "Media frames"]
    qtbot.waitUntil(lambda: dialog.list.topLevelItemCount() == 2, timeout=5000)
    assert "Sourcing" not in [a.text() for a in window.codebook_menu.actions()]
    # values on lines of their own may hold commas
    assert split_values("Legality, constitutionality\nPolitical\n") == [
        "Legality, constitutionality", "Political"]


def test_a_coverage_cell_lists_its_articles(desk_window, qtbot, store):
    from newsdesk.services.annotations import code_articles

    window = desk_window
    story = max(store.stories.list(), key=lambda s: len(s.outlets))
    ids = list(story.article_ids)
    code_articles(store, ids[:2], "Coverage", "critical", "alice")
    code_articles(store, ids[2:], "Coverage", "neutral", "alice")
    open_story(window, qtbot, store)
    window.story_pane.coverage_button.click()
    settle(qtbot, window)
    dialog = window.coverage.last_report
    table = dialog.table_data
    column = table.values.index("critical")
    row = next(r for r, o in enumerate(table.outlets) if table.counts[(o, "critical")])
    wanted = set(table.articles[(table.outlets[row], "critical")])
    dialog.grid.cellClicked.emit(row, column)
    settle(qtbot, window)
    assert set(window.articles_model.article_ids()) == wanted
    assert dialog.isVisible() and not dialog.isModal()  # open beside the list, for the next
    assert "coded critical" in window.statusBar().currentMessage()
    dialog.grid.cellClicked.emit(row, len(table.values))  # uncoded: nothing to list
    settle(qtbot, window)
    assert set(window.articles_model.article_ids()) == wanted


def test_remove_tag_offers_the_selections_tags_and_undoes(desk_window, qtbot, store):
    window = desk_window
    ids = select_rows(window, [0, 1])
    window.annotating.apply_tags(ids, ["alpha", "beta"])
    window.annotating.apply_tags(ids[1:], ["gamma"])
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.articles_model.tags_of(ids[1]) != [], timeout=5000)
    settle(qtbot, window)
    menu = window.annotating.build_article_menu()
    assert [x.text() for x in menu.actions() if x.text()][:2] == ["Tag…", "Remove tag"]
    untag = window.annotating.untag_menu
    assert [a.text() for a in untag.actions()] == ["alpha", "beta", "gamma"]
    next(a for a in untag.actions() if a.text() == "beta").trigger()
    settle(qtbot, window)
    assert tags_of(store, ids) == {ids[0]: {"alpha"}, ids[1]: {"alpha", "gamma"}}
    assert window.undo_action.text().startswith("Undo untagged 2 articles")
    window.undo_action.trigger()
    settle(qtbot, window)
    assert tags_of(store, ids) == {ids[0]: {"alpha", "beta"}, ids[1]: {"alpha", "beta", "gamma"}}
    assert untag in [a.menu() for a in window.desk_menu.actions() if a.menu()]
