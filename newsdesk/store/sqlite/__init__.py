"""The embedded SQLite store: one module per facet, a small core, and its migrations."""

from newsdesk.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
