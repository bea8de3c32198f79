"""`newsdesk loaded` as a user runs it: a subprocess over JSON-lines files and pipes."""

import json
import os
import subprocess
import sys

import pytest


def run(*args, stdin=None, check=True):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.run([sys.executable, "-m", "newsdesk", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_offsets_into_text_and_quoted_spans(tmp_path):
    texts = [
        {"id": "a", "title": "Senator slams 'extreme' bill",
         "text": 'The senator slammed the bill as “extreme and unprecedented.”'},
        {"id": 7, "text": "The council met on Tuesday."},
        {"id": "c", "text": "Critics say the worries were overblown — a mere technicality."},
    ]
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in texts) + "\n\n",
                      encoding="utf-8")
    proc = run("loaded", str(source), str(target))
    assert "Checked 3 texts" in proc.stderr
    out = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == ["a", 7, "c"]
    assert all(set(o) == {"id", "loaded"} for o in out)
    for row, o in zip(texts, out, strict=True):
        for span in o["loaded"]:
            assert set(span) == {"start", "end", "text", "quoted"}
            assert row["text"][span["start"]:span["end"]] == span["text"]
    assert [(s["text"], s["quoted"]) for s in out[0]["loaded"]] == [
        ("slammed", False), ("extreme", True)]  # "unprecedented": a stop word (12 AllSides articles)
    assert out[1]["loaded"] == []
    # "mere" was a weak cue of pattern's list; 2 AllSides articles use it, so loaded-opinion.txt
    # leaves it out
    assert [s["text"] for s in out[2]["loaded"]] == ["overblown", "technicality"]


def test_pipes_and_titles():
    line = json.dumps({"id": "a", "title": "Senator slams 'extreme' bill", "text": "Calm."})
    proc = run("loaded", "--titles", "-", "-", stdin=line + "\n")
    (out,) = [json.loads(x) for x in proc.stdout.splitlines()]
    assert out["loaded"] == []
    assert [(s["text"], s["quoted"]) for s in out["title_loaded"]] == [
        ("slams", False), ("extreme", True)]


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "Line 2 of the input is not a text"),
    ('{"id": "b"}', "Line 2 of the input is not a text (missing field 'text')"),
    ('{"text": "x"}', "missing field 'id'"),
    ('{"id": "b", "text": 5}', "text and title must be strings"),
    ('["a", "b"]', "not a JSON object"),
])
def test_a_bad_line_is_named(tmp_path, line, message):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "ok"}\n' + line + "\n", encoding="utf-8")
    proc = run("loaded", str(source), str(tmp_path / "out.jsonl"), check=False)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert list(tmp_path.iterdir()) == [source]  # no partial output, no temporary file left


def test_a_bad_line_keeps_an_existing_output(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    target.write_text("earlier\n", encoding="utf-8")
    source.write_text('{"id": "a", "text": "It slammed them."}\n{bad\n', encoding="utf-8")
    proc = run("loaded", str(source), str(target), check=False)
    assert proc.returncode != 0 and "Line 2 of the input" in proc.stderr
    assert target.read_text(encoding="utf-8") == "earlier\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_not_utf8(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": "a", "text": "\xff\xfe"}\n')
    proc = run("loaded", str(source), "-", check=False)
    assert proc.returncode != 0 and "not UTF-8" in proc.stderr
