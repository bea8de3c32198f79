"""What changed between two versions of an article: a word diff, and the words for it.

Pure: texts in, a diff out (difflib over words, so punctuation and spacing changes do not
hide the words that moved).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class DiffPart:
    """A run of words: kept ("="), removed ("-") or added ("+"); `text` keeps its spaces
    and line breaks so the parts joined give back either side."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[DiffPart]:
    """The words of `old` turned into those of `new`; joining the "=" and "-" parts gives
    `old`, the "=" and "+" parts `new`."""
    raise NotImplementedError


def changed_words(parts: list[DiffPart]) -> tuple[int, int]:
    """(words removed, words added) in a diff."""
    raise NotImplementedError


def after_publication(published: datetime, when: datetime) -> str:
    """'3 h after publication', '2 days after publication', 'within a minute of
    publication', 'before its stated publication time' (a feed's clock)."""
    raise NotImplementedError
