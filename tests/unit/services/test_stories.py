"""Grouping as a use case: the stored stories, the model that owns them, a stream."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import replace
from datetime import timedelta
from typing import ClassVar

import pytest
from sqlite_utils import Database

from newsdesk.analysis.stories import MemberLoader, ModelState, StoryIndex, TfidfModel
from newsdesk.config import resource_path
from newsdesk.errors import NewsdeskError
from newsdesk.services import stories
from newsdesk.services.sample import load_sample
from newsdesk.services.stories import group_stream, list_stories, update_stories
from newsdesk.store import open_store
from newsdesk.store.sqlite.migrations import migrations
from tests.unit.analysis.stories.test_tfidf import STREAM

# What grouping gave the sample corpus before the model became a plug: id, size, label.
SAMPLE_STORIES = [
    (1, 5, "Judge holds Nimbus Cloud in contempt over emails stored in Lisbon"),
    (2, 4, "Port Alder council votes to bar police from using face recognition"),
    (3, 1, "City libraries drop late fees and see borrowing rise"),
    (4, 3, "Cyberattack forces Westmere Health to divert ambulances"),
    (5, 1, "Westmere attack adds to pressure on cyber insurance prices for hospitals"),
    (6, 4, "Quarry Mobile fined $1.2 billion over app store payment rules"),
    (7, 1, "Patch roundup: browsers, routers and a printer driver"),
    (8, 4, "Parliament passes online safety bill requiring age checks"),
    (9, 1, "States experiment with higher pay for jurors"),
    (10, 1, "Why I still read the news through feeds"),
    (11, 4, "Data broker Locus Data left 4 million people's location histories exposed"),
    (12, 4, "Appeals court rules scraping public web pages is not hacking"),
    (13, 1, "Coffee futures hit a record as harvests disappoint"),
    (14, 1, "Our year in review: members, cases and campaigns"),
    (15, 4, "Veritas discloses chip flaw, issues fixes"),
    (16, 2, "Appeals panel skeptical of both sides as Nimbus argues Lisbon emails case"),
    (17, 1, "Runner breaks course record at city marathon"),
    (18, 1, "Review: three password managers, tested for a month"),
]


class TfidfNext(TfidfModel):
    """A next version of today's model, for tests only; it records the states it got."""

    version = TfidfModel.version + 1
    given: ClassVar[list[ModelState]] = []

    @classmethod
    def from_state(cls, state: ModelState, members: MemberLoader | None = None) -> TfidfNext:
        cls.given.append(state)
        return super().from_state(state, members)


def _partition(store) -> list[list[str]]:
    return sorted(sorted(m.url or "" for m in store.stories.members(s.id))
                  for s in store.stories.list())


def test_the_sample_corpus_groups_as_before(store):
    load_sample(store)
    assert sorted((s.id, s.size, s.label) for s in store.stories.list()) == SAMPLE_STORIES
    assert store.stories.model() == ("tfidf", TfidfModel.version)


def test_a_state_of_another_version_is_not_read_but_rebuilt(store, monkeypatch):
    load_sample(store)
    before = _partition(store)
    monkeypatch.setitem(stories.MODELS, "tfidf-next", TfidfNext)
    TfidfNext.given.clear()
    assert update_stories(store, [], model="tfidf-next") == 43  # every article, again
    assert store.stories.model() == ("tfidf", TfidfNext.version)
    first = TfidfNext.given[0]
    assert (first.documents, first.stories, first.terms) == (0, (), {})
    assert all(state.is_of(TfidfNext) for state in TfidfNext.given)
    assert _partition(store) == before  # same code, so the same stories
    assert update_stories(store, model="tfidf-next") == 0  # its own state: carries on
    assert update_stories(store) == 43  # back to today's version: rebuilt once more
    assert store.stories.model() == ("tfidf", TfidfModel.version)
    assert sorted((s.id, s.size, s.label) for s in store.stories.list()) == SAMPLE_STORIES


def test_claiming_empties_the_story_tables(store):
    load_sample(store)
    store.stories.claim("other", 3)
    store.stories.claim("other", 3)  # idempotent
    assert store.stories.model() == ("other", 3)
    assert store.stories.list() == []
    assert store.stories.grouped_documents() == 0
    assert store.stories.term_prior() == {}
    assert len(store.stories.unclustered_ids()) == 43


def test_an_unknown_model_is_one_sentence(store):
    with pytest.raises(NewsdeskError) as raised:
        update_stories(store, model="nope")
    assert str(raised.value) == "There is no story model 'nope'; the models are tfidf."


def test_list_stories_catches_up_first(store):
    load_sample(store)
    store.stories.claim("tfidf", 1)  # as if nothing were grouped yet
    assert store.stories.list() == []
    found = list_stories(store, min_outlets=2, limit=5)
    assert found == store.stories.list(min_outlets=2, limit=5)
    assert len(found) == 5
    assert sorted((s.id, s.size, s.label) for s in list_stories(store)) == SAMPLE_STORIES


def test_a_stream_groups_as_the_index_does():
    index = StoryIndex()
    assert list(group_stream(STREAM)) == [index.add(a) for a in STREAM]
    assert sum(a.new_story for a in group_stream(STREAM)) == index.next_id - 1 == 3


def test_sample_corpus_stories(store):
    load_sample(store)
    gold = json.loads(resource_path("sample", "stories.json").read_text())
    url_to_story = {}
    for story in store.stories.list():
        for member in store.stories.members(story.id):
            url_to_story[member.url] = story.id
    for event, urls in gold.items():
        found = {url_to_story[u] for u in urls}
        assert len(found) == 1 or event == "westmere-ransomware", (event, found)
    contempt = {url_to_story[u] for u in gold["nimbus-contempt"]}
    appeal = {url_to_story[u] for u in gold["nimbus-appeal-argued"]}
    assert contempt.isdisjoint(appeal)  # a later step in the same case is its own story


def test_incremental_growth_keeps_the_story_id(store):
    load_sample(store)
    member = store.articles.list(search="Crossfade", limit=1)[0]
    story_id = store.stories.story_of(member.id)
    follow_up = replace(member, id="crossfade-follow-up", url="https://late.example/crossfade",
                        title="Crossfade: Veritas CPU flaw fix slows cloud servers",
                        published=member.published + timedelta(hours=20))
    store.articles.upsert([follow_up])
    assert update_stories(store, ["crossfade-follow-up"]) == 1
    assert store.stories.story_of("crossfade-follow-up") == story_id
    assert update_stories(store) == 0  # nothing left to place


def test_stories_from_before_the_model_record_are_todays_models(tmp_path):
    """Migration 0009 gives what is stored to TF-IDF version 1; today's version (2, issue
    13) does not read its state, so the next grouping regroups (here: nothing to place)."""
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="0009_story_model_state")
    db.execute("PRAGMA user_version = 8")
    db.execute("INSERT INTO stories(id, label, first_seen, last_seen, size, outlets) "
               "VALUES (7, 'Kept', '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z', 0, 0)")
    db.conn.commit()
    db.conn.close()
    with open_store(path) as store:
        assert store.stories.model() == ("tfidf", 1)
        assert update_stories(store) == 0
        assert store.stories.model() == ("tfidf", TfidfModel.version)


@pytest.fixture(params=["sqlite", "postgresql"])
def grouping_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "grouping.db")
    return request.getfixturevalue("pg_url")


def test_a_grouping_while_another_program_groups_waits_then_skips(grouping_url, caplog):
    from newsdesk.ingest.sample import store_sample

    with open_store(grouping_url) as store, open_store(grouping_url) as other:
        store_sample(store)
        with other.exclusive(stories.GROUPING) as held:
            assert held
            started = time.monotonic()
            with caplog.at_level(logging.WARNING, logger="newsdesk.services.stories"):
                assert update_stories(store, wait=0.2) == 0
            assert time.monotonic() - started >= 0.2
        assert "another program is grouping the stories of this database; skipped " \
               "after waiting 0.2 s" in caplog.text
        assert store.stories.list() == []  # nothing half done: the articles wait
        assert update_stories(store, wait=0) == 43


def test_a_grouping_waits_for_another_that_ends(tmp_path):
    from newsdesk.ingest.sample import store_sample

    path = tmp_path / "grouping.db"
    with open_store(path) as store, open_store(path) as other:
        store_sample(store)
        entered = threading.Event()

        def hold() -> None:
            with other.exclusive(stories.GROUPING):
                entered.set()
                time.sleep(0.3)

        holder = threading.Thread(target=hold)
        holder.start()
        assert entered.wait(10)
        assert update_stories(store, wait=20) == 43
        holder.join()
        assert sorted((s.id, s.size, s.label) for s in store.stories.list()) == SAMPLE_STORIES


def test_nothing_to_group_takes_no_section(store, monkeypatch):
    load_sample(store)

    def refuse(*args, **kwargs):
        raise AssertionError("no section for nothing to do")

    monkeypatch.setattr(store, "exclusive", refuse)
    assert update_stories(store) == 0
    assert update_stories(store, []) == 0
