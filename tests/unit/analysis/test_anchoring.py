"""Highlights find their passage again (TextQuoteSelector), and say so when they cannot."""

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from newsdesk.analysis.anchoring import Span, locate, quote_for
from newsdesk.models import TextQuote

TEXT = ("The minister said on Tuesday that the budget would be cut by ten percent next year, "
        "according to aides. Opposition leaders called the budget plan reckless.")
PASSAGE = "the budget would be cut by ten percent"

words = st.sampled_from(["the", "budget", "cut", "a", "minister", "said", "ten", "percent",
                         "year", "Tuesday", "plan", "aides"])
texts = st.lists(words, min_size=3, max_size=60).map(" ".join)


def test_quote_for_takes_context_from_the_text():
    q = quote_for(TEXT, PASSAGE)
    assert q == TextQuote(exact=PASSAGE, prefix="e minister said on Tuesday that ",
                          suffix=" next year, according to aides. ")
    assert len(q.prefix) == len(q.suffix) == 32


def test_quote_for_tolerates_whitespace_and_case_from_a_rendered_page():
    text = "Line one.\n\nThe  Budget\nwould be cut\u00a0now."
    q = quote_for(text, "the budget would be CUT now")
    assert q is not None and q.exact == "The  Budget\nwould be cut\u00a0now"
    assert locate(text, q) == Span(11, 11 + len(q.exact), True)


def test_quote_for_a_passage_not_in_the_text_is_none():
    assert quote_for(TEXT, "the budget would be doubled") is None
    assert quote_for(TEXT, "   ") is None


def test_context_is_limited():
    q = quote_for(TEXT, "budget", context=5)
    assert q == TextQuote("budget", " the ", " woul")


def test_several_places_are_told_apart_by_context():
    text = "A said yes. B said no. C said yes."
    q = TextQuote("said yes", prefix="C ", suffix=".")
    assert locate(text, q) == Span(25, 33, True)
    moved = locate("Intro. " + text, q)
    assert moved == Span(32, 40, True)


def test_found_exactly_but_the_context_changed_is_not_exact():
    q = quote_for(TEXT, PASSAGE)
    assert q is not None
    changed = TEXT.replace("on Tuesday that", "on Wednesday that")
    span = locate(changed, q)
    assert span is not None and not span.exact and changed[span.start:span.end] == PASSAGE


def test_case_changed_inside_the_passage():
    q = quote_for(TEXT, PASSAGE)
    assert q is not None
    changed = TEXT.replace("the budget", "the Budget")
    span = locate(changed, q)
    assert span is not None and not span.exact
    assert changed[span.start:span.end] == "the Budget would be cut by ten percent"


def test_a_word_changed_inside_the_passage_is_still_found():
    q = quote_for(TEXT, PASSAGE)
    assert q is not None
    changed = "Update: " + TEXT.replace("ten percent", "twelve percent")
    span = locate(changed, q)
    assert span is not None and not span.exact
    assert changed[span.start:span.end] == "the budget would be cut by twelve percent"


def test_words_rewritten_inside_the_passage_still_found_when_most_remains():
    q = quote_for(TEXT, PASSAGE)
    assert q is not None
    changed = TEXT.replace("would be cut", "will be slashed")
    span = locate(changed, q)
    assert span is not None
    assert changed[span.start:span.end] == "the budget will be slashed by ten percent"


def test_a_passage_rewritten_away_is_lost_not_invented():
    q = quote_for(TEXT, PASSAGE)
    assert q is not None
    rewritten = ("The minister said on Tuesday that spending stays as it is, according to aides. "
                 "Opposition leaders called the plan reckless.")
    assert locate(rewritten, q) is None
    assert locate("", q) is None


def test_short_passages_are_never_placed_fuzzily():
    assert locate("the budget", TextQuote("the budgie")) is None


@settings(max_examples=150, deadline=None)
@given(texts, st.data())
def test_quote_for_then_locate_returns_the_same_span(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    passage = text[start:end]
    assume(passage.strip())
    q = quote_for(text, passage)
    assert q is not None
    first = text.find(q.exact)
    assert locate(text, q) == Span(first, first + len(q.exact), True)


@settings(max_examples=150, deadline=None)
@given(texts, st.data(), st.text(alphabet="xyz!? ", min_size=1, max_size=40))
def test_locate_after_inserting_text_elsewhere(text, data, inserted):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())
    q = quote_for(text, text[start:end])
    assert q is not None
    first = text.find(q.exact)
    last = first + len(q.exact)
    at = data.draw(st.one_of(st.integers(0, first), st.integers(last, len(text))))
    changed = text[:at] + inserted + text[at:]
    span = locate(changed, q)
    assert span is not None
    assert changed[span.start:span.end] == q.exact
    if changed.count(q.exact) == 1:
        shift = len(inserted) if at <= first else 0
        assert (span.start, span.end) == (first + shift, last + shift)


@settings(max_examples=100, deadline=None)
@given(texts, st.text(alphabet="0123456789", min_size=1, max_size=40))
def test_a_passage_not_in_the_text_is_none(text, passage):
    assert quote_for(text, passage) is None
    assert locate(text, TextQuote(passage)) is None


def test_an_edited_passage_in_repetitive_text_is_found_by_its_context():
    import random

    rng = random.Random(1)
    vocabulary = ["the", "a", "budget", "said", "cut", "ten", "percent", "year", "plan", "aides", "tax"]
    text = " ".join(rng.choice(vocabulary) for _ in range(4000))
    start = text.index(" ", 12000) + 1
    q = quote_for(text, text[start:start + 120])
    assert q is not None
    changed = text[:start + 40] + " INSERTED WORDS " + text[start + 60:]
    span = locate(changed, q)
    assert span is not None and not span.exact
    assert abs(span.start - start) <= 2 and abs(span.end - (start + 116)) <= 4
