"""The `--json` contract: one JSON object a line, shapes that tools rely on.

Each record function builds the object; each line function writes it exactly as the CLI
always has (sources in ASCII with escapes, articles and stories in UTF-8). Changing a key or
a spelling here breaks somebody's script: add keys, never rename them.
"""

from __future__ import annotations

import json
from typing import Any

from newsdesk.dates import to_iso
from newsdesk.models import Article, Source, StorySummary

JsonRecord = dict[str, Any]


def source_record(source: Source, articles: int) -> JsonRecord:
    """A source for `newsdesk sources list --json`, with its article count."""
    return {"id": source.id, "title": source.title, "url": source.url,
            "site_url": source.site_url, "folder": source.folder, "kind": source.kind,
            "articles": articles, "error_count": source.error_count,
            "last_error": source.last_error_message,
            "last_success": to_iso(source.last_success_at),
            "next_fetch": to_iso(source.next_fetch_at)}


def article_record(article: Article, source: Source | None) -> JsonRecord:
    """An article for `newsdesk articles --json` and `search --json` (its source may be gone)."""
    a = article
    return {
        "id": a.id, "source": source.display_name if source else "", "source_id": a.source_id,
        "source_url": source.url if source else "", "outlet": a.outlet, "url": a.url,
        "title": a.title, "author": a.author, "authors": list(a.authors),
        "published": to_iso(a.published), "updated": to_iso(a.updated), "text": a.text,
        "html": a.html, "summary_html": a.summary_html, "categories": list(a.categories),
        "language": a.language, "word_count": a.word_count, "comments_url": a.comments_url,
        "enclosures": [{"url": e.url, "type": e.type, "length": e.length} for e in a.enclosures],
    }


def story_record(story: StorySummary) -> JsonRecord:
    """A story for `newsdesk stories --json`: its outlets and article ids."""
    return {"id": story.id, "label": story.label, "first_seen": to_iso(story.first_seen),
            "last_seen": to_iso(story.last_seen), "size": story.size,
            "outlets": list(story.outlets), "article_ids": list(story.article_ids)}


def cluster_record(article_id: str, story_id: int) -> JsonRecord:
    """One output line of `newsdesk cluster`: which story an input article joined."""
    return {"id": article_id, "cluster": story_id}


def source_line(source: Source, articles: int) -> str:
    return json.dumps(source_record(source, articles))


def article_line(article: Article, source: Source | None) -> str:
    return json.dumps(article_record(article, source), ensure_ascii=False)


def story_line(story: StorySummary) -> str:
    return json.dumps(story_record(story), ensure_ascii=False)


def cluster_line(article_id: str, story_id: int) -> str:
    return json.dumps(cluster_record(article_id, story_id))
