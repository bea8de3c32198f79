"""Group articles from many outlets into stories: one real-world event, many reports.

An online, single-pass clusterer (the "first story detection" family): each article, in
date order, joins the most similar story that is still open, or starts a new one.

- An article is a TF-IDF vector over stemmed words, with its title and the names it
  mentions weighted up and only its first paragraphs read (the lead says what happened).
- A story is the sum of its members' vectors. It stays open for `window` days after its
  first article; older stories take no new articles, which bounds the work and keeps a
  later ruling in the same case a separate story.
- Similarity is cosine, discounted for the days between article and story.
- Document frequencies are learned as the stream goes, so nothing is fit to a data set.
- Deterministic: the same input in the same order gives the same stories.

`StoryIndex` is the clusterer; `TfidfModel` is it as a story model (see model.py): what it
has learned goes out and comes back only as a `ModelState`.

No Qt, no network, no database.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain, islice
from typing import ClassVar, Self

from newsdesk.analysis.stories.copies import (
    MAX_DISTANCE,
    RecentCopies,
    from_features,
    simhash,
    to_features,
)
from newsdesk.analysis.stories.model import (
    Assignment,
    Batch,
    MemberLoader,
    MemberState,
    ModelState,
    StoryInput,
    StoryState,
)
from newsdesk.analysis.text import names, words

LEAD_WORDS = 220  # how much of the text counts: the lead paragraphs
TITLE_WEIGHT = 3.0
NAME_WEIGHT = 1.5
STORY_TERMS = 200  # terms kept in a story's centroid
INDEXED_TERMS = 40  # a story's strongest terms, by which new articles find it
QUERY_TERMS = 12  # an article's strongest terms, used to look stories up
MAX_POSTING = 400  # a term shared by more open stories than this does not find candidates
MAX_CANDIDATES = 8  # stories compared in full: those sharing the most strong terms


@dataclass
class Story:
    id: int
    first_seen: datetime
    last_seen: datetime
    centroid: dict[str, float] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    vectors: dict[str, dict[str, float]] = field(default_factory=dict)
    norm: float = 0.0
    indexed: tuple[str, ...] = ()
    outlets: set[str] = field(default_factory=set)
    hashes: dict[str, int | None] = field(default_factory=dict)  # members' SimHashes, decoded
    loaded: bool = True  # False: members not read from storage yet (see StoryIndex._loader)
    norms: dict[str, float] = field(default_factory=dict)  # members' vector lengths
    start: float = field(init=False, default=0.0)  # first_seen as a POSIX time, kept in step

    def __post_init__(self) -> None:
        self.start = self.first_seen.timestamp()

    @property
    def label(self) -> str:
        """The member title closest to the story's centre (ties: the earliest).

        Asked of every story a batch touched, so the lengths of the members' vectors (which
        never change) are kept and the centroid's is the one joining keeps."""
        centroid, norms = self.centroid, self.norms
        length = self.norm or math.sqrt(sum(w * w for w in centroid.values()))
        best, best_score = self.members[0], -1.0
        for member in self.members:
            vector = self.vectors.get(member, {})
            dot = sum([vector[t] * centroid[t] for t in vector.keys() & centroid.keys()])
            score = 0.0
            if dot:
                own = norms.get(member)
                if own is None:
                    own = norms[member] = math.sqrt(sum(w * w for w in vector.values()))
                score = dot / (own * length) if own and length else 0.0
            if score > best_score + 1e-9:
                best, best_score = member, score
        return self.titles.get(best, "")


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(a[t] * b[t] for t in a.keys() & b.keys())
    if not dot:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def term_counts(title: str, text: str,
                find_names: Callable[[str], Iterable[str]] = names) -> dict[str, float]:
    """Weighted term counts: title words, the lead's words, and names (prefixed 'n:',
    found by `find_names`: a bench compares the older rule through it)."""
    lead = " ".join(text.split(None, LEAD_WORDS)[:LEAD_WORDS])  # not a split of all of it
    # Counted in C first, then weighted once per distinct term: the same floats (small
    # multiples of 0.5 are exact) in the same key order as adding them token by token.
    counts = {word: n * TITLE_WEIGHT for word, n in Counter(words(title)).items()}
    get = counts.get
    for word, n in Counter(words(lead)).items():
        counts[word] = get(word, 0.0) + n
    for name, n in Counter(find_names(f"{title}. {lead}")).items():
        key = "n:" + name
        counts[key] = get(key, 0.0) + n * NAME_WEIGHT
    return counts


class StoryIndex:
    """The open stories and the document frequencies learned so far."""

    def __init__(self, *, threshold: float = 0.14, window_days: float = 4.0,
                 day_penalty: float = 0.5, same_source: float = 0.6, next_id: int = 1) -> None:
        self.threshold = threshold
        self.window = timedelta(days=window_days)
        self.day_penalty = day_penalty
        self.same_source = same_source
        self.df: Counter[str] = Counter()
        self.documents = 0
        self.stories: dict[int, Story] = {}
        self._loader: Callable[[Story], None] | None = None  # fills a restored story's members
        self._keep_closed = False  # keep stories expire() closes, for a model that saves them
        self._closed: list[Story] = []
        self._postings: dict[str, set[int]] = {}
        self._opened: list[tuple[datetime, int]] = []  # heap of (first_seen, id) to expire
        self._next_id = next_id
        self.copies = RecentCopies()  # recent articles' SimHashes, for copies in any story

    # -- vectors

    def vector(self, counts: Mapping[str, float]) -> dict[str, float]:
        """Unit-length TF-IDF weights, strongest first (callers take prefixes of it)."""
        log, df, top = math.log, self.df, math.log(self.documents + 2)
        # (-weight, term) pairs sort strongest first, ties by term, with no key function
        ranked = sorted([(-(1.0 + log(tf)) * (top - log(df.get(term, 0) + 1) + 1.0), term)
                         for term, tf in counts.items() if tf > 0])
        norm = math.sqrt(sum(w * w for w, _ in ranked))
        return {term: -w / norm for w, term in ranked} if norm else {}

    def learn(self, counts: Mapping[str, float]) -> None:
        self.documents += 1
        self.df.update(counts.keys())

    # -- the stream

    def add(self, article: StoryInput, counts: Mapping[str, float] | None = None) -> Assignment:
        """Place one article (articles should come in date order)."""
        counts = counts if counts is not None else term_counts(article.title, article.text)
        self.learn(counts)
        vector = self.vector(counts)
        self.expire(article.published)
        best, score = self._best_story(vector, article.published, article.source)
        fingerprint = simhash(article.title, article.text)
        if best is None or score < self.threshold:
            story = Story(id=self._next_id, first_seen=article.published,
                          last_seen=article.published)
            self._next_id += 1
            self.stories[story.id] = story
            heapq.heappush(self._opened, (story.first_seen, story.id))
            duplicate = self._copy_of(None, fingerprint, article)
            self._join(story, article, vector, fingerprint)
            return Assignment(article.id, story.id, 1.0, True, duplicate)
        duplicate = self._copy_of(best, fingerprint, article)
        self._join(best, article, vector, fingerprint)
        return Assignment(article.id, best.id, round(score, 4), False, duplicate)

    def _copy_of(self, story: Story | None, fingerprint: int,
                 article: StoryInput) -> str | None:
        """The original (earliest copy) of which the article is a copy: a member of its
        story, or any recent article (a copy may land in another story)."""
        original: str | None = None
        if story is not None:
            self.ensure_loaded(story)
            hashes = story.hashes
            for member in story.members:  # oldest first: the first copy found is the root
                theirs = hashes.get(member, -1)
                if theirs == -1:  # decoded once per member, not once per joining article
                    theirs = hashes[member] = from_features(story.vectors.get(member, {}))
                if theirs is not None and (fingerprint ^ theirs).bit_count() <= MAX_DISTANCE:
                    original = self.copies.root(member)
                    break
        if original is None:
            original = self.copies.find(fingerprint, article.published)
        self.copies.add(article.id, fingerprint, article.published, original)
        return original

    def expire(self, now: datetime) -> list[int]:
        """Close stories whose first article is more than `window` before `now`."""
        closed = []
        while self._opened and now - self._opened[0][0] > self.window:
            _, sid = heapq.heappop(self._opened)
            if sid not in self.stories:
                continue
            closed.append(sid)
            story = self.stories.pop(sid)
            if self._keep_closed:
                self._closed.append(story)
            for term in story.indexed:
                holders = self._postings.get(term)
                if holders is not None:
                    holders.discard(sid)
                    if not holders:
                        del self._postings[term]
        return closed

    def _best_story(self, vector: dict[str, float], when: datetime,
                    source: str = "") -> tuple[Story | None, float]:
        now = when.timestamp()
        get = self._postings.get
        found = [holders for term in islice(vector, QUERY_TERMS)  # commoner terms cannot
                 if (holders := get(term)) and len(holders) <= MAX_POSTING]  # tell apart
        hits: Counter[int] = Counter(chain.from_iterable(found))  # one count, in C
        # the stories sharing the most terms (ties: lower id), compared in id order
        candidates = heapq.nsmallest(MAX_CANDIDATES, [(-n, sid) for sid, n in hits.items()])
        best: Story | None = None
        best_score = 0.0
        for sid in sorted(sid for _, sid in candidates):
            story = self.stories[sid]
            if not story.norm:
                continue
            centroid = story.centroid
            dot = sum([vector[t] * centroid[t] for t in vector.keys() & centroid.keys()])
            days = abs(now - story.start) / 86400
            score = dot / story.norm / (1.0 + self.day_penalty * days)
            if source and source in story.outlets:
                score *= self.same_source
            if score > best_score + 1e-12:
                best, best_score = story, score
        return best, best_score

    def ensure_loaded(self, story: Story) -> None:
        """Read a restored story's members, needed only for copies and for its label."""
        if not story.loaded and self._loader is not None:
            self._loader(story)
        story.loaded = True

    def _join(self, story: Story, article: StoryInput, vector: dict[str, float],
              fingerprint: int | None = None) -> None:
        centroid = story.centroid
        get = centroid.get
        for term, weight in vector.items():
            centroid[term] = get(term, 0.0) + weight
        if len(centroid) > STORY_TERMS * 3 // 2:  # prune now and then, not on every join
            ranked = sorted([(w, t) for t, w in centroid.items()], reverse=True)
            story.centroid = centroid = {t: w for w, t in ranked[:STORY_TERMS]}
            self._index(story, tuple(t for _, t in ranked[:INDEXED_TERMS]))
        else:
            self._reindex(story, vector)
        story.norm = math.sqrt(sum(w * w for w in centroid.values()))
        story.members.append(article.id)
        story.titles[article.id] = article.title
        story.outlets.add(article.source)
        story.vectors[article.id] = dict(islice(vector.items(), 60))
        if fingerprint is not None:  # kept with the vector, so stored members have it too
            story.vectors[article.id].update(to_features(fingerprint))
            story.hashes[article.id] = fingerprint
        story.last_seen = max(story.last_seen, article.published)
        if article.published < story.first_seen:
            story.first_seen = article.published
            story.start = article.published.timestamp()

    @property
    def next_id(self) -> int:
        """The id the next new story will get (ids only grow)."""
        return self._next_id

    def _restore(self, story: Story) -> None:
        """Reopen a story saved earlier (its centroid, members and their vectors)."""
        self.stories[story.id] = story
        heapq.heappush(self._opened, (story.first_seen, story.id))
        # ranked as joining ranks (ties: the later term), so _reindex's shortcut holds
        ranked = heapq.nlargest(INDEXED_TERMS, [(w, t) for t, w in story.centroid.items()])
        story.norm = math.sqrt(sum(w * w for w in story.centroid.values()))
        self._index(story, tuple(t for _, t in ranked))
        self._next_id = max(self._next_id, story.id + 1)

    def _reindex(self, story: Story, vector: dict[str, float]) -> None:
        """After a join with no pruning: weights only grow, so the strongest terms now are
        those indexed before and any of the article's terms that rose above the weakest of
        them (most joins: none, and the index stays as it is)."""
        centroid, indexed = story.centroid, story.indexed
        if len(indexed) < INDEXED_TERMS:
            pool: Iterable[str] = {*indexed, *vector}
        else:
            floor = min([(centroid[t], t) for t in indexed])
            known = set(indexed)
            entrants = [t for t in vector if centroid[t] >= floor[0] and t not in known
                        and (centroid[t], t) > floor]
            if not entrants:
                return
            pool = (*indexed, *entrants)
        self._index(story, tuple(t for _, t in heapq.nlargest(
            INDEXED_TERMS, [(centroid[t], t) for t in pool])))

    def _index(self, story: Story, terms: tuple[str, ...]) -> None:
        """Point the postings at the story's strongest terms (only those find it)."""
        if terms == story.indexed and terms:
            return  # the usual case once a story has a few members
        before, after = set(story.indexed), set(terms)
        postings = self._postings
        for term in before - after:
            holders = postings.get(term)
            if holders is not None:
                holders.discard(story.id)
                if not holders:
                    del postings[term]
        for term in after - before:  # a re-ranked index mostly holds the same terms
            postings.setdefault(term, set()).add(story.id)
        story.indexed = terms


class TfidfModel:
    """Today's story model: `StoryIndex` behind the `StoryModel` protocol.

    Its parameters are its code (a change is a new version), so they are not state.
    """

    name: ClassVar[str] = "tfidf"
    version: ClassVar[int] = 2  # 2: names() keeps DeSantis, McConnell whole; SimHash copies

    def __init__(self, *, threshold: float = 0.14, window_days: float = 4.0,
                 day_penalty: float = 0.5, same_source: float = 0.6) -> None:
        self._index = StoryIndex(threshold=threshold, window_days=window_days,
                                 day_penalty=day_penalty, same_source=same_source)
        self._index._keep_closed = True  # a caller saving a step needs the stories it closed

    def term_counts(self, title: str, text: str) -> dict[str, float]:
        """An article's weighted term counts (see `term_counts`; a variant may read otherwise)."""
        return term_counts(title, text)

    def prepare(self, inputs: Sequence[StoryInput]) -> Batch:
        """Count each article's terms once; a batch needs their frequencies and the stories
        opened within the window before its first article."""
        counts = tuple(self.term_counts(i.title, i.text) for i in inputs)
        return Batch(inputs=tuple(inputs), features=counts,
                     terms=frozenset().union(*(c.keys() for c in counts)),
                     since=inputs[0].published - self._index.window if inputs else None)

    def add(self, batch: Batch | Sequence[StoryInput]) -> list[Assignment]:
        """Place the articles in order; the stories they joined have all members read."""
        if not isinstance(batch, Batch):
            batch = self.prepare(batch)
        index = self._index
        index._closed = []  # only this call's closed stories are kept for state()
        placed = [index.add(article, count)
                  for article, count in zip(batch.inputs, batch.features, strict=True)]
        touched = {a.story_id for a in placed}
        closed = ({s.id: s for s in index._closed}
                  if not touched <= index.stories.keys() else {})
        for sid in touched:  # the label and size need every member
            index.ensure_loaded(index.stories.get(sid) or closed[sid])
        return placed

    def state(self, stories: Collection[int] | None = None, *,
              members: bool = True) -> ModelState:
        """The learned frequencies and the open stories (or those of `stories`); see
        StoryModel.state for `members`."""
        index = self._index
        by_id = self._stories()
        chosen = (index.stories.values() if stories is None
                  else [by_id[sid] for sid in sorted(stories)])
        return ModelState(model=self.name, version=self.version, documents=index.documents,
                          next_id=index.next_id, terms=dict(index.df) if members else {},
                          stories=tuple(_story_state(s, members) for s in chosen))

    @classmethod
    def from_state(cls, state: ModelState, members: MemberLoader | None = None) -> Self:
        """Resume from `state`; a story saved without members reads them through `members`
        when it first needs them (for a copy check or its label)."""
        if not state.is_of(cls):
            raise ValueError(f"a story state of {state.model} version {state.version} is not "
                             f"one of {cls.name} version {cls.version}")
        model = cls()
        index = model._index
        index.df.update(state.terms)
        index.documents = state.documents
        index._next_id = state.next_id
        for saved in state.stories:
            story = Story(id=saved.id, first_seen=saved.first_seen, last_seen=saved.last_seen,
                          centroid=dict(saved.features), outlets=set(saved.outlets),
                          loaded=saved.members is not None)
            for member in saved.members or ():
                _take(story, member)
            index._restore(story)
        if members is not None:
            def load(story: Story) -> None:
                stored = members(story.id)
                story.members[:0] = [m.article_id for m in stored]  # before the new ones
                for m in stored:
                    story.titles[m.article_id] = m.title
                    story.vectors[m.article_id] = dict(m.features)
            index._loader = load
        return model

    def _stories(self) -> dict[int, Story]:
        """Open stories and those this call closed, by id."""
        return {s.id: s for s in [*self._index._closed, *self._index.stories.values()]}


def _take(story: Story, member: MemberState) -> None:
    story.members.append(member.article_id)
    story.titles[member.article_id] = member.title
    story.vectors[member.article_id] = dict(member.features)


def _story_state(story: Story, with_members: bool = True) -> StoryState:
    if not with_members:
        return StoryState(id=story.id, first_seen=story.first_seen, last_seen=story.last_seen,
                          features=dict(story.centroid), outlets=frozenset(story.outlets))
    # A member's vector is never changed once made, so the state shares it (no copy).
    members = (tuple(MemberState(m, story.titles.get(m, ""), story.vectors.get(m, {}))
                     for m in story.members) if story.loaded else None)
    return StoryState(id=story.id, first_seen=story.first_seen, last_seen=story.last_seen,
                      features=dict(story.centroid), outlets=frozenset(story.outlets),
                      members=members, label=story.label if story.loaded and story.members else "")


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why two articles are (or are not) one story."""

    similarity: float
    days_apart: float
    shared_terms: tuple[str, ...]
    shared_names: tuple[str, ...]

    def __str__(self) -> str:
        parts = [f"similarity {self.similarity:.2f}", f"{self.days_apart:.1f} days apart"]
        if self.shared_names:
            parts.append("both name " + ", ".join(self.shared_names))
        if self.shared_terms:
            parts.append("shared key terms: " + ", ".join(self.shared_terms))
        return "; ".join(parts)


def explain(a: StoryInput, b: StoryInput, index: StoryIndex | None = None,
            top: int = 8) -> Explanation:
    """Shared key terms, shared names, time apart and similarity of two articles."""
    index = index or StoryIndex()
    va = index.vector(term_counts(a.title, a.text))
    vb = index.vector(term_counts(b.title, b.text))
    shared = sorted(set(va) & set(vb), key=lambda t: (-(va[t] * vb[t]), t))
    return Explanation(
        similarity=round(cosine(va, vb), 4),
        days_apart=round(abs((a.published - b.published).total_seconds()) / 86400, 2),
        shared_terms=tuple(t for t in shared if not t.startswith("n:"))[:top],
        shared_names=tuple(t[2:] for t in shared if t.startswith("n:"))[:top],
    )
