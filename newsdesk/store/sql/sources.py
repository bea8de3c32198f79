"""Sources: subscriptions, their fetch state and their fetch log."""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Any

from newsdesk.dates import from_iso, to_iso
from newsdesk.errors import NotFoundError
from newsdesk.models import Source
from newsdesk.store.api import FULL_TEXT_MODES, FetchLogEntry, SourceChanges
from newsdesk.store.sql.core import Core, Row
from newsdesk.store.sql.stories import settle_stories

_FIELDS = frozenset(SourceChanges.__annotations__)


def _row_to_source(row: Row) -> Source:
    return Source(
        id=row["id"], url=row["url"], title=row["title"], site_url=row["site_url"],
        folder=row["folder"], kind=row["kind"], etag=row["etag"],
        last_modified=row["last_modified"], body_hash=row["body_hash"],
        next_fetch_at=from_iso(row["next_fetch_at"]),
        last_fetched_at=from_iso(row["last_fetched_at"]),
        last_success_at=from_iso(row["last_success_at"]),
        error_count=row["error_count"], last_error_kind=row["last_error_kind"],
        last_error_message=row["last_error_message"], added_at=from_iso(row["added_at"]),
        full_text=row["full_text"],
    )


class SqlSources:
    """The sources facet (see newsdesk.store.api.SourcesFacet)."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def add(self, url: str, *, title: str = "", site_url: str | None = None,
            folder: str = "", kind: str = "feed") -> tuple[Source, bool]:
        """See SourcesFacet.add; the URL is checked again under the write lock."""
        existing = self.find(url)
        if existing:
            return existing, False
        with self._core.write() as conn:
            taken = conn.execute("SELECT id FROM sources WHERE url = ?", [url]).fetchone()
            if taken is not None:
                source_id, created = int(taken[0]), False
            else:
                source_id, created = int(conn.execute(
                    "INSERT INTO sources(url, title, site_url, folder, kind, added_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                    [url, title, site_url, folder, kind, to_iso(datetime.now(UTC))],
                ).fetchone()[0]), True
        return self.get(source_id), created

    def find(self, url: str) -> Source | None:
        rows = self._core.read("SELECT * FROM sources WHERE url = ?", [url])
        return _row_to_source(rows[0]) if rows else None

    def get(self, source_id: int) -> Source:
        rows = self._core.read("SELECT * FROM sources WHERE id = ?", [source_id])
        if not rows:
            raise NotFoundError(f"There is no source with id {source_id}.")
        return _row_to_source(rows[0])

    def list(self) -> builtins.list[Source]:
        rows = self._core.read("SELECT * FROM sources ORDER BY folder, "
                               f"{self._core.dialect.nocase('title')}, id")
        return [_row_to_source(r) for r in rows]

    def due(self, now: datetime | None = None) -> builtins.list[Source]:
        now_iso = to_iso(now or datetime.now(UTC))
        rows = self._core.read(
            "SELECT * FROM sources WHERE kind = 'feed' AND "
            "(next_fetch_at IS NULL OR next_fetch_at <= ?) ORDER BY id", [now_iso])
        return [_row_to_source(r) for r in rows]

    def update(self, source_id: int, **fields: Any) -> None:
        unknown = set(fields) - _FIELDS
        if unknown:
            raise ValueError(f"not source fields: {sorted(unknown)}")
        if "full_text" in fields and fields["full_text"] not in FULL_TEXT_MODES:
            raise ValueError(f"A source's full-text mode is {', '.join(FULL_TEXT_MODES[:-1])} "
                             f"or {FULL_TEXT_MODES[-1]}, not {fields['full_text']!r}.")
        if not fields:
            return
        values = [to_iso(v) if isinstance(v, datetime) else v for v in fields.values()]
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._core.write() as conn:
            conn.execute(f"UPDATE sources SET {assignments} WHERE id = ?", [*values, source_id])

    def move(self, source_id: int, new_url: str) -> bool:
        """See SourcesFacet.move: check and update are one write transaction, so two
        subscriptions moving to one address cannot both take it."""
        with self._core.write() as conn:
            taken = conn.execute("SELECT 1 FROM sources WHERE url = ? AND id != ?",
                                 [new_url, source_id]).fetchone()
            if taken:
                return False
            return conn.execute("UPDATE sources SET url = ? WHERE id = ?",
                                [new_url, source_id]).rowcount == 1

    def remove(self, source_id: int) -> int:
        self.get(source_id)
        with self._core.write() as conn:
            count = conn.execute(
                "SELECT COUNT(*) FROM articles WHERE source_id = ?", [source_id]).fetchone()[0]
            stories = [int(r[0]) for r in conn.execute(
                "SELECT DISTINCT sa.story_id FROM story_articles sa JOIN articles a "
                "ON a.id = sa.article_id WHERE a.source_id = ?", [source_id])]
            conn.execute("DELETE FROM sources WHERE id = ?", [source_id])
            settle_stories(conn, stories)
        return int(count)

    def log_fetch(self, source_id: int, *, outcome: str, http_status: int | None = None,
                  error_kind: str | None = None, message: str | None = None, new: int = 0,
                  updated: int = 0, unchanged: int = 0, size: int | None = None,
                  elapsed: float | None = None) -> None:
        with self._core.write() as conn:
            conn.execute(
                "INSERT INTO fetch_log(source_id, at, outcome, http_status, error_kind, message,"
                " new, updated, unchanged, bytes, elapsed_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [source_id, to_iso(datetime.now(UTC)), outcome, http_status, error_kind,
                 message, new, updated, unchanged, size,
                 None if elapsed is None else int(elapsed * 1000)])

    def fetch_log(self, source_id: int, limit: int = 20) -> builtins.list[FetchLogEntry]:
        rows = self._core.read(
            "SELECT * FROM fetch_log WHERE source_id = ? ORDER BY id DESC LIMIT ?",
            [source_id, limit])
        return [FetchLogEntry(
            source_id=int(r["source_id"]), at=from_iso(r["at"]) or datetime.min.replace(tzinfo=UTC),
            outcome=r["outcome"], http_status=r["http_status"], error_kind=r["error_kind"],
            message=r["message"], new=int(r["new"]), updated=int(r["updated"]),
            unchanged=int(r["unchanged"]), size=r["bytes"], elapsed_ms=r["elapsed_ms"])
            for r in rows]
