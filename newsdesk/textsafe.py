"""Text from feeds without the characters that act on a screen instead of showing.

A feed title can carry an escape sequence that clears a terminal, a carriage return that
overwrites the line it is printed on, a bidi override that shows a line reversed, or
zero-width characters that hide what a name really is. None of them belongs in a title,
a name or a category, so the ingest path removes them (sanitize.strip_markup) and the
CLI removes them again before printing (for data stored by older versions).
"""

from __future__ import annotations

import re

# Control characters that move or break a line: a space keeps the words apart.
_BREAKING = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029"
# C0 (but tab and newline), DEL, C1, zero-width and direction marks, bidi embeddings,
# overrides and isolates, the byte order mark / zero-width no-break space.
_INVISIBLE = ("\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069"
              "\u2028\u2029\ufeff")
_UNSAFE = re.compile(f"[{_INVISIBLE}]")
_UNSAFE_IN_LINE = re.compile(f"[\t\n{_INVISIBLE}]")


def _replace(match: re.Match[str]) -> str:
    return " " if match.group(0) in _BREAKING else ""


def strip_controls(text: str) -> str:
    """`text` without control, bidi-override and zero-width characters (tab and newline stay).

    Characters that break a line become a space, the rest disappear.
    """
    return _UNSAFE.sub(_replace, text) if text else text


def one_line(text: str) -> str:
    """A title, name or folder as stored: no control characters, one line, single spaces."""
    return " ".join(strip_controls(text).split()) if text else text


# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters an XML document cannot contain (for OPML export)."""
    return _NOT_XML.sub("", text)


def printable(text: str) -> str:
    """`text` safe to print on one terminal line: tabs and newlines become spaces too."""
    return _UNSAFE_IN_LINE.sub(_replace, text) if text else text


def is_safe(text: str) -> bool:
    """True when `text` holds nothing strip_controls would remove."""
    return _UNSAFE.search(text) is None
