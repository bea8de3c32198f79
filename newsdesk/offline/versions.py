"""What changed between two versions of an article: a word diff, and the words for it.

Pure: texts in, a diff out (difflib over words, so punctuation and spacing changes do not
hide the words that moved).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

_WORD = re.compile(r"(\s*)(\S+)")


def _words(text: str) -> tuple[list[tuple[str, str]], str]:
    """(space before, word) pairs, and the space after the last word."""
    pairs = _WORD.findall(text)
    used = sum(len(space) + len(word) for space, word in pairs)
    return pairs, text[used:]


@dataclass(frozen=True, slots=True)
class DiffPart:
    """A run of words: kept ("="), removed ("-") or added ("+"); `text` keeps its spaces
    and line breaks so the parts joined give back either side."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[DiffPart]:
    """The words of `old` turned into those of `new`; joining the "=" and "-" parts gives
    `old`, the "=" and "+" parts `new`."""
    a, a_end = _words(old)
    b, b_end = _words(new)
    parts: list[DiffPart] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if parts and parts[-1].op == op:
            parts[-1] = DiffPart(op, parts[-1].text + text)
        else:
            parts.append(DiffPart(op, text))

    # Words are matched, the space before each rides along (matching the spaces as tokens
    # of their own made a 10,000-word diff take a minute: " " was every other token).
    # autojunk off: in a long text the common words ("the") are not junk to skip.
    matcher = SequenceMatcher(None, [w for _, w in a], [w for _, w in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for (old_space, word), (new_space, _) in zip(a[i1:i2], b[j1:j2], strict=True):
                if old_space == new_space:
                    add("=", old_space + word)
                else:
                    add("-", old_space)
                    add("+", new_space)
                    add("=", word)
        else:
            add("-", "".join(space + word for space, word in a[i1:i2]))
            add("+", "".join(space + word for space, word in b[j1:j2]))
    if a_end == b_end:
        add("=", a_end)
    else:
        add("-", a_end)
        add("+", b_end)
    return parts


def changed_words(parts: list[DiffPart]) -> tuple[int, int]:
    """(words removed, words added) in a diff."""
    removed = sum(len(p.text.split()) for p in parts if p.op == "-")
    added = sum(len(p.text.split()) for p in parts if p.op == "+")
    return removed, added


def after_publication(published: datetime, when: datetime) -> str:
    """'3 h after publication', '2 days after publication', 'within a minute of
    publication', 'before its stated publication time' (a feed's clock)."""
    seconds = (when - published).total_seconds()
    if seconds < 0:
        return "before its stated publication time"
    if seconds < 60:
        return "within a minute of publication"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min after publication"
    hours = int(seconds // 3600)
    if hours < 48:
        return f"{hours} h after publication"
    return f"{int(seconds // 86400)} days after publication"
