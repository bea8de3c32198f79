from datetime import UTC, datetime

import pytest

from newsdesk.ingest.pipeline import refresh
from newsdesk.textsafe import is_safe, printable, strip_controls
from tests.feedserver import Route

HOSTILE_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>&lt;b&gt;Fixture&lt;/b&gt; \u202eDirt\u200b</title>
  <link>https://hostile.example/</link>
  <item>
    <title>Over\u2028written \u2066title\u2069</title>
    <link>https://hostile.example/1</link>
    <guid>h-1</guid>
    <author>x@hostile.com (Ann\u200f Author)</author>
    <category>Co\ufeffurts</category>
    <description>Body</description>
  </item>
</channel></rss>""".encode()


@pytest.mark.parametrize(
    ("text", "stored", "line"),
    [
        ("plain", "plain", "plain"),
        ("a\x1b[2Jb", "a[2Jb", "a[2Jb"),
        ("a\rb", "a b", "a b"),
        ("a\nb\tc", "a\nb\tc", "a b c"),
        ("a\x9b1mb", "a1mb", "a1mb"),
        ("a\u202eb\u2069c\u200bd\ufeff", "abcd", "abcd"),
        ("a\u2028b", "a b", "a b"),
        ("", "", ""),
    ],
)
def test_control_characters_are_removed(text, stored, line):
    assert strip_controls(text) == stored
    assert printable(text) == line
    assert is_safe(stored) and is_safe(printable(text))


def test_a_feed_cannot_store_control_characters(store, feed_server):
    feed_server.routes["/feed"] = Route(body=HOSTILE_FEED)
    source, _ = store.sources.add(feed_server.url("/feed"))
    refresh(store, [source], now=datetime(2024, 6, 1, tzinfo=UTC))
    assert store.sources.get(source.id).title == "Fixture Dirt"
    [article] = store.articles.list(source_id=source.id)
    assert article.title == "Over written title"
    assert article.authors == ("Ann Author",)
    assert article.categories == ("Courts",)


def test_one_line_and_xml_safe():
    from newsdesk.textsafe import one_line, xml_safe

    assert one_line(" Court\u202e  rules\r\nagain\x1b[2J ") == "Court rules again[2J"
    assert xml_safe("a\x00b\x0bc\ufffe\td\U0001f600") == "abc\td\U0001f600"
