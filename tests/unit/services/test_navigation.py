"""The sidebar's records: smart views, topics, stories, sources and their unread counts."""

from datetime import UTC, datetime

from newsdesk.models import ArticleQuery
from newsdesk.services.navigation import (
    UnreadCounts,
    read_navigation,
    smart_views,
    start_of_today,
    unread_counts,
)
from newsdesk.services.sample import load_sample


def test_the_smart_views_in_order():
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert [(v.label, v.query, v.icon) for v in smart_views(now)] == [
        ("All unread", ArticleQuery(unread_only=True), "view-unread"),
        ("All articles", ArticleQuery(), "view-all"),
        ("Today", ArticleQuery(since=start_of_today(now)), "view-today"),
        ("Starred", ArticleQuery(starred_only=True), "star")]
    midnight = start_of_today(now).astimezone()
    assert (midnight.hour, midnight.minute, midnight.second) == (0, 0, 0)


def test_a_new_store_lists_the_views_and_the_starter_topics(store):
    navigation = read_navigation(store)
    assert [v.label for v in navigation.views] == ["All unread", "All articles", "Today",
                                                   "Starred"]
    assert navigation.topics == tuple(store.topics.list())
    assert (navigation.stories, navigation.sources) == ((), ())
    assert navigation.counts.total_unread == 0


def test_the_sample_in_the_sidebar(store):
    load_sample(store)
    store.topics.add("Courts", "court")
    navigation = read_navigation(store)
    assert navigation.topics[-1].name == "Courts"  # after the starter topics, as made
    assert len(navigation.sources) == len(store.sources.list())
    assert navigation.stories and all(len(s.outlets) >= 2 for s in navigation.stories)
    assert navigation.counts.total_unread == 43
    # the two "everything" views are the sum of the sources, not counted again
    assert set(navigation.counts.views) == {v.query for v in navigation.views[2:]}


def test_unread_counts_follow_marks(store):
    load_sample(store)
    first = store.articles.list()[0]
    store.reading.set_read([first.id])
    store.reading.set_starred(first.id)
    starred = ArticleQuery(starred_only=True)
    counts = unread_counts(store, [ArticleQuery(), starred])
    assert counts.total_unread == 42
    assert counts.per_source[first.source_id] == store.reading.unread_count(first.source_id)
    assert dict(counts.views) == {starred: 1}  # starred counts read articles too
    assert UnreadCounts().total_unread == 0
