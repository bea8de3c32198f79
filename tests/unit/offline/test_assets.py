import gzip
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.ingest.pipeline import refresh
from newsdesk.offline import assets
from newsdesk.offline.assets import MAX_IMAGES_PER_ARTICLE, cache_images
from tests.feedserver import Route

PNG = b"\x89PNG\r\n\x1a\n" + b"p" * 100


def _article_with(store, feed_server, srcs):
    imgs = "".join(f'<img src="{src}" width="300">' for src in srcs)
    feed_server.routes["/feed"] = Route(body=f"""<?xml version="1.0"?><rss version="2.0"><channel>
      <title>Pictures</title><link>{feed_server.url('/')}</link>
      <item><title>With images</title><link>{feed_server.url('/story')}</link><guid>i-1</guid>
      <description><![CDATA[<p>text {imgs}</p>]]></description></item>
    </channel></rss>""".encode())
    source, _ = store.sources.add(feed_server.url("/feed"))
    refresh(store, [source], now=datetime(2024, 6, 1, tzinfo=UTC))
    [article] = store.articles.list(source_id=source.id)
    return article


def _image_hits(feed_server):
    return [r for r in feed_server.requests if r.path != "/feed"]


def test_images_are_cached_once(store, feed_server):
    feed_server.routes["/a.png"] = Route(body=PNG, content_type="image/png")
    feed_server.routes["/page"] = Route(body=b"<html>", content_type="text/html")
    article = _article_with(store, feed_server, [feed_server.url("/a.png"), feed_server.url("/page")])
    assert cache_images(store, article) == (1, 1)
    assert store.caches.cached_asset(feed_server.url("/a.png")) == ("image/png", PNG)
    assert store.caches.cached_asset(feed_server.url("/page")) is None
    assert cache_images(store, article) == (0, 1)  # the page is tried again, the image is not
    assert [r.path for r in _image_hits(feed_server)] == ["/a.png", "/page", "/page"]


def test_private_addresses_other_than_the_feeds_host_are_refused(store, feed_server):
    feed_server.routes["/a.png"] = Route(body=PNG, content_type="image/png")
    feed_server.routes["/moved.png"] = Route(status=302,
                                             redirect=f"http://localhost:{feed_server.port}/a.png")
    other = f"http://localhost:{feed_server.port}/a.png"  # loopback too, but not the feed's host
    article = _article_with(store, feed_server, [other, feed_server.url("/moved.png")])
    assert cache_images(store, article) == (0, 2)
    assert [r.path for r in _image_hits(feed_server)] == ["/moved.png"]  # not followed
    assert cache_images(store, article, allow_private=True) == (1, 1)  # the redirect still is not
    assert store.caches.cached_asset(other) == ("image/png", PNG)


def test_count_per_article_is_capped(store, feed_server):
    urls = [feed_server.url(f"/{i}.png") for i in range(MAX_IMAGES_PER_ARTICLE + 6)]
    for i in range(len(urls)):
        # distinct bytes: the cache keeps one copy of identical ones (content-addressed)
        feed_server.routes[f"/{i}.png"] = Route(body=PNG[:-2] + b"%02d" % i,
                                                content_type="image/png")
    article = _article_with(store, feed_server, urls)
    assert cache_images(store, article) == (MAX_IMAGES_PER_ARTICLE, 6)
    assert len(_image_hits(feed_server)) == MAX_IMAGES_PER_ARTICLE
    assert store.caches.asset_usage() == (MAX_IMAGES_PER_ARTICLE, MAX_IMAGES_PER_ARTICLE * len(PNG))


def test_bytes_per_article_are_capped(store, feed_server, monkeypatch):
    monkeypatch.setattr(assets, "MAX_ARTICLE_BYTES", 10_000)
    for i in range(4):
        feed_server.routes[f"/{i}.png"] = Route(body=b"%d" % i + b"x" * 3999,
                                                content_type="image/png")
    article = _article_with(store, feed_server, [feed_server.url(f"/{i}.png") for i in range(4)])
    assert cache_images(store, article) == (2, 2)
    assert store.caches.asset_usage() == (2, 8000)


@pytest.mark.parametrize("route", [
    Route(body=b"\0" * (assets.MAX_IMAGE_BYTES + 1), content_type="image/png"),
    Route(body=gzip.compress(b"\0" * (16 * 1024 * 1024)), raw_encoding="gzip",
          content_type="image/png"),
])
def test_a_huge_image_stops_at_the_cap(store, feed_server, route):
    feed_server.routes["/huge.png"] = route
    article = _article_with(store, feed_server, [feed_server.url("/huge.png")])
    assert cache_images(store, article) == (0, 1)
    assert store.caches.asset_usage() == (0, 0)


def test_the_cache_is_evicted_by_age_count_and_bytes(store):
    for i in range(6):
        store.caches.save_asset(f"https://x.example/{i}.png", "image/png", b"x" * 100 * (i + 1))
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        for i in range(6):
            stamp = (datetime(2024, 6, 1, tzinfo=UTC) + timedelta(days=i)).strftime(
                "%Y-%m-%dT%H:%M:%SZ")
            conn.execute("UPDATE asset_blobs SET fetched_at = ? WHERE hash = "
                         "(SELECT hash FROM asset_urls WHERE url = ?)",
                         [stamp, f"https://x.example/{i}.png"])
    assert store.caches.evict_assets(older_than=datetime(2024, 6, 2, tzinfo=UTC)) == 1  # day 0
    assert store.caches.evict_assets(max_count=4) == 1  # day 1, the oldest left
    assert store.caches.asset_usage() == (4, 300 + 400 + 500 + 600)
    assert store.caches.evict_assets(max_bytes=1100) == 2  # newest first: 600 + 500 fit
    assert store.caches.cached_asset("https://x.example/5.png") is not None
    assert store.caches.cached_asset("https://x.example/3.png") is None
    assert store.caches.asset_usage() == (2, 1100)
    assert store.caches.evict_assets(max_count=10, max_bytes=10_000) == 0


def test_old_assets_go_before_a_download(store, feed_server):
    store.caches.save_asset("https://x.example/old.png", "image/png", PNG)
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE asset_blobs SET fetched_at = '2000-01-01T00:00:00Z'")
    feed_server.routes["/a.png"] = Route(body=PNG, content_type="image/png")
    article = _article_with(store, feed_server, [feed_server.url("/a.png")])
    assert cache_images(store, article) == (1, 0)
    assert store.caches.cached_asset("https://x.example/old.png") is None


def _fulltext(article, html, status="extracted"):
    from newsdesk.models import FullText
    return FullText(article.id, status, datetime(2024, 6, 2, tzinfo=UTC), html=html,
                    text="text" if status == "extracted" else "")


def test_full_text_images_are_listed_after_the_feeds_without_repeats(store, feed_server):
    article = _article_with(store, feed_server, [feed_server.url("/a.png")])
    fulltext = _fulltext(article, f'<p>x</p><img src="{feed_server.url("/a.png")}">'
                                  f'<img src="{feed_server.url("/b.png")}" alt="b">')
    assert assets.image_urls(article, fulltext) == [feed_server.url("/a.png"),
                                                    feed_server.url("/b.png")]
    failed = _fulltext(article, f'<img src="{feed_server.url("/c.png")}">', status="failed")
    assert assets.image_urls(article, failed) == [feed_server.url("/a.png")]


def test_full_text_images_are_cached_and_remembered_for_the_article(store, feed_server):
    feed_server.routes["/a.png"] = Route(body=PNG, content_type="image/png")
    feed_server.routes["/b.png"] = Route(body=PNG + b"b", content_type="image/png")
    article = _article_with(store, feed_server, [feed_server.url("/a.png")])
    fulltext = _fulltext(article, f'<img src="{feed_server.url("/b.png")}">')
    assert cache_images(store, article, fulltext) == (2, 0)
    assert store.caches.article_assets(article.id) == [feed_server.url("/a.png"),
                                                       feed_server.url("/b.png")]
    assert cache_images(store, article, fulltext) == (0, 0)
    assert len(_image_hits(feed_server)) == 2


def test_an_image_cached_before_is_linked_to_the_article_without_a_download(store, feed_server):
    feed_server.routes["/a.png"] = Route(body=PNG, content_type="image/png")
    article = _article_with(store, feed_server, [feed_server.url("/a.png")])
    store.caches.save_asset(feed_server.url("/a.png"), "image/png", PNG)  # no article
    assert store.caches.article_assets(article.id) == []
    assert cache_images(store, article) == (0, 0)
    assert store.caches.article_assets(article.id) == [feed_server.url("/a.png")]
    assert _image_hits(feed_server) == []


def test_the_cache_cap_passed_in_is_the_one_kept(store, feed_server):
    for i in range(3):
        store.caches.save_asset(f"https://x.example/{i}.png", "image/png", bytes([i]) * 1000)
    feed_server.routes["/a.png"] = Route(body=PNG, content_type="image/png")
    article = _article_with(store, feed_server, [feed_server.url("/a.png")])
    assert cache_images(store, article, max_bytes=2000) == (1, 0)
    _, size = store.caches.asset_usage()
    assert size <= 2000 and store.caches.cached_asset(feed_server.url("/a.png")) is not None
