"""What only the SQLite backend promises: WAL and its pragmas, refusing files that are not
its own, sentences for a full disk or a damaged file, and surviving a killed process.

Raw sqlite3 is fine here: these are the backend's own tests.
"""

import json
import sqlite3
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newsdesk.errors import StoreError
from newsdesk.ingest.normalize import normalize_feed
from newsdesk.ingest.parse import parse_feed
from newsdesk.store import open_store
from newsdesk.store.sqlite.core import explain
from newsdesk.store.sqlite.dialect import SqliteDialect
from newsdesk.store.sqlite.migrations import migrations
from tests.conftest import fixture_bytes

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SQLITE = SqliteDialect()  # where_clause's SQL is spelled by it; join_for too


def _load(store, name="rss20.xml", url="https://www.fixturedirt.example/feed/"):
    source, _ = store.sources.add(url)
    return source, normalize_feed(parse_feed(fixture_bytes(name), url=url), source, now=NOW)


def test_schema_is_versioned_and_reopens(tmp_path):
    path = tmp_path / "db.sqlite"
    with open_store(path) as store:
        assert store.schema_version == len(migrations._migrations)
    with open_store(path) as store:
        assert store.schema_version == len(migrations._migrations)
        assert store.raw_sql("PRAGMA user_version")[0][0] == store.schema_version
        assert store.raw_sql("PRAGMA journal_mode")[0][0] == "wal"
        assert store.raw_sql("PRAGMA foreign_keys")[0][0] == 1


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


def test_a_newer_newsdesk_database_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.db"
    with open_store(path) as store:
        store.raw_sql("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
                      "VALUES ('newsdesk', '0099_from_the_future', 'x')")
        store.raw_sql(f"PRAGMA user_version = {len(migrations._migrations) + 1}")
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"written by a newer version of NewsDesk \(schema "
                                         rf"version {len(migrations._migrations) + 1}"):
        open_store(path)
    assert path.read_bytes() == before


def test_a_higher_user_version_alone_is_refused(tmp_path):
    path = tmp_path / "newer.db"
    with open_store(path) as store:
        store.raw_sql("PRAGMA user_version = 40")
    with pytest.raises(StoreError, match="newer version of NewsDesk"):
        open_store(path, create=False)


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    raw.execute("INSERT INTO invoices(total) VALUES (12.5)")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"database of another program \(it holds tables such as "
                                         r"invoices, not NewsDesk's\); nothing in it was changed"):
        open_store(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]  # no -wal, no -shm


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"shopping list: milk, eggs\n" * 200)
    for create in (True, False):
        with pytest.raises(StoreError, match=r"is not a NewsDesk database \(not an SQLite file"):
            open_store(path, create=create)
    assert path.read_bytes() == b"shopping list: milk, eggs\n" * 200


def test_open_without_create_refuses_a_missing_or_empty_file(tmp_path):
    missing = tmp_path / "typo" / "newsdesk.db"
    with pytest.raises(StoreError, match=r"There is no NewsDesk database at .*nothing was created"):
        open_store(missing, create=False)
    assert not (tmp_path / "typo").exists()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(StoreError, match="There is no NewsDesk database"):
        open_store(empty, create=False)
    assert empty.read_bytes() == b""
    with open_store(tmp_path / "real.db") as store:
        _, articles = _load(store)
        store.articles.upsert(articles)
    with open_store(tmp_path / "real.db", create=False) as store:
        assert store.articles.count() == 2


def test_a_full_disk_keeps_what_was_saved_and_the_store_stays_usable(tmp_path):
    path = tmp_path / "full.db"
    with open_store(path) as store:
        source, articles = _load(store)
        store.articles.upsert(articles[:1])
        page_count = store.raw_sql("PRAGMA page_count")[0][0]
        store.raw_sql(f"PRAGMA max_page_count = {page_count}")
        big = replace(articles[1], text="word " * 200_000)
        # A refresh's batch: articles and the source's new state together.
        with pytest.raises(StoreError) as caught, store.transaction():
            store.articles.upsert([big])
            store.sources.update(source.id, etag='"never"')
        assert str(caught.value) == (
            f"The disk holding {path} is full (or the database reached its size limit); this "
            "change was not saved, and everything saved before it is kept. Free some space "
            "and try again.")
        other = sqlite3.connect(path, timeout=0)  # nothing of the failed batch holds the lock
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        other.close()
        assert [a.id for a in store.articles.list()] == [articles[0].id]
        assert store.sources.get(source.id).etag is None
        assert store.articles.search("ireland")[0].id == articles[0].id
        store.reading.set_starred(articles[0].id)  # small writes still fit
        store.raw_sql("PRAGMA max_page_count = 1073741823")  # space freed
        assert store.articles.upsert([big]).new_ids == (big.id,)
    with open_store(path) as store:
        assert store.articles.count() == 2 and store.integrity_problems() == []
        assert store.reading.status(articles[0].id).is_starred == 1


def test_io_errors_are_a_sentence():
    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = 10 | (3 << 8)  # SQLITE_IOERR_WRITE
    assert str(explain(error, "/x/news.db")).startswith(
        "Reading or writing /x/news.db failed (an input/output error")


def test_a_plain_path_and_a_sqlite_url_open_the_same_file(tmp_path):
    path = tmp_path / "same.db"
    with open_store(path) as store:
        store.sources.add("https://a.example/feed")
        assert store.url == f"sqlite:///{path}"
    with open_store(f"sqlite:///{path}", create=False) as store:
        assert [s.url for s in store.sources.list()] == ["https://a.example/feed"]


def test_a_sqlite_url_without_a_file_is_a_sentence():
    with pytest.raises(StoreError, match=r"^sqlite://host/x names no database file"):
        open_store("sqlite://host/x")


def test_an_in_memory_store_cannot_be_reopened():
    with open_store("sqlite:///:memory:") as store:
        assert store.url == "sqlite:///:memory:" and store.topics.list()
        with pytest.raises(StoreError, match="in-memory"):
            store.reopen()


def test_a_topic_saved_in_raw_fts5_still_lists_and_renames(tmp_path):
    """A topic an older NewsDesk saved with FTS5's own syntax (a column filter) still shows
    its articles, and renaming it keeps its query as saved."""
    from newsdesk.models import ArticleQuery
    from newsdesk.services.sample import load_sample

    with open_store(tmp_path / "old.db") as store:
        load_sample(store)
        with store.transaction():
            store.raw_sql("INSERT INTO topics(name, query, description, position) "
                          "VALUES ('Old', 'title:court', '', 99)")
        found = store.articles.count_where(ArticleQuery(topic="Old"))
        assert found == store.articles.count_where(ArticleQuery(search="court")) > 0
        renamed = store.topics.rename("Old", "Older")
        assert (renamed.name, renamed.query) == ("Older", "title:court")


def test_migration_indexes_the_saved_storylines_by_their_strongest_terms(tmp_path):
    from sqlite_utils import Database

    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="0013_storyline_terms")
    db.execute("PRAGMA user_version = 12")
    profile = {f"t{n:02}": n / 100 for n in range(30)} | {"n:ireland": 5.0}
    db.execute("INSERT INTO storylines(id, label, first_seen, last_seen, features) VALUES "
               "(1, 'L', '2024-06-01T12:00:00Z', '2024-06-09T12:00:00Z', ?), "
               "(2, 'M', '2024-06-01T12:00:00Z', '2024-06-09T12:00:00Z', 'not json'), "
               "(3, 'N', '2024-06-01T12:00:00Z', '2024-06-09T12:00:00Z', '{\"n:flat\": 1}')",
               [json.dumps({"features": profile, "outlets": ["a"], "links": []})])
    db.conn.commit()
    db.conn.close()
    with open_store(path) as store:
        when = datetime(2024, 6, 1, tzinfo=UTC)
        counts = store.stories.storyline_term_counts(sorted(profile), when)
        assert sorted(counts) == ["n:ireland"] + [f"t{n:02}" for n in range(7, 30)]
        assert store.stories.storyline_term_counts(["n:flat"], when) == {"n:flat": 1}
        assert store.stories.storyline_candidates([(["n:ireland", "t29"], when)], 5) == [[1]]
        assert store.stories.storyline_candidates(
            [(["n:ireland"], datetime(2024, 6, 10, tzinfo=UTC))], 5) == [[]]  # by its date


def test_migration_moves_old_tags_and_notes_into_annotations(tmp_path):
    from sqlite_utils import Database

    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="0010_annotations")
    db.execute("PRAGMA user_version = 9")
    db.execute("INSERT INTO sources(id, url, added_at) VALUES (1, 'https://a.example/feed', 'x')")
    for n in range(3):
        db.execute("INSERT INTO articles(id, source_id, outlet, title, published, first_seen, "
                   "content_hash) VALUES (?, 1, 'a.example', 't', '2024-06-01T12:00:00Z', "
                   "'2024-06-01T12:00:00Z', 'h')", [f"a{n}"])
        db.execute("INSERT INTO statuses(article_id, source_id, note) VALUES (?, 1, ?)",
                   [f"a{n}", ["follow up", "  ", None][n]])
    db.execute("INSERT INTO article_tags(article_id, tag) VALUES ('a0', 'Ireland'), "
               "('a1', 'ireland'), ('a1', 'courts')")
    db.conn.commit()
    db.conn.close()
    with open_store(path) as store:
        assert store.schema_version == len(migrations._migrations)
        assert [(t.name, t.articles) for t in store.annotations.tags()] == [
            ("courts", 1), ("Ireland", 2)]
        found = store.annotations.of_articles(["a0", "a1", "a2"])
        assert [(a.kind, a.tag, a.text, a.editor) for a in found["a0"]] == [
            ("tag", "Ireland", "", ""), ("note", "", "follow up", "")]
        assert uuid.UUID(found["a0"][1].id).version == 4 and "a2" not in found
        assert [n for (n,) in store.raw_sql("SELECT note FROM statuses")] == [None] * 3
        assert store.raw_sql("SELECT name FROM sqlite_master WHERE name = 'article_tags'") == []
        assert store.integrity_problems() == []


def test_a_big_tag_walks_the_date_index_and_gives_the_same_pages(tmp_path, monkeypatch):
    from newsdesk.models import ArticleQuery
    from newsdesk.store.sql import articles as sql_articles
    from newsdesk.store.sql.articles import join_for, where_clause

    with open_store(tmp_path / "walk.db") as store:
        _, articles = _load(store, "duplicate_guids.xml", "https://lazy.example/feed")
        store.articles.upsert(articles)
        store.annotations.tag([a.id for a in articles], ["big"], "ann")
        query = ArticleQuery(tag="big")
        looked_up = [h.id for h in store.articles.headlines(query, limit=2)]
        monkeypatch.setattr(sql_articles, "_MANY", 1)  # now "many" articles have the tag
        where, params, _ = where_clause(store._core, query, ordered=True)
        plan = " ".join(r[3] for r in store.raw_sql(
            f"EXPLAIN QUERY PLAN SELECT a.id FROM articles a {join_for(SQLITE, query)} statuses s "
            f"ON s.article_id = a.id{where} ORDER BY a.published DESC, a.num DESC LIMIT 2",
            params))
        assert "SCAN a USING INDEX articles_published" in plan
        walked = store.articles.headlines(query, limit=2)
        assert [h.id for h in walked] == looked_up
        assert len(store.articles.headlines(query, limit=2, after=walked[-1])) == 1


@pytest.mark.parametrize("filters", [
    {"tag": "courts"}, {"tag": "courts", "unread_only": True}, {"tag": "courts", "source_id": 1},
    {"codebook": "Coverage", "code_value": "critical"}, {"tag": "courts", "folder": "News"}])
def test_a_tag_or_code_page_starts_from_its_index_not_a_scan_of_articles(tmp_path, filters):
    from newsdesk.models import ArticleQuery
    from newsdesk.store.sql.articles import join_for, where_clause

    with open_store(tmp_path / "plan.db") as store:
        query = ArticleQuery(**filters)
        where, params, _ = where_clause(store._core, query, ordered=True)
        plan = [r[3] for r in store.raw_sql(
            f"EXPLAIN QUERY PLAN SELECT a.id FROM articles a {join_for(SQLITE, query)} statuses s "
            f"ON s.article_id = a.id JOIN sources src ON src.id = a.source_id{where} "
            "ORDER BY a.published DESC, a.num DESC LIMIT 50", params)]
        assert not any(step.split()[:2] in (["SCAN", "a"], ["SCAN", "s"]) for step in plan), plan
        assert any("tag_assignments_tag" in step or "codes_codebook" in step for step in plan)
        assert not any("statuses_unread" in step for step in plan)  # most articles are unread


def test_find_articles_reads_in_batches_not_per_ref(tmp_path, monkeypatch):
    from newsdesk.models import ArticleRef

    with open_store(tmp_path / "find.db") as store:
        _, articles = _load(store)
        store.articles.upsert(articles)
        refs = store.annotations.refs([a.id for a in articles])
        wanted = [refs[a.id] for a in articles] * 500 + [
            ArticleRef(url=f"https://nowhere.example/{n}", guid=f"g{n}") for n in range(1500)]
        expected = [a.id for a in articles] * 500 + [None] * 1500
        reads = []
        real = store._core.read
        monkeypatch.setattr(store._core, "read", lambda *a, **k: reads.append(a) or real(*a, **k))
        assert store.annotations.find_articles(wanted) == expected
        assert len(reads) <= 10, len(reads)  # a few chunks, not 2,500+ refs one by one


def _version_10_database(path):
    """A database as NewsDesk left it before the archive (schema version 10)."""
    from sqlite_utils import Database

    db = Database(path)
    migrations.apply(db, stop_before="0011_archive")
    db.execute("PRAGMA user_version = 10")
    db.execute("INSERT INTO sources(id, url, added_at) VALUES (1, 'https://a.example/feed', 'x')")
    for n, (title, text) in enumerate([("Court rules on encryption", "judges heard zebras"),
                                       ("Budget vote", "parliament met on tuesday")]):
        db.execute("INSERT INTO articles(num, id, source_id, outlet, title, text, published, "
                   "first_seen, content_hash) VALUES (?, ?, 1, 'a.example', ?, ?, "
                   "'2024-06-01T12:00:00Z', '2024-06-01T12:00:00Z', 'h')",
                   [n + 1, f"a{n}", title, text])
        db.execute("INSERT INTO articles_fts(rowid, title, text) VALUES (?, ?, ?)",
                   [n + 1, title, text])
        db.execute("INSERT INTO statuses(article_id, source_id) VALUES (?, 1)", [f"a{n}"])
    for url, data, at in [("https://img.example/1.png", b"one", "2024-06-01T00:00:00Z"),
                          ("https://img.example/2.png", b"two", "2024-06-02T00:00:00Z"),
                          ("https://img.example/copy.png", b"one", "2024-06-03T00:00:00Z")]:
        db.execute("INSERT INTO assets(url, content_type, data, fetched_at) VALUES (?, ?, ?, ?)",
                   [url, "image/png", data, at])
    db.conn.commit()
    db.conn.close()


def test_migration_to_the_archive_keeps_assets_and_search(tmp_path):
    path = tmp_path / "v10.db"
    _version_10_database(path)
    with open_store(path) as store:
        assert store.schema_version == len(migrations._migrations) >= 11
        assert store.integrity_problems() == []
        assert [a.id for a in store.articles.search("zebra")] == ["a0"]
        assert [a.id for a in store.articles.search("tuesday")] == ["a1"]
        assert store.caches.cached_asset("https://img.example/1.png") == ("image/png", b"one")
        assert store.caches.cached_asset("https://img.example/copy.png") == ("image/png", b"one")
        assert store.caches.cached_asset("https://img.example/2.png") == ("image/png", b"two")
        assert store.caches.asset_usage() == (2, 6)  # the copy is one blob now
        assert store.raw_sql("SELECT fetched_at FROM asset_blobs ORDER BY fetched_at") == [
            ("2024-06-02T00:00:00Z",), ("2024-06-03T00:00:00Z",)]  # a copy's newest date
        assert store.raw_sql("SELECT name FROM sqlite_master WHERE name = 'assets'") == []
        assert store.sources.get(1).full_text == "on-demand"
        from newsdesk.models import FullText

        store.archive.save_fulltext(FullText("a1", "extracted", NOW, text="the ostrich vote",
                                             html="<p>the ostrich vote</p>"))
        assert [a.id for a in store.articles.search("ostrich")] == ["a1"]
        assert store.integrity_problems() == []


def test_a_bad_full_text_mode_is_refused_by_the_schema_too(tmp_path):
    with open_store(tmp_path / "mode.db") as store:
        store.sources.add("https://a.example/feed")
        with pytest.raises(StoreError):
            store.raw_sql("UPDATE sources SET full_text = 'sometimes'")


def test_the_index_stays_exact_through_full_texts_updates_and_deletes(tmp_path):
    """FTS5 'integrity-check' compares the index with the article_search view: every path
    that changes what is searchable must delete exactly what it inserted."""
    from newsdesk.models import FullText

    with open_store(tmp_path / "exact.db") as store:
        source, articles = _load(store)
        store.articles.upsert(articles)
        first, second = (a.id for a in articles)
        for n, status in enumerate(["extracted", "failed", "extracted", "kept_summary"]):
            store.archive.save_fulltext(FullText(second, status, NOW.replace(day=n + 1),
                                                 text=f"ostrich {n}" * (status == "extracted")))
            assert store.integrity_problems() == [], status
        store.archive.save_fulltext(FullText(first, "extracted", NOW, text="pelican"))
        store.articles.upsert([replace(articles[0], title="A new headline")])  # update trigger
        assert store.integrity_problems() == []
        assert [a.id for a in store.articles.search("pelican headline")] == [first]
        store.archive.remove_fulltexts([first])
        assert store.integrity_problems() == []
        store.archive.save_fulltext(FullText(first, "extracted", NOW, text="pelican"))
        store.archive.remove_articles([first])  # the delete trigger, with a full text
        assert store.integrity_problems() == []
        assert store.raw_sql("SELECT COUNT(*) FROM article_fulltext") == [(1,)]
        store.sources.remove(source.id)  # the cascade, with a full text
        assert store.integrity_problems() == []
        assert store.raw_sql("SELECT COUNT(*) FROM article_fulltext") == [(0,)]
        assert store.raw_sql("SELECT COUNT(*) FROM articles_fts") == [(0,)]


def _plan(store, sql, params=()):
    return [r[3] for r in store.raw_sql(f"EXPLAIN QUERY PLAN {sql}", params)]


def test_archive_queries_use_their_indexes(tmp_path):
    from newsdesk.store.sql.archive import kept

    with open_store(tmp_path / "plans.db") as store:
        view = _plan(store, "SELECT num, title, text FROM article_search WHERE num IN (?, ?)",
                     [1, 2])
        assert not any(step.startswith("SCAN") for step in view), view
        versions = _plan(store, "SELECT * FROM article_versions WHERE article_id = ? ORDER BY id",
                         ["x"])
        assert any("article_versions_article" in step for step in versions), versions
        assert not any(step.startswith("SCAN") for step in versions), versions
        old = _plan(store, "SELECT article_id FROM article_fulltext WHERE fetched_at < ? "
                    "ORDER BY fetched_at", ["2024"])
        assert any("article_fulltext_fetched" in step for step in old), old
        keeping = _plan(store, f"SELECT 1 FROM articles a WHERE a.id = ? AND {kept('a.id')}",
                        ["x"])
        assert not any(step.startswith("SCAN") for step in keeping), keeping
        usage = _plan(store, "SELECT u.url, b.data FROM asset_urls u JOIN asset_blobs b "
                      "ON b.hash = u.hash WHERE u.url IN (?, ?)", ["a", "b"])
        assert not any(step.startswith("SCAN") for step in usage), usage


def test_a_search_page_still_walks_the_index_with_full_texts(tmp_path):
    from newsdesk.models import ArticleQuery
    from newsdesk.store.sql.articles import join_for, where_clause

    with open_store(tmp_path / "search.db") as store:
        _, articles = _load(store)
        store.articles.upsert(articles)
        query = ArticleQuery(search="court")
        where, params, _ = where_clause(store._core, query, ordered=True)
        plan = " ".join(_plan(store, f"SELECT a.id FROM articles a {join_for(SQLITE, query)} statuses s "
                                     f"ON s.article_id = a.id{where} "
                                     "ORDER BY a.published DESC, a.num DESC LIMIT 50", params))
        assert "VIRTUAL TABLE INDEX" in plan and "article_fulltext" not in plan, plan


def test_vacuum_on_a_full_disk_is_a_sentence_and_loses_nothing(tmp_path, monkeypatch):
    path = tmp_path / "vacuum.db"
    with open_store(path) as store:
        _, articles = _load(store)
        store.articles.upsert(articles)
        real = store._core.conn

        class Full:
            """The connection, but VACUUM finds the disk full."""

            def __getattr__(self, name):
                return getattr(real, name)

            def execute(self, sql, *args):
                if sql == "VACUUM":
                    error = sqlite3.OperationalError("database or disk is full")
                    error.sqlite_errorcode = 13
                    raise error
                return real.execute(sql, *args)

        monkeypatch.setattr(store._core, "conn", Full())
        with pytest.raises(StoreError, match="is full"):
            store.archive.vacuum()
        monkeypatch.setattr(store._core, "conn", real)
        assert store.articles.count() == 2 and store.integrity_problems() == []


def test_migration_to_storylines_keeps_stories_and_starts_empty(tmp_path):
    """A database at schema version 11 (the archive) upgrades: its stories and copy marks
    stay, storylines, corrections and follows start empty, ids from 1."""
    from sqlite_utils import Database

    path = tmp_path / "v11.db"
    db = Database(path)
    migrations.apply(db, stop_before="0012_storylines")
    db.execute("PRAGMA user_version = 11")
    db.execute("INSERT INTO sources(id, url, title, added_at) "
               "VALUES (1, 'https://a.example/feed', 'Alpha', 'x')")
    for n in range(3):
        db.execute("INSERT INTO articles(num, id, source_id, outlet, title, published, "
                   "first_seen, content_hash) VALUES (?, ?, 1, 'a.example', 't', ?, ?, 'h')",
                   [n + 1, f"a{n}", f"2024-06-0{n + 1}T12:00:00Z", f"2024-06-0{n + 1}T12:00:00Z"])
        db.execute("INSERT INTO statuses(article_id, source_id) VALUES (?, 1)", [f"a{n}"])
    db.execute("INSERT INTO stories(id, label, first_seen, last_seen, size, outlets) "
               "VALUES (1, 'Old story', '2024-06-01T12:00:00Z', '2024-06-03T12:00:00Z', 3, 1)")
    db.execute("INSERT INTO story_articles(article_id, story_id, score, duplicate_of) "
               "VALUES ('a0', 1, 1, NULL), ('a1', 1, 1, 'a0'), ('a2', 1, 1, NULL)")
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    db.conn.commit()
    db.conn.close()
    with open_store(path) as store:
        assert store.schema_version == len(migrations._migrations) >= 12
        assert store.raw_sql("PRAGMA user_version")[0][0] == store.schema_version
        assert [(s.id, s.label, s.article_ids) for s in store.stories.list()] == [
            (1, "Old story", ("a0", "a1", "a2"))]
        assert store.stories.copies(["a1", "a2"]) == {"a1": ("a0", "a1")}
        assert store.stories.storylines() == [] and store.stories.links([1]) == {}
        assert store.stories.next_storyline_id() == 1
        assert store.stories.corrections() == [] and store.stories.follows() == []
        with pytest.raises(StoreError):  # the schema refuses an unknown kind too
            store.raw_sql("INSERT INTO story_corrections(kind, created) VALUES ('undo', 'x')")
        assert store.integrity_problems() == []
    from newsdesk.models import CORRECTION_KINDS

    with open_store(path) as store:  # the migration spells the kinds out: they must agree
        for kind in CORRECTION_KINDS:
            store.stories.add_correction(kind, ["a0"], [], "")
        assert [c.kind for c in store.stories.corrections()] == list(CORRECTION_KINDS)


def test_storyline_queries_use_their_indexes(tmp_path):
    from newsdesk.models import ArticleQuery
    from newsdesk.store.sql.articles import join_for, where_clause

    with open_store(tmp_path / "plans.db") as store:
        query = ArticleQuery(storyline_id=3)
        where, params, _ = where_clause(store._core, query, ordered=True)
        view = _plan(store, f"SELECT a.id FROM articles a {join_for(SQLITE, query)} statuses s "
                            f"ON s.article_id = a.id{where} "
                            "ORDER BY a.published DESC, a.num DESC LIMIT 50", params)
        assert any("story_links_storyline" in step for step in view), view
        assert not any(step.startswith("SCAN") for step in view), view
        for unread in (ArticleQuery(storyline_id=3, unread_only=True),
                       ArticleQuery(story_id=3, unread_only=True)):  # not every unread article
            where, params, _ = where_clause(store._core, unread, ordered=True)
            plan = _plan(store, f"SELECT a.id FROM articles a {join_for(SQLITE, unread)} statuses s "
                                f"ON s.article_id = a.id{where} LIMIT 50", params)
            assert not any("statuses_unread" in step for step in plan), plan
        down = _plan(store, "SELECT article_id FROM story_articles WHERE duplicate_of IN (?, ?)",
                     ["a", "b"])
        assert any("story_articles_duplicate" in step for step in down), down
        recent = _plan(store, "SELECT * FROM storylines WHERE last_seen >= ?", ["2024"])
        assert any("storylines_last_seen" in step for step in recent), recent
