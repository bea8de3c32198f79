"""Feed discovery (ingest.discover): finds feeds a page declares, in linear time, never raising."""

import pytest

from newsdesk.ingest.discover import MAX_DISCOVERED, MAX_DISCOVERY_BYTES, discover_feeds
from tests.conftest import fixture_bytes

RSS_LINK = '<link rel="alternate" type="application/rss+xml" href="/{}">'


def _timed(page, base="https://site.example/"):
    import time

    started = time.perf_counter()
    found = discover_feeds(page, base)
    return found, time.perf_counter() - started


def test_discovery_skips_comment_feeds_and_resolves():
    found = discover_feeds(fixture_bytes("page_with_feeds.html"), "https://site.example/blog/")
    assert [(f.url, f.kind) for f in found] == [
        ("https://site.example/feed.xml", "RSS"), ("https://site.example/feed.json", "JSON Feed")]


@pytest.mark.parametrize("page", [
    b"x<![ y", b"", b"<", b"<link", b"<link href='http://[::1' rel=alternate type=text/xml>",
    b"\xff\xfe\x00\x00garbage", b"<!--" + RSS_LINK.format("hidden").encode(), "<link>"])
def test_discovery_of_junk_finds_nothing_and_never_raises(page):
    assert discover_feeds(page, "https://site.example/") == []


@pytest.mark.parametrize("unit", [b"<a", b"<link", b"<link title=\"", b"<link a='a=\"",
                                  b"<!--", b"<script>", b"<base ", b"<link a "])
def test_hostile_pages_are_scanned_in_linear_time(unit):
    # html.parser took 103 s for 320 KB of "<a"; these are 100_000 units and a 10 MiB page.
    for page in (unit * 100_000, unit * (10 * 1024 * 1024 // len(unit))):
        found, seconds = _timed(page + RSS_LINK.format("feed").encode())
        beyond = len(page) >= MAX_DISCOVERY_BYTES or unit in (b"<!--", b"<script>")
        assert [f.url for f in found] == ([] if beyond else ["https://site.example/feed"])
        assert seconds < 5


def test_an_invalid_base_is_ignored():
    page = "<base href='http://[::1'>" + RSS_LINK.format("f")
    assert [f.url for f in discover_feeds(page, "https://site.example/")] == [
        "https://site.example/f"]


def test_only_the_first_512_kib_is_read():
    filler = b"<p>" + b"x" * (MAX_DISCOVERY_BYTES - 200) + b"</p>"
    early = RSS_LINK.format("early").encode()
    late = RSS_LINK.format("late").encode()
    found = discover_feeds(early + filler + b"x" * 300 + late, "https://site.example/")
    assert [f.url for f in found] == ["https://site.example/early"]
    found = discover_feeds(filler + early, "https://site.example/")
    assert [f.url for f in found] == ["https://site.example/early"]


def test_discovery_reads_attributes_like_a_browser():
    page = """<html><head>
    <base href="https://cdn.example/sub/">
    <!-- <link rel="alternate" type="application/rss+xml" href="/commented"> -->
    <script>var s = '<link rel="alternate" type="application/rss+xml" href="/scripted">';</script>
    <LINK REL='Alternate Home' TYPE='application/atom+xml; charset=utf-8' HREF='atom.xml'
          TITLE='Caf&eacute; &amp; News\u202e\u200b'>
    <link rel=alternate type=application/rss+xml href=/rss title=Plain>
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="alternate" type="text/html" href="/not-a-feed">
    <link rel="alternate" type="application/rss+xml" href="/rss">
    </head><body></body></html>"""
    found = discover_feeds(page, "https://site.example/blog/")
    assert [(f.url, f.title, f.kind) for f in found] == [
        ("https://cdn.example/sub/atom.xml", "Café & News", "Atom"),
        ("https://cdn.example/rss", "Plain", "RSS")]


def test_discovery_follows_the_declared_charset():
    page = ('<meta charset="windows-1252"><link rel="alternate" type="application/rss+xml" '
            'href="/f" title="Caf\u00e9 \u2013 News">').encode("cp1252")
    assert [f.title for f in discover_feeds(page, "https://site.example/")] == ["Café – News"]
    utf8 = ('<link rel="alternate" type="application/rss+xml" href="/f" title="日本">').encode()
    assert [f.title for f in discover_feeds(utf8, "https://site.example/")] == ["日本"]


@pytest.mark.parametrize("codec", ["base64", "hex", "rot13", "zlib"])
def test_a_charset_that_is_no_text_encoding_reads_as_utf8(codec):
    page = (f'<meta charset="{codec}"><link rel="alternate" type="application/rss+xml" '
            'href="/f" title="News">').encode()
    assert [f.title for f in discover_feeds(page, "https://site.example/")] == ["News"]


def test_discovery_stops_at_a_bounded_number_of_feeds():
    page = "".join(RSS_LINK.format(i) for i in range(1000))
    found = discover_feeds(page, "https://site.example/")
    assert len(found) == MAX_DISCOVERED and found[-1].url == f"https://site.example/{MAX_DISCOVERED - 1}"
