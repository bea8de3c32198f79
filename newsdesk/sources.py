"""Default sources and topics, OPML import and export, and feed autodiscovery."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import quoteattr

from bs4 import BeautifulSoup

from newsdesk.config import resource_path
from newsdesk.errors import OPMLError
from newsdesk.models import Source
from newsdesk.store.db import Store

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


def _attr(element: ET.Element, name: str) -> str:
    for key, value in element.attrib.items():
        if key.lower() == name.lower():
            return value.strip()
    return ""


def parse_opml(data: bytes | str) -> list[OutlineFeed]:
    """Feeds in an OPML document, nested folders kept; unknown attributes are ignored."""
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

    def walk(element: ET.Element, path: list[str]) -> None:
        for outline in element:
            if outline.tag.lower() != "outline":
                continue
            url = _attr(outline, "xmlUrl")
            title = _attr(outline, "title") or _attr(outline, "text")
            if url:
                if urlsplit(url).scheme in ("http", "https") and url not in seen:
                    seen.add(url)
                    feeds.append(OutlineFeed(url=url, title=title,
                                             site_url=_attr(outline, "htmlUrl") or None,
                                             folder="/".join(path)))
            else:
                walk(outline, [*path, title] if title else path)

    walk(body, [])
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
        return sum(store.add_source(f.url, title=f.title, site_url=f.site_url,
                                    folder=f.folder)[1] for f in feeds)


def export_opml(sources: list[Source], *, title: str = "NewsDesk subscriptions") -> str:
    """OPML 2.0 with folders as nested outlines; sample sources are left out."""
    tree: dict[str, object] = {}
    for source in sources:
        if source.kind != "feed":
            continue
        node = tree
        for part in [p for p in source.folder.split("/") if p]:
            node = node.setdefault("\x00" + part, {})  # type: ignore[assignment]
        node.setdefault("\x01feeds", []).append(source)  # type: ignore[union-attr]

    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "  <head>",
             f"    <title>{title}</title>",
             f"    <dateCreated>{datetime.now(UTC):%a, %d %b %Y %H:%M:%S} GMT</dateCreated>",
             "  </head>", "  <body>"]

    def emit(node: dict[str, object], depth: int) -> None:
        pad = "  " * depth
        for key in sorted(k for k in node if k.startswith("\x00")):
            name = quoteattr(key[1:])
            lines.append(f"{pad}<outline text={name} title={name}>")
            emit(node[key], depth + 1)  # type: ignore[arg-type]
            lines.append(f"{pad}</outline>")
        for source in node.get("\x01feeds", []):  # type: ignore[union-attr]
            name = quoteattr(source.title or source.url)
            site = f" htmlUrl={quoteattr(source.site_url)}" if source.site_url else ""
            lines.append(f'{pad}<outline type="rss" text={name} title={name} '
                         f"xmlUrl={quoteattr(source.url)}{site}/>")

    emit(tree, 2)
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class DiscoveredFeed:
    url: str
    title: str
    kind: str


def discover_feeds(page: bytes | str, base_url: str) -> list[DiscoveredFeed]:
    """Feeds a web page advertises with <link rel="alternate" type="...">, in page order."""
    soup = BeautifulSoup(page, "html.parser")
    base_tag = soup.find("base", href=True)
    base = urljoin(base_url, str(base_tag["href"])) if base_tag else base_url
    found: list[DiscoveredFeed] = []
    for link in soup.find_all("link", href=True):
        rel = link.get("rel") or []
        rels = {r.lower() for r in (rel if isinstance(rel, list) else str(rel).split())}
        kind = FEED_TYPES.get(str(link.get("type", "")).split(";")[0].strip().lower())
        if "alternate" in rels and kind and "comments" not in str(link.get("title", "")).lower():
            url = urljoin(base, str(link["href"]).strip())
            if urlsplit(url).scheme in ("http", "https") and url not in {f.url for f in found}:
                found.append(DiscoveredFeed(url=url, title=str(link.get("title", "")).strip(),
                                            kind=kind))
    return found
