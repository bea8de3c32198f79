"""Corrections of the grouping: applied at once, recorded in article terms, applied again
after a re-grouping, explained."""

from __future__ import annotations

import pytest

from newsdesk.analysis.stories import TfidfModel
from newsdesk.errors import NewsdeskError, NotFoundError
from newsdesk.services import corrections, storylines
from newsdesk.services.corrections import (
    detach_story,
    explain_story,
    merge_stories,
    move_article,
    pin_article,
    reapply_corrections,
    split_story,
    undo_correction,
)
from newsdesk.services.sample import load_sample
from newsdesk.services.stories import update_stories
from newsdesk.store import Store
from tests.unit.services.fake_linker import FakeLinker


@pytest.fixture
def sample(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setattr(storylines, "StorylineLinker", FakeLinker)
    load_sample(store)
    update_stories(store)
    return store


def _members(store: Store, story_id: int) -> list[str]:
    return [m.article_id for m in store.stories.members(story_id)]


def _by_label(store: Store, start: str) -> int:
    return next(s.id for s in store.stories.list() if s.label.startswith(start))


def _regroup(store: Store) -> None:
    """What another model (or version) does: empty the story tables and group again."""
    store.stories.claim("other", 1)
    update_stories(store)


def test_merge_moves_every_article_and_is_recorded(sample: Store) -> None:
    contempt, appeal = _by_label(sample, "Judge holds"), _by_label(sample, "Appeals panel")
    both = _members(sample, contempt) + _members(sample, appeal)
    changes = merge_stories(sample, contempt, appeal, editor="ed")
    assert sorted(_members(sample, contempt)) == sorted(both)
    assert changes.story_list and {contempt, appeal} <= changes.stories
    assert sample.stories.label(contempt)  # the profile was computed again
    (made,) = sample.stories.corrections()
    assert made.kind == "merge" and made.editor == "ed"
    with pytest.raises(NotFoundError):
        sample.stories.label(appeal)


def test_mistakes_are_one_sentence(sample: Store) -> None:
    story = _by_label(sample, "Judge holds")
    members = _members(sample, story)
    with pytest.raises(NewsdeskError, match="itself"):
        merge_stories(sample, story, story)
    with pytest.raises(NotFoundError):
        merge_stories(sample, story, 9999)
    with pytest.raises(NewsdeskError, match="every article"):
        split_story(sample, story, members)
    with pytest.raises(NewsdeskError, match="not in story"):
        split_story(sample, story, [_members(sample, _by_label(sample, "Appeals panel"))[0]])
    with pytest.raises(NewsdeskError, match="already in story"):
        move_article(sample, members[0], story)
    assert sample.stories.corrections() == []


def test_corrections_survive_a_regrouping(sample: Store) -> None:
    contempt, appeal = _by_label(sample, "Judge holds"), _by_label(sample, "Appeals panel")
    merge_stories(sample, contempt, appeal)
    merged = sorted(_members(sample, contempt))
    ports = _by_label(sample, "Port Alder")
    off = _members(sample, ports)[-1]
    split_story(sample, ports, [off])
    quarry = _by_label(sample, "Quarry Mobile")
    moved = _members(sample, quarry)[0]
    move_article(sample, moved, _by_label(sample, "Veritas"))
    _regroup(sample)
    assert sample.stories.model() == ("tfidf", TfidfModel.version)
    holder = sample.stories.story_of(merged[0])
    assert holder is not None and sorted(_members(sample, holder)) == merged
    alone = sample.stories.story_of(off)
    assert alone is not None and _members(sample, alone) == [off]
    veritas = sample.stories.story_of(moved)
    assert veritas is not None and sample.stories.label(veritas).startswith("Veritas")
    assert reapply_corrections(sample) == 3  # idempotent: all still hold, nothing moves
    assert sample.stories.story_of(moved) == veritas


def test_pin_keeps_an_article_with_its_companions(sample: Store) -> None:
    story = _by_label(sample, "Cyberattack")
    pinned = _members(sample, story)[0]
    pin_article(sample, pinned)
    other = _by_label(sample, "Veritas")
    sample.stories.relocate([pinned], other)  # as a model that grouped it elsewhere would
    assert reapply_corrections(sample) == 1
    assert sample.stories.story_of(pinned) == story


def test_detach_locks_a_story_out_of_storylines(sample: Store) -> None:
    appeal = _by_label(sample, "Appeals panel")
    detach_story(sample, appeal)
    link = sample.stories.links([appeal])[appeal]
    assert link.locked and link.storyline_id is None
    _regroup(sample)
    again = sample.stories.story_of(sample.stories.corrections()[0].articles[0])
    assert again is not None and sample.stories.links([again])[again].locked


def test_undo_puts_articles_back(sample: Store) -> None:
    ports = _by_label(sample, "Port Alder")
    before = sorted(_members(sample, ports))
    split_story(sample, ports, before[:1])
    undo_correction(sample, sample.stories.corrections()[-1], back_to=ports)
    assert sorted(_members(sample, ports)) == before
    assert sample.stories.corrections() == []


def test_explain_says_why_and_who_corrected(sample: Store) -> None:
    contempt, appeal = _by_label(sample, "Judge holds"), _by_label(sample, "Appeals panel")
    moved = _members(sample, appeal)[0]
    move_article(sample, moved, contempt)
    found = explain_story(sample, contempt)
    assert found.label and len(found.members) == len(_members(sample, contempt))
    by_id = {m.article_id: m for m in found.members}
    assert by_id[moved].corrected == "moved"
    assert all(0.0 <= m.similarity <= 1.0 for m in found.members)
    assert any("nimbus" in " ".join(m.shared_names).lower() for m in found.members)
    assert [c.kind for c in found.corrections] == ["move"]
    with pytest.raises(NotFoundError):
        explain_story(sample, 9999)


def test_profile_follows_the_members(sample: Store) -> None:
    story = _by_label(sample, "Judge holds")
    row_before = sample.stories.story_rows([story])[0]
    other = _by_label(sample, "Quarry Mobile")
    merge_stories(sample, story, other)
    row = sample.stories.story_rows([story])[0]
    assert row.centroid != row_before.centroid
    corrections.refresh_profiles(sample, [story, 9999])  # a gone story is left out


def test_a_story_a_split_made_is_linked(sample: Store) -> None:
    contempt = _by_label(sample, "Judge holds")
    new, _ = split_story(sample, contempt, _members(sample, contempt)[-1:])
    assert new in sample.stories.links([new])


def test_undoing_a_move_out_of_a_story_that_went_gives_it_a_story_again(sample: Store) -> None:
    """The story the article left went with it: the undo makes it one of its own, and
    forgets the correction only once the article is back."""
    ports = _by_label(sample, "Port Alder")
    lone, _changes = split_story(sample, ports, _members(sample, ports)[:1])
    (article,) = _members(sample, lone)
    move_article(sample, article, ports)
    with pytest.raises(NotFoundError):
        sample.stories.label(lone)
    undo_correction(sample, sample.stories.corrections()[-1], back_to=lone)
    home = sample.stories.story_of(article)
    assert home is not None and home != ports and _members(sample, home) == [article]
    assert [c.kind for c in sample.stories.corrections()] == ["split"]


def test_undoing_a_merge_gives_the_story_back_its_own_tags(sample: Store) -> None:
    from newsdesk.models import ArticleQuery
    from newsdesk.services.annotations import tag_story

    contempt, appeal = _by_label(sample, "Judge holds"), _by_label(sample, "Appeals panel")
    appeal_members = sorted(_members(sample, appeal))
    tag_story(sample, appeal, ["appeal-angle"], "ed")
    merge_stories(sample, contempt, appeal)
    undo_correction(sample, sample.stories.corrections()[-1], back_to=None)
    tagged = sorted(a.id for a in sample.articles.list(ArticleQuery(tag="appeal-angle")))
    assert tagged == appeal_members


def test_only_new_corrections_are_applied_again(sample: Store) -> None:
    """Applying an old split again would tear apart the story it made once grouping
    added to it; an import applies only its own."""
    ports = _by_label(sample, "Port Alder")
    before = _members(sample, ports)
    new_id, _changes = split_story(sample, ports, before[:1])
    later = before[1]
    sample.stories.relocate([later], new_id)  # as grouping might add to it later
    (split,) = sample.stories.corrections()
    assert reapply_corrections(sample, only=[split.id + 1]) == 0
    assert sorted(_members(sample, new_id)) == sorted(before[:2])
