"""What a story model is: the plug that grouping calls, and the typed state it keeps.

A model places date-ordered articles in stories. Everything it has learned is a
`ModelState`: frozen records that say which model (name and version) made them, so a
caller can save them, hand them back with `from_state`, and refuse another model's state
instead of misreading it. Nothing outside a model sets its internals.

Features are named weights (a word, a name, a dimension): enough for today's TF-IDF model
and for a dense one that keys its dimensions by number.

A caller that keeps the state in a database reads only what a batch needs: `prepare` says
which learned feature counts and which stories (opened since when) that is, and members of
a story are read on demand through a `MemberLoader`.

Pure: no Qt, no network, no database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol, Self

STATE_FORMAT = 1  # the layout of ModelState.to_json; a new layout gets the next number


@dataclass(frozen=True, slots=True)
class StoryInput:
    """What grouping needs of an article."""

    id: str
    title: str
    text: str
    published: datetime
    source: str = ""  # the outlet (registrable domain): one outlet counts once in a story
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where one article went and why."""

    article_id: str
    story_id: int
    score: float
    new_story: bool
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    """Date-ordered articles as a model read them, and what of a saved state they need.

    `features` is the model's reading of each input (so `add` need not read it twice);
    `terms` the features whose learned counts matter; stories opened before `since` can
    take none of these articles (None: any story might).
    """

    inputs: tuple[StoryInput, ...]
    features: tuple[Mapping[str, float], ...]
    terms: frozenset[str]
    since: datetime | None


@dataclass(frozen=True, slots=True)
class MemberState:
    """One article of a story as the model keeps it."""

    article_id: str
    title: str
    features: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class StoryState:
    """One story as the model keeps it; `members` None: still in storage (see MemberLoader)."""

    id: int
    first_seen: datetime
    last_seen: datetime
    features: Mapping[str, float]
    outlets: frozenset[str]
    members: tuple[MemberState, ...] | None = None
    label: str = ""  # known when the members are


MemberLoader = Callable[[int], Sequence[MemberState]]
"""Reads a saved story's members (by story id), oldest first, when a model needs them."""


@dataclass(frozen=True, slots=True)
class ModelState:
    """What a model has learned, under its name and version: the documents it counted,
    the learned document frequency of features (all, or those a batch needs), its
    stories (open ones, or those asked for) and the id its next new story gets."""

    model: str
    version: int
    documents: int = 0
    next_id: int = 1
    terms: Mapping[str, int] = field(default_factory=dict)
    stories: tuple[StoryState, ...] = ()

    def is_of(self, model: type[StoryModel] | StoryModel) -> bool:
        """Whether this state was made by `model` (same name and version)."""
        return (self.model, self.version) == (model.name, model.version)

    def to_json(self) -> str:
        """The whole state as one JSON text (floats exact, so it reloads to the same)."""
        return json.dumps({
            "format": STATE_FORMAT, "model": self.model, "version": self.version,
            "documents": self.documents, "next_id": self.next_id, "terms": dict(self.terms),
            "stories": [_story_json(s) for s in self.stories],
        }, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ModelState:
        """Read `to_json`'s text; ValueError if it is not a state this code can read."""
        try:
            data = json.loads(text)
            if data.get("format") != STATE_FORMAT:
                raise ValueError(f"story model state format {data.get('format')!r} is not "
                                 f"{STATE_FORMAT}")
            return cls(model=str(data["model"]), version=int(data["version"]),
                       documents=int(data["documents"]), next_id=int(data["next_id"]),
                       terms={str(t): int(n) for t, n in data["terms"].items()},
                       stories=tuple(_story_from(s) for s in data["stories"]))
        except (AttributeError, KeyError, TypeError) as exc:
            raise ValueError(f"not a story model state: {exc}") from exc


class StoryModel(Protocol):
    """A way of grouping articles into stories, that can be saved and resumed."""

    name: ClassVar[str]  # the key it is chosen and stored by
    version: ClassVar[int]  # a new version never reads an older one's state

    def prepare(self, inputs: Sequence[StoryInput]) -> Batch:
        """Read date-ordered articles, and say what of a saved state they need."""
        ...

    def add(self, batch: Batch | Sequence[StoryInput]) -> list[Assignment]:
        """Place the articles, in order; one assignment each."""
        ...

    def state(self, stories: Collection[int] | None = None, *,
              members: bool = True) -> ModelState:
        """A snapshot of what the model holds: its open stories, or only those of `stories`
        (open or closed while adding, which is what a caller saving a step needs).

        With `members=False`, only what linking reads (the stories' dates, features and
        outlets): no members, labels or learned frequencies, which a caller that links and
        saves nothing (a stream) would build and drop at every batch."""
        ...

    @classmethod
    def from_state(cls, state: ModelState, members: MemberLoader | None = None) -> Self:
        """Resume from `state`; ValueError if another model or version made it."""
        ...


def encode_features(features: Mapping[str, float], digits: int | None = None) -> str:
    """Compact JSON of named weights (rounded to `digits` if given), as storage keeps them."""
    values = features if digits is None else {t: round(w, digits) for t, w in features.items()}
    return json.dumps(dict(values), separators=(",", ":"), ensure_ascii=True)


def decode_features(text: str) -> dict[str, float]:
    """Named weights from `encode_features`' JSON, in their stored order."""
    return {str(t): float(w) for t, w in json.loads(text).items()}


def _story_json(story: StoryState) -> dict[str, Any]:
    return {
        "id": story.id, "first_seen": story.first_seen.isoformat(),
        "last_seen": story.last_seen.isoformat(), "features": dict(story.features),
        "outlets": sorted(story.outlets), "label": story.label,
        "members": None if story.members is None else [
            {"article_id": m.article_id, "title": m.title, "features": dict(m.features)}
            for m in story.members],
    }


def _story_from(data: dict[str, Any]) -> StoryState:
    members = data["members"]
    return StoryState(
        id=int(data["id"]), first_seen=datetime.fromisoformat(data["first_seen"]),
        last_seen=datetime.fromisoformat(data["last_seen"]),
        features={str(t): float(w) for t, w in data["features"].items()},
        outlets=frozenset(data["outlets"]), label=str(data["label"]),
        members=None if members is None else tuple(
            MemberState(str(m["article_id"]), str(m["title"]),
                        {str(t): float(w) for t, w in m["features"].items()})
            for m in members))
