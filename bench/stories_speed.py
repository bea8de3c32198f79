"""Story grouping speed: 100,000 synthetic articles over 60 days.

    .venv/bin/python bench/stories_speed.py [--articles 100000] [--days 60]

Prints the time to group them as a stream with storylines (`cluster_stream`: the story
model, SimHash copies and the storyline linker; no database), then, with a database that
already holds them in stories, the time to place 1,000 new articles through the services
path; and peak memory. Targets (issue 13): < 60 s, < 2 s, < 1 GB. On a shared machine run
small sizes only (--articles 5000).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.analysis.stories import StoryInput, TfidfModel
from newsdesk.analysis.stories.stream import cluster_stream
from newsdesk.models import Article
from newsdesk.services.stories import update_stories
from newsdesk.store import open_store

SYLLABLES = ("ka", "lo", "mi", "ra", "te", "su", "vo", "ne", "pi", "da", "gu", "ze", "bo", "fa")


def synthetic(count: int, days: int, seed: int = 3) -> list[StoryInput]:
    """Events with their own words and names, each reported 1-7 times within two days."""
    rng = random.Random(seed)
    vocab = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
                    for _ in range(40_000)})
    weights = [1 / (r + 1) for r in range(len(vocab))]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    articles: list[StoryInput] = []
    event = 0
    while len(articles) < count:
        event += 1
        words = rng.sample(vocab[2000:], 10)
        people = [f"{rng.choice(vocab).title()} {rng.choice(vocab).title()}" for _ in range(2)]
        when = start + timedelta(seconds=rng.uniform(0, days * 86400))
        for n in range(rng.randint(1, 7)):
            body = rng.choices(vocab, weights, k=70) + rng.choices(words, k=25)
            rng.shuffle(body)
            title = " ".join(rng.sample(words, 5) + rng.choices(vocab[:3000], k=3)).capitalize()
            text = f"{people[0]} said. " + " ".join(body) + f". {people[1]} said."
            articles.append(StoryInput(f"e{event}-{n}", title, text,
                                       when + timedelta(hours=rng.uniform(0, 36)),
                                       f"outlet{rng.randint(0, 199)}"))
    articles = articles[:count]
    articles.sort(key=lambda a: (a.published, a.id))
    return articles


def as_article(item: StoryInput, source_id: int) -> Article:
    return Article(id=item.id, source_id=source_id, outlet=item.source, guid=item.id,
                   url=f"https://{item.source}.example/{item.id}", title=item.title,
                   authors=(), published=item.published, updated=None,
                   first_seen=item.published, summary_html="", content_html="",
                   text=item.text, word_count=len(item.text.split()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--stream-only", action="store_true", help="skip the database part")
    args = parser.parse_args()
    items = synthetic(args.articles + 1000, args.days)
    cutoff = sorted(items, key=lambda a: a.published)[-1000].published
    old = [a for a in items if a.published < cutoff][: args.articles]
    new = [a for a in items if a.published >= cutoff][:1000]

    started = time.process_time()
    rows = cluster_stream(old, TfidfModel())
    stream = time.process_time() - started
    lines = len({line for _, _, line in rows})
    print(f"stream of {len(old):,} articles with storylines: {stream:.1f} s CPU "
          f"({len(old) / stream:,.0f} articles/s), {len({r[1] for r in rows}):,} stories, "
          f"{lines:,} storylines, "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB peak so far "
          "(the synthetic input included)")
    del rows
    if args.stream_only:
        return

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "stories.db")
        sources = {}
        for item in old + new:
            if item.source not in sources:
                sources[item.source] = store.sources.add(
                    f"https://{item.source}.example/feed")[0].id
        for start in range(0, len(old), 5000):
            store.articles.upsert([as_article(a, sources[a.source]) for a in old[start:start + 5000]])
        t = time.perf_counter()
        update_stories(store)
        print(f"first grouping of the stored {len(old):,}: {time.perf_counter() - t:.1f} s")
        store.articles.upsert([as_article(a, sources[a.source]) for a in new])
        t = time.perf_counter()
        placed = update_stories(store, [a.id for a in new])
        print(f"add {placed:,} new articles to a database of {len(old):,}: "
              f"{time.perf_counter() - t:.2f} s")
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the whole run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
