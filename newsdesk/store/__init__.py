"""Storage. `newsdesk.store.api` is the whole public contract; backends implement it.

Open a store with `open_store(url)`: `sqlite:///path` (or a plain path) is the embedded
SQLite store. Callers import `Store` (the Protocol) and `open_store` from here; nothing
outside `newsdesk.store` names a backend. Stored dates are written by `newsdesk.dates`.
"""

from __future__ import annotations

from pathlib import Path

from newsdesk.errors import StoreError
from newsdesk.store.api import Store

__all__ = ["Store", "open_store"]


def open_store(where: str | Path, *, create: bool = True, migrate: bool = True) -> Store:
    """Open (and migrate) the store at `where`: `sqlite:///relative/path`,
    `sqlite:////absolute/path`, `sqlite:///:memory:`, a plain file path, or a team's
    PostgreSQL database, `postgresql://user[:password]@host[:port]/database`.

    Without `create`, a missing database is refused instead of created; without
    `migrate`, a database an older NewsDesk wrote is opened as it is (for reading only:
    the source of `newsdesk copy`, compared by schema_version). Raises StoreError
    with a sentence for an unknown scheme and for every failure to open.
    """
    text = str(where)
    scheme, sep, rest = text.partition("://")
    if sep and scheme.lower() in ("postgresql", "postgres"):
        from newsdesk.store.postgresql.store import PostgresStore  # loads psycopg only now

        return PostgresStore.open(text, create=create, migrate=migrate)
    if not sep:
        path = text
    elif scheme.lower() == "sqlite" and rest.startswith("/") and len(rest) > 1:
        path = rest[1:]
    elif scheme.lower() == "sqlite":
        raise StoreError(f"{text} names no database file; write sqlite:///path/to/file.db.")
    else:
        raise StoreError(f"NewsDesk cannot open a store at {text}: it knows "
                         "sqlite:///path, postgresql://user@host:port/database and plain "
                         "file paths.")
    from newsdesk.store.sqlite import SqliteStore  # the backend loads only when chosen

    return SqliteStore.open(path, create=create, migrate=migrate)
