"""`newsdesk loaded`: the loaded-language detector over a JSON-lines file."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
