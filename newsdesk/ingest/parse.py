"""Feed bytes -> ParsedFeed. Never fetches, never touches the database.

XML feeds (RSS 0.9x/1.0/2.0, RDF, Atom 0.3/1.0) go through feedparser with its own
sanitizer and relative-URI pass turned off: we sanitize once, later, and resolve links
in normalize. JSON Feed (1.0 and 1.1) is read here, since feedparser does not know it.
"""

from __future__ import annotations

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
from newsdesk.ingest.fastfeed import parse_fast
from newsdesk.models import Enclosure, ParsedFeed, ParsedItem

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_LOOKS_HTML = re.compile(rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"


def parse_feed(body: bytes, *, url: str = "", content_type: str = "") -> ParsedFeed:
    """Parse a feed document; raise ParseError when it is not a feed at all.

    A broken entry is skipped with a warning; it never drops the rest of the feed.
    """
    if not body or not body.strip():
        raise ParseError("The server sent an empty document.", not_a_feed=True)
    if _is_json(body, content_type):
        return _parse_json_feed(body)
    fast = parse_fast(body, url=url, content_type=content_type)
    if fast is not None:
        return fast
    return _parse_xml_feed(body, url=url, content_type=content_type)


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
            length = enc.get("length")
            enclosures.append(Enclosure(
                url=href,
                type=enc.get("type", "") or "",
                length=int(length) if str(length or "").isdigit() else None,
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
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    version = parsed.get("version") or ""
    if not entries and not version:
        if _LOOKS_HTML.search(body[:4096]):
            raise ParseError("This is a web page, not a feed.", not_a_feed=True)
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
        ttl_minutes=int(ttl) if str(ttl or "").strip().isdigit() else None,
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
        except (TypeError, ValueError, IndexError):
            return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=UTC)
    return result.astimezone(UTC)


def _json_authors(obj: dict[str, Any]) -> tuple[str, ...]:
    found = obj.get("authors")
    if not isinstance(found, list):
        found = [obj["author"]] if isinstance(obj.get("author"), dict) else []
    names = []
    for author in found:
        if isinstance(author, dict):
            name = str(author.get("name") or author.get("url") or "").strip()
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
                length=size if isinstance(size, int) else None,
            ))
    guid = item.get("id")
    tags = item.get("tags") if isinstance(item.get("tags"), list) else []
    return ParsedItem(
        guid=str(guid).strip() if guid not in (None, "") else None,
        link=_text(item.get("url")) or _text(item.get("external_url")) or None,
        title=_text(item.get("title")),
        authors=_json_authors(item) or feed_authors,
        published=parse_datetime(item.get("date_published")),
        updated=parse_datetime(item.get("date_modified")),
        summary_html=summary_html,
        content_html=content,
        categories=tuple(dict.fromkeys(str(t).strip() for t in tags if str(t).strip())),
        enclosures=tuple(enclosures),
        language=_text(item.get("language")) or feed_language,
        base_url=base,
    )


def _parse_json_feed(body: bytes) -> ParsedFeed:
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
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
