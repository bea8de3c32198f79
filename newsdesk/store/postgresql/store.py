"""The PostgreSQL store: a team's shared database, the same facets as SQLite's
(newsdesk.store.sql) over a PostgreSQL core and its dialect, opened and migrated here."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import psycopg

from newsdesk.errors import StoreError
from newsdesk.store.postgresql.copying import PostgresCopyEnd
from newsdesk.store.postgresql.core import Core, display, explain
from newsdesk.store.postgresql.migrations import apply_migrations, check_database, schema_version
from newsdesk.store.sql.leases import Exclusive
from newsdesk.store.sql.store import SqlStore

CONNECT_TIMEOUT = 10  # seconds: a dead server is a sentence, not a hang


class PostgresStore(SqlStore):
    """A NewsDesk database on a PostgreSQL server (see newsdesk.store.api.Store)."""

    def __init__(self, conn: psycopg.Connection[Any], url: str) -> None:
        self._url = url
        self._core = Core(conn, display(url))
        super().__init__(self._core)
        self._exclusive = Exclusive(self._core.try_section, self._core.give_section)

    @classmethod
    def open(cls, url: str, *, create: bool = True, migrate: bool = True) -> PostgresStore:
        """Connect and migrate; raise StoreError with a sentence on failure.

        The database itself must exist (a server's administrator creates it: createdb).
        With `create`, an empty one becomes a NewsDesk store; without it (commands that
        only read) an empty one is refused, as a missing SQLite file is. Another program's
        database and a newer NewsDesk's are refused before anything in them is changed.
        Without `migrate` (the source of a copy, only read) one behind is opened as it is.
        """
        where = display(url)
        try:
            conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                                   application_name="newsdesk")
        except psycopg.ProgrammingError as exc:  # libpq could not read the URL: its text
            raise StoreError(f"{where} is not a PostgreSQL URL NewsDesk can use (write "  # may
                             "postgresql://user:password@host:5432/database).") from exc  # echo it
        except psycopg.Error as exc:
            raise explain(exc, where) from exc
        store = cls(conn, url)
        try:
            state = check_database(store._core.raw, where)
            if state == "empty" and not create:
                raise StoreError(f"There is no NewsDesk database at {where}; nothing was "
                                 "created. Check the URL (adding sources or loading the "
                                 "sample starts one).")
            if migrate or state == "empty":
                store._schema_version = apply_migrations(store._core.raw, where)
            else:
                store._schema_version = schema_version(store._core.raw)
        except StoreError:
            conn.close()
            raise
        except psycopg.Error as exc:
            conn.close()
            raise explain(exc, where) from exc
        return store

    @property
    def url(self) -> str:
        return self._url

    def copy_end(self) -> PostgresCopyEnd:
        """This database as `newsdesk copy` reads or writes it (newsdesk.store.copying)."""
        return PostgresCopyEnd(self._core, display(self._url))

    def reopen(self) -> PostgresStore:
        return PostgresStore.open(self._url)

    def close(self) -> None:
        with self._core.lock:
            self._core.raw.close()

    def exclusive(self, name: str, *, wait: float = 0.0) -> contextlib.AbstractContextManager[bool]:
        """See Store.exclusive: a session advisory lock (pg_try_advisory_lock), tried every
        tenth of a second while waiting; the server frees it when the connection ends."""
        return self._exclusive(name, wait)

    def interruptible(self) -> None:
        """See Store.interruptible: a later interrupt() cancels on the server."""
        self._core.interrupted = False

    def interrupt(self) -> None:
        self._core.interrupt()

    @property
    def interrupted(self) -> bool:
        return self._core.interrupted

    def integrity_problems(self) -> list[str]:
        """See Store.integrity_problems: every article's search vector is what its text
        and full text give now (the triggers' work), and the counts the triggers keep
        agree with the statuses."""
        problems: list[str] = []
        stale = self._core.read(
            "SELECT count(*) FROM articles a JOIN article_search v ON v.num = a.num "
            "WHERE a.search IS DISTINCT FROM newsdesk_search_vector(v.title, v.text)")[0][0]
        if stale:
            problems.append(f"The search index does not match {stale} articles. Rebuild it.")
        counts = self._core.read(
            "SELECT count(*) FROM sources s LEFT JOIN source_counts c ON c.source_id = s.id "
            "WHERE COALESCE(c.unread, 0) <> (SELECT count(*) FROM statuses st "
            "WHERE st.source_id = s.id AND st.is_read = 0)")[0][0]
        if counts:
            problems.append(f"The unread counts of {counts} sources do not match their "
                            "articles.")
        return problems

    def raw_sql(self, sql: str, params: Sequence[Any] = (), *,
                user_query: bool = False) -> list[tuple[Any, ...]]:
        """One statement on this store's own connection (diagnostics and tests; not part
        of the contract)."""
        with self._core.lock:
            if self._core.depth:
                return [tuple(r) for r in self._core.conn.execute(sql, params).fetchall()]
            with self._core.write() as conn:
                return [tuple(r) for r in conn.execute(sql, params).fetchall()]
