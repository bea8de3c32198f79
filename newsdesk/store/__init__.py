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

SCHEMES = ("sqlite",)


def open_store(where: str | Path, *, create: bool = True) -> Store:
    """Open (and migrate) the store at `where`: `sqlite:///relative/path`,
    `sqlite:////absolute/path`, `sqlite:///:memory:` or a plain file path.

    Without `create`, a missing database is refused instead of created. Raises StoreError
    with a sentence for an unknown scheme and for every failure to open.
    """
    text = str(where)
    scheme, sep, rest = text.partition("://")
    if not sep:
        path = text
    elif scheme.lower() == "sqlite" and rest.startswith("/") and len(rest) > 1:
        path = rest[1:]
    elif scheme.lower() == "sqlite":
        raise StoreError(f"{text} names no database file; write sqlite:///path/to/file.db.")
    else:
        raise StoreError(f"NewsDesk cannot open a store at {text}: it knows "
                         f"{', '.join(s + ':///path' for s in SCHEMES)} and plain file paths.")
    from newsdesk.store.sqlite import SqliteStore  # the backend loads only when chosen

    return SqliteStore.open(path, create=create)
