"""`newsdesk serve` as a process: the Google Reader API calls newsboat makes, against the
sample, over loopback; SIGTERM ends it cleanly; a port in use is a sentence."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from newsdesk.server.passwords import ScryptParameters, hash_password
from newsdesk.services.sample import load_sample
from newsdesk.store import open_store
from tests.pgserver import free_port, wait_listening

FAST = ScryptParameters(n=2**10, r=8, p=1)  # tests need no slow hash


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    db = tmp_path / "served.db"
    with open_store(db) as store:
        load_sample(store)
        store.users.add("ed", hash_password("correct horse", FAST))
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-m", "newsdesk", "--db", str(db), "serve",
                             "--listen", f"127.0.0.1:{port}", "--every", "3600"],
                            stderr=subprocess.PIPE, text=True, env=env)
    base = f"http://127.0.0.1:{port}/api/greader.php"
    wait_listening(port, timeout=20)
    yield base, db, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _login(client: httpx.Client, base: str) -> dict[str, str]:
    answer = client.post(f"{base}/accounts/ClientLogin",
                         data={"Email": "ed", "Passwd": "correct horse"})
    assert answer.status_code == 200, answer.text
    auth = next(line[5:] for line in answer.text.splitlines() if line.startswith("Auth="))
    return {"Authorization": f"GoogleLogin auth={auth}"}


def test_newsboats_calls_against_the_sample(served):
    base, db, proc = served
    with httpx.Client(timeout=10) as client:
        assert client.get(f"{base}/reader/api/0/subscription/list").status_code == 401
        wrong = client.post(f"{base}/accounts/ClientLogin", data={"Email": "ed", "Passwd": "no"})
        assert wrong.status_code == 403
        auth = _login(client, base)
        subs = client.get(f"{base}/reader/api/0/subscription/list?output=json",
                          headers=auth).json()["subscriptions"]
        assert len(subs) == 7 and all(s["id"].startswith("feed/") for s in subs)
        atom = client.get(f"{base}/reader/atom/{subs[0]['id'].replace('/', '%2F')}?n=50",
                          headers=auth)
        assert atom.status_code == 200 and atom.text.count("<entry") >= 1
        item = atom.text.split("<id>tag:google.com,2005:reader/item/", 1)[1].split("</id>")[0]
        token = client.get(f"{base}/reader/api/0/token", headers=auth).text
        read = client.post(f"{base}/reader/api/0/edit-tag", headers=auth, content=(
            f"i=tag:google.com,2005:reader/item/{item}&a=user/-/state/com.google/read"
            f"&r=user/-/state/com.google/kept-unread&ac=edit&T={token}").encode())
        assert read.text == "OK"
        assert client.post(f"{base}/reader/api/0/edit-tag", headers=auth,
                           content=b"i=1&a=user/-/state/com.google/read&T=forged"
                           ).status_code == 400
        counts = client.get(f"{base}/reader/api/0/unread-count?output=json",
                            headers=auth).json()["unreadcounts"]
        assert next(c for c in counts if c["id"].endswith("reading-list"))["count"] == 42
        labels = client.get(f"{base}/reader/api/0/tag/list?output=json", headers=auth).json()
        kinds = {t.get("type") for t in labels["tags"]}
        assert {"folder", "tag"} <= kinds  # the sample's folders, then its storylines
        assert any("/label/Storyline " in t["id"] for t in labels["tags"])  # its storylines
        seen, continuation = [], ""
        for _ in range(10):  # pages of 10, each after the last: all 43, none twice
            page = client.get(f"{base}/reader/api/0/stream/contents?n=10"
                              + (f"&c={continuation}" if continuation else ""),
                              headers=auth).json()
            seen += [i["id"] for i in page["items"]]
            continuation = page.get("continuation", "")
            if not continuation:
                break
        assert len(seen) == len(set(seen)) == 43
        forged = client.get(f"{base}/reader/api/0/stream/contents?n=10&c=AAAA", headers=auth)
        assert forged.status_code == 400
        assert client.post(f"{base}/reader/api/0/mark-all-as-read", headers=auth,
                           content=f"s={subs[0]['id']}&T={token}".encode()).text == "OK"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert "Stopped." in (proc.stderr.read() if proc.stderr else "")
    with open_store(db) as store:
        assert store.reading.unread_count(int(subs[0]["id"].removeprefix("feed/"))) == 0


def test_a_port_in_use_is_a_sentence(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": os.getcwd()}
        proc = subprocess.run([sys.executable, "-m", "newsdesk", "--db", str(tmp_path / "x.db"),
                               "serve", "--listen", f"127.0.0.1:{port}"], capture_output=True,
                              text=True, env=env, timeout=60, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"Error: Cannot listen on 127.0.0.1:{port}:" in proc.stderr


def test_the_server_fetches_what_is_due_in_a_worker(tmp_path, feed_server):
    from tests.conftest import fixture_bytes
    from tests.feedserver import Route

    feed_server.routes["/dirt.xml"] = Route(body=fixture_bytes("rss20.xml"), etag='"d1"')
    db = tmp_path / "fetching.db"
    with open_store(db) as store:
        store.sources.add(feed_server.url("/dirt.xml"))
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, "-m", "newsdesk", "--db", str(db), "serve",
                             "--listen", f"127.0.0.1:{free_port()}", "--every", "3600"],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 30
        stored = 0
        while time.monotonic() < deadline and stored < 2:
            time.sleep(0.3)
            with open_store(db) as store:
                stored = store.articles.count()
        assert stored == 2  # the feed's two items, fetched by the worker at the first turn
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    log = proc.stderr.read() if proc.stderr else ""
    assert "Stopped." in log  # the worker may still be grouping: stopping ends it
