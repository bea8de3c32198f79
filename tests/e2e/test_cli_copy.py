"""`newsdesk copy` as a user runs it: progress on standard error, the verified counts on
standard output, sentences for refusals; killed with SIGKILL and run again, it converges."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.store.test_copy import make_sample


def copy(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    return subprocess.run([sys.executable, "-m", "newsdesk", "copy", *args], capture_output=True,
                          text=True, env=env, timeout=60, check=False)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_sample(tmp_path_factory.mktemp("cli-copy") / "sample.db")


def _counts(stdout: str) -> dict[str, tuple[int, int]]:
    lines = stdout.splitlines()
    assert lines[0].split() == ["table", "source", "destination"]
    rows = {}
    for line in lines[1:-1]:
        name, here, there = line.split()
        rows[name] = (int(here.replace(",", "")), int(there.replace(",", "")))
    return rows


def test_copy_prints_progress_and_the_verified_counts(sample, pg_store):
    pg_url = pg_store
    done = copy(sample, pg_url)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "articles: 43/43 rows" in done.stderr.splitlines()
    counts = _counts(done.stdout)
    assert counts["articles"] == (43, 43) and counts["sources"] == (7, 7)
    assert all(here == there for here, there in counts.values())
    assert "source_counts" not in counts and "_sqlite_migrations" not in counts
    last = done.stdout.splitlines()[-1]
    assert last.startswith("Copied ") and last.endswith(f"to {pg_url}.")
    again = copy(sample, pg_url)  # a finished copy, run again: checked, nothing new
    assert again.returncode == 0 and _counts(again.stdout) == counts
    assert again.stdout.splitlines()[-1].startswith("Resumed and finished")


def test_refusals_are_one_sentence_and_exit_1(sample, tmp_path):
    same = copy(sample, sample)
    assert same.returncode == 1 and same.stdout == ""
    assert same.stderr.startswith("Error: The source and the destination are the same")
    typo = copy(sample, "postgresq://nobody@127.0.0.1:1/x")
    assert typo.returncode == 1 and "cannot open a store" in typo.stderr
    dead = copy(sample, "postgresql://nobody@127.0.0.1:1/x")
    assert dead.returncode == 1 and "Cannot reach the PostgreSQL server" in dead.stderr
    for proc in (same, typo, dead):
        assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) == 1


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "Ctrl-C"])
def test_a_copy_killed_midway_converges_when_run_again(sample, tmp_path: Path, how):
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-m", "newsdesk", "copy", "--page-rows", "1",
                             sample, target], stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stderr is not None
    for line in proc.stderr:  # the small tables are done; story_terms is being copied
        if line.startswith("stories: "):
            break
    os.kill(proc.pid, how)
    proc.wait(timeout=10)
    if how == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        rest = proc.stderr.read()
        assert proc.returncode == 130 and "Traceback" not in rest
        assert "Run the same command again" in rest.splitlines()[-1]
    with sqlite3.connect(tmp_path / "copy.db") as conn:  # killed inside the copy
        marks = dict(conn.execute("SELECT name, value FROM newsdesk_copy").fetchall())
    assert "done:sources" in marks and "finished" not in marks
    resumed = copy(sample, target)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.splitlines()[-1].startswith("Resumed and finished")
    assert all(here == there for here, there in _counts(resumed.stdout).values())


def test_counts_that_differ_are_exit_1_with_a_sentence(monkeypatch):
    from click.testing import CliRunner

    from newsdesk import cli_team
    from newsdesk.cli import cli
    from newsdesk.store.copying import CopyReport, TableCount

    report = CopyReport("sqlite:///a.db", "sqlite:///b.db",
                        (TableCount("articles", 43, 42), TableCount("sources", 7, 7)), True, 0.5)
    monkeypatch.setattr(cli_team, "copy_database", lambda *a, **k: report)
    result = CliRunner().invoke(cli, ["copy", "a.db", "b.db"])
    assert result.exit_code == 1
    assert "articles" in result.stdout and "differs" in result.stdout
    assert "counts differ from the source's in articles" in result.stderr
