"""The path bench/fuzz.py fuzzes, without atheris, so regression tests replay its crashes.

One input is one fetched body; its first byte picks the Content-Type the server sent.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newsdesk.config import FetchSettings
from newsdesk.ingest.normalize import normalize_feed
from newsdesk.ingest.parse import parse_feed
from newsdesk.ingest.pipeline import next_check
from newsdesk.models import ArticleQuery, Source
from newsdesk.store import Store

CONTENT_TYPES = ("", "application/rss+xml; charset=utf-8", "application/atom+xml",
                 "application/feed+json", "text/html", "text/xml; charset=iso-8859-1",
                 "application/json", "text/plain; charset=utf-16")
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SETTINGS = FetchSettings()


def run_one(store: Store, source: Source, data: bytes) -> int:
    """parse -> normalize -> schedule -> store -> read back; the number of articles changed.

    Raises ParseError for a body that is not a feed (expected); anything else is a bug.
    """
    content_type = CONTENT_TYPES[data[0] % len(CONTENT_TYPES)] if data else ""
    feed = parse_feed(data[1:], url="https://fuzz.example/feed", content_type=content_type)
    articles = normalize_feed(feed, source, now=NOW)
    next_check(SETTINGS, NOW, ttl_minutes=feed.ttl_minutes)
    with store.transaction():
        saved = store.articles.upsert(articles)
    changed = (*saved.new_ids, *saved.updated_ids)  # an id merged by URL is stored under another
    for ident in changed:
        store.articles.get(ident)
    if articles:
        query = ArticleQuery(source_id=source.id)
        store.articles.list(query, limit=50)
        store.articles.headlines(query, limit=50)
        for word in {a.title.split()[0] for a in articles if a.title.split()}:
            store.articles.search('"' + word.replace('"', '""') + '"', limit=5)
    return len(changed)
