"""A stand-in storyline linker for service tests: events that share a name ("n:" feature)
with a storyline join it, others start their own. The real linker is tested with the
analysis; these tests check the glue (loading, saving, following, corrections)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from newsdesk.analysis.stories.storylines import (
    EventInput,
    LinkExplanation,
    StorylineLink,
    StorylineState,
)


class FakeLinker:
    def __init__(self, storylines: Sequence[StorylineState] = (), *, next_id: int = 1,
                 common: Iterable[str] = ()) -> None:
        self._lines = {s.id: s for s in storylines}
        self._next = next_id
        self._touched: set[int] = set()

    def since(self, now: datetime) -> datetime:
        return now - timedelta(days=60)

    def link(self, event: EventInput) -> StorylineLink:
        names = {t for t in event.features if t.startswith("n:")}
        target = self._lines.get(event.storyline_id) if event.storyline_id else None
        if target is None:
            for line in sorted(self._lines.values(), key=lambda s: s.id):
                if names & set(line.features):
                    target = line
                    break
        new = target is None
        if target is None:
            target = StorylineState(self._next, event.first_seen, event.last_seen, {}, 0,
                                    frozenset(), event.label)
            self._next += 1
        joined = event.storyline_id != target.id
        features = dict(target.features)
        for term, weight in event.features.items():
            features[term] = features.get(term, 0.0) + weight
        line = replace(target, first_seen=min(target.first_seen, event.first_seen),
                       last_seen=max(target.last_seen, event.last_seen), features=features,
                       events=target.events + joined, outlets=target.outlets | event.outlets)
        self._lines[line.id] = line
        self._touched.add(line.id)
        shared = tuple(sorted(n[2:] for n in names & set(target.features)))
        return StorylineLink(event.story_id, line.id, 0.5 if shared else 1.0, new,
                             LinkExplanation(0.5, 1.0, shared_names=shared))

    def touched(self) -> list[StorylineState]:
        return [self._lines[i] for i in sorted(self._touched)]

    @property
    def next_id(self) -> int:
        return self._next
