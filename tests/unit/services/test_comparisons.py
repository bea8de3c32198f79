"""Comparisons from the store: cached per story, recomputed when the story changes."""

from dataclasses import replace

import pytest

from newsdesk.formats.comparison_json import to_json
from newsdesk.services import comparisons as comparison_module
from newsdesk.services.comparisons import compare_article, compare_story
from newsdesk.services.sample import load_sample
from newsdesk.store.api import StoryAssignment


@pytest.fixture
def sample_store(store):
    load_sample(store)
    return store


def _story(store):
    return max(store.stories.list(min_outlets=2), key=lambda s: len(s.outlets))


def test_second_compare_comes_from_the_cache(sample_store, monkeypatch):
    story = _story(sample_store)
    label, first = compare_story(sample_store, story.id)
    assert label == story.label and sample_store.caches.cached_comparison(story.id) is not None

    def fail(*args, **kwargs):
        raise AssertionError("recomputed although nothing changed")

    monkeypatch.setattr(comparison_module, "compare", fail)
    assert compare_story(sample_store, story.id) == (label, first)  # equal after the round trip


def test_changed_article_text_is_compared_afresh(sample_store):
    story = _story(sample_store)
    compare_story(sample_store, story.id)
    member = sample_store.articles.get(story.article_ids[0])
    sample_store.articles.upsert([replace(member, title="Corrected: a wholly new headline")])
    _, fresh = compare_story(sample_store, story.id)
    titles = [h.sentence for o in fresh.outlets for h in o.headlines]
    assert "Corrected: a wholly new headline" in titles


def test_regrouping_a_story_drops_its_cached_comparison(sample_store):
    story = _story(sample_store)
    compare_story(sample_store, story.id)
    other = next(s for s in sample_store.stories.list() if s.id != story.id)
    moved = other.article_ids[0]
    sample_store.stories.save([], [StoryAssignment(article_id=moved, story_id=story.id, score=0.5)],
                              {}, 0)
    assert sample_store.caches.cached_comparison(story.id) is None
    _, fresh = compare_story(sample_store, story.id)
    assert moved in {h.article_id for o in fresh.outlets for h in o.headlines}


def test_unreadable_cache_is_recomputed(sample_store):
    story = _story(sample_store)
    label, first = compare_story(sample_store, story.id)
    signature, _ = sample_store.caches.cached_comparison(story.id)
    sample_store.caches.save_comparison(story.id, signature, '{"outlets": "not what we wrote"}')
    assert compare_story(sample_store, story.id) == (label, first)


def test_cached_json_is_the_report_json(sample_store):
    story = _story(sample_store)
    label, result = compare_story(sample_store, story.id)
    assert sample_store.caches.cached_comparison(story.id)[1] == to_json(label, result)


def test_single_article_profile(sample_store):
    article_id = _story(sample_store).article_ids[0]
    _title, profile = compare_article(sample_store, article_id)
    assert len(profile.outlets) == 1 and profile.outlets[0].headlines[0].article_id == article_id
    # measured against every stored article, and shown only when significant: one short
    # article of the sample has no word that stands out at |z| >= 1.96
    assert all(abs(t.z) >= 1.96 for t in profile.outlets[0].distinctive)


def test_a_cache_that_cannot_be_written_still_gives_the_answer(sample_store, monkeypatch):
    from newsdesk.errors import StoreError

    def full(*args, **kwargs):
        raise StoreError("The disk is full.")

    monkeypatch.setattr(sample_store.caches, "save_comparison", full)
    story = _story(sample_store)
    label, result = compare_story(sample_store, story.id)
    assert label == story.label and len(result.outlets) == len(story.outlets)


def test_warm_cache_compares_each_new_story_once(sample_store):
    from newsdesk.services.comparisons import warm_cache

    several = [s for s in sample_store.stories.list() if len(s.outlets) >= 2]
    assert warm_cache(sample_store) == len(several)
    assert all(sample_store.caches.cached_comparison(s.id) for s in several)
    assert warm_cache(sample_store) == 0  # nothing new
    story = several[0]
    other = next(s for s in sample_store.stories.list() if s.id != story.id)
    moved = StoryAssignment(article_id=other.article_ids[0], story_id=story.id, score=0.5)
    sample_store.stories.save([], [moved], {}, 0)
    assert warm_cache(sample_store) == 1  # the story that changed (the other has one outlet)


def _full_text(article_id, text):
    from datetime import UTC, datetime

    from newsdesk.models import FullText

    return FullText(article_id, "extracted", datetime(2026, 12, 1, tzinfo=UTC),
                    html=f"<p>{text}</p>", text=text, word_count=len(text.split()))


def test_framing_compares_the_extracted_full_text(sample_store, monkeypatch):
    story = _story(sample_store)
    member = story.article_ids[0]
    compare_story(sample_store, story.id)
    compared = []
    real = comparison_module.compare

    def spy(articles, prior=None):
        compared.extend(articles)
        return real(articles, prior)

    monkeypatch.setattr(comparison_module, "compare", spy)
    words = "The page's own words about the ruling, far longer than the feed's summary."
    sample_store.archive.save_fulltext(_full_text(member, words))
    compare_story(sample_store, story.id)  # the full text changed the signature
    mine = next(a for a in compared if a.id == member)
    assert (mine.text, mine.html) == (words, f"<p>{words}</p>")
    others = [a for a in compared if a.id != member]
    assert all(a.text == sample_store.articles.get(a.id).text for a in others)

    compared.clear()
    compare_story(sample_store, story.id)
    assert compared == []  # cached again under the new signature
    sample_store.archive.remove_fulltexts([member])
    compare_story(sample_store, story.id)
    assert next(a for a in compared if a.id == member).text == sample_store.articles.get(
        member).text


def test_a_story_without_full_texts_keeps_its_signature(sample_store):
    import hashlib

    from newsdesk.analysis.framing import analysis_fingerprint

    story = _story(sample_store)
    before = hashlib.sha1(f"{analysis_fingerprint()}\n{comparison_module.GROUPING}\n"
                          f"{sample_store.stories.signature(story.id)}".encode()).hexdigest()
    assert comparison_module._signature(sample_store, story.id) == before
    kept = replace(_full_text(story.article_ids[0], "words"), status="kept_summary", text="",
                   html="", reason="A paywall.")
    sample_store.archive.save_fulltext(kept)  # not extracted: framing still reads the feed
    assert comparison_module._signature(sample_store, story.id) == before
