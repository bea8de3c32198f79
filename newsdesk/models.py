"""Plain, frozen data that crosses module boundaries.

Parsed* types hold what a feed said; Article is what we store and show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Enclosure:
    url: str
    type: str = ""
    length: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One entry as the feed gave it; URLs may be relative, HTML is untrusted."""

    guid: str | None = None
    link: str | None = None
    title: str = ""
    title_is_html: bool = False
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    summary_html: str = ""
    content_html: str = ""
    categories: tuple[str, ...] = ()
    enclosures: tuple[Enclosure, ...] = ()
    comments_url: str | None = None
    language: str | None = None
    base_url: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A whole feed document as parsed, before any of it is trusted or stored."""

    format: str
    title: str = ""
    site_url: str | None = None
    description: str = ""
    language: str | None = None
    ttl_minutes: int | None = None
    items: tuple[ParsedItem, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """An entry as stored: stable id, canonical URL, UTC dates, sanitized HTML, plain text."""

    id: str
    source_id: int
    outlet: str
    guid: str | None
    url: str | None
    title: str
    authors: tuple[str, ...]
    published: datetime
    updated: datetime | None
    first_seen: datetime
    summary_html: str
    content_html: str
    text: str
    categories: tuple[str, ...] = ()
    language: str | None = None
    word_count: int = 0
    enclosures: tuple[Enclosure, ...] = ()
    comments_url: str | None = None
    date_from_feed: bool = True

    @property
    def author(self) -> str:
        return ", ".join(self.authors)

    @property
    def html(self) -> str:
        """What the reader shows: full content when the feed has it, else the summary."""
        return self.content_html or self.summary_html


@dataclass(frozen=True, slots=True)
class Source:
    """A feed the user follows, with the state that makes fetching polite."""

    id: int
    url: str
    title: str = ""
    site_url: str | None = None
    folder: str = ""
    kind: str = "feed"
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    next_fetch_at: datetime | None = None
    last_fetched_at: datetime | None = None
    last_success_at: datetime | None = None
    error_count: int = 0
    last_error_kind: str | None = None
    last_error_message: str | None = None
    added_at: datetime | None = None
    # When the article page is fetched for its full text: "off", "on-demand" (a button and
    # a key in the reader, `newsdesk offline`) or "always" (after each refresh, for the
    # articles whose feed gave a summary only).
    full_text: str = "on-demand"

    @property
    def display_name(self) -> str:
        return self.title or self.url


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    """Which articles a view shows; every filter is optional and they combine with AND."""

    source_id: int | None = None
    folder: str | None = None
    topic: str | None = None
    search: str | None = None
    since: datetime | None = None
    unread_only: bool = False
    starred_only: bool = False
    ids: tuple[str, ...] | None = None
    story_id: int | None = None
    storyline_id: int | None = None  # only articles of this storyline's stories
    keep_ids: tuple[str, ...] = ()  # with unread_only: also these, read or not
    # only articles with this tag (case-insensitive): on the article, or on the story it is
    # in now (a story tag is kept on the story's anchor, which comes along too)
    tag: str | None = None
    untagged: bool = False  # only articles with no tag at all, on them or on their story
    codebook: str | None = None  # only articles some editor coded in this codebook...
    code_value: str | None = None  # ... with this value (needs codebook: else ValueError)
    annotated: bool = False  # only articles with any tag, code or note (either target)


@dataclass(frozen=True, slots=True)
class StorySummary:
    """A story as lists show it: its label, time span, size and outlets."""

    id: int
    label: str
    first_seen: datetime
    last_seen: datetime
    size: int
    outlets: tuple[str, ...]
    article_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StorylineSummary:
    """A storyline (the events of one ongoing matter, linked across weeks) as lists show it.

    `story_ids` newest event first; `unread` counts the unread articles of its events;
    `followed`: the user follows it (badge and notifications)."""

    id: int
    label: str
    first_seen: datetime
    last_seen: datetime
    events: int
    outlets: tuple[str, ...]
    story_ids: tuple[int, ...] = ()
    unread: int = 0
    followed: bool = False


CORRECTION_KINDS = ("merge", "split", "move", "pin", "detach")


@dataclass(frozen=True, slots=True)
class Correction:
    """A user's correction of the grouping, kept in article terms so it survives a
    re-grouping that renumbers stories: `articles` go to the story that holds most of
    `anchor` (an empty anchor: a story of their own). "detach": the story holding
    `articles` leaves its storyline and is never linked again automatically."""

    id: int
    kind: str  # one of CORRECTION_KINDS
    articles: tuple[str, ...]
    anchor: tuple[str, ...]
    editor: str
    created: datetime


@dataclass(frozen=True, slots=True)
class Follow:
    """Something the user follows: kind "storyline" (key: its id as text) or "topic"
    (key: its name). `events` and `outlets` are what the user has been told of, so a new
    event or a new outlet is news; `anchor` names articles that find a storyline again
    after a re-grouping."""

    kind: str
    key: str
    events: int = 0
    outlets: tuple[str, ...] = ()
    anchor: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MemberReason:
    """Why one article is in its story: its similarity to the rest, shared names and
    key terms with the story, days from the story's first article, the copy it repeats."""

    article_id: str
    title: str
    outlet: str
    similarity: float
    days_apart: float
    shared_names: tuple[str, ...] = ()
    shared_terms: tuple[str, ...] = ()
    copy_of: str | None = None
    corrected: str = ""  # "moved", "pinned", "split", "merged" when a user put it there


@dataclass(frozen=True, slots=True)
class StoryExplanation:
    """Why a story holds its articles and belongs to its storyline, for a face to show."""

    story_id: int
    label: str
    members: tuple[MemberReason, ...]
    storyline_id: int | None = None
    storyline_reason: str = ""  # e.g. "both name Microsoft, Ireland; 41 days apart"
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryMember:
    """One article of a story, for the side pane."""

    article_id: str
    story_id: int
    source_id: int
    source_title: str
    title: str
    published: datetime
    url: str | None
    score: float
    duplicate_of: str | None


@dataclass(frozen=True, slots=True)
class Headline:
    """One row of an article list: just what the list shows, cheap to read by the thousand."""

    id: str
    source_id: int
    source_title: str
    title: str
    published: datetime
    is_read: bool
    is_starred: bool
    cursor: str = ""  # an opaque position in the list: the store pages on from it


@dataclass(frozen=True, slots=True)
class Topic:
    """A saved FTS5 query over all outlets."""

    name: str
    query: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one HTTP fetch gave: a body, a 304, or an error; plus the caching headers."""

    url: str
    final_url: str
    status_code: int | None = None
    body: bytes | None = None
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    max_age: float | None = None
    elapsed: float = 0.0
    error: Exception | None = None

    @property
    def not_modified(self) -> bool:
        return self.status_code == 304


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What a batch write changed, so views can refresh from it instead of re-reading."""

    new_ids: tuple[str, ...] = ()
    updated_ids: tuple[str, ...] = ()
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class SourceReport:
    """The outcome of refreshing one source."""

    source_id: int
    url: str
    title: str
    outcome: str  # "new", "unchanged", "not_modified", "failed", "skipped"
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error_kind: str | None = None
    error_message: str | None = None
    new_ids: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """The outcome of one refresh run over many sources."""

    sources: tuple[SourceReport, ...] = field(default_factory=tuple)
    elapsed: float = 0.0

    @property
    def new(self) -> int:
        return sum(s.new for s in self.sources)

    @property
    def updated(self) -> int:
        return sum(s.updated for s in self.sources)

    @property
    def failed(self) -> tuple[SourceReport, ...]:
        return tuple(s for s in self.sources if s.outcome == "failed")

    @property
    def unchanged_sources(self) -> int:
        return sum(1 for s in self.sources if s.outcome in ("unchanged", "not_modified"))


# ------------------------------------------------------------------ the coverage desk


@dataclass(frozen=True, slots=True)
class TextQuote:
    """A passage anchored as W3C Web Annotation's TextQuoteSelector: the exact words and a
    little of the text before and after them, so it can be found again after an edit."""

    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class Annotation:
    """One thing an editor said about an article or a story: a tag, a code or a note.

    `kind` is "tag", "code" or "note". `target` is "article", or "story": a story's
    annotations are kept on its anchor article (its oldest member when annotated), so they
    follow that article through re-grouping. The fields a kind does not use stay empty.
    `id` identifies a note everywhere (a UUID, kept by export and import); tags and codes
    are identified by what they say (article, target, tag or codebook, editor).
    """

    kind: str
    article_id: str
    editor: str
    created: datetime
    target: str = "article"
    tag: str = ""  # kind "tag"
    codebook: str = ""  # kind "code"
    value: str = ""  # kind "code"
    id: str = ""  # kind "note"
    text: str = ""  # kind "note": plain text
    quote: TextQuote | None = None  # kind "note": a highlight's passage


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag with its colour ("#rrggbb", or "" for the default) and how often it is used."""

    name: str
    color: str = ""
    articles: int = 0
    stories: int = 0


@dataclass(frozen=True, slots=True)
class Codebook:
    """A set of fixed values an editor codes an article with (one value per editor)."""

    name: str
    values: tuple[str, ...]
    description: str = ""
    builtin: bool = False


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """How another database finds the same article: canonical URL, then GUID and feed URL
    (article ids are local: they hash the local source id). The rest is for people."""

    url: str | None
    guid: str | None = None
    feed_url: str | None = None
    title: str = ""
    outlet: str = ""
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class CoveredArticle:
    """One article of a coverage export with every annotation on it (and on its story)."""

    ref: ArticleRef
    annotations: tuple[Annotation, ...]
    article_id: str = ""
    story_id: int | None = None
    story_label: str = ""


@dataclass(frozen=True, slots=True)
class Coverage:
    """What an export holds: annotated articles, and the codebooks and tags they use."""

    title: str
    created: datetime
    articles: tuple[CoveredArticle, ...]
    codebooks: tuple[Codebook, ...] = ()
    tags: tuple[Tag, ...] = ()


# ------------------------------------------------------------------ the archive


@dataclass(frozen=True, slots=True)
class FullText:
    """What fetching an article's page gave, kept beside the feed's version.

    `status` is "extracted" (html and text hold the article's full text, sanitized),
    "kept_summary" (a paywall, or a page with less text than the feed: the feed's version
    stays what is shown), "not_article" (a video page, a list of links, a home page) or
    "failed" (the page could not be fetched or read). `reason` says why in a sentence for
    every status but "extracted".
    """

    article_id: str
    status: str
    fetched_at: datetime
    html: str = ""
    text: str = ""
    reason: str = ""
    url: str | None = None  # the page read (after redirects)
    extractor: str = ""  # e.g. "trafilatura 2.3.1"
    word_count: int = 0

    @property
    def extracted(self) -> bool:
        return self.status == "extracted" and bool(self.text)


@dataclass(frozen=True, slots=True)
class ArticleVersion:
    """An earlier version of an article: what its feed (`origin` "feed") or its page
    ("page", an earlier full text) said before it changed. `seen` is when this version was
    first stored, `replaced` when a newer one took its place. Numbered from 1, oldest
    first; the current version is the article itself (and its full text)."""

    article_id: str
    number: int
    origin: str
    title: str
    html: str
    text: str
    seen: datetime
    replaced: datetime


@dataclass(frozen=True, slots=True)
class User:
    """Someone who may sign in to a served store (`newsdesk serve`). `password_hash` is
    newsdesk.server.passwords' self-describing scrypt string, never the password; `tokens`
    is how many API tokens the user has."""

    id: int
    name: str
    created: datetime
    disabled: bool = False
    tokens: int = 0
    password_hash: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class UserToken:
    """One API token of a user, as stored: its SHA-256 (hex), never the token itself."""

    token_hash: str
    user_id: int
    label: str
    created: datetime
    last_used: datetime | None = None
