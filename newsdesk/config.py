"""Settings with defaults and the reason for each, and where NewsDesk keeps its files."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from newsdesk.files import replaced

APP_NAME = "NewsDesk"
RESOURCES = Path(__file__).resolve().parent.parent / "resources"

log = logging.getLogger(__name__)


def default_db_path() -> Path:
    """The per-user database; NEWSDESK_DB overrides it (tests, portable installs)."""
    env = os.environ.get("NEWSDESK_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "newsdesk.db"


def settings_path() -> Path:
    """The per-user settings file (JSON, shared by the CLI and the window's desk settings);
    NEWSDESK_CONFIG overrides it (tests, portable installs)."""
    env = os.environ.get("NEWSDESK_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.json"


def read_settings(path: Path | None = None) -> dict[str, Any]:
    """The settings file's object, or {} when it is missing, unreadable or not a JSON object.

    A broken settings file must never stop a command: it is logged and ignored (the next
    `write_setting` replaces it)."""
    where = path or settings_path()
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("Ignoring the settings file %s: it cannot be read (%s).", where, exc)
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        log.warning("Ignoring the settings file %s: it is not valid JSON (%s).", where, exc)
        return {}
    if not isinstance(data, dict):
        log.warning("Ignoring the settings file %s: it does not hold a JSON object.", where)
        return {}
    return data


def write_setting(key: str, value: Any, path: Path | None = None) -> None:
    """Set one key of the settings file, keeping the others, atomically: the new file is
    written beside it and renamed over it, so a crash leaves the old file or the new one,
    never half of one. Raises OSError when the folder cannot be written."""
    where = path or settings_path()
    data = read_settings(where)
    data[key] = value
    where.parent.mkdir(parents=True, exist_ok=True)
    with replaced(where) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2, sort_keys=True)
        handle.write("\n")


def resource_path(*parts: str) -> Path:
    """A file shipped in resources/ (default sources, sample corpus, icons)."""
    return RESOURCES.joinpath(*parts)


_T = TypeVar("_T", int, float)


def _opt(default: _T, doc: str) -> _T:
    """A field with its one-line documentation, typed as its default (int stays int)."""
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How politely and how fast feeds are fetched."""

    max_concurrency: int = _opt(16, "feeds fetched at once, over all hosts")
    per_host: int = _opt(2, "feeds fetched at once from one server (scheme, host, port)")
    connect_timeout: float = _opt(10.0, "seconds to open a connection")
    total_timeout: float = _opt(30.0, "seconds for one feed, redirects and body included")
    max_redirects: int = _opt(5, "redirects followed before giving up")
    max_body_bytes: int = _opt(10 * 1024 * 1024, "largest feed body, after decompression")
    default_interval: float = _opt(30 * 60, "seconds between checks of a feed")
    min_interval: float = _opt(5 * 60, "a feed's TTL or max-age never schedules sooner")
    max_interval: float = _opt(24 * 3600, "no feed waits longer than this")
    backoff_base: float = _opt(10 * 60, "first delay after a failure; doubles each time")
    backoff_max: float = _opt(24 * 3600, "longest delay after repeated failures")

    @classmethod
    def describe(cls) -> list[tuple[str, object, str]]:
        return [(f.name, f.default, f.metadata.get("doc", "")) for f in fields(cls)]
