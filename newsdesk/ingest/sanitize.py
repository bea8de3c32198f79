"""Allowlist HTML cleaning: the last step before anything is stored.

nh3 (Rust's ammonia) does the allowlist work; bs4 runs before it only where
there is something it alone can do (dropping tracking pixels as whole elements).
What comes out is safe to show in the reader and to turn into plain text.
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urlsplit

import nh3
from bs4 import BeautifulSoup

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
    "img": {"src", "alt", "width", "height"},
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
TRACKER_HOSTS = (
    "feeds.feedburner.com", "feedproxy.google.com", "pixel.wp.com", "stats.wordpress.com",
    "doubleclick.net", "google-analytics.com", "googletagmanager.com", "pixel.quantserve.com",
    "scorecardresearch.com", "feedsportal.com", "pixel.facebook.com", "www.facebook.com/tr",
    "analytics.twitter.com", "ad.doubleclick.net", "mf.feeds.reuters.com", "pi.pardot.com",
    "api.segment.io", "ct.pinterest.com", "bat.bing.com", "t.co/i/adsct", "matomo", "piwik",
)
_PIXEL_SIZES = frozenset({"0", "1", "0px", "1px"})


def _is_tracker(src: str) -> bool:
    parts = urlsplit(src.strip())
    where = (parts.netloc.lower() + parts.path.lower())
    host = parts.netloc.lower()
    return any(
        host == t or host.endswith("." + t) or where.startswith(t) or ("/" not in t and t in host)
        for t in TRACKER_HOSTS
    )


def _drop_pixels(html: str) -> str:
    """Remove 1x1 and tracker-hosted images as whole elements (bs4 only where <img> occurs)."""
    soup = BeautifulSoup(html, "html.parser")
    changed = False
    for img in soup.find_all("img"):
        src = str(img.get("src") or "")
        width = str(img.get("width") or "").strip().lower()
        height = str(img.get("height") or "").strip().lower()
        if width in _PIXEL_SIZES or height in _PIXEL_SIZES or (src and _is_tracker(src)):
            img.decompose()
            changed = True
    return str(soup) if changed else html


def _is_absolute_http(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in ("http", "https")  # type: ignore[arg-type]


def sanitize_html(html: str, base_url: str | None = None) -> str:
    """Return `html` reduced to the allowlist, relative links resolved against `base_url`.

    Links get rel="noopener noreferrer"; style attributes, event handlers, forms, frames and
    scripts are gone; URLs keep only http, https and mailto (after the control characters
    a browser ignores are stripped, so "java\\tscript:" is caught too).
    """
    if not html or not html.strip():
        return ""
    if "<img" in html or "<IMG" in html or "<Img" in html:
        html = _drop_pixels(html)
    relative: object = (
        ("rewrite_with_base", base_url) if _is_absolute_http(base_url) else "deny"
    )
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROP_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
        url_relative=relative,
    ).strip()


_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END = re.compile(
    r"</(?:p|div|li|h[1-6]|tr|blockquote|pre|section|article|header|footer|figure|"
    r"figcaption|dt|dd|table|ul|ol|details|summary|aside)>|<hr\s*/?>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
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
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def strip_markup(fragment: str) -> str:
    """Plain text of a fragment that may hold tags or entities (titles, author names)."""
    if not fragment:
        return ""
    if "<" in fragment:
        fragment = nh3.clean(fragment, tags=set(), clean_content_tags=set(DROP_WITH_CONTENT))
    return " ".join(html_lib.unescape(fragment).split())
