"""The `--json` contract: one JSON object a line, shapes that tools rely on.

Each record function builds the object; each line function writes it exactly as the CLI
always has (sources in ASCII with escapes, articles and stories in UTF-8). Changing a key or
a spelling here breaks somebody's script: add keys, never rename them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from newsdesk.analysis.agreement import Agreement
from newsdesk.dates import to_iso
from newsdesk.models import (
    Annotation,
    Article,
    ArticleVersion,
    Codebook,
    Correction,
    FullText,
    Source,
    StoryExplanation,
    StorylineSummary,
    StorySummary,
    Tag,
    User,
)
from newsdesk.offline.versions import DiffPart

JsonRecord = dict[str, Any]


def source_record(source: Source, articles: int) -> JsonRecord:
    """A source for `newsdesk sources list --json`, with its article count."""
    return {"id": source.id, "title": source.title, "url": source.url,
            "site_url": source.site_url, "folder": source.folder, "kind": source.kind,
            "articles": articles, "error_count": source.error_count,
            "last_error": source.last_error_message,
            "last_success": to_iso(source.last_success_at),
            "next_fetch": to_iso(source.next_fetch_at), "full_text": source.full_text}


def article_record(article: Article, source: Source | None,
                   annotations: Sequence[Annotation] | None = None, *,
                   fulltext: FullText | None = None, versions: int = 0) -> JsonRecord:
    """An article for `newsdesk articles --json` and `search --json` (its source may be
    gone); with `annotations` (those kept on it, any order), also its desk's keys (see
    `annotation_fields`). The archive's keys: `full_text` (the plain text extracted from
    its page, or null), `full_html` (that text's sanitized HTML, or null), `full_text_status`
    (null when the page was never fetched, else "extracted", "kept_summary", "not_article"
    or "failed"), `full_text_reason` (why not extracted, or null) and `versions` (how many
    earlier versions are kept)."""
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
    full = fulltext if fulltext is not None and fulltext.extracted else None
    unread = fulltext if fulltext is not None and full is None else None
    record.update({
        "full_text": full.text if full else None, "full_html": full.html if full else None,
        "full_text_status": fulltext.status if fulltext is not None else None,
        "full_text_reason": (unread.reason or None) if unread else None, "versions": versions,
    })
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


def user_record(user: User) -> JsonRecord:
    """A user for `newsdesk users list --json`: never the password's hash."""
    return {"name": user.name, "created": to_iso(user.created), "tokens": user.tokens,
            "disabled": user.disabled}


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


class SourceSizes(Protocol):
    """What `storage_record` reads of one source's usage (the store's SourceUsage: formats
    import no store)."""

    @property
    def source_id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def articles(self) -> int: ...
    @property
    def article_bytes(self) -> int: ...
    @property
    def full_texts(self) -> int: ...
    @property
    def full_text_bytes(self) -> int: ...
    @property
    def versions(self) -> int: ...
    @property
    def version_bytes(self) -> int: ...
    @property
    def assets(self) -> int: ...
    @property
    def asset_bytes(self) -> int: ...
    @property
    def total_bytes(self) -> int: ...


class Sizes(Protocol):
    """What `storage_record` reads of the store's StorageUsage."""

    @property
    def file_bytes(self) -> int: ...
    @property
    def free_bytes(self) -> int: ...
    @property
    def articles(self) -> int: ...
    @property
    def full_texts(self) -> int: ...
    @property
    def versions(self) -> int: ...
    @property
    def assets(self) -> int: ...
    @property
    def asset_bytes(self) -> int: ...
    @property
    def sources(self) -> Sequence[SourceSizes]: ...


def storage_record(usage: Sizes) -> JsonRecord:
    """`newsdesk cache --json`: the database file's size on disk (`file_bytes`, with its
    write-ahead log), what a vacuum would give back (`free_bytes`), how many `articles`,
    `full_texts`, earlier `versions` and cached `assets` (distinct images, `asset_bytes`)
    are stored, and `sources`: per source its id, title, the same counts with their bytes
    (`article_bytes`, `full_text_bytes`, `version_bytes`, `asset_bytes`) and
    `total_bytes`, largest first."""
    return {
        "file_bytes": usage.file_bytes, "free_bytes": usage.free_bytes,
        "articles": usage.articles, "full_texts": usage.full_texts,
        "versions": usage.versions, "assets": usage.assets, "asset_bytes": usage.asset_bytes,
        "sources": [{"id": s.source_id, "title": s.title, "articles": s.articles,
                     "article_bytes": s.article_bytes, "full_texts": s.full_texts,
                     "full_text_bytes": s.full_text_bytes, "versions": s.versions,
                     "version_bytes": s.version_bytes, "assets": s.assets,
                     "asset_bytes": s.asset_bytes, "total_bytes": s.total_bytes}
                    for s in sorted(usage.sources, key=lambda s: (-s.total_bytes, s.title))],
    }


def diff_record(parts: Sequence[DiffPart]) -> list[list[str]]:
    """A word diff as [op, text] pairs: "=" kept, "-" removed, "+" added."""
    return [[p.op, p.text] for p in parts]


def version_record(version: ArticleVersion, *, current: bool,
                   diff: tuple[Sequence[DiffPart], Sequence[DiffPart]] | None) -> JsonRecord:
    """One version for `newsdesk versions ID --json`: its number, origin ("feed" or
    "page"), headline, text, when it was first seen and replaced, whether it is the
    current one, and (`title_diff`, `text_diff`) what the next version of the same origin
    changed, or null for a current version."""
    return {"number": version.number, "origin": version.origin, "title": version.title,
            "text": version.text, "seen": to_iso(version.seen),
            "replaced": None if current else to_iso(version.replaced), "current": current,
            "title_diff": diff_record(diff[0]) if diff else None,
            "text_diff": diff_record(diff[1]) if diff else None}


def cluster_record(article_id: str, story_id: int, storyline_id: int | None = None) -> JsonRecord:
    """One output line of `newsdesk cluster`: which story an input article joined, and
    which storyline that story is in (null: none, or a storyline of that story alone)."""
    return {"id": article_id, "cluster": story_id, "storyline": storyline_id}


def storyline_record(storyline: StorylineSummary) -> JsonRecord:
    """A storyline for `newsdesk storylines --json`: its span, events (newest first),
    outlets, unread count and whether it is followed."""
    return {"id": storyline.id, "label": storyline.label,
            "first_seen": to_iso(storyline.first_seen), "last_seen": to_iso(storyline.last_seen),
            "events": storyline.events, "outlets": list(storyline.outlets),
            "story_ids": list(storyline.story_ids), "unread": storyline.unread,
            "followed": storyline.followed}


def explanation_record(explanation: StoryExplanation) -> JsonRecord:
    """`newsdesk stories explain --json`: why a story holds each article."""
    return {"id": explanation.story_id, "label": explanation.label,
            "storyline": explanation.storyline_id, "storyline_reason": explanation.storyline_reason,
            "members": [{"article_id": m.article_id, "title": m.title, "outlet": m.outlet,
                         "similarity": m.similarity, "days_apart": m.days_apart,
                         "shared_names": list(m.shared_names),
                         "shared_terms": list(m.shared_terms), "copy_of": m.copy_of,
                         "corrected": m.corrected} for m in explanation.members],
            "corrections": [correction_record(c) for c in explanation.corrections]}


def correction_record(correction: Correction) -> JsonRecord:
    """A user's correction of the grouping, in article terms (as exports carry it)."""
    return {"id": correction.id, "kind": correction.kind,
            "articles": list(correction.articles), "anchor": list(correction.anchor),
            "editor": correction.editor, "created": to_iso(correction.created)}


def source_line(source: Source, articles: int) -> str:
    return json.dumps(source_record(source, articles))


def article_line(article: Article, source: Source | None,
                 annotations: Sequence[Annotation] | None = None, *,
                 fulltext: FullText | None = None, versions: int = 0) -> str:
    return json.dumps(article_record(article, source, annotations, fulltext=fulltext,
                                     versions=versions), ensure_ascii=False)


def story_line(story: StorySummary) -> str:
    return json.dumps(story_record(story), ensure_ascii=False)


def cluster_line(article_id: str, story_id: int, storyline_id: int | None = None) -> str:
    return json.dumps(cluster_record(article_id, story_id, storyline_id))


def storyline_line(storyline: StorylineSummary) -> str:
    return json.dumps(storyline_record(storyline), ensure_ascii=False)


def record_line(record: JsonRecord) -> str:
    """Any of the desk's records on one line, in UTF-8."""
    return json.dumps(record, ensure_ascii=False)
