"""Who is annotating: every tag, code and note records its editor.

The editor is, in this order: the `--editor` option (or the window's choice), the
NEWSDESK_EDITOR environment variable, the "editor" key of the settings file, and the name
the operating system gives the user ("editor" when it gives none).
"""

from __future__ import annotations

import getpass
import logging
import os

from newsdesk.config import read_settings, write_setting
from newsdesk.errors import NewsdeskError

log = logging.getLogger(__name__)

ENV_VAR = "NEWSDESK_EDITOR"
SETTING = "editor"
FALLBACK = "editor"
MAX_LENGTH = 100


class EditorNameError(NewsdeskError):
    """An editor name that cannot be recorded (empty, too long, or with control characters)."""


def clean_editor(name: str) -> str:
    """The name as recorded (spaces around it dropped); EditorNameError for one that is
    empty, longer than MAX_LENGTH or holds control characters (a line break would break
    the CSV and the memo)."""
    cleaned = name.strip()
    if not cleaned:
        raise EditorNameError("The editor name is empty: give a name, e.g. --editor alice.")
    if len(cleaned) > MAX_LENGTH:
        raise EditorNameError(f"The editor name is longer than {MAX_LENGTH} characters.")
    if any(ord(c) < 32 or ord(c) == 127 for c in cleaned):
        raise EditorNameError("The editor name holds control characters (tabs, line breaks).")
    return cleaned


def _os_user() -> str:
    try:
        name = getpass.getuser().strip()
    except Exception:  # getuser raises OSError, KeyError or ImportError, by platform
        return FALLBACK
    return name or FALLBACK


def default_editor() -> str:
    """The editor when no option names one: the environment, the settings, the OS user.

    A value that cannot be recorded (empty, control characters) is skipped with a warning,
    so a stray setting never stops a command."""
    env = os.environ.get(ENV_VAR)
    if env is not None and env.strip():
        try:
            return clean_editor(env)
        except EditorNameError as exc:
            log.warning("Ignoring %s: %s", ENV_VAR, exc)
    saved = read_settings().get(SETTING)
    if isinstance(saved, str) and saved.strip():
        try:
            return clean_editor(saved)
        except EditorNameError as exc:
            log.warning("Ignoring the settings' editor: %s", exc)
    elif saved is not None and not isinstance(saved, str):
        log.warning("Ignoring the settings' editor: it is not a string.")
    return _os_user()


def resolve_editor(option: str | None = None) -> str:
    """The editor for this run: `option` when given (EditorNameError if it cannot be
    recorded), else `default_editor()`."""
    if option is not None:
        return clean_editor(option)
    return default_editor()


def save_default_editor(name: str) -> None:
    """Remember `name` as the default editor in the settings file (atomically; the other
    settings are kept). EditorNameError for a name that cannot be recorded, OSError when
    the file cannot be written."""
    write_setting(SETTING, clean_editor(name))
