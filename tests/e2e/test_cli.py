"""The CLI as a user runs it: a real process against a real loopback server."""

import json
import os
import re
import subprocess
import sys

import pytest

from newsdesk.store import open_store
from tests.conftest import fixture_bytes
from tests.feedserver import Route


def run(db, *args, check=True, input=None):
    """`newsdesk --db DB ARGS...` as a process; `input`: its standard input (text)."""
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.run([sys.executable, "-m", "newsdesk", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=60, check=False,
                          input=input)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def served(feed_server):
    feed_server.routes["/dirt.xml"] = Route(body=fixture_bytes("rss20.xml"), etag='"d1"')
    feed_server.routes["/atom.xml"] = Route(body=fixture_bytes("atom10.xml"),
                                            content_type="application/atom+xml",
                                            last_modified="Tue, 02 Apr 2024 10:00:00 GMT")
    feed_server.routes["/json"] = Route(body=fixture_bytes("jsonfeed11.json"), etag='"j1"',
                                        content_type="application/feed+json", gzip=True)
    return feed_server


def test_import_fetch_twice_and_list(tmp_path, served):
    db = tmp_path / "e2e.db"
    opml = tmp_path / "subs.opml"
    opml.write_text(f"""<?xml version="1.0"?><opml version="2.0"><body>
      <outline text="Policy"><outline text="Dirt" xmlUrl="{served.url('/dirt.xml')}"/>
        <outline text="Atom" xmlUrl="{served.url('/atom.xml')}"/></outline>
      <outline text="JSON" xmlUrl="{served.url('/json')}"/>
    </body></opml>""")
    out = run(db, "sources", "import", str(opml)).stdout
    assert "Imported 3 new sources" in out

    first = run(db, "fetch").stdout
    assert "Fetched 3 sources" in first and "6 new" in first and "0 failed" in first
    second = run(db, "fetch", "--all").stdout
    assert "0 new" in second and "3 unchanged" in second
    assert len(served.requests) == 6
    assert all(r.headers.get("if-none-match") or r.headers.get("if-modified-since")
               for r in served.requests[3:])

    lines = run(db, "articles", "--json").stdout.splitlines()
    articles = [json.loads(line) for line in lines]
    assert len(articles) == 6
    keys = {"id", "source", "source_url", "url", "title", "author", "published", "text", "html",
            "categories"}
    assert all(keys <= set(a) for a in articles)
    dirt = next(a for a in articles if a["title"].startswith("Court Says"))
    assert dirt["source"] == "Dirt"
    assert dirt["source_url"] == served.url("/dirt.xml")
    assert dirt["published"] == "2014-07-31T18:12:00Z"
    assert dirt["author"] == "Mike Example"
    assert dirt["categories"] == ["Privacy", "Courts"]
    assert "utm_" not in dirt["url"]

    hits = [json.loads(x) for x in run(db, "search", "Verizon", "--json").stdout.splitlines()]
    assert [h["title"] for h in hits] == ["Verizon and Apple back Microsoft"]
    since = run(db, "articles", "--since", "2024-01-01", "--json").stdout.splitlines()
    assert len(since) == 3  # two Atom entries (one future-dated, clamped) + an undated item
    topic = run(db, "articles", "--topic", "privacy and surveillance").stdout
    assert "Court Says Emails Stored Abroad" in topic

    exported = run(db, "sources", "export").stdout
    assert exported.count("xmlUrl=") == 3 and 'text="Policy"' in exported
    listing = run(db, "sources", "list", "--json").stdout.splitlines()
    assert {json.loads(x)["folder"] for x in listing} == {"Policy", ""}


def test_failures_are_reported_not_raised(tmp_path, served):
    db = tmp_path / "e2e.db"
    served.routes["/gone"] = Route(status=410)
    run(db, "sources", "import", "/dev/null", check=False)
    for path in ("/dirt.xml", "/gone"):
        opml = tmp_path / "one.opml"
        opml.write_text(f'<opml><body><outline text="x" xmlUrl="{served.url(path)}"/></body></opml>')
        run(db, "sources", "import", str(opml))
    out = run(db, "fetch").stdout
    assert "1 failed" in out and "410" in out


@pytest.mark.parametrize(("args", "message", "code"), [
    (["fetchh"], "No such command", 2),
    (["articles", "--since", "last tuesday"], "is not a date", 2),
    (["articles", "--source", "99"], "no source with id 99", 1),
    (["search", '"unbalanced'], "search query is not valid", 1),
    (["topics", "add", "Bad", "AND OR"], "search query is not valid", 1),
    (["topics", "remove", "Nope"], "no topic named", 1),
    (["sources", "import", "/no/such/file.opml"], "Cannot read", 1),
    (["sources", "remove", "42", "--yes"], "no source with id 42", 1),
    (["sources", "add", "ftp://example.com/feed"], "not a web address", 1),
])
def test_user_mistakes_get_a_sentence(tmp_path, args, message, code):
    open_store(tmp_path / "e2e.db").close()  # reading commands refuse a missing database
    proc = run(tmp_path / "e2e.db", *args, check=False)
    assert proc.returncode == code
    assert message.lower() in proc.stderr.lower()


def test_malformed_opml(tmp_path):
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body><outline")
    proc = run(tmp_path / "e2e.db", "sources", "import", str(bad), check=False)
    assert proc.returncode == 1 and "not well-formed" in proc.stderr


def test_database_that_is_not_one(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 200)
    proc = run(junk, "articles", check=False)
    assert proc.returncode == 1 and "not a NewsDesk database" in proc.stderr
    assert junk.read_bytes() == b"not a database" * 200


def test_sample_loads_offline(tmp_path):
    db = tmp_path / "e2e.db"
    out = run(db, "sample").stdout
    assert "sample outlets" in out
    again = run(db, "sample").stdout
    assert " 0 new" in again
    articles = [json.loads(x) for x in run(db, "articles", "--json").stdout.splitlines()]
    assert len(articles) == 43  # the fixed sample corpus
    assert len({a["source"] for a in articles}) == 7
    assert all("(sample)" in a["source"].lower() for a in articles)
    assert "Nothing is due" in run(db, "fetch").stdout  # samples are never fetched


def test_help_for_every_command(tmp_path):
    from newsdesk.cli import cli

    def walk(group, prefix):
        for name, command in group.commands.items():
            assert command.help, f"{prefix} {name} has no help text"
            if hasattr(command, "commands"):
                walk(command, f"{prefix} {name}")
    walk(cli, "newsdesk")
    assert "Usage" in run(tmp_path / "x.db", "--help").stdout


def test_cluster_streams_jsonl_without_a_database(tmp_path):
    source = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "title": "Harlow dam floodgates opened", "text": "Harlow dam Millbrook rain",
         "date": "2026-03-02T09:00:00Z", "source": "Wire"},
        {"id": "b", "title": "Millbrook evacuates as Harlow dam opens floodgates",
         "text": "Harlow dam Millbrook rain evacuation", "date": "2026-03-02T11:00:00+00:00",
         "source": "Ledger"},
        {"id": "c", "title": "Senate passes renters tax credit", "text": "Brennan tax credit",
         "date": "2026-03-02T12:00:00Z", "source": "Wire"},
    ]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    target = tmp_path / "out.jsonl"
    run(tmp_path / "unused.db", "cluster", str(source), str(target))
    out = [json.loads(line) for line in target.read_text().splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert out[0]["cluster"] == out[1]["cluster"] != out[2]["cluster"]
    assert not (tmp_path / "unused.db").exists()


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "Line 1"), ('{"id": "x", "title": "t", "text": "t"}', "missing field 'date'"),
    ('{"id": "x", "date": "soon", "title": "", "text": ""}', "is not ISO 8601"),
])
def test_cluster_reports_bad_lines(tmp_path, line, message):
    source = tmp_path / "in.jsonl"
    source.write_text(line + "\n")
    proc = run(tmp_path / "x.db", "cluster", str(source), str(tmp_path / "out.jsonl"), check=False)
    assert proc.returncode == 1 and message in proc.stderr


def test_stories_command(tmp_path):
    db = tmp_path / "e2e.db"
    run(db, "sample")
    lines = run(db, "stories", "--json", "--min-outlets", "3").stdout.splitlines()
    stories = [json.loads(x) for x in lines]
    assert len(stories) == 8  # the sample's eight events that three or more outlets cover
    assert all(len(s["outlets"]) >= 3 and len(s["article_ids"]) == s["size"] for s in stories)
    assert "outlets" in run(db, "stories").stdout


def test_compare_story_report(tmp_path):
    db = tmp_path / "e2e.db"
    run(db, "sample")
    story = json.loads(run(db, "stories", "--json", "--min-outlets", "5").stdout.splitlines()[0])
    report = run(db, "compare", str(story["id"])).stdout
    assert report.startswith("# ") and "## Timeline" in report
    assert "Global Dispatch Wire (sample)** (first)" in report
    out = tmp_path / "c.json"
    run(db, "compare", str(story["id"]), "--format", "json", "--output", str(out))
    data = json.loads(out.read_text())
    assert len(data["outlets"]) == 5 and data["timeline"][0]["hours_after_first"] == 0
    page = tmp_path / "c.html"
    run(db, "compare", str(story["id"]), "--format", "html", "--output", str(page))
    text = page.read_text()
    assert text.startswith("<!doctype html>") and text.count("<svg") == 2
    assert re.search(r'<a href="https://[\w.-]+\.example/[^"]+">', text)  # headlines link out
    missing = run(db, "compare", "9999", check=False)
    assert missing.returncode == 1 and "no story with id 9999" in missing.stderr
    bad = run(db, "compare", str(story["id"]), "--format", "pdf", check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


BIG = "99999999999999999999"
RANGE = "is out of range: use a whole number from 1 to 9,223,372,036,854,775,807."
SINCE_HELP = "use a date like 2024-05-01 or 2024-05-01T12:00Z, or a span like 3d, 12h or 2w."


@pytest.mark.parametrize(("args", "sentence"), [
    (["articles", "--limit", BIG], f"Invalid value for '--limit': {BIG} {RANGE}"),
    (["articles", "--source", BIG], f"Invalid value for '--source': {BIG} {RANGE}"),
    (["search", "x", "--limit", BIG], f"Invalid value for '--limit': {BIG} {RANGE}"),
    (["compare", BIG], f"Invalid value for 'STORY_ID': {BIG} {RANGE}"),
    (["sources", "remove", "9999999999999999999999", "--yes"],
     f"Invalid value for 'SOURCE_ID': 9999999999999999999999 {RANGE}"),
    (["fetch", "--source", BIG], f"Invalid value for '--source': {BIG} {RANGE}"),
    (["stories", "--limit", BIG], f"Invalid value for '--limit': {BIG} {RANGE}"),
    (["stories", "--min-outlets", BIG], f"Invalid value for '--min-outlets': {BIG} {RANGE}"),
    (["articles", "--limit", "0"], f"Invalid value for '--limit': 0 {RANGE}"),
    (["articles", "--limit", "ten"], "Invalid value for '--limit': 'ten' is not a whole number."),
    (["fetch", "--concurrency", "500"],
     "Invalid value for '--concurrency': 500 is out of range: use a whole number from 1 to 128."),
    (["articles", "--since", "99999999d"],
     f"Invalid value for '--since': 99999999d reaches back before the year 1: {SINCE_HELP}"),
    (["stories", "--since", "99999999999999999999999w"],
     "Invalid value for '--since': 99999999999999999999999w reaches back before the year 1: "
     f"{SINCE_HELP}"),
    (["articles", "--since", "9999-12-31T23:59:59-05:00"],
     "Invalid value for '--since': 9999-12-31T23:59:59-05:00 is outside the dates NewsDesk can "
     f"store: {SINCE_HELP}"),
    (["articles", "--since", "last tuesday"],
     f"Invalid value for '--since': 'last tuesday' is not a date: {SINCE_HELP}"),
])
def test_absurd_values_get_a_sentence(tmp_path, args, sentence):
    proc = run(tmp_path / "e2e.db", *args, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == f"Error: {sentence}"
    assert "Traceback" not in proc.stdout + proc.stderr


def test_reasonable_values_still_work(tmp_path):
    db = tmp_path / "e2e.db"
    run(db, "sample")
    lines = run(db, "articles", "--since", "100000d", "--limit", "9223372036854775807").stdout
    assert len(lines.splitlines()) == 43
    assert run(db, "articles", "--since", "0001-01-01", "--limit", "2").stdout.count("\n") == 2


def test_input_that_is_not_utf8_gets_a_sentence(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "a"}\n\xff\xfe not text\n')
    proc = run(tmp_path / "x.db", "cluster", str(bad), "-", check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "Error: The input is not UTF-8 text."


def test_a_closed_pipe_ends_quietly_with_success(tmp_path):
    db = tmp_path / "e2e.db"
    run(db, "sample")
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    with subprocess.Popen([sys.executable, "-m", "newsdesk", "--db", str(db), "articles",
                           "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.read(10)  # like `| head -c 10`: read a little, then hang up
        proc.stdout.close()
        errors = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 0
    assert errors == ""


def test_topics_rename_keeps_the_topic_on_a_bad_query(tmp_path):
    db = tmp_path / "e2e.db"
    run(db, "topics", "add", "Courts", "court OR judge")
    proc = run(db, "topics", "rename", "Courts", "Tribunals", "--query", "AND OR", check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == ("Error: The search query is not valid: in 'AND OR', AND at "
                                   "position 1 needs something before it.")
    assert "Courts\n    court OR judge\n" in run(db, "topics", "list").stdout
    out = run(db, "topics", "rename", "Courts", "Tribunals", "--query", "tribunal").stdout
    assert out == "Renamed topic 'Courts' to 'Tribunals'; its query is now 'tribunal'.\n"
    listed = run(db, "topics", "list").stdout
    assert "Tribunals\n    tribunal\n" in listed and "Courts" not in listed
    assert run(db, "topics", "rename", "Tribunals", "Courts").stdout == (
        "Renamed topic 'Tribunals' to 'Courts'.\n")
