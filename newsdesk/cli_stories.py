"""Stories and storylines on the command line: cluster, stories (list, merge, split, move,
explain), storylines."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
