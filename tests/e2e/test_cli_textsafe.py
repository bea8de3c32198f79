"""Text stored by an older version (before titles were cleaned) still prints safely."""

import re
import sqlite3

from newsdesk.store import open_store
from tests.conftest import fixture_bytes
from tests.e2e.test_cli import run
from tests.feedserver import Route

HOSTILE = "Evil\x1b[2J\x1b[H\rFake line\nnext\u202eesrever\u200b\x07"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def test_printed_lines_carry_no_control_characters(tmp_path, feed_server):
    feed_server.routes["/dirt.xml"] = Route(body=fixture_bytes("rss20.xml"))
    db = tmp_path / "old.db"
    with open_store(db) as store:
        store.sources.add(feed_server.url("/dirt.xml"), title=HOSTILE)
    run(db, "fetch")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET title = ?", [HOSTILE])

    for args in (["articles"], ["sources", "list"], ["stories"]):
        out = run(db, *args).stdout
        assert not UNSAFE.search(out), (args, out)
    articles = run(db, "articles").stdout.splitlines()
    assert len(articles) == 2
    assert all(line.endswith("Evil[2J[H Fake line nextesrever") for line in articles)
    listing = run(db, "sources", "list").stdout.splitlines()
    assert listing[0].endswith("Evil[2J[H Fake line nextesrever  (2 articles)")
    assert listing[1] == f"      {feed_server.url('/dirt.xml')}"
