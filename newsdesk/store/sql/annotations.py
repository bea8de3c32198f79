"""Editors' annotations: tags, codes and notes, tag colours and codebooks.

Tables of migration 0010. Every write is one transaction; bulk writes read what is there
first (by article id, in chunks) and write the difference with executemany, so tagging a
thousand articles costs a few indexed reads and one batch, whatever the database's size.
"""

from __future__ import annotations

import builtins
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from newsdesk.dates import from_iso, to_iso
from newsdesk.errors import NotFoundError, StoreError
from newsdesk.models import Annotation, ArticleRef, Codebook, Tag, TextQuote
from newsdesk.store.sql.core import CHUNK, Conn, Core, Row, placeholders

_TARGETS = ("article", "story")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_KIND_ORDER = {"tag": 0, "code": 1, "note": 2}
# How helpers run a statement: a write's `conn.execute`, or the core's `read`.
Run = Callable[[str, Sequence[Any]], Iterable[Row]]


def _now() -> datetime:
    """Now, as the store keeps it (to the second), so what a call returns equals what a
    later read gives."""
    now = from_iso(to_iso(datetime.now(UTC)))
    assert now is not None
    return now


def _date(value: str) -> datetime:
    return from_iso(value) or datetime.min.replace(tzinfo=UTC)


def _target(target: str) -> str:
    if target not in _TARGETS:
        raise ValueError(f"An annotation is on an article or a story, not {target!r}.")
    return target


def _tag_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValueError("A tag needs a name.")
    return cleaned


def _chunks(values: Sequence[str]) -> Iterable[builtins.list[str]]:
    for start in range(0, len(values), CHUNK):
        yield builtins.list(values[start:start + CHUNK])


def _tag_of(row: Row) -> Annotation:
    return Annotation(kind="tag", article_id=row["article_id"], editor=row["editor"],
                      created=_date(row["created"]), target=row["target"], tag=row["tag"])


def _code_of(row: Row) -> Annotation:
    return Annotation(kind="code", article_id=row["article_id"], editor=row["editor"],
                      created=_date(row["created"]), codebook=row["codebook"],
                      value=row["value"])


def _note_of(row: Row) -> Annotation:
    quote = None if row["quote_exact"] is None else TextQuote(
        row["quote_exact"], row["quote_prefix"], row["quote_suffix"])
    return Annotation(kind="note", article_id=row["article_id"], editor=row["editor"],
                      created=_date(row["created"]), target=row["target"], id=row["id"],
                      text=row["text"], quote=quote)


def _identity(a: Annotation) -> tuple[str, ...]:
    """What `remove` matches an annotation by: what it says and who said it, or its id."""
    if a.kind == "note":
        return ("note", a.id)
    if a.kind == "code":
        return ("code", a.article_id, a.codebook.casefold(), a.editor, a.value.casefold())
    return ("tag", a.article_id, a.target, a.tag.casefold(), a.editor)


_TAG_SELECT = ("SELECT ta.article_id, ta.target, t.name AS tag, ta.editor, ta.created "
               "FROM tag_assignments ta JOIN tags t ON t.name = ta.tag")
_CODE_SELECT = ("SELECT c.article_id, b.name AS codebook, c.value, c.editor, c.created "
                "FROM codes c JOIN codebooks b ON b.name = c.codebook")


class SqlAnnotations:
    """The annotations facet (see newsdesk.store.api.AnnotationsFacet)."""

    def __init__(self, core: Core) -> None:
        self._core = core

    # ---------------------------------------------------------------- helpers

    @staticmethod
    def _check_articles(conn: Conn, article_ids: Iterable[str]) -> None:
        """NotFoundError naming the first id that is not stored."""
        ids = builtins.list(dict.fromkeys(article_ids))
        for chunk in _chunks(ids):
            found = {r[0] for r in conn.execute(
                f"SELECT id FROM articles WHERE id IN ({placeholders(chunk)})", chunk)}
            missing = [i for i in chunk if i not in found]
            if missing:
                raise NotFoundError(f"There is no article with id {missing[0]}.")

    @staticmethod
    def _codebook(conn: Conn, name: str) -> tuple[str, builtins.list[str]]:
        """(stored name, values in order) of a codebook; NotFoundError if there is none."""
        row = conn.execute("SELECT name FROM codebooks WHERE name = ?", [name]).fetchone()
        if row is None:
            raise NotFoundError(f"There is no codebook named {name!r}.")
        values = [r[0] for r in conn.execute(
            "SELECT value FROM codebook_values WHERE codebook = ? ORDER BY position", [row[0]])]
        return str(row[0]), values

    @staticmethod
    def _value(book: str, values: builtins.list[str], value: str) -> str:
        """The codebook's own spelling of `value` (case-insensitive); ValueError if absent."""
        for known in values:
            if known.casefold() == value.strip().casefold():
                return known
        raise ValueError(f"{value!r} is not a value of the codebook {book!r} "
                         f"(its values: {', '.join(values)}).")

    @staticmethod
    def _ensure_tags(conn: Conn, names: Iterable[str], created: str,
                     color: str = "") -> dict[str, str]:
        """Define the tags that are not yet; return each name's stored spelling by casefold."""
        spelled: dict[str, str] = {}
        for name in names:
            conn.execute("INSERT INTO tags(name, color, created) VALUES (?, ?, ?) "
                         "ON CONFLICT DO NOTHING", [name, color, created])
            row = conn.execute("SELECT name FROM tags WHERE name = ?", [name]).fetchone()
            spelled[name.casefold()] = str(row[0])
        return spelled

    @staticmethod
    def _tags_on(run: Run, article_ids: Sequence[str],
                 extra: str = "", params: Sequence[object] = ()) -> builtins.list[Annotation]:
        found: builtins.list[Annotation] = []
        for chunk in _chunks(builtins.list(dict.fromkeys(article_ids))):
            found += [_tag_of(r) for r in run(
                f"{_TAG_SELECT} WHERE ta.article_id IN ({placeholders(chunk)}){extra}",
                [*chunk, *params])]
        return found

    @staticmethod
    def _codes_on(run: Run, article_ids: Sequence[str],
                  extra: str = "", params: Sequence[object] = ()) -> builtins.list[Annotation]:
        found: builtins.list[Annotation] = []
        for chunk in _chunks(builtins.list(dict.fromkeys(article_ids))):
            found += [_code_of(r) for r in run(
                f"{_CODE_SELECT} WHERE c.article_id IN ({placeholders(chunk)}){extra}",
                [*chunk, *params])]
        return found

    @staticmethod
    def _notes_on(run: Run, article_ids: Sequence[str]) -> builtins.list[Annotation]:
        found: builtins.list[Annotation] = []
        for chunk in _chunks(builtins.list(dict.fromkeys(article_ids))):
            found += [_note_of(r) for r in run(
                f"SELECT * FROM notes WHERE article_id IN ({placeholders(chunk)})", chunk)]
        return found

    # ---------------------------------------------------------------- tags

    def tag(self, article_ids: Sequence[str], tags: Sequence[str], editor: str, *,
            target: str = "article") -> builtins.list[Annotation]:
        _target(target)
        names = builtins.list(dict.fromkeys(_tag_name(t) for t in tags))
        ids = builtins.list(dict.fromkeys(article_ids))
        if not names or not ids:
            return []
        now = _now()
        stamp = to_iso(now)
        assert stamp is not None
        with self._core.write() as conn:
            self._check_articles(conn, ids)
            spelled = self._ensure_tags(conn, dict.fromkeys(n for n in names), stamp)
            wanted = builtins.list(dict.fromkeys(spelled[n.casefold()] for n in names))
            have = {(a.article_id, a.tag.casefold()) for a in self._tags_on(
                conn.execute, ids, f" AND ta.target = ? AND ta.tag IN ({placeholders(wanted)})",
                [target, *wanted])}
            new = [Annotation(kind="tag", article_id=i, editor=editor, created=now,
                              target=target, tag=t)
                   for i in ids for t in wanted if (i, t.casefold()) not in have]
            conn.executemany(
                "INSERT INTO tag_assignments(article_id, target, tag, editor, created) "
                "VALUES (?, ?, ?, ?, ?)", [(a.article_id, target, a.tag, editor, stamp)
                                           for a in new])
        return new

    def untag(self, article_ids: Sequence[str], tags: Sequence[str], *,
              target: str = "article") -> builtins.list[Annotation]:
        _target(target)
        names = builtins.list(dict.fromkeys(_tag_name(t) for t in tags))
        if not names or not article_ids:
            return []  # nothing to take off
        with self._core.write() as conn:
            self._check_articles(conn, article_ids)
            gone = self._tags_on(conn.execute, article_ids,
                                 f" AND ta.target = ? AND ta.tag IN ({placeholders(names)})",
                                 [target, *names])
            conn.executemany(
                "DELETE FROM tag_assignments WHERE article_id = ? AND target = ? AND tag = ?",
                [(a.article_id, a.target, a.tag) for a in gone])
        return gone

    def tags(self) -> builtins.list[Tag]:
        rows = self._core.read(
            "SELECT t.name, t.color, "
            "(SELECT COUNT(*) FROM tag_assignments ta WHERE ta.tag = t.name "
            " AND ta.target = 'article') AS articles, "
            "(SELECT COUNT(*) FROM tag_assignments ta WHERE ta.tag = t.name "
            " AND ta.target = 'story') AS stories "
            f"FROM tags t ORDER BY {self._core.dialect.nocase('t.name')}")
        return [Tag(r["name"], r["color"], int(r["articles"]), int(r["stories"])) for r in rows]

    def _tag_record(self, conn: Conn, name: str) -> Tag:
        name = " ".join(name.split())  # as _tag_name stores it
        row = conn.execute(
            "SELECT t.name, t.color, "
            "(SELECT COUNT(*) FROM tag_assignments ta WHERE ta.tag = t.name "
            " AND ta.target = 'article'), "
            "(SELECT COUNT(*) FROM tag_assignments ta WHERE ta.tag = t.name "
            " AND ta.target = 'story') FROM tags t WHERE t.name = ?", [name]).fetchone()
        if row is None:
            raise NotFoundError(f"There is no tag named {name!r}.")
        return Tag(row[0], row[1], int(row[2]), int(row[3]))

    def define_tag(self, name: str, color: str = "") -> Tag:
        name = _tag_name(name)
        color = color.strip()
        if color and not _COLOR.fullmatch(color):
            raise ValueError(f"{color!r} is not a colour: write it as #rrggbb, or leave it empty.")
        with self._core.write() as conn:
            stored = self._ensure_tags(conn, [name], to_iso(datetime.now(UTC)) or "",
                                       color.lower())[name.casefold()]
            if color:
                conn.execute("UPDATE tags SET color = ? WHERE name = ? AND color = ''",
                             [color.lower(), stored])
            return self._tag_record(conn, stored)

    def set_tag_color(self, name: str, color: str) -> Tag:
        color = color.strip()
        if color and not _COLOR.fullmatch(color):
            raise ValueError(f"{color!r} is not a colour: write it as #rrggbb, or leave it empty.")
        with self._core.write() as conn:
            self._tag_record(conn, name)
            stored = self._tag_record(conn, name).name
            conn.execute("UPDATE tags SET color = ? WHERE name = ?", [color.lower(), stored])
            return self._tag_record(conn, stored)

    def rename_tag(self, old: str, new: str) -> Tag:
        new = _tag_name(new)
        with self._core.write() as conn:
            current = self._tag_record(conn, old).name
            other = conn.execute("SELECT name FROM tags WHERE name = ?", [new]).fetchone()
            if other is not None and str(other[0]).casefold() != current.casefold():
                raise StoreError(f"There is already a tag named {other[0]!r}; merge the two "
                                 "instead. Nothing was changed.")
            if new != current:  # ON UPDATE CASCADE carries every assignment along
                conn.execute("UPDATE tags SET name = ? WHERE name = ?", [new, current])
            return self._tag_record(conn, new)

    def merge_tags(self, source: str, into: str) -> int:
        into = _tag_name(into)
        with self._core.write() as conn:
            moving = self._tag_record(conn, source)
            if moving.name.casefold() == into.casefold():
                return 0
            row = conn.execute("SELECT created FROM tags WHERE name = ?", [moving.name]).fetchone()
            target = self._ensure_tags(conn, [into], str(row[0]), moving.color)[into.casefold()]
            conn.execute(
                "INSERT INTO tag_assignments(article_id, target, tag, editor, created) "
                "SELECT article_id, target, ?, editor, created FROM tag_assignments "
                "WHERE tag = ? ON CONFLICT DO NOTHING", [target, moving.name])
            had = conn.execute("DELETE FROM tag_assignments WHERE tag = ?", [moving.name]).rowcount
            conn.execute("DELETE FROM tags WHERE name = ?", [moving.name])
        return int(had)

    def remove_tag(self, name: str) -> int:
        with self._core.write() as conn:
            found = self._tag_record(conn, name)
            gone = conn.execute("DELETE FROM tag_assignments WHERE tag = ?", [found.name]).rowcount
            conn.execute("DELETE FROM tags WHERE name = ?", [found.name])
        return int(gone)

    # ---------------------------------------------------------------- codes

    def code(self, article_ids: Sequence[str], codebook: str, value: str,
             editor: str) -> tuple[builtins.list[Annotation], builtins.list[Annotation]]:
        ids = builtins.list(dict.fromkeys(article_ids))
        now = _now()
        with self._core.write() as conn:
            book, values = self._codebook(conn, codebook)
            value = self._value(book, values, value)
            self._check_articles(conn, ids)
            before = {a.article_id: a for a in self._codes_on(
                conn.execute, ids, " AND c.codebook = ? AND c.editor = ?", [book, editor])}
            replaced = [a for a in before.values() if a.value != value]
            new = [Annotation(kind="code", article_id=i, editor=editor, created=now,
                              codebook=book, value=value)
                   for i in ids if i not in before or before[i].value != value]
            self._write_codes(conn, new)
        return new, replaced

    @staticmethod
    def _write_codes(conn: Conn, codes: Sequence[Annotation]) -> None:
        conn.executemany(
            "INSERT INTO codes(article_id, codebook, value, editor, created) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(article_id, codebook, editor) "
            "DO UPDATE SET value = excluded.value, created = excluded.created",
            [(a.article_id, a.codebook, a.value, a.editor, to_iso(a.created)) for a in codes])

    def uncode(self, article_ids: Sequence[str], codebook: str,
               editor: str) -> builtins.list[Annotation]:
        with self._core.write() as conn:
            book, _ = self._codebook(conn, codebook)
            self._check_articles(conn, article_ids)
            gone = self._codes_on(conn.execute, article_ids, " AND c.codebook = ? AND c.editor = ?",
                                  [book, editor])
            conn.executemany("DELETE FROM codes WHERE article_id = ? AND codebook = ? "
                             "AND editor = ?", [(a.article_id, book, editor) for a in gone])
        return gone

    def coded(self, codebook: str) -> builtins.list[Annotation]:
        rows = self._core.read("SELECT name FROM codebooks WHERE name = ?", [codebook])
        if not rows:
            raise NotFoundError(f"There is no codebook named {codebook!r}.")
        return [_code_of(r) for r in self._core.read(
            f"{_CODE_SELECT} WHERE c.codebook = ? ORDER BY c.article_id, c.editor", [rows[0][0]])]

    # ---------------------------------------------------------------- notes

    def add_note(self, article_id: str, text: str, editor: str, *,
                 quote: TextQuote | None = None, target: str = "article") -> Annotation:
        _target(target)
        if not text.strip() and quote is None:
            raise ValueError("A note needs some text (or a highlighted passage).")
        note = Annotation(kind="note", article_id=article_id, editor=editor, created=_now(),
                          target=target, id=str(uuid.uuid4()), text=text, quote=quote)
        with self._core.write() as conn:
            self._check_articles(conn, [article_id])
            self._write_notes(conn, [note])
        return note

    @staticmethod
    def _write_notes(conn: Conn, notes: Sequence[Annotation]) -> None:
        conn.executemany(
            "INSERT INTO notes(id, article_id, target, editor, created, updated, text, "
            "quote_exact, quote_prefix, quote_suffix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET article_id = excluded.article_id, "
            "target = excluded.target, editor = excluded.editor, created = excluded.created, "
            "updated = excluded.updated, text = excluded.text, "
            "quote_exact = excluded.quote_exact, quote_prefix = excluded.quote_prefix, "
            "quote_suffix = excluded.quote_suffix",
            [(n.id, n.article_id, n.target, n.editor, to_iso(n.created),
              to_iso(datetime.now(UTC)), n.text,
              None if n.quote is None else n.quote.exact,
              "" if n.quote is None else n.quote.prefix,
              "" if n.quote is None else n.quote.suffix) for n in notes])

    def note(self, note_id: str) -> Annotation:
        rows = self._core.read("SELECT * FROM notes WHERE id = ?", [note_id])
        if not rows:
            raise NotFoundError(f"There is no note with id {note_id}.")
        return _note_of(rows[0])

    def edit_note(self, note_id: str, text: str) -> Annotation:
        with self._core.write() as conn:
            row = conn.execute("SELECT quote_exact FROM notes WHERE id = ?", [note_id]).fetchone()
            if row is None:
                raise NotFoundError(f"There is no note with id {note_id}.")
            if not text.strip() and row[0] is None:
                raise ValueError("A note needs some text.")
            conn.execute("UPDATE notes SET text = ?, updated = ? WHERE id = ?",
                         [text, to_iso(datetime.now(UTC)), note_id])
            return _note_of(conn.execute("SELECT * FROM notes WHERE id = ?", [note_id]).fetchone())

    # ---------------------------------------------------------------- undo and import

    def restore(self, annotations: Sequence[Annotation]) -> builtins.list[Annotation]:
        if not annotations:
            return []
        with self._core.write() as conn:
            books: dict[str, tuple[str, builtins.list[str]]] = {}
            tags: builtins.list[Annotation] = []
            codes: builtins.list[Annotation] = []
            notes: builtins.list[Annotation] = []
            for a in annotations:
                if a.kind == "tag":
                    _target(a.target)
                    tags.append(a)
                elif a.kind == "code":
                    key = a.codebook.casefold()
                    if key not in books:
                        books[key] = self._codebook(conn, a.codebook)
                    book, values = books[key]
                    codes.append(Annotation(kind="code", article_id=a.article_id, editor=a.editor,
                                            created=a.created, codebook=book,
                                            value=self._value(book, values, a.value)))
                elif a.kind == "note":
                    _target(a.target)
                    if not a.id or (not a.text.strip() and a.quote is None):
                        raise ValueError("A note to restore needs its id and some text "
                                         "(or a highlighted passage).")
                    notes.append(a)
                else:
                    raise ValueError(f"An annotation is a tag, a code or a note, not {a.kind!r}.")
            self._check_articles(conn, (a.article_id for a in annotations))
            added: builtins.list[Annotation] = []
            if tags:
                stamp = min(to_iso(a.created) or "" for a in tags)
                spelled = self._ensure_tags(conn, dict.fromkeys(_tag_name(a.tag) for a in tags),
                                            stamp)
                have = {(a.article_id, a.target, a.tag.casefold())
                        for a in self._tags_on(conn.execute, [a.article_id for a in tags])}
                fresh: dict[tuple[str, str, str], Annotation] = {}
                for a in tags:
                    name = spelled[_tag_name(a.tag).casefold()]
                    place = (a.article_id, a.target, name.casefold())
                    if place not in have and place not in fresh:
                        fresh[place] = Annotation(kind="tag", article_id=a.article_id,
                                                editor=a.editor, created=a.created,
                                                target=a.target, tag=name)
                conn.executemany(
                    "INSERT INTO tag_assignments(article_id, target, tag, editor, created) "
                    "VALUES (?, ?, ?, ?, ?)", [(a.article_id, a.target, a.tag, a.editor,
                                                to_iso(a.created)) for a in fresh.values()])
                added += fresh.values()
            if codes:
                have_codes = {(c.article_id, c.codebook.casefold(), c.editor): c
                              for c in self._codes_on(conn.execute, [a.article_id for a in codes])}
                latest = {(a.article_id, a.codebook.casefold(), a.editor): a for a in codes}
                changed = [a for key, a in latest.items() if have_codes.get(key) != a]
                self._write_codes(conn, changed)
                added += changed
            if notes:
                ids = builtins.list(dict.fromkeys(n.id for n in notes))
                stored: dict[str, Annotation] = {}
                for chunk in _chunks(ids):
                    stored.update({r["id"]: _note_of(r) for r in conn.execute(
                        f"SELECT * FROM notes WHERE id IN ({placeholders(chunk)})", chunk)})
                latest_notes = {n.id: n for n in notes}
                changed_notes = [n for i, n in latest_notes.items() if stored.get(i) != n]
                self._write_notes(conn, changed_notes)
                added += changed_notes
        return added

    def remove(self, annotations: Sequence[Annotation]) -> builtins.list[Annotation]:
        if not annotations:
            return []
        removed: builtins.list[Annotation] = []
        with self._core.write() as conn:
            tags = [a for a in annotations if a.kind == "tag"]
            if tags:
                wanted = {(a.article_id, a.target, a.tag.casefold(), a.editor) for a in tags}
                gone = [t for t in self._tags_on(conn.execute, [a.article_id for a in tags])
                        if (t.article_id, t.target, t.tag.casefold(), t.editor) in wanted]
                conn.executemany("DELETE FROM tag_assignments WHERE article_id = ? "
                                 "AND target = ? AND tag = ?",
                                 [(t.article_id, t.target, t.tag) for t in gone])
                removed += gone
            codes = [a for a in annotations if a.kind == "code"]
            if codes:
                wanted_codes = {(a.article_id, a.codebook.casefold(), a.editor,
                                 a.value.casefold()) for a in codes}
                gone = [c for c in self._codes_on(conn.execute, [a.article_id for a in codes])
                        if (c.article_id, c.codebook.casefold(), c.editor,
                            c.value.casefold()) in wanted_codes]
                conn.executemany("DELETE FROM codes WHERE article_id = ? AND codebook = ? "
                                 "AND editor = ?",
                                 [(c.article_id, c.codebook, c.editor) for c in gone])
                removed += gone
            ids = builtins.list(dict.fromkeys(a.id for a in annotations if a.kind == "note"))
            for chunk in _chunks(ids):
                gone = [_note_of(r) for r in conn.execute(
                    f"SELECT * FROM notes WHERE id IN ({placeholders(chunk)})", chunk)]
                conn.executemany("DELETE FROM notes WHERE id = ?", [(n.id,) for n in gone])
                removed += gone
        order = {_identity(a): n for n, a in reversed(builtins.list(enumerate(annotations)))}
        return sorted(removed, key=lambda a: order.get(_identity(a), len(order)))

    # ---------------------------------------------------------------- reading

    def of_articles(self, article_ids: Sequence[str]) -> dict[str, builtins.list[Annotation]]:
        read = self._core.read
        found = (self._tags_on(read, article_ids) + self._codes_on(read, article_ids)
                 + self._notes_on(read, article_ids))
        found.sort(key=lambda a: (_KIND_ORDER[a.kind], a.created, a.target, a.tag.casefold(),
                                  a.codebook.casefold(), a.editor, a.id))
        result: dict[str, builtins.list[Annotation]] = {}
        for a in found:
            result.setdefault(a.article_id, []).append(a)
        return result

    # ---------------------------------------------------------------- codebooks

    def codebooks(self) -> builtins.list[Codebook]:
        books = self._core.read("SELECT name, description, builtin FROM codebooks ORDER BY "
                                "builtin DESC, CASE WHEN builtin <> 0 THEN position END, "
                                f"{self._core.dialect.nocase('name')}")
        values: dict[str, builtins.list[str]] = {}
        for r in self._core.read("SELECT codebook, value FROM codebook_values "
                                 "ORDER BY codebook, position"):
            values.setdefault(str(r[0]).casefold(), []).append(r[1])
        return [Codebook(r["name"], tuple(values.get(str(r["name"]).casefold(), ())),
                         r["description"], bool(r["builtin"])) for r in books]

    def add_codebook(self, name: str, values: Sequence[str], description: str = "") -> Codebook:
        name = " ".join(name.split())
        if not name:
            raise ValueError("A codebook needs a name.")
        cleaned = [" ".join(v.split()) for v in values]
        if not cleaned or any(not v for v in cleaned):
            raise ValueError("A codebook needs at least one value, and no value may be empty.")
        folded = [v.casefold() for v in cleaned]
        if len(set(folded)) != len(folded):
            twice = next(v for v in cleaned if folded.count(v.casefold()) > 1)
            raise ValueError(f"The value {twice!r} is in the codebook twice.")
        with self._core.write() as conn:
            row = conn.execute("SELECT name FROM codebooks WHERE name = ?", [name]).fetchone()
            if row is not None:
                book, existing = self._codebook(conn, name)
                if [v.casefold() for v in existing] != folded:
                    raise StoreError(f"There is already a codebook named {book!r}, with other "
                                     f"values ({', '.join(existing)}); nothing was changed.")
            else:
                conn.execute("INSERT INTO codebooks(name, description, builtin, position) "
                             "VALUES (?, ?, 0, 0)", [name, description])
                conn.executemany("INSERT INTO codebook_values(codebook, position, value) "
                                 "VALUES (?, ?, ?)", [(name, i, v) for i, v in enumerate(cleaned)])
            r = conn.execute("SELECT name, description, builtin FROM codebooks WHERE name = ?",
                             [name]).fetchone()
            _, stored = self._codebook(conn, name)
        return Codebook(r[0], tuple(stored), r[1], bool(r[2]))

    def remove_codebook(self, name: str) -> int:
        with self._core.write() as conn:
            book, _ = self._codebook(conn, name)
            gone = conn.execute("DELETE FROM codes WHERE codebook = ?", [book]).rowcount
            conn.execute("DELETE FROM codebook_values WHERE codebook = ?", [book])
            conn.execute("DELETE FROM codebooks WHERE name = ?", [book])
        return int(gone)

    # ---------------------------------------------------------------- between databases

    def find_articles(self, refs: Sequence[ArticleRef]) -> builtins.list[str | None]:
        """See AnnotationsFacet.find_articles: the distinct URLs, then the GUIDs still
        unmatched, are looked up in chunks with IN (...) (two or three reads per thousand
        refs, not per ref)."""
        read = self._core.read
        by_url: dict[str, builtins.list[tuple[str, str]]] = {}
        urls = builtins.list(dict.fromkeys(r.url for r in refs if r.url))
        for chunk in _chunks(urls):
            for row in read("SELECT a.url, a.id, s.url AS feed FROM articles a JOIN sources s "
                            f"ON s.id = a.source_id WHERE a.url IN ({placeholders(chunk)}) "
                            "ORDER BY a.num", chunk):
                by_url.setdefault(row[0], []).append((str(row[1]), row[2]))
        found: builtins.list[str | None] = []
        for ref in refs:
            rows = by_url.get(ref.url or "", [])
            own = [r for r in rows if ref.feed_url and r[1] == ref.feed_url]
            found.append((own or rows)[0][0] if rows else None)
        by_guid: dict[str, builtins.list[tuple[str, str]]] = {}
        guids = builtins.list(dict.fromkeys(r.guid for r, hit in zip(refs, found, strict=True)
                                            if hit is None and r.guid))
        for chunk in _chunks(guids):
            for row in read("SELECT a.guid, a.id, s.url AS feed FROM articles a JOIN sources s "
                            f"ON s.id = a.source_id WHERE a.guid IN ({placeholders(chunk)}) "
                            "ORDER BY a.num", chunk):
                by_guid.setdefault(row[0], []).append((str(row[1]), row[2]))
        for n, ref in enumerate(refs):
            if found[n] is not None or not ref.guid:
                continue
            rows = by_guid.get(ref.guid, [])
            own = [r for r in rows if ref.feed_url and r[1] == ref.feed_url]
            found[n] = own[0][0] if own else rows[0][0] if len(rows) == 1 else None
        return found

    def refs(self, article_ids: Sequence[str]) -> dict[str, ArticleRef]:
        result: dict[str, ArticleRef] = {}
        for chunk in _chunks(builtins.list(dict.fromkeys(article_ids))):
            for r in self._core.read(
                    "SELECT a.id, a.url, a.guid, s.url AS feed_url, a.title, a.outlet, "
                    "a.published FROM articles a JOIN sources s ON s.id = a.source_id "
                    f"WHERE a.id IN ({placeholders(chunk)})", chunk):
                result[r["id"]] = ArticleRef(url=r["url"], guid=r["guid"], feed_url=r["feed_url"],
                                             title=r["title"], outlet=r["outlet"],
                                             published=from_iso(r["published"]))
        return result
