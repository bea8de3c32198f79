"""Storylines, the use case: link stories into storylines as they arrive, list them, draw
one's timeline, follow storylines and topics and say what is new in them.

The glue between the store and `analysis.stories.storylines` (pure), as services/stories.py
is for stories: load what linking needs, link, save in one transaction.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from newsdesk.analysis.stories import decode_features
from newsdesk.analysis.stories.storylines import (
    MAX_CANDIDATES,
    MAX_POSTING,
    EventInput,
    StorylineLinker,
    StorylineState,
    article_links,
    event_vector,
    index_terms,
    query_terms,
    storyline_profile,
)
from newsdesk.errors import NewsdeskError, NotFoundError
from newsdesk.models import ArticleQuery, Follow, StorylineSummary, StorySummary
from newsdesk.services.changes import Changes
from newsdesk.store import Store
from newsdesk.store.api import StorylineRecord, StoryLink, StoryRecord

log = logging.getLogger(__name__)

FOLLOW_KINDS = ("storyline", "topic")
ANCHORS = 12  # articles a followed storyline is found again by (after a re-grouping)
FEATURE_DIGITS = 5  # a stored storyline profile's precision
PROFILE_LINKS = 400  # URLs a stored storyline profile keeps (a saga's would grow without end)
LINK_BATCH = 500  # articles read at once for their links
LINK_STEP = 2000  # stories linked (and saved) at a time
LINK_SPREAD = 3  # a URL more of a step's stories link is an outlet's boilerplate, not a tie


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One event of a storyline on its timeline: the story, its outlets, and the outlets
    of the storyline that did not cover it."""

    story: StorySummary
    outlets: tuple[str, ...]
    silent: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StorylineTimeline:
    """A storyline along the days: its events oldest first and every outlet that covered
    any of them (in order of first coverage)."""

    storyline: StorylineSummary
    events: tuple[TimelineEvent, ...]
    outlets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Notice:
    """Something new in what the user follows, in one sentence for a notification."""

    kind: str  # "storyline" or "topic"
    key: str
    text: str  # e.g. "Microsoft Ireland case: a new event, 'Appeal heard'" / "…: Reuters covers it"


def update_storylines(store: Store, story_ids: Sequence[int] | None = None) -> int:
    """Link these stories (default: every story not linked yet) into storylines; return
    how many were linked or re-linked.

    Stories go to the linker oldest first, LINK_STEP at a time (a catch-up of a whole
    archive holds one step's centroids, not every story's); one a user detached stays
    out. The storylines that may take a step's stories are read first, and what it changed
    is saved in one transaction."""
    ids = list(dict.fromkeys(store.stories.unlinked() if story_ids is None else story_ids))
    if len(ids) <= LINK_STEP:
        return _link_step(store, store.stories.story_rows(ids))
    if story_ids is not None:  # `unlinked` gives them oldest first already
        order: list[tuple[datetime, int]] = []
        for start in range(0, len(ids), LINK_STEP):
            order += [(r.first_seen, r.id) for r in store.stories.story_rows(
                ids[start:start + LINK_STEP])]
        ids = [i for _, i in sorted(order)]
    return sum(_link_step(store, store.stories.story_rows(ids[start:start + LINK_STEP]))
               for start in range(0, len(ids), LINK_STEP))


def _link_step(store: Store, stories: Sequence[StoryRecord]) -> int:
    """Link these stories in date order and save what changed (see update_storylines)."""
    rows = sorted(stories, key=lambda r: (r.first_seen, r.id))
    if not rows:
        return 0
    links = store.stories.links([r.id for r in rows])
    summaries = {s.id: s for s in store.stories.list(ids=[r.id for r in rows])}
    next_id = store.stories.next_storyline_id()
    window = StorylineLinker((), next_id=next_id)  # only to ask what its window reaches
    centroids = {r.id: decode_features(r.centroid) for r in rows}
    urls = _event_links(store, summaries.values())
    saved, common = _candidates(store, rows, links, centroids, window)
    linker = StorylineLinker(saved, next_id=next_id, common=common)
    made: list[StoryLink] = []
    grown: set[int] = set()  # storylines one of whose linked events changed
    for row in rows:
        link = links.get(row.id)
        if link is not None and link.locked:
            continue
        summary = summaries.get(row.id)
        event = EventInput(story_id=row.id, first_seen=row.first_seen, last_seen=row.last_seen,
                           features=centroids[row.id],
                           outlets=frozenset(summary.outlets if summary else ()),
                           label=row.label, links=urls.get(row.id, frozenset()),
                           storyline_id=link.storyline_id if link is not None else None)
        placed = linker.link(event)
        stayed = placed.storyline_id
        if link is not None and placed.why is None and stayed is not None \
                and stayed == link.storyline_id:
            made.append(link)  # stayed where it was: keep the score and why it was linked
            grown.add(stayed)
        else:
            made.append(StoryLink(row.id, placed.storyline_id, round(placed.score, 4),
                                  str(placed.why) if placed.why is not None else ""))
    records = [_record(s) for s in _rebuilt(store, linker.touched(), grown, made)]
    store.stories.save_storylines(records, made, new_from=next_id)
    log.info("linked %d stories; %d storylines changed", len(made), len(records))
    return len(made)


def list_storylines(store: Store, *, since: datetime | None = None,
                    limit: int | None = None, catch_up: bool = False) -> list[StorylineSummary]:
    """Storylines of two or more events, newest event first; with `catch_up`, stories
    grouped but not linked yet (a database from before storylines) are linked first: the
    store names those (`unlinked`), so a database with all linked reads no story."""
    if catch_up:
        from newsdesk.services.stories import update_stories

        update_stories(store)
        update_storylines(store, store.stories.unlinked())
    return store.stories.storylines(since=since, limit=limit)


def timeline(store: Store, storyline_id: int) -> StorylineTimeline:
    """One storyline's timeline; NotFoundError for an unknown id."""
    storyline = store.stories.storyline(storyline_id)
    events = store.stories.storyline_events(storyline_id)
    outlets = tuple(dict.fromkeys(o for e in events for o in e.outlets))
    return StorylineTimeline(storyline, tuple(
        TimelineEvent(e, e.outlets, tuple(o for o in outlets if o not in e.outlets))
        for e in events), outlets)


def follow(store: Store, kind: str, key: str) -> Changes:
    """Follow a storyline (key: its id) or a topic (key: its name); NotFoundError if there
    is none. What exists now counts as told, so only what comes later is news."""
    store.stories.follow(_now_known(store, Follow(kind, _key(kind, key))))
    return Changes.of(story_list=True, topic_list=kind == "topic")


def unfollow(store: Store, kind: str, key: str) -> Changes:
    """Stop following (nothing happens when it was not followed)."""
    store.stories.unfollow(kind, _key(kind, key))
    return Changes.of(story_list=True, topic_list=kind == "topic")


def followed(store: Store) -> list[Follow]:
    """Everything followed, in the order followed (a storyline re-grouped away found
    again by its anchor articles)."""
    return [_resolved(store, f) for f in store.stories.follows()]


def notices(store: Store) -> list[Notice]:
    """What is new in everything followed since the user was last told (a new event in a
    storyline, a new outlet covering it, new articles for a topic), and mark it told."""
    found: list[Notice] = []
    for before in followed(store):
        try:
            now = _now_known(store, before)
        except NotFoundError:
            continue  # a storyline or topic that is gone has no news
        found += _news(store, before, now)
        if now != before:
            store.stories.follow(now)
    return found


def _news(store: Store, before: Follow, now: Follow) -> list[Notice]:
    if before.kind == "topic":
        new = now.events - before.events
        return [Notice("topic", now.key, f"{now.key}: {new} new article{'s' * (new != 1)}")
                ] if new > 0 else []
    storyline = store.stories.storyline(int(now.key))
    label = storyline.label or f"Storyline {now.key}"
    told: list[Notice] = []
    added = now.events - before.events
    if added > 0:
        newest = store.stories.storyline_events(int(now.key))[-1:]
        if added == 1 and newest:
            told.append(Notice("storyline", now.key,
                               f"{label}: a new event, '{newest[0].label}'"))
        else:
            told.append(Notice("storyline", now.key, f"{label}: {added} new events"))
    outlets = [o for o in now.outlets if o not in before.outlets]
    if outlets and before.outlets:  # every outlet is new to a storyline just followed
        verb = "covers" if len(outlets) == 1 else "cover"
        told.append(Notice("storyline", now.key, f"{label}: {', '.join(outlets)} {verb} it"))
    return told


def _key(kind: str, key: str) -> str:
    if kind not in FOLLOW_KINDS:
        raise NewsdeskError(f"One can follow a storyline or a topic, not a {kind!r}.")
    key = key.strip()
    if kind == "storyline" and not key.isdigit():
        raise NewsdeskError(f"A storyline is followed by its id (a number), not {key!r}.")
    return key


def _now_known(store: Store, follow: Follow) -> Follow:
    """The follow with what exists now as told (NotFoundError when its storyline or
    topic is gone)."""
    if follow.kind == "topic":
        store.topics.get(follow.key)
        return replace(follow, events=store.articles.count_where(ArticleQuery(topic=follow.key)))
    storyline = store.stories.storyline(int(follow.key))
    events = store.stories.storyline_events(storyline.id)
    anchor = tuple(e.article_ids[0] for e in reversed(events) if e.article_ids)[:ANCHORS]
    return replace(follow, events=storyline.events,
                   outlets=tuple(dict.fromkeys((*follow.outlets, *storyline.outlets))),
                   anchor=anchor or follow.anchor)


def _resolved(store: Store, follow: Follow) -> Follow:
    """A followed storyline as it is now: after a re-grouping its id may be another's or
    none, so it is the storyline holding most of its anchor articles (the follow moves
    there, keeping what the user was told)."""
    if follow.kind != "storyline" or not follow.anchor:
        return follow
    stories = store.stories.stories_of(follow.anchor)
    links = store.stories.links(sorted(set(stories.values())))
    counts = Counter(links[s].storyline_id for s in stories.values()
                     if s in links and links[s].storyline_id is not None)
    if not counts:
        return follow
    best = min(counts, key=lambda i: (-counts[i], i))
    if str(best) == follow.key:
        return follow
    log.info("followed storyline %s is now storyline %s", follow.key, best)
    moved = replace(follow, key=str(best))
    store.stories.unfollow(follow.kind, follow.key)
    store.stories.follow(moved)
    return moved


def _event_links(store: Store, stories: Iterable[StorySummary]) -> dict[int, frozenset[str]]:
    """Each story's links for the linker: its articles' URLs and the pages they link to,
    less those more than LINK_SPREAD of the step's stories hold (an outlet's own pages
    that its every article links: they would join unrelated events)."""
    story_of = {a: s.id for s in stories for a in s.article_ids}
    found: dict[int, set[str]] = {}
    ids = sorted(story_of)
    for start in range(0, len(ids), LINK_BATCH):
        chunk = tuple(ids[start:start + LINK_BATCH])
        for article in store.articles.list(ArticleQuery(ids=chunk)):
            found.setdefault(story_of[article.id], set()).update(
                article_links(article.url, article.content_html or article.summary_html))
    spread = Counter(u for urls in found.values() for u in urls)
    return {sid: frozenset(u for u in urls if spread[u] <= LINK_SPREAD)
            for sid, urls in found.items()}


def _candidates(store: Store, rows: Sequence[StoryRecord], links: Mapping[int, StoryLink],
                centroids: Mapping[int, Mapping[str, float]],
                window: StorylineLinker) -> tuple[list[StorylineState], set[str]]:
    """The saved storylines these stories may join or are in, and the terms too common to
    find one: each unlinked story's best candidates by the store's term index among the
    storylines recent enough for it (as many as the linker compares), not every storyline
    of the last weeks. Common terms are those more than MAX_POSTING storylines hold that
    can take the step's newest story (a step spanning weeks counts the fewest, so it errs
    towards comparing more)."""
    own = {ln.storyline_id for ln in links.values() if ln.storyline_id is not None}
    unlinked = [r for r in rows if r.id not in links or links[r.id].storyline_id is None]
    queries = [(query_terms(event_vector(centroids[r.id])), window.since(r.first_seen))
               for r in unlinked]
    counts = store.stories.storyline_term_counts(
        sorted({t for q, _ in queries for t in q}), max(s for _, s in queries)) \
        if queries else {}
    common = {t for t, n in counts.items() if n > MAX_POSTING}
    wanted = set(own)
    for found in store.stories.storyline_candidates(
            [([t for t in q if t not in common], when) for q, when in queries], MAX_CANDIDATES):
        wanted.update(found)
    since = window.since(rows[0].first_seen)  # what the step's oldest story may still join
    saved = [_state(r) for r in store.stories.storyline_rows(since, ids=sorted(wanted))]
    return saved, common


def _state(record: StorylineRecord) -> StorylineState:
    """A saved storyline for the linker (its profile: see `_record`)."""
    data: Any = json.loads(record.features or "{}")
    if not isinstance(data, dict):
        data = {}
    features = data.get("features") if isinstance(data.get("features"), dict) else data
    return StorylineState(id=record.id, first_seen=record.first_seen,
                          last_seen=record.last_seen,
                          features={str(t): float(w) for t, w in features.items()
                                    if isinstance(w, (int, float))},
                          events=record.events,
                          outlets=frozenset(str(o) for o in data.get("outlets", ())),
                          label=record.label,
                          links=frozenset(str(u) for u in data.get("links", ())))


def _rebuilt(store: Store, states: Sequence[StorylineState], grown: set[int],
             made: Sequence[StoryLink]) -> list[StorylineState]:
    """The touched storylines, those whose events grew with their profile rebuilt from
    every event's centroid now (a fresh linker does not know an older event's share, so it
    cannot take it out and put the grown one in)."""
    if not grown:
        return list(states)
    events: dict[int, set[int]] = {sid: {e.id for e in store.stories.storyline_events(sid)}
                                   for sid in grown}
    for link in made:
        if link.storyline_id in events:
            events[link.storyline_id].add(link.story_id)
    centroids = {r.id: decode_features(r.centroid) for r in store.stories.story_rows(
        sorted({i for ids in events.values() for i in ids}))}
    return [replace(s, features=storyline_profile(centroids[i] for i in sorted(events[s.id])
                                                  if i in centroids))
            if s.id in events else s for s in states]


def _record(state: StorylineState) -> StorylineRecord:
    """A linker's storyline as saved: its profile is one JSON object of its features
    (rounded), outlets and links, since the linker needs the outlets' names back."""
    features = {t: round(w, FEATURE_DIGITS) for t, w in state.features.items()}
    profile = {"features": features, "outlets": sorted(state.outlets),
               "links": sorted(state.links)[:PROFILE_LINKS]}
    return StorylineRecord(id=state.id, label=state.label, first_seen=state.first_seen,
                           last_seen=state.last_seen, events=state.events,
                           outlets=len(state.outlets),
                           features=json.dumps(profile, separators=(",", ":"),
                                               ensure_ascii=True),
                           terms=index_terms(features))
