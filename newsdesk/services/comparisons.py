"""Compare how outlets frame a story: read its members from the store, compare them with
the pure `analysis.framing`, and cache the result under a signature of what was compared.

An outlet here is the store's outlet (`Article.outlet`, from `newsdesk.outlets`), the same
one story grouping counts: two feeds of one site are one outlet, shown under one name.
An article whose page was fetched is compared by its full text (the feed's summary says
too little to frame anything), so the signature holds the full texts' too.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newsdesk.analysis.framing import (
    Comparison,
    FramingArticle,
    analysis_fingerprint,
    compare,
)
from newsdesk.errors import NotFoundError, StoreError
from newsdesk.formats.comparison_json import comparison_from_dict, to_json
from newsdesk.formats.html_report import to_html
from newsdesk.formats.markdown_report import to_markdown
from newsdesk.models import Article, FullText, Source
from newsdesk.outlets import outlet_names as name_outlets
from newsdesk.store import Store

log = logging.getLogger(__name__)

# Part of the cache signature: comparisons grouped by source title (before outlets were
# the store's) are compared afresh.
GROUPING = "outlet-1"


def outlet_names(members: Iterable[tuple[Article, Source]]) -> dict[str, str]:
    """Each outlet's name in a story (newsdesk.outlets.outlet_names over its members)."""
    return name_outlets((article.outlet, source.id, source.display_name)
                        for article, source in members)


def _framing_article(article: Article, source: Source, outlet: str,
                     fulltext: FullText | None = None) -> FramingArticle:
    """What framing compares of an article: its extracted full text when there is one,
    else the feed's version."""
    site = urlsplit(source.site_url or source.url).hostname or ""
    full = fulltext if fulltext is not None and fulltext.extracted else None
    return FramingArticle(
        id=article.id, outlet=outlet, site=site.removeprefix("www."), title=article.title,
        text=full.text if full else article.text, html=full.html if full else article.html,
        url=article.url,
        published=article.published, categories=article.categories)


def _framing_articles(store: Store, article_ids: Iterable[str]) -> list[FramingArticle]:
    sources: dict[int, Source] = {}
    members = []
    ids = list(article_ids)
    for article_id in ids:
        article = store.articles.get(article_id)
        if article.source_id not in sources:
            sources[article.source_id] = store.sources.get(article.source_id)
        members.append((article, sources[article.source_id]))
    names = outlet_names(members)
    fulltexts = store.archive.fulltexts(ids)
    return [_framing_article(a, s, names[a.outlet], fulltexts.get(a.id)) for a, s in members]


def _fulltext_signature(store: Store, story_id: int) -> str:
    """The members' extracted full texts (which, and when fetched): a comparison made
    before one was fetched, re-fetched or pruned no longer holds."""
    ids = [m.article_id for m in store.stories.members(story_id)]
    found = store.archive.fulltexts(ids) if ids else {}
    return ";".join(f"{i}@{f.fetched_at.isoformat()}:{f.word_count}"
                    for i, f in sorted(found.items()) if f.extracted)


_priors: dict[str, tuple[int, Counter[str]]] = {}  # database path -> (documents, prior)


def _prior(store: Store) -> Counter[str] | None:
    """The word prior of all stored articles, read again only when grouping has counted
    more articles (sorting the term table costs ~0.1 s at half a million terms)."""
    documents = store.stories.grouped_documents()
    known = _priors.get(store.url)
    if known is None or known[0] != documents or store.url == "sqlite:///:memory:":
        known = (documents, Counter(store.stories.term_prior()))
        _priors[store.url] = known
    return known[1] or None


def _signature(store: Store, story_id: int) -> str:
    # A story without full texts keeps the signature it had before there were any.
    text = f"{analysis_fingerprint()}\n{GROUPING}\n{store.stories.signature(story_id)}"
    if full := _fulltext_signature(store, story_id):
        text += f"\n{full}"
    return hashlib.sha1(text.encode()).hexdigest()


def cached_story_comparison(store: Store, story_id: int) -> Comparison | None:
    """The stored comparison when it still matches the story; None when it must be computed
    (cheap enough for the GUI thread: four indexed reads and a JSON parse)."""
    return _cached(store, story_id, _signature(store, story_id))


def _cached(store: Store, story_id: int, signature: str) -> Comparison | None:
    cached = store.caches.cached_comparison(story_id)
    if cached is None or cached[0] != signature:
        return None
    try:
        return comparison_from_dict(json.loads(cached[1]))
    except (ValueError, KeyError, TypeError) as exc:  # an older shape: recompute
        log.info("cached comparison of story %s unreadable (%s); recomputing", story_id, exc)
        return None


def compare_story(store: Store, story_id: int, *, use_cache: bool = True) -> tuple[str, Comparison]:
    """(label, comparison) for a stored story; NotFoundError for an unknown id.

    Comparisons are cached in the store under a signature of the story's members and
    their content (and of the analysis and its lexicons), so a story that gains an
    article, or an article whose text changed, is compared afresh.
    """
    label = store.stories.label(story_id)
    signature = _signature(store, story_id)
    if use_cache and (cached := _cached(store, story_id, signature)) is not None:
        return label, cached
    members = store.stories.members(story_id)
    if not members:
        raise NotFoundError(f"There is no story with id {story_id}.")
    articles = _framing_articles(store, (m.article_id for m in members))
    comparison = compare(articles, _prior(store))
    if use_cache:
        try:
            store.caches.save_comparison(story_id, signature, to_json(label, comparison))
        except StoreError as exc:  # a full disk or read-only file costs speed, not the answer
            log.warning("could not cache the comparison of story %s: %s", story_id, exc)
    return label, comparison


def warm_cache(store: Store, *, limit: int = 50) -> int:
    """Compare the newest stories of two or more outlets that have no cached comparison,
    so the pane finds them ready; return how many were compared. Run off the GUI thread."""
    done = 0
    for story_id in store.caches.stories_without_comparison(limit=limit):
        try:
            compare_story(store, story_id)
        except NotFoundError:  # regrouped meanwhile
            continue
        done += 1
    return done


def compare_article(store: Store, article_id: str) -> tuple[str, Comparison]:
    """One article's own profile (for an article not grouped into a story yet)."""
    article = _framing_articles(store, [article_id])[0]
    return article.title, compare([article], _prior(store))


def story_urls(store: Store, story_id: int) -> dict[str, str]:
    """Article id -> address of a story's members, for reports that link to them."""
    return {m.article_id: m.url for m in store.stories.members(story_id) if m.url}


@dataclass(frozen=True)
class StoryView:
    """What a story pane shows for one article: its story, label, comparison, outlets."""

    article_id: str
    story_id: int | None  # None: not grouped yet, the comparison is the article's profile
    label: str
    comparison: Comparison
    outlets: int  # the story's outlets as grouping counts them (1 for an article alone)


def read_story(store: Store, article_id: str) -> StoryView:
    """The selected article's story and its comparison: the cached one when it still
    matches the story, else computed now (and cached). Run off a window's GUI
    thread."""
    story_id = store.stories.story_of(article_id)
    if story_id is None:
        label, comparison = compare_article(store, article_id)
        return StoryView(article_id, None, label, comparison, 1)
    cached = cached_story_comparison(store, story_id)
    if cached is not None:
        label, comparison = store.stories.label(story_id), cached
    else:
        label, comparison = compare_story(store, story_id)
    return StoryView(article_id, story_id, label, comparison, store.stories.outlet_count(story_id))


def write_report(store: Store, view: StoryView, path: Path, fmt: str,
                 article_url: str | None = None) -> Path:
    """Write a comparison as a report (html, md or json); the HTML links its articles, whose
    addresses are read here."""
    urls = story_urls(store, view.story_id) if view.story_id is not None else {}
    if article_url:
        urls.setdefault(view.article_id, article_url)
    if fmt == "html":
        text = to_html(view.label, view.comparison, urls=urls)
    elif fmt == "md":
        text = to_markdown(view.label, view.comparison, urls=urls)
    else:
        text = to_json(view.label, view.comparison)
    path.write_text(text + "\n", encoding="utf-8")
    return path
