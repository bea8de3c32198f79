"""SQLite's end of `newsdesk copy`: its tables from sqlite_master (the FTS5 index and its
shadow tables, the unread counts its triggers keep and sqlite-utils' bookkeeping left
out), a read snapshot (one read transaction: WAL lets the file's writers go on), and the
search index rebuilt from the copied articles at the end (rows are inserted with no index
writes: the index is external-content, over the view article_search)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from newsdesk.store.sql.copying import MARKER, SqlCopyEnd, Table
from newsdesk.store.sqlite.core import SqliteCore

BOOKKEEPING = "_sqlite_migrations"
DERIVED = frozenset({"source_counts"})  # kept by the triggers on sources and statuses


class SqliteCopyEnd(SqlCopyEnd):
    core: SqliteCore

    def tables(self) -> dict[str, Table]:
        rows = self.core.read("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                              "AND name NOT LIKE 'sqlite_%' ORDER BY name")
        virtual = [r[0] for r in rows if (r[1] or "").upper().startswith("CREATE VIRTUAL")]
        found: dict[str, Table] = {}
        for name, _sql in rows:
            if (name in DERIVED or name in (BOOKKEEPING, MARKER) or name in virtual
                    or any(name.startswith(v + "_") for v in virtual)):
                continue
            info = self.core.read("SELECT name, pk, hidden FROM pragma_table_xinfo(?) "
                                  "ORDER BY cid", [name])
            columns = tuple(r[0] for r in info if not r[2])
            key = tuple(r[0] for r in sorted((r for r in info if r[1]), key=lambda r: r[1]))
            parents = frozenset(r[0] for r in self.core.read(
                "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", [name]))
            found[name] = Table(name, columns, key, parents - {name})
        return found

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        with self.core.lock:
            conn = self.core.conn
            conn.execute("BEGIN")
            try:
                yield
            finally:
                with contextlib.suppress(Exception):
                    conn.execute("ROLLBACK")

    def has_table(self, name: str) -> bool:
        return bool(self.core.read("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                   "AND name = ?", [name]))

    def finish(self) -> None:
        """The search index, rebuilt from article_search (the articles and full texts)."""
        with self.core.write() as conn:
            conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
