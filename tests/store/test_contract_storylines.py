"""The storage contract of issue 13 (storylines, corrections, copies, follows), run against
every backend (tests/store/conftest.py). Only public calls."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.errors import NotFoundError
from newsdesk.models import Article, ArticleQuery, Follow
from newsdesk.store.api import StoryAssignment, StorylineRecord, StoryLink, StoryRecord

DAY0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def _article(source_id: int, outlet: str, key: str, day: int, hour: int = 0) -> Article:
    when = DAY0 + timedelta(days=day, hours=hour)
    return Article(id=key, source_id=source_id, outlet=outlet, guid=key,
                   url=f"https://{outlet}/{key}", title=f"Title {key}", authors=(),
                   published=when, updated=None, first_seen=when, summary_html="",
                   content_html="", text=f"text of {key}")


def _desk(store):
    """Two outlets, six articles, four stories: 1 = a1 b1 (day 0), 2 = a2 b2 (day 10),
    3 = a3 (day 20), 4 = b3 (day 40)."""
    a, _ = store.sources.add("https://a.example/feed", title="Alpha News")
    b, _ = store.sources.add("https://b.example/feed", title="Beta Post")
    arts = [_article(a.id, "a.example", "a1", 0), _article(b.id, "b.example", "b1", 0, 3),
            _article(a.id, "a.example", "a2", 10), _article(b.id, "b.example", "b2", 10, 2),
            _article(a.id, "a.example", "a3", 20), _article(b.id, "b.example", "b3", 40)]
    store.articles.upsert(arts)
    when = {x.id: x.published for x in arts}
    members = {1: ["a1", "b1"], 2: ["a2", "b2"], 3: ["a3"], 4: ["b3"]}
    stories = [StoryRecord(id=n, label=f"S{n}", first_seen=when[ids[0]], last_seen=when[ids[-1]],
                           size=len(ids), outlets=len(ids), centroid=f'{{"s": {n}}}')
               for n, ids in members.items()]
    store.stories.save(stories, [StoryAssignment(i, n, 0.5, vector=f'{{"{i}": 1}}')
                                 for n, ids in members.items() for i in ids], {}, 6)
    return a, b


def _line(n: int, first: int = 0, last: int = 10, events: int = 2, label: str = "") -> StorylineRecord:
    return StorylineRecord(id=n, label=label or f"L{n}", first_seen=DAY0 + timedelta(days=first),
                           last_seen=DAY0 + timedelta(days=last), events=events, outlets=2,
                           features='{"names": ["x"]}')


def _link(story: int, line: int | None, *, locked: bool = False) -> StoryLink:
    return StoryLink(story_id=story, storyline_id=line, score=0.7, why=f"why {story}",
                     locked=locked)


# ---------------------------------------------------------------- linking's reads and writes


def test_storylines_and_links_round_trip_and_saving_twice_changes_nothing(store):
    _desk(store)
    assert store.stories.next_storyline_id() == 1
    assert store.stories.storyline_rows(DAY0) == [] and store.stories.links([1, 2]) == {}
    lines = [_line(1), _line(2, 20, 20, 1)]
    links = [_link(1, 1), _link(2, 1), _link(3, 2), _link(4, None, locked=True)]
    assert store.stories.save_storylines(lines, links, new_from=1) == {1: 1, 2: 2}
    assert store.stories.save_storylines(lines, links, new_from=1) == {1: 1, 2: 2}  # a repeat
    assert store.stories.save_storylines(lines, links) == {}
    precise = [replace(lines[0], last_seen=lines[0].last_seen + timedelta(microseconds=5))]
    assert store.stories.save_storylines(precise, [], new_from=1) == {1: 1}  # still a repeat
    assert store.stories.storyline_rows(DAY0) == lines
    assert store.stories.storyline_rows(DAY0 + timedelta(days=15)) == [lines[1]]
    assert store.stories.links([4, 3, 2, 1, 99]) == {ln.story_id: ln for ln in links}
    assert store.stories.next_storyline_id() == 3
    assert [s.id for s in store.stories.storylines()] == [1]


def test_unlinked_names_the_stories_linking_has_still_to_place_oldest_first(store):
    a, _ = _desk(store)
    assert store.stories.unlinked() == [1, 2, 3, 4]
    early = _article(a.id, "a.example", "a0", -5)  # a newer id, seen before story 1
    store.articles.upsert([early])
    store.stories.save([StoryRecord(id=5, label="S5", first_seen=early.published,
                                    last_seen=early.published, size=1, outlets=1)],
                       [StoryAssignment("a0", 5, 0.5)], {}, 1)
    assert store.stories.unlinked() == [5, 1, 2, 3, 4]
    store.stories.save_storylines([_line(1)], [_link(1, 1), _link(2, 1), _link(3, None),
                                               _link(5, None, locked=True)])
    assert store.stories.unlinked() == [3, 4]  # a link to none counts; a detached one stays out
    store.stories.save_storylines([], [_link(3, 1), _link(4, 1)])
    assert store.stories.unlinked() == store.stories.unlinked() == []  # reads only
    store.stories.claim("tfidf", 2)
    assert store.stories.unlinked() == []  # no story left to link


def test_a_link_to_a_story_that_is_gone_is_left_out(store):
    _desk(store)
    store.stories.save_storylines([_line(1)], [_link(1, 1), _link(2, 1), _link(99, 1)])
    assert sorted(store.stories.links([1, 2, 99])) == [1, 2]


def test_saving_a_link_again_replaces_every_field_of_it(store):
    _desk(store)
    store.stories.save_storylines([_line(1), _line(2)], [_link(1, 1), _link(2, 1), _link(3, 2)])
    again = StoryLink(story_id=1, storyline_id=2, score=0.25, why="moved by hand", locked=True)
    store.stories.save_storylines([], [again])
    assert store.stories.links([1, 2, 3]) == {1: again, 2: _link(2, 1), 3: _link(3, 2)}
    assert store.stories.save_storylines([_line(5)], [], new_from=5) == {5: 5}
    assert store.stories.next_storyline_id() == 6
    store.stories.save_storylines([_line(1)], [])  # an older storyline saved: the mark stays
    assert store.stories.next_storyline_id() == 6


def test_new_storylines_are_renumbered_when_another_program_took_their_ids(store, second_store):
    _desk(store)
    ours = store.stories.next_storyline_id()
    theirs = second_store.stories.next_storyline_id()
    assert ours == theirs == 1
    second_store.stories.save_storylines([_line(1, label="theirs")], [_link(3, 1), _link(4, 1)],
                                         new_from=theirs)
    mapping = store.stories.save_storylines([_line(1, label="ours"), _line(2, label="ours too")],
                                            [_link(1, 1), _link(2, 2)], new_from=ours)
    assert mapping == {1: 2, 2: 3}
    assert store.stories.storyline(1).label == "theirs"
    assert store.stories.storyline(2).label == "ours"
    links = store.stories.links([1, 2, 3, 4])
    assert {k: v.storyline_id for k, v in links.items()} == {1: 2, 2: 3, 3: 1, 4: 1}
    assert store.stories.next_storyline_id() == 4


def test_storylines_left_with_no_event_go_and_their_ids_are_never_given_again(store):
    _desk(store)
    store.stories.save_storylines([_line(1), _line(2)], [_link(1, 1), _link(2, 1), _link(3, 2)])
    store.stories.save_storylines([], [_link(3, 1)])  # story 3 joins storyline 1
    assert [r.id for r in store.stories.storyline_rows(DAY0)] == [1]
    with pytest.raises(NotFoundError):
        store.stories.storyline(2)
    assert store.stories.next_storyline_id() == 3
    store.stories.save_storylines([], [_link(1, None), _link(2, None), _link(3, None)])
    assert store.stories.storyline_rows(DAY0) == []
    assert store.stories.next_storyline_id() == 3


def test_storyline_candidates_are_those_saved_with_the_most_of_an_events_terms(store):
    _desk(store)
    lines = [replace(_line(1), terms=("n:microsoft", "ireland", "warrant")),
             replace(_line(2, 20, 20, 1), terms=("n:microsoft", "appeal")),
             replace(_line(3, 0, 5, 1), terms=("n:microsoft", "ireland", "warrant", "appeal"))]
    store.stories.save_storylines(lines, [_link(1, 1), _link(2, 1), _link(3, 2), _link(4, 3)])
    queries = [["n:microsoft", "ireland", "warrant"], ["appeal"], ["nothing"], []]
    found = store.stories.storyline_candidates([(q, DAY0) for q in queries], 10)
    assert found == [[1, 3, 2], [2, 3], [], []]
    assert store.stories.storyline_candidates([(queries[0], DAY0)], 2) == [[1, 3]]  # ties: lower id
    later = DAY0 + timedelta(days=8)  # storyline 3's newest event is older than this
    # each query has its own date: an event late in a long step does not get storylines
    # too old for it, one early in it still gets them
    assert store.stories.storyline_candidates(
        [(queries[0], later), (queries[0], DAY0), (["ireland"], later)], 10) == [
        [1, 2], [1, 3, 2], [1]]
    assert store.stories.storyline_term_counts(["n:microsoft", "appeal", "nothing"], DAY0) == {
        "n:microsoft": 3, "appeal": 2}
    assert store.stories.storyline_term_counts(["n:microsoft"], later) == {"n:microsoft": 2}
    assert [r.id for r in store.stories.storyline_rows(DAY0, ids=[3, 1, 99])] == [1, 3]
    assert store.stories.storyline_rows(later, ids=[3]) == []
    # saving a storyline with terms replaces them; without (None) keeps them, at its new date
    store.stories.save_storylines([replace(lines[0], terms=("brief",))], [])
    assert store.stories.storyline_candidates([(["ireland"], DAY0), (["brief"], DAY0)], 10) == [
        [3], [1]]
    moved = replace(lines[2], last_seen=DAY0 + timedelta(days=30), terms=None)
    store.stories.save_storylines([moved], [])
    assert store.stories.storyline_candidates([(["warrant"], later)], 10) == [[3]]
    store.stories.save_storylines([], [_link(4, 1)])  # storyline 3 is left with no event
    assert store.stories.storyline_term_counts(["warrant", "appeal"], DAY0) == {"appeal": 1}
    store.stories.claim("tfidf", 9)
    assert store.stories.storyline_term_counts(["brief", "appeal"], DAY0) == {}


# ---------------------------------------------------------------- what the faces show


def test_storylines_list_two_or_more_events_newest_first_with_their_figures(store):
    _desk(store)
    store.stories.save_storylines([_line(1), _line(2, 20, 40, 1), _line(3, 40, 40, 1)],
                                  [_link(1, 1), _link(2, 1), _link(3, 2), _link(4, 3)])
    assert [s.id for s in store.stories.storylines()] == [1]  # 2 and 3: one event each
    store.stories.save_storylines([_line(2, 20, 40)], [_link(4, 2)])
    assert store.stories.storyline_rows(DAY0) == [_line(1), _line(2, 20, 40)]  # 3: no event
    listed = store.stories.storylines()
    assert [s.id for s in listed] == [2, 1]  # the newest event first
    two, one = listed
    assert (one.events, one.story_ids, one.first_seen, one.last_seen) == (
        2, (2, 1), DAY0, DAY0 + timedelta(days=10, hours=2))
    assert one.outlets == ("Alpha News", "Beta Post")  # in the order they first reported
    assert two.outlets == ("Alpha News", "Beta Post") and two.story_ids == (4, 3)
    assert (one.unread, two.unread) == (4, 2) and not one.followed
    store.reading.set_read(["a1", "b3"])
    store.stories.follow(Follow("storyline", "1"))
    store.stories.follow(Follow("topic", "2"))  # a topic named "2" is not storyline 2
    one, two = store.stories.storyline(1), store.stories.storyline(2)
    assert (one.unread, one.followed, two.unread, two.followed) == (3, True, 1, False)
    assert [s.id for s in store.stories.storylines(since=DAY0 + timedelta(days=30))] == [2]
    assert [s.id for s in store.stories.storylines(limit=1)] == [2]
    assert store.stories.storylines(since=DAY0 + timedelta(days=41)) == []
    assert [s.id for s in store.stories.storylines()] == [2, 1]


def test_one_storyline_of_any_size_and_its_events_oldest_first(store):
    _desk(store)
    store.stories.save_storylines([_line(1), _line(2, 40, 40, 1)],
                                  [_link(1, 1), _link(2, 1), _link(4, 2)])
    alone = store.stories.storyline(2)
    assert (alone.events, alone.story_ids, alone.outlets) == (1, (4,), ("Beta Post",))
    events = store.stories.storyline_events(1)
    assert [(e.id, e.article_ids, e.outlets) for e in events] == [
        (1, ("a1", "b1"), ("Alpha News", "Beta Post")), (2, ("a2", "b2"), ("Alpha News", "Beta Post"))]
    assert store.stories.storyline_events(99) == []
    with pytest.raises(NotFoundError):
        store.stories.storyline(99)


def test_a_storylines_articles_are_a_view(store):
    _desk(store)
    store.stories.save_storylines([_line(1)], [_link(1, 1), _link(3, 1), _link(2, None)])
    query = ArticleQuery(storyline_id=1)
    assert [a.id for a in store.articles.list(query)] == ["a3", "b1", "a1"]
    assert store.articles.count_where(query) == 3
    assert [h.id for h in store.articles.headlines(query, limit=2)] == ["a3", "b1"]
    assert [a.id for a in store.articles.list(ArticleQuery(storyline_id=1, source_id=1))] == [
        "a3", "a1"]
    assert store.articles.count_where(ArticleQuery(storyline_id=2)) == 0
    batch, marked = store.reading.mark_read_where(query)
    assert marked == 3 and store.stories.storyline(1).unread == 0
    assert store.reading.undo_batch(batch) == 3


# ---------------------------------------------------------------- re-grouping


def test_claim_empties_storylines_and_links_but_keeps_corrections_and_follows(store):
    _desk(store)
    store.stories.save_storylines([_line(1), _line(2)], [_link(1, 1), _link(2, 1), _link(3, 2)])
    fix = store.stories.add_correction("merge", ["a2", "b2"], ["a1", "b1"], "ann")
    store.stories.follow(Follow("storyline", "1", events=2, outlets=("Alpha News",),
                                anchor=("a1",)))
    store.stories.claim("tfidf", 9)
    store.stories.claim("tfidf", 9)  # idempotent
    assert store.stories.storylines() == [] and store.stories.storyline_rows(DAY0) == []
    assert store.stories.links([1, 2, 3]) == {}
    assert store.stories.corrections() == [fix]
    assert store.stories.follows() == [Follow("storyline", "1", 2, ("Alpha News",), ("a1",))]
    assert store.stories.next_storyline_id() == 3  # ids only grow, through a re-grouping too
    assert store.articles.count() == 6


# ---------------------------------------------------------------- corrections


def test_corrections_are_kept_in_order_and_removed_idempotently(store):
    first = store.stories.add_correction("split", ["x", "y", "x"], [], "ann")
    second = store.stories.add_correction("detach", ["z"], [], "")
    assert (first.kind, first.articles, first.anchor, first.editor) == (
        "split", ("x", "y"), (), "ann")
    assert second.id > first.id
    assert store.stories.corrections() == [first, second]
    with pytest.raises(ValueError, match="merge"):
        store.stories.add_correction("undo", ["x"], [], "ann")
    assert store.stories.corrections() == [first, second]
    store.stories.remove_correction(first.id)
    store.stories.remove_correction(first.id)
    store.stories.remove_correction(12345)
    assert store.stories.corrections() == [second]


def test_relocate_into_a_story_recomputes_it_and_drops_what_is_stale(store):
    _desk(store)
    store.caches.save_comparison(1, "sig", "{}")
    store.caches.save_comparison(2, "sig", "{}")
    store.caches.save_comparison(3, "sig", "{}")
    assert store.stories.relocate(["a3"], 1) == 1
    [one] = store.stories.story_rows([1])
    assert (one.size, one.outlets, one.first_seen, one.last_seen) == (
        3, 2, DAY0, DAY0 + timedelta(days=20))
    assert store.stories.story_rows([3]) == []  # left empty: gone
    assert store.stories.story_of("a3") == 1
    assert {m.article_id for m in store.stories.member_rows(1)} == {"a1", "b1", "a3"}
    assert next(m.vector for m in store.stories.member_rows(1) if m.article_id == "a3") == (
        '{"a3": 1}')
    assert store.caches.cached_comparison(1) is None
    assert store.caches.cached_comparison(3) is None
    assert store.caches.cached_comparison(2) == ("sig", "{}")  # not touched
    assert store.stories.relocate(["a3", "a1"], 1) == 1  # already there: nothing moves
    assert store.stories.story_rows([1])[0].size == 3


def test_relocate_into_a_new_story_keeps_the_story_level_annotations_with_their_story(store):
    _desk(store)
    store.annotations.tag(["a1"], ["inquiry"], "ann", target="story")  # story 1's anchor
    note = store.annotations.add_note("a1", "check the dates", "ann", target="story")
    store.annotations.tag(["a1"], ["mine"], "ann")  # the article's own
    store.annotations.code(["a1"], "Coverage", "neutral", "ann")
    new = store.stories.relocate(["a1"], None)
    assert new == 5
    [row] = store.stories.story_rows([new])
    assert (row.size, row.outlets, row.first_seen, row.last_seen, row.label) == (
        1, 1, DAY0, DAY0, "Title a1")
    on = store.annotations.of_articles(["a1", "b1"])
    assert [(a.kind, a.target, a.tag) for a in on["b1"]] == [
        ("tag", "story", "inquiry"), ("note", "story", "")]
    assert [a.id for a in on["b1"] if a.kind == "note"] == [note.id]
    assert [(a.kind, a.target, a.tag, a.value) for a in on["a1"]] == [
        ("tag", "article", "mine", ""), ("code", "article", "", "neutral")]
    assert store.stories.story_rows([1])[0].size == 1


def test_relocate_moves_a_story_left_empty_with_its_annotations_and_link(store):
    _desk(store)
    store.stories.save_storylines([_line(1), _line(2, 20, 40)],
                                  [_link(1, 1), _link(2, 1), _link(3, 2), _link(4, 2)])
    store.annotations.tag(["a2"], ["budget"], "ann", target="story")
    store.annotations.add_note("b2", "second step", "bob", target="story")
    store.caches.save_comparison(2, "sig", "{}")
    assert store.stories.relocate(["a2", "b2"], 1) == 1
    assert store.stories.story_rows([2]) == [] and store.stories.links([2]) == {}
    assert store.caches.cached_comparison(2) is None
    kept = store.annotations.of_articles(["a2", "b2"])
    assert [(a.target, a.tag) for a in kept["a2"]] == [("story", "budget")]
    assert [(a.target, a.text) for a in kept["b2"]] == [("story", "second step")]
    assert store.stories.story_of("a2") == store.stories.story_of("b2") == 1
    one = store.stories.storyline(1)
    assert (one.events, one.story_ids) == (1, (1,))
    assert [s.id for s in store.stories.storylines()] == [2]
    store.stories.relocate(["b3"], 3)  # story 4 empty: storyline 2 left with one event
    assert store.stories.storylines() == []
    assert store.stories.storyline(2).events == 1


def test_relocate_refuses_an_unknown_story_or_an_article_in_none_changing_nothing(store):
    a, _ = _desk(store)
    store.articles.upsert([_article(a.id, "a.example", "loose", 3)])
    with pytest.raises(NotFoundError, match="story with id 99"):
        store.stories.relocate(["a1"], 99)
    with pytest.raises(NotFoundError, match="loose is in no story"):
        store.stories.relocate(["a2", "loose"], 1)
    with pytest.raises(NotFoundError, match="no article with id nope"):
        store.stories.relocate(["nope"], None)
    with pytest.raises(ValueError):
        store.stories.relocate([], None)
    assert store.stories.relocate([], 2) == 2
    assert store.stories.story_of("a2") == 2 and store.stories.story_rows([5]) == []
    assert [s.size for s in store.stories.story_rows([1, 2, 3, 4])] == [2, 2, 1, 1]


def test_update_profiles_rewrites_label_and_centroid_only(store):
    _desk(store)
    [before] = store.stories.story_rows([2])
    store.stories.update_profiles([replace(before, label="Budget vote", centroid='{"v": 1}',
                                           size=99)])
    store.stories.update_profiles([replace(before, label="Budget vote", centroid='{"v": 1}',
                                           size=99)])
    assert store.stories.story_rows([2]) == [replace(before, label="Budget vote",
                                                     centroid='{"v": 1}')]
    assert [s.id for s in store.stories.story_rows([4, 99, 2, 1])] == [4, 2, 1]


def test_removing_articles_takes_their_storys_link_and_an_emptied_storyline(store):
    _desk(store)
    store.stories.save_storylines([_line(1), _line(2, 20, 40)],
                                  [_link(1, 1), _link(2, 1), _link(3, 2), _link(4, 2)])
    store.archive.remove_articles(["b3"])
    assert store.stories.links([4]) == {}
    store.archive.remove_articles(["a3"])
    with pytest.raises(NotFoundError):
        store.stories.storyline(2)
    assert [s.id for s in store.stories.storylines()] == [1]


# ---------------------------------------------------------------- copies


def test_copies_form_groups_through_chains_original_first(store):
    a, b = store.sources.add("https://a.example/feed")[0], store.sources.add(
        "https://b.example/feed")[0]
    arts = [_article(a.id, "a.example", "orig", 0), _article(b.id, "b.example", "copy1", 0, 2),
            _article(b.id, "b.example", "copy2", 0, 1), _article(a.id, "a.example", "copy3", 1),
            _article(a.id, "a.example", "alone", 0), _article(b.id, "b.example", "other", 2),
            _article(b.id, "b.example", "other2", 2, 1)]
    store.articles.upsert(arts)
    rows = [StoryRecord(id=n, label=f"S{n}", first_seen=DAY0, last_seen=DAY0, size=1, outlets=1)
            for n in (1, 2, 3)]
    store.stories.save(rows, [StoryAssignment("orig", 1, 1.0), StoryAssignment("copy1", 1, 1.0, "orig"),
                              StoryAssignment("copy2", 2, 1.0, "copy1"),  # a chain
                              StoryAssignment("copy3", 2, 1.0, "orig"), StoryAssignment("alone", 1, 1.0),
                              StoryAssignment("other", 3, 1.0),
                              StoryAssignment("other2", 3, 1.0, "other")], {}, 7)
    group = ("orig", "copy2", "copy1", "copy3")  # the original, then by date
    assert store.stories.copies(["copy2", "alone", "nope", "other2", "orig"]) == {
        "copy2": group, "orig": group, "other2": ("other", "other2")}
    assert store.stories.copies(["copy3"]) == {"copy3": group}
    assert store.stories.copies([]) == {} and store.stories.copies(["alone"]) == {}


# ---------------------------------------------------------------- follows


def test_follows_keep_their_order_update_in_place_and_unfollow_idempotently(store):
    store.stories.follow(Follow("storyline", "7"))
    store.stories.follow(Follow("topic", "AI", events=3))
    store.stories.follow(Follow("storyline", "7", events=4, outlets=("Reuters", "AP"),
                                anchor=("a1", "b1")))
    assert store.stories.follows() == [
        Follow("storyline", "7", 4, ("Reuters", "AP"), ("a1", "b1")), Follow("topic", "AI", 3)]
    with pytest.raises(ValueError):
        store.stories.follow(Follow("tag", "x"))
    store.stories.unfollow("storyline", "7")
    store.stories.unfollow("storyline", "7")
    store.stories.unfollow("topic", "nothing")
    assert store.stories.follows() == [Follow("topic", "AI", 3)]
    store.stories.follow(Follow("storyline", "7"))
    assert [f.key for f in store.stories.follows()] == ["AI", "7"]


def test_list_reads_only_the_stories_asked_for(store):
    _desk(store)
    found = {s.id: s for s in store.stories.list(ids=[3, 1, 99, 1])}
    assert sorted(found) == [1, 3]
    assert found[1].outlets == ("Alpha News", "Beta Post") and found[3].article_ids == ("a3",)
    assert store.stories.list(ids=[]) == []
