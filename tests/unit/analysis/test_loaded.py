"""The loaded-language detector: offsets into the text, quoted spans marked, never raising."""

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.analysis.loaded import LoadedSpan, find_loaded, quotations


def test_offsets_point_into_the_text():
    text = "Critics slammed the scheme. The senator's tirade was a witch hunt."
    spans = find_loaded(text)
    assert [s.text for s in spans] == ["slammed", "tirade", "witch hunt"]
    assert all(text[s.start:s.end] == s.text for s in spans)
    assert not any(s.quoted for s in spans)


@pytest.mark.parametrize("text", [
    'The governor called the plan "extreme and unprecedented," aides said.',
    "The governor called the plan “extreme and unprecedented,” aides said.",
    "Governor calls plan 'extreme', aides say",
    "Governor calls plan ‘extreme’, aides say",
    "“It is extreme,” she said.\n“And unprecedented.",  # runs on to the next paragraph
])
def test_a_politicians_quoted_words_are_quoted(text):
    spans = find_loaded(text)
    assert spans and all(s.quoted for s in spans), spans


def test_outside_the_quotation_is_the_outlets():
    text = 'The senator slammed what he called an "extreme" bill.'
    assert [(s.text, s.quoted) for s in find_loaded(text)] == [
        ("slammed", False), ("extreme", True)]


def test_an_unclosed_quote_ends_with_its_paragraph():
    text = '"This is extreme, he said.\nThe plan was extreme.'
    assert [s.quoted for s in find_loaded(text)] == [True, False]


def test_apostrophes_are_not_quotation_marks():
    text = "The players' union slammed the owners' extreme offer, which didn't help."
    assert not any(s.quoted for s in find_loaded(text))
    assert quotations(text) == []


def test_an_apostrophe_inside_single_quotes():
    text = "He called it 'a disaster that won't end' on Monday."
    (a, b), = quotations(text)
    assert text[a:b] == "'a disaster that won't end'"


def test_empty_and_plain_text():
    assert find_loaded("") == []
    assert find_loaded("The council met on Tuesday to discuss the budget.") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab slam extreme\"“”‘’'\n.-*_ÉSSİß")), max_size=80)
       | st.text(max_size=80))
def test_spans_are_valid_sorted_and_disjoint(text):
    spans = find_loaded(text)
    assert all(isinstance(s, LoadedSpan) for s in spans)
    assert all(0 <= s.start < s.end <= len(text) and text[s.start:s.end] == s.text for s in spans)
    assert all(a.end <= b.start for a, b in pairwise(spans))
    ranges = quotations(text)
    assert all(0 <= a < b <= len(text) for a, b in ranges)
    assert all(x[1] <= y[0] for x, y in pairwise(ranges))


def test_dismissive_framings():
    text = "The worries were overblown; the case turned on a technicality."
    assert [s.text for s in find_loaded(text)] == ["overblown", "technicality"]


@pytest.mark.parametrize(("text", "found"), [
    ("Obama adviser David Axelrod said the Patriot Act passed.", []),  # names are not word choice
    ("The Surgeon General spoke; critics slammed him.", ["slammed"]),
    ("Extreme weather hit the coast. Radical changes followed.", ["Extreme", "Radical"]),
    ("Senator Slams Extreme Bill In Fiery Speech", ["Slams", "Extreme", "Fiery"]),  # a headline
    ("The mayor called it FAKE NEWS on Monday.", ["FAKE NEWS"]),
    ("He lost to him. Mr. Brat was able to win, said Sen. Graham.", []),  # after a title
    ("It was a brat. Brat was the word.", ["brat", "Brat"]),  # a sentence's first word
    ("Voters chose Dave Brat. Brat said he won.", []),  # the text writes it as a name
    ("No Need For A Big Tent\n\nBombastic critics spoke.", ["Bombastic"]),  # a new paragraph
    ("the senators,\nRadical Party leaders", []),  # a line wrapped mid-sentence
])
def test_names_mid_sentence_are_not_loaded(text, found):
    assert [s.text for s in find_loaded(text)] == found


def test_a_stray_curly_close_ends_a_quotation_begun_earlier():
    text = "“It was a fine day,” he said.\nand the press is hysterical,” the statement said."
    assert [(s.text, s.quoted) for s in find_loaded(text)] == [("hysterical", True)]


def test_a_capitalised_loaded_phrase_is_emphasis():
    assert [s.text for s in find_loaded("He was in charge of the Witch Hunt, he wrote.")] == [
        "Witch Hunt"]


def test_opinion_words_that_news_seldom_uses():
    # loaded-opinion.txt: Liu's negative words and pattern's subjective adjectives that at
    # most one AllSides article uses; a common or positive one ("passionate") is not there
    assert [s.text for s in find_loaded("The senator gave a despicable speech.")] == ["despicable"]
    assert find_loaded("The senator gave a passionate speech.") == []
    text = "Critics slammed the passionate tirade."
    assert [s.text for s in find_loaded(text)] == ["slammed", "tirade"]


def test_scare_quotes_and_stop_words():
    assert [(s.text, s.quoted) for s in find_loaded('The "experts" met.')] == [("experts", True)]
    assert find_loaded("The major attack came on Monday.") == []  # news uses these neutrally


def test_a_capitalised_word_in_quotes_is_a_title_not_a_scare_quote():
    assert find_loaded('Trump told NBC\'s "Today" show he would run.') == []
    assert find_loaded('Patrick picked William "Mo" Cowan.') == []
    assert [s.text for s in find_loaded('She met the "experts" on the "Today" show.')] == ["experts"]


def test_a_stop_phrase_is_not_loaded_across_a_line_break():
    # loaded-stop.txt lists phrases too ("assault weapons": straight news names the ban so)
    assert find_loaded("A ban on assault weapons was revived.") == []
    assert find_loaded("A ban on assault\nweapons was revived.") == []
