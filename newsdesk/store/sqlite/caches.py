"""Caches in SQLite: fetched assets, framing comparisons, remote-image permissions."""

from __future__ import annotations

from datetime import UTC, datetime

from newsdesk.dates import to_iso
from newsdesk.models import Article
from newsdesk.store.sqlite.core import Core


class SqliteCaches:
    """The caches facet (see newsdesk.store.api.CachesFacet)."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def cached_asset(self, url: str) -> tuple[str, bytes] | None:
        rows = self._core.read("SELECT content_type, data FROM assets WHERE url = ?", [url])
        return (rows[0][0], bytes(rows[0][1])) if rows else None

    def save_asset(self, url: str, content_type: str, data: bytes) -> None:
        with self._core.write() as conn:
            conn.execute("INSERT OR REPLACE INTO assets(url, content_type, data, fetched_at) "
                         "VALUES (?, ?, ?, ?)", [url, content_type, data, to_iso(datetime.now(UTC))])

    def asset_usage(self) -> tuple[int, int]:
        row = self._core.read("SELECT COUNT(*), COALESCE(SUM(LENGTH(data)), 0) FROM assets")[0]
        return int(row[0]), int(row[1])

    def evict_assets(self, *, older_than: datetime | None = None, max_count: int | None = None,
                     max_bytes: int | None = None) -> int:
        deleted = 0
        with self._core.write() as conn:
            if older_than is not None:
                deleted += conn.execute("DELETE FROM assets WHERE fetched_at < ?",
                                        [to_iso(older_than)]).rowcount
            if max_count is not None or max_bytes is not None:
                deleted += conn.execute(
                    "DELETE FROM assets WHERE url IN (SELECT url FROM ("
                    "  SELECT url, ROW_NUMBER() OVER newest AS n,"
                    "         SUM(LENGTH(data)) OVER newest AS total FROM assets"
                    "  WINDOW newest AS (ORDER BY fetched_at DESC, url DESC))"
                    " WHERE n > ? OR total > ?)",
                    [max_count if max_count is not None else 2**62,
                     max_bytes if max_bytes is not None else 2**62]).rowcount
        return deleted

    def cached_comparison(self, story_id: int) -> tuple[str, str] | None:
        rows = self._core.read("SELECT signature, data FROM story_comparisons WHERE story_id = ?",
                               [story_id])
        return (rows[0][0], rows[0][1]) if rows else None

    def save_comparison(self, story_id: int, signature: str, data: str) -> None:
        with self._core.write() as conn:
            conn.execute("INSERT OR REPLACE INTO story_comparisons(story_id, signature, data) "
                         "SELECT id, ?, ? FROM stories WHERE id = ?", [signature, data, story_id])

    def clear_comparisons(self) -> int:
        with self._core.write() as conn:
            return conn.execute("DELETE FROM story_comparisons").rowcount

    def stories_without_comparison(self, *, min_outlets: int = 2, limit: int = 50) -> list[int]:
        rows = self._core.read(
            "SELECT id FROM stories WHERE outlets >= ? AND id NOT IN "
            "(SELECT story_id FROM story_comparisons) ORDER BY last_seen DESC, id DESC LIMIT ?",
            [min_outlets, limit])
        return [int(r[0]) for r in rows]

    def allow_remote_images(self, kind: str, key: str | int, allowed: bool = True) -> None:
        with self._core.write() as conn:
            if allowed:
                conn.execute("INSERT OR IGNORE INTO image_permissions(kind, key) VALUES (?, ?)",
                             [kind, str(key)])
            else:
                conn.execute("DELETE FROM image_permissions WHERE kind = ? AND key = ?",
                             [kind, str(key)])

    def remote_images_allowed(self, article: Article) -> tuple[bool, bool]:
        rows = self._core.read(
            "SELECT kind FROM image_permissions WHERE (kind = 'article' AND key = ?) "
            "OR (kind = 'source' AND key = ?)", [article.id, str(article.source_id)])
        kinds = {r[0] for r in rows}
        return "article" in kinds, "source" in kinds
