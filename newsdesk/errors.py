"""Errors the core raises; each carries a sentence a user can act on."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base of every error the core raises on purpose (never a bug)."""


class FetchError(NewsdeskError):
    """A feed could not be fetched; `kind` sorts the failure for counters and the UI."""

    KINDS = (
        "dns",
        "connect",
        "tls",
        "timeout",
        "http",
        "too_many_redirects",
        "too_large",
        "not_a_feed",
        "parse_error",
        "invalid_url",
        "storage",  # the database refused to save what was fetched (disk full, locked, ...)
        "internal",  # a bug of ours while handling this source; logged with its traceback
    )

    def __init__(self, kind: str, message: str, *, url: str = "", status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        if kind not in self.KINDS:
            raise ValueError(f"unknown fetch error kind {kind!r}")
        self.kind = kind
        self.status = status
        self.url = url
        self.retry_after = retry_after

    def __str__(self) -> str:
        return str(self.args[0])


class ParseError(NewsdeskError):
    """Bytes that are not a feed we can read."""

    def __init__(self, message: str, *, not_a_feed: bool = False, web_page: bool = False) -> None:
        super().__init__(message)
        self.not_a_feed = not_a_feed or web_page
        self.web_page = web_page  # an HTML page: subscribing looks for the feeds it advertises


class OPMLError(NewsdeskError):
    """An OPML file that cannot be read."""


class StoreError(NewsdeskError):
    """The database refused: disk full, locked, read-only, corrupt, or a bad query."""


class QueryError(StoreError):
    """A search query that FTS5 cannot parse."""


class QueryInterrupted(StoreError):
    """A query stopped by Store.interrupt(): its answer is no longer wanted."""


class NotFoundError(NewsdeskError):
    """A source, topic or article id that does not exist."""


class AnnotationFormatError(NewsdeskError):
    """An annotations file (JSON Lines) with a line we cannot read; nothing of it is used."""
