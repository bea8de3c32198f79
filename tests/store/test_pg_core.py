"""The PostgreSQL core against a real server (tests/pgserver.py): markers, rows, nested
writes, the single-writer lock across connections, errors as sentences, interrupt."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.errors import QueryError, QueryInterrupted, StoreError

psycopg = pytest.importorskip("psycopg")

from newsdesk.store.postgresql.core import Core, display, to_pyformat  # noqa: E402


@pytest.fixture
def core(pg_url: str) -> Iterator[Core]:
    conn = psycopg.connect(pg_url, autocommit=True)
    opened = Core(conn, display(pg_url))
    with opened.write() as c:
        c.execute("CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL)")
    yield opened
    conn.close()


def test_markers_become_pyformat_and_literals_keep_their_text() -> None:
    assert to_pyformat("SELECT ? WHERE a LIKE 'n:%' AND b = ?") == \
        "SELECT %s WHERE a LIKE 'n:%%' AND b = %s"
    assert to_pyformat("SELECT 'what?' , \"col?\" FROM x WHERE y = ?") == \
        "SELECT 'what?' , \"col?\" FROM x WHERE y = %s"
    assert to_pyformat("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', %s"


@given(st.text(alphabet="ab?%' ", max_size=30))
def test_every_marker_outside_quotes_is_translated(sql: str) -> None:
    if sql.count("'") % 2:
        sql += "'"
    out = to_pyformat(sql)
    assert out.replace("%s", "").replace("%%", "").count("%") == 0  # no stray marker
    assert out.count("%s") == sum(1 for part in sql.split("'")[::2] for ch in part if ch == "?")


def test_rows_read_by_name_and_by_index(core: Core) -> None:
    with core.write() as conn:
        conn.executemany("INSERT INTO t(id, name) VALUES (?, ?)", [(1, "a"), (2, "b%")])
    rows = core.read("SELECT id, name FROM t WHERE name LIKE ? || '%' ORDER BY id", ["b"])
    assert [(r["id"], r[1]) for r in rows] == [(2, "b%")]
    assert rows[0].keys() == ["id", "name"]
    assert tuple(rows[0]) == (2, "b%")


def test_a_failed_inner_write_rolls_back_only_itself(core: Core) -> None:
    with core.write() as conn:
        conn.execute("INSERT INTO t(id, name) VALUES (?, ?)", [1, "kept"])
        with pytest.raises(StoreError), core.write() as inner:
            inner.execute("INSERT INTO t(id, name) VALUES (?, ?)", [1, "duplicate"])
        conn.execute("INSERT INTO t(id, name) VALUES (?, ?)", [2, "after"])
    assert [r["name"] for r in core.read("SELECT name FROM t ORDER BY id")] == ["kept", "after"]


def test_an_error_rolls_the_whole_write_back_and_the_core_stays_usable(core: Core) -> None:
    with pytest.raises(ZeroDivisionError), core.write() as conn:
        conn.execute("INSERT INTO t(id, name) VALUES (?, ?)", [1, "gone"])
        raise ZeroDivisionError
    assert core.read("SELECT count(*) AS n FROM t")[0]["n"] == 0
    with core.write() as conn:
        assert conn.execute("INSERT INTO t(id, name) VALUES (?, ?) RETURNING id",
                            [5, "x"]).fetchone()[0] == 5


def test_a_failed_read_inside_a_write_does_not_abort_the_write(core: Core) -> None:
    with core.write() as conn:
        conn.execute("INSERT INTO t(id, name) VALUES (?, ?)", [1, "kept"])
        with pytest.raises(StoreError):
            core.read("SELECT no_such_column FROM t")
        conn.execute("INSERT INTO t(id, name) VALUES (?, ?)", [2, "too"])
    assert core.read("SELECT count(*) AS n FROM t")[0]["n"] == 2


def test_writes_of_two_programs_never_interleave(pg_url: str, core: Core) -> None:
    """The second program's write waits for the first's commit, so a MAX + 1 id read
    inside a write is never taken twice."""
    other = Core(psycopg.connect(pg_url, autocommit=True), display(pg_url))
    order: list[str] = []

    def next_id(who: Core, name: str, hold: float) -> None:
        with who.write() as conn:
            new = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM t").fetchone()[0]
            time.sleep(hold)
            conn.execute("INSERT INTO t(id, name) VALUES (?, ?)", [new, name])
            order.append(name)

    first = threading.Thread(target=next_id, args=(core, "first", 0.3))
    first.start()
    time.sleep(0.1)
    next_id(other, "second", 0.0)
    first.join()
    other.raw.close()
    assert order == ["first", "second"]
    assert [(r[0], r[1]) for r in core.read("SELECT id, name FROM t ORDER BY id")] == [
        (1, "first"), (2, "second")]


def test_errors_are_sentences(core: Core) -> None:
    with pytest.raises(StoreError, match=r"Database error in .*no_such_table"):
        core.read("SELECT * FROM no_such_table")
    with pytest.raises(QueryError, match="The search query is not valid"):
        core.read("SELECT to_tsquery('simple', ?)", ["a & & b"], user_query=True)


def test_a_dead_server_is_a_sentence() -> None:
    with pytest.raises(psycopg.OperationalError) as caught:
        psycopg.connect("postgresql://nobody@127.0.0.1:1/none", connect_timeout=2)
    from newsdesk.store.postgresql.core import explain

    assert "Cannot reach the PostgreSQL server at 127.0.0.1:1" in str(
        explain(caught.value, "127.0.0.1:1"))


def test_interrupt_stops_the_running_read_and_every_later_one(core: Core) -> None:
    threading.Timer(0.3, core.interrupt).start()
    started = time.monotonic()
    with pytest.raises(QueryInterrupted):
        core.read("SELECT pg_sleep(10)")
    assert time.monotonic() - started < 5
    with pytest.raises(QueryInterrupted):
        core.read("SELECT 1")


def test_the_password_is_left_out_of_sentences() -> None:
    assert display("postgresql://ed:secret@db.example:5433/desk") == \
        "postgresql://ed@db.example:5433/desk"
    assert display("postgresql://127.0.0.1/desk") == "postgresql://127.0.0.1/desk"
