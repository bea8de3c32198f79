"""refresh(sources) -> RefreshReport: fetch concurrently, then parse, normalize and store.

Scheduling and error counting live here too: success resets a source's error count and
schedules the next check from its TTL or Cache-Control; failure backs off, doubling, and
honours Retry-After.

A refresh is a set of independent jobs, one a source, behind a bulkhead: whatever goes wrong
while one source is fetched, parsed, normalized, stored or scheduled (a bad feed, a full
disk, a bug of ours) ends as that source's recorded failure, and the others are stored.
"""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import ipaddress
import logging
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from newsdesk.config import FetchSettings
from newsdesk.errors import FetchError, NewsdeskError, ParseError, StoreError
from newsdesk.ingest.discover import discover_feeds
from newsdesk.ingest.fetch import Fetcher, fetch_one
from newsdesk.ingest.normalize import canonical_url, normalize_feed
from newsdesk.ingest.parse import parse_feed
from newsdesk.ingest.sanitize import strip_markup
from newsdesk.models import Article, FetchResult, ParsedFeed, RefreshReport, Source, SourceReport
from newsdesk.store import Store

log = logging.getLogger(__name__)

Progress = Callable[[int, int, SourceReport], None]


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def next_check(settings: FetchSettings, now: datetime, *, ttl_minutes: int | None = None,
               max_age: float | None = None) -> datetime:
    """When to look again: our interval, longer if the feed asks, within [min, max]."""
    hint = max(float(ttl_minutes or 0) * 60, max_age or 0.0)
    interval = max(settings.default_interval, hint, settings.min_interval)
    return now + timedelta(seconds=min(interval, settings.max_interval))


def backoff_delay(settings: FetchSettings, error_count: int,
                  retry_after: float | None = None) -> float:
    """Seconds to wait after `error_count` failures in a row (doubling, capped)."""
    doublings = min(max(error_count - 1, 0), 64)  # capped: a float holds no 2**1024
    delay = settings.backoff_base * (1 << doublings)
    return max(min(delay, settings.backoff_max), retry_after or 0.0)


def parse_and_normalize(source: Source, body: bytes, *, url: str, content_type: str = "",
                        now: datetime | None = None) -> tuple[ParsedFeed, list[Article]]:
    """Bytes of one feed -> articles ready to store. Pure CPU work: safe off the event loop."""
    feed = parse_feed(body, url=url, content_type=content_type)
    return feed, normalize_feed(feed, source, now=now)


# A refresh of at least this many feeds parses in worker processes (one per core, up to 4):
# parsing is pure CPU and the GIL would otherwise serialize it with the fetching.
PROCESS_POOL_MIN_SOURCES = 24
# Bookkeeping-only writes (304s, unchanged bodies, failures) are committed in groups.
_DEFERRED_BATCH = 64


PR_SET_PDEATHSIG = 1  # linux/prctl.h
# How often a parser process checks that its parent still lives, where prctl is missing.
PARENT_CHECK_INTERVAL = 1.0


def _parser_pool(sources: int) -> ProcessPoolExecutor | None:
    """Worker processes for parsing, only where forking is safe and worth it.

    Forking is safe only while this process runs a single thread (the CLI, not the GUI,
    whose refresh runs on a worker thread); spawning instead would re-run the caller's main
    module in each worker. Workers are started before any fetching begins.
    """
    cores = os.cpu_count() or 1
    if (sources < PROCESS_POOL_MIN_SOURCES or cores < 2 or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()):
        return None
    return start_parser_pool(min(cores, 4))


def start_parser_pool(workers: int) -> ProcessPoolExecutor:
    """Fork `workers` parser processes now; each ends when this process ends, however."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_init, initargs=(os.getpid(),))
    for future in [pool.submit(os.getpid) for _ in range(workers)]:
        future.result()
    return pool


def _worker_init(parent: int) -> None:
    """In each parser process: die with the parent (kill -9, a cron `timeout`, a crash).

    Otherwise a killed `newsdesk fetch` leaves its workers waiting for work forever. On
    Linux the kernel sends SIGKILL when the parent goes (PR_SET_PDEATHSIG; it follows the
    thread that forked, which is the refresh's own thread, alive as long as the pool).
    Everywhere, a thread also watches the parent's pid, as a fallback.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
                log.debug("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
        except (OSError, AttributeError) as exc:
            log.debug("prctl unavailable: %s", exc)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch",
                     daemon=True).start()


def _watch_parent(parent: int, interval: float = PARENT_CHECK_INTERVAL) -> None:
    """Exit this process as soon as it is orphaned (its parent pid changes)."""
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(interval)


class _WorkerError(Exception):
    """A bug raised in a parser process, sent back as plain text.

    Not the exception itself: one that cannot be unpickled in the parent (a required
    keyword argument is enough) would break the whole pool and every job in flight.
    """

    def __init__(self, summary: str, details: str) -> None:
        super().__init__(summary, details)
        self.summary = summary
        self.details = details

    def __str__(self) -> str:
        return self.summary


def _parse_job(source: Source, body: bytes, url: str, content_type: str,
               now: datetime) -> tuple[ParsedFeed, list[Article]]:
    return parse_and_normalize(source, body, url=url, content_type=content_type, now=now)


def _parse_job_in_worker(source: Source, body: bytes, url: str, content_type: str,
                         now: datetime) -> tuple[ParsedFeed, list[Article]]:
    try:
        return _parse_job(source, body, url, content_type, now)
    except ParseError as exc:
        raise ParseError(str(exc), not_a_feed=exc.not_a_feed, web_page=exc.web_page) from None
    except Exception as exc:
        raise _WorkerError(f"{type(exc).__name__}: {exc}", traceback.format_exc()) from None


class _Refresher:
    def __init__(self, store: Store, settings: FetchSettings, progress: Progress | None,
                 now: datetime) -> None:
        self.store = store
        self.settings = settings
        self.progress = progress
        self.now = now
        self.done = 0
        self.total = 0
        self._pool: ProcessPoolExecutor | None = None
        self._deferred: list[Callable[[], None]] = []

    async def run(self, sources: Sequence[Source]) -> RefreshReport:
        started = time.monotonic()
        self.total = len(sources)
        self._pool = _parser_pool(len(sources))
        try:
            async with Fetcher(self.settings) as fetcher:
                reports = await asyncio.gather(*(self._one(fetcher, s) for s in sources))
        finally:
            self.flush()
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
        return RefreshReport(sources=tuple(reports), elapsed=time.monotonic() - started)

    def _defer(self, write: Callable[[], None]) -> None:
        """Queue a bookkeeping write; losing it in a crash only means one more fetch."""
        self._deferred.append(write)
        if len(self._deferred) >= _DEFERRED_BATCH:
            self.flush()

    def _defer_state(self, source_id: int, fields: dict[str, object], result: FetchResult, *,
                     outcome: str, size: int | None = None) -> None:
        """Queue a source's new fetch state and its fetch-log line, written together."""
        def write() -> None:
            self.store.sources.update(source_id, **fields)
            self.store.sources.log_fetch(source_id, outcome=outcome, size=size,
                                 http_status=result.status_code, elapsed=result.elapsed)

        self._defer(write)

    def flush(self) -> None:
        """Commit the queued bookkeeping writes; one that fails costs only itself."""
        if not self._deferred:
            return
        writes, self._deferred = self._deferred, []
        try:
            with self.store.transaction():
                for write in writes:
                    write()
            return
        except Exception as exc:
            log.warning("%d bookkeeping writes failed together (%s); retrying one by one",
                        len(writes), exc)
        for write in writes:
            try:
                with self.store.transaction():
                    write()
            except StoreError as exc:
                log.error("a source's fetch state was not saved: %s", exc)
            except Exception:
                log.exception("a source's fetch state was not saved")

    async def _parse(self, source: Source, result: FetchResult,
                     body: bytes) -> tuple[ParsedFeed, list[Article]]:
        args = (source, body, result.final_url, result.content_type, self.now)
        if self._pool is not None:
            try:
                return await asyncio.get_running_loop().run_in_executor(
                    self._pool, _parse_job_in_worker, *args)
            except BrokenProcessPool:
                if self._pool is not None:
                    log.warning("parser processes died; parsing in this process instead")
                    self._pool = None
        return await asyncio.to_thread(_parse_job, *args)

    async def _one(self, fetcher: Fetcher, source: Source) -> SourceReport:
        try:
            result = await fetcher.fetch(source.url, etag=source.etag,
                                         last_modified=source.last_modified)
        except Exception as exc:  # fetch() promises FetchErrors only; a bug must stay here
            log.exception("fetching %s failed unexpectedly", source.url)
            result = FetchResult(url=source.url, final_url=source.url,
                                 error=_internal(exc, source.url))
        report = await self.handle(source, result)
        self.done += 1
        if self.progress:
            try:
                self.progress(self.done, self.total, report)
            except Exception:  # a broken progress display must not stop the refresh
                log.exception("the refresh progress callback failed")
        return report

    async def handle(self, source: Source, result: FetchResult) -> SourceReport:
        """Store what one fetch brought (or record its failure) and report it.

        The bulkhead: nothing raised while handling this source leaves this method; it
        becomes the source's failure, and its half-done store write is rolled back.
        """
        try:
            return await self._handle(source, result)
        except ParseError as exc:
            error = FetchError("not_a_feed" if exc.not_a_feed else "parse_error", str(exc),
                               url=source.url)
        except StoreError as exc:
            log.error("could not store %s: %s", source.url, exc)
            error = FetchError("storage", str(exc), url=source.url)
        except Exception as exc:
            if isinstance(exc, _WorkerError):
                log.error("reading %s failed in a parser process:\n%s", source.url, exc.details)
            else:
                log.exception("reading %s failed", source.url)
            error = _internal(exc, source.url)
        try:
            return self._fail(source, result, error)
        except Exception:
            log.exception("recording the failure of %s failed", source.url)
            return SourceReport(source.id, source.url, source.display_name, "failed",
                                error_kind=error.kind, error_message=str(error))

    async def _handle(self, source: Source, result: FetchResult) -> SourceReport:
        if result.error is not None:
            error = result.error if isinstance(result.error, FetchError) else FetchError(
                "connect", str(result.error), url=source.url)
            return self._fail(source, result, error)
        fields: dict[str, object] = {
            "last_fetched_at": self.now, "last_success_at": self.now, "error_count": 0,
            "last_error_kind": None, "last_error_message": None,
        }
        if result.permanent_url and result.permanent_url != source.url:
            if self.store.sources.move(source.id, result.permanent_url):
                log.info("%s moved permanently to %s", source.url, result.permanent_url)
            else:
                log.warning("%s moved to %s, which is already a source", source.url,
                            result.permanent_url)
        if result.not_modified:
            fields["next_fetch_at"] = next_check(self.settings, self.now, max_age=result.max_age)
            self._defer_state(source.id, fields, result, outcome="not_modified")
            return SourceReport(source.id, source.url, source.display_name, "not_modified")
        body = result.body or b""
        digest = body_hash(body)
        fields.update(etag=result.etag, last_modified=result.last_modified)
        if digest == source.body_hash:
            fields["next_fetch_at"] = next_check(self.settings, self.now, max_age=result.max_age)
            self._defer_state(source.id, fields, result, outcome="unchanged", size=len(body))
            return SourceReport(source.id, source.url, source.display_name, "unchanged")
        feed, articles = await self._parse(source, result, body)
        fields["body_hash"] = digest
        fields["next_fetch_at"] = next_check(self.settings, self.now, ttl_minutes=feed.ttl_minutes,
                                             max_age=result.max_age)
        if not source.title and feed.title:
            fields["title"] = strip_markup(feed.title)
        if not source.site_url and feed.site_url:
            fields["site_url"] = canonical_url(feed.site_url, result.final_url)
        with self.store.transaction():  # articles and the new ETag land together or not at all
            saved = self.store.articles.upsert(articles)
            self.store.sources.update(source.id, **fields)
            self.store.sources.log_fetch(source.id, outcome="ok", new=len(saved.new_ids),
                                 updated=len(saved.updated_ids), unchanged=saved.unchanged,
                                 size=len(body), http_status=result.status_code,
                                 elapsed=result.elapsed)
        return SourceReport(
            source.id, source.url, str(fields.get("title") or source.display_name),
            "new" if saved.new_ids or saved.updated_ids else "unchanged",
            new=len(saved.new_ids), updated=len(saved.updated_ids), unchanged=saved.unchanged,
            new_ids=saved.new_ids, warnings=feed.warnings)

    def _fail(self, source: Source, result: FetchResult, error: FetchError) -> SourceReport:
        count = source.error_count + 1
        delay = backoff_delay(self.settings, count, error.retry_after)
        fields: dict[str, object] = {
            "last_fetched_at": self.now, "error_count": count, "last_error_kind": error.kind,
            "last_error_message": str(error), "next_fetch_at": self.now + timedelta(seconds=delay)}

        def write() -> None:
            self.store.sources.update(source.id, **fields)
            self.store.sources.log_fetch(source.id, outcome="failed", http_status=error.status,
                                 error_kind=error.kind, message=str(error),
                                 elapsed=result.elapsed)

        self._defer(write)
        return SourceReport(source.id, source.url, source.display_name, "failed",
                            error_kind=error.kind, error_message=str(error))


def _internal(exc: BaseException, url: str) -> FetchError:
    """A bug of ours, as a sentence for the source's row (the traceback is in the log)."""
    return FetchError("internal", f"NewsDesk failed while handling this feed ({exc}); this is "
                      "a bug in NewsDesk, and the details are in its log.", url=url)


def refresh(store: Store, sources: Sequence[Source] | None = None, *,
            settings: FetchSettings | None = None, progress: Progress | None = None,
            now: datetime | None = None) -> RefreshReport:
    """Refresh the given sources (default: those due) and store what is new.

    Only the ingest stages: grouping the new articles into stories is the caller's next
    step (services.refresh). Runs its own event loop; call it from a worker thread, never
    from the GUI thread.
    """
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    chosen = list(store.sources.due(now) if sources is None else sources)
    if not chosen:
        return RefreshReport()
    refresher = _Refresher(store, settings or FetchSettings(), progress, now)
    return asyncio.run(refresher.run(chosen))


# A host name: labels of letters, digits and hyphens (any script), dot-separated.
_LABEL = re.compile(r"(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?", re.UNICODE)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def web_address(text: str) -> str:
    """The http(s) URL a user typed, completed with https:// if bare; FetchError if it is none.

    Checked before any DNS lookup, so "htp:/not a url" gets a sentence at once instead of
    a resolver error or a fetch of https://htp/.
    """
    url = text.strip()
    bare = "://" not in url
    refused = FetchError("invalid_url", f"“{url}” is not a web address NewsDesk can fetch; "
                         "give one like https://example.com/feed.", url=url)
    if not url or any(ch.isspace() or not ch.isprintable() for ch in url):
        raise refused
    if bare:
        if _SCHEME.match(url) and not re.match(r"[\w.-]+:\d+(?:/|$)", url):
            raise refused  # "htp:/x", "mailto:a@b", "javascript:..." - but not "host:8080/"
        url = "https://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname or ""
    except ValueError:
        raise refused from None
    if parts.scheme.lower() not in ("http", "https") or not host or parts.netloc.endswith(":"):
        raise refused
    if port == 0 or canonical_url(url) is None:
        raise refused
    if ":" in host:  # an IPv6 literal
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            raise refused from None
        return url
    labels = host.rstrip(".").split(".")
    if not all(_LABEL.fullmatch(label) for label in labels):
        raise refused
    if bare and len(labels) < 2 and host != "localhost":
        raise refused  # one word typed alone ("news") is not meant as a server's name
    return url


def add_feed(store: Store, url: str, *, folder: str = "", title: str = "",
             settings: FetchSettings | None = None) -> tuple[Source, SourceReport | None, bool]:
    """Add a feed by its URL or by a site URL (autodiscovery); store its first items.

    Returns (source, report of the first fetch, created). Raises FetchError when the URL is
    not one, or when neither it nor any feed its page advertises is a feed we can read; a
    bug of ours while doing so is a FetchError of kind "internal" too, never a traceback.
    Grouping the first items into stories is the caller's step (services.sources.subscribe).
    """
    url = web_address(url)
    try:
        return _add_feed(store, url, folder=folder, title=title,
                         settings=settings or FetchSettings())
    except NewsdeskError:
        raise
    except Exception as exc:
        log.exception("subscribing to %s failed", url)
        raise _internal(exc, url) from exc


def _check_feed(body: bytes, url: str, result: FetchResult) -> ParseError | None:
    """None if the body is a feed; the ParseError that says why not otherwise."""
    try:
        parse_feed(body, url=result.final_url, content_type=result.content_type)
    except ParseError as exc:
        return exc
    return None


def _add_feed(store: Store, url: str, *, folder: str, title: str,
              settings: FetchSettings) -> tuple[Source, SourceReport | None, bool]:
    existing = store.sources.find(url)
    if existing:
        return existing, None, False
    result = asyncio.run(fetch_one(url, settings))
    if result.error is not None:
        raise result.error
    body = result.body or b""
    feed_url = result.permanent_url or url
    problem = _check_feed(body, url, result)
    if problem is not None:
        if not problem.not_a_feed:
            raise FetchError("parse_error", str(problem), url=url) from problem
        candidates = discover_feeds(body, result.final_url)
        if not candidates:
            page = problem.web_page or "html" in result.content_type.lower()
            message = (f"{url} is a web page that advertises no feed." if page
                       else f"{url} is not a feed. {problem}")
            raise FetchError("not_a_feed", message, url=url) from problem
        feed_url = candidates[0].url
        existing = store.sources.find(feed_url)
        if existing:
            return existing, None, False
        result = asyncio.run(fetch_one(feed_url, settings))
        if result.error is not None:
            raise result.error from problem
        found = _check_feed(result.body or b"", feed_url, result)
        if found is not None:
            raise FetchError("not_a_feed" if found.not_a_feed else "parse_error",
                             f"{url} advertises {feed_url}, which cannot be read: {found}",
                             url=feed_url) from found
        feed_url = result.permanent_url or feed_url
    source, created = store.sources.add(feed_url, title=title, folder=folder)
    now = datetime.now(UTC).replace(microsecond=0)
    refresher = _Refresher(store, settings, None, now)
    report = asyncio.run(refresher.handle(source, result))
    refresher.flush()
    return store.sources.get(source.id), report, created
