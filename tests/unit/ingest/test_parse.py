import contextlib
import json
from datetime import UTC, datetime

import pytest

from newsdesk.errors import ParseError
from newsdesk.ingest.parse import parse_datetime, parse_feed
from tests.conftest import FIXTURES, fixture_bytes


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


# ---------------------------------------------------------------- hostile bytes (issue 9)

CRASHES = sorted((FIXTURES / "crashes").glob("*.bin"))


def _rss(items: str, channel: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
            f"<link>https://t.example/</link>{channel}{items}</channel></rss>").encode()


def test_unknown_encoding_declared_falls_back_to_feedparser():
    body = _rss("<item><title>Caf\u00e9</title><guid>a</guid></item>").replace(
        b'encoding="utf-8"', b'encoding="bogus"')
    feed = parse_feed(body)
    assert [i.title for i in feed.items] == ["Caf\u00e9"]


@pytest.mark.parametrize("declared", [b"I\xff\xffSO-8859-1", b"\x01\x00\x00utf-8"])
def test_feedparser_crashing_is_a_parse_error(declared):
    """feedparser's encoding detection raises UnicodeDecodeError / ValueError on these
    (found by bench/fuzz.py; the inputs are in tests/fixtures/crashes/)."""
    body = _rss("<item><title>A</title><guid>a</guid></item>").replace(b"utf-8", declared, 1)
    with pytest.raises(ParseError) as info:
        parse_feed(body)
    assert "could not be read" in str(info.value)


@pytest.mark.parametrize(("ttl", "expected"), [
    ("60", 60), ("9" * 300, 10 * 365 * 24 * 60), ("\u00b2", None), ("-5", None), ("1e3", None)])
def test_ttl_is_a_bounded_count(ttl, expected):
    item = "<item><title>A</title><guid>a</guid></item>"
    fast = parse_feed(_rss(item, f"<ttl>{ttl}</ttl>"))
    loose = parse_feed(_rss(item, f"<ttl>{ttl}</ttl>") + b"<!-- junk --><")  # feedparser path
    assert fast.format == "rss20" and fast.ttl_minutes == expected
    assert loose.ttl_minutes == expected


def test_enclosure_length_in_superscript_digits_is_dropped_not_the_entry():
    body = _rss('<item><title>A</title><guid>a</guid><enclosure url="https://t.example/a.mp3" '
                'length="\u00b2\u00b3" type="audio/mpeg"/></item>')
    (item,) = parse_feed(body).items
    assert (item.enclosures[0].url, item.enclosures[0].length) == ("https://t.example/a.mp3", None)


def test_json_number_too_long_for_int_is_a_parse_error():
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": ' + b"9" * 4301 + b"}]}"
    with pytest.raises(ParseError, match="not valid JSON"):
        parse_feed(body)


def test_json_nested_too_deep_is_a_parse_error():
    deep = b"[" * 100_000 + b"]" * 100_000
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + deep + b"}"
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_feed(body)


def test_json_fields_of_the_wrong_shape_are_ignored():
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": [[["x"]]], "url": "https://j.example/1", "title": "A", "tags": [{"a": 1}, "ok"],
         "authors": [{"name": {"deep": ["x"]}}, {"name": "Ann"}],
         "attachments": [{"url": "https://j.example/a.mp3", "size_in_bytes": True}]}]}).encode()
    (item,) = parse_feed(body).items
    assert (item.guid, item.categories, item.authors) == (None, ("ok",), ("Ann",))
    assert item.enclosures[0].length is None


SMILE = "\U0001F600"


def test_surrogate_char_refs_pair_up_or_become_replacement_characters():
    body = _rss("<item><title>A &#55357;&#56832; B &#xD83D;&#xDE00; C &#55357;</title>"
                "<guid>g&#56832;</guid><author>Bob &#55357;</author>"
                "<link>https://t.example/a?q=&#55357;&#56832;&amp;r=&#55357;</link></item>")
    (item,) = parse_feed(body).items
    assert item.title == f"A {SMILE} B {SMILE} C \ufffd"
    assert item.guid == "g\ufffd"
    assert item.link == f"https://t.example/a?q={SMILE}&r=\ufffd"
    assert item.authors == ("Bob \ufffd",)


def test_surrogate_char_refs_in_a_feed_only_feedparser_reads():
    body = _rss("<item><title>A &#55357;&#56832; &#56832;</title><guid>g</guid></item>").replace(
        b'<rss version="2.0">', b'<rss version="0.91">')
    (item,) = parse_feed(body).items
    assert item.title == f"A {SMILE} \ufffd"


def test_lone_surrogates_in_json_become_replacement_characters():
    body = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "F\\ud800", "items": [{'
            b'"id": "i\\udc00", "url": "https://j.example/?q=\\ud800", "title": "T \\ud83d\\ude00 \\ud83d",'
            b'"authors": [{"name": "A\\udfff"}], "tags": ["t\\ud800"], "content_text": "x\\ud800"}]}')
    feed = parse_feed(body)
    (item,) = feed.items
    assert feed.title == "F\ufffd"
    assert (item.guid, item.link, item.title) == ("i\ufffd", "https://j.example/?q=\ufffd",
                                                  f"T {SMILE} \ufffd")
    assert (item.authors, item.categories, item.content_html) == (("A\ufffd",), ("t\ufffd",),
                                                                 "<p>x\ufffd</p>")


def test_every_string_of_a_parse_is_valid_utf8():
    """The boundary rule: nothing downstream ever sees a surrogate."""
    body = (b'{"version": "https://jsonfeed.org/version/1.1", "home_page_url": "https://j.example/\\ud800",'
            b'"description": "\\udc00", "language": "e\\ud800n", "items": [{"id": "1", '
            b'"summary": "\\ud800", "content_html": "<b>\\ud800</b>", "language": "\\ud800",'
            b'"attachments": [{"url": "https://j.example/\\ud800.mp3", "mime_type": "a/\\ud800"}]}]}')
    feed = parse_feed(body)

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, tuple | list):
            for v in value:
                yield from strings(v)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                yield from strings(getattr(value, name))

    found = list(strings(feed))
    assert len(found) >= 12
    for text in found:
        text.encode("utf-8")  # raises on a surrogate


@pytest.mark.parametrize("body", [
    b"id\ttitle\turl\n1\tHello\thttps://x.example/\n2\tWorld\thttps://y.example/\n",
    b"id\tbody\n1\t<item>First</item>\n2\t<entry>Second</entry>\n",  # feedparser: 1 entry
    b"just some words, no markup at all",
    b"<html><head><title>Shop</title></head><body><p>No feed here</p></body></html>",
    b"<!DOCTYPE html><div>news</div>",
    b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'><title>x</title></svg>",
    b"<?xml version='1.0'?><urlset><url><loc>https://x.example/</loc></url></urlset>",
])
def test_a_document_that_is_not_a_feed_is_refused(body):
    with pytest.raises(ParseError) as info:
        parse_feed(body, content_type="text/plain")
    assert info.value.not_a_feed


def test_a_feed_after_junk_is_still_a_feed():
    body = b"<br />\n<b>Notice</b>: Undefined index in x.php<br />\n" + fixture_bytes("rss20.xml")
    assert len(parse_feed(body).items) == 2


def test_a_utf16_feed_is_a_feed():
    body = fixture_bytes("atom10.xml").decode("utf-8").replace('encoding="utf-8"', 'encoding="utf-16"')
    feed = parse_feed(body.encode("utf-16"))
    assert (feed.format, len(feed.items)) == ("atom10", 2)


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_dates_that_leave_the_calendar_in_utc_are_missing(value):
    assert parse_datetime(value) is None


@pytest.mark.parametrize("path", CRASHES, ids=[p.name for p in CRASHES])
def test_fuzz_crash_inputs_now_store_or_refuse(path, store):
    """Every input the fuzzer (bench/fuzz.py) crashed on, replayed through its own path."""
    from bench.fuzz_target import run_one

    source, _ = store.sources.add("https://fuzz.example/feed")
    with contextlib.suppress(ParseError):
        run_one(store, source, path.read_bytes())
