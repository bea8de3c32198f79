"""An editor's process killed mid-write (SIGKILL: no cleanup of any kind) loses nothing it
reported saved, and leaves a database that passes its own integrity checks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from newsdesk.services.annotations import tag_articles
from newsdesk.services.sample import load_sample
from newsdesk.store import open_store

# Tags and notes in a loop, through the services as the CLI and the window call them;
# each line is printed (and flushed) only after its call returned.
WRITER = """
import sys
from newsdesk.services.annotations import add_note, tag_articles
from newsdesk.store import open_store

store = open_store(sys.argv[1])
ids = sorted(a.id for a in store.articles.list())
n = 0
while True:
    article = ids[n % len(ids)]
    tag = f"t{n}"
    tag_articles(store, [article, ids[(n + 7) % len(ids)]], [tag], "killed")
    print(f"tag {article} {tag}", flush=True)
    note = add_note(store, article, f"note {n}", "killed").added[0]
    print(f"note {article} {note.id}", flush=True)
    n += 1
"""


def test_what_was_reported_saved_survives_a_kill(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    with open_store(db) as store:
        load_sample(store)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    reported: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while len(reported) < 60 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            reported.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)  # mid-run: the next write is under way
        proc.wait(10)
        rest, errors = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    reported += [x.strip() for x in rest.splitlines() if x.strip()]
    assert len(reported) >= 60, errors
    assert proc.returncode == -signal.SIGKILL

    with open_store(db) as store:
        assert store.integrity_problems() == []
        ids = sorted({line.split()[1] for line in reported})
        kept = store.annotations.of_articles(ids)
        tags = {(a.article_id, a.tag) for v in kept.values() for a in v if a.kind == "tag"}
        notes = {(a.article_id, a.id) for v in kept.values() for a in v if a.kind == "note"}
        for line in reported:
            kind, article, what = line.split()
            assert (article, what) in (tags if kind == "tag" else notes), line
        assert all(a.editor == "killed" for v in kept.values() for a in v)
        # The database still takes writes after the kill.
        assert tag_articles(store, ids[:1], ["after"], "alice").added
