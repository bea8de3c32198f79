"""How fast the framing pane follows the selection, for stories of 30 articles.

    .venv/bin/python bench/framing_speed.py [--articles 30] [--rounds 20]

Uses BASIL's real news texts (../shared/data/stories/basil.jsonl, ~640 words each) when
present, else the sample corpus repeated. Two stories of --articles articles from ten
outlets are stored; the script prints the time to compute a comparison from scratch, to
read it back from the store's cache, and for the pane (offscreen) to switch between the
two stories with their comparisons cached, and to show one whose cache is cold.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from newsdesk.analysis import framing
from newsdesk.models import Article
from newsdesk.services.comparisons import cached_story_comparison, compare_story
from newsdesk.services.sample import load_sample
from newsdesk.services.stories import update_stories
from newsdesk.store import open_store
from newsdesk.store.api import StoryAssignment, StoryRecord

BASIL = Path(__file__).resolve().parents[2] / "shared" / "data" / "stories" / "basil.jsonl"
OUTLETS = 10


def texts() -> list[tuple[str, str]]:
    """(title, text) pairs of real-length news prose."""
    if BASIL.exists():
        rows = [json.loads(line) for line in BASIL.open(encoding="utf-8")]
        return [(r["title"], r["text"]) for r in rows]
    with open_store(":memory:") as store:
        load_sample(store)
        return [(a.title, a.text) for a in store.articles.list()] * 8


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(name: str, ms: list[float]) -> None:
    print(f"{name}: median {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms "
          f"({len(ms)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    corpus = texts()
    start = datetime(2026, 3, 1, 8, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "framing.db")
        sources = [store.sources.add(f"https://outlet{i}.example/feed", title=f"Outlet {i}",
                                    site_url=f"https://outlet{i}.example/")[0].id
                   for i in range(OUTLETS)]
        articles = [Article(
            id=f"a{n}", source_id=sources[n % OUTLETS], outlet=f"outlet{n % OUTLETS}.example",
            guid=f"a{n}", url=f"https://outlet{n % OUTLETS}.example/a{n}", title=title,
            authors=(), published=start + timedelta(hours=n), updated=None,
            first_seen=start + timedelta(hours=n), summary_html="",
            content_html="".join(f"<p>{p}</p>" for p in text.split("\n") if p), text=text,
            word_count=len(text.split())) for n, (title, text) in enumerate(corpus)]
        store.articles.upsert(articles)
        update_stories(store)  # fills the word prior the way real use does
        stories = []
        for k in range(2):  # two stories of exactly --articles members
            members = articles[k * args.articles:(k + 1) * args.articles]
            story_id = 90_000 + k
            store.stories.save(
                [StoryRecord(id=story_id, label=members[0].title,
                             first_seen=members[0].published, last_seen=members[-1].published,
                             size=len(members), outlets=OUTLETS)],
                [StoryAssignment(a.id, story_id, 1.0) for a in members], {}, len(articles))
            stories.append((story_id, members))
        words = sum(a.word_count for a in stories[0][1])
        print(f"stories of {args.articles} articles from {OUTLETS} outlets, "
              f"{words:,} words in the first")

        first = stories[0][0]

        def from_scratch() -> None:
            framing.clear_caches()
            compare_story(store, first, use_cache=False)

        summary("compare from scratch", timed(from_scratch, 5))
        summary("compare again in the same process (articles' analyses remembered)", timed(
            lambda: compare_story(store, first, use_cache=False), 5))
        compare_story(store, first)
        compare_story(store, stories[1][0])
        summary("read the cached comparison", timed(
            lambda: cached_story_comparison(store, first), args.rounds))

        from PySide6.QtWidgets import QApplication

        from newsdesk.gui.app import make_app
        from newsdesk.gui.jobs import JobRunner
        from newsdesk.gui.panes.story import StoryPane

        app = make_app()
        url = store.url
        jobs = JobRunner(lambda: open_store(url), on_error=lambda title, error: print(title, error))
        pane = StoryPane(jobs)  # the pane reads as a job: each switch waits for its answer
        pane.resize(360, 900)
        pane.show()
        app.processEvents()
        picks = [store.articles.get(stories[i % 2][1][i].id) for i in range(args.rounds)]

        def switch(i: int) -> float:
            started = time.perf_counter()
            pane.show_article(picks[i % len(picks)])
            jobs.wait()
            pane.repaint()
            QApplication.processEvents()
            return (time.perf_counter() - started) * 1000

        summary("pane switches story (cached)", [switch(i) for i in range(args.rounds)])
        cold = []
        for i in range(5):
            framing.clear_caches()
            store.caches.clear_comparisons()
            cold.append(switch(i))
        summary("pane shows a story with a cold cache (compute on a worker + draw)", cold)
        pane.close()
        jobs.close()
        pane.deleteLater()
        app.processEvents()
        store.close()


if __name__ == "__main__":
    main()
