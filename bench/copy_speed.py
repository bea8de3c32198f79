"""How fast `newsdesk copy` moves a database: the bundled sample SQLite -> PostgreSQL -> SQLite,
and a synthetic database (bench/stories_speed.py's articles, upserted; built once under
/tmp and reused) SQLite -> PostgreSQL and back. Prints seconds and rows per second.

    .venv/bin/python bench/copy_speed.py [--articles 20000] [--group] [--pg URL]

Without --pg, a PostgreSQL server of the tests' kind (tests/pgserver.py) is started for the
run, with fsync off: the figures are the copy's own cost, not a disk's.

Measured on the 2 shared cores (load ~1.5-4, 2026-12-04), seconds (rows/s):
  sample, 1,480 rows:             SQLite -> PG 0.44-0.72 (2,000-3,400), PG -> SQLite 0.09-0.19
  20,000 articles, 40,230 rows:   SQLite -> PG 7.9-15.1 (2,700-5,100), PG -> SQLite 1.6-2.3
                                  (17,000-26,000), SQLite -> SQLite 1.3-1.8 (22,000-31,000)
  the same grouped, 218,166 rows: SQLite -> PG 12.4 (17,500), PG -> SQLite 3.8 (57,500),
                                  SQLite -> SQLite 3.1 (69,600)
Into PostgreSQL most of the time is the server computing each article's search vector in
the insert trigger: with that trigger disabled the 20,000 took 2.8 s (14,000 rows/s).
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.stories_speed import as_article, synthetic
from newsdesk.services.sample import load_sample
from newsdesk.services.stories import update_stories
from newsdesk.store import open_store
from newsdesk.store.copying import copy_database


def build(path: Path, articles: int, group: bool) -> None:
    """The synthetic database, once (sources, articles and their statuses; with `group`,
    stories and storylines too)."""
    if path.exists():  # built by an earlier run: brought up to this version's schema
        open_store(path).close()
        return
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    items = synthetic(articles, 60)
    with open_store(partial) as store:
        sources: dict[str, int] = {}
        for item in items:
            if item.source not in sources:
                sources[item.source] = store.sources.add(
                    f"https://{item.source}.example/feed")[0].id
        for start in range(0, len(items), 5000):
            store.articles.upsert([as_article(a, sources[a.source])
                                   for a in items[start:start + 5000]])
        if group:
            update_stories(store)
    partial.rename(path)
    print(f"built {path} ({articles:,} articles) in {time.perf_counter() - started:.1f} s")


@contextlib.contextmanager
def postgresql(url: str | None) -> Iterator[object]:
    if url:
        yield lambda: url
        return
    from tests.pgserver import PgServer

    with PgServer().start() as server:
        yield server.new_database


def timed(label: str, source: str, destination: str) -> None:
    report = copy_database(source, destination)
    assert not report.differences, report.differences
    print(f"{label:<32} {report.rows:>8,} rows  {report.seconds:6.2f} s  "
          f"{report.rows / report.seconds:>8,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--group", action="store_true", help="group stories in the big one")
    parser.add_argument("--pg", help="an empty PostgreSQL database's URL (one per copy: "
                                     "give a server with --pg only for one run)")
    args = parser.parse_args()
    big = Path(tempfile.gettempdir()) / (f"newsdesk-copy-bench-{args.articles}"
                                         f"{'-grouped' if args.group else ''}.db")
    build(big, args.articles, args.group)
    with tempfile.TemporaryDirectory() as tmp, postgresql(args.pg) as new_pg:
        sample = f"sqlite:///{tmp}/sample.db"
        with open_store(sample) as store:
            load_sample(store)
        there = new_pg()  # type: ignore[operator]
        timed("sample SQLite -> PostgreSQL", sample, there)
        timed("sample PostgreSQL -> SQLite", there, f"sqlite:///{tmp}/sample-back.db")
        there = new_pg()  # type: ignore[operator]
        timed(f"{args.articles:,} SQLite -> PostgreSQL", f"sqlite:///{big}", there)
        timed(f"{args.articles:,} PostgreSQL -> SQLite", there, f"sqlite:///{tmp}/big-back.db")
        timed(f"{args.articles:,} SQLite -> SQLite", f"sqlite:///{big}",
              f"sqlite:///{tmp}/big-copy.db")


if __name__ == "__main__":
    main()
