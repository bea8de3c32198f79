"""The archive's commands as a user runs them: a real process against a news site on the
loopback server whose feed gives summaries only (tests/unit/services/archive_site.py)."""

import json
import os
import subprocess
import sys

import pytest

from newsdesk.store import open_store
from tests.unit.services.archive_site import BONDS, FLOOD, GONE, VIDEO, Item, serve_site


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "PYTHONPATH": os.getcwd(),
            "NEWSDESK_CONFIG": str(tmp_path / "settings.json")}


@pytest.fixture
def run(tmp_path, env):
    db = tmp_path / "archive.db"

    def run(*args, check=True):
        proc = subprocess.run([sys.executable, "-m", "newsdesk", "--db", str(db), *args],
                              capture_output=True, text=True, env=env, timeout=120,
                              check=False, stdin=subprocess.DEVNULL)
        assert "Traceback" not in proc.stderr, proc.stderr
        if check:
            assert proc.returncode == 0, proc.stderr
        return proc

    run.db = db
    return run


@pytest.fixture
def site(feed_server):
    return serve_site(feed_server)


@pytest.fixture
def followed(run, site):
    out = run("sources", "add", site.feed_url).stdout
    assert "Added Valley Courier (id 1)" in out and "4 new" in out
    return site


def _articles(run, *args):
    return {a["title"]: a for a in map(json.loads, run("articles", "--json", *args)
                                       .stdout.splitlines())}


def test_offline_fetches_full_texts_and_articles_json_shows_them(run, followed):
    before = _articles(run)
    assert {(a["full_text"], a["full_html"], a["versions"]) for a in before.values()} == {
        (None, None, 0)}

    out = run("offline", "--all").stdout.splitlines()
    assert out[0] == ("Full text of 4 articles: 1 extracted, 2 kept the feed's summary (1 "
                      "behind a paywall or shorter than the feed's, 1 not an article), "
                      "1 failed.")
    assert any(line.startswith("  kept summary (1): ") and "paywall" in line for line in out)
    assert any(line.startswith("  not an article (1): ") for line in out)
    assert any(line.startswith("  failed (1): ") and "404" in line for line in out)

    after = _articles(run)
    flood = after[FLOOD]
    assert flood["full_text"].startswith("Millbrook's town council voted on Monday night")
    assert "<p>" in flood["full_html"] and "<script" not in flood["full_html"]
    assert flood["full_text_status"] == "extracted" and flood["full_text_reason"] is None
    assert flood["text"] == before[FLOOD]["text"]  # the feed's version is kept as it was
    bonds = after[BONDS]
    assert (bonds["full_text"], bonds["full_html"], bonds["full_text_status"]) == (
        None, None, "kept_summary")
    assert "paywall" in bonds["full_text_reason"]
    gone = after[GONE]
    assert gone["full_text_status"] == "failed" and "404" in gone["full_text_reason"]
    assert after[VIDEO]["full_text_status"] == "not_article"

    hits = [json.loads(x) for x in run("search", "exhibition", "--json").stdout.splitlines()]
    assert [h["title"] for h in hits] == [FLOOD] and hits[0]["full_text"]

    again = run("offline", "--source", "1").stdout
    assert again.startswith("No article needed its full text (4 articles had it already).")
    retried = run("offline", "--all", "--retry").stdout
    assert retried.startswith("Full text of 1 article (3 articles had it already): "
                              "0 extracted, 1 failed.")


def test_a_changed_feed_entry_keeps_its_earlier_version(run, followed):
    flood_id = _articles(run)[FLOOD]["id"]
    unchanged = run("versions", flood_id).stdout
    assert "has not changed since it was first stored" in unchanged
    followed.items[0].title = "River town rejects its flood wall"
    followed.items[0].summary = "The council met on Monday night and said no. Continue reading..."
    assert "1 updated" in run("fetch", "--all").stdout

    assert _articles(run)["River town rejects its flood wall"]["versions"] == 1
    out = run("versions", flood_id).stdout.splitlines()
    assert out[0].startswith("  1. ") and f"[feed]  {FLOOD}" in out[0]
    assert out[1] == "     headline: River town[- votes to rebuild-]{+ rejects+} its flood wall"
    assert out[2] == ("     text: The council met on Monday[- night.-]{+ night and said no.+} "
                      "Continue reading...")
    assert out[3].startswith("  2. ") and out[3].endswith(
        " – now  [feed]  River town rejects its flood wall")
    assert out[-1].startswith("Headline changed ") and "after publication" in out[-1]

    record = json.loads(run("versions", flood_id, "--json").stdout)
    assert record["id"] == flood_id
    first, current = record["versions"]
    assert (first["number"], first["origin"], first["title"], first["current"]) == (
        1, "feed", FLOOD, False)
    assert ["+", " rejects"] in first["title_diff"]
    assert current["current"] and current["title_diff"] is None and current["replaced"] is None


def test_an_always_source_gets_full_texts_after_each_fetch(run, followed):
    out = run("sources", "set", "1", "--full-text", "always").stdout
    assert out == "The full text of Valley Courier (id 1) is now always.\n"
    assert "was always already" in run("sources", "set", "1", "--full-text", "always").stdout
    followed.server.routes["/news/flood-wall-2"] = followed.server.routes["/news/flood-wall"]
    followed.items.append(Item("A second flood story", "/news/flood-wall-2"))
    lines = run("fetch", "--all").stdout.splitlines()
    assert lines[0].startswith("Fetched 1 sources in ") and "1 new" in lines[0]
    assert lines[1] == "Full text of 1 article: 1 extracted, 0 failed."
    assert _articles(run)["A second flood story"]["full_text"]
    assert len(run("fetch", "--all").stdout.splitlines()) == 1  # nothing new: no second line

    run("sources", "set", "1", "--full-text", "off")
    skipped = run("offline", "--all").stdout
    assert "4 skipped" in skipped and "Its source's full text is off." in skipped


def test_cache_shows_the_sizes(run, followed):
    run("offline", "--all")
    usage = json.loads(run("cache", "--json").stdout)
    assert {"file_bytes", "free_bytes", "articles", "full_texts", "versions", "assets",
            "asset_bytes", "sources"} <= set(usage)
    # one page extracted; the paywall, the 404 and the video page gave no full text
    assert (usage["articles"], usage["full_texts"], usage["versions"]) == (4, 1, 0)
    assert usage["file_bytes"] > 0
    [source] = usage["sources"]
    assert (source["id"], source["title"], source["articles"]) == (1, "Valley Courier", 4)
    assert source["full_text_bytes"] > 1000 and source["total_bytes"] >= source["article_bytes"]
    plain = run("cache").stdout.splitlines()
    assert plain[0].startswith("Database: ") and (" KB (" in plain[0] or " MB (" in plain[0])
    assert plain[1] == "Articles: 4; full texts: 1; earlier versions: 0; images: 0 (0 B)."
    assert plain[2].split() == ["Source", "Articles", "Full", "texts", "Versions", "Images",
                                "Size"]
    assert plain[3].startswith("Valley Courier ") and plain[3].split()[2:6] == [
        "4", "1", "0", "0"]


def test_prune_removes_read_unkept_articles_and_a_dry_run_changes_nothing(run, followed):
    ids = {title: a["id"] for title, a in _articles(run).items()}
    with open_store(run.db) as store:
        store.reading.set_read(list(ids.values()))
        store.reading.set_starred(ids[FLOOD])
    run("tag", ids[BONDS], "keep")
    before = run.db.read_bytes()

    dry = run("prune", "--older-than", "0d", "--dry-run").stdout
    assert dry.startswith("Would remove 2 read articles older than 0 days, 0 full texts and "
                          "0 images: ")
    assert run.db.read_bytes() == before and len(_articles(run)) == 4

    done = run("prune", "--older-than", "0d").stdout
    assert done.startswith("Removed 2 read articles older than 0 days, 0 full texts and "
                           "0 images: ") and "the database went from " in done
    assert set(_articles(run)) == {FLOOD, BONDS}  # starred and tagged are kept
    assert run("prune", "--older-than", "0d").stdout == (
        "Nothing to remove: no read article older than 0 days that is not kept.\n")
    assert "Would remove" not in run("prune", "--dry-run").stdout  # 90 days: nothing yet


@pytest.mark.parametrize(("args", "message", "code"), [
    (["offline"], "Error: Say which articles: --all, --source, --story, --topic or --since.", 2),
    (["offline", "--source", "99"], "Error: There is no source with id 99.", 1),
    (["offline", "--story", "99"], "Error: ", 1),
    (["offline", "--topic", "Nope"], "Error: There is no topic named", 1),
    (["offline", "--since", "whenever"], "is not a date", 2),
    (["sources", "set", "1", "--full-text", "sometimes"], "Error: Invalid value", 2),
    (["sources", "set", "99", "--full-text", "off"], "Error: There is no source with id 99.", 1),
    (["sources", "set", "1"], "Error: Say what to set: --full-text", 2),
    (["versions", "nope"], "Error: There is no article with id nope.", 1),
    (["prune", "--older-than", "soon"], "is not an age: use a span like 90d, 12w or 48h.", 2),
    (["prune", "--older-than", "3y"], "is not an age", 2),
    (["prune", "--max-size", "lots"], "is not a size: use one like 500MB, 2GB or 800KB.", 2),
])
def test_mistakes_get_one_sentence(run, followed, args, message, code):
    proc = run(*args, check=False)
    assert proc.returncode == code, proc.stderr
    assert message in proc.stderr
    assert len([line for line in proc.stderr.splitlines() if "Error" in line]) == 1


def test_the_archive_commands_refuse_a_missing_database(run):
    for args in (["cache"], ["prune"], ["offline", "--all"], ["versions", "x"]):
        proc = run(*args, check=False)
        assert proc.returncode == 1 and "Error: " in proc.stderr
    assert not run.db.exists()
