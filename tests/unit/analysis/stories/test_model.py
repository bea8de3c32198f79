"""The story model protocol: a typed state that goes out and comes back the same."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import ClassVar, Self

import pytest

from newsdesk.analysis.stories import (
    Assignment,
    Batch,
    MemberLoader,
    MemberState,
    ModelState,
    StoryIndex,
    StoryInput,
    StoryModel,
    StoryState,
    TfidfModel,
    decode_features,
    encode_features,
)
from tests.unit.analysis.stories.test_tfidf import STREAM


class FirstWordModel:
    """A test-only model: one story per first title word. It shows the protocol is not
    TF-IDF's shape, and is offered to no user."""

    name: ClassVar[str] = "first-word"
    version: ClassVar[int] = 1

    def __init__(self) -> None:
        self._stories: dict[str, StoryState] = {}
        self._next_id = 1
        self._documents = 0

    def prepare(self, inputs: Sequence[StoryInput]) -> Batch:
        words = tuple({(i.title.split() or [""])[0].lower(): 1.0} for i in inputs)
        return Batch(tuple(inputs), words, frozenset().union(*words), None)

    def add(self, batch: Batch | Sequence[StoryInput]) -> list[Assignment]:
        batch = batch if isinstance(batch, Batch) else self.prepare(batch)
        placed = []
        for article, features in zip(batch.inputs, batch.features, strict=True):
            (word,) = features
            self._documents += 1
            story = self._stories.get(word)
            if story is None:
                story = StoryState(self._next_id, article.published, article.published,
                                   features, frozenset(), ())
                self._next_id += 1
            member = MemberState(article.id, article.title, features)
            self._stories[word] = StoryState(
                story.id, story.first_seen, article.published, features,
                story.outlets | {article.source}, (*(story.members or ()), member),
                (story.members or (member,))[0].title)
            placed.append(Assignment(article.id, story.id, 1.0, story.members == ()))
        return placed

    def state(self, stories: Collection[int] | None = None, *,
              members: bool = True) -> ModelState:
        chosen = tuple(s for s in sorted(self._stories.values(), key=lambda s: s.id)
                       if stories is None or s.id in stories)
        return ModelState(self.name, self.version, self._documents, self._next_id,
                          {w: 1 for w in self._stories}, chosen)

    @classmethod
    def from_state(cls, state: ModelState, members: MemberLoader | None = None) -> Self:
        if not state.is_of(cls):
            raise ValueError("another model's state")
        model = cls()
        model._documents, model._next_id = state.documents, state.next_id
        for story in state.stories:
            model._stories[next(iter(story.features))] = story
        return model


MODELS: list[type[StoryModel]] = [TfidfModel, FirstWordModel]


def _groups(assignments: list[Assignment]) -> list[list[str]]:
    by_story: dict[int, list[str]] = {}
    for a in assignments:
        by_story.setdefault(a.story_id, []).append(a.article_id)
    return sorted(by_story.values())


def test_tfidf_model_groups_as_the_index_does():
    index = StoryIndex()
    assert TfidfModel().add(STREAM) == [index.add(a) for a in STREAM]
    assert _groups(TfidfModel().add(STREAM)) == [
        ["dam1", "dam2", "dam3", "dam1-copy"], ["tax1", "tax2"], ["tax3"]]


def test_two_models_sit_side_by_side():
    assert _groups(FirstWordModel().add(STREAM)) == [
        ["dam1", "dam1-copy"], ["dam2"], ["dam3"], ["tax1"], ["tax2"], ["tax3"]]
    assert {m.name for m in MODELS} == {"tfidf", "first-word"}


@pytest.mark.parametrize("factory", MODELS, ids=lambda m: m.name)
@pytest.mark.parametrize("split", [1, 3, 5])
def test_state_through_json_places_new_articles_the_same(factory, split):
    first = factory()
    first.add(STREAM[:split])
    text = first.state().to_json()
    resumed = factory.from_state(ModelState.from_json(text))
    assert ModelState.from_json(text) == first.state()
    assert resumed.add(STREAM[split:]) == first.add(STREAM[split:])
    assert resumed.state() == first.state()


def test_a_state_without_members_reads_them_when_needed():
    """What storage does: stories come back without members, read on demand."""
    whole = TfidfModel()
    whole.add(STREAM[:5])
    saved = whole.state()
    members = {s.id: s.members or () for s in saved.stories}
    asked: list[int] = []

    def load(story_id: int) -> tuple[MemberState, ...]:
        asked.append(story_id)
        return members[story_id]

    bare = ModelState(saved.model, saved.version, saved.documents, saved.next_id, saved.terms,
                      tuple(StoryState(s.id, s.first_seen, s.last_seen, s.features, s.outlets)
                            for s in saved.stories))
    resumed = TfidfModel.from_state(bare, members=load)
    placed = resumed.add(STREAM[5:])
    assert placed == whole.add(STREAM[5:])
    assert placed[0].duplicate_of == "dam1"  # the copy check read the dam story's members
    assert asked == [placed[0].story_id]
    (dam,) = resumed.state([placed[0].story_id]).stories
    assert [m.article_id for m in dam.members or ()] == ["dam1", "dam2", "dam3", "dam1-copy"]
    assert dam.label in {a.title for a in STREAM if a.id.startswith("dam")}


@pytest.mark.parametrize("other", [("first-word", 2), ("tfidf", 1), ("tfidf", 3)])
def test_another_models_state_is_refused(other):
    with pytest.raises(ValueError, match="not one of tfidf version 2"):
        TfidfModel.from_state(ModelState(*other))
    assert ModelState("tfidf", 2).is_of(TfidfModel)
    assert not ModelState(*other).is_of(TfidfModel)


@pytest.mark.parametrize("text", ['{"format": 2}', "[]", '{"format": 1, "model": "tfidf"}'])
def test_a_state_of_another_format_is_refused(text):
    with pytest.raises(ValueError):
        ModelState.from_json(text)


def test_stored_features_keep_their_order_and_precision():
    features = {"dam": 0.123456789, "n:harlow": 0.5}
    assert decode_features(encode_features(features)) == features
    assert encode_features(features, 5) == '{"dam":0.12346,"n:harlow":0.5}'
    assert list(decode_features(encode_features(features))) == ["dam", "n:harlow"]


def test_a_restored_story_is_indexed_as_joining_indexes_it_ties_included():
    """Joining re-ranks only the indexed terms and the article's own (weights only grow), so
    a restored story must start from the index joining would have given it: ties at the
    last place go to the later term, whichever way the story came."""
    import heapq
    from datetime import UTC, datetime

    from newsdesk.analysis.stories.tfidf import INDEXED_TERMS, Story, StoryIndex

    centroid = {f"s{i:02d}": 10.0 - i * 0.1 for i in range(INDEXED_TERMS - 1)}
    centroid |= {f"t{c}": 1.0 for c in "abcdefg"}  # seven tied for the last place
    index = StoryIndex()
    story = Story(id=1, first_seen=datetime(2026, 1, 1, tzinfo=UTC),
                  last_seen=datetime(2026, 1, 1, tzinfo=UTC), centroid=dict(centroid))
    index._restore(story)
    vector = {"s00": 0.5, "zz": 0.1}
    for term, weight in vector.items():
        story.centroid[term] = story.centroid.get(term, 0.0) + weight
    index._reindex(story, vector)
    full = {t for _, t in heapq.nlargest(INDEXED_TERMS,
                                         [(w, t) for t, w in story.centroid.items()])}
    assert set(story.indexed) == full and "tg" in full
