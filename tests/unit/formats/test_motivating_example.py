"""Issue 13's motivating example: Techdirt called the Microsoft Ireland fuss "overblown" and
the ruling a "technicality"; the comparison must flag those as that outlet's own loaded words,
while the same word inside a quotation is the speaker's, not the outlet's."""

from datetime import UTC, datetime, timedelta

from newsdesk.analysis.framing import FramingArticle, compare
from newsdesk.analysis.loaded import find_loaded
from newsdesk.formats.markdown_report import to_markdown
from newsdesk.formats.outline import build_outline

T0 = datetime(2016, 7, 14, 9, tzinfo=UTC)
WIRE = FramingArticle(
    "w1", "Wire Service", "wire.example", "Court rules Microsoft need not hand over Irish emails",
    "A federal appeals court ruled on Thursday that Microsoft does not have to give prosecutors "
    "emails stored on a server in Dublin, Ireland. The Justice Department said it was "
    'reviewing the decision. "The worry is overblown," a company lawyer told reporters.',
    "", "https://wire.example/2016/microsoft-ireland", T0, ("Courts",))
TECHDIRT = FramingArticle(
    "t1", "Techdirt", "techdirt.example", "Appeals court gets it right on Microsoft Ireland",
    "The whole fuss over this case was always overblown. The government wanted to treat a "
    "server in Dublin as if it sat in Redmond, and the court refused to pretend. Calling the "
    "ruling a technicality misses the point: the law was written before the cloud existed.",
    "", "https://techdirt.example/2016/07/14/microsoft-ireland", T0 + timedelta(hours=3),
    ("Legal Issues",))
BUSINESS = FramingArticle(
    "b1", "Business Daily", "business.example", "Microsoft wins appeal over data held abroad",
    "Microsoft shares rose slightly after the appeals court ruling on data held in Ireland. "
    "Analysts said cloud customers in Europe would welcome the decision.",
    "", "https://business.example/2016/microsoft-appeal", T0 + timedelta(hours=5), ("Markets",))


def outline():
    return build_outline("Microsoft Ireland", compare([WIRE, TECHDIRT, BUSINESS]))


def row(name):
    return next(r for r in outline().tone.rows if r.outlet.name == name)


def test_overblown_and_technicality_are_the_outlets_own_loaded_words():
    techdirt = row("Techdirt")
    assert {"overblown", "technicality"} <= set(techdirt.loaded_words)
    assert techdirt.loaded is not None and (techdirt.loaded.value or 0) >= 2
    words = techdirt.loaded.proof.words
    assert "overblown" in words and "technicality" in words  # own: no "(quoted)" mark
    assert "overblown (quoted)" not in words


def test_the_same_word_inside_a_quotation_is_the_speakers():
    wire = row("Wire Service")
    assert "overblown" not in wire.loaded_words and "overblown" in wire.quoted_words
    assert wire.loaded is None or "overblown (quoted)" in wire.loaded.proof.words


def test_the_comparison_says_techdirt_stands_out_and_the_report_shows_it():
    figure = outline().summary.stands_out
    assert figure is not None and figure.text.startswith("Techdirt stands out with loaded words")
    assert "“overblown”" in figure.text and "“technicality”" in figure.text
    text = to_markdown("Microsoft Ireland", compare([WIRE, TECHDIRT, BUSINESS]))
    assert "Loaded words: " in text and "overblown (quoted)" in text


def test_a_loaded_word_every_outlet_uses_is_the_storys_subject_not_a_slant():
    """As "contempt" in the sample's contempt case: the lexicon's word, but what the story is
    about when all three outlets report it; "overblown" stays Techdirt's own."""
    from dataclasses import replace

    def with_contempt(a: FramingArticle) -> FramingArticle:
        return replace(a, text=a.text + " The contempt finding stands.")

    assert [s.text for s in find_loaded("held in contempt")] == ["contempt"]  # a lexicon word
    three = [with_contempt(a) for a in (WIRE, TECHDIRT, BUSINESS)]
    rows = build_outline("Microsoft Ireland", compare(three)).tone.rows
    techdirt = next(r for r in rows if r.outlet.name == "Techdirt")
    assert "overblown" in techdirt.loaded_words and "contempt" not in techdirt.loaded_words
    two = [with_contempt(WIRE), with_contempt(TECHDIRT), BUSINESS]  # not every outlet's word
    rows = build_outline("Microsoft Ireland", compare(two)).tone.rows
    assert "contempt" in next(r for r in rows if r.outlet.name == "Techdirt").loaded_words
