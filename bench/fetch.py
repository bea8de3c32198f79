"""Fetch benchmark: N synthetic feeds from a loopback server with latency.

    .venv/bin/python bench/fetch.py [--feeds 300] [--items 40] [--latency 0.05]

Prints: a full `newsdesk fetch` (subprocess, cold start included) and a second, all-304
one, as wall time, feeds/s, entries/s and peak memory; then parse+normalize+sanitize+store
throughput on one core, in-process, from bodies already in memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.feeds import LatencyServer, make_feed
from newsdesk.ingest.pipeline import parse_and_normalize
from newsdesk.store import open_store


def run_cli(db: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "newsdesk", "--db", str(db), *args],
                          capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    return time.perf_counter() - started, proc.stdout.strip().splitlines()[0]


def core_throughput(bodies: list[bytes]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "core.db") as store:
        sources = [store.sources.add(f"https://outlet{i}.example/feed")[0] for i in range(len(bodies))]
        started = time.process_time()
        count = 0
        for source, body in zip(sources, bodies, strict=True):
            _, articles = parse_and_normalize(source, body, url=source.url)
            store.articles.upsert(articles)
            count += len(articles)
        return time.process_time() - started, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16, help="feeds fetched at once")
    args = parser.parse_args()

    bodies = [make_feed(i, args.items) for i in range(args.feeds)]
    total_bytes = sum(map(len, bodies))
    print(f"{args.feeds} feeds x {args.items} items, {total_bytes / 1e6:.1f} MB, "
          f"latency {args.latency * 1000:.0f} ms, {args.concurrency} at once, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp, LatencyServer(bodies, latency=args.latency) as server:
        db = Path(tmp) / "bench.db"
        opml = Path(tmp) / "bench.opml"
        opml.write_text("<opml><body>" + "".join(
            f'<outline text="Outlet {i}" xmlUrl="{server.url(i)}"/>' for i in range(args.feeds))
            + "</body></opml>")
        run_cli(db, "sources", "import", str(opml))
        entries = args.feeds * args.items
        fetch_args = ("fetch", "--all", "--concurrency", str(args.concurrency))
        full, summary = run_cli(db, *fetch_args)
        print(f"full fetch:      {full:6.2f} s  {args.feeds / full:7.1f} feeds/s  "
              f"{entries / full:8.0f} entries/s   ({summary})")
        again, summary = run_cli(db, *fetch_args)
        print(f"unchanged fetch: {again:6.2f} s  {args.feeds / again:7.1f} feeds/s"
              f"{'':20}({summary})")
        startup, _ = run_cli(db, "--version")
        floor = -(-args.feeds // args.concurrency) * args.latency
        print(f"  of which process start-up {startup:.2f} s; latency floor at {args.concurrency} at once "
              f"{floor:.2f} s")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak memory of the fetch process: {peak:.0f} MB")
    cpu, count = core_throughput(bodies)
    print(f"parse+normalize+sanitize+store, one core: {count / cpu:,.0f} entries/s "
          f"({count} entries in {cpu:.2f} s CPU)")


if __name__ == "__main__":
    main()
