"""The --json records: literal shapes, and the contract's time text."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsdesk.analysis.agreement import Agreement, Disagreement
from newsdesk.dates import to_iso as stored_iso
from newsdesk.formats.json import (
    agreement_record,
    annotation_fields,
    article_record,
    cluster_line,
    codebook_record,
    source_line,
    source_record,
    story_line,
    tag_record,
    to_iso,
)
from newsdesk.models import (
    Annotation,
    Article,
    Codebook,
    Source,
    StorySummary,
    Tag,
    TextQuote,
)

WHEN = datetime(2024, 5, 1, 12, 30, 5, tzinfo=UTC)


@pytest.mark.parametrize("value", [
    WHEN, datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=2))),
    datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))), None])
def test_times_read_as_the_store_writes_them(value):
    assert to_iso(value) == stored_iso(value)


def test_a_source_record():
    source = Source(id=3, url="https://a.example/feed", title="Café", folder="News",
                    last_success_at=WHEN)
    assert source_record(source, 7) == {
        "id": 3, "title": "Café", "url": "https://a.example/feed", "site_url": None,
        "folder": "News", "kind": "feed", "articles": 7, "error_count": 0, "last_error": None,
        "last_success": "2024-05-01T12:30:05Z", "next_fetch": None, "full_text": "on-demand"}
    assert '"title": "Caf\\u00e9"' in source_line(source, 7)  # sources were always ASCII


def test_a_story_line_keeps_unicode():
    story = StorySummary(id=1, label="Café", first_seen=WHEN, last_seen=WHEN, size=2,
                         outlets=("A", "B"), article_ids=("x", "y"))
    assert story_line(story) == (
        '{"id": 1, "label": "Café", "first_seen": "2024-05-01T12:30:05Z", "last_seen": '
        '"2024-05-01T12:30:05Z", "size": 2, "outlets": ["A", "B"], "article_ids": ["x", "y"]}')


def test_a_cluster_line():
    assert cluster_line("a1", 4) == '{"id": "a1", "cluster": 4, "storyline": null}'
    assert cluster_line("a1", 4, 2) == '{"id": "a1", "cluster": 4, "storyline": 2}'


# ------------------------------------------------------------------ the coverage desk

LATER = WHEN + timedelta(hours=1)


def _article() -> Article:
    return Article(id="a1", source_id=1, outlet="o", guid=None, url="https://o.example/1",
                   title="T", authors=(), published=WHEN, updated=None, first_seen=WHEN,
                   summary_html="", content_html="", text="")


def test_an_article_record_gains_the_desk_keys_and_keeps_the_old_ones():
    old = article_record(_article(), None)
    assert "tags" not in old
    notes = [
        Annotation("note", "a1", "bob", LATER, id="n2", text="Second", target="story"),
        Annotation("tag", "a1", "alice", LATER, tag="b-tag"),
        Annotation("code", "a1", "bob", WHEN, codebook="Coverage", value="critical"),
        Annotation("tag", "a1", "bob", WHEN, tag="a-tag"),
        Annotation("note", "a1", "alice", WHEN, id="n1", text="First",
                   quote=TextQuote("exact words", "before ", " after")),
        Annotation("code", "a1", "alice", LATER, codebook="Coverage", value="neutral"),
        Annotation("tag", "a1", "carol", WHEN, tag="story-tag", target="story"),
    ]
    new = article_record(_article(), None, notes)
    assert {k: v for k, v in new.items() if k in old} == old
    assert new["tags"] == ["a-tag", "b-tag"] and new["story_tags"] == ["story-tag"]
    assert new["notes"] == [
        {"id": "n1", "editor": "alice", "text": "First", "quote": "exact words",
         "quote_prefix": "before ", "quote_suffix": " after", "created": "2024-05-01T12:30:05Z",
         "target": "article"},
        {"id": "n2", "editor": "bob", "text": "Second", "quote": None, "quote_prefix": "",
         "quote_suffix": "", "created": "2024-05-01T13:30:05Z", "target": "story"}]
    assert new["codes"] == {"Coverage": [
        {"editor": "alice", "value": "neutral", "created": "2024-05-01T13:30:05Z"},
        {"editor": "bob", "value": "critical", "created": "2024-05-01T12:30:05Z"}]}
    assert annotation_fields([]) == {"tags": [], "story_tags": [], "notes": [], "codes": {}}


def test_tag_codebook_and_agreement_records():
    assert tag_record(Tag("eu", "#1f77b4", 3, 1)) == {
        "name": "eu", "color": "#1f77b4", "articles": 3, "stories": 1}
    assert codebook_record(Codebook("Tone", ("warm", "cold"), "d")) == {
        "name": "Tone", "values": ["warm", "cold"], "description": "d", "builtin": False}
    result = Agreement("Tone", 0.4285714285, 2, 2, 4,
                       (Disagreement("a1", (("alice", "warm"), ("bob", "cold"))),), 0.5, 0.875)
    assert agreement_record(result, {"a1": "Title"}) == {
        "codebook": "Tone", "alpha": 0.428571, "units": 2, "coders": 2, "values": 4,
        "observed": 0.5, "expected": 0.875,
        "disagreements": [{"article_id": "a1", "title": "Title", "codes": [
            {"editor": "alice", "value": "warm"}, {"editor": "bob", "value": "cold"}]}]}
    undefined = Agreement("Tone", None, 0, 0, 0, (), 0.0, 0.0)
    assert agreement_record(undefined, {})["alpha"] is None


# ------------------------------------------------------------------ the archive


def test_an_article_record_gains_the_archive_keys():
    from newsdesk.models import FullText

    plain = article_record(_article(), None)
    assert (plain["full_text"], plain["full_html"], plain["versions"]) == (None, None, 0)
    assert (plain["full_text_status"], plain["full_text_reason"]) == (None, None)
    full = FullText("a1", "extracted", WHEN, html="<p>All of it.</p>", text="All of it.")
    record = article_record(_article(), None, fulltext=full, versions=2)
    assert (record["full_text"], record["full_html"], record["versions"]) == (
        "All of it.", "<p>All of it.</p>", 2)
    assert (record["full_text_status"], record["full_text_reason"]) == ("extracted", None)
    assert {k: v for k, v in record.items() if k not in (
        "full_text", "full_html", "full_text_status", "versions")} == {
        k: v for k, v in plain.items() if k not in (
            "full_text", "full_html", "full_text_status", "versions")}
    kept = FullText("a1", "kept_summary", WHEN, reason="A paywall.")
    record = article_record(_article(), None, fulltext=kept)
    assert (record["full_text"], record["full_html"], record["full_text_status"],
            record["full_text_reason"]) == (None, None, "kept_summary", "A paywall.")


def test_storage_and_version_records():
    from newsdesk.formats.json import storage_record, version_record
    from newsdesk.models import ArticleVersion
    from newsdesk.offline.versions import DiffPart
    from newsdesk.store.api import SourceUsage, StorageUsage

    small = SourceUsage(2, "Small", 1, 10, 0, 0, 0, 0, 0, 0)
    big = SourceUsage(1, "Big", 3, 100, 1, 50, 1, 20, 2, 30)
    usage = StorageUsage(4096, 1024, 4, 1, 1, 2, 30, (small, big))
    record = storage_record(usage)
    assert record["file_bytes"] == 4096 and record["asset_bytes"] == 30
    assert [s["id"] for s in record["sources"]] == [1, 2]  # largest first
    assert record["sources"][0] == {
        "id": 1, "title": "Big", "articles": 3, "article_bytes": 100, "full_texts": 1,
        "full_text_bytes": 50, "versions": 1, "version_bytes": 20, "assets": 2,
        "asset_bytes": 30, "total_bytes": 200}
    version = ArticleVersion("a1", 1, "feed", "Old", "<p>x</p>", "x", WHEN, WHEN)
    diff = ([DiffPart("-", "Old"), DiffPart("+", "New")], [DiffPart("=", "x")])
    assert version_record(version, current=False, diff=diff) == {
        "number": 1, "origin": "feed", "title": "Old", "text": "x",
        "seen": "2024-05-01T12:30:05Z", "replaced": "2024-05-01T12:30:05Z", "current": False,
        "title_diff": [["-", "Old"], ["+", "New"]], "text_diff": [["=", "x"]]}
    current = version_record(version, current=True, diff=None)
    assert (current["replaced"], current["title_diff"], current["text_diff"]) == (None, None,
                                                                                 None)
