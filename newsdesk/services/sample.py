"""Load the offline sample corpus, then group it into stories, so a new desk shows stories
and comparisons without any network."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsdesk.ingest.sample import SampleLoad, store_sample
from newsdesk.services.changes import Changes
from newsdesk.services.refresh import stories_of
from newsdesk.services.stories import update_stories
from newsdesk.store import Store


@dataclass(frozen=True, slots=True)
class SampleLoaded:
    """What loading the sample did: the load itself, and how many articles joined stories."""

    sample: SampleLoad
    placed: int = 0
    changes: Changes = field(default_factory=Changes)


def load_sample(store: Store) -> SampleLoaded:
    """Add the sample outlets and their articles, then group every ungrouped article.

    One outlet that fails is listed in `sample.failed` (and recorded on its source); the
    others still load. Loading twice changes nothing.
    """
    loaded = store_sample(store)
    placed = update_stories(store)  # also catches up on articles stored before stories
    # Older articles that joined stories too are not named one by one: the list of
    # sources and stories is redrawn instead.
    caught_up = placed > len(loaded.new_ids)
    return SampleLoaded(loaded, placed, Changes.of(
        new_articles=loaded.new_ids,
        sources={*loaded.added_source_ids, *loaded.changed_source_ids},
        stories=stories_of(store, loaded.new_ids),
        source_list=bool(loaded.added_source_ids) or caught_up))
