"""One refresh of a served store, in a process of its own (`python -m
newsdesk.server.refresh_worker URL`): fetch what is due, group it, warm comparisons.

`newsdesk serve` runs it so that grouping (pure Python, seconds of CPU after a big fetch)
never holds the server's interpreter while editors wait for answers. It logs to standard
error (the server's log); exit status 0 after a refresh, whatever its sources did, 1
when the store would not open.
"""

from __future__ import annotations

import logging
import sys

from newsdesk.errors import NewsdeskError

log = logging.getLogger("newsdesk.server.refresh")


def main(argv: list[str]) -> int:
    from newsdesk.services.refresh import refresh
    from newsdesk.store import open_store

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if len(argv) != 1:
        log.error("usage: python -m newsdesk.server.refresh_worker STORE_URL")
        return 2
    try:
        with open_store(argv[0]) as store:
            done = refresh(store, warm=True)
    except NewsdeskError as exc:
        log.error("%s", exc)
        return 1
    report = done.report
    log.info("refreshed %d sources: %d new articles, %d failed, %d placed in stories",
             len(report.sources), sum(len(s.new_ids) for s in report.sources),
             len(report.failed), done.placed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
