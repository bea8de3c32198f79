"""cluster_stream: one row per article in the order given, stories and storylines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.analysis.stories import StoryInput, TfidfModel
from newsdesk.analysis.stories.stream import cluster_stream

DAY0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _item(aid: str, title: str, hours: float) -> StoryInput:
    return StoryInput(aid, title, title + ". " + title, DAY0 + timedelta(hours=hours),
                      f"{aid}.example")


ITEMS = [
    _item("b", "Kariba dam spillway opened as Zambezi floods rise", 5),
    _item("a", "Zambezi floods: Kariba dam opens spillway gates", 1),
    _item("c", "Marathon runner Amina Odhiambo breaks Nairobi course record", 3),
]


def test_rows_follow_the_input_order_and_group_by_story():
    rows = cluster_stream(ITEMS)
    assert [r[0] for r in rows] == ["b", "a", "c"]
    story = {aid: sid for aid, sid, _ in rows}
    assert story["a"] == story["b"] != story["c"]
    line = {aid: lid for aid, _, lid in rows}
    assert line["a"] == line["b"] and line["c"] not in (None, line["a"])


def test_a_model_object_is_used_and_an_unknown_name_is_refused():
    rows = cluster_stream(ITEMS, TfidfModel(threshold=5.0), batch=1)  # nothing joins
    assert len({sid for _, sid, _ in rows}) == 3
    with pytest.raises(ValueError, match="knows the model 'tfidf'"):
        cluster_stream(ITEMS, "nope")
    assert cluster_stream([]) == []
