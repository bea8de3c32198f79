"""SimHash copies: near-identical texts are within 3 bits, copies point at the earliest
copy (the root), and a copy is found even when it lands in another story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsdesk.analysis.stories import TfidfModel
from newsdesk.analysis.stories.copies import (
    MAX_DISTANCE,
    RecentCopies,
    distance,
    from_features,
    simhash,
    to_features,
)
from newsdesk.analysis.stories.model import StoryInput

DAY0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
WIRE = ("The Senate voted on Tuesday to make Juneteenth a federal holiday, sending the bill to "
        "the House after no senator objected. The day marks June 19, 1865, when Union troops "
        "told enslaved people in Galveston, Texas, that they were free. Supporters said the "
        "holiday was long overdue and that the House was expected to pass it this week.")
OTHER = ("Storms knocked out power to thousands of homes across the region overnight, and "
         "crews worked through the morning to clear fallen trees from roads and rail lines.")


def test_a_copy_is_within_three_bits_and_other_text_is_far():
    original = simhash("Senate passes Juneteenth holiday bill", WIRE)
    assert simhash("Senate passes Juneteenth holiday bill", WIRE) == original
    assert distance(simhash("Senate passes Juneteenth holiday bill", WIRE + " More later."),
                    original) <= MAX_DISTANCE  # the tail beyond the lead does not count
    assert distance(simhash("Power cut for thousands after storms", OTHER), original) > 16


def test_the_hash_survives_a_members_stored_features_exactly():
    value = simhash("Senate passes Juneteenth holiday bill", WIRE)
    features = {"senat": 0.7, **to_features(value)}
    assert from_features(features) == value
    assert max(to_features(value).values()) < 1e-8  # too small to move a similarity
    assert from_features({"senat": 0.7}) is None


def test_recent_copies_find_the_root_and_forget_old_articles():
    recent = RecentCopies(days=2)
    value = simhash("t", WIRE)
    recent.add("a", value, DAY0)
    assert recent.find(value ^ 0b101, DAY0 + timedelta(hours=1)) == "a"
    recent.add("b", value ^ 0b101, DAY0 + timedelta(hours=1), "a")
    recent.add("c", value ^ 0b1, DAY0 + timedelta(hours=2), "b")
    assert recent.root("c") == "a"  # chains point to the root
    assert recent.find(value ^ (0xFFFF << 20), DAY0) is None
    assert recent.find(value, DAY0 + timedelta(days=3)) is None  # expired


def _item(aid: str, title: str, text: str, hours: float, source: str) -> StoryInput:
    return StoryInput(aid, title, text, DAY0 + timedelta(hours=hours), source)


def test_the_model_marks_copies_with_the_earliest_copy_also_across_stories():
    model = TfidfModel()
    placed = {a.article_id: a for a in model.add([
        _item("ap", "Senate passes Juneteenth holiday bill", WIRE, 0, "apnews.com"),
        _item("yahoo", "Senate passes Juneteenth holiday bill", WIRE, 1, "yahoo.com"),
        _item("local", "Senate passes Juneteenth holiday bill", WIRE, 2, "local.example"),
        _item("storm", "Power cut for thousands after storms", OTHER, 3, "apnews.com"),
    ])}
    assert placed["ap"].duplicate_of is None
    assert placed["yahoo"].duplicate_of == "ap"
    assert placed["local"].duplicate_of == "ap"  # the root, not the copy before it
    assert placed["storm"].duplicate_of is None
    # The same text from the same outlet's other feed, placed in a story of its own by a
    # model with a tight threshold, is still marked.
    strict = TfidfModel(threshold=2.0)
    found = strict.add([_item("ap", "Senate passes Juneteenth holiday bill", WIRE, 0, "ap"),
                        _item("ap2", "Senate passes Juneteenth holiday bill", WIRE, 1, "ap")])
    assert found[0].story_id != found[1].story_id
    assert found[1].duplicate_of == "ap"
