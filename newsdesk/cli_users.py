"""Who may sign in to a served store, on the command line: `newsdesk users add`, `remove`,
`list`, `token`, `revoke`, `passwd`, `disable` and `enable`. Registered by `newsdesk.cli`. Like
cli.py: parse, call services.users, print; no logic of its own. Hashing is the faces'
(newsdesk.server.passwords; services import no face), done here before the store sees
anything.

A password is read from standard input, one line (so a script can pipe it in and it never
shows in the process list or the shell's history); at a terminal it is asked for twice,
without echo. A new API token is printed once, alone on standard output, and only its hash
is stored.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from newsdesk.dates import to_iso
from newsdesk.textsafe import printable

if TYPE_CHECKING:
    from newsdesk.cli import _State


def _state(ctx: click.Context) -> _State:
    """The run's state (its store). Imported here: newsdesk.cli registers these commands
    while it is being imported."""
    from newsdesk.cli import _state as state

    return state(ctx)


def read_password(prompt: str = "Password") -> str:
    """The password: asked twice without echo at a terminal, else the first line of
    standard input (its line ending dropped, nothing else). Empty is refused by the
    service (a sentence)."""
    stdin = sys.stdin
    if stdin is not None and stdin.isatty():
        return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True,
                                err=True))
    line = stdin.readline() if stdin is not None else ""
    return str(line).rstrip("\r\n")


def _tokens(count: int) -> str:
    return f"{count} token{'s' * (count != 1)}"


@click.group()
def users() -> None:
    """Who may sign in to `newsdesk serve`: add, remove, list, tokens, passwords."""


@users.command("add")
@click.argument("name")
@click.pass_context
def users_add(ctx: click.Context, name: str) -> None:
    """Add a user; the password is read from standard input (one line), or asked for
    twice at a terminal."""
    from newsdesk.server.passwords import hash_password
    from newsdesk.services.users import add_user, check_new_name, check_password

    store = _state(ctx).store
    check_new_name(store, name)  # a bad or taken name is said before the password is asked
    password = check_password(read_password())
    user = add_user(store, name, hash_password(password))
    click.echo(printable(f"Added user {user.name}."))


@users.command("remove")
@click.argument("name")
@click.pass_context
def users_remove(ctx: click.Context, name: str) -> None:
    """Remove a user and their API tokens."""
    from newsdesk.services.users import remove_user

    user = remove_user(_state(ctx).store, name)
    click.echo(printable(f"Removed user {user.name} and {_tokens(user.tokens)}."))


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line.")
@click.pass_context
def users_list(ctx: click.Context, as_json: bool) -> None:
    """Every user: name, when added, how many API tokens, whether disabled."""
    from newsdesk.formats.json import record_line, user_record
    from newsdesk.services.users import list_users

    for user in list_users(_state(ctx).store):
        if as_json:
            click.echo(record_line(user_record(user)))
        else:
            disabled = "  disabled" if user.disabled else ""
            click.echo(printable(f"{user.name}  added {to_iso(user.created)}  "
                                 f"{_tokens(user.tokens)}{disabled}"))


@users.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for, e.g. 'phone'.")
@click.pass_context
def users_token(ctx: click.Context, name: str, label: str) -> None:
    """Issue a new API token for a user and print it (once: only its hash is kept)."""
    from newsdesk.server.passwords import issue_token
    from newsdesk.services.users import add_token

    issued = issue_token()
    user = add_token(_state(ctx).store, name, issued.digest, label)
    click.echo(issued.token)
    what = f" ({label.strip()})" if label.strip() else ""
    click.echo(printable(f"A new API token for {user.name}{what}: it is shown only "
                         "this once."), err=True)


@users.command("revoke")
@click.argument("name")
@click.option("--label", default=None, help="Only the tokens with this label.")
@click.option("--all", "every", is_flag=True, help="Every token of the user.")
@click.pass_context
def users_revoke(ctx: click.Context, name: str, label: str | None, every: bool) -> None:
    """Forget a user's API tokens (by label, or --all): those reader apps sign in again."""
    from newsdesk.services.users import UserError, revoke_tokens

    if every == (label is not None):
        raise UserError("Say which tokens: --label LABEL, or --all.")
    user, gone = revoke_tokens(_state(ctx).store, name, label)
    click.echo(printable(f"Revoked {_tokens(gone)} of {user.name}; {user.tokens} left."))


@users.command("passwd")
@click.argument("name")
@click.pass_context
def users_passwd(ctx: click.Context, name: str) -> None:
    """Give a user a new password, read as `users add` reads it (their tokens stay)."""
    from newsdesk.server.passwords import hash_password
    from newsdesk.services.users import check_password, set_password, user_named

    store = _state(ctx).store
    user_named(store, name)  # an unknown user is said before the password is asked for
    password = check_password(read_password("New password"))
    user = set_password(store, name, hash_password(password))
    click.echo(printable(f"Changed the password of {user.name}."))


@users.command("disable")
@click.argument("name")
@click.pass_context
def users_disable(ctx: click.Context, name: str) -> None:
    """Stop a user signing in (their password and tokens are kept for `enable`)."""
    from newsdesk.services.users import set_disabled

    user = set_disabled(_state(ctx).store, name, True)
    click.echo(printable(f"Disabled user {user.name}."))


@users.command("enable")
@click.argument("name")
@click.pass_context
def users_enable(ctx: click.Context, name: str) -> None:
    """Let a disabled user sign in again."""
    from newsdesk.services.users import set_disabled

    user = set_disabled(_state(ctx).store, name, False)
    click.echo(printable(f"Enabled user {user.name}."))


COMMANDS = [users]
