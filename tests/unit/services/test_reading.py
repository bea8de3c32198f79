"""Reading through the service: one call opens an article; marks say what changed."""

import pytest

from newsdesk.errors import NotFoundError
from newsdesk.models import ArticleQuery
from newsdesk.services.changes import Changes
from newsdesk.services.reading import (
    allow_images,
    has_article,
    list_headlines,
    mark_view_read,
    open_article,
    save_images,
    set_read,
    set_starred,
    undo_mark_read,
)
from newsdesk.services.sources import subscribe
from tests.conftest import fixture_bytes
from tests.feedserver import Route

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def followed(store, feed_server):
    feed_server.routes["/feed"] = Route(body=fixture_bytes("rss20.xml"))
    return subscribe(store, feed_server.url("/feed"))


def test_opening_an_article_reads_everything_the_reader_shows(store, followed):
    first, _ = followed.report.new_ids
    opened = open_article(store, first)
    assert opened.article.id == first and opened.source == followed.source
    assert (opened.is_read, opened.is_starred) == (False, False)
    assert (opened.images_for_article, opened.images_for_source) == (False, False)
    assert not opened.images_allowed() and opened.images_allowed(always=True)
    assert opened.story_id == store.stories.story_of(first) is not None
    assert opened.story_label == store.stories.label(opened.story_id)
    assert opened.story_outlets == 1
    assert (dict(opened.cached_images), opened.missing_images) == ({}, ())


def test_an_article_that_is_gone(store):
    assert not has_article(store, "nope")
    with pytest.raises(NotFoundError):
        open_article(store, "nope")


def test_marking_read_names_only_what_changed(store, followed):
    first, second = followed.report.new_ids
    source = followed.source.id
    assert set_read(store, [first]) == Changes.of(articles=[first], sources=[source])
    assert set_read(store, [first, second]) == Changes.of(articles=[second], sources=[source])
    assert set_read(store, [first, second]) == Changes()
    assert open_article(store, first).is_read
    assert set_read(store, [first], read=False) == Changes.of(articles=[first], sources=[source])
    assert set_read(store, ["not-an-article"]) == Changes()


def test_starring(store, followed):
    first, _ = followed.report.new_ids
    source = followed.source.id
    assert set_starred(store, first) == Changes.of(articles=[first], sources=[source])
    assert set_starred(store, first) == Changes()
    assert open_article(store, first).is_starred
    assert set_starred(store, first, False) == Changes.of(articles=[first], sources=[source])


def test_marking_a_view_read_and_undoing_it(store, followed):
    bulk = mark_view_read(store, ArticleQuery(source_id=followed.source.id))
    assert (bulk.count, bulk.changes) == (2, Changes(all_articles=True))
    assert store.reading.unread_count() == 0
    assert mark_view_read(store, ArticleQuery()).changes == Changes()
    undone = undo_mark_read(store, bulk.batch)
    assert (undone.count, undone.changes) == (2, Changes(all_articles=True))
    assert store.reading.unread_count() == 2


def test_allowing_images(store, followed):
    article = open_article(store, followed.report.new_ids[0]).article
    assert allow_images(store, article) == Changes.of(articles=[article.id])
    assert open_article(store, article.id).images_for_article
    assert allow_images(store, article, "source") == Changes.of(sources=[article.source_id])
    opened = open_article(store, article.id)
    assert opened.images_for_source and opened.images_allowed()


def test_saved_images_are_read_with_the_article(store, feed_server, monkeypatch):
    import newsdesk.offline.assets as assets

    monkeypatch.setattr(assets, "ALLOW_PRIVATE_ADDRESSES", True)  # the loopback server
    feed_server.routes["/pic.png"] = Route(body=PNG, content_type="image/png")
    feed_server.routes["/img"] = Route(body=f"""<?xml version="1.0"?><rss version="2.0"><channel>
      <title>Pictures</title><link>{feed_server.url('/')}</link>
      <item><title>With an image</title><link>{feed_server.url('/story')}</link><guid>p-1</guid>
      <description>&lt;p&gt;Look &lt;img src="{feed_server.url('/pic.png')}"&gt;&lt;/p&gt;
      </description></item></channel></rss>""".encode())
    [article_id] = subscribe(store, feed_server.url("/img")).report.new_ids
    before = open_article(store, article_id)
    assert (dict(before.cached_images), before.missing_images) == (
        {}, (feed_server.url("/pic.png"),))
    saved = save_images(store, before.article)
    assert (saved.stored, saved.failed) == (1, 0)
    assert saved.changes == Changes.of(articles=[article_id])
    after = open_article(store, article_id)
    assert (dict(after.cached_images), after.missing_images) == (
        {feed_server.url("/pic.png"): PNG}, ())


def test_listing_and_searching(store, followed):
    from newsdesk.errors import QueryError
    from newsdesk.services.reading import list_articles, search_articles, sources_by_id

    source = followed.source
    titles = [a.title for a in list_articles(store, source_id=source.id)]
    assert titles == ["Second Item",
                      "Court Says Emails Stored Abroad Are Still Reachable & Microsoft Objects"]
    assert [a.title for a in list_articles(store, limit=1)] == ["Second Item"]
    with pytest.raises(NotFoundError, match=r"^There is no source with id 99\.$"):
        list_articles(store, source_id=99)
    assert [a.title for a in search_articles(store, "ireland")] == [titles[1]]
    with pytest.raises(QueryError):
        search_articles(store, '"open')
    assert sources_by_id(store) == {source.id: source}


def test_headlines_come_a_page_at_a_time_in_either_order(store, followed):
    newest, oldest = list_headlines(store, ArticleQuery(), limit=5), list_headlines(
        store, ArticleQuery(), limit=5, newest_first=False)
    assert [h.id for h in newest] == [h.id for h in oldest][::-1] and len(newest) == 2
    first = list_headlines(store, ArticleQuery(), limit=1)
    assert [h.id for h in first + list_headlines(store, ArticleQuery(), limit=1,
                                                 after=first[0])] == [h.id for h in newest]


def test_an_opened_article_brings_its_full_text_versions_and_all_its_cached_images(
        store, feed_server, monkeypatch):
    from datetime import UTC, datetime

    from newsdesk.models import FullText

    feed_server.routes["/img"] = Route(body=f"""<?xml version="1.0"?><rss version="2.0"><channel>
      <title>Pictures</title><link>{feed_server.url('/')}</link>
      <item><title>With an image</title><link>{feed_server.url('/story')}</link><guid>p-1</guid>
      <description>&lt;p&gt;Look &lt;img src="https://img.example/feed.png"&gt;&lt;/p&gt;
      </description></item></channel></rss>""".encode())
    [article_id] = subscribe(store, feed_server.url("/img")).report.new_ids
    opened = open_article(store, article_id)
    assert (opened.fulltext, opened.versions) == (None, 0)
    full = FullText(article_id, "extracted", datetime(2026, 12, 1, tzinfo=UTC),
                    html='<p>All of it <img src="https://img.example/page.png"></p>',
                    text="All of it", word_count=3)
    store.archive.save_fulltext(full)
    store.caches.save_asset("https://img.example/page.png", "image/png", PNG,
                            article_id=article_id)
    reads = []
    real = type(store.caches).cached_assets
    monkeypatch.setattr(type(store.caches), "cached_assets",
                        lambda self, urls: reads.append(list(urls)) or real(self, urls))
    monkeypatch.setattr(type(store.caches), "cached_asset", lambda *a: pytest.fail("one by one"))
    opened = open_article(store, article_id)
    assert opened.fulltext == full
    assert dict(opened.cached_images) == {"https://img.example/page.png": PNG}
    assert opened.missing_images == ("https://img.example/feed.png",)
    assert reads == [["https://img.example/feed.png", "https://img.example/page.png"]]
    feed_server.routes["/img"] = Route(body=feed_server.routes["/img"].body.replace(
        b"With an image", b"With a new headline"))
    from newsdesk.services.refresh import refresh

    refresh(store, store.sources.list())
    assert open_article(store, article_id).versions == 1


def test_saving_images_takes_the_full_texts_too(store, feed_server, monkeypatch):
    from datetime import UTC, datetime

    import newsdesk.offline.assets as assets
    from newsdesk.models import FullText

    monkeypatch.setattr(assets, "ALLOW_PRIVATE_ADDRESSES", True)  # the loopback server
    feed_server.routes["/page.png"] = Route(body=PNG, content_type="image/png")
    feed_server.routes["/feed"] = Route(body=fixture_bytes("rss20.xml"))
    article_id = subscribe(store, feed_server.url("/feed")).report.new_ids[1]
    image = feed_server.url("/page.png")
    store.archive.save_fulltext(FullText(article_id, "extracted", datetime.now(UTC),
                                         html=f'<p>Text <img src="{image}"></p>', text="Text"))
    saved = save_images(store, store.articles.get(article_id))
    assert (saved.stored, saved.failed) == (1, 0)
    assert store.caches.article_assets(article_id) == [image]
    assert open_article(store, article_id).cached_images == {image: PNG}
