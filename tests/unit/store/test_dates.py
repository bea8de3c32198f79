"""Every date we store reads back; dates a feed cannot mean are treated as missing."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsdesk.dates import from_iso, to_iso
from newsdesk.ingest.normalize import normalize_feed
from newsdesk.ingest.parse import parse_feed
from newsdesk.models import ArticleQuery, Source

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "text"), [
    (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),
    (datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC), "0999-12-31T23:59:59Z"),
    (datetime(2024, 2, 3, 4, 5, 6, 789, tzinfo=UTC), "2024-02-03T04:05:06Z"),
    (datetime(2024, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=2))), "2024-02-03T02:05:06Z"),
    (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))), "0001-01-01T00:00:00Z"),
    (datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-2))), "9999-12-31T23:00:00Z"),
])
def test_to_iso_writes_a_fixed_format_that_reads_back(value, text):
    assert to_iso(value) == text
    assert len(text) == 20
    assert from_iso(text) == datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize(("legacy", "expected"), [
    ("1-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),  # glibc strftime's year 1
    ("24-01-01T12:00:00Z", datetime(24, 1, 1, 12, tzinfo=UTC)),
    ("999-06-30T01:02:03Z", datetime(999, 6, 30, 1, 2, 3, tzinfo=UTC)),
    ("2024-01-01T00:00:00+02:00", datetime(2023, 12, 31, 22, tzinfo=UTC)),
    ("2024-01-01 00:00:00", datetime(2024, 1, 1, tzinfo=UTC)),
    ("not a date", None),
    ("2024-13-45T99:00:00Z", None),
])
def test_from_iso_reads_every_value_we_ever_wrote_and_never_raises(legacy, expected):
    assert from_iso(legacy) == expected


def test_legacy_year_one_rows_no_longer_break_reading(store):
    """Such rows (Go's zero time, stored by an older version) broke articles, stories, search
    and the window's list until the source was removed."""
    from sqlite_utils import Database

    from newsdesk.services.stories import update_stories
    from newsdesk.store.sqlite.migrations import m0008_placeholder_dates

    source, _ = store.sources.add("https://go.example/feed")
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Go</title>'
            b"<link>https://go.example/</link><item><title>Zero time gopher</title>"
            b"<link>https://go.example/a</link><guid>a</guid></item></channel></rss>")
    articles = normalize_feed(parse_feed(body), source, now=NOW)
    store.articles.upsert(articles)
    with store.transaction():
        store.raw_sql("UPDATE articles SET published = '1-01-01T00:00:00Z', "
                      "updated = '1-01-01T00:00:00Z', date_from_feed = 1")
    (article,) = store.articles.list(ArticleQuery())  # reading works before any repair
    assert article.published == datetime(1, 1, 1, tzinfo=UTC)
    assert [a.title for a in store.articles.search("gopher")] == ["Zero time gopher"]
    assert [h.title for h in store.articles.headlines(ArticleQuery(), limit=10)] == ["Zero time gopher"]
    old = Database(store.url.removeprefix("sqlite:///"))  # what opening an old database
    with old.conn:  # now runs once (on a connection of its own: no private of the store's)
        m0008_placeholder_dates(old)
    old.close()
    (article,) = store.articles.list(ArticleQuery())
    assert (article.published, article.updated, article.date_from_feed) == (NOW, None, False)
    assert update_stories(store) == 1
    (story,) = store.stories.list()
    assert story.first_seen == story.last_seen == NOW


def _feed_with_date(date: str) -> bytes:
    return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
            f'<link href="https://t.example/"/><entry><title>E</title><id>https://t.example/e</id>'
            f"<link href='https://t.example/e'/><updated>{date}</updated></entry></feed>").encode()


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
                                  "1969-12-31T19:00:00-05:00", "1899-12-30T00:00:00Z",
                                  "1989-12-31T23:59:59Z"])
def test_placeholder_dates_are_missing_and_the_article_is_dated_when_first_seen(store, date):
    source, _ = store.sources.add("https://t.example/feed")
    (article,) = normalize_feed(parse_feed(_feed_with_date(date)), source, now=NOW)
    assert (article.published, article.updated, article.date_from_feed) == (NOW, None, False)
    store.articles.upsert([article])
    assert store.articles.get(article.id).published == NOW


def test_a_date_from_1990_on_is_kept():
    source = Source(id=1, url="https://t.example/feed")
    (article,) = normalize_feed(parse_feed(_feed_with_date("1990-01-01T00:00:00Z")), source, now=NOW)
    assert article.published == datetime(1990, 1, 1, tzinfo=UTC)


def test_same_link_twice_in_one_feed_is_stored_without_damaging_the_index(store):
    """Found by bench/fuzz.py: the second item updated a row whose text was not indexed yet,
    and the FTS update trigger made SQLite report 'database disk image is malformed'."""
    source, _ = store.sources.add("https://t.example/feed")
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
            b"<link>https://t.example/</link>"
            b"<item><title>First words</title><link>https://t.example/a</link><guid>1</guid></item>"
            b"<item><title>Second words</title><link>https://t.example/a</link><guid>2</guid></item>"
            b"</channel></rss>")
    articles = normalize_feed(parse_feed(body), source, now=NOW)
    saved = store.articles.upsert(articles)
    assert (len(saved.new_ids), len(saved.updated_ids)) == (1, 1)
    assert [a.title for a in store.articles.search("second")] == ["Second words"]
    assert store.articles.search("first") == []
    assert store.integrity_problems() == []
