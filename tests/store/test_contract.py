"""The storage contract (newsdesk.store.api), run against every backend (tests/store/conftest.py).

Only public calls: a second backend passes these or it is not a NewsDesk store.
"""

import random
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newsdesk.errors import NotFoundError, QueryError, StoreError
from newsdesk.ingest.normalize import normalize_feed
from newsdesk.ingest.parse import parse_feed
from newsdesk.ingest.pipeline import refresh
from newsdesk.models import Annotation, ArticleQuery, ArticleRef, Headline, TextQuote
from newsdesk.store import Store, api, open_store
from newsdesk.store.api import ArticleStatus, FetchLogEntry, StoryAssignment, StoryRecord
from tests.conftest import fixture_bytes
from tests.feedserver import Route
from tests.pgserver import free_port

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


@pytest.mark.parametrize("url", ["mysql://localhost/news", "ftp://x/y.db"])
def test_an_unknown_scheme_is_a_sentence(url):
    with pytest.raises(StoreError, match=r"^NewsDesk cannot open a store at .*: it knows "
                                         r"sqlite:///path, postgresql://user@host:port/"
                                         r"database and plain file paths\.$"):
        open_store(url)


def test_a_postgresql_server_that_is_not_there_is_a_sentence():
    port = free_port()  # nothing listens there
    with pytest.raises(StoreError, match=rf"^Cannot reach the PostgreSQL server at "
                                         rf"postgresql://ed@127\.0\.0\.1:{port}/news: .* Is it "
                                         r"running, and is the address right\?$") as caught:
        open_store(f"postgresql://ed:secret@127.0.0.1:{port}/news")
    assert "secret" not in str(caught.value)


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


def test_remote_images_are_allowed_for_articles_and_sources_only(store):
    for allowed in (True, False):
        with pytest.raises(ValueError, match="article or a source"):
            store.caches.allow_remote_images("folder", "news", allowed)


def test_saving_a_comparison_again_replaces_it(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    _story(store, [a.id for a in articles])
    store.caches.save_comparison(1, "first", '{"n": 1}')
    store.caches.save_comparison(1, "second", '{"n": 2}')
    assert store.caches.cached_comparison(1) == ("second", '{"n": 2}')
    assert store.caches.clear_comparisons() == 1


def test_saving_an_assignment_again_moves_the_article_with_all_it_carries(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    first, second = (a.id for a in articles)
    stories = [StoryRecord(id=n, label=f"S{n}", first_seen=NOW, last_seen=NOW, size=1, outlets=1)
               for n in (1, 2)]
    store.stories.save(stories, [StoryAssignment(first, 1, 0.5, vector='{"a": 1}'),
                                 StoryAssignment(second, 2, 0.5, vector='{"b": 1}')], {}, 2)
    store.annotations.tag([first], ["kept"], "alice")
    store.stories.save([], [StoryAssignment(first, 2, 0.9, duplicate_of=second,
                                            vector='{"c": 1}')], {}, 2)
    assert store.stories.stories_of([first, second]) == {first: 2, second: 2}
    moved = next(m for m in store.stories.members(2) if m.article_id == first)
    assert (moved.score, moved.duplicate_of) == (0.9, second)
    assert {r.article_id: r.vector for r in store.stories.member_rows(2)} == {
        first: '{"c": 1}', second: '{"b": 1}'}
    assert store.stories.member_rows(1) == []
    assert [a.tag for a in store.annotations.of_articles([first])[first]] == ["kept"]


# ---------------------------------------------------------------- annotations (the coverage desk)


def _two(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    return [a.id for a in articles]


def test_tag_returns_the_new_assignments_and_a_second_call_none(store):
    ids = _two(store)
    new = store.annotations.tag(ids, ["Ireland-case", "courts"], "ann")
    assert sorted((a.article_id, a.tag, a.editor, a.target, a.kind) for a in new) == sorted(
        (i, t, "ann", "article", "tag") for i in ids for t in ("Ireland-case", "courts"))
    assert store.annotations.tag(ids, ["ireland-CASE"], "bob") == []  # one tag, any spelling
    assert [(t.name, t.articles, t.stories) for t in store.annotations.tags()] == [
        ("courts", 2, 0), ("Ireland-case", 2, 0)]  # the first spelling is kept
    tags = store.annotations.of_articles([ids[0]])[ids[0]]
    assert {(a.tag, a.editor) for a in tags} == {("Ireland-case", "ann"), ("courts", "ann")}


def test_tag_refuses_unknown_articles_and_empty_names_changing_nothing(store):
    ids = _two(store)
    with pytest.raises(NotFoundError):
        store.annotations.tag([ids[0], "nope"], ["x"], "ann")
    with pytest.raises(ValueError):
        store.annotations.tag(ids, ["x", "  "], "ann")
    with pytest.raises(ValueError):
        store.annotations.tag(ids, ["x"], "ann", target="page")
    assert store.annotations.tags() == [] and store.annotations.of_articles(ids) == {}


def test_untag_and_restore_are_inverses(store):
    ids = _two(store)
    store.annotations.tag(ids, ["a", "b"], "ann")
    store.annotations.tag(ids[:1], ["a"], "ann", target="story")
    before = store.annotations.of_articles(ids)
    gone = store.annotations.untag(ids, ["A"])
    assert sorted((a.article_id, a.tag) for a in gone) == sorted((i, "a") for i in ids)
    assert store.annotations.untag(ids, ["a"]) == []  # idempotent
    assert [t.stories for t in store.annotations.tags() if t.name == "a"] == [1]  # story kept
    assert sorted(store.annotations.restore(gone), key=str) == sorted(gone, key=str)
    assert store.annotations.restore(gone) == []
    assert store.annotations.of_articles(ids) == before


def test_remove_undoes_tag_and_is_idempotent(store):
    ids = _two(store)
    store.annotations.tag(ids[:1], ["kept"], "ann")
    before = store.annotations.of_articles(ids)
    new = store.annotations.tag(ids, ["kept", "bulk"], "bob")
    assert len(new) == 3
    assert sorted(store.annotations.remove(new), key=str) == sorted(new, key=str)
    assert store.annotations.remove(new) == []
    assert store.annotations.of_articles(ids) == before
    # another editor's identical-looking assignment is not removed
    assert store.annotations.remove([replace(before[ids[0]][0], editor="eve")]) == []


def test_codes_replace_per_editor_and_undo(store):
    ids = _two(store)
    new, replaced = store.annotations.code(ids, "Coverage", "critical", "ann")
    assert {(a.article_id, a.codebook, a.value) for a in new} == {
        (i, "Coverage", "critical") for i in ids} and replaced == []
    assert store.annotations.code(ids, "coverage", "CRITICAL", "ann") == ([], [])  # idempotent
    store.annotations.code(ids[:1], "Coverage", "neutral", "bob")
    again, replaced = store.annotations.code(ids[:1], "Coverage", "opinion", "ann")
    assert [a.value for a in again] == ["opinion"] and replaced == [new[0]]
    coded = store.annotations.coded("Coverage")
    assert [(a.article_id, a.editor, a.value) for a in coded] == sorted(
        [(ids[0], "ann", "opinion"), (ids[0], "bob", "neutral"), (ids[1], "ann", "critical")])
    store.annotations.remove(again)  # undo: the replaced code comes back
    store.annotations.restore(replaced)
    assert {(a.article_id, a.editor, a.value) for a in store.annotations.coded("Coverage")} == {
        (ids[0], "ann", "critical"), (ids[0], "bob", "neutral"), (ids[1], "ann", "critical")}
    assert store.annotations.uncode(ids, "Coverage", "ann") and not store.annotations.uncode(
        ids, "Coverage", "ann")
    assert [a.editor for a in store.annotations.coded("Coverage")] == ["bob"]


def test_bad_codes_raise_and_change_nothing(store):
    ids = _two(store)
    with pytest.raises(NotFoundError):
        store.annotations.code(ids, "No such book", "critical", "ann")
    with pytest.raises(ValueError):
        store.annotations.code(ids, "Coverage", "sarcastic", "ann")
    with pytest.raises(NotFoundError):
        store.annotations.code(["nope"], "Coverage", "critical", "ann")
    with pytest.raises(NotFoundError):
        store.annotations.coded("No such book")
    code = Annotation(kind="code", article_id=ids[0], editor="ann", created=NOW, codebook="Coverage",
               value="sarcastic")
    with pytest.raises(ValueError):
        store.annotations.restore([code])
    assert store.annotations.coded("Coverage") == []


def test_built_in_codebooks_and_own_ones(store):
    books = store.annotations.codebooks()
    assert [(b.name, b.builtin) for b in books] == [("Coverage", True), ("Media frames", True)]
    assert books[0].values == ("supportive", "critical", "neutral", "explainer", "opinion",
                               "wire copy")
    assert len(books[1].values) == 15 and books[1].values[0] == "Economic"
    assert books[1].description == "Primary frame, Media Frames Corpus (Card et al., 2015)"
    mine = store.annotations.add_codebook("Tone", ["warm", "cold"], "How it reads")
    assert mine == store.annotations.add_codebook("tone", ["Warm", "Cold"])  # idempotent
    assert [b.name for b in store.annotations.codebooks()] == ["Coverage", "Media frames", "Tone"]
    for values in ([], ["a", ""], ["a", "A"]):
        with pytest.raises(ValueError):
            store.annotations.add_codebook("Bad", values)
    with pytest.raises(StoreError):
        store.annotations.add_codebook("Tone", ["warm", "hot"])
    ids = _two(store)
    store.annotations.code(ids, "Tone", "warm", "ann")
    assert store.annotations.remove_codebook("TONE") == 2
    with pytest.raises(NotFoundError):
        store.annotations.remove_codebook("Tone")
    assert store.annotations.remove_codebook("Media frames") == 0  # built-in ones go too
    assert [b.name for b in store.annotations.codebooks()] == ["Coverage"]


def test_tag_colours_rename_merge_and_remove(store):
    ids = _two(store)
    store.annotations.tag(ids, ["old"], "ann")
    store.annotations.tag(ids[:1], ["other"], "ann")
    assert store.annotations.set_tag_color(" OLD ", "#AA00ff").color == "#aa00ff"
    assert store.annotations.tag(ids, [" old"], "bob") == []  # spaces are not part of a name
    for color in ("red", "#abc", "#12345g"):
        with pytest.raises(ValueError):
            store.annotations.set_tag_color("old", color)
    with pytest.raises(NotFoundError):
        store.annotations.set_tag_color("nope", "#000000")
    renamed = store.annotations.rename_tag("old", "New")
    assert (renamed.name, renamed.color, renamed.articles) == ("New", "#aa00ff", 2)
    assert store.annotations.rename_tag("new", "NEW").name == "NEW"  # only the spelling
    with pytest.raises(StoreError):
        store.annotations.rename_tag("NEW", "Other")
    with pytest.raises(NotFoundError):
        store.annotations.rename_tag("old", "x")
    with pytest.raises(ValueError):
        store.annotations.rename_tag("NEW", " ")
    assert {a.tag for a in store.annotations.of_articles(ids)[ids[1]]} == {"NEW"}
    assert store.annotations.merge_tags("other", "new") == 1  # it was on 1: a duplicate, dropped
    assert [(t.name, t.articles) for t in store.annotations.tags()] == [("NEW", 2)]
    with pytest.raises(NotFoundError):
        store.annotations.merge_tags("other", "new")
    assert store.annotations.merge_tags("NEW", "fresh") == 2  # into a new tag: colour kept
    assert [(t.name, t.color, t.articles) for t in store.annotations.tags()] == [
        ("fresh", "#aa00ff", 2)]
    assert store.annotations.remove_tag("FRESH") == 2
    assert store.annotations.tags() == [] and store.annotations.of_articles(ids) == {}
    with pytest.raises(NotFoundError):
        store.annotations.remove_tag("fresh")


def test_notes_with_quotes_round_trip(store):
    ids = _two(store)
    quote = TextQuote("exact words", "before ", " after")
    note = store.annotations.add_note(ids[0], "Check this", "ann", quote=quote)
    story = store.annotations.add_note(ids[0], "The story", "bob", target="story")
    assert note.id != story.id and len(note.id) == 36
    assert store.annotations.of_articles([ids[0]])[ids[0]] == sorted(
        [note, story], key=lambda n: (n.created, n.target, n.editor))
    edited = store.annotations.edit_note(note.id, "Checked")
    assert replace(note, text="Checked") == edited
    assert store.annotations.edit_note(note.id, "Checked") == edited
    with pytest.raises(NotFoundError):
        store.annotations.edit_note("no-such-note", "x")
    with pytest.raises(ValueError):  # a highlight may lose its words, a note may not
        store.annotations.edit_note(story.id, "  ")
    with pytest.raises(ValueError):
        store.annotations.add_note(ids[0], "", "ann")
    with pytest.raises(NotFoundError):
        store.annotations.add_note("nope", "text", "ann")
    assert store.annotations.restore([note]) == [note]  # undo of the edit
    assert store.annotations.restore([note]) == []
    assert store.annotations.remove([note, story]) == [note, story]
    assert store.annotations.remove([note]) == []
    assert store.annotations.restore([note, story]) == [note, story]
    assert store.annotations.of_articles([ids[0]])[ids[0]][0].quote == quote


def test_annotations_survive_an_update_and_regrouping_and_go_with_the_source(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    ids = [a.id for a in articles]
    store.annotations.tag(ids, ["kept"], "ann")
    store.annotations.code(ids, "Coverage", "neutral", "ann")
    store.annotations.add_note(ids[0], "note", "ann", target="story")
    before = store.annotations.of_articles(ids)
    store.stories.save([StoryRecord(id=1, label="Court", first_seen=NOW, last_seen=NOW, size=2,
                                    outlets=1)], [StoryAssignment(i, 1, 1.0) for i in ids], {}, 2)
    changed = replace(articles[0], title="Corrected", text="Rewritten entirely")
    assert store.articles.upsert([changed]).updated_ids == (ids[0],)
    assert store.stories.stories_of([*ids, ids[0], "nope"]) == {i: 1 for i in ids}
    assert store.stories.stories_of([]) == {}
    store.stories.claim("other-model", 1)
    assert store.stories.story_of(ids[0]) is None
    assert store.stories.stories_of(ids) == {}
    assert store.annotations.of_articles(ids) == before
    store.sources.remove(source.id)
    assert store.annotations.of_articles(ids) == {}
    assert [(t.name, t.articles) for t in store.annotations.tags()] == [("kept", 0)]
    assert store.integrity_problems() == []


def test_find_articles_and_refs(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    lazy, dupes = _load(store, "duplicate_guids.xml", "https://lazy.example/feed")
    store.articles.upsert(dupes)
    refs = store.annotations.refs([articles[0].id, "nope"])
    assert list(refs) == [articles[0].id]
    ref = refs[articles[0].id]
    assert (ref.url, ref.guid, ref.feed_url, ref.title) == (
        articles[0].url, articles[0].guid, source.url, articles[0].title)
    found = store.annotations.find_articles([
        ref,
        ArticleRef(url="https://elsewhere.example/x", guid=articles[1].guid,
                       feed_url=source.url),  # by GUID within the feed
        ArticleRef(url=None, guid=articles[1].guid),  # by a GUID only one article has
        ArticleRef(url=None, guid="same"),  # three articles share it: not found
        ArticleRef(url=None, guid="same", feed_url="https://lazy.example/feed"),
        ArticleRef(url="https://nowhere.example/"),
    ])
    assert found[:4] == [articles[0].id, articles[1].id, articles[1].id, None]
    assert found[4] in {d.id for d in dupes} and found[5] is None
    assert lazy.id
    assert store.annotations.find_articles([ref, ref, ArticleRef(url=None, guid="same")] * 2) \
        == [articles[0].id, articles[0].id, None] * 2  # repeats answer alike
    assert store.annotations.find_articles([]) == []


def test_views_filter_by_tag_code_and_annotations(store):
    _, articles = _load(store)
    _, more = _load(store, "duplicate_guids.xml", "https://lazy.example/feed")
    store.articles.upsert(articles + more)
    c, b, a = (h.id for h in store.articles.headlines(ArticleQuery(source_id=more[0].source_id),
                                                       limit=3))  # Story C, B, A: newest first
    store.annotations.tag([c, b, a, articles[0].id], ["Courts"], "ann")
    store.annotations.tag([articles[1].id], ["other"], "ann", target="story")
    store.annotations.code([b, articles[1].id], "Coverage", "Critical", "ann")
    store.annotations.add_note(articles[1].id, "see", "bob")

    def ids(**filters):
        query = ArticleQuery(**filters)
        listed = [x.id for x in store.articles.list(query)]
        assert store.articles.count_where(query) == len(listed)
        assert [h.id for h in store.articles.headlines(query, limit=50)] == listed
        return listed

    assert set(ids(tag="courts")) == {a, b, c, articles[0].id}
    assert ids(tag="courts", source_id=more[0].source_id) == [c, b, a]
    assert ids(tag="other") == [articles[1].id]  # a story tag's anchor, in no story here
    assert ids(untagged=True) == []  # articles[1]'s story tag is on it
    assert set(ids(codebook="coverage")) == {b, articles[1].id}
    assert ids(codebook="Coverage", code_value="critical", tag="Courts") == [b]
    assert ids(codebook="Coverage", code_value="neutral") == []
    assert set(ids(annotated=True)) == {a, b, c, articles[0].id, articles[1].id}
    store.reading.set_read([c])
    assert ids(tag="courts", unread_only=True, source_id=more[0].source_id) == [b, a]
    store.reading.set_starred(a)
    assert ids(tag="courts", starred_only=True) == [a]
    assert ids(tag="courts", search="story") == [c, b, a]
    with pytest.raises(ValueError):
        store.articles.list(code_value="critical")
    query = ArticleQuery(tag="COURTS", source_id=more[0].source_id)
    first = store.articles.headlines(query, limit=2)
    rest = store.articles.headlines(query, limit=2, after=first[-1])
    assert [h.id for h in first + rest] == [c, b, a]
    oldest = store.articles.headlines(query, limit=2, newest_first=False)
    assert [h.id for h in oldest + store.articles.headlines(
        query, limit=2, after=oldest[-1], newest_first=False)] == [a, b, c]
    assert store.reading.mark_read_where(ArticleQuery(tag="courts"))[1] == 3
    assert store.reading.unread_count() == 1  # the untagged article


def test_a_story_tag_brings_the_storys_current_members_into_the_tags_view(store):
    _, articles = _load(store)
    _, more = _load(store, "duplicate_guids.xml", "https://lazy.example/feed")
    store.articles.upsert(articles + more)
    c, b, a = (h.id for h in store.articles.headlines(ArticleQuery(source_id=more[0].source_id),
                                                       limit=3))
    stories = [StoryRecord(id=n, label=f"S{n}", first_seen=NOW, last_seen=NOW, size=2,
                           outlets=1) for n in (1, 2)]
    store.stories.save(stories, [StoryAssignment(a, 1, 1.0), StoryAssignment(b, 1, 1.0),
                                 StoryAssignment(c, 2, 1.0)], {}, 3)
    store.annotations.tag([a], ["follow"], "ann", target="story")  # a: story 1's anchor
    store.annotations.tag([articles[0].id], ["Follow"], "bob")
    store.annotations.tag([articles[1].id], ["left"], "ann", target="story")  # in no story

    def ids(**filters):
        query = ArticleQuery(**filters)
        listed = [x.id for x in store.articles.list(query)]
        assert store.articles.count_where(query) == len(listed)
        assert [h.id for h in store.articles.headlines(query, limit=50)] == listed
        return listed

    assert set(ids(tag="FOLLOW")) == {a, b, articles[0].id}
    assert ids(tag="follow", source_id=more[0].source_id) == [b, a]
    assert ids(tag="left") == [articles[1].id]
    assert ids(untagged=True) == [c]
    assert [(t.name, t.articles, t.stories) for t in store.annotations.tags()] == [
        ("follow", 1, 1), ("left", 0, 1)]  # counts are of assignments, as they were
    store.stories.save([], [StoryAssignment(b, 2, 1.0)], {}, 3)  # b re-grouped with c
    assert set(ids(tag="follow")) == {a, articles[0].id}
    assert ids(untagged=True) == [c, b]
    store.annotations.tag([c], ["later"], "ann", target="story")
    assert ids(tag="later") == [c, b] and ids(untagged=True) == []


def test_note_reads_one_note_and_a_bare_highlight_needs_no_text(store):
    from newsdesk.errors import NotFoundError
    from newsdesk.models import TextQuote

    article = _two(store)[0]
    quoted = store.annotations.add_note(article, "", "ana", quote=TextQuote("exact words"))
    assert store.annotations.note(quoted.id) == quoted
    assert store.annotations.edit_note(quoted.id, "").text == ""
    with pytest.raises(ValueError):
        store.annotations.add_note(article, "  ", "ana")
    plain = store.annotations.add_note(article, "words", "ana")
    with pytest.raises(ValueError):
        store.annotations.edit_note(plain.id, "")
    with pytest.raises(NotFoundError):
        store.annotations.note("no-such-note")


def test_define_tag_creates_a_tag_without_assignments(store):
    tag = store.annotations.define_tag("  Ireland   case ", "#AA0000")
    assert (tag.name, tag.color, tag.articles) == ("Ireland case", "#aa0000", 0)
    again = store.annotations.define_tag("ireland CASE", "#00ff00")
    assert (again.name, again.color) == ("Ireland case", "#aa0000")  # kept: it had a colour
    assert [t.name for t in store.annotations.tags()] == ["Ireland case"]
    with pytest.raises(ValueError):
        store.annotations.define_tag("x", "red")
    with pytest.raises(ValueError):
        store.annotations.define_tag("  ")


# ---------------------------------------------------------------- the archive (issue 12)

LATER = datetime(2024, 6, 2, 9, 30, tzinfo=UTC)


def _fulltext(article_id, text="zebrafish swim upstream in the archive", *,
              status="extracted", at=LATER, reason=""):
    from newsdesk.models import FullText

    html = f"<p>{text}</p>" if status == "extracted" else ""
    return FullText(article_id, status, at, html=html,
                    text=text if status == "extracted" else "", reason=reason,
                    url="https://www.fixturedirt.example/page", extractor="test 1.0",
                    word_count=len(text.split()) if status == "extracted" else 0)


def _story(store, ids, outlets=1, story_id=1):
    store.stories.save([StoryRecord(id=story_id, label="Court", first_seen=NOW, last_seen=NOW,
                                    size=len(ids), outlets=outlets)],
                       [StoryAssignment(i, story_id, 1.0) for i in ids], {}, len(ids))


def test_the_backend_has_every_call_of_the_archive(store):
    wanted = {name for name in vars(api.ArchiveFacet) if not name.startswith("_")} - {"mro"}
    assert sorted(n for n in wanted if not hasattr(store.archive, n)) == []


def test_a_full_text_is_kept_beside_the_feed_and_search_finds_it_then_forgets_it(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    target = articles[0].id
    assert store.archive.fulltext(target) is None and store.archive.fulltexts([target]) == {}
    assert store.articles.search("zebrafish") == []
    record = _fulltext(target)
    assert store.archive.save_fulltext(record) is True
    assert store.archive.save_fulltext(record) is False  # idempotent
    assert store.archive.fulltext(target) == record
    assert store.archive.fulltexts([target, articles[1].id, "nope", target]) == {target: record}
    assert store.articles.get(target) == store.articles.list(ids=[target])[0]
    assert store.articles.get(target).text == articles[0].text  # the feed's version stays
    assert [a.id for a in store.articles.search("zebrafish")] == [target]
    assert store.articles.search("ireland")[0].id == target  # feed text too
    assert [a.id for a in store.articles.list(search="zebrafish")] == [target]
    assert store.integrity_problems() == []
    assert store.archive.remove_fulltexts([target, articles[1].id]) == 1
    assert store.archive.remove_fulltexts([target]) == 0
    assert store.archive.fulltext(target) is None
    assert store.articles.search("zebrafish") == []
    assert store.articles.search("ireland")[0].id == target
    assert store.integrity_problems() == []


def test_only_an_extracted_full_text_is_searched_and_a_failure_never_replaces_one(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    first, second = (a.id for a in articles)
    failed = _fulltext(second, status="failed", reason="The page was not found (HTTP 404).")
    assert store.archive.save_fulltext(failed) is True
    paywall = _fulltext(second, status="kept_summary", reason="The page is behind a paywall.")
    assert store.archive.save_fulltext(paywall) is True  # replaces another non-extracted one
    assert store.archive.fulltext(second) == paywall
    extracted = _fulltext(first)
    store.archive.save_fulltext(extracted)
    assert store.archive.save_fulltext(replace(failed, article_id=first)) is False
    assert store.archive.fulltext(first) == extracted  # nothing lost
    assert [a.id for a in store.articles.search("zebrafish")] == [first]
    assert store.archive.version_counts([first, second]) == {}
    assert store.integrity_problems() == []


def test_a_changed_page_keeps_its_earlier_text_as_a_version(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    target = articles[0].id
    old = _fulltext(target, "the minister resigned on monday")
    new = _fulltext(target, "the minister denied resigning", at=datetime(2024, 6, 3, tzinfo=UTC))
    store.archive.save_fulltext(old)
    assert store.archive.save_fulltext(replace(old, fetched_at=NOW.replace(day=5))) is True
    assert store.archive.versions(target) == []  # the same text fetched again: no version
    store.archive.save_fulltext(old)
    assert store.archive.save_fulltext(new) is True
    [version] = store.archive.versions(target)
    assert (version.number, version.origin, version.title, version.text, version.seen,
            version.replaced) == (1, "page", articles[0].title, old.text, old.fetched_at,
                                  new.fetched_at)
    assert version.html == old.html
    assert store.archive.version_counts([target]) == {target: 1}
    assert [a.id for a in store.articles.search("denied")] == [target]
    assert store.articles.search("monday") == []  # the old page text left the index
    assert store.integrity_problems() == []


def test_saving_a_full_text_needs_a_stored_article_and_drops_its_storys_comparison(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    with pytest.raises(NotFoundError):
        store.archive.save_fulltext(_fulltext("no-such-article"))
    _story(store, [a.id for a in articles], outlets=2)
    store.caches.save_comparison(1, "sig", "{}")
    store.archive.save_fulltext(_fulltext(articles[1].id))
    assert store.caches.cached_comparison(1) is None
    store.caches.save_comparison(1, "sig", "{}")
    store.archive.remove_fulltexts([articles[1].id])
    assert store.caches.cached_comparison(1) is None


def test_an_update_of_title_or_text_keeps_the_earlier_version(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    target = articles[0]
    assert store.archive.versions(target.id) == []
    retitled = replace(target, title="Corrected headline")
    assert store.articles.upsert([retitled]).updated_ids == (target.id,)
    [first] = store.archive.versions(target.id)
    assert (first.number, first.origin, first.title, first.text, first.html, first.seen) == (
        1, "feed", target.title, target.text, target.html, NOW)
    assert first.replaced >= first.seen
    markup = replace(retitled, content_html=retitled.html + "<p></p>",
                     categories=("other",))
    assert store.articles.upsert([markup]).updated_ids == (target.id,)
    assert len(store.archive.versions(target.id)) == 1  # markup and categories: no version
    rewritten = replace(markup, content_html="<p>A text rewritten by the outlet</p>",
                        text="A text rewritten by the outlet")
    store.articles.upsert([rewritten])
    second = store.archive.versions(target.id)[1]
    assert (second.number, second.title, second.text, second.html, second.seen) == (
        2, "Corrected headline", target.text, markup.html, first.replaced)
    assert store.archive.version_counts([target.id, articles[1].id]) == {target.id: 2}
    assert store.articles.upsert([rewritten]).unchanged == 1
    assert len(store.archive.versions(target.id)) == 2
    assert store.archive.versions("nope") == []
    assert store.integrity_problems() == []


def test_feed_and_page_versions_each_keep_their_own_times(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    target = articles[0]
    store.archive.save_fulltext(_fulltext(target.id, "first page", at=LATER))
    store.archive.save_fulltext(_fulltext(target.id, "second page", at=LATER.replace(day=3)))
    store.articles.upsert([replace(target, title="Corrected headline")])
    page, feed = store.archive.versions(target.id)
    assert (page.origin, page.seen, page.replaced) == ("page", LATER, LATER.replace(day=3))
    assert (feed.origin, feed.title, feed.seen) == ("feed", target.title, NOW)
    with pytest.raises(StoreError), store.transaction():
        store.archive.vacuum()  # VACUUM cannot run inside a transaction


def test_versions_are_capped_keeping_the_first_and_the_newest(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    target = articles[0]
    for n in range(api.MAX_VERSIONS + 3):
        store.articles.upsert([replace(target, title=f"Headline {n}")])
    versions = store.archive.versions(target.id)
    assert len(versions) == api.MAX_VERSIONS
    assert versions[0].title == target.title  # what was first published
    assert [v.title for v in versions[-2:]] == [f"Headline {api.MAX_VERSIONS}",
                                                f"Headline {api.MAX_VERSIONS + 1}"]
    assert [v.number for v in versions] == list(range(1, api.MAX_VERSIONS + 1))
    assert versions[1].title == "Headline 3"  # the second-oldest went first


def test_removing_articles_takes_what_hangs_on_them_and_settles_their_stories(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    lazy, more = _load(store, "nodates.xml", "https://nodates.example/feed")
    store.articles.upsert(more)
    first, second = (a.id for a in articles)
    store.archive.save_fulltext(_fulltext(first))
    store.articles.upsert([replace(articles[0], title="Changed")])
    store.caches.save_asset("https://img.example/a.png", "image/png", b"png", article_id=first)
    store.annotations.tag([first], ["gone"], "ann")
    _story(store, [first, second, more[0].id], outlets=2)
    store.caches.save_comparison(1, "sig", "{}")
    _story(store, [more[1].id], story_id=2)
    assert store.archive.remove_articles([first, more[1].id, "nope", first]) == 2
    assert store.archive.remove_articles([first]) == 0
    with pytest.raises(NotFoundError):
        store.articles.get(first)
    assert store.archive.fulltext(first) is None and store.archive.versions(first) == []
    assert store.caches.article_assets(first) == []
    assert store.annotations.of_articles([first]) == {}
    assert store.articles.search("zebrafish") == [] and store.articles.search("changed") == []
    assert store.stories.members(1) and {m.article_id for m in store.stories.members(1)} == {
        second, more[0].id}
    [summary] = [s for s in store.stories.list() if s.id == 1]
    assert summary.size == 2 and store.stories.outlet_count(1) == 2
    assert store.caches.cached_comparison(1) is None  # it compared a member that is gone
    assert 2 not in [s.id for s in store.stories.list()]  # left empty: dropped
    assert store.reading.unread_by_source() == {source.id: 1, lazy.id: len(more) - 1}
    assert store.integrity_problems() == []


def test_prunable_articles_are_read_old_and_not_kept(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    _, more = _load(store, "nodates.xml", "https://nodates.example/feed")
    store.articles.upsert(more)
    everything = [a.id for a in [*articles, *more]]
    after = datetime(2024, 6, 2, tzinfo=UTC)
    assert store.archive.prunable(read_before=after) == []  # nothing read yet
    store.reading.set_read(everything)
    assert sorted(store.archive.prunable(read_before=after)) == sorted(everything)
    assert store.archive.prunable(read_before=NOW) == []  # first stored at NOW, not before
    assert len(store.archive.prunable(read_before=after, limit=2)) == 2
    a0, a1 = (a.id for a in articles)
    m0, m1, m2 = (a.id for a in more)
    store.reading.set_starred(a0)
    store.annotations.code([a1], "Coverage", "neutral", "ann")
    store.annotations.add_note(m0, "a note", "ann")
    assert sorted(store.archive.prunable(read_before=after)) == sorted([m1, m2])
    _story(store, [m1, m2], outlets=1)
    assert sorted(store.archive.prunable(read_before=after)) == sorted([m1, m2])
    store.annotations.tag([m1], ["story tag"], "ann", target="story")  # on the story's anchor
    assert store.archive.prunable(read_before=after) == []
    store.annotations.untag([m1], ["story tag"], target="story")
    _story(store, [m1, m2], outlets=2)  # more than one outlet covers it
    assert store.archive.prunable(read_before=after) == []


def test_old_full_texts_of_articles_not_kept_can_go(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    first, second = (a.id for a in articles)
    store.archive.save_fulltext(_fulltext(first, at=NOW))
    store.archive.save_fulltext(_fulltext(second, at=LATER))
    assert store.archive.fulltexts_before(NOW) == []
    assert store.archive.fulltexts_before(LATER) == [first]
    assert store.archive.fulltexts_before(datetime(2030, 1, 1, tzinfo=UTC)) == [first, second]
    assert store.archive.fulltexts_before(datetime(2030, 1, 1, tzinfo=UTC), limit=1) == [first]
    store.annotations.tag([first], ["kept"], "ann")
    assert store.archive.fulltexts_before(datetime(2030, 1, 1, tzinfo=UTC)) == [second]


def test_articles_without_a_full_text_and_those_to_retry(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    _, more = _load(store, "nodates.xml", "https://nodates.example/feed")
    store.articles.upsert(more)
    view = ArticleQuery(source_id=source.id)
    newest_first = [a.id for a in store.articles.list(view)]
    assert store.archive.without_fulltext(view) == newest_first
    assert store.archive.without_fulltext(view, limit=1) == newest_first[:1]
    store.archive.save_fulltext(_fulltext(newest_first[0], status="failed", reason="404."))
    assert store.archive.without_fulltext(view) == newest_first[1:]
    assert store.archive.without_fulltext(view, retry=True) == newest_first
    store.archive.save_fulltext(_fulltext(newest_first[1], status="not_article",
                                          reason="A video page."))
    assert store.archive.without_fulltext(view, retry=True) == newest_first[:1]
    assert len(store.archive.without_fulltext(ArticleQuery())) == len(more)
    with pytest.raises(QueryError):
        store.archive.without_fulltext(ArticleQuery(search='"unclosed'))


def test_usage_counts_the_database_by_source(store):
    source, articles = _load(store)
    store.articles.upsert(articles)
    empty, _ = store.sources.add("https://empty.example/feed", title="Empty")
    first = articles[0].id
    record = _fulltext(first, "zebrafish ünïcode")
    store.archive.save_fulltext(record)
    store.articles.upsert([replace(articles[0], title="Changed")])
    store.caches.save_asset("https://img.example/a.png", "image/png", b"12345", article_id=first)
    store.caches.save_asset("https://img.example/b.png", "image/png", b"12345", article_id=first)
    store.caches.save_asset("https://img.example/c.png", "image/png", b"123")  # no article
    usage = store.archive.usage()
    assert (usage.articles, usage.full_texts, usage.versions, usage.assets,
            usage.asset_bytes) == (2, 1, 1, 2, 8)
    assert usage.file_bytes > 0 and usage.free_bytes >= 0
    by_id = {s.source_id: s for s in usage.sources}
    assert [s.title for s in usage.sources] == sorted(
        [s.title for s in usage.sources], key=str.lower)
    mine = by_id[source.id]
    assert (mine.articles, mine.full_texts, mine.versions, mine.assets, mine.asset_bytes) == (
        2, 1, 1, 1, 5)  # one blob under two URLs counts once
    assert mine.full_text_bytes == len(record.html.encode()) + len(record.text.encode()) + len(
        record.url.encode())
    assert mine.article_bytes > 0 and mine.version_bytes > 0
    assert mine.total_bytes == (mine.article_bytes + mine.full_text_bytes + mine.version_bytes
                                + mine.asset_bytes)
    assert (by_id[empty.id].title, by_id[empty.id].total_bytes) == ("Empty", 0)
    assert store.archive.article_bytes([first, first]) == (
        store.archive.article_bytes([first]))
    both = store.archive.article_bytes([a.id for a in articles])
    assert both == mine.total_bytes and store.archive.article_bytes([]) == 0


def test_article_bytes_counts_only_assets_no_other_article_uses(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    first, second = (a.id for a in articles)
    text_only = store.archive.article_bytes([first])
    store.caches.save_asset("https://img.example/shared.png", "image/png", b"s" * 100,
                            article_id=first)
    store.caches.save_asset("https://img.example/shared.png", "image/png", b"s" * 100,
                            article_id=second)
    store.caches.save_asset("https://img.example/own.png", "image/png", b"o" * 10,
                            article_id=first)
    assert store.archive.article_bytes([first]) == text_only + 10
    pair = store.archive.article_bytes([first, second])
    alone = store.archive.article_bytes([second])
    assert pair == text_only + 10 + alone + 100


def test_vacuum_gives_free_pages_back(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    for n in range(20):  # incompressible, as images are (PostgreSQL compresses big values)
        store.caches.save_asset(f"https://img.example/{n}.png", "image/png",
                                random.Random(n).randbytes(50_000))
    store.caches.evict_assets(max_count=0)
    assert store.archive.usage().free_bytes > 500_000
    assert store.archive.vacuum() > 500_000
    assert store.archive.usage().free_bytes == 0
    assert store.archive.vacuum() >= 0  # idempotent
    assert store.articles.count() == 2 and store.integrity_problems() == []


def test_a_sources_full_text_mode_is_kept_and_checked(store):
    source, _ = store.sources.add("https://a.example/feed")
    assert source.full_text == "on-demand"
    store.sources.update(source.id, full_text="always")
    assert store.sources.get(source.id).full_text == "always"
    assert [s.full_text for s in store.sources.list()] == ["always"]
    with pytest.raises(ValueError, match="off, on-demand or always"):
        store.sources.update(source.id, full_text="sometimes")
    assert store.sources.get(source.id).full_text == "always"
    store.sources.update(source.id, full_text="off")
    assert store.sources.get(source.id).full_text == "off"


# ---------------------------------------------------------------- assets (content-addressed)


def test_assets_are_kept_once_per_content_and_listed_per_article(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    first = articles[0].id
    store.caches.save_asset("https://img.example/b.png", "image/png", b"same", article_id=first)
    store.caches.save_asset("https://img.example/a.png", "image/png", b"same", article_id=first)
    store.caches.save_asset("https://img.example/a.png", "image/png", b"same", article_id=first)
    store.caches.save_asset("https://img.example/c.gif", "image/gif", b"other",
                            article_id="not-stored")  # cached, but linked to nothing
    assert store.caches.asset_usage() == (2, 9)
    assert store.caches.article_assets(first) == ["https://img.example/b.png",
                                                  "https://img.example/a.png"]
    assert store.caches.article_assets("not-stored") == []
    assert store.caches.cached_assets(["https://img.example/a.png", "https://img.example/c.gif",
                                       "https://nowhere.example/x.png"]) == {
        "https://img.example/a.png": ("image/png", b"same"),
        "https://img.example/c.gif": ("image/gif", b"other")}
    assert store.caches.cached_assets([]) == {}
    store.caches.save_asset("https://img.example/c.gif", "image/gif", b"changed")
    assert store.caches.cached_asset("https://img.example/c.gif") == ("image/gif", b"changed")
    assert store.caches.asset_usage() == (2, 4 + 7)  # the old bytes nobody points at went


def test_dropping_unused_assets_keeps_what_another_article_uses_under_any_url(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    first, second = (a.id for a in articles)
    store.caches.save_asset("https://a.example/same.png", "image/png", b"same" * 10,
                            article_id=first)
    store.caches.save_asset("https://b.example/copy.png", "image/png", b"same" * 10,
                            article_id=second)  # the same bytes under another URL
    store.caches.save_asset("https://a.example/own.png", "image/png", b"own", article_id=first)
    store.caches.save_asset("https://c.example/loose.png", "image/png", b"loose")
    assert store.caches.drop_unused_assets() == 1  # only the one no article uses
    assert store.archive.remove_articles([first]) == 1
    assert store.caches.drop_unused_assets() == 1  # first's own image; the shared one stays
    assert store.caches.cached_asset("https://b.example/copy.png") == ("image/png", b"same" * 10)
    assert store.caches.cached_asset("https://a.example/own.png") is None
    assert store.caches.drop_unused_assets() == 0


def test_kept_articles_assets_are_not_aged_out_and_go_last(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    first, second = (a.id for a in articles)
    store.caches.save_asset("https://img.example/kept.png", "image/png", b"k" * 10,
                            article_id=first)
    store.caches.save_asset("https://img.example/used.png", "image/png", b"u" * 10,
                            article_id=second)
    store.caches.save_asset("https://img.example/loose.png", "image/png", b"l" * 10)
    store.reading.set_starred(first)
    future = datetime(2100, 1, 1, tzinfo=UTC)
    assert store.caches.evict_assets(max_count=2) == 1  # the one no article uses first
    assert store.caches.cached_asset("https://img.example/loose.png") is None
    assert store.caches.evict_assets(older_than=future) == 1  # all are old; the kept one stays
    assert store.caches.article_assets(first) == ["https://img.example/kept.png"]
    assert store.caches.cached_asset("https://img.example/used.png") is None
    assert store.caches.evict_assets(max_bytes=5) == 1  # by the caps it goes, last
    assert store.caches.asset_usage() == (0, 0)
    assert store.caches.evict_assets(older_than=future, max_count=0) == 0


def test_a_folder_holds_its_sub_folders_with_case_as_written(store):
    """A folder's view holds its sources and its sub-folders' (News/Tech), not a sibling
    whose name only starts alike (Newsletters) nor one that differs in case (news/tech):
    the tree shows those apart, and both stores compare alike."""
    wanted = {}
    for n, folder in enumerate(["News", "News/Tech", "news/tech", "Newsletters", "Ne_s",
                                "News%"]):
        source, articles = _load(store, url=f"https://f{n}.example/feed")
        store.sources.update(source.id, folder=folder)
        store.articles.upsert(articles)
        wanted[folder] = {a.id for a in articles}

    def ids(folder: str) -> set[str]:
        return {a.id for a in store.articles.list(ArticleQuery(folder=folder), limit=100)}

    assert ids("News") == wanted["News"] | wanted["News/Tech"]
    assert ids("news") == wanted["news/tech"]
    assert ids("Ne_s") == wanted["Ne_s"] and ids("News%") == wanted["News%"]


def test_an_article_with_a_very_long_url_is_stored(store):
    """Feeds carry URLs longer than an index key may be (tracking queries): stored, found
    again by URL, on every store."""
    _, articles = _load(store)
    long_url = "https://www.fixturedirt.example/a?t=" + "".join(
        f"{n:x}" for n in random.Random(3).choices(range(16 ** 6), k=1500))
    result = store.articles.upsert([replace(articles[0], url=long_url), articles[1]])
    assert len(result.new_ids) == 2
    assert store.articles.upsert([replace(articles[0], url=long_url)]).new_ids == ()


def test_articles_have_numbers_that_name_them_both_ways(store):
    _, articles = _load(store)
    store.articles.upsert(articles)
    ids = [a.id for a in articles]
    numbers = store.articles.numbers([*ids, "no-such-id", ids[0]])
    assert set(numbers) == set(ids) and len(set(numbers.values())) == len(ids)
    assert store.articles.ids_by_number([*numbers.values(), 999_999]) == {
        n: i for i, n in numbers.items()}
    store.articles.upsert(articles)  # a refetch keeps the numbers
    assert store.articles.numbers(ids) == numbers
    assert store.articles.numbers([]) == {} and store.articles.ids_by_number([]) == {}
