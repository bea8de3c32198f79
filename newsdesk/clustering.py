"""Keep the stored stories current: group articles not yet in a story, save the result.

The glue between the store and `analysis.stories` (which is pure): load the open stories
and the learned frequencies the new articles need, place the articles in date order, and
write everything back in one transaction.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence

from newsdesk.analysis.stories import Story, StoryIndex, StoryInput, term_counts
from newsdesk.models import Article
from newsdesk.store import Store
from newsdesk.store.api import StoryAssignment, StoryRecord

log = logging.getLogger(__name__)


CATCH_UP_BATCH = 2000  # articles per step when grouping everything not grouped yet


def update_stories(store: Store, article_ids: Sequence[str] | None = None) -> int:
    """Put the given (default: all) articles that are in no story yet into stories.

    Returns how many articles were placed. Stories keep their ids as they grow. Catching
    up on everything works in date-ordered batches, so memory stays bounded.
    """
    if article_ids is not None:
        return _place(store, store.stories.unclustered_articles(article_ids))
    placed = 0
    for start in range(0, len(pending := store.stories.unclustered_ids()), CATCH_UP_BATCH):
        placed += _place(store, store.stories.unclustered_articles(pending[start:start + CATCH_UP_BATCH]))
    return placed


def _place(store: Store, articles: list[Article]) -> int:
    """Group one date-ordered batch and save it in one transaction."""
    if not articles:
        return 0
    inputs = [StoryInput(id=a.id, title=a.title, text=a.text, published=a.published,
                         source=a.outlet, url=a.url) for a in articles]
    counts = [term_counts(i.title, i.text) for i in inputs]
    terms = set().union(*(c.keys() for c in counts))
    since = inputs[0].published - StoryIndex().window
    state = store.stories.state(terms, since)
    index = StoryIndex(next_id=state.next_id)
    index.keep_closed = True
    index.df.update(state.df)
    index.documents = state.documents
    for row in state.stories:
        outlets = state.outlets.get(row.id)
        if not outlets:
            continue
        index.restore(Story(id=row.id, first_seen=row.first_seen, last_seen=row.last_seen,
                            centroid=json.loads(row.centroid), outlets=set(outlets),
                            loaded=False))

    def load(story: Story) -> None:
        stored = store.stories.member_rows(story.id)
        story.members[:0] = [m.article_id for m in stored]
        for m in stored:
            story.titles[m.article_id] = m.title
            story.vectors[m.article_id] = json.loads(m.vector)

    index.loader = load
    increments: Counter[str] = Counter()
    assignments: list[StoryAssignment] = []
    touched: set[int] = set()
    for article, count in zip(inputs, counts, strict=True):
        placed = index.add(article, count)
        increments.update(count.keys())
        touched.add(placed.story_id)
        story = index.stories[placed.story_id]  # just placed, so still open
        assignments.append(StoryAssignment(
            article_id=article.id, story_id=placed.story_id, score=placed.score,
            duplicate_of=placed.duplicate_of,
            vector=json.dumps(story.vectors[article.id], separators=(",", ":"))))
    by_id = {st.id: st for st in [*index.closed, *index.stories.values()]}
    for sid in touched:
        index.ensure_loaded(by_id[sid])  # the label and size need every member
    rows = [_story_row(by_id[sid]) for sid in sorted(touched)]
    store.stories.save(rows, assignments, dict(increments), index.documents,
                       new_from=state.next_id)
    log.info("placed %d articles in %d stories", len(assignments), len(rows))
    return len(assignments)


def _story_row(story: Story) -> StoryRecord:
    return StoryRecord(
        id=story.id, label=story.label, first_seen=story.first_seen,
        last_seen=story.last_seen, size=len(story.members), outlets=len(story.outlets),
        centroid=json.dumps({t: round(w, 5) for t, w in story.centroid.items()},
                            separators=(",", ":")))
