"""Text features shared by story grouping and framing: tokens, stems, names."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

_STOPWORD_TEXT = """
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does
doesn't doing don't down during each few for from further had hadn't has hasn't have
haven't having he he'd he'll he's her here here's hers herself him himself his how how's i
i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my
myself no nor not of off on once only or other ought our ours ourselves out over own same
shan't she she'd she'll she's should shouldn't so some such than that that's the their
theirs them themselves then there there's these they they'd they'll they're they've this
those through to too under until up very was wasn't we we'd we'll we're we've were weren't
what what's when when's where where's which while who who's whom why why's with won't would
wouldn't you you'd you'll you're you've your yours yourself yourselves said says say saying
told tell according also just like one two three new year years time week day today
yesterday monday tuesday wednesday thursday friday saturday sunday will may might must many
much mr mrs ms us get got make made
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*%?")
_SENTENCE_END = re.compile(r"[.!?]\s+|\n+")
# A name word: "Biden", "DeSantis", "McConnell", "O'Rourke" (capitals inside one word keep
# it whole), or an acronym ("NATO").
_NAME_WORD = r"(?:[A-Z][a-z'’\-]+(?:[A-Z][a-z'’\-]+)*|[A-Z]{2,})"
_NAME = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})*")
_POSSESSIVE = re.compile(r"['’]s?$")
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ers", "er",
             "es", "ed", "ly", "s")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper: enough to join 'ruling'/'rules'/'ruled', cheap and stable."""
    if len(word) <= 4 or word[0].isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


_CONTENT: dict[str, str] = {}  # token as found -> its stem ("": not a content word)
_CONTENT_LIMIT = 100_000  # emptied when it grows past this (hostile input has no end of tokens)


def words(text: str) -> list[str]:
    """Lower-case content words (no stopwords, no single letters), stemmed.

    Each distinct token is judged once (a memo): grouping calls this on every article, and
    the same few thousand tokens make up most of them."""
    memo = _CONTENT
    tokens = _WORD.findall(text.lower().replace("’", "'"))
    found = list(map(memo.get, tokens))  # looked up in C; a token new to the memo is None
    if None in found:
        for i, content in enumerate(found):
            if content is None:
                token = tokens[i]
                content = memo.get(token)  # an earlier miss of this call may have filled it
                if content is None:
                    content = _content_word(token)
                    if len(memo) >= _CONTENT_LIMIT:
                        memo.clear()
                    memo[token] = content
                found[i] = content
    return list(filter(None, found))


def _content_word(token: str) -> str:
    """A token's stem, or "" for a stopword or a single letter."""
    if token.endswith("'s"):
        token = token[:-2]
    if len(token) < 2 or token in STOPWORDS:
        return ""
    return stem(token)


def surface_forms(text: str) -> dict[str, Counter[str]]:
    """For each stem in `text`, the words as written (to show 'shares', not 'shar')."""
    forms: dict[str, Counter[str]] = {}
    for token in _WORD.findall(text.lower().replace("’", "'")):
        token = token.removesuffix("'s")
        if len(token) >= 2 and token not in STOPWORDS:
            forms.setdefault(stem(token), Counter())[token] += 1
    return forms


def names(text: str) -> list[str]:
    """Capitalized word runs that are not just a sentence's first word: people, places, bodies."""
    found = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        for match in _NAME.finditer(sentence):
            phrase = match.group(0)
            parts = phrase.split()
            if match.start() == 0 and len(parts) == 1:
                continue  # "The", "Officials": a capital only because the sentence starts
            cleaned = [p for p in (_POSSESSIVE.sub("", p) for p in parts)
                       if p and p.lower() not in STOPWORDS]
            if cleaned:
                found.append(" ".join(cleaned).lower())
    return found
