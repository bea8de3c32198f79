"""Outlet identity comes from where a feed is fetched; no feed can rewrite another's article."""

from datetime import UTC, datetime

import pytest
from sqlite_utils import Database

from newsdesk.ingest.normalize import outlet_key
from newsdesk.ingest.pipeline import refresh
from newsdesk.models import ArticleQuery, Source
from newsdesk.outlets import outlet_of
from newsdesk.store import open_store
from newsdesk.store.sqlite.migrations import migrations
from tests.feedserver import Route

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.techdirt.com/feed/", "techdirt.com"),
    ("https://feeds.arstechnica.com/arstechnica/tech-policy", "arstechnica.com"),
    ("https://www.bbc.co.uk/news/rss.xml", "bbc.co.uk"),
    ("https://alice.substack.com/feed", "alice.substack.com"),
    ("https://bob.substack.com/feed", "bob.substack.com"),
    ("https://carol.github.io/feed.xml", "carol.github.io"),
    ("https://dave.blogspot.com/feeds/posts/default", "dave.blogspot.com"),
    ("https://feeds.feedburner.com/TechCrunch", "feedburner.com/techcrunch"),
    ("https://feeds2.feedburner.com/Other/", "feedburner.com/other"),
    ("https://medium.com/feed/@erin", "medium.com/@erin"),
    ("http://127.0.0.1:8123/a.xml", "127.0.0.1:8123"),
    ("http://127.0.0.1:8124/a.xml", "127.0.0.1:8124"),
    ("http://localhost:8000/feed", "localhost:8000"),
    ("http://[::1]:8080/feed", "[::1]:8080"),
    ("http://10.0.0.1/feed", "10.0.0.1"),
    ("https://www.fixturedirt.example/feed/", "fixturedirt.example"),  # unknown TLD: rule "*"
    ("https://github.io/", "github.io"),
    ("not a url", None),
    ("http://[bad", None),
])
def test_outlet_of(url, expected):
    assert outlet_of(url) == expected


def test_a_claimed_site_does_not_decide_the_outlet():
    claimed = Source(id=7, url="https://attacker.example/feed", site_url="https://victim.example/")
    assert outlet_key(claimed) == "attacker.example"
    assert outlet_key(Source(id=7, url="file:///nowhere")) == "source-7"


def _rss(site: str, guid: str, link: str, title: str, text: str, author: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>{title} feed</title><link>{site}</link><description>d</description>
<item><guid isPermaLink="false">{guid}</guid><link>{link}</link><title>{title}</title>
<dc:creator>{author}</dc:creator><description>{text}</description>
<pubDate>Fri, 31 May 2024 10:00:00 GMT</pubDate></item>
</channel></rss>""".encode()


@pytest.mark.parametrize("order", ["victim first", "attacker first", "together"])
def test_a_feed_claiming_another_site_cannot_rewrite_its_article(store, feed_server, order):
    site = feed_server.url("/victim/")
    post = feed_server.url("/victim/2024/the-real-story")
    feed_server.routes["/victim/feed.xml"] = Route(body=_rss(
        site, "victim-1", post, "The real headline", "What really happened.", "Vera Victim"))
    feed_server.routes["/attacker/feed.xml"] = Route(body=_rss(
        site, "attacker-new-guid", post, "A forged headline", "Lies.", "Mallory"))
    victim, _ = store.sources.add(feed_server.url("/victim/feed.xml"), title="Victim News")
    attacker, _ = store.sources.add(feed_server.url("/attacker/feed.xml"), title="Attacker Blog")
    batches = {"victim first": [[victim], [attacker]], "attacker first": [[attacker], [victim]],
               "together": [[victim, attacker]]}[order]
    for batch in batches:
        assert all(r.outcome == "new" for r in refresh(store, batch, now=NOW).sources)
    # The attacker tries again under yet another GUID: nothing of the victim's moves either.
    feed_server.routes["/attacker/feed.xml"] = Route(body=_rss(
        site, "attacker-guid-2", post, "A second forgery", "More lies.", "Mallory"))
    refresh(store, [store.sources.get(victim.id), store.sources.get(attacker.id)], now=NOW)

    [real] = store.articles.list(source_id=victim.id)
    assert (real.url, real.title, real.text, real.authors) == (
        post, "The real headline", "What really happened.", ("Vera Victim",))
    shown = {h.title: h.source_title for h in store.articles.headlines(ArticleQuery(), limit=10)}
    # The attacker's row is its own: its second GUID for the same address updates that row.
    assert shown == {"The real headline": "Victim News", "A second forgery": "Attacker Blog"}
    assert [a.title for a in store.articles.list(source_id=attacker.id)] == ["A second forgery"]


def test_a_word_for_word_copy_from_a_sibling_feed_is_stored_once(store, feed_server):
    site = feed_server.url("/")
    post = feed_server.url("/2024/story")
    body = _rss(site, "one", post, "Same story", "Same text.", "Ann")
    feed_server.routes["/feed.xml"] = Route(body=body)
    feed_server.routes["/courts/feed.xml"] = Route(body=body.replace(b">one<", b">other<"))
    main, _ = store.sources.add(feed_server.url("/feed.xml"))
    courts, _ = store.sources.add(feed_server.url("/courts/feed.xml"))
    report = refresh(store, [main, courts], now=NOW)
    assert sorted((r.new, r.unchanged) for r in report.sources) == [(0, 1), (1, 0)]
    assert store.articles.count() == 1


def test_migration_recomputes_outlets_from_the_feed_url(tmp_path):
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="0007_outlet_from_feed_url")
    db.execute("PRAGMA user_version = 6")
    db.execute("INSERT INTO sources(id, url, site_url, added_at) VALUES "
               "(1, 'https://alice.substack.com/feed', 'https://victim.example/', 'x'), "
               "(2, 'https://victim.example/rss', NULL, 'x')")
    for num, (source, outlet) in enumerate([(1, "victim.example"), (2, "victim.example")]):
        db.execute("INSERT INTO articles(id, source_id, outlet, title, published, first_seen, "
                   "content_hash) VALUES (?, ?, ?, 't', 'p', 'f', 'h')",
                   [f"a{num}", source, outlet])
    db.execute("INSERT INTO stories(id, label, first_seen, last_seen, size, outlets) "
               "VALUES (1, 'l', 'f', 'l', 2, 1)")
    db.execute("INSERT INTO story_articles(article_id, story_id, score) VALUES ('a0', 1, 1), "
               "('a1', 1, 1)")
    db.conn.commit()
    db.conn.close()
    with open_store(path) as store:
        assert store.schema_version == len(migrations._migrations)
        assert [tuple(r) for r in store.raw_sql("SELECT id, outlet FROM articles ORDER BY id")] == [
            ("a0", "alice.substack.com"), ("a1", "victim.example")]
        assert store.stories.outlet_count(1) == 2
