"""THE public storage API: everything NewsDesk may ask of a store, and nothing else.

A store is split into facets, each its own manager (Anki's `col.decks`, `col.tags`):
`store.sources`, `store.articles`, `store.reading`, `store.topics`, `store.stories`,
`store.annotations`, `store.caches`, `store.archive`, and for a served store
`store.users` and `store.leases`. Records go in and come out frozen; no method hands out a
backend's rows, row ids or file paths. Backends (`newsdesk.store.sqlite`,
`newsdesk.store.postgresql`) implement these Protocols; open one with
`newsdesk.store.open_store(url)`.

Every method documents what it returns, what it raises and whether calling it twice
does the same as calling it once (idempotent). Errors are sentences: `StoreError` for the
environment's fault (disk full, locked, not our database), `NotFoundError` (a StoreError)
for an id that is not there, `QueryError` for a search the user wrote wrongly, and
`QueryInterrupted` for a read stopped by `interrupt()`.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypedDict

from newsdesk.models import (
    Annotation,
    Article,
    ArticleQuery,
    ArticleRef,
    ArticleVersion,
    Codebook,
    Correction,
    Follow,
    FullText,
    Headline,
    Source,
    StorylineSummary,
    StoryMember,
    StorySummary,
    Tag,
    TextQuote,
    Topic,
    UpsertResult,
    User,
    UserToken,
)

# ------------------------------------------------------------------ records

MAX_VERSIONS = 50  # earlier versions kept an article: a feed that changes every fetch
FULL_TEXT_MODES = ("off", "on-demand", "always")  # Source.full_text


@dataclass(frozen=True, slots=True)
class FetchLogEntry:
    """One recorded fetch of a source: what happened, how much changed, how long it took."""

    source_id: int
    at: datetime
    outcome: str
    http_status: int | None = None
    error_kind: str | None = None
    message: str | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    size: int | None = None  # bytes received
    elapsed_ms: int | None = None


@dataclass(frozen=True, slots=True)
class ArticleStatus:
    """What the user did with one article: read, starred (editors' tags and notes are
    annotations: `store.annotations`)."""

    article_id: str
    is_read: bool
    is_starred: bool
    read_at: datetime | None = None
    starred_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A story as one grouping step saves it (`centroid`: the model's JSON)."""

    id: int
    label: str
    first_seen: datetime
    last_seen: datetime
    size: int
    outlets: int
    centroid: str = "{}"


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    """One article placed in a story by a grouping step (`vector`: the model's JSON)."""

    article_id: str
    story_id: int
    score: float
    duplicate_of: str | None = None
    vector: str = "{}"


@dataclass(frozen=True, slots=True)
class OpenStory:
    """A story grouping may still extend: its span and centroid (the model's JSON)."""

    id: int
    first_seen: datetime
    last_seen: datetime
    centroid: str


@dataclass(frozen=True, slots=True)
class GroupingState:
    """What grouping needs to continue (see StoriesFacet.state)."""

    df: Mapping[str, int]
    documents: int
    stories: tuple[OpenStory, ...]
    outlets: Mapping[int, frozenset[str]]
    next_id: int


@dataclass(frozen=True, slots=True)
class StorylineRecord:
    """A storyline as linking saves it (`features`: the linker's JSON profile)."""

    id: int
    label: str
    first_seen: datetime
    last_seen: datetime
    events: int
    outlets: int
    features: str = "{}"
    # Its strongest terms, by which an event finds it (`storyline_candidates`): saving
    # replaces the stored ones, None keeps them; not read back by `storyline_rows` (nor
    # compared).
    terms: tuple[str, ...] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class StoryLink:
    """Which storyline a story is in (None: none), how strongly, and why in one line;
    `locked`: a user detached it, so linking leaves it alone."""

    story_id: int
    storyline_id: int | None
    score: float = 0.0
    why: str = ""
    locked: bool = False


@dataclass(frozen=True, slots=True)
class MemberVector:
    """A story member as grouping reloads it: its title and stored vector (JSON)."""

    article_id: str
    title: str
    vector: str


class SourceChanges(TypedDict, total=False):
    """The fields of a source that `SourcesFacet.update` may change."""

    url: str
    title: str
    site_url: str | None
    folder: str
    kind: str
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    next_fetch_at: datetime | None
    last_fetched_at: datetime | None
    last_success_at: datetime | None
    error_count: int
    last_error_kind: str | None
    last_error_message: str | None
    full_text: str  # "off", "on-demand" or "always" (ValueError otherwise)


@dataclass(frozen=True, slots=True)
class SourceUsage:
    """What one source's articles take in the database, in bytes of stored text and data
    (not counting SQLite's own overhead and indexes, which StorageUsage.file_bytes does)."""

    source_id: int
    title: str
    articles: int
    article_bytes: int  # titles, HTML and plain text of the feed's versions
    full_texts: int  # extracted ones (a failed or kept-summary answer is no full text)
    full_text_bytes: int
    versions: int
    version_bytes: int
    assets: int  # cached images of its articles (an image two sources share counts twice)
    asset_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.article_bytes + self.full_text_bytes + self.version_bytes + self.asset_bytes


@dataclass(frozen=True, slots=True)
class StorageUsage:
    """The database's size on disk and what fills it, by source."""

    file_bytes: int  # the database file(s) on disk (with the write-ahead log); 0 in memory
    free_bytes: int  # pages a vacuum would give back
    articles: int
    full_texts: int  # extracted ones
    versions: int
    assets: int  # distinct cached files (content-addressed: one copy however many use it)
    asset_bytes: int
    sources: tuple[SourceUsage, ...] = ()


# ------------------------------------------------------------------ facets


class SourcesFacet(Protocol):
    """The feeds the user follows, and their fetch history."""

    def add(self, url: str, *, title: str = "", site_url: str | None = None,
            folder: str = "", kind: str = "feed") -> tuple[Source, bool]:
        """Subscribe; return (source, created). Idempotent: an existing URL is returned
        with created False, never duplicated, even when two programs add it at once."""
        ...

    def find(self, url: str) -> Source | None:
        """The source with exactly this URL, or None. Reads only."""
        ...

    def get(self, source_id: int) -> Source:
        """The source with this id; raises NotFoundError. Reads only."""
        ...

    def list(self) -> builtins.list[Source]:
        """Every source, by folder, then title (case-insensitive), then id. Reads only."""
        ...

    def due(self, now: datetime | None = None) -> builtins.list[Source]:
        """Feed sources whose next check time has come by `now` (default: now), by id;
        samples are never due. Reads only."""
        ...

    def update(self, source_id: int, **fields: Any) -> None:
        """Change a source's own fields (the names and types of SourceChanges); nothing
        when none are given. Idempotent. Raises ValueError for a field that is not a
        source's, StoreError when another source has the URL (nothing changed). An unknown
        id changes nothing."""
        ...

    def move(self, source_id: int, new_url: str) -> bool:
        """Point a source at the address its feed moved to; False, changing nothing, when
        another source has that address (check and change are one transaction).
        Idempotent."""
        ...

    def remove(self, source_id: int) -> int:
        """Unsubscribe and delete the source's articles (stories lose them too); return
        how many articles went. Raises NotFoundError, so it is not idempotent."""
        ...

    def log_fetch(self, source_id: int, *, outcome: str, http_status: int | None = None,
                  error_kind: str | None = None, message: str | None = None, new: int = 0,
                  updated: int = 0, unchanged: int = 0, size: int | None = None,
                  elapsed: float | None = None) -> None:
        """Record one fetch (`elapsed` in seconds). Not idempotent: each call is an entry."""
        ...

    def fetch_log(self, source_id: int, limit: int = 20) -> builtins.list[FetchLogEntry]:
        """A source's latest `limit` fetches, newest first. Reads only."""
        ...


class ArticlesFacet(Protocol):
    """Articles as stored: written by refreshes, read by every view."""

    def upsert(self, articles: Sequence[Article]) -> UpsertResult:
        """Insert new articles and update changed ones in one transaction; return what
        changed. An article matches a stored one by id, or by canonical URL within its own
        source; a word-for-word copy another feed of the same outlet brought is counted
        unchanged. Never touches another source's article, the user's state or
        first_seen. Idempotent: a second call reports everything unchanged."""
        ...

    def get(self, article_id: str) -> Article:
        """The article with this id; raises NotFoundError. Reads only."""
        ...

    def count(self, source_id: int | None = None) -> int:
        """How many articles are stored (of one source). Reads only."""
        ...

    def list(self, query: ArticleQuery | None = None, *, limit: int | None = None,
             offset: int = 0, **filters: object) -> builtins.list[Article]:
        """Full articles of a view, newest first; filters as ArticleQuery's fields (or pass
        one). Raises QueryError for a bad search or topic query, NotFoundError for an
        unknown topic. Reads only."""
        ...

    def count_where(self, query: ArticleQuery) -> int:
        """How many articles a view holds. Raises as `list`. Reads only."""
        ...

    def headlines(self, query: ArticleQuery, *, limit: int, after: Headline | None = None,
                  newest_first: bool = True) -> builtins.list[Headline]:
        """One page of a view's rows without bodies. Pages continue after the last row
        shown (`after`; its `cursor` is an opaque position), so a deep page costs what the
        first does. Raises as `list`. Reads only."""
        ...

    def numbers(self, article_ids: Sequence[str]) -> dict[str, int]:
        """Each stored article's number: a small integer that never changes and is never
        given to another article (sync clients name items by it); unknown ids left out.
        Reads only."""
        ...

    def ids_by_number(self, numbers: Sequence[int]) -> dict[int, str]:
        """The articles these numbers name (`numbers`' inverse); unknown ones left out.
        Reads only."""
        ...

    def search(self, query: str, *, limit: int = 50) -> builtins.list[Article]:
        """Full-text search, best match first. Raises QueryError for an empty or bad
        query. Reads only."""
        ...


class ReadingFacet(Protocol):
    """The user's state of each article: read, starred; unread counts."""

    def set_read(self, article_ids: Sequence[str], read: bool = True) -> None:
        """Mark articles read (or unread); unknown ids are ignored. Idempotent."""
        ...

    def set_starred(self, article_id: str, starred: bool = True) -> None:
        """Star (or unstar) an article; an unknown id is ignored. Idempotent."""
        ...

    def status(self, article_id: str) -> ArticleStatus:
        """What the user did with an article; raises NotFoundError. Reads only."""
        ...

    def unread_count(self, source_id: int | None = None) -> int:
        """Unread articles in all (or one source; 0 for an unknown one). Reads only."""
        ...

    def unread_by_source(self) -> dict[int, int]:
        """Unread articles per source id, sources with none left out. Reads only."""
        ...

    def mark_read_where(self, query: ArticleQuery) -> tuple[int, int]:
        """Mark every unread article of a view read in one transaction; return (batch,
        count), the batch for `undo_batch`. A second call marks nothing (count 0)."""
        ...

    def undo_batch(self, batch: int) -> int:
        """Make one bulk mark-read's articles unread again; return how many. Idempotent
        (a second call finds none)."""
        ...


class TopicsFacet(Protocol):
    """Saved searches over all outlets."""

    def list(self) -> builtins.list[Topic]:
        """Every topic in the user's order. Reads only."""
        ...

    def get(self, name: str) -> Topic:
        """The topic of this name (case-insensitive); raises NotFoundError. Reads only."""
        ...

    def add(self, name: str, query: str, description: str = "") -> Topic:
        """Save a topic (an existing name gets the new query and description); return it.
        Raises QueryError for an empty name or a query the index cannot run. Idempotent."""
        ...

    def rename(self, old: str, new: str, query: str | None = None,
               description: str | None = None) -> Topic:
        """Rename a topic and change its query or description in one transaction; return
        it. Raises NotFoundError, QueryError (bad name or query) or StoreError (the name
        is another topic's), each leaving the topic as it was. Idempotent."""
        ...

    def remove(self, name: str) -> None:
        """Delete a topic; raises NotFoundError, so it is not idempotent."""
        ...


class StoriesFacet(Protocol):
    """Stories (articles on one event across outlets) and the state grouping learns."""

    def unclustered_articles(self, ids: Sequence[str] | None = None) -> builtins.list[Article]:
        """Articles in no story yet (all, or those of `ids`), oldest first. Reads only."""
        ...

    def unclustered_ids(self) -> builtins.list[str]:
        """Ids of articles in no story, oldest first. Reads only."""
        ...

    def state(self, terms: set[str], since: datetime) -> GroupingState:
        """What grouping needs to continue: the frequencies of `terms`, the document
        count, the stories opened since `since` with their outlets, the next free id.
        Reads only."""
        ...

    def member_rows(self, story_id: int) -> builtins.list[MemberVector]:
        """A story's members with their stored vectors, oldest first. Reads only."""
        ...

    def save(self, stories: Sequence[StoryRecord], assignments: Sequence[StoryAssignment],
             df_increments: Mapping[str, int], documents: int, *,
             new_from: int | None = None) -> None:
        """Write one grouping step in one transaction, dropping the touched stories'
        cached comparisons. Stories numbered from `new_from` (the next id `state` gave)
        are new, and are renumbered when another program took those ids meanwhile. Not
        idempotent (term frequencies are added)."""
        ...

    def list(self, *, since: datetime | None = None, min_outlets: int = 1,
             limit: int | None = None,
             ids: Sequence[int] | None = None) -> builtins.list[StorySummary]:
        """Stories, newest day and most outlets first, with their outlets and article ids.
        With `ids`: only those stories (unknown ids left out), in no set order, and
        `since` and `limit` do not apply. Reads only."""
        ...

    def members(self, story_id: int) -> builtins.list[StoryMember]:
        """A story's articles, oldest first (none for an unknown story). Reads only."""
        ...

    def term_prior(self, limit: int = 20000) -> dict[str, int]:
        """Document frequencies of the commonest words over all grouped articles: the
        prior distinctive-word scores are measured against. Reads only."""
        ...

    def outlet_count(self, story_id: int) -> int:
        """How many outlets a story has (0 for an unknown story). Reads only."""
        ...

    def grouped_documents(self) -> int:
        """How many articles grouping has counted (changes when the prior does)."""
        ...

    def label(self, story_id: int) -> str:
        """A story's label; raises NotFoundError. Reads only."""
        ...

    def signature(self, story_id: int) -> str:
        """A story's members and their content hashes: a cached comparison holds while
        this does. Reads only."""
        ...

    def story_of(self, article_id: str) -> int | None:
        """The id of the story an article is in, or None. Reads only."""
        ...

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, int]:
        """The story of each of these articles that is in one (the others, and unknown
        ids, left out): story_of for a whole list in a few reads. Reads only."""
        ...

    def model(self) -> tuple[str, int] | None:
        """(name, version) of the story model that owns the story tables, or None if none
        does. Reads only."""
        ...

    def claim(self, name: str, version: int, state_json: str = "{}") -> None:
        """Give the story tables to the model `name` at `version`, emptied: every story,
        membership, learned term count, cached comparison, storyline and story link goes,
        in one transaction; articles, corrections and follows stay. Idempotent. Raises
        StoreError if it cannot write."""
        ...

    # -- storylines (events of one matter linked across weeks)

    def storyline_rows(self, since: datetime, *,
                       ids: Sequence[int] | None = None) -> builtins.list[StorylineRecord]:
        """Storylines whose newest event is on or after `since` (of these `ids` only, if
        given), by id: what linking can extend. Reads only."""
        ...

    def storyline_candidates(self, queries: Sequence[tuple[Sequence[str], datetime]],
                             limit: int) -> builtins.list[builtins.list[int]]:
        """For each query (an event's strongest terms and the oldest newest-event date a
        storyline may have to take it), the ids of at most `limit` such storylines whose
        saved terms share the most of the query's, most first (ties: lower id first); none
        share: []. Reads only."""
        ...

    def storyline_term_counts(self, terms: Sequence[str],
                              since: datetime) -> dict[str, int]:
        """How many storylines whose newest event is on or after `since` hold each of these
        terms (terms none hold left out): linking ignores a term too common to tell a
        matter. Reads only."""
        ...

    def story_rows(self, story_ids: Sequence[int]) -> builtins.list[StoryRecord]:
        """The stories of these ids as grouping saved them (centroid included), unknown
        ids left out. Reads only."""
        ...

    def links(self, story_ids: Sequence[int]) -> dict[int, StoryLink]:
        """The link of each of these stories that has one (linked, or locked out). Reads
        only."""
        ...

    def unlinked(self) -> builtins.list[int]:
        """Ids of the stories linking has still to place, oldest first (first seen, then
        id): those with no link, or a link to no storyline that is not locked (a story the
        user detached stays out). What a catch-up links, without reading every story. Reads
        only."""
        ...

    def save_storylines(self, storylines: Sequence[StorylineRecord], links: Sequence[StoryLink],
                        *, new_from: int | None = None) -> dict[int, int]:
        """Write storylines and story links in one transaction; storylines left with no
        event are deleted. Storylines numbered from `new_from` (the next id
        `next_storyline_id` gave) are new and renumbered when another program took those
        ids meanwhile; returns {asked id: stored id} for those (every new one, renumbered
        or not). Idempotent: the same save again finds its new storylines stored as they
        are and keeps their ids. A link to a story that is gone is left out; links are
        written as given, a locked one too (linking reads `links` first). A storyline saved
        with terms has them replace those it had; with None it keeps them."""
        ...

    def next_storyline_id(self) -> int:
        """The id a new storyline gets (ids only grow: never given again after its storyline
        went, nor after `claim`). Reads only."""
        ...

    def storylines(self, *, since: datetime | None = None,
                   limit: int | None = None) -> builtins.list[StorylineSummary]:
        """Storylines with two or more events, newest event first, with their outlets,
        story ids (newest first), unread article counts and followed flag. Reads only.

        The figures are their stories' as they are now (events: linked stories; span: from
        the first story's start to the newest one's end; unread: their unread articles,
        each copy counted), so merges and splits never leave them stale. `since`: the
        newest event ended on or after it."""
        ...

    def storyline(self, storyline_id: int) -> StorylineSummary:
        """One storyline (any number of events: with none, its span is the one linking
        saved); raises NotFoundError. Reads only."""
        ...

    def storyline_events(self, storyline_id: int) -> builtins.list[StorySummary]:
        """A storyline's stories, oldest first, with outlets and article ids (none for an
        unknown storyline). Reads only."""
        ...

    # -- corrections by the user (kept in article terms; see models.Correction)

    def relocate(self, article_ids: Sequence[str], story_id: int | None, *,
                 annotations_follow: bool = False) -> int:
        """With `annotations_follow`, story tags and notes kept on the moved articles go
        with them even when their story keeps members (an undo of a merge gives the story
        back its own). Move these articles into story `story_id` (None: one new story), in one
        transaction: sizes, outlets and spans of every touched story follow, stories left
        empty go (their tags, codes and notes move to the target story), touched stories'
        cached comparisons are dropped. Returns the target story's id. The caller then
        rewrites centroids and labels with `update_profiles`. Raises NotFoundError for an
        unknown story or an article in no story (ValueError for no article and no story).

        A story that keeps some members keeps its own tags and notes (target "story"):
        those on a moved article go to its oldest member left; a story left empty brings
        them along on its articles. Codes are an article's own and go with it. Vectors,
        scores and copy marks of the moved articles stay."""
        ...

    def update_profiles(self, stories: Sequence[StoryRecord]) -> None:
        """Rewrite these stories' label and centroid (sizes and spans are the store's).
        Idempotent."""
        ...

    def add_correction(self, kind: str, articles: Sequence[str], anchor: Sequence[str],
                       editor: str) -> Correction:
        """Record a correction (kind in models.CORRECTION_KINDS, else ValueError) and
        return it with its id. Not idempotent."""
        ...

    def corrections(self) -> builtins.list[Correction]:
        """Every correction, oldest first (the order they are applied in). Reads only."""
        ...

    def remove_correction(self, correction_id: int) -> None:
        """Forget a correction (an undo). Idempotent."""
        ...

    def copies(self, article_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """For each of these articles that is a copy or has copies (wire copies,
        near-duplicates: story_articles.duplicate_of), every article of its copy group,
        the original first (the root of the chains), then by date. Groups are transitive
        (a copy of a copy is in its original's group) and hold stored articles only. Reads
        only."""
        ...

    # -- following storylines and topics

    def follow(self, follow: Follow) -> None:
        """Follow (or update what the user was told of, keeping its place in the order).
        Kind "storyline" or "topic", else ValueError. Idempotent."""
        ...

    def unfollow(self, kind: str, key: str) -> None:
        """Stop following. Idempotent."""
        ...

    def follows(self) -> builtins.list[Follow]:
        """Everything followed, in the order followed. Reads only."""
        ...


class AnnotationsFacet(Protocol):
    """What editors say about articles and stories: tags, codes and notes (see
    `newsdesk.models.Annotation`), the tags' colours and the codebooks.

    Every annotation carries its editor and time. They are the user's work: refetches that
    change an article, re-grouping and removing a story keep them; only removing the
    article (with its source) removes its annotations. Article ids given that are not
    stored raise NotFoundError and change nothing. Tag names compare case-insensitively
    and keep the spelling they were first given (spaces around a name are dropped, runs of
    spaces inside it are one). Codebook names and values compare case-insensitively too.
    """

    def tag(self, article_ids: Sequence[str], tags: Sequence[str], editor: str, *,
            target: str = "article") -> builtins.list[Annotation]:
        """Give every article every tag (a new tag is created without colour) in one
        transaction; return the assignments that are new (the undo of this call is
        `remove` of them). Raises ValueError for an empty tag name. Idempotent: a second
        call returns []."""
        ...

    def untag(self, article_ids: Sequence[str], tags: Sequence[str], *,
              target: str = "article") -> builtins.list[Annotation]:
        """Take the tags (by any editor) off the articles; return the assignments removed
        (the undo of this call is `restore` of them). Idempotent."""
        ...

    def code(self, article_ids: Sequence[str], codebook: str, value: str,
             editor: str) -> tuple[builtins.list[Annotation], builtins.list[Annotation]]:
        """Set `editor`'s value of `codebook` (its name and value compare
        case-insensitively) on every article, replacing that editor's previous value;
        return (new codes, replaced codes) for undo: `remove` the new, `restore` the
        replaced. Raises NotFoundError
        for an unknown codebook and ValueError for a value not in it, changing nothing.
        Idempotent."""
        ...

    def uncode(self, article_ids: Sequence[str], codebook: str,
               editor: str) -> builtins.list[Annotation]:
        """Remove `editor`'s codes of `codebook` from the articles; return them. Idempotent."""
        ...

    def add_note(self, article_id: str, text: str, editor: str, *,
                 quote: TextQuote | None = None, target: str = "article") -> Annotation:
        """Keep a note (with its highlighted passage, when given) under a new UUID; return
        it. Raises ValueError for empty text without a quote (a bare highlight needs no
        text). Not idempotent: each call is a note."""
        ...

    def note(self, note_id: str) -> Annotation:
        """The note with this id; raises NotFoundError. Reads only."""
        ...

    def edit_note(self, note_id: str, text: str) -> Annotation:
        """Change a note's text; return it. Raises NotFoundError, ValueError for empty
        text on a note without a quote. Idempotent."""
        ...

    def restore(self, annotations: Sequence[Annotation]) -> builtins.list[Annotation]:
        """Store annotations exactly as given (editor, time and note ids kept: undo and
        import), in one transaction; return those that were not there already. A code
        replaces the same editor's code of that codebook, a note the note of its id (so
        restoring a note as it was undoes `edit_note`); a tag that is not defined is
        created without colour. A codebook that does not exist, or a value outside it,
        raises NotFoundError or ValueError and changes nothing. Idempotent: a second call
        returns []."""
        ...

    def remove(self, annotations: Sequence[Annotation]) -> builtins.list[Annotation]:
        """Remove exactly these annotations (tags and codes matched by what they say and
        who said it, notes by id), in one transaction; return those that were there, as
        stored, in the order given. Idempotent."""
        ...

    def of_articles(self, article_ids: Sequence[str]) -> dict[str, builtins.list[Annotation]]:
        """Every annotation on these articles (both targets), by article id, each list
        tags, then codes, then notes, oldest first; articles without any are left out.
        Reads only."""
        ...

    def coded(self, codebook: str) -> builtins.list[Annotation]:
        """Every code of a codebook, by article then editor. Raises NotFoundError for an
        unknown codebook. Reads only."""
        ...

    def tags(self) -> builtins.list[Tag]:
        """Every tag with its colour and how many articles and stories have it, by name
        (case-insensitive). Reads only."""
        ...

    def define_tag(self, name: str, color: str = "") -> Tag:
        """Make sure a tag exists, with no assignment needed (an import's tag list, a tag
        created before use); an existing tag keeps its spelling and gets `color` only when
        it has none. Return it. Raises ValueError for an empty name or a malformed colour.
        Idempotent."""
        ...

    def set_tag_color(self, name: str, color: str) -> Tag:
        """Give a tag a colour ("#rrggbb", "" for none); return it. Raises NotFoundError
        for an unknown tag, ValueError for a malformed colour. Idempotent."""
        ...

    def rename_tag(self, old: str, new: str) -> Tag:
        """Rename a tag, keeping every assignment and its colour, in one transaction.
        Raises NotFoundError (no `old`), ValueError (empty `new`) or StoreError (`new` is
        another tag: merge instead), changing nothing. Renaming to another spelling of
        the same name only changes the spelling. Idempotent."""
        ...

    def merge_tags(self, source: str, into: str) -> int:
        """Move every assignment of `source` to `into` (created if missing, with
        `source`'s colour), dropping duplicates, then delete `source`; return how many
        assignments `source` had (the articles and stories it was on, which all carry
        `into` now, whether they had it already or not). Raises NotFoundError for an
        unknown `source`, ValueError for an
        empty `into`; merging a tag into itself (any spelling) changes nothing and returns
        0. Not idempotent (the second call finds no `source`)."""
        ...

    def remove_tag(self, name: str) -> int:
        """Delete a tag and all its assignments; return how many went. Raises
        NotFoundError, so it is not idempotent."""
        ...

    def codebooks(self) -> builtins.list[Codebook]:
        """Every codebook, the built-in ones first, then by name. Reads only."""
        ...

    def add_codebook(self, name: str, values: Sequence[str], description: str = "") -> Codebook:
        """Create a codebook with these values (in this order, at least one, no duplicates,
        none empty); return it. Raises ValueError for bad values, StoreError when the
        name is taken by a codebook with other values. Idempotent."""
        ...

    def remove_codebook(self, name: str) -> int:
        """Delete a codebook and every code made with it; return how many codes went.
        Raises NotFoundError, so it is not idempotent."""
        ...

    def find_articles(self, refs: Sequence[ArticleRef]) -> builtins.list[str | None]:
        """The local article id of each ref, or None: by canonical URL first, then by GUID
        within the source of that feed URL, then by GUID alone when only one article has
        it. Reads only."""
        ...

    def refs(self, article_ids: Sequence[str]) -> dict[str, ArticleRef]:
        """How another database finds each of these articles (unknown ids left out).
        Reads only."""
        ...


class CachesFacet(Protocol):
    """What is kept to save work or network: assets, comparisons, image permissions."""

    def cached_asset(self, url: str) -> tuple[str, bytes] | None:
        """(content type, bytes) of a cached asset, or None. Reads only."""
        ...

    def cached_assets(self, urls: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        """`cached_asset` for many URLs in a few reads (those not cached left out). Reads
        only."""
        ...

    def save_asset(self, url: str, content_type: str, data: bytes, *,
                   article_id: str | None = None) -> None:
        """Cache (or replace) an asset, fetched now, kept by its content's SHA-256 (the
        same bytes under several URLs are stored once), and remember that `article_id`
        (when given and stored) uses it, so its size counts for that article's source and
        pruning the article lets it go. Idempotent."""
        ...

    def article_assets(self, article_id: str) -> builtins.list[str]:
        """The URLs of the cached assets an article uses, in the order saved. Reads only."""
        ...

    def asset_usage(self) -> tuple[int, int]:
        """(count, bytes) of the cached assets. Reads only."""
        ...

    def evict_assets(self, *, older_than: datetime | None = None, max_count: int | None = None,
                     max_bytes: int | None = None) -> int:
        """Delete assets fetched before `older_than`, then the oldest until at most
        `max_count` assets of at most `max_bytes` remain; return how many went. Assets of
        kept articles (starred, tagged, coded, noted) are never taken by age and go last
        by the caps. Assets no stored article uses any more go first. Idempotent."""
        ...

    def drop_unused_assets(self) -> int:
        """Delete the cached assets no stored article uses (after articles were removed);
        return how many went. Never touches an asset another article still uses, under
        any of its URLs. Idempotent."""
        ...

    def cached_comparison(self, story_id: int) -> tuple[str, str] | None:
        """(signature, JSON) of a story's cached comparison, or None. Reads only."""
        ...

    def save_comparison(self, story_id: int, signature: str, data: str) -> None:
        """Cache a story's comparison (an unknown story keeps none). Idempotent."""
        ...

    def clear_comparisons(self) -> int:
        """Drop every cached comparison (they are recomputed when next wanted); return how
        many went. Idempotent."""
        ...

    def stories_without_comparison(self, *, min_outlets: int = 2, limit: int = 50) -> builtins.list[int]:
        """Newest stories of at least `min_outlets` with no cached comparison. Reads only."""
        ...

    def allow_remote_images(self, kind: str, key: str | int, allowed: bool = True) -> None:
        """Remember (or forget) that an article's (`kind` "article", key its id) or a
        source's ("source", its id) remote images may be shown. Idempotent; ValueError
        for any other kind."""
        ...

    def remote_images_allowed(self, article: Article) -> tuple[bool, bool]:
        """(allowed for this article, allowed for its source). Reads only."""
        ...


class ArchiveFacet(Protocol):
    """What makes the store an archive: full texts fetched from article pages, earlier
    versions of changed articles, and retention (what may go, and its size).

    A full text is kept beside the feed's version (`Article` is always the feed's):
    search finds an article by its full text too, and a story's cached comparison is
    dropped when a member's full text changes. Versions are written by
    `ArticlesFacet.upsert`: an update that changes an article's title or text (the feed's
    plain text, so markup-only changes are not versions) keeps the previous title, HTML
    and text first, at most MAX_VERSIONS (50) an article (the first and the newest are kept).
    Removing an article removes its full text, versions and asset links.
    """

    def fulltext(self, article_id: str) -> FullText | None:
        """The article's full-text record, or None when its page was never fetched.
        Reads only."""
        ...

    def fulltexts(self, article_ids: Sequence[str]) -> dict[str, FullText]:
        """`fulltext` of many articles in a few reads (those without left out). Reads only."""
        ...

    def save_fulltext(self, fulltext: FullText) -> bool:
        """Store what fetching the page gave, in one transaction; return whether the
        stored record changed. An extracted text replaces any record (an earlier,
        different extracted text becomes a "page" version first); any other status never
        replaces an extracted text (a failed re-fetch loses nothing: False), but replaces
        another non-extracted record. Re-indexes the article for search and drops the
        cached comparison of its story. Raises NotFoundError for an unknown article.
        Idempotent."""
        ...

    def remove_fulltexts(self, article_ids: Sequence[str]) -> int:
        """Drop the full-text records of these articles (search forgets their full text);
        return how many went. Idempotent."""
        ...

    def without_fulltext(self, query: ArticleQuery, *, retry: bool = False,
                         limit: int | None = None) -> builtins.list[str]:
        """Ids of a view's articles (newest first) whose page was never fetched, and with
        `retry` also those whose fetch "failed" (never "kept_summary" or "not_article":
        those answers stand). Raises as `ArticlesFacet.list`. Reads only."""
        ...

    def versions(self, article_id: str) -> builtins.list[ArticleVersion]:
        """The article's earlier versions, oldest first (none for an unknown id). Reads
        only."""
        ...

    def version_counts(self, article_ids: Sequence[str]) -> dict[str, int]:
        """How many earlier versions each article has (those with none left out). Reads
        only."""
        ...

    def usage(self) -> StorageUsage:
        """The database's size and what fills it, by source (sources by title). Reads
        only; may take a second on a large database (it reads every row's lengths)."""
        ...

    def prunable(self, *, read_before: datetime, limit: int | None = None) -> builtins.list[str]:
        """Ids of the articles retention may remove, oldest first: read, first stored
        before `read_before`, and not kept: not starred, not tagged, coded or noted (on
        the article or its story), not in a story that more than one outlet covers.
        Reads only."""
        ...

    def fulltexts_before(self, fetched_before: datetime, *,
                         limit: int | None = None) -> builtins.list[str]:
        """Ids of articles whose full text was fetched before `fetched_before` and that
        are not kept (the same rule as `prunable`, read or not), oldest first. Reads
        only."""
        ...

    def remove_articles(self, article_ids: Sequence[str]) -> int:
        """Delete these articles with everything that hangs on them (their state, full
        text, versions, asset links, annotations; stories lose them and are updated or
        dropped when empty), in one transaction; return how many went. Idempotent."""
        ...

    def article_bytes(self, article_ids: Sequence[str]) -> int:
        """What these articles take (their text, full text, versions and the assets only
        they use), as `usage` counts it. Reads only."""
        ...

    def vacuum(self) -> int:
        """Give the free pages back to the file system (SQLite VACUUM; needs free disk
        about the database's size: StoreError otherwise, nothing lost); return how many
        bytes the file shrank. Idempotent."""
        ...


class UsersFacet(Protocol):
    """Who may sign in to a served store, and their API tokens. The store keeps hashes
    only (newsdesk.server.passwords makes them); names are unique whatever their case."""

    def add(self, name: str, password_hash: str) -> User:
        """Create a user; return it. Raises ValueError for an empty name or hash,
        StoreError when the name (in any case) is taken, changing nothing. Not
        idempotent (the second call finds the name taken)."""
        ...

    def get(self, user_id: int) -> User:
        """The user with this id; raises NotFoundError. Reads only."""
        ...

    def find(self, name: str) -> User | None:
        """The user of this name (case-insensitive), or None. Reads only."""
        ...

    def list(self) -> builtins.list[User]:
        """Every user, by name (case-insensitive). Reads only."""
        ...

    def remove(self, user_id: int) -> None:
        """Delete a user and all their tokens; raises NotFoundError, so it is not
        idempotent."""
        ...

    def set_password(self, user_id: int, password_hash: str) -> None:
        """Store a new password hash (the tokens stay). Raises NotFoundError, ValueError
        for an empty hash. Idempotent."""
        ...

    def set_disabled(self, user_id: int, disabled: bool = True) -> None:
        """Disable (or enable again) a user: a disabled user's password and tokens let
        them in nowhere, and are kept. Raises NotFoundError. Idempotent."""
        ...

    def add_token(self, user_id: int, token_hash: str, label: str = "") -> UserToken:
        """Keep a new API token's hash for a user; return it. Raises NotFoundError for an
        unknown user, ValueError for an empty hash, StoreError when the hash is stored
        already. Not idempotent."""
        ...

    def tokens(self, user_id: int) -> builtins.list[UserToken]:
        """A user's tokens, oldest first (none for an unknown id). Reads only."""
        ...

    def user_for_token(self, token_hash: str, now: datetime | None = None) -> User | None:
        """The enabled user this token hash belongs to, or None (unknown hash, disabled
        user). Notes the token's use at `now` (default: now), writing only when the last
        note is a minute old or more, so a busy client costs reads, not a write a
        request."""
        ...

    def remove_token(self, token_hash: str) -> bool:
        """Forget a token (it lets nobody in any more); return whether it was there.
        Idempotent."""
        ...


class LeasesFacet(Protocol):
    """Named claims with an expiry, so that programs sharing a store (two servers) do not
    do the same work at once: the holder renews its lease while it works, and a holder
    that died loses it when it expires. Times are the callers' clocks (keep them in
    step, as NTP does); stored to the second."""

    def acquire(self, name: str, holder: str, seconds: float,
                now: datetime | None = None) -> bool:
        """Take the lease `name` for `holder` for `seconds` from `now` (default: now),
        atomically: when nobody holds it, when its lease expired, or when `holder` holds
        it already (then it is extended). Return whether `holder` holds it now. Raises
        ValueError for an empty name or holder, or a time outside 0 to 10**9 seconds. Idempotent for its
        holder."""
        ...

    def release(self, name: str, holder: str) -> bool:
        """Give the lease up if `holder` holds it (expired or not); return whether it
        did. Another holder's lease is left alone. Idempotent."""
        ...

    def holder(self, name: str, now: datetime | None = None) -> str | None:
        """Who holds the lease `name` at `now` (default: now); None when nobody does or
        it expired. Reads only."""
        ...


# ------------------------------------------------------------------ the store


class Store(Protocol):
    """One NewsDesk database, opened with `newsdesk.store.open_store`.

    One writer at a time: writes are serialised, each call (or `transaction()` block) is
    one transaction. A context manager: leaving the block closes it.
    """

    @property
    def sources(self) -> SourcesFacet:
        """The feeds followed and their fetch log."""
        ...

    @property
    def articles(self) -> ArticlesFacet:
        """Stored articles and the views over them."""
        ...

    @property
    def reading(self) -> ReadingFacet:
        """Read, starred and unread counts."""
        ...

    @property
    def topics(self) -> TopicsFacet:
        """Saved searches."""
        ...

    @property
    def stories(self) -> StoriesFacet:
        """Stories and grouping's state."""
        ...

    @property
    def annotations(self) -> AnnotationsFacet:
        """Editors' tags, codes and notes; tag colours; codebooks."""
        ...

    @property
    def caches(self) -> CachesFacet:
        """Assets, comparisons and remote-image permissions."""
        ...

    @property
    def archive(self) -> ArchiveFacet:
        """Full texts, earlier versions, retention and sizes."""
        ...

    @property
    def users(self) -> UsersFacet:
        """Who may sign in to a served store, and their API tokens."""
        ...

    @property
    def leases(self) -> LeasesFacet:
        """Named claims with an expiry, shared by the programs on the store."""
        ...


    @property
    def url(self) -> str:
        """Where the store is (`sqlite:///path`): `open_store(url)` opens it again."""
        ...

    @property
    def schema_version(self) -> int:
        """How many migrations the database has had."""
        ...

    def reopen(self) -> Store:
        """A new, independent connection to the same database (for a worker thread); the
        caller closes it. Raises StoreError. (An in-memory store has no second
        connection: StoreError.)"""
        ...

    def close(self) -> None:
        """Close the connection; idempotent."""
        ...

    def __enter__(self) -> Store:
        ...

    def __exit__(self, *exc: object) -> None:
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """Group several writes into one transaction (calls inside nest); an error rolls
        all of them back and is raised."""
        ...

    def exclusive(self, name: str, *, wait: float = 0.0) -> AbstractContextManager[bool]:
        """Run a block that no other program (and no other connection) on this database
        runs at the same time, such as grouping stories: the block receives True when it
        holds `name`, after waiting up to `wait` seconds for whoever holds it, or False
        when it still could not (the caller then skips, or tries later). Reentrant on one
        store: a block inside another of the same name holds it at once. Released when the
        block ends, and when the program dies: at once on PostgreSQL (a session advisory
        lock), within a minute on SQLite (a lease, renewed while the block runs). Raises
        StoreError."""
        ...

    def interruptible(self) -> None:
        """Let `interrupt()` stop this store's reads; call it on the thread that reads."""
        ...

    def interrupt(self) -> None:
        """Stop the running and every later read (from any thread): the read raises
        QueryInterrupted and the store is only good for closing. Idempotent."""
        ...

    @property
    def interrupted(self) -> bool:
        """Whether `interrupt()` was called: a worker's result after it is not wanted."""
        ...

    def integrity_problems(self) -> builtins.list[str]:
        """What the database's own checks report (empty when sound). Reads only."""
        ...
