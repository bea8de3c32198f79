"""The `--json` contract: one JSON object a line, shapes that tools rely on.

Each record function builds the object; each line function writes it exactly as the CLI
always has (sources in ASCII with escapes, articles and stories in UTF-8). Changing a key or
a spelling here breaks somebody's script: add keys, never rename them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from newsdesk.analysis.agreement import Agreement
from newsdesk.dates import to_iso
from newsdesk.models import Annotation, Article, Codebook, Source, StorySummary, Tag

JsonRecord = dict[str, Any]


def source_record(source: Source, articles: int) -> JsonRecord:
    """A source for `newsdesk sources list --json`, with its article count."""
    return {"id": source.id, "title": source.title, "url": source.url,
            "site_url": source.site_url, "folder": source.folder, "kind": source.kind,
            "articles": articles, "error_count": source.error_count,
            "last_error": source.last_error_message,
            "last_success": to_iso(source.last_success_at),
            "next_fetch": to_iso(source.next_fetch_at)}


def article_record(article: Article, source: Source | None,
                   annotations: Sequence[Annotation] | None = None) -> JsonRecord:
    """An article for `newsdesk articles --json` and `search --json` (its source may be
    gone); with `annotations` (those kept on it, any order), also its desk's keys (see
    `annotation_fields`)."""
    a = article
    record = {
        "id": a.id, "source": source.display_name if source else "", "source_id": a.source_id,
        "source_url": source.url if source else "", "outlet": a.outlet, "url": a.url,
        "title": a.title, "author": a.author, "authors": list(a.authors),
        "published": to_iso(a.published), "updated": to_iso(a.updated), "text": a.text,
        "html": a.html, "summary_html": a.summary_html, "categories": list(a.categories),
        "language": a.language, "word_count": a.word_count, "comments_url": a.comments_url,
        "enclosures": [{"url": e.url, "type": e.type, "length": e.length} for e in a.enclosures],
    }
    if annotations is not None:
        record.update(annotation_fields(annotations))
    return record


def note_record(note: Annotation) -> JsonRecord:
    """A note: who wrote what when, on the article or its story, with its highlighted
    passage (`quote`, or null) and the words around it."""
    quote = note.quote
    return {"id": note.id, "editor": note.editor, "text": note.text,
            "quote": quote.exact if quote else None,
            "quote_prefix": quote.prefix if quote else "",
            "quote_suffix": quote.suffix if quote else "",
            "created": to_iso(note.created), "target": note.target}


def annotation_fields(annotations: Sequence[Annotation]) -> JsonRecord:
    """The desk's keys of an article record: `tags` (its own tags' names), `story_tags`
    (tags its story has that are kept on it), `notes` (note records, oldest first) and
    `codes` (codebook -> [{editor, value, created}], by editor)."""
    ordered = sorted(annotations, key=lambda x: (x.created, x.tag.casefold(), x.editor, x.id))
    codes: dict[str, list[JsonRecord]] = {}
    for c in sorted((x for x in ordered if x.kind == "code"),
                    key=lambda x: (x.codebook.casefold(), x.editor)):
        codes.setdefault(c.codebook, []).append(
            {"editor": c.editor, "value": c.value, "created": to_iso(c.created)})
    return {
        "tags": [x.tag for x in ordered if x.kind == "tag" and x.target == "article"],
        "story_tags": [x.tag for x in ordered if x.kind == "tag" and x.target == "story"],
        "notes": [note_record(x) for x in ordered if x.kind == "note"],
        "codes": codes,
    }


def tag_record(tag: Tag) -> JsonRecord:
    """A tag for `newsdesk tags list --json`: its colour and how often it is used."""
    return {"name": tag.name, "color": tag.color, "articles": tag.articles,
            "stories": tag.stories}


def codebook_record(book: Codebook) -> JsonRecord:
    """A codebook for `newsdesk codebooks list --json`, its values in order."""
    return {"name": book.name, "values": list(book.values), "description": book.description,
            "builtin": book.builtin}


def agreement_record(result: Agreement, titles: Mapping[str, str]) -> JsonRecord:
    """`newsdesk agreement --json`: alpha (null when undefined), what it was computed over,
    and each disagreement with its article's title and the editors' values."""
    return {"codebook": result.codebook,
            "alpha": None if result.alpha is None else round(result.alpha, 6),
            "units": result.units, "coders": result.coders, "values": result.values,
            "observed": round(result.observed, 6), "expected": round(result.expected, 6),
            "disagreements": [{"article_id": d.article_id, "title": titles.get(d.article_id, ""),
                               "codes": [{"editor": e, "value": v} for e, v in d.codes]}
                              for d in result.disagreements]}


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


def article_line(article: Article, source: Source | None,
                 annotations: Sequence[Annotation] | None = None) -> str:
    return json.dumps(article_record(article, source, annotations), ensure_ascii=False)


def story_line(story: StorySummary) -> str:
    return json.dumps(story_record(story), ensure_ascii=False)


def cluster_line(article_id: str, story_id: int) -> str:
    return json.dumps(cluster_record(article_id, story_id))


def record_line(record: JsonRecord) -> str:
    """Any of the desk's records on one line, in UTF-8."""
    return json.dumps(record, ensure_ascii=False)
