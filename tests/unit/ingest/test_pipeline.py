import asyncio
import multiprocessing
import os
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.config import FetchSettings
from newsdesk.errors import FetchError, ParseError, StoreError
from newsdesk.ingest import pipeline
from newsdesk.ingest.pipeline import backoff_delay, next_check, refresh
from newsdesk.models import FetchResult
from newsdesk.services import refresh as refresh_service
from newsdesk.services.sources import subscribe
from tests.conftest import fixture_bytes
from tests.feedserver import Route

RSS = fixture_bytes("rss20.xml")
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SETTINGS = FetchSettings()


def test_refresh_stores_then_304(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS, etag='"a"')
    source, _ = store.sources.add(feed_server.url("/feed"))
    first = refresh(store, [source], now=NOW)
    assert (first.new, first.sources[0].outcome) == (2, "new")
    source = store.sources.get(source.id)
    assert source.title == "Fixture Dirt"
    assert source.site_url == "https://www.fixturedirt.example/"
    assert source.etag == '"a"'
    assert source.next_fetch_at == NOW + timedelta(seconds=SETTINGS.default_interval * 4)  # ttl 120
    second = refresh(store, [source], now=NOW)
    assert second.sources[0].outcome == "not_modified"
    assert [r.outcome for r in store.sources.fetch_log(source.id)] == ["not_modified", "ok"]


def test_same_body_without_validators_skips_parsing(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS)
    source, _ = store.sources.add(feed_server.url("/feed"))
    refresh(store, [source], now=NOW)
    again = refresh(store, [store.sources.get(source.id)], now=NOW)
    assert again.sources[0].outcome == "unchanged"


def test_only_due_sources_are_fetched(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS)
    store.sources.add(feed_server.url("/feed"))
    refresh(store, now=NOW)
    assert refresh(store, now=NOW + timedelta(minutes=1)).sources == ()
    assert len(refresh(store, now=NOW + timedelta(hours=3)).sources) == 1


def test_failures_back_off_and_success_resets(store, feed_server):
    feed_server.routes["/feed"] = Route(status=500)
    source, _ = store.sources.add(feed_server.url("/feed"))
    refresh(store, [source], now=NOW)
    source = store.sources.get(source.id)
    assert (source.error_count, source.last_error_kind) == (1, "http")
    assert source.next_fetch_at == NOW + timedelta(seconds=SETTINGS.backoff_base)
    refresh(store, [source], now=NOW)
    source = store.sources.get(source.id)
    assert source.error_count == 2
    assert source.next_fetch_at == NOW + timedelta(seconds=SETTINGS.backoff_base * 2)
    feed_server.routes["/feed"] = Route(body=RSS)
    refresh(store, [source], now=NOW)
    source = store.sources.get(source.id)
    assert (source.error_count, source.last_error_kind, source.last_error_message) == (0, None, None)


def test_retry_after_sets_the_next_check(store, feed_server):
    feed_server.routes["/feed"] = Route(status=429, headers={"Retry-After": "7200"})
    source, _ = store.sources.add(feed_server.url("/feed"))
    report = refresh(store, [source], now=NOW)
    assert "7200" in report.sources[0].error_message
    assert store.sources.get(source.id).next_fetch_at == NOW + timedelta(hours=2)


def test_not_a_feed_is_reported_and_nothing_is_lost(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS)
    source, _ = store.sources.add(feed_server.url("/feed"))
    refresh(store, [source], now=NOW)
    feed_server.routes["/feed"] = Route(body=b"<html><body>Maintenance</body></html>",
                                        content_type="text/html")
    report = refresh(store, [store.sources.get(source.id)], now=NOW)
    assert report.sources[0].error_kind == "not_a_feed"
    assert store.articles.count() == 2
    assert store.sources.get(source.id).body_hash is not None


def test_permanent_redirect_updates_the_source(store, feed_server):
    feed_server.routes["/old"] = Route(status=301, redirect="/new")
    feed_server.routes["/new"] = Route(body=RSS)
    source, _ = store.sources.add(feed_server.url("/old"))
    refresh(store, [source], now=NOW)
    assert store.sources.get(source.id).url == feed_server.url("/new")


def test_one_dead_server_does_not_stop_the_rest(store, feed_server):
    feed_server.routes["/good"] = Route(body=RSS)
    good, _ = store.sources.add(feed_server.url("/good"))
    dead, _ = store.sources.add("http://127.0.0.1:9/feed")
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
    subscribed = subscribe(store, feed_server.url("/"))
    source = subscribed.source
    assert subscribed.created and source.url == feed_server.url("/feed.xml")
    assert subscribed.report.new == 2
    assert source.title == "Fixture Dirt"
    again = subscribe(store, feed_server.url("/feed.xml"))
    assert not again.created and again.source.id == source.id and again.report is None


def test_subscribe_to_a_page_without_feeds(store, feed_server):
    feed_server.routes["/"] = Route(body=b"<html><head></head><body>hi</body></html>",
                                    content_type="text/html")
    with pytest.raises(FetchError) as info:
        subscribe(store, feed_server.url("/"))
    assert info.value.kind == "not_a_feed"
    assert store.sources.list() == []


@pytest.mark.parametrize(("ttl", "max_age", "expected_min"), [
    (None, None, 30), (120, None, 120), (None, 60, 30), (None, 10 * 24 * 3600, 24 * 60)])
def test_next_check(ttl, max_age, expected_min):
    assert next_check(SETTINGS, NOW, ttl_minutes=ttl, max_age=max_age) == NOW + timedelta(
        minutes=expected_min)


def test_backoff_doubles_and_caps():
    assert [backoff_delay(SETTINGS, n) for n in (1, 2, 3)] == [600, 1200, 2400]
    assert backoff_delay(SETTINGS, 50) == SETTINGS.backoff_max
    assert backoff_delay(SETTINGS, 1, retry_after=5000) == 5000


def test_the_pipeline_stores_but_does_not_group(store, feed_server):
    """Grouping is the refresh service's next step (ingest imports nothing above it)."""
    feed_server.routes["/feed"] = Route(body=RSS)
    source, _ = store.sources.add(feed_server.url("/feed"))
    report = refresh(store, [source], now=NOW)
    new_ids = report.sources[0].new_ids
    assert len(new_ids) == 2 and all(store.stories.story_of(i) is None for i in new_ids)


def test_the_refresh_service_puts_new_articles_into_stories(store, feed_server):
    feed_server.routes["/feed"] = Route(body=RSS)
    source, _ = store.sources.add(feed_server.url("/feed"))
    done = refresh_service.refresh(store, [source], now=NOW)
    new_ids = done.report.sources[0].new_ids
    assert len(new_ids) == 2 and all(store.stories.story_of(i) is not None for i in new_ids)
    assert done.placed == 2


# ---------------------------------------------------------------- the bulkhead (issue 9)


def _three_sources(store, feed_server):
    bodies = {f"/f{i}": RSS.replace(b"fixturedirt", f"outlet{i}".encode()) for i in range(3)}
    for path, body in bodies.items():
        feed_server.routes[path] = Route(body=body)
    return [store.sources.add(feed_server.url(path))[0] for path in bodies]


def test_a_bug_while_normalizing_one_source_fails_only_that_source(store, feed_server, monkeypatch,
                                                                     caplog):
    good1, bad, good2 = _three_sources(store, feed_server)
    real = pipeline.normalize_feed

    def normalize(feed, source, **kwargs):
        if source.id == bad.id:
            raise KeyError("boom in normalize")
        return real(feed, source, **kwargs)

    monkeypatch.setattr(pipeline, "normalize_feed", normalize)
    report = refresh(store, [good1, bad, good2], now=NOW)
    outcomes = {r.source_id: (r.outcome, r.error_kind) for r in report.sources}
    assert outcomes == {good1.id: ("new", None), bad.id: ("failed", "internal"),
                        good2.id: ("new", None)}
    assert (store.articles.count(good1.id), store.articles.count(bad.id),
            store.articles.count(good2.id)) == (2, 0, 2)
    failed = store.sources.get(bad.id)
    assert (failed.error_count, failed.last_error_kind) == (1, "internal")
    assert "boom in normalize" in failed.last_error_message and "bug" in failed.last_error_message
    assert failed.next_fetch_at == NOW + timedelta(seconds=SETTINGS.backoff_base)
    logged = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(logged) == 1 and logged[0].exc_info is not None  # log.exception: the traceback


def test_a_failing_store_write_rolls_back_only_that_source(store, feed_server, monkeypatch):
    good1, bad, good2 = _three_sources(store, feed_server)
    real = store.sources.update

    def update_source(source_id, **fields):
        if source_id == bad.id and "body_hash" in fields:  # after its articles were written
            raise RuntimeError("update failed half-way")
        return real(source_id, **fields)

    monkeypatch.setattr(store.sources, "update", update_source)
    report = refresh(store, [good1, bad, good2], now=NOW)
    assert [r.outcome for r in report.sources] == ["new", "failed", "new"]
    assert report.sources[1].error_kind == "internal"
    assert store.articles.count(bad.id) == 0  # its upsert was rolled back with it
    assert store.articles.count() == 4
    assert store.sources.get(bad.id).body_hash is None
    assert [r.outcome for r in store.sources.fetch_log(bad.id)] == ["failed"]


def test_a_full_disk_is_recorded_as_a_storage_failure(store, feed_server, monkeypatch):
    good1, bad, good2 = _three_sources(store, feed_server)
    real = store.articles.upsert
    message = "The disk holding test.db is full; nothing new was saved. Free some space."

    def upsert(articles):
        if articles and articles[0].source_id == bad.id:
            raise StoreError(message)
        return real(articles)

    monkeypatch.setattr(store.articles, "upsert", upsert)
    report = refresh(store, [good1, bad, good2], now=NOW)
    failed = report.sources[1]
    assert (failed.outcome, failed.error_kind, failed.error_message) == ("failed", "storage", message)
    assert store.sources.get(bad.id).last_error_kind == "storage"
    assert store.articles.count() == 4


def test_a_bug_in_fetching_and_a_broken_progress_callback_stay_contained(store, feed_server,
                                                                         monkeypatch):
    good1, bad, good2 = _three_sources(store, feed_server)
    real = pipeline.Fetcher.fetch

    async def fetch(self, url, **kwargs):
        if url == bad.url:
            raise AttributeError("fetcher bug")
        return await real(self, url, **kwargs)

    def progress(done, total, report):
        raise ValueError("progress display bug")

    monkeypatch.setattr(pipeline.Fetcher, "fetch", fetch)
    report = refresh(store, [good1, bad, good2], now=NOW, progress=progress)
    assert [(r.outcome, r.error_kind) for r in report.sources] == [
        ("new", None), ("failed", "internal"), ("new", None)]
    assert store.sources.get(bad.id).error_count == 1


def test_bookkeeping_writes_that_fail_cost_only_themselves(store, feed_server, monkeypatch):
    """304s and failures are written in a batch; one bad write must not lose the others."""
    sources = _three_sources(store, feed_server)
    refresh(store, sources, now=NOW)
    for path in ("/f0", "/f1", "/f2"):
        feed_server.routes[path] = Route(status=500)
    real = store.sources.update

    def update_source(source_id, **fields):
        if source_id == sources[1].id:
            raise StoreError("The database is busy in another program; try again.")
        return real(source_id, **fields)

    monkeypatch.setattr(store.sources, "update", update_source)
    report = refresh(store, [store.sources.get(s.id) for s in sources], now=NOW)
    assert [r.outcome for r in report.sources] == ["failed"] * 3
    assert [store.sources.get(s.id).error_count for s in sources] == [1, 0, 1]


class _Unpicklable(Exception):
    """Unpickling calls cls(*args): a required keyword argument makes that fail."""

    def __init__(self, message, *, code):
        super().__init__(message)
        self.code = code


def test_an_exception_in_a_parser_process_does_not_poison_the_pool(store, monkeypatch, caplog):
    real = pipeline.parse_and_normalize

    def parse(source, body, **kwargs):
        if b"poison" in body:
            raise _Unpicklable("worker bug", code=7)
        return real(source, body, **kwargs)

    monkeypatch.setattr(pipeline, "parse_and_normalize", parse)  # before the fork: inherited
    source, _ = store.sources.add("https://fixture.example/feed")
    result = FetchResult(url=source.url, final_url=source.url, status_code=200)
    refresher = pipeline._Refresher(store, SETTINGS, None, NOW)
    refresher._pool = pipeline.start_parser_pool(1)
    try:
        async def both():
            with pytest.raises(pipeline._WorkerError) as info:
                await refresher._parse(source, result, RSS + b"<!-- poison -->")
            feed, articles = await refresher._parse(source, result, RSS)
            return info.value, feed, articles

        error, feed, articles = asyncio.run(both())
        assert refresher._pool is not None  # not replaced by in-process parsing
        report = asyncio.run(refresher.handle(source, FetchResult(
            url=source.url, final_url=source.url, status_code=200, body=RSS + b"<!-- poison -->")))
    finally:
        refresher._pool.shutdown()
    assert str(error) == "_Unpicklable: worker bug"
    assert "raise _Unpicklable" in error.details  # the worker's traceback comes back as text
    assert (feed.title, len(articles)) == ("Fixture Dirt", 2)
    assert (report.outcome, report.error_kind) == ("failed", "internal")
    assert any("raise _Unpicklable" in r.getMessage() for r in caplog.records)


def test_a_parse_error_in_a_parser_process_keeps_its_kind(store):
    source, _ = store.sources.add("https://fixture.example/feed")
    result = FetchResult(url=source.url, final_url=source.url, status_code=200)
    refresher = pipeline._Refresher(store, SETTINGS, None, NOW)
    refresher._pool = pipeline.start_parser_pool(1)
    try:
        with pytest.raises(ParseError) as info:
            asyncio.run(refresher._parse(source, result, b"a\tb\n1\t2\n"))
    finally:
        refresher._pool.shutdown()
    assert info.value.not_a_feed


def test_an_orphaned_parser_process_exits():
    """The portable fallback: a worker whose parent pid changed exits by itself."""
    context = multiprocessing.get_context("fork")
    child = context.Process(target=pipeline._watch_parent, args=(os.getpid() + 10**6, 0.01))
    child.start()
    child.join(5)
    assert child.exitcode == 1


# ---------------------------------------------------------------- subscribe (issue 9)


@pytest.mark.parametrize("url", ["htp:/not a url", "text with spaces", "news",
                                 "ftp://example.com/feed", "https://exa mple.com/feed",
                                 "http://example.com:/feed", "https://-bad-.example/",
                                 "javascript:alert(1)", "https://a..example/"])
def test_subscribe_refuses_what_is_not_a_url_before_any_lookup(store, monkeypatch, url):
    def no_fetch(*args, **kwargs):
        raise AssertionError("fetched")

    monkeypatch.setattr(pipeline, "fetch_one", no_fetch)
    with pytest.raises(FetchError) as info:
        subscribe(store, url)
    assert info.value.kind == "invalid_url"
    assert "is not a web address" in str(info.value)
    assert store.sources.list() == []


@pytest.mark.parametrize(("typed", "expected"), [
    ("example.com/feed", "https://example.com/feed"),
    ("localhost:8080/feed", "https://localhost:8080/feed"),
    ("http://[::1]:8080/feed", "http://[::1]:8080/feed"),
    ("https://b\u00fccher.example/feed", "https://b\u00fccher.example/feed"),
    ("  https://intranet/feed  ", "https://intranet/feed"),
])
def test_web_addresses_that_are_accepted(typed, expected):
    assert pipeline.web_address(typed) == expected


@pytest.mark.parametrize(("body", "content_type"), [
    (b"id\tbody\n1\t<item>First</item>\n2\t<entry>Second</entry>\n", "text/tab-separated-values"),
    (b"<html><head><title>Shop</title></head><body>No feed</body></html>", "text/html"),
    (b"plain words", "text/plain"),
])
def test_subscribe_refuses_a_document_that_is_not_a_feed(store, feed_server, body, content_type):
    feed_server.routes["/data"] = Route(body=body, content_type=content_type)
    with pytest.raises(FetchError) as info:
        subscribe(store, feed_server.url("/data"))
    assert info.value.kind == "not_a_feed"
    assert store.sources.list() == []


def test_subscribe_refuses_an_advertised_feed_that_is_not_one(store, feed_server):
    page = fixture_bytes("page_with_feeds.html")
    feed_server.routes["/"] = Route(body=page, content_type="text/html")
    feed_server.routes["/feed.xml"] = Route(body=b"a\tb\n", content_type="text/xml")
    with pytest.raises(FetchError) as info:
        subscribe(store, feed_server.url("/"))
    assert info.value.kind == "not_a_feed"
    assert store.sources.list() == []


def test_a_bug_while_subscribing_is_an_internal_fetch_error(store, feed_server, monkeypatch):
    feed_server.routes["/"] = Route(body=b"<html><body>x</body></html>", content_type="text/html")

    def discover(body, url):
        raise IndexError("discovery bug")

    monkeypatch.setattr(pipeline, "discover_feeds", discover)
    with pytest.raises(FetchError) as info:
        subscribe(store, feed_server.url("/"))
    assert info.value.kind == "internal"
    assert "discovery bug" in str(info.value)
