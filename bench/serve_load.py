"""Load on `newsdesk serve`: simulated editors against the server over loopback while it
fetches 300 feeds (issue 14: p50/p95 latency, errors; target 0 errors, p95 < 200 ms).

    .venv/bin/python bench/serve_load.py [--editors 50] [--seconds 120] [--feeds 300]
                                         [--db sqlite|postgresql]

Each editor signs in once, then loops: reads the subscription list, unread counts, a
stream of 20 items (its reading list or one feed's Atom), marks one item read and, every
fifth turn, marks a feed read; with a think time of 0.5-1.5 s, as a reader app syncing
in the background. The server is `newsdesk serve` in its own process, as deployed; the
editors are threads of this one (they share the 2 cores with it). Prints per call
p50/p95/max in ms, the error count, and what the fetch stored meanwhile.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.feeds import LatencyServer, make_feed
from newsdesk.server.passwords import ScryptParameters, hash_password
from newsdesk.server.reader_api import PREFIX
from newsdesk.services.sample import load_sample
from newsdesk.store import open_store
from tests.pgserver import PgServer, free_port, wait_listening

FAST = ScryptParameters(n=2**12)


def editor(n: int, base: str, until: float, timings: dict[str, list[float]],
           errors: list[str], lock: threading.Lock) -> None:
    rng = random.Random(n)
    with httpx.Client(timeout=30) as client:
        def call(name: str, method: str, path: str, **kwargs: object) -> httpx.Response | None:
            started = time.perf_counter()
            try:
                answer = client.request(method, base + path, **kwargs)  # type: ignore[arg-type]
            except httpx.HTTPError as exc:
                with lock:
                    errors.append(f"{name}: {exc}")
                return None
            took = (time.perf_counter() - started) * 1000
            with lock:
                timings[name].append(took)
                if answer.status_code != 200:
                    errors.append(f"{name}: {answer.status_code} {answer.text[:80]}")
            return answer

        login = call("ClientLogin", "POST", "/accounts/ClientLogin",
                     data={"Email": f"editor{n}", "Passwd": "pw"})
        if login is None or login.status_code != 200:
            return
        auth = {"Authorization": "GoogleLogin auth=" + login.text.split("Auth=")[1].strip()}
        turn = 0
        while time.monotonic() < until:
            turn += 1
            subs = call("subscription/list", "GET", "/reader/api/0/subscription/list",
                        headers=auth)
            call("unread-count", "GET", "/reader/api/0/unread-count", headers=auth)
            feeds = [s["id"] for s in subs.json()["subscriptions"]] if subs else []
            if turn % 2 and feeds:
                feed = rng.choice(feeds).replace("/", "%2F")
                page = call("reader/atom (20)", "GET", f"/reader/atom/{feed}?n=20", headers=auth)
                items = (page.text.split("<id>tag:google.com,2005:reader/item/")[1:]
                         if page else [])
                ids = [i.split("</id>")[0] for i in items]
            else:
                page = call("stream/contents (20)", "GET",
                            "/reader/api/0/stream/contents?n=20", headers=auth)
                ids = [i["id"].rsplit("/", 1)[1] for i in page.json()["items"]] if page else []
            token = call("token", "GET", "/reader/api/0/token", headers=auth)
            if token is not None and ids:
                call("edit-tag read", "POST", "/reader/api/0/edit-tag", headers=auth,
                     content=f"i={rng.choice(ids)}&a=user/-/state/com.google/read"
                             f"&T={token.text}".encode())
                if turn % 5 == 0 and feeds:
                    call("mark-all-as-read", "POST", "/reader/api/0/mark-all-as-read",
                         headers=auth, content=f"s={rng.choice(feeds)}&T={token.text}".encode())
            time.sleep(rng.uniform(0.5, 1.5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    bodies = [make_feed(i, 40) for i in range(args.feeds)]
    with tempfile.TemporaryDirectory() as tmp, LatencyServer(bodies, latency=0.05) as feeds:
        pg = PgServer().start() if args.db == "postgresql" else None
        url = pg.new_database() if pg else str(Path(tmp) / "served.db")
        with open_store(url) as store:
            load_sample(store)
            for n in range(args.editors):
                store.users.add(f"editor{n}", hash_password("pw", FAST))
            for i in range(args.feeds):
                store.sources.add(feeds.url(i), title=f"Outlet {i}")
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "newsdesk", "--db", url, "serve", "--listen",
             f"127.0.0.1:{port}", "--every", "30"], stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        base = f"http://127.0.0.1:{port}{PREFIX}"
        wait_listening(port)
        timings: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        lock = threading.Lock()
        until = time.monotonic() + args.seconds
        started = time.perf_counter()
        threads = [threading.Thread(target=editor, args=(n, base, until, timings, errors, lock))
                   for n in range(args.editors)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
        with open_store(url) as store:
            stored = store.articles.count()
        if pg:
            pg.stop()
    print(f"{args.editors} editors for {wall:.0f} s on {args.db}, the server fetching "
          f"{args.feeds} feeds (50 ms each) meanwhile: {feeds.requests} feed requests, "
          f"{stored:,} articles stored")
    print(f"{'call':<24} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    everything: list[float] = []
    for name, values in sorted(timings.items()):
        values.sort()
        everything += values
        p95 = values[int(0.95 * (len(values) - 1))]
        print(f"{name:<24} {len(values):>6} {statistics.median(values):>8.1f} {p95:>8.1f} "
              f"{values[-1]:>8.1f}")
    everything.sort()
    print(f"{'all':<24} {len(everything):>6} {statistics.median(everything):>8.1f} "
          f"{everything[int(0.95 * (len(everything) - 1))]:>8.1f} {everything[-1]:>8.1f}")
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:10]))


if __name__ == "__main__":
    main()
