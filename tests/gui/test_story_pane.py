"""The story pane in the window: it follows the selection, shows evidence on click, and
reads everything it shows as jobs, never on the GUI thread."""


import pytest
from PySide6.QtCore import QPoint, Qt

from newsdesk.gui.panes.story import unbroken
from newsdesk.services.comparisons import compare_story
from newsdesk.services.sample import load_sample
from tests.gui.conftest import settle


@pytest.fixture
def window(make_window, store, qtbot):
    load_sample(store)
    window = make_window()
    window.show()
    window.story_dock.show()
    qtbot.waitExposed(window)
    return window


def contempt_story(store):
    return max(store.stories.list(), key=lambda s: (len(s.outlets), s.size))


def shown(window, qtbot):
    pane = window.story_pane
    qtbot.waitUntil(lambda: pane.comparison is not None, timeout=10_000)
    return pane


def test_pane_compares_the_selected_articles_story(window, store, qtbot):
    story = contempt_story(store)
    window.open_article(story.article_ids[0])
    pane = shown(window, qtbot)
    assert pane.story_id == story.id
    assert "5 outlets · 5 articles" in pane.header.text()
    assert len(pane.timeline.points) == 5
    assert pane.timeline.points[0].hours_after_first == 0
    # columns in the order the outlets reported
    assert pane.heatmap.outlets[0][0] == pane.timeline.points[0].outlet
    assert ("legality and constitutionality", "Law and courts") in pane.heatmap.frames
    details = pane.details.text()
    for outlet in story.outlets:
        assert outlet in details
    assert "Who quotes whom" not in details or "<table" in details
    assert "leaves out:" not in details  # one grid instead of a list per outlet


def test_clicking_a_word_shows_the_sentences_behind_it(window, store, qtbot):
    window.open_article(contempt_story(store).article_ids[0])
    pane = shown(window, qtbot)
    # five sample articles: no word is significant (z >= 1.96), so the words every outlet
    # reports are the clickable words here
    term = pane.comparison.common_core[0]
    evidence = pane.comparison.core_evidence[term]
    index = next(i for i, item in enumerate(pane.proofs) if item.sentences == evidence
                 and term in item.title)
    assert f"href='ev:{index}'" in pane.details.text()
    pane.details.linkActivated.emit(f"ev:{index}")
    assert pane.evidence.isVisible()
    text = pane.evidence_view.toPlainText()
    assert evidence[0].sentence[:40] in text
    assert f"“{term}”" in pane.evidence_title.text()


def test_clicking_a_heat_map_cell_lists_that_frames_sentences(window, store, qtbot):
    window.open_article(contempt_story(store).article_ids[0])
    pane = shown(window, qtbot)
    row = [k for k, _ in pane.heatmap.frames].index("legality and constitutionality")
    cell = pane.heatmap.cell_rect(row, 0).center().toPoint()
    outlet = pane.heatmap.outlets[0][0]
    pane.page.ensureWidgetVisible(pane.heatmap)
    qtbot.mouseClick(pane.heatmap, Qt.MouseButton.LeftButton, pos=cell)
    assert pane.evidence.isVisible()
    assert outlet in pane.evidence_title.text() and "Law and courts" in pane.evidence_title.text()
    expected = next(o for o in pane.comparison.outlets if o.outlet == outlet)
    first = expected.frame_evidence["legality and constitutionality"][0].sentence
    assert first[:30] in pane.evidence_view.toPlainText()


def test_clicking_a_timeline_dot_opens_that_article(window, store, qtbot):
    story = contempt_story(store)
    window.open_article(story.article_ids[0])
    pane = shown(window, qtbot)
    last = len(pane.timeline.points) - 1
    target = pane.timeline.points[last].article_id
    qtbot.mouseClick(pane.timeline, Qt.MouseButton.LeftButton,
                     pos=pane.timeline.dot_at(last) + QPoint(1, 0))
    qtbot.waitUntil(lambda: window.reader.article.id == target, timeout=5000)


def test_an_outlet_alone_gets_its_own_profile(window, store, qtbot):
    lone = store.articles.list(search="marathon", limit=1)[0]
    window.open_article(lone.id)
    pane = shown(window, qtbot)
    assert "Only Global Dispatch Wire (sample) has reported this" in pane.header.text()
    assert pane.timeline.points == [] and "Words it leans on" in pane.details.text()


def test_cached_story_shows_at_once_and_stale_results_are_dropped(window, store, qtbot):
    story = contempt_story(store)
    compare_story(store, story.id)  # now cached: no worker needed
    pane = window.story_pane
    window.open_article(story.article_ids[1])
    qtbot.waitUntil(lambda: pane.comparison is not None and pane.story_id == story.id)
    other = next(s for s in store.stories.list() if len(s.outlets) > 1 and s.id != story.id)
    window.open_article(other.article_ids[0])  # not cached: computed on a worker
    window.open_article(story.article_ids[0])  # back before it finishes
    settle(qtbot, window)
    qtbot.wait(50)
    assert pane.story_id == story.id and "5 outlets" in pane.header.text()


def test_hidden_pane_does_no_work_until_shown(window, store, qtbot):
    window.story_dock.hide()
    story = contempt_story(store)
    window.open_article(story.article_ids[0])
    assert window.story_pane.comparison is None and store.caches.cached_comparison(story.id) is None
    window.story_dock.show()
    pane = shown(window, qtbot)
    assert pane.story_id == story.id


def test_export_writes_each_format_and_reports_a_failure(window, store, qtbot, tmp_path,
                                                         monkeypatch, no_modal_dialogs):
    from PySide6.QtWidgets import QFileDialog

    window.open_article(contempt_story(store).article_ids[0])
    pane = shown(window, qtbot)
    assert pane.export_button.isVisibleTo(pane)
    for fmt in ("html", "md", "json"):
        pane.export(tmp_path / f"story.{fmt}", fmt)  # a job each: the report reads its URLs
    settle(qtbot, window)
    assert (tmp_path / "story.html").read_text().startswith("<!doctype html>")
    assert (tmp_path / "story.md").read_text().startswith("# ")
    assert '"outlets"' in (tmp_path / "story.json").read_text()
    target = tmp_path / "missing-dir" / "story.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "HTML report (*.html)")))
    pane.export_dialog()
    qtbot.waitUntil(lambda: bool(no_modal_dialogs), timeout=5000)
    assert no_modal_dialogs[-1][0] == "Could not export" and str(target) in no_modal_dialogs[-1][1]


def test_common_words_and_links_open_their_sentences(window, store, qtbot):
    window.open_article(contempt_story(store).article_ids[0])
    pane = shown(window, qtbot)

    def click(prefix):
        index = next(i for i, item in enumerate(pane.proofs) if item.title.startswith(prefix))
        pane.details.linkActivated.emit(f"ev:{index}")
        return pane.proofs[index]

    core = click("Every outlet reports")
    assert len(core.sentences) == 5  # one sentence from each outlet
    cites = click("Open Wire Commentary (sample) links to Circuit Watch")
    assert "Circuit Watch" in pane.evidence_view.toPlainText() and cites.sentences
    primary = click("Circuit Watch (sample) links to a primary source")
    assert primary.url.endswith(".pdf") and ".pdf" in pane.evidence_title.text()


class QueuedRunner:
    """A job runner that runs nothing until the test says so."""

    def __init__(self) -> None:
        self.queued = []

    def latest(self, key, read, *, on_done, on_failed=None):
        self.queued.append((key, read, on_done))

    def query(self, read, *, on_done, on_failed=None, **options):
        self.queued.append(("query", read, on_done))


def test_one_comparison_at_a_time_then_the_latest_selection(store, qtbot):
    from newsdesk.gui.panes.story import StoryPane

    load_sample(store)
    runner = QueuedRunner()
    pane = StoryPane(runner)
    qtbot.addWidget(pane)
    pane.show()
    stories = [s for s in store.stories.list() if len(s.outlets) > 1][:3]
    for story in stories:  # j, j, j through three stories nobody has compared yet
        pane.show_article(store.articles.get(story.article_ids[0]))
    assert [key for key, _read, _done in runner.queued] == ["story"]
    _key, read, done = runner.queued.pop()
    done(read(store))  # the first finishes: the pane looks again, for the latest only
    assert len(runner.queued) == 1 and pane.comparison is None
    _key, read, done = runner.queued.pop()
    done(read(store))
    assert pane.story_id == stories[-1].id and pane.comparison is not None
    assert pane.view.outlets == store.stories.outlet_count(stories[-1].id) and not runner.queued
    pane.show_article(store.articles.get(stories[-1].article_ids[1]))  # same story: no job
    assert not runner.queued and "▶" in pane.details.text()


def test_reload_leaves_an_unchanged_comparison_and_its_evidence_alone(window, store, qtbot):
    window.open_article(contempt_story(store).article_ids[0])
    pane = shown(window, qtbot)
    pane.details.linkActivated.emit("ev:0")
    assert pane.evidence.isVisible()
    before = pane.comparison
    window.view.reload_navigation()
    qtbot.waitUntil(lambda: window.jobs.idle)
    assert pane.comparison is before and pane.evidence.isVisible()


def test_loading_the_sample_compares_its_stories_in_the_background(make_window, store, qtbot):
    window = make_window()
    window.sources.load_sample()
    qtbot.waitUntil(lambda: bool(store.stories.list(min_outlets=2)) and window.jobs.idle
                    and not store.caches.stories_without_comparison(), timeout=20_000)
    assert store.caches.cached_comparison(contempt_story(store).id) is not None


def test_with_the_pane_closed_the_status_bar_points_to_it(make_window, store, qtbot):
    load_sample(store)
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.story_dock.hide()
    window.open_article(contempt_story(store).article_ids[0])
    qtbot.waitUntil(lambda: "5 outlets cover this story" in window.statusBar().currentMessage())


def test_the_pane_draws_the_outline_and_counts_outlets_as_grouping_does(window, store, qtbot):
    story = contempt_story(store)
    window.open_article(story.article_ids[0])
    pane = shown(window, qtbot)
    outline = pane.outline
    assert outline is not None and outline.header.summary in pane.header.text()
    assert f"{store.stories.outlet_count(story.id)} outlets" in pane.header.text()
    assert [name for name, _short, _color in pane.heatmap.outlets] == \
        [o.name for o in outline.outlets]
    assert [p.outlet for p in pane.timeline.points] == [r.outlet.name for r in outline.timeline.rows]
    details = pane.details.text()
    for title in (outline.headlines.title, outline.tone.title, outline.words.title,
                  outline.voices.title, outline.links.title):
        assert f"<h4>{title}</h4>" in details


def test_the_visible_pane_never_touches_the_store_on_the_gui_thread(
        qtbot, store, recorded_window, tmp_path):
    """Following the selection, reloading and exporting with the pane open are all jobs:
    wrap the window's store and every connection its jobs open, and look at the threads."""
    load_sample(store)
    window, calls = recorded_window()
    window.show()
    window.story_dock.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    pane = window.story_pane
    multi = sorted(store.stories.list(min_outlets=2), key=lambda s: (-len(s.outlets), s.id))
    assert len(multi) >= 2
    lone = store.articles.list(search="marathon", limit=1)[0]
    picks = [(multi[0].article_ids[0], multi[0].id), (multi[0].article_ids[1], multi[0].id),
             (multi[1].article_ids[0], multi[1].id), (lone.id, store.stories.story_of(lone.id)),
             (multi[0].article_ids[-1], multi[0].id)]
    for article_id, story_id in picks:
        window.open_article(article_id)
        settle(qtbot, window)
        qtbot.waitUntil(lambda: pane.comparison is not None, timeout=10_000)
        assert pane.article.id == article_id and pane.story_id == story_id
        assert pane.view.outlets == (store.stories.outlet_count(story_id))
    window.table.setFocus()
    for _ in range(3):  # j through the list, the pane following
        qtbot.keyClick(window.table, Qt.Key.Key_J)
        settle(qtbot, window)
    window.view.reload_navigation()  # after a refresh: the pane looks again
    settle(qtbot, window)
    window.open_article(multi[0].article_ids[0])
    settle(qtbot, window)
    qtbot.waitUntil(lambda: pane.story_id == multi[0].id, timeout=10_000)
    for fmt in ("html", "md", "json"):
        pane.export(tmp_path / f"story.{fmt}", fmt)
    settle(qtbot, window)
    assert "<!doctype html>" in (tmp_path / "story.html").read_text()
    window.story_dock.hide()
    window.open_article(multi[1].article_ids[0])  # hidden: nothing is read for the pane
    settle(qtbot, window)
    window.story_dock.show()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: pane.story_id == multi[1].id, timeout=10_000)
    window.close()
    names = {name for name, _gui in calls}
    assert {"stories.story_of", "stories.label", "stories.outlet_count", "stories.members",
            "caches.cached_comparison", "caches.save_comparison"} <= names
    assert [name for name, on_gui_thread in calls if on_gui_thread] == []


def test_the_three_summary_lines_lead_and_open_their_evidence(window, store, qtbot):
    window.open_article(contempt_story(store).article_ids[0])
    pane = shown(window, qtbot)
    lines = pane.outline.summary.lines
    assert [label for label, _ in lines][:1] == ["Agree"] and len(lines) >= 2
    header = pane.summary_lines.text()
    assert pane.summary_lines.isVisible()
    for label, figure in lines:
        assert f"<b>{label}:</b>" in header
        index = next(i for i, p in enumerate(pane.proofs) if p is figure.proof)
        assert f"href='ev:{index}'" in header
    _label, first = lines[0]
    index = next(i for i, p in enumerate(pane.proofs) if p is first.proof)
    pane.summary_lines.linkActivated.emit(f"ev:{index}")
    assert pane.evidence.isVisible()
    assert first.proof.sentences[0].sentence[:30] in pane.evidence_view.toPlainText()


def test_voices_are_one_grid_of_outlets_by_voices(window, store, qtbot):
    window.open_article(contempt_story(store).article_ids[0])
    pane = shown(window, qtbot)
    matrix = pane.outline.voices.matrix
    assert matrix is not None and matrix.voices
    details = pane.details.text()
    assert matrix.note.split(";")[0] in details
    for o in pane.outline.outlets:  # every outlet a column in its stable colour
        assert f"style='color:{o.color}'>&nbsp;{o.short}</th>" in details
    assert details.count(f"<td nowrap>{unbroken(matrix.voices[0])}&nbsp;</td>") == 1
    quoted = next(f for row in matrix.cells for f in row if f is not None)
    assert any(p is quoted.proof for p in pane.proofs)


def test_frame_cells_carry_counts_and_rows_their_definitions(window, store, qtbot):
    window.open_article(contempt_story(store).article_ids[0])
    pane = shown(window, qtbot)
    heat = pane.heatmap
    row = [k for k, _ in heat.frames].index("legality and constitutionality")
    outlet = heat.outlets[0][0]
    cell = next(c for r in pane.outline.frames.rows if r.outlet.name == outlet
                for c in r.cells if c.key == "legality and constitutionality")
    tip = heat.tooltip(heat.cell_rect(row, 0).center().toPoint())
    assert f"({cell.count} of {cell.total})" in tip and "Law and courts" in tip
    assert heat.cell_text(outlet, cell.key, 500) == f"{cell.share:.0%} {cell.count}/{cell.total}"
    assert heat.cell_text(outlet, cell.key, 10) == f"{cell.share:.0%}"
    name_tip = heat.tooltip(QPoint(2, (row + 1) * heat.ROW + heat.ROW // 2))
    definition = dict(pane.outline.frames.definitions)["Law and courts"]
    assert name_tip == f"Law and courts: {definition}"
    assert "a row name for its definition" in pane.frames_title.text()


def test_tone_and_loaded_language_say_what_they_measure(window, store, qtbot):
    window.open_article(contempt_story(store).article_ids[0])
    pane = shown(window, qtbot)
    details = pane.details.text()
    assert "mostly measures the" in details and "neutral band" in details
    assert "outside quotations" in details
    for t in pane.outline.tone.rows:
        for w in t.quoted_words:
            assert f"{w} <span" in details and "(quoted)" in details
