"""A fast path for the common case: well-formed RSS 2.0 and Atom 1.0, read with ElementTree.

feedparser alone parses about 3,000 entries a second here, which left no room for the
rest of the pipeline in the 3,000 entries/s budget (bench/fetch.py). ElementTree's C
parser reads the same documents several times faster. This module handles only documents
it is sure of and returns None for anything else (RSS 0.9x and 1.0, Atom 0.3, DOCTYPEs,
xml:base, XHTML content, a charset the HTTP header and the XML disagree on, any error),
so feedparser stays the reader of record for every odd feed. tests/unit/test_fastfeed.py
checks that both paths give the same items.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from feedparser.urls import _urljoin

from newsdesk.models import Enclosure, ParsedFeed, ParsedItem

try:  # feedparser's own date parser, so both paths read dates identically
    from feedparser.datetimes import _parse_date
except ImportError:  # pragma: no cover - feedparser moved it
    _parse_date = None

log = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
_HTML_TYPES = ("html", "text/html", "xhtml", "application/xhtml+xml")
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CHARSET = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9._-]+)", re.IGNORECASE)
_EMAIL = re.compile(r"(([a-zA-Z0-9_\-.+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|"
                    r"(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?")
# Limits for counts a feed gives: a TTL of ten years in minutes, a length that JSON and
# SQLite hold exactly.
MAX_TTL_MINUTES = 10 * 365 * 24 * 60
MAX_LENGTH = 2**53
_UNSURE = (b"<!DOCTYPE", b"<!doctype", b"xml:base", b'type="xhtml"', b"type='xhtml'",
           b"<rdf:RDF", b'version="0.9', b"version='0.9")


class _Unsure(Exception):
    """Something this fast path does not handle exactly like feedparser."""


def _date(text: str | None) -> datetime | None:
    if not text or not text.strip() or _parse_date is None:
        return None
    parsed = _parse_date(text.strip())
    if not parsed:
        return None
    from calendar import timegm

    try:
        return datetime.fromtimestamp(timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def cardinal(text: str | None, maximum: int) -> int | None:
    """A count such as a TTL or a length: ASCII digits only, capped at `maximum`.

    str.isdigit() accepts "²" (which int() refuses) and hundreds of digits make a number
    that float() and timedelta cannot hold; both come from feeds.
    """
    text = (text or "").strip()
    if not text or not text.isascii() or not text.isdigit():
        return None
    return maximum if len(text) > len(str(maximum)) else min(int(text), maximum)


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _author_name(raw: str) -> str:
    """feedparser's reading of "bob@example.com (Bob)": the name, else the address."""
    raw = raw.strip()
    match = _EMAIL.search(raw)
    if not match:
        return raw
    email = match.group(0)
    name = raw.replace(email, "").replace("()", "").replace("<>", "").strip()
    if name.startswith("("):
        name = name[1:]
    if name.endswith(")"):
        name = name[:-1]
    return name.strip() or email


def _as_html(value: str, kind: str) -> str:
    if not value:
        return ""
    if any(t == kind for t in _HTML_TYPES):
        return value
    paragraphs = [p for p in re.split(r"\n\s*\n", value) if p.strip()]
    return "".join(f"<p>{html_lib.escape(p.strip())}</p>" for p in paragraphs)


def _looks_like_html(text: str) -> bool:
    return bool(re.search(r"</(\w+)>", text) or re.search(r"&#?\w+;", text))


def _rss_item(item: ET.Element, base: str, language: str | None) -> ParsedItem:
    link = guid = comments = None
    title = summary = content = ""
    authors: list[str] = []
    categories: list[str] = []
    enclosures: list[Enclosure] = []
    published = updated = None
    guid_is_link = False
    for child in item:
        tag = child.tag
        if tag == "title":
            title = _text(child)
        elif tag == "link":
            link = _urljoin(base, _text(child).replace("&amp;", "&")) if _text(child) else None
        elif tag == "guid":
            value = _text(child)
            permalink = {k.lower(): v for k, v in child.attrib.items()}.get(
                "ispermalink", "true") == "true"
            guid = _urljoin(base, value) if permalink and value else value or None
            guid_is_link = permalink and bool(value)
        elif tag == "pubDate":
            published = _date(child.text)
        elif tag == DC + "date":
            updated = _date(child.text)
        elif tag in ("author", DC + "creator"):
            name = _author_name(_text(child))
            if name and name not in authors:
                authors.append(name)
        elif tag == "category":
            if _text(child) and _text(child) not in categories:
                categories.append(_text(child))
        elif tag == "description":
            summary = (child.text or "").strip()
        elif tag == CONTENT + "encoded":
            content = (child.text or "").strip()
        elif tag == "enclosure":
            url = child.get("url")
            if url:
                enclosures.append(Enclosure(url=url, type=child.get("type", ""),
                                            length=cardinal(child.get("length"), MAX_LENGTH)))
        elif tag == "comments":
            comments = _text(child) or None
        elif len(child):
            raise _Unsure(f"nested element {tag} in an item")
    if link is None and guid_is_link:
        link = guid
    return ParsedItem(
        guid=guid, link=link, title=title, title_is_html=_looks_like_html(title),
        authors=tuple(authors), published=published, updated=updated,
        summary_html=summary if summary != content else "", content_html=content,
        categories=tuple(categories), enclosures=tuple(enclosures),
        comments_url=_urljoin(base, comments) if comments else None,
        language=language, base_url=base or None,
    )


def _atom_text(element: ET.Element | None) -> tuple[str, str]:
    if element is None:
        return "", "text"
    kind = element.get("type", "text")
    if len(element) or element.get("src"):
        raise _Unsure("structured or external text construct")
    return (element.text or "").strip(), kind


def _atom_entry(entry: ET.Element, base: str, language: str | None) -> ParsedItem:
    link = None
    enclosures: list[Enclosure] = []
    for el in entry.findall(ATOM + "link"):
        rel = el.get("rel", "alternate")
        href = el.get("href")
        if not href:
            continue
        if rel == "alternate" and link is None:
            link = _urljoin(base, href)
        elif rel == "enclosure":
            enclosures.append(Enclosure(url=_urljoin(base, href), type=el.get("type", ""),
                                        length=cardinal(el.get("length"), MAX_LENGTH)))
    ident = _text(entry.find(ATOM + "id"))
    guid = _urljoin(base, ident) if ident else None
    title, title_type = _atom_text(entry.find(ATOM + "title"))
    summary, summary_type = _atom_text(entry.find(ATOM + "summary"))
    content, content_type = _atom_text(entry.find(ATOM + "content"))
    authors = []
    for author in entry.findall(ATOM + "author"):
        name = _text(author.find(ATOM + "name")) or _text(author.find(ATOM + "email"))
        if name and name not in authors:
            authors.append(name)
    categories: list[str] = []
    for cat in entry.findall(ATOM + "category"):
        term = (cat.get("term") or cat.get("label") or "").strip()
        if term and term not in categories:
            categories.append(term)
    summary_html = _as_html(summary, summary_type)
    content_html = _as_html(content, content_type)
    return ParsedItem(
        guid=guid, link=link or (guid if guid and guid.startswith(("http:", "https:")) else None),
        title=title, title_is_html=title_type in _HTML_TYPES, authors=tuple(authors),
        published=_date(_text(entry.find(ATOM + "published"))),
        updated=_date(_text(entry.find(ATOM + "updated"))),
        summary_html=summary_html if summary_html != content_html else "",
        content_html=content_html, categories=tuple(categories), enclosures=tuple(enclosures),
        language=language, base_url=base or None,
    )


def parse_fast(body: bytes, *, url: str = "", content_type: str = "") -> ParsedFeed | None:
    """Parse a well-formed RSS 2.0 or Atom 1.0 document, or return None to use feedparser."""
    head = body[:1024]
    if any(marker in body for marker in _UNSURE):
        return None
    declared = _DECLARED.match(head)
    header = _CHARSET.search(content_type or "")
    if header and header.group(1).lower().replace("_", "-") != (
            declared.group(1).decode().lower() if declared else "utf-8"):
        return None
    if not declared and not body.lstrip().startswith(b"<"):
        return None
    try:
        root = ET.fromstring(body)
        if root.tag == "rss" and root.get("version") == "2.0":
            return _rss_feed(root, url)
        if root.tag == ATOM + "feed":
            return _atom_feed(root, url)
    except Exception as exc:  # e.g. LookupError for encoding="bogus": feedparser decides
        log.debug("fast path declined %s: %r", url or "feed", exc)
    return None


def _rss_feed(root: ET.Element, url: str) -> ParsedFeed:
    channel = root.find("channel")
    if channel is None:
        raise _Unsure("no channel")
    language = _text(channel.find("language")) or None
    ttl = _text(channel.find("ttl"))
    items = tuple(_rss_item(item, url, language) for item in channel.findall("item"))
    site = _text(channel.find("link"))
    return ParsedFeed(
        format="rss20", title=_text(channel.find("title")),
        site_url=_urljoin(url, site) if site else None,
        description=_text(channel.find("description")), language=language,
        ttl_minutes=cardinal(ttl, MAX_TTL_MINUTES), items=items,
    )


def _atom_feed(root: ET.Element, url: str) -> ParsedFeed:
    language = root.get("{http://www.w3.org/XML/1998/namespace}lang") or None
    site = None
    for el in root.findall(ATOM + "link"):
        if el.get("rel", "alternate") == "alternate" and el.get("href"):
            site = _urljoin(url, el.get("href", ""))
            break
    title, _ = _atom_text(root.find(ATOM + "title"))
    subtitle, _ = _atom_text(root.find(ATOM + "subtitle"))
    items = tuple(_atom_entry(entry, url, language) for entry in root.findall(ATOM + "entry"))
    return ParsedFeed(format="atom10", title=title, site_url=site, description=subtitle,
                      language=language, items=items)
