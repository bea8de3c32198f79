"""Story grouping on small hand-written streams where the answer is known."""

from datetime import UTC, datetime, timedelta

from newsdesk.analysis.stories import StoryIndex, StoryInput, explain

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def art(ident, title, text, hours=0.0, source="A"):
    return StoryInput(ident, title, text, T0 + timedelta(hours=hours), source)


STREAM = [
    art("dam1", "Floodgates opened at Harlow dam after record rain",
        "Engineers opened the floodgates of the Harlow dam on Monday after record rainfall "
        "raised the reservoir. Residents of Millbrook were told to move to higher ground.",
        0, "Wire"),
    art("tax1", "Senate passes Brennan tax credit for renters",
        "The Senate passed the Brennan renters tax credit 61 to 39, sending the bill to the "
        "House. Senator Ada Brennan called it relief for tenants.", 1, "Wire"),
    art("dam2", "Millbrook evacuated as Harlow dam releases water",
        "Millbrook residents evacuated on Monday as the Harlow dam released water after record "
        "rain. Engineers said the dam itself is safe.", 2, "Ledger"),
    art("tax2", "Renters tax credit clears Senate, Brennan hails vote",
        "A tax credit for renters cleared the Senate on Monday. Ada Brennan, its sponsor, said "
        "tenants would see relief next year if the House agrees.", 3, "Ledger"),
    art("dam3", "Harlow dam: why engineers opened the floodgates",
        "Opening the Harlow floodgates protects the dam when the reservoir rises after record "
        "rain, engineers explained, even if Millbrook must evacuate.", 5, "Review"),
    art("dam1-copy", "Floodgates opened at Harlow dam after record rain",
        "Engineers opened the floodgates of the Harlow dam on Monday after record rainfall "
        "raised the reservoir. Residents of Millbrook were told to move to higher ground.",
        6, "Syndicator"),
    art("tax3", "House passes Brennan renters tax credit",
        "Three weeks later the House passed the Brennan tax credit for renters, and the "
        "president is expected to sign it.", 24 * 21, "Wire"),
]


def test_two_events_on_one_day_and_a_later_one_in_the_same_case():
    index = StoryIndex()
    placed = {a.id: index.add(a) for a in STREAM}
    groups = {}
    for ident, assignment in placed.items():
        groups.setdefault(assignment.story_id, set()).add(ident)
    assert sorted(map(sorted, groups.values())) == [
        ["dam1", "dam1-copy", "dam2", "dam3"], ["tax1", "tax2"], ["tax3"]]
    assert placed["dam1-copy"].duplicate_of == "dam1"
    assert placed["dam2"].duplicate_of is None
    assert placed["tax3"].new_story


def test_deterministic():
    first = [StoryIndex().add(a) for a in STREAM]
    index_a, index_b = StoryIndex(), StoryIndex()
    assert [index_a.add(a) for a in STREAM] == [index_b.add(a) for a in STREAM]
    assert first[0].story_id == 1


def test_stories_close_after_the_window():
    index = StoryIndex(window_days=4)
    index.add(STREAM[0])
    index.add(art("late", "Harlow dam floodgates", "Harlow dam floodgates Millbrook", 24 * 5))
    assert len(index.stories) == 1  # the first story closed; the late one started anew


def test_label_is_the_most_central_title():
    index = StoryIndex()
    for a in STREAM[:6]:
        index.add(a)
    dam = next(s for s in index.stories.values() if "dam1" in s.members)
    assert dam.label in {a.title for a in STREAM if a.id.startswith("dam")}


def test_explain_names_the_shared_evidence():
    why = explain(STREAM[0], STREAM[2])
    assert why.shared_names == ("harlow",)
    assert {"dam", "harlow", "millbrook", "rain"} <= set(why.shared_terms)
    assert why.days_apart == round(2 / 24, 2)
    assert why.similarity > explain(STREAM[0], STREAM[1]).similarity
    assert "both name" in str(why)
