"""OPML reading and writing (formats.opml), feed discovery (ingest.discover), the defaults."""

import pytest

from newsdesk.errors import OPMLError
from newsdesk.formats.opml import MAX_OPML_DEPTH, OutlineFeed, export_opml, parse_opml
from newsdesk.ingest.discover import MAX_DISCOVERED, MAX_DISCOVERY_BYTES, discover_feeds
from newsdesk.models import Source
from newsdesk.services.sources import default_feeds
from tests.conftest import fixture_bytes
from tests.feedserver import Route

NESTED = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>x</title></head><body>
  <outline text="News" customAttr="ignored">
    <outline text="Tech">
      <outline type="rss" text="Ars" xmlUrl="https://feeds.arstechnica.com/arstechnica/index" htmlUrl="https://arstechnica.com/"/>
    </outline>
    <outline type="rss" title="BBC" xmlurl="https://feeds.bbci.co.uk/news/rss.xml"/>
  </outline>
  <outline type="rss" text="Top level" xmlUrl="https://top.example/feed"/>
  <outline type="rss" text="Duplicate" xmlUrl="https://top.example/feed"/>
  <outline type="rss" text="Not http" xmlUrl="file:///etc/passwd"/>
</body></opml>"""


def test_nested_opml():
    feeds = parse_opml(NESTED)
    assert [(f.title, f.folder) for f in feeds] == [
        ("Ars", "News/Tech"), ("BBC", "News"), ("Top level", "")]
    assert feeds[0].site_url == "https://arstechnica.com/"


@pytest.mark.parametrize("bad", [
    b"", b"<opml><body>", b"<html><body></body></html>", b"<opml version='2.0'><head/></opml>",
])
def test_malformed_opml_is_a_clear_error(bad):
    with pytest.raises(OPMLError):
        parse_opml(bad)


def test_entity_expansion_bomb_is_refused():
    entities = "".join(
        f'<!ENTITY a{i + 1} "{(f"&a{i};" if i else "&a;") * 10}">' for i in range(9))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">{entities}]>'
            '<opml><body><outline text="&a9;" xmlUrl="https://x.example/"/></body></opml>')
    with pytest.raises(OPMLError, match="not well-formed"):
        parse_opml(bomb.encode())


def test_export_round_trips():
    sources = [
        Source(id=1, url="https://a.example/feed", title="A & Co", folder="News/Tech",
               site_url="https://a.example/"),
        Source(id=2, url="https://b.example/feed", title="B", folder=""),
        Source(id=3, url="https://sample.example/feed", title="Sample", kind="sample"),
    ]
    again = parse_opml(export_opml(sources).encode())
    assert [(f.url, f.title, f.folder) for f in again] == [
        ("https://a.example/feed", "A & Co", "News/Tech"), ("https://b.example/feed", "B", "")]


def test_defaults_cover_the_named_outlets():
    titles = " ".join(f.title for f in default_feeds())
    for outlet in ("Techdirt", "Ars Technica", "EFF", "The Verge", "Wired", "The Register",
                   "TechCrunch", "Guardian", "BBC"):
        assert outlet in titles
    assert all(f.folder for f in default_feeds())


def test_discovery_skips_comment_feeds_and_resolves():
    found = discover_feeds(fixture_bytes("page_with_feeds.html"), "https://site.example/blog/")
    assert [(f.url, f.kind) for f in found] == [
        ("https://site.example/feed.xml", "RSS"), ("https://site.example/feed.json", "JSON Feed")]


RSS_LINK = '<link rel="alternate" type="application/rss+xml" href="/{}">'


@pytest.mark.parametrize("page", [
    b"x<![ y", b"", b"<", b"<link", b"<link href='http://[::1' rel=alternate type=text/xml>",
    b"\xff\xfe\x00\x00garbage", b"<!--" + RSS_LINK.format("hidden").encode(), "<link>"])
def test_discovery_of_junk_finds_nothing_and_never_raises(page):
    assert discover_feeds(page, "https://site.example/") == []


def _timed(page, base="https://site.example/"):
    import time

    started = time.perf_counter()
    found = discover_feeds(page, base)
    return found, time.perf_counter() - started


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


def _nested(depth: int) -> bytes:
    return (b'<opml version="2.0"><body>' + b'<outline text="f">' * depth
            + b'<outline text="deep" xmlUrl="https://deep.example/feed"/>'
            + b"</outline>" * depth + b"</body></opml>")


def test_deep_nesting_is_a_clear_error_not_a_crash():
    with pytest.raises(OPMLError, match=f"more than {MAX_OPML_DEPTH} deep"):
        parse_opml(_nested(100_000))
    [feed] = parse_opml(_nested(MAX_OPML_DEPTH - 1))
    assert feed.folder == "/".join(["f"] * (MAX_OPML_DEPTH - 1))


def test_a_deep_folder_exports_without_recursion():
    folder = "/".join(f"f{i}" for i in range(5000))
    text = export_opml([Source(id=1, url="https://a.example/feed", title="A", folder=folder)])
    assert text.count("<outline text=") == 5000 and text.count("</outline>") == 5000


def test_external_entities_are_refused_and_never_fetched(feed_server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    feed_server.routes["/x.dtd"] = Route(body=b'<!ENTITY e "from the dtd">', content_type="text/xml")
    general = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
               '<opml><body><outline text="&e;" xmlUrl="https://x.example/"/></body></opml>')
    with pytest.raises(OPMLError, match="not well-formed"):
        parse_opml(general.encode())
    parameter = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "{feed_server.url("/x.dtd")}">'
                 ' %p;]><opml><body><outline text="&e;" xmlUrl="https://x.example/"/></body></opml>')
    assert [f.title for f in parse_opml(parameter.encode())] == [""]
    assert feed_server.requests == []


def test_imported_titles_and_folders_lose_control_characters():
    opml = ('<opml><body><outline text="Ne&#x202E;ws&#x200B;">'
            '<outline text="A&#9;&#10;B&#x85;C" xmlUrl="https://a.example/f&#x200F;"/>'
            '</outline><outline text="bad" xmlUrl="https://[oops"/></body></opml>')
    assert parse_opml(opml) == [OutlineFeed(url="https://a.example/f", title="A B C", folder="News")]


def test_export_writes_only_what_xml_can_carry():
    source = Source(id=1, url="https://a.example/f\x00", title="T\x1b[2J\ufffe\ud800x",
                    folder="F\x01/G")
    text = export_opml([source], title="Mine\x00 & <co>")
    assert "<title>Mine &amp; &lt;co&gt;</title>" in text
    assert parse_opml(text.encode()) == [
        OutlineFeed(url="https://a.example/f", title="T[2Jx", folder="F/G")]
