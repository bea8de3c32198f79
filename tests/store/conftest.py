"""Every contract test runs once per backend: a new backend joins by adding a param here
(and a way to make a fresh, empty database for it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsdesk.store import Store, open_store

BACKENDS = ["sqlite", "postgresql"]


def _migrate(url: str) -> None:
    open_store(url).close()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh database of one backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'contract.db'}"
    if request.param == "postgresql":  # a copy of a database migrated once per server
        server = request.getfixturevalue("pg_server")
        url: str = server.new_database(server.template("store", _migrate))
        request.addfinalizer(lambda: server.drop_database(url))
        return url
    raise AssertionError(f"no fresh database for backend {request.param}")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture
def second_store(store: Store) -> Iterator[Store]:
    """Another connection to the same database: another program writing beside us."""
    with store.reopen() as other:
        yield other


