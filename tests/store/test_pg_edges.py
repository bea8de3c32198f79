"""The PostgreSQL store at its edges (found in review): literal %, URLs that are not
valid or carry passwords, a writer that waits on another program, a server whose default
isolation is not READ COMMITTED."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

psycopg = pytest.importorskip("psycopg")

from newsdesk.errors import StoreError  # noqa: E402
from newsdesk.store import open_store  # noqa: E402
from newsdesk.store.postgresql.core import Core, display  # noqa: E402


@pytest.fixture
def core(pg_url: str) -> Iterator[Core]:
    conn = psycopg.connect(pg_url, autocommit=True)
    yield Core(conn, display(pg_url))
    conn.close()


def test_percent_literal_read_without_parameters(core: Core) -> None:
    assert core.read("SELECT 'a%b'")[0][0] == "a%b"


def test_percent_literal_read_with_parameters(core: Core) -> None:
    assert core.read("SELECT 'a%b', ?", [1])[0][0] == "a%b"


def test_modulo_without_parameters(core: Core) -> None:
    assert core.read("SELECT 7 % 3")[0][0] == 1


def test_bad_port_is_a_sentence() -> None:
    with pytest.raises(StoreError):
        open_store("postgresql://u:secret@127.0.0.1:notaport/db")


def test_bad_percent_escape_does_not_leak_password() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://u:s3cr%zzet@127.0.0.1:1/db")
    assert "s3cr" not in str(info.value), str(info.value)


def test_unknown_option_does_not_leak_password() -> None:
    with pytest.raises(StoreError) as info:
        open_store("postgresql://u:s3cret@127.0.0.1:1/db?bogus=1")
    assert "s3cret" not in str(info.value), str(info.value)


def test_executemany_rowcount_is_total(core: Core) -> None:
    with core.write() as conn:
        conn.execute("CREATE TABLE t (id int)")
        cur = conn.executemany("INSERT INTO t VALUES (?)", [(1,), (2,), (3,)])
        assert cur.rowcount == 3


def test_password_in_query_string_is_not_displayed() -> None:
    assert "secret" not in display("postgresql://u@127.0.0.1:1/db?password=secret")


def test_a_writer_waiting_on_another_program_gets_a_sentence(pg_url: str) -> None:
    import threading

    first = open_store(pg_url)
    second = open_store(pg_url)
    second._core.lock_wait = 1.0  # type: ignore[attr-defined]  # 10 s in use
    outcome: list[object] = []

    def write() -> None:
        try:
            with second.transaction():
                outcome.append("wrote")
        except StoreError as exc:
            outcome.append(exc)

    try:
        with first.transaction():
            worker = threading.Thread(target=write, daemon=True)
            worker.start()
            worker.join(20)
            assert outcome, "the second writer still waits after 20 s (no lock_timeout)"
            assert isinstance(outcome[0], StoreError) and "busy" in str(outcome[0])
    finally:
        worker.join(5)
        second.close()
        first.close()


def test_write_after_the_lock_sees_the_previous_writer_under_repeatable_read(
        pg_url: str) -> None:
    """A server whose default isolation is REPEATABLE READ (set by its administrator):
    the snapshot is taken by the lock statement, before the wait, so MAX + 1 repeats."""
    import threading
    import time

    admin = psycopg.connect(pg_url, autocommit=True)
    admin.execute("CREATE TABLE t (id bigint PRIMARY KEY)")
    admin.execute("ALTER DATABASE " + pg_url.rsplit("/", 1)[1]
                  + " SET default_transaction_isolation = 'repeatable read'")
    admin.close()
    first = Core(psycopg.connect(pg_url, autocommit=True), "first")
    second = Core(psycopg.connect(pg_url, autocommit=True), "second")
    errors: list[BaseException] = []

    def add() -> None:
        try:
            with second.write() as conn:
                n = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM t").fetchone()[0]
                conn.execute("INSERT INTO t VALUES (?)", [n])
        except BaseException as exc:
            errors.append(exc)

    with first.write() as conn:
        conn.execute("INSERT INTO t VALUES (1)")
        worker = threading.Thread(target=add)
        worker.start()
        time.sleep(0.5)  # the second writer waits on the advisory lock
    worker.join(10)
    first.raw.close()
    second.raw.close()
    assert not errors, errors
