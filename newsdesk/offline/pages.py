"""Fetch article pages and extract their full text, as politely as feeds are fetched.

The same Fetcher as feeds (per-server and global limits, timeouts, the body cap, never a
cookie), one page at a time per server. No store: each result goes to `on_result` as it
comes, on the caller's thread, which stores it. Like images, a page on a loopback or
private address is refused unless its host is one the user subscribed to (a feed's links
must not make NewsDesk reach into the local network).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from newsdesk.config import FetchSettings
from newsdesk.errors import FetchError
from newsdesk.ingest.fetch import Fetcher
from newsdesk.models import Article, FetchResult, FullText
from newsdesk.offline.fulltext import EXTRACTOR, decode_page, extract

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 5 * 1024 * 1024  # an article page; the feeds' cap is for feeds
PAGES_PER_HOST = 1  # article pages come many to a server: one at a time, never a burst
ACCEPT_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# Strict by default (as images); the tests' loopback server needs it relaxed.
ALLOW_PRIVATE_ADDRESSES = False
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_MAYBE_HTML = frozenset({"", "text/plain", "application/octet-stream"})  # sniffed
_KINDS = {"application/pdf": "a PDF", "video/": "a video", "audio/": "an audio file",
          "image/": "an image"}

NO_URL = "The article has no web address to fetch."


def _not_a_page(content_type: str) -> str:
    for prefix, kind in _KINDS.items():
        if content_type.startswith(prefix):
            return f"The address is {kind}, not a page."
    return f"The address gives {content_type}, not a page."


def _looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--", b"<meta"))


def _refused(status: int | None) -> str:
    if status == 402:
        return "The page asks for payment (HTTP 402): kept the feed's summary."
    return (f"The page needs a login or refused NewsDesk (HTTP {status}): kept the feed's "
            "summary.")


def _result(article: Article, result: FetchResult) -> tuple[str, str] | FullText:
    """A FullText for a fetch that gave no page to extract, or (page text, final URL)."""
    now = datetime.now(UTC)

    def answer(status: str, reason: str) -> FullText:
        return FullText(article.id, status, now, reason=reason, url=result.final_url,
                        extractor=EXTRACTOR)

    if result.error is not None:
        error = result.error
        if not isinstance(error, FetchError):  # Fetcher.fetch gives FetchErrors only
            return answer("failed", str(error))
        if error.kind == "http" and error.status in (401, 402, 403):
            return answer("kept_summary", _refused(error.status))
        if error.kind == "too_large":
            return answer("failed", f"The page is larger than {MAX_PAGE_BYTES // 2**20} MB.")
        return answer("failed", str(error))
    kind = result.content_type.split(";")[0].strip().lower()
    body = result.body or b""
    if kind not in _HTML_TYPES and not (kind in _MAYBE_HTML and _looks_like_html(body)):
        return answer("not_article", _not_a_page(kind or "unknown"))
    return decode_page(body, result.content_type), result.final_url


def _extracted(article: Article, page: str, url: str) -> FullText:
    """Extract one page (in a worker thread: it is CPU work)."""
    got = extract(page, url, feed_text=article.text)
    return FullText(article.id, got.status, datetime.now(UTC), html=got.html, text=got.text,
                    reason=got.reason, url=url, extractor=EXTRACTOR, word_count=got.word_count)


def _host(url: str) -> str:
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{(parts.hostname or '').lower()}:{parts.port}"
    except ValueError:
        return url


def fetch_full_texts(articles: Sequence[Article], *, settings: FetchSettings | None = None,
                     on_result: Callable[[FullText], None],
                     should_stop: Callable[[], bool] = lambda: False,
                     private_hosts: frozenset[str] = frozenset()) -> None:
    """Fetch each article's page (its `url`; none: "failed" with the reason) and extract
    it, calling `on_result` once per article in completion order. Stops starting pages
    when `should_stop()` is true (those not started get no result). A failure of one page
    (HTTP error, timeout, not HTML, too large) is its FullText ("failed", reason), never an
    exception. `private_hosts`: hosts on a private network that may be fetched (the hosts
    of the feeds the articles came from); any other private address is refused. An
    exception raised by `on_result` stops the run and is raised here."""
    settings = settings or FetchSettings()
    by_host: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.url and article.url.startswith(("http://", "https://")):
            by_host[_host(article.url)].append(article)
        elif not should_stop():
            on_result(FullText(article.id, "failed", datetime.now(UTC), reason=NO_URL,
                               url=article.url, extractor=EXTRACTOR))
    if not by_host:
        return
    failures: list[Exception] = []
    stopping = False

    def stopped() -> bool:
        return stopping or should_stop()

    def deliver(fulltext: FullText) -> None:
        nonlocal stopping
        if failures:
            return
        try:
            on_result(fulltext)
        except Exception as exc:  # the caller's (a store that failed): stop, raise it
            failures.append(exc)
            stopping = True

    async def run() -> None:
        slots = asyncio.Semaphore(settings.max_concurrency)
        async with Fetcher(replace(settings, per_host=PAGES_PER_HOST),
                           allow_private=ALLOW_PRIVATE_ADDRESSES, private_hosts=private_hosts,
                           accept=ACCEPT_HTML) as fetcher:

            async def one(article: Article) -> None:
                assert article.url is not None
                result = await fetcher.fetch(article.url, max_bytes=MAX_PAGE_BYTES)
                answer = _result(article, result)
                if isinstance(answer, tuple):
                    answer = await asyncio.to_thread(_extracted, article, *answer)
                deliver(answer)

            async def host_worker(queue: list[Article]) -> None:
                for article in queue:
                    async with slots:
                        if stopped():
                            return
                        await one(article)

            await asyncio.gather(*(host_worker(queue) for queue in by_host.values()))

    asyncio.run(run())
    if failures:
        raise failures[0]
