"""Stories and storylines of a stream of articles, with no database.

What `newsdesk cluster` and the benches need: each article's story (the story model's
grouping) and storyline (stories linked as they grow, each story's final storyline).
The same steps as the services path: group a batch, then link every story the batch
touched, in date order.

Pure: no Qt, no network, no database.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable

from newsdesk.analysis.stories.model import StoryInput, StoryModel
from newsdesk.analysis.stories.storylines import EventInput, StorylineLinker
from newsdesk.analysis.stories.tfidf import TfidfModel

BATCH = 500  # articles grouped between two linking steps (a refresh's worth)


def cluster_stream(inputs: Iterable[StoryInput], model: str | StoryModel = "tfidf", *,
                   batch: int = BATCH,
                   linker: StorylineLinker | None = None) -> list[tuple[str, int, int | None]]:
    """(article id, story id, storyline id) for each article, in the order given.

    `model` is a story model or the name of one (only the built-in "tfidf" by name here:
    the services layer holds the registry). Articles are grouped in date order. While it
    runs, the cyclic garbage collector leaves alone what is older than the batch at hand
    (gc.freeze; unfrozen at the end): a batch job's growing state has no cycles to find."""
    grouping = _model(model)
    linker = linker or StorylineLinker()
    given = list(inputs)
    articles = sorted(given, key=lambda a: a.published)
    story_of: dict[str, int] = {}
    line_of: dict[int, int | None] = {}
    links: dict[int, set[str]] = {}
    try:
        for start in range(0, len(articles), batch):
            _one_batch(articles[start:start + batch], grouping, linker, story_of, line_of, links)
    finally:
        gc.unfreeze()
    return [(a.id, story_of[a.id], line_of.get(story_of[a.id])) for a in given]


def _one_batch(chunk: list[StoryInput], grouping: StoryModel, linker: StorylineLinker,
               story_of: dict[str, int], line_of: dict[int, int | None],
               links: dict[int, set[str]]) -> None:
    """Group one batch and link the stories it touched. What earlier batches made is
    frozen for the cyclic garbage collector first: it holds no cycles, and scanning the
    whole growing state again and again was a twentieth of a long stream's time."""
    gc.freeze()
    placed = grouping.add(chunk)
    for article, assignment in zip(chunk, placed, strict=True):
        story_of[article.id] = assignment.story_id
        if article.url:
            links.setdefault(assignment.story_id, set()).add(article.url)
    touched = {a.story_id for a in placed}
    stories = grouping.state(touched, members=False).stories
    for story in sorted(stories, key=lambda s: (s.first_seen, s.id)):
        result = linker.link(EventInput(
            story_id=story.id, first_seen=story.first_seen, last_seen=story.last_seen,
            features=story.features, outlets=story.outlets,
            links=frozenset(links.get(story.id, ())), storyline_id=line_of.get(story.id)))
        line_of[story.id] = result.storyline_id


def _model(model: str | StoryModel) -> StoryModel:
    if not isinstance(model, str):
        return model
    if model != TfidfModel.name:
        raise ValueError(f"cluster_stream knows the model {TfidfModel.name!r} by name; "
                         f"pass another model as an object, not {model!r}")
    return TfidfModel()
