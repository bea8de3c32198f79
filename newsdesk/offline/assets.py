"""Fetch an article's images into the local asset cache (never called from the GUI thread).

Uses the feed fetcher, so images get the same limits, timeouts, redirects and no-cookie
policy as feeds; only image responses are kept.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace

from newsdesk.config import FetchSettings
from newsdesk.ingest.fetch import Fetcher
from newsdesk.models import Article
from newsdesk.store.db import Store

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 5 * 1024 * 1024
_IMG_SRC = re.compile(r'<img\b[^>]*?\ssrc="([^"]+)"')


def image_urls(article: Article) -> list[str]:
    """Remote image URLs in an article's sanitized HTML, in order, without repeats."""
    from html import unescape

    found = [unescape(u) for u in _IMG_SRC.findall(article.html)]
    return [u for u in dict.fromkeys(found) if u.startswith(("http://", "https://"))]


def cache_images(store: Store, article: Article, *,
                 settings: FetchSettings | None = None) -> tuple[int, int]:
    """Download the article's images not cached yet; return (stored, failed)."""
    wanted = [u for u in image_urls(article) if store.cached_asset(u) is None]
    if not wanted:
        return 0, 0
    settings = replace(settings or FetchSettings(), max_body_bytes=MAX_IMAGE_BYTES,
                       total_timeout=20.0)

    async def fetch_all() -> list[tuple[str, object]]:
        async with Fetcher(settings) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(u) for u in wanted))
        return list(zip(wanted, results, strict=True))

    stored = failed = 0
    for url, result in asyncio.run(fetch_all()):
        body = getattr(result, "body", None)
        kind = getattr(result, "content_type", "").split(";")[0].strip().lower()
        if body and kind.startswith("image/"):
            store.save_asset(url, kind, body)
            stored += 1
        else:
            failed += 1
            log.info("image %s not cached: %s", url, getattr(result, "error", None) or kind)
    return stored, failed
