"""The coverage desk on the command line: what editors do with articles and stories.

`tag` and `untag`, `tags` (list, rename, merge, color, remove), `note`, `code` and
`uncode`, `codebooks` (list, add, remove), `agreement`, and the hand-over of the desk's
work: `export` and `import`. Registered by `newsdesk.cli` (kept apart so cli.py stays one
screenful per group). Like cli.py: parse, call services.annotations and services.coverage,
print; no logic of its own.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsdesk.cli_types import Since, WholeNumber, deliver
from newsdesk.textsafe import printable

if TYPE_CHECKING:
    from newsdesk.cli import _State

ID = WholeNumber()


def _state(ctx: click.Context) -> _State:
    """The run's state (its store and editor). Imported here: newsdesk.cli registers these
    commands while it is being imported."""
    from newsdesk.cli import _state as state

    return state(ctx)


def _article_ids(value: str) -> list[str]:
    """The article ids of an ID argument: one id, or several separated by commas."""
    from newsdesk.services.annotations import AnnotationError

    ids = [part.strip() for part in value.split(",") if part.strip()]
    if not ids:
        raise AnnotationError("Give an article id (see 'newsdesk articles --json').")
    return ids


def _story_id(value: str) -> int:
    """A story id argument; one sentence (exit code 1) when it is not one."""
    from newsdesk.cli_types import SQLITE_MAX_INT
    from newsdesk.services.annotations import AnnotationError

    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= SQLITE_MAX_INT:
        raise AnnotationError(f"{printable(text[:40])!r} is not a story id: story ids are "
                              "whole numbers (see 'newsdesk stories').")
    return int(text)


@click.command("tag")
@click.argument("target", metavar="ID")
@click.argument("tags", nargs=-1, required=True)
@click.option("--story", "on_story", is_flag=True, help="ID is a story id: tag the story.")
@click.pass_context
def tag_command(ctx: click.Context, target: str, tags: tuple[str, ...], on_story: bool) -> None:
    """Give an article (or a story) one or more tags.

    \b
    ID is an article id (see 'newsdesk articles --json'); several, separated by commas,
    are tagged at once. With --story, ID is a story id (see 'newsdesk stories').
    """
    from newsdesk.services.annotations import tag_articles, tag_story

    state = _state(ctx)
    editor = state.editor
    edit = (tag_story(state.store, _story_id(target), tags, editor) if on_story
            else tag_articles(state.store, _article_ids(target), tags, editor))
    click.echo(printable(edit.summary))


@click.command("untag")
@click.argument("target", metavar="ID")
@click.argument("tags", nargs=-1, required=True)
@click.option("--story", "on_story", is_flag=True, help="ID is a story id: untag the story.")
@click.pass_context
def untag_command(ctx: click.Context, target: str, tags: tuple[str, ...], on_story: bool) -> None:
    """Take tags off an article (or a story), whoever gave them.

    \b
    ID is an article id; several, separated by commas, are untagged at once.
    With --story, ID is a story id.
    """
    from newsdesk.services.annotations import untag_articles, untag_story

    store = _state(ctx).store
    edit = (untag_story(store, _story_id(target), tags) if on_story
            else untag_articles(store, _article_ids(target), tags))
    click.echo(printable(edit.summary))


@click.group()
def tags() -> None:
    """The tags editors use: list, rename, merge, colour, remove."""


@tags.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@click.pass_context
def tags_list(ctx: click.Context, as_json: bool) -> None:
    """Every tag with its colour and how many articles and stories have it."""
    from newsdesk.formats.json import record_line, tag_record
    from newsdesk.services.annotations import list_tags

    found = list_tags(_state(ctx).store)
    for t in found:
        if as_json:
            click.echo(record_line(tag_record(t)))
        else:
            color = f"  {t.color}" if t.color else ""
            stories = f", {t.stories} stor{'ies' if t.stories != 1 else 'y'}" if t.stories else ""
            click.echo(printable(f"{t.name}{color}  ({t.articles} article"
                                 f"{'s' * (t.articles != 1)}{stories})"))
    if not found and not as_json:
        click.echo("No tags yet. Tag an article with 'newsdesk tag ID TAG'.")


@tags.command("rename")
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help="Print the renamed tag as JSON.")
@click.pass_context
def tags_rename(ctx: click.Context, old: str, new: str, as_json: bool) -> None:
    """Rename tag OLD to NEW, keeping every assignment (a NEW that exists: use merge)."""
    from newsdesk.formats.json import record_line, tag_record
    from newsdesk.services.annotations import find_tag, rename_tag

    store = _state(ctx).store
    rename_tag(store, old, new)
    renamed = find_tag(store, new)
    if as_json:
        click.echo(record_line(tag_record(renamed)))
    else:
        click.echo(printable(f"Renamed tag {old!r} to {renamed.name!r}."))


@tags.command("merge")
@click.argument("source", metavar="FROM")
@click.argument("into")
@click.option("--json", "as_json", is_flag=True, help="Print what moved as JSON.")
@click.pass_context
def tags_merge(ctx: click.Context, source: str, into: str, as_json: bool) -> None:
    """Move every assignment of tag FROM to INTO (created if missing), then delete FROM."""
    from newsdesk.formats.json import record_line, tag_record
    from newsdesk.services.annotations import find_tag, merge_tags

    store = _state(ctx).store
    moved, _ = merge_tags(store, source, into)
    merged = find_tag(store, into)
    if as_json:
        click.echo(record_line({"from": source, "into": tag_record(merged), "moved": moved}))
    else:
        where = "article or story" if moved == 1 else "articles or stories"
        click.echo(printable(f"Merged {source!r} into {merged.name!r} (it was on {moved} "
                             f"{where})."))


@tags.command("color", short_help="Give a tag a colour (#rrggbb), or none.")
@click.argument("name", metavar="TAG")
@click.argument("color", metavar="#RRGGBB", required=False, default="")
@click.pass_context
def tags_color(ctx: click.Context, name: str, color: str) -> None:
    """Give a tag a colour, e.g. '#1f77b4' (none: back to the default)."""
    from newsdesk.services.annotations import find_tag, set_tag_color

    store = _state(ctx).store
    set_tag_color(store, name, color)
    tag = find_tag(store, name)
    click.echo(printable(f"Tag {tag.name!r} is now {tag.color or 'without a colour'}."))


@tags.command("remove")
@click.argument("name", metavar="TAG")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def tags_remove(ctx: click.Context, name: str, yes: bool) -> None:
    """Delete a tag and take it off every article and story."""
    from newsdesk.services.annotations import find_tag, remove_tag

    store = _state(ctx).store
    tag = find_tag(store, name)
    if not yes and sys.stdin.isatty():
        click.confirm(printable(f"Remove {tag.name!r} from {tag.articles + tag.stories} "
                                "articles and stories?"), abort=True)
    count, _ = remove_tag(store, tag.name)
    click.echo(printable(f"Removed tag {tag.name!r} ({count} assignment{'s' * (count != 1)})."))


@click.command("note")
@click.argument("target", metavar="ID")
@click.argument("text")
@click.option("--quote", metavar="PASSAGE",
              help="Highlight this passage of the article's text with the note.")
@click.option("--story", "on_story", is_flag=True, help="ID is a story id: a note on the story.")
@click.pass_context
def note_command(ctx: click.Context, target: str, text: str, quote: str | None,
                 on_story: bool) -> None:
    """Keep a note on an article (or a story); with --quote, a highlight of a passage.

    \b
    ID is an article id; with --story, a story id. A passage that is not in the
    article's text is refused, and nothing is kept.
    """
    from newsdesk.services.annotations import AnnotationError, add_note, add_story_note

    state = _state(ctx)
    editor = state.editor
    if on_story:
        if quote is not None:
            raise AnnotationError("A story has no text to quote: use --quote with an article id.")
        edit = add_story_note(state.store, _story_id(target), text, editor)
    else:
        ids = _article_ids(target)
        if len(ids) > 1:
            raise AnnotationError("A note is on one article: give one article id.")
        edit = add_note(state.store, ids[0], text, editor, quote=quote)
    click.echo(printable(f"{edit.summary} Note id: {edit.added[0].id}"))


@click.command("code")
@click.argument("target", metavar="ID")
@click.argument("codebook")
@click.argument("value")
@click.pass_context
def code_command(ctx: click.Context, target: str, codebook: str, value: str) -> None:
    """Code an article with a value of a codebook (your earlier value is replaced).

    \b
    ID is an article id; several, separated by commas, are coded at once. VALUE is one
    of the codebook's values (any case) or its number (see 'newsdesk codebooks list').
    """
    from newsdesk.services.annotations import code_articles

    state = _state(ctx)
    editor = state.editor
    edit = code_articles(state.store, _article_ids(target), codebook, value, editor)
    click.echo(printable(edit.summary))


@click.command("uncode")
@click.argument("target", metavar="ID")
@click.argument("codebook")
@click.pass_context
def uncode_command(ctx: click.Context, target: str, codebook: str) -> None:
    """Remove your code of a codebook from an article (several: ids separated by commas)."""
    from newsdesk.services.annotations import uncode_articles

    state = _state(ctx)
    editor = state.editor
    edit = uncode_articles(state.store, _article_ids(target), codebook, editor)
    click.echo(printable(edit.summary))


@click.group()
def codebooks() -> None:
    """Codebooks: fixed sets of values editors code articles with."""


@codebooks.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@click.pass_context
def codebooks_list(ctx: click.Context, as_json: bool) -> None:
    """Every codebook with its values, numbered as 'newsdesk code' accepts them."""
    from newsdesk.formats.json import codebook_record, record_line
    from newsdesk.services.annotations import list_codebooks

    found = list_codebooks(_state(ctx).store)
    for book in found:
        if as_json:
            click.echo(record_line(codebook_record(book)))
            continue
        built_in = " (built-in)" if book.builtin else ""
        click.echo(printable(f"{book.name}{built_in}"))
        if book.description:
            click.echo(printable(f"    {book.description}"))
        for number, value in enumerate(book.values, 1):
            click.echo(printable(f"  {number:>2}. {value}"))
    if not found and not as_json:
        click.echo("No codebooks. Add one with 'newsdesk codebooks add NAME --values a,b,c'.")


@codebooks.command("add")
@click.argument("name")
@click.option("--values", "values", required=True, metavar="A,B,C",
              help="The values, in order, separated by commas.")
@click.option("--description", default="", help="A line saying what the codebook is for.")
@click.pass_context
def codebooks_add(ctx: click.Context, name: str, values: str, description: str) -> None:
    """Create a codebook NAME with these values."""
    from newsdesk.services.annotations import add_codebook

    book, changes = add_codebook(_state(ctx).store, name, values.split(","), description)
    verb = "Added" if changes else "Already have"
    click.echo(printable(f"{verb} codebook {book.name!r}: {', '.join(book.values)}."))


@codebooks.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def codebooks_remove(ctx: click.Context, name: str, yes: bool) -> None:
    """Delete a codebook and every code made with it."""
    from newsdesk.services.annotations import find_codebook, remove_codebook

    store = _state(ctx).store
    book = find_codebook(store, name)
    if not yes and sys.stdin.isatty():
        click.confirm(printable(f"Remove the codebook {book.name!r} and its codes?"), abort=True)
    count, _ = remove_codebook(store, book.name)
    click.echo(printable(f"Removed codebook {book.name!r} and {count} code"
                         f"{'s' * (count != 1)}."))


@click.command("agreement")
@click.argument("codebook")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object: codebook, alpha, units, coders, values, disagreements.")
@click.pass_context
def agreement_command(ctx: click.Context, codebook: str, as_json: bool) -> None:
    """Intercoder agreement on a codebook: Krippendorff's alpha (nominal) over the articles
    two or more editors coded, and the articles they disagree on."""
    from newsdesk.formats.json import agreement_record, record_line
    from newsdesk.services.coverage import agreement_for

    result, titles = agreement_for(_state(ctx).store, codebook)
    if as_json:
        click.echo(record_line(agreement_record(result, titles)))
        return
    units = f"{result.units} article{'s' * (result.units != 1)}"
    coders = f"{result.coders} editor{'s' * (result.coders != 1)}"
    if result.alpha is None:
        why = ("no article is coded by two editors yet" if result.units == 0
               else "every editor chose the same value, so there is nothing to tell apart")
        click.echo(printable(f"{result.codebook}: alpha is not defined ({why}); {units} "
                             f"coded by {coders}."))
    else:
        click.echo(printable(f"{result.codebook}: alpha = {result.alpha:.3f} over {units} "
                             f"coded by {coders} ({result.values} values)."))
    if result.disagreements:
        click.echo(f"Disagreements ({len(result.disagreements)}):")
    for d in result.disagreements:
        click.echo(printable(f"  {titles.get(d.article_id) or '(untitled)'}  [{d.article_id}]"))
        click.echo(printable("      " + "; ".join(f"{e}: {v}" for e, v in d.codes)))


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "md", "html"]),
              default="md", show_default=True,
              help="csv: one row per article x annotation, for analysis (without the "
                   "grouping corrections); jsonl: for another NewsDesk's 'import', with the "
                   "corrections of the grouping; md or html: a coverage memo for people.")
@click.option("--tag", help="Only articles with this tag (a tagged story: all its articles).")
@click.option("--story", "story_id", type=ID, help="Only this story's articles.")
@click.option("--since", type=Since(), help="Published on or after: 2024-05-01, or 3d, 12h, 2w ago.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.pass_context
def export_command(ctx: click.Context, fmt: str, tag: str | None, story_id: int | None,
                   since: datetime | None, output: Path | None) -> None:
    """Export the desk's work: annotated articles with their tags, codes and notes (and,
    as jsonl, the corrections of the grouping: merges, splits, moves, pins, detaches).

    Without --tag or --story, every article with any annotation (and every correction;
    with them, the corrections touching those articles)."""
    from newsdesk.services.coverage import export

    text = export(_state(ctx).store, fmt, tag=tag, story_id=story_id, since=since)
    if text and not text.endswith("\n"):
        text += "\n"
    deliver(text, output)  # nothing at all on standard output when nothing is covered


@click.command("import")
@click.argument("file", metavar="FILE.jsonl", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, file: Path) -> None:
    """Import another desk's 'export --format jsonl': its tags, codes and notes attach to
    the same articles here (found by URL, then GUID and feed), and its corrections of the
    grouping are applied here. Importing twice changes
    nothing; a malformed line changes nothing at all."""
    from newsdesk.services.coverage import import_annotations

    try:
        handle = file.open(encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"Cannot read {file}: {exc.strerror or exc}.") from exc
    from newsdesk.cli import _text_lines

    with handle:
        report = import_annotations(_state(ctx).store, _text_lines(handle))
    click.echo(printable(
        f"Imported {file}: {report.lines} line{'s' * (report.lines != 1)}; "
        f"{report.added} added, {report.unchanged} unchanged, {report.unmatched} unmatched "
        f"(on {report.unmatched_articles} article{'s' * (report.unmatched_articles != 1)} "
        f"not in this database), {report.conflicts} conflict"
        f"{'s' * (report.conflicts != 1)} (both sides kept)."))
    if report.corrections:
        click.echo(f"Applied {report.corrections} correction"
                   f"{'s' * (report.corrections != 1)} of the grouping.")


COMMANDS: list[click.Command] = [tag_command, untag_command, tags, note_command, code_command,
                                  uncode_command, codebooks, agreement_command, export_command,
                                  import_command]
