"""Feed autodiscovery: the feeds a web page advertises in its <head>.

A subscriber who types a site's address rather than its feed's gets the feed the page names
with <link rel="alternate" type="...">. Reading is bounded and linear, and never raises.
"""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from newsdesk.textsafe import one_line, strip_controls

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
class DiscoveredFeed:
    """One feed a page advertises: its absolute URL, the title it gives, and its format."""

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
            name = codec.name if codec._is_text_encoding else "utf-8"
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
