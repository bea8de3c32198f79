"""The connection every PostgreSQL facet shares: one lock, one writer, sentences for errors.

The facets' SQL is written once for both stores, with `?` markers and SQLite's row
interface (`row["col"]` and `row[0]`); this core translates the markers to psycopg's `%s`
(doubling a literal `%`), gives rows both ways of reading, and keeps the SQLite store's
promise that writes never interleave: every outermost write first takes a transaction
advisory lock, so MAX + 1 ids and check-then-insert stay correct with many programs (a
team's server and its editors' windows) writing to one database. Writes nest as
savepoints; reads outside a write each run in their own transaction (autocommit).
"""

from __future__ import annotations

import contextlib
import re
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors

from newsdesk.errors import QueryError, QueryInterrupted, StoreError
from newsdesk.store.postgresql import fts
from newsdesk.store.postgresql.dialect import PostgresDialect
from newsdesk.store.query import parse_query

WRITE_LOCK = 0x4E57_5752  # "NWWR": the advisory lock every write takes first
LOCK_WAIT = 10  # seconds a write waits for another program's, as SQLite's busy timeout
# Store.exclusive's session locks: the two-key form (a space of its own beside the one-key
# WRITE_LOCK and migrations' lock), this class and a name's CRC-32
SECTION_CLASS = 0x4E44  # "ND"
# Where pruning and eviction free space in bulk (vacuum rewrites these)
ARCHIVE_TABLES = ("asset_blobs", "asset_urls", "article_assets", "article_fulltext",
                  "article_versions")

_LITERAL_OR_MARK = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%")


@lru_cache(maxsize=2048)
def to_pyformat(sql: str) -> str:
    """`?` markers as `%s` and a literal `%` as `%%`, leaving quoted literals and names
    alone except for the `%` psycopg would read as a marker (one translation per text)."""
    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        return token.replace("%", "%%")
    return _LITERAL_OR_MARK.sub(swap, sql)


class Row(tuple[Any, ...]):
    """A row read by index or by column name, as sqlite3.Row is (subclassed per column
    list, so a row costs a tuple)."""

    _index: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self._index[key])
            except KeyError:
                raise IndexError(f"No item with that key: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@lru_cache(maxsize=512)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"_index": {n: i for i, n in enumerate(names)}})


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    names = tuple(d.name for d in cursor.description or ())
    make = _row_class(names)
    return lambda values: make(values)


def section_key(name: str) -> tuple[int, int]:
    """The two int4 keys of an exclusive section's advisory lock."""
    crc = zlib.crc32(name.encode("utf-8"))
    return SECTION_CLASS, crc - (1 << 32) if crc >= 1 << 31 else crc


_SECRET_KEYS = frozenset({"password", "sslpassword"})


def display(url: str) -> str:
    """The URL without its passwords (in the user part or the query), for sentences and
    logs. Raises StoreError for a port that is not a number."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise StoreError("The PostgreSQL URL's port is not a number; write "
                         "postgresql://user@host:5432/database.") from None
    query = "&".join(pair for pair in parts.query.split("&")
                     if pair and pair.partition("=")[0].lower() not in _SECRET_KEYS)
    netloc = parts.netloc
    if parts.password is not None:
        host = parts.hostname or ""
        if port:
            host = f"{host}:{port}"
        netloc = (f"{parts.username}@" if parts.username else "") + host
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def explain(exc: psycopg.Error, where: str) -> StoreError:
    """A psycopg error as a sentence that says whose fault it is and what to do (by
    SQLSTATE). A failed write has been rolled back by the time this is read."""
    state = getattr(exc, "sqlstate", None) or ""
    if isinstance(exc, pg_errors.QueryCanceled):
        return QueryInterrupted("The query was stopped: its answer is no longer wanted.")
    if state == "53100":
        return StoreError(f"The disk of the PostgreSQL server at {where} is full; this change "
                          "was not saved, and everything saved before it is kept.")
    if state in ("53200", "53300"):
        return StoreError(f"The PostgreSQL server at {where} is out of memory or connections; "
                          "nothing was changed. Try again later.")
    if state == "23505" and "sources_url" in str(exc):
        return StoreError("Another source already has that address; nothing was changed.")
    if state in ("40001", "40P01", "55P03"):
        return StoreError(f"The database at {where} is busy with another program's change; "
                          "nothing was changed. Try again.")
    if state == "25006":
        return StoreError(f"The database at {where} is read-only; nothing was saved.")
    if state == "3D000":
        return StoreError(f"There is no database at {where}; nothing was created. Check "
                          "the name, or create it with createdb.")
    if state.startswith("28"):
        return StoreError(f"The PostgreSQL server at {where} refused the login: check the "
                          "user name and password in the URL.")
    if state.startswith("54"):
        return StoreError(f"The PostgreSQL server at {where} refused a value over its limits "
                          f"({_first_line(exc)}); this change was not saved, and everything "
                          "saved before it is kept.")
    if state.startswith("08") or (not state and isinstance(exc, psycopg.OperationalError)):
        return StoreError(f"Cannot reach the PostgreSQL server at {where}: {_first_line(exc)} "
                          "Is it running, and is the address right?")
    return StoreError(f"Database error in {where}: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") + "." if text else exc.__class__.__name__ + "."


class Cursor:
    """What a facet reads back from a statement: rows, one row, how many rows changed."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


class Connection:
    """The connection as the shared facets use it (sqlite3.Connection's small subset)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        cursor = self.raw.cursor()
        values = tuple(params)
        if values:
            cursor.execute(to_pyformat(sql), values)
        else:  # no parameters: psycopg sends the text as it is, so no % is doubled
            cursor.execute(sql.encode())
        return Cursor(cursor)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Cursor:
        cursor = self.raw.cursor()
        cursor.executemany(to_pyformat(sql), [tuple(r) for r in rows])
        return Cursor(cursor)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE


class Core:
    """One connection and its lock, shared by the facets of one PostgreSQL store."""

    dialect = PostgresDialect()

    def __init__(self, conn: psycopg.Connection[Any], where: str) -> None:
        conn.row_factory = _row_factory
        self.raw = conn
        self.conn = Connection(conn)
        self.path = where  # named `path` as the SQLite core's: the facets' sentences use it
        self.lock = threading.RLock()
        self.depth = 0  # transaction blocks open (the outermost takes the write lock)
        self.lock_wait = float(LOCK_WAIT)  # seconds (tests shorten it)
        self.interrupted = False

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One writer at a time across every program on the database: the outermost block
        takes the advisory write lock (released at commit or rollback); inner blocks are
        savepoints. A failure rolls back and leaves the connection usable."""
        with self.lock:
            self._check_interrupted()
            try:
                with self.raw.transaction():
                    self.depth += 1
                    try:
                        if self.depth == 1:
                            self._take_write_lock()
                        yield self.conn
                    finally:
                        self.depth -= 1
            except psycopg.Error as exc:
                raise explain(exc, self.path) from exc

    def _take_write_lock(self) -> None:
        """READ COMMITTED whatever the server's default, so the write's first read (after
        the lock) sees what the writer before it committed; a lock another program holds
        for longer than `lock_wait` is a "busy" sentence, not an endless wait."""
        self.raw.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        self.raw.execute(f"SET LOCAL lock_timeout = '{int(self.lock_wait * 1000)}ms'")
        self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))

    def read(self, sql: str, params: Sequence[Any] = (), *,
             user_query: bool = False) -> list[Any]:
        """Run a read; with user_query, an error the environment did not cause is the query's."""
        with self.lock:
            self._check_interrupted()
            try:
                if self.depth:  # inside a write: its savepoint keeps a failed read from
                    with self.raw.transaction():  # aborting the whole transaction
                        return self.conn.execute(sql, params).fetchall()
                return self.conn.execute(sql, params).fetchall()
            except (pg_errors.SyntaxError, pg_errors.DataException) as exc:
                if user_query:
                    raise QueryError(f"The search query is not valid ({_first_line(exc)}) Use "
                                     'words, "exact phrases", AND, OR, NOT and prefix*.') from exc
                raise explain(exc, self.path) from exc
            except psycopg.Error as exc:
                raise explain(exc, self.path) from exc

    def check_query(self, query: str) -> None:
        """Raise QueryError unless `query` parses (user text reaches the server only as
        parameters, so a parsed query always compiles; the server is asked anyway)."""
        sql, params = fts.tsquery(parse_query(query), marker="?")
        self.read(f"SELECT {sql} IS NOT NULL", params, user_query=True)

    def file_bytes(self) -> int:
        """The whole database on the server's disk."""
        return int(self.read("SELECT pg_database_size(current_database())")[0][0])

    def free_bytes(self) -> int:
        """Space dead rows hold (what pruning and eviction left) until a vacuum: estimated
        from each table's and its TOAST table's share of dead tuples, after this
        connection's pending statistics are flushed (exact figures need pgstattuple, and
        rights a store's role may not have)."""
        self.read("SELECT pg_stat_force_next_flush()")  # flushed as the connection idles
        row = self.read(
            "SELECT COALESCE(SUM(pg_relation_size(s.relid) * s.n_dead_tup::float8 "
            "/ NULLIF(s.n_live_tup + s.n_dead_tup, 0)), 0) FROM pg_stat_all_tables s "
            "WHERE s.relid IN (SELECT c.oid FROM pg_class c WHERE c.relkind = 'r' "
            "AND c.relnamespace = current_schema()::regnamespace UNION SELECT c.reltoastrelid "
            "FROM pg_class c WHERE c.relkind = 'r' AND c.reltoastrelid <> 0 "
            "AND c.relnamespace = current_schema()::regnamespace)")[0]
        return int(row[0])

    def vacuum(self) -> int:
        """See ArchiveFacet.vacuum. The archive's tables (full texts, versions, images:
        what pruning and eviction free in bulk) are rewritten (VACUUM FULL: each is locked
        while it is rewritten, so a team runs it when few read), the rest vacuumed in
        place (their space becomes reusable; files rarely shrink)."""
        with self.lock:
            if self.depth:
                raise StoreError("The database cannot be compacted inside a transaction; "
                                 "nothing was changed.")
            before = self.file_bytes()
            try:
                self.raw.execute(f"VACUUM FULL {', '.join(ARCHIVE_TABLES)}")
                self.raw.execute("VACUUM (ANALYZE)")
            except psycopg.Error as exc:
                raise explain(exc, self.path) from exc
            return max(before - self.file_bytes(), 0)

    def try_section(self, name: str) -> bool:
        """Take the session advisory lock of Store.exclusive's `name` if it is free; held
        until `give_section` or until the connection ends (a program that dies gives it
        back at once). Never waits."""
        with self.lock:
            self._check_interrupted()
            try:
                row = self.raw.execute("SELECT pg_try_advisory_lock(%s, %s)",
                                       section_key(name)).fetchone()
            except psycopg.Error as exc:
                raise explain(exc, self.path) from exc
            return bool(row and row[0])

    def give_section(self, name: str) -> None:
        """Let go of the session advisory lock `try_section` took."""
        with self.lock:
            try:
                self.raw.execute("SELECT pg_advisory_unlock(%s, %s)", section_key(name))
            except psycopg.Error as exc:
                raise explain(exc, self.path) from exc

    def interrupt(self) -> None:
        """Stop the running read (from any thread) and every later one."""
        self.interrupted = True
        with contextlib.suppress(psycopg.Error):
            self.raw.cancel_safe(timeout=5.0)

    def _check_interrupted(self) -> None:
        if self.interrupted:
            raise QueryInterrupted("The query was stopped: its answer is no longer wanted.")
