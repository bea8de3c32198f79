"""Caches: fetched assets (content-addressed: migration 0011), framing
comparisons, remote-image permissions."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from newsdesk.dates import to_iso
from newsdesk.models import Article
from newsdesk.store.sql.archive import kept
from newsdesk.store.sql.core import CHUNK, Core, placeholders

# Blobs a stored article uses (article_assets rows go with their article), and those a
# kept article uses: never aged out, the last to go by the caps.
_USED = "SELECT u.hash FROM article_assets aa JOIN asset_urls u ON u.url = aa.url"
_KEPT = f"{_USED} WHERE {kept('aa.article_id')}"


class SqlCaches:
    """The caches facet (see newsdesk.store.api.CachesFacet)."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def cached_asset(self, url: str) -> tuple[str, bytes] | None:
        rows = self._core.read("SELECT b.content_type, b.data FROM asset_urls u "
                               "JOIN asset_blobs b ON b.hash = u.hash WHERE u.url = ?", [url])
        return (rows[0][0], bytes(rows[0][1])) if rows else None

    def cached_assets(self, urls: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        found: dict[str, tuple[str, bytes]] = {}
        wanted = list(dict.fromkeys(urls))
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            for row in self._core.read(
                    "SELECT u.url, b.content_type, b.data FROM asset_urls u JOIN asset_blobs b "
                    f"ON b.hash = u.hash WHERE u.url IN ({placeholders(chunk)})", chunk):
                found[row[0]] = (row[1], bytes(row[2]))
        return found

    def save_asset(self, url: str, content_type: str, data: bytes, *,
                   article_id: str | None = None) -> None:
        """See CachesFacet.save_asset. A URL that now gives other bytes points at their
        blob; the blob it pointed at goes when no URL points at it any more."""
        digest = hashlib.sha256(data).hexdigest()
        with self._core.write() as conn:
            before = conn.execute("SELECT hash FROM asset_urls WHERE url = ?", [url]).fetchone()
            conn.execute(
                "INSERT INTO asset_blobs(hash, content_type, size, data, fetched_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(hash) DO UPDATE SET "
                "content_type = excluded.content_type, fetched_at = excluded.fetched_at",
                [digest, content_type, len(data), data, to_iso(datetime.now(UTC))])
            conn.execute("INSERT INTO asset_urls(url, hash) VALUES (?, ?) "
                         "ON CONFLICT(url) DO UPDATE SET hash = excluded.hash", [url, digest])
            if before is not None and before[0] != digest:
                conn.execute("DELETE FROM asset_blobs WHERE hash = ? AND NOT EXISTS "
                             "(SELECT 1 FROM asset_urls WHERE hash = ?)", [before[0], before[0]])
            if article_id is not None:
                conn.execute(
                    "INSERT INTO article_assets(article_id, url, position) "
                    "SELECT a.id, ?, (SELECT COALESCE(MAX(position) + 1, 0) FROM article_assets "
                    "WHERE article_id = a.id) FROM articles a WHERE a.id = ? "
                    "ON CONFLICT DO NOTHING", [url, article_id])

    def article_assets(self, article_id: str) -> list[str]:
        rows = self._core.read(
            "SELECT aa.url FROM article_assets aa JOIN asset_urls u ON u.url = aa.url "
            "WHERE aa.article_id = ? ORDER BY aa.position, aa.url", [article_id])
        return [r[0] for r in rows]

    def asset_usage(self) -> tuple[int, int]:
        row = self._core.read("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM asset_blobs")[0]
        return int(row[0]), int(row[1])

    def evict_assets(self, *, older_than: datetime | None = None, max_count: int | None = None,
                     max_bytes: int | None = None) -> int:
        """See CachesFacet.evict_assets. By the caps, blobs are ranked: those no stored
        article uses go first, then those of articles that are not kept, then kept ones,
        oldest first within each rank."""
        deleted = 0
        with self._core.write() as conn:
            if older_than is not None:
                deleted += conn.execute(
                    f"DELETE FROM asset_blobs WHERE fetched_at < ? AND NOT EXISTS ({_KEPT} "
                    "AND u.hash = asset_blobs.hash)",
                    [to_iso(older_than)]).rowcount
            if max_count is not None or max_bytes is not None:
                deleted += conn.execute(
                    "DELETE FROM asset_blobs WHERE hash IN (SELECT hash FROM ("
                    "  SELECT hash, ROW_NUMBER() OVER last AS n, SUM(size) OVER last AS total"
                    f"  FROM (SELECT hash, size, fetched_at, CASE WHEN hash IN ({_KEPT}) THEN 2 "
                    f"ELSE 0 END + CASE WHEN hash IN ({_USED}) THEN 1 ELSE 0 END AS rank "
                    "FROM asset_blobs) AS ranked"
                    "  WINDOW last AS (ORDER BY rank DESC, fetched_at DESC, hash DESC)) AS totals"
                    " WHERE n > ? OR total > ?)",
                    [max_count if max_count is not None else 2**62,
                     max_bytes if max_bytes is not None else 2**62]).rowcount
        return deleted

    def drop_unused_assets(self) -> int:
        with self._core.write() as conn:
            return conn.execute(f"DELETE FROM asset_blobs WHERE NOT EXISTS ({_USED} "
                                "WHERE u.hash = asset_blobs.hash)").rowcount

    def cached_comparison(self, story_id: int) -> tuple[str, str] | None:
        rows = self._core.read("SELECT signature, data FROM story_comparisons WHERE story_id = ?",
                               [story_id])
        return (rows[0][0], rows[0][1]) if rows else None

    def save_comparison(self, story_id: int, signature: str, data: str) -> None:
        with self._core.write() as conn:
            conn.execute("INSERT INTO story_comparisons(story_id, signature, data) "
                         "SELECT id, ?, ? FROM stories WHERE id = ? ON CONFLICT(story_id) "
                         "DO UPDATE SET signature = excluded.signature, data = excluded.data",
                         [signature, data, story_id])

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
        if kind not in ("article", "source"):  # the table's CHECK, said before writing
            raise ValueError(f"Remote images are allowed for an article or a source, not {kind!r}.")
        with self._core.write() as conn:
            if allowed:
                conn.execute("INSERT INTO image_permissions(kind, key) VALUES (?, ?) "
                             "ON CONFLICT DO NOTHING", [kind, str(key)])
            else:
                conn.execute("DELETE FROM image_permissions WHERE kind = ? AND key = ?",
                             [kind, str(key)])

    def remote_images_allowed(self, article: Article) -> tuple[bool, bool]:
        rows = self._core.read(
            "SELECT kind FROM image_permissions WHERE (kind = 'article' AND key = ?) "
            "OR (kind = 'source' AND key = ?)", [article.id, str(article.source_id)])
        kinds = {r[0] for r in rows}
        return "article" in kinds, "source" in kinds
