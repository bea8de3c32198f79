"""Corrections of the grouping by the user: merge, split, move, pin, detach; and why a
story holds what it holds (`explain_story`).

A correction is applied at once and recorded in article terms (models.Correction), so a
re-grouping that renumbers every story applies them all again, in order. They travel with
the desk's work (formats/annotations.py exports and imports them).

After articles move, the touched stories' centroids and labels are computed again from
their members' stored vectors (analysis.stories.profile), so the next grouping step finds
a corrected story as it finds a grown one.

Undo: `undo_correction(store, correction, back_to)` with the correction just made (the
last of `store.stories.corrections()`) and the story its articles came from.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from newsdesk.analysis.stories import decode_features, encode_features
from newsdesk.analysis.stories.profile import cosine, leave_one_out, profile
from newsdesk.errors import NewsdeskError, NotFoundError
from newsdesk.models import Correction, MemberReason, StoryExplanation
from newsdesk.outlets import outlet_names
from newsdesk.services.changes import Changes
from newsdesk.store import Store
from newsdesk.store.api import StoryLink

log = logging.getLogger(__name__)

CENTROID_DIGITS = 5  # as services.stories stores centroids
SHARED_SHOWN = 6  # names and terms listed per member
CORRECTED = {"merge": "merged", "split": "split", "move": "moved", "pin": "pinned"}


def merge_stories(store: Store, into: int, other: int, *, editor: str = "") -> Changes:
    """Put every article of story `other` into story `into`; NotFoundError, or
    NewsdeskError when they are the same story."""
    if into == other:
        raise NewsdeskError(f"Story {into} cannot be merged with itself; give two stories.")
    anchor = _member_ids(store, into)
    articles = _member_ids(store, other)
    store.stories.relocate(articles, into)
    refresh_profiles(store, [into])
    store.stories.add_correction("merge", articles, anchor, editor)
    return Changes.of(stories=[into, other], articles=articles, story_list=True)


def split_story(store: Store, story_id: int, article_ids: Sequence[str], *,
                editor: str = "") -> tuple[int, Changes]:
    """Move these articles of the story into a new story; return its id. NewsdeskError
    when an article is not in the story or all of them would go."""
    members = _member_ids(store, story_id)
    chosen = tuple(dict.fromkeys(article_ids))
    if not chosen:
        raise NewsdeskError("Name the articles to split off the story.")
    outside = [a for a in chosen if a not in members]
    if outside:
        raise NewsdeskError(f"Article {outside[0]} is not in story {story_id}.")
    if len(chosen) == len(members):
        raise NewsdeskError(f"Splitting off every article of story {story_id} would leave it "
                            "empty; leave at least one in it.")
    new = store.stories.relocate(chosen, None)
    refresh_profiles(store, [story_id, new])
    store.stories.add_correction("split", chosen, (), editor)
    return new, Changes.of(stories=[story_id, new], articles=chosen, story_list=True)


def move_article(store: Store, article_id: str, story_id: int, *, editor: str = "") -> Changes:
    """Move one article into another story (it stays there through re-grouping)."""
    source = _story_holding(store, article_id)
    anchor = _member_ids(store, story_id)
    if source == story_id:
        raise NewsdeskError(f"Article {article_id} is already in story {story_id}.")
    store.stories.relocate([article_id], story_id)
    refresh_profiles(store, [source, story_id])
    store.stories.add_correction("move", (article_id,), anchor, editor)
    return Changes.of(stories=[source, story_id], articles=[article_id], story_list=True)


def pin_article(store: Store, article_id: str, *, editor: str = "") -> Changes:
    """Keep an article in the story it is in now, through re-grouping."""
    story_id = _story_holding(store, article_id)
    anchor = tuple(a for a in _member_ids(store, story_id) if a != article_id)
    store.stories.add_correction("pin", (article_id,), anchor, editor)
    return Changes.of(stories=[story_id], articles=[article_id], story_list=True)


def detach_story(store: Store, story_id: int, *, editor: str = "") -> Changes:
    """Take a story out of its storyline for good (linking leaves it alone)."""
    members = _member_ids(store, story_id)
    _lock(store, story_id)
    store.stories.add_correction("detach", members, (), editor)
    return Changes.of(stories=[story_id], story_list=True)


def undo_correction(store: Store, correction: Correction, back_to: int | None = None) -> Changes:
    """Undo a correction just made: forget it, and put its articles into story `back_to`
    (the story they came from, which the caller knows: a split's or a move's story; None:
    one story of their own, which is what undoes a merge). A detached story is unlocked (the
    next linking may link it again); a pin only goes."""
    present = store.stories.stories_of(correction.articles)
    touched: set[int] = set(present.values())
    with store.transaction():
        if correction.kind in ("merge", "split", "move") and present:
            if back_to is not None and not store.stories.story_rows([back_to]):
                back_to = None  # the story they came from went when they left it
            if back_to is not None:
                touched.add(back_to)
            touched.add(store.stories.relocate(list(present), back_to,
                                               annotations_follow=correction.kind == "merge"))
        elif correction.kind == "detach" and present:
            story_id = _most_common(present.values())
            link = store.stories.links([story_id]).get(story_id) if story_id is not None else None
            if story_id is not None and link is not None and link.locked:
                store.stories.save_storylines([], [StoryLink(story_id, None)])
        store.stories.remove_correction(correction.id)  # only once the articles are back
    refresh_profiles(store, sorted(touched))
    return Changes.of(stories=touched, articles=correction.articles, story_list=True)


def last_correction(store: Store) -> Correction | None:
    """The correction made last (what a face's undo takes back); None when there is none."""
    made = store.stories.corrections()
    return made[-1] if made else None


def reapply_corrections(store: Store, *, relink: bool = False,
                        only: Collection[int] | None = None) -> int:
    """Apply every recorded correction again, in order (after a re-grouping); return how
    many still applied (one whose articles are gone is skipped). With `relink` the stories
    it changed are linked into storylines again (update_stories links after it itself).
    `only`: apply just the corrections of these ids (an import's new ones)."""
    applied = 0
    touched: set[int] = set()
    for correction in store.stories.corrections():
        if only is not None and correction.id not in only:
            continue
        try:
            done = _reapply(store, correction, touched)
        except NotFoundError as exc:  # its articles went meanwhile
            log.info("correction %d not applied: %s", correction.id, exc)
            done = False
        applied += done
    refresh_profiles(store, sorted(touched), relink=relink)
    return applied


def _reapply(store: Store, correction: Correction, touched: set[int]) -> bool:
    present = store.stories.stories_of(correction.articles)
    if not present:
        return False
    if correction.kind == "detach":
        story_id = _most_common(present.values())
        assert story_id is not None
        _lock(store, story_id)
        return True
    if not correction.anchor:  # a story of their own
        holders = set(present.values())
        if len(holders) == 1:
            (holder,) = holders
            if len(_member_ids(store, holder)) == len(present):
                return True  # already alone together
        touched.update(holders)
        touched.add(store.stories.relocate(list(present), None))
        return True
    target = _most_common(store.stories.stories_of(correction.anchor).values())
    if target is None:
        return False
    away = [a for a, s in present.items() if s != target]
    if away:
        touched.update(present[a] for a in away)
        touched.add(store.stories.relocate(away, target))
    return True


def refresh_profiles(store: Store, story_ids: Iterable[int], *, relink: bool = True) -> None:
    """Compute the centroid and label of these stories again from their members (stories
    that are gone are left out); with `relink`, link them into storylines again (a story a
    split made is linked, a grown one's storyline profile follows)."""
    ids = sorted(set(story_ids))
    rows = store.stories.story_rows(ids)
    updated = []
    for row in rows:
        members = [(m.title, decode_features(m.vector)) for m in store.stories.member_rows(row.id)]
        if not members:
            continue
        found = profile(members)
        updated.append(replace(row, label=found.label,
                               centroid=encode_features(found.centroid, CENTROID_DIGITS)))
    if updated:
        store.stories.update_profiles(updated)
    if relink and updated:
        from newsdesk.services.storylines import update_storylines

        try:
            update_storylines(store, [r.id for r in updated])
        except Exception:  # derived data: the correction itself is stored
            log.exception("linking corrected stories into storylines failed")


def explain_story(store: Store, story_id: int) -> StoryExplanation:
    """Why each article is in the story, and why the story is in its storyline."""
    label = store.stories.label(story_id)  # NotFoundError for an unknown story
    members = store.stories.members(story_id)
    vectors = {m.article_id: decode_features(m.vector)
               for m in store.stories.member_rows(story_id)}
    total: dict[str, float] = {}
    for vector in vectors.values():
        for term, weight in vector.items():
            total[term] = total.get(term, 0.0) + weight
    ids = {m.article_id for m in members}
    corrections = tuple(c for c in store.stories.corrections() if ids & set(c.articles))
    why_here: dict[str, str] = {}
    for c in corrections:
        if c.kind in CORRECTED:
            for article in c.articles:
                if article in ids:
                    why_here[article] = CORRECTED[c.kind]
    first = min((m.published for m in members), default=None)
    domains = _outlets(store, [m.article_id for m in members])
    # the outlets' display names, by the one rule the story list and the timeline use
    names = outlet_names((domains[m.article_id], m.source_id, m.source_title)
                         for m in members if m.article_id in domains)
    outlets = {a: names.get(d, d) for a, d in domains.items()}
    reasons = []
    for m in members:
        vector = vectors.get(m.article_id, {})
        rest = leave_one_out(total, vector)
        shared = sorted(vector.keys() & rest.keys(), key=lambda t: (-(vector[t] * rest[t]), t))
        reasons.append(MemberReason(
            article_id=m.article_id, title=m.title,
            outlet=outlets.get(m.article_id, m.source_title),
            similarity=round(cosine(vector, rest), 3),
            days_apart=round(_days(m.published, first), 2),
            shared_names=tuple(t[2:] for t in shared if t.startswith("n:"))[:SHARED_SHOWN],
            shared_terms=tuple(t for t in shared if not t.startswith("n:"))[:SHARED_SHOWN],
            copy_of=m.duplicate_of, corrected=why_here.get(m.article_id, "")))
    link = store.stories.links([story_id]).get(story_id)
    reason = ""
    if link is not None:
        reason = ("detached by a user: linked to no storyline" if link.locked else link.why
                  or "it is the first event of this storyline; later events link to it")
    return StoryExplanation(story_id=story_id, label=label, members=tuple(reasons),
                            storyline_id=link.storyline_id if link else None,
                            storyline_reason=reason, corrections=corrections)


def _days(when: datetime, first: datetime | None) -> float:
    return 0.0 if first is None else abs((when - first).total_seconds()) / 86400


def _outlets(store: Store, article_ids: Sequence[str]) -> dict[str, str]:
    """Each article's outlet (its registrable domain), for the explanation's rows."""
    found: dict[str, str] = {}
    for article_id in article_ids:
        try:
            found[article_id] = store.articles.get(article_id).outlet
        except NotFoundError:
            continue
    return found


def _member_ids(store: Store, story_id: int) -> tuple[str, ...]:
    """A story's article ids, oldest first; NotFoundError naming an unknown story."""
    members = tuple(m.article_id for m in store.stories.members(story_id))
    if not members:
        raise NotFoundError(f"There is no story with id {story_id}.")
    return members


def _story_holding(store: Store, article_id: str) -> int:
    store.articles.get(article_id)  # NotFoundError for an unknown article
    story_id = store.stories.story_of(article_id)
    if story_id is None:
        raise NewsdeskError(f"Article {article_id} is in no story yet.")
    return story_id


def _most_common(story_ids: Iterable[int]) -> int | None:
    """The story holding most of the articles (ties: the lowest id), or None."""
    counts = Counter(story_ids)
    if not counts:
        return None
    return min(counts, key=lambda s: (-counts[s], s))


def _lock(store: Store, story_id: int) -> None:
    """The story leaves its storyline and stays out of every storyline."""
    link = store.stories.links([story_id]).get(story_id)
    store.stories.save_storylines([], [StoryLink(story_id, None, 0.0,
                                                 link.why if link else "", locked=True)])
