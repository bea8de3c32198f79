"""Storylines as a use case: linking as stories are grouped, the list and timeline,
following (found again after a re-grouping) and the notices."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from newsdesk.errors import NewsdeskError, NotFoundError
from newsdesk.services import storylines as service
from newsdesk.services.corrections import detach_story
from newsdesk.services.navigation import read_navigation
from newsdesk.services.sample import load_sample
from newsdesk.services.stories import update_stories
from newsdesk.services.storylines import (
    follow,
    followed,
    list_storylines,
    notices,
    timeline,
    unfollow,
    update_storylines,
)
from newsdesk.store import Store


@pytest.fixture
def sample(store: Store) -> Store:
    load_sample(store)
    update_stories(store)
    return store


def _nimbus(store: Store) -> int:
    return next(s.id for s in list_storylines(store)
                if any("Nimbus" in store.stories.label(i) for i in s.story_ids))


def test_grouping_links_the_contempt_ruling_and_its_appeal(sample: Store) -> None:
    line = sample.stories.storyline(_nimbus(sample))
    labels = [sample.stories.label(i) for i in line.story_ids]
    assert line.events == 2 and all("Nimbus" in label for label in labels)
    links = sample.stories.links(list(line.story_ids))
    assert any("Nimbus" in link.why for link in links.values())
    assert update_storylines(sample, []) == 0
    assert update_storylines(sample) == 0  # every story is linked already


def test_catch_up_links_only_the_unlinked_stories(sample: Store,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A database from before storylines (no links) gets them on the first list; then the
    list links nothing and reads no story to find that out."""
    linked = {s.id: s.story_ids for s in list_storylines(sample)}
    links = sample.stories.links(sorted(i for ids in linked.values() for i in ids))
    sample.stories.save_storylines([], [replace(ln, storyline_id=None) for ln in links.values()])
    assert list_storylines(sample) == []
    assert len(list_storylines(sample, catch_up=True)) == len(linked) > 0
    assert sample.stories.unlinked() == []
    asked: list[object] = []
    monkeypatch.setattr(type(sample.stories), "list", lambda *a, **k: asked.append(k) or [])
    assert len(list_storylines(sample, catch_up=True)) == len(linked)
    assert asked == []  # no story read: every one is linked


def test_timeline_names_who_covered_what(sample: Store) -> None:
    found = timeline(sample, _nimbus(sample))
    assert [e.story.first_seen for e in found.events] == sorted(e.story.first_seen
                                                              for e in found.events)
    for event in found.events:
        assert set(event.outlets) | set(event.silent) == set(found.outlets)
        assert not set(event.outlets) & set(event.silent)
    with pytest.raises(NotFoundError):
        timeline(sample, 9999)


def test_follow_then_news_only_of_what_came_later(sample: Store) -> None:
    key = str(_nimbus(sample))
    changes = follow(sample, "storyline", key)
    assert changes.story_list
    assert [f.key for f in followed(sample)] == [key]
    assert notices(sample) == []  # what existed counts as told
    mine = sample.stories.follows()[0]
    sample.stories.follow(replace(mine, events=1, outlets=mine.outlets[:1]))
    news = notices(sample)
    assert {n.kind for n in news} == {"storyline"}
    assert any("a new event" in n.text for n in news)
    assert any("cover" in n.text for n in news)
    assert notices(sample) == []  # told once
    unfollow(sample, "storyline", key)
    assert followed(sample) == []


def test_following_mistakes(sample: Store) -> None:
    with pytest.raises(NotFoundError):
        follow(sample, "storyline", "9999")
    with pytest.raises(NewsdeskError):
        follow(sample, "storyline", "nimbus")
    with pytest.raises(NewsdeskError):
        follow(sample, "planet", "x")
    with pytest.raises(NotFoundError):
        follow(sample, "topic", "No such topic")


def test_a_topic_tells_of_new_articles(sample: Store) -> None:
    sample.topics.add("Courts", "court")
    follow(sample, "topic", "Courts")
    mine = sample.stories.follows()[0]
    assert mine.events > 0
    sample.stories.follow(replace(mine, events=mine.events - 2))
    (news,) = notices(sample)
    assert news.kind == "topic" and "2 new articles" in news.text


def test_a_followed_storyline_is_found_again_after_a_regrouping(sample: Store) -> None:
    key = _nimbus(sample)
    follow(sample, "storyline", str(key))
    sample.stories.claim("another", 1)
    update_stories(sample)  # grouped and linked again: storyline ids only grow
    (again,) = followed(sample)
    assert again.key != str(key)
    assert sample.stories.storyline(int(again.key)).events == 2
    assert read_navigation(sample).storylines[0].id == int(again.key)


def test_a_detached_story_stays_out(sample: Store) -> None:
    key = _nimbus(sample)
    line = sample.stories.storyline(key)
    detach_story(sample, line.story_ids[0])
    update_storylines(sample, list(line.story_ids))
    assert sample.stories.links([line.story_ids[0]])[line.story_ids[0]].storyline_id is None
    assert all(s.id != key or s.events < 2 for s in list_storylines(sample))


def test_navigation_lists_followed_storylines_first(sample: Store) -> None:
    shown = read_navigation(sample).storylines
    assert shown and all(s.events >= 2 for s in shown)
    last = shown[-1]
    follow(sample, "storyline", str(last.id))
    assert read_navigation(sample).storylines[0].id == last.id
    assert read_navigation(sample).storylines[0].followed


def test_profile_json_round_trips(sample: Store) -> None:
    (row,) = sample.stories.storyline_rows(sample.stories.storyline(_nimbus(sample)).first_seen)[:1]
    state = service._state(row)
    assert state.outlets and state.features
    assert service._state(service._record(state)) == replace(
        state, features={t: round(w, 5) for t, w in state.features.items()})


def test_linking_again_keeps_why_an_event_was_linked(sample: Store) -> None:
    line = sample.stories.storyline(_nimbus(sample))
    before = sample.stories.links(list(line.story_ids))
    assert update_storylines(sample, list(line.story_ids)) == 2
    assert sample.stories.links(list(line.story_ids)) == before


def test_an_event_that_grows_changes_its_storylines_profile(sample: Store) -> None:
    """A fresh linker does not know what an older event put in the profile: the storyline
    is rebuilt from its events' centroids as they are now."""
    import json

    from newsdesk.analysis.stories import decode_features, encode_features

    line = sample.stories.storyline(_nimbus(sample))
    (row,) = sample.stories.story_rows([line.story_ids[0]])
    grown = decode_features(row.centroid) | {"zeppelin": 5.0}
    sample.stories.update_profiles([replace(row, centroid=encode_features(grown))])
    update_storylines(sample, [row.id])
    (saved,) = [r for r in sample.stories.storyline_rows(line.first_seen) if r.id == line.id]
    assert "zeppelin" in json.loads(saved.features)["features"]


def test_linking_reads_only_the_storylines_an_event_could_join(
        sample: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not every storyline of the last weeks: those sharing the event's strongest terms in
    the store's index (here the appeal finds its ruling's storyline again)."""
    from datetime import UTC, datetime

    from newsdesk.store.api import StoryLink

    line = sample.stories.storyline(_nimbus(sample))
    appeal = line.story_ids[0]  # newest first
    sample.stories.save_storylines([], [StoryLink(appeal, None)])
    everything = sample.stories.storyline_rows(datetime.min.replace(tzinfo=UTC))
    real = sample.stories.storyline_rows
    asked: list[object] = []

    def spy(since: datetime, *, ids: list[int] | None = None) -> list[object]:
        asked.append(ids)
        return list(real(since, ids=ids))

    monkeypatch.setattr(sample.stories, "storyline_rows", spy)
    assert update_storylines(sample, [appeal]) == 1
    assert sample.stories.links([appeal])[appeal].storyline_id == line.id
    (ids,) = asked
    assert isinstance(ids, list) and line.id in ids and len(ids) < len(everything)


def test_an_events_links_are_its_articles_urls_and_the_pages_they_link_to(sample: Store) -> None:
    """So two events whose reports link the same page (or each other) share links, which
    raise their score and show in the why."""
    import json

    from newsdesk.models import ArticleQuery

    line = sample.stories.storyline(_nimbus(sample))
    (saved,) = [r for r in sample.stories.storyline_rows(line.first_seen) if r.id == line.id]
    links = json.loads(saved.features)["links"]
    assert "https://circuit-watch.example/2026/10/06/why-nimbus-asked-to-be-held-in-contempt" \
        in links  # linked from Openwire's report of the contempt ruling
    own = {a.url.rstrip("/") for sid in line.story_ids
           for a in sample.articles.list(ArticleQuery(story_id=sid))}
    assert own <= set(links)


def test_a_catch_up_links_in_steps_as_it_would_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole archive is linked LINK_STEP stories at a time (memory stays bounded); the
    storylines come out as one step makes them."""
    from newsdesk.store import open_store

    def partition(step: int) -> set[frozenset[int]]:
        monkeypatch.setattr(service, "LINK_STEP", step)
        with open_store(tmp_path / f"step{step}.db") as store:
            load_sample(store)
            update_stories(store)
            links = store.stories.links([s.id for s in store.stories.list()])
        lines: dict[int, set[int]] = {}
        for link in links.values():
            if link.storyline_id is not None:
                lines.setdefault(link.storyline_id, set()).add(link.story_id)
        return {frozenset(ids) for ids in lines.values()}

    at_once = partition(10_000)
    assert any(len(ids) >= 2 for ids in at_once)
    assert partition(3) == at_once
