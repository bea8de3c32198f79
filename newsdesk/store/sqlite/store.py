"""The SQLite store: one connection shared by the facets (newsdesk.store.sql, over a
SqliteCore and its dialect), opened and migrated here."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from newsdesk.errors import StoreError
from newsdesk.store.sql.leases import LeaseSections
from newsdesk.store.sql.store import SqlStore
from newsdesk.store.sqlite.copying import SqliteCopyEnd
from newsdesk.store.sqlite.core import SqliteCore, explain
from newsdesk.store.sqlite.migrations import (
    FTS_TOKENIZE,
    applied_count,
    apply_migrations,
    check_database,
)

MEMORY = ":memory:"


def sqlite_url(path: str) -> str:
    """The URL of a database file: `sqlite:///relative` or `sqlite:////absolute`."""
    return f"sqlite:///{path}"


class SqliteStore(SqlStore):
    """A NewsDesk database in one SQLite file (see newsdesk.store.api.Store)."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self._core = SqliteCore(conn, path)
        super().__init__(self._core)
        self._sections = LeaseSections(self.leases)

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True,
             migrate: bool = True) -> SqliteStore:
        """Open and migrate; raise StoreError with a sentence on failure.

        With `create` (commands that write), a missing file becomes a new database. Without
        it (commands that only read), a missing or empty file is refused rather than a new
        empty database being left behind a mistyped path. A newer NewsDesk's database,
        another program's SQLite file and a file that is not SQLite are refused either way,
        before anything in them is changed. Without `migrate` (the source of a copy, which
        is only read) a database behind this version is opened as it is, and without
        `create` too, read-only: SQLite itself refuses any write.
        """
        where = str(path)
        memory = where == MEMORY
        missing = StoreError(f"There is no NewsDesk database at {where}; nothing was created. "
                             "Check the path (adding sources or loading the sample starts one).")
        try:
            if memory:
                conn = sqlite3.connect(where, check_same_thread=False, timeout=10.0)
            elif create:
                Path(where).expanduser().parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(where, check_same_thread=False, timeout=10.0)
            else:
                if not Path(where).is_file():
                    raise missing
                # never creates the file; without migrate (a copy's source) never writes it
                uri = Path(where).resolve().as_uri() + ("?mode=rw" if migrate else "?mode=ro")
                conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=10.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"Cannot open the database at {where}: {exc}") from exc
        store = cls(conn, where)
        db = Database(conn, execute_plugins=False)
        try:
            conn.execute("PRAGMA busy_timeout=10000")
            # Whose file is it? Asked before any PRAGMA that writes (journal_mode=WAL).
            state = check_database(db, where)
            if state == "empty" and not create and not memory:
                raise missing
            if create or migrate or memory:  # read-only: the file keeps its journal mode
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            # The log shrinks back after a checkpoint: a big write (a first refresh, making a
            # view offline) otherwise leaves a write-ahead log of its size on disk for good
            # (measured: 1.3 GB beside a 2.2 GB database after 60,000 full texts).
            conn.execute("PRAGMA journal_size_limit=67108864")
            if migrate or state == "empty":
                store._schema_version = apply_migrations(db, where, state=state)
            else:
                store._schema_version = applied_count(db)
        except StoreError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise explain(exc, where) from exc
        return store

    @property
    def url(self) -> str:
        return sqlite_url(self._core.path)

    def copy_end(self) -> SqliteCopyEnd:
        """This database as `newsdesk copy` reads or writes it (newsdesk.store.copying)."""
        return SqliteCopyEnd(self._core, self.url)

    def reopen(self) -> SqliteStore:
        if self._core.path == MEMORY:
            raise StoreError("An in-memory database cannot be opened a second time.")
        return SqliteStore.open(self._core.path)

    def close(self) -> None:
        with self._core.lock:
            self._core.conn.close()

    def exclusive(self, name: str, *, wait: float = 0.0) -> contextlib.AbstractContextManager[bool]:
        """See Store.exclusive: SQLite has no lock that outlives a transaction and dies
        with its program, so a section is a lease, renewed while it runs (LeaseSections)."""
        return self._sections.exclusive(name, wait)

    def interruptible(self) -> None:
        """See Store.interruptible. A progress handler checks the flag every thousand
        SQLite steps, so a long query started after interrupt() stops too
        (sqlite3_interrupt alone misses those)."""
        core = self._core
        core.interrupted = False
        core.conn.set_progress_handler(lambda: int(core.interrupted), 1000)

    def interrupt(self) -> None:
        self._core.interrupted = True
        with contextlib.suppress(sqlite3.ProgrammingError):  # already closed: nothing runs
            self._core.conn.interrupt()

    @property
    def interrupted(self) -> bool:
        return self._core.interrupted

    def integrity_problems(self) -> list[str]:
        """See Store.integrity_problems: PRAGMA integrity_check and the FTS index check."""
        problems = [r[0] for r in self._core.read("PRAGMA integrity_check") if r[0] != "ok"]
        try:
            self._core.read("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        except StoreError as exc:
            problems.append(str(exc))
            return problems
        return problems + self._index_problems()

    def _index_problems(self) -> list[str]:
        """Whether the search index holds exactly what its content, the article_search view,
        says. FTS5's own check before SQLite 3.44 reads only the index's structure, so a
        write that deletes other words than it inserted would go unseen: the view is
        indexed afresh into a temporary index and the two are compared: per word and column,
        how many articles hold it and how often (integrity_problems takes 15 s at 100,000
        articles, most of it this: for tests and diagnostics)."""
        core = self._core
        temp = ("newsdesk_check_fts", "newsdesk_check_have", "newsdesk_check_want")
        with core.lock:
            try:
                core.conn.execute(f"CREATE VIRTUAL TABLE temp.{temp[0]} USING fts5(title, text, "
                                  f"tokenize='{FTS_TOKENIZE}')")
                core.conn.execute(f"INSERT INTO temp.{temp[0]}(rowid, title, text) "
                                  "SELECT num, title, text FROM article_search")
                core.conn.execute(f"CREATE VIRTUAL TABLE temp.{temp[1]} "
                                  "USING fts5vocab(main, articles_fts, col)")
                core.conn.execute(f"CREATE VIRTUAL TABLE temp.{temp[2]} "
                                  f"USING fts5vocab(temp, {temp[0]}, col)")
                have, want, differ = core.conn.execute(
                    f"SELECT (SELECT COUNT(*) FROM temp.{temp[1]}), "
                    f"(SELECT COUNT(*) FROM temp.{temp[2]}), (SELECT COUNT(*) FROM ("
                    f"SELECT term, col, doc, cnt FROM temp.{temp[1]} EXCEPT "
                    f"SELECT term, col, doc, cnt FROM temp.{temp[2]}))").fetchone()
            except sqlite3.Error as exc:
                return [str(explain(exc, core.path))]
            finally:
                for name in reversed(temp):
                    with contextlib.suppress(sqlite3.Error):
                        core.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
        if have == want and not differ:
            return []
        return [f"The search index does not match the articles: it has {have} "
                f"entries of words where {want} are stored ({differ} differ). Rebuild it."]

    def raw_sql(self, sql: str, params: Sequence[Any] = (), *,
                user_query: bool = False) -> list[tuple[Any, ...]]:
        """Run one statement on this store's own connection and return its rows (a write
        outside a transaction() is committed). For diagnostics and the SQLite backend's
        own tests (a slow query to interrupt, a size limit): not part of the contract.
        With `user_query`, errors are reported as a search's would be."""
        core = self._core
        with core.lock:
            inside = core.conn.in_transaction
            rows = [tuple(r) for r in core.read(sql, params, user_query=user_query)]
            if core.conn.in_transaction and not inside:  # a statement that wrote: keep it
                core.conn.commit()
        return rows
