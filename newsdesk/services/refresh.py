"""Refresh: fetch and store (ingest), then group the new articles into stories, then
count them for notifications and, if asked, warm the comparisons of the stories they joined.

The order is the design's one way through the house: fetch -> parse -> normalize -> sanitize
-> store (ingest.pipeline) -> group -> compare. Call from a worker thread, never from the GUI
thread: the pipeline runs its own event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from newsdesk.config import FetchSettings
from newsdesk.errors import NewsdeskError
from newsdesk.ingest import pipeline
from newsdesk.ingest.pipeline import Progress
from newsdesk.models import ArticleQuery, RefreshReport, Source
from newsdesk.services.changes import Changes
from newsdesk.services.stories import update_stories
from newsdesk.services.storylines import Notice, notices
from newsdesk.store import Store

log = logging.getLogger(__name__)

OFFLINE_KINDS = ("dns", "connect")  # every feed failing so means no network, not bad feeds


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What one refresh did: the fetch report, the grouping, the notification counts."""

    report: RefreshReport
    placed: int = 0  # new articles put into stories
    topic_hits: Mapping[str, int] = field(default_factory=dict)  # new articles per topic asked
    warmed: int = 0  # stories compared ahead (only with warm=True)
    changes: Changes = field(default_factory=Changes)
    notices: tuple[Notice, ...] = ()  # news in what the user follows (only with tell=True)


def choose_sources(store: Store, *, source_ids: Sequence[int] = (),
                   every_feed: bool = False) -> list[Source] | None:
    """The sources a refresh should fetch: these ids, or every feed, or None for "those due".

    An id that is no source raises NotFoundError before anything is fetched.
    """
    if source_ids:
        return [store.sources.get(i) for i in source_ids]
    if every_feed:
        return [s for s in store.sources.list() if s.kind == "feed"]
    return None


def refresh(store: Store, sources: Sequence[Source] | None = None, *,
            settings: FetchSettings | None = None, progress: Progress | None = None,
            now: datetime | None = None, notify_topics: Iterable[str] = (),
            warm: bool = False, tell: bool = False) -> Refreshed:
    """Refresh the given sources (default: those due), group what is new into stories,
    count the new articles of each topic in `notify_topics`, and with `warm`, compare the
    stories that have no comparison yet. Grouping links the stories it touched into
    storylines; with `tell`, what is new in followed storylines and topics comes back as
    `notices` and counts as told (a face that asks `services.storylines.notices` itself
    after the refresh leaves `tell` off, so the news is not used up before it asks).

    Only the fetch can fail the whole call (and it does not: each source's failure is that
    source's); grouping, counting and warming that fail are logged and leave the articles
    stored, to be grouped by a later catch-up.
    """
    failing = {s.id for s in (store.sources.list() if sources is None else sources)
               if s.error_count}
    report = pipeline.refresh(store, sources, settings=settings, progress=progress, now=now)
    new_ids = tuple(i for source in report.sources for i in source.new_ids)
    placed, stories = group_new_articles(store, new_ids)
    hits = count_new_by_topic(store, notify_topics, new_ids)
    warmed = warm_comparisons(store) if warm else 0
    told = tell_news(store) if tell else ()
    # New articles change a source's counts (and a first fetch its title); a failure its
    # mark, and so does an answer from a source that failed before.
    changed = [r.source_id for r in report.sources if r.outcome in ("new", "failed")
               or (r.source_id in failing and r.outcome != "skipped")]
    changes = Changes.of(new_articles=new_ids, sources=changed, stories=stories,
                         source_list=bool(changed), story_list=bool(stories or told))
    return Refreshed(report, placed, hits, warmed, changes, told)


def tell_news(store: Store) -> tuple[Notice, ...]:
    """What is new in what the user follows, marked told; a failure is logged, not raised
    (the refresh's articles are stored by then)."""
    try:
        return tuple(notices(store))
    except Exception:
        log.exception("reading what is new in followed storylines and topics failed")
        return ()


def seems_offline(report: RefreshReport) -> bool:
    """Whether every feed asked failed for want of a network (names not resolved, nothing
    reachable): then the refresh says "offline" instead of listing bad feeds."""
    failed = report.failed
    return bool(failed) and len(failed) == len(report.sources) and all(
        r.error_kind in OFFLINE_KINDS for r in failed)


def group_new_articles(store: Store, article_ids: Sequence[str]) -> tuple[int, frozenset[int]]:
    """Put newly stored articles into stories; return (how many placed, the stories touched).

    The articles are stored by then: grouping failing must not turn the write that stored
    them into an error (they stay ungrouped until a later catch-up, and the log says why).
    """
    if not article_ids:
        return 0, frozenset()
    try:
        return update_stories(store, list(article_ids)), stories_of(store, article_ids)
    except Exception:
        log.exception("grouping %d new articles into stories failed", len(article_ids))
        return 0, frozenset()


def stories_of(store: Store, article_ids: Sequence[str]) -> frozenset[int]:
    """The stories these articles are in (ungrouped ones are in none)."""
    found = (store.stories.story_of(i) for i in article_ids)
    return frozenset(s for s in found if s is not None)


def count_new_by_topic(store: Store, topics: Iterable[str],
                       article_ids: Sequence[str]) -> dict[str, int]:
    """How many of `article_ids` each topic matches (for "3 new on Courts" notifications).

    A topic that is gone or whose query no longer runs is left out, not an error.
    """
    hits: dict[str, int] = {}
    if not article_ids:
        return hits
    ids = tuple(article_ids)
    for name in topics:
        try:
            hits[name] = store.articles.count_where(ArticleQuery(topic=name, ids=ids))
        except NewsdeskError:
            continue
    return hits


def warm_comparisons(store: Store, *, limit: int = 50) -> int:
    """Compare the newest stories of two or more outlets that have no cached comparison,
    so the story pane finds them ready; return how many were compared.

    The window runs this as its own background job after showing a refresh's articles (a
    cold comparison of 30 articles takes ~0.3 s), so the list does not wait for it.
    """
    # Imported here: a refresh that does not warm (`newsdesk fetch`) never needs the
    # framing analysis, nor its parser processes a copy of it.
    from newsdesk.services.comparisons import warm_cache

    return warm_cache(store, limit=limit)
