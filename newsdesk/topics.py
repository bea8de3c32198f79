"""Saving and renaming topics: the one place the rules live, for the CLI and the window."""

from __future__ import annotations

from newsdesk.models import Topic
from newsdesk.store import Store


def save_topic(store: Store, name: str, query: str, description: str = "", *,
               old_name: str | None = None) -> Topic:
    """Add a topic, or change the one called `old_name` (its name too) in one transaction.

    A query FTS5 cannot parse or a name another topic has raises a NewsdeskError with the
    reason, and nothing changes: the topic is never removed first and re-added after.
    """
    if old_name is None:
        return store.topics.add(name, query, description)
    return store.topics.rename(old_name, name, query=query, description=description)


def rename_topic(store: Store, old: str, new: str, query: str | None = None) -> Topic:
    """Rename a topic, optionally giving it a new query, keeping it as it was on error."""
    return store.topics.rename(old, new, query=query)
