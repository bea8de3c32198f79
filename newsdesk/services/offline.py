"""The archive's use cases: make articles available offline (full text and images), fetch
one article's full text on demand, the per-source full-text setting, an article's earlier
versions with what changed, storage by source, and retention (prune, vacuum).

Network work (make_offline, fetch_full_text, fetch_always) runs on the caller's thread
with its own event loop: call it from a worker, never from the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from newsdesk.config import FetchSettings
from newsdesk.models import ArticleQuery, ArticleVersion, FullText
from newsdesk.offline.versions import DiffPart
from newsdesk.services.changes import Changes
from newsdesk.store import Store
from newsdesk.store.api import StorageUsage

# outcome of one article: "extracted", "kept_summary", "not_article", "failed", or
# "skipped" (its source's full text is off, or it has no page address)
OUTCOMES = ("extracted", "kept_summary", "not_article", "failed", "skipped")


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

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def images_stored(self) -> int:
        return sum(item.images_stored for item in self.items)

    @property
    def images_failed(self) -> int:
        return sum(item.images_failed for item in self.items)

    def summary(self) -> str:
        """One sentence: 'Full text of 120 articles: 97 extracted, 15 kept the feed's
        summary (9 behind a paywall, 6 not articles), 8 failed.' (and images, cancelled)."""
        raise NotImplementedError

    def reasons(self) -> list[tuple[str, int]]:
        """Why articles kept their summary, were skipped or failed: (reason, how many),
        commonest first."""
        raise NotImplementedError


OfflineProgress = Callable[[int, int, OfflineItem], None]  # (done, total, the item just done)


def offline_selection(store: Store, *, every: bool = False, source_id: int | None = None,
                      story_id: int | None = None, topic: str | None = None,
                      since: datetime | None = None) -> ArticleQuery:
    """The view `newsdesk offline` works on. Raises ValueError ("Say which articles: …")
    when nothing is chosen, NotFoundError for an unknown source, story or topic."""
    raise NotImplementedError


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
    raise NotImplementedError


def fetch_full_text(store: Store, article_id: str, *,
                    settings: FetchSettings | None = None) -> OfflineItem:
    """Fetch one article's page now (the reader's button and key), whatever its source's
    setting and even when a full text is stored (a changed page keeps the old as a
    version). Raises NotFoundError for an unknown article."""
    raise NotImplementedError


def fetch_always(store: Store, article_ids: Sequence[str], *,
                 settings: FetchSettings | None = None,
                 should_stop: Callable[[], bool] = lambda: False) -> OfflineReport:
    """After a refresh: fetch the full text of those of `article_ids` whose source is set
    to "always" and whose feed gave a summary only (offline.fulltext.needs_full_text)."""
    raise NotImplementedError


def set_full_text_mode(store: Store, source_id: int, mode: str) -> Changes:
    """Set a source's full-text mode ("off", "on-demand", "always"). Raises ValueError
    with the three choices for any other word, NotFoundError for an unknown source."""
    raise NotImplementedError


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

    def diff(self, older: int, newer: int) -> tuple[list[DiffPart], list[DiffPart]]:
        """(headline diff, text diff) between two version numbers (1-based)."""
        raise NotImplementedError

    def headline_changes(self) -> list[str]:
        """'Headline changed 3 h after publication: “Old” → “New”', one a change."""
        raise NotImplementedError


def article_history(store: Store, article_id: str) -> ArticleHistory:
    """The article's versions with the current one (raises NotFoundError)."""
    raise NotImplementedError


def headline_notes(store: Store, article_ids: Sequence[str]) -> Mapping[str, str]:
    """For the framing pane: 'headline changed 3 h after publication' (the first change;
    '… and 2 more times') for each of these articles whose headline changed."""
    raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Retention:
    """How long the archive keeps what (days; None: for ever). Kept articles (starred,
    tagged, coded, noted, in a story of several outlets) are never pruned."""

    read_days: int | None = None  # read articles
    full_text_days: int | None = None  # full texts (the feed's version stays)
    cache_mb: int = 512  # the image cache's total cap
    image_days: int = 90  # cached images not used by a kept article


def read_retention() -> Retention:
    """The retention settings (settings file key "retention"); defaults for what is
    missing or malformed."""
    raise NotImplementedError


def write_retention(retention: Retention) -> None:
    """Save the retention settings. Raises OSError when the settings cannot be written."""
    raise NotImplementedError


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

    def summary(self) -> str:
        """'Removed 1,204 read articles older than 90 days, 300 full texts and 88 images:
        41.2 MB; the database went from 512 MB to 470 MB.' (or 'Would remove …')."""
        raise NotImplementedError


def prune(store: Store, *, older_than: timedelta | None = None, max_bytes: int | None = None,
          dry_run: bool = False, vacuum: bool = True, retention: Retention | None = None,
          now: datetime | None = None) -> PruneReport:
    """Remove read, unkept articles first stored more than `older_than` ago (default: the
    retention setting, else 90 days), full texts older than the retention's, images over
    the cache's caps; with `max_bytes`, then the oldest prunable articles until what is
    stored fits. `dry_run` counts and changes nothing. Then a vacuum when anything went."""
    raise NotImplementedError


def storage(store: Store) -> StorageUsage:
    """The database and cache sizes, by source."""
    raise NotImplementedError


def full_texts_of(store: Store, article_ids: Sequence[str]) -> Mapping[str, FullText]:
    """The stored full texts of these articles (for `articles --json`, the framing)."""
    raise NotImplementedError


def version_counts(store: Store, article_ids: Sequence[str]) -> Mapping[str, int]:
    """How many earlier versions each of these articles has (none: left out)."""
    raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Compacted:
    """What a vacuum gave back to the disk (the window's Storage ▸ Compact)."""

    freed_bytes: int
    changes: Changes = field(default_factory=Changes)


def compact(store: Store) -> Compacted:
    """Give the database's free pages back to the file system (a StoreError sentence when
    the disk lacks the room; nothing is lost)."""
    return Compacted(store.archive.vacuum())
