"""Copies (wire copies, near-duplicates): one read state for a copy group, and lists that
show a group once."""

from __future__ import annotations

import pytest

from newsdesk.models import ArticleQuery
from newsdesk.services.reading import collapse_copies, list_headlines, set_read, with_copies
from newsdesk.services.sample import load_sample
from newsdesk.services.stories import update_stories
from newsdesk.store import Store
from newsdesk.store.api import StoryAssignment


@pytest.fixture
def copies(store: Store) -> tuple[Store, str, list[str]]:
    """The sample, with two members of its first story marked copies of the first one (as
    the story model marks wire copies)."""
    load_sample(store)
    update_stories(store)
    story = store.stories.list(min_outlets=3)[0]
    original, *others = [m for m in store.stories.member_rows(story.id)][:3]
    store.stories.save([], [StoryAssignment(m.article_id, story.id, 0.9,
                                            duplicate_of=original.article_id, vector=m.vector)
                            for m in others], {}, store.stories.grouped_documents())
    return store, original.article_id, [m.article_id for m in others]


def test_marking_one_copy_read_marks_its_group(copies: tuple[Store, str, list[str]]) -> None:
    store, original, others = copies
    changes = set_read(store, [others[-1]])
    group = {original, *others}
    assert changes.articles == group
    assert all(store.reading.status(i).is_read for i in group)
    set_read(store, [original], read=False)
    assert not any(store.reading.status(i).is_read for i in group)
    lone = next(a.id for a in store.articles.list() if a.id not in group)
    assert with_copies(store, [lone]) == [lone]


def test_lists_show_a_group_once(copies: tuple[Store, str, list[str]]) -> None:
    store, original, others = copies
    rows = list_headlines(store, ArticleQuery(), limit=100)
    shown, groups = collapse_copies(store, rows)
    assert len(shown) == len(rows) - len(others)
    assert original in {r.id for r in shown} and not set(others) & {r.id for r in shown}
    assert sorted(groups[original]) == sorted(others)
    without = [r for r in rows if r.id != original]  # the original not in the list
    shown, groups = collapse_copies(store, without)
    assert len(shown) == len(without) - len(others) + 1
    assert len(groups) == 1 and len(next(iter(groups.values()))) == len(others) - 1
