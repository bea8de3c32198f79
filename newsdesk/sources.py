"""Default sources and topics, OPML import and export, and feed autodiscovery."""

from __future__ import annotations

import codecs
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import escape, quoteattr

from newsdesk.config import resource_path
from newsdesk.errors import OPMLError
from newsdesk.models import Source
from newsdesk.store import Store
from newsdesk.textsafe import one_line, strip_controls, xml_safe

DEFAULT_OPML = "default-sources.opml"
FEED_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
    "application/json": "JSON Feed",
    "application/rdf+xml": "RDF",
    "application/xml": "XML",
    "text/xml": "XML",
}


@dataclass(frozen=True, slots=True)
class OutlineFeed:
    """A feed named in an OPML file, with the folder path it sits in ("News/Tech")."""

    url: str
    title: str = ""
    site_url: str | None = None
    folder: str = ""


MAX_OPML_DEPTH = 256  # folders nested deeper than this are a broken or hostile file


def _attr(element: ET.Element, name: str) -> str:
    for key, value in element.attrib.items():
        if key.lower() == name.lower():
            return value.strip()
    return ""


def _clean_url(url: str) -> str:
    """A URL as a browser reads it: controls gone, tabs and newlines removed, trimmed."""
    return strip_controls(url).replace("\t", "").replace("\n", "").strip()


def _is_web_url(url: str) -> bool:
    try:
        return urlsplit(url).scheme in ("http", "https")
    except ValueError:  # "https://[" and the like
        return False


def parse_opml(data: bytes | str) -> list[OutlineFeed]:
    """Feeds in an OPML document, nested folders kept; unknown attributes are ignored.

    The outline tree is walked without recursion, so depth alone cannot exhaust the stack;
    more than MAX_OPML_DEPTH levels is refused. Entities cannot reach anything outside.
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OPMLError(f"The OPML file is not well-formed XML ({exc}).") from exc
    if root.tag.lower() != "opml":
        raise OPMLError(f"This is not an OPML file (its root element is <{root.tag}>).")
    body = next((child for child in root if child.tag.lower() == "body"), None)
    if body is None:
        raise OPMLError("The OPML file has no <body>.")
    feeds: list[OutlineFeed] = []
    seen: set[str] = set()
    # Children are pushed in reverse so they come off the stack in document order.
    stack: list[tuple[ET.Element, tuple[str, ...], int]] = [
        (child, (), 1) for child in reversed(body)]
    while stack:
        outline, path, depth = stack.pop()
        if not isinstance(outline.tag, str) or outline.tag.lower() != "outline":
            continue
        if depth > MAX_OPML_DEPTH:
            raise OPMLError(f"The OPML file nests folders more than {MAX_OPML_DEPTH} deep; "
                            "NewsDesk does not read it.")
        url = _clean_url(_attr(outline, "xmlUrl"))
        title = one_line(_attr(outline, "title") or _attr(outline, "text"))
        if url:
            if _is_web_url(url) and url not in seen:
                seen.add(url)
                site = _clean_url(_attr(outline, "htmlUrl"))
                feeds.append(OutlineFeed(url=url, title=title, site_url=site or None,
                                         folder="/".join(path)))
        else:
            inner = (*path, title) if title else path
            stack.extend((child, inner, depth + 1) for child in reversed(outline))
    return feeds


def read_opml(path: str | Path) -> list[OutlineFeed]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise OPMLError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    return parse_opml(data)


def default_feeds() -> list[OutlineFeed]:
    """The outlets a new user starts with (resources/default-sources.opml)."""
    return read_opml(resource_path(DEFAULT_OPML))


def follow_feeds(store: Store, feeds: list[OutlineFeed]) -> int:
    """Subscribe to every feed (folders kept); return how many were new."""
    with store.transaction():
        return sum(store.sources.add(f.url, title=f.title, site_url=f.site_url,
                                    folder=f.folder)[1] for f in feeds)


def _xml_attr(text: str) -> str:
    return quoteattr(xml_safe(text))


def export_opml(sources: list[Source], *, title: str = "NewsDesk subscriptions") -> str:
    """OPML 2.0 with folders as nested outlines; sample sources are left out.

    Only characters XML allows are written, so what parse_opml reads back is what was
    exported: the same URLs, titles and folders.
    """
    tree: dict[str, object] = {}
    for source in sources:
        if source.kind != "feed":
            continue
        node = tree
        for part in source.folder.split("/"):
            name = one_line(xml_safe(part))
            if name:
                node = node.setdefault("\x00" + name, {})  # type: ignore[assignment]
        node.setdefault("\x01feeds", []).append(source)  # type: ignore[union-attr]

    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "  <head>",
             f"    <title>{escape(xml_safe(title))}</title>",
             f"    <dateCreated>{datetime.now(UTC):%a, %d %b %Y %H:%M:%S} GMT</dateCreated>",
             "  </head>", "  <body>"]

    # Depth-first without recursion (a folder path of any depth cannot exhaust the stack):
    # each folder's subfolders, then its feeds. A str on the stack is a finished line.
    pending: list[tuple[dict[str, object], int] | str] = [(tree, 2)]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            lines.append(item)
            continue
        node, depth = item
        pad = "  " * depth
        for source in reversed(node.get("\x01feeds", [])):  # type: ignore[call-overload]
            name = _xml_attr(one_line(source.title) or source.url)
            site = _clean_url(xml_safe(source.site_url or ""))
            site = f" htmlUrl={quoteattr(site)}" if site else ""
            pending.append(f'{pad}<outline type="rss" text={name} title={name} '
                           f"xmlUrl={quoteattr(_clean_url(xml_safe(source.url)))}{site}/>")
        for key in sorted((k for k in node if k.startswith("\x00")), reverse=True):
            name = _xml_attr(key[1:])
            pending += [f"{pad}</outline>", (node[key], depth + 1),  # type: ignore[list-item]
                        f"{pad}<outline text={name} title={name}>"]
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class DiscoveredFeed:
    url: str
    title: str
    kind: str


# Pages advertise their feeds in <head>; a hostile or huge page is only read this far.
MAX_DISCOVERY_BYTES = 512 * 1024
MAX_DISCOVERED = 50
# Every pattern below is linear on any input: a tag is `<name` then characters that are
# neither "<" nor ">", so each attempt stops at the next "<" and no character is looked at
# by more than two attempts. Comments and script/style bodies are skipped with str.find
# from where the scan stands, which only moves forward.
_TAG = re.compile(r"<(?:(link|base)(?=[\s/>])([^<>]*)>|(!--)|(script|style)(?=[\s/>]))",
                  re.IGNORECASE)
_TAG_ATTR = re.compile(r"""([^\s=/"'<>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+)))?""")
_END_TAGS = {name: re.compile(f"</{name}", re.IGNORECASE) for name in ("script", "style")}
_META_CHARSET = re.compile(rb"""<meta[^<>]{0,512}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""",
                           re.IGNORECASE)


def _decode_page(page: bytes) -> str:
    """The first MAX_DISCOVERY_BYTES of a page as text: BOM, then <meta charset>, else UTF-8."""
    head = page[:MAX_DISCOVERY_BYTES]
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return head.decode(encoding, errors="replace")
    declared = _META_CHARSET.search(head[:4096])
    encoding = "utf-8"
    if declared:
        try:
            codec = codecs.lookup(declared.group(1).decode("ascii"))
            # base64, hex, rot13 ... are codecs too, but not text encodings.
            name = codec.name if codec._is_text_encoding else "utf-8"  # type: ignore[attr-defined]
        except LookupError:
            name = "utf-8"
        if not name.startswith(("utf-16", "utf-32")):  # such a page could not have said so
            encoding = name
    return head.decode(encoding, errors="replace")


def _tag_attributes(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _TAG_ATTR.finditer(text):
        name = match.group(1).lower()
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        attrs.setdefault(name, html.unescape(value))
    return attrs


def _scan_tags(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(name, attributes) of each <link> and <base> outside comments, scripts and styles."""
    position = 0
    while match := _TAG.search(text, position):
        position = match.end()
        if match.group(1):
            yield match.group(1).lower(), _tag_attributes(match.group(2))
        elif match.group(3):
            closed = text.find("-->", position)
            if closed < 0:
                return
            position = closed + 3
        else:
            end = _END_TAGS[match.group(4).lower()].search(text, position)
            if end is None:
                return
            position = end.end()


def discover_feeds(page: bytes | str, base_url: str) -> list[DiscoveredFeed]:
    """Feeds a web page advertises with <link rel="alternate" type="...">, in page order.

    Reads at most the first MAX_DISCOVERY_BYTES, in time linear in that, and never raises:
    a page that is not HTML at all advertises nothing.
    """
    text = _decode_page(page) if isinstance(page, bytes) else page[:MAX_DISCOVERY_BYTES]
    base = base_url
    base_seen = False
    links: list[dict[str, str]] = []
    for name, attrs in _scan_tags(text):
        if name == "base":
            if not base_seen and attrs.get("href", "").strip():
                base_seen = True
                base = _join(base_url, attrs["href"]) or base_url
        elif attrs.get("href", "").strip():
            links.append(attrs)
    found: list[DiscoveredFeed] = []
    seen: set[str] = set()
    for link in links:
        rels = set(link.get("rel", "").lower().split())
        kind = FEED_TYPES.get(link.get("type", "").split(";")[0].strip().lower())
        title = one_line(link.get("title", ""))
        if "alternate" not in rels or not kind or "comments" in title.lower():
            continue
        url = _join(base, link["href"])
        if url and url not in seen:
            seen.add(url)
            found.append(DiscoveredFeed(url=url, title=title, kind=kind))
            if len(found) == MAX_DISCOVERED:
                break
    return found


def _join(base: str, href: str) -> str | None:
    """An absolute http(s) URL for `href`, or None (a malformed one is not an error)."""
    try:
        url = urljoin(base, strip_controls(href).strip())
        scheme = urlsplit(url).scheme
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None
