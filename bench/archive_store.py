"""The archive's store costs: migration 0011 (the search index rebuilt over article_search)
on a version-10 database, what keeping versions adds to an upsert, and the retention calls.

    .venv/bin/python bench/archive_store.py [--articles 100000] [--words 150] [--runs 6]

Builds a database as NewsDesk 10 left it (schema by the migrations up to 0010; rows
bulk-inserted with sqlite directly, indexed for search as upsert does), then opens it with
the store (which runs 0011) and times it. Upsert is timed on batches of 500 changed
articles with versions kept and, in the same run, with keeping them switched off
(alternating, the slowest and fastest run dropped). Prints seconds or ms.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlite_utils import Database

from newsdesk.models import Article, FullText
from newsdesk.store import Store
from newsdesk.store.sql import articles as sql_articles
from newsdesk.store.sqlite import SqliteStore
from newsdesk.store.sqlite.migrations import migrations

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)
BATCH = 500


class Words:
    """Text with a Zipf-like vocabulary, cut from one long pool (fast to make)."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        vocab = ["".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz")
                         for _ in range(self.rng.randint(3, 10))) for _ in range(30_000)]
        self.vocab = vocab
        self.pool = self.rng.choices(vocab, [1 / (i + 1) for i in range(len(vocab))],
                                     k=2_000_000)

    def __call__(self, n: int) -> str:
        start = self.rng.randrange(len(self.pool) - n)
        return " ".join(self.pool[start:start + n])


def build_version_10(path: Path, count: int, words: Words, length: int) -> None:
    db = Database(path)
    migrations.apply(db, stop_before="0011_archive")
    db.execute("PRAGMA user_version = 10")
    db.execute("INSERT INTO sources(id, url, title, added_at) "
               "VALUES (1, 'https://a.example/feed', 'A', '2024-06-01T12:00:00Z')")
    rows: list[tuple[Any, ...]] = []
    for n in range(count):
        title, text = words(10), words(words.rng.randint(length // 3, length * 5 // 3))
        rows.append((n + 1, f"id{n}", title, text, f"<p>{text}</p>"))
        if len(rows) == 5000 or n == count - 1:
            db.conn.executemany(
                "INSERT INTO articles(num, id, source_id, outlet, title, text, content_html, "
                "published, first_seen, content_hash) VALUES (?, ?, 1, 'a.example', ?, ?, ?, "
                "'2024-06-01T12:00:00Z', '2024-06-01T12:00:00Z', 'h')", rows)
            db.conn.executemany("INSERT INTO articles_fts(rowid, title, text) VALUES (?, ?, ?)",
                                [(r[0], r[2], r[3]) for r in rows])
            db.conn.executemany("INSERT INTO statuses(article_id, source_id) VALUES (?, 1)",
                                [(r[1],) for r in rows])
            rows = []
    db.conn.commit()
    db.conn.close()


T = TypeVar("T")


def timed(label: str, call: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = call()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def upserts(store: Store, words: Words, length: int, runs: int) -> None:
    """Updates of BATCH changed articles, with versions and without, alternating."""
    base = []
    for n in range(BATCH):
        text = words(length)
        base.append(Article(id=f"u{n}", source_id=1, outlet="a.example",
                            url=f"https://a.example/u{n}", guid=None, title=words(10),
                            authors=(), published=NOW, updated=None, first_seen=NOW,
                            summary_html="", content_html=f"<p>{text}</p>", text=text))
    store.articles.upsert(base)
    keep = sql_articles.keep_version
    times: dict[str, list[float]] = {"with versions": [], "without": [],
                                     "unchanged with": [], "unchanged without": []}
    for run in range(runs):
        order = ["with versions", "without"] if run % 2 == 0 else ["without", "with versions"]
        for name in order:
            setattr(sql_articles, "keep_version",  # noqa: B010 (the switch being measured)
                    keep if name == "with versions" else lambda *args: None)
            batch = [replace(a, title=f"{a.title} {run}{name[:2]}",
                             content_html=f"{a.content_html}<p>{run}{name}</p>",
                             text=f"{a.text} {run}{name}") for a in base]
            start = time.perf_counter()
            assert len(store.articles.upsert(batch).updated_ids) == BATCH
            times[name].append(time.perf_counter() - start)
            start = time.perf_counter()
            assert store.articles.upsert(batch).unchanged == BATCH
            times["unchanged " + name.split()[0]].append(time.perf_counter() - start)
    setattr(sql_articles, "keep_version", keep)  # noqa: B010
    for name, values in times.items():
        middle = sorted(values)[1:-1] if len(values) > 2 else values
        each = statistics.mean(middle) / BATCH * 1e6
        kind = "unchanged" if name.startswith("unchanged") else "changed"
        print(f"upsert of {BATCH} {kind} articles, {name.removeprefix('unchanged ')}: "
              f"{each:.0f} us an article")


def retention(store: Store, words: Words, count: int) -> None:
    ids = [f"id{n}" for n in range(count)]
    timed("save_fulltext x1000 (600 words)", lambda: [store.archive.save_fulltext(FullText(
        i, "extracted", NOW, html="<p>…</p>", text=words(600))) for i in ids[:1000]])
    store.reading.set_read(ids[::2])
    chosen = timed("prunable (half read)", lambda: store.archive.prunable(
        read_before=datetime(2030, 1, 1, tzinfo=UTC)))
    usage = timed("usage", store.archive.usage)
    [source] = usage.sources
    article = source.article_bytes / source.articles
    full_text = source.full_text_bytes / max(source.full_texts, 1)
    version = source.version_bytes / max(source.versions, 1)
    print(f"  {usage.file_bytes / 1e6:.0f} MB on disk; an article {article:.0f} B, "
          f"a full text {full_text:.0f} B, a version {version:.0f} B")
    some = chosen[:10_000]
    timed(f"article_bytes of {len(some)}", lambda: store.archive.article_bytes(some))
    timed(f"remove_articles of {len(some)}", lambda: store.archive.remove_articles(some))
    shrank = timed("vacuum", store.archive.vacuum)
    print(f"  shrank {shrank / 1e6:.0f} MB")
    problems = timed("integrity_problems", store.integrity_problems)
    assert problems == [], problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=150, help="average words an article")
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    words = Words()
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-archive-bench"))
    try:
        path = folder / "v10.db"
        start = time.perf_counter()
        build_version_10(path, args.articles, words, args.words)
        print(f"built {args.articles:,} articles of about {args.words} words in "
              f"{time.perf_counter() - start:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
        with timed("open: migration 0011", lambda: SqliteStore.open(path)) as store:
            with store.transaction():
                rebuild = "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"
                timed("the search index rebuilt alone", lambda: store.raw_sql(rebuild))
            upserts(store, words, args.words, args.runs)
            retention(store, words, args.articles)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
