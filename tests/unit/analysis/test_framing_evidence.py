"""Issue 13's evidence bugs, each as a regression test."""

from newsdesk.analysis.framing import FramingArticle, kind_of, loaded_language, sentences, voices


def _article(text: str, title: str = "t") -> FramingArticle:
    return FramingArticle("a", "A", "a.example", title, text)


def test_the_splitter_keeps_an_abbreviated_month_in_its_sentence():
    text = "The Centers for Disease Control and Prevention said on Oct. 5 that shots work."
    assert sentences(text) == [text]
    assert set(voices(_article(text))) == {"Centers for Disease Control and Prevention"}


def test_companies_filing_briefs_are_voices_and_and_splits_two_names():
    text = ("Apple and Cisco said (PDF) the warrant reaches too far. Microsoft filed a brief. "
            "In an amicus brief filed by Verizon, the carrier argued otherwise.")
    assert {"Apple", "Cisco", "Microsoft", "Verizon"} <= set(voices(_article(text)))


def test_first_person_inside_quotes_does_not_make_an_opinion():
    text = '"I think we will win, and my team agrees," the coach said. The match is Sunday.'
    assert kind_of(_article(text))[0] == "news"


def test_quoted_loaded_words_are_marked_and_headlines_checked():
    found = loaded_language(_article('The senator called it "an outrageous power grab".',
                                     title="Critics slam the plan"))
    assert any(t.headline and not t.quoted for t in found)
    assert found and all(t.quoted for t in found if not t.headline)
