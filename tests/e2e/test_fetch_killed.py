"""A `newsdesk fetch` killed mid-refresh leaves none of its parser processes behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdesk.ingest.pipeline import PROCESS_POOL_MIN_SOURCES
from newsdesk.store import open_store
from tests.conftest import fixture_bytes
from tests.feedserver import Route

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists() or (os.cpu_count() or 1) < 2,
    reason="needs /proc and two cores (the refresh only forks parsers then)")


def _alive_children(parent: int) -> set[int]:
    """Pids whose parent is `parent` and that are not zombies, read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == parent and state != "Z":
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_parser_processes_die_with_a_killed_fetch(tmp_path, feed_server):
    feeds = PROCESS_POOL_MIN_SOURCES
    db = tmp_path / "killed.db"
    with open_store(db) as store:
        for i in range(feeds):
            feed_server.routes[f"/slow{i}"] = Route(body=fixture_bytes("rss20.xml"), delay=30)
            store.sources.add(feed_server.url(f"/slow{i}"))
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-m", "newsdesk", "--db", str(db), "fetch"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            workers = _alive_children(proc.pid)
            if len(workers) >= 2 and len(feed_server.requests) >= 1:
                break
            time.sleep(0.05)
        assert len(workers) >= 2, "the refresh started no parser processes"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.05)
        left = [pid for pid in workers if _alive(pid)]
    finally:
        if proc.poll() is None:
            proc.kill()
    for pid in left:  # do not leave them behind even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == []
