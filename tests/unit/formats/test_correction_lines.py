"""Grouping corrections in the desk's JSON Lines exchange: written after the annotations,
read back in order, a bad one named by its line."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from newsdesk.errors import AnnotationFormatError
from newsdesk.formats.annotations import (
    CORRECTION_TYPE,
    ExchangedCorrection,
    coverage_jsonl,
    read_jsonl,
)
from newsdesk.models import ArticleRef, Coverage

WHEN = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
A = ArticleRef(url="https://one.example/a", guid="g1", feed_url="https://one.example/feed",
               title="A", outlet="one.example", published=WHEN)
B = ArticleRef(url="https://two.example/b", guid=None, feed_url=None, title="B",
               outlet="two.example", published=WHEN)


def test_corrections_round_trip_in_order() -> None:
    made = [ExchangedCorrection("merge", (A,), (B,), "ed", WHEN),
            ExchangedCorrection("split", (B,), (), "", WHEN)]
    text = list(coverage_jsonl(Coverage("t", WHEN, ()), made))
    assert [json.loads(line)["type"] for line in text] == [CORRECTION_TYPE] * 2
    assert read_jsonl(text).corrections == tuple(made)


@pytest.mark.parametrize(("obj", "message"), [
    ({"kind": "explode", "articles": [], "created": "2024-05-06T09:00:00Z"}, "kind"),
    ({"kind": "merge", "articles": [], "created": "2024-05-06T09:00:00Z"}, "no article"),
    ({"kind": "merge", "articles": ["x"], "created": "2024-05-06T09:00:00Z"}, "list of article"),
    ({"kind": "merge", "articles": [{"newsdesk:title": "x"}],
      "created": "2024-05-06T09:00:00Z"}, "neither a URL"),
    ({"kind": "pin", "articles": [{"source": "https://x.example/"}]}, "created"),
])
def test_a_bad_correction_names_its_line(obj: dict, message: str) -> None:
    with pytest.raises(AnnotationFormatError, match=f"Line 2: .*{message}"):
        read_jsonl(["", json.dumps({"type": CORRECTION_TYPE, **obj})])
