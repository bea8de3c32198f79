"""Sources: subscribe, follow the default outlets or an OPML file, edit, remove, export.

The rules live here once for the CLI and the window: a subscription's first items join
stories; changing a source's address forgets what the old address told us.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.config import FetchSettings, resource_path
from newsdesk.formats import opml
from newsdesk.formats.opml import OutlineFeed, read_opml
from newsdesk.ingest.pipeline import add_feed
from newsdesk.models import Source, SourceReport
from newsdesk.services.changes import Changes
from newsdesk.services.refresh import group_new_articles
from newsdesk.store import Store

DEFAULT_OPML = "default-sources.opml"


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A source with how many articles it holds (for lists and before removing it)."""

    source: Source
    articles: int


@dataclass(frozen=True, slots=True)
class Subscribed:
    """The outcome of subscribing: the source, its first fetch (None if already followed)."""

    source: Source
    report: SourceReport | None
    created: bool
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True, slots=True)
class Followed:
    """The outcome of following many feeds at once (defaults, an OPML file)."""

    added: int  # new sources
    total: int  # feeds asked for; total - added were followed already
    changes: Changes = field(default_factory=Changes)

    @property
    def already(self) -> int:
        return self.total - self.added


@dataclass(frozen=True, slots=True)
class Removed:
    """A source removed with its articles."""

    source: Source
    articles: int
    changes: Changes = field(default_factory=Changes)


def list_sources(store: Store) -> list[SourceRow]:
    """Every source, by folder then title, each with its article count."""
    return [SourceRow(s, store.articles.count(s.id)) for s in store.sources.list()]


def get_source(store: Store, source_id: int) -> SourceRow:
    """One source and its article count; NotFoundError if there is no such source."""
    source = store.sources.get(source_id)
    return SourceRow(source, store.articles.count(source_id))


def folders(store: Store) -> list[str]:
    """The folder names in use, sorted (for a folder picker)."""
    return sorted({s.folder for s in store.sources.list() if s.folder})


def subscribe(store: Store, url: str, *, folder: str = "", title: str = "",
              settings: FetchSettings | None = None) -> Subscribed:
    """Follow a feed by its URL or by a site's (its feed is discovered); store its first
    items and put them into stories.

    Raises FetchError when the URL is not one, or when neither it nor any feed its page
    advertises can be read (see ingest.pipeline.add_feed); nothing is added then.
    """
    source, report, created = add_feed(store, url, folder=folder, title=title,
                                       settings=settings)
    if not created:
        return Subscribed(source, report, created)
    new_ids = report.new_ids if report is not None else ()
    _, stories = group_new_articles(store, new_ids)
    return Subscribed(source, report, created, Changes.of(
        new_articles=new_ids, sources=[source.id], stories=stories, source_list=True))


def default_feeds() -> list[OutlineFeed]:
    """The outlets a new user starts with (resources/default-sources.opml)."""
    return read_opml(resource_path(DEFAULT_OPML))


def follow_feeds(store: Store, feeds: list[OutlineFeed]) -> Followed:
    """Subscribe to every feed (folders kept) in one transaction, without fetching them."""
    with store.transaction():
        added = [source.id for source, created in (
            store.sources.add(f.url, title=f.title, site_url=f.site_url, folder=f.folder)
            for f in feeds) if created]
    return Followed(len(added), len(feeds),
                    Changes.of(sources=added, source_list=bool(added)))


def follow_defaults(store: Store) -> Followed:
    """Follow NewsDesk's default outlets."""
    return follow_feeds(store, default_feeds())


def import_opml(store: Store, path: str | Path) -> Followed:
    """Follow every feed of an OPML file; a file that cannot be read adds nothing (OPMLError)."""
    return follow_feeds(store, read_opml(path))


def export_opml(store: Store) -> str:
    """The sources as an OPML 2.0 document (sample sources left out)."""
    return opml.export_opml(store.sources.list())


def edit_source(store: Store, source_id: int, *, title: str, folder: str,
                url: str = "") -> Changes:
    """Rename a source, file it in another folder, or point it at another address.

    A new address forgets the old one's ETag, Last-Modified, body hash and schedule, so
    the next refresh fetches it at once and in full. An empty `url` keeps the address.
    """
    source = store.sources.get(source_id)
    fields: dict[str, object] = {"title": title, "folder": folder}
    if url and url != source.url:
        fields.update(url=url, etag=None, last_modified=None, body_hash=None,
                      next_fetch_at=None)
    store.sources.update(source_id, **fields)
    return Changes.of(sources=[source_id], source_list=True)


def remove_source(store: Store, source_id: int) -> Removed:
    """Stop following a source and delete its articles (starred ones too)."""
    source = store.sources.get(source_id)
    count = store.sources.remove(source_id)
    return Removed(source, count, Changes.of(sources=[source_id], source_list=True,
                                             all_articles=True))
