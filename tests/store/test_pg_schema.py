"""The PostgreSQL store's migrations (newsdesk/store/postgresql/migrations.py) against a real
server: they apply once and then only read, two migrators at once converge, a database of
another program or of a newer NewsDesk is refused, and the schema is the SQLite store's
(same tables, columns, indexes and seeds) but for the search vector.

Measured on this machine (2 cores shared with other agents, the test server of
tests/pgserver.py, medians): migrating an empty database 104 ms (157 ms at load 2.3);
re-applying to a current one 1.6 ms; a fresh database copied from the migrated template
29 ms with FILE_COPY (46 ms WAL_LOG; 127 ms at load 2.3), dropping it 14 ms. So each test
copies the template (`migrated_url`) instead of migrating.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.errors import StoreError
from newsdesk.store import open_store
from tests.pgserver import PgServer

psycopg = pytest.importorskip("psycopg")

from newsdesk.store.postgresql import migrations as pgm  # noqa: E402 (needs psycopg)


def _migrate(url: str) -> None:
    with psycopg.connect(url) as conn:
        pgm.apply_migrations(conn)


@pytest.fixture
def migrated_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh database copied from a template migrated once per server."""
    url = pg_server.new_database(pg_server.template("store", _migrate))
    yield url
    pg_server.drop_database(url)


def _names(conn) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM newsdesk_migrations ORDER BY name")]


def _sqlite_names() -> list[str]:
    from newsdesk.store.sqlite.migrations import migrations

    return sorted(m.name for m in migrations._migrations)


def test_migrations_apply_once_then_only_read(pg_url):
    with psycopg.connect(pg_url) as conn:
        assert pgm.check_database(conn) == "empty"
        conn.rollback()
        assert pgm.apply_migrations(conn) == 14 == pgm.SCHEMA_VERSION
        assert _names(conn) == _sqlite_names()  # the same fourteen names as SQLite's
        applied = conn.execute("SELECT name, applied FROM newsdesk_migrations").fetchall()
        assert all(len(at) == 20 and at.endswith("Z") for _, at in applied)  # ISO text
        conn.rollback()
    # Up to date, it neither writes nor waits for the lock another migrator holds.
    with psycopg.connect(pg_url) as holder, psycopg.connect(pg_url) as conn:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", [pgm.MIGRATION_LOCK])
        conn.execute("SET statement_timeout = '2s'")
        conn.commit()
        assert pgm.apply_migrations(conn) == 14
        assert conn.execute("SELECT name, applied FROM newsdesk_migrations").fetchall() == applied
        assert pgm.check_database(conn) == "current"
        assert pgm.schema_version(conn) == 14


def test_two_migrators_at_once_converge(pg_url):
    """Both see an empty database, both queue on the lock; the second finds all applied."""
    holder = psycopg.connect(pg_url)
    results: list[object] = []

    def migrate() -> None:
        try:
            with psycopg.connect(pg_url) as conn:
                results.append(pgm.apply_migrations(conn))
        except Exception as exc:  # pragma: no cover - the assertion shows it
            results.append(exc)

    try:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", [pgm.MIGRATION_LOCK])
        threads = [threading.Thread(target=migrate) for _ in range(2)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # both are waiting for the lock
            waiting = holder.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                     "AND NOT granted").fetchone()
            if waiting and waiting[0] == 2:
                break
            time.sleep(0.02)
        else:  # pragma: no cover
            pytest.fail("the two migrators never waited for the migration lock")
        holder.commit()  # releases the lock: they run one after the other
        for thread in threads:
            thread.join(timeout=60)
    finally:
        holder.close()
    assert results == [14, 14]
    with psycopg.connect(pg_url) as conn:
        assert _names(conn) == _sqlite_names()
        topics = conn.execute("SELECT count(*) FROM topics").fetchone()
        assert topics == (4,)  # seeded once


def test_another_programs_database_is_refused_and_left_alone(pg_url):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE customers (id integer PRIMARY KEY, name text)")
        conn.execute("CREATE TABLE invoices (id integer PRIMARY KEY)")
    with psycopg.connect(pg_url) as conn:
        with pytest.raises(StoreError) as refused:
            pgm.apply_migrations(conn, "The database at postgresql://127.0.0.1/x")
        assert str(refused.value) == (
            "The database at postgresql://127.0.0.1/x is a database of another program (it "
            "holds tables such as customers, invoices, not NewsDesk's); nothing in it was "
            "changed. Choose another database.")
        tables = conn.execute("SELECT table_name FROM information_schema.tables "
                              "WHERE table_schema = 'public' ORDER BY 1").fetchall()
        assert tables == [("customers",), ("invoices",)]


def test_a_newer_newsdesks_database_is_refused(migrated_url):
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        conn.execute("INSERT INTO newsdesk_migrations VALUES ('0015_future', '2030-01-01T00:00:00Z')")
    with psycopg.connect(migrated_url) as conn, pytest.raises(StoreError) as refused:
        pgm.apply_migrations(conn)
    assert "written by a newer version of NewsDesk (schema version 15; this version knows " \
           "14)" in str(refused.value)


def test_a_failed_migration_changes_nothing(pg_url, monkeypatch):
    def broken(conn) -> None:
        conn.execute("CREATE TABLE half_done (x integer)")
        conn.execute("SELECT no_such_function()")

    monkeypatch.setattr(pgm, "MIGRATIONS", [*pgm.MIGRATIONS[:3], ("0004_broken", broken)])
    with psycopg.connect(pg_url) as conn:
        with pytest.raises(StoreError, match=r"could not be brought up to date: PostgreSQL said "
                                             r"\"function no_such_function\(\) does not exist\""):
            pgm.apply_migrations(conn)
        assert pgm.check_database(conn) == "empty"  # not even the first three stayed


@pytest.fixture
def owned_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database owned by `nd_owner`, a role that is not a superuser (as a
    store's role on a shared server is), connected to as that role."""
    pg_server.execute("DO $$ BEGIN CREATE ROLE nd_owner LOGIN; "
                      "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    url = pg_server.new_database()
    database = url.rsplit("/", 1)[1]
    pg_server.execute(f'ALTER DATABASE "{database}" OWNER TO nd_owner')
    pg_server.execute("ALTER SCHEMA public OWNER TO pg_database_owner", database)
    yield url.replace("//postgres@", "//nd_owner@")
    pg_server.drop_database(url)


def test_a_database_owner_who_is_no_superuser_can_migrate(owned_url):
    """citext and unaccent are trusted extensions: the database's owner may create them."""
    with psycopg.connect(owned_url) as conn:
        assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                            ).fetchone() == (False,)
        assert pgm.apply_migrations(conn) == 14


def test_tables_we_may_not_read_still_make_it_another_programs(pg_server, owned_url):
    database = owned_url.rsplit("/", 1)[1]
    pg_server.execute("CREATE TABLE payroll (id integer)", database)  # owned by postgres
    pg_server.execute("REVOKE ALL ON payroll FROM PUBLIC", database)
    with psycopg.connect(owned_url) as conn, pytest.raises(StoreError, match="another program"):
        pgm.apply_migrations(conn)


def test_a_database_not_in_utf8_is_refused(pg_server):
    pg_server.execute("CREATE DATABASE ascii_db ENCODING 'SQL_ASCII' TEMPLATE template0 "
                      "LC_COLLATE 'C' LC_CTYPE 'C'")
    url = pg_server.url("ascii_db")
    try:
        with psycopg.connect(url) as conn:
            with pytest.raises(StoreError, match=r"^The database uses the encoding SQL_ASCII; "
                                                 r"NewsDesk needs UTF8"):
                pgm.apply_migrations(conn)
            assert pgm.check_database(conn) == "empty"
    finally:
        pg_server.drop_database(url)


# SQLite's declared types and the PostgreSQL ones they become (the survey's "Types" part).
TYPES = {
    "INTEGER": {"bigint", "integer"},
    "TEXT": {"text", "citext"},
    "REAL": {"double precision"},
    "BLOB": {"bytea"},
}
SQLITE_ONLY = {"_sqlite_migrations", "articles_fts", "articles_fts_config", "articles_fts_data",
               "articles_fts_docsize", "articles_fts_idx"}


NOCASE = re.compile(r"(\w+) TEXT NOT NULL (?:PRIMARY KEY )?COLLATE NOCASE")


def _sqlite_schema(path: Path) -> tuple[dict[str, list[tuple[str, str, bool]]], set[str], set[str]]:
    """Columns (name, declared type, NOT NULL) by table, index names, NOCASE "table.column"s."""
    with open_store(path):
        pass
    db = sqlite3.connect(path)
    try:
        tables = {r[0]: r[1] or "" for r in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'view')")}
        columns = {t: [(r[1], r[2], bool(r[3])) for r in db.execute(f"PRAGMA table_info({t})")]
                   for t in tables if t not in SQLITE_ONLY}
        indexes = {r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name != '_sqlite_migrations'")}
    finally:
        db.close()
    nocase = {f"{t}.{c}" for t, text in tables.items() for c in NOCASE.findall(" ".join(text.split()))}
    return columns, indexes, nocase


def test_the_schema_is_the_sqlite_stores(migrated_url, tmp_path):
    columns, indexes, nocase = _sqlite_schema(tmp_path / "x.db")
    assert len(nocase) == 8  # users.name, tags.name, tag_assignments.tag, codebooks.name, ...
    with psycopg.connect(migrated_url) as conn:
        pg_columns: dict[str, list[tuple[str, str, bool]]] = {}
        for table, column, kind, nullable in conn.execute(
                "SELECT c.table_name, c.column_name, "
                "CASE WHEN c.data_type = 'USER-DEFINED' THEN c.udt_name ELSE c.data_type END, "
                "c.is_nullable = 'YES' FROM information_schema.columns c "
                "WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position"):
            pg_columns.setdefault(table, []).append((column, kind, nullable))
        pg_indexes = {r[0] for r in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'")}
        identities = {(r[0], r[1]) for r in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND is_identity = 'YES'")}
    assert set(pg_columns) - {"newsdesk_migrations"} == set(columns)
    for table, sqlite_columns in columns.items():
        pg = [c for c in pg_columns[table] if (table, c[0]) != ("articles", "search")]
        assert [c[0] for c in pg] == [c[0] for c in sqlite_columns], table  # names and order
        for (name, declared, notnull), (_, kind, nullable) in zip(sqlite_columns, pg, strict=True):
            if declared:  # a view's columns have no declared type in SQLite
                assert kind in TYPES[declared], (table, name, declared, kind)
            if f"{table}.{name}" in nocase:
                assert kind == "citext", (table, name)
            elif declared == "TEXT":
                assert kind == "text", (table, name)
            if notnull and table != "article_search":
                assert not nullable, (table, name)
    assert pg_indexes - {"articles_search"} == indexes
    assert identities == {("sources", "id"), ("articles", "num"), ("fetch_log", "id"),
                          ("article_versions", "id"), ("story_corrections", "id"),
                          ("users", "id")}


def test_the_seeds_are_the_sqlite_stores(migrated_url, tmp_path):
    path = tmp_path / "x.db"
    with open_store(path):
        pass
    seeds = {
        "topics": "SELECT name, query, description, position FROM topics ORDER BY position",
        "story_meta": "SELECT key, value FROM story_meta ORDER BY key",
        "codebooks": "SELECT name, description, builtin, position FROM codebooks ORDER BY name",
        "codebook_values": "SELECT codebook, position, value FROM codebook_values "
                           "ORDER BY codebook, position",
        "story_model_state": "SELECT name, version, state_json FROM story_model_state",
    }
    db = sqlite3.connect(path)
    with psycopg.connect(migrated_url) as conn:
        for table, query in seeds.items():
            assert [tuple(r) for r in conn.execute(query)] == db.execute(query).fetchall(), table
    db.close()


def test_triggers_keep_the_unread_counts_and_nocase_names(migrated_url):
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        source = conn.execute("INSERT INTO sources(url, added_at) VALUES ('https://a.example/f', "
                              "'2024-01-01T00:00:00Z') RETURNING id").fetchone()[0]
        for n in range(3):
            conn.execute("INSERT INTO articles(id, source_id, outlet, title, published, "
                         "first_seen, content_hash) VALUES (%s, %s, 'a.example', 't', "
                         "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'h')", [f"a{n}", source])
            conn.execute("INSERT INTO statuses(article_id, source_id, is_read) VALUES (%s, %s, %s)",
                         [f"a{n}", source, int(n == 2)])

        def counts() -> tuple[int, int]:
            row = conn.execute("SELECT unread, total FROM source_counts WHERE source_id = %s",
                               [source]).fetchone()
            return (int(row[0]), int(row[1]))

        assert counts() == (2, 3)
        conn.execute("UPDATE statuses SET is_read = 1 WHERE article_id = 'a0'")
        conn.execute("UPDATE statuses SET is_read = 1 WHERE article_id = 'a0'")  # no change
        assert counts() == (1, 3)
        conn.execute("DELETE FROM articles WHERE id = 'a1'")  # cascades to its status
        assert counts() == (0, 2)
        conn.execute("INSERT INTO tags(name, created) VALUES ('Ireland', 'x')")
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("INSERT INTO tags(name, created) VALUES ('IRELAND', 'x')")
        assert conn.execute("SELECT name FROM tags WHERE name = 'ireland'").fetchone() == ("Ireland",)
        conn.execute("DELETE FROM sources")
        assert conn.execute("SELECT count(*) FROM source_counts").fetchone() == (0,)


def test_identities_advance_past_copied_ids(migrated_url):
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        conn.execute("INSERT INTO sources(id, url, added_at) VALUES (41, 'https://a.example/f', 'x')")
        pgm.advance_identities(conn)
        made = conn.execute("INSERT INTO sources(url, added_at) VALUES ('https://b.example/f', 'x') "
                            "RETURNING id").fetchone()
        assert made == (42,)
        pgm.advance_identities(conn)  # again: nothing moves backwards
        assert conn.execute("SELECT nextval(pg_get_serial_sequence('sources', 'id'))"
                            ).fetchone() == (43,)
        assert conn.execute("SELECT nextval(pg_get_serial_sequence('articles', 'num'))"
                            ).fetchone() == (1,)  # an empty table starts at 1
