"""Dates as text: one form (UTC to the second, 20 characters, sortable) for what the store
keeps and what the --json contract writes, so the two can never drift apart. Ground level:
the store and formats/ both use it, and neither may import the other.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

log = logging.getLogger(__name__)


def to_iso(value: datetime | None) -> str | None:
    """UTC, second precision, sortable as text: 2024-01-02T03:04:05Z, always 20 characters.

    Not strftime: glibc's %Y writes year 1 as "1", which sorts wrongly and which
    fromisoformat refuses.
    """
    if value is None:
        return None
    try:
        value = value.astimezone(UTC)
    except OverflowError:  # year 1 east of UTC or 9999 west of it: keep the wall time
        value = value.replace(tzinfo=UTC)
    return (f"{value.year:04d}-{value.month:02d}-{value.day:02d}T"
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z")


# What to_iso writes, and what older versions wrote for years before 1000 ("1-01-01T...").
_ISO = re.compile(r"(\d{1,4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z")


def from_iso(value: str | None) -> datetime | None:
    """Read any date we ever stored; a value that is no date at all reads as None (logged)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))  # the fast, common case
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError, TypeError):
        pass
    match = _ISO.fullmatch(value) if isinstance(value, str) else None
    try:
        if match:
            year, month, day, hour, minute, second = map(int, match.groups())
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        pass
    log.warning("unreadable date %r in the database; read as no date", value)
    return None
