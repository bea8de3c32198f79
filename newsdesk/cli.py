"""The command line: parse arguments, call the services, print. No logic of its own."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newsdesk import __version__
from newsdesk.cli_types import Since, WholeNumber, deliver
from newsdesk.config import FetchSettings, default_db_path
from newsdesk.errors import NewsdeskError
from newsdesk.models import Article, RefreshReport, SourceReport
from newsdesk.store import Store, open_store
from newsdesk.textsafe import printable

if TYPE_CHECKING:
    from newsdesk.services.sources import Followed


class _PipeClosed(Exception):
    """Whoever read our output went away (`newsdesk articles | head`): not an error."""


class _Commands(click.Group):
    """The top group; a closed output pipe leaves click as _PipeClosed, not as an OSError
    (click would turn it into exit code 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise _PipeClosed() from exc

# Commands that only read: a mistyped --db for them says there is no database there instead
# of leaving a new empty one behind. Every other command (fetch, sources add/import/defaults,
# sample, gui, ...) creates the database when it is missing. The archive's commands work
# on what is stored (a missing database has nothing to make offline, prune or set).
_READING_COMMANDS = frozenset({"articles", "search", "stories", "stories explain",
                               "storylines", "storylines show", "compare", "sources list",
                               "sources export", "topics list", "tags list", "codebooks list",
                               "agreement", "export", "cache", "versions", "offline", "prune",
                               "sources set", "users list", "users remove", "users token",
                               "users revoke", "users passwd", "users disable",
                               "users enable"})


def _command_name(ctx: click.Context | None) -> str:
    """'sources list' for `newsdesk sources list` (the names below the root group)."""
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


class _State:
    def __init__(self, db: str, editor: str | None = None) -> None:
        self.db_path = db
        self.editor_option = editor
        self._store: Store | None = None

    @property
    def editor(self) -> str:
        """Who this run's annotations are by (resolved only by commands that write them,
        so a stray NEWSDESK_EDITOR never stops a reading command)."""
        from newsdesk.services.editors import resolve_editor

        return resolve_editor(self.editor_option)

    @property
    def store(self) -> Store:
        if self._store is None:
            reading = _command_name(click.get_current_context(silent=True)) in _READING_COMMANDS
            self._store = open_store(self.db_path, create=not reading)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _state(ctx: click.Context) -> _State:
    return ctx.ensure_object(_State)


ID = WholeNumber()
COUNT = WholeNumber()


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", default=None, metavar="PATH|URL",
              help="Database file or store URL, e.g. sqlite:///news.db (default: your "
                   "NewsDesk data folder).")
@click.option("--editor", "editor", default=None, metavar="NAME",
              help="Who the tags, codes and notes are by (default: $NEWSDESK_EDITOR, else "
                   "the settings file, else your user name).")
@click.option("-v", "--verbose", count=True, help="Log more (-vv for debug).")
@click.version_option(__version__, prog_name="newsdesk")
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, editor: str | None, verbose: int) -> None:
    """NewsDesk: read the news, follow a story, compare how outlets frame it."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # A plain string: click's path type would fold the URL's "///" into "/".
    ctx.obj = _State(db_path if db_path else str(default_db_path()), editor)
    ctx.call_on_close(ctx.obj.close)


# ---------------------------------------------------------------- sources


@cli.group()
def sources() -> None:
    """Add, list, remove, import and export the feeds you follow."""


@sources.command("add")
@click.argument("url")
@click.option("--folder", default="", help="Folder to file it under, e.g. 'News/Tech'.")
@click.option("--title", default="", help="Name to show instead of the feed's own title.")
@click.pass_context
def sources_add(ctx: click.Context, url: str, folder: str, title: str) -> None:
    """Follow a feed, by its URL or by a site URL (its feed is discovered)."""
    from newsdesk.services.sources import subscribe

    subscribed = subscribe(_state(ctx).store, url, folder=folder, title=title)
    source, report = subscribed.source, subscribed.report
    if not subscribed.created:
        click.echo(f"Already following {printable(source.display_name)} (id {source.id}).")
        return
    click.echo(f"Added {printable(source.display_name)} (id {source.id}): {printable(source.url)}")
    if report is not None:
        click.echo(f"  {_describe(report)}")


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@click.pass_context
def sources_list(ctx: click.Context, as_json: bool) -> None:
    """List the sources with their folder, article count and last error."""
    from newsdesk.formats.json import source_line
    from newsdesk.services.sources import list_sources

    rows = list_sources(_state(ctx).store)
    if as_json:
        for row in rows:
            click.echo(source_line(row.source, row.articles))
        return
    if not rows:
        click.echo("No sources yet. Try 'newsdesk sources defaults' or 'newsdesk sample'.")
        return
    for row in rows:
        s = row.source
        status = f"  ! {s.last_error_message}" if s.error_count else ""
        folder = f"[{s.folder}] " if s.folder else ""
        full = "" if s.full_text == "on-demand" else f", full text {s.full_text}"
        click.echo(printable(f"{s.id:>4}  {folder}{s.display_name}  ({row.articles} "
                             f"articles{full}){status}") + f"\n      {printable(s.url)}")


@sources.command("remove")
@click.argument("source_id", type=ID)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def sources_remove(ctx: click.Context, source_id: int, yes: bool) -> None:
    """Stop following a source and delete its articles."""
    from newsdesk.services.sources import get_source, remove_source

    store = _state(ctx).store
    row = get_source(store, source_id)
    source, count = row.source, row.articles
    if not yes and sys.stdin.isatty():
        click.confirm(f"Remove {printable(source.display_name)} and its {count} articles?", abort=True)
    remove_source(store, source_id)
    click.echo(f"Removed {printable(source.display_name)} and {count} articles.")


@sources.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def sources_import(ctx: click.Context, file: Path) -> None:
    """Follow every feed in an OPML file (folders kept). Fetch them with 'newsdesk fetch'."""
    from newsdesk.services.sources import import_opml

    _print_followed(import_opml(_state(ctx).store, file), str(file))


@sources.command("defaults")
@click.pass_context
def sources_defaults(ctx: click.Context) -> None:
    """Follow NewsDesk's default outlets (tech policy, privacy, courts)."""
    from newsdesk.services.sources import follow_defaults

    _print_followed(follow_defaults(_state(ctx).store), "the default sources")


def _print_followed(followed: Followed, where: str) -> None:
    click.echo(f"Imported {followed.added} new sources from {where} "
               f"({followed.already} already followed).")


@sources.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def sources_export(ctx: click.Context, file: Path | None) -> None:
    """Write the sources as OPML to FILE (default: standard output)."""
    from newsdesk.services.sources import export_opml

    deliver(export_opml(_state(ctx).store), file)


# ---------------------------------------------------------------- fetch


def _describe(r: SourceReport) -> str:
    if r.outcome == "failed":
        return f"failed: {r.error_message} [{r.error_kind}]"
    if r.outcome == "not_modified":
        return "not modified"
    if r.outcome == "unchanged" and not r.new and not r.updated:
        return "unchanged"
    return f"{r.new} new, {r.updated} updated"


@cli.command()
@click.option("--source", "source_ids", type=ID, multiple=True, help="Only this source id.")
@click.option("--all", "fetch_all", is_flag=True, help="Every source, due or not.")
@click.option("--concurrency", type=WholeNumber(1, 128), default=None,
              help="Feeds fetched at once (default 16; never more than 2 per server).")
@click.pass_context
def fetch(ctx: click.Context, source_ids: tuple[int, ...], fetch_all: bool,
          concurrency: int | None) -> None:
    """Refresh the sources that are due, then print what came in."""
    from dataclasses import replace

    from newsdesk.services.refresh import choose_sources, refresh

    settings = FetchSettings()
    if concurrency is not None:
        settings = replace(settings, max_concurrency=concurrency)

    store = _state(ctx).store
    chosen = choose_sources(store, source_ids=source_ids, every_feed=fetch_all)
    tty = sys.stderr.isatty()

    def progress(done: int, total: int, report: SourceReport) -> None:
        if tty:
            line = printable(f"[{done}/{total}] {report.title[:40]}: {_describe(report)}")
            click.echo(f"\r\x1b[K{line[:100]}", nl=False, err=True)

    report = refresh(store, chosen, settings=settings, progress=progress).report
    if tty and report.sources:
        click.echo("\r\x1b[K", nl=False, err=True)
    _print_summary(report)
    _fetch_always(store, report, settings)


def _fetch_always(store: Store, report: RefreshReport, settings: FetchSettings) -> None:
    """After the fetch's summary: the full texts of the new articles of sources set to
    "always" (one more line, only when there was any to fetch)."""
    from newsdesk.services.offline import fetch_always

    new_ids = [i for source in report.sources for i in source.new_ids]
    if not new_ids:
        return
    fetched = fetch_always(store, new_ids, settings=settings)
    if fetched.items:
        click.echo(printable(fetched.summary()))


def _print_summary(report: RefreshReport) -> None:
    if not report.sources:
        click.echo("Nothing is due. Use --all to fetch every source now.")
        return
    failed = report.failed
    click.echo(f"Fetched {len(report.sources)} sources in {report.elapsed:.1f} s: "
               f"{report.new} new, {report.updated} updated, "
               f"{report.unchanged_sources} unchanged, {len(failed)} failed.")
    for r in failed:
        click.echo(printable(f"  failed  {r.title}: {r.error_message} [{r.error_kind}]"))


# ---------------------------------------------------------------- reading


def _print_articles(store: Store, articles: list[Article], as_json: bool) -> None:
    from newsdesk.formats.json import article_line
    from newsdesk.services.annotations import annotations_by_article
    from newsdesk.services.offline import full_texts_of, version_counts
    from newsdesk.services.reading import sources_by_id

    sources = sources_by_id(store)
    ids = [a.id for a in articles] if as_json else []
    notes = annotations_by_article(store, ids) if as_json else {}
    texts = full_texts_of(store, ids) if as_json else {}
    versions = version_counts(store, ids) if as_json else {}
    for a in articles:
        if as_json:
            click.echo(article_line(a, sources.get(a.source_id), notes.get(a.id, []),
                                    fulltext=texts.get(a.id), versions=versions.get(a.id, 0)))
        else:
            name = sources[a.source_id].display_name if a.source_id in sources else a.outlet
            click.echo(printable(f"{a.published:%Y-%m-%d %H:%M}  {name[:22]:<22}  {a.title}"))
    if not as_json and not articles:
        click.echo("No articles match.")


@cli.command()
@click.option("--source", "source_id", type=ID, help="Only this source id.")
@click.option("--topic", help="Only articles matching this topic's query.")
@click.option("--since", type=Since(), help="Published on or after: 2024-05-01, or 3d, 12h, 2w ago.")
@click.option("--tag", help="Only articles with this tag.")
@click.option("--untagged", is_flag=True, help="Only articles without any tag.")
@click.option("--limit", type=COUNT, help="At most this many, newest first.")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object a line (with the article's tags, notes and codes).")
@click.pass_context
def articles(ctx: click.Context, source_id: int | None, topic: str | None, since: datetime | None,
             tag: str | None, untagged: bool, limit: int | None, as_json: bool) -> None:
    """List stored articles, newest first."""
    store = _state(ctx).store
    if tag is not None or untagged:
        from newsdesk.services.annotations import list_articles as list_annotated

        found = list_annotated(store, tag=tag, untagged=untagged, source_id=source_id,
                               topic=topic, since=since, limit=limit)
    else:
        from newsdesk.services.reading import list_articles

        found = list_articles(store, source_id=source_id, topic=topic, since=since, limit=limit)
    _print_articles(store, found, as_json)


@cli.command()
@click.argument("query")
@click.option("--limit", type=COUNT, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@click.pass_context
def search(ctx: click.Context, query: str, limit: int, as_json: bool) -> None:
    """Full-text search over titles and text (words, "phrases", AND, OR, NOT, prefix*, parentheses)."""
    from newsdesk.services.reading import search_articles

    store = _state(ctx).store
    _print_articles(store, search_articles(store, query, limit=limit), as_json)


# ---------------------------------------------------------------- topics


@cli.group()
def topics() -> None:
    """Saved searches over all outlets."""


@topics.command("list")
@click.pass_context
def topics_list(ctx: click.Context) -> None:
    """List topics with their queries."""
    from newsdesk.services.topics import list_topics

    for t in list_topics(_state(ctx).store):
        click.echo(f"{t.name}\n    {t.query}")


@topics.command("add")
@click.argument("name")
@click.argument("query")
@click.option("--description", default="", help="A line saying what the topic is for.")
@click.pass_context
def topics_add(ctx: click.Context, name: str, query: str, description: str) -> None:
    """Save (or change) a topic: NAME and a search QUERY (the syntax of 'newsdesk search')."""
    from newsdesk.services.topics import save_topic

    topic = save_topic(_state(ctx).store, name, query, description).topic
    click.echo(f"Saved topic {topic.name!r}.")


@topics.command("rename")
@click.argument("old")
@click.argument("new")
@click.option("--query", default=None, help="Give it this search query too.")
@click.pass_context
def topics_rename(ctx: click.Context, old: str, new: str, query: str | None) -> None:
    """Rename topic OLD to NEW (and change its query with --query) in one step.

    A query that is not valid leaves the topic as it was."""
    from newsdesk.services.topics import rename_topic

    topic = rename_topic(_state(ctx).store, old, new, query=query).topic
    click.echo(f"Renamed topic {old!r} to {topic.name!r}"
               + (f"; its query is now {topic.query!r}." if query is not None else "."))


@topics.command("remove")
@click.argument("name")
@click.pass_context
def topics_remove(ctx: click.Context, name: str) -> None:
    """Delete a topic (articles are not touched)."""
    from newsdesk.services.topics import remove_topic

    remove_topic(_state(ctx).store, name)
    click.echo(f"Removed topic {name!r}.")


# ---------------------------------------------------------------- stories


def _text_lines(handle: Any) -> Any:
    """The lines of a text stream; bytes that are not UTF-8 get a sentence, not a traceback.

    (The decoder reads ahead in blocks, so the line at fault cannot be named reliably.)
    """
    while True:
        try:
            line = next(handle)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise click.ClickException("The input is not UTF-8 text.") from exc
        yield line


def _read_jsonl(handle: Any) -> Any:
    """Yield articles from a JSON-lines stream, with a clear error for a bad line."""
    from newsdesk.analysis.stories import StoryInput
    from newsdesk.ingest.parse import parse_datetime

    for number, line in enumerate(_text_lines(handle), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            when = parse_datetime(str(row["date"]))
            if when is None:
                raise ValueError(f"date {row['date']!r} is not ISO 8601")
            yield StoryInput(id=str(row["id"]), title=str(row.get("title") or ""),
                             text=str(row.get("text") or ""), published=when,
                             source=str(row.get("source") or ""), url=row.get("url"))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            raise click.ClickException(f"Line {number} of the input is not an article "
                                       f"({detail}).") from exc


@cli.command("compare")
@click.argument("story_id", type=ID)
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md",
              show_default=True,
              help="Markdown to paste, HTML (one self-contained file with charts) to send, "
                   "JSON for tools.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.pass_context
def compare_command(ctx: click.Context, story_id: int, fmt: str, output: Path | None) -> None:
    """How each outlet frames one story (see 'newsdesk stories' for ids)."""
    from newsdesk.formats.comparison_json import to_json
    from newsdesk.formats.markdown_report import to_markdown
    from newsdesk.services.comparisons import compare_story, story_urls

    store = _state(ctx).store
    label, comparison = compare_story(store, story_id)
    if fmt == "html":
        from newsdesk.formats.html_report import to_html

        urls = story_urls(store, story_id)
        text = to_html(label, comparison, urls=urls)
    elif fmt == "md":
        text = to_markdown(label, comparison, urls=story_urls(store, story_id))
    else:
        text = to_json(label, comparison)
    deliver(text + "\n", output)


# ---------------------------------------------------------------- sample and gui


@cli.command()
@click.pass_context
def sample(ctx: click.Context) -> None:
    """Load the offline sample corpus (invented outlets and events, clearly marked)."""
    from newsdesk.services.sample import load_sample

    loaded = load_sample(_state(ctx).store).sample
    click.echo(f"Loaded the sample corpus: {loaded.outlets} sample outlets, {loaded.new} new "
               f"articles ({loaded.unchanged + loaded.updated} already there).")
    for title, why in loaded.failed:
        click.echo(f"  not loaded: {title}: {why}")


@cli.command()
@click.pass_context
def gui(ctx: click.Context) -> None:
    """Open the NewsDesk window."""
    try:
        from newsdesk.gui.app import run_gui
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] == "PySide6":  # a headless install: no [gui] extra
            raise click.ClickException(
                "The window needs PySide6: pip install 'newsdesk[gui]'") from exc
        raise click.ClickException(
            f"The window cannot start: Qt is not usable here ({exc}).") from exc
    state = _state(ctx)
    sys.exit(run_gui(state.db_path))


def _register_archive() -> None:
    """The archive's commands (newsdesk.cli_archive): offline, cache, prune, versions and
    `sources set`."""
    from newsdesk.cli_archive import COMMANDS, SOURCE_COMMANDS

    for command in COMMANDS:
        cli.add_command(command)
    for command in SOURCE_COMMANDS:
        sources.add_command(command)


_register_archive()


def _register_more() -> None:
    """Commands that live in their own modules: stories and storylines
    (newsdesk.cli_stories), the coverage desk (newsdesk.cli_desk), the loaded-language
    detector (newsdesk.cli_loaded); who may sign in to a served store (newsdesk.cli_users),
    the server itself (newsdesk.cli_serve) and the team's `copy` (newsdesk.cli_team)."""
    from newsdesk.cli_desk import COMMANDS as DESK
    from newsdesk.cli_loaded import COMMANDS as LOADED
    from newsdesk.cli_serve import COMMANDS as SERVE
    from newsdesk.cli_stories import COMMANDS as STORIES
    from newsdesk.cli_team import COMMANDS as TEAM
    from newsdesk.cli_users import COMMANDS as USERS

    for command in [*STORIES, *DESK, *LOADED, *USERS, *SERVE, *TEAM]:
        cli.add_command(command)


_register_more()


def main(argv: list[str] | None = None) -> int:
    """Entry point: a NewsdeskError becomes a one-line message, never a traceback."""
    try:
        cli.main(args=argv, prog_name="newsdesk", standalone_mode=False)
        sys.stdout.flush()  # a reader that left early shows up here, not at exit
    except (_PipeClosed, BrokenPipeError):
        _quiet_stdout()
        return 0
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except NewsdeskError as exc:
        click.echo(f"Error: {exc}", err=True)
        return 1
    except OSError as exc:  # a file the user named, a full disk, a permission
        where = f" ({exc.filename})" if exc.filename else ""
        click.echo(f"Error: {exc.strerror or exc}{where}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    return 0


def _quiet_stdout() -> None:
    """Point standard output at the null device so the interpreter's last flush of what
    is still buffered cannot fail (and print 'Exception ignored') after the reader left."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test runner's capture)
        pass
