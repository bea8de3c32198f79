"""The users, leases and exclusive sections of the storage contract (newsdesk.store.api),
on every backend: what `newsdesk serve` and `newsdesk users` build on."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.errors import NotFoundError, StoreError
from newsdesk.store import open_store

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HASH = "scrypt$16$1$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"  # a stand-in: the store never reads it


def test_users_are_added_found_whatever_the_case_and_listed_by_name(store):
    ann = store.users.add("Ann", HASH)
    bo = store.users.add("  bo  ", HASH + "2")
    assert (ann.name, ann.disabled, ann.tokens, ann.password_hash) == ("Ann", False, 0, HASH)
    assert bo.name == "bo" and bo.id != ann.id
    assert abs(ann.created - datetime.now(UTC)) < timedelta(minutes=1)
    assert store.users.find("ANN") == ann == store.users.get(ann.id)
    assert store.users.find("carla") is None
    assert [u.name for u in store.users.list()] == ["Ann", "bo"]
    assert "scrypt" not in repr(ann)  # a hash never reaches a log line by repr
    with pytest.raises(StoreError, match=r"^There is already a user named 'Ann'; nothing"):
        store.users.add("aNN", HASH)
    with pytest.raises(ValueError):
        store.users.add("  ", HASH)
    with pytest.raises(ValueError):
        store.users.add("carla", "")
    assert [u.name for u in store.users.list()] == ["Ann", "bo"]


def test_a_token_finds_its_user_and_notes_its_use_at_most_once_a_minute(store):
    ann = store.users.add("ann", HASH)
    token = store.users.add_token(ann.id, "a" * 64, "phone")
    assert (token.user_id, token.label, token.last_used) == (ann.id, "phone", None)
    assert store.users.get(ann.id).tokens == 1
    assert store.users.user_for_token("a" * 64, now=NOW).name == "ann"
    [noted] = store.users.tokens(ann.id)
    assert noted.last_used == NOW
    store.users.user_for_token("a" * 64, now=NOW + timedelta(seconds=30))
    assert store.users.tokens(ann.id)[0].last_used == NOW  # no write for that one
    store.users.user_for_token("a" * 64, now=NOW + timedelta(minutes=2))
    assert store.users.tokens(ann.id)[0].last_used == NOW + timedelta(minutes=2)
    assert store.users.user_for_token("b" * 64) is None
    with pytest.raises(StoreError, match="stored already"):
        store.users.add_token(ann.id, "a" * 64)


def test_removing_a_user_removes_their_tokens_and_a_token_can_go_alone(store):
    ann = store.users.add("ann", HASH)
    bo = store.users.add("bo", HASH)
    store.users.add_token(ann.id, "a" * 64)
    store.users.add_token(ann.id, "c" * 64)
    store.users.add_token(bo.id, "b" * 64)
    assert store.users.remove_token("c" * 64) is True
    assert store.users.remove_token("c" * 64) is False
    store.users.remove(ann.id)
    assert store.users.user_for_token("a" * 64) is None
    assert store.users.tokens(ann.id) == []
    assert store.users.user_for_token("b" * 64).name == "bo"
    again = store.users.add("ann", HASH)  # the name is free again; no token comes back
    assert again.tokens == 0 and store.users.user_for_token("a" * 64) is None


def test_a_new_password_or_disabling_keeps_the_tokens_and_unknown_ids_raise(store):
    ann = store.users.add("ann", HASH)
    store.users.add_token(ann.id, "a" * 64)
    store.users.set_password(ann.id, "scrypt$new")
    assert store.users.get(ann.id).password_hash == "scrypt$new"
    assert store.users.get(ann.id).tokens == 1
    store.users.set_disabled(ann.id)  # a disabled user's tokens let nobody in, and stay
    assert store.users.user_for_token("a" * 64) is None
    assert store.users.get(ann.id).disabled and store.users.get(ann.id).tokens == 1
    store.users.set_disabled(ann.id, False)
    assert store.users.user_for_token("a" * 64).id == ann.id
    for call in (lambda: store.users.get(99), lambda: store.users.remove(99),
                 lambda: store.users.set_password(99, HASH),
                 lambda: store.users.set_disabled(99),
                 lambda: store.users.add_token(99, "d" * 64)):
        with pytest.raises(NotFoundError, match="There is no user with id 99"):
            call()
    assert store.users.tokens(99) == []


# ------------------------------------------------------------------------------- leases


def test_a_lease_is_taken_kept_extended_and_released_by_its_holder(store):
    leases = store.leases
    assert leases.holder("fetch:1", now=NOW) is None
    assert leases.acquire("fetch:1", "server-a", 60, now=NOW) is True
    assert leases.holder("fetch:1", now=NOW) == "server-a"
    assert leases.acquire("fetch:1", "server-b", 60, now=NOW + timedelta(seconds=59)) is False
    # Its holder extends it: at 50 s for another 60 s, so it holds past the first minute.
    assert leases.acquire("fetch:1", "server-a", 60, now=NOW + timedelta(seconds=50)) is True
    assert leases.acquire("fetch:1", "server-b", 60, now=NOW + timedelta(seconds=100)) is False
    assert leases.holder("fetch:1", now=NOW + timedelta(seconds=100)) == "server-a"
    assert leases.release("fetch:1", "server-b") is False  # not theirs to give
    assert leases.release("fetch:1", "server-a") is True
    assert leases.release("fetch:1", "server-a") is False
    assert leases.acquire("fetch:1", "server-b", 60, now=NOW) is True
    for bad in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            leases.acquire("fetch:1", "server-b", bad)
    with pytest.raises(ValueError):
        leases.acquire("", "server-b", 1)
    half = NOW + timedelta(milliseconds=500)  # stored to the second: rounded up, never down
    assert leases.acquire("x", "a", 1, now=half) is True
    assert leases.acquire("x", "b", 1, now=half + timedelta(milliseconds=999)) is False
    assert leases.holder("x", now=NOW + timedelta(seconds=2)) is None


def test_an_expired_lease_is_taken_over(store, second_store):
    assert store.leases.acquire("fetch:7", "dead-server", 30, now=NOW) is True
    later = NOW + timedelta(seconds=30)
    assert second_store.leases.holder("fetch:7", now=later) is None
    assert second_store.leases.acquire("fetch:7", "live-server", 30, now=later) is True
    assert store.leases.holder("fetch:7", now=later) == "live-server"
    assert store.leases.acquire("fetch:7", "dead-server", 30, now=later) is False


def _race(stores, name: str) -> dict[str, bool]:
    """Each store asks for the lease `name` at the same moment (a barrier), as its holder."""
    start = threading.Barrier(len(stores))
    won: dict[str, bool] = {}

    def take(which: str, on) -> None:
        start.wait()
        won[which] = on.leases.acquire(name, which, 60)

    threads = [threading.Thread(target=take, args=(f"holder-{n}", s)) for n, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return won


def test_two_connections_racing_for_one_lease_one_wins(store, second_store):
    for round_ in range(5):
        won = _race([store, second_store], f"race:{round_}")
        assert sorted(won.values()) == [False, True], won
        [winner] = [w for w, ok in won.items() if ok]
        assert store.leases.holder(f"race:{round_}") == winner
        assert second_store.leases.holder(f"race:{round_}") == winner


# --------------------------------------------------------------------- exclusive sections


def test_an_exclusive_section_is_one_connections_at_a_time(store, second_store):
    with store.exclusive("grouping") as held:
        assert held is True
        with store.exclusive("grouping") as again:  # reentrant on one store
            assert again is True
        with second_store.exclusive("grouping") as other:
            assert other is False
        started = time.monotonic()
        with second_store.exclusive("grouping", wait=0.3) as other:
            assert other is False
        assert time.monotonic() - started >= 0.3
        with second_store.exclusive("fetching") as other_name:
            assert other_name is True
    with second_store.exclusive("grouping") as other:
        assert other is True


def test_a_waiting_section_runs_when_the_holder_ends(store, second_store):
    entered = threading.Event()
    results: list[bool] = []

    def hold() -> None:
        with store.exclusive("grouping"):
            entered.set()
            time.sleep(0.3)

    thread = threading.Thread(target=hold)
    thread.start()
    assert entered.wait(10)
    with second_store.exclusive("grouping", wait=20) as held:
        results.append(held)
    thread.join()
    assert results == [True]


def test_a_section_is_given_back_when_its_block_fails(store, second_store):
    with pytest.raises(RuntimeError), store.exclusive("grouping"):
        raise RuntimeError("boom")
    with second_store.exclusive("grouping") as held:
        assert held is True


def test_a_section_of_a_program_that_died_is_free_again(store_url, store):
    """PostgreSQL frees a session lock when the connection ends; SQLite's section is a
    lease, which expires a minute after its holder stopped renewing it."""
    if store_url.startswith("sqlite"):
        stale = datetime.now(UTC) - timedelta(minutes=2)
        assert store.leases.acquire("exclusive:grouping", "dead:1:x", 60, now=stale)
    else:
        dying = open_store(store_url)
        section = dying.exclusive("grouping")
        assert section.__enter__() is True
        with store.exclusive("grouping") as held:
            assert held is False
        dying.close()  # the program dies inside its section
    with store.exclusive("grouping", wait=5) as held:
        assert held is True
