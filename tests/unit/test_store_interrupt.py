"""A worker's connection can be interrupted mid-query from another thread."""

import threading
import time

import pytest

from newsdesk.errors import QueryInterrupted, StoreError

SLOW = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200000000) "
        "SELECT count(*) FROM c")  # tens of seconds if nothing stops it


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
