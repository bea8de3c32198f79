"""The desk's exchange formats: JSON Lines another NewsDesk imports, and tidy CSV for analysis.

JSON Lines, one JSON object a line, keys sorted, in this order: codebooks, then tags, then
annotations. The order is fixed (by name, then by article and annotation), so exporting,
importing elsewhere and exporting again gives the same bytes.

A codebook::

    {"builtin": false, "description": "", "name": "Coverage", "type": "newsdesk:Codebook",
     "values": ["supportive", "critical"]}

A tag's colour ("" for the default)::

    {"color": "#d9822b", "name": "ireland-case", "type": "newsdesk:Tag"}

An annotation is a W3C Web Annotation (https://www.w3.org/TR/annotation-model/)::

    {"@context": ["http://www.w3.org/ns/anno.jsonld", {"newsdesk": "urn:newsdesk:"}],
     "type": "Annotation",
     "id": "urn:uuid:...",
     "creator": {"type": "Person", "name": "alice"},   (none: an annotation from before
                                                       editors were recorded)
     "created": "2024-05-01T12:00:00Z",
     "motivation": "tagging" | "classifying" | "commenting" | "highlighting",
     "body": {"type": "TextualBody", "purpose": <the motivation>, "value": ...},
     "target": {"source": "https://outlet.example/story" or null,
                "newsdesk:guid": ... or null, "newsdesk:feed": <feed URL> or null,
                "newsdesk:title": "...", "newsdesk:outlet": "...",
                "newsdesk:published": <date> or null, "newsdesk:scope": "article" | "story",
                "selector": {"type": "TextQuoteSelector", "exact": ..., "prefix": ...,
                             "suffix": ...}}}

- tagging: the body's value is the tag. classifying: the value is the codebook's value and
  the body has "newsdesk:codebook". commenting: a note (body "format": "text/plain"), with
  a selector when it is a highlight. highlighting: a highlight without words (no body).
- `id` of a note is "urn:uuid:<its id>" ("urn:newsdesk:note:<id, percent-encoded>" for an
  id that is no UUID); tags and codes get a UUID made from what they say (uuid5), which a
  reader ignores: they are identified by article, scope, tag or codebook, and editor.
- `target.source` is the article's canonical URL: with the GUID and feed URL, how another
  database finds the article (article ids are local, so they are not written).
- Dates are UTC to the second (newsdesk.dates.to_iso).

Grouping corrections (merge, split, move, pin, detach; see models.Correction) come last,
one line each in the order made: {"type": "newsdesk:Correction", "kind", "articles":
[targets], "anchor": [targets], "editor", "created"}, a target as above without
"newsdesk:scope". The CSV export leaves them out (it is one row per annotation).

`read_jsonl` checks every line (JSON, types, required fields, a known motivation, dates, a
code's value against a codebook defined in the same file) and raises AnnotationFormatError
("Line N: ...") on the first bad one, before anything is returned: all or nothing.

CSV (RFC 4180, CRLF line ends): one row per article and annotation (an article without any
gets one row with the annotation columns empty), columns COLUMNS; `tags` lists the
article's and its story's tags separated by "; ". A cell starting with = + - @ (or a tab or
carriage return) gets a leading ' so a spreadsheet shows it instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote as percent_encode
from urllib.parse import unquote

from newsdesk.dates import to_iso
from newsdesk.errors import AnnotationFormatError
from newsdesk.models import Annotation, ArticleRef, Codebook, Coverage, CoveredArticle, Tag, TextQuote

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT: list[Any] = [W3C_CONTEXT, {"newsdesk": "urn:newsdesk:"}]
CODEBOOK_TYPE = "newsdesk:Codebook"
TAG_TYPE = "newsdesk:Tag"
CORRECTION_TYPE = "newsdesk:Correction"
CORRECTION_KINDS = ("merge", "split", "move", "pin", "detach")  # models.CORRECTION_KINDS
MOTIVATIONS = {"tagging": "tag", "classifying": "code", "commenting": "note", "highlighting": "note"}
SCOPES = ("article", "story")
COLUMNS = ("url", "outlet", "published", "title", "tags", "kind", "target", "editor", "created",
           "tag", "codebook", "value", "note", "quote", "note_id", "story_id", "story_label",
           "guid", "feed_url", "article_id")
_KIND_ORDER = {"tag": 0, "code": 1, "note": 2}
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_UUID_URN = "urn:uuid:"
_NOTE_URN = "urn:newsdesk:note:"
# Characters str.splitlines() breaks on that json.dumps(ensure_ascii=False) leaves raw.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True)
class Exchange:
    """What a JSON Lines file holds; annotations' article_id is "" (the ref finds it)."""

    codebooks: tuple[Codebook, ...]
    tags: tuple[Tag, ...]
    items: tuple[tuple[ArticleRef, Annotation], ...]
    # The line each codebook, tag and item was read from (parallel to the tuples above),
    # so the importing service can name the line its own checks refuse.
    codebook_lines: tuple[int, ...] = ()
    tag_lines: tuple[int, ...] = ()
    item_lines: tuple[int, ...] = ()
    corrections: tuple[ExchangedCorrection, ...] = ()  # in the order they were made


@dataclass(frozen=True)
class ExchangedCorrection:
    """A user's correction of the grouping as another database reads it: the articles by
    ref (ids are local), applied in the file's order (see models.Correction)."""

    kind: str
    articles: tuple[ArticleRef, ...]
    anchor: tuple[ArticleRef, ...]
    editor: str
    created: datetime


# ---------------------------------------------------------------- writing

def _dump(obj: dict[str, Any]) -> str:
    line = json.dumps(obj, sort_keys=True, ensure_ascii=False)
    for raw, escaped in _LINE_BREAKS.items():
        line = line.replace(raw, escaped)
    return line


def _ref_key(ref: ArticleRef) -> str:
    return ref.url or f"{ref.feed_url or ''}#{ref.guid or ''}"


def _note_urn(note_id: str) -> str:
    try:
        uuid.UUID(note_id)
    except ValueError:
        return _NOTE_URN + percent_encode(note_id, safe="")
    return _UUID_URN + note_id


def _note_id(urn: str) -> str:
    if urn.startswith(_UUID_URN):
        rest = urn[len(_UUID_URN):]
        try:
            uuid.UUID(rest)
        except ValueError:
            return urn
        return rest
    if urn.startswith(_NOTE_URN):
        return unquote(urn[len(_NOTE_URN):])
    return urn


def ref_object(ref: ArticleRef) -> dict[str, Any]:
    """How another database finds an article (an annotation's target without its scope)."""
    return {"source": ref.url or None, "newsdesk:guid": ref.guid or None,
            "newsdesk:feed": ref.feed_url or None, "newsdesk:title": ref.title,
            "newsdesk:outlet": ref.outlet, "newsdesk:published": to_iso(ref.published)}


def correction_object(c: ExchangedCorrection) -> dict[str, Any]:
    """One correction line: {"type": "newsdesk:Correction", "kind", "articles": [refs],
    "anchor": [refs], "editor", "created"}."""
    return {"type": CORRECTION_TYPE, "kind": c.kind,
            "articles": [ref_object(r) for r in c.articles],
            "anchor": [ref_object(r) for r in c.anchor], "editor": c.editor,
            "created": to_iso(c.created)}


def annotation_object(ref: ArticleRef, a: Annotation) -> dict[str, Any]:
    """One annotation as a W3C Web Annotation object (the module docstring's shape)."""
    target: dict[str, Any] = {
        "source": ref.url or None, "newsdesk:guid": ref.guid or None,
        "newsdesk:feed": ref.feed_url or None,
        "newsdesk:title": ref.title, "newsdesk:outlet": ref.outlet,
        "newsdesk:published": to_iso(ref.published), "newsdesk:scope": a.target}
    obj: dict[str, Any] = {"@context": CONTEXT, "type": "Annotation",
                           "created": to_iso(a.created), "target": target}
    if a.editor:  # "": kept before editors were recorded (migration 0010): no creator
        obj["creator"] = {"type": "Person", "name": a.editor}
    if a.kind == "note":
        obj["id"] = _note_urn(a.id)
        obj["motivation"] = "highlighting" if a.quote is not None and not a.text else "commenting"
        if obj["motivation"] == "commenting":
            obj["body"] = {"type": "TextualBody", "purpose": "commenting", "format": "text/plain",
                           "value": a.text}
        if a.quote is not None:
            target["selector"] = {"type": "TextQuoteSelector", "exact": a.quote.exact,
                                  "prefix": a.quote.prefix, "suffix": a.quote.suffix}
        return obj
    name = a.tag if a.kind == "tag" else a.codebook
    obj["id"] = _UUID_URN + str(uuid.uuid5(
        uuid.NAMESPACE_URL, f"newsdesk-{a.kind}:{_ref_key(ref)}:{a.target}:{name.casefold()}:{a.editor}"))
    if a.kind == "tag":
        obj["motivation"] = "tagging"
        obj["body"] = {"type": "TextualBody", "purpose": "tagging", "value": a.tag}
    else:
        obj["motivation"] = "classifying"
        obj["body"] = {"type": "TextualBody", "purpose": "classifying", "value": a.value,
                       "newsdesk:codebook": a.codebook}
    return obj


def _refs_by_id(coverage: Coverage) -> dict[str, ArticleRef]:
    return {ca.article_id: ca.ref for ca in coverage.articles if ca.article_id}


def _placed(coverage: Coverage) -> Iterator[tuple[ArticleRef, Annotation, CoveredArticle]]:
    """Each annotation with the ref of the article it lives on (a story's anchor, when the
    coverage holds it; else the article it was listed with)."""
    refs = _refs_by_id(coverage)
    for ca in coverage.articles:
        for a in ca.annotations:
            yield (refs.get(a.article_id, ca.ref) if a.article_id else ca.ref), a, ca


def _sort_ref(ref: ArticleRef) -> tuple[str, ...]:
    return (ref.url or "", ref.feed_url or "", ref.guid or "", to_iso(ref.published) or "",
            ref.outlet, ref.title)


def coverage_jsonl(coverage: Coverage,
                   corrections: Iterable[ExchangedCorrection] = ()) -> Iterator[str]:
    """The coverage as JSON Lines (without "\\n"), codebooks and tags first, the grouping
    corrections last (in the order they were made); deterministic."""
    for cb in sorted(coverage.codebooks, key=lambda c: (c.name.casefold(), c.name)):
        yield _dump({"type": CODEBOOK_TYPE, "name": cb.name, "values": list(cb.values),
                     "description": cb.description, "builtin": cb.builtin})
    for tag in sorted(coverage.tags, key=lambda t: (t.name.casefold(), t.name)):
        yield _dump({"type": TAG_TYPE, "name": tag.name, "color": tag.color})
    lines: set[tuple[tuple[str, ...], int, str]] = set()
    for ref, a, _ca in _placed(coverage):
        lines.add((_sort_ref(ref), _KIND_ORDER.get(a.kind, 3), _dump(annotation_object(ref, a))))
    for _ref, _kind, line in sorted(lines):
        yield line
    for correction in corrections:
        yield _dump(correction_object(correction))


# ---------------------------------------------------------------- reading

class _Line:
    """Field checks for one line; every failure is one sentence with the line number."""

    def __init__(self, number: int, obj: dict[str, Any]) -> None:
        self.number = number
        self.obj = obj

    def fail(self, sentence: str) -> AnnotationFormatError:
        return AnnotationFormatError(f"Line {self.number}: {sentence}")

    def field(self, obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
              *, required: bool = True, default: Any = None, nonempty: bool = False) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                raise self.fail(f'{where} has no "{key}".')
            return default
        value = obj[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.fail(f'"{key}" in {where} must be {_kind_name(kind)}, not {_json_name(value)}.')
        if nonempty and isinstance(value, str) and not value.strip():
            raise self.fail(f'"{key}" in {where} is empty.')
        return value

    def date(self, obj: dict[str, Any], key: str, where: str, *, required: bool) -> datetime | None:
        text = self.field(obj, key, str, where, required=required)
        if text is None:
            return None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(f'"{key}" in {where} is not a date like 2024-05-01T12:00:00Z: '
                            f"{text[:40]!r}.") from None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", bool: "true or false", list: "a list", dict: "an object", int: "a number"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _json_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    return {str: "text", int: "a number", float: "a number", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _codebook(line: _Line) -> Codebook:
    obj = line.obj
    name = line.field(obj, "name", str, "the codebook", nonempty=True)
    values = line.field(obj, "values", list, f'codebook "{name}"')
    if not values:
        raise line.fail(f'codebook "{name}" has no values.')
    seen: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise line.fail(f'codebook "{name}" has a value that is not text: {value!r}.')
        if value.casefold() in seen:
            raise line.fail(f'codebook "{name}" lists the value "{value}" twice.')
        seen.add(value.casefold())
    return Codebook(name=name, values=tuple(values),
                    description=line.field(obj, "description", str, f'codebook "{name}"',
                                           required=False, default=""),
                    builtin=line.field(obj, "builtin", bool, f'codebook "{name}"',
                                       required=False, default=False))


def _tag(line: _Line) -> Tag:
    name = line.field(line.obj, "name", str, "the tag", nonempty=True)
    color = line.field(line.obj, "color", str, f'tag "{name}"', required=False, default="")
    if color and not _COLOR.fullmatch(color):
        raise line.fail(f'the colour of tag "{name}" must be like #d9822b, not {color[:20]!r}.')
    return Tag(name=name, color=color)


def _ref(line: _Line, target: dict[str, Any]) -> ArticleRef:
    where = "the target"
    url = line.field(target, "source", str, where, required=False)
    guid = line.field(target, "newsdesk:guid", str, where, required=False)
    if not url and not guid:
        raise line.fail('the target has neither a URL ("source") nor a "newsdesk:guid", '
                        "so no article can match it.")
    return ArticleRef(url=url or None, guid=guid or None,
                      feed_url=line.field(target, "newsdesk:feed", str, where, required=False) or None,
                      title=line.field(target, "newsdesk:title", str, where, required=False, default=""),
                      outlet=line.field(target, "newsdesk:outlet", str, where, required=False,
                                        default=""),
                      published=line.date(target, "newsdesk:published", where, required=False))


def _quote(line: _Line, target: dict[str, Any]) -> TextQuote | None:
    selector = line.field(target, "selector", dict, "the target", required=False)
    if selector is None:
        return None
    if selector.get("type") != "TextQuoteSelector":
        raise line.fail(f'the selector must be a TextQuoteSelector, not {selector.get("type")!r}.')
    where = "the selector"
    return TextQuote(exact=line.field(selector, "exact", str, where, nonempty=True),
                     prefix=line.field(selector, "prefix", str, where, required=False, default=""),
                     suffix=line.field(selector, "suffix", str, where, required=False, default=""))


def _annotation(line: _Line) -> tuple[ArticleRef, Annotation]:
    obj = line.obj
    motivation = line.field(obj, "motivation", str, "the annotation")
    if motivation not in MOTIVATIONS:
        raise line.fail(f'the motivation must be one of {", ".join(MOTIVATIONS)}, '
                        f"not {motivation[:30]!r}.")
    kind = MOTIVATIONS[motivation]
    creator = line.field(obj, "creator", (dict, str), "the annotation", required=False)
    if isinstance(creator, str) and not creator.strip():
        raise line.fail('"creator" in the annotation is empty.')
    editor = ("" if creator is None else creator if isinstance(creator, str)
              else line.field(creator, "name", str, "the creator", nonempty=True))
    created = line.date(obj, "created", "the annotation", required=True)
    assert created is not None  # required=True raised otherwise
    target = line.field(obj, "target", dict, "the annotation")
    ref = _ref(line, target)
    scope = line.field(target, "newsdesk:scope", str, "the target", required=False, default="article")
    if scope not in SCOPES:
        raise line.fail(f'"newsdesk:scope" must be "article" or "story", not {scope[:20]!r}.')
    quote = _quote(line, target)
    body = line.field(obj, "body", dict, "the annotation", required=motivation != "highlighting",
                      default={})
    common = {"kind": kind, "article_id": "", "editor": editor, "created": created, "target": scope}
    if kind == "tag":
        return ref, Annotation(**common, tag=line.field(body, "value", str, "the body", nonempty=True))
    if kind == "code":
        return ref, Annotation(**common,
                               codebook=line.field(body, "newsdesk:codebook", str, "the body",
                                                   nonempty=True),
                               value=line.field(body, "value", str, "the body", nonempty=True))
    if motivation == "highlighting" and quote is None:
        raise line.fail("a highlight needs a TextQuoteSelector in its target.")
    urn = line.field(obj, "id", str, "the annotation", nonempty=True)
    text = line.field(body, "value", str, "the body", required=motivation == "commenting", default="")
    return ref, Annotation(**common, id=_note_id(urn), text=text, quote=quote)


def read_jsonl(lines: Iterable[str]) -> Exchange:
    """Read an exchange file's lines (blank lines are skipped); AnnotationFormatError names
    the first bad line, and nothing is returned from a file with one."""
    codebooks: dict[str, tuple[int, Codebook]] = {}
    tags: dict[str, tuple[int, Tag]] = {}
    items: dict[tuple[ArticleRef, Annotation], int] = {}
    corrections: list[ExchangedCorrection] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        try:
            obj = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            raise AnnotationFormatError(f"Line {number}: this is not JSON.") from None
        if not isinstance(obj, dict):
            raise AnnotationFormatError(f"Line {number}: this is not a JSON object.")
        line = _Line(number, obj)
        kind = obj.get("type")
        if kind == CODEBOOK_TYPE:
            cb = _codebook(line)
            _once(line, codebooks, cb.name, cb, "codebook")
        elif kind == TAG_TYPE:
            tag = _tag(line)
            _once(line, tags, tag.name, tag, "tag")
        elif kind == "Annotation":
            items.setdefault(_annotation(line), number)
        elif kind == CORRECTION_TYPE:
            corrections.append(_correction(line))
        else:
            raise line.fail(f'the "type" must be "Annotation", "{CODEBOOK_TYPE}", "{TAG_TYPE}" '
                            f'or "{CORRECTION_TYPE}", not {str(kind)[:30]!r}.')
    for (_ref, a), number in items.items():
        known = codebooks.get(a.codebook.casefold())
        if a.kind == "code" and known and a.value.casefold() not in {
                v.casefold() for v in known[1].values}:
            raise AnnotationFormatError(
                f'Line {number}: "{a.value}" is not a value of codebook "{known[1].name}" '
                f"({', '.join(known[1].values)}).")
    return Exchange(codebooks=tuple(cb for _, cb in codebooks.values()),
                    tags=tuple(tag for _, tag in tags.values()), items=tuple(items),
                    codebook_lines=tuple(n for n, _ in codebooks.values()),
                    tag_lines=tuple(n for n, _ in tags.values()),
                    item_lines=tuple(items.values()), corrections=tuple(corrections))


def _correction(line: _Line) -> ExchangedCorrection:
    obj = line.obj
    kind = line.field(obj, "kind", str, "the correction")
    if kind not in CORRECTION_KINDS:
        raise line.fail(f'"kind" of a correction must be one of {", ".join(CORRECTION_KINDS)}, '
                        f"not {kind[:20]!r}.")
    refs: dict[str, tuple[ArticleRef, ...]] = {}
    for key in ("articles", "anchor"):
        listed = line.field(obj, key, list, "the correction", required=key == "articles",
                            default=[])
        if not all(isinstance(r, dict) for r in listed):
            raise line.fail(f'"{key}" of a correction must be a list of article targets.')
        refs[key] = tuple(_ref(line, r) for r in listed)
    if not refs["articles"]:
        raise line.fail("the correction names no article.")
    created = line.date(obj, "created", "the correction", required=True)
    assert created is not None
    return ExchangedCorrection(kind=kind, articles=refs["articles"], anchor=refs["anchor"],
                               editor=line.field(obj, "editor", str, "the correction",
                                                 required=False, default=""),
                               created=created)


def _once(line: _Line, seen: dict[str, Any], name: str, record: Any, what: str) -> None:
    """Keep the first definition; the same again is fine, a different one is an error."""
    key = name.casefold()
    if key in seen and seen[key][1] != record:
        raise line.fail(f'{what} "{name}" is defined differently on line {seen[key][0]}.')
    seen.setdefault(key, (line.number, record))


# ---------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    """A cell a spreadsheet shows as text instead of running it (OWASP's CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _tags_of(ca: CoveredArticle) -> str:
    names = {a.tag.casefold(): a.tag for a in ca.annotations if a.kind == "tag"}
    return "; ".join(names[k] for k in sorted(names))


def _annotation_order(a: Annotation) -> tuple[Any, ...]:
    return (_KIND_ORDER.get(a.kind, 3), a.target, (a.tag or a.codebook).casefold(), a.editor,
            a.created, a.id)


def coverage_csv(coverage: Coverage) -> str:
    """Tidy CSV: one row per article and annotation, columns COLUMNS (see the module)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; and "\r" in a cell gets quoted
    writer.writerow(COLUMNS)
    for ca in coverage.articles:
        ref = ca.ref
        article = [ref.url or "", ref.outlet, to_iso(ref.published) or "", ref.title, _tags_of(ca)]
        tail = ["" if ca.story_id is None else str(ca.story_id), ca.story_label, ref.guid or "",
                ref.feed_url or "", ca.article_id]
        rows = [["", "", "", "", "", "", "", "", "", ""]] if not ca.annotations else [
            [a.kind, a.target, a.editor, to_iso(a.created) or "", a.tag, a.codebook, a.value,
             a.text, a.quote.exact if a.quote else "", a.id]
            for a in sorted(ca.annotations, key=_annotation_order)]
        for middle in rows:
            writer.writerow([defuse(cell) for cell in (*article, *middle, *tail)])
    return out.getvalue()
