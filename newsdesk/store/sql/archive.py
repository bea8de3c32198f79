"""The archive: full texts beside the feed's version, earlier versions, retention and sizes
(tables of migration 0011).

Search finds an article by its extracted full text too. An index the backend writes by
hand (SQLite's FTS5 over the view `article_search`) must be told exactly what it holds, so
every write of a full text that changes what is searched takes the article out of the
index as it is (the dialect's unindex), writes, and indexes it again (reindex), in one
transaction.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from newsdesk.dates import from_iso, to_iso
from newsdesk.errors import NotFoundError
from newsdesk.models import ArticleQuery, ArticleVersion, FullText
from newsdesk.store.api import SourceUsage, StorageUsage
from newsdesk.store.sql.articles import join_for, trim_versions, where_clause
from newsdesk.store.sql.core import CHUNK, Conn, Core, Row, placeholders
from newsdesk.store.sql.dialect import Dialect
from newsdesk.store.sql.stories import settle_stories

log = logging.getLogger(__name__)

STATUSES = ("extracted", "kept_summary", "not_article", "failed")
_FULLTEXT_COLUMNS = ("article_id", "status", "html", "text", "reason", "url", "extractor",
                     "word_count", "fetched_at")
# One row per article: num and article_id name the same one (both are keys), so the
# conflict on num is the only one, and the row has no children to lose.
_SAVE_FULLTEXT = (f"INSERT INTO article_fulltext(num, {', '.join(_FULLTEXT_COLUMNS)}) "
                  f"VALUES (?, {', '.join('?' * len(_FULLTEXT_COLUMNS))}) "
                  "ON CONFLICT(num) DO UPDATE SET "
                  + ", ".join(f"{c} = excluded.{c}" for c in _FULLTEXT_COLUMNS))


def kept(article_id: str) -> str:
    """SQL true when the article (its id is the SQL expression `article_id`) is kept:
    starred; tagged, coded or noted; or in a story that has a story tag or note (on any
    member, its anchor) or that more than one outlet covers. Retention never removes such
    an article, and its assets are not aged out."""
    return (
        f"(EXISTS (SELECT 1 FROM statuses ks WHERE ks.article_id = {article_id} "
        "AND ks.is_starred = 1) "
        f"OR EXISTS (SELECT 1 FROM tag_assignments kt WHERE kt.article_id = {article_id}) "
        f"OR EXISTS (SELECT 1 FROM codes kc WHERE kc.article_id = {article_id}) "
        f"OR EXISTS (SELECT 1 FROM notes kn WHERE kn.article_id = {article_id}) "
        "OR EXISTS (SELECT 1 FROM story_articles ksa JOIN stories kst ON kst.id = ksa.story_id "
        f"WHERE ksa.article_id = {article_id} AND (kst.outlets >= 2 OR EXISTS ("
        "SELECT 1 FROM story_articles km WHERE km.story_id = ksa.story_id AND ("
        "EXISTS (SELECT 1 FROM tag_assignments kmt WHERE kmt.article_id = km.article_id "
        "AND kmt.target = 'story') OR EXISTS (SELECT 1 FROM notes kmn "
        "WHERE kmn.article_id = km.article_id AND kmn.target = 'story'))))))")


def _date(value: str | None) -> datetime:
    return from_iso(value) or datetime.min.replace(tzinfo=UTC)


def _chunks(values: Sequence[str]) -> Iterable[builtins.list[str]]:
    unique = builtins.list(dict.fromkeys(values))
    for start in range(0, len(unique), CHUNK):
        yield unique[start:start + CHUNK]


def _fulltext_row(fulltext: FullText) -> tuple[Any, ...]:
    """A record as stored (dates to the second), in _FULLTEXT_COLUMNS order."""
    return (fulltext.article_id, fulltext.status, fulltext.html, fulltext.text, fulltext.reason,
            fulltext.url, fulltext.extractor, int(fulltext.word_count),
            to_iso(fulltext.fetched_at))


def _row_to_fulltext(row: Row) -> FullText:
    return FullText(article_id=row["article_id"], status=row["status"],
                    fetched_at=_date(row["fetched_at"]), html=row["html"], text=row["text"],
                    reason=row["reason"], url=row["url"], extractor=row["extractor"],
                    word_count=int(row["word_count"]))


def _length(dialect: Dialect, *columns: str) -> str:
    """SQL for the bytes (UTF-8) the columns hold: LENGTH of text counts characters."""
    return " + ".join(f"COALESCE({dialect.byte_length(c)}, 0)" for c in columns)


def drop_comparisons(conn: Conn, article_ids: Sequence[str]) -> None:
    """The cached comparisons of these articles' stories are stale (they read full texts)."""
    for chunk in _chunks(article_ids):
        conn.execute("DELETE FROM story_comparisons WHERE story_id IN (SELECT story_id FROM "
                     f"story_articles WHERE article_id IN ({placeholders(chunk)}))", chunk)


class SqlArchive:
    """The archive facet (see newsdesk.store.api.ArchiveFacet)."""

    def __init__(self, core: Core) -> None:
        self._core = core
        dialect = core.dialect
        self._article_bytes = _length(dialect, "a.title", "a.summary_html", "a.content_html",
                                      "a.text")
        self._fulltext_bytes = _length(dialect, "f.html", "f.text", "f.reason", "f.url")
        self._version_bytes = _length(dialect, "v.title", "v.html", "v.text")

    # ------------------------------------------------------------ full texts

    def fulltext(self, article_id: str) -> FullText | None:
        rows = self._core.read("SELECT * FROM article_fulltext WHERE article_id = ?",
                               [article_id])
        return _row_to_fulltext(rows[0]) if rows else None

    def fulltexts(self, article_ids: Sequence[str]) -> dict[str, FullText]:
        found: dict[str, FullText] = {}
        for chunk in _chunks(article_ids):
            for row in self._core.read("SELECT * FROM article_fulltext "
                                       f"WHERE article_id IN ({placeholders(chunk)})", chunk):
                found[row["article_id"]] = _row_to_fulltext(row)
        return found

    def save_fulltext(self, fulltext: FullText) -> bool:
        """See ArchiveFacet.save_fulltext."""
        if fulltext.status not in STATUSES:
            raise ValueError(f"A full text's status is one of {', '.join(STATUSES)}, "
                             f"not {fulltext.status!r}.")
        new = _fulltext_row(fulltext)
        with self._core.write() as conn:
            article = conn.execute("SELECT num, title FROM articles WHERE id = ?",
                                   [fulltext.article_id]).fetchone()
            if article is None:
                raise NotFoundError(f"There is no article with id {fulltext.article_id}.")
            num = int(article["num"])
            old = conn.execute("SELECT * FROM article_fulltext WHERE num = ?", [num]).fetchone()
            if old is not None:
                if tuple(old[c] for c in _FULLTEXT_COLUMNS) == new:
                    return False
                if old["status"] == "extracted" and fulltext.status != "extracted":
                    return False  # a failed re-fetch never loses an extracted text
                if (old["status"] == "extracted" and fulltext.status == "extracted"
                        and old["text"] != fulltext.text):
                    conn.execute(
                        "INSERT INTO article_versions(article_id, origin, title, html, text, "
                        "seen, replaced) VALUES (?, 'page', ?, ?, ?, ?, ?)",
                        [fulltext.article_id, article["title"], old["html"], old["text"],
                         old["fetched_at"], to_iso(fulltext.fetched_at)])
                    trim_versions(conn, fulltext.article_id)
            searched_before = old["text"] if old is not None and old["status"] == "extracted" \
                else None
            reindex = searched_before != (fulltext.text if fulltext.status == "extracted" else None)
            if reindex:
                self._core.dialect.unindex(conn, [num])
            conn.execute(_SAVE_FULLTEXT, [num, *new])
            if reindex:
                self._core.dialect.reindex(conn, [num])
            drop_comparisons(conn, [fulltext.article_id])
        return True

    def remove_fulltexts(self, article_ids: Sequence[str]) -> int:
        removed = 0
        dialect = self._core.dialect
        with self._core.write() as conn:
            for chunk in _chunks(article_ids):
                rows = conn.execute("SELECT num, status FROM article_fulltext "
                                    f"WHERE article_id IN ({placeholders(chunk)})",
                                    chunk).fetchall()
                if not rows:
                    continue
                indexed = [int(r["num"]) for r in rows if r["status"] == "extracted"]
                if indexed:
                    dialect.unindex(conn, indexed)
                nums = [int(r["num"]) for r in rows]
                removed += conn.execute(
                    f"DELETE FROM article_fulltext WHERE num IN ({placeholders(nums)})",
                    nums).rowcount
                if indexed:
                    dialect.reindex(conn, indexed)
                drop_comparisons(conn, chunk)
        return removed

    def without_fulltext(self, query: ArticleQuery, *, retry: bool = False,
                         limit: int | None = None) -> builtins.list[str]:
        where, params, user_query = where_clause(self._core, query)
        stands = " AND f.status != 'failed'" if retry else ""
        where += (" AND " if where else " WHERE ") + (
            f"NOT EXISTS (SELECT 1 FROM article_fulltext f WHERE f.num = a.num{stands})")
        sql = (f"SELECT a.id FROM articles a {join_for(self._core.dialect, query)} statuses s "
               f"ON s.article_id = a.id{where} ORDER BY a.published DESC, a.num DESC")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [r[0] for r in self._core.read(sql, params, user_query=user_query)]

    # ------------------------------------------------------------ versions

    def versions(self, article_id: str) -> builtins.list[ArticleVersion]:
        rows = self._core.read("SELECT * FROM article_versions WHERE article_id = ? ORDER BY id",
                               [article_id])
        return [ArticleVersion(article_id=r["article_id"], number=n, origin=r["origin"],
                               title=r["title"], html=r["html"], text=r["text"],
                               seen=_date(r["seen"]), replaced=_date(r["replaced"]))
                for n, r in enumerate(rows, start=1)]

    def version_counts(self, article_ids: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(article_ids):
            found.update({r[0]: int(r[1]) for r in self._core.read(
                "SELECT article_id, COUNT(*) FROM article_versions "
                f"WHERE article_id IN ({placeholders(chunk)}) GROUP BY article_id", chunk)})
        return found

    # ------------------------------------------------------------ sizes

    def usage(self) -> StorageUsage:
        """See ArchiveFacet.usage: one GROUP BY per table, not a query per source."""
        read = self._core.read
        free = self._core.free_bytes()
        per: dict[int, dict[str, int]] = {}

        def add(rows: Iterable[Row], count: str, size: str) -> None:
            for r in rows:
                entry = per.setdefault(int(r[0]), {})
                entry[count] = int(r[1])
                entry[size] = int(r[2] or 0)

        add(read(f"SELECT a.source_id, COUNT(*), SUM({self._article_bytes}) FROM articles a "
                 "GROUP BY a.source_id"), "articles", "article_bytes")
        add(read("SELECT a.source_id, SUM(CASE WHEN f.status = 'extracted' THEN 1 ELSE 0 END), "
                 f"SUM({self._fulltext_bytes}) "
                 "FROM article_fulltext f "
                 "JOIN articles a ON a.num = f.num GROUP BY a.source_id"),
            "full_texts", "full_text_bytes")
        add(read(f"SELECT a.source_id, COUNT(*), SUM({self._version_bytes}) "
                 "FROM article_versions v "
                 "JOIN articles a ON a.id = v.article_id GROUP BY a.source_id"),
            "versions", "version_bytes")
        add(read("SELECT source_id, COUNT(*), SUM(size) FROM (SELECT DISTINCT a.source_id, "
                 "b.hash, b.size FROM article_assets aa JOIN articles a ON a.id = aa.article_id "
                 "JOIN asset_urls u ON u.url = aa.url JOIN asset_blobs b ON b.hash = u.hash) "
                 "AS used GROUP BY source_id"), "assets", "asset_bytes")
        name = "COALESCE(NULLIF(title, ''), url)"  # spelt out: an alias is no expression
        sources = read(f"SELECT id, {name} AS name FROM sources "  # in PostgreSQL's ORDER BY
                       f"ORDER BY {self._core.dialect.nocase(name)}, id")
        fields = ("articles", "article_bytes", "full_texts", "full_text_bytes", "versions",
                  "version_bytes", "assets", "asset_bytes")
        by_source = tuple(
            SourceUsage(int(s["id"]), s["name"],
                        **{f: per.get(int(s["id"]), {}).get(f, 0) for f in fields})
            for s in sources)
        blobs = read("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM asset_blobs")[0]
        return StorageUsage(
            file_bytes=self._core.file_bytes(), free_bytes=free,
            articles=int(read("SELECT COUNT(*) FROM articles")[0][0]),
            full_texts=int(read("SELECT COUNT(*) FROM article_fulltext "
                                "WHERE status = 'extracted'")[0][0]),
            versions=int(read("SELECT COUNT(*) FROM article_versions")[0][0]),
            assets=int(blobs[0]), asset_bytes=int(blobs[1]), sources=by_source)

    def article_bytes(self, article_ids: Sequence[str]) -> int:
        """See ArchiveFacet.article_bytes. The ids go in as one parameter (the dialect's
        id_list), so "assets no other article uses" is one query however many ids there
        are."""
        chosen, ids = self._core.dialect.id_list(builtins.list(dict.fromkeys(article_ids)))
        read = self._core.read
        total = int(read(f"SELECT COALESCE(SUM({self._article_bytes}), 0) FROM articles a "
                         f"WHERE a.id IN {chosen}", ids)[0][0])
        total += int(read(f"SELECT COALESCE(SUM({self._fulltext_bytes}), 0) "
                          f"FROM article_fulltext f WHERE f.article_id IN {chosen}", ids)[0][0])
        total += int(read(f"SELECT COALESCE(SUM({self._version_bytes}), 0) "
                          f"FROM article_versions v WHERE v.article_id IN {chosen}", ids)[0][0])
        total += int(read(
            "SELECT COALESCE(SUM(b.size), 0) FROM asset_blobs b WHERE b.hash IN ("
            "SELECT u.hash FROM article_assets aa JOIN asset_urls u ON u.url = aa.url "
            f"WHERE aa.article_id IN {chosen}) AND NOT EXISTS (SELECT 1 FROM asset_urls u2 "
            "JOIN article_assets o ON o.url = u2.url WHERE u2.hash = b.hash "
            f"AND o.article_id NOT IN {chosen})", [*ids, *ids])[0][0])
        return total

    # ------------------------------------------------------------ retention

    def prunable(self, *, read_before: datetime, limit: int | None = None) -> builtins.list[str]:
        sql = ("SELECT a.id FROM articles a JOIN statuses s ON s.article_id = a.id "
               f"WHERE s.is_read = 1 AND a.first_seen < ? AND NOT {kept('a.id')} "
               "ORDER BY a.first_seen, a.num")
        params: builtins.list[Any] = [to_iso(read_before)]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [r[0] for r in self._core.read(sql, params)]

    def fulltexts_before(self, fetched_before: datetime, *,
                         limit: int | None = None) -> builtins.list[str]:
        sql = (f"SELECT f.article_id FROM article_fulltext f WHERE f.fetched_at < ? "
               f"AND NOT {kept('f.article_id')} ORDER BY f.fetched_at, f.num")
        params: builtins.list[Any] = [to_iso(fetched_before)]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [r[0] for r in self._core.read(sql, params)]

    def remove_articles(self, article_ids: Sequence[str]) -> int:
        """See ArchiveFacet.remove_articles: the cascades and the delete trigger take what
        hangs on the articles; their stories are then settled as removing a source does."""
        removed = 0
        with self._core.write() as conn:
            stories: set[int] = set()
            for chunk in _chunks(article_ids):
                stories.update(int(r[0]) for r in conn.execute(
                    "SELECT story_id FROM story_articles "
                    f"WHERE article_id IN ({placeholders(chunk)})", chunk))
                removed += conn.execute(
                    f"DELETE FROM articles WHERE id IN ({placeholders(chunk)})", chunk).rowcount
            settle_stories(conn, sorted(stories))
        if removed:
            log.info("removed %d articles", removed)
        return removed

    def vacuum(self) -> int:
        """See ArchiveFacet.vacuum (the backend's own: its core's)."""
        return self._core.vacuum()
