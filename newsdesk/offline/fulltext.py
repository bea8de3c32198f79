"""The article in a page: extract its main text, and say when a page is not one.

`extract` is the one place the extraction library is called (chosen by measuring:
bench/extract_eval.py), so it can change without touching anything else. What it returns
is sanitized with the feeds' allowlist (ingest.sanitize), so it is as safe to show.
Pure: no network, no store.
"""

from __future__ import annotations

import codecs
import html as html_lib
import json
import logging
import re
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

from newsdesk.ingest.sanitize import html_to_text, sanitize_html, strip_markup
from newsdesk.models import Article

log = logging.getLogger(__name__)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


# The library is imported only when a page is extracted (it takes a third of a second),
# so the CLI's other commands do not pay for it; its version is read from its metadata.
EXTRACTOR = f"trafilatura {_version('trafilatura')}"

SHORT_FEED_WORDS = 150  # a feed text shorter than this is a summary
LITTLE_TEXT_WORDS = 150  # a video or home page with less text than this is not an article
PAYWALL_WORDS = 80  # an extract shorter than this on a page that asks to subscribe: paywall
LIST_LINK_DENSITY = 0.5  # a page whose text is mostly link text is a list (home, section)
LIST_MAX_WORDS = 300  # ... unless its extract is at least this long
VIDEO_HOSTS = frozenset({
    "youtube.com", "youtu.be", "vimeo.com", "dailymotion.com", "twitch.tv", "tiktok.com",
    "rumble.com", "bitchute.com", "odysee.com", "peertube.tv",
})

PAYWALL = "The page is behind a paywall: kept the feed's summary."
SHORTER = "The page holds less text than the feed: kept the feed's summary."
VIDEO = "The page is a video, not an article."
LISTING = "The page is a list of links (a home or section page), not an article."
NOTHING = "NewsDesk found no article text on the page."
UNREADABLE = "The page could not be read as HTML."

_READ_MORE = re.compile(
    r"(?:continue reading|read more|read the full (?:article|story)|read full (?:article|story)"
    r"|\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)[\s.…»›>\]\)]*$",
    re.IGNORECASE)
_SUBSCRIBE = re.compile(
    r"\b(?:subscribe|subscriber|subscription|sign in|log in|login|register to|"
    r"abonnez|abonnement|abonnieren|suscr[ií]bete)\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.+-]{1,40})""",
                           re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_:.+-]{1,40})""", re.IGNORECASE)
_LEADING_H1 = re.compile(r"\A\s*<h1>.*?</h1>\s*", re.DOTALL)
_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
# What browsers decode these labels as (the WHATWG Encoding standard): a page that says
# latin-1 is nearly always windows-1252, and a meta tag cannot truly declare UTF-16.
_SAME_AS = {"latin1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252",
            "utf-16": "utf-8", "utf-16-le": "utf-8", "utf-16-be": "utf-8"}


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one page holds: its article ("extracted": sanitized html and plain text), or
    why not ("kept_summary": a paywall, or less text than the feed gave; "not_article": a
    video page, a list of links, a home page), with the reason as a sentence. "failed" only
    when the page could not be read at all."""

    status: str
    html: str = ""
    text: str = ""
    reason: str = ""
    title: str = ""
    word_count: int = 0


def needs_full_text(article: Article) -> bool:
    """Whether the feed gave a summary only (no content, a short text, or one that ends
    with "Continue reading…", "Read more", "Read full article"), so the page is worth
    fetching."""
    if not article.url or not article.url.startswith(("http://", "https://")):
        return False
    if not article.content_html:
        return True
    text = article.text.strip()
    return len(text.split()) < SHORT_FEED_WORDS or bool(_READ_MORE.search(text[-80:]))


def _codec(label: str) -> str | None:
    """The Python codec for a declared charset label, or None when it is unknown."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except (LookupError, ValueError):
        return None
    return _SAME_AS.get(name, name)


def decode_page(body: bytes, content_type: str = "") -> str:
    """A page's bytes as text: by its byte-order mark, else the charset of the HTTP
    Content-Type, else its <meta> declaration, else UTF-8 when it is valid UTF-8, else
    windows-1252 (what browsers assume). Undecodable bytes become U+FFFD; never raises."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace")
    declared = None
    if header := _HEADER_CHARSET.search(content_type or ""):
        declared = _codec(header.group(1))
    if declared is None and (meta := _META_CHARSET.search(body[:4096])):
        declared = _codec(meta.group(1).decode("ascii", errors="replace"))
    if declared is not None:
        try:
            return body.decode(declared, errors="replace")
        except (LookupError, ValueError):  # a codec that is not a text encoding (rot13, ...)
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


@dataclass(frozen=True, slots=True)
class _Signals:
    """What the page says about itself, read before the extractor prunes it."""

    og_type: str
    ld_types: frozenset[str]
    free: bool | None  # JSON-LD isAccessibleForFree, when stated
    link_density: float  # link text / all text of the body
    asks_to_subscribe: bool
    title: str


def _walk_ld(node: Any, types: set[str], free: list[bool]) -> None:
    """Collect @type values and isAccessibleForFree flags from a JSON-LD block."""
    stack = [node]
    while stack and len(types) < 200:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item[:100])
        elif isinstance(item, dict):
            kind = item.get("@type")
            for value in kind if isinstance(kind, list) else [kind]:
                if isinstance(value, str):
                    types.add(value)
            flag = item.get("isAccessibleForFree")
            if isinstance(flag, bool):
                free.append(flag)
            elif isinstance(flag, str) and flag.strip().lower() in ("true", "false"):
                free.append(flag.strip().lower() == "true")
            stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity", "hasPart"))


def _signals(tree: Any) -> _Signals:
    og_type = ""
    title = ""
    for meta in tree.iter("meta"):
        prop = (meta.get("property") or meta.get("name") or "").strip().lower()
        if prop == "og:type" and not og_type:
            og_type = (meta.get("content") or "").strip().lower()
        elif prop == "og:title" and not title:
            title = strip_markup(meta.get("content") or "")
    if not title:
        found = tree.find(".//title")
        if found is not None:
            title = strip_markup(found.text_content())
    types: set[str] = set()
    free: list[bool] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            _walk_ld(json.loads(script.text_content()[:200_000]), types, free)
        except (ValueError, RecursionError):
            continue
    body = tree.find(".//body")
    parts: list[str] = []
    link_words = 0
    if body is not None:
        for element in body.iter():
            tag = element.tag if isinstance(element.tag, str) else None  # None: a comment
            if element.text and tag is not None and tag not in _NOT_TEXT:
                parts.append(element.text)
            if element.tail:
                parts.append(element.tail)
            if tag == "a":
                link_words += len(element.text_content().split())
    page_text = " ".join(parts)
    total = len(page_text.split())
    return _Signals(og_type=og_type, ld_types=frozenset(types),
                    free=(False not in free) if free else None,
                    link_density=min(link_words / total, 1.0) if total else 0.0,
                    asks_to_subscribe=bool(_SUBSCRIBE.search(page_text)), title=title)


MAX_EMBEDS = 10


_EMBED_ATTRIBUTES = ("src", "data-src", "data", "title", "aria-label", "label")


def _shell(element: Any) -> str:
    """An embed's tag with only what its card needs (source, title, its <source> and
    <track> children), not what a broken page nested inside it."""

    def tag(node: Any) -> str:
        attrs = "".join(f' {name}="{html_lib.escape(str(node.get(name)))}"'
                        for name in _EMBED_ATTRIBUTES if node.get(name) is not None)
        return f"<{node.tag}{attrs}>"

    inner = "".join(tag(child) for child in element.iter("source", "track"))
    return f"{tag(element)}{inner}</{element.tag}>"


def _article_embeds(tree: Any) -> list[str]:
    """The players and frames inside the page's <article> (else <main>) as raw HTML, for
    sanitize_html to turn into cards: the extractor drops them, and they must not vanish."""
    container = tree.find(".//article")
    if container is None:
        container = tree.find(".//main")
    if container is None:
        return []
    found: list[str] = []
    for element in container.iter("iframe", "video", "audio", "embed", "object"):
        if any(p.tag in ("iframe", "video", "audio", "embed", "object")
               for p in element.iterancestors()):
            continue
        found.append(_shell(element))
        if len(found) >= MAX_EMBEDS:
            break
    return found


def _video_host(url: str) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    labels = host.split(".")
    return any(".".join(labels[i:]) in VIDEO_HOSTS for i in range(len(labels) - 1))


def extract(page: str | bytes, url: str, *, feed_text: str = "") -> Extraction:
    """The article in a page (HTML as text or bytes, any declared charset), its links and
    images resolved against `url`. `feed_text` is what the feed gave: a page whose article
    holds less than that is "kept_summary". Never raises for any input."""
    try:
        return _extract(page, url, feed_text)
    except Exception as exc:  # a page is anyone's input: whatever it does, it is one result
        log.warning("extracting %s failed: %r", url, exc)
        return Extraction("failed", reason=UNREADABLE)


def _extract(page: str | bytes, url: str, feed_text: str) -> Extraction:
    text = decode_page(page) if isinstance(page, bytes) else page
    text = _CONTROL.sub("", text)
    if _video_host(url):
        return Extraction("not_article", reason=VIDEO)
    if not text.strip():
        return Extraction("not_article", reason=NOTHING)
    import trafilatura  # the one library call; see the module docstring
    from trafilatura.utils import load_html

    tree = load_html(text)
    if tree is None:
        return Extraction("not_article", reason=UNREADABLE)
    signals = _signals(tree)
    embeds = _article_embeds(tree)
    title = signals.title
    if signals.free is False:
        return Extraction("kept_summary", reason=PAYWALL, title=title)
    raw = trafilatura.extract(
        tree, url=url, output_format="html", include_images=True, include_links=True,
        include_tables=True, include_comments=False, favor_precision=False,
        with_metadata=False, deduplicate=False) or ""
    if raw and embeds:  # the extractor drops players and frames: their cards go after the text
        raw += "".join(embeds)
    html = _LEADING_H1.sub("", sanitize_html(raw, base_url=url))
    plain = html_to_text(html)
    words = len(plain.split())
    video = signals.og_type.startswith("video") or (
        "VideoObject" in signals.ld_types and not any("Article" in t for t in signals.ld_types))
    if words == 0:
        return Extraction("not_article", reason=VIDEO if video else NOTHING, title=title)
    if words < LITTLE_TEXT_WORDS and video:
        return Extraction("not_article", reason=VIDEO, title=title)
    # Mostly links with little prose (a home or section page), but not a short article
    # on a site whose menus are long: a long extract is an article whatever surrounds it.
    if (signals.link_density > LIST_LINK_DENSITY and words < LIST_MAX_WORDS) or (
            words < LITTLE_TEXT_WORDS and signals.og_type == "website"):
        return Extraction("not_article", reason=LISTING, title=title)
    if words < PAYWALL_WORDS and signals.asks_to_subscribe:
        return Extraction("kept_summary", reason=PAYWALL, title=title)
    if words < len(feed_text.split()):
        return Extraction("kept_summary", reason=SHORTER, title=title)
    return Extraction("extracted", html=html, text=plain, title=title, word_count=words)
