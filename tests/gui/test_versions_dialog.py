"""The versions dialog over a hand-built history: the rows, the latest change shown first,
the word diff in the palette's ins/del colours, a page's versions compared with the page's."""

from datetime import UTC, datetime, timedelta

from newsdesk.formats.palette import DARK
from newsdesk.gui.versions_dialog import VersionsDialog
from newsdesk.models import ArticleVersion
from newsdesk.services.offline import ArticleHistory

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def version(number: int, origin: str, title: str, text: str, hours: int) -> ArticleVersion:
    return ArticleVersion("a1", number, origin, title, f"<p>{text}</p>", text,
                          T0 + timedelta(hours=hours), T0 + timedelta(hours=hours + 1))


HISTORY = ArticleHistory("a1", T0, (
    version(1, "feed", "Council backs flood wall", "The council voted on Monday.", 0),
    version(2, "page", "Council backs flood wall", "The council voted on Monday night.", 1),
    version(3, "feed", "Council rejects flood wall", "The council voted against on Monday.", 3),
    version(4, "page", "Council rejects flood wall", "The council voted against it.", 4),
))


def test_rows_and_the_latest_change_first(qtbot):
    dialog = VersionsDialog(HISTORY, dict(DARK))
    qtbot.addWidget(dialog)
    rows = [[dialog.list.topLevelItem(r).text(c) for c in (0, 2, 3)]
            for r in range(dialog.list.topLevelItemCount())]
    assert rows == [["1", "the feed", "Council backs flood wall"],
                    ["2", "the page", "Council backs flood wall"],
                    ["3", "the feed (current)", "Council rejects flood wall"],
                    ["4", "the page (current)", "Council rejects flood wall"]]
    assert dialog.list.currentItem().text(0) == "2"  # the newest version replaced
    assert dialog.heading.text().startswith("Version 2 (the page, ")
    assert "version 4 (current)" in dialog.heading.text()
    assert dialog.heading.text().endswith(": 4 words removed, 3 added.")


def test_the_headline_and_text_diff_in_the_palettes_colours(qtbot):
    dialog = VersionsDialog(HISTORY, dict(DARK))
    qtbot.addWidget(dialog)
    dialog.list.setCurrentItem(dialog.list.topLevelItem(0))  # feed 1 -> feed 3
    assert "→ version 3 (current)" in dialog.heading.text()
    text = dialog.diff.toPlainText()
    assert "backs" in text and "rejects" in text and "against" in text
    html = dialog.diff.document().toHtml().lower()
    assert DARK["ins"] in html and DARK["del"] in html and "line-through" in html
    dialog.list.setCurrentItem(dialog.list.topLevelItem(2))  # the current feed: from 1
    assert dialog.heading.text().startswith("Version 1 (the feed, ")


def test_an_unchanged_article(qtbot):
    alone = ArticleHistory("a1", T0, (version(1, "feed", "Same", "Text.", 0),))
    dialog = VersionsDialog(alone, dict(DARK))
    qtbot.addWidget(dialog)
    assert dialog.intro.text().startswith("This article has not changed")
    assert "nothing earlier to compare" in dialog.heading.text()
    assert "Same" in dialog.diff.toPlainText()
