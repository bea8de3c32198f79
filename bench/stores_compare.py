"""The two stores side by side: the same articles and the same calls on SQLite and on
PostgreSQL (issue 14: "refresh and list timings on PostgreSQL beside SQLite, same data").

    .venv/bin/python bench/stores_compare.py [--articles 20000] [--runs 5]

Starts its own PostgreSQL (tests/pgserver.py: loopback, durability off as in the tests,
so commits cost what a server with a battery-backed disk costs) and an SQLite file in a
temporary folder. Stores the same synthetic articles (bench/stories_speed.py's
generator, 200 outlets) in both, in batches of 500 as a refresh does, then times the
calls a window and a refresh make, alternating the two stores run by run (median of
--runs). Prints milliseconds and the PostgreSQL/SQLite ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stories_speed import as_article, synthetic
from newsdesk.models import ArticleQuery
from newsdesk.services.stories import update_stories
from newsdesk.store import Store, open_store
from tests.pgserver import PgServer, unavailable_reason

BATCH = 500


def fill(store: Store, count: int) -> tuple[float, float]:
    """Store `count` articles in refresh-sized batches, then group them; (upsert s, group s)."""
    items = synthetic(count, 30)
    sources: dict[str, int] = {}
    for item in items:
        if item.source not in sources:
            sources[item.source] = store.sources.add(f"https://{item.source}.example/feed")[0].id
    started = time.perf_counter()
    for start in range(0, len(items), BATCH):
        store.articles.upsert([as_article(a, sources[a.source])
                               for a in items[start:start + BATCH]])
    stored = time.perf_counter() - started
    started = time.perf_counter()
    update_stories(store)
    return stored, time.perf_counter() - started


def calls(store: Store) -> dict[str, Callable[[], Any]]:
    """What the window and a refresh ask, by name."""
    first_source = store.sources.list()[0].id
    some = [a.id for a in store.articles.list(limit=200)]
    return {
        "sources.list": store.sources.list,
        "unread_by_source": store.reading.unread_by_source,
        "articles page (All, 100)": lambda: store.articles.list(limit=100),
        "articles page (one source)": lambda: store.articles.list(
            ArticleQuery(source_id=first_source), limit=100),
        "count (All unread)": lambda: store.articles.count_where(ArticleQuery(unread_only=True)),
        "search a common word (50)": lambda: store.articles.search("said", limit=50),
        "search a rare word": lambda: store.articles.search("kalomi", limit=50),
        "stories list": lambda: store.stories.list(),
        "set_read 200 and back": lambda: (store.reading.set_read(some),
                                          store.reading.set_read(some, read=False)),
        "upsert 500 unchanged": lambda: store.articles.upsert(
            store.articles.list(limit=BATCH)),
    }


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    reason = unavailable_reason()
    if reason:
        sys.exit(reason)
    with tempfile.TemporaryDirectory() as tmp, PgServer().start() as server:
        stores = {"sqlite": open_store(Path(tmp) / "bench.db"),
                  "postgresql": open_store(server.new_database())}
        for name, store in stores.items():
            stored, grouped = fill(store, args.articles)
            print(f"{name:>10}: stored {args.articles:,} articles in {stored:.1f} s "
                  f"({args.articles / stored:,.0f}/s), grouped them in {grouped:.1f} s")
        asked = {name: calls(store) for name, store in stores.items()}
        results: dict[str, dict[str, list[float]]] = {name: {} for name in stores}
        for _ in range(args.runs):
            for name in stores:  # alternate, so a noisy moment hits both
                for label, call in asked[name].items():
                    results[name].setdefault(label, []).append(timed(call))
        print(f"\n{'call':<28} {'SQLite ms':>10} {'PostgreSQL ms':>14} {'ratio':>6}")
        for label in asked["sqlite"]:
            here = statistics.median(results["sqlite"][label])
            there = statistics.median(results["postgresql"][label])
            print(f"{label:<28} {here:>10.1f} {there:>14.1f} {there / here:>6.1f}")
        for store in stores.values():
            store.close()


if __name__ == "__main__":
    main()
