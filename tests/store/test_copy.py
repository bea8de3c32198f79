"""`newsdesk copy`'s algorithm (newsdesk.store.copying): the sample with a little of every
kind of row goes SQLite -> PostgreSQL -> SQLite and reads the same on all three; a copy
cut short and run again converges; the refusals are sentences."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.errors import StoreError
from newsdesk.models import FullText
from newsdesk.services.sample import load_sample
from newsdesk.store import open_store
from newsdesk.store.copying import CopyStopped, copy_database

RARE = "zebrafishology"  # only in one article's full text: search must find it by it
IMAGE = bytes(range(256)) * 4  # every byte value, through bytea and BLOB


def make_sample(path: Path) -> str:
    """The bundled sample plus a tag, a code, a note, a star, a read, a full text, an
    image: one row at least in most tables."""
    url = f"sqlite:///{path}"
    with open_store(url) as store:
        load_sample(store)
        first, second = [a.id for a in store.articles.list(limit=2)]
        store.annotations.tag([first, second], ["Court watch"], "ana")
        store.annotations.code([first], "Coverage", "critical", "ana")
        store.annotations.add_note(second, "Check the date.", "ben")
        store.reading.set_starred(first)
        store.reading.set_read([second])
        store.archive.save_fulltext(FullText(
            article_id=first, status="extracted", fetched_at=datetime(2024, 5, 1, tzinfo=UTC),
            html=f"<p>The whole page, on {RARE}.</p>", text=f"The whole page, on {RARE}.",
            extractor="test", word_count=5))
        store.caches.save_asset("https://img.example/a.png", "image/png", IMAGE, article_id=first)
        ana = store.users.add("ana", "scrypt$not-a-real-hash")  # migration 0014's tables
        store.users.add_token(ana.id, "0" * 64, "phone")
    return url


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("copy") / "sample.db"
    make_sample(path)
    return path


@pytest.fixture
def source(sample_db: Path, tmp_path: Path) -> str:
    path = tmp_path / "source.db"
    shutil.copy(sample_db, path)
    return f"sqlite:///{path}"


def views(url: str) -> dict[str, object]:
    """What a reader sees (the CLI's records, as sets) and whether the store is sound."""
    runner = CliRunner()
    seen: dict[str, object] = {}
    for args in (["articles", "--json", "--limit", "1000"], ["stories", "--json"],
                 ["storylines", "--json"], ["search", "court", "--json"],
                 ["search", RARE, "--json"], ["tags", "list"]):
        result = runner.invoke(cli, ["--db", url, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        seen[" ".join(args)] = sorted(result.output.splitlines())
    with open_store(url) as store:
        seen["problems"] = store.integrity_problems()
        seen["asset"] = store.caches.cached_asset("https://img.example/a.png")
        seen["users"] = [(u.id, u.name) for u in store.users.list()]
        # the unread counts the triggers keep (not copied: built as statuses arrive)
        seen["counts"] = [tuple(r) for r in store.raw_sql(  # type: ignore[attr-defined]
            "SELECT source_id, unread, total FROM source_counts ORDER BY source_id")]
    return seen


def test_the_sample_goes_to_postgresql_and_back_the_same(source, pg_store, tmp_path):
    pg_url = pg_store
    there = copy_database(source, pg_url)
    assert there.rows > 1000 and not there.differences and not there.resumed
    back_url = f"sqlite:///{tmp_path / 'back.db'}"
    back = copy_database(pg_url, back_url)
    assert back.counts == there.counts
    original = views(source)
    assert original["problems"] == [] and original["asset"] == ("image/png", IMAGE)
    assert sum(r[2] for r in original["counts"]) == 43  # type: ignore[attr-defined]
    assert sum(r[1] for r in original["counts"]) == 42  # type: ignore[attr-defined]
    assert len(original[f"search {RARE} --json"]) == 1  # type: ignore[arg-type]
    assert views(pg_url) == original
    assert views(back_url) == original
    with open_store(pg_url) as store:  # the identities went past the copied ids
        added, _ = store.sources.add("https://new.example/feed.xml")
        assert added.id > max(s.id for s in store.sources.list() if s.id != added.id)
        assert store.users.add("ben", "scrypt$x").id == 2  # users.id too (0014)


def test_postgresql_to_postgresql(source, pg_store, pg_server):
    copy_database(source, pg_store)
    other = pg_server.new_database(pg_server.template("store"))
    try:
        report = copy_database(pg_store, other, page_rows=7)  # keyset pages of every key
        assert not report.differences and report.rows > 1000
        assert views(other) == views(pg_store)
    finally:
        pg_server.drop_database(other)


def test_the_source_is_only_read(source, tmp_path):
    path = Path(source.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:  # a file in rollback-journal mode stays so
        conn.execute("PRAGMA journal_mode=DELETE")
    before = path.read_bytes()
    assert not copy_database(source, str(tmp_path / "copy.db")).differences
    assert path.read_bytes() == before


def test_a_finished_copy_run_again_only_checks(source, tmp_path):
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    first = copy_database(source, target, page_rows=7)  # keyset pages of every key
    again = copy_database(source, target)
    assert again.resumed and again.counts == first.counts and not again.differences
    assert views(target) == views(source)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_copy_cut_short_goes_on_where_it_stopped(source, backend, tmp_path, request):
    target = (f"sqlite:///{tmp_path / 'copy.db'}" if backend == "sqlite"
              else request.getfixturevalue("pg_store"))
    seen: list[tuple[str, int, int]] = []
    with pytest.raises(CopyStopped, match="run it again"):
        copy_database(source, target, page_rows=40, stop_after_pages=12,
                      progress=lambda *p: seen.append(p))
    inside = [(table, copied) for table, copied, total in seen if 0 < copied < total]
    assert inside  # stopped inside a table
    table, reached = inside[-1]
    later: list[tuple[str, int, int]] = []
    done = copy_database(source, target, page_rows=40, progress=lambda *p: later.append(p))
    assert done.resumed and not done.differences
    # the resumed copy read on after the last page written, not from the table's start
    assert next(c for t, c, _ in later if t == table) == reached + 40
    assert views(target) == views(source)


def test_refusals_are_sentences(source, tmp_path, sample_db):
    path = source.removeprefix("sqlite:///")
    with pytest.raises(StoreError, match="the same database"):
        copy_database(source, path)
    occupied = tmp_path / "occupied.db"
    with open_store(occupied) as store:
        store.sources.add("https://mine.example/feed.xml")
    with pytest.raises(StoreError, match="already holds a NewsDesk database"):
        copy_database(source, str(occupied))
    with open_store(occupied) as store:  # refused: nothing in it changed
        assert [s.url for s in store.sources.list()] == ["https://mine.example/feed.xml"]
    # a copy begun from another database is not taken for this one's
    other = tmp_path / "other.db"
    shutil.copy(sample_db, other)
    target = tmp_path / "target.db"
    with pytest.raises(CopyStopped):
        copy_database(str(other), str(target), stop_after_pages=1)
    with pytest.raises(StoreError, match="holds a copy of another database"):
        copy_database(source, str(target))


def test_a_source_of_another_schema_version_is_refused_and_left_as_it_is(source, tmp_path):
    path = source.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:  # as if written before the last migration
        last = conn.execute("SELECT name FROM _sqlite_migrations ORDER BY name DESC").fetchone()[0]
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [last])
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA user_version = {version - 1}")
    with pytest.raises(StoreError, match="schema version"):
        copy_database(source, str(tmp_path / "copy.db"))
    with sqlite3.connect(path) as conn:  # the source was not migrated
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version - 1


def test_a_missing_source_and_an_unknown_scheme_are_sentences(tmp_path):
    with pytest.raises(StoreError, match="no NewsDesk database"):
        copy_database(str(tmp_path / "nothing.db"), str(tmp_path / "copy.db"))
    assert not (tmp_path / "copy.db").exists()
    with pytest.raises(StoreError, match="cannot open a store"):
        copy_database("mysql://x/y", str(tmp_path / "copy.db"))


def test_pages_of_big_rows_get_smaller_and_every_row_comes_once(source):
    with open_store(source) as store:
        end = store.copy_end()  # type: ignore[attr-defined]
        table = end.tables()["story_terms"]
        whole = [row for page, _ in end.pages(table, 10_000) for row in page]
        pages = list(end.pages(table, 200, budget=500))
    assert [row for page, _ in pages for row in page] == whole and len(whole) > 500
    assert max(len(p) for p, _ in pages) == 200 and min(len(p) for p, _ in pages[:-1]) < 200
    assert [last for _, last in pages] == [False] * (len(pages) - 1) + [True]
