from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from newsdesk.store import Store, open_store
from tests.feedserver import FeedServer
from tests.pgserver import PgServer, unavailable_reason

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server per test process (each xdist worker starts its own: ~1 s, and
    nothing is shared between workers to lock). Skipped, with the reason, where PostgreSQL
    or psycopg is missing; a server that is installed but fails to start is an error."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    server = PgServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test."""
    url = pg_server.new_database()
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def pg_store(pg_server: PgServer) -> Iterator[str]:
    """The URL of a PostgreSQL database migrated already (a copy of the server's template
    of a new store: no migrations to wait for), dropped after the test."""
    def migrate(url: str) -> None:
        open_store(url).close()

    url = pg_server.new_database(pg_server.template("store", migrate))
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture(autouse=True)
def _isolated_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the user's real database."""
    monkeypatch.setenv("NEWSDESK_DB", str(tmp_path / "default.db"))


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / "feeds" / name).read_bytes()
