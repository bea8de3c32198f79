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
            time.sleep(1.1)  # past the first lease: only renewals keep it
            later = start + timedelta(seconds=2.05)
            assert store.leases.holder("exclusive:grouping", now=later) == sections.holder
        time.sleep(0.3)  # a renewal due now finds nothing to extend
        assert store.leases.holder("exclusive:grouping") is None
