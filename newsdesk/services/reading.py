"""Reading: open an article with everything the reader shows, mark it read or starred.

`open_article` gathers in one call (one job off the GUI thread) what the window asked the
store for, query by query, on every keypress: the article, its source, its read state,
whether its remote images may be shown, its cached images, and its story; and for the
archive its full text (fetched from its page) and how many earlier versions it has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, TypeVar

from newsdesk.errors import NotFoundError
from newsdesk.models import Article, ArticleQuery, FullText, Headline, Source
from newsdesk.offline.assets import cache_images, image_urls
from newsdesk.services.changes import Changes
from newsdesk.store import Store

# Ids looked up per query when working out what a mark changed (SQLite's variable limit
# is far above this; one article is the common case).
_STATE_CHUNK = 500


@dataclass(frozen=True, slots=True)
class OpenedArticle:
    """One article as the reader shows it, read in one go."""

    article: Article
    source: Source | None  # None only if the source went away meanwhile
    is_read: bool
    is_starred: bool
    images_for_article: bool  # the user allowed this article's remote images
    images_for_source: bool  # ... or every article of its source
    cached_images: Mapping[str, bytes] = field(default_factory=dict)  # image URL -> bytes
    missing_images: tuple[str, ...] = ()  # image URLs with no local copy
    story_id: int | None = None
    story_label: str = ""
    story_outlets: int = 0  # outlets covering its story (0 when in no story)
    fulltext: FullText | None = None  # what its page gave, when it was fetched
    versions: int = 0  # earlier versions kept (its headline or text changed)

    def images_allowed(self, always: bool = False) -> bool:
        """Whether remote images may be shown: the setting (`always`), or either permission."""
        return always or self.images_for_article or self.images_for_source


@dataclass(frozen=True, slots=True)
class BulkRead:
    """A whole view marked read (or such a mark undone): its batch for undo, and how many."""

    batch: int
    count: int
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True, slots=True)
class ImagesSaved:
    """An article's images fetched into the local cache."""

    stored: int
    failed: int
    changes: Changes = field(default_factory=Changes)


def open_article(store: Store, article_id: str) -> OpenedArticle:
    """Everything the reader shows for one article; NotFoundError if it is gone."""
    article = store.articles.get(article_id)
    try:
        source: Source | None = store.sources.get(article.source_id)
    except NotFoundError:
        source = None
    status = store.reading.status(article_id)
    for_article, for_source = store.caches.remote_images_allowed(article)
    fulltext = store.archive.fulltext(article_id)
    urls = image_urls(article, fulltext)  # the feed's images, then the full text's
    found = store.caches.cached_assets(urls) if urls else {}
    cached = {url: found[url][1] for url in urls if url in found}
    missing = [url for url in urls if url not in found]
    versions = store.archive.version_counts([article_id]).get(article_id, 0)
    story_id = store.stories.story_of(article_id)
    label, outlets = "", 0
    if story_id is not None:
        try:
            label = store.stories.label(story_id)
            outlets = store.stories.outlet_count(story_id)
        except NotFoundError:  # regrouped meanwhile
            story_id = None
    return OpenedArticle(article=article, source=source, is_read=status.is_read,
                         is_starred=status.is_starred, images_for_article=for_article,
                         images_for_source=for_source, cached_images=cached,
                         missing_images=tuple(missing), story_id=story_id, story_label=label,
                         story_outlets=outlets, fulltext=fulltext, versions=versions)


def list_articles(store: Store, *, source_id: int | None = None, topic: str | None = None,
                  since: datetime | None = None, limit: int | None = None) -> list[Article]:
    """Stored articles newest first, filtered; a source id that is none is NotFoundError
    (not an empty list), and so is a topic name that is none."""
    if source_id is not None:
        store.sources.get(source_id)
    return store.articles.list(source_id=source_id, topic=topic, since=since, limit=limit)


def list_headlines(store: Store, query: ArticleQuery, *, limit: int,
                   after: Headline | None = None, newest_first: bool = True) -> list[Headline]:
    """One page of a view's rows (the list's columns and marks, no bodies), after the row
    `after` when given; a query the index cannot run is a QueryError."""
    return store.articles.headlines(query, limit=limit, after=after, newest_first=newest_first)


def search_articles(store: Store, query: str, *, limit: int = 50) -> list[Article]:
    """Full-text search, best match first; a query the index cannot run is a QueryError."""
    return store.articles.search(query, limit=limit)


def sources_by_id(store: Store) -> dict[int, Source]:
    """Every source by id, to name the source of each article in a list."""
    return {s.id: s for s in store.sources.list()}


def has_article(store: Store, article_id: str) -> bool:
    """Whether the article is still stored (its source may have been removed meanwhile)."""
    try:
        store.articles.get(article_id)
    except NotFoundError:
        return False
    return True


def _states(store: Store, article_ids: Sequence[str]) -> dict[str, tuple[int, bool, bool]]:
    """article id -> (source id, is read, is starred), for the ids that exist."""
    found: dict[str, tuple[int, bool, bool]] = {}
    unique = list(dict.fromkeys(article_ids))
    for start in range(0, len(unique), _STATE_CHUNK):
        chunk = tuple(unique[start:start + _STATE_CHUNK])
        for h in store.articles.headlines(ArticleQuery(ids=chunk), limit=len(chunk)):
            found[h.id] = (h.source_id, h.is_read, h.is_starred)
    return found


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


Row = TypeVar("Row", bound=_HasId)


def with_copies(store: Store, article_ids: Sequence[str]) -> list[str]:
    """These articles and every copy of each (wire copies, near-duplicates, one outlet's
    two feeds): one read state for a copy group."""
    groups = store.stories.copies(article_ids)
    return list(dict.fromkeys(i for a in article_ids for i in groups.get(a, (a,))))


def collapse_copies(store: Store, articles: Sequence[Row],
                    ) -> tuple[list[Row], dict[str, tuple[str, ...]]]:
    """A list with each copy group shown once: under the row of its original (or, when the
    original is not in the list, of its first copy in it) with the group's other rows
    left out; returns (rows shown, {shown id: ids of the copies left out}), in list order."""
    groups = store.stories.copies([a.id for a in articles])
    present = {a.id for a in articles}
    shown: list[Row] = []
    hidden: dict[str, list[str]] = {}
    for row in articles:
        group = groups.get(row.id)
        if group is None:
            shown.append(row)
            continue
        head = next((i for i in group if i in present), row.id)
        if head == row.id:
            shown.append(row)
            hidden.setdefault(row.id, [])
        else:
            hidden.setdefault(head, []).append(row.id)
    return shown, {k: tuple(v) for k, v in hidden.items() if v}


def set_read(store: Store, article_ids: Sequence[str], read: bool = True) -> Changes:
    """Mark articles read (or unread), and every copy of each with them; the Changes names
    those whose state did change."""
    article_ids = with_copies(store, article_ids)
    before = _states(store, article_ids)
    store.reading.set_read(article_ids, read)
    changed = {i: s for i, s in before.items() if s[1] != read}
    return Changes.of(articles=changed, sources={s[0] for s in changed.values()})


def set_starred(store: Store, article_id: str, starred: bool = True) -> Changes:
    """Star (or unstar) one article; the Changes is empty if it already was."""
    before = _states(store, [article_id])
    store.reading.set_starred(article_id, starred)
    changed = {i: s for i, s in before.items() if s[2] != starred}
    return Changes.of(articles=changed, sources={s[0] for s in changed.values()})


def mark_view_read(store: Store, query: ArticleQuery) -> BulkRead:
    """Mark every unread article of a view read, as one batch that `undo_mark_read` undoes."""
    batch, count = store.reading.mark_read_where(query)
    return BulkRead(batch, count, Changes(all_articles=True) if count else Changes())


def undo_mark_read(store: Store, batch: int) -> BulkRead:
    """Make the articles of one `mark_view_read` batch unread again."""
    count = store.reading.undo_batch(batch)
    return BulkRead(batch, count, Changes(all_articles=True) if count else Changes())


def allow_images(store: Store, article: Article,
                 scope: Literal["article", "source"] = "article") -> Changes:
    """Let this article's (or every article of its source's) remote images be shown."""
    if scope == "source":
        store.caches.allow_remote_images("source", article.source_id)
        return Changes.of(sources=[article.source_id])
    store.caches.allow_remote_images("article", article.id)
    return Changes.of(articles=[article.id])


def save_images(store: Store, article: Article) -> ImagesSaved:
    """Download an article's images, its full text's too, into the local cache (network:
    run it detached), within the retention's cache cap."""
    from newsdesk.services.offline import MB, read_retention

    stored, failed = cache_images(store, article, fulltext=store.archive.fulltext(article.id),
                                  max_bytes=read_retention().cache_mb * MB)
    return ImagesSaved(stored, failed, Changes.of(articles=[article.id]) if stored else Changes())
