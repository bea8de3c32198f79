"""The coverage table: outlets x values, one count per article, ties shown on each side."""

from newsdesk.analysis.coverage import coverage_table
from newsdesk.models import Codebook

CB = Codebook("Coverage", ("supportive", "critical", "neutral"))


def test_counts_uncoded_and_article_ids():
    t = coverage_table(CB, [("Times", "a1", "critical"), ("Times", "a2", "critical"),
                            ("Times", "a3", None), ("Post", "b1", "Supportive"),
                            ("Post", "b2", None)])
    assert t.codebook == "Coverage"
    assert t.values == ("supportive", "critical", "neutral")
    assert t.outlets == ("Times", "Post")
    assert t.counts[("Times", "critical")] == 2
    assert t.counts[("Times", "neutral")] == 0
    assert t.counts[("Post", "supportive")] == 1  # value matched case-insensitively
    assert t.articles[("Times", "critical")] == ("a1", "a2")
    assert t.articles[("Post", "neutral")] == ()
    assert t.uncoded == {"Times": 1, "Post": 1}


def test_several_editors_majority_counts_once():
    t = coverage_table(CB, [("T", "a", "critical"), ("T", "a", "critical"), ("T", "a", "neutral")])
    assert t.counts[("T", "critical")] == 1 and t.counts[("T", "neutral")] == 0
    assert t.uncoded == {"T": 0}


def test_ties_count_for_each_tied_value():
    t = coverage_table(CB, [("T", "a", "critical"), ("T", "a", "neutral"), ("T", "a", None)])
    assert t.counts[("T", "critical")] == 1 and t.counts[("T", "neutral")] == 1
    assert t.articles[("T", "neutral")] == ("a",)


def test_a_value_not_in_the_codebook_gets_its_own_column():
    t = coverage_table(CB, [("T", "a", "wire copy")])
    assert t.values == ("supportive", "critical", "neutral", "wire copy")
    assert t.counts[("T", "wire copy")] == 1


def test_outlets_by_articles_then_name_and_empty_input():
    t = coverage_table(CB, [("b", "1", None), ("a", "2", None), ("c", "3", None), ("c", "4", None)])
    assert t.outlets == ("c", "a", "b")
    empty = coverage_table(CB, [])
    assert (empty.outlets, empty.counts, empty.uncoded) == ((), {}, {})
