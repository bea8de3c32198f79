"""Sources through the service: subscribe, follow many, edit, remove, export."""

from datetime import UTC, datetime

import pytest

from newsdesk.errors import FetchError, NotFoundError, OPMLError
from newsdesk.formats.opml import OutlineFeed, parse_opml
from newsdesk.services.changes import Changes
from newsdesk.services.refresh import refresh
from newsdesk.services.sources import (
    default_feeds,
    edit_source,
    export_opml,
    folders,
    follow_defaults,
    follow_feeds,
    get_source,
    import_opml,
    list_sources,
    remove_source,
    subscribe,
)
from tests.conftest import fixture_bytes
from tests.feedserver import Route

RSS = fixture_bytes("rss20.xml")
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_subscribing_stores_and_groups_the_first_items(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS)
    done = subscribe(store, feed_server.url("/feed"), folder="Policy", title="Dirt")
    assert done.created and (done.source.title, done.source.folder) == ("Dirt", "Policy")
    new_ids = done.report.new_ids
    assert len(new_ids) == 2 and all(store.stories.story_of(i) is not None for i in new_ids)
    assert done.changes == Changes.of(new_articles=new_ids, sources=[done.source.id],
                                      stories={store.stories.story_of(i) for i in new_ids},
                                      source_list=True)
    again = subscribe(store, feed_server.url("/feed"))
    assert (again.created, again.report, again.changes) == (False, None, Changes())
    assert len(feed_server.requests) == 1  # already followed: not fetched again


def test_subscribing_to_what_is_no_feed_adds_nothing(store, feed_server):
    feed_server.routes["/"] = Route(body=b"<html><head></head><body>hi</body></html>",
                                    content_type="text/html")
    with pytest.raises(FetchError, match="is a web page that advertises no feed"):
        subscribe(store, feed_server.url("/"))
    assert list_sources(store) == []


def test_following_feeds_counts_the_new_ones(store):
    feeds = [OutlineFeed("https://a.example/feed", "A", folder="News"),
             OutlineFeed("https://b.example/feed", "B")]
    first = follow_feeds(store, feeds)
    ids = {row.source.id for row in list_sources(store)}
    assert (first.added, first.total, first.already) == (2, 2, 0)
    assert first.changes == Changes.of(sources=ids, source_list=True)
    again = follow_feeds(store, feeds)
    assert (again.added, again.already, again.changes) == (0, 2, Changes())
    assert folders(store) == ["News"]


def test_following_the_defaults(store):
    followed = follow_defaults(store)
    assert followed.added == followed.total == len(default_feeds()) == 15


def test_importing_an_opml_file(store, tmp_path):
    path = tmp_path / "subs.opml"
    path.write_text('<opml version="2.0"><body><outline text="Law">'
                    '<outline text="Courts" xmlUrl="https://courts.example/feed"/></outline>'
                    "</body></opml>")
    assert import_opml(store, path).added == 1
    [row] = list_sources(store)
    assert (row.source.url, row.source.title, row.source.folder, row.articles) == (
        "https://courts.example/feed", "Courts", "Law", 0)
    with pytest.raises(OPMLError, match="Cannot read"):
        import_opml(store, tmp_path / "missing.opml")


def test_export_leaves_samples_out(store):
    store.sources.add("https://a.example/feed", title="A", folder="News")
    store.sources.add("https://s.example/feed", title="S", kind="sample")
    assert [(f.url, f.folder) for f in parse_opml(export_opml(store))] == [
        ("https://a.example/feed", "News")]


def test_a_new_address_forgets_what_the_old_one_said(store, feed_server):
    feed_server.routes["/old"] = Route(body=RSS, etag='"o"')
    feed_server.routes["/new"] = Route(body=RSS)
    source = subscribe(store, feed_server.url("/old")).source
    assert store.sources.get(source.id).etag == '"o"'
    changes = edit_source(store, source.id, title="Renamed", folder="Law",
                          url=feed_server.url("/new"))
    assert changes == Changes.of(sources=[source.id], source_list=True)
    edited = store.sources.get(source.id)
    assert (edited.url, edited.title, edited.folder) == (feed_server.url("/new"), "Renamed", "Law")
    assert (edited.etag, edited.last_modified, edited.body_hash, edited.next_fetch_at) == (
        None, None, None, None)
    [report] = refresh(store, now=NOW).report.sources  # due at once...
    assert (report.outcome, report.unchanged) == ("unchanged", 2)  # ...and read in full


def test_renaming_keeps_the_fetch_state(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS, etag='"e"')
    source = subscribe(store, feed_server.url("/feed")).source
    edit_source(store, source.id, title="Mine", folder="")
    edit_source(store, source.id, title="Mine", folder="", url=source.url)
    kept = store.sources.get(source.id)
    assert (kept.title, kept.etag, kept.body_hash) == ("Mine", '"e"', source.body_hash)


def test_removing_a_source_and_its_articles(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS)
    source = subscribe(store, feed_server.url("/feed")).source
    assert get_source(store, source.id).articles == 2
    removed = remove_source(store, source.id)
    assert (removed.source.id, removed.articles) == (source.id, 2)
    assert removed.changes == Changes.of(sources=[source.id], source_list=True,
                                         all_articles=True)
    assert store.articles.count() == 0 and store.stories.list() == []
    with pytest.raises(NotFoundError):
        remove_source(store, source.id)


def test_defaults_cover_the_named_outlets():
    titles = " ".join(f.title for f in default_feeds())
    for outlet in ("Techdirt", "Ars Technica", "EFF", "The Verge", "Wired", "The Register",
                   "TechCrunch", "Guardian", "BBC"):
        assert outlet in titles
    assert all(f.folder for f in default_feeds())
