"""The archive's use cases against a real store and the loopback server: full texts made
offline, the per-source mode, versions and what changed, retention and its sizes."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.errors import NotFoundError
from newsdesk.models import ArticleQuery, FullText
from newsdesk.services import offline
from newsdesk.services.changes import Changes
from newsdesk.services.offline import (
    OfflineItem,
    OfflineReport,
    PruneReport,
    Retention,
    article_history,
    fetch_always,
    fetch_full_text,
    full_texts_of,
    headline_notes,
    human_bytes,
    keep_to_retention,
    make_offline,
    offline_selection,
    prune,
    read_retention,
    set_full_text_mode,
    storage,
    version_counts,
    write_retention,
)
from newsdesk.services.refresh import refresh
from newsdesk.services.sources import subscribe
from tests.unit.services.archive_site import BONDS, FLOOD, GONE, PNG, VIDEO, Item, serve_site


@pytest.fixture
def site(feed_server):
    return serve_site(feed_server)


@pytest.fixture
def courier(store, site):
    """The site's feed followed: four summary-only articles, no full text yet."""
    subscribed = subscribe(store, site.feed_url)
    return subscribed.source


def _ids(store) -> dict[str, str]:
    return {a.title: a.id for a in store.articles.list()}


@pytest.fixture(autouse=True)
def _settings_file(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_CONFIG", str(tmp_path / "settings.json"))


# ------------------------------------------------------------------ the report's words


def test_a_report_says_what_happened_in_one_sentence():
    items = (OfflineItem("a", "A", "extracted"), OfflineItem("b", "B", "extracted"),
             OfflineItem("c", "C", "kept_summary", "Paywall."),
             OfflineItem("d", "D", "not_article", "A video."),
             OfflineItem("e", "E", "failed", "HTTP 404."),
             OfflineItem("f", "F", "failed", "HTTP 404."),
             OfflineItem("g", "G", "skipped", "Its source's full text is off."))
    report = OfflineReport(items=items, already=3)
    assert report.summary() == (
        "Full text of 7 articles (3 articles had it already): 2 extracted, 2 kept the feed's "
        "summary (1 behind a paywall or shorter than the feed's, 1 not an article), 2 failed, "
        "1 skipped.")
    assert report.reasons() == [("HTTP 404.", 2), ("A video.", 1), ("Its source's full text "
                                                                   "is off.", 1), ("Paywall.", 1)]
    assert report.reasons_by_outcome() == [
        ("kept_summary", "Paywall.", 1), ("not_article", "A video.", 1),
        ("failed", "HTTP 404.", 2), ("skipped", "Its source's full text is off.", 1)]
    assert OfflineReport().summary() == "No article needed its full text."
    pictured = OfflineReport(items=(replace(items[0], images_stored=2, images_failed=1),),
                             cancelled=True, images_not_allowed=4, more_images=(1, 0))
    assert pictured.summary() == (
        "Cancelled. Full text of 1 article: 1 extracted, 0 failed. Images: 3 stored, 1 failed. "
        "Images of 4 articles not fetched: remote images are not allowed for them "
        "(--allow-images).")


@pytest.mark.parametrize(("size", "shown"), [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KB"),
                                             (12_400_000, "11.8 MB"), (3 * 1024**3, "3.0 GB")])
def test_sizes_as_people_read_them(size, shown):
    assert human_bytes(size) == shown


# ------------------------------------------------------------------ selection


def test_a_selection_must_say_which_articles(store, courier):
    with pytest.raises(ValueError, match=r"^Say which articles: --all, --source, --story, "
                                         r"--topic or --since\.$"):
        offline_selection(store)
    assert offline_selection(store, every=True) == ArticleQuery()
    since = datetime(2026, 1, 1, tzinfo=UTC)
    assert offline_selection(store, source_id=courier.id, since=since) == ArticleQuery(
        source_id=courier.id, since=since)
    with pytest.raises(NotFoundError, match="no source with id 99"):
        offline_selection(store, source_id=99)
    with pytest.raises(NotFoundError):
        offline_selection(store, story_id=12345)
    with pytest.raises(NotFoundError):
        offline_selection(store, topic="No such topic")
    story = store.stories.story_of(_ids(store)[FLOOD])
    assert offline_selection(store, story_id=story).story_id == story


# ------------------------------------------------------------------ full texts


def test_making_a_view_offline_stores_each_page_with_its_outcome(store, courier, site):
    seen: list[tuple[int, int, str]] = []
    report = make_offline(store, ArticleQuery(), progress=lambda d, t, i: seen.append(
        (d, t, i.outcome)))
    ids = _ids(store)
    outcomes = {i.title: (i.outcome, i.reason) for i in report.items}
    assert outcomes[FLOOD] == ("extracted", "")
    assert outcomes[BONDS][0] == "kept_summary" and "paywall" in outcomes[BONDS][1]
    assert outcomes[GONE][0] == "failed" and "404" in outcomes[GONE][1]
    assert outcomes[VIDEO][0] == "not_article" and outcomes[VIDEO][1]
    assert sorted(d for d, _, _ in seen) == [1, 2, 3, 4] and {t for _, t, _ in seen} == {4}
    stored = full_texts_of(store, list(ids.values()))
    flood = stored[ids[FLOOD]]
    assert flood.extracted and "Millbrook's town council voted" in flood.text
    assert flood.url == site.server.url("/news/flood-wall") and flood.word_count > 300
    assert stored[ids[BONDS]].status == "kept_summary" and not stored[ids[BONDS]].text
    assert report.changes.new_articles == frozenset(ids.values())
    # search finds the full text; the feed's version stays the article
    assert [a.id for a in store.articles.search("exhibition")] == [ids[FLOOD]]
    assert "Continue reading" in store.articles.get(ids[FLOOD]).text

    again = make_offline(store, ArticleQuery())
    assert (again.items, again.already) == ((), 4)
    hits = len(site.server.hits("/gone"))
    retried = make_offline(store, ArticleQuery(), retry=True)
    assert [i.title for i in retried.items] == [GONE] and retried.already == 3
    assert len(site.server.hits("/gone")) == hits + 1


def test_a_source_whose_full_text_is_off_is_skipped(store, courier, site):
    assert set_full_text_mode(store, courier.id, "off") == Changes.of(sources=[courier.id])
    report = make_offline(store, ArticleQuery(source_id=courier.id))
    assert {i.outcome for i in report.items} == {"skipped"}
    assert report.reasons() == [("Its source's full text is off.", 4)]
    assert site.server.hits("/news/flood-wall") == []


def test_a_cancel_keeps_what_was_done(store, courier, site):
    done: list[str] = []
    report = make_offline(store, ArticleQuery(), progress=lambda d, t, i: done.append(i.title),
                          should_stop=lambda: bool(done))
    assert report.cancelled and 1 <= len(report.items) < 4
    assert len(full_texts_of(store, list(_ids(store).values()))) == len(report.items)
    assert report.summary().startswith("Cancelled. ")


def test_images_of_the_full_text_are_cached_when_allowed(store, courier, site, monkeypatch):
    import newsdesk.offline.assets as assets

    monkeypatch.setattr(assets, "ALLOW_PRIVATE_ADDRESSES", True)  # the loopback server
    only = ArticleQuery(ids=(_ids(store)[FLOOD],))
    refused = make_offline(store, only, images=True)
    assert refused.images_not_allowed == 1 and refused.images_stored == 0
    assert site.server.hits("/images/2026/12/flood-wall.jpg") == []
    allowed = make_offline(store, only, images=True, allow_images=True)
    assert (allowed.images_stored, allowed.images_failed) == (1, 0)
    image = site.server.url("/images/2026/12/flood-wall.jpg")
    assert store.caches.cached_asset(image) == ("image/png", PNG)
    assert store.caches.article_assets(_ids(store)[FLOOD]) == [image]


def test_one_article_on_demand_whatever_its_source_says(store, courier, site):
    set_full_text_mode(store, courier.id, "off")
    flood = _ids(store)[FLOOD]
    item = fetch_full_text(store, flood)
    assert (item.article_id, item.outcome) == (flood, "extracted")
    assert store.archive.fulltext(flood).extracted
    failed = fetch_full_text(store, _ids(store)[GONE])
    assert failed.outcome == "failed" and "404" in failed.reason
    with pytest.raises(NotFoundError):
        fetch_full_text(store, "no-such-article")


def test_a_refresh_of_an_always_source_fetches_summaries_pages(store, courier, site):
    ids = list(_ids(store).values())
    assert fetch_always(store, ids).items == ()  # on demand: nothing fetched
    set_full_text_mode(store, courier.id, "always")
    report = fetch_always(store, ids)
    assert report.count("extracted") == 1 and len(report.items) == 4
    assert fetch_always(store, ids).items == ()  # answers stand
    # a new item in the feed: the refresh's new ids
    site.server.routes["/news/flood-wall-2"] = site.server.routes["/news/flood-wall"]
    site.items.append(Item("Second flood story", "/news/flood-wall-2"))
    new_ids = [i for r in refresh(store, [store.sources.get(courier.id)]).report.sources
               for i in r.new_ids]
    assert len(new_ids) == 1
    assert [i.outcome for i in fetch_always(store, new_ids).items] == ["extracted"]


def test_full_text_modes(store, courier):
    assert set_full_text_mode(store, courier.id, "always") == Changes.of(sources=[courier.id])
    assert store.sources.get(courier.id).full_text == "always"
    assert set_full_text_mode(store, courier.id, "always") == Changes()
    with pytest.raises(ValueError, match="use off, on-demand or always"):
        set_full_text_mode(store, courier.id, "sometimes")
    with pytest.raises(NotFoundError):
        set_full_text_mode(store, 99, "off")


# ------------------------------------------------------------------ versions


def test_a_changed_headline_is_a_version_with_what_changed(store, courier, site):
    flood = _ids(store)[FLOOD]
    history = article_history(store, flood)
    assert not history.changed and len(history.versions) == 1
    assert history.next_of(1) is None
    site.items[0].title = "River town rejects its flood wall"
    refresh(store, [store.sources.get(courier.id)])
    history = article_history(store, flood)
    assert history.changed and [v.title for v in history.versions] == [
        FLOOD, "River town rejects its flood wall"]
    assert [v.number for v in history.versions] == [1, 2]
    assert history.next_of(1) == 2
    title_diff, text_diff = history.diff(1, 2)
    assert "".join(p.text for p in title_diff if p.op != "+") == FLOOD
    assert [p.text.strip() for p in title_diff if p.op == "+"] == ["rejects"]
    assert all(p.op == "=" for p in text_diff)
    [line] = history.headline_changes()
    assert line.startswith("Headline changed ") and "after publication" in line
    assert line.endswith(f"“{FLOOD}” → “River town rejects its flood wall”")
    assert version_counts(store, [flood, _ids(store)[GONE]]) == {flood: 1}
    notes = headline_notes(store, [flood, _ids(store)[GONE]])
    assert list(notes) == [flood] and notes[flood].startswith("headline changed ")
    with pytest.raises(ValueError, match="no version 3"):
        history.diff(1, 3)
    with pytest.raises(NotFoundError):
        article_history(store, "nope")


def test_headline_notes_count_the_later_changes(store, courier, site):
    flood = _ids(store)[FLOOD]
    for title in ("Second headline", "Third headline", "Fourth headline"):
        site.items[0].title = title
        refresh(store, [store.sources.get(courier.id)])
    assert headline_notes(store, [flood])[flood].endswith(" and 2 more times")


# ------------------------------------------------------------------ retention


def test_retention_settings_round_trip_and_ignore_nonsense(tmp_path):
    assert read_retention() == Retention()
    wanted = Retention(read_days=30, full_text_days=None, cache_mb=100, image_days=14)
    write_retention(wanted)
    assert read_retention() == wanted
    from newsdesk.config import write_setting

    write_setting("retention", {"read_days": "soon", "cache_mb": -3, "image_days": True})
    assert read_retention() == Retention()
    write_setting("retention", "everything")
    assert read_retention() == Retention()


def _age(store, days: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def test_prune_removes_old_read_articles_and_keeps_the_kept(store, courier):
    ids = _ids(store)
    store.reading.set_read(list(ids.values()))
    store.reading.set_starred(ids[FLOOD])
    store.annotations.tag([ids[BONDS]], ["keep"], "alice")
    later = _age(store, 200)
    dry = prune(store, older_than=timedelta(days=90), dry_run=True, now=later)
    assert (dry.articles, dry.dry_run) == (2, True)
    assert dry.summary().startswith("Would remove 2 read articles older than 90 days, ")
    assert len(store.articles.list()) == 4
    assert prune(store, older_than=timedelta(days=90)).articles == 0  # not old yet
    done = prune(store, older_than=timedelta(days=90), now=later, vacuum=False)
    assert (done.articles, done.dry_run, done.vacuumed) == (2, False, False)
    assert done.freed_bytes == dry.freed_bytes > 0
    assert done.changes.all_articles and done.changes.sources == frozenset({courier.id})
    assert set(_ids(store)) == {FLOOD, BONDS}
    assert done.summary().startswith("Removed 2 read articles older than 90 days, 0 full "
                                     "texts and 0 images: ")
    assert store.integrity_problems() == []
    nothing = prune(store, older_than=timedelta(days=90), now=later)
    assert nothing.summary() == ("Nothing to remove: no read article older than 90 days "
                                 "that is not kept.")


def test_prune_reads_its_age_from_the_settings(store, courier):
    store.reading.set_read(list(_ids(store).values()))
    later = _age(store, 40)
    assert prune(store, now=later, dry_run=True).articles == 0  # default: 90 days
    retention = Retention(read_days=30)
    assert prune(store, now=later, dry_run=True, retention=retention).articles == 4
    write_retention(retention)
    assert prune(store, now=later, dry_run=True).older_than == timedelta(days=30)
    # an age longer than the calendar removes nothing rather than failing
    assert prune(store, older_than=timedelta.max, dry_run=True).articles == 0


def test_the_window_keeps_to_the_retention_settings_without_a_vacuum(store, courier):
    store.reading.set_read(list(_ids(store).values()))
    store.reading.set_starred(_ids(store)[FLOOD])
    later = _age(store, 4000)
    kept = keep_to_retention(store, retention=Retention(), now=later)  # for ever
    assert (kept.articles, len(store.articles.list())) == (0, 4)
    done = keep_to_retention(store, retention=Retention(read_days=30), now=later)
    assert (done.articles, done.vacuumed) == (3, False)
    assert set(_ids(store)) == {FLOOD}


def test_prune_drops_old_full_texts_but_keeps_the_article(store, courier):
    flood = _ids(store)[FLOOD]
    store.archive.save_fulltext(FullText(flood, "extracted", datetime(2026, 1, 1, tzinfo=UTC),
                                         html="<p>long text</p>", text="long text",
                                         word_count=2))
    retention = Retention(full_text_days=30)
    dry = prune(store, retention=retention, dry_run=True)
    assert (dry.articles, dry.full_texts) == (0, 1)
    assert store.archive.fulltext(flood) is not None
    done = prune(store, retention=retention)
    assert (done.full_texts, done.vacuumed) == (1, True)
    assert store.archive.fulltext(flood) is None and store.articles.get(flood)
    assert done.changes.new_articles == frozenset({flood})


def test_prune_to_a_size_removes_the_oldest_read_articles(store, courier):
    store.reading.set_read(list(_ids(store).values()))
    usage = storage(store)
    used = usage.file_bytes - usage.free_bytes
    assert prune(store, max_bytes=used * 10, dry_run=True).articles == 0
    tight = prune(store, max_bytes=1, dry_run=True)
    assert tight.articles == 4


def test_a_dry_run_counts_the_images_it_would_evict_and_keeps_them(store, courier):
    flood = _ids(store)[FLOOD]
    store.caches.save_asset("https://img.example/a.png", "image/png", PNG * 4000,
                            article_id=flood)
    retention = Retention(cache_mb=0)
    dry = prune(store, retention=retention, dry_run=True)
    assert dry.assets == 1 and store.caches.asset_usage()[0] == 1
    assert prune(store, retention=retention).assets == 1
    assert store.caches.asset_usage()[0] == 0


def test_storage_is_the_stores_usage(store, courier):
    usage = storage(store)
    assert usage.articles == 4 and [s.source_id for s in usage.sources] == [courier.id]
    assert usage.file_bytes > 0


def test_prune_report_summary_with_a_vacuum():
    report = PruneReport(1204, 300, 88, 41_200_000, 512 * 1024**2, 470 * 1024**2, False,
                         vacuumed=True, older_than=timedelta(days=90))
    assert report.summary() == (
        "Removed 1,204 read articles older than 90 days, 300 full texts and 88 images: "
        "39.3 MB; the database went from 512.0 MB to 470.0 MB.")
    assert offline.PruneReport(1, 0, 0, 10, 0, 0, True, older_than=timedelta(hours=12)
                               ).summary().startswith("Would remove 1 read article older "
                                                      "than 12 hours, ")


def test_pruned_articles_take_their_images_with_them(store, courier):
    ids = _ids(store)
    store.reading.set_read([ids[GONE]])
    store.caches.save_asset("https://img.example/gone.png", "image/png", PNG * 100,
                            article_id=ids[GONE])
    store.caches.save_asset("https://img.example/kept.png", "image/png", PNG,
                            article_id=ids[FLOOD])
    done = prune(store, older_than=timedelta(0), retention=Retention())
    assert (done.articles, done.assets) == (1, 1)
    assert store.caches.cached_asset("https://img.example/gone.png") is None
    assert store.caches.cached_asset("https://img.example/kept.png") == ("image/png", PNG)
