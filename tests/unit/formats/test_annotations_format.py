"""The exchange formats: JSON Lines round trips byte for byte, bad lines are refused whole,
and CSV cells stay data in a spreadsheet."""

import csv
import io
import json
from collections import OrderedDict
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.errors import AnnotationFormatError
from newsdesk.formats.annotations import COLUMNS, coverage_csv, coverage_jsonl, read_jsonl
from newsdesk.models import (
    Annotation,
    ArticleRef,
    Codebook,
    Coverage,
    CoveredArticle,
    Tag,
    TextQuote,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
NOTE_ID = "6f1c2a3e-8d4b-4f5a-9c1e-2b3d4e5f6a7b"
REF = ArticleRef(url="https://times.example/a", guid="g1", feed_url="https://times.example/feed",
                 title='Budget "cut", = 10%', outlet="Times", published=T0)
REF2 = ArticleRef(url=None, guid="urn:x:2", feed_url="https://post.example/rss", title="Other",
                  outlet="Post", published=None)
CB = Codebook("Coverage", ("supportive", "critical"), "stance", True)


def _coverage() -> Coverage:
    anns = (Annotation("tag", "a1", "alice", T0, tag="ireland-case"),
            Annotation("tag", "a1", "bob", T0, target="story", tag="budget"),
            Annotation("code", "a1", "alice", T0, codebook="Coverage", value="critical"),
            Annotation("note", "a1", "bob", T0, id=NOTE_ID, text="Check the figure,\nplease",
                       quote=TextQuote("cut by ten percent", "budget would be ", " next year")),
            Annotation("note", "a1", "", T0, id="legacy note 1", text="old note"),
            Annotation("note", "a1", "carol", T0, id="a0b1c2d3-0000-4000-8000-000000000001",
                       quote=TextQuote("ten")))
    return Coverage("Budget", T0, (CoveredArticle(REF, anns, "a1", 7, "Budget story"),
                                   CoveredArticle(REF2, (), "a2")),
                    codebooks=(CB,), tags=(Tag("ireland-case", "#d9822b", 3), Tag("budget")))


def _rebuilt(lines: list[str]) -> Coverage:
    ex = read_jsonl(lines)
    grouped: OrderedDict[ArticleRef, list[Annotation]] = OrderedDict()
    for ref, a in ex.items:
        grouped.setdefault(ref, []).append(a)
    return Coverage("again", T0, tuple(CoveredArticle(r, tuple(a)) for r, a in grouped.items()),
                    codebooks=ex.codebooks, tags=ex.tags)


def test_lines_are_w3c_annotations_after_codebooks_and_tags():
    lines = list(coverage_jsonl(_coverage()))
    objs = [json.loads(line) for line in lines]
    assert [o["type"] for o in objs[:3]] == ["newsdesk:Codebook", "newsdesk:Tag", "newsdesk:Tag"]
    assert objs[0] == {"type": "newsdesk:Codebook", "name": "Coverage",
                       "values": ["supportive", "critical"], "description": "stance", "builtin": True}
    assert [o["name"] for o in objs[1:3]] == ["budget", "ireland-case"]
    anns = objs[3:]
    assert all(o["type"] == "Annotation" and o["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
               for o in anns)
    assert [o["motivation"] for o in anns] == ["tagging", "tagging", "classifying", "commenting",
                                               "commenting", "highlighting"]
    note = next(o for o in anns if o["id"] == f"urn:uuid:{NOTE_ID}")
    assert note["creator"] == {"type": "Person", "name": "bob"}
    assert note["created"] == "2024-05-01T12:00:00Z"
    assert note["body"]["value"] == "Check the figure,\nplease"
    assert note["target"]["source"] == "https://times.example/a"
    assert note["target"]["selector"] == {"type": "TextQuoteSelector", "exact": "cut by ten percent",
                                          "prefix": "budget would be ", "suffix": " next year"}
    story_tag = next(o for o in anns if o["body"].get("value") == "budget")
    assert story_tag["target"]["newsdesk:scope"] == "story"
    assert all(line == json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False)
               for line in lines)  # keys sorted


def test_export_import_export_is_identical_and_reads_back_what_was_written():
    lines = list(coverage_jsonl(_coverage()))
    ex = read_jsonl([line + "\n" for line in lines] + ["\n"])
    assert ex.codebooks == (CB,)
    assert ex.tags == (Tag("budget"), Tag("ireland-case", "#d9822b"))
    assert {a.id for _, a in ex.items if a.kind == "note"} == {
        NOTE_ID, "legacy note 1", "a0b1c2d3-0000-4000-8000-000000000001"}
    assert all(a.article_id == "" for _, a in ex.items)
    highlight = next(a for _, a in ex.items if a.editor == "carol")
    assert (highlight.text, highlight.quote) == ("", TextQuote("ten"))
    assert list(coverage_jsonl(_rebuilt(lines))) == lines


def test_story_annotations_listed_on_several_members_are_written_once_on_their_anchor():
    story_tag = Annotation("tag", "a1", "bob", T0, target="story", tag="budget")
    cov = Coverage("s", T0, (CoveredArticle(REF, (story_tag,), "a1"),
                             CoveredArticle(REF2, (story_tag,), "a2")))
    lines = list(coverage_jsonl(cov))
    assert len(lines) == 1
    assert json.loads(lines[0])["target"]["source"] == REF.url


def test_order_does_not_depend_on_the_coverages_order():
    cov = _coverage()
    backwards = Coverage(cov.title, cov.created, tuple(
        CoveredArticle(ca.ref, tuple(reversed(ca.annotations)), ca.article_id)
        for ca in reversed(cov.articles)), tuple(reversed(cov.codebooks)), tuple(reversed(cov.tags)))
    assert list(coverage_jsonl(backwards)) == list(coverage_jsonl(cov))


def _good() -> dict:
    return json.loads(list(coverage_jsonl(_coverage()))[3])


def _broken(change) -> list[str]:
    obj = _good()
    change(obj)
    lines = list(coverage_jsonl(_coverage()))
    return [*lines[:4], json.dumps(obj), *lines[4:]]


@pytest.mark.parametrize(("change", "words"), [
    (lambda o: o.update(motivation="liking"), "motivation must be one of"),
    (lambda o: o.pop("created"), 'has no "created"'),
    (lambda o: o.update(created="yesterday"), "is not a date"),
    (lambda o: o.update(created=12), "must be text"),
    (lambda o: o.pop("target"), 'has no "target"'),
    (lambda o: o["target"].update(source=None, **{"newsdesk:guid": None}), "no article can match"),
    (lambda o: o["target"].update(**{"newsdesk:scope": "everything"}), '"newsdesk:scope"'),
    (lambda o: o["target"].update(**{"newsdesk:published": "soon"}), "is not a date"),
    (lambda o: o["body"].update(value=""), "is empty"),
    (lambda o: o["body"].update(value=["x"]), "must be text"),
    (lambda o: o.update(creator={"type": "Person", "name": " "}), '"name" in the creator is empty'),
    (lambda o: o.update(creator=""), '"creator" in the annotation is empty'),
    (lambda o: o.update(type="Thing"), 'the "type" must be'),
])
def test_a_bad_line_is_named_and_nothing_is_read(change, words):
    with pytest.raises(AnnotationFormatError) as err:
        read_jsonl(_broken(change))
    assert str(err.value).startswith("Line 5: ")
    assert words in str(err.value)
    assert str(err.value).count(".") >= 1 and "\n" not in str(err.value)


@pytest.mark.parametrize(("line", "words"), [
    ("{not json", "not JSON"), ("[1, 2]", "not a JSON object"), ("[" * 100000, "not JSON"),
    ('{"type": "newsdesk:Codebook", "name": "X", "values": []}', "has no values"),
    ('{"type": "newsdesk:Codebook", "name": "X", "values": ["a", "A"]}', "twice"),
    ('{"type": "newsdesk:Codebook", "name": "", "values": ["a"]}', "is empty"),
    ('{"type": "newsdesk:Codebook", "name": "X", "values": ["a"], "builtin": "yes"}', "true or false"),
    ('{"type": "newsdesk:Tag", "name": "x", "color": "red"}', "#d9822b"),
    ('{"type": "newsdesk:Tag", "name": "ireland-case", "color": "#000000"}', "defined differently"),
])
def test_bad_codebook_and_tag_lines(line, words):
    lines = list(coverage_jsonl(_coverage()))
    with pytest.raises(AnnotationFormatError, match=words):
        read_jsonl([*lines, line])


def test_a_code_value_outside_its_codebook_in_the_file_is_refused():
    def change(o):
        o.update(motivation="classifying")
        o["body"] = {"type": "TextualBody", "value": "sympathetic", "newsdesk:codebook": "coverage"}
    with pytest.raises(AnnotationFormatError, match='Line 5: "sympathetic" is not a value of codebook'):
        read_jsonl(_broken(change))


def test_a_highlight_needs_its_selector_and_a_note_its_id():
    def no_selector(o):
        o.update(motivation="highlighting", id="urn:uuid:" + NOTE_ID)
        o.pop("body")
    with pytest.raises(AnnotationFormatError, match="TextQuoteSelector"):
        read_jsonl(_broken(no_selector))
    with pytest.raises(AnnotationFormatError, match='has no "id"'):
        read_jsonl(_broken(lambda o: o.update(motivation="commenting", id=None)))


def test_an_annotation_without_a_creator_is_one_from_before_editors_were_recorded():
    legacy = Annotation("tag", "a", "", T0, tag="old")
    lines = list(coverage_jsonl(Coverage("t", T0, (CoveredArticle(REF, (legacy,), "a"),))))
    assert "creator" not in json.loads(lines[0])
    read = read_jsonl(lines)
    assert read.items[0][1].editor == "" and read.item_lines == (1,)


def test_the_same_lines_twice_read_as_once():
    lines = list(coverage_jsonl(_coverage()))
    assert read_jsonl(lines + lines) == read_jsonl(lines)


def test_raw_line_separators_never_break_a_line():
    note = Annotation("note", "a", "x\u2028y", T0, id=NOTE_ID, text="a\u2029b\x85c\rd")
    lines = list(coverage_jsonl(Coverage("t", T0, (CoveredArticle(REF, (note,), "a"),))))
    assert len("\n".join(lines).splitlines()) == 1
    assert read_jsonl(lines).items[0][1].text == "a\u2029b\x85c\rd"


# ---- property: export -> import -> export is identical, whatever the text

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
name = text.filter(lambda s: bool(s.strip()))
editors = st.one_of(st.just(""), name)  # "": from before editors were recorded; never blank
dates = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1),
                     timezones=st.just(UTC))
refs = st.builds(ArticleRef, url=st.one_of(st.none(), name), guid=name,
                 feed_url=st.one_of(st.none(), text), title=text, outlet=text,
                 published=st.one_of(st.none(), dates))
annotations = st.one_of(
    st.builds(Annotation, kind=st.just("tag"), article_id=st.just(""), editor=editors, created=dates,
              target=st.sampled_from(["article", "story"]), tag=name),
    st.builds(Annotation, kind=st.just("code"), article_id=st.just(""), editor=editors, created=dates,
              codebook=name, value=name),
    st.builds(Annotation, kind=st.just("note"), article_id=st.just(""), editor=editors, created=dates,
              id=st.one_of(st.uuids().map(str), name), text=text,
              quote=st.one_of(st.none(), st.builds(TextQuote, exact=name, prefix=text, suffix=text))),
)
coverages = st.builds(
    Coverage, title=text, created=dates,
    articles=st.lists(st.builds(CoveredArticle, ref=refs,
                                annotations=st.lists(annotations, max_size=4).map(tuple)),
                      max_size=4).map(tuple),
    codebooks=st.lists(st.builds(Codebook, name=name, values=st.lists(name, min_size=1, max_size=3,
                                                                      unique_by=str.casefold).map(tuple),
                                 description=text, builtin=st.booleans()),
                       max_size=2, unique_by=lambda c: c.name.casefold()).map(tuple),
    tags=st.lists(st.builds(Tag, name=name, color=st.sampled_from(["", "#aabbcc"])), max_size=3,
                  unique_by=lambda t: t.name.casefold()).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(coverages)
def test_property_export_import_export_is_identical(coverage):
    # codes whose codebook is in the file must use its values: keep the file consistent
    known = {cb.name.casefold(): cb for cb in coverage.codebooks}
    coverage = Coverage(coverage.title, coverage.created, tuple(
        CoveredArticle(ca.ref, tuple(a for a in ca.annotations
                                     if a.kind != "code" or a.codebook.casefold() not in known
                                     or a.value.casefold() in {v.casefold()
                                                               for v in known[a.codebook.casefold()].values}))
        for ca in coverage.articles), coverage.codebooks, coverage.tags)
    lines = list(coverage_jsonl(coverage))
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert list(coverage_jsonl(_rebuilt(lines))) == lines


# ---- CSV

def _rows(coverage: Coverage) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(coverage_csv(coverage))))


def test_csv_has_the_columns_and_one_row_per_article_and_annotation():
    text_ = coverage_csv(_coverage())
    header = next(csv.reader(io.StringIO(text_)))
    assert tuple(header) == COLUMNS
    rows = _rows(_coverage())
    assert len(rows) == 6 + 1
    first = rows[0]
    assert first["url"] == REF.url and first["outlet"] == "Times"
    assert first["published"] == "2024-05-01T12:00:00Z"
    assert first["tags"] == "budget; ireland-case"
    assert first["story_id"] == "7" and first["story_label"] == "Budget story"
    assert [r["kind"] for r in rows[:6]] == ["tag", "tag", "code", "note", "note", "note"]
    note = next(r for r in rows if r["note_id"] == NOTE_ID)
    assert note["note"] == "Check the figure,\nplease" and note["quote"] == "cut by ten percent"
    bare = rows[-1]
    assert bare["title"] == "Other" and bare["url"] == "" and bare["guid"] == "urn:x:2"
    assert all(bare[c] == "" for c in COLUMNS[5:15])


@pytest.mark.parametrize("hostile", ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)",
                                     "\t=1", "\r=1"])
def test_csv_cells_that_a_spreadsheet_would_run_are_defused(hostile):
    ref = ArticleRef(url="https://x.example/", title=hostile, outlet=hostile)
    note = Annotation("note", "a", hostile, T0, id=NOTE_ID, text=hostile)
    rows = _rows(Coverage("t", T0, (CoveredArticle(ref, (note,), "a"),)))
    assert rows[0]["title"] == "'" + hostile
    assert rows[0]["outlet"] == rows[0]["editor"] == rows[0]["note"] == "'" + hostile


def test_csv_keeps_commas_quotes_newlines_and_unicode():
    title = 'Él dijo "no", y\nluego — 😀'
    rows = _rows(Coverage("t", T0, (CoveredArticle(ArticleRef(url="u", title=title), ()),)))
    assert rows[0]["title"] == title


def test_csv_carriage_returns_inside_a_cell_stay_in_the_cell():
    note = Annotation("note", "a", "x", T0, id=NOTE_ID, text="one\rtwo\r\nthree")
    rows = _rows(Coverage("t", T0, (CoveredArticle(ArticleRef(url="u"), (note,)),)))
    assert len(rows) == 1 and rows[0]["note"] == "one\rtwo\r\nthree"


@settings(max_examples=100, deadline=None)
@given(coverages)
def test_property_csv_reads_back_one_row_per_article_and_annotation(coverage):
    rows = _rows(coverage)
    assert len(rows) == sum(max(1, len(ca.annotations)) for ca in coverage.articles)
    titles = [r["title"] for r in rows]
    expected = [("'" + ca.ref.title if ca.ref.title.startswith(("=", "+", "-", "@", "\t", "\r"))
                 else ca.ref.title) for ca in coverage.articles for _ in range(max(1, len(ca.annotations)))]
    assert titles == expected
