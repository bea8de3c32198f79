"""The ElementTree fast path must read feeds exactly as feedparser does, or decline."""

from dataclasses import asdict
from datetime import UTC, datetime

import pytest

from bench.feeds import make_feed
from newsdesk.config import resource_path
from newsdesk.ingest.fastfeed import parse_fast
from newsdesk.ingest.normalize import normalize_feed
from newsdesk.ingest.parse import _parse_xml_feed
from newsdesk.models import Source
from tests.conftest import FIXTURES

NOW = datetime(2024, 6, 1, tzinfo=UTC)
FAST = ["rss20.xml", "nodates.xml", "duplicate_guids.xml", "hostile.xml"]
DECLINED = ["atom10.xml", "rss091.xml", "rss10.rdf", "atom03.xml", "broken.xml", "wrong_encoding.xml"]
SAMPLES = ["daily-ledger.xml", "circuit-watch.atom", "openwire.xml", "global-dispatch.xml",
           "security-desk.atom"]
EXTRA = {
    "rss_author_email_and_dc_date": b"""<?xml version="1.0"?><rss version="2.0"
      xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title><link>https://t.example/</link>
      <item><title>A &amp;amp; B</title><link>/rel/a?x=1&amp;y=2</link><guid>12345</guid>
      <author>jane@t.example (Jane Doe)</author><dc:date>2024-02-03T04:05:06Z</dc:date>
      <description>plain &lt;b&gt;bold&lt;/b&gt;</description></item>
      <item><title>Guid as link</title><guid>https://t.example/g</guid><author>solo@t.example</author></item>
      </channel></rss>""",
    "atom_text_types": b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
      <title>A</title><link href="https://a.example/"/><entry><id>https://a.example/1</id>
      <title type="text">Plain &lt;not html&gt;</title><summary type="text">Line one

      Line two</summary><updated>2024-01-01T00:00:00Z</updated>
      <link rel="enclosure" href="https://a.example/x.mp3" type="audio/mpeg" length="10"/></entry></feed>""",
}


def _compare(body: bytes, url: str) -> None:
    source = Source(id=1, url=url)
    fast = parse_fast(body, url=url)
    assert fast is not None
    slow = _parse_xml_feed(body, url=url, content_type="")
    assert (fast.title, fast.site_url, fast.format) == (slow.title, slow.site_url, slow.format)
    fast_articles = [asdict(a) for a in normalize_feed(fast, source, now=NOW)]
    slow_articles = [asdict(a) for a in normalize_feed(slow, source, now=NOW)]
    assert fast_articles == slow_articles


@pytest.mark.parametrize("name", FAST)
def test_fixtures_agree(name):
    _compare((FIXTURES / "feeds" / name).read_bytes(), f"https://fixture.example/{name}")


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_feeds_agree(name):
    _compare(resource_path("sample", name).read_bytes(), f"https://sample.example/{name}")


@pytest.mark.parametrize("name", sorted(EXTRA))
def test_tricky_documents_agree(name):
    _compare(EXTRA[name], "https://t.example/feed")


def test_benchmark_feed_agrees():
    _compare(make_feed(3, 10), "https://outlet3.example/feed")


@pytest.mark.parametrize("name", DECLINED)
def test_odd_feeds_are_left_to_feedparser(name):
    assert parse_fast((FIXTURES / "feeds" / name).read_bytes(), url="https://x.example/") is None


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel/></rss>',
    b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://b.example/"><title>x</title></feed>',
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="xhtml"><div/></content></entry></feed>',
    b"<html><body>not a feed</body></html>",
    b'{"version": "https://jsonfeed.org/version/1.1"}',
])
def test_declines_what_it_cannot_match(body):
    assert parse_fast(body, url="https://x.example/", content_type="text/xml; charset=utf-8") is None


@pytest.mark.parametrize("declared", [b"bogus", b"utf-9", b"x-made-up"])
def test_an_unknown_declared_encoding_is_declined_not_raised(declared):
    """ElementTree raises LookupError for these; the fast path must hand them to feedparser."""
    body = (b'<?xml version="1.0" encoding="' + declared + b'"?><rss version="2.0"><channel>'
            b"<title>T</title><item><title>A</title><guid>a</guid></item></channel></rss>")
    assert parse_fast(body) is None


def test_fast_path_reads_paired_surrogate_refs_once_rewritten():
    from newsdesk.ingest.parse import parse_feed

    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
            b"<title>&#55357;&#56832;</title><guid>a</guid></item></channel></rss>")
    assert parse_fast(body) is None  # expat refuses surrogate references outright
    feed = parse_feed(body)
    assert (feed.format, feed.items[0].title) == ("rss20", "\U0001F600")
