"""Storylines, corrections, copies and follows (tables of migrations 0012, 0013).

A mixin of SqlStories (see newsdesk.store.api.StoriesFacet). What a list shows of a
storyline (its events, span, outlets, unread articles) is read from its stories as they
are now, so merging, splitting and removing articles never leave a stale figure; the
columns of `storylines` are the linker's own profile (`storyline_rows`). Every read of
many ids goes in chunks of CHUNK, one query per chunk, whatever the number of storylines.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from newsdesk.dates import from_iso, to_iso
from newsdesk.errors import NotFoundError
from newsdesk.models import CORRECTION_KINDS, Correction, Follow, StorylineSummary
from newsdesk.outlets import outlet_names
from newsdesk.store.api import StorylineRecord, StoryLink
from newsdesk.store.sql.articles import stored_date
from newsdesk.store.sql.core import CHUNK, Conn, Core, Row, placeholders

FOLLOW_KINDS = ("storyline", "topic")
# How a helper runs a statement: a write's `conn.execute`, or the core's `read`.
Run = Callable[[str, Sequence[Any]], Iterable[Row]]


def chunks(values: Sequence[Any]) -> Iterable[builtins.list[Any]]:
    """`values` in lists of at most CHUNK (one IN (...) list each)."""
    for start in range(0, len(values), CHUNK):
        yield builtins.list(values[start:start + CHUNK])


def drop_empty_storylines(conn: Conn, storyline_ids: Iterable[int | None]) -> None:
    """Delete those of these storylines that no story is linked to any more (their ids are
    never given out again: see next_storyline_id)."""
    ids = sorted({int(i) for i in storyline_ids if i is not None})
    for chunk in chunks(ids):
        marks = placeholders(chunk)
        conn.execute(f"DELETE FROM storylines WHERE id IN ({marks}) AND NOT EXISTS "
                     "(SELECT 1 FROM story_links l WHERE l.storyline_id = storylines.id)", chunk)
        conn.execute(f"DELETE FROM storyline_terms WHERE storyline_id IN ({marks}) AND NOT EXISTS "
                     "(SELECT 1 FROM storylines sl WHERE sl.id = storyline_terms.storyline_id)",
                     chunk)


def storylines_of(conn: Conn, story_ids: Sequence[int]) -> set[int]:
    """The storylines these stories are linked to (before they change or go)."""
    run = conn.execute
    found: set[int] = set()
    for chunk in chunks(builtins.list(dict.fromkeys(story_ids))):
        found.update(int(r[0]) for r in run(
            f"SELECT storyline_id FROM story_links WHERE story_id IN ({placeholders(chunk)}) "
            "AND storyline_id IS NOT NULL", chunk))
    return found


def _now() -> datetime:
    """Now to the second, as the store keeps it, so what a call returns equals a later read."""
    now = from_iso(to_iso(datetime.now(UTC)))
    assert now is not None
    return now


def _correction(row: Row) -> Correction:
    return Correction(id=int(row["id"]), kind=row["kind"],
                      articles=tuple(json.loads(row["articles"])),
                      anchor=tuple(json.loads(row["anchor"])), editor=row["editor"],
                      created=stored_date(row["created"]))


def _record(row: Row) -> StorylineRecord:
    return StorylineRecord(id=int(row["id"]), label=row["label"],
                           first_seen=stored_date(row["first_seen"]),
                           last_seen=stored_date(row["last_seen"]), events=int(row["events"]),
                           outlets=int(row["outlets"]), features=row["features"])


# A storyline's figures from its stories as they are now (one GROUP BY over its links).
_LIVE = ("SELECT sl.id, sl.label, sl.first_seen AS own_first, sl.last_seen AS own_last, "
         "COUNT(s.id) AS events, MIN(s.first_seen) AS first_seen, "
         "MAX(s.last_seen) AS last_seen FROM storylines sl "
         "{join} story_links l ON l.storyline_id = sl.id "
         "{join} stories s ON s.id = l.story_id")


class StorylineTables:
    """Storylines, corrections, copies and follows: the part of the stories facet that
    issue 13 added (SqlStories inherits it)."""

    _core: Core

    # ---------------------------------------------------------------- for linking

    def storyline_rows(self, since: datetime, *,
                       ids: Sequence[int] | None = None) -> builtins.list[StorylineRecord]:
        if ids is None:
            return [_record(r) for r in self._core.read(
                "SELECT * FROM storylines WHERE last_seen >= ? ORDER BY id", [to_iso(since)])]
        found: builtins.list[StorylineRecord] = []
        for chunk in chunks(sorted(set(ids))):
            found += [_record(r) for r in self._core.read(
                f"SELECT * FROM storylines WHERE id IN ({placeholders(chunk)}) "
                "AND last_seen >= ? ORDER BY id", [*chunk, to_iso(since)])]
        return sorted(found, key=lambda r: r.id)

    def storyline_candidates(self, queries: Sequence[tuple[Sequence[str], datetime]],
                             limit: int) -> builtins.list[builtins.list[int]]:
        """See StoriesFacet.storyline_candidates: one query an event, a range of the primary
        key (term, last_seen) per term, so a term's storylines too old to matter are never
        read; no join."""
        found: builtins.list[builtins.list[int]] = []
        for query, since in queries:
            terms = builtins.list(dict.fromkeys(query))[:CHUNK]
            if not terms or limit <= 0:
                found.append([])
                continue
            found.append([int(r[0]) for r in self._core.read(
                "SELECT storyline_id FROM storyline_terms "
                f"WHERE term IN ({placeholders(terms)}) AND last_seen >= ? "
                "GROUP BY storyline_id ORDER BY COUNT(*) DESC, storyline_id LIMIT ?",
                [*terms, to_iso(since), limit])])
        return found

    def storyline_term_counts(self, terms: Sequence[str], since: datetime) -> dict[str, int]:
        counts: dict[str, int] = {}
        for chunk in chunks(sorted(set(terms))):
            counts.update({r[0]: int(r[1]) for r in self._core.read(
                "SELECT term, COUNT(*) FROM storyline_terms "
                f"WHERE term IN ({placeholders(chunk)}) AND last_seen >= ? GROUP BY term",
                [*chunk, to_iso(since)])})
        return counts

    def links(self, story_ids: Sequence[int]) -> dict[int, StoryLink]:
        found: dict[int, StoryLink] = {}
        for chunk in chunks(builtins.list(dict.fromkeys(story_ids))):
            for r in self._core.read(
                    "SELECT story_id, storyline_id, score, why, locked FROM story_links "
                    f"WHERE story_id IN ({placeholders(chunk)})", chunk):
                found[int(r["story_id"])] = StoryLink(
                    story_id=int(r["story_id"]),
                    storyline_id=None if r["storyline_id"] is None else int(r["storyline_id"]),
                    score=float(r["score"]), why=r["why"], locked=bool(r["locked"]))
        return found

    def unlinked(self) -> builtins.list[int]:
        """See StoriesFacet.unlinked: one anti-join of stories on story_links (its primary
        key), in the order of stories_first_seen."""
        return [int(r[0]) for r in self._core.read(
            "SELECT s.id FROM stories s LEFT JOIN story_links l ON l.story_id = s.id "
            "WHERE l.story_id IS NULL OR (l.storyline_id IS NULL AND l.locked = 0) "
            "ORDER BY s.first_seen, s.id")]

    def next_storyline_id(self) -> int:
        return self._next_storyline_id(self._core.read)

    @staticmethod
    def _next_storyline_id(run: Run) -> int:
        """The high-water mark (kept through deletions and claims), or past the largest id."""
        rows = run("SELECT MAX(n) FROM (SELECT COALESCE((SELECT value FROM story_meta "
                   "WHERE key = 'storylines_next'), 1) AS n "
                   "UNION ALL SELECT COALESCE((SELECT MAX(id) FROM storylines), 0) + 1) AS next_ids",
                   ())
        return int(next(iter(rows))[0])

    def save_storylines(self, storylines: Sequence[StorylineRecord], links: Sequence[StoryLink],
                        *, new_from: int | None = None) -> dict[int, int]:
        """See StoriesFacet.save_storylines. Under the write lock, the new storylines (ids
        from `new_from`) keep their ids when those are free, or when the rows there are
        exactly these storylines (the same save repeated); otherwise all of them move past
        the largest id given out, links with them. A link to a story that is gone (another
        program re-grouped meanwhile) is left out."""
        with self._core.write() as conn:
            renumbered: dict[int, int] = {}
            if new_from is not None:
                new = [st for st in storylines if st.id >= new_from]
                shift = self._next_storyline_id(conn.execute) - new_from
                if shift > 0 and new and not self._already_saved(conn, new):
                    renumbered = {st.id: st.id + shift for st in new}
                    storylines = [dataclasses.replace(st, id=renumbered[st.id])
                                  if st.id in renumbered else st for st in storylines]
                    links = [dataclasses.replace(ln, storyline_id=ln.storyline_id + shift)
                             if ln.storyline_id is not None and ln.storyline_id >= new_from
                             else ln for ln in links]
                renumbered = {st.id: renumbered.get(st.id, st.id) for st in new}
            before = storylines_of(conn, [ln.story_id for ln in links])
            conn.executemany(
                "INSERT INTO storylines(id, label, first_seen, last_seen, events, outlets, "
                "features) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "label = excluded.label, first_seen = excluded.first_seen, "
                "last_seen = excluded.last_seen, events = excluded.events, "
                "outlets = excluded.outlets, features = excluded.features",
                [(st.id, st.label, to_iso(st.first_seen), to_iso(st.last_seen), st.events,
                  st.outlets, st.features) for st in storylines])
            # each saved storyline's terms carry its newest event's date; given terms
            # replace the stored ones, none given (None) keeps them
            conn.executemany("UPDATE storyline_terms SET last_seen = ? WHERE storyline_id = ?",
                             [(to_iso(st.last_seen), st.id) for st in storylines
                              if st.terms is None])
            rewritten = [st for st in storylines if st.terms is not None]
            for chunk in chunks([st.id for st in rewritten]):
                conn.execute("DELETE FROM storyline_terms WHERE storyline_id IN "
                             f"({placeholders(chunk)})", chunk)
            conn.executemany(
                "INSERT INTO storyline_terms(term, last_seen, storyline_id) "
                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [(term, to_iso(st.last_seen), st.id) for st in rewritten for term in st.terms or ()])
            conn.executemany(
                "INSERT INTO story_links(story_id, storyline_id, score, why, locked) "
                "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM stories WHERE id = ?) "
                "ON CONFLICT(story_id) DO UPDATE SET storyline_id = excluded.storyline_id, "
                "score = excluded.score, why = excluded.why, locked = excluded.locked",
                [(ln.story_id, ln.storyline_id, ln.score, ln.why, int(ln.locked), ln.story_id)
                 for ln in links])
            drop_empty_storylines(conn, before | {st.id for st in storylines})
            if storylines:
                conn.execute("INSERT INTO story_meta(key, value) VALUES ('storylines_next', ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = CASE WHEN "
                             "excluded.value > story_meta.value THEN excluded.value "
                             "ELSE story_meta.value END",
                             [max(st.id for st in storylines) + 1])
        return renumbered

    @staticmethod
    def _already_saved(conn: Conn, new: Sequence[StorylineRecord]) -> bool:
        """Whether every one of these storylines is stored under its id exactly as it is
        (dates as the store keeps them, to the second)."""
        stored: dict[int, StorylineRecord] = {}
        for chunk in chunks([st.id for st in new]):
            stored.update({int(r["id"]): _record(r) for r in conn.execute(
                f"SELECT * FROM storylines WHERE id IN ({placeholders(chunk)})", chunk)})
        return all(stored.get(st.id) == dataclasses.replace(
            st, first_seen=stored_date(to_iso(st.first_seen)),
            last_seen=stored_date(to_iso(st.last_seen))) for st in new)

    # ---------------------------------------------------------------- for the faces

    def storylines(self, *, since: datetime | None = None,
                   limit: int | None = None) -> builtins.list[StorylineSummary]:
        """See StoriesFacet.storylines: one GROUP BY over the links (narrowed first, with
        `since`, to the storylines of stories seen since then, through stories_last_seen),
        then the listed ones' feeds with their unread counts, and their stories: two
        queries per chunk."""
        sql = _LIVE.format(join="JOIN")
        params: builtins.list[Any] = []
        if since is not None:
            sql += (" WHERE sl.id IN (SELECT l2.storyline_id FROM stories s2 JOIN story_links l2 "
                    "ON l2.story_id = s2.id WHERE s2.last_seen >= ?)")
            params.append(to_iso(since))
        sql += " GROUP BY sl.id HAVING COUNT(s.id) >= 2 ORDER BY MAX(s.last_seen) DESC, sl.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._summaries(self._core.read(sql, params))

    def storyline(self, storyline_id: int) -> StorylineSummary:
        rows = self._core.read(_LIVE.format(join="LEFT JOIN") + " WHERE sl.id = ? GROUP BY sl.id",
                               [storyline_id])
        if not rows:
            raise NotFoundError(f"There is no storyline with id {storyline_id}.")
        return self._summaries(rows)[0]

    def _summaries(self, rows: Sequence[Row]) -> builtins.list[StorylineSummary]:
        """The summaries of these storylines (rows of _LIVE): outlets in the order they first
        reported, named as StorySummary names them (outlet_names over the storyline's
        feeds), stories newest first, unread articles, whether it is followed."""
        read = self._core.read
        ids = [int(r["id"]) for r in rows]
        feeds: dict[int, builtins.list[tuple[str, int, str]]] = {}
        stories: dict[int, builtins.list[int]] = {}
        unread: dict[int, int] = {}
        for chunk in chunks(ids):
            marks = placeholders(chunk)
            for r in read(  # each feed of each storyline: when it first reported, unread
                    "SELECT l.storyline_id, a.outlet, a.source_id, "
                    "COALESCE(NULLIF(src.title, ''), src.url) AS source_name, "
                    "MIN(a.published) AS first, SUM(CASE WHEN st.is_read = 0 THEN 1 ELSE 0 END) AS unread "
                    "FROM story_links l JOIN story_articles sa ON sa.story_id = l.story_id "
                    "JOIN articles a ON a.id = sa.article_id "
                    "JOIN statuses st ON st.article_id = a.id "
                    f"JOIN sources src ON src.id = a.source_id WHERE l.storyline_id IN ({marks}) "
                    "GROUP BY l.storyline_id, a.outlet, a.source_id, src.id "
                    "ORDER BY l.storyline_id, first, a.outlet, a.source_id", chunk):
                feeds.setdefault(int(r[0]), []).append((r[1], int(r[2]), r[3]))
                unread[int(r[0])] = unread.get(int(r[0]), 0) + int(r[5])
            for r in read(
                    "SELECT l.storyline_id, l.story_id FROM story_links l "
                    f"JOIN stories s ON s.id = l.story_id WHERE l.storyline_id IN ({marks}) "
                    "ORDER BY s.last_seen DESC, s.id DESC", chunk):
                stories.setdefault(int(r[0]), []).append(int(r[1]))
        followed = {r[0] for r in read("SELECT key FROM follows WHERE kind = 'storyline'")}
        found: builtins.list[StorylineSummary] = []
        for r in rows:
            sid = int(r["id"])
            own = feeds.get(sid, [])
            names = outlet_names(own)
            found.append(StorylineSummary(
                id=sid, label=r["label"],
                first_seen=stored_date(r["first_seen"] or r["own_first"]),
                last_seen=stored_date(r["last_seen"] or r["own_last"]), events=int(r["events"]),
                outlets=tuple(dict.fromkeys(names[outlet] for outlet, _, _ in own)),
                story_ids=tuple(stories.get(sid, ())), unread=unread.get(sid, 0),
                followed=str(sid) in followed))
        return found

    # ---------------------------------------------------------------- corrections

    def add_correction(self, kind: str, articles: Sequence[str], anchor: Sequence[str],
                       editor: str) -> Correction:
        if kind not in CORRECTION_KINDS:
            raise ValueError(f"A correction is one of {', '.join(CORRECTION_KINDS)}, "
                             f"not {kind!r}.")
        created = _now()
        moved, kept = tuple(dict.fromkeys(articles)), tuple(dict.fromkeys(anchor))
        with self._core.write() as conn:
            correction_id = int(conn.execute(
                "INSERT INTO story_corrections(kind, articles, anchor, editor, created) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                [kind, json.dumps(builtins.list(moved)), json.dumps(builtins.list(kept)),
                 editor, to_iso(created)]).fetchone()[0])
        return Correction(id=correction_id, kind=kind, articles=moved, anchor=kept,
                          editor=editor, created=created)

    def corrections(self) -> builtins.list[Correction]:
        return [_correction(r) for r in self._core.read(
            "SELECT * FROM story_corrections ORDER BY id")]

    def remove_correction(self, correction_id: int) -> None:
        with self._core.write() as conn:
            conn.execute("DELETE FROM story_corrections WHERE id = ?", [correction_id])

    # ---------------------------------------------------------------- copies

    def copies(self, article_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """See StoriesFacet.copies. Up the duplicate_of chains to each root, then down from
        the roots through story_articles_duplicate, a query per chunk and step (chains are
        kept one step long, so that is two or three reads); a cycle stops the walk."""
        read = self._core.read
        parent: dict[str, str | None] = {}
        frontier = builtins.list(dict.fromkeys(article_ids))
        while frontier:
            got: dict[str, str | None] = {}
            for chunk in chunks(frontier):
                got.update({r[0]: r[1] for r in read(
                    "SELECT article_id, duplicate_of FROM story_articles "
                    f"WHERE article_id IN ({placeholders(chunk)})", chunk)})
            for i in frontier:  # None: not a copy (or in no story)
                parent[i] = got.get(i)
            frontier = builtins.list(dict.fromkeys(
                p for p in got.values() if p is not None and p not in parent))

        def root(article_id: str) -> str:
            seen = {article_id}
            while (up := parent.get(article_id)) is not None and up not in seen:
                seen.add(up)
                article_id = up
            return article_id

        roots = {i: root(i) for i in dict.fromkeys(article_ids)}
        members: dict[str, set[str]] = {r: {r} for r in roots.values()}
        group_of = {r: r for r in members}
        frontier = builtins.list(members)
        while frontier:
            found: builtins.list[tuple[str, str]] = []
            for chunk in chunks(frontier):
                found += [(r[0], r[1]) for r in read(
                    "SELECT article_id, duplicate_of FROM story_articles "
                    f"WHERE duplicate_of IN ({placeholders(chunk)})", chunk)]
            frontier = []
            for child, up in found:
                if child not in group_of:
                    group_of[child] = group_of[up]
                    members[group_of[up]].add(child)
                    frontier.append(child)
        every = sorted({m for group in members.values() for m in group})
        dated: dict[str, tuple[str, int]] = {}
        for chunk in chunks(every):
            dated.update({r[0]: (r[1], int(r[2])) for r in read(
                f"SELECT id, published, num FROM articles WHERE id IN ({placeholders(chunk)})",
                chunk)})
        groups: dict[str, tuple[str, ...]] = {}
        for top, group in members.items():
            present = [m for m in group if m in dated]
            if len(present) < 2:
                continue
            later = sorted((m for m in present if m != top), key=lambda m: (dated[m], m))
            groups[top] = (top, *later) if top in dated else tuple(later)
        return {i: groups[r] for i, r in roots.items() if r in groups}

    # ---------------------------------------------------------------- follows

    def follow(self, follow: Follow) -> None:
        if follow.kind not in FOLLOW_KINDS:
            raise ValueError(f"One follows a storyline or a topic, not {follow.kind!r}.")
        with self._core.write() as conn:
            conn.execute(
                "INSERT INTO follows(kind, key, events, outlets, anchor, position) "
                "VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM follows)) "
                "ON CONFLICT(kind, key) DO UPDATE SET events = excluded.events, "
                "outlets = excluded.outlets, anchor = excluded.anchor",
                [follow.kind, follow.key, follow.events, json.dumps(builtins.list(follow.outlets)),
                 json.dumps(builtins.list(follow.anchor))])

    def unfollow(self, kind: str, key: str) -> None:
        with self._core.write() as conn:
            conn.execute("DELETE FROM follows WHERE kind = ? AND key = ?", [kind, key])

    def follows(self) -> builtins.list[Follow]:
        return [Follow(kind=r["kind"], key=r["key"], events=int(r["events"]),
                       outlets=tuple(json.loads(r["outlets"])),
                       anchor=tuple(json.loads(r["anchor"])))
                for r in self._core.read("SELECT * FROM follows ORDER BY position, kind, key")]
