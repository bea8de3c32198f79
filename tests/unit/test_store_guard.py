"""The store refuses files that are not its own, survives a full disk, and lets two
programs write to one database without "busy" errors."""

import sqlite3
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newsdesk.errors import StoreError
from newsdesk.ingest.normalize import normalize_feed
from newsdesk.ingest.parse import parse_feed
from newsdesk.ingest.pipeline import refresh
from newsdesk.models import ArticleQuery
from newsdesk.store import Store, open_store
from newsdesk.store.sqlite.migrations import migrations
from tests.conftest import fixture_bytes
from tests.feedserver import Route

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def _load(store, name="rss20.xml", url="https://www.fixturedirt.example/feed/"):
    source, _ = store.sources.add(url)
    return source, normalize_feed(parse_feed(fixture_bytes(name), url=url), source, now=NOW)


# ---------------------------------------------------------------- whose file is it


def test_a_newer_newsdesk_database_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.db"
    with open_store(path) as store:
        store._db.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
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


# ---------------------------------------------------------------- full disk


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
        assert not store._conn.in_transaction
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
    from newsdesk.store import _explain

    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = 10 | (3 << 8)  # SQLITE_IOERR_WRITE
    assert str(_explain(error, "/x/news.db")).startswith(
        "Reading or writing /x/news.db failed (an input/output error")


# ---------------------------------------------------------------- two writers


def test_a_writer_waits_for_another_programs_transaction_instead_of_failing(tmp_path):
    path = tmp_path / "shared.db"
    with open_store(path) as refresher, open_store(path) as window:
        _, articles = _load(refresher)
        refresher.articles.upsert(articles[:1])
        errors: list[Exception] = []

        def star() -> None:
            try:
                window.set_starred(articles[0].id)
            except Exception as exc:
                errors.append(exc)

        with refresher.transaction():
            refresher.articles.count()  # the transaction reads first, then writes
            thread = threading.Thread(target=star)
            thread.start()
            thread.join(0.3)  # the star waits for the write lock; it must not commit now
            result = refresher.articles.upsert(articles[1:])
        thread.join(10)
        assert errors == [] and result.new_ids == (articles[1].id,)
        assert refresher.articles.count() == 2
        assert refresher.status(articles[0].id)["is_starred"] == 1


def test_two_connections_writing_at_once_never_see_busy(tmp_path):
    path = tmp_path / "busy.db"
    with open_store(path) as one, open_store(path) as two:
        _, articles = _load(one, "duplicate_guids.xml", "https://lazy.example/feed")
        one.articles.upsert(articles)
        ids = [a.id for a in articles]
        errors: list[Exception] = []

        def toggle(store: Store, rounds: int) -> None:
            try:
                for n in range(rounds):
                    with store.transaction():
                        store.articles.list()
                        store.reading.set_read(ids, n % 2 == 0)
                        store.reading.set_starred(ids[n % len(ids)], True)
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=toggle, args=(s, 40)) for s in (one, two)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert all(one.status(i)["is_starred"] == 1 for i in ids)


def test_bulk_read_batches_are_numbered_under_the_write_lock(tmp_path):
    path = tmp_path / "batches.db"
    with open_store(path) as one, open_store(path) as two:
        first, a = _load(one)
        second, b = _load(one, "nodates.xml", "https://nodates.example/feed")
        one.articles.upsert(a + b)
        found: dict[str, int] = {}

        def mark_second() -> None:
            found["two"] = two.reading.mark_read_where(ArticleQuery(source_id=second.id))[0]

        with one.transaction():
            found["one"] = one.reading.mark_read_where(ArticleQuery(source_id=first.id))[0]
            thread = threading.Thread(target=mark_second)
            thread.start()
            time.sleep(0.3)  # the other program would have picked its number by now
        thread.join(10)
        assert sorted(found.values()) == [1, 2]
        assert one.reading.undo_batch(found["two"]) == len(b)
        assert one.reading.unread_by_source() == {second.id: len(b)}


def test_new_stories_are_renumbered_when_another_program_took_their_ids(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    story = {"label": "x", "first_seen": NOW, "last_seen": NOW, "size": 1, "outlets": 1,
             "centroid": "{}"}
    next_id = store.stories.state(set(), NOW)["next_id"]
    # Another program saves story 1 first...
    store.stories.save([{**story, "id": next_id, "label": "theirs"}],
                       [{"article_id": articles[0].id, "story_id": next_id, "score": 1.0,
                         "duplicate_of": None, "vector": "{}"}], {}, 1, new_from=next_id)
    # ...then this grouping step, which was handed the same id, saves its own.
    store.stories.save([{**story, "id": next_id, "label": "ours"}],
                       [{"article_id": articles[1].id, "story_id": next_id, "score": 1.0,
                         "duplicate_of": None, "vector": "{}"}], {}, 2, new_from=next_id)
    assert store.stories.label(next_id) == "theirs"
    assert store.stories.label(next_id + 1) == "ours"
    assert store.stories.story_of(articles[0].id) == next_id
    assert store.stories.story_of(articles[1].id) == next_id + 1


# ---------------------------------------------------------------- moved feeds


def test_move_source_checks_and_moves_in_one_step(store):
    a, _ = store.sources.add("https://a.example/feed")
    b, _ = store.sources.add("https://b.example/feed")
    assert store.sources.move(a.id, "https://new.example/feed") is True
    assert store.sources.move(b.id, "https://new.example/feed") is False
    assert (store.sources.get(a.id).url, store.sources.get(b.id).url) == (
        "https://new.example/feed", "https://b.example/feed")


def test_two_feeds_moving_to_one_address_do_not_abort_the_refresh(store, feed_server, caplog):
    feed_server.routes["/old-a"] = Route(status=301, redirect=feed_server.url("/new"))
    feed_server.routes["/old-b"] = Route(status=301, redirect=feed_server.url("/new"))
    feed_server.routes["/new"] = Route(body=fixture_bytes("rss20.xml"))
    a, _ = store.sources.add(feed_server.url("/old-a"))
    b, _ = store.sources.add(feed_server.url("/old-b"))
    with caplog.at_level("WARNING", logger="newsdesk.ingest.pipeline"):
        report = refresh(store, [a, b], now=NOW)
    # Both are stored; the second brought word-for-word copies of the first one's articles.
    assert sorted((r.outcome, r.new) for r in report.sources) == [("new", 2), ("unchanged", 0)]
    urls = {s.id: s.url for s in store.sources.list()}
    [moved] = [i for i, url in urls.items() if url == feed_server.url("/new")]
    [stayed] = [s for s in (a, b) if s.id != moved]
    assert urls[stayed.id] == stayed.url
    assert [r.getMessage() for r in caplog.records] == [
        f"{stayed.url} moved to {feed_server.url('/new')}, which is already a source"]


def test_giving_a_source_another_sources_address_is_a_sentence(store):
    a, _ = store.sources.add("https://a.example/feed")
    store.sources.add("https://b.example/feed")
    with pytest.raises(StoreError, match=r"^Another source already has that address; nothing "
                                         r"was changed\.$"):
        store.sources.update(a.id, url="https://b.example/feed")
    assert store.sources.get(a.id).url == "https://a.example/feed"
