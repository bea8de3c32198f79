"""A worker's SQLite connection can be interrupted mid-query from another thread.

SQLite's own tests: a slow statement is run through the backend's raw_sql.
"""

import threading
import time
from collections.abc import Iterator

import pytest

from newsdesk.errors import QueryInterrupted, StoreError
from newsdesk.store import open_store
from newsdesk.store.sqlite import SqliteStore

SLOW = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200000000) "
        "SELECT count(*) FROM c")  # tens of seconds if nothing stops it


@pytest.fixture
def store(tmp_path) -> Iterator[SqliteStore]:
    with open_store(f"sqlite:///{tmp_path / 'slow.db'}") as opened:
        assert isinstance(opened, SqliteStore)
        yield opened


def test_interrupt_stops_a_running_query_and_later_ones(store):
    store.interruptible()
    outcome: list[object] = []

    def read() -> None:
        try:
            outcome.append(store.raw_sql(SLOW))
        except StoreError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=read)
    started = time.monotonic()
    worker.start()
    time.sleep(0.2)
    assert not store.interrupted
    store.interrupt()
    worker.join(5)
    assert not worker.is_alive() and time.monotonic() - started < 3
    assert isinstance(outcome[0], QueryInterrupted)  # not "the search query is not valid"
    assert store.interrupted
    again = time.monotonic()
    with pytest.raises(QueryInterrupted):  # the flag stops the next one too
        store.raw_sql(SLOW, user_query=True)
    assert time.monotonic() - again < 1


def test_interrupt_after_close_is_harmless(store):
    store.close()
    store.interrupt()
    assert store.interrupted
