"""What the shared facets need from a backend: a connection to write through, reads, and
its dialect. The types are Protocols, so sqlite3's own objects (and a thin wrapper of
another driver's) satisfy them as they are."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from newsdesk.store.sql.dialect import Dialect

CHUNK = 500  # ids per IN (...) list: well under any backend's parameter limit


def placeholders(values: Sequence[object]) -> str:
    """"?, ?, ?" for an IN list of `values`."""
    return ", ".join("?" * len(values))


class Row(Protocol):
    """A result row, read by column name (`r["id"]`) or position (`r[0]`)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    """What a statement run inside a write gives back."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Conn(Protocol):
    """The connection a write hands out: statements with `?` markers, one at a time or one
    statement for many rows."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


class Core(Protocol):
    """One backend's connection as the facets of one store share it."""

    @property
    def dialect(self) -> Dialect: ...

    def write(self) -> contextlib.AbstractContextManager[Conn]:
        """One writer at a time, one transaction per call (calls inside nest); errors
        become StoreError sentences and roll back what the call wrote."""
        ...

    def read(self, sql: str, params: Sequence[Any] = (), *,
             user_query: bool = False) -> Sequence[Row]:
        """Run a read; with user_query, an error the environment did not cause is the
        search query's (QueryError)."""
        ...

    def check_query(self, query: str) -> None:
        """Raise QueryError unless the full-text index can run `query`."""
        ...

    def file_bytes(self) -> int:
        """What the database takes on disk (ArchiveFacet.usage)."""
        ...

    def free_bytes(self) -> int:
        """Of that, space the database holds but no row uses (ArchiveFacet.usage)."""
        ...

    def vacuum(self) -> int:
        """ArchiveFacet.vacuum: compact, and say how many bytes were given back."""
        ...
