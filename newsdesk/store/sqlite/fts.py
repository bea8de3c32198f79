"""SQLite's full-text search: one FTS5 index over the view `article_search` (migration
0011), written by hand. An external-content index must be told exactly what it holds, so
a change of what is searched deletes the entry with the view's current value first and
inserts the new value after, in one transaction (see archive.save_fulltext)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from newsdesk.store.query import Query, to_fts5
from newsdesk.store.sql.core import Conn, placeholders
from newsdesk.store.sql.dialect import IndexRow

MATCHING = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"


def match(query: Query) -> tuple[str, list[Any]]:
    """See Dialect.match: the article's num among the index's matches."""
    return f"a.num IN ({MATCHING})", [to_fts5(query)]


def matching(query: Query) -> tuple[str, list[Any]]:
    return MATCHING, [to_fts5(query)]


def ranked(query: Query) -> tuple[str, str, list[Any]]:
    """bm25 with the title weighing five times the text."""
    return ("articles_fts f JOIN articles a ON a.num = f.rowid WHERE articles_fts MATCH ?",
            "bm25(articles_fts, 5.0, 1.0)", [to_fts5(query)])


def index_new(conn: Conn, rows: Sequence[IndexRow]) -> None:
    """Upsert indexes new rows itself, in its transaction (migration 0003)."""
    conn.executemany("INSERT INTO articles_fts(rowid, title, text) VALUES (?, ?, ?)", rows)


def unindex(conn: Conn, nums: Sequence[int]) -> None:
    conn.execute("INSERT INTO articles_fts(articles_fts, rowid, title, text) "
                 "SELECT 'delete', num, title, text FROM article_search "
                 f"WHERE num IN ({placeholders(nums)})", builtins.list(nums))


def reindex(conn: Conn, nums: Sequence[int]) -> None:
    conn.execute("INSERT INTO articles_fts(rowid, title, text) "
                 "SELECT num, title, text FROM article_search "
                 f"WHERE num IN ({placeholders(nums)})", builtins.list(nums))
