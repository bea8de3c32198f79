"""The points where one backend's SQL must differ from another's, each a one-liner.

Everything else the shared facets write is the same text on every backend. Full-text
search is the biggest point: the index, how a query matches and ranks, and whether the
index must be written by hand. The rest steer or spell: case-insensitive comparison,
byte lengths, planner hints SQLite needs and PostgreSQL has no use for, a list of ids as
one parameter, and whether to probe a set's size before choosing a plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from newsdesk.store.query import Query

if TYPE_CHECKING:
    from newsdesk.store.sql.core import Conn

# (num, title, feed text) of a new article, as upsert hands it to index_new
IndexRow = tuple[int, str, str]


class Dialect(Protocol):
    """One backend's spellings (newsdesk.store.sqlite.dialect is SQLite's)."""

    @property
    def plan_plus(self) -> str:
        """Written before a column to keep the planner off its index ("+" in SQLite, where
        a page of a big set is found sooner by walking the date index; "" elsewhere)."""
        ...

    @property
    def cross_join(self) -> str:
        """A join whose left table the planner must keep outer ("CROSS JOIN" in SQLite;
        "JOIN" where a planner has statistics and CROSS JOIN ... ON is no syntax)."""
        ...

    @property
    def plan_probes(self) -> bool:
        """Whether to count a set (up to a few thousand) before choosing how to page it."""
        ...

    def nocase(self, expr: str) -> str:
        """`expr` compared and sorted without regard to (ASCII) case: on both sides of a
        comparison (`{nocase('name')} = {nocase('?')}`: one backend folds each operand)
        and in ORDER BY (`ORDER BY {nocase('name')}`)."""
        ...

    def byte_length(self, expr: str) -> str:
        """The bytes (UTF-8) of the text `expr`, NULL for NULL."""
        ...

    def id_list(self, ids: Sequence[str]) -> tuple[str, list[Any]]:
        """A set of ids as one parameter, written after IN / NOT IN, however many there
        are; and its parameters."""
        ...

    # ---------------------------------------------------------------- full-text search

    def match(self, query: Query) -> tuple[str, list[Any]]:
        """A condition on `articles a`: the article matches `query`; and its parameters."""
        ...

    def matching(self, query: Query) -> tuple[str, list[Any]]:
        """A SELECT of one row per matching article (for counting: no order, no limit)."""
        ...

    def ranked(self, query: Query) -> tuple[str, str, list[Any]]:
        """For `SELECT a.* FROM {source} ORDER BY {rank}, a.published DESC LIMIT ?`: the
        source (FROM ... WHERE, giving `a`, articles, matching `query`), the ORDER BY key
        that puts the best first (with its direction: "bm25(...)", "ts_rank(...) DESC"),
        and the parameters of both, in that order."""
        ...

    def index_new(self, conn: Conn, rows: Sequence[IndexRow]) -> None:
        """Index articles just inserted (in the same transaction); a backend whose index
        follows the table by itself does nothing."""
        ...

    def unindex(self, conn: Conn, nums: Sequence[int]) -> None:
        """Before these articles' searchable text (title, text, extracted full text)
        changes: take them out of the index, as they are now."""
        ...

    def reindex(self, conn: Conn, nums: Sequence[int]) -> None:
        """After the change: index them again, as they are now."""
        ...
