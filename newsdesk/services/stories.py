"""Stories, the use case: keep the stored stories current, list them, group a stream.

The glue between the store and a story model (`analysis.stories`, pure). Grouping loads
what the batch needs of the saved state (the learned frequencies of its terms, the open
stories, members on demand), hands it to the model as a `ModelState`, places the articles
in date order and writes the step back in one transaction. The model owns the state's
shapes; this module only moves it.

The models are a registry by name; today's, TF-IDF, is the default. The story tables
belong to one model (name and version) at a time: grouping with another model, or
another version of it, empties them and groups every article again with the new one, so
no model reads another's state (a rebuild, not a fresh start beside old stories: stories
a user sees always come from one model).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

from newsdesk.analysis.stories import (
    Assignment,
    MemberState,
    ModelState,
    StoryInput,
    StoryModel,
    StoryState,
    TfidfModel,
    decode_features,
    encode_features,
)
from newsdesk.errors import NewsdeskError
from newsdesk.models import Article, StorySummary
from newsdesk.store import Store
from newsdesk.store.api import StoryAssignment, StoryRecord

log = logging.getLogger(__name__)

MODELS: dict[str, type[StoryModel]] = {"tfidf": TfidfModel}  # offered to users
DEFAULT_MODEL = "tfidf"
CATCH_UP_BATCH = 2000  # articles per step when grouping everything not grouped yet
CENTROID_DIGITS = 5  # a stored centroid's precision (members' vectors are kept exact)
GROUPING = "grouping"  # the store's exclusive section of grouping and linking (Store.exclusive)
GROUPING_WAIT = 30.0  # seconds a grouping waits for another program's before it skips


def story_model(name: str = DEFAULT_MODEL) -> type[StoryModel]:
    """The registered model called `name`; NewsdeskError naming the known ones if none is."""
    try:
        return MODELS[name]
    except KeyError:
        raise NewsdeskError(f"There is no story model {name!r}; the models are "
                            f"{', '.join(sorted(MODELS))}.") from None


def update_stories(store: Store, article_ids: Sequence[str] | None = None, *,
                   model: str = DEFAULT_MODEL, wait: float = GROUPING_WAIT) -> int:
    """Put the given (default: all) articles that are in no story yet into stories.

    Returns how many articles were placed. Stories keep their ids as they grow. Catching
    up on everything works in date-ordered batches, so memory stays bounded. If the
    stories were made by another model or version, they are dropped and every article is
    grouped again by `model` (so the count is then of all articles).

    One program at a time groups a database (and links its storylines): the store's
    exclusive section GROUPING. While another program holds it, this waits up to `wait`
    seconds (it usually ends in a few), then skips with a log line and returns 0: the
    articles stay ungrouped and the next grouping takes them (a server passes 0 and
    tries again at its next round).
    """
    factory = story_model(model)
    if _nothing_to_group(store, factory, article_ids):
        return 0  # the common case, read only: no section to take (a read-only file works)
    with store.exclusive(GROUPING, wait=wait) as held:
        if not held:
            log.warning("another program is grouping the stories of this database; skipped "
                        "after waiting %g s (the articles are grouped next time)", wait)
            return 0
        return _update_stories(store, factory, article_ids)


def _nothing_to_group(store: Store, factory: type[StoryModel],
                      article_ids: Sequence[str] | None) -> bool:
    """Whether grouping would find nothing to do, by reads alone."""
    if store.stories.model() != (factory.name, factory.version):
        return False
    return not article_ids if article_ids is not None else not store.stories.unclustered_ids()


def _update_stories(store: Store, factory: type[StoryModel],
                    article_ids: Sequence[str] | None) -> int:
    """update_stories inside its exclusive section."""
    claimed = False
    if store.stories.model() != (factory.name, factory.version):
        log.info("stories now come from %s version %d: grouping every article again",
                 factory.name, factory.version)
        store.stories.claim(factory.name, factory.version)
        article_ids, claimed = None, True
    touched: set[int] = set()
    if article_ids is not None:
        placed = _place(store, factory, store.stories.unclustered_articles(article_ids), touched)
    else:
        placed = 0
        pending = store.stories.unclustered_ids()
        for start in range(0, len(pending), CATCH_UP_BATCH):
            placed += _place(store, factory, store.stories.unclustered_articles(
                pending[start:start + CATCH_UP_BATCH]), touched)
    _after_grouping(store, touched, claimed)
    return placed


def _after_grouping(store: Store, touched: set[int], claimed: bool) -> None:
    """After a re-grouping the user's corrections apply again; then the stories a step
    touched are linked into storylines. Both are derived from what is stored, so one
    failing is logged and leaves the stories as grouped (a later step catches up)."""
    from newsdesk.services.corrections import reapply_corrections
    from newsdesk.services.storylines import update_storylines

    try:
        if claimed:
            reapply_corrections(store)
        if claimed or touched:
            update_storylines(store, None if claimed else sorted(touched))
    except Exception:
        log.exception("corrections or storylines after grouping failed")


def list_stories(store: Store, *, since: datetime | None = None, min_outlets: int = 1,
                 limit: int | None = None, model: str = DEFAULT_MODEL) -> list[StorySummary]:
    """Stories, largest and newest first, after catching up on articles in none yet."""
    update_stories(store, model=model)
    return store.stories.list(since=since, min_outlets=min_outlets, limit=limit)


def group_stream(articles: Iterable[StoryInput], *,
                 model: str = DEFAULT_MODEL) -> Iterator[Assignment]:
    """Group date-ordered articles with no database: one assignment each, as they come
    (a story is new when its assignment says so)."""
    grouping = story_model(model)()
    for article in articles:
        yield from grouping.add([article])


def _place(store: Store, factory: type[StoryModel], articles: list[Article],
           touched_out: set[int] | None = None) -> int:
    """Group one date-ordered batch and save it in one transaction (the stories it touched
    added to `touched_out`)."""
    if not articles:
        return 0
    inputs = [StoryInput(id=a.id, title=a.title, text=a.text, published=a.published,
                         source=a.outlet, url=a.url) for a in articles]
    batch = factory().prepare(inputs)
    saved = _saved_state(store, factory, batch.terms, batch.since)
    grouping = factory.from_state(saved, members=lambda sid: _members(store, sid))
    placed = grouping.add(batch)
    touched = sorted({a.story_id for a in placed})
    after = grouping.state(touched)
    vectors = {m.article_id: m.features for s in after.stories for m in s.members or ()}
    assignments = [StoryAssignment(article_id=a.article_id, story_id=a.story_id, score=a.score,
                                   duplicate_of=a.duplicate_of,
                                   vector=encode_features(vectors[a.article_id]))
                   for a in placed]
    increments = {term: count - saved.terms.get(term, 0) for term, count in after.terms.items()
                  if count != saved.terms.get(term, 0)}
    rows = [_story_row(story) for story in after.stories]
    store.stories.save(rows, assignments, increments, after.documents, new_from=saved.next_id)
    if touched_out is not None:
        touched_out.update(s.id for s in rows)
    log.info("placed %d articles in %d stories", len(assignments), len(rows))
    return len(assignments)


def _saved_state(store: Store, factory: type[StoryModel], terms: Iterable[str],
                 since: datetime | None) -> ModelState:
    """The part of the stored state a batch needs: its terms' counts and the stories that
    opened since `since` (members left in storage until the model asks)."""
    raw = store.stories.state(set(terms), since or datetime.min.replace(tzinfo=UTC))
    stories = []
    for row in raw.stories:
        outlets = raw.outlets.get(row.id)
        first_seen, last_seen = row.first_seen, row.last_seen
        if not outlets:
            continue  # no members left (their articles were deleted)
        if first_seen is None or last_seen is None:
            log.warning("story %s has no readable dates; it takes no new articles", row.id)
            continue
        stories.append(StoryState(id=row.id, first_seen=first_seen,
                                  last_seen=last_seen, features=decode_features(row.centroid),
                                  outlets=frozenset(outlets)))
    return ModelState(model=factory.name, version=factory.version,
                      documents=raw.documents, next_id=raw.next_id,
                      terms=dict(raw.df), stories=tuple(stories))


def _members(store: Store, story_id: int) -> list[MemberState]:
    return [MemberState(m.article_id, m.title, decode_features(m.vector))
            for m in store.stories.member_rows(story_id)]


def _story_row(story: StoryState) -> StoryRecord:
    return StoryRecord(id=story.id, label=story.label, first_seen=story.first_seen,
                       last_seen=story.last_seen, size=len(story.members or ()),
                       outlets=len(story.outlets),
                       centroid=encode_features(story.features, CENTROID_DIGITS))
