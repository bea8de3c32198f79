"""Build a story's framing comparison from the store, and write it as Markdown or JSON.

Glue between `store` and the pure `analysis.framing`, like clustering.py is for stories.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from newsdesk.analysis.framing import (
    FRAME_LABELS,
    Comparison,
    FramingArticle,
    analysis_fingerprint,
    compare,
    comparison_from_dict,
)
from newsdesk.errors import NotFoundError, StoreError
from newsdesk.presentation import outlets_in_order, signed
from newsdesk.store import Store
from newsdesk.textsafe import printable

log = logging.getLogger(__name__)


def _framing_article(store: Store, article_id: str) -> FramingArticle:
    article = store.articles.get(article_id)
    source = store.sources.get(article.source_id)
    site = urlsplit(source.site_url or source.url).hostname or ""
    return FramingArticle(
        id=article.id, outlet=source.display_name, site=site.removeprefix("www."),
        title=article.title, text=article.text, html=article.html, url=article.url,
        published=article.published, categories=article.categories)


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
    return hashlib.sha1(
        f"{analysis_fingerprint()}\n{store.stories.signature(story_id)}".encode()).hexdigest()


def cached_story_comparison(store: Store, story_id: int) -> Comparison | None:
    """The stored comparison when it still matches the story; None when it must be computed
    (cheap enough for the GUI thread: two indexed reads and a JSON parse)."""
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
    articles = [_framing_article(store, m.article_id) for m in members]
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
    article = _framing_article(store, article_id)
    return article.title, compare([article], _prior(store))


def to_json(label: str, comparison: Comparison) -> str:
    def default(value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    return json.dumps({"story": label, **asdict(comparison)}, default=default,
                      ensure_ascii=False, indent=2)


# Characters that make Markdown (CommonMark and GitHub's tables) out of text anywhere in a
# line, and what makes a block (heading, list, quote, rule) at the start of one.
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>|~!#&])")
_MD_BLOCK_START = re.compile(r"^(\s*)(?:([-+=])|(\d+)([.)]))")


def _md(text: str) -> str:
    """Text from a feed as Markdown that renders as that text: no links, images, HTML,
    headings, lists or table cells of its own, on one line."""
    text = _MD_INLINE.sub(r"\\\1", printable(text).strip())
    return _MD_BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(2)
                               else f"{m.group(1)}{m.group(3)}\\{m.group(4)}", text)


def _md_list(items: Any) -> str:
    return ", ".join(_md(str(item)) for item in items)


def to_markdown(label: str, comparison: Comparison) -> str:
    """A report an editor can paste or send: every figure with its evidence.

    Every text that came from a feed (titles, names, sentences, words) is escaped, so a
    title like "[click](javascript:...)" or "# Heading" shows as written.
    """
    outlets = outlets_in_order(comparison)
    lines = [f"# {_md(label)}", "", "## Timeline", ""]
    for entry in comparison.timeline:
        lag = "first" if entry.hours_after_first == 0 else f"+{entry.hours_after_first:.1f} h"
        lines.append(f"- **{_md(entry.outlet)}** ({lag}): {entry.published:%Y-%m-%d %H:%M} UTC")
    lines += ["", "## What every outlet reports", "",
              _md_list(comparison.common_core) or "(nothing in common)", ""]
    used = [k for k in FRAME_LABELS if any(o.frames.get(k) for o in outlets)]
    if used:
        lines += ["## Frames", "", "Share of each outlet's framing sentences per dimension.", "",
                  "| outlet | " + " | ".join(FRAME_LABELS[k] for k in used) + " |",
                  "|---|" + "---:|" * len(used)]
        lines += ["| " + _md(frame.outlet) + " | " + " | ".join(
            f"{frame.frames[k]:.0%}" if frame.frames.get(k) else "" for k in used) + " |"
            for frame in outlets]
        lines.append("")
    for frame in outlets:
        lines += [f"## {_md(frame.outlet)}", "", f"*{_md(frame.kind)}* ({_md(frame.kind_reason)}); "
                  f"tone {signed(frame.tone)} (VADER, -1 to 1)", ""]
        lines += [f"- {_md(h.sentence)}" for h in frame.headlines]
        lines.append("")
        if frame.headline_words:
            lines.append("Headline words no one else uses: " + _md_list(frame.headline_words))
        if frame.distinctive:
            lines.append("Distinctive words and phrases: " + ", ".join(
                f"{_md(t.term)} ({t.z:+.2f})" for t in frame.distinctive))
        if frame.voices:
            lines.append("Voices: " + _md_list(v.name for v in frame.voices))
        if frame.missing_voices:
            lines.append("Leaves out voices others quote: " + _md_list(frame.missing_voices))
        if frame.links_to_outlets:
            lines.append("Links to: " + _md_list(frame.links_to_outlets))
        if frame.primary_sources:
            lines.append("Primary sources: " + _md_list(frame.primary_sources))
        evidence = [(f"loaded: “{_md(t.word)}”", t.evidence.sentence) for t in frame.loaded]
        evidence += [("hedge", e.sentence) for e in frame.hedges]
        evidence += [(f"tone {signed(score)}", e.sentence) for score, e in frame.tone_evidence]
        evidence += [(f"voice: {_md(v.name)}", v.evidence[0].sentence) for v in frame.voices]
        evidence += [(f"“{_md(t.term)}”", t.evidence[0].sentence) for t in frame.distinctive
                     if t.evidence]
        if evidence:
            lines += ["", "Evidence:", ""]
            lines += [f"- {what}: > {_md(sentence)}" for what, sentence in evidence]
        lines.append("")
    return "\n".join(lines)
