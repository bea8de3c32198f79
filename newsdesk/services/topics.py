"""Topics (saved searches): add, change, rename in one transaction, remove, count.

The one place the rules live, for the CLI and the window: a mistake (a query the index
cannot run, a name another topic has) raises with the reason and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from newsdesk.models import ArticleQuery, Topic
from newsdesk.services.changes import Changes
from newsdesk.store import Store


@dataclass(frozen=True, slots=True)
class SavedTopic:
    """A topic as saved, and what changed."""

    topic: Topic
    changes: Changes = field(default_factory=Changes)


def list_topics(store: Store) -> list[Topic]:
    """Every topic, in the order the user made them."""
    return store.topics.list()


def get_topic(store: Store, name: str) -> Topic:
    """The topic called `name` (any case); NotFoundError if there is none."""
    return store.topics.get(name)


def save_topic(store: Store, name: str, query: str, description: str = "", *,
               old_name: str | None = None) -> SavedTopic:
    """Add a topic (or change the one called `name`), or change the one called `old_name`
    (its name too) in one transaction.

    A query FTS5 cannot parse or a name another topic has raises a NewsdeskError with the
    reason, and nothing changes: the topic is never removed first and re-added after.
    """
    if old_name is None:
        topic = store.topics.add(name, query, description)
        return SavedTopic(topic, Changes.of(topics=[topic.name], topic_list=True))
    topic = store.topics.rename(old_name, name, query=query, description=description)
    return SavedTopic(topic, Changes.of(topics={old_name, topic.name}, topic_list=True))


def rename_topic(store: Store, old: str, new: str, query: str | None = None) -> SavedTopic:
    """Rename a topic, optionally giving it a new query, keeping it as it was on error."""
    before = store.topics.get(old)
    topic = store.topics.rename(old, new, query=query)
    return SavedTopic(topic, Changes.of(topics={before.name, topic.name}, topic_list=True))


def remove_topic(store: Store, name: str) -> Changes:
    """Delete a topic (its articles stay); NotFoundError if there is none."""
    topic = store.topics.get(name)
    store.topics.remove(name)
    return Changes.of(topics=[topic.name], topic_list=True)


def count_unread(store: Store, names: Iterable[str]) -> dict[str, int]:
    """Unread articles per topic (full-text queries: seconds at a million articles, so
    run it off the GUI thread)."""
    return {name: store.articles.count_where(ArticleQuery(topic=name, unread_only=True))
            for name in names}
