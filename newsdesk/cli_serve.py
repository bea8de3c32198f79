"""`newsdesk serve`: the headless server (newsdesk.server.serve) as a command.

It runs until SIGTERM or Ctrl-C, logging to standard error; a wrong address, a port in
use or a store that will not open is one sentence and exit status 1.
"""

from __future__ import annotations

import logging
import signal
import threading

import click

from newsdesk.errors import NewsdeskError


def _address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(f"{text!r} is not HOST:PORT (for example 127.0.0.1:8080)")
    return host.strip("[]") or "127.0.0.1", int(port)


@click.command("serve")
@click.option("--listen", default="127.0.0.1:8080", show_default=True, metavar="HOST:PORT",
              help="Where to answer the Google Reader API (put TLS in front: see README).")
@click.option("--every", type=click.IntRange(10, 86_400), default=300, show_default=True,
              metavar="SECONDS", help="How often to look for sources that are due.")
@click.pass_context
def serve(ctx: click.Context, listen: str, every: int) -> None:
    """Fetch on the schedule, group stories, warm comparisons and serve the Google Reader
    API at /api/greader.php until SIGTERM or Ctrl-C. Logs to standard error."""
    from newsdesk.cli import _state
    from newsdesk.server.serve import Server, ServeSettings

    host, port = _address(listen)
    # A server's log says what it does (INFO, with times) unless -v asked for more.
    logging.basicConfig(level=min(logging.getLogger().level, logging.INFO), force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server = Server(ServeSettings(_state(ctx).db_path, host, port, float(every)))
    except OSError as exc:
        raise NewsdeskError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.") from exc
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        server.start()
    except NewsdeskError:
        server.stop()
        raise
    click.echo(f"Serving the Google Reader API at {server.address} (SIGTERM or Ctrl-C "
               "stops).", err=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    click.echo("Stopped.", err=True)


COMMANDS = [serve]
