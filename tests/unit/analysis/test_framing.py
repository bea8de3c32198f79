"""Framing comparison on a small hand-written story with known answers."""

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.analysis.framing import (
    Z_SIGNIFICANT,
    FramingArticle,
    compare,
    headline_words,
    hedges,
    kind_of,
    linked,
    log_odds,
    sentences,
    timeline,
    voices,
)

T0 = datetime(2026, 5, 4, 8, tzinfo=UTC)
WIRE = FramingArticle(
    "w1", "Wire", "wire.example", "Court fines Acme over data leak",
    'A court fined Acme $2 million on Monday over a data leak. "We will appeal," said Jane Doe, '
    "Acme's lawyer. The fine is the largest so far, according to the Data Office.",
    '<p>See the <a href="https://court.example/rulings/acme.pdf">ruling</a>.</p>',
    "https://wire.example/2026/acme-fine", T0, ("Courts",))
BLOG = FramingArticle(
    "b1", "Blog", "blog.example", "Acme's slap on the wrist is a disgrace",
    "I think this fine is a joke. Acme allegedly knew about the leak for months, and the "
    "Data Office reportedly ignored warnings. My view: fines this small change nothing.",
    '<p>As <a href="https://wire.example/2026/acme-fine">Wire reported</a>, the court acted.</p>',
    "https://blog.example/opinion/acme", T0 + timedelta(hours=5), ("Privacy",))
BIZ = FramingArticle(
    "z1", "Biz", "biz.example", "Acme shares fall after court fine",
    "Acme shares fell 4 percent after the court fine. Analyst Sam Lee said investors expect "
    "more fines. Lee added that the leak could cost Acme customers.",
    "", "https://biz.example/markets/acme", T0 + timedelta(hours=2), ("Markets",))
STORY = [WIRE, BLOG, BIZ]


def test_timeline_orders_outlets_and_measures_the_lag():
    assert [(e.outlet, e.hours_after_first) for e in timeline(STORY)] == [
        ("Wire", 0.0), ("Biz", 2.0), ("Blog", 5.0)]


def test_headline_words_only_that_outlet_uses():
    words = headline_words(STORY)
    assert words["Wire"] == ("data", "leak")  # "fines" is Biz's "fine": same stem
    assert words["Blog"] == ("slap", "wrist", "disgrace")
    assert words["Biz"] == ("shares", "fall")


def test_names_inside_a_quote_are_not_voices():
    quoted = FramingArticle(
        "q1", "Wire", "wire.example", "t",
        '"Congress wrote this law before the cloud," Nimbus lawyer Dana Reyes told the court.')
    assert set(voices(quoted)) == {"Dana Reyes"}


def test_a_place_before_a_clause_is_not_a_voice():
    clause = FramingArticle("c1", "Wire", "wire.example", "t",
                            "Emails are stored in Lisbon, as analysts warned on Tuesday.")
    assert voices(clause) == {}


@pytest.mark.parametrize(("text", "expected"), [
    ('"It is a valuable exercise," said Rep. Steve Israel, D-N.Y.', {"Steve Israel"}),
    ("Historian Alan Brinkley of Columbia University told Fox News it was theater.",
     {"Alan Brinkley"}),  # told X: X is the audience
    ("But Roger Pilon of the Cato Institute said Congress needs to re-read it.", {"Roger Pilon"}),
    ('"Far from perfect," NOW President Terry O\'Neill said in a statement.', {"Terry O'Neill"}),
    ("Rates will rise, the Bank of England said on Monday.", {"Bank of England"}),
    ("Rates will rise, said Governor Ana Lima.", {"Ana Lima"}),
])
def test_voices_are_people_and_bodies_not_titles_or_listeners(text, expected):
    found = voices(FramingArticle("v1", "Wire", "wire.example", "t", text))
    assert set(found) == expected


def test_voices_and_missing_voices():
    assert set(voices(WIRE)) == {"Jane Doe", "Data Office"}
    assert set(voices(BIZ)) == {"Sam Lee"}  # "Lee added" folds into the full name
    assert len(voices(BIZ)["Sam Lee"]) == 2
    frames = {f.outlet: f for f in compare(STORY).outlets}
    assert frames["Biz"].missing_voices == ("Data Office", "Jane Doe")


def test_hedges_are_found_with_their_sentences():
    found = hedges(BLOG)
    assert [e.sentence for e in found] == [
        "Acme allegedly knew about the leak for months, and the Data Office reportedly "
        "ignored warnings."]
    assert hedges(WIRE) == []


def test_links_to_outlets_and_primary_sources():
    sites = {a.outlet: a.site for a in STORY}
    assert linked(BLOG, sites)[:2] == (["Wire"], [])
    assert linked(WIRE, sites)[:2] == ([], ["https://court.example/rulings/acme.pdf"])


@pytest.mark.parametrize(("article", "kind"), [(WIRE, "news"), (BLOG, "opinion"), (BIZ, "news")])
def test_kind(article, kind):
    assert kind_of(article)[0] == kind


def test_log_odds_prefers_words_an_outlet_uses_often():
    counts = {"a": Counter({"fine": 5, "court": 5, "shares": 0}),
              "b": Counter({"fine": 5, "court": 5, "shares": 6})}
    prior = Counter({"fine": 100, "court": 100, "shares": 100})
    scores = dict((w, z) for w, z, _ in log_odds(counts, prior)["b"])
    assert scores["shares"] > 0 > scores["fine"]


# a story long enough for words to be significant: six articles each from Biz and Wire
BIG_STORY = [
    *(replace(BIZ, id=f"z{i}", text=BIZ.text + " Acme shares slid again as Sam Lee spoke. "
              "Sam Lee said Acme shares would recover.") for i in range(1, 7)),
    *(replace(WIRE, id=f"w{i}", text=WIRE.text + " Acme shares were steady. The court fined "
              "the firm for the leak; the court said the leak was grave.") for i in range(1, 7)),
    BLOG]


def test_compare_puts_evidence_behind_distinctive_words():
    result = compare(BIG_STORY)
    assert {"acme", "fine", "leak"} <= set(result.common_core)
    biz = next(f for f in result.outlets if f.outlet == "Biz")
    share = next(t for t in biz.distinctive if t.term == "acme shares")  # a phrase
    assert share.evidence and "Acme shares" in share.evidence[0].sentence
    assert "shares" not in [t.term for t in biz.distinctive]  # not said twice
    assert biz.distinctive[0].term == "sam lee"  # a name before a common word
    wire = next(f for f in result.outlets if f.outlet == "Wire")
    assert "data leak" in [t.term for t in wire.distinctive]
    assert all(t.z >= Z_SIGNIFICANT for o in result.outlets for t in o.distinctive)
    small = compare(STORY)
    assert [e.sentence[:20] for e in small.core_evidence["acme"]] == [
        "Acme shares fell 4 p", "Acme allegedly knew ", "A court fined Acme $"]  # Biz, Blog, Wire


def test_words_below_significance_are_not_shown():
    """Three short articles: nothing reaches |z| >= 1.96 ("hand, wherever, goes" was z 1.2)."""
    assert all(o.distinctive == () for o in compare(STORY).outlets)


def test_link_evidence_is_the_sentence_the_link_sits_in():
    wire = next(f for f in compare(STORY).outlets if f.outlet == "Wire")
    assert wire.link_evidence["https://court.example/rulings/acme.pdf"][0].sentence == \
        "See the ruling."
    blog = next(f for f in compare(STORY).outlets if f.outlet == "Blog")
    assert blog.links_to_outlets == ("Wire",) and blog.link_evidence["Wire"][0].article_id == "b1"


def test_sentences():
    assert sentences('He said "yes." Then he left. Mr. Smith stayed.') == [
        'He said "yes."', "Then he left.", "Mr. Smith stayed."]


def test_loaded_language_is_flagged_with_its_sentence():
    from newsdesk.analysis.framing import loaded_language

    found = loaded_language(BLOG)
    # the headline's words; "allegedly" is a stop word (8 AllSides articles use it, half of
    # them "center": straight reporting's hedge, not a loaded choice)
    assert [t.word.lower() for t in found] == ["slap on the wrist", "disgrace"]
    angry = FramingArticle("x", "X", "x.example", "t",
                           "Critics slammed the draconian plan. It is a slap on the wrist. "
                           "The council met on Tuesday.")
    words_found = [t.word.lower() for t in loaded_language(angry)]
    assert words_found == ["slammed", "draconian", "slap on the wrist"]
    assert loaded_language(angry)[0].evidence.sentence == "Critics slammed the draconian plan."


def test_neutral_reporting_is_not_flagged():
    from newsdesk.analysis.framing import loaded_language

    calm = FramingArticle("c", "C", "c.example", "t",
                          "The council voted 7 to 2 on Thursday. The ordinance takes effect in "
                          "30 days, the clerk said.")
    assert loaded_language(calm) == []


def test_tone_is_negative_for_angry_prose_and_keeps_its_evidence():
    from newsdesk.analysis.framing import tone

    mean, scored = tone(BLOG)
    assert mean < 0
    assert scored[0][0] < 0 and scored[0][1].article_id == "b1"
    calm_mean, _ = tone(FramingArticle("c", "C", "c.example", "t", "The council met on Tuesday."))
    assert calm_mean == 0.0
    frames = {f.outlet: f for f in compare(STORY).outlets}
    assert frames["Blog"].tone < frames["Wire"].tone


def test_frames_weigh_the_dimensions_an_article_leans_on():
    from newsdesk.analysis.framing import frame_weights, frames

    biz = frame_weights(frames(BIZ))
    assert max(biz, key=biz.get) == "economic"
    wire = frames(WIRE)
    assert "legality and constitutionality" in wire
    assert wire["legality and constitutionality"][0].article_id == "w1"
    assert abs(sum(biz.values()) - 1.0) < 0.01
    assert frame_weights({}) == {}


def test_the_frames_lexicon_has_the_fourteen_dimensions():
    from newsdesk.analysis.framing import frame_patterns

    assert sorted(frame_patterns()) == sorted([
        "economic", "capacity and resources", "morality", "fairness and equality",
        "legality and constitutionality", "policy prescription and evaluation",
        "crime and punishment", "security and defense", "health and safety",
        "quality of life", "cultural identity", "public opinion", "political",
        "external regulation and reputation"])
    from newsdesk.analysis.framing import FRAME_LABELS

    cued = [k for k in FRAME_LABELS if k != "other"]  # "other" has no cue words
    assert cued == sorted(frame_patterns(), key=cued.index)
    assert set(cued) == set(frame_patterns())
    assert len(FRAME_LABELS) == 15


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Since then nothing has changed.", set()),
    ("The lawmakers met.", {"political"}),
    ("It cost a billion.", {"economic"}),
    ("The familiar bank.", set()),
    ("A warrant was issued.", {"legality and constitutionality"}),
    ("The injunction stands.", {"legality and constitutionality"}),
    ("Police arrived.", {"crime and punishment"}),
    ("The national team won.", set()),
])
def test_frame_cues_do_not_catch_lookalike_words(sentence, expected):
    from newsdesk.analysis.cues import frames_matcher

    assert frames_matcher().labels_in(sentence) == expected


def test_a_short_name_in_one_outlet_is_the_full_name_in_another():
    full = FramingArticle("f1", "Wire", "wire.example", "t", "Donald Trump said the deal was done.")
    short = FramingArticle("s1", "Blog", "blog.example", "t", "Trump said it was a great deal.")
    result = {o.outlet: o for o in compare([full, short]).outlets}
    assert [v.name for v in result["Blog"].voices] == ["Donald Trump"]
    assert result["Blog"].missing_voices == () and result["Wire"].missing_voices == ()
