"""Navigation: what a reader's sidebar lists (smart views, topics, stories, sources) and
the unread counts beside each entry, each read in one call so a face runs it as one job.

Faces draw these records; none of them reads the store for its sidebar itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from newsdesk.errors import NewsdeskError
from newsdesk.models import ArticleQuery, Source, StorylineSummary, StorySummary, Topic
from newsdesk.store import Store

log = logging.getLogger(__name__)

STORIES_SHOWN = 25  # the newest stories covered by two or more outlets
STORYLINES_SHOWN = 25  # followed storylines, then the newest others
EVERYTHING = (ArticleQuery(), ArticleQuery(unread_only=True))  # counted from the sources


@dataclass(frozen=True, slots=True)
class SmartView:
    """A view above the topics: its label, its query, and an icon name a face may draw."""

    label: str
    query: ArticleQuery
    icon: str


@dataclass(frozen=True, slots=True)
class UnreadCounts:
    """Unread articles per source, and the count of each smart view that needs its own."""

    per_source: Mapping[int, int] = field(default_factory=dict)
    views: Mapping[ArticleQuery, int] = field(default_factory=dict)

    @property
    def total_unread(self) -> int:
        return sum(self.per_source.values())


@dataclass(frozen=True, slots=True)
class Navigation:
    """Everything a sidebar lists, read together so its parts agree."""

    views: tuple[SmartView, ...]
    topics: tuple[Topic, ...]
    stories: tuple[StorySummary, ...]
    sources: tuple[Source, ...]
    counts: UnreadCounts
    storylines: tuple[StorylineSummary, ...] = ()  # followed first, then newest event first


def smart_views(now: datetime | None = None) -> tuple[SmartView, ...]:
    """The views above the topics (Today starts at local midnight)."""
    return (SmartView("All unread", ArticleQuery(unread_only=True), "view-unread"),
            SmartView("All articles", ArticleQuery(), "view-all"),
            SmartView("Today", ArticleQuery(since=start_of_today(now)), "view-today"),
            SmartView("Starred", ArticleQuery(starred_only=True), "star"))


def start_of_today(now: datetime | None = None) -> datetime:
    """Local midnight today, in UTC."""
    local = (now or datetime.now(UTC)).astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def unread_counts(store: Store, views: Iterable[ArticleQuery]) -> UnreadCounts:
    """Unread per source (maintained counts) and each view's count (indexed queries); the
    two "everything" views are the sum of the sources and are not counted again, and a
    starred view counts its starred articles, read or not."""
    counts = {query: store.articles.count_where(
        query if query.starred_only else replace(query, unread_only=True))
        for query in views if query not in EVERYTHING}
    return UnreadCounts(store.reading.unread_by_source(), counts)


def read_navigation(store: Store) -> Navigation:
    """The smart views, topics, the newest stories of two or more outlets, the sources,
    their counts, and the storylines (followed first). Stories that cannot be listed are
    left out (and logged)."""
    views = smart_views()
    try:
        recent = tuple(store.stories.list(min_outlets=2, limit=STORIES_SHOWN))
    except NewsdeskError as exc:
        log.warning("stories not listed: %s", exc)
        recent = ()
    return Navigation(views, tuple(store.topics.list()), recent, tuple(store.sources.list()),
                      unread_counts(store, (v.query for v in views)), storylines_shown(store))


def storylines_shown(store: Store, limit: int = STORYLINES_SHOWN) -> tuple[StorylineSummary, ...]:
    """The storylines a sidebar lists: every followed one (with its unread count, the
    badge), then the newest others up to `limit`; none (logged) if they cannot be read."""
    try:
        newest = store.stories.storylines(limit=limit)
        keys = {int(f.key) for f in store.stories.follows()
                if f.kind == "storyline" and f.key.isdigit()}
        have = {s.id for s in newest}
        extra = []
        for key in sorted(keys - have):
            try:
                extra.append(store.stories.storyline(key))
            except NewsdeskError:
                continue  # gone since it was followed
    except NewsdeskError as exc:
        log.warning("storylines not listed: %s", exc)
        return ()
    followed = [s for s in [*newest, *extra] if s.followed or s.id in keys]
    followed.sort(key=lambda s: (s.last_seen, s.id), reverse=True)
    return tuple([*followed, *(s for s in newest if s not in followed)][:max(limit, len(followed))])
