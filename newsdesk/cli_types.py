"""The CLI's argument types, and its one way to hand a command's output over: a bad value
or an unwritable file is one sentence from click, never a traceback."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import click

from newsdesk.files import replaced

SQLITE_MAX_INT = 2**63 - 1  # the largest integer SQLite stores; ids and limits never exceed it


class WholeNumber(click.ParamType):
    """A whole number within bounds, refused with one sentence (never an OverflowError).

    Every integer argument and option uses it: ids, limits and counts all end up in
    SQLite, which holds nothing larger than 2**63 - 1.
    """

    name = "integer"

    def __init__(self, low: int = 1, high: int = SQLITE_MAX_INT) -> None:
        self.low = low
        self.high = high

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"{str(value)[:40]!r} is not a whole number.", param, ctx)
        if not self.low <= number <= self.high:
            shown = str(value).strip()
            shown = shown if len(shown) <= 24 else f"{shown[:20]}…"
            self.fail(f"{shown} is out of range: use a whole number from {self.low:,} "
                      f"to {self.high:,}.", param, ctx)
        return number


class Since(click.ParamType):
    """A moment to list from: an ISO date or time, or a span back from now (3d, 12h, 2w)."""

    name = "when"
    _relative = re.compile(r"^(\d+)\s*([hdw])$")
    _help = "use a date like 2024-05-01 or 2024-05-01T12:00Z, or a span like 3d, 12h or 2w."

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        match = self._relative.match(text.lower())
        if match:
            unit = {"h": "hours", "d": "days", "w": "weeks"}[match.group(2)]
            try:
                return datetime.now(UTC) - timedelta(**{unit: int(match.group(1))})
            except OverflowError:
                self.fail(f"{text[:24]} reaches back before the year 1: {self._help}",
                          param, ctx)
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{text[:40]!r} is not a date: {self._help}", param, ctx)
        try:
            return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
        except OverflowError:
            self.fail(f"{text[:40]} is outside the dates NewsDesk can store: {self._help}",
                      param, ctx)


class Age(click.ParamType):
    """How old: a span like 90d, 12w or 48h (0d: everything up to now)."""

    name = "age"
    _span = re.compile(r"^(\d{1,7})\s*([hdw])$")

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> timedelta:
        if isinstance(value, timedelta):
            return value
        text = str(value).strip()
        match = self._span.match(text.lower())
        if not match:
            self.fail(f"{text[:40]!r} is not an age: use a span like 90d, 12w or 48h.",
                      param, ctx)
        unit = {"h": "hours", "d": "days", "w": "weeks"}[match.group(2)]
        return timedelta(**{unit: int(match.group(1))})


class Size(click.ParamType):
    """A size in bytes, written 500MB, 2GB or 800KB (powers of 1024)."""

    name = "size"
    _size = re.compile(r"^(\d{1,9}(?:\.\d{1,3})?)\s*(b|kb|k|mb|m|gb|g)$")
    _units: ClassVar[dict[str, int]] = {"b": 1, "k": 1024, "kb": 1024, "m": 1024**2,
                                        "mb": 1024**2, "g": 1024**3, "gb": 1024**3}

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        match = self._size.match(text.lower())
        if not match or float(match.group(1)) <= 0:
            self.fail(f"{text[:40]!r} is not a size: use one like 500MB, 2GB or 800KB.",
                      param, ctx)
        return int(float(match.group(1)) * self._units[match.group(2)])


def deliver(text: str, output: Path | None) -> None:
    """A command's output: to standard output as it is, or into `output` whole (a
    temporary file renamed over it), then "Wrote FILE."."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with replaced(output) as handle:
            handle.write(text)
    except OSError as exc:
        raise click.ClickException(f"Cannot write {output}: {exc.strerror or exc}.") from exc
    click.echo(f"Wrote {output}.")
