"""The desk's reports and exchange through the service: agreement with titles, a story's
coverage table, a tag's timeline, exports, and imports between two databases whose
article ids differ (the same sample, stored after another source in the second)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.errors import AnnotationFormatError, NewsdeskError, NotFoundError
from newsdesk.models import Annotation, Article, TextQuote
from newsdesk.services import annotations as desk
from newsdesk.services import coverage
from newsdesk.services.editors import clean_editor
from newsdesk.services.sample import load_sample
from newsdesk.store import Store, open_store


def _sample(path: Path, *, shifted: bool) -> Path:
    with open_store(path) as store:
        if shifted:  # the sample's sources get other ids, so its articles do too
            store.sources.add("https://shifted.example/feed")
        load_sample(store)
    return path


@pytest.fixture(scope="session")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("samples")
    return _sample(folder / "a.db", shifted=False), _sample(folder / "b.db", shifted=True)


@pytest.fixture
def two(sample_files, tmp_path) -> Iterator[tuple[Store, Store]]:
    copies = []
    for name, original in zip("ab", sample_files, strict=True):
        copies.append(tmp_path / f"{name}.db")
        shutil.copy(original, copies[-1])
    with open_store(copies[0]) as a, open_store(copies[1]) as b:
        yield a, b


def _by_url(store: Store) -> dict[str, Article]:
    return {a.url or "": a for a in store.articles.list()}


def _portable(store: Store) -> list[tuple[object, ...]]:
    """Every annotation as another database would see it: by URL instead of local id."""
    urls = {a.id: a.url for a in store.articles.list()}
    found = store.annotations.of_articles(list(urls))
    return sorted((urls[a.article_id], a.kind, a.target, a.editor, a.created, a.tag, a.codebook,
                   a.value, a.id, a.text, a.quote) for v in found.values() for a in v)


def _work(store: Store) -> dict[str, str]:
    """Tag, code and annotate a few articles and a story of `store`; return the note ids."""
    arts = sorted(store.articles.list(), key=lambda a: a.url or "")
    desk.tag_articles(store, [arts[0].id, arts[1].id], ["courts"], "alice")
    desk.code_articles(store, [arts[0].id], "Coverage", "critical", "alice")
    desk.code_articles(store, [arts[0].id], "Coverage", "neutral", "bob")
    desk.code_articles(store, [arts[1].id], "Coverage", "opinion", "alice")
    passage = arts[2].text[10:50]
    highlight = desk.add_note(store, arts[2].id, "Telling.", "carol", quote=passage).added[0]
    plain = desk.add_note(store, arts[0].id, "Check the dates.", "alice").added[0]
    story = next(s.id for s in store.stories.list() if s.size >= 3)
    desk.tag_story(store, story, ["follow"], "bob")
    story_note = desk.add_story_note(store, story, "Lead story.", "bob").added[0]
    desk.set_tag_color(store, "courts", "#d9822b")
    return {"highlight": highlight.id, "plain": plain.id, "story": story_note.id}


def test_export_from_one_database_imports_onto_the_others_own_articles(two):
    a, b = two
    assert set(_by_url(a)) == set(_by_url(b))
    assert {x.id for x in a.articles.list()}.isdisjoint({x.id for x in b.articles.list()})
    _work(a)
    exported = coverage.export(a, "jsonl")
    report = coverage.import_annotations(b, exported.splitlines())
    total = sum(len(v) for v in a.annotations.of_articles(list(_ids(a))).values())
    assert (report.added, report.unchanged, report.unmatched, report.conflicts) == (total, 0, 0, 0)
    assert report.lines == len(exported.splitlines())
    assert _portable(b) == _portable(a)
    assert {(t.name, t.color) for t in b.annotations.tags()} == {("courts", "#d9822b"),
                                                                 ("follow", "")}
    assert report.changes.tag_list and report.changes.annotated <= set(_ids(b))
    again = coverage.import_annotations(b, exported.splitlines())
    assert (again.added, again.unchanged, again.conflicts) == (0, total, 0)
    assert not again.changes
    assert _portable(b) == _portable(a)
    assert coverage.export(b, "jsonl") == exported


def _ids(store: Store) -> list[str]:
    return [x.id for x in store.articles.list()]


def test_conflicting_edits_keep_both_with_their_authors(two):
    a, b = two
    _work(a)
    first = sorted(b.articles.list(), key=lambda x: x.url or "")[0]
    # b's alice coded the same article otherwise, later than a's alice; b's bob earlier.
    later = datetime.now(UTC) + timedelta(days=1)
    earlier = datetime(2020, 1, 1, tzinfo=UTC)
    b.annotations.restore([
        Annotation("code", first.id, "alice", later, codebook="Coverage", value="explainer"),
        Annotation("code", first.id, "bob", earlier, codebook="Coverage", value="wire copy")])
    exported = coverage.export(a, "jsonl")
    report = coverage.import_annotations(b, exported.splitlines())
    assert report.conflicts == 2
    codes = {(x.editor, x.value) for x in b.annotations.of_articles([first.id])[first.id]
             if x.kind == "code"}
    assert codes == {("alice", "explainer"), ("bob", "neutral")}  # the newer of each
    notes = {(x.editor, x.text) for x in b.annotations.of_articles([first.id])[first.id]
             if x.kind == "note"}
    assert ("bob", "Conflicting code on import: Coverage = wire copy (coded "
                   "2020-01-01T00:00:00Z)") in notes
    assert any(e == "alice" and t.startswith("Conflicting code on import: Coverage = critical")
               for e, t in notes)
    before = _portable(b)
    again = coverage.import_annotations(b, exported.splitlines())
    assert (again.added, again.conflicts) == (0, 0) and _portable(b) == before


def test_a_newer_code_wins_even_when_the_older_ones_note_is_there_already(two):
    a, b = two
    first_a = sorted(a.articles.list(), key=lambda x: x.url or "")[0]
    first_b = sorted(b.articles.list(), key=lambda x: x.url or "")[0]
    older, newer = datetime(2020, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC)

    def code(store: Store, article: Article, value: str, when: datetime) -> None:
        store.annotations.uncode([article.id], "Coverage", "alice")
        store.annotations.restore([Annotation("code", article.id, "alice", when,
                                              codebook="Coverage", value=value)])

    def alices(store: Store, article: Article) -> list[tuple[str, str]]:
        found = store.annotations.of_articles([article.id])[article.id]
        return sorted((x.kind, x.value or x.text) for x in found)

    code(b, first_b, "explainer", newer)
    code(a, first_a, "critical", older)
    coverage.import_annotations(b, coverage.export(a, "jsonl").splitlines())  # older: a note
    note = ("note", "Conflicting code on import: Coverage = critical (coded "
                    "2020-01-01T00:00:00Z)")
    assert alices(b, first_b) == [("code", "explainer"), note]
    code(b, first_b, "critical", older)  # b's alice went back to the older value
    code(a, first_a, "explainer", newer)
    report = coverage.import_annotations(b, coverage.export(a, "jsonl").splitlines())
    assert alices(b, first_b) == [("code", "explainer"), note]  # the newer is the code
    assert (report.added, report.conflicts) == (1, 0)
    again = coverage.import_annotations(b, coverage.export(a, "jsonl").splitlines())
    assert (again.added, again.conflicts) == (0, 0) and alices(b, first_b) == [
        ("code", "explainer"), note]


def test_a_note_edited_on_one_side_comes_back_as_a_second_note(two):
    a, b = two
    ids = _work(a)
    exported = coverage.export(a, "jsonl")
    coverage.import_annotations(b, exported.splitlines())
    desk.edit_note(b, ids["plain"], "Checked: the dates are right.")
    report = coverage.import_annotations(b, exported.splitlines())
    assert report.conflicts == 1 and report.added == 0
    texts = sorted(x.text for v in b.annotations.of_articles(_ids(b)).values() for x in v
                   if x.kind == "note" and x.editor == "alice")
    assert texts == ["Check the dates.", "Checked: the dates are right."]
    assert coverage.import_annotations(b, exported.splitlines()).conflicts == 0


def test_a_bad_line_imports_nothing(two):
    a, b = two
    _work(a)
    lines = coverage.export(a, "jsonl").splitlines()
    before = _portable(b), b.annotations.tags(), b.annotations.codebooks()
    for bad, message in [("{not json", "not JSON"), ('{"type": "Annotation"}', "motivation")]:
        with pytest.raises(AnnotationFormatError, match=f"Line {len(lines) + 1}: .*{message}"):
            coverage.import_annotations(b, [*lines, bad])
    assert (_portable(b), b.annotations.tags(), b.annotations.codebooks()) == before


def _one_line(lines: list[str], change) -> list[str]:
    """The export with its last annotation line changed by `change(obj)`."""
    obj = json.loads(lines[-1])
    change(obj)
    return [*lines[:-1], json.dumps(obj)]


def _set_body(**values):
    return lambda o: o.setdefault("body", {}).update(values)


@pytest.mark.parametrize(("change", "words"), [
    (_set_body(value="\x07\x1b[2J" + "x" * 20000), "longer than 100 characters"),
    (_set_body(value="bell\x07\x1b[31m"), "holds control characters"),
    (lambda o: o.update(creator={"type": "Person", "name": "eve\x1b[2J"}), "control characters"),
    (lambda o: o.update(creator={"type": "Person", "name": "e" * 101}), "longer than 100"),
    (lambda o: o.update(creator={"type": "Person", "name": ""}), "creator is empty"),
])
def test_an_import_keeps_the_rules_of_a_tag_typed_by_an_editor(two, change, words):
    a, b = two
    arts = sorted(a.articles.list(), key=lambda x: x.url or "")
    desk.tag_articles(a, [arts[0].id, arts[1].id], ["courts"], "alice")
    lines = coverage.export(a, "jsonl").splitlines()
    assert json.loads(lines[-1])["motivation"] == "tagging"
    before = _portable(b), b.annotations.tags()
    with pytest.raises(AnnotationFormatError, match=f"^Line {len(lines)}: .*{words}") as err:
        coverage.import_annotations(b, _one_line(lines, change))
    assert "\x07" not in str(err.value) and "\x1b" not in str(err.value)
    assert len(str(err.value)) < 200
    assert (_portable(b), b.annotations.tags()) == before


@pytest.mark.parametrize(("change", "words"), [
    (_set_body(value="n" * 5_000_000), "The note is longer than 100,000 characters"),
    (_set_body(value=" \n\t "), "A note cannot be empty"),
])
def test_an_import_keeps_the_rules_of_a_note_typed_by_an_editor(two, change, words):
    a, b = two
    arts = sorted(a.articles.list(), key=lambda x: x.url or "")
    desk.add_note(a, arts[0].id, "Check the dates.", "alice")
    lines = coverage.export(a, "jsonl").splitlines()
    with pytest.raises(AnnotationFormatError, match=f"^Line {len(lines)}: {words}"):
        coverage.import_annotations(b, _one_line(lines, change))
    assert _portable(b) == []


def test_an_import_keeps_the_rules_of_a_codebook_and_a_tag_line(two):
    a, b = two
    arts = sorted(a.articles.list(), key=lambda x: x.url or "")
    desk.tag_articles(a, [arts[0].id], ["courts"], "alice")
    lines = coverage.export(a, "jsonl").splitlines()
    bad_tag = json.dumps({"type": "newsdesk:Tag", "name": "x\x1b[2J", "color": ""})
    with pytest.raises(AnnotationFormatError, match=r"^Line 1: The tag .* control characters"):
        coverage.import_annotations(b, [bad_tag, *lines])
    bad_book = json.dumps({"type": "newsdesk:Codebook", "name": "Tone", "values": ["w" * 101]})
    with pytest.raises(AnnotationFormatError, match=r"^Line 1: The value .* too long"):
        coverage.import_annotations(b, [bad_book, *lines])
    assert _portable(b) == [] and b.annotations.tags() == []
    assert "Tone" not in {x.name for x in b.annotations.codebooks()}


def test_annotations_from_before_editors_were_recorded_travel_without_a_creator(two):
    a, b = two
    arts = sorted(a.articles.list(), key=lambda x: x.url or "")
    a.annotations.restore([Annotation("tag", arts[0].id, "", datetime(2020, 1, 1, tzinfo=UTC),
                                      tag="old")])  # as migration 0010 keeps them
    report = coverage.import_annotations(b, coverage.export(a, "jsonl").splitlines())
    assert report.added == 1 and _portable(b) == _portable(a)


def test_an_imported_url_is_matched_by_its_canonical_form(two):
    a, b = two
    arts = sorted(a.articles.list(), key=lambda x: x.url or "")
    desk.tag_articles(a, [arts[0].id], ["courts"], "alice")
    lines = coverage.export(a, "jsonl").splitlines()
    url = arts[0].url or ""
    tracked = url.replace("https://", "HTTPS://", 1) + ("&" if "?" in url else "?") + \
        "utm_source=x#top"
    changed = _one_line(lines, lambda o: o["target"].update(  # no GUID to fall back on
        {"source": tracked, "newsdesk:guid": None}))
    report = coverage.import_annotations(b, changed)
    assert (report.added, report.unmatched) == (1, 0)
    assert _portable(b) == _portable(a)


def test_articles_this_database_lacks_are_counted_unmatched(two, tmp_path):
    a, _ = two
    _work(a)
    lines = coverage.export(a, "jsonl").splitlines()
    with open_store(tmp_path / "empty.db") as empty:
        report = coverage.import_annotations(empty, lines)
        assert report.added == 0 and report.unmatched == report.lines - 3  # 2 tags, 1 codebook
        # _work annotates 3 articles and a story (on its anchor: the story's oldest member)
        on = {x.article_id for v in a.annotations.of_articles(_ids(a)).values() for x in v}
        assert report.unmatched_articles == len(on) < report.unmatched
        assert empty.annotations.of_articles(_ids(empty)) == {}


def test_an_unknown_codebook_is_added_and_a_value_outside_ours_kept_as_a_note(two):
    a, b = two
    arts = sorted(a.articles.list(), key=lambda x: x.url or "")
    desk.add_codebook(a, "Tone", ["warm", "cold"])
    desk.code_articles(a, [arts[0].id], "Tone", "cold", "alice")
    desk.add_codebook(b, "Tone", ["warm", "hot"])  # b's Tone has no "cold"
    report = coverage.import_annotations(b, coverage.export(a, "jsonl").splitlines())
    assert report.conflicts == 1 and report.added == 0
    notes = [x for v in b.annotations.of_articles(_ids(b)).values() for x in v]
    assert [(x.kind, x.editor, x.text[:40]) for x in notes] == [
        ("note", "alice", "Conflicting code on import: Tone = cold ")]
    desk.remove_codebook(b, "Tone")
    desk.remove_note(b, notes[0].id)
    report = coverage.import_annotations(b, coverage.export(a, "jsonl").splitlines())
    assert report.added == 1 and report.changes.codebook_list
    assert [x.name for x in b.annotations.codebooks()][-1] == "Tone"


def test_agreement_with_titles(two):
    a, _ = two
    arts = sorted(a.articles.list(), key=lambda x: x.url or "")
    ids = [x.id for x in arts[:4]]
    for editor, values in {"alice": ["1", "2", "3", "1"], "bob": ["1", "2", "3", "2"]}.items():
        for article_id, value in zip(ids, values, strict=True):
            desk.code_articles(a, [article_id], "coverage", value, editor)
    result, titles = coverage.agreement_for(a, "COVERAGE")
    assert (result.codebook, result.units, result.coders) == ("Coverage", 4, 2)
    assert result.alpha is not None and 0 < result.alpha < 1
    assert [d.article_id for d in result.disagreements] == [ids[3]]
    assert titles == {ids[3]: arts[3].title}
    with pytest.raises(NotFoundError):
        coverage.agreement_for(a, "nope")


def test_a_storys_coverage_table_and_a_tags_timeline(two):
    a, _ = two
    story = next(s for s in a.stories.list() if len(s.outlets) >= 3)
    members = a.stories.members(story.id)
    desk.code_articles(a, [members[0].article_id], "Coverage", "critical", "alice")
    desk.code_articles(a, [members[1].article_id], "Coverage", "critical", "bob")
    table = coverage.story_coverage_table(a, story.id, "coverage")
    assert table.codebook == "Coverage" and len(table.outlets) == len(story.outlets)
    assert sum(table.counts.values()) == 2
    assert sum(table.uncoded.values()) == len(members) - 2
    with pytest.raises(NotFoundError):
        coverage.story_coverage_table(a, 99999, "coverage")
    desk.tag_articles(a, [m.article_id for m in members], ["t"], "alice")
    timeline = coverage.tag_timeline(a, "T")
    assert sum(n for _, n in timeline) == len(members)
    assert [d for d, _ in timeline] == sorted({m.published.astimezone(UTC).date()
                                               for m in members})
    assert all(isinstance(d, date) for d, _ in timeline)


def test_what_an_export_covers(two):
    a, _ = two
    _work(a)
    story = next(s.id for s in a.stories.list() if s.size >= 3)
    members = {m.article_id for m in a.stories.members(story)}
    everything = coverage.build_coverage(a)
    annotated = set(a.annotations.of_articles(_ids(a)))
    assert {c.article_id for c in everything.articles} == annotated
    assert [c.ref.published for c in everything.articles] == sorted(
        c.ref.published for c in everything.articles if c.ref.published)
    tagged = coverage.build_coverage(a, tag="follow")  # a story tag brings its story
    assert {c.article_id for c in tagged.articles} == members
    assert all(any(x.tag == "follow" for x in c.annotations) for c in tagged.articles)
    of_story = coverage.build_coverage(a, story_id=story)
    assert {c.article_id for c in of_story.articles} == members
    assert {c.story_id for c in of_story.articles} == {story}
    assert [b.name for b in everything.codebooks] == ["Coverage"]
    future = coverage.build_coverage(a, since=datetime.now(UTC) + timedelta(days=3650))
    assert future.articles == ()
    with pytest.raises(NotFoundError):
        coverage.build_coverage(a, tag="nope")
    with pytest.raises(NotFoundError):
        coverage.build_coverage(a, story_id=99999)


def test_an_export_reads_the_stories_of_its_articles_at_once(two, monkeypatch):
    a, _ = two
    _work(a)
    expected = coverage.export(a, "jsonl")

    def one_at_a_time(article_id: str) -> int | None:
        raise AssertionError("story_of read once per article")

    monkeypatch.setattr(a.stories, "story_of", one_at_a_time)
    assert coverage.export(a, "jsonl") == expected
    assert {c.story_id for c in coverage.build_coverage(a).articles} - {None}


def test_an_exports_title_says_what_it_covers(two):
    a, _ = two
    _work(a)
    story = next(s.id for s in a.stories.list() if s.size >= 3)
    since = datetime(2030, 1, 1, tzinfo=UTC)
    assert coverage.build_coverage(a).title == "Coverage desk"
    assert coverage.build_coverage(a, since=since).title == "Coverage since 2030-01-01"
    assert coverage.build_coverage(a, tag="COURTS", since=since).title == \
        "Coverage of tag courts since 2030-01-01"
    assert coverage.build_coverage(a, tag="courts", story_id=story).title == \
        f"Coverage of story {story}: {a.stories.label(story)}, tag courts"


def test_the_csv_export_is_tidy(two):
    a, _ = two
    _work(a)
    rows = list(csv.DictReader(io.StringIO(coverage.export(a, "csv"))))
    assert list(rows[0])[:5] == ["url", "outlet", "published", "title", "tags"]
    total = sum(len(c.annotations) for c in coverage.build_coverage(a).articles)
    assert len(rows) == total
    assert {r["kind"] for r in rows} == {"tag", "code", "note"}


def test_an_unknown_format(two):
    a, _ = two
    with pytest.raises(NewsdeskError, match="not an export format"):
        coverage.export(a, "xml")


def test_an_empty_export_imports_as_nothing(two):
    a, b = two
    assert coverage.export(a, "jsonl") == ""
    report = coverage.import_annotations(b, [])
    assert (report.lines, report.added) == (0, 0)
    assert json.dumps(report.lines) == "0"


# ------------------------------------------------------------------ the property

_moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31),
                        timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0))
_words = st.text(min_size=1, max_size=30).filter(lambda t: t.strip() != "")


def _keeps(clean, text: str) -> bool:
    """Whether a name is one an editor could have typed (its clean form is itself)."""
    try:
        return bool(clean(text) == text)
    except NewsdeskError:
        return False


# "" is an annotation from before editors were recorded; others as an editor could type them.
_editors = st.sampled_from(["alice", "bob", "Ægir", ""]) | st.text(max_size=12).filter(
    lambda e: _keeps(clean_editor, e))
_tags = st.sampled_from(["eu", "EU", "ireland-case", "café", "a b"]) | _words.map(
    lambda t: " ".join(t.split())[:100]).filter(lambda t: _keeps(desk.clean_tag, t))


@st.composite
def _annotations(draw: st.DrawFn, count: int) -> list[tuple[int, Annotation]]:
    """Annotations on article number (0..count-1), made by anyone at any time."""
    made: list[tuple[int, Annotation]] = []
    for _ in range(draw(st.integers(0, 12))):
        where = draw(st.integers(0, count - 1))
        kind = draw(st.sampled_from(["tag", "code", "note"]))
        common = {"editor": draw(_editors), "created": draw(_moments),
                  "target": draw(st.sampled_from(["article", "story"]))}
        if kind == "tag":
            made.append((where, Annotation("tag", "", tag=draw(_tags), **common)))
        elif kind == "code":
            book = draw(st.sampled_from([("Coverage", 6), ("Media frames", 15)]))
            value = draw(st.integers(0, book[1] - 1))
            common["target"] = "article"
            made.append((where, Annotation("code", "", codebook=book[0], value=str(value),
                                           **common)))
        else:
            quote = draw(st.none() | st.builds(TextQuote, _words, st.text(max_size=32),
                                               st.text(max_size=32)))
            made.append((where, Annotation("note", "", id=str(draw(st.uuids())),
                                           text=draw(_words), quote=quote, **common)))
    return made


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_export_import_export_is_identical(sample_files, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("property")
    a_path, b_path = folder / "a.db", folder / "b.db"
    shutil.copy(sample_files[0], a_path)
    shutil.copy(sample_files[1], b_path)
    with open_store(a_path) as a, open_store(b_path) as b:
        arts = sorted(a.articles.list(), key=lambda x: x.url or "")
        books = {x.name: x.values for x in a.annotations.codebooks()}
        made = data.draw(_annotations(len(arts)))
        given_ = [replace(x, article_id=arts[i].id,
                          value=books[x.codebook][int(x.value)] if x.kind == "code" else "")
                  for i, x in made]
        a.annotations.restore(given_)
        tags = a.annotations.tags()
        if tags and data.draw(st.booleans()):
            a.annotations.set_tag_color(tags[0].name, data.draw(st.sampled_from(
                ["#d9822b", "#1f77b4"])))
        exported = coverage.export(a, "jsonl")
        report = coverage.import_annotations(b, exported.splitlines())
        stored = sum(len(v) for v in a.annotations.of_articles([x.id for x in arts]).values())
        assert (report.added, report.unmatched, report.conflicts) == (stored, 0, 0)
        assert coverage.export(b, "jsonl") == exported
        assert _portable(b) == _portable(a)
        assert coverage.import_annotations(b, exported.splitlines()).added == 0


def test_a_tag_listed_without_assignments_and_a_bare_highlight_are_imported(two):
    a, b = two
    article = a.articles.list()[0]
    passage = article.text.split(".")[0][:40].strip()
    desk.add_note(a, article.id, "", "ana", quote=passage)  # a highlight with no words
    exported = coverage.export(a, "jsonl").splitlines()
    exported.insert(0, json.dumps({"color": "#112233", "name": "later", "type": "newsdesk:Tag"},
                                  sort_keys=True))
    report = coverage.import_annotations(b, exported)
    assert report.added == 1 and report.changes.tag_list
    assert [(t.name, t.color, t.articles) for t in b.annotations.tags()] == [
        ("later", "#112233", 0)]
    notes = [n for ns in b.annotations.of_articles(_ids(b)).values() for n in ns]
    assert [(n.text, n.quote is not None) for n in notes] == [("", True)]
    again = coverage.import_annotations(b, exported)
    assert again.added == 0 and not again.changes
