"""SQLite's spellings of the dialect points (newsdesk.store.sql.dialect.Dialect)."""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from typing import Any

from newsdesk.store.query import Query
from newsdesk.store.sql.core import Conn
from newsdesk.store.sql.dialect import IndexRow
from newsdesk.store.sqlite import fts


class SqliteDialect:
    """SQLite 3.40: FTS5 by hand, NOCASE, planner hints, and size probes before paging."""

    plan_plus = "+"  # a unary plus keeps SQLite's planner off a column's index
    cross_join = "CROSS JOIN"  # SQLite keeps the left table outer
    plan_probes = True  # SQLite has no statistics that tell a big set from a small one

    def nocase(self, expr: str) -> str:
        return f"{expr} COLLATE NOCASE"

    def byte_length(self, expr: str) -> str:
        return f"LENGTH(CAST({expr} AS BLOB))"  # octet_length() only from SQLite 3.43

    def id_list(self, ids: Sequence[str]) -> tuple[str, list[Any]]:
        """One JSON array (json_each): one statement whatever the number of ids."""
        return "(SELECT value FROM json_each(?))", [json.dumps(builtins.list(ids))]

    def match(self, query: Query) -> tuple[str, list[Any]]:
        return fts.match(query)

    def matching(self, query: Query) -> tuple[str, list[Any]]:
        return fts.matching(query)

    def ranked(self, query: Query) -> tuple[str, str, list[Any]]:
        return fts.ranked(query)

    def index_new(self, conn: Conn, rows: Sequence[IndexRow]) -> None:
        fts.index_new(conn, rows)

    def unindex(self, conn: Conn, nums: Sequence[int]) -> None:
        fts.unindex(conn, nums)

    def reindex(self, conn: Conn, nums: Sequence[int]) -> None:
        fts.reindex(conn, nums)
