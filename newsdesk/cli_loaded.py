"""`newsdesk loaded`: the loaded-language detector over a JSON-lines file.

Pure text in, spans out, no database: so the detector can be measured on any annotated
corpus (bench/loaded_eval.py does, for BASIL) by converting it to {"id", "text"} lines.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

from newsdesk.analysis.loaded import LoadedSpan, find_loaded
from newsdesk.files import replaced


def _spans(spans: list[LoadedSpan]) -> list[dict[str, Any]]:
    return [{"start": s.start, "end": s.end, "text": s.text, "quoted": s.quoted} for s in spans]


def _rows(handle: Any) -> Iterator[tuple[str | int, str, str | None]]:
    """(id as given, text, title or None) per line, with a clear error naming a bad line's number."""
    from newsdesk.cli import _text_lines  # cli.py imports this module at its end

    for number, line in enumerate(_text_lines(handle), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise TypeError("not a JSON object")
            text, title = row["text"], row.get("title")
            if not isinstance(text, str) or not (title is None or isinstance(title, str)):
                raise TypeError("text and title must be strings")
            if not isinstance(row["id"], (str, int)) or isinstance(row["id"], bool):
                raise TypeError("id must be a string or a number")
            yield row["id"], text, title
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            raise click.ClickException(f"Line {number} of the input is not a text "
                                       f"({detail}).") from exc


@contextlib.contextmanager
def _output(target: str) -> Iterator[IO[str]]:
    """Standard output for "-"; otherwise the file, written whole or not at all
    (newsdesk.files.replaced), so a bad input line leaves no partial output."""
    if target == "-":
        yield sys.stdout
        return
    try:
        with replaced(Path(target)) as handle:
            yield handle
    except OSError as exc:  # the folder, or a full disk while writing
        raise click.ClickException(f"Cannot write {target}: {exc.strerror or exc}.") from exc


@click.command()
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.argument("target", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--titles", is_flag=True,
              help='Also check each line\'s "title": adds "title_loaded" (offsets into the title).')
def loaded(source: Any, target: str, titles: bool) -> None:
    """Flag loaded words and phrases in texts from a JSON-lines file (no database involved).

    Each input line has id and text (title optional); each output line is {"id": ...,
    "loaded": [{"start", "end", "text", "quoted"}]} with character offsets into text;
    "quoted" is true inside quotation marks (the quoted person's words, not the
    outlet's). Use - for standard input or output. The output file is written whole or
    not at all: a bad input line stops the command and leaves no partial file.
    """
    count = flagged = 0
    with _output(target) as out:
        for article_id, text, title in _rows(source):
            found = find_loaded(text)
            record: dict[str, Any] = {"id": article_id, "loaded": _spans(found)}
            if titles:
                record["title_loaded"] = _spans(find_loaded(title or ""))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
            flagged += len(found)
    if target != "-":
        click.echo(f"Checked {count} texts: {flagged} loaded words or phrases.", err=True)


COMMANDS: list[click.Command] = [loaded]
