"""The archive's use cases: make articles available offline (full text and images), fetch
one article's full text on demand, the per-source full-text setting, an article's earlier
versions with what changed, storage by source, and retention (prune, vacuum).

Network work (make_offline, fetch_full_text, fetch_always) runs on the caller's thread
with its own event loop: call it from a worker, never from the GUI thread.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any, TypeVar
from urllib.parse import urlsplit

from newsdesk.config import FetchSettings, read_settings, write_setting
from newsdesk.errors import NewsdeskError, NotFoundError
from newsdesk.models import Article, ArticleQuery, ArticleVersion, FullText
from newsdesk.offline.versions import DiffPart
from newsdesk.services.changes import Changes
from newsdesk.store import Store
from newsdesk.store.api import FULL_TEXT_MODES, StorageUsage

log = logging.getLogger(__name__)

# outcome of one article: "extracted", "kept_summary", "not_article", "failed", or
# "skipped" (its source's full text is off, or it has no page address)
OUTCOMES = ("extracted", "kept_summary", "not_article", "failed", "skipped")

MB = 1024 * 1024
DEFAULT_PRUNE_AGE = timedelta(days=90)  # `prune` without an age and without a setting
_CHUNK = 500  # ids per store read (SQLite's variable limit is far above it)
_T = TypeVar("_T")
SKIPPED_OFF = "Its source's full text is off."
SKIPPED_NO_URL = "It has no page address."


def human_bytes(size: int) -> str:
    """'12.4 MB', '980 KB', '0 B': sizes as people read them (powers of 1024)."""
    value = float(max(size, 0))
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"  # pragma: no cover - the loop returns at GB


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True, slots=True)
class OfflineItem:
    """What making one article available offline did."""

    article_id: str
    title: str
    outcome: str
    reason: str = ""  # a sentence for every outcome but "extracted"
    images_stored: int = 0
    images_failed: int = 0


@dataclass(frozen=True, slots=True)
class OfflineReport:
    """What one `make_offline` (or `fetch_always`) run did, article by article."""

    items: tuple[OfflineItem, ...] = ()
    elapsed: float = 0.0
    cancelled: bool = False
    already: int = 0  # articles of the selection that had their full text already
    images_not_allowed: int = 0  # articles whose images were not fetched: not allowed
    changes: Changes = field(default_factory=Changes)
    # (stored, failed) images of articles that had their full text already (no item)
    more_images: tuple[int, int] = (0, 0)

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def images_stored(self) -> int:
        return sum(item.images_stored for item in self.items) + self.more_images[0]

    @property
    def images_failed(self) -> int:
        return sum(item.images_failed for item in self.items) + self.more_images[1]

    def summary(self) -> str:
        """One sentence: 'Full text of 120 articles: 97 extracted, 15 kept the feed's
        summary (9 behind a paywall, 6 not articles), 8 failed.' (and images, cancelled)."""
        lead = "Cancelled. " if self.cancelled else ""
        already = (f" ({_plural(self.already, 'article')} had it already)"
                   if self.already else "")
        if not self.items:
            text = f"{lead}No article needed its full text{already}."
        else:
            kept, not_article = self.count("kept_summary"), self.count("not_article")
            parts = [f"{self.count('extracted'):,} extracted"]
            if kept or not_article:
                why = []
                if kept:
                    why.append(f"{kept:,} behind a paywall or shorter than the feed's")
                if not_article:
                    why.append(_plural(not_article, "not an article", "not articles"))
                parts.append(f"{kept + not_article:,} kept the feed's summary "
                             f"({', '.join(why)})")
            parts.append(f"{self.count('failed'):,} failed")
            if skipped := self.count("skipped"):
                parts.append(f"{skipped:,} skipped")
            text = (f"{lead}Full text of {_plural(len(self.items), 'article')}{already}: "
                    f"{', '.join(parts)}.")
        if self.images_stored or self.images_failed:
            text += (f" Images: {self.images_stored:,} stored, {self.images_failed:,} "
                     "failed.")
        if self.images_not_allowed:
            text += (f" Images of {_plural(self.images_not_allowed, 'article')} not "
                     "fetched: remote images are not allowed for them (--allow-images).")
        return text

    def reasons(self) -> list[tuple[str, int]]:
        """Why articles kept their summary, were skipped or failed: (reason, how many),
        commonest first."""
        counted = Counter(item.reason for item in self.items
                          if item.outcome != "extracted" and item.reason)
        return sorted(counted.items(), key=lambda pair: (-pair[1], pair[0]))

    def reasons_by_outcome(self) -> list[tuple[str, str, int]]:
        """`reasons` with the outcome each belongs to: (outcome, reason, how many), by
        outcome (kept summary, not an article, failed, skipped), commonest first."""
        counted = Counter((item.outcome, item.reason) for item in self.items
                          if item.outcome != "extracted" and item.reason)
        return sorted(((o, r, n) for (o, r), n in counted.items()),
                      key=lambda x: (OUTCOMES.index(x[0]) if x[0] in OUTCOMES else 99,
                                     -x[2], x[1]))


OfflineProgress = Callable[[int, int, OfflineItem], None]  # (done, total, the item just done)


def offline_selection(store: Store, *, every: bool = False, source_id: int | None = None,
                      story_id: int | None = None, topic: str | None = None,
                      since: datetime | None = None) -> ArticleQuery:
    """The view `newsdesk offline` works on. Raises ValueError ("Say which articles: …")
    when nothing is chosen, NotFoundError for an unknown source, story or topic."""
    if not every and source_id is None and story_id is None and topic is None \
            and since is None:
        raise ValueError("Say which articles: --all, --source, --story, --topic or --since.")
    if source_id is not None:
        store.sources.get(source_id)
    if story_id is not None:
        store.stories.label(story_id)
        if not store.stories.members(story_id):
            raise NotFoundError(f"There is no story with id {story_id}.")
    if topic is not None:
        topic = store.topics.get(topic).name
    return ArticleQuery(source_id=source_id, story_id=story_id, topic=topic, since=since)


def _articles(store: Store, article_ids: Sequence[str]) -> list[Article]:
    """The stored articles of these ids, in their order (gone ones left out)."""
    found = _by_chunks(article_ids, lambda chunk: {
        a.id: a for a in store.articles.list(ArticleQuery(ids=tuple(chunk)))})
    return [found[i] for i in dict.fromkeys(article_ids) if i in found]


def _by_chunks(article_ids: Sequence[str],
               read: Callable[[list[str]], Mapping[str, _T]]) -> dict[str, _T]:
    """One of the store's by-id reads over any number of ids, _CHUNK at a time."""
    found: dict[str, _T] = {}
    unique = list(dict.fromkeys(article_ids))
    for start in range(0, len(unique), _CHUNK):
        found.update(read(unique[start:start + _CHUNK]))
    return found


def _fulltexts(store: Store, article_ids: Sequence[str]) -> dict[str, FullText]:
    return _by_chunks(article_ids, store.archive.fulltexts)


def _item(article: Article, result: FullText) -> OfflineItem:
    reason = "" if result.status == "extracted" else result.reason
    return OfflineItem(article.id, article.title, result.status, reason)


class _Run:
    """One run of fetching pages: stores each result as it comes, counts progress."""

    def __init__(self, store: Store, total: int, progress: OfflineProgress | None) -> None:
        self.store = store
        self.total = total
        self.progress = progress
        self.done = 0
        self.items: list[OfflineItem] = []
        self.results: dict[str, FullText] = {}
        self.changed: set[str] = set()

    def tell(self, item: OfflineItem) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, item)

    def skip(self, article: Article, reason: str) -> None:
        item = OfflineItem(article.id, article.title, "skipped", reason)
        self.items.append(item)
        self.tell(item)

    def fetch(self, articles: Sequence[Article], settings: FetchSettings | None,
              should_stop: Callable[[], bool]) -> None:
        """Fetch these articles' pages, saving each result at once (a cancel or a kill
        keeps what was done)."""
        if not articles:
            return
        from newsdesk.offline.pages import fetch_full_texts

        by_id = {a.id: a for a in articles}

        def on_result(result: FullText) -> None:
            article = by_id.get(result.article_id)
            if article is None:  # not ours: the stage answered for an id we did not ask
                return
            try:
                if self.store.archive.save_fulltext(result):
                    self.changed.add(article.id)
            except NotFoundError:  # removed meanwhile (its source, a prune)
                log.info("article %s went away while its page was fetched", article.id)
                return
            self.results[article.id] = result
            item = _item(article, result)
            self.items.append(item)
            self.tell(item)

        fetch_full_texts(articles, settings=settings, on_result=on_result,
                         should_stop=should_stop, private_hosts=self.feed_hosts(articles))

    def feed_hosts(self, articles: Sequence[Article]) -> frozenset[str]:
        """The hosts of the feeds these articles came from: the user chose them, so their
        pages may be on a private network (an intranet feed's own site); no other
        private address is fetched."""
        hosts: set[str] = set()
        for source_id in {a.source_id for a in articles}:
            try:
                host = urlsplit(self.store.sources.get(source_id).url).hostname
            except (NewsdeskError, ValueError):
                continue
            if host:
                hosts.add(host.lower())
        return frozenset(hosts)

    def changes(self) -> Changes:
        if not self.changed:
            return Changes()
        stories = self.store.stories.stories_of(sorted(self.changed))
        return Changes.of(new_articles=self.changed, stories=stories.values())


def _cache_cap() -> int:
    return read_retention().cache_mb * MB


def _cache_images(store: Store, article: Article, fulltext: FullText | None,
                  settings: FetchSettings | None) -> tuple[int, int]:
    from newsdesk.offline.assets import cache_images, image_urls

    if not image_urls(article, fulltext):
        return 0, 0
    return cache_images(store, article, fulltext=fulltext, settings=settings,
                        max_bytes=_cache_cap())


def make_offline(store: Store, query: ArticleQuery, *, images: bool = False,
                 allow_images: bool = False, retry: bool = False,
                 settings: FetchSettings | None = None,
                 progress: OfflineProgress | None = None,
                 should_stop: Callable[[], bool] = lambda: False) -> OfflineReport:
    """Fetch and store the full text of a view's articles that have none (`retry`: also
    those that failed before), skipping sources whose full text is "off"; with `images`,
    cache the images of its articles whose remote images are allowed (`allow_images`
    allows them first, as the window's "Make available offline" does). Each article is
    stored as it comes, so a cancel (`should_stop`) or a kill keeps what was done."""
    started = time.monotonic()
    in_view = store.articles.count_where(query)
    wanted = _articles(store, store.archive.without_fulltext(query, retry=retry))
    modes = {s.id: s.full_text for s in store.sources.list()}
    pictured = ([h.id for h in store.articles.headlines(query, limit=in_view)]
                if images and in_view else [])
    run = _Run(store, len(wanted) + len(pictured), progress)
    to_fetch: list[Article] = []
    for article in wanted:
        if modes.get(article.source_id, "on-demand") == "off":
            run.skip(article, SKIPPED_OFF)
        elif not article.url:
            run.skip(article, SKIPPED_NO_URL)
        else:
            to_fetch.append(article)
    run.fetch(to_fetch, settings, should_stop)
    changes = run.changes()
    cancelled = should_stop()
    items = {item.article_id: item for item in run.items}
    pictures = _Pictures(store, run, items, settings)
    if pictured and not cancelled:
        if allow_images:
            with store.transaction():
                for article_id in pictured:
                    store.caches.allow_remote_images("article", article_id)
            changes |= Changes.of(articles=pictured)
        for start in range(0, len(pictured), _CHUNK):
            if not pictures.cache(pictured[start:start + _CHUNK], should_stop):
                cancelled = True
                break
    return OfflineReport(items=tuple(items[i.article_id] for i in run.items),
                         elapsed=time.monotonic() - started, cancelled=cancelled,
                         already=max(in_view - len(wanted), 0),
                         images_not_allowed=pictures.not_allowed,
                         changes=changes | Changes.of(articles=pictures.changed),
                         more_images=(pictures.more_stored, pictures.more_failed))


class _Pictures:
    """The images step of `make_offline`: each allowed article's feed and full-text
    images cached, counted on its item (or, for articles fetched before, on the run)."""

    def __init__(self, store: Store, run: _Run, items: dict[str, OfflineItem],
                 settings: FetchSettings | None) -> None:
        self.store, self.run, self.items, self.settings = store, run, items, settings
        self.not_allowed = self.more_stored = self.more_failed = 0
        self.changed: list[str] = []

    def cache(self, article_ids: Sequence[str], should_stop: Callable[[], bool]) -> bool:
        """Cache these articles' images; False when stopped before the end."""
        fulltexts = _fulltexts(self.store, article_ids)
        for article in _articles(self.store, article_ids):
            if should_stop():
                return False
            mine = self.items.get(article.id)
            if not any(self.store.caches.remote_images_allowed(article)):
                self.not_allowed += 1
                self.run.tell(mine or OfflineItem(article.id, article.title, "skipped",
                                                  "Its remote images are not allowed."))
                continue
            stored, failed = _cache_images(self.store, article, fulltexts.get(article.id),
                                           self.settings)
            if mine is not None:
                mine = replace(mine, images_stored=stored, images_failed=failed)
                self.items[article.id] = mine
            else:
                self.more_stored += stored
                self.more_failed += failed
                mine = OfflineItem(article.id, article.title, "skipped",
                                   "Its full text was fetched before.", stored, failed)
            self.run.tell(mine)
            if stored:
                self.changed.append(article.id)
        return True


def fetch_full_text(store: Store, article_id: str, *,
                    settings: FetchSettings | None = None) -> OfflineItem:
    """Fetch one article's page now (the reader's button and key), whatever its source's
    setting and even when a full text is stored (a changed page keeps the old as a
    version). Raises NotFoundError for an unknown article."""
    article = store.articles.get(article_id)
    if not article.url:
        return OfflineItem(article.id, article.title, "skipped", SKIPPED_NO_URL)
    run = _Run(store, 1, None)
    run.fetch([article], settings, lambda: False)
    if not run.items:
        return OfflineItem(article.id, article.title, "failed",
                           "The page could not be read: the article went away meanwhile.")
    return run.items[0]


def fetch_always(store: Store, article_ids: Sequence[str], *,
                 settings: FetchSettings | None = None,
                 should_stop: Callable[[], bool] = lambda: False) -> OfflineReport:
    """After a refresh: fetch the full text of those of `article_ids` whose source is set
    to "always" and whose feed gave a summary only (offline.fulltext.needs_full_text)."""
    started = time.monotonic()
    always = {s.id for s in store.sources.list() if s.full_text == "always"}
    if not always or not article_ids:
        return OfflineReport()
    from newsdesk.offline.fulltext import needs_full_text

    candidates = [a for a in _articles(store, article_ids)
                  if a.source_id in always and a.url and needs_full_text(a)]
    stored = _fulltexts(store, [a.id for a in candidates])
    wanted = [a for a in candidates if a.id not in stored]
    run = _Run(store, len(wanted), None)
    run.fetch(wanted, settings, should_stop)
    return OfflineReport(items=tuple(run.items), elapsed=time.monotonic() - started,
                         cancelled=should_stop() and len(run.items) < len(wanted),
                         already=len(candidates) - len(wanted), changes=run.changes())


def set_full_text_mode(store: Store, source_id: int, mode: str) -> Changes:
    """Set a source's full-text mode ("off", "on-demand", "always"). Raises ValueError
    with the three choices for any other word, NotFoundError for an unknown source."""
    if mode not in FULL_TEXT_MODES:
        raise ValueError(f"{mode[:40]!r} is not a full-text mode: use "
                         f"{', '.join(FULL_TEXT_MODES[:-1])} or {FULL_TEXT_MODES[-1]}.")
    source = store.sources.get(source_id)
    if source.full_text == mode:
        return Changes()
    store.sources.update(source_id, full_text=mode)
    return Changes.of(sources=[source_id])


@dataclass(frozen=True, slots=True)
class ArticleHistory:
    """An article's versions, oldest first, ending with the current one (number
    len(versions)+1, its `replaced` the time it was last checked), and its full text's."""

    article_id: str
    published: datetime
    versions: tuple[ArticleVersion, ...]  # earlier ones, then the current one last

    @property
    def changed(self) -> bool:
        return len(self.versions) > 1

    def version(self, number: int) -> ArticleVersion:
        """Version `number` (1-based); ValueError for one there is not."""
        if not 1 <= number <= len(self.versions):
            raise ValueError(f"There is no version {number}: this article has "
                             f"{len(self.versions)}.")
        return self.versions[number - 1]

    def next_of(self, number: int) -> int | None:
        """The number of the version that replaced `number` (the next one of the same
        origin: a feed's version is followed by the feed's next, a page's by the
        page's), or None for a current one."""
        origin = self.version(number).origin
        return next((v.number for v in self.versions[number:] if v.origin == origin), None)

    def diff(self, older: int, newer: int) -> tuple[list[DiffPart], list[DiffPart]]:
        """(headline diff, text diff) between two version numbers (1-based)."""
        from newsdesk.offline.versions import word_diff

        old, new = self.version(older), self.version(newer)
        return word_diff(old.title, new.title), word_diff(old.text, new.text)

    def headline_changes(self) -> list[str]:
        """'Headline changed 3 h after publication: “Old” → “New”', one a change."""
        from newsdesk.offline.versions import after_publication

        feed = [v for v in self.versions if v.origin == "feed"]
        return [f"Headline changed {after_publication(self.published, old.replaced)}: "
                f"“{old.title}” → “{new.title}”"
                for old, new in pairwise(feed) if old.title != new.title]


def _current_versions(article: Article, earlier: Sequence[ArticleVersion],
                      fulltext: FullText | None) -> tuple[ArticleVersion, ...]:
    """The earlier versions numbered from 1, then the feed's current version and (when
    the page changed before) the page's current one."""
    numbered = [replace(v, number=n) for n, v in enumerate(earlier, 1)]
    feed_seen = max((v.replaced for v in earlier if v.origin == "feed"),
                    default=article.first_seen)
    checked = max((v.replaced for v in earlier), default=article.first_seen)
    numbered.append(ArticleVersion(article.id, len(numbered) + 1, "feed", article.title,
                                   article.html, article.text, feed_seen, checked))
    pages = [v for v in earlier if v.origin == "page"]
    if pages and fulltext is not None and fulltext.extracted:
        numbered.append(ArticleVersion(article.id, len(numbered) + 1, "page", article.title,
                                       fulltext.html, fulltext.text, fulltext.fetched_at,
                                       fulltext.fetched_at))
    return tuple(numbered)


def article_history(store: Store, article_id: str) -> ArticleHistory:
    """The article's versions with the current one (raises NotFoundError)."""
    article = store.articles.get(article_id)
    earlier = store.archive.versions(article_id)
    fulltext = store.archive.fulltext(article_id) if earlier else None
    return ArticleHistory(article.id, article.published,
                          _current_versions(article, earlier, fulltext))


def headline_notes(store: Store, article_ids: Sequence[str]) -> Mapping[str, str]:
    """For the framing pane: 'headline changed 3 h after publication' (the first change;
    '… and 2 more times') for each of these articles whose headline changed."""
    from newsdesk.offline.versions import after_publication

    notes: dict[str, str] = {}
    counts = version_counts(store, article_ids)
    for article in _articles(store, list(counts)):
        history = ArticleHistory(article.id, article.published, _current_versions(
            article, store.archive.versions(article.id), None))
        feed = [v for v in history.versions if v.origin == "feed"]
        changes = [old for old, new in pairwise(feed)
                   if old.title != new.title]
        if not changes:
            continue
        note = f"headline changed {after_publication(article.published, changes[0].replaced)}"
        if len(changes) > 1:
            more = len(changes) - 1
            note += f" and {'once more' if more == 1 else f'{more} more times'}"
        notes[article.id] = note
    return notes


@dataclass(frozen=True, slots=True)
class Retention:
    """How long the archive keeps what (days; None: for ever). Kept articles (starred,
    tagged, coded, noted, in a story of several outlets) are never pruned."""

    read_days: int | None = None  # read articles
    full_text_days: int | None = None  # full texts (the feed's version stays)
    cache_mb: int = 512  # the image cache's total cap
    image_days: int = 90  # cached images not used by a kept article


def _days(value: Any, default: int | None, *, none_ok: bool) -> int | None:
    if value is None and none_ok:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 100_000:
        return value
    return default


def read_retention() -> Retention:
    """The retention settings (settings file key "retention"); defaults for what is
    missing or malformed."""
    stored = read_settings().get("retention")
    if not isinstance(stored, dict):
        return Retention()
    default = Retention()
    return Retention(
        read_days=_days(stored.get("read_days"), default.read_days, none_ok=True),
        full_text_days=_days(stored.get("full_text_days"), default.full_text_days,
                             none_ok=True),
        cache_mb=_days(stored.get("cache_mb"), default.cache_mb, none_ok=False)
        or default.cache_mb,
        image_days=_days(stored.get("image_days"), default.image_days, none_ok=False)
        or default.image_days)


def write_retention(retention: Retention) -> None:
    """Save the retention settings. Raises OSError when the settings cannot be written."""
    write_setting("retention", {"read_days": retention.read_days,
                                "full_text_days": retention.full_text_days,
                                "cache_mb": retention.cache_mb,
                                "image_days": retention.image_days})


def _age(span: timedelta) -> str:
    days = span.days
    if span == timedelta(days=days):
        return _plural(days, "day")
    hours = int(span.total_seconds() // 3600)
    return _plural(hours, "hour")


@dataclass(frozen=True, slots=True)
class PruneReport:
    """What `prune` removed (or, dry, would remove)."""

    articles: int
    full_texts: int
    assets: int
    freed_bytes: int  # by the store's count of what went (before a vacuum)
    file_bytes_before: int
    file_bytes_after: int
    dry_run: bool
    vacuumed: bool = False
    changes: Changes = field(default_factory=Changes)
    older_than: timedelta | None = None  # the age read articles were removed from
    fit: int | None = None  # the size asked for (prune --max-size), when one was

    def summary(self) -> str:
        """'Removed 1,204 read articles older than 90 days, 300 full texts and 88 images:
        41.2 MB; the database went from 512 MB to 470 MB.' (or 'Would remove …')."""
        age = f" older than {_age(self.older_than)}" if self.older_than is not None else ""
        if self.fit is not None:
            age += f" or, the oldest first, to fit in {human_bytes(self.fit)}"
        if not (self.articles or self.full_texts or self.assets):
            return f"Nothing to remove: no read article{age} that is not kept."
        verb = "Would remove" if self.dry_run else "Removed"
        text = (f"{verb} {_plural(self.articles, 'read article')}{age}, "
                f"{_plural(self.full_texts, 'full text')} and {_plural(self.assets, 'image')}: "
                f"{human_bytes(self.freed_bytes)}")
        if not self.dry_run and self.vacuumed:
            text += (f"; the database went from {human_bytes(self.file_bytes_before)} to "
                     f"{human_bytes(self.file_bytes_after)}")
        return text + "."


def _before(now: datetime, span: timedelta) -> datetime:
    """now - span, or the earliest moment for a span longer than the calendar."""
    try:
        return now - span
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)


def _stored_before(now: datetime, span: timedelta) -> datetime:
    """The `read_before` of articles first stored more than `span` before `now`. The
    store keeps times to the second, so the second `now` is in counts as before it (an
    age of 0 takes everything stored so far)."""
    return _before(now, span) + timedelta(seconds=1)


def _content_bytes(usage: StorageUsage) -> int:
    return sum(s.article_bytes + s.full_text_bytes + s.version_bytes
               for s in usage.sources) + usage.asset_bytes


def _fit(store: Store, usage: StorageUsage, max_bytes: int, chosen: list[str],
         now: datetime) -> list[str]:
    """The oldest prunable articles (after `chosen`) to remove so that the database fits
    in `max_bytes`. The store counts its rows' bytes, not the file's indexes and pages,
    so the file's overhead is assumed in proportion: the bytes to free are scaled by the
    rows' share of the used file."""
    used = usage.file_bytes - usage.free_bytes
    content = _content_bytes(usage)
    if used <= max_bytes or content <= 0:
        return []
    share = content / used if used > 0 else 1.0
    need = (used - max_bytes) * share - store.archive.article_bytes(chosen)
    taken = set(chosen)
    more: list[str] = []
    candidates = [i for i in store.archive.prunable(read_before=_stored_before(now, timedelta()))
                  if i not in taken]
    step = 100
    for start in range(0, len(candidates), step):
        if need <= 0:
            break
        chunk = candidates[start:start + step]
        size = store.archive.article_bytes(chunk)
        if size <= need:
            more.extend(chunk)
            need -= size
            continue
        for one in chunk:
            if need <= 0:
                break
            more.append(one)
            need -= store.archive.article_bytes([one])
    return more


class _DryRun(Exception):
    """Raised inside a transaction to count what a write would do, then roll it back."""


def _evict(store: Store, retention: Retention, now: datetime, *, dry_run: bool) -> int:
    """Images over the retention's age and cap: evicted, or (dry) counted and kept."""
    older = _before(now, timedelta(days=retention.image_days))
    if not dry_run:
        return store.caches.evict_assets(older_than=older, max_bytes=retention.cache_mb * MB)
    counted = 0
    try:
        with store.transaction():
            counted = store.caches.evict_assets(older_than=older,
                                                max_bytes=retention.cache_mb * MB)
            raise _DryRun()
    except _DryRun:
        pass
    return counted


def prune(store: Store, *, older_than: timedelta | None = None, max_bytes: int | None = None,
          dry_run: bool = False, vacuum: bool = True, retention: Retention | None = None,
          now: datetime | None = None) -> PruneReport:
    """Remove read, unkept articles first stored more than `older_than` ago (default: the
    retention setting, else 90 days), full texts older than the retention's, images over
    the cache's caps; with `max_bytes`, then the oldest prunable articles until what is
    stored fits. `dry_run` counts and changes nothing. Then a vacuum when anything went."""
    retention = retention or read_retention()
    now = now or datetime.now(UTC)
    if older_than is None:
        older_than = (timedelta(days=retention.read_days) if retention.read_days is not None
                      else DEFAULT_PRUNE_AGE)
    usage = store.archive.usage()
    chosen = store.archive.prunable(read_before=_stored_before(now, older_than))
    if max_bytes is not None:
        chosen += _fit(store, usage, max_bytes, chosen, now)
    going = set(chosen)
    texts: list[str] = []
    if retention.full_text_days is not None:
        fetched_before = _before(now, timedelta(days=retention.full_text_days))
        texts = [i for i in store.archive.fulltexts_before(fetched_before) if i not in going]
    freed = store.archive.article_bytes(chosen) if chosen else 0
    freed += sum(len(f.html) + len(f.text) for f in _fulltexts(store, texts).values())
    touched = _headline_sources(store, chosen)
    stories = set(store.stories.stories_of(chosen).values()) if chosen else set()
    if dry_run:
        assets = _evict(store, retention, now, dry_run=True)
        return PruneReport(len(chosen), len(texts), assets, freed, usage.file_bytes,
                           usage.file_bytes, True, older_than=older_than, fit=max_bytes)
    removed = store.archive.remove_articles(chosen) if chosen else 0
    dropped = store.archive.remove_fulltexts(texts) if texts else 0
    assets = 0
    if removed:
        # The images only they used go with them (counted in article_bytes already); an
        # image another article still uses stays, whatever URL it has there.
        assets += store.caches.drop_unused_assets()
    assets_before = store.caches.asset_usage()[1]
    assets += _evict(store, retention, now, dry_run=False)
    freed += max(assets_before - store.caches.asset_usage()[1], 0)
    vacuumed, after = False, usage.file_bytes
    if vacuum and (removed or dropped or assets):
        store.archive.vacuum()
        # measured, not before minus the shrink: the deletes grew the write-ahead log,
        # which the vacuum's checkpoint empties (that read 530 MB for a file of 845 MB)
        after = store.archive.usage().file_bytes
        vacuumed = True
    changes = Changes()
    if removed:
        changes = Changes.of(all_articles=True, sources=touched, stories=stories)
    if dropped:
        changes |= Changes.of(new_articles=texts)
    return PruneReport(removed, dropped, assets, freed, usage.file_bytes, after, False,
                       vacuumed, changes, older_than, max_bytes)


def _headline_sources(store: Store, article_ids: Sequence[str]) -> set[int]:
    """The sources of these articles (their counts change when they go)."""
    found: set[int] = set()
    for start in range(0, len(article_ids), _CHUNK):
        chunk = tuple(article_ids[start:start + _CHUNK])
        found.update(h.source_id for h in store.articles.headlines(ArticleQuery(ids=chunk),
                                                                    limit=len(chunk)))
    return found


KEPT_FOR_EVER = timedelta(days=365 * 200)  # an age no stored article reaches


def keep_to_retention(store: Store, *, retention: Retention | None = None,
                      now: datetime | None = None) -> PruneReport:
    """What the window does by itself (once a day, after a refresh): remove what the
    retention settings no longer keep (read articles, full texts, images over the cache's
    caps), without the vacuum (that waits for the user's Compact or `newsdesk prune`).
    "For ever" removes nothing by age."""
    retention = retention or read_retention()
    older_than = (timedelta(days=retention.read_days) if retention.read_days is not None
                  else KEPT_FOR_EVER)
    return prune(store, older_than=older_than, vacuum=False, retention=retention, now=now)


def storage(store: Store) -> StorageUsage:
    """The database and cache sizes, by source."""
    return store.archive.usage()


def full_texts_of(store: Store, article_ids: Sequence[str]) -> Mapping[str, FullText]:
    """The stored full texts of these articles (for `articles --json`, the framing)."""
    return _fulltexts(store, article_ids)


def version_counts(store: Store, article_ids: Sequence[str]) -> Mapping[str, int]:
    """How many earlier versions each of these articles has (none: left out)."""
    return _by_chunks(article_ids, store.archive.version_counts)


@dataclass(frozen=True, slots=True)
class Compacted:
    """What a vacuum gave back to the disk (the window's Storage ▸ Compact)."""

    freed_bytes: int
    changes: Changes = field(default_factory=Changes)


def compact(store: Store) -> Compacted:
    """Give the database's free pages back to the file system (a StoreError sentence when
    the disk lacks the room; nothing is lost)."""
    return Compacted(store.archive.vacuum())
