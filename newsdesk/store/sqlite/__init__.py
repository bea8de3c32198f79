"""The embedded SQLite store: the shared facets (newsdesk.store.sql) over a small core, the
SQLite dialect and its FTS5 index, and the migrations."""

from newsdesk.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
