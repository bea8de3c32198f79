"""Stories and storylines on the command line: cluster, stories (list, merge, split, move,
pin, detach, explain), storylines (list, show, follow, unfollow)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from newsdesk.cli_types import Since, WholeNumber
from newsdesk.errors import NotFoundError
from newsdesk.store import Store
from newsdesk.textsafe import printable

ID = WholeNumber()
COUNT = WholeNumber()


def _store(ctx: click.Context) -> Store:
    """The run's store (opened by the root group's state, closed with it). Imported here:
    newsdesk.cli registers these commands while it is being imported."""
    from newsdesk.cli import _state

    return _state(ctx).store


def _editor(ctx: click.Context) -> str:
    from newsdesk.cli import _state

    return _state(ctx).editor


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


@click.command()
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.argument("target", type=click.File("w", encoding="utf-8"))
def cluster(source: Any, target: Any) -> None:
    """Group articles from a JSON-lines file into stories and storylines (no database).

    Each input line has id, title, text, date and source (url optional); each output line
    is {"id": ..., "cluster": ..., "storyline": ...} in the input's order (storyline null:
    a story linked to no other). Use - for standard input or output.
    """
    from newsdesk.analysis.stories.stream import cluster_stream
    from newsdesk.cli import _read_jsonl
    from newsdesk.formats.json import cluster_line

    placed = cluster_stream(_read_jsonl(source))
    sizes: dict[int | None, set[int]] = {}
    for _, story, line in placed:
        sizes.setdefault(line, set()).add(story)
    alone = {line for line, stories in sizes.items() if len(stories) < 2}
    for article_id, story, line in placed:
        target.write(cluster_line(article_id, story, None if line in alone else line) + "\n")
    if target.name != "<stdout>":
        stories = len({story for _, story, _ in placed})
        lines = len([line for line in sizes if line not in alone])
        click.echo(f"Placed {_plural(len(placed), 'article')} in {stories} "
                   f"stor{'ies' if stories != 1 else 'y'} and {_plural(lines, 'storyline')}.",
                   err=True)


@click.group(invoke_without_command=True)
@click.option("--since", type=Since(), help="Stories active on or after: 2024-05-01, or 3d, 12h, 2w ago.")
@click.option("--min-outlets", type=COUNT, default=1, show_default=True,
              help="Only stories covered by at least this many outlets.")
@click.option("--limit", type=COUNT, help="At most this many stories.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@click.pass_context
def stories(ctx: click.Context, since: datetime | None, min_outlets: int, limit: int | None,
            as_json: bool) -> None:
    """Stories in the database: outlets and article ids, largest and newest first.

    With a command: correct the grouping (merge, split, move, pin, detach; corrections
    hold through re-grouping) or say why a story holds its articles (explain).
    """
    if ctx.invoked_subcommand is not None:
        return
    from newsdesk.formats.json import story_line
    from newsdesk.services.stories import list_stories

    # catches up on articles stored before stories existed
    found = list_stories(_store(ctx), since=since, min_outlets=min_outlets, limit=limit)
    for story in found:
        if as_json:
            click.echo(story_line(story))
        else:
            outlets, size = len(story.outlets), story.size
            click.echo(printable(f"{story.id:>5}  {story.last_seen:%Y-%m-%d}  {outlets} "
                                 f"outlet{'s' * (outlets != 1)}, {size} article{'s' * (size != 1)}"
                                 f"  {story.label}"))
    if not found and not as_json:
        click.echo("No stories match.")


@stories.command("merge")
@click.argument("into", type=ID)
@click.argument("other", type=ID)
@click.pass_context
def stories_merge(ctx: click.Context, into: int, other: int) -> None:
    """Put every article of story OTHER into story INTO (kept through re-grouping)."""
    from newsdesk.services.corrections import merge_stories

    store = _store(ctx)
    moved = len(store.stories.members(other))
    merge_stories(store, into, other, editor=_editor(ctx))
    click.echo(f"Merged story {other} into story {into} ({_plural(moved, 'article')} moved).")


@stories.command("split")
@click.argument("story_id", type=ID)
@click.argument("article_ids", nargs=-1, required=True)
@click.pass_context
def stories_split(ctx: click.Context, story_id: int, article_ids: tuple[str, ...]) -> None:
    """Move ARTICLE_IDS of story STORY_ID into a new story of their own."""
    from newsdesk.services.corrections import split_story

    new, _ = split_story(_store(ctx), story_id, article_ids, editor=_editor(ctx))
    click.echo(f"Split {_plural(len(set(article_ids)), 'article')} off story {story_id} "
               f"into story {new}.")


@stories.command("move")
@click.argument("article_id")
@click.argument("story_id", type=ID)
@click.pass_context
def stories_move(ctx: click.Context, article_id: str, story_id: int) -> None:
    """Move article ARTICLE_ID into story STORY_ID (kept through re-grouping)."""
    from newsdesk.services.corrections import move_article

    move_article(_store(ctx), article_id, story_id, editor=_editor(ctx))
    click.echo(f"Moved article {article_id} into story {story_id}.")


@stories.command("pin")
@click.argument("article_id")
@click.pass_context
def stories_pin(ctx: click.Context, article_id: str) -> None:
    """Keep article ARTICLE_ID in the story it is in now, through re-grouping."""
    from newsdesk.services.corrections import pin_article

    store = _store(ctx)
    pin_article(store, article_id, editor=_editor(ctx))
    click.echo(f"Pinned article {article_id} to story {store.stories.story_of(article_id)}.")


@stories.command("detach")
@click.argument("story_id", type=ID)
@click.pass_context
def stories_detach(ctx: click.Context, story_id: int) -> None:
    """Take story STORY_ID out of its storyline for good."""
    from newsdesk.services.corrections import detach_story

    detach_story(_store(ctx), story_id, editor=_editor(ctx))
    click.echo(f"Story {story_id} is in no storyline now, and stays out of them.")


@stories.command("explain")
@click.argument("story_id", type=ID)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def stories_explain(ctx: click.Context, story_id: int, as_json: bool) -> None:
    """Why story STORY_ID holds each of its articles, and why it is in its storyline."""
    from newsdesk.formats.json import explanation_record, record_line
    from newsdesk.services.corrections import explain_story

    found = explain_story(_store(ctx), story_id)
    if as_json:
        click.echo(record_line(explanation_record(found)))
        return
    click.echo(printable(f"Story {found.story_id}: {found.label}"))
    for m in found.members:
        why = [f"similarity {m.similarity:.2f}", f"day {m.days_apart:.1f}"]
        if m.shared_names:
            why.append("names " + ", ".join(m.shared_names))
        if m.shared_terms:
            why.append("terms " + ", ".join(m.shared_terms))
        if m.copy_of:
            why.append(f"a copy of {m.copy_of}")
        if m.corrected:
            why.append(f"{m.corrected} by a user")
        click.echo(printable(f"  {m.article_id}  {m.outlet}  {m.title}"))
        click.echo(printable(f"      {'; '.join(why)}"))
    if found.storyline_id is not None:
        click.echo(printable(f"Storyline {found.storyline_id}: {found.storyline_reason}"))
    elif found.storyline_reason:
        click.echo(printable(f"Storyline: {found.storyline_reason}"))
    for c in found.corrections:
        click.echo(printable(f"Correction {c.id}: {c.kind} by {c.editor or 'someone'} "
                             f"on {c.created:%Y-%m-%d}"))


@click.group(invoke_without_command=True)
@click.option("--since", type=Since(), help="Newest event on or after: 2024-05-01, or 3d, 12h, 2w ago.")
@click.option("--limit", type=COUNT, help="At most this many storylines.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@click.pass_context
def storylines(ctx: click.Context, since: datetime | None, limit: int | None,
               as_json: bool) -> None:
    """Storylines: the events of one ongoing matter linked across weeks, newest event
    first (a story linked to no other is not one).

    With a command: show one's timeline, follow or unfollow it.
    """
    if ctx.invoked_subcommand is not None:
        return
    from newsdesk.formats.json import storyline_line
    from newsdesk.services.storylines import list_storylines

    found = list_storylines(_store(ctx), since=since, limit=limit, catch_up=True)
    for line in found:
        if as_json:
            click.echo(storyline_line(line))
        else:
            mark = "*" if line.followed else " "
            click.echo(printable(
                f"{line.id:>5}{mark} {line.first_seen:%Y-%m-%d}..{line.last_seen:%Y-%m-%d}  "
                f"{_plural(line.events, 'event')}, {_plural(len(line.outlets), 'outlet')}"
                f"  {line.label}"))
    if not found and not as_json:
        click.echo("No storylines yet: a storyline needs two events of one matter.")


@storylines.command("show")
@click.argument("storyline_id", type=ID)
@click.pass_context
def storylines_show(ctx: click.Context, storyline_id: int) -> None:
    """A storyline's timeline: its events oldest first, who covered each, who stayed silent."""
    from newsdesk.services.storylines import timeline

    found = timeline(_store(ctx), storyline_id)
    line = found.storyline
    click.echo(printable(f"Storyline {line.id}: {line.label}"))
    click.echo(f"{line.first_seen:%Y-%m-%d} to {line.last_seen:%Y-%m-%d}, "
               f"{_plural(line.events, 'event')}, {_plural(len(found.outlets), 'outlet')}")
    for event in found.events:
        story = event.story
        click.echo(printable(f"  {story.first_seen:%Y-%m-%d}  story {story.id}  {story.label}"))
        click.echo(printable(f"      covered by: {', '.join(event.outlets) or 'nobody'}"))
        if event.silent:
            click.echo(printable(f"      silent: {', '.join(event.silent)}"))


@storylines.command("follow")
@click.argument("storyline_id", type=ID)
@click.pass_context
def storylines_follow(ctx: click.Context, storyline_id: int) -> None:
    """Follow a storyline: news when a new event joins it or a new outlet covers it."""
    from newsdesk.services.storylines import follow

    store = _store(ctx)
    follow(store, "storyline", str(storyline_id))
    click.echo(printable(f"Following storyline {storyline_id}: "
                         f"{store.stories.storyline(storyline_id).label}"))


@storylines.command("unfollow")
@click.argument("storyline_id", type=ID)
@click.pass_context
def storylines_unfollow(ctx: click.Context, storyline_id: int) -> None:
    """Stop following a storyline."""
    from newsdesk.services.storylines import followed, unfollow

    store = _store(ctx)
    if not any(f.kind == "storyline" and f.key == str(storyline_id) for f in followed(store)):
        raise NotFoundError(f"You do not follow storyline {storyline_id}.")
    unfollow(store, "storyline", str(storyline_id))
    click.echo(f"No longer following storyline {storyline_id}.")


COMMANDS: list[click.Command] = [cluster, stories, storylines]
