"""Loaded language: charged, opinionated or one-sided words and phrases in news text.

One detector for the framing pane, the reports and `newsdesk loaded`. It returns
character offsets into the text it was given, and whether each span stands inside a
quotation (then the words are the quoted person's, not the outlet's). Its lexicons ship
in resources/lexicons; it is measured by bench/loaded_eval.py, and not tuned to BASIL.

Pure: no Qt, no network, no database.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from newsdesk.analysis.cues import CueMatcher, lexicon_lines

log = logging.getLogger(__name__)

# Quotation marks. Double quotes (straight or curly) open and close a quotation; a
# quotation still open at the end of a paragraph ends there (news style reopens a
# quotation that runs on in the next paragraph). Single quotes (straight or curly) are
# quotation marks only around a word or phrase within one line ('extreme'), because the
# same characters are apostrophes (don't, the players' union).
_PARAGRAPH = re.compile(r"\n")
_DOUBLE = re.compile(r"[\"“”„‟«»]")
_OPENS = frozenset("“„‟«")
_CLOSES = frozenset("”»")
_WORD = re.compile(r"[^\W\d_]+")
# A capital after these is mid-sentence, or after a title (Mr. Brat, Sen. Graham): a name.
# Not after a blank line: a paragraph starts a sentence even when the line before (a
# headline) has no full stop.
_BEFORE_NAME = re.compile(r"(?:[\w,;:]|\b(?:Mr|Mrs|Ms|Messrs|Dr|Sen|Sens|Rep|Reps|Gov|Lt|Gen|Col"
                          r"|Sgt|Capt|Adm|Prof|Rev|Fr|St|Supt|Pres|Atty)\.)"
                          r"[^\S\n]*(?:\n[^\S\n]*)?(?<=\s)\Z")
# Scare quotes: one word in double quotes, within a sentence (the "experts"); a capitalised
# one is a title, a nickname or a name (NBC's "Today" show, William "Mo" Cowan), not counted.
_SCARE = re.compile(r"[\"“](?P<word>[^\W\d_][\w'’-]*[^\W_]|[^\W\d_])[\"”]")
_SINGLE = re.compile(r"(?<![\w’'])[‘'](?=\w)(?:[^\n‘'’]|(?<=\w)['’](?=\w)){0,200}?(?<=[\w.,!?])[’'](?!\w)")


@dataclass(frozen=True, slots=True)
class LoadedSpan:
    """One flagged word or phrase: text[start:end] == self.text."""

    start: int
    end: int
    text: str
    quoted: bool


def quotations(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) ranges of quoted text, marks included."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for paragraph_end in [m.start() for m in _PARAGRAPH.finditer(text)] + [len(text)]:
        ranges += _double_quoted(text, start, paragraph_end)
        start = paragraph_end + 1
    for match in _SINGLE.finditer(text):
        a, b = match.span()
        i = bisect.bisect_right(ranges, (a, len(text) + 1))
        overlaps = (i > 0 and ranges[i - 1][1] > a) or (i < len(ranges) and ranges[i][0] < b)
        if not overlaps:
            ranges.insert(i, (a, b))
    return ranges


def _double_quoted(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Double-quoted ranges within one paragraph text[start:end]."""
    found: list[tuple[int, int]] = []
    opened: int | None = None
    for match in _DOUBLE.finditer(text, start, end):
        mark, at = match.group(0), match.start()
        if opened is None:
            if mark not in _CLOSES:
                opened = at
            elif mark == "”":  # a stray curly close: the quotation began before this paragraph
                found.append((found[-1][1] if found else start, at + 1))
        elif mark not in _OPENS:  # a closing or straight mark closes
            found.append((opened, at + 1))
            opened = None
        # a second opening mark inside a quotation: keep the first
    if opened is not None:
        found.append((opened, end))
    return found


def find_loaded(text: str) -> list[LoadedSpan]:
    """Every loaded word or phrase in `text`, in order, not overlapping. Never raises."""
    try:
        return _find(text)
    except Exception:  # the framing pane runs this on every article: never fail it
        log.exception("loaded-language detector failed on a text of %d characters", len(text))
        return []


def _title_case(text: str) -> bool:
    """A headline in title case ("Senator Slams Bill"): its capitals are not names."""
    words = _WORD.findall(text[:2000])
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _is_name(text: str, start: int, end: int) -> bool:
    """A capitalised word mid-sentence is a name or a title (David Axelrod, the Patriot
    Act, Surgeon General), not the outlet's word choice; capitals throughout, or on a
    whole loaded phrase ("the Witch Hunt"), are emphasis."""
    word = text[start:end]
    return (word[:1].isupper() and not word.isupper() and not any(c.isspace() for c in word)
            and _BEFORE_NAME.search(text, max(0, start - 40), start) is not None)


def _named_elsewhere(text: str, word: str) -> bool:
    """Whether the text writes this capitalised word as a name somewhere (mid-sentence or
    after a title): then it is that name at the start of a sentence too ("Brat said ..."
    in a story about Dave Brat), not a loaded word."""
    return any(_is_name(text, m.start(), m.end())
               for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text))


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    """resources/lexicons/loaded-stop.txt: forms straight news uses neutrally."""
    return frozenset(lexicon_lines("loaded-stop"))


@lru_cache(maxsize=1)
def _matcher() -> CueMatcher:
    """loaded.txt (written for NewsDesk) and loaded-opinion.txt (published opinion
    lexicons, kept to words news seldom uses) in one matcher: one pass over the text."""
    return CueMatcher(("", cue) for name in ("loaded", "loaded-opinion")
                      for cue in lexicon_lines(name))


def _find(text: str) -> list[LoadedSpan]:
    """Entries of the lexicons, and a single lower-case word in double quotes (scare
    quotes), except stop words (loaded-stop.txt, phrases with their words one space apart)
    and names: mid-sentence, or a word the text writes as a name elsewhere."""
    if not text:
        return []
    stop = _stop()
    skip_names = not _title_case(text)
    found: list[tuple[int, int, str]] = [
        (m.start, m.end, m.text) for m in _matcher().finditer(text)
        if _stop_form(m.text) not in stop and not (skip_names and _is_name(text, m.start, m.end))]
    if skip_names and any(word[:1].isupper() for _, _, word in found):
        found = [(a, b, word) for a, b, word in found
                 if not (word[:1].isupper() and _named_elsewhere(text, word))]
    if '"' in text or "“" in text:
        taken = [(a, b) for a, b, _ in found]
        scares = [(a, b, word) for a, b, word in
                  ((m.start("word"), m.end("word"), m.group("word")) for m in _SCARE.finditer(text))
                  if not word[:1].isupper() and word.lower() not in stop
                  and not _overlapping(taken, a, b)]
        if scares:
            found = sorted(found + scares)
    if not found:
        return []
    quoted = quotations(text)
    if not quoted:
        return [LoadedSpan(a, b, word, False) for a, b, word in found]
    starts = [a for a, _ in quoted]
    spans = []
    for start, end, word in found:
        i = bisect.bisect_right(starts, start) - 1
        spans.append(LoadedSpan(start, end, word, i >= 0 and end <= quoted[i][1]))
    return spans


def _stop_form(match: str) -> str:
    """The form loaded-stop.txt lists: lower case, a phrase's words one space apart."""
    form = match.lower()
    return " ".join(form.split()) if " " in form or "\n" in form else form


def _overlapping(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of the sorted, disjoint `ranges`."""
    i = bisect.bisect_left(ranges, (end, -1))  # ranges[:i] start before `end`
    return i > 0 and ranges[i - 1][1] > start
