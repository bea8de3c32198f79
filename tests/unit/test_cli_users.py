"""How `newsdesk users` reads a password: a line of a pipe, or twice without echo at a
terminal (the e2e tests drive the pipe; a terminal is simulated here)."""

from __future__ import annotations

import io

import click

from newsdesk import cli_users


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_piped_password_is_its_first_line_without_the_line_ending(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(" two words \r\nsecond line\n"))
    assert cli_users.read_password() == " two words "
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli_users.read_password() == ""  # refused later, as a sentence


def test_at_a_terminal_it_is_asked_twice_without_echo(monkeypatch):
    asked: list[dict[str, object]] = []

    def prompt(text: str, **options: object) -> str:
        asked.append({"text": text, **options})
        return "typed"

    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr(click, "prompt", prompt)
    assert cli_users.read_password("New password") == "typed"
    assert asked == [{"text": "New password", "hide_input": True, "confirmation_prompt": True,
                      "err": True}]
