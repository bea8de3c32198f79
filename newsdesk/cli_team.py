"""The team's commands: `newsdesk copy SRC_URL DST_URL` (a whole database from one store to
another: SQLite to PostgreSQL, back, or SQLite to SQLite).

Registered on the command line by `newsdesk.cli`. Like cli.py: parse, call, print. Progress
goes to standard error (a line per table, and one a second while a big table copies); the
verified counts go to standard output.
"""

from __future__ import annotations

import sys
import time

import click

from newsdesk.cli_types import WholeNumber
from newsdesk.errors import NewsdeskError
from newsdesk.store.copying import PAGE_ROWS, CopyReport, copy_database
from newsdesk.textsafe import printable

_EVERY = 1.0  # seconds between two progress lines of one table


class _Progress:
    """Prints `table: copied/total rows` when a table ends and at most once a second
    while it copies."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, table: str, copied: int, total: int) -> None:
        now = time.monotonic()
        if copied < total and now - self.last < _EVERY:
            return
        self.last = now
        click.echo(f"{table}: {copied:,}/{total:,} rows", err=True)


def print_counts(report: CopyReport) -> None:
    """The receipt: rows per table on both ends, then one sentence."""
    width = max([len("table"), *(len(c.table) for c in report.counts)])
    click.echo(f"{'table':<{width}}  {'source':>10}  {'destination':>11}")
    for count in report.counts:
        mark = "" if count.source == count.destination else "  differs"
        click.echo(f"{count.table:<{width}}  {count.source:>10,}  {count.destination:>11,}{mark}")
    verb = "Resumed and finished the copy of" if report.resumed else "Copied"
    click.echo(f"{verb} {report.rows:,} rows in {report.seconds:.1f} s from "
               f"{printable(report.source)} to {printable(report.destination)}.")


@click.command("copy")
@click.argument("source")
@click.argument("destination")
@click.option("--page-rows", type=WholeNumber(), default=PAGE_ROWS, hidden=True,
              help="Rows per page (one destination transaction each).")
@click.option("--stop-after-pages", type=WholeNumber(), default=None, hidden=True,
              help="Stop after this many pages (tests of a copy cut short).")
def copy(source: str, destination: str, page_rows: int, stop_after_pages: int | None) -> None:
    """Copy a whole NewsDesk database, e.g. sqlite:///news.db to
    postgresql://user@host:5432/newsdesk, or back. Run it again after a failure or a
    kill: it goes on where it stopped. The source is only read."""
    try:
        report = copy_database(source, destination, page_rows=max(page_rows, 1),
                               progress=_Progress(), stop_after_pages=stop_after_pages)
    except KeyboardInterrupt:
        click.echo("Stopped. Run the same command again to go on where the copy stopped; "
                   "the source was not changed.", err=True)
        sys.exit(130)
    except NewsdeskError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    print_counts(report)
    if report.differences:
        names = ", ".join(c.table for c in report.differences)
        click.echo(f"Error: the destination's counts differ from the source's in {names}: "
                   "the source changed between two runs of the copy, another program wrote "
                   "to the destination, or the destination took two rows for one (names "
                   "that differ only in accented letters' case may be one in PostgreSQL). Copy "
                   "again into a new, empty database.", err=True)
        sys.exit(1)


COMMANDS = [copy]
