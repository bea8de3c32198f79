"""The coverage desk's reports and exchange: agreement, coverage tables, timelines, the
coverage export (memo, CSV, JSON Lines) and the import of another desk's JSON Lines.

Article ids are local to a database (they hash the local source id), so an export names
each article by its `ArticleRef` (canonical URL, GUID, feed URL) and an import finds the
local article with `store.annotations.find_articles`. An import is all or nothing (a bad
line raises before anything is stored; the writes are one transaction) and importing the
same file twice changes nothing. Conflicts keep both sides, with their authors:

- tags merge (their union);
- codes: the same editor with another value for the same article and codebook: the newer
  one becomes the code, the older is kept as a note by that editor ("Conflicting code on
  import: CODEBOOK = VALUE (coded DATE)") under an id derived from what it says, so a
  second import finds it; a value the local codebook does not have is kept the same way;
- notes: the same id and text is nothing new; the same id with another text is imported
  as a new note whose id is derived from the old id and the text.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from newsdesk.analysis.agreement import Agreement, agreement
from newsdesk.analysis.coverage import CoverageTable, coverage_table
from newsdesk.dates import from_iso, to_iso
from newsdesk.errors import AnnotationFormatError, NewsdeskError
from newsdesk.formats.annotations import (
    Exchange,
    ExchangedCorrection,
    coverage_csv,
    coverage_jsonl,
    read_jsonl,
)
from newsdesk.ingest.normalize import canonical_url
from newsdesk.models import (
    Annotation,
    ArticleQuery,
    ArticleRef,
    Codebook,
    Coverage,
    CoveredArticle,
    Headline,
    Tag,
)
from newsdesk.services.annotations import (
    MAX_NOTE_LENGTH,
    AnnotationError,
    check_articles,
    clean_codebook,
    clean_note,
    clean_tag,
    find_codebook,
    find_tag,
    story_anchor,
)
from newsdesk.services.changes import Changes
from newsdesk.services.editors import clean_editor
from newsdesk.store import Store

log = logging.getLogger(__name__)

FORMATS = ("csv", "jsonl", "md", "html")
_PAGE = 2000  # headline rows read per page when collecting an export's articles


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: lines read, annotations added, already there (unchanged), for
    articles this database does not have (unmatched annotations, on unmatched_articles
    distinct articles), and conflicts kept as both sides."""

    lines: int = 0
    added: int = 0
    unchanged: int = 0
    unmatched: int = 0
    unmatched_articles: int = 0
    conflicts: int = 0
    changes: Changes = field(default_factory=Changes)
    corrections: int = 0  # grouping corrections recorded (and applied) here


# ------------------------------------------------------------------ reports


def agreement_for(store: Store, codebook: str) -> tuple[Agreement, dict[str, str]]:
    """Krippendorff's alpha of a codebook over the articles two or more editors coded,
    with the titles of the articles they disagree on (by id)."""
    book = find_codebook(store, codebook)
    result = agreement(book.name, store.annotations.coded(book.name))
    ids = [d.article_id for d in result.disagreements]
    refs = store.annotations.refs(ids) if ids else {}
    return result, {i: refs[i].title for i in ids if i in refs}


def story_coverage_table(store: Store, story_id: int, codebook: str) -> CoverageTable:
    """A story's outlets by the codebook's values: how many of each outlet's articles
    editors coded with each value (and how many nobody coded)."""
    book = find_codebook(store, codebook)
    _, members = story_anchor(store, story_id)
    refs = store.annotations.refs(members)
    found = store.annotations.of_articles(members)
    rows: list[tuple[str, str, str | None]] = []
    for article_id in members:
        outlet = refs[article_id].outlet if article_id in refs else ""
        codes = [a for a in found.get(article_id, ())
                 if a.kind == "code" and a.codebook == book.name]
        if not codes:
            rows.append((outlet, article_id, None))
        rows += [(outlet, article_id, a.value) for a in codes]
    return coverage_table(book, rows)


def _headlines(store: Store, query: ArticleQuery) -> Iterator[Headline]:
    """Every row of a view, a page at a time, oldest first."""
    after: Headline | None = None
    while True:
        page = store.articles.headlines(query, limit=_PAGE, after=after, newest_first=False)
        yield from page
        if len(page) < _PAGE:
            return
        after = page[-1]


def tag_timeline(store: Store, tag: str) -> list[tuple[date, int]]:
    """A tag's articles per day (UTC, by published date), oldest day first; days
    without any are left out. NotFoundError for a tag that is none."""
    name = find_tag(store, tag).name
    days = Counter(h.published.astimezone(UTC).date()
                   for h in _headlines(store, ArticleQuery(tag=name)))
    return sorted(days.items())


# ------------------------------------------------------------------ export


def _selected(store: Store, *, tag: str | None, story_id: int | None,
              since: datetime | None, article_ids: Sequence[str] | None) -> list[str]:
    """The ids an export covers: the given ones; else a story's members, or the articles
    with the tag (the tag filter brings the members of a story tagged with it), or every
    annotated article; narrowed to those published since `since`."""
    if article_ids is not None:
        return check_articles(store, article_ids)
    name = find_tag(store, tag).name if tag is not None else None
    if story_id is not None:
        story_anchor(store, story_id)  # NotFoundError for a story that is none
    query = ArticleQuery(tag=name, story_id=story_id, since=since,
                         annotated=name is None and story_id is None)
    return [h.id for h in _headlines(store, query)]


def build_coverage(store: Store, *, tag: str | None = None, story_id: int | None = None,
                   since: datetime | None = None,
                   article_ids: Sequence[str] | None = None) -> Coverage:
    """The coverage an export writes: the chosen articles (see `_selected`) with their
    annotations and those of their stories, in a fixed order (published, then URL), and
    the codebooks and tags they use."""
    ids = _selected(store, tag=tag, story_id=story_id, since=since, article_ids=article_ids)
    refs = store.annotations.refs(ids)
    found = store.annotations.of_articles(ids)
    stories = store.stories.stories_of(ids)
    labels: dict[int, str] = {}
    members: dict[int, list[str]] = {}
    for one in sorted(set(stories.values())):
        members[one] = [m.article_id for m in store.stories.members(one)]
        labels[one] = store.stories.label(one)
    kept = store.annotations.of_articles([m for ms in members.values() for m in ms])
    level = {one: [a for m in ms for a in kept.get(m, ()) if a.target == "story"]
             for one, ms in members.items()}
    covered: list[CoveredArticle] = []
    for article_id in ids:
        if article_id not in refs:  # removed meanwhile
            continue
        story = stories.get(article_id)
        own = list(found.get(article_id, ()))
        shared = [] if story is None else [a for a in level.get(story, [])
                                           if a.article_id != article_id]
        covered.append(CoveredArticle(ref=refs[article_id], annotations=tuple(own + shared),
                                      article_id=article_id, story_id=story,
                                      story_label="" if story is None else labels[story]))
    covered.sort(key=lambda c: (c.ref.published or datetime.min.replace(tzinfo=UTC),
                                c.ref.url or "", c.article_id))
    everything = [a for c in covered for a in c.annotations]
    used_books = {a.codebook.casefold() for a in everything if a.kind == "code"}
    used_tags = {a.tag.casefold() for a in everything if a.kind == "tag"}
    books = tuple(b for b in store.annotations.codebooks() if b.name.casefold() in used_books)
    tags = tuple(t for t in store.annotations.tags() if t.name.casefold() in used_tags)
    return Coverage(title=_title(store, tag, story_id, since), created=_now(),
                    articles=tuple(covered), codebooks=books, tags=tags)


def _now() -> datetime:
    now = from_iso(to_iso(datetime.now(UTC)))
    assert now is not None
    return now


def _title(store: Store, tag: str | None, story_id: int | None, since: datetime | None) -> str:
    """"Coverage of story 3: Label, tag T since 2030-01-01", "Coverage since ...", or
    "Coverage desk" for everything."""
    parts: list[str] = []
    if story_id is not None:
        parts.append(f"story {story_id}: {store.stories.label(story_id)}")
    if tag is not None:
        parts.append(f"tag {find_tag(store, tag).name}")
    title = "Coverage" + (f" of {', '.join(parts)}" if parts else "")
    if since is not None:
        title += f" since {since.astimezone(UTC):%Y-%m-%d}"
    return title if parts or since is not None else "Coverage desk"


def export(store: Store, fmt: str, *, tag: str | None = None, story_id: int | None = None,
           since: datetime | None = None) -> str:
    """The coverage as text: "csv" (tidy, one row per article x annotation), "jsonl" (for
    another NewsDesk's import), "md" or "html" (a memo for people without NewsDesk)."""
    if fmt not in FORMATS:
        raise AnnotationError(f"{fmt!r} is not an export format: use one of "
                              f"{', '.join(FORMATS)}.")
    coverage = build_coverage(store, tag=tag, story_id=story_id, since=since)
    if fmt == "csv":
        return coverage_csv(coverage)
    if fmt == "jsonl":
        shown = None if tag is None and story_id is None and since is None else {
            ca.article_id for ca in coverage.articles if ca.article_id}
        return "".join(f"{line}\n" for line in coverage_jsonl(
            coverage, exported_corrections(store, shown)))
    from newsdesk.formats.coverage_memo import memo_html, memo_markdown

    return memo_markdown(coverage) if fmt == "md" else memo_html(coverage)


def exported_corrections(store: Store, articles: set[str] | None = None,
                         ) -> list[ExchangedCorrection]:
    """The grouping corrections, oldest first, with refs for their articles (those of
    `articles` only, when given: a filtered export carries the corrections it touches)."""
    made = [c for c in store.stories.corrections()
            if articles is None or articles & set(c.articles)]
    refs = store.annotations.refs(list(dict.fromkeys(
        i for c in made for i in (*c.articles, *c.anchor))))
    found = []
    for c in made:
        moved = tuple(refs[i] for i in c.articles if i in refs)
        if moved:
            found.append(ExchangedCorrection(c.kind, moved,
                                             tuple(refs[i] for i in c.anchor if i in refs),
                                             c.editor, c.created))
    return found


# ------------------------------------------------------------------ import


def ref_key(ref: ArticleRef) -> str:
    """One string naming an article across databases (for ids derived on import)."""
    if ref.url:
        return ref.url
    return f"{ref.feed_url or ''}#{ref.guid or ''}"


def conflict_note(code: Annotation, ref: ArticleRef, article_id: str) -> Annotation:
    """The note that keeps a code which lost a conflict (the older of two values, or one
    the local codebook does not have), by its editor at its time, under an id derived from
    what it says: importing the same conflict again finds it."""
    stamp = to_iso(code.created)
    name = (f"newsdesk-conflict:{ref_key(ref)}:{code.codebook}:{code.editor}:{code.value}:"
            f"{stamp}")
    return Annotation(kind="note", article_id=article_id, editor=code.editor,
                      created=code.created, id=str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
                      text=f"Conflicting code on import: {code.codebook} = {code.value} "
                           f"(coded {stamp})")


def renamed_note_id(note: Annotation) -> str:
    """The id an imported note gets when this database has its id with another text."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"newsdesk-note:{note.id}:{note.text}"))


def _checked(exchange: Exchange) -> Exchange:
    """The exchange under the rules the CLI applies to what an editor types (a tag's,
    editor's, codebook's name and values, a note's length, a comment's words), names
    as stored; AnnotationFormatError "Line N: ..." for the first line that breaks one.
    The format reads any text; what this database stores is decided here."""
    def refuse(number: int, exc: NewsdeskError) -> AnnotationFormatError:
        return AnnotationFormatError(f"Line {number}: {exc}")

    for book, number in zip(exchange.codebooks, exchange.codebook_lines, strict=True):
        try:
            clean_codebook(book.name, book.values)
        except NewsdeskError as exc:
            raise refuse(number, exc) from None
    for tag, number in zip(exchange.tags, exchange.tag_lines, strict=True):
        try:
            clean_tag(tag.name)
        except NewsdeskError as exc:
            raise refuse(number, exc) from None
    items: list[tuple[ArticleRef, Annotation]] = []
    for (ref, a), number in zip(exchange.items, exchange.item_lines, strict=True):
        try:
            # "": no creator, an annotation from before editors were recorded
            a = replace(a, editor=clean_editor(a.editor) if a.editor else "")
            if a.kind == "tag":
                a = replace(a, tag=clean_tag(a.tag))
            elif a.kind == "code":
                clean_codebook(a.codebook, [a.value])
            else:
                clean_note(a.text, highlight=a.quote is not None)
                quote = a.quote
                if quote is not None and len(quote.exact + quote.prefix + quote.suffix) \
                        > MAX_NOTE_LENGTH:
                    raise AnnotationError("The highlighted passage with its context is longer "
                                          f"than {MAX_NOTE_LENGTH:,} characters.")
        except NewsdeskError as exc:
            raise refuse(number, exc) from None
        items.append((ref, a))
    return replace(exchange, items=tuple(items))


class _Lines:
    """Counts the non-blank lines an import reads."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = lines
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            if line.strip():
                self.count += 1
            yield line


@dataclass
class _Plan:
    """What an import will write, worked out against what is stored before writing."""

    tags: set[tuple[str, str, str]]
    codes: dict[tuple[str, str, str], Annotation]
    notes: dict[str, Annotation]
    books: dict[str, Codebook]
    write: list[Annotation] = field(default_factory=list)
    added: int = 0
    unchanged: int = 0
    conflicts: int = 0

    def add(self, annotation: Annotation) -> None:
        self.write.append(annotation)
        self.added += 1

    def keep_note(self, note: Annotation) -> bool:
        """Plan a conflict's note; False when it is there already (an earlier import)."""
        if note.id in self.notes:
            self.unchanged += 1
            return False
        self.notes[note.id] = note
        self.write.append(note)
        self.conflicts += 1
        return True

    def tag(self, a: Annotation) -> None:
        key = (a.article_id, a.target, " ".join(a.tag.split()).casefold())
        if key in self.tags:
            self.unchanged += 1
            return
        self.tags.add(key)
        self.add(a)

    def code(self, a: Annotation, ref: ArticleRef) -> None:
        book = self.books.get(a.codebook.casefold())
        value = next((v for v in book.values if v.casefold() == a.value.strip().casefold()),
                     None) if book else None
        if book is None or value is None:  # nothing local can hold it: keep it as a note
            self.keep_note(conflict_note(a, ref, a.article_id))
            return
        a = replace(a, codebook=book.name, value=value, target="article")
        key = (a.article_id, book.name.casefold(), a.editor)
        current = self.codes.get(key)
        if current is None:
            self.codes[key] = a
            self.add(a)
        elif current.value == a.value:
            self.unchanged += 1
        elif a.created > current.created:  # the newer becomes the code, the older a note
            # The code is written whether or not the older one's note was kept before
            # (then this is no new conflict: the code counts as added).
            if not self.keep_note(conflict_note(current, ref, a.article_id)):
                self.added += 1
            self.codes[key] = a
            self.write.append(a)
        else:
            self.keep_note(conflict_note(a, ref, a.article_id))

    def note(self, a: Annotation) -> None:
        current = self.notes.get(a.id)
        if current is None:
            self.notes[a.id] = a
            self.add(a)
        elif current.text == a.text:
            self.unchanged += 1
        else:
            self.keep_note(replace(a, id=renamed_note_id(a)))


def _find(store: Store, refs: Sequence[ArticleRef]) -> list[str | None]:
    """The local article of each ref: by its canonical URL (stored URLs are canonical:
    another tool's "...?utm_source=x" is the same article), else by the URL as written."""
    if not refs:
        return []
    canonical = [replace(r, url=canonical_url(r.url) or r.url) for r in refs]
    found = store.annotations.find_articles(canonical)
    again = [n for n, (r, c, hit) in enumerate(zip(refs, canonical, found, strict=True))
             if hit is None and r.url != c.url]
    if again:
        for n, hit in zip(again, store.annotations.find_articles([refs[n] for n in again]),
                          strict=True):
            found[n] = hit
    return found


def import_annotations(store: Store, lines: Iterable[str]) -> ImportReport:
    """Import another desk's JSON Lines export (see the module docstring for matching and
    conflicts). A malformed line raises AnnotationFormatError ("line N: ...") and nothing
    is stored; so does anything the store refuses (one transaction)."""
    counted = _Lines(lines)
    exchange = _checked(read_jsonl(counted))
    local = _find(store, [ref for ref, _ in exchange.items])
    matched = list(dict.fromkeys(i for i in local if i is not None))
    unmatched = sum(1 for i in local if i is None)
    missing = len({(canonical_url(ref.url) or ref.url, ref.guid, ref.feed_url)
                   for (ref, _), i in zip(exchange.items, local, strict=True) if i is None})
    added_books = False
    with store.transaction():
        books = {b.name.casefold(): b for b in store.annotations.codebooks()}
        for book in exchange.codebooks:
            if book.name.casefold() not in books and book.values:
                books[book.name.casefold()] = store.annotations.add_codebook(
                    book.name, book.values, book.description)
                added_books = True
        stored = store.annotations.of_articles(matched) if matched else {}
        kept = [a for i in matched for a in stored.get(i, ())]
        plan = _Plan(
            tags={(a.article_id, a.target, a.tag.casefold()) for a in kept if a.kind == "tag"},
            codes={(a.article_id, a.codebook.casefold(), a.editor): a
                   for a in kept if a.kind == "code"},
            notes={a.id: a for a in kept if a.kind == "note"},
            books=books)
        for (ref, annotation), article_id in zip(exchange.items, local, strict=True):
            if article_id is None:
                continue
            here = replace(annotation, article_id=article_id)
            if here.kind == "tag":
                plan.tag(here)
            elif here.kind == "code":
                plan.code(here, ref)
            else:
                plan.note(here)
        try:
            written = store.annotations.restore(plan.write) if plan.write else []
            recoloured = _colour_tags(store, exchange.tags)
        except ValueError as exc:  # the store's sentence; the transaction is rolled back
            raise AnnotationError(f"Nothing was imported: {exc}") from None
    touched = _changes(written, added_books, recoloured)
    corrected = import_corrections(store, exchange.corrections)
    if corrected:
        touched = touched | Changes(story_list=True, all_articles=True)
    report = ImportReport(lines=counted.count, added=plan.added, unchanged=plan.unchanged,
                          unmatched=unmatched, unmatched_articles=missing,
                          conflicts=plan.conflicts, changes=touched, corrections=corrected)
    log.info("import: %s", report)
    return report


def import_corrections(store: Store, corrections: Sequence[ExchangedCorrection]) -> int:
    """Record the corrections whose articles this database has (one already recorded is
    not recorded twice) and apply every correction again; return how many were new."""
    if not corrections:
        return 0
    from newsdesk.services.corrections import reapply_corrections

    found = _find(store, [r for c in corrections for r in (*c.articles, *c.anchor)])
    known = {(c.kind, frozenset(c.articles), frozenset(c.anchor))
             for c in store.stories.corrections()}
    added: list[int] = []
    at = 0
    for c in corrections:
        articles = tuple(i for i in found[at:at + len(c.articles)] if i is not None)
        at += len(c.articles)
        anchor = tuple(i for i in found[at:at + len(c.anchor)] if i is not None)
        at += len(c.anchor)
        key = (c.kind, frozenset(articles), frozenset(anchor))
        if not articles or key in known or (c.anchor and not anchor):
            continue  # not here, already here, or its target story is not here
        added.append(store.stories.add_correction(c.kind, articles, anchor, c.editor).id)
        known.add(key)
    if added:
        from newsdesk.services.stories import update_stories

        update_stories(store)  # articles not grouped yet cannot be moved
        # only the new ones: applying the old ones again would undo what grouping did since
        reapply_corrections(store, relink=True, only=added)
    return len(added)


def _colour_tags(store: Store, tags: Sequence[Tag]) -> bool:
    """Define the imported tags (a tag with no assignment in the file too), giving their
    colours to tags here that have none; True if the tag list changed."""
    if not tags:
        return False
    before = {t.name.casefold(): t.color for t in store.annotations.tags()}
    changed = False
    for tag in tags:
        after = store.annotations.define_tag(tag.name, tag.color)
        changed = changed or before.get(after.name.casefold()) != after.color
    return changed


def _changes(written: Sequence[Annotation], books: bool, colours: bool) -> Changes:
    return Changes.of(annotated={a.article_id for a in written},
                      tag_list=colours or any(a.kind == "tag" for a in written),
                      codebook_list=books)
