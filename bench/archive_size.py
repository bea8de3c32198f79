"""The archive's cost on disk: bytes per article with full texts, versions and images, in a
database of 100,000 articles, and pruning it back to a target size.

    .venv/bin/python bench/archive_size.py [--articles 100000] [--target 0.5] [--db PATH]

Every write goes through the store's own calls (upsert, save_fulltext, save_asset), so the
search index, the versions and the content-addressed assets cost what they cost for a
user. The mix, in the spirit of the feeds NewsDesk follows: every feed gives a summary of
~60 words, a quarter also the article (~600 words); full text is fetched for 60% of the
articles (~700 words of HTML); 10% have a changed headline, 3% a changed text; 15% have
one image (30-60 KB), a few shared by several articles. 80% are read, 2% starred, 1%
tagged. Prints the file size and bytes per article after each step, the store's own count
by kind, then a prune to `--target` of the file size (the oldest read, unkept articles
first), how long it took, and the size after the vacuum.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.ingest.sanitize import html_to_text
from newsdesk.models import Article, FullText
from newsdesk.services.offline import prune
from newsdesk.store import Store, open_store

SOURCES = 100
BATCH = 2000
_VOCAB = ("court ruling judge appeal government data privacy warrant email server company "
         "law minister vote bill senate election market price energy climate war peace city "
         "police report study health vaccine school teacher budget tax trade deal talks "
         "agency official statement response critics support plan week month year today "
         "the a of to and in on for with that this from by at as is was were said will "
         "would could after before over under about against between into through")
WORDS = _VOCAB.split()


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _html(rng: random.Random, words: int) -> str:
    paragraphs = []
    while words > 0:
        n = min(words, rng.randint(40, 90))
        paragraphs.append(f"<p>{_words(rng, n).capitalize()}.</p>")
        words -= n
    return "".join(paragraphs)


def _article(rng: random.Random, n: int, start: datetime) -> Article:
    source = 1 + n % SOURCES
    when = start + timedelta(seconds=n * 300)
    summary = _html(rng, rng.randint(45, 75))
    content = _html(rng, rng.randint(450, 750)) if rng.random() < 0.25 else ""
    text = html_to_text(content or summary)
    return Article(
        id=f"{n:024x}", source_id=source, outlet=f"outlet{source}.example", guid=f"g{n}",
        url=f"https://outlet{source}.example/{n}", title=_words(rng, 9).capitalize(),
        authors=("A. Writer",), published=when, updated=None, first_seen=when,
        summary_html=summary, content_html=content, text=text, word_count=len(text.split()))


def file_bytes(path: Path) -> int:
    return sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists())


def report(label: str, store: Store, path: Path, count: int) -> int:
    """The file's size after a vacuum (which also empties the write-ahead log): what the
    step costs on disk, not the free pages and log a big write leaves for a while."""
    store.archive.vacuum()
    size = file_bytes(path)
    print(f"{label:<34} {size / 1e6:9.1f} MB  {size / count:8.0f} B/article")
    return size


def build(store: Store, path: Path, count: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for n in range(SOURCES):
        store.sources.add(f"https://outlet{n}.example/feed", title=f"Outlet {n}")
    articles: list[Article] = []
    t = time.perf_counter()
    for first in range(0, count, BATCH):
        batch = [_article(rng, n, start) for n in range(first, min(first + BATCH, count))]
        store.articles.upsert(batch)
        articles.extend(batch)
    print(f"stored {count:,} articles in {time.perf_counter() - t:.1f} s")
    report("feeds only", store, path, count)

    t = time.perf_counter()
    fetched = datetime(2026, 1, 1, tzinfo=UTC)
    with store.transaction():
        for a in articles:
            if rng.random() < 0.6:
                html = _html(rng, rng.randint(500, 900))
                text = html_to_text(html)
                store.archive.save_fulltext(FullText(
                    a.id, "extracted", fetched, html=html, text=text, url=a.url,
                    extractor="bench", word_count=len(text.split())))
    print(f"saved full texts in {time.perf_counter() - t:.1f} s")
    report("+ full texts (60%)", store, path, count)

    t = time.perf_counter()
    changed = []
    for a in articles:
        roll = rng.random()
        if roll < 0.10:
            changed.append(replace(a, title=a.title + " (updated)"))
        elif roll < 0.13:
            text = a.text + " " + _words(rng, 30)
            changed.append(replace(a, summary_html=a.summary_html + f"<p>{text[-200:]}</p>",
                                   text=text))
    for first in range(0, len(changed), BATCH):
        store.articles.upsert(changed[first:first + BATCH])
    print(f"changed {len(changed):,} articles in {time.perf_counter() - t:.1f} s")
    report("+ versions (13%)", store, path, count)

    t = time.perf_counter()
    shared = [os.urandom(rng.randint(30_000, 60_000)) for _ in range(50)]
    with store.transaction():
        for a in articles:
            if rng.random() < 0.15:
                data = rng.choice(shared) if rng.random() < 0.1 else os.urandom(
                    rng.randint(30_000, 60_000))
                store.caches.save_asset(f"{a.url}/image.jpg", "image/jpeg", data,
                                        article_id=a.id)
    print(f"cached images in {time.perf_counter() - t:.1f} s")
    report("+ images (15%)", store, path, count)

    ids = [a.id for a in articles]
    store.reading.set_read([i for i in ids if rng.random() < 0.8])
    for i in rng.sample(ids, count // 50):
        store.reading.set_starred(i)
    store.annotations.tag(rng.sample(ids, count // 100), ["kept"], "bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--target", type=float, default=0.5,
                        help="prune to this fraction of the file size")
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="newsdesk-archive-")
    path = args.db or Path(folder) / "archive.db"
    path.unlink(missing_ok=True)
    with open_store(path) as store:
        build(store, path, args.articles)
        usage = store.archive.usage()
        count = usage.articles
        size = report("everything", store, path, count)
        stored = sum(s.total_bytes for s in usage.sources)
        parts = {
            "articles (feed)": sum(s.article_bytes for s in usage.sources),
            "full texts": sum(s.full_text_bytes for s in usage.sources),
            "versions": sum(s.version_bytes for s in usage.sources),
            "images": usage.asset_bytes,
        }
        print(f"store's count: {stored / 1e6:.1f} MB of data in a {size / 1e6:.1f} MB file "
              f"({(size - stored) / count:.0f} B/article of indexes and overhead)")
        for name, value in parts.items():
            print(f"  {name:<18} {value / 1e6:9.1f} MB  {value / count:8.0f} B/article")

        target = int(size * args.target)
        t = time.perf_counter()
        dry = prune(store, older_than=timedelta(days=3650), max_bytes=target, dry_run=True)
        print(f"dry run in {time.perf_counter() - t:.1f} s: {dry.summary()}")
        t = time.perf_counter()
        done = prune(store, older_than=timedelta(days=3650), max_bytes=target)
        elapsed = time.perf_counter() - t
        after = file_bytes(path)
        print(f"prune to {target / 1e6:.1f} MB in {elapsed:.1f} s: {done.summary()}")
        print(f"file after: {after / 1e6:.1f} MB ({after / target:.2f}x the target), "
              f"{store.archive.usage().articles:,} articles left")


if __name__ == "__main__":
    main()
