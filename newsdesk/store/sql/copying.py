"""The SQL one end of `newsdesk copy` runs, the same on every backend: count a table, read
it in key order a page at a time (keyset: each page starts after the last key of the one
before, never OFFSET), insert a page so that rows already there are skipped (ON CONFLICT
DO NOTHING: a resumed copy writes each row once), and keep the copy's marker table.

What differs per backend (which tables there are and how they depend on each other, a
consistent snapshot to read from, what is derived and rebuilt at the end) is a small
subclass in each backend folder (`sqlite/copying.py`, `postgresql/copying.py`).
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from newsdesk.store.sql.core import Core

PAGE_BYTES = 8 << 20  # about this much text and bytes a page, at most (one row may be more)
MARKER = "newsdesk_copy"  # (name, value): source, started, finished, done:<table>


@dataclass(frozen=True)
class Table:
    """A table a copy moves: its columns (derived ones left out), its key (the order it
    is read in) and the tables its foreign keys point at (written before it)."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    parents: frozenset[str]


def ident(name: str) -> str:
    """A quoted identifier: columns such as "text", "key" and "position" are words of SQL."""
    return '"' + name.replace('"', '""') + '"'


class SqlCopyEnd(abc.ABC):
    """One database as a copy reads or writes it, over a store's core. Subclasses give
    `tables()`, `snapshot()`, `has_table()` and `finish()`."""

    def __init__(self, core: Core, where: str) -> None:
        self.core = core
        self.where = where

    # ---- backend hooks

    @abc.abstractmethod
    def tables(self) -> dict[str, Table]:
        """The tables to copy (not the derived ones, not the migrations' bookkeeping)."""

    @abc.abstractmethod
    def snapshot(self) -> contextlib.AbstractContextManager[None]:
        """Reads inside see one moment of the database (the source of a copy)."""

    @abc.abstractmethod
    def has_table(self, name: str) -> bool:
        """Whether the table exists here (the copy marker exists only once a copy began)."""

    @abc.abstractmethod
    def finish(self) -> None:
        """Rebuild what the destination derives from the copied rows."""

    # ---- shared

    def count(self, table: Table) -> int:
        return int(self.core.read(f"SELECT count(*) FROM {ident(table.name)}")[0][0])

    def count_upto(self, table: Table, key: Sequence[Any]) -> int:
        """Rows up to and with this key (how far a resumed copy had come)."""
        keys = ", ".join(ident(k) for k in table.key)
        return int(self.core.read(f"SELECT count(*) FROM {ident(table.name)} WHERE ({keys}) "
                                  f"<= ({', '.join('?' * len(key))})", list(key))[0][0])

    def pages(self, table: Table, size: int, budget: int = PAGE_BYTES,
              after: Sequence[Any] | None = None,
              ) -> Iterator[tuple[list[tuple[Any, ...]], bool]]:
        """(rows, last) pages in key order, columns in `table.columns` order. A page has
        at most `size` rows, fewer where rows are big (full texts, images): a page over
        `budget` bytes halves the next one, a small one doubles it again, so memory and
        a destination transaction stay a few megabytes whatever a row holds. With `after`
        (a key), the rows after it."""
        columns = ", ".join(ident(c) for c in table.columns)
        keys = ", ".join(ident(k) for k in table.key)
        at = [table.columns.index(k) for k in table.key]
        first = f"SELECT {columns} FROM {ident(table.name)} ORDER BY {keys} LIMIT ?"
        later = (f"SELECT {columns} FROM {ident(table.name)} WHERE ({keys}) > "
                 f"({', '.join('?' * len(table.key))}) ORDER BY {keys} LIMIT ?")
        last: list[Any] | None = list(after) if after is not None else None
        rows_now = size
        while True:
            rows = (self.core.read(first, [rows_now]) if last is None
                    else self.core.read(later, [*last, rows_now]))
            page: list[tuple[Any, ...]] = [tuple(r) for r in rows]  # type: ignore[arg-type]
            if not page:
                return
            yield page, len(page) < rows_now
            if len(page) < rows_now:
                return
            last = [page[-1][i] for i in at]
            weight = sum(len(v) for row in page for v in row if isinstance(v, (str, bytes)))
            if weight > budget:
                rows_now = max(rows_now // 2, 1)
            elif weight < budget // 4:
                rows_now = min(rows_now * 2, size)

    def insert(self, table: Table, rows: Sequence[Sequence[Any]], done: bool = False,
               at: str | None = None) -> None:
        """Write a page in one transaction, skipping rows whose key is there already; with
        `done`, the table is recorded as copied in the same transaction, with `at` the
        page's last key (so a resumed copy reads on after it)."""
        columns = ", ".join(ident(c) for c in table.columns)
        sql = (f"INSERT INTO {ident(table.name)} ({columns}) VALUES "
               f"({', '.join('?' * len(table.columns))}) ON CONFLICT DO NOTHING")
        with self.core.write() as conn:
            if rows:
                conn.executemany(sql, rows)
            if done:
                self._mark(conn, f"done:{table.name}", "yes")
            elif at is not None:
                self._mark(conn, f"at:{table.name}", at)

    def marker(self) -> dict[str, str] | None:
        """What an earlier copy into this database recorded, or None if none began."""
        if not self.has_table(MARKER):
            return None
        return {r[0]: r[1] for r in self.core.read(f"SELECT name, value FROM {MARKER}")}

    def begin(self, tables: Sequence[Table], source: str, started: str) -> bool:
        """Empty the tables (a new database's seeded rows: default topics, codebooks,
        counters; the copy brings the source's) and record which copy this is, in one
        transaction; unless a copy that began since the caller looked recorded itself
        first (two copies started at once: the second must not empty what the first
        wrote)."""
        with self.core.write() as conn:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} "
                         "(name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            if conn.execute(f"SELECT 1 FROM {MARKER} WHERE name = 'source'").fetchone():
                return False  # another copy began meanwhile: the caller reads its marker
            for table in reversed(tables):
                conn.execute(f"DELETE FROM {ident(table.name)}")
            self._mark(conn, "source", source)
            self._mark(conn, "started", started)
        return True

    def mark(self, name: str, value: str) -> None:
        with self.core.write() as conn:
            self._mark(conn, name, value)

    @staticmethod
    def _mark(conn: Any, name: str, value: str) -> None:
        conn.execute(f"INSERT INTO {MARKER} (name, value) VALUES (?, ?) "
                     "ON CONFLICT (name) DO UPDATE SET value = excluded.value", [name, value])
