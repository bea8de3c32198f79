"""Refresh through the service: fetch and store, then group, count topic hits, warm."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newsdesk.errors import NotFoundError
from newsdesk.services.changes import Changes
from newsdesk.services.refresh import (
    choose_sources,
    count_new_by_topic,
    group_new_articles,
    refresh,
    seems_offline,
    warm_comparisons,
)
from newsdesk.services.sample import load_sample
from tests.conftest import fixture_bytes
from tests.feedserver import Route

RSS = fixture_bytes("rss20.xml")
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_refresh_stores_groups_and_says_what_changed(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS, etag='"a"')
    source, _ = store.sources.add(feed_server.url("/feed"))
    store.topics.add("Courts", "court")
    done = refresh(store, [source], now=NOW, notify_topics=["Courts", "Gone"])
    new_ids = done.report.sources[0].new_ids
    assert (done.report.new, done.placed, len(new_ids)) == (2, 2, 2)
    assert dict(done.topic_hits) == {"Courts": 1}  # "Gone" is no topic: left out
    stories = {store.stories.story_of(i) for i in new_ids}
    assert None not in stories
    assert done.changes == Changes.of(new_articles=new_ids, sources=[source.id],
                                      stories=stories, source_list=True, story_list=True)
    again = refresh(store, [store.sources.get(source.id)], now=NOW, notify_topics=["Courts"])
    assert again.report.sources[0].outcome == "not_modified"
    assert (again.placed, dict(again.topic_hits), again.changes) == (0, {}, Changes())


def test_a_failed_source_is_a_changed_source(store, feed_server):
    feed_server.routes["/feed"] = Route(status=500)
    source, _ = store.sources.add(feed_server.url("/feed"))
    done = refresh(store, [source], now=NOW)
    assert done.report.sources[0].outcome == "failed"
    assert done.changes == Changes.of(sources=[source.id], source_list=True)


def test_a_source_that_answers_again_is_a_changed_source(store, feed_server):
    """Its warning mark goes away, even when the feed says nothing new."""
    feed_server.routes["/feed"] = Route(body=RSS, etag='"a"')
    source, _ = store.sources.add(feed_server.url("/feed"))
    refresh(store, [source], now=NOW)
    feed_server.routes["/feed"] = Route(status=500)
    refresh(store, [store.sources.get(source.id)], now=NOW)
    feed_server.routes["/feed"] = Route(body=RSS, etag='"a"')
    done = refresh(store, [store.sources.get(source.id)], now=NOW)
    assert done.report.sources[0].outcome == "not_modified"
    assert store.sources.get(source.id).error_count == 0
    assert done.changes == Changes.of(sources=[source.id], source_list=True)


@pytest.mark.parametrize(("kinds", "offline"), [
    (("dns", "connect"), True),
    (("dns", None), False),  # one feed answered: the network is there
    (("dns", "http"), False),  # a server answered with an error
    ((), False),  # nothing was due
])
def test_offline_means_every_feed_failed_for_want_of_a_network(kinds, offline):
    from newsdesk.models import RefreshReport, SourceReport

    report = RefreshReport(tuple(
        SourceReport(i, f"https://{i}.example/feed", "", "failed" if kind else "new",
                     error_kind=kind) for i, kind in enumerate(kinds)))
    assert seems_offline(report) is offline


def test_nothing_due_is_an_empty_refresh(store):
    done = refresh(store, now=NOW)
    assert (done.report.sources, done.placed, done.changes) == ((), 0, Changes())


def test_choosing_sources(store):
    feed, _ = store.sources.add("https://a.example/feed")
    store.sources.add("https://s.example/feed", kind="sample")
    assert choose_sources(store) is None  # those due
    assert [s.id for s in choose_sources(store, every_feed=True)] == [feed.id]
    assert [s.id for s in choose_sources(store, source_ids=[feed.id])] == [feed.id]
    with pytest.raises(NotFoundError, match=r"^There is no source with id 99\.$"):
        choose_sources(store, source_ids=[feed.id, 99])


def test_grouping_that_fails_leaves_the_articles_stored(store, feed_server, monkeypatch, caplog):
    import newsdesk.services.refresh as service

    def broken(store, ids=None):
        raise RuntimeError("grouping bug")

    monkeypatch.setattr(service, "update_stories", broken)
    feed_server.routes["/feed"] = Route(body=RSS)
    source, _ = store.sources.add(feed_server.url("/feed"))
    done = refresh(store, [source], now=NOW)
    assert (done.report.new, done.placed, done.changes.stories) == (2, 0, frozenset())
    assert store.articles.count() == 2
    assert "grouping 2 new articles into stories failed" in caplog.text
    monkeypatch.undo()
    assert group_new_articles(store, done.report.sources[0].new_ids)[0] == 2  # caught up later


def test_topic_hits_need_new_articles(store):
    store.topics.add("Courts", "court")
    assert count_new_by_topic(store, ["Courts"], ()) == {}


def test_warming_compares_each_story_once(store):
    load_sample(store)
    assert warm_comparisons(store) == 9  # the sample's stories told by two or more outlets
    assert warm_comparisons(store) == 0


def test_refresh_tells_news_of_followed_topics_when_asked(store, feed_server):
    from newsdesk.services.storylines import follow

    feed_server.routes["/feed"] = Route(body=RSS, etag='"a"')
    source, _ = store.sources.add(feed_server.url("/feed"))
    store.topics.add("Courts", "court")
    follow(store, "topic", "Courts")
    quiet = refresh(store, [source], now=NOW)
    assert quiet.notices == ()  # not asked: a face reads them itself
    store.stories.follow(replace(store.stories.follows()[0], events=0))
    told = refresh(store, [store.sources.get(source.id)], now=NOW, tell=True)
    assert [n.kind for n in told.notices] == ["topic"]
    assert refresh(store, [store.sources.get(source.id)], now=NOW, tell=True).notices == ()
