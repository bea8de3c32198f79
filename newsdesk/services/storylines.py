"""Storylines, the use case: link stories into storylines as they arrive, list them, draw
one's timeline, follow storylines and topics and say what is new in them.

The glue between the store and `analysis.stories.storylines` (pure), as services/stories.py
is for stories: load what linking needs, link, save in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from newsdesk.models import Follow, StorylineSummary, StorySummary
from newsdesk.services.changes import Changes
from newsdesk.store import Store


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
    how many were linked or re-linked."""
    raise NotImplementedError


def list_storylines(store: Store, *, since: datetime | None = None,
                    limit: int | None = None) -> list[StorylineSummary]:
    """Storylines of two or more events, newest event first (after catching up)."""
    raise NotImplementedError


def timeline(store: Store, storyline_id: int) -> StorylineTimeline:
    """One storyline's timeline; NotFoundError for an unknown id."""
    raise NotImplementedError


def follow(store: Store, kind: str, key: str) -> Changes:
    """Follow a storyline (key: its id) or a topic (key: its name); NotFoundError if there
    is none. What exists now counts as told, so only what comes later is news."""
    raise NotImplementedError


def unfollow(store: Store, kind: str, key: str) -> Changes:
    raise NotImplementedError


def followed(store: Store) -> list[Follow]:
    raise NotImplementedError


def notices(store: Store) -> list[Notice]:
    """What is new in everything followed since the user was last told (a new event in a
    storyline, a new outlet covering it, new articles for a topic), and mark it told."""
    raise NotImplementedError
