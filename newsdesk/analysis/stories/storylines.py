"""Storylines: the events (stories) of one ongoing matter, linked across weeks.

Stories are grouped tightly (one event, a few days); storylines link them loosely: the
same bill, court case, crisis or scandal, not merely the same broad topic. Linking is
online (a story is linked as it arrives and grows), ids are stable (a storyline keeps its
id as events join; a linked story stays unless a user detaches it), and every link can be
explained: shared names, shared key terms, links between the articles, time apart.

Pure: no Qt, no network, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime


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
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class StorylineLink:
    """Where one event went: its storyline (None: locked out), the score and the why."""

    story_id: int
    storyline_id: int | None
    score: float
    new_storyline: bool
    why: LinkExplanation | None = None


class StorylineLinker:
    """Links events to storylines as they arrive. Give it the storylines that may still
    grow (see `since`) and the next free id; `link` each new or grown event in date
    order; `touched()` is what to save."""

    def __init__(self, storylines: Sequence[StorylineState] = (), *, next_id: int = 1) -> None:
        raise NotImplementedError

    def since(self, now: datetime) -> datetime:
        """The oldest newest-event date a storyline can have and still take an event
        arriving at `now` (what the caller loads)."""
        raise NotImplementedError

    def link(self, event: EventInput) -> StorylineLink:
        """Link one event. An event already in a storyline stays there (its profile is
        updated); a locked event is in none; a new one joins the best storyline above the
        threshold or starts its own (a storyline of one event is not listed)."""
        raise NotImplementedError

    def touched(self) -> list[StorylineState]:
        """The storylines `link` created or changed since this linker was made."""
        raise NotImplementedError

    @property
    def next_id(self) -> int:
        raise NotImplementedError


def explain_link(event: EventInput, other: EventInput | StorylineState) -> LinkExplanation:
    """Why `event` is (or would be) linked to `other`."""
    raise NotImplementedError
