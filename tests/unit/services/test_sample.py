"""Loading the sample through the service: stored, grouped, and what changed."""

from newsdesk.services.changes import Changes
from newsdesk.services.sample import load_sample


def test_the_sample_is_stored_and_grouped(store):
    loaded = load_sample(store)
    assert (loaded.sample.outlets, loaded.sample.new, loaded.placed) == (7, 43, 43)
    assert loaded.sample.failed == ()
    assert len(store.stories.list()) == 18
    assert len(loaded.changes.new_articles) == 43
    assert loaded.changes.sources == {s.id for s in store.sources.list()}
    assert len(loaded.changes.stories) == 18 and loaded.changes.source_list


def test_loading_again_changes_nothing(store):
    load_sample(store)
    again = load_sample(store)
    assert (again.sample.new, again.sample.updated, again.placed) == (0, 0, 0)
    assert again.changes == Changes()
