"""SQLite's exclusive sections (newsdesk.store.sql.leases.LeaseSections): the lease is
renewed while the section runs, and never taken back once given up."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from newsdesk.store import open_store
from newsdesk.store.sql.leases import LeaseSections


def test_a_running_section_renews_its_lease_and_a_finished_one_leaves_none(tmp_path):
    with open_store(tmp_path / "l.db") as store:
        sections = LeaseSections(store.leases, seconds=1, renew_every=0.1)
        start = datetime.now(UTC)
        with sections.exclusive("grouping") as held:
            assert held
            # The first lease ends by start + 2 s (stored to the second, rounded up): held
            # at start + 2.5 s means a renewal ran. Polled, so a loaded machine only waits.
            later = start + timedelta(seconds=2.5)
            deadline = time.monotonic() + 10
            while (store.leases.holder("exclusive:grouping", now=later) != sections.holder
                   and time.monotonic() < deadline):
                time.sleep(0.05)
            assert store.leases.holder("exclusive:grouping", now=later) == sections.holder
        time.sleep(0.3)  # a renewal due now finds nothing to extend
        assert store.leases.holder("exclusive:grouping") is None
