"""Topics: saved full-text queries, checked against the index before saving."""

from __future__ import annotations

import builtins

from newsdesk.errors import NotFoundError, QueryError, StoreError
from newsdesk.models import Topic
from newsdesk.store.sql.core import Core


class SqlTopics:
    """The topics facet (see newsdesk.store.api.TopicsFacet)."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def list(self) -> builtins.list[Topic]:
        rows = self._core.read("SELECT * FROM topics ORDER BY position, name")
        return [Topic(r["name"], r["query"], r["description"]) for r in rows]

    def get(self, name: str) -> Topic:
        nocase = self._core.dialect.nocase
        rows = self._core.read(f"SELECT * FROM topics WHERE {nocase('name')} = {nocase('?')}",
                               [name])
        if not rows:
            raise NotFoundError(f"There is no topic named {name!r}.")
        r = rows[0]
        return Topic(r["name"], r["query"], r["description"])

    def add(self, name: str, query: str, description: str = "") -> Topic:
        if not name.strip():
            raise QueryError("A topic needs a name.")
        self._core.check_query(query)
        with self._core.write() as conn:
            position = conn.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM topics").fetchone()[0]
            conn.execute(
                "INSERT INTO topics(name, query, description, position) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query, "
                "description = excluded.description", [name.strip(), query, description, position])
        return self.get(name.strip())

    def rename(self, old: str, new: str, query: str | None = None,
               description: str | None = None) -> Topic:
        """See TopicsFacet.rename: the new query is checked first and a name another topic
        has is refused, so a mistake leaves the topic exactly as it was (never removed,
        then not re-added)."""
        topic = self.get(old)
        name = new.strip()
        if not name:
            raise QueryError("A topic needs a name.")
        if query is None or query == topic.query:  # kept as saved (it may predate the syntax)
            query = topic.query
        else:
            if not query.strip():
                raise QueryError("A topic needs a query: words, \"exact phrases\", AND, OR, NOT.")
            self._core.check_query(query)
        with self._core.write() as conn:
            nocase = self._core.dialect.nocase
            taken = conn.execute(f"SELECT name FROM topics WHERE {nocase('name')} = "
                                 f"{nocase('?')} AND name <> ?",
                                 [name, topic.name]).fetchone()
            if taken:
                raise StoreError(f"There is already a topic named {taken[0]!r}; "
                                 "pick another name.")
            conn.execute("UPDATE topics SET name = ?, query = ?, description = ? WHERE name = ?",
                         [name, query, topic.description if description is None
                          else description, topic.name])
        return self.get(name)

    def remove(self, name: str) -> None:
        topic = self.get(name)
        with self._core.write() as conn:
            conn.execute("DELETE FROM topics WHERE name = ?", [topic.name])
