"""Hostile input to the CLI ends in one sentence, never a traceback or a hang."""

from tests.e2e.test_cli import run
from tests.feedserver import Route


def test_adding_a_hostile_page_says_it_has_no_feed(tmp_path, feed_server):
    feed_server.routes["/cdata"] = Route(body=b"x<![ y", content_type="text/html")
    feed_server.routes["/deep"] = Route(body=b"<html><head>" + b"<a" * 100_000,
                                        content_type="text/html")
    for path in ("/cdata", "/deep"):
        proc = run(tmp_path / "h.db", "sources", "add", feed_server.url(path), check=False)
        assert proc.returncode == 1
        assert proc.stderr == f"Error: {feed_server.url(path)} is a web page that advertises no feed.\n"


def test_importing_deeply_nested_opml_is_one_clear_error(tmp_path):
    opml = tmp_path / "deep.opml"
    opml.write_bytes(b'<opml version="2.0"><body>' + b'<outline text="f">' * 5000
                     + b'<outline text="x" xmlUrl="https://x.example/feed"/>'
                     + b"</outline>" * 5000 + b"</body></opml>")
    proc = run(tmp_path / "h.db", "sources", "import", str(opml), check=False)
    assert proc.returncode == 1
    assert proc.stderr == ("Error: The OPML file nests folders more than 256 deep; "
                           "NewsDesk does not read it.\n")
    assert "No sources yet" in run(tmp_path / "h.db", "sources", "list").stdout
