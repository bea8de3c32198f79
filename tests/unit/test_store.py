import sqlite3
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newsdesk.errors import NotFoundError, QueryError, StoreError
from newsdesk.ingest.normalize import normalize_feed
from newsdesk.ingest.parse import parse_feed
from newsdesk.store import open_store
from newsdesk.store.sqlite.migrations import migrations
from tests.conftest import fixture_bytes

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def _load(store, name="rss20.xml", url="https://www.fixturedirt.example/feed/"):
    source, _ = store.sources.add(url)
    articles = normalize_feed(parse_feed(fixture_bytes(name), url=url), source, now=NOW)
    return source, articles


def test_schema_is_versioned_and_reopens(tmp_path):
    path = tmp_path / "db.sqlite"
    with open_store(path) as store:
        assert store.schema_version == len(migrations._migrations)
    with open_store(path) as store:
        assert store.schema_version == len(migrations._migrations)
        assert store.raw_sql("PRAGMA user_version")[0][0] == store.schema_version
        assert store.raw_sql("PRAGMA journal_mode")[0][0] == "wal"
        assert store.raw_sql("PRAGMA foreign_keys")[0][0] == 1


def test_default_topics_are_seeded(store):
    names = [t.name for t in store.topics.list()]
    assert names == ["Privacy and surveillance", "Tech policy and courts", "Security", "AI"]


def test_upsert_reports_new_then_unchanged(store):
    _, articles = _load(store)
    first = store.articles.upsert(articles)
    assert len(first.new_ids) == 2 and not first.updated_ids
    again = store.articles.upsert(articles)
    assert again.new_ids == () and again.updated_ids == () and again.unchanged == 2


def test_changed_entry_updates_content_and_keeps_user_state(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    target = articles[0]
    store.reading.set_read([target.id])
    store.reading.set_starred(target.id)
    store.reading.set_note(target.id, "follow up")
    store.reading.add_tag(target.id, "ireland-case")
    changed = replace(target, title="Corrected headline", text="New text",
                      first_seen=datetime(2030, 1, 1, tzinfo=UTC))
    result = store.articles.upsert([changed])
    assert result.updated_ids == (target.id,)
    stored = store.articles.get(target.id)
    assert stored.title == "Corrected headline"
    assert stored.first_seen == NOW
    status = store.reading.status(target.id)
    assert (status["is_read"], status["is_starred"], status["note"], status["tags"]) == (
        1, 1, "follow up", ["ireland-case"])
    assert [a.id for a in store.articles.search("corrected")] == [target.id]
    assert store.articles.search("Reachable") == []  # the old title left the index


def test_same_url_from_two_feeds_of_one_outlet_is_one_article(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    other, _ = store.sources.add("https://www.fixturedirt.example/category/courts/feed/")
    twins = normalize_feed(parse_feed(fixture_bytes("rss20.xml")), other, now=NOW)
    result = store.articles.upsert(twins)
    assert result.new_ids == ()
    assert store.articles.count() == 2


def test_undated_entry_keeps_its_first_date(store):
    source, articles = _load(store, "nodates.xml", "https://nodates.example/feed")
    store.articles.upsert(articles)
    later = normalize_feed(parse_feed(fixture_bytes("nodates.xml")), source,
                           now=datetime(2024, 7, 1, tzinfo=UTC))
    later = [replace(a, title=a.title + " (edited)") for a in later]
    store.articles.upsert(later)
    assert all(a.published == NOW for a in store.articles.list())


def test_search_and_topics(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    assert store.articles.search("ireland")[0].title.startswith("Court Says")
    topic_hits = store.articles.list(topic="Privacy and surveillance")
    assert [a.id for a in topic_hits] == [articles[0].id]
    store.topics.add("Microsoft", "microsoft", "The company")
    assert [a.id for a in store.articles.list(topic="microsoft")] == [articles[0].id]
    store.topics.remove("Microsoft")
    with pytest.raises(NotFoundError):
        store.topics.get("Microsoft")


@pytest.mark.parametrize("query", ['"unbalanced', "AND OR", "title:", "NEAR(", ""])
def test_malformed_query_is_a_clear_error(store, query):
    with pytest.raises(QueryError):
        store.articles.search(query)


def test_bad_topic_query_is_refused(store):
    with pytest.raises(QueryError):
        store.topics.add("Broken", '"unclosed')
    assert "Broken" not in [t.name for t in store.topics.list()]


def test_list_articles_filters(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    assert len(store.articles.list(source_id=source.id)) == 2
    assert len(store.articles.list(since=datetime(2014, 8, 1, tzinfo=UTC))) == 1
    store.reading.set_read([articles[0].id])
    assert [a.id for a in store.articles.list(unread_only=True)] == [articles[1].id]
    assert store.reading.unread_count() == 1
    assert store.reading.unread_count(source.id) == 1


def test_remove_source_cascades(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    assert store.sources.remove(source.id) == 2
    assert store.articles.count() == 0
    assert store.raw_sql("SELECT COUNT(*) FROM statuses")[0][0] == 0
    assert store.integrity_problems() == []


def test_failed_batch_leaves_nothing_half_written(store):
    _, articles = _load(store)
    bad = replace(articles[1], source_id=999)  # violates the foreign key
    with pytest.raises(StoreError):
        store.articles.upsert([articles[0], bad])
    assert store.articles.count() == 0
    assert store.articles.upsert(articles).new_ids  # the next fetch completes it


def test_crash_mid_transaction_leaves_database_consistent(tmp_path):
    path = tmp_path / "crash.db"
    with open_store(path) as store:
        _, articles = _load(store)
        store.articles.upsert(articles[:1])
    raw = sqlite3.connect(path)
    raw.execute("BEGIN")
    raw.execute("DELETE FROM articles")
    raw.close()  # closing without commit is what a killed process leaves behind
    with open_store(path) as store:
        assert store.articles.count() == 1
        assert store.integrity_problems() == []


def test_not_a_database_is_a_sentence(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a NewsDesk database"):
        open_store(path)


def test_full_disk_is_a_sentence(tmp_path):
    with open_store(tmp_path / "full.db") as store:
        _, articles = _load(store)
        store.articles.upsert(articles[:1])
        page_count = store.raw_sql("PRAGMA page_count")[0][0]
        store.raw_sql(f"PRAGMA max_page_count = {page_count}")
        big = [replace(articles[1], text="word " * 200_000)]
        with pytest.raises(StoreError, match="full"):
            store.articles.upsert(big)
        assert store.articles.count() == 1


def test_add_source_is_idempotent(store):
    first, created = store.sources.add("https://a.example/feed")
    again, created_again = store.sources.add("https://a.example/feed")
    assert created and not created_again and first.id == again.id


def test_update_source_rejects_unknown_fields(store):
    source, _ = store.sources.add("https://a.example/feed")
    with pytest.raises(ValueError):
        store.sources.update(source.id, nonsense=1)


def test_unread_counts_follow_every_change(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    assert store.reading.unread_by_source() == {source.id: 2}
    store.reading.set_read([articles[0].id])
    assert store.reading.unread_count() == 1
    store.reading.set_read([articles[0].id])  # no double counting
    assert store.reading.unread_count(source.id) == 1
    store.reading.set_read([articles[0].id], False)
    assert store.reading.unread_count() == 2
    other, more = _load(store, "nodates.xml", "https://nodates.example/feed")
    store.articles.upsert(more)
    assert store.reading.unread_by_source() == {source.id: 2, other.id: 3}
    store.sources.remove(other.id)
    assert store.reading.unread_by_source() == {source.id: 2}


def test_mark_view_read_and_undo(store):
    from newsdesk.models import ArticleQuery

    source, articles = _load(store)
    store.articles.upsert(articles)
    store.reading.set_read([articles[1].id])
    batch, count = store.reading.mark_read_where(ArticleQuery(source_id=source.id))
    assert count == 1 and store.reading.unread_count() == 0
    assert store.reading.undo_batch(batch) == 1
    assert store.reading.status(articles[0].id).is_read == 0
    assert store.reading.status(articles[1].id).is_read == 1  # read before: stays read


def test_headline_pages_continue_after_the_last_row(store):
    from newsdesk.models import ArticleQuery

    _, articles = _load(store, "duplicate_guids.xml", "https://lazy.example/feed")
    store.articles.upsert(articles)
    first = store.articles.headlines(ArticleQuery(), limit=2)
    rest = store.articles.headlines(ArticleQuery(), limit=5, after=first[-1])
    assert [h.title for h in first + rest] == ["Story C", "Story B", "Story A"]
    oldest = store.articles.headlines(ArticleQuery(), limit=1, newest_first=False)
    assert oldest[0].title == "Story A"


def test_image_permissions_and_assets(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    article = store.articles.get(articles[0].id)
    assert store.caches.remote_images_allowed(article) == (False, False)
    store.caches.allow_remote_images("source", article.source_id)
    assert store.caches.remote_images_allowed(article) == (False, True)
    store.caches.allow_remote_images("source", article.source_id, False)
    store.caches.allow_remote_images("article", article.id)
    assert store.caches.remote_images_allowed(article) == (True, False)
    store.caches.save_asset("https://x.example/a.png", "image/png", b"\x89PNG")
    assert store.caches.cached_asset("https://x.example/a.png") == ("image/png", b"\x89PNG")
    assert store.caches.cached_asset("https://x.example/other.png") is None
