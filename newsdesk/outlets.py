"""Which outlet a source belongs to, decided by where we fetch it, never by what it claims.

A feed's <link> or site URL is the feed's own say-so: a blog could claim another site's
name and, through de-duplication, reach that site's articles. So an outlet is read from the
source's feed URL only: one outlet per registrable site (feeds.arstechnica.com and
www.arstechnica.com are arstechnica.com), one per writer on hosting platforms
(alice.github.io, bob.substack.com, feedburner.com/techcrunch), and host plus port for an
IP address or a one-label host such as localhost, where nothing tells two sites apart.

The Public Suffix List is tldextract's bundled snapshot, used strictly offline: it is never
fetched and never cached on disk. This module is ground level (no store, no ingest), so the
store's migrations can recompute outlets with the same rule as normalize.
"""

from __future__ import annotations

import functools
import ipaddress
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

import tldextract

# Platforms that give each writer a subdomain but are missing from the list's private
# section (github.io, blogspot.com, netlify.app and the like are already there).
HOSTING_SUFFIXES = (
    "substack.com", "wordpress.com", "tumblr.com", "medium.com", "ghost.io", "typepad.com",
    "livejournal.com", "dreamwidth.org", "hashnode.dev", "bearblog.dev", "micro.blog",
    "mataroa.blog", "neocities.org", "posthaven.com", "svbtle.com", "weebly.com",
    "squarespace.com", "beehiiv.com",
)
# Hosts (or registrable sites) that serve many writers' feeds under one name, the writer
# being the first path segment: feeds.feedburner.com/TechCrunch, medium.com/feed/@alice.
PATH_HOSTS = frozenset({"feedburner.com", "feedproxy.google.com", "medium.com"})
_GENERIC_SEGMENTS = frozenset({"feed", "feeds", "rss", "atom"})


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True,
                                 include_psl_private_domains=True,
                                 extra_suffixes=HOSTING_SUFFIXES)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def outlet_of(url: str | None) -> str | None:
    """The outlet of a feed fetched from `url`, or None when it names no host."""
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if not host:
        return None
    if _is_ip(host) or "." not in host:
        shown = f"[{host}]" if ":" in host else host
        return f"{shown}:{port}" if port else shown
    found = _extractor()(host)
    if found.suffix:
        site = f"{found.domain}.{found.suffix}" if found.domain else host
    else:  # a TLD the list does not know (.example, .internal): its default rule "*"
        site = ".".join(host.split(".")[-2:])
    for shared in (host, site):
        if shared in PATH_HOSTS:
            writer = next((s for s in parts.path.lower().split("/")
                           if s and s not in _GENERIC_SEGMENTS), "")
            return f"{shared}/{writer}" if writer else shared
    return site


def source_outlet(url: str | None, source_id: int) -> str:
    """A source's outlet: from its feed URL, or one of its own when that has no host."""
    return outlet_of(url) or f"source-{source_id}"


def outlet_names(feeds: Iterable[tuple[str, int, str]]) -> dict[str, str]:
    """Each outlet's display name among (outlet, source id, feed name) rows: the name of
    its first-subscribed feed there, with the outlet added when two outlets share a name.

    One rule for every place that names outlets (the story list, the comparison), so an
    outlet with two feeds is one outlet with one name everywhere."""
    first: dict[str, tuple[int, str]] = {}
    for outlet, source_id, name in feeds:
        known = first.get(outlet)
        if known is None or source_id < known[0]:
            first[outlet] = (source_id, name)
    taken = Counter(name for _id, name in first.values())
    return {outlet: f"{name} ({outlet})" if taken[name] > 1 else name
            for outlet, (_id, name) in first.items()}
