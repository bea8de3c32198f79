"""OPML, the file format feed readers exchange subscriptions in: read and write.

Plain records in and out (OutlineFeed, Source): nothing here touches the store, so the
services decide what following or exporting means.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from newsdesk.errors import OPMLError
from newsdesk.models import Source
from newsdesk.textsafe import one_line, strip_controls, xml_safe


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
    """The feeds in the OPML file at `path`; a file that cannot be read is an OPMLError."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise OPMLError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    return parse_opml(data)


def _xml_attr(text: str) -> str:
    return quoteattr(xml_safe(text))


@dataclass(slots=True)
class _Folder:
    """One folder of the export: its subfolders by name and the feeds filed directly in it."""

    folders: dict[str, _Folder] = field(default_factory=dict)
    feeds: list[Source] = field(default_factory=list)


def export_opml(sources: list[Source], *, title: str = "NewsDesk subscriptions") -> str:
    """OPML 2.0 with folders as nested outlines; sample sources are left out.

    Only characters XML allows are written, so what parse_opml reads back is what was
    exported: the same URLs, titles and folders.
    """
    tree = _Folder()
    for source in sources:
        if source.kind != "feed":
            continue
        node = tree
        for part in source.folder.split("/"):
            name = one_line(xml_safe(part))
            if name:
                node = node.folders.setdefault(name, _Folder())
        node.feeds.append(source)

    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "  <head>",
             f"    <title>{escape(xml_safe(title))}</title>",
             f"    <dateCreated>{datetime.now(UTC):%a, %d %b %Y %H:%M:%S} GMT</dateCreated>",
             "  </head>", "  <body>"]

    # Depth-first without recursion (a folder path of any depth cannot exhaust the stack):
    # each folder's subfolders, then its feeds. A str on the stack is a finished line.
    pending: list[tuple[_Folder, int] | str] = [(tree, 2)]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            lines.append(item)
            continue
        node, depth = item
        pad = "  " * depth
        for source in reversed(node.feeds):
            name = _xml_attr(one_line(source.title) or source.url)
            site = _clean_url(xml_safe(source.site_url or ""))
            site = f" htmlUrl={quoteattr(site)}" if site else ""
            pending.append(f'{pad}<outline type="rss" text={name} title={name} '
                           f"xmlUrl={quoteattr(_clean_url(xml_safe(source.url)))}{site}/>")
        for key in sorted(node.folders, reverse=True):
            name = _xml_attr(key)
            pending += [f"{pad}</outline>", (node.folders[key], depth + 1),
                        f"{pad}<outline text={name} title={name}>"]
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
