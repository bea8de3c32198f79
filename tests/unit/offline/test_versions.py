"""Word diffs of article versions and the 'after publication' phrase."""

import itertools
import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.offline.versions import DiffPart, after_publication, changed_words, word_diff


def _side(parts, keep):
    return "".join(p.text for p in parts if p.op in ("=", keep))


def test_a_changed_headline():
    parts = word_diff("Minister resigns over expenses", "Minister quits over expenses row")
    assert parts == [DiffPart("=", "Minister"), DiffPart("-", " resigns"), DiffPart("+", " quits"),
                     DiffPart("=", " over expenses"), DiffPart("+", " row")]
    assert changed_words(parts) == (1, 2)


def test_punctuation_stays_with_its_word_and_spacing_is_kept():
    parts = word_diff("A  wall,\nbuilt.", "A  wall,\nrebuilt.")
    assert _side(parts, "-") == "A  wall,\nbuilt." and _side(parts, "+") == "A  wall,\nrebuilt."
    assert changed_words(parts) == (1, 1)


@pytest.mark.parametrize(("old", "new"), [("", ""), ("", "new words"), ("old words", "")])
def test_empty_sides(old, new):
    parts = word_diff(old, new)
    assert _side(parts, "-") == old and _side(parts, "+") == new
    assert all(p.text for p in parts)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab c\n\t.é"), max_size=80),
       st.text(alphabet=st.sampled_from("ab c\n\t.é"), max_size=80))
def test_the_parts_rebuild_both_sides(old, new):
    parts = word_diff(old, new)
    assert _side(parts, "-") == old and _side(parts, "+") == new
    assert all(p.op in "=-+" and p.text for p in parts)
    assert all(a.op != b.op for a, b in itertools.pairwise(parts))  # runs merged
    if old == new:
        assert all(p.op == "=" for p in parts)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_any_text_rebuilds(old, new):
    parts = word_diff(old, new)
    assert _side(parts, "-") == old and _side(parts, "+") == new


def test_ten_thousand_words_are_fast():
    words = [("the", "wall", "of", "river", "council")[i % 5] + str(i % 997) for i in range(10_000)]
    old = " ".join(words)
    new = " ".join("changed" if i % 250 == 0 else w for i, w in enumerate(words)) + " the end"
    started = time.process_time()
    parts = word_diff(old, new)
    assert time.process_time() - started < 2.0
    assert _side(parts, "+") == new and changed_words(parts)[1] >= 40


T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("delta", "said"), [
    (timedelta(seconds=-5), "before its stated publication time"),
    (timedelta(seconds=30), "within a minute of publication"),
    (timedelta(minutes=25), "25 min after publication"),
    (timedelta(hours=3, minutes=40), "3 h after publication"),
    (timedelta(hours=47), "47 h after publication"),
    (timedelta(days=2, hours=1), "2 days after publication"),
])
def test_after_publication(delta, said):
    assert after_publication(T0, T0 + delta) == said
