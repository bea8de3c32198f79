"""OPML reading and writing (formats.opml): folders, hostile files, a round trip."""

import pytest

from newsdesk.errors import OPMLError
from newsdesk.formats.opml import MAX_OPML_DEPTH, OutlineFeed, export_opml, parse_opml
from newsdesk.models import Source
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
