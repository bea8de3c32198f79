"""The article in a page: extract its main text, and say when a page is not one.

`extract` is the one place the extraction library is called (chosen by measuring:
bench/extract_eval.py), so it can change without touching anything else. What it returns
is sanitized with the feeds' allowlist (ingest.sanitize), so it is as safe to show.
Pure: no network, no store.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk.models import Article

EXTRACTOR = "trafilatura"  # with its version appended at import: "trafilatura 2.3.1"


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one page holds: its article ("extracted": sanitized html and plain text), or
    why not ("kept_summary": a paywall, or less text than the feed gave; "not_article": a
    video page, a list of links, a home page), with the reason as a sentence."""

    status: str
    html: str = ""
    text: str = ""
    reason: str = ""
    title: str = ""
    word_count: int = 0


def needs_full_text(article: Article) -> bool:
    """Whether the feed gave a summary only (no content, a short text, or one that ends
    with "Continue reading…", "Read more", "Read full article"), so the page is worth
    fetching."""
    raise NotImplementedError


def extract(page: str | bytes, url: str, *, feed_text: str = "") -> Extraction:
    """The article in a page (HTML as text or bytes, any declared charset), its links and
    images resolved against `url`. `feed_text` is what the feed gave: a page whose article
    holds less than that is "kept_summary". Never raises for any input."""
    raise NotImplementedError
