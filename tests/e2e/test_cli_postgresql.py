"""The CLI on a team's PostgreSQL store: the same commands give what they give on SQLite
(`--db postgresql://...`), against the tests' own server (tests/pgserver.py)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import fixture_bytes
from tests.e2e.test_cli import run
from tests.feedserver import FeedServer, Route


def _json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def _same_on_both(sqlite_db: object, pg_url: str, *args: str) -> str:
    here, there = run(sqlite_db, *args).stdout, run(pg_url, *args).stdout
    assert there == here, args
    return here


def test_the_sample_reads_the_same_on_postgresql(tmp_path, pg_url):
    db = tmp_path / "e2e.db"
    for where in (db, pg_url):
        assert "sample outlets" in run(where, "sample").stdout
    articles = _json_lines(_same_on_both(db, pg_url, "articles", "--json"))
    assert len(articles) == 43
    stories = _json_lines(_same_on_both(db, pg_url, "stories", "--json", "--min-outlets", "3"))
    assert len(stories) == 8
    _same_on_both(db, pg_url, "storylines", "--json")
    _same_on_both(db, pg_url, "compare", str(stories[0]["id"]))
    _same_on_both(db, pg_url, "stories", "explain", str(stories[0]["id"]))
    def sources(where: object) -> list[dict[str, object]]:  # less when each was added
        return [{k: v for k, v in s.items() if not str(v).endswith("Z")}
                for s in _json_lines(run(where, "sources", "list", "--json").stdout)]
    assert sources(pg_url) == sources(db)
    # Search: the same matches; the order within equal ranks may differ (ts_rank, bm25)
    for query in ('"emails stored"', "priv*", "court NOT appeal OR contempt"):
        here = {a["id"] for a in _json_lines(run(db, "search", query, "--json").stdout)}
        there = {a["id"] for a in _json_lines(run(pg_url, "search", query, "--json").stdout)}
        assert there == here and here, query


def test_add_fetch_and_search_on_postgresql(pg_url, feed_server: FeedServer):
    feed_server.routes["/dirt.xml"] = Route(body=fixture_bytes("rss20.xml"), etag='"d1"')
    added = run(pg_url, "sources", "add", feed_server.url("/dirt.xml")).stdout
    assert "(id 1)" in added and " new" in added  # adding fetches it at once
    again = run(pg_url, "fetch", "--all").stdout
    assert "0 new" in again and "1 unchanged" in again
    hits = _json_lines(run(pg_url, "search", "warrant", "--json").stdout)
    assert [h["title"] for h in hits] == [
        "Court Says Emails Stored Abroad Are Still Reachable & Microsoft Objects"]


@pytest.mark.parametrize("args", [["articles"], ["stories"], ["topics", "list"]])
def test_a_reading_command_on_an_empty_postgresql_database_creates_nothing(pg_url, args):
    proc = run(pg_url, *args, check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"Error: There is no NewsDesk database at {pg_url}; "
                                  "nothing was created.")
