"""Writing a file whole or not at all: the new content goes to a temporary file beside the
target, which is renamed over it only once every byte is written and synced, so a crash, a
full disk or a bad input line leaves the old file (or none), never half of a new one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def replaced(target: Path) -> Iterator[IO[str]]:
    """A text handle whose content replaces `target` when the block ends without an error
    (the temporary file goes if it raises). Raises OSError when the folder cannot be
    written."""
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".tmp",
                                     dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
