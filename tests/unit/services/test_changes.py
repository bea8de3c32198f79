"""Changes: what a write touched, combined and tested for emptiness."""

from newsdesk.services.changes import NOTHING, Changes


def test_nothing_is_falsy_and_touches_no_counts():
    assert not NOTHING and not Changes() and not NOTHING.counts


def test_changes_combine():
    read = Changes.of(articles=["a"], sources=[1])
    grouped = Changes.of(new_articles=["b"], stories=[7], source_list=True)
    assert read | grouped == Changes(articles=frozenset({"a"}), new_articles=frozenset({"b"}),
                                     sources=frozenset({1}), stories=frozenset({7}),
                                     source_list=True)


def test_a_topic_list_change_touches_counts_but_a_story_alone_does_not():
    assert Changes.of(topic_list=True).counts
    assert not Changes.of(stories=[3]).counts and Changes.of(stories=[3])
