"""Highlights that find their place again: W3C Web Annotation's TextQuoteSelector.

A highlight keeps the passage's exact words and up to 32 characters before and after
them (prefix, suffix), taken from the article's plain text. When the article's text is
updated, `locate` looks for the passage in three steps, each stricter about inventing a
place than the one before it is about missing one:

1. the exact words; several places are told apart by how much of the prefix and suffix
   still surrounds each;
2. the same words ignoring case and runs of whitespace;
3. for passages of FUZZY_MIN characters or more, the most similar stretch of text near
   where pieces of the passage still occur, accepted only when at least FUZZY_THRESHOLD
   similar (difflib), so an edit inside the passage still finds it and a rewrite does not.

`quote_for` is tolerant the same way as step 2, because a passage selected in a rendered
page may differ from the plain text in whitespace (line breaks, non-breaking spaces).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from newsdesk.models import TextQuote

FUZZY_MIN = 16  # shorter passages are found exactly (steps 1 and 2) or not at all
FUZZY_THRESHOLD = 0.75  # difflib ratio between the passage and the stretch found
_SEED = 6  # length of the pieces the fuzzy step looks for
_MAX_SEED_HITS = 40  # a piece found more often than this says nothing about where
_MAX_CANDIDATES = 6


@dataclass(frozen=True)
class Span:
    """Where a passage is: text[start:end]. `exact` is False when it was found although
    the text changed in it or around it (other words, case, whitespace or context)."""

    start: int
    end: int
    exact: bool


def _pattern(passage: str) -> re.Pattern[str] | None:
    words = passage.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def quote_for(text: str, passage: str, context: int = 32) -> TextQuote | None:
    """The selector for the first place `passage` occurs in `text` (case and whitespace runs
    may differ); None when it does not occur."""
    pattern = _pattern(passage)
    match = pattern.search(text) if pattern else None
    if match is None:
        return None
    start, end = match.span()
    return TextQuote(exact=text[start:end], prefix=text[max(0, start - context):start],
                     suffix=text[end:end + context])


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _context_score(text: str, start: int, end: int, quote: TextQuote) -> int:
    """Characters of the stored prefix and suffix that still surround text[start:end]."""
    before = text[max(0, start - len(quote.prefix)):start]
    after = text[end:end + len(quote.suffix)]
    return _common_suffix(before, quote.prefix) + _common_prefix(after, quote.suffix)


def _intact(text: str, start: int, end: int, quote: TextQuote) -> bool:
    return (text[start:end] == quote.exact and text[:start].endswith(quote.prefix)
            and text[end:].startswith(quote.suffix))


def _best(text: str, spans: list[tuple[int, int]], quote: TextQuote) -> tuple[int, int]:
    """The span whose surroundings keep most of the prefix and suffix (the first on a tie)."""
    return max(spans, key=lambda s: (_context_score(text, s[0], s[1], quote), -s[0]))


def locate(text: str, quote: TextQuote) -> Span | None:
    """Where `quote` is in `text` now; None when it cannot be found any more."""
    exact = quote.exact
    if not exact.strip():
        return None
    spans: list[tuple[int, int]] = []
    at = text.find(exact)
    while at != -1:
        spans.append((at, at + len(exact)))
        at = text.find(exact, at + 1)
    if not spans:
        pattern = _pattern(exact)
        spans = [m.span() for m in pattern.finditer(text)] if pattern else []
    if spans:
        start, end = _best(text, spans, quote)
        return Span(start, end, _intact(text, start, end, quote))
    return _fuzzy(text, quote)


def _normalized(text: str) -> tuple[str, list[int]]:
    """`text` lower-cased with whitespace runs as one space, and each character's index in
    `text` (characters whose lower case is longer stay as they are, to keep the map 1:1)."""
    chars: list[str] = []
    where: list[int] = []
    space = False
    for i, c in enumerate(text):
        if c.isspace():
            if not space and chars:
                chars.append(" ")
                where.append(i)
            space = True
            continue
        space = False
        low = c.lower()
        chars.append(low if len(low) == 1 else c)
        where.append(i)
    return "".join(chars), where


def _fuzzy(text: str, quote: TextQuote) -> Span | None:
    needle, _ = _normalized(quote.exact.strip())
    if len(needle) < FUZZY_MIN:
        return None
    hay, where = _normalized(text)
    votes: Counter[int] = Counter()  # where the passage may start, in buckets one passage long
    for i in range(0, len(needle) - _SEED + 1, max(1, _SEED // 2)):
        for size in (_SEED, 2 * _SEED, 4 * _SEED):  # a common piece: try a longer one
            if i + size > len(needle):
                break
            hits = _find_all(hay, needle[i:i + size])
            if hits is not None:
                for hit in hits:
                    votes[(hit - i) // len(needle)] += 1
                break
    # the words around it, when they are still there, say where it was
    prefix, _ = _normalized(quote.prefix)
    suffix, _ = _normalized(quote.suffix)
    for context, offset in ((prefix.strip()[-16:], 0), (suffix.strip()[:16], -len(needle))):
        if len(context) >= 8:
            for hit in _find_all(hay, context) or ():
                start = hit + len(context) + 1 if offset == 0 else hit + offset - 1
                votes[max(0, start) // len(needle)] += 2
    best: tuple[float, int, int, int] | None = None  # (ratio, context, -start, end)
    slack = len(needle) // 2 + 1
    tried: set[int] = set()
    for bucket, _count in votes.most_common():
        if len(tried) >= _MAX_CANDIDATES:
            break
        if bucket in tried:
            continue
        tried.add(bucket)
        lo = max(0, bucket * len(needle) - slack)
        hi = min(len(hay), (bucket + 1) * len(needle) + len(needle) + slack)
        found = _align(hay[lo:hi], needle)
        if found is None:
            continue
        ratio, s, e = found
        if ratio < FUZZY_THRESHOLD:
            continue
        start, end = where[lo + s], where[lo + e - 1] + 1
        key = (ratio, _context_score(text, start, end, quote), -start, end)
        if best is None or key > best:
            best = key
    if best is None:
        return None
    return Span(-best[2], best[3], False)


def _find_all(hay: str, piece: str) -> list[int] | None:
    """Every place `piece` occurs, or None when it occurs too often to say where."""
    hits: list[int] = []
    at = hay.find(piece)
    while at != -1:
        if len(hits) == _MAX_SEED_HITS:
            return None
        hits.append(at)
        at = hay.find(piece, at + 1)
    return hits


def _align(window: str, needle: str) -> tuple[float, int, int] | None:
    """The stretch of `window` most like `needle`: (similarity, start, end)."""
    blocks = [b for b in SequenceMatcher(None, window, needle, autojunk=False)
              .get_matching_blocks() if b.size]
    if not blocks:
        return None

    def score(first: int, last: int) -> float:
        matched = sum(b.size for b in blocks[first:last + 1])
        length = blocks[last].a + blocks[last].size - blocks[first].a
        return 2 * matched / (len(needle) + length)

    first, last = 0, len(blocks) - 1
    while first < last and score(first + 1, last) > score(first, last):
        first += 1
    while last > first and score(first, last - 1) > score(first, last):
        last -= 1
    return (score(first, last), blocks[first].a, blocks[last].a + blocks[last].size)
