"""Corrections of the grouping by the user: merge, split, move, pin, detach; and why a
story holds what it holds (`explain_story`).

A correction is applied at once and recorded in article terms (models.Correction), so a
re-grouping that renumbers every story applies them all again, in order. They travel with
the desk's work (formats/annotations.py exports and imports them).
"""

from __future__ import annotations

from collections.abc import Sequence

from newsdesk.models import StoryExplanation
from newsdesk.services.changes import Changes
from newsdesk.store import Store


def merge_stories(store: Store, into: int, other: int, *, editor: str = "") -> Changes:
    """Put every article of story `other` into story `into`; NotFoundError, or
    NewsdeskError when they are the same story."""
    raise NotImplementedError


def split_story(store: Store, story_id: int, article_ids: Sequence[str], *,
                editor: str = "") -> tuple[int, Changes]:
    """Move these articles of the story into a new story; return its id. NewsdeskError
    when an article is not in the story or all of them would go."""
    raise NotImplementedError


def move_article(store: Store, article_id: str, story_id: int, *, editor: str = "") -> Changes:
    """Move one article into another story (it stays there through re-grouping)."""
    raise NotImplementedError


def pin_article(store: Store, article_id: str, *, editor: str = "") -> Changes:
    """Keep an article in the story it is in now, through re-grouping."""
    raise NotImplementedError


def detach_story(store: Store, story_id: int, *, editor: str = "") -> Changes:
    """Take a story out of its storyline for good (linking leaves it alone)."""
    raise NotImplementedError


def reapply_corrections(store: Store) -> int:
    """Apply every recorded correction again, in order (after a re-grouping); return how
    many still applied (one whose articles are gone is skipped)."""
    raise NotImplementedError


def explain_story(store: Store, story_id: int) -> StoryExplanation:
    """Why each article is in the story, and why the story is in its storyline."""
    raise NotImplementedError
