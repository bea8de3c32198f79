"""What every SQL store is over its core: the ten facets, a context manager, transactions.

Each backend's store (SQLite's, PostgreSQL's) subclasses this and adds how it opens,
closes, interrupts and checks its database; the facets are the same objects on both.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator
from typing import Self

from newsdesk.store.sql.annotations import SqlAnnotations
from newsdesk.store.sql.archive import SqlArchive
from newsdesk.store.sql.articles import SqlArticles
from newsdesk.store.sql.caches import SqlCaches
from newsdesk.store.sql.core import Core
from newsdesk.store.sql.leases import SqlLeases
from newsdesk.store.sql.reading import SqlReading
from newsdesk.store.sql.sources import SqlSources
from newsdesk.store.sql.stories import SqlStories
from newsdesk.store.sql.topics import SqlTopics
from newsdesk.store.sql.users import SqlUsers


class SqlStore(abc.ABC):
    """The facets of one store over `core` (see newsdesk.store.api.Store)."""

    def __init__(self, core: Core) -> None:
        self.sources = SqlSources(core)
        self.articles = SqlArticles(core)
        self.reading = SqlReading(core)
        self.topics = SqlTopics(core)
        self.stories = SqlStories(core)
        self.annotations = SqlAnnotations(core)
        self.caches = SqlCaches(core)
        self.archive = SqlArchive(core)
        self.users = SqlUsers(core)
        self.leases = SqlLeases(core)
        self._write = core.write  # one transaction per call, nested ones savepoints
        self._schema_version = 0

    @property
    def schema_version(self) -> int:
        return self._schema_version

    @abc.abstractmethod
    def close(self) -> None:
        """Close the connection (each backend its own kind); idempotent."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self._write():
            yield
