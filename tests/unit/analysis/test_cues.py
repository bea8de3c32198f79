"""The token-walking cue matcher finds what the reference regular expression finds."""

import pytest

from newsdesk.analysis.cues import (
    CueMatcher,
    cue_pattern,
    frame_cues,
    frames_matcher,
    lexicon_lines,
    lexicon_matcher,
)
from newsdesk.analysis.framing import sentences
from newsdesk.services.sample import load_sample

CUES = ["slam*", "witch hunt*", "slap on the wrist", "regime", "so-called", "ram* through"]


@pytest.mark.parametrize(("text", "found"), [
    ("Critics slammed the plan.", ["slammed"]),
    ("A witch hunts, they said; a witch hunt.", ["witch hunts", "witch hunt"]),
    ("It was a slap on the wrist.", ["slap on the wrist"]),
    ("a slap on\nthe   wrist", ["slap on\nthe   wrist"]),  # any whitespace between words
    ("a slap-on the wrist", []),  # a hyphen joins words: not the phrase
    ("The regime's answer", ["regime's"]),
    ("regimented lines", []),  # an exact entry does not match a longer word
    ("the so-called deal", ["so-called"]),
    ("Leaders rammed through the bill", ["rammed through"]),
    ("Nothing here.", []),
])
def test_matches(text, found):
    matcher = CueMatcher(("", cue) for cue in CUES)
    assert [m.text for m in matcher.finditer(text)] == found


def test_longest_entry_wins_and_each_list_counts_on_its_own():
    matcher = CueMatcher([("a", "court"), ("b", "court ruling"), ("c", "rul*")])
    assert [(m.text, m.labels) for m in matcher.finditer("The court ruling")] == [
        ("court ruling", ("b",))]
    assert matcher.labels_in("The court ruling") == {"a", "b", "c"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from newsdesk.store import open_store

    with open_store(tmp_path_factory.mktemp("cues") / "s.db") as store:
        load_sample(store)
        return [a.text for a in store.articles.list()]


def test_loaded_lexicon_matches_like_its_pattern(corpus):
    pattern = cue_pattern(lexicon_lines("loaded"))
    matcher = lexicon_matcher("loaded")
    for text in corpus:
        assert [m.start for m in matcher.finditer(text)] == [m.start() for m in pattern.finditer(text)]


def test_frame_lexicon_labels_sentences_like_its_patterns(corpus):
    patterns = {name: cue_pattern(cues) for name, cues in frame_cues().items()}
    matcher = frames_matcher()
    checked = 0
    for text in corpus:
        for sentence in sentences(text):
            expected = {name for name, p in patterns.items() if p.search(sentence)}
            assert matcher.labels_in(sentence) == expected, sentence
            checked += bool(expected)
    assert checked > 100
