"""Coverage-desk speed: tagging, coding and undoing 1,000 articles, and tag-filtered views,
in a database of 1,000,000 articles.

    .venv/bin/python bench/annotations.py [--articles 1000000] [--runs 5] [--db PATH]

Builds the database first (schema by the store's own migrations; rows bulk-inserted with
sqlite directly, a minute or so at a million, since the store's upsert also indexes every
text for search, which nothing here reads). A tenth of the articles carry a wide tag, so
the measured tag is not alone. Prints the median of `--runs` runs of each, in ms. The issue
asks for under 200 ms for tagging 1,000 selected articles and for undoing it.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.dates import to_iso
from newsdesk.models import Annotation, ArticleQuery
from newsdesk.store import Store, open_store

SOURCES = 200
BATCH = 50_000


def build(path: Path, count: int, seed: int = 11) -> list[str]:
    """A database of `count` articles over a year from SOURCES feeds; return the ids."""
    with open_store(path) as store:  # creates and migrates: the real schema
        for n in range(SOURCES):
            store.sources.add(f"https://outlet{n}.example/feed", title=f"Outlet {n}")
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    ids = [f"{n:024x}" for n in range(count)]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    with conn:
        for first in range(0, count, BATCH):
            rows, statuses = [], []
            for n in range(first, min(first + BATCH, count)):
                source = 1 + n % SOURCES
                when = to_iso(start + timedelta(seconds=rng.uniform(0, 365 * 86400)))
                rows.append((ids[n], source, f"outlet{source}.example", f"g{n}",
                             f"https://outlet{source}.example/{n}", f"Headline number {n}",
                             when, when, f"h{n}"))
                statuses.append((ids[n], source, int(rng.random() < 0.7)))
            conn.executemany("INSERT INTO articles(id, source_id, outlet, guid, url, title, "
                             "published, first_seen, content_hash) VALUES (?,?,?,?,?,?,?,?,?)",
                             rows)
            conn.executemany("INSERT INTO statuses(article_id, source_id, is_read) "
                             "VALUES (?, ?, ?)", statuses)
    conn.close()
    return ids


def median_ms(runs: int, step: Callable[[], object], reset: Callable[[], object] | None = None,
              ) -> float:
    """Median wall time of `step` in ms; `reset` (untimed) runs after each."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1000)
        if reset is not None:
            reset()
    return statistics.median(times)


def measure(store: Store, ids: list[str], runs: int) -> None:
    rng = random.Random(5)
    desk = store.annotations
    wide = rng.sample(ids, len(ids) // 10)
    t = time.perf_counter()
    for start in range(0, len(wide), 100_000):
        desk.tag(wide[start:start + 100_000], ["wide"], "bench")
    print(f"setup: tagged {len(wide):,} articles 'wide' in {time.perf_counter() - t:.1f} s")
    selected = rng.sample(ids, 1000)
    done: list[list[Annotation]] = []

    def report(what: str, ms: float) -> None:
        print(f"{what:<52} {ms:8.1f} ms")

    report("tag 1,000 selected articles",
           median_ms(runs, lambda: done.append(desk.tag(selected, ["bench"], "bench")),
                     lambda: desk.remove(done.pop())))
    tagged = desk.tag(selected, ["bench"], "bench")
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        desk.remove(tagged)
        times.append((time.perf_counter() - t) * 1000)
        desk.restore(tagged)
    report("undo it (remove the 1,000 returned)", statistics.median(times))
    untag, restore = [], []
    for _ in range(runs):
        t = time.perf_counter()
        gone = desk.untag(selected, ["bench"])
        untag.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        desk.restore(gone)
        restore.append((time.perf_counter() - t) * 1000)
    report("untag 1,000", statistics.median(untag))
    report("restore them (undo the untag)", statistics.median(restore))
    values = ["critical", "neutral", "opinion", "supportive", "explainer"]
    coded = []
    for run in range(runs):
        t = time.perf_counter()
        desk.code(selected, "Coverage", values[run % len(values)], "bench")
        coded.append((time.perf_counter() - t) * 1000)
    report("code 1,000 (replacing the previous value)", statistics.median(coded))

    for name, size in (("bench", 1000), ("wide", len(wide))):
        query = ArticleQuery(tag=name)
        report(f"headlines, first page of tag '{name}' ({size:,})",
               median_ms(runs, partial(store.articles.headlines, query, limit=50)))
        deep = store.articles.headlines(query, limit=min(size - 50, 5000))[-1]
        report(f"headlines, page after row {min(size - 50, 5000):,}",
               median_ms(runs, partial(store.articles.headlines, query, limit=50, after=deep)))
        unread = ArticleQuery(tag=name, unread_only=True)
        report("  the same tag, unread only, first page",
               median_ms(runs, partial(store.articles.headlines, unread, limit=50)))
        report("  count_where with the tag",
               median_ms(runs, partial(store.articles.count_where, query)))
    report("headlines, first page of untagged articles",
           median_ms(runs, lambda: store.articles.headlines(ArticleQuery(untagged=True),
                                                            limit=50)))
    report("tags() with counts", median_ms(runs, desk.tags))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="keep the database here (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "annotations.db"
        if path.exists():
            sys.exit(f"{path} exists; give a new path.")
        t = time.perf_counter()
        ids = build(path, args.articles)
        print(f"built {len(ids):,} articles in {time.perf_counter() - t:.1f} s "
              f"(sqlite {sqlite3.sqlite_version})")
        with open_store(path) as store:
            measure(store, ids, args.runs)


if __name__ == "__main__":
    main()
