"""Fetch an article's images into the local asset cache (never called from the GUI thread).

Uses the feed fetcher, so images get the same timeouts, streaming body cap and no-cookie
policy as feeds, with stricter rules: no redirect to another host, no host that resolves
to a loopback or private address (except the host of the feed the user subscribed to, so
an intranet feed's own images still load), a cap per image, per article and per run, and
a cache that is trimmed by age, count and bytes. Only image responses are kept.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from newsdesk.config import FetchSettings
from newsdesk.errors import NewsdeskError
from newsdesk.ingest.fetch import Fetcher
from newsdesk.models import Article, FullText
from newsdesk.store import Store

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGES_PER_ARTICLE = 24
MAX_ARTICLE_BYTES = 20 * 1024 * 1024
MAX_SECONDS_PER_ARTICLE = 60.0  # so a worker (and closing the window) never waits longer
MAX_CACHE_BYTES = 256 * 1024 * 1024
MAX_CACHE_COUNT = 5000
MAX_ASSET_AGE = timedelta(days=30)
# Strict by default; the tests' loopback image server needs it relaxed.
ALLOW_PRIVATE_ADDRESSES = False
_IMG_SRC = re.compile(r'<img\b[^>]*?\ssrc="([^"]+)"')


def image_urls(article: Article, fulltext: FullText | None = None) -> list[str]:
    """Remote image URLs in an article's sanitized HTML and in its extracted full text
    (when given), in order, without repeats."""
    from html import unescape

    html = article.html
    if fulltext is not None and fulltext.extracted:
        html += fulltext.html
    found = [unescape(u) for u in _IMG_SRC.findall(html)]
    return [u for u in dict.fromkeys(found) if u.startswith(("http://", "https://"))]


def _subscribed_host(store: Store, article: Article) -> frozenset[str]:
    """The host of the feed URL the user chose: its images may be on a private network."""
    try:
        host = urlsplit(store.sources.get(article.source_id).url).hostname
    except (NewsdeskError, ValueError):
        return frozenset()
    return frozenset({host.lower()}) if host else frozenset()


def cache_images(store: Store, article: Article, fulltext: FullText | None = None, *,
                 settings: FetchSettings | None = None, allow_private: bool | None = None,
                 max_bytes: int | None = None,
                 max_age: timedelta | None = None) -> tuple[int, int]:
    """Download the article's images (the feed's and its full text's) not cached yet;
    return (stored, failed).

    At most MAX_IMAGES_PER_ARTICLE images of MAX_IMAGE_BYTES each and MAX_ARTICLE_BYTES
    together, within MAX_SECONDS_PER_ARTICLE; a body stops downloading at its cap. Images
    over a cap count as failed. Each is saved as used by this article (so pruning the
    article lets it go). The cache then keeps the newest within its caps: `max_bytes` is
    the retention setting's cache cap (MAX_CACHE_BYTES when None), `max_age` its image age
    (MAX_ASSET_AGE when None).
    """
    cap = MAX_CACHE_BYTES if max_bytes is None else max_bytes
    store.caches.evict_assets(older_than=datetime.now(UTC) - (max_age or MAX_ASSET_AGE))
    listed = image_urls(article, fulltext)
    cached = store.caches.cached_assets(listed[:MAX_IMAGES_PER_ARTICLE])
    linked = set(store.caches.article_assets(article.id)) if cached else set()
    for url in cached.keys() - linked:  # cached for another article: this one uses it too
        kind, data = cached[url]
        store.caches.save_asset(url, kind, data, article_id=article.id)
    wanted = [u for u in listed[:MAX_IMAGES_PER_ARTICLE] if u not in cached]
    failed = max(len(listed) - MAX_IMAGES_PER_ARTICLE, 0)
    if not wanted:
        return 0, failed
    settings = replace(settings or FetchSettings(), max_body_bytes=MAX_IMAGE_BYTES,
                       total_timeout=min((settings or FetchSettings()).total_timeout, 20.0))
    private = ALLOW_PRIVATE_ADDRESSES if allow_private is None else allow_private
    stored = 0

    async def fetch_all() -> None:
        nonlocal stored, failed
        budget = MAX_ARTICLE_BYTES
        deadline = time.monotonic() + MAX_SECONDS_PER_ARTICLE
        async with Fetcher(settings, same_host_redirects=True, allow_private=private,
                           private_hosts=_subscribed_host(store, article)) as fetcher:
            for done, url in enumerate(wanted):
                left = deadline - time.monotonic()
                if budget <= 0 or left <= 0:
                    failed += len(wanted) - done
                    log.info("%d images of %s not cached: over the article's byte or time cap",
                             len(wanted) - done, article.id)
                    return
                try:
                    async with asyncio.timeout(left):
                        result = await fetcher.fetch(url, max_bytes=budget)
                except TimeoutError:
                    failed += len(wanted) - done
                    return
                kind = result.content_type.split(";")[0].strip().lower()
                if result.body and kind.startswith("image/"):
                    store.caches.save_asset(url, kind, result.body, article_id=article.id)
                    budget -= len(result.body)
                    stored += 1
                else:
                    failed += 1
                    log.info("image %s not cached: %s", url, result.error or kind)

    asyncio.run(fetch_all())
    store.caches.evict_assets(max_count=MAX_CACHE_COUNT, max_bytes=cap)
    return stored, failed
