"""PostgreSQL's spellings of the dialect points (newsdesk.store.sql.dialect.Dialect).

The search index follows the table by itself (triggers keep `articles.search`, migration
0001 and 0011), so the index hooks do nothing; the planner has statistics, so there are
no hints and no size probes. Markers are `?`: the core translates them.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from newsdesk.store.postgresql import fts
from newsdesk.store.query import Query
from newsdesk.store.sql.core import Conn
from newsdesk.store.sql.dialect import IndexRow


class PostgresDialect:
    """PostgreSQL 15: tsvector + GIN kept by triggers, lower() for case, arrays of ids."""

    plan_plus = ""
    cross_join = "JOIN"  # CROSS JOIN ... ON is no syntax here, and the planner needs no help
    plan_probes = False

    def nocase(self, expr: str) -> str:
        """lower() on both sides of a comparison the shared SQL writes with nocase() on
        both, and in ORDER BY (citext columns compare without case already)."""
        return f"lower({expr})"

    def byte_length(self, expr: str) -> str:
        return f"octet_length({expr})"

    def id_list(self, ids: Sequence[str]) -> tuple[str, list[Any]]:
        """One array parameter: one statement (and one prepared plan) whatever the count."""
        return "(SELECT unnest(CAST(? AS text[])))", [builtins.list(ids)]

    def match(self, query: Query) -> tuple[str, list[Any]]:
        sql, params = fts.match(query, column="a.search", marker="?")
        return sql, builtins.list(params)

    def matching(self, query: Query) -> tuple[str, list[Any]]:
        sql, params = fts.match(query, column="search", marker="?")
        return f"SELECT num FROM articles WHERE {sql}", builtins.list(params)

    def ranked(self, query: Query) -> tuple[str, str, list[Any]]:
        """ts_rank, title 5 to text 1, best first; a tie is broken by the caller's date."""
        where, where_params = fts.match(query, column="a.search", marker="?")
        rank, rank_params = fts.rank(query, column="a.search", marker="?")
        return f"articles a WHERE {where}", f"{rank} DESC", [*where_params, *rank_params]

    def index_new(self, conn: Conn, rows: Sequence[IndexRow]) -> None:
        """Nothing: the insert trigger made the vector."""

    def unindex(self, conn: Conn, nums: Sequence[int]) -> None:
        """Nothing: the triggers on articles and article_fulltext follow every change."""

    def reindex(self, conn: Conn, nums: Sequence[int]) -> None:
        """Nothing (see unindex)."""
