"""Save screenshots of the main window with the sample corpus, light and dark, large and small:
the story pane, and the coverage desk (the Tags group, a multi-selection, the annotations
pane with a highlight, a story's coverage table and the agreement report); and the archive
at 1024x700 and 1600x1000 (a full text with its note bar, a wide photo, a figure and an
embed card; the versions dialog; the storage dialog; the offline banner); and storylines
at 1024x700 and 1600x1000 (the Storylines group with a followed one, its timeline, an event
selected, "Why these articles?", the Move to story chooser, copies collapsed in the list).

    .venv/bin/python bench/screenshots.py [OUT_DIR] [--archive | --storylines]
    (default: shots/; --archive or --storylines: only those scenes)

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
from PySide6.QtWidgets import QWidget

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
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "shots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    if "--archive" in sys.argv:
        archive(app, out)
        return
    if "--storylines" in sys.argv:
        storylines(app, out)
        return
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
    archive(app, out)
    storylines(app, out)


def picture(width: int, height: int) -> bytes:
    """A wide photo stand-in: a sky gradient over a darker ground, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

    image = QImage(width, height, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    sky = QLinearGradient(0, 0, 0, height)
    sky.setColorAt(0, QColor("#6f9fd8"))
    sky.setColorAt(1, QColor("#d9e6f2"))
    painter.fillRect(0, 0, width, height, sky)
    painter.fillRect(0, height * 2 // 3, width, height // 3, QColor("#4d5b3a"))
    painter.fillRect(width // 5, height // 3, width // 8, height // 3, QColor("#8a8f98"))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


FULL_TEXT = (
    "<p>The High Court fined the editor of the Morning Ledger £40,000 on Tuesday for "
    "contempt of court, after the paper named a witness the court had ordered kept "
    "anonymous. The judge said the paper had ignored three orders in a week.</p>"
    '<figure><img src="{photo}" alt="The court" width="1600" height="900">'
    "<figcaption>The Royal Courts of Justice, where the ruling was read out on Tuesday. "
    "Photograph: Valley Courier</figcaption></figure>"
    "<p>The editor, who did not attend, said in a statement that the paper would appeal "
    "and that the public had a right to know who had given evidence.</p>"
    '<div class="newsdesk-embed"><p><b>Video</b> · <a href="https://www.youtube.com/watch?'
    'v=abc123">The ruling, read out in full</a> · youtube.com</p></div>'
    "<p>Lawyers for the witness told the court she had received threats since the story "
    "ran. The court will hear the appeal in January.</p>")


def archive(app: object, out: Path) -> None:
    """The archive's scenes over the sample: an article's full text shown (with its note
    bar, a photo wider than the reader, a figure and an embed card), its versions (the
    headline changed), the storage dialog, the offline banner; small and large, light
    and dark. Filled through the store directly: no network."""
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from newsdesk.models import FullText
    from newsdesk.offline.fulltext import needs_full_text

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "archive.db")
        load_sample(store)
        story = max(store.stories.list(), key=lambda st: (len(st.outlets), st.size))
        article = store.articles.get(story.article_ids[0])
        photo = "https://img.example/court-wide.png"
        store.articles.upsert([replace(article, title=article.title + " (updated)",
                                       text=article.text + " The paper said it would "
                                       "appeal.")])
        html = FULL_TEXT.format(photo=photo)
        fetched = datetime.now(UTC) - timedelta(hours=2)
        store.archive.save_fulltext(FullText(
            article.id, "extracted", fetched, html=html,
            text="The High Court fined the editor", url=article.url,
            extractor="trafilatura", word_count=160))
        store.caches.save_asset(photo, "image/png", picture(1600, 900), article_id=article.id)
        summary_only = next((a for a in store.articles.list() if needs_full_text(a)), None)
        for theme_name in ("light", "dark"):
            for width, height in ((1024, 700), (1600, 1000)):
                name = f"{theme_name}-{width}"
                settings = QSettings(str(Path(tmp) / f"{name}.ini"), QSettings.Format.IniFormat)
                save_settings(settings, GuiSettings(theme=theme_name, refresh_minutes=0,
                                                    mark_read_delay=-1, remote_images=True))
                window = MainWindow(store, settings)
                window.resize(width, height)
                window.show()
                settle(app, window)
                window.story_dock.show()
                window.open_article(article.id)
                settle(app, window, 0.8)
                save(window, out / f"archive-fulltext-{name}.png")
                window.reader_pane.changes_button.click()
                settle(app, window, 0.5)
                if window.offline.last_versions is not None:
                    save(window.offline.last_versions, out / f"archive-versions-{name}.png")
                    window.offline.last_versions.close()
                window.story_dock.hide()
                if summary_only is not None:
                    window.open_article(summary_only.id)
                    settle(app, window, 0.4)
                window.refresher.offline_changed.emit(True)
                window.statusBar().showMessage(
                    "You seem to be offline: none of the 9 feeds could be reached. "
                    "NewsDesk will try again later.")
                settle(app, window, 0.3)
                save(window, out / f"archive-offline-{name}.png")
                window.refresher.offline_changed.emit(False)
                window.storage_action.trigger()
                settle(app, window, 0.6)
                if window.offline.last_storage is not None:
                    save(window.offline.last_storage, out / f"archive-storage-{name}.png")
                    window.offline.last_storage.close()
                window.close()
        store.close()


def storylines(app: object, out: Path) -> None:
    """Storylines over the sample: the Storylines group (the first one followed, so it has
    its flag and unread badge), the timeline of the one with most events, an event of it
    selected (its articles in the list), "Why these articles?" for that event, the Move to
    story chooser, and the list with its copies collapsed; small and large, light and
    dark. Everything is computed by the services, as in the running window."""
    from PySide6.QtCore import Qt

    from newsdesk.gui.models import ID_ROLE, KIND_ROLE
    from newsdesk.services.storylines import follow, list_storylines

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "storylines.db")
        load_sample(store)
        lines = list_storylines(store)
        if not lines:
            print("the sample has no storyline of two or more events: nothing to show")
            store.close()
            return
        shown = max(lines, key=lambda line: (line.events, len(line.outlets)))
        follow(store, "storyline", str(shown.id))
        for theme_name in ("light", "dark"):
            for width, height in ((1024, 700), (1600, 1000)):
                name = f"{theme_name}-{width}"
                settings = QSettings(str(Path(tmp) / f"{name}.ini"), QSettings.Format.IniFormat)
                save_settings(settings, GuiSettings(theme=theme_name, refresh_minutes=0,
                                                    mark_read_delay=-1))
                window = MainWindow(store, settings)
                window.resize(width, height)
                window.show()
                settle(app, window, 0.6)
                model = window.nav_model
                found = [i for i in model.match(model.index(0, 0), KIND_ROLE, "storyline", -1,
                                                Qt.MatchFlag.MatchRecursive)
                         if i.data(ID_ROLE) == shown.id]
                if not found:
                    print("the Storylines group does not list", shown.label)
                    window.close()
                    continue
                window.nav.setCurrentIndex(found[0])
                window.nav.scrollTo(found[0])
                settle(app, window, 0.6)
                save(window, out / f"storylines-{name}.png")
                save(window.storyline_dock, out / f"storyline-timeline-{name}.png")
                timeline = window.storyline_pane.timeline
                if timeline is not None and timeline.events:
                    event = max(timeline.events, key=lambda e: len(e.outlets))
                    window.storyline_pane.chart.event_clicked.emit(event.story.id)
                    settle(app, window, 0.8)
                    save(window, out / f"storyline-event-{name}.png")
                    window.corrections.explain()
                    settle(app, window, 0.5)
                    if window.corrections.last_explain is not None:
                        save(window.corrections.last_explain, out / f"explain-{name}.png")
                        window.corrections.last_explain.close()
                    if width == 1024:
                        window.corrections.choose = lambda dialog: False
                        window.middle.select_row(0)
                        window.corrections.move_selection()
                        settle(app, window, 0.4)
                        chooser = window.corrections.last_chooser
                        if chooser is not None:
                            chooser.show()
                            settle(app, window, 0.3)
                            save(chooser, out / f"move-chooser-{name}.png")
                            chooser.close()
                window.nav.select_first_view()
                window.storyline_dock.hide()
                settle(app, window, 0.6)
                save(window, out / f"copies-{name}.png")
                window.close()
        store.close()


def save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


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
