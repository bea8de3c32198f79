"""Reading state: read, starred, bulk reads and unread counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from newsdesk.dates import from_iso, to_iso
from newsdesk.errors import NotFoundError
from newsdesk.models import ArticleQuery
from newsdesk.store.api import ArticleStatus
from newsdesk.store.sql.articles import join_for, where_clause
from newsdesk.store.sql.core import Core


class SqlReading:
    """The reading-state facet (see newsdesk.store.api.ReadingFacet)."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def set_read(self, article_ids: Sequence[str], read: bool = True) -> None:
        now = to_iso(datetime.now(UTC)) if read else None
        with self._core.write() as conn:
            conn.executemany(
                "UPDATE statuses SET is_read = ?, read_at = ?, read_batch = NULL "
                "WHERE article_id = ?", [(int(read), now, i) for i in article_ids])

    def set_starred(self, article_id: str, starred: bool = True) -> None:
        with self._core.write() as conn:
            conn.execute("UPDATE statuses SET is_starred = ?, starred_at = ? WHERE article_id = ?",
                         [int(starred), to_iso(datetime.now(UTC)) if starred else None,
                          article_id])

    def status(self, article_id: str) -> ArticleStatus:
        rows = self._core.read("SELECT * FROM statuses WHERE article_id = ?", [article_id])
        if not rows:
            raise NotFoundError(f"There is no article with id {article_id}.")
        row = rows[0]
        return ArticleStatus(article_id=row["article_id"], is_read=bool(row["is_read"]),
                             is_starred=bool(row["is_starred"]), read_at=from_iso(row["read_at"]),
                             starred_at=from_iso(row["starred_at"]))

    def unread_count(self, source_id: int | None = None) -> int:
        if source_id is None:
            return int(self._core.read("SELECT COALESCE(SUM(unread), 0) FROM source_counts")[0][0])
        rows = self._core.read("SELECT unread FROM source_counts WHERE source_id = ?", [source_id])
        return int(rows[0][0]) if rows else 0

    def unread_by_source(self) -> dict[int, int]:
        """See ReadingFacet.unread_by_source; kept current by triggers (migration 0004)."""
        rows = self._core.read("SELECT source_id, unread FROM source_counts WHERE unread > 0")
        return {int(r[0]): int(r[1]) for r in rows}

    def mark_read_where(self, query: ArticleQuery) -> tuple[int, int]:
        where, params, _ = where_clause(self._core, query)
        where += (" AND " if where else " WHERE ") + "s.is_read = 0"
        with self._core.write() as conn:  # the batch number is taken under the write lock
            batch = int(conn.execute(
                "SELECT COALESCE(MAX(read_batch), 0) + 1 FROM statuses").fetchone()[0])
            cursor = conn.execute(
                "UPDATE statuses SET is_read = 1, read_at = ?, read_batch = ? "
                f"WHERE article_id IN (SELECT a.id FROM articles a {join_for(self._core.dialect, query)} "
                "statuses s "
                f"ON s.article_id = a.id{where})",
                [to_iso(datetime.now(UTC)), batch, *params])
        return batch, cursor.rowcount

    def undo_batch(self, batch: int) -> int:
        with self._core.write() as conn:
            cursor = conn.execute(
                "UPDATE statuses SET is_read = 0, read_at = NULL, read_batch = NULL "
                "WHERE read_batch = ?", [batch])
        return cursor.rowcount
