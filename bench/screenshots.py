"""Save screenshots of the main window with the sample corpus, light and dark, large and small:
the story pane, and the coverage desk (the Tags group, a multi-selection, the annotations
pane with a highlight, a story's coverage table and the agreement report).

    .venv/bin/python bench/screenshots.py [OUT_DIR]   (default: shots/)

Renders offscreen; open the PNGs and judge them as a user would.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QItemSelectionModel, QSettings

from newsdesk.gui.app import make_app
from newsdesk.gui.mainwindow import MainWindow
from newsdesk.gui.settings import GuiSettings, save_settings
from newsdesk.models import ArticleQuery
from newsdesk.services.annotations import (
    add_codebook,
    add_note,
    add_story_note,
    code_articles,
    set_tag_color,
    tag_articles,
    tag_story,
)
from newsdesk.services.reading import list_headlines
from newsdesk.services.sample import load_sample
from newsdesk.store import Store, open_store


def settle(app: object, window: MainWindow, seconds: float = 0.4) -> None:
    """Wait for the window's jobs (every read is one), then let it paint."""
    end = time.monotonic() + 30
    while not window.jobs.idle and time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def annotate(store: Store) -> tuple[str, int]:
    """Two editors' work on the sample: tags (two coloured), codes that mostly agree, a
    highlight and a note. Returns the highlighted article and its story."""
    story = max(store.stories.list(), key=lambda st: (len(st.outlets), st.size))
    ids = list(story.article_ids)
    tag_articles(store, ids, ["contempt-case"], "alice")
    tag_articles(store, ids[:2], ["follow-up"], "bob")
    others = [h.id for h in list_headlines(store, ArticleQuery(), limit=12)]
    tag_articles(store, others[:5], ["privacy"], "alice")
    tag_articles(store, others[3:9], ["courts", "needs-check"], "bob")
    set_tag_color(store, "contempt-case", "#c2408f")
    set_tag_color(store, "privacy", "#2f9e6e")
    values = ["critical", "neutral", "critical", "explainer", "wire copy"]
    for i, article_id in enumerate(ids):
        code_articles(store, [article_id], "Coverage", values[i % len(values)], "alice")
        code_articles(store, [article_id], "Coverage",
                      "neutral" if i == 2 else values[i % len(values)], "bob")
    article = store.articles.get(ids[-1])
    words = article.text.split() if article else []
    add_note(store, ids[-1], "The first to name the Lisbon data centre; check it.", "alice",
             quote=" ".join(words[8:22]))
    add_note(store, ids[-1], "Compare the headline with the wire's.", "bob")
    tag_story(store, story.id, ["lead-story", "court-watch"], "alice")
    add_story_note(store, story.id, "Ask the court for the ruling itself; two outlets only "
                   "quote the wire.", "bob")
    add_codebook(store, "Sourcing", ["official", "expert", "witness", "anonymous", "document"],
                 "Who the article relies on first")
    return ids[-1], story.id


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "shots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "shots.db")
        empty = MainWindow(store, QSettings(str(Path(tmp) / "e.ini"), QSettings.Format.IniFormat))
        empty.show()
        settle(app, empty)
        empty.grab().save(str(out / "welcome.png"))
        empty.close()
        load_sample(store)
        highlighted, story_id = annotate(store)
        label = next(st.label for st in store.stories.list() if st.id == story_id)
        for name, (width, height) in (("light", (1920, 1080)), ("dark", (1920, 1080)),
                                      ("light-small", (1024, 700)), ("dark-small", (1024, 700))):
            settings = QSettings(str(Path(tmp) / f"{name}.ini"), QSettings.Format.IniFormat)
            # reading never marks read here: each window shows the same unread corpus
            save_settings(settings, GuiSettings(theme=name.split("-")[0], refresh_minutes=0,
                                                mark_read_delay=-1))
            window = MainWindow(store, settings)
            window.resize(width, height)
            window.show()
            settle(app, window)
            window.story_dock.show()
            biggest = max(store.stories.list(), key=lambda st: (len(st.outlets), st.size))
            window.open_article(biggest.article_ids[-1])
            settle(app, window)
            path = out / f"window-{name}.png"
            window.grab().save(str(path))
            print(path)
            pane = window.story_pane
            frames = next((o for o in pane.comparison.outlets if o.frames), None) \
                if pane.comparison else None
            if frames is not None and "small" not in name:  # the evidence behind one heat-map cell
                pane.show_frame(frames.outlet, max(frames.frames, key=frames.frames.get))
                settle(app, window)
                window.story_dock.grab().save(str(out / f"pane-{name}.png"))
                print(out / f"pane-{name}.png")
            desk(app, window, out, name, highlighted, story_id, label)
            window.close()
        store.close()
    print(out / "welcome.png")


def desk(app: object, window: MainWindow, out: Path, name: str, highlighted: str,
         story_id: int, label: str) -> None:
    """The desk: a multi-selection in a tag's view, the annotations pane with a highlight,
    the story pane's Editors' notes (the story's own tags and note), the codebooks dialog,
    then the coverage table and the agreement report."""
    window.annotations_dock.show()
    window.annotations_dock.raise_()
    model = window.articles_model
    row = model.row_of(highlighted)
    if row < 0:
        window.open_article(highlighted)
    else:
        window.middle.select_row(row)
        for other in (row - 1, row - 2):
            if other >= 0:
                window.table.selectionModel().select(
                    model.index(other, 1), QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows)
    settle(app, window)
    note = next((n for n in window.annotations_pane.notes() if n.note.quote), None)
    if note is not None:
        window.reader.jump_to(note.note.id)
        cursor = window.reader.textCursor()
        cursor.clearSelection()  # show the highlight's own colour, not the selection's
        window.reader.setTextCursor(cursor)
    settle(app, window)
    path = out / f"desk-{name}.png"
    window.grab().save(str(path))
    print(path)
    window.open_article(highlighted)
    window.story_dock.raise_()
    settle(app, window, 0.6)
    path = out / f"story-desk-{name}.png"
    window.grab().save(str(path))
    print(path)
    window.story_dock.grab().save(str(out / f"story-desk-pane-{name}.png"))
    print(out / f"story-desk-pane-{name}.png")
    window.tags.codebooks_dialog()
    settle(app, window, 0.6)
    books = window.tags.last_codebooks
    if books is not None:
        books.list.setCurrentItem(books.list.topLevelItem(1))  # Media frames: 15 values
        books.name.setText("Tone")
        books.values.setPlainText("positive\nnegative\nmixed")  # the form filled in
        settle(app, window, 0.3)
        books.grab().save(str(out / f"codebooks-{name}.png"))
        print(out / f"codebooks-{name}.png")
        books.close()
    window.coverage.coverage_table(story_id, label)
    settle(app, window, 0.6)
    report = window.coverage.last_report
    if report is not None:
        report.grab().save(str(out / f"coverage-{name}.png"))
        print(out / f"coverage-{name}.png")
    window.coverage.agreement()
    settle(app, window, 0.6)
    report = window.coverage.last_report
    if report is not None:
        report.grab().save(str(out / f"agreement-{name}.png"))
        print(out / f"agreement-{name}.png")
        report.close()


if __name__ == "__main__":
    main()
