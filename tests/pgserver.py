"""A throwaway PostgreSQL server for tests: initdb into a temporary folder, start on a free
loopback port, hand out a fresh database per test, and remove it all at the end.

PostgreSQL refuses to run as root, so when the tests run as root the server programs run as
the `postgres` OS user (subprocess's user/group), in a folder that user owns; otherwise they
run as whoever we are. Durability is switched off (fsync, synchronous_commit, full page
writes): nothing here must survive a crash, and it makes initdb and CREATE DATABASE cheap.

A fresh database is a CREATE DATABASE ... TEMPLATE of a template the caller may prepare once
(run the migrations there), so each test gets a migrated, empty database without migrating.
Measured on this machine (2 shared cores): see `tests/unit/test_pgserver.py`'s docstring.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

PG_BIN = Path(os.environ.get("NEWSDESK_PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_USER = "postgres"  # the OS user the server runs as when we are root
SUPERUSER = "postgres"  # the database superuser initdb creates (trust auth, loopback only)

# Settings for a disposable server: no durability, small memory, quick to start and stop.
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "40",
    "shared_buffers": "32MB",
    "max_wal_size": "256MB",
    "autovacuum": "off",
    "log_min_messages": "warning",
}


# Run by a watchdog process beside the tests: it blocks reading a pipe whose other end only
# the test process holds, so it wakes when that process ends however it ends (a failure,
# SIGTERM, SIGKILL, where atexit and fixture teardown never run), stops the server if it is
# still up and removes the folder. After a clean stop() there is nothing left to do.
WATCHDOG = """
import os, shutil, subprocess, sys
pg_ctl, root, uid, gid = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.stdin.buffer.read()
if os.path.exists(os.path.join(root, "data", "postmaster.pid")):
    as_user = {"user": uid, "group": gid, "extra_groups": []} if uid >= 0 else {}
    subprocess.run([pg_ctl, "stop", "-D", os.path.join(root, "data"), "-m", "immediate", "-w"],
                   cwd=root, capture_output=True, check=False, **as_user)
shutil.rmtree(root, ignore_errors=True)
"""


class PgUnavailable(Exception):
    """PostgreSQL cannot be started here; the message is the sentence a skip shows."""


def unavailable_reason() -> str | None:
    """Why a test server cannot run on this machine, or None when it can."""
    missing = [name for name in ("initdb", "pg_ctl", "postgres") if not (PG_BIN / name).is_file()]
    if missing:
        return (
            f"PostgreSQL 15 is not installed ({', '.join(missing)} missing from {PG_BIN}), "
            "so the tests that need a PostgreSQL server are skipped."
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg 3 is not installed, so the tests that need a PostgreSQL server are skipped."
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return (
                f"Running as root and there is no {SERVER_USER!r} OS user to run PostgreSQL as, "
                "so the tests that need a PostgreSQL server are skipped."
            )
    return None


def free_port() -> int:
    """A loopback port nobody listens on right now (the server may still lose a race for it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_listening(port: int, timeout: float = 30.0) -> bool:
    """Whether something accepts connections on this loopback port within `timeout` (a
    server started as a process takes a moment to listen)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


class PgServer:
    """One PostgreSQL server in a temporary folder; `start()`, `new_database()`, `stop()`."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.port = 0
        self.start_seconds = 0.0
        self._started = False
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._templates: dict[str, str] = {}
        self._uid: int | None = None  # set when root: who the server programs run as
        self._gid: int | None = None
        self._watchdog: subprocess.Popen[bytes] | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> PgServer:
        reason = unavailable_reason()
        if reason:
            raise PgUnavailable(reason)
        began = time.perf_counter()
        self.root = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
        atexit.register(self.stop)  # a session that dies between start and teardown still cleans up
        uid = gid = -1
        if os.geteuid() == 0:
            entry = pwd.getpwnam(SERVER_USER)
            uid, gid = entry.pw_uid, entry.pw_gid
            os.chown(self.root, uid, gid)
            self._uid, self._gid = uid, gid
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", WATCHDOG, str(PG_BIN / "pg_ctl"), str(self.root), str(uid), str(gid)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C to the test's process group must not stop it first
        )
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
            "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        options = " ".join(f"-c {key}={value}" for key, value in SETTINGS.items())
        last_error = ""
        for _attempt in range(5):  # another process may take the probed port before we bind it
            self.port = free_port()
            started = self._run(
                "pg_ctl", "start", "-w", "-t", "30", "-D", str(self.data), "-l", str(self.root / "log"),
                "-o", f"{options} -c port={self.port} -c unix_socket_directories={self.root}",
                check=False,
            )  # fmt: skip
            if started.returncode == 0:
                self._started = True
                break
            last_error = started.stdout + started.stderr + self._log_tail()
        else:
            self.stop()
            raise PgUnavailable(f"PostgreSQL did not start: {last_error.strip()[-2000:]}")
        self.start_seconds = time.perf_counter() - began
        return self

    def stop(self) -> None:
        """Stop the server (immediately: nothing is worth keeping) and remove its folder."""
        if self.root is None:
            return
        if self._started:
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", check=False)
            self._started = False
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None
        atexit.unregister(self.stop)
        if self._watchdog is not None:  # nothing left for it to do: let it end
            assert self._watchdog.stdin is not None
            self._watchdog.stdin.close()
            self._watchdog.wait(timeout=10)
            self._watchdog = None

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- databases -------------------------------------------------------------------------

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql.encode())

    def template(self, name: str, prepare: Callable[[str], None] | None = None) -> str:
        """A template database made once per server: `prepare(url)` fills it (migrations)."""
        with self._lock:
            if name not in self._templates:
                database = f"tmpl_{name}"
                self.execute(f'CREATE DATABASE "{database}"')
                if prepare is not None:
                    prepare(self.url(database))
                self.execute(f"UPDATE pg_database SET datistemplate = true WHERE datname = '{database}'")
                self._templates[name] = database
            return self._templates[name]

    def new_database(self, template: str = "template0", strategy: str = "FILE_COPY") -> str:
        """A fresh database copied from `template`; returns its URL.

        FILE_COPY copies the template's files (one checkpoint); PostgreSQL 15's default,
        WAL_LOG, writes every page through the WAL, which is slower for small databases."""
        database = f"test_{os.getpid()}_{next(self._counter)}"
        self.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}" STRATEGY {strategy}')
        return self.url(database)

    def drop_database(self, url: str) -> None:
        database = url.rsplit("/", 1)[1]
        with contextlib.suppress(Exception):  # a test that broke its database must not fail teardown
            self.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    # -- helpers ---------------------------------------------------------------------------

    @property
    def data(self) -> Path:
        assert self.root is not None, "the server is not started"
        return self.root / "data"

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert self.root is not None
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC"}
        done = subprocess.run(
            [str(PG_BIN / program), *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            user=self._uid,
            group=self._gid,
            extra_groups=None if self._uid is None else [],  # drop root's groups too
        )
        if check and done.returncode != 0:
            raise PgUnavailable(f"{program} failed: {(done.stdout + done.stderr).strip()[-2000:]}")
        return done

    def _log_tail(self) -> str:
        assert self.root is not None
        log = self.root / "log"
        return log.read_text(errors="replace")[-1000:] if log.exists() else ""
