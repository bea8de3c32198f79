"""Allowlist HTML cleaning: the last step before anything is stored.

nh3 (Rust's ammonia) does the allowlist work. Tracking pixels (1x1 images, known tracker
hosts) and images left without a source are then removed from nh3's canonical output,
where a regex is exact; a bs4 pass did the same at a third of the speed of the whole
pipeline (measured in bench/fetch.py), so it is not used here.
Embedded players and frames become a card with their title and a link (`embed_cards`),
on a slow path that only fragments holding one take. What comes out is safe to show in the
reader and to turn into plain text.
"""

from __future__ import annotations

import html as html_lib
import re
import threading
from typing import Any
from urllib.parse import urljoin, urlsplit

import nh3

from newsdesk.textsafe import one_line

ALLOWED_TAGS = frozenset({
    "a", "abbr", "article", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite",
    "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
    "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"lang", "dir", "title"},
    "a": {"href", "hreflang"},
    # style only so that a pixel sized or hidden with CSS can be recognised; it never
    # reaches the output (_drop_pixel rebuilds every <img> without it).
    "img": {"src", "alt", "width", "height", "style"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "ol": {"start", "reversed"},
}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed with everything inside them: their text is code, styling or a fallback for a plugin.
DROP_WITH_CONTENT = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "applet", "frameset",
    "frame", "svg", "math", "head", "title", "textarea", "select", "option", "audio", "video",
})
# Hosts (and their subdomains) that serve tracking pixels, and host+path prefixes.
TRACKER_HOSTS = frozenset({
    "feeds.feedburner.com", "feedproxy.google.com", "pixel.wp.com", "stats.wordpress.com",
    "doubleclick.net", "google-analytics.com", "googletagmanager.com", "pixel.quantserve.com",
    "scorecardresearch.com", "feedsportal.com", "pixel.facebook.com", "analytics.twitter.com",
    "mf.feeds.reuters.com", "pi.pardot.com", "api.segment.io", "ct.pinterest.com", "bat.bing.com",
})
TRACKER_PREFIXES = ("www.facebook.com/tr", "t.co/i/adsct")
TRACKER_WORDS = ("matomo", "piwik")
_PIXEL_SIZES = frozenset({"0", "1", "0px", "1px"})


def _is_tracker(src: str) -> bool:
    parts = urlsplit(src.strip())
    host = parts.netloc.lower()
    labels = host.split(".")
    if any(".".join(labels[i:]) in TRACKER_HOSTS for i in range(len(labels) - 1)):
        return True
    return (host + parts.path.lower()).startswith(TRACKER_PREFIXES) or any(
        word in host for word in TRACKER_WORDS)


# nh3 serializes canonically: lower-case names, every value double-quoted with '"' escaped,
# so these patterns match its output exactly (they are never applied to raw feed HTML).
_CANONICAL_IMG = re.compile(r'<img((?:\s+[^\s=>/"]+(?:="[^"]*")?)*)\s*/?>')
_CANONICAL_ATTR = re.compile(r'([^\s=>/"]+)(?:="([^"]*)")?')


_CSS_SIZE = re.compile(r"([0-9]*\.?[0-9]+)\s*([a-z%]*)")
_SIZE_PROPERTIES = frozenset({"width", "height", "max-width", "max-height"})


def _without_css_comments(style: str) -> str:
    """`style` without /* comments */, in one pass (an unclosed one runs to the end)."""
    parts: list[str] = []
    start = 0
    while (opened := style.find("/*", start)) >= 0:
        parts.append(style[start:opened])
        closed = style.find("*/", opened + 2)
        if closed < 0:
            return "".join(parts)
        start = closed + 2
    parts.append(style[start:])
    return "".join(parts)


def _css_hides(style: str) -> bool:
    """True when an inline style makes an image invisible: 0 or 1 px, hidden, transparent."""
    for declaration in _without_css_comments(style.lower()).split(";"):
        name, _, value = declaration.partition(":")
        name = name.strip()
        value = value.replace("!important", "").strip()
        if (name == "display" and value == "none") or (
                name == "visibility" and value in ("hidden", "collapse")):
            return True
        if name == "opacity" and (size := _CSS_SIZE.fullmatch(value)) and not size.group(2) \
                and float(size.group(1)) == 0:
            return True
        if name in _SIZE_PROPERTIES and (size := _CSS_SIZE.fullmatch(value)):
            number, unit = float(size.group(1)), size.group(2)
            if number == 0 or (number <= 1 and unit in ("", "px")):
                return True
    return False


def _drop_pixel(match: re.Match[str]) -> str:
    pairs = _CANONICAL_ATTR.findall(match.group(1))
    attrs = {name: html_lib.unescape(value or "") for name, value in pairs}
    src = attrs.get("src", "")
    if (not src or attrs.get("width", "").strip().lower() in _PIXEL_SIZES
            or attrs.get("height", "").strip().lower() in _PIXEL_SIZES or _is_tracker(src)
            or _css_hides(attrs.get("style", ""))):
        return ""
    if "style" not in attrs:
        return match.group(0)
    return "<img" + "".join(f' {name}="{value}"' for name, value in pairs
                            if name != "style") + ">"


_base = threading.local()  # the base URL of the fragment being cleaned, per thread


def _resolve_relative(url: str) -> str | None:
    """nh3 calls this for relative URLs only: join with the base, keep http(s) results."""
    base = getattr(_base, "url", None)
    if not base:
        return None
    try:
        joined = urljoin(base, url)
    except ValueError:
        return None
    return joined if urlsplit(joined).scheme in ("http", "https") else None


# Built once: converting the allowlist on every call cost more than the cleaning itself.
_OPTIONS: dict[str, Any] = {
    "tags": set(ALLOWED_TAGS),
    "clean_content_tags": set(DROP_WITH_CONTENT),
    "attributes": ALLOWED_ATTRIBUTES,
    "url_schemes": set(ALLOWED_SCHEMES),
    "link_rel": "noopener noreferrer",
    "strip_comments": True,
    "url_relative": _resolve_relative,
}
_CLEANER = nh3.Cleaner(**_OPTIONS)
# For fragments with embedded media: the same, and OUR card's class (no other) survives.
EMBED_CLASS = "newsdesk-embed"
_CARD_CLEANER = nh3.Cleaner(**_OPTIONS, allowed_classes={"div": {EMBED_CLASS}})

# ------------------------------------------------------------------ embedded media -> cards

_EMBED_TAGS = ("iframe", "video", "audio", "embed", "object")
_HAS_EMBED = re.compile(r"<(?:iframe|video|audio|embed|object)\b", re.IGNORECASE)
_EMPTY_CLASS = re.compile(r'(<[a-z][a-z0-9]*(?:\s[^<>]*?)?) class=""')
_VIDEO_HOSTS = ("youtube.com", "youtube-nocookie.com", "youtu.be", "vimeo.com",
                "dailymotion.com", "twitch.tv", "tiktok.com")
_AUDIO_HOSTS = ("soundcloud.com", "spotify.com", "bandcamp.com", "podbean.com", "megaphone.fm")
_YOUTUBE_EMBED = re.compile(r"/embed/([A-Za-z0-9_-]{6,20})")
_VIMEO_PLAYER = re.compile(r"/video/([0-9]{3,15})")


def _on_host(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def _page_link(src: str, base_url: str | None) -> str | None:
    """The address a reader can open for an embed's source: the watch page for a
    YouTube or Vimeo player; None unless http(s)."""
    src = src.strip()
    if not src:
        return None
    try:
        url = urljoin(base_url or "https://", src) if not src.startswith(("http:", "https:")) \
            else src
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if _on_host(host, ("youtube.com", "youtube-nocookie.com")) and (
            found := _YOUTUBE_EMBED.match(parts.path)):
        return f"https://www.youtube.com/watch?v={found.group(1)}"
    if host == "player.vimeo.com" and (found := _VIMEO_PLAYER.match(parts.path)):
        return f"https://vimeo.com/{found.group(1)}"
    return url


def _card(tag: Any, base_url: str | None) -> str:
    """The card that stands for one embedded player or frame."""
    src = tag.get("src") or tag.get("data-src") or tag.get("data") or ""
    if not src and tag.name in ("video", "audio"):
        source = tag.find("source", src=True)
        src = source.get("src", "") if source is not None else ""
    link = _page_link(str(src), base_url)
    host = (urlsplit(link).hostname or "").removeprefix("www.") if link else ""
    if tag.name == "video" or _on_host(host, _VIDEO_HOSTS):
        kind = "Video"
    elif tag.name == "audio" or _on_host(host, _AUDIO_HOSTS):
        kind = "Audio"
    else:
        kind = "Embedded content"
    title = tag.get("title") or tag.get("aria-label") or ""
    if not title and (track := tag.find("track", label=True)) is not None:
        title = track.get("label", "")
    title = strip_markup(str(title))[:200] or host
    label = html_lib.escape(title)
    shown = f' · <a href="{html_lib.escape(link)}">{label}</a>' if link else (
        f" · {label}" if label else "")
    tail = f" · {html_lib.escape(host)}" if host and title != host else ""
    return f'<div class="{EMBED_CLASS}"><p><b>{kind}</b>{shown}{tail}</p></div>'


def embed_cards(html: str, base_url: str | None = None) -> str:
    """`html` with each <iframe>, <video>, <audio>, <embed> and <object> replaced by a card
    (kind, title, a link to it): they would otherwise vanish without a trace. Any card-like
    class already in `html` is renamed first, so only ours are cards. Raw HTML in, raw
    HTML out: sanitize_html runs after it."""
    from bs4 import BeautifulSoup  # only for the few fragments that embed something

    soup = BeautifulSoup(html.replace(EMBED_CLASS, EMBED_CLASS + "-not-ours"), "html.parser")
    for tag in soup.find_all(_EMBED_TAGS):
        if tag.parent is None or any(p.name in _EMBED_TAGS for p in tag.parents):
            continue  # inside another embed (an <embed> in an <object>): one card for both
        tag.replace_with(BeautifulSoup(_card(tag, base_url), "html.parser"))
    return str(soup)


def sanitize_html(html: str, base_url: str | None = None) -> str:
    """Return `html` reduced to the allowlist, relative links resolved against `base_url`.

    Links get rel="noopener noreferrer"; style attributes, event handlers, forms, frames and
    scripts are gone; URLs keep only http, https and mailto (after the control characters
    a browser ignores are stripped, so "java\\tscript:" is caught too).
    """
    if not html or not html.strip():
        return ""
    _base.url = base_url if base_url and base_url.startswith(("http://", "https://")) else None
    try:
        if _HAS_EMBED.search(html):  # rare: most fragments take the fast path
            clean = _CARD_CLEANER.clean(embed_cards(html, _base.url))
            if 'class=""' in clean:  # another class nh3 emptied
                clean = _EMPTY_CLASS.sub(r"\1", clean)
        else:
            clean = _CLEANER.clean(html)
    finally:
        _base.url = None
    if "<img" in clean:  # also takes every img's style attribute away
        clean = _CANONICAL_IMG.sub(_drop_pixel, clean)
    return clean.strip()


_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END = re.compile(
    r"</(?:p|div|li|h[1-6]|tr|blockquote|pre|section|article|header|footer|figure|"
    r"figcaption|dt|dd|table|ul|ol|details|summary|aside)>|<hr\s*/?>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_MANY_NEWLINES = re.compile(r"\n\s*\n\s*(?:\n\s*)+")


def html_to_text(safe_html: str) -> str:
    """Plain text of sanitized HTML, paragraphs kept as blank-line breaks.

    Only for the output of sanitize_html: its markup is canonical, so a regex pass is exact
    and several times faster than building a tree.
    """
    if not safe_html:
        return ""
    text = _LINE_BREAK.sub("\n", safe_html)
    text = _BLOCK_END.sub("\n\n", text)
    text = _TAG.sub("", text)
    text = html_lib.unescape(text)
    text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def strip_markup(fragment: str) -> str:
    """Plain text of a fragment that may hold tags or entities (titles, author names).

    Control, bidi-override and zero-width characters are removed too (also those written
    as entities): a title must not be able to rewrite a terminal or reverse a line.
    """
    if not fragment:
        return ""
    if "<" in fragment:
        fragment = nh3.clean(fragment, tags=set(), clean_content_tags=set(DROP_WITH_CONTENT))
    return one_line(html_lib.unescape(fragment))
