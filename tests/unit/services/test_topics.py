"""Topics through the service: each write says which topics changed."""

import pytest

from newsdesk.errors import NotFoundError, QueryError
from newsdesk.models import Topic
from newsdesk.services.changes import Changes
from newsdesk.services.sample import load_sample
from newsdesk.services.topics import (
    count_unread,
    get_topic,
    list_topics,
    remove_topic,
    rename_topic,
    save_topic,
)


def test_add_then_rename_then_remove(store):
    added = save_topic(store, "Courts", "court OR judge", "Rulings")
    assert added.topic == Topic("Courts", "court OR judge", "Rulings")
    assert added.changes == Changes.of(topics=["Courts"], topic_list=True)
    renamed = rename_topic(store, "courts", "Tribunals", query="tribunal")
    assert renamed.topic == Topic("Tribunals", "tribunal", "Rulings")
    assert renamed.changes == Changes.of(topics=["Courts", "Tribunals"], topic_list=True)
    names = [t.name for t in list_topics(store)]
    assert "Tribunals" in names and "Courts" not in names
    assert remove_topic(store, "Tribunals") == Changes.of(topics=["Tribunals"], topic_list=True)
    assert [t.name for t in list_topics(store)] == names[:-1]


def test_editing_with_old_name_renames_in_place(store):
    save_topic(store, "Courts", "court", "old")
    saved = save_topic(store, "Law", "law OR court", "new", old_name="Courts")
    assert saved.changes.topics == {"Courts", "Law"}
    assert get_topic(store, "law") == Topic("Law", "law OR court", "new")


def test_a_bad_query_changes_nothing(store):
    save_topic(store, "Courts", "court", "")
    with pytest.raises(QueryError):
        save_topic(store, "Courts", '"open', "", old_name="Courts")
    assert list_topics(store)[-1] == Topic("Courts", "court", "")


def test_removing_a_topic_that_is_not_there(store):
    with pytest.raises(NotFoundError, match=r"^There is no topic named 'Nope'\.$"):
        remove_topic(store, "Nope")


def test_unread_counts_per_topic(store):
    load_sample(store)
    save_topic(store, "Nothing", "zzzznotaword", "")
    save_topic(store, "Everything", "the", "")
    assert count_unread(store, ["Nothing", "Everything"]) == {"Nothing": 0, "Everything": 38}
    [one] = store.articles.list(topic="Everything", limit=1)
    store.reading.set_read([one.id])
    assert count_unread(store, ["Everything"]) == {"Everything": 37}
