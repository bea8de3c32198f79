"""Stories and storylines from the command line (issue 13): `cluster` with storylines,
`storylines`, the corrections (merge, split, move, pin, detach, explain) and their round
trip through a re-grouping and through export and import. Real processes over the offline
sample corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.services.stories import update_stories
from newsdesk.store import open_store


def run(db: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.run([sys.executable, "-m", "newsdesk", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "sample.db"
    run(db, "sample")
    return db


@pytest.fixture
def db(sample_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the sample database per test (corrections change it)."""
    copy = tmp_path / "desk.db"
    copy.write_bytes(sample_db.read_bytes())
    return copy


def stories_by_label(db: Path) -> dict[str, dict]:
    return {s["label"]: s for s in lines(run(db, "stories", "--json").stdout)}


def story(db: Path, start: str) -> dict:
    return next(s for label, s in stories_by_label(db).items() if label.startswith(start))


def test_cluster_writes_story_and_storyline(tmp_path: Path) -> None:
    def article(i: str, title: str, date: str, source: str) -> str:
        return json.dumps({"id": i, "title": title, "date": date, "source": source,
                           "text": title + ". The Nimbus Cloud case over emails stored in "
                                           "Lisbon goes on, says judge Helen Marsh."})
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        article("a", "Judge holds Nimbus Cloud in contempt over Lisbon emails",
                "2024-03-01T10:00:00Z", "one.example"),
        article("b", "Nimbus Cloud held in contempt over Lisbon emails",
                "2024-03-01T12:00:00Z", "two.example"),
        article("c", "Appeals court hears Nimbus Cloud Lisbon emails appeal",
                "2024-04-12T10:00:00Z", "one.example"),
        json.dumps({"id": "d", "title": "Marathon record falls in the rain", "source": "x.example",
                    "date": "2024-03-02T10:00:00Z", "text": "A runner broke the course record."}),
    ]) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    proc = run(tmp_path / "unused.db", "cluster", str(source), str(target))
    out = lines(target.read_text(encoding="utf-8"))
    assert [o["id"] for o in out] == ["a", "b", "c", "d"]
    assert all(set(o) == {"id", "cluster", "storyline"} for o in out)
    assert out[0]["cluster"] == out[1]["cluster"] != out[2]["cluster"]
    assert out[3]["storyline"] is None  # a story linked to no other is in no storyline
    assert out[0]["storyline"] == out[2]["storyline"] is not None
    assert "storyline" in proc.stderr
    assert not (tmp_path / "unused.db").exists()


def test_storylines_json_lists_the_nimbus_case(db: Path) -> None:
    found = lines(run(db, "storylines", "--json").stdout)
    assert found, "the sample's contempt ruling and its appeal are one storyline"
    first = found[0]
    assert {"id", "label", "first_seen", "last_seen", "events", "outlets", "story_ids",
            "unread", "followed"} <= set(first)
    assert first["events"] >= 2 and len(first["story_ids"]) == first["events"]
    labels = {s["id"]: s["label"] for s in lines(run(db, "stories", "--json").stdout)}
    assert any("Nimbus" in labels[i] for i in first["story_ids"])
    shown = run(db, "storylines", "show", str(first["id"])).stdout
    assert f"Storyline {first['id']}" in shown and "covered by:" in shown
    run(db, "storylines", "follow", str(first["id"]))
    assert lines(run(db, "storylines", "--json").stdout)[0]["followed"] is True
    run(db, "storylines", "unfollow", str(first["id"]))
    assert lines(run(db, "storylines", "--json").stdout)[0]["followed"] is False
    old = run(db, "storylines", "--since", "2099-01-01", "--json").stdout
    assert old == ""


def test_stories_stays_a_list_with_its_options(db: Path) -> None:
    listed = lines(run(db, "stories", "--min-outlets", "2", "--limit", "3", "--json").stdout)
    assert len(listed) == 3 and all(len(s["outlets"]) >= 2 for s in listed)
    assert "outlets" in run(db, "stories").stdout


def test_merge_split_move_explain_round_trip(db: Path) -> None:
    contempt, appeal = story(db, "Judge holds"), story(db, "Appeals panel")
    out = run(db, "stories", "merge", str(contempt["id"]), str(appeal["id"])).stdout
    assert "Merged" in out
    merged = next(s for s in stories_by_label(db).values() if s["id"] == contempt["id"])
    assert sorted(merged["article_ids"]) == sorted(contempt["article_ids"] + appeal["article_ids"])
    moved = appeal["article_ids"][0]
    out = run(db, "stories", "split", str(contempt["id"]), *appeal["article_ids"]).stdout
    new_id = int(out.strip().split()[-1].rstrip("."))
    back = next(s for s in stories_by_label(db).values() if s["id"] == new_id)
    assert sorted(back["article_ids"]) == sorted(appeal["article_ids"])
    quarry = story(db, "Quarry Mobile")
    run(db, "stories", "move", moved, str(quarry["id"]))
    text = run(db, "stories", "explain", str(quarry["id"])).stdout
    assert moved in text and "moved by a user" in text and "similarity" in text
    explained = json.loads(run(db, "stories", "explain", str(quarry["id"]), "--json").stdout)
    assert [c["kind"] for c in explained["corrections"]] == ["merge", "split", "move"]
    assert {m["article_id"] for m in explained["members"]} >= {moved}
    run(db, "stories", "pin", quarry["article_ids"][0])
    run(db, "stories", "detach", str(contempt["id"]))


@pytest.mark.parametrize(("args", "message"), [
    (("merge", "1", "1"), "cannot be merged with itself"),
    (("merge", "1", "9999"), "no story with id 9999"),
    (("move", "nope", "1"), "no article with id nope"),
    (("explain", "9999"), "no story with id 9999"),
])
def test_mistakes_get_one_sentence(db: Path, args: tuple[str, ...], message: str) -> None:
    proc = run(db, "stories", *args, check=False)
    assert proc.returncode != 0
    assert proc.stderr.startswith("Error: ") and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_splitting_every_article_off_is_refused(db: Path) -> None:
    ports = story(db, "Port Alder")
    proc = run(db, "stories", "split", str(ports["id"]), *ports["article_ids"], check=False)
    assert proc.returncode != 0 and "every article" in proc.stderr
    proc = run(db, "storylines", "show", "9999", check=False)
    assert proc.returncode != 0 and proc.stderr.startswith("Error: ")


def test_corrections_survive_a_regrouping(db: Path) -> None:
    contempt, appeal = story(db, "Judge holds"), story(db, "Appeals panel")
    run(db, "stories", "merge", str(contempt["id"]), str(appeal["id"]))
    together = sorted(contempt["article_ids"] + appeal["article_ids"])
    with open_store(db) as store:  # another model (or version) takes the stories
        store.stories.claim("another-model", 1)
        update_stories(store)
    after = lines(run(db, "stories", "--json").stdout)
    holder = next(s for s in after if together[0] in s["article_ids"])
    assert sorted(holder["article_ids"]) == together


def test_export_and_import_carry_corrections(db: Path, sample_db: Path, tmp_path: Path) -> None:
    contempt, appeal = story(db, "Judge holds"), story(db, "Appeals panel")
    run(db, "stories", "merge", str(contempt["id"]), str(appeal["id"]))
    exported = tmp_path / "work.jsonl"
    run(db, "export", "--format", "jsonl", "--output", str(exported))
    kinds = [json.loads(line).get("type") for line in exported.read_text().splitlines()]
    assert "newsdesk:Correction" in kinds
    other = tmp_path / "other.db"
    other.write_bytes(sample_db.read_bytes())
    out = run(other, "import", str(exported)).stdout
    assert "Applied 1 correction" in out
    titles = {s["label"]: s for s in lines(run(other, "stories", "--json").stdout)}
    assert not any(label.startswith("Appeals panel") for label in titles)
    merged = next(s for s in titles.values() if len(s["article_ids"]) == len(
        contempt["article_ids"]) + len(appeal["article_ids"]))
    assert merged
    again = run(other, "import", str(exported)).stdout  # twice changes nothing
    assert "Applied" not in again
