"""PostgreSQL's end of `newsdesk copy`: its tables from the catalog (the unread counts its
triggers keep, the migrations' bookkeeping and every tsvector column left out: the search
vectors are computed by the insert triggers from the copied text), a REPEATABLE READ
snapshot to read from, and at the end the identity sequences moved past the copied ids
and the planner's statistics gathered for the new rows."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg

from newsdesk.store.postgresql.core import Core, explain
from newsdesk.store.postgresql.migrations import MIGRATIONS_TABLE, advance_identities
from newsdesk.store.sql.copying import MARKER, SqlCopyEnd, Table, ident

DERIVED = frozenset({"source_counts"})  # kept by the triggers on sources and statuses

_TABLES = ("SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname")
_COLUMNS = ("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attgenerated "
            "FROM pg_attribute a WHERE a.attrelid = ?::oid AND a.attnum > 0 "
            "AND NOT a.attisdropped ORDER BY a.attnum")
_KEY = ("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = ?::oid AND i.indisprimary "
        "ORDER BY array_position(i.indkey::int2[], a.attnum)")
_PARENTS = ("SELECT DISTINCT p.relname FROM pg_constraint f JOIN pg_class p ON p.oid = f.confrelid "
            "WHERE f.conrelid = ?::oid AND f.contype = 'f'")

_IDENTITIES = ("SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
               "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
               "AND c.relkind IN ('r', 'p') AND a.attidentity IN ('a', 'd') AND NOT a.attisdropped")


class PostgresCopyEnd(SqlCopyEnd):
    core: Core

    def tables(self) -> dict[str, Table]:
        found: dict[str, Table] = {}
        for oid, name in self.core.read(_TABLES):
            if name in DERIVED or name in (MIGRATIONS_TABLE, MARKER):
                continue
            columns = tuple(r[0] for r in self.core.read(_COLUMNS, [oid])
                            if r[1] != "tsvector" and not r[2])
            key = tuple(r[0] for r in self.core.read(_KEY, [oid]))
            parents = frozenset(r[0] for r in self.core.read(_PARENTS, [oid]))
            found[name] = Table(name, columns, key, parents - {name})
        return found

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        core = self.core
        with core.lock:
            try:
                with core.raw.transaction():
                    core.raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    yield
            except psycopg.Error as exc:
                raise explain(exc, core.path) from exc

    def has_table(self, name: str) -> bool:
        return bool(self.core.read(
            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relname = ?", [name]))

    def finish(self) -> None:
        """Identities past the copied ids (the next source, article, fetch, version or
        correction must not take one), then fresh statistics for the planner."""
        core = self.core
        with core.write() as conn:
            advance_identities(core.raw)
            # and any identity a later migration adds, found in the catalog
            for table, column in core.read(_IDENTITIES):
                conn.execute(f"SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT "
                             f"max({ident(column)}) FROM {ident(table)}), 0) + 1, false)",
                             [ident(table), column])
        with core.lock:
            try:
                core.raw.execute("ANALYZE")
            except psycopg.Error as exc:
                raise explain(exc, core.path) from exc
