"""Copies: wire copies and near-duplicates (one agency text under several outlets, one
outlet's two feeds) found by SimHash.

A SimHash is 64 bits over the word 3-shingles of an article's title and lead: texts that
differ in a few words differ in a few bits, so a copy is one within `MAX_DISTANCE` bits.
`RecentCopies` keeps the hashes of recent articles, indexed by four 16-bit bands (two
hashes within 3 bits agree exactly on at least one band), so a copy is found whatever
story it went to, without comparing it to every recent article.

Pure Python, and fast enough for 100,000 articles: the 64 bit counts are summed as lanes
of one big integer (a table gives each 16-bit chunk's lanes), not bit by bit.

Pure: no Qt, no network, no database.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache

LEAD_WORDS = 40  # title + this much of the text: the part a copy shares word for word
MAX_DISTANCE = 3  # bits two copies may differ by
RECENT_DAYS = 3.0  # how long an article's hash is kept for copies in other stories
FEATURE_KEYS = ("~h0", "~h1")  # the hash's two halves as a member's features carry them
_SCALE = 2.0 ** -60  # a half (< 2**32) times this is exact and too small to move a norm
_MASK = (1 << 64) - 1
_LANE = 8  # bits per counter lane: up to 255 shingles are counted
_MAX_SHINGLES = 255
_WORD = re.compile(r"[a-z0-9]+")


def _spread16() -> list[int]:
    """For each 16-bit value, an integer with bit i of it at lane i (8 bits a lane)."""
    table = [0] * 65536
    for value in range(1, 65536):
        low = value & -value
        table[value] = table[value ^ low] | (1 << (_LANE * (low.bit_length() - 1)))
    return table


_SPREAD = _spread16()
_MAJORITY = [bytes(1 if count > half else 0 for count in range(256))
             for half in range(_MAX_SHINGLES // 2 + 1)]  # by half: count -> bit


@lru_cache(maxsize=100_000)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def _mix(value: int) -> int:
    """splitmix64's finaliser: every input bit moves every output bit."""
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
    value = (value ^ (value >> 27)) * 0x94D049BB133111EB & _MASK
    return value ^ (value >> 31)


def simhash(title: str, text: str) -> int:
    """The 64-bit SimHash of the word 3-shingles of `title` and the lead of `text`."""
    lead = " ".join(text.split(None, LEAD_WORDS)[:LEAD_WORDS])  # not a split of all of it
    tokens = _WORD.findall(f"{title} {lead}".lower())
    hashes = list(map(_word_hash, tokens))
    if len(hashes) < 3:
        shingles = [_mix(h) for h in hashes]
    else:
        shingles = [(a ^ b * 0x9E3779B97F4A7C15 ^ c * 0xC2B2AE3D27D4EB4F) & _MASK
                    for a, b, c in zip(hashes, hashes[1:], hashes[2:], strict=False)]
    shingles = shingles[:_MAX_SHINGLES]
    if not shingles:
        return 0
    half = len(shingles) // 2  # a bit is set when more than half the shingles set it
    spread = _SPREAD
    c0 = c1 = c2 = c3 = 0  # the four 16-bit chunks' lanes, summed in one pass
    for h in shingles:
        c0 += spread[h & 0xFFFF]
        c1 += spread[(h >> 16) & 0xFFFF]
        c2 += spread[(h >> 32) & 0xFFFF]
        c3 += spread[h >> 48]
    counts = b"".join(c.to_bytes(16, "little") for c in (c0, c1, c2, c3))
    bits = counts.translate(_MAJORITY[half])[::-1]  # most significant bit first
    return int(bits.replace(b"\x00", b"0").replace(b"\x01", b"1"), 2)


def distance(a: int, b: int) -> int:
    """Bits in which two hashes differ."""
    return (a ^ b).bit_count()


def to_features(value: int) -> dict[str, float]:
    """The hash as two tiny named weights, so it is stored with a member's vector and read
    back exactly (a float holds a 32-bit half times a power of two without loss)."""
    return {FEATURE_KEYS[0]: (value & 0xFFFFFFFF) * _SCALE,
            FEATURE_KEYS[1]: (value >> 32) * _SCALE}


def from_features(features: Mapping[str, float]) -> int | None:
    """The hash `to_features` stored, or None (a member stored before hashes were)."""
    low, high = features.get(FEATURE_KEYS[0]), features.get(FEATURE_KEYS[1])
    if low is None or high is None:
        return None
    return round(low / _SCALE) | (round(high / _SCALE) << 32)


def without_hash(features: Mapping[str, float]) -> dict[str, float]:
    """A member's vector without its hash (for similarities)."""
    return {t: w for t, w in features.items() if not t.startswith("~")}


class RecentCopies:
    """Hashes of recent articles by band, to find a new article's earliest copy in any
    story. Articles come in date order; older than `days` before the newest are dropped."""

    def __init__(self, days: float = RECENT_DAYS) -> None:
        self.window = timedelta(days=days)
        self._bands: dict[tuple[int, int], list[str]] = {}
        self._hashes: dict[str, int] = {}
        self._root: dict[str, str] = {}  # a copy's original (chains point to the root)
        self._order: deque[tuple[datetime, str]] = deque()
        self._rank: dict[str, int] = {}  # arrival order: the earliest copy is the original
        self._count = 0

    def find(self, value: int, when: datetime) -> str | None:
        """The earliest recent article within MAX_DISTANCE bits of `value`, as its root."""
        self._expire(when)
        seen: set[str] = set()
        best: str | None = None
        best_rank = -1
        for band in range(4):
            for article_id in self._bands.get((band, (value >> (16 * band)) & 0xFFFF), ()):
                if article_id in seen:
                    continue
                seen.add(article_id)
                if distance(value, self._hashes[article_id]) <= MAX_DISTANCE:
                    rank = self._rank[article_id]
                    if best is None or rank < best_rank:
                        best, best_rank = article_id, rank
        return None if best is None else self.root(best)

    def add(self, article_id: str, value: int, when: datetime,
            copy_of: str | None = None) -> None:
        """Remember an article (and, if it is a copy, its root)."""
        if article_id in self._hashes:
            return
        self._hashes[article_id] = value
        self._rank[article_id] = self._count
        self._count += 1
        if copy_of is not None:
            self._root[article_id] = self.root(copy_of)
        for band in range(4):
            self._bands.setdefault((band, (value >> (16 * band)) & 0xFFFF), []).append(article_id)
        self._order.append((when, article_id))

    def root(self, article_id: str) -> str:
        """The original of a copy this index knows (itself if none)."""
        return self._root.get(article_id, article_id)

    def _expire(self, now: datetime) -> None:
        while self._order and now - self._order[0][0] > self.window:
            _, article_id = self._order.popleft()
            value = self._hashes.pop(article_id, None)
            self._rank.pop(article_id, None)
            self._root.pop(article_id, None)
            if value is None:
                continue
            for band in range(4):
                key = (band, (value >> (16 * band)) & 0xFFFF)
                holders = self._bands.get(key)
                if holders is not None:
                    holders.remove(article_id)
                    if not holders:
                        del self._bands[key]
