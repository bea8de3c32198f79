"""Fetch article pages and extract their full text, as politely as feeds are fetched.

The same Fetcher as feeds (per-server and global limits, timeouts, the body cap, never a
cookie), one page at a time per server. No store: each result goes to `on_result` as it
comes, on the caller's thread, which stores it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from newsdesk.config import FetchSettings
from newsdesk.models import Article, FullText

MAX_PAGE_BYTES = 5 * 1024 * 1024  # an article page; the feeds' cap is for feeds


def fetch_full_texts(articles: Sequence[Article], *, settings: FetchSettings | None = None,
                     on_result: Callable[[FullText], None],
                     should_stop: Callable[[], bool] = lambda: False) -> None:
    """Fetch each article's page (its `url`; none: "failed" with the reason) and extract
    it, calling `on_result` once per article in completion order. Stops starting pages
    when `should_stop()` is true (those not started get no result). A failure of one page
    (HTTP error, timeout, not HTML, too large) is its FullText ("failed", reason), never an
    exception."""
    raise NotImplementedError
