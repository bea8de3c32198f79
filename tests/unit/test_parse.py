from datetime import UTC, datetime

import pytest

from newsdesk.errors import ParseError
from newsdesk.ingest.parse import parse_datetime, parse_feed
from tests.conftest import fixture_bytes


@pytest.mark.parametrize(
    ("name", "fmt", "title", "count"),
    [
        ("rss20.xml", "rss20", "Fixture Dirt", 2),
        ("rss091.xml", "rss091n", "Old School News", 1),
        ("rss10.rdf", "rss10", "RDF Gazette", 1),
        ("atom10.xml", "atom10", "Atom Policy Review", 2),
        ("atom03.xml", "atom03", "Atom Zero Three", 1),
        ("jsonfeed11.json", "json11", "JSON Courier", 2),
        ("jsonfeed10.json", "json1", "JSON One", 1),
        ("broken.xml", "rss20", "Broken & Still Useful", 2),
        ("wrong_encoding.xml", "rss20", "Mislabeled", 1),
        ("nodates.xml", "rss20", "No Dates", 3),
        ("duplicate_guids.xml", "rss20", "Lazy CMS", 4),
    ],
)
def test_every_format_parses(name, fmt, title, count):
    feed = parse_feed(fixture_bytes(name), url=f"https://fixture.example/{name}")
    assert feed.format == fmt
    assert feed.title == title
    assert len(feed.items) == count


def test_rss20_fields():
    feed = parse_feed(fixture_bytes("rss20.xml"), url="https://www.fixturedirt.example/feed/")
    item = feed.items[0]
    assert item.guid == "fixturedirt-1001"
    assert item.authors == ("Mike Example",)
    assert item.categories == ("Privacy", "Courts")
    assert item.published == datetime(2014, 7, 31, 18, 12, tzinfo=UTC)
    assert item.enclosures[0].url == "https://cdn.fixturedirt.example/audio/ep1.mp3"
    assert item.enclosures[0].length == 12345
    assert item.comments_url == "https://www.fixturedirt.example/2014/07/31/emails-abroad/#comments"
    assert 'href="/tag/ireland"' in item.content_html  # relative links are left to normalize
    assert item.summary_html == "A judge ruled that a warrant reaches data held in Ireland."
    assert feed.ttl_minutes == 120
    assert feed.language == "en-us"


def test_atom_keeps_xml_base_and_authors():
    feed = parse_feed(fixture_bytes("atom10.xml"), url="https://atom.example/feed.atom")
    item = feed.items[0]
    assert item.base_url == "https://atom.example/blog/"
    assert item.authors == ("Cyrus Fixture", "Dana Fixture")
    assert item.title_is_html
    assert item.categories == ("Law",)
    assert item.published == datetime(2024, 4, 1, 12, 0, tzinfo=UTC)
    assert item.updated == datetime(2024, 4, 2, 9, 30, tzinfo=UTC)


def test_json_feed_fields_and_bad_item_skipped():
    feed = parse_feed(fixture_bytes("jsonfeed11.json"))
    first, second = feed.items
    assert first.guid == "json-1"
    assert first.authors == ("Eve Json",)
    assert first.updated == datetime(2014, 8, 5, 10, 0, tzinfo=UTC)
    assert first.enclosures[0].type == "application/pdf"
    assert second.guid == "2"
    assert second.authors == ("Feed Author",)
    assert second.content_html == "<p>Plain text only.</p><p>Second paragraph &lt;not a tag&gt;.</p>"
    assert feed.warnings == ("item 2 skipped: item is not an object",)
    assert feed.language == "en-GB"


def test_json_feed_10_author():
    feed = parse_feed(fixture_bytes("jsonfeed10.json"))
    assert feed.items[0].authors == ("Old Style Author",)
    assert feed.items[0].published == datetime(2020, 1, 1, 5, 0, tzinfo=UTC)


def test_wrong_encoding_is_recovered():
    feed = parse_feed(fixture_bytes("wrong_encoding.xml"))
    assert feed.items[0].title == "Café naïve “quotes”"
    assert feed.warnings  # the mismatch is reported, not hidden


def test_broken_xml_keeps_entries_and_warns():
    feed = parse_feed(fixture_bytes("broken.xml"))
    assert [i.title for i in feed.items] == ["First survives", "Second \xa0 survives"]
    assert feed.warnings


def test_missing_dates_are_none():
    feed = parse_feed(fixture_bytes("nodates.xml"))
    assert all(i.published is None and i.updated is None for i in feed.items)


@pytest.mark.parametrize(
    ("body", "not_a_feed"),
    [
        (b"", True),
        (b"   \n", True),
        (fixture_bytes("page_with_feeds.html"), True),
        (b"just some text", True),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": "nope"}', False),
        (b'{"hello": "world"}', True),
        (b"{not json", False),
    ],
)
def test_not_a_feed(body, not_a_feed):
    with pytest.raises(ParseError) as info:
        parse_feed(body)
    assert info.value.not_a_feed is not_a_feed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024-01-02T03:04:05+02:00", datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)),
        ("2024-01-02T03:04:05", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("Tue, 02 Jan 2024 03:04:05 GMT", datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("yesterday", None),
        (None, None),
    ],
)
def test_parse_datetime(text, expected):
    assert parse_datetime(text) == expected
