"""GUI benchmark: the window over a database of N synthetic articles (default 1,000,000).

    .venv/bin/python bench/gui.py [--articles 1000000] [--sources 200]

Prints time from start to the first rows painted, time to switch views, time for a
search, the coverage desk's (tagging 1,000 selected articles and undoing it, a tag's view and
its pages), and peak memory. The database is built once into /tmp and reused.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SYLLABLES = ("ka", "lo", "mi", "ra", "te", "su", "vo", "ne", "pi", "da", "gu", "ze", "bo",
             "fa", "ri", "no", "ta", "le", "shi", "ko")
# Words a reader searches for and the default topics ask about, at realistic ranks.
REAL = ("court", "ruling", "warrant", "privacy", "surveillance", "encryption", "breach",
        "ransomware", "hacker", "malware", "exploit", "patch", "judge", "lawsuit", "regulator",
        "antitrust", "copyright", "satellite", "vaccine", "chip", "election", "climate")


def vocabulary(size: int = 30_000) -> tuple[list[str], list[float]]:
    """Invented words with Zipf-like frequencies (rank r has weight 1/r), real ones mixed in;
    returns the words and their cumulative weights."""
    rng = random.Random(5)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    for i, real in enumerate(REAL):  # ranks 40, 140, 240, ... : common to fairly rare
        words[40 + i * 100] = real
    return words, list(itertools.accumulate(1 / (rank + 1) for rank in range(size)))


def build(path: Path, articles: int, sources: int) -> None:
    """Fill a fresh NewsDesk database directly with SQL (the pipeline is benched elsewhere)."""
    from newsdesk.store import open_store

    if path.exists():
        path.unlink()
    with open_store(path) as store:
        for i in range(sources):
            store.sources.add(f"https://outlet{i}.example/feed", title=f"Outlet {i:03d}",
                             folder=f"Group {i % 10}")
    rng = random.Random(11)
    words, cumulative = vocabulary()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    start = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    batch = 20_000
    for offset in range(0, articles, batch):
        rows, fts, statuses = [], [], []
        for n in range(offset, min(offset + batch, articles)):
            source = n % sources + 1
            picked = rng.choices(words, cum_weights=cumulative, k=68)
            title = " ".join(picked[:8]).capitalize()
            text = " ".join(picked[8:])
            when = (start - timedelta(seconds=n * 5)).strftime("%Y-%m-%dT%H:%M:%SZ")
            ident = f"a{n:09d}"
            rows.append((n + 1, ident, source, f"outlet{source - 1}.example", ident,
                         f"https://outlet{source - 1}.example/{n}", title, when, when,
                         f"<p>{text}</p>", text, len(text.split()), "h"))
            fts.append((n + 1, title, text))
            statuses.append((ident, source, int(rng.random() < 0.3), int(rng.random() < 0.002)))
        with conn:
            conn.executemany(
                "INSERT INTO articles(num, id, source_id, outlet, guid, url, title, published, "
                "first_seen, content_html, text, word_count, content_hash) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            conn.executemany("INSERT INTO articles_fts(rowid, title, text) VALUES (?,?,?)", fts)
            conn.executemany("INSERT INTO statuses(article_id, source_id, is_read, is_starred) "
                             "VALUES (?,?,?,?)", statuses)
        print(f"\r  built {min(offset + batch, articles):,} articles", end="", flush=True)
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.close()
    print(f"\r  built {articles:,} articles in {time.perf_counter() - started:.0f} s")


def measure(path: Path) -> None:
    from PySide6.QtCore import QEvent, QObject, QSettings
    from PySide6.QtWidgets import QApplication

    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv)
    from newsdesk.gui.mainwindow import MainWindow
    from newsdesk.models import ArticleQuery
    from newsdesk.store import open_store

    painted: list[float] = []

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and window.articles_model.rowCount():
                painted.append(time.perf_counter())
            return False

    store = open_store(path)
    settings = QSettings(str(path) + ".ini", QSettings.Format.IniFormat)
    window = MainWindow(store, settings)
    watch = PaintWatch()
    window.table.viewport().installEventFilter(watch)
    window.resize(1400, 900)
    window.show()
    while not painted:
        app.processEvents()
    print(f"first rows painted:  {(painted[0] - started) * 1000:7.0f} ms "
          f"(window, store, first page of {window.articles_model.rowCount()} rows)")

    def timed(action, shown, *, repaint: bool = True) -> float:
        """ms from `action` until `shown()` holds (what a user waits for: the view's rows,
        the article in the reader, the next page), not until every job is done (topic
        counts run beside them for hundreds of ms); with `repaint`, and the list's repaint
        (the view switches and searches; j and paging are timed without, as always)."""
        painted.clear()
        t = time.perf_counter()
        action()
        app.processEvents()
        while not shown():
            time.sleep(0.0002)
            app.processEvents()
        if repaint:
            window.table.viewport().repaint()
        return (time.perf_counter() - t) * 1000

    def listed() -> bool:
        return not window.view.loading

    def opened() -> bool:
        headline, article = window.current_headline(), window.reader.article
        return headline is not None and article is not None and article.id == headline.id

    nav = window.nav_model

    def group(label: str):
        item = nav.group_item(label)
        assert item is not None, label
        return nav.indexFromItem(item)

    views = group("Views")
    topics = group("Topics")
    sources = group("Sources")
    folder = nav.index(0, 0, sources)
    targets = {
        "All articles": nav.index(1, 0, views), "Today": nav.index(2, 0, views),
        "Starred": nav.index(3, 0, views), "a folder": folder,
        "a source": nav.index(0, 0, folder), "a topic": nav.index(0, 0, topics),
        "All unread": nav.index(0, 0, views),
    }
    switch_times = []
    for name, index in targets.items():
        ms = timed(lambda index=index: window.nav.setCurrentIndex(index), listed)
        switch_times.append(ms)
        print(f"switch to {name:<13} {ms:7.1f} ms  ({window.articles_model.rowCount()} rows)")
    print(f"view switch: median {statistics.median(switch_times):.1f} ms, "
          f"max {max(switch_times):.1f} ms")
    t = time.perf_counter()
    for _ in range(20):
        timed(lambda: window.reading.move(1), opened, repaint=False)  # read in one job
    print(f"open 20 articles with j: {(time.perf_counter() - t) * 1000 / 20:.1f} ms each")
    t = time.perf_counter()
    for _ in range(50):
        if not window.articles_model.canFetchMore(window.table.rootIndex()):
            break  # a small database (a smoke run) has fewer pages
        rows = window.articles_model.rowCount()
        timed(lambda: window.articles_model.fetchMore(window.table.rootIndex()),
              lambda rows=rows: window.articles_model.rowCount() > rows, repaint=False)
    print(f"50 more pages while scrolling: {(time.perf_counter() - t) * 1000 / 50:.1f} ms each "
          f"(now {window.articles_model.rowCount()} rows loaded)")
    desk(window, timed, listed)
    timed(lambda: window.nav.setCurrentIndex(targets["All unread"]), listed)
    search_times = []
    for query in ("court", "warrant", "ransomware", "vaccine", "court AND privacy",
                  '"court ruling"', "priv*", "zzzunseen"):
        window.search_box.setText(query)
        ms = timed(window.view.search, listed)
        search_times.append(ms)
        matches = store.articles.count_where(ArticleQuery(search=query))
        print(f"search {query!r:<22} {ms:7.1f} ms  ({matches:,} matches)")
    print(f"search: median {statistics.median(search_times):.1f} ms, "
          f"max {max(search_times):.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (resident): {peak:.0f} MB")
    window.close()
    store.close()


def desk(window, timed, listed) -> None:
    """Tag 1,000 selected rows and undo it, as the window does (each a job; timed until its
    Edit is back), and the tag's view with a few further pages."""
    from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt

    from newsdesk.gui.models import KIND_ROLE, LABEL_ROLE

    model = window.articles_model
    while model.rowCount() < 1000 and model.canFetchMore(window.table.rootIndex()):
        rows = model.rowCount()
        timed(lambda: model.fetchMore(window.table.rootIndex()),
              lambda rows=rows: model.rowCount() > rows, repaint=False)
    last = min(model.rowCount(), 1000) - 1
    window.middle.select_row(0)
    window.table.selectionModel().select(
        QItemSelection(model.index(0, 0), model.index(last, model.columnCount() - 1)),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    ids = window.middle.selected_ids()
    undos, redos = window.undo_stack.undos, window.undo_stack.redos
    before = len(undos)
    ms = timed(lambda: window.annotating.apply_tags(ids, ["bench-tag"]),
               lambda: len(undos) > before, repaint=False)
    print(f"tag {len(ids):,} selected articles: {ms:7.1f} ms")
    nav = window.nav_model

    def tag_item():
        found = [i for i in nav.match(nav.index(0, 0), KIND_ROLE, "tag", -1,
                                      Qt.MatchFlag.MatchRecursive)
                 if i.data(LABEL_ROLE) == "bench-tag"]
        return found[0] if found else None

    timed(lambda: None, lambda: tag_item() is not None, repaint=False)
    ms = timed(lambda: window.nav.setCurrentIndex(tag_item()), listed)
    print(f"switch to the tag's view {ms:7.1f} ms  ({model.rowCount()} rows)")
    t = time.perf_counter()
    pages = 0
    while model.canFetchMore(window.table.rootIndex()) and pages < 4:
        rows = model.rowCount()
        timed(lambda: model.fetchMore(window.table.rootIndex()),
              lambda rows=rows: model.rowCount() > rows, repaint=False)
        pages += 1
    if pages:
        print(f"{pages} more pages of the tag's view: "
              f"{(time.perf_counter() - t) * 1000 / pages:.1f} ms each")
    before = len(redos)
    ms = timed(window.undo_stack.undo, lambda: len(redos) > before, repaint=False)
    print(f"undo the tagging:     {ms:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--measure-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_only:
        measure(args.measure_only)
        return
    path = Path(f"/tmp/newsdesk-bench-v2-{args.articles}-{args.sources}.db")
    if not path.exists():
        build(path, args.articles, args.sources)
    # A fresh process, so the build does not count in the window's memory.
    subprocess.run([sys.executable, __file__, "--measure-only", str(path)], check=True)


if __name__ == "__main__":
    main()
