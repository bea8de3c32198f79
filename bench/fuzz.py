"""Coverage-guided fuzzing of parse -> normalize -> sanitize -> store, with atheris.

    .venv/bin/pip install atheris        # or: pip install -e '.[fuzz]'
    .venv/bin/python bench/fuzz.py [--seconds 300] [--crashes DIR] [--corpus DIR]

Each input is one fetched body (its first byte picks the Content-Type the server sent). It
goes through parse_feed and normalize_feed, is stored in a temporary SQLite database in one
transaction, and every stored article is read back (by id, in a list and by search), and
the next check is scheduled from the feed's TTL. A ParseError is the expected answer to a
body that is not a feed; any other exception is a crash: the input is saved in --crashes
(one file per distinct exception type and place, named after them) and the run goes on,
so one run reports every kind of crash it reaches. At the end it prints the inputs
executed, the time and the crashes found. atheris is not a runtime dependency of NewsDesk.

The path itself is bench/fuzz_target.py (no atheris there): tests/unit/test_parse.py
replays every input kept in tests/fixtures/crashes/ through it. A libFuzzer-level crash
(a hang past -timeout, running out of memory) stops the run; its input is saved in
--crashes too. Extra arguments go to libFuzzer (e.g. -jobs=, -dict=).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["newsdesk", "feedparser"]):
    from bench.fuzz_target import run_one
    from newsdesk.errors import ParseError
    from newsdesk.store import open_store


class Harness:
    def __init__(self, seconds: float, crashes: Path, workdir: Path) -> None:
        self.deadline = time.monotonic() + seconds
        self.started = time.monotonic()
        self.crashes = crashes
        self.workdir = workdir
        self.runs = 0
        self.parse_errors = 0
        self.stored = 0
        self.found: dict[str, int] = {}
        self._open_store()

    def _open_store(self) -> None:
        path = self.workdir / "fuzz.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.store = open_store(path)
        self.source, _ = self.store.sources.add("https://fuzz.example/feed")

    def one(self, data: bytes) -> None:
        if time.monotonic() > self.deadline:
            self.finish()
        self.runs += 1
        if self.runs % 20000 == 0:  # keep the database small and fast
            self.store.close()
            self._open_store()
        try:
            self.stored += run_one(self.store, self.source, data)
        except ParseError:
            self.parse_errors += 1
        except Exception as exc:  # anything else is a bug: save the input, keep going
            self.crash(data, exc)

    def crash(self, data: bytes, exc: Exception) -> None:
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f"{Path(frame.filename).name}:{frame.lineno}" if frame else "?"
        key = f"{type(exc).__name__}@{where}"
        self.found[key] = self.found.get(key, 0) + 1
        if self.found[key] == 1:
            name = f"crash-{type(exc).__name__}-{where.replace(':', '-')}-" \
                   f"{hashlib.sha1(data).hexdigest()[:10]}"
            (self.crashes / name).write_bytes(data)
            (self.crashes / f"{name}.txt").write_text(
                "".join(traceback.format_exception(exc)), "utf-8")
            sys.stderr.write(f"\nCRASH {key}: {exc!r} -> {self.crashes / name}\n")

    def finish(self) -> None:
        minutes = (time.monotonic() - self.started) / 60
        lines = [f"inputs executed: {self.runs}", f"minutes: {minutes:.1f}",
                 f"ParseError (expected): {self.parse_errors}",
                 f"articles stored or updated: {self.stored}",
                 f"distinct crashes: {len(self.found)}"]
        lines += [f"  {key}: {count} inputs" for key, count in sorted(self.found.items())]
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
        self.store.close()
        shutil.rmtree(self.workdir, ignore_errors=True)
        os._exit(1 if self.found else 0)


def seed_corpus(corpus: Path) -> None:
    """Start from every feed the tests and the sample corpus ship."""
    sources = [*(ROOT / "tests" / "fixtures").rglob("*"), *(ROOT / "resources" / "sample").glob("*")]
    for path in sources:
        if path.is_file() and path.suffix in (".xml", ".rdf", ".json", ".atom", ".rss", ".html"):
            data = path.read_bytes()[:60000]
            (corpus / f"seed-{path.name}").write_bytes(b"\x00" + data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--crashes", type=Path, default=ROOT / "bench" / "fuzz-crashes")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="corpus folder kept between runs (default: a fresh temporary one)")
    args, extra = parser.parse_known_args()
    args.crashes.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-fuzz-"))
    corpus = args.corpus or workdir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    if not any(corpus.iterdir()):
        seed_corpus(corpus)
    logging.disable(logging.WARNING)  # skipped entries are expected; crashes are reported
    harness = Harness(args.seconds, args.crashes, workdir)
    atheris.Setup([sys.argv[0], *extra, "-max_len=65536", "-timeout=30",
                   f"-artifact_prefix={args.crashes}/", str(corpus)], harness.one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
