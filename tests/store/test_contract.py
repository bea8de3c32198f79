"""The storage contract (newsdesk.store.api), run against every backend (tests/store/conftest.py).

Only public calls: a second backend passes these or it is not a NewsDesk store.
"""

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newsdesk.errors import NotFoundError, QueryError, StoreError
from newsdesk.ingest.normalize import normalize_feed
from newsdesk.ingest.parse import parse_feed
from newsdesk.ingest.pipeline import refresh
from newsdesk.models import ArticleQuery, Headline
from newsdesk.store import Store, api, open_store
from newsdesk.store.api import ArticleStatus, FetchLogEntry, StoryAssignment, StoryRecord
from tests.conftest import fixture_bytes
from tests.feedserver import Route

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def _load(store, name="rss20.xml", url="https://www.fixturedirt.example/feed/"):
    source, _ = store.sources.add(url)
    articles = normalize_feed(parse_feed(fixture_bytes(name), url=url), source, now=NOW)
    return source, articles


def test_default_topics_are_seeded(store):
    names = [t.name for t in store.topics.list()]
    assert names == ["Privacy and surveillance", "Tech policy and courts", "Security", "AI"]


def test_upsert_reports_new_then_unchanged(store):
    _, articles = _load(store)
    first = store.articles.upsert(articles)
    assert len(first.new_ids) == 2 and not first.updated_ids
    again = store.articles.upsert(articles)
    assert again.new_ids == () and again.updated_ids == () and again.unchanged == 2


def test_changed_entry_updates_content_and_keeps_user_state(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    target = articles[0]
    store.reading.set_read([target.id])
    store.reading.set_starred(target.id)
    [note] = [store.annotations.add_note(target.id, "follow up", "ann")]
    store.annotations.tag([target.id], ["ireland-case"], "ann")
    changed = replace(target, title="Corrected headline", text="New text",
                      first_seen=datetime(2030, 1, 1, tzinfo=UTC))
    result = store.articles.upsert([changed])
    assert result.updated_ids == (target.id,)
    stored = store.articles.get(target.id)
    assert stored.title == "Corrected headline"
    assert stored.first_seen == NOW
    status = store.reading.status(target.id)
    assert (status.is_read, status.is_starred) == (True, True)
    kept = store.annotations.of_articles([target.id])[target.id]
    assert [(a.kind, a.tag, a.text) for a in kept] == [("tag", "ireland-case", ""),
                                                       ("note", "", "follow up")]
    assert kept[1] == note
    assert [a.id for a in store.articles.search("corrected")] == [target.id]
    assert store.articles.search("Reachable") == []  # the old title left the index


def test_same_url_from_two_feeds_of_one_outlet_is_one_article(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    other, _ = store.sources.add("https://www.fixturedirt.example/category/courts/feed/")
    twins = normalize_feed(parse_feed(fixture_bytes("rss20.xml")), other, now=NOW)
    result = store.articles.upsert(twins)
    assert result.new_ids == ()
    assert store.articles.count() == 2


def test_undated_entry_keeps_its_first_date(store):
    source, articles = _load(store, "nodates.xml", "https://nodates.example/feed")
    store.articles.upsert(articles)
    later = normalize_feed(parse_feed(fixture_bytes("nodates.xml")), source,
                           now=datetime(2024, 7, 1, tzinfo=UTC))
    later = [replace(a, title=a.title + " (edited)") for a in later]
    store.articles.upsert(later)
    assert all(a.published == NOW for a in store.articles.list())


def test_search_and_topics(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    assert store.articles.search("ireland")[0].title.startswith("Court Says")
    topic_hits = store.articles.list(topic="Privacy and surveillance")
    assert [a.id for a in topic_hits] == [articles[0].id]
    store.topics.add("Microsoft", "microsoft", "The company")
    assert [a.id for a in store.articles.list(topic="microsoft")] == [articles[0].id]
    store.topics.remove("Microsoft")
    with pytest.raises(NotFoundError):
        store.topics.get("Microsoft")

@pytest.mark.parametrize("query", ['"unbalanced', "AND OR", "title:", "NEAR(", ""])

def test_malformed_query_is_a_clear_error(store, query):
    with pytest.raises(QueryError):
        store.articles.search(query)


def test_bad_topic_query_is_refused(store):
    with pytest.raises(QueryError):
        store.topics.add("Broken", '"unclosed')
    assert "Broken" not in [t.name for t in store.topics.list()]


def test_list_articles_filters(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    assert len(store.articles.list(source_id=source.id)) == 2
    assert len(store.articles.list(since=datetime(2014, 8, 1, tzinfo=UTC))) == 1
    store.reading.set_read([articles[0].id])
    assert [a.id for a in store.articles.list(unread_only=True)] == [articles[1].id]
    assert store.reading.unread_count() == 1
    assert store.reading.unread_count(source.id) == 1


def test_remove_source_cascades(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    assert store.sources.remove(source.id) == 2
    assert store.articles.count() == 0
    for article in articles:  # its reading state went with it
        with pytest.raises(NotFoundError):
            store.reading.status(article.id)
    assert store.integrity_problems() == []


def test_failed_batch_leaves_nothing_half_written(store):
    _, articles = _load(store)
    bad = replace(articles[1], source_id=999)  # violates the foreign key
    with pytest.raises(StoreError):
        store.articles.upsert([articles[0], bad])
    assert store.articles.count() == 0
    assert store.articles.upsert(articles).new_ids  # the next fetch completes it


def test_add_source_is_idempotent(store):
    first, created = store.sources.add("https://a.example/feed")
    again, created_again = store.sources.add("https://a.example/feed")
    assert created and not created_again and first.id == again.id


def test_update_source_rejects_unknown_fields(store):
    source, _ = store.sources.add("https://a.example/feed")
    with pytest.raises(ValueError):
        store.sources.update(source.id, nonsense=1)


def test_unread_counts_follow_every_change(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    assert store.reading.unread_by_source() == {source.id: 2}
    store.reading.set_read([articles[0].id])
    assert store.reading.unread_count() == 1
    store.reading.set_read([articles[0].id])  # no double counting
    assert store.reading.unread_count(source.id) == 1
    store.reading.set_read([articles[0].id], False)
    assert store.reading.unread_count() == 2
    other, more = _load(store, "nodates.xml", "https://nodates.example/feed")
    store.articles.upsert(more)
    assert store.reading.unread_by_source() == {source.id: 2, other.id: 3}
    store.sources.remove(other.id)
    assert store.reading.unread_by_source() == {source.id: 2}


def test_mark_view_read_and_undo(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    store.reading.set_read([articles[1].id])
    batch, count = store.reading.mark_read_where(ArticleQuery(source_id=source.id))
    assert count == 1 and store.reading.unread_count() == 0
    assert store.reading.undo_batch(batch) == 1
    assert store.reading.status(articles[0].id).is_read is False
    assert store.reading.status(articles[1].id).is_read is True  # read before: stays read
    assert store.reading.undo_batch(batch) == 0  # undone once


def test_headline_pages_continue_after_the_last_row(store):
    _, articles = _load(store, "duplicate_guids.xml", "https://lazy.example/feed")
    store.articles.upsert(articles)
    first = store.articles.headlines(ArticleQuery(), limit=2)
    rest = store.articles.headlines(ArticleQuery(), limit=5, after=first[-1])
    assert [h.title for h in first + rest] == ["Story C", "Story B", "Story A"]
    oldest = store.articles.headlines(ArticleQuery(), limit=1, newest_first=False)
    assert oldest[0].title == "Story A"


def test_image_permissions_and_assets(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    article = store.articles.get(articles[0].id)
    assert store.caches.remote_images_allowed(article) == (False, False)
    store.caches.allow_remote_images("source", article.source_id)
    assert store.caches.remote_images_allowed(article) == (False, True)
    store.caches.allow_remote_images("source", article.source_id, False)
    store.caches.allow_remote_images("article", article.id)
    assert store.caches.remote_images_allowed(article) == (True, False)
    store.caches.save_asset("https://x.example/a.png", "image/png", b"\x89PNG")
    assert store.caches.cached_asset("https://x.example/a.png") == ("image/png", b"\x89PNG")
    assert store.caches.cached_asset("https://x.example/other.png") is None


def test_a_writer_waits_for_another_programs_transaction_instead_of_failing(store, second_store):
    refresher, window = store, second_store
    _, articles = _load(refresher)
    refresher.articles.upsert(articles[:1])
    errors: list[Exception] = []

    def star() -> None:
        try:
            window.reading.set_starred(articles[0].id)
        except Exception as exc:
            errors.append(exc)

    with refresher.transaction():
        refresher.articles.count()  # the transaction reads first, then writes
        thread = threading.Thread(target=star)
        thread.start()
        thread.join(0.3)  # the star waits for the write lock; it must not commit now
        result = refresher.articles.upsert(articles[1:])
    thread.join(10)
    assert errors == [] and result.new_ids == (articles[1].id,)
    assert refresher.articles.count() == 2
    assert refresher.reading.status(articles[0].id).is_starred is True


def test_two_connections_writing_at_once_never_see_busy(store, second_store):
    one, two = store, second_store
    _, articles = _load(one, "duplicate_guids.xml", "https://lazy.example/feed")
    one.articles.upsert(articles)
    ids = [a.id for a in articles]
    errors: list[Exception] = []

    def toggle(store: Store, rounds: int) -> None:
        try:
            for n in range(rounds):
                with store.transaction():
                    store.articles.list()
                    store.reading.set_read(ids, n % 2 == 0)
                    store.reading.set_starred(ids[n % len(ids)], True)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=toggle, args=(s, 40)) for s in (one, two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert all(one.reading.status(i).is_starred for i in ids)


def test_bulk_read_batches_are_numbered_under_the_write_lock(store, second_store):
    one, two = store, second_store
    first, a = _load(one)
    second, b = _load(one, "nodates.xml", "https://nodates.example/feed")
    one.articles.upsert(a + b)
    found: dict[str, int] = {}

    def mark_second() -> None:
        found["two"] = two.reading.mark_read_where(ArticleQuery(source_id=second.id))[0]

    with one.transaction():
        found["one"] = one.reading.mark_read_where(ArticleQuery(source_id=first.id))[0]
        thread = threading.Thread(target=mark_second)
        thread.start()
        time.sleep(0.3)  # the other program would have picked its number by now
    thread.join(10)
    assert sorted(found.values()) == [1, 2]
    assert one.reading.undo_batch(found["two"]) == len(b)
    assert one.reading.unread_by_source() == {second.id: len(b)}


def test_new_stories_are_renumbered_when_another_program_took_their_ids(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    next_id = store.stories.state(set(), NOW).next_id

    def story(label: str) -> StoryRecord:
        return StoryRecord(id=next_id, label=label, first_seen=NOW, last_seen=NOW, size=1,
                           outlets=1)

    # Another program saves story 1 first...
    store.stories.save([story("theirs")], [StoryAssignment(articles[0].id, next_id, 1.0)], {}, 1,
                       new_from=next_id)
    # ...then this grouping step, which was handed the same id, saves its own.
    store.stories.save([story("ours")], [StoryAssignment(articles[1].id, next_id, 1.0)], {}, 2,
                       new_from=next_id)
    assert store.stories.label(next_id) == "theirs"
    assert store.stories.label(next_id + 1) == "ours"
    assert store.stories.story_of(articles[0].id) == next_id
    assert store.stories.story_of(articles[1].id) == next_id + 1


def test_move_source_checks_and_moves_in_one_step(store):
    a, _ = store.sources.add("https://a.example/feed")
    b, _ = store.sources.add("https://b.example/feed")
    assert store.sources.move(a.id, "https://new.example/feed") is True
    assert store.sources.move(b.id, "https://new.example/feed") is False
    assert (store.sources.get(a.id).url, store.sources.get(b.id).url) == (
        "https://new.example/feed", "https://b.example/feed")


def test_two_feeds_moving_to_one_address_do_not_abort_the_refresh(store, feed_server, caplog):
    feed_server.routes["/old-a"] = Route(status=301, redirect=feed_server.url("/new"))
    feed_server.routes["/old-b"] = Route(status=301, redirect=feed_server.url("/new"))
    feed_server.routes["/new"] = Route(body=fixture_bytes("rss20.xml"))
    a, _ = store.sources.add(feed_server.url("/old-a"))
    b, _ = store.sources.add(feed_server.url("/old-b"))
    with caplog.at_level("WARNING", logger="newsdesk.ingest.pipeline"):
        report = refresh(store, [a, b], now=NOW)
    # Both are stored; the second brought word-for-word copies of the first one's articles.
    assert sorted((r.outcome, r.new) for r in report.sources) == [("new", 2), ("unchanged", 0)]
    urls = {s.id: s.url for s in store.sources.list()}
    [moved] = [i for i, url in urls.items() if url == feed_server.url("/new")]
    [stayed] = [s for s in (a, b) if s.id != moved]
    assert urls[stayed.id] == stayed.url
    assert [r.getMessage() for r in caplog.records] == [
        f"{stayed.url} moved to {feed_server.url('/new')}, which is already a source"]


def test_giving_a_source_another_sources_address_is_a_sentence(store):
    a, _ = store.sources.add("https://a.example/feed")
    store.sources.add("https://b.example/feed")
    with pytest.raises(StoreError, match=r"^Another source already has that address; nothing "
                                         r"was changed\.$"):
        store.sources.update(a.id, url="https://b.example/feed")
    assert store.sources.get(a.id).url == "https://a.example/feed"


# ---------------------------------------------------------------- records and opening


def test_records_come_out_frozen(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    store.sources.log_fetch(source.id, outcome="ok", http_status=200, new=2, size=512,
                            elapsed=0.25)
    (entry,) = store.sources.fetch_log(source.id)
    assert isinstance(entry, FetchLogEntry)
    assert (entry.source_id, entry.outcome, entry.http_status, entry.new, entry.size,
            entry.elapsed_ms) == (source.id, "ok", 200, 2, 512, 250)
    status = store.reading.status(articles[0].id)
    assert status == ArticleStatus(article_id=articles[0].id, is_read=False, is_starred=False)
    with pytest.raises(AttributeError):
        status.is_read = True  # type: ignore[misc]


def test_story_state_and_member_rows_are_records(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    empty = store.stories.state({"court"}, NOW)
    assert (dict(empty.df), empty.documents, empty.stories, dict(empty.outlets),
            empty.next_id) == ({}, 0, (), {}, 1)
    store.stories.save([StoryRecord(id=1, label="Court", first_seen=NOW, last_seen=NOW, size=2,
                                    outlets=1, centroid='{"court":1.0}')],
                       [StoryAssignment(a.id, 1, 1.0, vector='{"court":1.0}') for a in articles],
                       {"court": 2}, 2, new_from=1)
    state = store.stories.state({"court", "nowhere"}, NOW)
    assert (dict(state.df), state.documents, state.next_id) == ({"court": 2}, 2, 2)
    (open_story,) = state.stories
    assert (open_story.id, open_story.first_seen, open_story.centroid) == (1, NOW, '{"court":1.0}')
    assert state.outlets == {1: frozenset({articles[0].outlet})}
    rows = store.stories.member_rows(1)
    assert sorted(r.article_id for r in rows) == sorted(a.id for a in articles)
    assert {r.vector for r in rows} == {'{"court":1.0}'}
    assert store.stories.outlet_count(1) == 1 and store.stories.grouped_documents() == 2


def test_headline_cursor_is_opaque_and_checked(store):
    _, articles = _load(store, "duplicate_guids.xml", "https://lazy.example/feed")
    store.articles.upsert(articles)
    first = store.articles.headlines(ArticleQuery(), limit=1)[0]
    assert first.cursor and not hasattr(first, "num")
    forged = Headline(first.id, first.source_id, first.source_title, first.title,
                      first.published, first.is_read, first.is_starred, "page two, please")
    with pytest.raises(StoreError, match="list position"):
        store.articles.headlines(ArticleQuery(), limit=1, after=forged)


def test_reopen_gives_an_independent_connection_to_the_same_data(store):
    store.sources.add("https://a.example/feed")
    with store.reopen() as other:
        assert [s.url for s in other.sources.list()] == ["https://a.example/feed"]
        assert other.url == store.url
    assert store.sources.list()  # closing the other left this one open


def test_the_url_opens_the_store_again(store):
    store.topics.add("Courts", "court")
    url = store.url
    store.close()
    with open_store(url, create=False) as again:
        assert "Courts" in [t.name for t in again.topics.list()]


@pytest.mark.parametrize("url", ["postgres://localhost/news", "ftp://x/y.db"])
def test_an_unknown_scheme_is_a_sentence(url):
    with pytest.raises(StoreError, match=r"^NewsDesk cannot open a store at .*: it knows "
                                         r"sqlite:///path and plain file paths\.$"):
        open_store(url)


def test_interrupt_is_idempotent_and_marks_the_store(store):
    assert not store.interrupted
    store.interrupt()
    store.interrupt()
    assert store.interrupted


def test_a_sound_store_reports_no_integrity_problems(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    assert store.integrity_problems() == []


def test_the_store_names_no_file(store):
    assert not hasattr(store, "path")
    assert store.url.startswith(("sqlite:///", "postgresql://"))


@pytest.mark.parametrize("facet, protocol", [
    ("sources", api.SourcesFacet), ("articles", api.ArticlesFacet),
    ("reading", api.ReadingFacet), ("topics", api.TopicsFacet),
    ("stories", api.StoriesFacet), ("caches", api.CachesFacet),
    ("annotations", api.AnnotationsFacet), ("", api.Store)])
def test_the_backend_has_every_call_of_the_contract(store, facet, protocol):
    target = getattr(store, facet) if facet else store
    wanted = {name for name in vars(protocol) if not name.startswith("_")} - {"mro"}
    missing = sorted(name for name in wanted if not hasattr(target, name))
    assert missing == []


def test_cached_comparisons_can_be_dropped(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    store.stories.save([StoryRecord(id=1, label="Court", first_seen=NOW, last_seen=NOW, size=2,
                                    outlets=2)],
                       [StoryAssignment(a.id, 1, 1.0) for a in articles], {}, 2)
    assert store.caches.stories_without_comparison() == [1]
    store.caches.save_comparison(1, "sig", "{}")
    store.caches.save_comparison(99, "sig", "{}")  # no such story: nothing kept
    assert store.caches.cached_comparison(1) == ("sig", "{}")
    assert store.caches.cached_comparison(99) is None
    assert store.caches.stories_without_comparison() == []
    assert store.caches.clear_comparisons() == 1
    assert store.caches.clear_comparisons() == 0
    assert store.caches.stories_without_comparison() == [1]
