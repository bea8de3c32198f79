"""The connection every facet of a SQLite store shares (newsdesk.store.sql.core.Core): one
lock, one writer, sentences for errors, and what only SQLite's file can say (its size, its
free pages, VACUUM).

Writes go through `write()` under the lock, each call one IMMEDIATE transaction (calls
inside nest as savepoints); reads go through `read()`. WAL, so readers on other
connections never block the writer.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from newsdesk.errors import QueryError, QueryInterrupted, StoreError
from newsdesk.store.query import parse_query, to_fts5
from newsdesk.store.sqlite.dialect import SqliteDialect
from newsdesk.store.sqlite.transactions import immediate

_FULL, _IOERR, _BUSY, _LOCKED, _READONLY, _CORRUPT, _CANTOPEN, _NOTADB = 13, 10, 5, 6, 8, 11, 14, 26
_INTERRUPT = 9


def explain(exc: sqlite3.Error, path: str) -> StoreError:
    """Turn a sqlite error into a sentence that says whose fault it is and what to do.

    A failed write has been rolled back by the time this is read (see Core.write), so
    the sentences about writing say that what was saved before is kept.
    """
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(exc).lower()
    if code == _INTERRUPT or text == "interrupted":
        return QueryInterrupted("The query was stopped: its answer is no longer wanted.")
    if code == _FULL or "disk is full" in text:
        return StoreError(f"The disk holding {path} is full (or the database reached its size "
                          "limit); this change was not saved, and everything saved before it "
                          "is kept. Free some space and try again.")
    if code == _IOERR or "disk i/o error" in text:
        return StoreError(f"Reading or writing {path} failed (an input/output error: the disk "
                          "may be full, removed or failing); this change was not saved, and "
                          "everything saved before it is kept.")
    if code in (_BUSY, _LOCKED) or "locked" in text or "busy" in text:
        return StoreError(f"The database {path} is busy in another program; try again.")
    if code == _READONLY or "readonly" in text or "read-only" in text:
        return StoreError(f"The database {path} is read-only; nothing was saved.")
    if code in (_NOTADB, _CORRUPT) or "not a database" in text or "malformed" in text:
        return StoreError(f"{path} is not a NewsDesk database (not an SQLite file, or a damaged "
                          "one); nothing in it was changed.")
    if "unique constraint failed: sources.url" in text:
        return StoreError("Another source already has that address; nothing was changed.")
    if code == _CANTOPEN or "unable to open" in text:
        return StoreError(f"Cannot open the database at {path}.")
    return StoreError(f"Database error in {path}: {exc}")


class SqliteCore:
    """One connection and its lock, shared by the facets of one SqliteStore."""

    dialect = SqliteDialect()

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.path = path
        self.conn = conn
        self.conn.row_factory = sqlite3.Row
        self.lock = threading.RLock()
        self.depth = 0  # savepoints open inside the current write transaction
        self.interrupted = False  # set by interrupt(), read by the progress handler

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One writer at a time, one transaction per call; sqlite errors become StoreError.

        The transaction begins IMMEDIATE: it takes the write lock first (waiting up to the
        busy timeout for another program's writer) and only then reads. A deferred one reads
        a snapshot first, and when another connection commits before its first write, SQLite
        cannot upgrade it and fails at once ("busy") whatever the timeout. Calls inside a
        transaction nest as savepoints. A failure rolls everything back and leaves the
        connection usable.
        """
        with self.lock:
            try:
                with self._atomic():
                    yield self.conn
            except sqlite3.Error as exc:
                raise explain(exc, self.path) from exc

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[None]:
        conn = self.conn
        if conn.in_transaction:
            self.depth += 1
            name = f"newsdesk_{self.depth}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if conn.in_transaction:  # an error may already have ended the transaction
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute(f"ROLLBACK TO {name}")
                        conn.execute(f"RELEASE {name}")
                raise
            else:
                conn.execute(f"RELEASE {name}")
            finally:
                self.depth -= 1
            return
        with immediate(conn):
            yield

    def read(self, sql: str, params: Sequence[Any] = (), *,
             user_query: bool = False) -> list[sqlite3.Row]:
        """Run a read; with user_query, an error the environment did not cause is the query's."""
        with self.lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                explained = explain(exc, self.path)
                if user_query and str(explained).startswith("Database error"):
                    raise QueryError(f"The search query is not valid ({exc}). Use words, "
                                     '"exact phrases", AND, OR, NOT and prefix*.') from exc
                raise explained from exc
            except sqlite3.Error as exc:
                raise explain(exc, self.path) from exc

    def check_query(self, query: str) -> None:
        """Raise QueryError unless the index can run `query` (it stops at the first match,
        so a common word costs no more than a rare one)."""
        self.read("SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT 1",
                  [to_fts5(parse_query(query))], user_query=True)

    def file_bytes(self) -> int:
        """The database file and its write-ahead log."""
        if self.path == ":memory:":
            return 0
        total = 0
        for name in (self.path, self.path + "-wal"):
            with contextlib.suppress(OSError):  # no -wal file: nothing to add
                total += os.path.getsize(os.path.expanduser(name))
        return total

    def free_bytes(self) -> int:
        """The file's free pages."""
        page_size = int(self.read("PRAGMA page_size")[0][0])
        return int(self.read("PRAGMA freelist_count")[0][0]) * page_size

    def vacuum(self) -> int:
        """See ArchiveFacet.vacuum. VACUUM cannot run inside a transaction; in WAL mode the
        file only shrinks at the checkpoint after it."""
        with self.lock:
            if self.conn.in_transaction:
                raise StoreError("The database cannot be compacted inside a transaction; "
                                 "nothing was changed.")
            before = self.file_bytes()
            try:
                self.conn.execute("VACUUM")
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                raise explain(exc, self.path) from exc
            return max(before - self.file_bytes(), 0)
