"""A story's profile (centroid and label) from its members' vectors, for a story whose
members a user changed (merge, split, move) rather than the model.

The shape is the one the TF-IDF model keeps: the centroid is the sum of the members'
vectors pruned to the strongest `STORY_TERMS` terms, and the label is the member title
closest to that centroid (ties: the earliest member). So a corrected story is found by
the next grouping step the same way a grown one is.

Pure: no Qt, no network, no database.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

STORY_TERMS = 200  # terms kept in a story's centroid (as analysis.stories.tfidf keeps)


@dataclass(frozen=True, slots=True)
class Profile:
    """A story's centroid (strongest terms first) and its label."""

    centroid: dict[str, float]
    label: str


def centroid(vectors: Sequence[Mapping[str, float]], terms: int = STORY_TERMS) -> dict[str, float]:
    """The sum of the vectors, keeping the `terms` strongest terms, strongest first (ties by
    term, so the result does not depend on the order of the vectors' keys)."""
    total: dict[str, float] = {}
    for vector in vectors:
        for term, weight in vector.items():
            total[term] = total.get(term, 0.0) + weight
    return dict(heapq.nlargest(terms, total.items(), key=lambda kv: (kv[1], kv[0])))


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine similarity of two sparse vectors (0 when either is empty)."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    if not dot:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def profile(members: Sequence[tuple[str, Mapping[str, float]]]) -> Profile:
    """The profile of a story whose members are (title, vector), oldest first."""
    if not members:
        return Profile({}, "")
    centre = centroid([v for _, v in members])
    best, best_score = members[0][0], -1.0
    for title, vector in members:
        score = cosine(vector, centre)
        if score > best_score + 1e-9:
            best, best_score = title, score
    return Profile(centre, best)


def leave_one_out(total: Mapping[str, float], vector: Mapping[str, float]) -> dict[str, float]:
    """The centroid of a story without one member (`total` the unpruned sum): what a
    member is compared with when the story explains why it holds it."""
    rest = {t: w - vector.get(t, 0.0) for t, w in total.items()}
    return {t: w for t, w in rest.items() if w > 1e-12}
