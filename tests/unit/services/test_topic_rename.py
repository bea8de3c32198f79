"""Topics are saved and renamed in one transaction: a mistake never loses the topic."""

import pytest

from newsdesk.errors import NewsdeskError, QueryError
from newsdesk.models import Topic
from newsdesk.services.topics import rename_topic, save_topic


def test_rename_to_an_invalid_query_keeps_the_topic_and_says_why(store):
    save_topic(store, "Courts", "court OR judge", "Rulings")
    with pytest.raises(QueryError,
                       match=r"^The search query is not valid: .* position 1 is never closed"):
        rename_topic(store, "Courts", "Tribunals", query='"open')
    assert store.topics.list()[-1] == Topic("Courts", "court OR judge", "Rulings")
    assert "Tribunals" not in [t.name for t in store.topics.list()]


def test_rename_with_a_new_query_in_one_step(store):
    save_topic(store, "Courts", "court OR judge", "Rulings")
    before = len(store.topics.list())
    topic = rename_topic(store, "courts", "Tribunals", query="tribunal").topic
    assert topic == Topic("Tribunals", "tribunal", "Rulings")
    assert len(store.topics.list()) == before
    assert "Courts" not in [t.name for t in store.topics.list()]


def test_rename_onto_another_topic_is_refused(store):
    save_topic(store, "Courts", "court", "")
    save_topic(store, "Judges", "judge", "")
    with pytest.raises(NewsdeskError) as caught:
        rename_topic(store, "Courts", "judges")
    assert str(caught.value) == "There is already a topic named 'Judges'; pick another name."
    assert {t.name: t.query for t in store.topics.list()}["Courts"] == "court"


@pytest.mark.parametrize(("new", "query", "message"), [
    ("  ", None, "A topic needs a name."),
    ("Other", "  ", 'A topic needs a query: words, "exact phrases", AND, OR, NOT.'),
])
def test_rename_needs_a_name_and_a_query(store, new, query, message):
    save_topic(store, "Courts", "court", "")
    with pytest.raises(QueryError) as caught:
        rename_topic(store, "Courts", new, query=query)
    assert str(caught.value) == message
    assert {t.name: t.query for t in store.topics.list()}["Courts"] == "court"


def test_save_topic_with_old_name_edits_in_place(store):
    save_topic(store, "Courts", "court", "old")
    position = [t.name for t in store.topics.list()].index("Courts")
    save_topic(store, "Law", "law OR court", "new", old_name="Courts")
    names = [t.name for t in store.topics.list()]
    assert names.index("Law") == position and "Courts" not in names
