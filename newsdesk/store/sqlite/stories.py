"""Stories in SQLite: the groups, their members and the state grouping learns."""

from __future__ import annotations

import builtins
import dataclasses
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from newsdesk.dates import to_iso
from newsdesk.errors import NotFoundError
from newsdesk.models import Article, Correction, Follow, StorylineSummary, StoryMember, StorySummary
from newsdesk.outlets import outlet_names
from newsdesk.store.api import (
    GroupingState,
    MemberVector,
    OpenStory,
    StoryAssignment,
    StorylineRecord,
    StoryLink,
    StoryRecord,
)
from newsdesk.store.sqlite.articles import row_to_article, stored_date
from newsdesk.store.sqlite.core import CHUNK, Core, placeholders


def settle_stories(conn: sqlite3.Connection, story_ids: Sequence[int]) -> None:
    """After articles left these stories (they were removed): the stories left empty go,
    the others get their size and outlet count again, and their cached comparisons go
    (they compared members that are gone)."""
    for start in range(0, len(story_ids), CHUNK):
        chunk = builtins.list(story_ids[start:start + CHUNK])
        marks = placeholders(chunk)
        conn.execute(f"DELETE FROM stories WHERE id IN ({marks}) "
                     "AND id NOT IN (SELECT story_id FROM story_articles)", chunk)
        conn.execute(f"DELETE FROM story_comparisons WHERE story_id IN ({marks})", chunk)
        conn.execute(
            "UPDATE stories SET size = (SELECT COUNT(*) FROM story_articles sa "
            "WHERE sa.story_id = stories.id), outlets = (SELECT COUNT(DISTINCT a.outlet) "
            "FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
            f"WHERE sa.story_id = stories.id) WHERE id IN ({marks})", chunk)


class SqliteStories:
    """The stories facet (see newsdesk.store.api.StoriesFacet)."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def unclustered_articles(self, ids: Sequence[str] | None = None) -> builtins.list[Article]:
        read = self._core.read
        if ids is not None:
            found: builtins.list[Article] = []
            for start in range(0, len(ids), CHUNK):
                chunk = builtins.list(ids[start:start + CHUNK])
                found += [row_to_article(r) for r in read(
                    f"SELECT a.* FROM articles a WHERE a.id IN ({placeholders(chunk)}) "
                    "AND a.id NOT IN (SELECT article_id FROM story_articles)", chunk)]
            return sorted(found, key=lambda a: (a.published, a.id))
        return [row_to_article(r) for r in read(
            "SELECT a.* FROM articles a WHERE a.id NOT IN (SELECT article_id FROM story_articles) "
            "ORDER BY a.published, a.id")]

    def unclustered_ids(self) -> builtins.list[str]:
        return [r[0] for r in self._core.read(
            "SELECT a.id FROM articles a WHERE a.id NOT IN (SELECT article_id FROM story_articles) "
            "ORDER BY a.published, a.id")]

    def state(self, terms: set[str], since: datetime) -> GroupingState:
        """See StoriesFacet.state; members are read per story, only when needed
        (member_rows)."""
        read = self._core.read
        df: dict[str, int] = {}
        term_list = sorted(terms)
        for start in range(0, len(term_list), CHUNK):
            chunk = term_list[start:start + CHUNK]
            df.update({r[0]: int(r[1]) for r in read(
                f"SELECT term, df FROM story_terms WHERE term IN ({placeholders(chunk)})", chunk)})
        stories = tuple(OpenStory(id=int(r["id"]), first_seen=stored_date(r["first_seen"]),
                                  last_seen=stored_date(r["last_seen"]), centroid=r["centroid"])
                        for r in read("SELECT id, first_seen, last_seen, centroid FROM stories "
                                      "WHERE first_seen >= ?", [to_iso(since)]))
        outlets: dict[int, set[str]] = {}
        ids = [st.id for st in stories]
        for start in range(0, len(ids), CHUNK):
            some = ids[start:start + CHUNK]
            for r in read("SELECT DISTINCT sa.story_id, a.outlet FROM story_articles sa "
                          "JOIN articles a ON a.id = sa.article_id "
                          f"WHERE sa.story_id IN ({placeholders(some)})", some):
                outlets.setdefault(int(r[0]), set()).add(r[1])
        next_id = int(read("SELECT COALESCE(MAX(id), 0) + 1 FROM stories")[0][0])
        return GroupingState(df=df, documents=self.grouped_documents(), stories=stories,
                          outlets={k: frozenset(v) for k, v in outlets.items()}, next_id=next_id)

    def member_rows(self, story_id: int) -> builtins.list[MemberVector]:
        return [MemberVector(article_id=r["article_id"], title=r["title"], vector=r["vector"])
                for r in self._core.read(
                    "SELECT sa.article_id, sa.vector, a.title FROM story_articles sa "
                    "JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = ? "
                    "ORDER BY a.published, a.id", [story_id])]

    def save(self, stories: Sequence[StoryRecord], assignments: Sequence[StoryAssignment],
             df_increments: Mapping[str, int], documents: int, *,
             new_from: int | None = None) -> None:
        """See StoriesFacet.save. Another program may have saved stories under the new
        ids since `state` gave them out, so the new ones are renumbered here, under the
        write lock, instead of overwriting them."""
        with self._core.write() as conn:
            shift = 0 if new_from is None else int(conn.execute(
                "SELECT COALESCE(MAX(id), 0) + 1 FROM stories").fetchone()[0]) - new_from
            if new_from is not None and shift > 0:
                stories = [dataclasses.replace(st, id=st.id + shift) if st.id >= new_from else st
                           for st in stories]
                assignments = [dataclasses.replace(a, story_id=a.story_id + shift)
                               if a.story_id >= new_from else a for a in assignments]
            conn.executemany(
                "INSERT INTO stories(id, label, first_seen, last_seen, size, outlets, centroid) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET label = excluded.label, "
                "first_seen = excluded.first_seen, last_seen = excluded.last_seen, "
                "size = excluded.size, outlets = excluded.outlets, centroid = excluded.centroid",
                [(st.id, st.label, to_iso(st.first_seen), to_iso(st.last_seen), st.size,
                  st.outlets, st.centroid) for st in stories])
            conn.executemany(
                "INSERT OR REPLACE INTO story_articles(article_id, story_id, score, duplicate_of, "
                "vector) VALUES (?, ?, ?, ?, ?)",
                [(a.article_id, a.story_id, a.score, a.duplicate_of, a.vector)
                 for a in assignments])
            conn.executemany(
                "INSERT INTO story_terms(term, df) VALUES (?, ?) "
                "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
                sorted(df_increments.items()))
            conn.execute("UPDATE story_meta SET value = ? WHERE key = 'documents'", [documents])
            touched = sorted({a.story_id for a in assignments} | {s.id for s in stories})
            for start in range(0, len(touched), CHUNK):  # their cached comparisons are stale
                chunk = touched[start:start + CHUNK]
                conn.execute(f"DELETE FROM story_comparisons WHERE story_id IN ({placeholders(chunk)})",
                             chunk)

    def list(self, *, since: datetime | None = None, min_outlets: int = 1,
             limit: int | None = None) -> builtins.list[StorySummary]:
        sql = ("SELECT id, label, first_seen, last_seen, size FROM stories WHERE outlets >= ?"
               + (" AND last_seen >= ?" if since else "")
               + " ORDER BY date(last_seen) DESC, outlets DESC, size DESC, last_seen DESC, id DESC"
               + (" LIMIT ?" if limit else ""))
        params: builtins.list[Any] = [min_outlets]
        if since:
            params.append(to_iso(since))
        if limit:
            params.append(limit)
        rows = self._core.read(sql, params)
        members: dict[int, builtins.list[Any]] = {}
        ids = [int(r["id"]) for r in rows]
        for start in range(0, len(ids), CHUNK):  # all members in one query per chunk
            chunk = ids[start:start + CHUNK]
            for m in self._core.read(
                    "SELECT sa.story_id, sa.article_id, a.outlet, src.id AS source_id, "
                    "COALESCE(NULLIF(src.title, ''), src.url) AS source_name "
                    "FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
                    "JOIN sources src ON src.id = a.source_id "
                    f"WHERE sa.story_id IN ({placeholders(chunk)}) "
                    "ORDER BY a.published, a.id", chunk):
                members.setdefault(int(m["story_id"]), []).append(m)
        return [self._summary(r, members.get(int(r["id"]), [])) for r in rows]

    @staticmethod
    def _summary(row: sqlite3.Row, members: builtins.list[sqlite3.Row]) -> StorySummary:
        """Outlets in the order they reported, named as the comparison names them."""
        names = outlet_names((m["outlet"], int(m["source_id"]), m["source_name"]) for m in members)
        return StorySummary(
            id=int(row["id"]), label=row["label"], first_seen=stored_date(row["first_seen"]),
            last_seen=stored_date(row["last_seen"]), size=int(row["size"]),
            outlets=tuple(dict.fromkeys(names[m["outlet"]] for m in members)),
            article_ids=tuple(m["article_id"] for m in members))

    def members(self, story_id: int) -> builtins.list[StoryMember]:
        rows = self._core.read(
            "SELECT sa.article_id, sa.story_id, sa.score, sa.duplicate_of, a.source_id, "
            "src.title AS source_title, a.title, a.published, a.url FROM story_articles sa "
            "JOIN articles a ON a.id = sa.article_id JOIN sources src ON src.id = a.source_id "
            "WHERE sa.story_id = ? ORDER BY a.published, a.id", [story_id])
        return [StoryMember(r["article_id"], int(r["story_id"]), int(r["source_id"]),
                            r["source_title"], r["title"], stored_date(r["published"]),
                            r["url"], float(r["score"]), r["duplicate_of"]) for r in rows]

    def term_prior(self, limit: int = 20000) -> dict[str, int]:
        rows = self._core.read("SELECT term, df FROM story_terms WHERE term NOT LIKE 'n:%' "
                               "ORDER BY df DESC LIMIT ?", [limit])
        return {r[0]: int(r[1]) for r in rows}

    def outlet_count(self, story_id: int) -> int:
        rows = self._core.read("SELECT outlets FROM stories WHERE id = ?", [story_id])
        return int(rows[0][0]) if rows else 0

    def grouped_documents(self) -> int:
        return int(self._core.read("SELECT value FROM story_meta WHERE key = 'documents'")[0][0])

    def label(self, story_id: int) -> str:
        rows = self._core.read("SELECT label FROM stories WHERE id = ?", [story_id])
        if not rows:
            raise NotFoundError(f"There is no story with id {story_id}.")
        return str(rows[0][0])

    def signature(self, story_id: int) -> str:
        rows = self._core.read(
            "SELECT sa.article_id, a.content_hash FROM story_articles sa "
            "JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = ? ORDER BY sa.article_id",
            [story_id])
        return "\n".join(f"{r[0]} {r[1]}" for r in rows)

    def story_of(self, article_id: str) -> int | None:
        rows = self._core.read("SELECT story_id FROM story_articles WHERE article_id = ?",
                               [article_id])
        return int(rows[0][0]) if rows else None

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        ids = builtins.list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            found.update({str(r[0]): int(r[1]) for r in self._core.read(
                "SELECT article_id, story_id FROM story_articles "
                f"WHERE article_id IN ({placeholders(chunk)})", chunk)})
        return found

    # The story model's ownership (story_model_state: migration 0009 of the story-model work).

    def model(self) -> tuple[str, int] | None:
        rows = self._core.read("SELECT name, version FROM story_model_state "
                               "ORDER BY updated DESC, name, version LIMIT 1")
        return (str(rows[0][0]), int(rows[0][1])) if rows else None

    def claim(self, name: str, version: int, state_json: str = "{}") -> None:
        with self._core.write() as conn:
            for table in ("story_comparisons", "story_articles", "stories", "story_terms",
                          "story_model_state"):
                conn.execute(f"DELETE FROM {table}")  # our own table names, not input
            conn.execute("UPDATE story_meta SET value = 0 WHERE key = 'documents'")
            conn.execute("INSERT INTO story_model_state(name, version, state_json, updated) "
                         "VALUES (?, ?, ?, ?)", [name, version, state_json,
                                                 to_iso(datetime.now(UTC))])

    # -- storylines, corrections, copies, follows (issue 13: to be written)

    def storyline_rows(self, since: datetime) -> builtins.list[StorylineRecord]:
        raise NotImplementedError

    def story_rows(self, story_ids: Sequence[int]) -> builtins.list[StoryRecord]:
        raise NotImplementedError

    def links(self, story_ids: Sequence[int]) -> dict[int, StoryLink]:
        raise NotImplementedError

    def save_storylines(self, storylines: Sequence[StorylineRecord], links: Sequence[StoryLink],
                        *, new_from: int | None = None) -> dict[int, int]:
        raise NotImplementedError

    def next_storyline_id(self) -> int:
        raise NotImplementedError

    def storylines(self, *, since: datetime | None = None,
                   limit: int | None = None) -> builtins.list[StorylineSummary]:
        raise NotImplementedError

    def storyline(self, storyline_id: int) -> StorylineSummary:
        raise NotImplementedError

    def storyline_events(self, storyline_id: int) -> builtins.list[StorySummary]:
        raise NotImplementedError

    def relocate(self, article_ids: Sequence[str], story_id: int | None) -> int:
        raise NotImplementedError

    def update_profiles(self, stories: Sequence[StoryRecord]) -> None:
        raise NotImplementedError

    def add_correction(self, kind: str, articles: Sequence[str], anchor: Sequence[str],
                       editor: str) -> Correction:
        raise NotImplementedError

    def corrections(self) -> builtins.list[Correction]:
        raise NotImplementedError

    def remove_correction(self, correction_id: int) -> None:
        raise NotImplementedError

    def copies(self, article_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        raise NotImplementedError

    def follow(self, follow: Follow) -> None:
        raise NotImplementedError

    def unfollow(self, kind: str, key: str) -> None:
        raise NotImplementedError

    def follows(self) -> builtins.list[Follow]:
        raise NotImplementedError
