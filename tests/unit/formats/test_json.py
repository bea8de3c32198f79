"""The --json records: literal shapes, and the contract's time text."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsdesk.dates import to_iso as stored_iso
from newsdesk.formats.json import cluster_line, source_line, source_record, story_line, to_iso
from newsdesk.models import Source, StorySummary

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
        "last_success": "2024-05-01T12:30:05Z", "next_fetch": None}
    assert '"title": "Caf\\u00e9"' in source_line(source, 7)  # sources were always ASCII


def test_a_story_line_keeps_unicode():
    story = StorySummary(id=1, label="Café", first_seen=WHEN, last_seen=WHEN, size=2,
                         outlets=("A", "B"), article_ids=("x", "y"))
    assert story_line(story) == (
        '{"id": 1, "label": "Café", "first_seen": "2024-05-01T12:30:05Z", "last_seen": '
        '"2024-05-01T12:30:05Z", "size": 2, "outlets": ["A", "B"], "article_ids": ["x", "y"]}')


def test_a_cluster_line():
    assert cluster_line("a1", 4) == '{"id": "a1", "cluster": 4}'
