"""The archive's commands: `offline`, `sources set`, `cache`, `prune` and `versions`.

Registered on the command line by `newsdesk.cli` (kept apart so cli.py stays one screenful
per group). Like cli.py: parse, call services.offline, print; no logic of its own.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import click

from newsdesk.cli_types import Age, Since, Size, WholeNumber
from newsdesk.store.api import FULL_TEXT_MODES
from newsdesk.textsafe import one_line, printable

if TYPE_CHECKING:
    from newsdesk.cli import _State
    from newsdesk.offline.versions import DiffPart
    from newsdesk.services.offline import OfflineItem, OfflineReport
    from newsdesk.store import Store

ID = WholeNumber()
_CONTEXT = 12  # words of unchanged text kept around a change in a printed diff


def _store(ctx: click.Context) -> Store:
    state: _State = ctx.find_root().obj
    return state.store


def _progress_line(done: int, total: int, item: OfflineItem) -> None:
    """One line on the terminal, rewritten per article (nothing when not a terminal)."""
    what = item.outcome.replace("_", " ")
    if item.images_stored or item.images_failed:
        what += f", {item.images_stored} images"
    line = printable(f"[{done}/{total}] {one_line(item.title)[:50]}: {what}")
    click.echo(f"\r\x1b[K{line[:100]}", nl=False, err=True)


_LABELS = {"kept_summary": "kept summary", "not_article": "not an article",
           "failed": "failed", "skipped": "skipped"}


def print_offline_report(report: OfflineReport) -> None:
    """The summary sentence, then each reason with how many articles it was."""
    click.echo(printable(report.summary()))
    for outcome, reason, count in report.reasons_by_outcome():
        click.echo(printable(f"  {_LABELS.get(outcome, outcome)} ({count}): {reason}"))


@click.command("offline")
@click.option("--all", "every", is_flag=True, help="Every stored article.")
@click.option("--source", "source_id", type=ID, help="This source's articles.")
@click.option("--story", "story_id", type=ID, help="This story's articles.")
@click.option("--topic", help="The articles matching this topic's query.")
@click.option("--since", type=Since(),
              help="Published on or after: 2024-05-01, or 3d, 12h, 2w ago.")
@click.option("--images", is_flag=True,
              help="Also cache the images of the articles whose remote images are allowed.")
@click.option("--allow-images", is_flag=True,
              help="Allow the chosen articles' remote images first (implies --images).")
@click.option("--retry", is_flag=True, help="Fetch again the pages that failed before.")
@click.pass_context
def offline_command(ctx: click.Context, every: bool, source_id: int | None,
                    story_id: int | None, topic: str | None, since: datetime | None,
                    images: bool, allow_images: bool, retry: bool) -> None:
    """Make articles readable offline: fetch the full text of those whose feed gave a
    summary only (sources whose full text is off are skipped), and with --images their
    images. The options combine: --source 3 --since 7d is source 3's last week."""
    from newsdesk.services.offline import make_offline, offline_selection

    store = _store(ctx)
    try:
        query = offline_selection(store, every=every, source_id=source_id, story_id=story_id,
                                  topic=topic, since=since)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    tty = sys.stderr.isatty()
    report = make_offline(store, query, images=images or allow_images,
                          allow_images=allow_images, retry=retry,
                          progress=_progress_line if tty else None)
    if tty and report.items:
        click.echo("\r\x1b[K", nl=False, err=True)
    print_offline_report(report)


@click.command("set")
@click.argument("source_id", type=ID)
@click.option("--full-text", "full_text", type=click.Choice(FULL_TEXT_MODES),
              help="When to fetch its articles' pages: off, on-demand (the reader's button, "
                   "'newsdesk offline') or always (after each fetch, for summaries).")
@click.pass_context
def sources_set(ctx: click.Context, source_id: int, full_text: str | None) -> None:
    """Change a source's settings."""
    from newsdesk.services.offline import set_full_text_mode
    from newsdesk.services.sources import get_source

    if full_text is None:
        raise click.UsageError("Say what to set: --full-text off|on-demand|always.")
    store = _store(ctx)
    changed = set_full_text_mode(store, source_id, full_text)
    name = printable(get_source(store, source_id).source.display_name)
    if changed:
        click.echo(f"The full text of {name} (id {source_id}) is now {full_text}.")
    else:
        click.echo(f"The full text of {name} (id {source_id}) was {full_text} already.")


@click.command("cache")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object: sizes in bytes, and each source's.")
@click.pass_context
def cache_command(ctx: click.Context, as_json: bool) -> None:
    """How much the database and its image cache take, by source."""
    from newsdesk.formats.json import record_line, storage_record
    from newsdesk.services.offline import human_bytes, storage

    usage = storage(_store(ctx))
    if as_json:
        click.echo(record_line(storage_record(usage)))
        return
    file_size = human_bytes(usage.file_bytes) if usage.file_bytes else "in memory"
    click.echo(f"Database: {file_size} ({human_bytes(usage.free_bytes)} free: "
               "'newsdesk prune' compacts it).")
    click.echo(f"Articles: {usage.articles:,}; full texts: {usage.full_texts:,}; earlier "
               f"versions: {usage.versions:,}; images: {usage.assets:,} "
               f"({human_bytes(usage.asset_bytes)}).")
    rows = sorted(usage.sources, key=lambda s: (-s.total_bytes, s.title.casefold()))
    if not rows:
        return
    click.echo(f"{'Source':<32} {'Articles':>9} {'Full texts':>10} {'Versions':>9} "
               f"{'Images':>7} {'Size':>10}")
    for s in rows:
        title = printable(one_line(s.title or f"source {s.source_id}"))
        title = title if len(title) <= 32 else title[:31] + "…"
        click.echo(f"{title:<32} {s.articles:>9,} {s.full_texts:>10,} {s.versions:>9,} "
                   f"{s.assets:>7,} {human_bytes(s.total_bytes):>10}")


@click.command("prune")
@click.option("--older-than", "older_than", type=Age(), default=None, metavar="AGE",
              help="Remove read articles first stored longer ago than this: 90d, 12w, 48h "
                   "(default: the retention setting, else 90d).")
@click.option("--max-size", "max_size", type=Size(), default=None, metavar="SIZE",
              help="Then remove the oldest read articles until the database fits: 500MB.")
@click.option("--dry-run", is_flag=True, help="Say what would go; change nothing.")
@click.option("--no-vacuum", is_flag=True, help="Do not compact the file afterwards.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def prune_command(ctx: click.Context, older_than: timedelta | None, max_size: int | None,
                  dry_run: bool, no_vacuum: bool, yes: bool) -> None:
    """Remove old read articles (never starred, tagged, coded or noted ones, nor those of a
    story several outlets cover), old full texts and images over the cache's caps, then
    compact the database."""
    from newsdesk.services.offline import prune

    store = _store(ctx)
    if not dry_run and not yes and sys.stdin.isatty():
        planned = prune(store, older_than=older_than, max_bytes=max_size, dry_run=True)
        if not (planned.articles or planned.full_texts or planned.assets):
            click.echo(planned.summary())
            return
        click.confirm(printable(planned.summary()) + " Go ahead?", abort=True)
    report = prune(store, older_than=older_than, max_bytes=max_size, dry_run=dry_run,
                   vacuum=not no_vacuum)
    click.echo(report.summary())


def _shown_diff(parts: list[DiffPart]) -> str:
    """A word diff as plain text: [-removed-]{+added+}, long unchanged runs shortened."""
    out: list[str] = []
    for index, part in enumerate(parts):
        if part.op == "-":
            out.append(f"[-{part.text}-]")
        elif part.op == "+":
            out.append(f"{{+{part.text}+}}")
        else:
            out.append(_shorten(part.text, first=index == 0, last=index == len(parts) - 1))
    return "".join(out)


def _shorten(text: str, *, first: bool, last: bool) -> str:
    words = text.split(" ")
    if len(words) <= 2 * _CONTEXT + 1:
        return text
    head = [] if first else words[:_CONTEXT]
    tail = [] if last else words[-_CONTEXT:]
    return " ".join([*head, "…", *tail])


@click.command("versions")
@click.argument("article_id", metavar="ARTICLE_ID")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object: the article and its versions with their word diffs.")
@click.pass_context
def versions_command(ctx: click.Context, article_id: str, as_json: bool) -> None:
    """An article's earlier versions: when each was seen, where from (its feed or its
    page), its headline, and what the next version changed ([-removed-]{+added+})."""
    from newsdesk.formats.json import record_line, version_record
    from newsdesk.services.offline import article_history

    history = article_history(_store(ctx), article_id.strip())
    entries = []
    for version in history.versions:
        newer = history.next_of(version.number)
        diff = history.diff(version.number, newer) if newer is not None else None
        entries.append((version, newer is None, diff))
    if as_json:
        click.echo(record_line({"id": history.article_id,
                                "versions": [version_record(v, current=c, diff=d)
                                             for v, c, d in entries]}))
        return
    if not history.changed:
        first = history.versions[0]
        click.echo(printable(f"“{one_line(first.title)}” has not changed since it was first "
                             f"stored ({first.seen:%Y-%m-%d %H:%M} UTC)."))
        return
    for version, current, diff in entries:
        until = "now" if current else f"{version.replaced:%Y-%m-%d %H:%M}"
        click.echo(printable(f"{version.number:>3}. {version.seen:%Y-%m-%d %H:%M} – {until}  "
                             f"[{version.origin}]  {one_line(version.title)}"))
        if diff is None:
            continue
        title_diff, text_diff = diff
        if any(p.op != "=" for p in title_diff):
            click.echo(printable(f"     headline: {one_line(_shown_diff(title_diff))}"))
        if any(p.op != "=" for p in text_diff):
            click.echo(printable(f"     text: {one_line(_shown_diff(text_diff))}"))
    for line in history.headline_changes():
        click.echo(printable(one_line(line)))


COMMANDS = (offline_command, cache_command, prune_command, versions_command)
SOURCE_COMMANDS = (sources_set,)
