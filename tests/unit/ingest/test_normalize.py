from datetime import UTC, datetime

import pytest

from newsdesk.ingest.normalize import canonical_url, normalize_feed, outlet_key
from newsdesk.ingest.parse import parse_feed
from newsdesk.models import Source
from tests.conftest import fixture_bytes

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def _articles(name, url="https://fixture.example/feed", source_id=1):
    source = Source(id=source_id, url=url)
    return normalize_feed(parse_feed(fixture_bytes(name), url=url), source, now=NOW)


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("https://A.Example:443/x?utm_source=rss&id=3#frag", None, "https://a.example/x?id=3"),
        ("/path?fbclid=1&gclid=2", "https://b.example/feed", "https://b.example/path"),
        ("http://c.example:80", None, "http://c.example/"),
        ("http://c.example:8080/p", None, "http://c.example:8080/p"),
        ("../up", "https://d.example/a/b/", "https://d.example/a/up"),
        ("https://e.example/a?CMP=share_btn_tw&page=2", None, "https://e.example/a?page=2"),
        ("javascript:alert(1)", None, None),
        ("mailto:x@example.com", None, None),
        ("tag:example.com,2024:1", None, None),
        ("", None, None),
        ("http://[bad", None, None),
    ],
)
def test_canonical_url(url, base, expected):
    assert canonical_url(url, base) == expected


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("https://www.techdirt.com/", "techdirt.com"),
        ("https://feeds.arstechnica.com/arstechnica/tech-policy", "arstechnica.com"),
        ("https://www.bbc.co.uk/news", "bbc.co.uk"),
    ],
)
def test_outlet_key(site, expected):
    assert outlet_key(Source(id=1, url=site)) == expected


def test_rss_article_is_normalized():
    first = _articles("rss20.xml", "https://www.fixturedirt.example/feed/")[0]
    assert first.url == "https://www.fixturedirt.example/2014/07/31/emails-abroad/?page=2"
    assert first.title == "Court Says Emails Stored Abroad Are Still Reachable & Microsoft Objects"
    assert first.published == datetime(2014, 7, 31, 18, 12, tzinfo=UTC)
    assert 'href="https://www.fixturedirt.example/tag/ireland"' in first.content_html
    assert "feedburner" not in first.content_html
    assert first.text == ("A judge ruled that a warrant reaches data held in Ireland.\n\n"
                          "Microsoft said it would appeal.")
    assert first.word_count == 16
    assert first.outlet == "fixturedirt.example"
    assert first.first_seen == NOW
    assert first.language == "en-us"


def test_atom_relative_links_use_xml_base():
    first = _articles("atom10.xml", "https://atom.example/feed.atom")[0]
    assert first.url == "https://atom.example/blog/posts/contempt-explained"
    assert 'href="https://atom.example/blog/docs/order.pdf"' in first.content_html
    assert 'src="https://atom.example/blog/img/chart.png"' in first.content_html
    assert first.title == "Contempt order explained"
    assert first.authors == ("Cyrus Fixture", "Dana Fixture")


def test_future_date_is_clamped():
    future = _articles("atom10.xml", "https://atom.example/feed.atom")[1]
    assert future.published == NOW


def test_missing_dates_fall_back_to_first_seen():
    articles = _articles("nodates.xml")
    assert all(a.published == NOW and not a.date_from_feed for a in articles)
    assert articles[2].title == "An item with no title but a body that says enough."


def test_reused_guid_keeps_every_item():
    articles = _articles("duplicate_guids.xml")
    assert [a.title for a in articles] == ["Story A", "Story B", "Story C"]
    assert len({a.id for a in articles}) == 3


def test_ids_are_stable_and_depend_on_source():
    assert [a.id for a in _articles("rss20.xml")] == [a.id for a in _articles("rss20.xml")]
    assert _articles("rss20.xml")[0].id != _articles("rss20.xml", source_id=2)[0].id


def test_hostile_entry_is_safe():
    article = _articles("hostile.xml")[0]
    assert article.url is None
    assert article.title == "Innocent title"
    for bad in ("script", "onmouseover", "iframe", "javascript", "onerror", "<style", "<form",
                "t.png"):
        assert bad not in article.summary_html.lower()
    # the iframe is a card that names and links it, nothing more of evil.example remains
    assert article.summary_html.lower().count("evil.example") == 2
    assert '<div class="newsdesk-embed"><p><b>Embedded content</b> · <a href="https://evil.example/"' \
        in article.summary_html


def test_json_feed_tracking_and_script():
    article = _articles("jsonfeed11.json", "https://json.example/feed.json")[0]
    assert article.url == "https://json.example/posts/1"
    assert "script" not in article.content_html
    assert 'href="https://json.example/briefs"' in article.content_html
    assert article.categories == ("Courts", "Cloud")


def test_strings_with_surrogates_never_reach_ids_hashes_or_urlencode(store):
    """Found as UnicodeEncodeError in article_id, canonical_url and the store's hash."""
    body = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": ['
            b'{"id": "\\ud800", "url": "https://j.example/a?q=\\udc00&utm_source=x", '
            b'"title": "\\ud83d\\ude00 \\ud83d", "authors": [{"name": "\\udfff"}]}]}')
    source, _ = store.sources.add("https://j.example/feed.json")
    (article,) = normalize_feed(parse_feed(body), source, now=NOW)
    assert article.url == "https://j.example/a?q=%EF%BF%BD"
    assert (article.guid, article.title, article.authors) == ("\ufffd", "\U0001F600 \ufffd",
                                                             ("\ufffd",))
    store.articles.upsert([article])
    assert store.articles.get(article.id).title == "\U0001F600 \ufffd"
