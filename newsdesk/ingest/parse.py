"""Feed bytes -> ParsedFeed. Never fetches, never touches the database.

XML feeds (RSS 0.9x/1.0/2.0, RDF, Atom 0.3/1.0) go through feedparser with its own
sanitizer and relative-URI pass turned off: we sanitize once, later, and resolve links
in normalize. JSON Feed (1.0 and 1.1) is read here, since feedparser does not know it.
"""

from __future__ import annotations

import dataclasses
import html as html_lib
import io
import json
import logging
import re
from calendar import timegm
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from newsdesk.errors import ParseError
from newsdesk.ingest.fastfeed import MAX_LENGTH, MAX_TTL_MINUTES, cardinal, parse_fast
from newsdesk.models import Enclosure, ParsedFeed, ParsedItem

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_LOOKS_HTML = re.compile(rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"
# The root element of every XML feed format we read (RSS, RDF, Atom; <channel> for the
# oldest Netscape-era files), with any namespace prefix, anywhere near the start: PHP
# notices and other junk sometimes come before it.
_FEED_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF|channel)[\s>/]")
_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_HEAD = 65536


def parse_feed(body: bytes, *, url: str = "", content_type: str = "") -> ParsedFeed:
    """Parse a feed document; raise ParseError when it is not a feed at all.

    A broken entry is skipped with a warning; it never drops the rest of the feed. Every
    string of the result is valid Unicode (see `_clean_feed`), whatever the bytes were.
    """
    if not body or not body.strip():
        raise ParseError("The server sent an empty document.", not_a_feed=True)
    if _is_json(body, content_type):
        return _clean_feed(_parse_json_feed(body))
    body = _fix_surrogate_refs(body)
    fast = parse_fast(body, url=url, content_type=content_type)
    if fast is not None:  # expat refuses surrogates and NUL, literal or referenced: clean
        return fast
    return _clean_feed(_parse_xml_feed(body, url=url, content_type=content_type))


# ---------------------------------------------------------------- the boundary

_SURROGATE = re.compile("[\ud800-\udfff\x00]")
# A character reference in (or near) the UTF-16 surrogate range, hex or decimal.
_SURROGATE_REF = re.compile(rb"&#(?:[xX]0*([dD][89a-fA-F][0-9a-fA-F]{2})|0*(5[5-7][0-9]{3}));")


def clean_text(text: str) -> str:
    """Valid Unicode: a surrogate pair becomes its character, a lone surrogate U+FFFD, NUL goes.

    JSON's "\\ud800" and XML's "&#55357;" give Python strings that UTF-8 cannot encode, so
    hashing, ids, urlencode, SQLite and Qt would each fail on them later.
    """
    if text.isascii() and "\x00" not in text:
        return text
    if not _SURROGATE.search(text):
        return text
    text = text.replace("\x00", "")
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, tuple):
        return tuple(_clean_value(v) for v in value)
    if isinstance(value, Enclosure):
        return _clean_fields(value)
    return value


_FIELD_NAMES = {cls: tuple(f.name for f in dataclasses.fields(cls))
                for cls in (ParsedItem, ParsedFeed, Enclosure)}


def _clean_fields(obj: Any) -> Any:
    changes = {}
    for name in _FIELD_NAMES[type(obj)]:
        value = getattr(obj, name)
        if value is None or value.__class__ is bool or (value.__class__ is str and value.isascii()
                                                        and "\x00" not in value):
            continue  # the common case, checked without a call
        cleaned = _clean_value(value)
        if cleaned != value:
            changes[name] = cleaned
    return dataclasses.replace(obj, **changes) if changes else obj


def _clean_feed(feed: ParsedFeed) -> ParsedFeed:
    """Every string field of the feed and its items made valid Unicode, once, here."""
    items = tuple(_clean_fields(item) for item in feed.items)
    feed = _clean_fields(dataclasses.replace(feed, items=()))
    return dataclasses.replace(feed, items=items)


def _fix_surrogate_refs(body: bytes) -> bytes:
    """Character references to UTF-16 surrogates, rewritten before any XML parser sees them.

    Some feeds escape an emoji as its two UTF-16 halves (&#55357;&#56832;). Expat refuses
    the document and feedparser's loose parser crashes on them, so a pair becomes one
    reference to the real character and a lone half a reference to U+FFFD.
    """
    refs = list(_SURROGATE_REF.finditer(body))
    if not refs:
        return body
    out: list[bytes] = []
    done = 0
    index = 0
    while index < len(refs):
        ref = refs[index]
        point = int(ref.group(1), 16) if ref.group(1) else int(ref.group(2))
        index += 1
        if not 0xD800 <= point <= 0xDFFF:
            continue
        out.append(body[done:ref.start()])
        done = ref.end()
        following = refs[index] if index < len(refs) else None
        if 0xD800 <= point <= 0xDBFF and following is not None and following.start() == ref.end():
            low = int(following.group(1), 16) if following.group(1) else int(following.group(2))
            if 0xDC00 <= low <= 0xDFFF:
                out.append(b"&#%d;" % (0x10000 + ((point - 0xD800) << 10) + (low - 0xDC00)))
                done = following.end()
                index += 1
                continue
        out.append(b"&#65533;")
    out.append(body[done:])
    return b"".join(out)


def _head_text(body: bytes) -> str:
    """The start of a document as text, for sniffing: UTF-16/32 by BOM, else ASCII-ish."""
    head = body[:_HEAD]
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, "replace")
    if head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):  # UTF-16 without a BOM
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", "replace")
    return head.decode("latin-1")


def _looks_like_feed(body: bytes) -> bool:
    """A feed root element near the start, and not an HTML page.

    feedparser's loose parser "parses" anything (a TSV becomes one untitled entry), so
    this decides what is a feed, not whether feedparser returned something.
    """
    head = _head_text(body)
    first = _FIRST_ELEMENT.search(head)
    if first is None or first.group(1).lower() == "html":
        return False
    return _FEED_ROOT.search(head) is not None


def _is_json(body: bytes, content_type: str) -> bool:
    head = body[:64].lstrip(_BOM + b" \t\r\n")
    return head.startswith(b"{") or ("json" in content_type.lower() and not head.startswith(b"<"))


# ---------------------------------------------------------------- XML feeds (feedparser)


def _struct_to_datetime(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(timegm(value), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _detail_html(value: str, detail: Any) -> str:
    """A text construct as HTML: plain text is escaped, HTML is passed on untrusted."""
    if not value:
        return ""
    kind = (detail or {}).get("type", "text/html") if detail is not None else "text/html"
    if any(t in kind for t in _HTML_TYPES):
        return value
    paragraphs = [p for p in re.split(r"\n\s*\n", value) if p.strip()]
    return "".join(f"<p>{html_lib.escape(p.strip())}</p>" for p in paragraphs)


def _entry_authors(entry: Any) -> tuple[str, ...]:
    names: list[str] = []
    for author in entry.get("authors") or ():
        name = (author.get("name") or author.get("email") or "").strip()
        if name and name not in names:
            names.append(name)
    if not names and entry.get("author"):
        names.append(str(entry["author"]).strip())
    return tuple(names)


def _entry_content(entry: Any) -> str:
    best = ""
    for part in entry.get("content") or ():
        value = _detail_html(part.get("value", ""), part)
        if len(value) > len(best):
            best = value
    return best


def _entry_to_item(entry: Any, *, feed_base: str, feed_language: str | None) -> ParsedItem:
    content = _entry_content(entry)
    summary = _detail_html(entry.get("summary", ""), entry.get("summary_detail"))
    if summary and summary == content:
        summary = ""
    title_detail = entry.get("title_detail") or {}
    base = ""
    for detail in (*(entry.get("content") or ()), entry.get("summary_detail"), title_detail):
        if detail and detail.get("base"):
            base = detail["base"]
            break
    enclosures = []
    for enc in entry.get("enclosures") or ():
        href = enc.get("href") or enc.get("url")
        if href:
            enclosures.append(Enclosure(
                url=href,
                type=enc.get("type", "") or "",
                length=cardinal(str(enc.get("length") or ""), MAX_LENGTH),
            ))
    language = None
    for detail in (*(entry.get("content") or ()), entry.get("summary_detail"), title_detail):
        if detail and detail.get("language"):
            language = detail["language"]
            break
    guid = entry.get("id") or entry.get("guid")
    return ParsedItem(
        guid=str(guid).strip() if guid else None,
        link=(entry.get("link") or "").strip() or None,
        title=entry.get("title", "") or "",
        title_is_html=any(t in title_detail.get("type", "") for t in _HTML_TYPES),
        authors=_entry_authors(entry),
        published=_struct_to_datetime(entry.get("published_parsed") or entry.get("created_parsed")),
        updated=_struct_to_datetime(dict.get(entry, "updated_parsed")),
        summary_html=summary,
        content_html=content,
        categories=tuple(
            dict.fromkeys(
                (t.get("term") or t.get("label") or "").strip()
                for t in entry.get("tags") or ()
                if (t.get("term") or t.get("label"))
            )
        ),
        enclosures=tuple(enclosures),
        comments_url=entry.get("comments") or None,
        language=language or feed_language,
        base_url=base or feed_base or None,
    )


def _parse_xml_feed(body: bytes, *, url: str, content_type: str) -> ParsedFeed:
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    if not _looks_like_feed(body):
        if _LOOKS_HTML.search(body[:4096]):
            raise ParseError("This is a web page, not a feed.", web_page=True)
        raise ParseError("The document is not a feed: it has no RSS, Atom or RDF root element.",
                         not_a_feed=True)
    try:
        parsed = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser's own bugs on odd bytes (encodings, loose parser)
        log.debug("feedparser failed on %s", url or "feed", exc_info=True)
        raise ParseError(f"The feed could not be read ({type(exc).__name__}: {exc}).") from exc
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    version = parsed.get("version") or ""
    if not entries and not version:
        if _LOOKS_HTML.search(body[:4096]):
            raise ParseError("This is a web page, not a feed.", web_page=True)
        reason = str(parsed.get("bozo_exception") or "no feed elements found")
        raise ParseError(f"The document is not a feed we can read ({reason}).", not_a_feed=True)
    warnings: list[str] = []
    if parsed.get("bozo"):
        warnings.append(f"feed is not well-formed: {parsed.get('bozo_exception')}")
    feed_base = (feed.get("title_detail") or {}).get("base") or url
    feed_language = feed.get("language") or None
    items: list[ParsedItem] = []
    for index, entry in enumerate(entries):
        try:
            items.append(_entry_to_item(entry, feed_base=feed_base, feed_language=feed_language))
        except Exception as exc:  # one bad entry must not drop the feed
            log.warning("skipping entry %d of %s: %s", index, url or "feed", exc)
            warnings.append(f"entry {index} skipped: {exc}")
    ttl = feed.get("ttl")
    return ParsedFeed(
        format=version or "unknown",
        title=feed.get("title", "") or "",
        site_url=feed.get("link") or None,
        description=feed.get("subtitle", "") or feed.get("description", "") or "",
        language=feed_language,
        ttl_minutes=cardinal(str(ttl or ""), MAX_TTL_MINUTES),
        items=tuple(items),
        warnings=tuple(warnings),
    )


# ---------------------------------------------------------------- JSON Feed


def parse_datetime(value: Any) -> datetime | None:
    """RFC 3339 (JSON Feed), or RFC 822 as a fallback; naive times are taken as UTC."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    try:
        result = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            result = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=UTC)
    try:
        return result.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is in year 0 in UTC
        return None


def _json_authors(obj: dict[str, Any]) -> tuple[str, ...]:
    found = obj.get("authors")
    if not isinstance(found, list):
        found = [obj["author"]] if isinstance(obj.get("author"), dict) else []
    names = []
    for author in found:
        if isinstance(author, dict):
            name = (_text(author.get("name")) or _text(author.get("url"))).strip()
            if name:
                names.append(name)
    return tuple(names)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_item(item: dict[str, Any], feed_authors: tuple[str, ...],
               feed_language: str | None, base: str | None) -> ParsedItem:
    if not isinstance(item, dict):
        raise ValueError("item is not an object")
    content = _text(item.get("content_html"))
    if not content and _text(item.get("content_text")):
        content = _detail_html(item["content_text"], {"type": "text/plain"})
    summary = _text(item.get("summary"))
    summary_html = html_lib.escape(summary) if summary else ""
    image = _text(item.get("image")) or _text(item.get("banner_image"))
    if image and image not in content:
        content = f'<p><img src="{html_lib.escape(image, quote=True)}" alt=""></p>' + content
    enclosures = []
    for attachment in item.get("attachments") or ():
        if isinstance(attachment, dict) and _text(attachment.get("url")):
            size = attachment.get("size_in_bytes")
            enclosures.append(Enclosure(
                url=attachment["url"],
                type=_text(attachment.get("mime_type")),
                length=size if type(size) is int and 0 <= size <= MAX_LENGTH else None,
            ))
    guid = item.get("id")  # a string by the spec; numbers are common and accepted
    if not isinstance(guid, str):
        guid = str(guid) if type(guid) in (int, float) else None
    tags = item.get("tags")
    if not isinstance(tags, list):
        tags = []
    return ParsedItem(
        guid=guid.strip() or None if guid else None,
        link=_text(item.get("url")) or _text(item.get("external_url")) or None,
        title=_text(item.get("title")),
        authors=_json_authors(item) or feed_authors,
        published=parse_datetime(item.get("date_published")),
        updated=parse_datetime(item.get("date_modified")),
        summary_html=summary_html,
        content_html=content,
        categories=tuple(dict.fromkeys(t.strip() for t in tags if isinstance(t, str) and t.strip())),
        enclosures=tuple(enclosures),
        language=_text(item.get("language")) or feed_language,
        base_url=base,
    )


def _parse_json_feed(body: bytes) -> ParsedFeed:
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except RecursionError as exc:
        raise ParseError("The JSON feed is nested too deeply to read.") from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, a 4,301-digit number
        raise ParseError(f"The JSON feed is not valid JSON ({exc}).") from exc
    version = doc.get("version", "") if isinstance(doc, dict) else ""
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise ParseError("This JSON document is not a JSON Feed.", not_a_feed=True)
    raw_items = doc.get("items")
    if not isinstance(raw_items, list):
        raise ParseError("The JSON Feed has no list of items.")
    feed_language = _text(doc.get("language")) or None
    feed_authors = _json_authors(doc)
    base = _text(doc.get("home_page_url")) or _text(doc.get("feed_url")) or None
    items: list[ParsedItem] = []
    warnings: list[str] = []
    for index, raw in enumerate(raw_items):
        try:
            items.append(_json_item(raw, feed_authors, feed_language, base))
        except Exception as exc:  # one bad entry must not drop the feed
            log.warning("skipping JSON Feed item %d: %s", index, exc)
            warnings.append(f"item {index} skipped: {exc}")
    number = version.rsplit("/", 1)[-1]
    return ParsedFeed(
        format=f"json{number.replace('.', '')}",
        title=_text(doc.get("title")),
        site_url=_text(doc.get("home_page_url")) or None,
        description=_text(doc.get("description")),
        language=feed_language,
        items=tuple(items),
        warnings=tuple(warnings),
    )
