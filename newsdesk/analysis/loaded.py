"""Loaded language: charged, opinionated or one-sided words and phrases in news text.

One detector for the framing pane, the reports and `newsdesk loaded`. It returns
character offsets into the text it was given, and whether each span stands inside a
quotation (then the words are the quoted person's, not the outlet's). Its lexicons ship
in resources/lexicons; it is measured by bench/loaded_eval.py, and not tuned to BASIL.

Pure: no Qt, no network, no database.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LoadedSpan:
    """One flagged word or phrase: text[start:end] == self.text."""

    start: int
    end: int
    text: str
    quoted: bool


def find_loaded(text: str) -> list[LoadedSpan]:
    """Every loaded word or phrase in `text`, in order, not overlapping. Never raises."""
    raise NotImplementedError
