"""`newsdesk copy`: a whole database from one store to another (SQLite and PostgreSQL, either
way), backend-neutral. Each end gives the few things that differ (see
newsdesk.store.sql.copying: its tables and their order, a snapshot, what it derives).

The algorithm, and why it survives a kill:

1. Refuse, with a sentence, the same database twice, two schema versions, and a
   destination that already holds a database that is not a copy of this source begun
   earlier (a new destination only holds what its migrations seed: at most as many rows
   per table as a fresh store has).
2. On a new destination, empty the seeded tables and record a marker (source URL without
   password, started) in one transaction. On a marked one, carry on.
3. Read the source in one snapshot, table after table in foreign-key order, each in key
   order a page at a time; each page is one destination transaction with ON CONFLICT DO
   NOTHING that also records the page's last key (a table's last page: the table as
   done), so a page is all there or not there, a resumed copy skips the tables done and
   reads on after the last key written, and a row that comes twice is written once.
4. Rebuild what the destination derives (SQLite's search index; PostgreSQL's identity
   sequences; the unread counts and search vectors are written by triggers as rows come).
5. Count every table on both ends: equal counts are the copy's receipt.

The source is only read (opened without migrating, a SQLite file read-only; a behind
schema is refused, not moved), in one snapshot, so rows added while it is copied never
reach the destination without the rows they refer to.
Tables are the source schema's own, so a table a later migration adds is copied as it is.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsdesk.dates import to_iso
from newsdesk.errors import StoreError
from newsdesk.store import open_store
from newsdesk.store.api import Store
from newsdesk.store.sql.copying import SqlCopyEnd, Table

log = logging.getLogger(__name__)

PAGE_ROWS = 500

Progress = Callable[[str, int, int], None]  # (table, rows copied, rows in the source)


class CopyStopped(StoreError):
    """The copy stopped before the end (asked to, by `stop_after_pages`); run it again."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    destination: int


@dataclass(frozen=True)
class CopyReport:
    source: str
    destination: str
    counts: tuple[TableCount, ...]
    resumed: bool
    seconds: float

    @property
    def rows(self) -> int:
        return sum(c.source for c in self.counts)

    @property
    def differences(self) -> list[TableCount]:
        return [c for c in self.counts if c.source != c.destination]


def _end(store: Store) -> SqlCopyEnd:
    maker = getattr(store, "copy_end", None)
    if maker is None:
        raise StoreError(f"The store at {store.url} cannot take part in a copy.")
    end: SqlCopyEnd = maker()
    return end


def _identity(url: str) -> str:
    """One spelling per database: a SQLite file's resolved path, a PostgreSQL URL without
    password, with host and scheme lowercased and the default port."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme.lower() in ("postgresql", "postgres"):
        parts = urlsplit(url)
        host = (parts.hostname or "localhost").lower()
        return f"postgresql://{parts.username or ''}@{host}:{parts.port or 5432}{parts.path}"
    path = rest[1:] if sep and rest.startswith("/") else (rest if sep else url)
    if path == ":memory:":
        return url
    return str(Path(path).expanduser().resolve())


def _label(url: str) -> str:
    """How the marker names the source: a SQLite file by its absolute path (a resume may
    run from another folder), a PostgreSQL database by its URL without password."""
    identity = _identity(url)
    return url if "://" in identity else f"sqlite:///{identity}"


def _now() -> str:
    return to_iso(datetime.now(UTC)) or ""


def order(tables: dict[str, Table]) -> list[Table]:
    """Parents before children (foreign keys), by name among equals; a cycle is refused."""
    placed: list[Table] = []
    done: set[str] = set()
    waiting = dict(sorted(tables.items()))
    while waiting:
        ready = [t for t in waiting.values() if t.parents & tables.keys() <= done]
        if not ready:
            raise StoreError("The tables' foreign keys form a cycle ("
                             f"{', '.join(waiting)}); NewsDesk cannot order the copy.")
        for table in ready:
            placed.append(table)
            done.add(table.name)
            del waiting[table.name]
    return placed


def _seed_counts(tables: list[Table]) -> dict[str, int]:
    """Rows per table in a store fresh from its migrations (default topics, codebooks...)."""
    with open_store(":memory:") as fresh:
        end = _end(fresh)
        known = end.tables()
        return {t.name: end.count(known[t.name]) if t.name in known else 0 for t in tables}


def copy_database(source_url: str, destination_url: str, *, page_rows: int = PAGE_ROWS,
                  progress: Progress | None = None,
                  stop_after_pages: int | None = None) -> CopyReport:
    """Copy (or go on copying) the database at `source_url` into `destination_url` and
    count both. Raises StoreError with a sentence for every refusal and failure; the
    source is never written. `stop_after_pages` stops after that many pages (tests of a
    copy cut short)."""
    started = time.monotonic()
    if _identity(source_url) == _identity(destination_url):
        raise StoreError("The source and the destination are the same database; nothing "
                         "was copied. Name another destination.")
    with open_store(source_url, create=False, migrate=False) as source:
        src = _end(source)
        with open_store(destination_url) as destination:
            dst = _end(destination)
            if source.schema_version != destination.schema_version:
                raise StoreError(
                    f"The source {src.where} has schema version {source.schema_version} and "
                    f"the destination {dst.where} {destination.schema_version}; nothing was "
                    "copied. Open the older one with this NewsDesk once (any command brings "
                    "it up to date), then copy.")
            with src.snapshot():
                tables = _compare(src, dst)
                resumed = _claim(src, dst, tables)
                marker = dst.marker() or {}
                pages = 0
                for table in tables:
                    total = src.count(table)
                    if marker.get(f"done:{table.name}"):
                        if progress:
                            progress(table.name, total, total)
                        continue
                    if not table.key:
                        raise StoreError(f"The table {table.name} has no primary key; "
                                         "NewsDesk cannot copy it in pages.")
                    copied, marked, shown = 0, False, -1
                    after = _key(marker.get(f"at:{table.name}"))
                    if after is not None:  # rows up to this key were written before
                        copied = src.count_upto(table, after)
                    for page, last in src.pages(table, page_rows, after=after):
                        if stop_after_pages is not None and pages >= stop_after_pages:
                            raise CopyStopped(f"The copy stopped after {pages} pages, as "
                                              "asked; run it again to go on.")
                        copied += len(page)
                        marked = last  # the table is done with its last page
                        dst.insert(table, page, done=marked, at=_at(table, page[-1]))
                        pages += 1
                        if progress:
                            progress(table.name, copied, total)
                            shown = copied
                    if not marked:  # an empty table, or one whose last page was full
                        dst.insert(table, [], done=True)
                    if progress and shown != copied:  # empty, or nothing left to copy
                        progress(table.name, copied, total)
                dst.finish()
                dst.mark("finished", _now())
                counts = tuple(TableCount(t.name, src.count(t), dst.count(t)) for t in tables)
    return CopyReport(src.where, dst.where, counts, resumed, time.monotonic() - started)


def _at(table: Table, row: tuple[object, ...]) -> str | None:
    """A page's last key as the marker keeps it (JSON), or None for a key JSON cannot
    hold (the resumed copy then reads the table again from its start)."""
    key = [row[table.columns.index(k)] for k in table.key]
    if all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in key):
        return json.dumps(key)
    return None


def _key(text: str | None) -> list[object] | None:
    return json.loads(text) if text else None


def _compare(src: SqlCopyEnd, dst: SqlCopyEnd) -> list[Table]:
    """The tables in the order they are written; refuse two schemas that differ."""
    mine, theirs = src.tables(), dst.tables()
    if mine.keys() != theirs.keys():
        only = sorted(mine.keys() ^ theirs.keys())
        raise StoreError(f"The source and the destination have different tables ({', '.join(only)} "
                         "only on one side); nothing was copied.")
    for name, table in mine.items():
        if set(table.columns) != set(theirs[name].columns):
            raise StoreError(f"The table {name} has other columns in the source than in the "
                             "destination; nothing was copied.")
    # the destination's foreign keys decide the order (they are the ones checked), the
    # source's column order the rows' shape
    ordered = order(theirs)
    return [Table(t.name, mine[t.name].columns, mine[t.name].key, t.parents) for t in ordered]


def _claim(src: SqlCopyEnd, dst: SqlCopyEnd, tables: list[Table]) -> bool:
    """Begin a copy into a new destination, or recognise one begun from this source.
    True when resuming (or re-checking) an earlier copy."""
    marker = dst.marker()
    if marker is not None and marker.get("source"):
        if _identity(marker["source"]) != _identity(src.where):
            raise StoreError(
                f"{dst.where} holds a copy of another database ({marker['source']}, begun "
                f"{marker.get('started', '?')}); nothing was copied. Name an empty "
                "destination.")
        log.info("Resuming the copy from %s begun %s", src.where, marker.get("started"))
        return True
    seeds = _seed_counts(tables)
    occupied = [t.name for t in tables if dst.count(t) > seeds.get(t.name, 0)]
    if occupied:
        raise StoreError(
            f"{dst.where} already holds a NewsDesk database (rows in {', '.join(occupied[:3])}); "
            "nothing was copied. Copy into a new, empty database.")
    if dst.begin(tables, _label(src.where), _now()):
        return False
    return _claim(src, dst, tables)  # another copy began first: resume it, or refuse
