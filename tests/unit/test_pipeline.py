from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.config import FetchSettings
from newsdesk.errors import FetchError
from newsdesk.ingest.pipeline import backoff_delay, next_check, refresh, subscribe
from tests.conftest import fixture_bytes
from tests.feedserver import Route

RSS = fixture_bytes("rss20.xml")
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SETTINGS = FetchSettings()


def test_refresh_stores_then_304(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS, etag='"a"')
    source, _ = store.add_source(feed_server.url("/feed"))
    first = refresh(store, [source], now=NOW)
    assert (first.new, first.sources[0].outcome) == (2, "new")
    source = store.get_source(source.id)
    assert source.title == "Fixture Dirt"
    assert source.site_url == "https://www.fixturedirt.example/"
    assert source.etag == '"a"'
    assert source.next_fetch_at == NOW + timedelta(seconds=SETTINGS.default_interval * 4)  # ttl 120
    second = refresh(store, [source], now=NOW)
    assert second.sources[0].outcome == "not_modified"
    assert [r["outcome"] for r in store.fetch_log(source.id)] == ["not_modified", "ok"]


def test_same_body_without_validators_skips_parsing(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS)
    source, _ = store.add_source(feed_server.url("/feed"))
    refresh(store, [source], now=NOW)
    again = refresh(store, [store.get_source(source.id)], now=NOW)
    assert again.sources[0].outcome == "unchanged"


def test_only_due_sources_are_fetched(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS)
    store.add_source(feed_server.url("/feed"))
    refresh(store, now=NOW)
    assert refresh(store, now=NOW + timedelta(minutes=1)).sources == ()
    assert len(refresh(store, now=NOW + timedelta(hours=3)).sources) == 1


def test_failures_back_off_and_success_resets(store, feed_server):
    feed_server.routes["/feed"] = Route(status=500)
    source, _ = store.add_source(feed_server.url("/feed"))
    refresh(store, [source], now=NOW)
    source = store.get_source(source.id)
    assert (source.error_count, source.last_error_kind) == (1, "http")
    assert source.next_fetch_at == NOW + timedelta(seconds=SETTINGS.backoff_base)
    refresh(store, [source], now=NOW)
    source = store.get_source(source.id)
    assert source.error_count == 2
    assert source.next_fetch_at == NOW + timedelta(seconds=SETTINGS.backoff_base * 2)
    feed_server.routes["/feed"] = Route(body=RSS)
    refresh(store, [source], now=NOW)
    source = store.get_source(source.id)
    assert (source.error_count, source.last_error_kind, source.last_error_message) == (0, None, None)


def test_retry_after_sets_the_next_check(store, feed_server):
    feed_server.routes["/feed"] = Route(status=429, headers={"Retry-After": "7200"})
    source, _ = store.add_source(feed_server.url("/feed"))
    report = refresh(store, [source], now=NOW)
    assert "7200" in report.sources[0].error_message
    assert store.get_source(source.id).next_fetch_at == NOW + timedelta(hours=2)


def test_not_a_feed_is_reported_and_nothing_is_lost(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS)
    source, _ = store.add_source(feed_server.url("/feed"))
    refresh(store, [source], now=NOW)
    feed_server.routes["/feed"] = Route(body=b"<html><body>Maintenance</body></html>",
                                        content_type="text/html")
    report = refresh(store, [store.get_source(source.id)], now=NOW)
    assert report.sources[0].error_kind == "not_a_feed"
    assert store.count_articles() == 2
    assert store.get_source(source.id).body_hash is not None


def test_permanent_redirect_updates_the_source(store, feed_server):
    feed_server.routes["/old"] = Route(status=301, redirect="/new")
    feed_server.routes["/new"] = Route(body=RSS)
    source, _ = store.add_source(feed_server.url("/old"))
    refresh(store, [source], now=NOW)
    assert store.get_source(source.id).url == feed_server.url("/new")


def test_one_dead_server_does_not_stop_the_rest(store, feed_server):
    feed_server.routes["/good"] = Route(body=RSS)
    good, _ = store.add_source(feed_server.url("/good"))
    dead, _ = store.add_source("http://127.0.0.1:9/feed")
    progress = []
    report = refresh(store, [good, dead], now=NOW, progress=lambda d, t, r: progress.append((d, t)))
    outcomes = {r.source_id: r.outcome for r in report.sources}
    assert outcomes == {good.id: "new", dead.id: "failed"}
    assert sorted(progress) == [(1, 2), (2, 2)]


def test_subscribe_discovers_the_feed_of_a_site(store, feed_server):
    page = fixture_bytes("page_with_feeds.html").replace(
        b"https://site.example/feed.json", feed_server.url("/feed.json").encode())
    feed_server.routes["/"] = Route(body=page, content_type="text/html")
    feed_server.routes["/feed.xml"] = Route(body=RSS)
    source, report, created = subscribe(store, feed_server.url("/"))
    assert created and source.url == feed_server.url("/feed.xml")
    assert report.new == 2
    assert source.title == "Fixture Dirt"
    again, _, created_again = subscribe(store, feed_server.url("/feed.xml"))
    assert not created_again and again.id == source.id


def test_subscribe_to_a_page_without_feeds(store, feed_server):
    feed_server.routes["/"] = Route(body=b"<html><head></head><body>hi</body></html>",
                                    content_type="text/html")
    with pytest.raises(FetchError) as info:
        subscribe(store, feed_server.url("/"))
    assert info.value.kind == "not_a_feed"
    assert store.list_sources() == []


@pytest.mark.parametrize(("ttl", "max_age", "expected_min"), [
    (None, None, 30), (120, None, 120), (None, 60, 30), (None, 10 * 24 * 3600, 24 * 60)])
def test_next_check(ttl, max_age, expected_min):
    assert next_check(SETTINGS, NOW, ttl_minutes=ttl, max_age=max_age) == NOW + timedelta(
        minutes=expected_min)


def test_backoff_doubles_and_caps():
    assert [backoff_delay(SETTINGS, n) for n in (1, 2, 3)] == [600, 1200, 2400]
    assert backoff_delay(SETTINGS, 50) == SETTINGS.backoff_max
    assert backoff_delay(SETTINGS, 1, retry_after=5000) == 5000


def test_refresh_puts_new_articles_into_stories(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS)
    source, _ = store.add_source(feed_server.url("/feed"))
    report = refresh(store, [source], now=NOW)
    new_ids = report.sources[0].new_ids
    assert new_ids and all(store.story_of(i) is not None for i in new_ids)
