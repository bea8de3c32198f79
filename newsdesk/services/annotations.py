"""The coverage desk's writes and reads: tags, codes and notes on articles and stories.

The one place the rules live, for the CLI and the window. Every write checks its input
first and raises a NewsdeskError with one sentence, changing nothing (an unknown article,
codebook or value, an empty tag, a passage that is not in the article); it returns an
`Edit`: what it added and removed, so `undo` can put things back exactly (editors, times
and note ids kept), and the `Changes` the faces redraw from.

A story's annotations are kept on its anchor article, its oldest member when annotated
(target "story"); a story's annotations are the story-target annotations on any of its
current members, so after re-grouping they follow their anchor, and two merged stories
show both sets.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newsdesk.analysis.anchoring import Span, locate, quote_for
from newsdesk.errors import NewsdeskError, NotFoundError
from newsdesk.models import Annotation, Article, ArticleQuery, Codebook, Tag
from newsdesk.services.changes import Changes
from newsdesk.store import Store
from newsdesk.textsafe import one_line

log = logging.getLogger(__name__)

MAX_TAG_LENGTH = 100
MAX_NOTE_LENGTH = 100_000
MAX_CODEBOOK_VALUES = 100
# Above this many articles a tag-wide change (rename, merge, remove) tells every view to
# re-read instead of naming the articles.
_NAMED_LIMIT = 5000
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


class AnnotationError(NewsdeskError):
    """A tag, code, note or codebook that cannot be saved as given (nothing was changed)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """What one write did: the annotations it added and removed (the undo's input), what
    the faces redraw, and a sentence for the status bar ("Tagged 12 articles with x.")."""

    added: tuple[Annotation, ...] = ()
    removed: tuple[Annotation, ...] = ()
    changes: Changes = field(default_factory=Changes)
    summary: str = ""


@dataclass(frozen=True, slots=True)
class PlacedNote:
    """A note as the reader shows it. `status`: "article" or "story" for a note without a
    passage; for a highlight "found" (its passage is where it was), "moved" (found after
    the article's text changed) or "lost" (no longer in the text: `span` is None)."""

    note: Annotation
    span: Span | None
    status: str


@dataclass(frozen=True, slots=True)
class ArticleAnnotations:
    """Everything editors said about one article, and about the story it is in."""

    article_id: str
    tags: tuple[Annotation, ...] = ()
    codes: tuple[Annotation, ...] = ()
    notes: tuple[PlacedNote, ...] = ()
    story_tags: tuple[Annotation, ...] = ()
    story_notes: tuple[Annotation, ...] = ()


# ------------------------------------------------------------------ checks


def _shown(text: str, limit: int = 60) -> str:
    """A user's text as a sentence quotes it: on one line, without control characters
    (an escape sequence in a refused tag must not act on the terminal), cut when long."""
    shown = one_line(text)
    return shown if len(shown) <= limit else f"{shown[:limit - 1]}…"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def clean_tag(name: str) -> str:
    """A tag name as stored (spaces around it dropped); AnnotationError for one that is
    empty, too long or holds control characters."""
    return _clean_name(name, "tag", "A tag cannot be empty: give it a name, e.g. ireland-case.")


def _clean_name(name: str, what: str, empty: str) -> str:
    """A tag's or a codebook's name as stored (white space collapsed); AnnotationError
    (`empty`, or a sentence about the `what`) for one empty, too long or with controls."""
    cleaned = " ".join(name.split()) if isinstance(name, str) else ""
    if not cleaned:
        raise AnnotationError(empty)
    if len(cleaned) > MAX_TAG_LENGTH:
        raise AnnotationError(f"The {what} {_shown(cleaned, 40)!r} is longer than "
                              f"{MAX_TAG_LENGTH} characters.")
    if _controls(name):
        raise AnnotationError(f"The {what} {_shown(cleaned, 40)!r} holds control characters.")
    return cleaned


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: dict[str, str] = {}
    for tag in tags:
        name = clean_tag(tag)
        cleaned.setdefault(name.casefold(), name)
    if not cleaned:
        raise AnnotationError("Give at least one tag.")
    return list(cleaned.values())


def clean_note(text: str, *, highlight: bool = False) -> str:
    """The note's text, stripped; a highlight may have none (the passage says it).
    AnnotationError for an empty note or one longer than MAX_NOTE_LENGTH."""
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned and not highlight:
        raise AnnotationError("A note cannot be empty: write what you want to say.")
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise AnnotationError(f"The note is longer than {MAX_NOTE_LENGTH:,} characters.")
    return cleaned


def clean_codebook(name: str, values: Sequence[str]) -> tuple[str, list[str]]:
    """A codebook's name and values as stored (spaces collapsed); AnnotationError for an
    empty or too long name, an empty, repeated, too long or control-character value, no
    values or too many."""
    cleaned_name = _clean_name(name, "codebook name", "A codebook needs a name.")
    cleaned: list[str] = []
    for value in values:
        one = " ".join(value.split()) if isinstance(value, str) else ""
        if not one:
            raise AnnotationError("A codebook value cannot be empty.")
        if any(one.casefold() == v.casefold() for v in cleaned):
            raise AnnotationError(f"The value {one!r} is given twice.")
        if _controls(value) or len(one) > MAX_TAG_LENGTH:
            raise AnnotationError(f"The value {_shown(one, 40)!r} is too long or holds "
                                  "control characters.")
        cleaned.append(one)
    if not cleaned:
        raise AnnotationError(f"The codebook {cleaned_name!r} needs at least one value, "
                              "e.g. --values supportive,critical,neutral.")
    if len(cleaned) > MAX_CODEBOOK_VALUES:
        raise AnnotationError(f"A codebook has at most {MAX_CODEBOOK_VALUES} values.")
    return cleaned_name, cleaned


def _controls(text: str) -> bool:
    """Whether a name holds control characters (inside it: spaces around it go)."""
    return any(ord(c) < 32 or ord(c) == 127 for c in text.strip())


def check_articles(store: Store, article_ids: Sequence[str]) -> list[str]:
    """The ids without repeats, in order; NotFoundError naming those not stored."""
    unique = list(dict.fromkeys(article_ids))
    if not unique:
        raise AnnotationError("Choose at least one article.")
    known = store.annotations.refs(unique)
    missing = [i for i in unique if i not in known]
    if len(missing) == 1:
        raise NotFoundError(f"There is no article with id {_shown(missing[0], 80)}.")
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise NotFoundError("There are no articles with ids "
                            f"{', '.join(_shown(m, 40) for m in missing[:3])}{more}.")
    return unique


def story_anchor(store: Store, story_id: int) -> tuple[str, list[str]]:
    """(the anchor article id, every member id) of a story; NotFoundError if it has none."""
    members = store.stories.members(story_id)
    if not members:
        raise NotFoundError(f"There is no story with id {story_id}.")
    return members[0].article_id, [m.article_id for m in members]


def find_codebook(store: Store, name: str) -> Codebook:
    """The codebook called `name` (any case); NotFoundError naming the codebooks if none."""
    books = store.annotations.codebooks()
    wanted = name.strip().casefold() if isinstance(name, str) else ""
    for book in books:
        if book.name.casefold() == wanted:
            return book
    names = ", ".join(repr(b.name) for b in books) or "none yet"
    raise NotFoundError(f"There is no codebook named {_shown(name, 40)!r}; the codebooks "
                        f"are {names}.")


def codebook_value(book: Codebook, value: str) -> str:
    """The value of `book` that `value` names: the value itself (any case) or its number
    from 1; AnnotationError listing the allowed values if it names none."""
    wanted = value.strip() if isinstance(value, str) else ""
    for allowed in book.values:
        if allowed.casefold() == wanted.casefold():
            return allowed
    if wanted.isdigit() and 1 <= int(wanted) <= len(book.values):
        return book.values[int(wanted) - 1]
    raise AnnotationError(f"{_shown(wanted, 40)!r} is not a value of the codebook "
                          f"{book.name!r}: use one of {', '.join(book.values)} (or its "
                          f"number, 1 to {len(book.values)}).")


def find_tag(store: Store, name: str) -> Tag:
    """The tag called `name` (any case); NotFoundError if there is none."""
    wanted = " ".join(name.split()).casefold() if isinstance(name, str) else ""
    for tag in store.annotations.tags():
        if tag.name.casefold() == wanted:
            return tag
    raise NotFoundError(f"There is no tag named {_shown(name, 40)!r}.")


def _ids(annotations: Iterable[Annotation]) -> set[str]:
    return {a.article_id for a in annotations}


def _edit_changes(added: Sequence[Annotation], removed: Sequence[Annotation],
                  also: Iterable[str] = ()) -> Changes:
    """The Changes of an edit: its articles (and `also`: a story's other members), and the
    tag list when a tag assignment came or went (the counts changed)."""
    touched = [*added, *removed]
    if not touched:
        return Changes()
    return Changes.of(annotated=_ids(touched) | set(also),
                      tag_list=any(a.kind == "tag" for a in touched))


# ------------------------------------------------------------------ tags


def _tag_summary(verb: str, count: int, what: str, tags: Sequence[str]) -> str:
    return f"{verb} {_plural(count, what)} {'with' if verb == 'Tagged' else 'of'} " \
           f"{', '.join(tags)}."


def tag_articles(store: Store, article_ids: Sequence[str], tags: Sequence[str],
                 editor: str) -> Edit:
    """Give every article every tag (new tags are created); the Edit holds only the
    assignments that are new, so undoing it leaves older ones alone."""
    names = _clean_tags(tags)
    ids = check_articles(store, article_ids)
    added = store.annotations.tag(ids, names, editor)
    if not added:
        summary = (f"{'It' if len(ids) == 1 else 'They'} already had "
                   f"{', '.join(names)}.")
    else:
        summary = _tag_summary("Tagged", len(_ids(added)), "article", names)
    return Edit(added=tuple(added), changes=_edit_changes(added, ()), summary=summary)


def untag_articles(store: Store, article_ids: Sequence[str], tags: Sequence[str]) -> Edit:
    """Take the tags (whoever gave them) off the articles; undo gives them back as they were."""
    names = _clean_tags(tags)
    ids = check_articles(store, article_ids)
    removed = store.annotations.untag(ids, names)
    summary = (_tag_summary("Untagged", len(_ids(removed)), "article", names) if removed
               else f"{'It' if len(ids) == 1 else 'They'} had no {', '.join(names)}.")
    return Edit(removed=tuple(removed), changes=_edit_changes((), removed), summary=summary)


def tag_story(store: Store, story_id: int, tags: Sequence[str], editor: str) -> Edit:
    """Tag a story: the tags are kept on its anchor (its oldest member) with target
    "story", unless one of its members already carries them for the story."""
    names = _clean_tags(tags)
    anchor, members = story_anchor(store, story_id)
    have = {a.tag.casefold() for a in _story_level(store, members) if a.kind == "tag"}
    new = [n for n in names if n.casefold() not in have]
    added = store.annotations.tag([anchor], new, editor, target="story") if new else []
    summary = (f"Tagged story {story_id} with {', '.join(names)}." if added
               else f"Story {story_id} already had {', '.join(names)}.")
    return Edit(added=tuple(added), changes=_edit_changes(added, (), members), summary=summary)


def untag_story(store: Store, story_id: int, tags: Sequence[str]) -> Edit:
    """Take the tags off a story, from whichever of its members keeps them."""
    names = _clean_tags(tags)
    _, members = story_anchor(store, story_id)
    removed = store.annotations.untag(members, names, target="story")
    summary = (f"Untagged story {story_id} of {', '.join(names)}." if removed
               else f"Story {story_id} had no {', '.join(names)}.")
    return Edit(removed=tuple(removed), changes=_edit_changes((), removed, members),
                summary=summary)


def list_tags(store: Store) -> list[Tag]:
    """Every tag with its colour and counts, by name."""
    return store.annotations.tags()


def _tagged_changes(store: Store, name: str) -> Changes:
    """The Changes of a change to every assignment of a tag: its articles by id when
    there are not too many, else every view."""
    ids = [h.id for h in store.articles.headlines(ArticleQuery(tag=name),
                                                  limit=_NAMED_LIMIT + 1)]
    if len(ids) > _NAMED_LIMIT:
        return Changes(all_articles=True, tag_list=True)
    return Changes.of(annotated=ids, tag_list=True)


def set_tag_color(store: Store, name: str, color: str) -> Changes:
    """Give a tag a colour ("#rrggbb", or "" for the default)."""
    wanted = color.strip() if isinstance(color, str) else ""
    if wanted and not _COLOR.fullmatch(wanted):
        raise AnnotationError(f"{_shown(wanted, 20)!r} is not a colour: write it as #rrggbb, "
                              "e.g. #1f77b4.")
    tag = find_tag(store, name)
    if tag.color.casefold() == wanted.casefold():
        return Changes()
    store.annotations.set_tag_color(tag.name, wanted.lower())
    return _tagged_changes(store, tag.name)


def rename_tag(store: Store, old: str, new: str) -> Changes:
    """Rename a tag, keeping every assignment and its colour; a name another tag has is
    refused (merge them instead)."""
    tag = find_tag(store, old)
    name = clean_tag(new)
    if name == tag.name:
        return Changes()
    if name.casefold() != tag.name.casefold():
        for other in store.annotations.tags():
            if other.name.casefold() == name.casefold():
                raise AnnotationError(f"There is already a tag named {other.name!r}: merge "
                                      f"{tag.name!r} into it instead.")
    changes = _tagged_changes(store, tag.name)
    store.annotations.rename_tag(tag.name, name)
    return changes


def merge_tags(store: Store, source: str, into: str) -> tuple[int, Changes]:
    """Move every assignment of `source` to `into` (created if missing) and delete
    `source`; return how many assignments `source` had (articles and stories it was on:
    all carry `into` now, those that had it already too)."""
    tag = find_tag(store, source)
    target = clean_tag(into)
    if target.casefold() == tag.name.casefold():
        raise AnnotationError(f"A tag cannot be merged into itself ({tag.name!r}).")
    changes = _tagged_changes(store, tag.name)
    moved = store.annotations.merge_tags(tag.name, target)
    return moved, changes


def remove_tag(store: Store, name: str) -> tuple[int, Changes]:
    """Delete a tag and all its assignments; return how many went."""
    tag = find_tag(store, name)
    changes = _tagged_changes(store, tag.name)
    count = store.annotations.remove_tag(tag.name)
    return count, changes


# ------------------------------------------------------------------ codes


def code_articles(store: Store, article_ids: Sequence[str], codebook: str, value: str,
                  editor: str) -> Edit:
    """Set `editor`'s value of a codebook on every article, replacing their earlier one.
    `value` is a value's name (any case) or its number from 1 (the keys 1..9)."""
    book = find_codebook(store, codebook)
    chosen = codebook_value(book, value)
    ids = check_articles(store, article_ids)
    added, replaced = store.annotations.code(ids, book.name, chosen, editor)
    summary = (f"Coded {_plural(len(_ids(added)), 'article')} {book.name} = {chosen}."
               if added else f"{'It was' if len(ids) == 1 else 'They were'} already coded "
                             f"{book.name} = {chosen}.")
    return Edit(added=tuple(added), removed=tuple(replaced),
                changes=_edit_changes(added, replaced), summary=summary)


def uncode_articles(store: Store, article_ids: Sequence[str], codebook: str,
                    editor: str) -> Edit:
    """Remove `editor`'s codes of a codebook from the articles."""
    book = find_codebook(store, codebook)
    ids = check_articles(store, article_ids)
    removed = store.annotations.uncode(ids, book.name, editor)
    summary = (f"Removed the {book.name} code of {_plural(len(_ids(removed)), 'article')}."
               if removed else f"There was no {book.name} code of {editor} to remove.")
    return Edit(removed=tuple(removed), changes=_edit_changes((), removed), summary=summary)


def list_codebooks(store: Store) -> list[Codebook]:
    """Every codebook, the built-in ones first."""
    return store.annotations.codebooks()


def count_codes(store: Store, codebook: str) -> int:
    """How many codes (every editor's) a codebook holds: what removing it would take.
    NotFoundError for an unknown codebook."""
    return len(store.annotations.coded(codebook))


def add_codebook(store: Store, name: str, values: Sequence[str],
                 description: str = "") -> tuple[Codebook, Changes]:
    """Create a codebook with these values, in this order; adding the same one again
    changes nothing, a name taken by one with other values is refused."""
    cleaned_name, cleaned = clean_codebook(name, values)
    for book in store.annotations.codebooks():
        if book.name.casefold() == cleaned_name.casefold():
            if tuple(cleaned) == book.values:
                return book, Changes()
            raise AnnotationError(f"There is already a codebook named {book.name!r} with the "
                                  f"values {', '.join(book.values)}: remove it first or "
                                  "choose another name.")
    book = store.annotations.add_codebook(cleaned_name, cleaned, description.strip())
    return book, Changes(codebook_list=True)


def remove_codebook(store: Store, name: str) -> tuple[int, Changes]:
    """Delete a codebook and every code made with it; return how many codes went."""
    book = find_codebook(store, name)
    coded = _ids(store.annotations.coded(book.name))
    count = store.annotations.remove_codebook(book.name)
    return count, Changes.of(annotated=coded, codebook_list=True)


# ------------------------------------------------------------------ notes


def add_note(store: Store, article_id: str, text: str, editor: str, *,
             quote: str | None = None) -> Edit:
    """Keep a note on an article; with `quote`, a highlight of that passage of the
    article's text (anchored by the passage and the words around it)."""
    body = clean_note(text, highlight=quote is not None)
    article = _article(store, article_id)
    anchored = None
    if quote is not None:
        if not quote.strip():
            raise AnnotationError("The passage to highlight is empty.")
        anchored = quote_for(article.text, quote)
        if anchored is None:
            raise NotFoundError(f'The passage "{_shown(quote)}" is not in article '
                                f"{article.id}.")
    note = store.annotations.add_note(article.id, body, editor, quote=anchored)
    what = "highlight" if anchored else "note"
    return Edit(added=(note,), changes=_edit_changes((note,), ()),
                summary=f"Added a {what} to {_shown(article.title or article.id, 50)!r}.")


def add_story_note(store: Store, story_id: int, text: str, editor: str) -> Edit:
    """Keep a note on a story (on its anchor article, target "story")."""
    body = clean_note(text)
    anchor, members = story_anchor(store, story_id)
    note = store.annotations.add_note(anchor, body, editor, target="story")
    return Edit(added=(note,), changes=_edit_changes((note,), (), members),
                summary=f"Added a note to story {story_id}.")


def _probe(note_id: str) -> Annotation:
    return Annotation(kind="note", article_id="", editor="", created=datetime.now(UTC),
                      id=note_id)


def _note(store: Store, note_id: str) -> Annotation:
    """The stored note with this id; NotFoundError if there is none."""
    try:
        return store.annotations.note(note_id)
    except NotFoundError:
        raise NotFoundError(f"There is no note with id {_shown(note_id, 40)}.") from None


def edit_note(store: Store, note_id: str, text: str) -> Edit:
    """Change a note's text (its editor, time and passage stay)."""
    old = _note(store, note_id)
    body = clean_note(text, highlight=old.quote is not None)
    if old.text == body:
        return Edit(summary="The note is unchanged.")
    new = store.annotations.edit_note(note_id, body)
    return Edit(added=(new,), removed=(old,), changes=_edit_changes((new,), (old,)),
                summary="Changed the note.")


def remove_note(store: Store, note_id: str) -> Edit:
    """Delete a note (undo brings it back with its id, editor and time)."""
    gone = store.annotations.remove([_probe(note_id)])
    if not gone:
        raise NotFoundError(f"There is no note with id {_shown(note_id, 40)}.")
    return Edit(removed=tuple(gone), changes=_edit_changes((), gone), summary="Removed the note.")


# ------------------------------------------------------------------ undo


def undo(store: Store, edit: Edit) -> Edit:
    """Undo an edit in one transaction: remove what it added, put back what it removed
    (with their editors, times and ids). Returns the inverse edit, so redo is
    `undo(store, undo(store, edit))`. What another change already undid is left alone."""
    with store.transaction():
        # Removing first: a code put back replaces the same editor's code of its codebook.
        removed = store.annotations.remove(edit.added) if edit.added else []
        present = _present(store, edit.removed)
        restored = store.annotations.restore(present) if present else []
    summary = f"Undone: {edit.summary}" if not edit.summary.startswith("Undone: ") \
        else edit.summary.removeprefix("Undone: ")
    return Edit(added=tuple(restored), removed=tuple(removed),
                changes=_edit_changes(restored, removed), summary=summary)


def _present(store: Store, annotations: Sequence[Annotation]) -> list[Annotation]:
    """The annotations whose articles are still stored (a source removed meanwhile took
    its articles' annotations with it; putting those back is impossible)."""
    if not annotations:
        return []
    known = store.annotations.refs(list(_ids(annotations)))
    return [a for a in annotations if a.article_id in known]


# ------------------------------------------------------------------ reading


def _article(store: Store, article_id: str) -> Article:
    try:
        return store.articles.get(article_id)
    except NotFoundError:
        raise NotFoundError(f"There is no article with id {_shown(article_id, 80)}.") from None


def _story_level(store: Store, member_ids: Sequence[str]) -> list[Annotation]:
    """The story-target annotations on any of these (a story's) members, oldest first."""
    found = store.annotations.of_articles(member_ids)
    level = [a for ids in member_ids for a in found.get(ids, ()) if a.target == "story"]
    return sorted(level, key=_order)


_KINDS = {"tag": 0, "code": 1, "note": 2}


def _order(a: Annotation) -> tuple[int, datetime, str, str, str]:
    """Tags, then codes, then notes, each oldest first (the store's order)."""
    return (_KINDS.get(a.kind, 3), a.created, a.tag.casefold(), a.editor, a.id)


def place_note(note: Annotation, text: str) -> PlacedNote:
    """Where a note's passage is in the article's current text (see PlacedNote.status)."""
    if note.quote is None:
        return PlacedNote(note, None, note.target)
    span = locate(text, note.quote)
    if span is None:
        return PlacedNote(note, None, "lost")
    return PlacedNote(note, span, "found" if span.exact else "moved")


def article_annotations(store: Store, article_id: str) -> ArticleAnnotations:
    """An article's tags, codes and notes (highlights placed in its current text), and
    its story's tags and notes; NotFoundError if the article is not stored."""
    article = _article(store, article_id)
    own = store.annotations.of_articles([article.id]).get(article.id, [])
    story_id = store.stories.story_of(article.id)
    members = [m.article_id for m in store.stories.members(story_id)] if story_id else []
    level = _story_level(store, members or [article.id])
    return ArticleAnnotations(
        article_id=article.id,
        tags=tuple(a for a in own if a.kind == "tag" and a.target == "article"),
        codes=tuple(a for a in own if a.kind == "code"),
        notes=tuple(place_note(a, article.text) for a in own
                    if a.kind == "note" and a.target == "article"),
        story_tags=tuple(a for a in level if a.kind == "tag"),
        story_notes=tuple(a for a in level if a.kind == "note"))


def story_annotations(store: Store, story_id: int) -> tuple[list[Annotation], list[Annotation]]:
    """(the story's own annotations, its articles' annotations); NotFoundError for an
    unknown story."""
    _, members = story_anchor(store, story_id)
    found = store.annotations.of_articles(members)
    everything = [a for m in members for a in found.get(m, ())]
    level = sorted((a for a in everything if a.target == "story"), key=_order)
    return level, [a for a in everything if a.target == "article"]


def annotations_by_article(store: Store, article_ids: Sequence[str]) -> dict[str, list[Annotation]]:
    """Every annotation kept on these articles (both targets), by id; those without any
    are left out. One read for a whole page of rows."""
    if not article_ids:
        return {}
    return store.annotations.of_articles(list(dict.fromkeys(article_ids)))


def list_articles(store: Store, *, tag: str | None = None, untagged: bool = False,
                  source_id: int | None = None, topic: str | None = None,
                  since: datetime | None = None, limit: int | None = None) -> list[Article]:
    """Stored articles newest first, filtered as `services.reading.list_articles` does and
    by a tag (NotFoundError for a tag that is none) or by having no tag."""
    if tag is not None and untagged:
        raise AnnotationError("Choose either a tag or untagged articles, not both.")
    name = find_tag(store, tag).name if tag is not None else None
    if source_id is not None:
        store.sources.get(source_id)
    query = ArticleQuery(source_id=source_id, topic=topic, since=since, tag=name,
                         untagged=untagged)
    return store.articles.list(query, limit=limit)

