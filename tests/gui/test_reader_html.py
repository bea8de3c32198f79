"""gui/reader_html.py: the reader's HTML adaptation and its note bar's words, without Qt."""

import ast
from datetime import UTC, datetime
from pathlib import Path

from newsdesk.formats.palette import DARK, LIGHT
from newsdesk.gui import reader_html
from newsdesk.gui.reader_html import FETCH, NONE, TOGGLE, adapt, diff_html, note_for, short_time
from newsdesk.models import FullText
from newsdesk.offline.versions import DiffPart

WHEN = datetime(2026, 12, 2, 14, 2, tzinfo=UTC)


def test_the_module_imports_no_qt():
    tree = ast.parse(Path(reader_html.__file__).read_text("utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith(("PySide6", "newsdesk.gui")) for name in names)


def test_a_figure_becomes_a_block_with_its_caption_below():
    out = adapt('<figure class="x"><img src="https://e.org/a.jpg" alt="A">'
                "<figcaption>The court, <b>Tuesday</b>.</figcaption></figure><p>Text</p>", LIGHT)
    assert "<figure" not in out and "figcaption" not in out
    assert out.startswith('<div class="figure"><img src="https://e.org/a.jpg" alt="A">')
    assert '<p class="caption">The court, <b>Tuesday</b>.</p></div><p>Text</p>' in out


def test_images_lose_the_sizes_that_would_overflow_the_reader():
    out = adapt('<p><img width="2400" src="https://e.org/a.jpg" height=1600 '
                "style='width:2400px' alt=\"wide\"></p>", LIGHT)
    assert out == '<p><img src="https://e.org/a.jpg" alt="wide"></p>'
    # other elements' attributes are left alone
    assert adapt('<td width="30">x</td>', LIGHT) == '<td width="30">x</td>'


def test_an_embed_card_is_a_bordered_block_in_the_theme_colours():
    card = ('<div class="newsdesk-embed"><p><b>Video</b> · '
            '<a href="https://www.youtube.com/watch?v=abc">The ruling</a> · youtube.com</p></div>')
    for colors in (LIGHT, DARK):
        out = adapt(f"<p>Before</p>{card}<p>After</p>", colors)
        assert "newsdesk-embed" not in out
        assert f"border-color:{colors['border']}" in out
        assert f"background-color:{colors['card']}" in out
        assert '<a href="https://www.youtube.com/watch?v=abc">The ruling</a>' in out
        assert out.startswith("<p>Before</p><table") and out.endswith("</table><p>After</p>")


def test_another_class_of_div_is_not_taken_for_a_card():
    assert adapt('<div class="other"><p>x</p></div>', LIGHT) == '<div class="other"><p>x</p></div>'


def test_diff_marks_added_and_removed_words_and_escapes():
    parts = [DiffPart("=", "Court "), DiffPart("-", "fines"), DiffPart("+", "jails <editor>"),
             DiffPart("=", "\nlater")]
    out = diff_html(parts, LIGHT)
    assert out.startswith("Court <span")
    assert f"background-color:{LIGHT['del']}" in out and "line-through" in out
    assert f"background-color:{LIGHT['ins']}" in out
    assert "jails &lt;editor&gt;" in out and "<editor>" not in out
    assert out.endswith("<br>later")
    assert LIGHT["ins"] != LIGHT["del"] and DARK["ins"] != DARK["del"]


def test_short_time_has_no_padding():
    assert short_time(WHEN.astimezone()).endswith(WHEN.astimezone().strftime("%b %H:%M"))
    assert not short_time(WHEN).startswith("0")


def extracted(**kw) -> FullText:
    return FullText("a1", "extracted", WHEN, html="<p>Full</p>", text="Full", **kw)


def test_note_for_an_extracted_text_offers_the_feeds_version_and_back():
    note = note_for(extracted(), summary_only=True, mode="on-demand", showing_full=True,
                    versions=0)
    assert note.text == f"Full text from the article's page, fetched {short_time(WHEN)}."
    assert (note.button, note.action, note.changes) == ("Show the feed's version", TOGGLE, False)
    back = note_for(extracted(), summary_only=True, mode="on-demand", showing_full=False,
                    versions=0)
    assert (back.button, back.action) == ("Show the full text", TOGGLE)


def test_note_for_a_summary_offers_a_fetch_unless_the_source_says_off():
    note = note_for(None, summary_only=True, mode="on-demand", showing_full=True, versions=0)
    assert note.text == "The feed gave a summary only."
    assert (note.button, note.action) == ("Fetch full article (F)", FETCH)
    assert not note_for(None, summary_only=True, mode="off", showing_full=True,
                        versions=0).shown
    assert not note_for(None, summary_only=False, mode="always", showing_full=True,
                        versions=0).shown


def test_note_for_kept_and_failed_says_why():
    kept = FullText("a1", "kept_summary", WHEN,
                    reason="The page is behind a paywall: kept the feed's summary.")
    note = note_for(kept, summary_only=True, mode="on-demand", showing_full=True, versions=0)
    assert note.text == "The page is behind a paywall: kept the feed's summary."
    assert note.action == NONE
    failed = FullText("a1", "failed", WHEN, reason="The server answered 404 Not Found.")
    note = note_for(failed, summary_only=True, mode="on-demand", showing_full=True, versions=0)
    assert note.text == "The server answered 404 Not Found." and note.action == FETCH


def test_note_for_an_updated_article_offers_its_changes():
    note = note_for(None, summary_only=False, mode="on-demand", showing_full=True, versions=2)
    assert note.text == "Updated 2× since first seen." and note.changes and note.shown
    both = note_for(extracted(), summary_only=True, mode="on-demand", showing_full=True,
                    versions=1)
    assert both.text.endswith("Updated 1× since first seen.") and both.action == TOGGLE
    fetching = note_for(None, summary_only=True, mode="on-demand", showing_full=True,
                        versions=0, fetching=True)
    assert fetching.text == "Fetching the full article…"
