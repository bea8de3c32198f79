"""Stories: the groups, their members and the state grouping learns."""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from newsdesk.dates import to_iso
from newsdesk.errors import NotFoundError
from newsdesk.models import Article, StoryMember, StorySummary
from newsdesk.outlets import outlet_names
from newsdesk.store.api import (
    GroupingState,
    MemberVector,
    OpenStory,
    StoryAssignment,
    StoryRecord,
)
from newsdesk.store.sql.articles import row_to_article, stored_date
from newsdesk.store.sql.core import CHUNK, Conn, Core, Row, placeholders
from newsdesk.store.sql.storylines import StorylineTables, drop_empty_storylines, storylines_of


def settle_stories(conn: Conn, story_ids: Sequence[int]) -> None:
    """After articles left these stories (they were removed): the stories left empty go
    (with their links, and storylines left with no event), the others get their size and
    outlet count again, and their cached comparisons go (they compared members that are
    gone)."""
    _recount(conn, story_ids, spans=False)


def respan_stories(conn: Conn, story_ids: Sequence[int]) -> None:
    """After members moved: the stories left empty go (links with them, and storylines left
    with no event), the others get size, outlet count and span from their members again;
    the cached comparisons of all of them go."""
    _recount(conn, story_ids, spans=True)


def _recount(conn: Conn, story_ids: Sequence[int], *, spans: bool) -> None:
    lines = storylines_of(conn, story_ids)
    span = ("(SELECT {fn}(a.published) FROM story_articles sa JOIN articles a "
            "ON a.id = sa.article_id WHERE sa.story_id = stories.id)")
    spanned = (f", first_seen = {span.format(fn='MIN')}, last_seen = {span.format(fn='MAX')}"
               if spans else "")
    for start in range(0, len(story_ids), CHUNK):
        chunk = builtins.list(story_ids[start:start + CHUNK])
        marks = placeholders(chunk)
        conn.execute(f"DELETE FROM stories WHERE id IN ({marks}) "
                     "AND NOT EXISTS (SELECT 1 FROM story_articles sa "
                     "WHERE sa.story_id = stories.id)", chunk)
        conn.execute(f"DELETE FROM story_comparisons WHERE story_id IN ({marks})", chunk)
        conn.execute(
            "UPDATE stories SET size = (SELECT COUNT(*) FROM story_articles sa "
            "WHERE sa.story_id = stories.id), outlets = (SELECT COUNT(DISTINCT a.outlet) "
            "FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
            f"WHERE sa.story_id = stories.id){spanned} WHERE id IN ({marks})", chunk)
    drop_empty_storylines(conn, lines)



# An article in no story. NOT EXISTS, not NOT IN (subquery): PostgreSQL runs NOT IN as a
# rescan of the subquery per row once its result outgrows work_mem; both run this as an
# anti-join.
_UNGROUPED = "NOT EXISTS (SELECT 1 FROM story_articles sa WHERE sa.article_id = a.id)"

class SqlStories(StorylineTables):
    """The stories facet (see newsdesk.store.api.StoriesFacet); storylines, corrections,
    copies and follows come from StorylineTables (storylines.py)."""

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
                    f"AND {_UNGROUPED}", chunk)]
            return sorted(found, key=lambda a: (a.published, a.id))
        return [row_to_article(r) for r in read(
            f"SELECT a.* FROM articles a WHERE {_UNGROUPED} ORDER BY a.published, a.id")]

    def unclustered_ids(self) -> builtins.list[str]:
        return [r[0] for r in self._core.read(
            f"SELECT a.id FROM articles a WHERE {_UNGROUPED} ORDER BY a.published, a.id")]

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
                "INSERT INTO story_articles(article_id, story_id, score, duplicate_of, vector) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(article_id) DO UPDATE SET "
                "story_id = excluded.story_id, score = excluded.score, "
                "duplicate_of = excluded.duplicate_of, vector = excluded.vector",
                [(a.article_id, a.story_id, a.score, a.duplicate_of, a.vector)
                 for a in assignments])
            conn.executemany(
                "INSERT INTO story_terms(term, df) VALUES (?, ?) "
                "ON CONFLICT(term) DO UPDATE SET df = story_terms.df + excluded.df",
                sorted(df_increments.items()))
            conn.execute("UPDATE story_meta SET value = ? WHERE key = 'documents'", [documents])
            touched = sorted({a.story_id for a in assignments} | {s.id for s in stories})
            for start in range(0, len(touched), CHUNK):  # their cached comparisons are stale
                chunk = touched[start:start + CHUNK]
                conn.execute(f"DELETE FROM story_comparisons WHERE story_id IN ({placeholders(chunk)})",
                             chunk)

    def list(self, *, since: datetime | None = None, min_outlets: int = 1,
             limit: int | None = None,
             ids: Sequence[int] | None = None) -> builtins.list[StorySummary]:
        if ids is not None:  # a step's touched stories: read those, not every recent one
            wanted = builtins.list(dict.fromkeys(ids))
            rows: builtins.list[Row] = []
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start:start + CHUNK]
                rows.extend(self._core.read(
                    "SELECT id, label, first_seen, last_seen, size FROM stories "
                    f"WHERE outlets >= ? AND id IN ({placeholders(chunk)})",
                    [min_outlets, *chunk]))
            return self._with_members(rows)
        sql = ("SELECT id, label, first_seen, last_seen, size FROM stories WHERE outlets >= ?"
               + (" AND last_seen >= ?" if since else "")
               + " ORDER BY substr(last_seen, 1, 10) DESC, outlets DESC, size DESC, last_seen DESC, id DESC"
               + (" LIMIT ?" if limit else ""))
        params: builtins.list[Any] = [min_outlets]
        if since:
            params.append(to_iso(since))
        if limit:
            params.append(limit)
        return self._with_members(self._core.read(sql, params))

    def _with_members(self, rows: Sequence[Row]) -> builtins.list[StorySummary]:
        """Summaries of these story rows, all members read in one query per chunk."""
        members: dict[int, builtins.list[Any]] = {}
        ids = [int(r["id"]) for r in rows]
        for start in range(0, len(ids), CHUNK):
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
    def _summary(row: Row, members: builtins.list[Row]) -> StorySummary:
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
            for table in ("story_comparisons", "story_links", "storyline_terms", "storylines",
                          "story_articles", "stories", "story_terms", "story_model_state"):
                conn.execute(f"DELETE FROM {table}")  # our own table names, not input
            conn.execute("UPDATE story_meta SET value = 0 WHERE key = 'documents'")
            conn.execute("INSERT INTO story_model_state(name, version, state_json, updated) "
                         "VALUES (?, ?, ?, ?)", [name, version, state_json,
                                                 to_iso(datetime.now(UTC))])


    # -- issue 13: stories as linking and corrections read and rewrite them

    def story_rows(self, story_ids: Sequence[int]) -> builtins.list[StoryRecord]:
        found: builtins.list[StoryRecord] = []
        ids = builtins.list(dict.fromkeys(story_ids))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            found += [StoryRecord(id=int(r["id"]), label=r["label"],
                                  first_seen=stored_date(r["first_seen"]),
                                  last_seen=stored_date(r["last_seen"]), size=int(r["size"]),
                                  outlets=int(r["outlets"]), centroid=r["centroid"])
                      for r in self._core.read(
                          "SELECT id, label, first_seen, last_seen, size, outlets, centroid "
                          f"FROM stories WHERE id IN ({placeholders(chunk)})", chunk)]
        order = {story_id: n for n, story_id in enumerate(ids)}
        return sorted(found, key=lambda st: order[st.id])

    def storyline_events(self, storyline_id: int) -> builtins.list[StorySummary]:
        rows = self._core.read(
            "SELECT s.id, s.label, s.first_seen, s.last_seen, s.size FROM story_links l "
            "JOIN stories s ON s.id = l.story_id WHERE l.storyline_id = ? "
            "ORDER BY s.first_seen, s.id", [storyline_id])
        return self._with_members(rows)

    def update_profiles(self, stories: Sequence[StoryRecord]) -> None:
        with self._core.write() as conn:
            conn.executemany("UPDATE stories SET label = ?, centroid = ? WHERE id = ?",
                             [(st.label, st.centroid, st.id) for st in stories])

    def relocate(self, article_ids: Sequence[str], story_id: int | None, *,
                 annotations_follow: bool = False) -> int:
        """See StoriesFacet.relocate. A story that loses members but not all keeps its own
        tags and notes (target "story"): those kept on a moved article go to its oldest
        member left. A story left empty has nothing left to keep them: they come along on
        their articles, into the target story. Codes are the articles' own and always go
        with them. Vectors, scores and copy marks of the moved articles are kept."""
        ids = builtins.list(dict.fromkeys(article_ids))
        if not ids and story_id is None:
            raise ValueError("Choose at least one article for the new story.")
        with self._core.write() as conn:
            if story_id is not None and conn.execute(
                    "SELECT 1 FROM stories WHERE id = ?", [story_id]).fetchone() is None:
                raise NotFoundError(f"There is no story with id {story_id}.")
            origin: dict[str, int] = {}
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start:start + CHUNK]
                origin.update({str(r[0]): int(r[1]) for r in conn.execute(
                    "SELECT article_id, story_id FROM story_articles "
                    f"WHERE article_id IN ({placeholders(chunk)})", chunk)})
            missing = [i for i in ids if i not in origin]
            if missing:
                known = conn.execute("SELECT 1 FROM articles WHERE id = ?",
                                     [missing[0]]).fetchone()
                raise NotFoundError(f"The article {missing[0]} is in no story." if known else
                                    f"There is no article with id {missing[0]}.")
            if story_id is None:
                story_id = self._new_story(conn, ids)
            target = story_id
            moving = [i for i in ids if origin[i] != target]
            sources = sorted({origin[i] for i in moving})
            for start in range(0, len(moving), CHUNK):
                chunk = moving[start:start + CHUNK]
                conn.execute(f"UPDATE story_articles SET story_id = ? "
                             f"WHERE article_id IN ({placeholders(chunk)})", [target, *chunk])
            if not annotations_follow:
                self._keep_story_annotations(conn, moving, origin, sources)
            respan_stories(conn, [*sources, target])
        return target

    @staticmethod
    def _new_story(conn: Conn, ids: Sequence[str]) -> int:
        """A new, empty story for `ids` (labelled with the first one's title until the
        caller writes its profile); respan_stories gives it its size and span."""
        new_id = int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM stories").fetchone()[0])
        first = conn.execute("SELECT title, published FROM articles WHERE id = ?",
                             [ids[0]]).fetchone()
        conn.execute("INSERT INTO stories(id, label, first_seen, last_seen, size, outlets) "
                     "VALUES (?, ?, ?, ?, 0, 0)", [new_id, first[0], first[1], first[1]])
        return new_id

    @staticmethod
    def _keep_story_annotations(conn: Conn, moved: Sequence[str],
                                origin: Mapping[str, int], sources: Sequence[int]) -> None:
        """Story tags and notes kept on moved articles go back to the story they left, on
        its oldest member left (stories left empty have none: theirs come along)."""
        anchors: dict[int, str] = {}
        for start in range(0, len(sources), CHUNK):
            some = builtins.list(sources[start:start + CHUNK])
            # the oldest member's "published id" (stored dates hold no space): the id is
            # what follows the first space; as fast as a bare column beside MIN(), which
            # only SQLite allows (ROW_NUMBER() took 1.7 times as long)
            anchors.update({int(r[0]): str(r[1]).partition(" ")[2] for r in conn.execute(
                "SELECT sa.story_id, MIN(a.published || ' ' || a.id) "
                "FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
                f"WHERE sa.story_id IN ({placeholders(some)}) GROUP BY sa.story_id", some)})
        back = [i for i in moved if origin[i] in anchors]
        for start in range(0, len(back), CHUNK):
            chunk = back[start:start + CHUNK]
            marks = placeholders(chunk)
            tags = conn.execute("SELECT article_id, tag, editor, created FROM tag_assignments "
                                f"WHERE target = 'story' AND article_id IN ({marks})",
                                chunk).fetchall()
            conn.executemany(
                "INSERT INTO tag_assignments(article_id, target, tag, editor, created) "
                "VALUES (?, 'story', ?, ?, ?) ON CONFLICT DO NOTHING",
                [(anchors[origin[r[0]]], r[1], r[2], r[3]) for r in tags])
            conn.executemany("DELETE FROM tag_assignments WHERE article_id = ? "
                             "AND target = 'story' AND tag = ?", [(r[0], r[1]) for r in tags])
            notes = conn.execute(f"SELECT id, article_id FROM notes WHERE target = 'story' "
                                 f"AND article_id IN ({marks})", chunk).fetchall()
            conn.executemany("UPDATE notes SET article_id = ? WHERE id = ?",
                             [(anchors[origin[r[1]]], r[0]) for r in notes])
