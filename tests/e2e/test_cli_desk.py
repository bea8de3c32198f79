"""The coverage desk from the command line: real processes against feeds on a loopback
server, two databases built from the same feeds (their article ids differ), refetches
that change an article, and re-grouping."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from newsdesk.services.annotations import article_annotations, tag_articles
from newsdesk.services.stories import update_stories
from newsdesk.store import open_store
from tests.feedserver import FeedServer, Route

WHEN = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)


class _AnyTime:
    """Equal to any time the --json contract writes (UTC to the second)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and len(other) == 20 and other.endswith("Z")


ANY_TIME = _AnyTime()

# Three events, each told by both outlets in their own words.
EVENTS = [
    ("Harbour council bans face recognition cameras",
     "The harbour council voted on Tuesday to ban police from using face recognition cameras "
     "in public spaces, after months of protests by privacy groups and local residents who "
     "said the cameras misidentified people. The mayor said the ban would be reviewed in "
     "two years."),
    ("Court fines Quarry Mobile over app store payments",
     "A court fined Quarry Mobile 1.2 billion for forcing app developers to use its own "
     "payment system in the app store, ruling that the rules harmed competition and raised "
     "prices for consumers. Quarry Mobile said it would appeal the app store ruling."),
    ("Hospital network diverts ambulances after cyberattack",
     "A cyberattack on the Westmere hospital network forced it to divert ambulances to other "
     "cities on Monday, as staff went back to paper records while engineers restored the "
     "systems. The hospital network said patient data may have been copied."),
]


def rss(outlet: str, site: str, *, changed: str = "") -> bytes:
    """A feed of the three events as `outlet` tells them (`changed`: a sentence its first
    article gains at the top, as an outlet's correction)."""
    items = []
    for n, (title, text) in enumerate(EVENTS):
        body = (changed + " " if changed and n == 0 else "") + text
        if outlet != "Alpha":
            body = f"{outlet} reports: {body}"
        items.append(f"""<item><title>{escape(title)}</title>
          <link>{site}/{n}</link><guid isPermaLink="false">{outlet}-{n}</guid>
          <pubDate>{format_datetime(WHEN + timedelta(hours=n, minutes=len(outlet)))}</pubDate>
          <description>{escape(body)}</description></item>""")
    return (f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
      <title>{outlet}</title><link>{site}/</link>{''.join(items)}</channel></rss>""").encode()


def run(db: Path, *args: str, check: bool = True, editor: str | None = "alice",
        env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.getcwd(),
           "NEWSDESK_CONFIG": str(db.parent / "settings.json")}
    env.pop("NEWSDESK_EDITOR", None)
    env.update(env_extra or {})
    editor_args = ["--editor", editor] if editor is not None else []
    proc = subprocess.run([sys.executable, "-m", "newsdesk", "--db", str(db), *editor_args,
                           *args], capture_output=True, text=True, env=env, timeout=60,
                          check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def serve(server: FeedServer, *, changed: str = "") -> list[str]:
    urls = []
    for outlet in ("Alpha", "Beta"):
        site = f"https://{outlet.lower()}.example/news"
        server.routes[f"/{outlet}.xml"] = Route(body=rss(outlet, site, changed=changed))
        urls.append(server.url(f"/{outlet}.xml"))
    return urls


def build(db: Path, urls: list[str]) -> None:
    for url in urls:
        run(db, "sources", "add", url)
    run(db, "stories")  # groups what is not grouped yet


def articles(db: Path, *args: str) -> list[dict]:
    return [json.loads(line) for line in run(db, "articles", "--json", *args).stdout.splitlines()]


def by_url(db: Path) -> dict[str, dict]:
    return {a["url"]: a for a in articles(db)}


def portable(db: Path) -> list[tuple]:
    """What editors said, by article URL: comparable between databases."""
    said = []
    for a in articles(db):
        said += [("tag", a["url"], t) for t in a["tags"]]
        said += [("story_tag", a["url"], t) for t in a["story_tags"]]
        said += [("note", a["url"], n["id"], n["editor"], n["text"], n["quote"], n["created"],
                  n["target"]) for n in a["notes"]]
        said += [("code", a["url"], book, c["editor"], c["value"], c["created"])
                 for book, codes in a["codes"].items() for c in codes]
    return sorted(said)


def dump(db: Path) -> list[str]:
    """Every row of the database as SQL text: to show a refused command changed nothing."""
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def copy_db(source: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")
    return target


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """Two databases built once from the same feeds, the second following them in the
    other order (so its source ids, and so its article ids, differ); tests get copies."""
    folder = tmp_path_factory.mktemp("desk")
    server = FeedServer().start()
    try:
        feeds = serve(server)
        build(folder / "a.db", feeds)
        build(folder / "b.db", list(reversed(feeds)))
    finally:
        server.stop()
    yield folder / "a.db", folder / "b.db"


@pytest.fixture
def db(tmp_path: Path, templates: tuple[Path, Path]) -> Path:
    return copy_db(templates[0], tmp_path / "a.db")


@pytest.fixture
def db_b(tmp_path: Path, templates: tuple[Path, Path]) -> Path:
    return copy_db(templates[1], tmp_path / "b.db")


def test_tag_note_code_and_read_them_back(db):
    rows = sorted(articles(db), key=lambda a: a["url"])
    first, second = rows[0], rows[1]
    assert all(a["tags"] == [] and a["notes"] == [] and a["codes"] == {} for a in rows)
    out = run(db, "tag", f"{first['id']},{second['id']}", "face-recognition", "Harbour").stdout
    assert out.strip() == "Tagged 2 articles with face-recognition, Harbour."
    run(db, "tag", first["id"], "harbour", editor="bob")  # another spelling: the same tag
    quote = "misidentified people"
    out = run(db, "note", first["id"], "Check this claim.", "--quote", quote).stdout
    assert out.startswith("Added a highlight") and "Note id: " in out
    run(db, "code", first["id"], "coverage", "critical")
    run(db, "code", first["id"], "Coverage", "3", editor="bob")
    run(db, "code", second["id"], "coverage", "critical", editor="bob")
    run(db, "code", second["id"], "coverage", "critical")

    seen = {a["id"]: a for a in articles(db)}
    one = seen[first["id"]]
    assert one["tags"] == ["face-recognition", "Harbour"]
    assert [(n["editor"], n["text"], n["quote"]) for n in one["notes"]] == [
        ("alice", "Check this claim.", quote)]
    assert one["notes"][0]["created"].endswith("Z")
    assert one["codes"] == {"Coverage": [
        {"editor": "alice", "value": "critical", "created": one["codes"]["Coverage"][0]["created"]},
        {"editor": "bob", "value": "neutral", "created": one["codes"]["Coverage"][1]["created"]}]}
    tagged = articles(db, "--tag", "HARBOUR")
    assert sorted(a["id"] for a in tagged) == sorted([first["id"], second["id"]])
    assert len(articles(db, "--untagged")) == len(rows) - 2
    listed = run(db, "articles", "--tag", "harbour").stdout
    assert first["title"] in listed and len(listed.splitlines()) == 2

    tags = [json.loads(x) for x in run(db, "tags", "list", "--json").stdout.splitlines()]
    assert tags == [{"name": "face-recognition", "color": "", "articles": 2, "stories": 0},
                    {"name": "Harbour", "color": "", "articles": 2, "stories": 0}]
    assert "Harbour  (2 articles)" in run(db, "tags", "list").stdout
    books = run(db, "codebooks", "list").stdout
    assert "Coverage (built-in)" in books and "   6. wire copy" in books
    assert "Media frames" in books and "  15. Other" in books

    report = json.loads(run(db, "agreement", "coverage", "--json").stdout)
    assert {k: report[k] for k in ("codebook", "units", "coders")} == {
        "codebook": "Coverage", "units": 2, "coders": 2}
    assert report["alpha"] is not None
    assert [d["article_id"] for d in report["disagreements"]] == [first["id"]]
    assert report["disagreements"][0]["title"] == first["title"]
    text = run(db, "agreement", "Coverage").stdout
    assert f"alpha = {report['alpha']:.3f}" in text
    assert first["title"] in text and "alice: critical; bob: neutral" in text


def test_stories_are_tagged_and_noted_with_a_flag(db):
    stories = [json.loads(x) for x in run(db, "stories", "--json").stdout.splitlines()]
    story = next(s for s in stories if s["size"] >= 2)
    out = run(db, "tag", "--story", str(story["id"]), "lead").stdout
    assert out.strip() == f"Tagged story {story['id']} with lead."
    run(db, "note", "--story", str(story["id"]), "Follow up tomorrow.")
    seen = {a["id"]: a for a in articles(db)}
    anchor = seen[story["article_ids"][0]]
    assert anchor["story_tags"] == ["lead"] and anchor["tags"] == []
    assert [(n["text"], n["target"]) for n in anchor["notes"]] == [("Follow up tomorrow.", "story")]
    assert json.loads(run(db, "tags", "list", "--json").stdout)["stories"] == 1
    md = run(db, "export", "--format", "md", "--tag", "lead").stdout
    for article_id in story["article_ids"]:
        assert seen[article_id]["title"] in md
    run(db, "untag", "--story", str(story["id"]), "lead")
    assert all(a["story_tags"] == [] for a in articles(db))


def test_tags_rename_merge_color_remove(db):
    ids = sorted(a["id"] for a in articles(db))
    run(db, "tag", ids[0], "eu")
    run(db, "tag", ids[1], "europe")
    run(db, "tags", "color", "eu", "#1F77B4")
    renamed = json.loads(run(db, "tags", "rename", "eu", "EU", "--json").stdout)
    assert renamed == {"name": "EU", "color": "#1f77b4", "articles": 1, "stories": 0}
    merged = json.loads(run(db, "tags", "merge", "europe", "eu", "--json").stdout)
    assert merged["moved"] == 1 and merged["into"]["articles"] == 2
    assert "Merged 'x' into" not in run(db, "tags", "list").stdout
    assert run(db, "tags", "remove", "eu", "--yes").stdout.strip() == \
        "Removed tag 'EU' (2 assignments)."
    assert run(db, "tags", "list", "--json").stdout == ""


def test_codebooks_add_list_remove(db):
    out = run(db, "codebooks", "add", "Tone", "--values", "warm, cold ,mixed").stdout
    assert out.strip() == "Added codebook 'Tone': warm, cold, mixed."
    assert "Already have" in run(db, "codebooks", "add", "tone", "--values", "warm,cold,mixed").stdout
    listed = [json.loads(x) for x in run(db, "codebooks", "list", "--json").stdout.splitlines()]
    assert [b["name"] for b in listed] == ["Coverage", "Media frames", "Tone"]
    assert listed[2]["values"] == ["warm", "cold", "mixed"]
    some = articles(db)[0]["id"]
    run(db, "code", some, "tone", "2")
    assert [a["codes"] for a in articles(db) if a["id"] == some] == [
        {"Tone": [{"editor": "alice", "value": "cold", "created": ANY_TIME}]}]
    assert run(db, "codebooks", "remove", "Tone", "--yes").stdout.strip() == \
        "Removed codebook 'Tone' and 1 code."


@pytest.mark.parametrize(("args", "message"), [
    (["tag", "no-such-id", "x"], "There is no article with id no-such-id."),
    (["tag", "{first}", "  "], "A tag cannot be empty"),
    (["untag", "no-such-id", "x"], "There is no article with id no-such-id."),
    (["tag", "--story", "abc", "x"], "'abc' is not a story id"),
    (["tag", "--story", "99999", "x"], "There is no story with id 99999."),
    (["note", "no-such-id", "text"], "There is no article with id no-such-id."),
    (["note", "{first}", "text", "--quote", "words that are nowhere"],
     'The passage "words that are nowhere" is not in article {first}.'),
    (["note", "{first}", " "], "A note cannot be empty"),
    (["note", "--story", "1", "t", "--quote", "x"], "A story has no text to quote"),
    (["code", "{first}", "nope", "x"], "There is no codebook named 'nope'"),
    (["code", "{first}", "coverage", "angry"],
     "'angry' is not a value of the codebook 'Coverage': use one of supportive, critical, "
     "neutral, explainer, opinion, wire copy"),
    (["code", "no-such-id", "coverage", "1"], "There is no article with id no-such-id."),
    (["codebooks", "add", "Tone", "--values", "a,,b"], "A codebook value cannot be empty."),
    (["codebooks", "add", "Coverage", "--values", "a,b"], "There is already a codebook named"),
    (["codebooks", "remove", "nope", "--yes"], "There is no codebook named 'nope'"),
    (["tags", "rename", "nope", "x"], "There is no tag named 'nope'."),
    (["tags", "rename", "kept", "other"], "There is already a tag named 'other'"),
    (["tags", "merge", "nope", "x"], "There is no tag named 'nope'."),
    (["tags", "color", "kept", "blue"], "'blue' is not a colour"),
    (["tags", "remove", "nope", "--yes"], "There is no tag named 'nope'."),
    (["agreement", "nope"], "There is no codebook named 'nope'"),
    (["export", "--tag", "nope"], "There is no tag named 'nope'."),
    (["export", "--story", "99999"], "There is no story with id 99999."),
    (["articles", "--tag", "nope"], "There is no tag named 'nope'."),
    (["import", "{bad}"], "Line 2: this is not JSON."),
    (["import", "{missing}"], "Cannot read {missing}: No such file or directory."),
    (["export", "--format", "csv", "--output", "{nowhere}"],
     "Cannot write {nowhere}: No such file or directory."),
    (["import", "{latin}"], "The input is not UTF-8 text."),
    (["--editor", " ", "tag", "{first}", "x"], "The editor name is empty"),
])
def test_bad_input_is_one_sentence_and_changes_nothing(db, tmp_path, args, message):
    with open_store(db) as store:
        first = sorted(a.id for a in store.articles.list())[0]
        tag_articles(store, [first], ["kept", "other"], "alice")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "newsdesk:Tag", "name": "fine", "color": ""}\n{oops\n')
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"type": "newsdesk:Tag", "name": "caf\xe9", "color": ""}\n')
    fill = {"first": first, "bad": str(bad), "missing": str(tmp_path / "missing.jsonl"),
            "latin": str(latin), "nowhere": str(tmp_path / "no-such-folder" / "x.csv")}
    before = dump(db)
    args = [a.format(**fill) for a in args]
    editor = None if args[0] == "--editor" else "alice"
    proc = run(db, *args, check=False, editor=editor)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), proc.stderr
    assert message.format(**fill) in lines[0]
    assert lines[0].endswith("."), lines[0]  # a sentence
    assert dump(db) == before


def test_every_desk_command_has_its_whole_short_help():
    from click.testing import CliRunner

    from newsdesk.cli import cli

    for group in ([], ["tags"], ["codebooks"]):
        out = CliRunner().invoke(cli, [*group, "--help"]).output
        listed = out.split("Commands:", 1)[1].splitlines()
        assert not [line for line in listed if line.rstrip().endswith(("e.g.", "i.e."))], out
    assert "Give a tag a colour (#rrggbb), or none." in CliRunner().invoke(
        cli, ["tags", "--help"]).output


def test_the_editor_comes_from_the_option_env_or_settings(db, tmp_path):
    some = articles(db)[0]["id"]
    settings = tmp_path / "settings.json"
    settings.write_text('{"editor": "from-settings"}')
    run(db, "note", some, "one", editor=None)
    run(db, "note", some, "two", editor=None, env_extra={"NEWSDESK_EDITOR": "from-env"})
    run(db, "note", some, "three", editor="from-option",
        env_extra={"NEWSDESK_EDITOR": "from-env"})
    settings.write_text("{broken")
    proc = run(db, "note", some, "four", editor=None)
    assert "Ignoring the settings file" in proc.stderr
    editors = {n["text"]: n["editor"] for n in articles(db)[0]["notes"]}
    assert editors.pop("four") not in ("", "from-settings")  # the OS user name
    assert editors == {"one": "from-settings", "two": "from-env", "three": "from-option"}


def test_exports_in_every_format(db, tmp_path):
    rows = sorted(articles(db), key=lambda a: a["url"])
    run(db, "tag", rows[0]["id"], "harbour")
    run(db, "note", rows[0]["id"], "A <b>bold</b> claim.", "--quote", "privacy groups")
    run(db, "code", rows[1]["id"], "coverage", "opinion")
    table = list(csv.DictReader(io.StringIO(run(db, "export", "--format", "csv").stdout)))
    assert list(table[0])[:5] == ["url", "outlet", "published", "title", "tags"]
    assert {(r["url"], r["kind"]) for r in table} == {
        (rows[0]["url"], "tag"), (rows[0]["url"], "note"), (rows[1]["url"], "code")}
    assert {r["tags"] for r in table if r["url"] == rows[0]["url"]} == {"harbour"}
    only = list(csv.DictReader(io.StringIO(
        run(db, "export", "--format", "csv", "--tag", "harbour").stdout)))
    assert {r["url"] for r in only} == {rows[0]["url"]}
    assert run(db, "export", "--format", "csv", "--since", "2099-01-01").stdout.count("\n") == 1
    md = run(db, "export", "--format", "md").stdout
    assert rows[0]["title"] in md and "privacy groups" in md and rows[0]["url"] in md
    out = tmp_path / "memo.html"
    assert run(db, "export", "--format", "html", "--output", str(out)).stdout.strip() == \
        f"Wrote {out}."
    html = out.read_text()
    assert "<script" not in html and "A &lt;b&gt;bold&lt;/b&gt; claim." in html
    lines = run(db, "export", "--format", "jsonl").stdout.splitlines()
    assert all(json.loads(x) for x in lines)
    assert any(json.loads(x).get("type") == "Annotation" for x in lines)


def test_an_empty_desk_exports_nothing(db):
    assert run(db, "export", "--format", "jsonl").stdout == ""
    assert run(db, "export", "--format", "csv").stdout.startswith("url,outlet,published,title,tags")
    assert "0 lines; 0 added" in run(db, "import", os.devnull).stdout


def test_round_trip_between_two_databases(tmp_path, db, db_b):
    a, b = db, db_b
    in_a, in_b = by_url(a), by_url(b)
    assert set(in_a) == set(in_b)
    assert not {x["id"] for x in in_a.values()} & {x["id"] for x in in_b.values()}
    urls = sorted(in_a)
    run(a, "tag", in_a[urls[0]]["id"], "harbour", "lead")
    run(a, "code", in_a[urls[0]]["id"], "coverage", "critical")
    run(a, "code", in_a[urls[1]]["id"], "media frames", "Political", editor="bob")
    run(a, "note", in_a[urls[2]]["id"], "Numbers differ.", "--quote", "divert ambulances")
    story = json.loads(run(a, "stories", "--json").stdout.splitlines()[0])
    run(a, "tag", "--story", str(story["id"]), "follow")
    run(a, "tags", "color", "harbour", "#d9822b")
    exported = tmp_path / "desk.jsonl"
    run(a, "export", "--format", "jsonl", "--output", str(exported))
    count = sum(1 for x in exported.read_text().splitlines()
                if json.loads(x)["type"] == "Annotation")

    out = run(b, "import", str(exported)).stdout
    assert f"{count} added, 0 unchanged, 0 unmatched (on 0 articles not in this database)" \
        in out and "0 conflicts" in out
    assert portable(b) == portable(a)
    on_b = by_url(b)[urls[0]]
    assert on_b["id"] == in_b[urls[0]]["id"] and on_b["tags"] == ["harbour", "lead"]
    colors = {t["name"]: t["color"] for t in map(
        json.loads, run(b, "tags", "list", "--json").stdout.splitlines())}
    assert colors == {"follow": "", "harbour": "#d9822b", "lead": ""}
    again = run(b, "import", str(exported)).stdout
    assert f"0 added, {count} unchanged" in again and "0 conflicts" in again
    assert portable(b) == portable(a)
    assert run(b, "export", "--format", "jsonl").stdout == exported.read_text()

    # Editors on both sides go on working; the same editor codes one article otherwise.
    run(b, "code", in_b[urls[0]]["id"], "coverage", "supportive")  # alice, later than on a
    run(b, "tag", in_b[urls[0]]["id"], "from-b", editor="carol")
    run(b, "export", "--format", "jsonl", "--output", str(tmp_path / "b.jsonl"))
    back = run(a, "import", str(tmp_path / "b.jsonl")).stdout
    assert "1 conflict (both sides kept)" in back
    first = by_url(a)[urls[0]]
    assert first["codes"]["Coverage"][0]["value"] == "supportive"  # the newer code
    assert sorted(first["tags"]) == ["from-b", "harbour", "lead"]
    assert any(n["editor"] == "alice" and n["text"].startswith(
        "Conflicting code on import: Coverage = critical (coded ") for n in first["notes"])
    assert "0 conflicts" in run(a, "import", str(tmp_path / "b.jsonl")).stdout


def test_annotations_survive_a_changed_article_and_regrouping(tmp_path, feed_server):
    db = tmp_path / "a.db"
    build(db, serve(feed_server))
    first = next(a for a in articles(db) if a["url"].endswith("alpha.example/news/0"))
    run(db, "tag", first["id"], "harbour")
    run(db, "code", first["id"], "coverage", "neutral")
    run(db, "note", first["id"], "The vote.", "--quote", "voted on Tuesday")
    run(db, "note", first["id"], "Review date.", "--quote", "reviewed in two years")
    run(db, "note", first["id"], "Cameras.", "--quote", "misidentified people")
    stories = [json.loads(x) for x in run(db, "stories", "--json").stdout.splitlines()]
    story = next(s for s in stories if first["id"] in s["article_ids"])
    run(db, "tag", "--story", str(story["id"]), "follow")
    before = portable(db)

    # The outlet corrects the article: a sentence at the top (the vote's passage keeps the
    # words around it: found), other words just before the cameras' passage (moved), the
    # review date gone (lost).
    feed_server.routes["/Alpha.xml"] = Route(body=rss(
        "Alpha", "https://alpha.example/news",
        changed="Correction: an earlier version misstated the vote count.").replace(
        b"The mayor said the ban would be reviewed in two years.", b"").replace(
        b"residents who said the cameras misidentified", b"residents, who argued that "
        b"such systems misidentified"))
    assert "1 updated" in run(db, "fetch", "--all").stdout
    changed = next(a for a in articles(db) if a["id"] == first["id"])
    assert changed["text"].startswith("Correction:")
    assert portable(db) == before
    with open_store(db) as store:
        placed = {p.note.text: p.status for p in article_annotations(store, first["id"]).notes}
        assert placed == {"The vote.": "found", "Cameras.": "moved", "Review date.": "lost"}
        text = changed["text"]
        spans = {p.note.text: p.span for p in article_annotations(store, first["id"]).notes}
        assert text[spans["The vote."].start:spans["The vote."].end] == "voted on Tuesday"
        assert text[spans["Cameras."].start:spans["Cameras."].end] == "misidentified people"
        store.stories.claim("tfidf", 999)  # every story goes: grouped again from scratch
        update_stories(store)
        again = store.stories.story_of(first["id"])
        assert again is not None
        assert [a.tag for a in article_annotations(store, first["id"]).story_tags] == ["follow"]
    assert portable(db) == before
    memo = run(db, "export", "--format", "md", "--tag", "follow").stdout
    assert first["title"] in memo


def test_reading_commands_do_not_create_a_database(tmp_path):
    missing = tmp_path / "none.db"
    for args in (["tags", "list"], ["codebooks", "list"], ["agreement", "coverage"],
                 ["export", "--format", "csv"]):
        proc = run(missing, *args, check=False)
        assert proc.returncode == 1 and not missing.exists()


def test_help_documents_story_ids(tmp_path):
    text = run(tmp_path / "x.db", "tag", "--help").stdout
    assert "--story" in text and "commas" in text
    for command in ("untag", "note", "code", "export", "import", "agreement", "tags",
                    "codebooks"):
        assert run(tmp_path / "x.db", command, "--help").returncode == 0
