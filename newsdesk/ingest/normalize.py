"""ParsedItem -> Article: stable ids, canonical URLs, UTC dates, plain-text titles.

The stable article id is computed here and nowhere else (`article_id`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from newsdesk.ingest.sanitize import html_to_text, sanitize_html, strip_markup
from newsdesk.models import Article, ParsedFeed, ParsedItem, Source
from newsdesk.outlets import source_outlet

log = logging.getLogger(__name__)

# Query parameters that identify a campaign or a click, never the page itself.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
    "wt_mc", "wt.mc_id", "ref_src", "ref_url", "cmp", "cmpid", "ncid", "ocid", "sr_share",
    "s_cid", "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3",
    "at_custom4", "twclid", "ttclid", "li_fat_id", "rss", "feedtype",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
# A date this far ahead of the clock is a feed's mistake; we treat it as "now".
FUTURE_SLACK = timedelta(hours=1)
# A date before this is a placeholder, not a publication time: no web feed existed before
# 1990 (the web is from 1991, RSS from 1999), and the common placeholders are all earlier:
# Go's zero time (0001-01-01), a Unix time of 0 (1970-01-01, or 1969-12-31 in a timezone
# west of UTC, which a 1970 cutoff would miss) and spreadsheet epochs (1899, 1900).
# Such a date counts as missing, so the article is dated when we first saw it.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def _is_tracking(key: str) -> bool:
    low = key.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def canonical_url(url: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL without tracking parameters, fragment or default port."""
    if not url or not url.strip():
        return None
    url = url.strip()
    if not url.isprintable():
        url = "".join(ch for ch in url if ch >= " " and ch != "\x7f")
    if base and not url.startswith(("http://", "https://")):
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        host = parts.netloc.rsplit("@", 1)[0] + "@" + host
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    ) if parts.query else ""
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def outlet_key(source: Source) -> str:
    """The outlet a source belongs to, from where we fetch it: its feed URL's registrable
    site (arstechnica.com), never the site the feed claims (see newsdesk.outlets)."""
    return source_outlet(source.url, source.id)


def article_id(source_id: int, kind: str, key: str) -> str:
    """The one place an article id is made: a hash of the source and the item's identity."""
    digest = hashlib.sha256(f"{source_id}\x1f{kind}\x1f{key}".encode()).hexdigest()
    return digest[:24]


def _clamp(value: datetime | None, now: datetime) -> datetime | None:
    """A feed's date we believe: a future one becomes now, an absurd past one missing."""
    if value is None or value < EARLIEST:
        return None
    return now if value > now + FUTURE_SLACK else value


def _fallback_title(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "…"


def _identities(items: list[ParsedItem], links: list[str | None]) -> list[tuple[str, str]]:
    """(kind, key) per item; a GUID that a feed reuses for different items gets qualified."""
    distinct: dict[str, set[tuple[str | None, str]]] = {}
    for item, link in zip(items, links, strict=True):
        if item.guid:
            distinct.setdefault(item.guid, set()).add((link, item.title))
    result = []
    for item, link in zip(items, links, strict=True):
        if item.guid and len(distinct[item.guid]) == 1:
            result.append(("guid", item.guid))
        elif item.guid and link:
            result.append(("guid+link", f"{item.guid}\x1f{link}"))
        elif link:
            result.append(("link", link))
        else:
            date = (item.published or item.updated)
            stamp = date.isoformat() if date else ""
            result.append(("title+date", f"{item.guid or ''}\x1f{item.title}\x1f{stamp}"))
    return result


def normalize_feed(feed: ParsedFeed, source: Source, *, now: datetime | None = None) -> list[Article]:
    """Turn a parsed feed into Articles ready to store (HTML sanitized, text extracted).

    Items the feed repeats verbatim are kept once; an item that cannot be normalized is
    skipped with a warning, never the whole feed.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    outlet = outlet_key(source)
    items = list(feed.items)
    site = feed.site_url or source.site_url or source.url
    links = [canonical_url(item.link, item.base_url or site) for item in items]
    articles: dict[str, Article] = {}
    for item, link, (kind, key) in zip(items, links, _identities(items, links), strict=True):
        ident = article_id(source.id, kind, key)
        if ident in articles:
            continue
        try:
            articles[ident] = normalize_item(item, source=source, outlet=outlet, ident=ident,
                                             link=link, site=site, now=now)
        except Exception as exc:  # one odd entry must not drop its feed
            log.warning("skipping item %r of %s: %s", item.title[:60], source.url, exc)
    return list(articles.values())


def normalize_item(item: ParsedItem, *, source: Source, outlet: str, ident: str,
                   link: str | None, site: str | None, now: datetime) -> Article:
    """One item -> Article; sanitizing is the last step before the Article exists."""
    explicit_base = item.base_url if item.base_url and item.base_url != source.url else None
    base = explicit_base or link or site
    summary_html = sanitize_html(item.summary_html, base)
    content_html = sanitize_html(item.content_html, base)
    text = html_to_text(content_html or summary_html)
    title = strip_markup(item.title) or _fallback_title(text) or "(untitled)"
    published = _clamp(item.published, now)
    updated = _clamp(item.updated, now)
    return Article(
        id=ident,
        source_id=source.id,
        outlet=outlet,
        guid=item.guid,
        url=link,
        title=title,
        authors=tuple(a for a in (strip_markup(a) for a in item.authors) if a),
        published=published or updated or now,
        updated=updated,
        first_seen=now,
        summary_html=summary_html,
        content_html=content_html,
        text=text,
        categories=tuple(dict.fromkeys(c for c in (strip_markup(c) for c in item.categories) if c)),
        language=(item.language or "").strip().lower() or None,
        word_count=len(text.split()),
        enclosures=tuple(
            replace(e, url=u) for e in item.enclosures if (u := canonical_url(e.url, base))
        ),
        comments_url=canonical_url(item.comments_url, base),
        date_from_feed=published is not None or updated is not None,
    )

