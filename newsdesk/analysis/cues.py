"""Cue lexicons (loaded words, frame cues, hedges): reading them and finding them in text.

An entry is a word or phrase; a trailing * on a word matches any ending ("slam*" finds
slams, slammed); words of a phrase are separated by spaces or underscores. `CueMatcher`
walks the text's tokens once and looks entries up by their first word, which is many
times faster than one regular expression with hundreds of alternatives (the loaded
lexicon alone has ~480). `cue_pattern` builds that regular expression anyway, for
highlighting a few sentences and as the reference the matcher is tested against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from newsdesk.config import resource_path

_TOKEN = re.compile(r"[\w-]+(?:'[\w-]+)*")
_GAP = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class CueMatch:
    start: int
    end: int
    text: str
    labels: tuple[str, ...]  # the lists holding the entry (frame dimensions; "" for one list)


def _bare(token: str) -> str:
    """'regime's' is the entry 'regime'."""
    return token[:-2] if token.endswith("'s") else token


def _parts(cue: str) -> tuple[tuple[str, bool], ...]:
    """('slam', True) for slam*; the words of a phrase in order."""
    return tuple((w.rstrip("*"), w.endswith("*")) for w in cue.lower().replace("_", " ").split())


_Entry = tuple[tuple[tuple[str, bool], ...], tuple[str, ...], int]  # words, labels, length


class CueMatcher:
    """Finds entries of one or more labelled cue lists in text; longest entry wins."""

    def __init__(self, cues: Iterable[tuple[str, str]]) -> None:
        self._exact: dict[str, list[_Entry]] = {}
        self._prefix: dict[str, list[_Entry]] = {}
        labels: dict[tuple[tuple[str, bool], ...], list[str]] = {}
        for label, cue in cues:
            parts = _parts(cue)
            if parts and parts[0][0] and label not in labels.setdefault(parts, []):
                labels[parts].append(label)
        for parts, where in labels.items():
            entry = (parts, tuple(where), sum(len(w) + wild for w, wild in parts) + len(parts) - 1)
            first, wild = parts[0]
            if wild:
                self._prefix.setdefault(first[:3], []).append(entry)
            else:
                self._exact.setdefault(first, []).append(entry)
        for table in (self._exact, self._prefix):
            for entries in table.values():
                entries.sort(key=lambda e: -e[2])  # longest first, as the pattern tries them
        self._short = any(len(key) < 3 for key in self._prefix)  # prefixes under 3 letters

    def _candidates(self, token: str) -> Iterator[_Entry]:
        yield from self._exact.get(_bare(token), ())
        keys = [token[:3]] + ([k for k in {token[:1], token[:2]} if k != token[:3]]
                              if self._short else [])
        for key in keys:  # prefixes are filed by their first 3 letters (or fewer)
            for entry in self._prefix.get(key, ()):
                if token.startswith(entry[0][0][0]):
                    yield entry

    def finditer(self, text: str) -> Iterator[CueMatch]:
        """Non-overlapping matches, left to right (like re.finditer on `cue_pattern`).

        Most tokens start no entry: two dictionary look-ups skip them before any candidate
        is built (the loaded lexicons have ~5,000 entries and run on every article)."""
        tokens = [(m.start(), m.end(), m.group(0).lower()) for m in _TOKEN.finditer(text)]
        exact, prefix, short = self._exact, self._prefix, self._short
        i = 0
        while i < len(tokens):
            token = tokens[i][2]
            if (not short and token[:3] not in prefix
                    and (token[:-2] if token.endswith("'s") else token) not in exact):
                i += 1
                continue
            best: tuple[int, int, tuple[str, ...], int] | None = None  # chars, tokens, labels, end
            for parts, label, size in self._candidates(token):
                if best is not None and size <= best[0]:
                    continue
                if self._matches(text, tokens, i, parts):
                    best = (size, len(parts), label, tokens[i + len(parts) - 1][1])
            if best is None:
                i += 1
                continue
            start = tokens[i][0]
            yield CueMatch(start, best[3], text[start:best[3]], best[2])
            i += best[1]

    @staticmethod
    def _matches(text: str, tokens: list[tuple[int, int, str]], i: int,
                 parts: tuple[tuple[str, bool], ...]) -> bool:
        if i + len(parts) > len(tokens):
            return False
        for k, (word, wild) in enumerate(parts):
            token = tokens[i + k][2]
            if not (token.startswith(word) if wild else _bare(token) == word):
                return False
            if k and not _GAP.fullmatch(text, tokens[i + k - 1][1], tokens[i + k][0]):
                return False
        return True

    def labels_in(self, text: str) -> set[str]:
        """Every list with an entry anywhere in text, each list on its own (an entry of
        one list inside a longer entry of another still counts for the first)."""
        tokens = [(m.start(), m.end(), m.group(0).lower()) for m in _TOKEN.finditer(text)]
        found: set[str] = set()
        for i in range(len(tokens)):
            for parts, labels, _size in self._candidates(tokens[i][2]):
                if not found.issuperset(labels) and self._matches(text, tokens, i, parts):
                    found.update(labels)
        return found


def cue_pattern(cues: Iterable[str]) -> re.Pattern[str]:
    """The same cues as one case-insensitive regular expression, longest first."""
    parts = []
    for cue in sorted(set(cues), key=len, reverse=True):
        words_ = cue.lower().replace("_", " ").split()
        parts.append(r"\s+".join(re.escape(w.rstrip("*")) + (r"[\w'-]*" if w.endswith("*") else "")
                                 for w in words_))
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


def lexicon_lines(name: str) -> list[str]:
    """resources/lexicons/NAME.txt without comments and blank lines."""
    text = resource_path("lexicons", f"{name}.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.strip().startswith("#")]


@lru_cache(maxsize=1)
def frame_cues() -> dict[str, list[str]]:
    """resources/lexicons/frames.txt: [dimension] sections of space-separated cues."""
    cues: dict[str, list[str]] = {}
    current = ""
    for line in lexicon_lines("frames"):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            cues[current] = []
        else:
            cues[current] += line.split()
    return cues


@lru_cache(maxsize=8)
def lexicon_matcher(name: str) -> CueMatcher:
    return CueMatcher(("", cue) for cue in lexicon_lines(name))


@lru_cache(maxsize=1)
def frames_matcher() -> CueMatcher:
    return CueMatcher((frame, cue) for frame, cues in frame_cues().items() for cue in cues)
