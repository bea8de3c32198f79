import pytest

from newsdesk.errors import OPMLError
from newsdesk.models import Source
from newsdesk.sources import default_feeds, discover_feeds, export_opml, parse_opml
from tests.conftest import fixture_bytes

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
