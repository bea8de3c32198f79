"""The memo, the agreement report and the coverage table: everything there, everything escaped,
nothing that runs or loads."""

import re
from datetime import UTC, datetime

import pytest
from markdown_it import MarkdownIt

from newsdesk.analysis.agreement import Agreement, Disagreement, agreement
from newsdesk.analysis.coverage import coverage_table
from newsdesk.formats.coverage_memo import (
    agreement_html,
    agreement_markdown,
    coverage_table_html,
    memo_html,
    memo_markdown,
    safe_url,
)
from newsdesk.models import (
    Annotation,
    ArticleRef,
    Codebook,
    Coverage,
    CoveredArticle,
    Tag,
    TextQuote,
)

T0 = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
HOSTILE = '<script>alert(1)</script> [x](javascript:alert(1)) # "q" & <img src=http://evil/x.png>'
CB = Codebook("Coverage", ("supportive", "critical", "neutral"), "stance towards the budget")


def coverage() -> Coverage:
    a1 = (Annotation("tag", "a1", "alice", T0, tag="budget"),
          Annotation("code", "a1", "alice", T0, codebook="Coverage", value="critical"),
          Annotation("code", "a1", "bob", T0, codebook="Coverage", value="neutral"),
          Annotation("note", "a1", "bob", T0, id="n1", text="Which figure is right?\nAsk the desk.",
                     quote=TextQuote("cut by ten percent", "budget would be ", " next")),
          Annotation("tag", "a1", "carol", T0, target="story", tag="ireland-case"),
          Annotation("note", "a1", "carol", T0, target="story", id="n2", text="Follow this story."))
    a2 = (Annotation("note", "a2", "", T0, id="n3", text=HOSTILE, quote=TextQuote(HOSTILE)),
          Annotation("tag", "a2", "dave", T0, tag=HOSTILE),
          a1[4])  # the story tag, listed with every member
    return Coverage(
        "Budget cuts", T0,
        (CoveredArticle(ArticleRef("https://times.example/budget?a=1&b=2", title="Budget to be cut",
                                   outlet="The Times", published=T0), a1, "a1", 3, "Budget 2025"),
         CoveredArticle(ArticleRef("javascript:alert(1)", title=HOSTILE, outlet=HOSTILE,
                                   published=None), a2, "a2", 3, "Budget 2025"),
         CoveredArticle(ArticleRef("https://post.example/b", title="Post on budget", outlet="Post",
                                   published=T0), (), "a3")),
        codebooks=(CB,), tags=(Tag("budget", "#d9822b"), Tag("ireland-case", "red;}body{x:y")))


def test_markdown_memo_holds_what_a_reader_needs():
    md = memo_markdown(coverage())
    assert md.startswith("# Budget cuts\n")
    assert "2024-05-01 12:30 UTC" in md
    assert "[Budget to be cut](<https://times.example/budget?a=1&b=2>)" in md
    assert "## The Times (1 article)" in md and "## Post (1 article)" in md
    assert "- Tags: budget" in md
    assert "- Coverage: critical (alice), neutral (bob)" in md
    assert "> cut by ten percent" in md
    assert "Which figure is right?  \nAsk the desk.  \n*— bob" in md
    assert "*— bob, 2024-05-01 12:30 UTC*" in md
    assert "## Stories" in md and md.count("ireland-case") == 1  # the story tag once
    assert "Follow this story." in md and "story: Budget 2025" in md
    assert "an unnamed editor" in md
    assert "*No tags, codes or notes.*" in md
    assert "Codebook **Coverage** (stance towards the budget): supportive, critical, neutral" in md


def test_markdown_memo_escapes_feed_and_editor_text():
    rendered = MarkdownIt("commonmark").render(memo_markdown(coverage()))
    assert "<script>" not in rendered and "<img" not in rendered
    assert 'href="javascript' not in rendered
    hrefs = re.findall(r'href="([^"]*)"', rendered)
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # shown as written


def _assert_self_contained(page: str) -> None:
    assert page.startswith("<!doctype html>")
    assert "<script" not in page.lower()
    assert not re.search(r"<(img|link|iframe|object|embed|video|audio|source)\b", page, re.I)
    assert "@import" not in page and "url(" not in page
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", page, re.I)  # no event handlers
    for href in re.findall(r'href="([^"]*)"', page):
        assert href.startswith(("https://", "http://"))
    assert not re.search(r"<[a-z][^>]*\ssrc\s*=", page, re.I)


@pytest.mark.parametrize("dark", [False, True])
def test_html_memo_is_self_contained_and_escaped(dark):
    page = memo_html(coverage(), dark=dark)
    _assert_self_contained(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://times.example/budget?a=1&amp;b=2"' in page
    assert "javascript:" not in page.split("</style>")[1].replace("[x](javascript:alert(1))", "")
    assert "<blockquote>cut by ten percent</blockquote>" in page
    assert "Which figure is right?\nAsk the desk." in page
    assert "--tag: #d9822b" in page and "body{x:y" not in page  # a colour that is no colour: dropped
    chip = page.split(".chip {", 1)[1].split("}", 1)[0]
    assert "border" not in chip.replace("border-radius", "")  # a side border on a pill: a crescent
    assert "var(--tag" in page.split(".chip::before {", 1)[1].split("}", 1)[0]  # a coloured dot
    assert ("#1d2026" in page) == dark  # the dark page colour only when dark
    assert "Budget 2025" in page and "The Times" in page and "Post on budget" in page


def test_safe_url():
    assert safe_url("https://x.example/a b<c>") == "https://x.example/a%20b%3Cc%3E"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url("http:///nohost") is None
    assert safe_url(None) is None and safe_url("") is None


def _disagreeing() -> tuple[Agreement, dict[str, str]]:
    codes = [Annotation("code", art, editor, T0, codebook="Coverage", value=value)
             for art, editor, value in [("a1", "alice", "critical"), ("a1", "bob", "neutral"),
                                        ("a2", "alice", "critical"), ("a2", "bob", "critical"),
                                        ("a3", "alice", "supportive"), ("a3", "bob", "supportive"),
                                        ("a4", "alice", "neutral"), ("a4", "carol", "neutral"),
                                        ("a4", "bob", "neutral")]]
    return agreement("Coverage", codes), {"a1": HOSTILE, "a2": "Second"}


def test_agreement_markdown():
    a, titles = _disagreeing()
    md = agreement_markdown(a, titles)
    assert md.startswith("# Agreement on Coverage\n")
    assert f"**Krippendorff's alpha (nominal): {a.alpha:.3f}**" in md
    assert "4 articles coded by two or more editors, 3 editors" in md
    assert "## Disagreements (1)" in md
    assert "| Article | alice | bob |\n" in md
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script>" not in rendered and "<table>" in rendered
    assert "<td>critical</td>" in rendered and "<td>neutral</td>" in rendered


@pytest.mark.parametrize(("alpha", "words"), [
    (0.9, "Reliable"), (0.7, "tentative"), (0.3, "Not reliable"), (0.0, "No better than chance"),
    (-0.4, "Systematic disagreement")])
def test_agreement_reading_in_plain_words(alpha, words):
    a = Agreement("C", alpha, 5, 2, 10, (), 0.1, 0.2)
    assert words in agreement_markdown(a, {}) and words in agreement_html(a, {})


def test_agreement_undefined_says_why():
    nothing = Agreement("C", None, 0, 0, 0, (), 0.0, 0.0)
    assert "nothing to compare" in agreement_markdown(nothing, {})
    same = Agreement("C", None, 3, 2, 6, (), 0.0, 0.0)
    assert "no variation" in agreement_html(same, {})
    assert "not defined" in agreement_html(same, {})


@pytest.mark.parametrize("dark", [False, True])
def test_agreement_html(dark):
    a, titles = _disagreeing()
    page = agreement_html(a, titles, dark=dark)
    _assert_self_contained(page)
    assert "&lt;script&gt;" in page and f"α = {a.alpha:.3f}" in page
    assert "<th>alice</th><th>bob</th>" in page
    d = Disagreement("zz", (("alice", "x"),))
    two = Agreement("C", 0.5, 2, 2, 4, (*a.disagreements, d), 0.1, 0.2)
    assert '<td class="muted">–</td>' in agreement_html(two, {})  # bob did not code zz


@pytest.mark.parametrize("dark", [False, True])
def test_coverage_table_html(dark):
    t = coverage_table(CB, [("Times", "a1", "critical"), ("Times", "a2", "critical"),
                            ("Times", "a3", None), (HOSTILE, "b1", "neutral")])
    page = coverage_table_html(t, title="Budget <b>", dark=dark)
    _assert_self_contained(page)
    assert "<h1>Budget &lt;b&gt;</h1>" in page
    assert "<th>supportive</th><th>critical</th><th>neutral</th>" in page
    row = re.search(r"<tr><td>Times</td>(.*?)</tr>", page)
    assert row is not None
    assert re.findall(r">(\d+)</td>", row.group(1)) == ["0", "2", "0", "1"]
    assert "<b>3</b>" in row.group(1)  # articles of the outlet
    assert "&lt;script&gt;" in page
    empty = coverage_table_html(coverage_table(CB, []), title="x")
    assert "No articles." in empty
