"""Storylines: the events (stories) of one ongoing matter, linked across weeks.

Stories are grouped tightly (one event, a few days); storylines link them loosely: the
same bill, court case, crisis or scandal, not merely the same broad topic. Linking is
online (a story is linked as it arrives and grows), ids are stable (a storyline keeps its
id as events join; a linked story stays unless a user detaches it), and every link can be
explained: shared names, shared key terms, links between the articles, time apart.

Pure: no Qt, no network, no database.
"""

from __future__ import annotations

import heapq
import html
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import islice

WINDOW_DAYS = 60.0  # a storyline takes an event while its newest event is this recent
THRESHOLD = 0.35  # the least similarity (after the time discount) that links an event
DAY_DECAY = 120.0  # the similarity is divided by 1 + days / DAY_DECAY
NAME_BOOST = 2.0  # names count most: the same people, places and bodies make a matter
LINK_BONUS = 0.15  # per URL the event shares with the storyline, up to 2
PROFILE_TERMS = 120  # terms kept in a storyline's profile
INDEXED_TERMS = 24  # a storyline's strongest terms, by which events find it
QUERY_TERMS = 16  # an event's strongest terms, used to look storylines up
MAX_POSTING = 300  # a term held by more storylines than this finds none (a topic word)
MAX_CANDIDATES = 10  # storylines compared in full
MIN_SHARED_NAMES = 1  # a link needs a name in common (same matter, not same topic)
LINKS_PER_ARTICLE = 32  # URLs an article adds to its event's links (its own and those it links)
_BOILERPLATE_HOSTS = frozenset({
    "twitter.com", "x.com", "facebook.com", "instagram.com", "linkedin.com", "youtube.com",
    "tiktok.com", "threads.net", "bsky.app", "reddit.com", "pinterest.com", "t.me",
    "whatsapp.com", "wa.me", "api.whatsapp.com", "mastodon.social", "feeds.feedburner.com",
    "news.google.com", "apps.apple.com", "play.google.com"})
_HREF = re.compile(r'<a\s[^>]*?href="(https?://[^"]+)"', re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EventInput:
    """A story as linking sees it. `features`: the story model's centroid (named weights,
    names prefixed "n:"); `links`: URLs of its articles and of the pages they link to;
    `storyline_id`: the storyline it is in now (None: none yet); `locked`: a user detached
    it, so it stays in no storyline."""

    story_id: int
    first_seen: datetime
    last_seen: datetime
    features: Mapping[str, float]
    outlets: frozenset[str]
    label: str = ""
    links: frozenset[str] = frozenset()
    storyline_id: int | None = None
    locked: bool = False


@dataclass(frozen=True, slots=True)
class StorylineState:
    """A storyline as the linker keeps it: its profile over its events' features."""

    id: int
    first_seen: datetime
    last_seen: datetime
    features: Mapping[str, float]
    events: int
    outlets: frozenset[str]
    label: str = ""
    links: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class LinkExplanation:
    """What links an event to a storyline (or two events)."""

    score: float
    days_apart: float
    shared_names: tuple[str, ...] = ()
    shared_terms: tuple[str, ...] = ()
    shared_links: tuple[str, ...] = ()

    def __str__(self) -> str:
        """One line an editor can check: 'both name Microsoft, Ireland; shared terms:
        warrant, emails; 41 days apart'."""
        parts = []
        if self.shared_names:
            parts.append("both name " + ", ".join(_display(n) for n in self.shared_names))
        if self.shared_terms:
            parts.append("shared terms: " + ", ".join(self.shared_terms))
        if self.shared_links:
            more = len(self.shared_links) - 2
            parts.append("links in common: " + ", ".join(self.shared_links[:2])
                         + (f" (+{more})" if more > 0 else ""))
        days = round(self.days_apart)
        parts.append("same day" if days == 0 else f"{days} day{'s' if days != 1 else ''} apart")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class StorylineLink:
    """Where one event went: its storyline (None: locked out), the score and the why."""

    story_id: int
    storyline_id: int | None
    score: float
    new_storyline: bool
    why: LinkExplanation | None = None


@dataclass
class _Line:
    """A storyline while linking: its profile (weighted, unit length per event, summed)
    and what each event known to this linker put into it (to replace it as the event grows)."""

    state: StorylineState
    profile: dict[str, float]
    norm: float
    indexed: tuple[str, ...] = ()
    contributions: dict[int, dict[str, float]] = field(default_factory=dict)


class StorylineLinker:
    """Links events to storylines as they arrive. Give it the storylines that may still
    grow (see `since`) and the next free id; `link` each new or grown event in date
    order; `touched()` is what to save.

    Fast: storylines are found through an index of their strongest terms and names (only
    storylines sharing one of an event's strongest terms are compared), and storylines
    whose newest event is older than the window leave the index."""

    def __init__(self, storylines: Sequence[StorylineState] = (), *, next_id: int = 1,
                 threshold: float = THRESHOLD, window_days: float = WINDOW_DAYS,
                 common: Iterable[str] = ()) -> None:
        """`common`: terms that find no storyline whatever this linker holds (a caller
        giving it only the storylines events may join knows which terms are held by more
        than MAX_POSTING of all of them)."""
        self.threshold = threshold
        self.window = timedelta(days=window_days)
        self._common = frozenset(common)
        self._lines: dict[int, _Line] = {}
        self._postings: dict[str, set[int]] = {}
        self._by_age: list[tuple[datetime, int]] = []  # heap of (last_seen, id) to expire
        self._touched: set[int] = set()
        self._next_id = next_id
        for state in storylines:
            profile = dict(state.features)
            self._put(_Line(state, profile, _norm(profile)))
            self._next_id = max(self._next_id, state.id + 1)

    def since(self, now: datetime) -> datetime:
        """The oldest newest-event date a storyline can have and still take an event
        arriving at `now` (what the caller loads)."""
        return now - self.window

    def link(self, event: EventInput) -> StorylineLink:
        """Link one event. An event already in a storyline stays there (its profile is
        updated); a locked event is in none; a new one joins the best storyline above the
        threshold or starts its own (a storyline of one event is not listed)."""
        if event.locked:
            return StorylineLink(event.story_id, None, 0.0, False)
        vector = event_vector(event.features)
        if event.storyline_id is not None:
            line = self._lines.get(event.storyline_id)
            if line is None:  # not loaded (older than the window): recreate from the event
                line = _Line(_new_state(event.storyline_id, event), {}, 0.0)
                self._next_id = max(self._next_id, event.storyline_id + 1)
                self._grow(line, event, vector, new_event=True)
            else:
                self._grow(line, event, vector,
                           new_event=False if event.story_id in line.contributions
                           else None)
            return StorylineLink(event.story_id, line.state.id, 1.0, False)
        self._expire(event.first_seen)
        best, score = self._best(event, vector)
        if best is not None and score >= self.threshold:
            why = explain_link(event, best.state, score=score)
            self._grow(best, event, vector, new_event=True)
            return StorylineLink(event.story_id, best.state.id, round(score, 4), False, why)
        line = _Line(_new_state(self._next_id, event), {}, 0.0)
        self._next_id += 1
        self._grow(line, event, vector, new_event=True)
        return StorylineLink(event.story_id, line.state.id, 1.0, True)

    def touched(self) -> list[StorylineState]:
        """The storylines `link` created or changed since this linker was made."""
        return [self._lines[sid].state for sid in sorted(self._touched) if sid in self._lines]

    @property
    def next_id(self) -> int:
        """The id the next new storyline will get (ids only grow)."""
        return self._next_id

    # -- internals

    def _best(self, event: EventInput, vector: dict[str, float]) -> tuple[_Line | None, float]:
        hits: Counter[int] = Counter()
        common = self._common
        for term in query_terms(vector):
            holders = self._postings.get(term)
            if holders and len(holders) <= MAX_POSTING and term not in common:
                hits.update(holders)
        candidates = heapq.nsmallest(MAX_CANDIDATES, hits, key=lambda sid: (-hits[sid], sid))
        best: _Line | None = None
        best_score = 0.0
        for sid in sorted(candidates):
            line = self._lines[sid]
            score = link_score(event, vector, line.state, line.profile, line.norm)
            if score > best_score + 1e-12:
                best, best_score = line, score
        return best, best_score

    def _grow(self, line: _Line, event: EventInput, vector: dict[str, float],
              new_event: bool | None) -> None:
        """Add the event to the line's profile (replacing what it put in before, if this
        linker knows it; an event from a saved state keeps its old share: None)."""
        old = line.contributions.get(event.story_id)
        strongest: tuple[str, ...] | None = None
        if new_event is not None or old is not None:
            if line.contributions.keys() <= {event.story_id} \
                    and line.state.events <= len(line.contributions):
                # The profile is this event's alone (most storylines have one event): its
                # vector is ranked already (strongest first, ties by term, all positive), so
                # the strongest terms are its first ones, as _ranked would pick them.
                pruned = len(vector) > PROFILE_TERMS * 3 // 2
                line.profile = profile = dict(islice(vector.items(), PROFILE_TERMS)
                                              if pruned else vector.items())
                strongest = tuple(islice(profile, INDEXED_TERMS))
            else:
                profile = line.profile
                get = profile.get
                for term, weight in (old or {}).items():
                    profile[term] = get(term, 0.0) - weight
                for term, weight in vector.items():
                    profile[term] = get(term, 0.0) + weight
            if strongest is None and len(profile) > PROFILE_TERMS * 3 // 2:
                top = _ranked(profile, PROFILE_TERMS)
                line.profile = profile = {t: -w for w, t in top}
                strongest = tuple(t for _, t in top[:INDEXED_TERMS])  # as index_terms has it
            line.contributions[event.story_id] = vector
            line.norm = _norm(profile)
        state = line.state
        line.state = replace(
            state,
            first_seen=min(state.first_seen, event.first_seen),
            last_seen=max(state.last_seen, event.last_seen),
            features=line.profile,
            events=state.events + (1 if new_event else 0),
            outlets=state.outlets | event.outlets,
            label=_label(state, event) if new_event or not state.label else state.label,
            links=state.links | event.links)
        self._put(line, strongest)
        self._touched.add(state.id)

    def _put(self, line: _Line, strongest: tuple[str, ...] | None = None) -> None:
        """(Re)index a line by its strongest terms (`index_terms`, if not given)."""
        sid = line.state.id
        self._lines[sid] = line
        if strongest is None:
            strongest = index_terms(line.profile)
        for term in set(line.indexed) - set(strongest):
            self._unpost(term, sid)
        for term in strongest:
            self._postings.setdefault(term, set()).add(sid)
        line.indexed = strongest
        heapq.heappush(self._by_age, (line.state.last_seen, sid))

    def _expire(self, now: datetime) -> None:
        """Take out of the index the storylines too old to take an event at `now`."""
        while self._by_age and now - self._by_age[0][0] > self.window:
            seen, sid = heapq.heappop(self._by_age)
            line = self._lines.get(sid)
            if line is None or line.state.last_seen != seen:
                continue  # a newer entry of the same line is in the heap
            for term in line.indexed:
                self._unpost(term, sid)
            line.indexed = ()
            # Its events' shares go too (a long stream would keep every event's vector): an
            # event of it linked again is then taken as from a saved state.
            line.contributions = {}

    def _unpost(self, term: str, sid: int) -> None:
        holders = self._postings.get(term)
        if holders is not None:
            holders.discard(sid)
            if not holders:
                del self._postings[term]


def article_links(url: str | None, markup: str) -> frozenset[str]:
    """What an article adds to its event's links: its own URL and the pages its text links
    to (up to LINKS_PER_ARTICLE, fragments dropped), so an appeal's report linking the
    ruling's coverage shares a URL with the ruling's storyline. A site's home page and
    social or sharing links are left out: every article of an outlet carries them ("The
    post appeared first on ..."), and they say nothing about the matter."""
    found: dict[str, None] = {}
    if url:
        found[_bare(url)] = None
    hrefs = 0
    for match in _HREF.finditer(markup):
        link = _bare(html.unescape(match.group(1)))
        host, _, path = link.partition("://")[2].partition("/")
        if not path or host.lower().removeprefix("www.") in _BOILERPLATE_HOSTS:
            continue
        if link not in found:
            found[link] = None
            hrefs += 1
            if hrefs >= LINKS_PER_ARTICLE:
                break
    return frozenset(found)


def _bare(url: str) -> str:
    """A URL without its fragment or a trailing slash (the same page however linked)."""
    return url.split("#", 1)[0].rstrip("/")


def query_terms(vector: Mapping[str, float]) -> list[str]:
    """The terms of an event's vector (`event_vector`) by which it looks storylines up."""
    return list(islice(vector, QUERY_TERMS))


def index_terms(profile: Mapping[str, float]) -> tuple[str, ...]:
    """A storyline's terms by which events find it: its profile's strongest (ties: the
    earlier term), as a store keeps them to find candidates without reading every profile."""
    return tuple(t for _, t in _ranked(profile, INDEXED_TERMS, keep_all=True))


def _ranked(profile: Mapping[str, float], count: int,
            keep_all: bool = False) -> list[tuple[float, str]]:
    """The `count` strongest (-weight, term) pairs, strongest first, ties by term (the
    order event vectors come in); weights under 1e-9 left out unless `keep_all`."""
    return heapq.nsmallest(count, [(-w, t) for t, w in profile.items()
                                   if keep_all or w > 1e-9])


def event_vector(features: Mapping[str, float]) -> dict[str, float]:
    """An event's centroid as linking weighs it: names count NAME_BOOST times, unit length,
    strongest first."""
    # (-weight, term) pairs: sorted strongest first, ties by term, with no key function
    weighted = [(-w * NAME_BOOST if t.startswith("n:") else -w, t)
                for t, w in features.items() if w > 0 and not t.startswith("~")]
    norm = math.sqrt(sum([w * w for w, _ in weighted]))
    if not norm:
        return {}
    weighted.sort()
    return {t: -w / norm for w, t in weighted}


def storyline_profile(centroids: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """A storyline's profile from its events' centroids, as linking builds it: the sum of
    their event vectors, strongest PROFILE_TERMS kept (for a caller rebuilding a storyline
    whose event grew after it was linked)."""
    profile: dict[str, float] = {}
    for centroid in centroids:
        for term, weight in event_vector(centroid).items():
            profile[term] = profile.get(term, 0.0) + weight
    return {t: -w for w, t in _ranked(profile, PROFILE_TERMS, keep_all=True)}


def link_score(event: EventInput, vector: Mapping[str, float], other: StorylineState,
               profile: Mapping[str, float], norm: float) -> float:
    """Cosine of the event and the profile, discounted for the days between, raised for
    links in common; 0 if they name nobody in common (a topic, not a matter)."""
    if not norm:
        return 0.0
    shared = vector.keys() & profile.keys()
    if sum(1 for t in shared if t.startswith("n:")) < MIN_SHARED_NAMES:
        return 0.0
    cosine = sum(vector[t] * profile[t] for t in shared) / norm
    days = _days_apart(event, other)
    bonus = LINK_BONUS * min(2, len(event.links & other.links))
    return (cosine + bonus) / (1.0 + days / DAY_DECAY)


def explain_link(event: EventInput, other: EventInput | StorylineState, *,
                 score: float | None = None, top: int = 4) -> LinkExplanation:
    """Why `event` is (or would be) linked to `other`: the names and terms that weigh most
    in both, the URLs in common, and the days between them."""
    mine = event_vector(event.features)
    if isinstance(other, StorylineState):  # a profile is weighed already
        norm = _norm(other.features)
        theirs = {t: w / norm for t, w in other.features.items()} if norm else {}
    else:
        theirs = event_vector(other.features)
    shared = sorted(mine.keys() & theirs.keys(), key=lambda t: (-(mine[t] * theirs[t]), t))
    if score is None:
        score = link_score(event, mine, _as_state(other), theirs, 1.0)
    return LinkExplanation(
        score=round(score, 4), days_apart=round(_days_apart(event, other), 2),
        shared_names=tuple(t[2:] for t in shared if t.startswith("n:"))[:top],
        shared_terms=tuple(t for t in shared if not t.startswith("n:"))[:top],
        shared_links=tuple(sorted(event.links & other.links)))


def _days_apart(event: EventInput, other: EventInput | StorylineState) -> float:
    """Days between the two spans (0 if they overlap)."""
    if event.first_seen > other.last_seen:
        gap = event.first_seen - other.last_seen
    elif other.first_seen > event.last_seen:
        gap = other.first_seen - event.last_seen
    else:
        return 0.0
    return gap.total_seconds() / 86400


def _as_state(other: EventInput | StorylineState) -> StorylineState:
    if isinstance(other, StorylineState):
        return other
    return StorylineState(id=0, first_seen=other.first_seen, last_seen=other.last_seen,
                          features=other.features, events=1, outlets=other.outlets,
                          label=other.label, links=other.links)


def _new_state(sid: int, event: EventInput) -> StorylineState:
    return StorylineState(id=sid, first_seen=event.first_seen, last_seen=event.last_seen,
                          features={}, events=0, outlets=frozenset(), label=event.label)


def _label(state: StorylineState, event: EventInput) -> str:
    """A storyline is titled by its newest event (what a reader follows it for now)."""
    if event.label and (not state.label or event.last_seen >= state.last_seen):
        return event.label
    return state.label


def _norm(vector: Mapping[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def _display(name: str) -> str:
    """A stored name ('microsoft', 'desantis') as a reader writes it, near enough."""
    return " ".join(p if p.isupper() else p[:1].upper() + p[1:] for p in name.split())
