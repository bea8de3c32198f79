"""The desk's writes through the service: checks that change nothing, Edits that undo
exactly, Changes that name what changed, stories annotated on their anchor."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from newsdesk.errors import NewsdeskError, NotFoundError
from newsdesk.models import Article
from newsdesk.services import annotations as desk
from newsdesk.services.changes import Changes
from newsdesk.services.sample import load_sample
from newsdesk.store import Store, open_store


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus, grouped, loaded once; each test works on its own copy."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    with open_store(path) as store:
        load_sample(store)
    return path


@pytest.fixture
def desk_store(sample_file: Path, tmp_path: Path) -> Iterator[Store]:
    copy = tmp_path / "desk.db"
    shutil.copy(sample_file, copy)
    with open_store(copy) as store:
        yield store


@pytest.fixture
def arts(desk_store: Store) -> list[Article]:
    return sorted(desk_store.articles.list(), key=lambda a: a.id)


def _story(store: Store, size: int = 3) -> int:
    """A story of at least `size` articles."""
    return next(s.id for s in store.stories.list() if s.size >= size)


def _snapshot(store: Store, ids: list[str]) -> tuple[object, ...]:
    return (store.annotations.of_articles(ids), store.annotations.tags(),
            store.annotations.codebooks())


def test_tagging_and_undoing_it(desk_store, arts):
    ids = [a.id for a in arts[:3]]
    edit = desk.tag_articles(desk_store, ids, ["Ireland-case", " ireland-case ", "courts"],
                             "alice")
    assert len(edit.added) == 6 and edit.removed == ()
    assert edit.summary == "Tagged 3 articles with Ireland-case, courts."
    assert edit.changes == Changes.of(annotated=ids, tag_list=True)
    again = desk.tag_articles(desk_store, ids, ["IRELAND-CASE"], "bob")
    assert again.added == () and again.changes == Changes() and "already" in again.summary
    assert {t.name: t.articles for t in desk.list_tags(desk_store)} == {
        "courts": 3, "Ireland-case": 3}
    undone = desk.undo(desk_store, edit)
    # the tags stay defined (a tag exists while defined), on no article any more
    assert [(t.name, t.articles, t.stories) for t in desk.list_tags(desk_store)] == [
        ("courts", 0, 0), ("Ireland-case", 0, 0)]
    assert desk_store.annotations.of_articles(ids) == {}
    assert undone.changes.annotated == frozenset(ids) and undone.summary.startswith("Undone: ")
    redone = desk.undo(desk_store, undone)
    assert sorted(redone.added, key=repr) == sorted(edit.added, key=repr)
    assert redone.summary == edit.summary
    assert all(a.editor == "alice" for a in desk.annotations_by_article(desk_store, ids)[ids[0]])


def test_undo_leaves_tags_someone_had_given_before(desk_store, arts):
    first, second = arts[0].id, arts[1].id
    desk.tag_articles(desk_store, [first], ["x"], "bob")
    edit = desk.tag_articles(desk_store, [first, second], ["x"], "alice")
    assert [a.article_id for a in edit.added] == [second]
    desk.undo(desk_store, edit)
    kept = desk.annotations_by_article(desk_store, [first, second])
    assert [(a.article_id, a.editor) for a in kept[first]] == [(first, "bob")]
    assert second not in kept


def test_untagging_any_editors_tag_and_undoing_it(desk_store, arts):
    ids = [a.id for a in arts[:2]]
    desk.tag_articles(desk_store, ids[:1], ["x"], "bob")
    desk.tag_articles(desk_store, ids[1:], ["x"], "carol")
    edit = desk.untag_articles(desk_store, ids, ["X"])
    assert {(a.article_id, a.editor) for a in edit.removed} == {(ids[0], "bob"), (ids[1], "carol")}
    assert desk.annotations_by_article(desk_store, ids) == {}
    desk.undo(desk_store, edit)
    back = desk.annotations_by_article(desk_store, ids)
    assert {a.editor for v in back.values() for a in v} == {"bob", "carol"}
    assert desk.untag_articles(desk_store, ids, ["nothing"]).changes == Changes()


@pytest.mark.parametrize(("call", "message"), [
    (lambda s, ids: desk.tag_articles(s, [*ids, "nope"], ["x"], "a"), "no article with id nope"),
    (lambda s, ids: desk.tag_articles(s, ["n1", "n2"], ["x"], "a"), "no articles with ids n1, n2"),
    (lambda s, ids: desk.tag_articles(s, ids, ["  "], "a"), "tag cannot be empty"),
    (lambda s, ids: desk.tag_articles(s, ids, ["a\nb"], "a"), "control characters"),
    (lambda s, ids: desk.tag_articles(s, ids, ["x" * 101], "a"), "longer than 100"),
    (lambda s, ids: desk.tag_articles(s, [], ["x"], "a"), "at least one article"),
    (lambda s, ids: desk.untag_articles(s, ["nope"], ["x"]), "no article with id nope"),
    (lambda s, ids: desk.code_articles(s, ids, "Nope", "critical", "a"),
     "no codebook named 'Nope'; the codebooks are 'Coverage', 'Media frames'"),
    (lambda s, ids: desk.code_articles(s, ids, "coverage", "angry", "a"),
     "'angry' is not a value of the codebook 'Coverage': use one of supportive, critical, "
     "neutral, explainer, opinion, wire copy (or its number, 1 to 6)."),
    (lambda s, ids: desk.code_articles(s, ids, "coverage", "7", "a"), "not a value"),
    (lambda s, ids: desk.code_articles(s, ["nope"], "coverage", "1", "a"), "no article"),
    (lambda s, ids: desk.add_note(s, "nope", "text", "a"), "no article with id nope"),
    (lambda s, ids: desk.add_note(s, ids[0], "   ", "a"), "note cannot be empty"),
    (lambda s, ids: desk.add_note(s, ids[0], "t", "a", quote="zebra crossing at dawn"),
     'The passage "zebra crossing at dawn" is not in article'),
    (lambda s, ids: desk.add_note(s, ids[0], "t", "a", quote="  "), "passage to highlight"),
    (lambda s, ids: desk.tag_story(s, 99999, ["x"], "a"), "no story with id 99999"),
    (lambda s, ids: desk.add_story_note(s, 99999, "x", "a"), "no story with id 99999"),
    (lambda s, ids: desk.edit_note(s, "no-such-note", "x"), "no note with id no-such-note"),
    (lambda s, ids: desk.remove_note(s, "no-such-note"), "no note with id"),
    (lambda s, ids: desk.rename_tag(s, "nope", "x"), "no tag named 'nope'"),
    (lambda s, ids: desk.merge_tags(s, "nope", "x"), "no tag named 'nope'"),
    (lambda s, ids: desk.remove_tag(s, "nope"), "no tag named 'nope'"),
    (lambda s, ids: desk.set_tag_color(s, "kept", "red"), "not a colour"),
    (lambda s, ids: desk.rename_tag(s, "kept", "other"), "already a tag named 'other'"),
    (lambda s, ids: desk.merge_tags(s, "kept", "KEPT"), "cannot be merged into itself"),
    (lambda s, ids: desk.add_codebook(s, "Tone", []), "at least one value"),
    (lambda s, ids: desk.add_codebook(s, "Tone", ["a", "A"]), "given twice"),
    (lambda s, ids: desk.add_codebook(s, "Tone", ["a", " "]), "cannot be empty"),
    (lambda s, ids: desk.add_codebook(s, "  ", ["a"]), "needs a name"),
    (lambda s, ids: desk.add_codebook(s, "coverage", ["a"]), "already a codebook named"),
    (lambda s, ids: desk.remove_codebook(s, "nope"), "no codebook named"),
    (lambda s, ids: desk.list_articles(s, tag="nope"), "no tag named 'nope'"),
])
def test_mistakes_are_one_sentence_and_change_nothing(desk_store, arts, call, message):
    ids = [a.id for a in arts[:2]]
    desk.tag_articles(desk_store, ids, ["kept", "other"], "alice")
    before = _snapshot(desk_store, [a.id for a in arts])
    with pytest.raises(NewsdeskError) as raised:
        call(desk_store, ids)
    text = str(raised.value)
    assert message.lower() in text.lower()
    assert text.endswith(".") and "\n" not in text
    assert _snapshot(desk_store, [a.id for a in arts]) == before


def test_coding_by_name_or_number_replaces_the_editors_value(desk_store, arts):
    ids = [a.id for a in arts[:2]]
    first = desk.code_articles(desk_store, ids, "coverage", "Critical", "alice")
    assert [a.value for a in first.added] == ["critical", "critical"] and first.removed == ()
    assert first.summary == "Coded 2 articles Coverage = critical."
    desk.code_articles(desk_store, ids[:1], "Coverage", "1", "bob")
    second = desk.code_articles(desk_store, ids[:1], "Coverage", "3", "alice")
    assert [a.value for a in second.added] == ["neutral"]
    assert [a.value for a in second.removed] == ["critical"]
    assert second.changes == Changes.of(annotated=ids[:1])
    codes = {(a.editor, a.value) for a in desk.annotations_by_article(desk_store, ids)[ids[0]]}
    assert codes == {("alice", "neutral"), ("bob", "supportive")}
    desk.undo(desk_store, second)
    codes = {(a.editor, a.value) for a in desk.annotations_by_article(desk_store, ids)[ids[0]]}
    assert codes == {("alice", "critical"), ("bob", "supportive")}
    gone = desk.uncode_articles(desk_store, ids, "coverage", "alice")
    assert len(gone.removed) == 2
    assert {a.editor for a in desk.annotations_by_article(desk_store, ids)[ids[0]]} == {"bob"}


def test_a_highlight_is_placed_and_follows_an_edited_text(desk_store, arts):
    article = next(a for a in arts if len(a.text) > 200)
    passage = article.text[60:110]
    edit = desk.add_note(desk_store, article.id, "Look at this.", "alice",
                         quote=" ".join(passage.upper().split()))
    note = edit.added[0]
    assert note.quote is not None and note.quote.exact == passage and note.id
    assert edit.changes == Changes.of(annotated=[article.id])
    placed = desk.article_annotations(desk_store, article.id).notes
    assert [(p.note.id, p.status) for p in placed] == [(note.id, "found")]
    assert placed[0].span is not None
    assert article.text[placed[0].span.start:placed[0].span.end] == passage
    # The outlet edits the article: new words before the passage, then the passage removed.
    moved = replace(article, text="An editor's note was added at the top. " + article.text,
                    content_html="<p>An editor's note was added at the top.</p>"
                                 + article.content_html)
    desk_store.articles.upsert([moved])
    assert [p.status for p in desk.article_annotations(desk_store, article.id).notes] in (
        ["found"], ["moved"])
    lost = replace(article, text="The whole article was rewritten. " * 5,
                   content_html="<p>The whole article was rewritten.</p>")
    desk_store.articles.upsert([lost])
    after = desk.article_annotations(desk_store, article.id).notes
    assert [(p.note.id, p.status, p.span) for p in after] == [(note.id, "lost", None)]


def test_editing_and_removing_notes_undo(desk_store, arts):
    note = desk.add_note(desk_store, arts[0].id, "First thought.", "alice").added[0]
    edited = desk.edit_note(desk_store, note.id, "Second thought.")
    assert edited.removed[0].text == "First thought." and edited.added[0].text == "Second thought."
    assert edited.added[0].editor == "alice" and edited.added[0].created == note.created
    assert desk.edit_note(desk_store, note.id, "Second thought.").changes == Changes()
    desk.undo(desk_store, edited)
    assert [p.note.text for p in desk.article_annotations(desk_store, arts[0].id).notes] == [
        "First thought."]
    removed = desk.remove_note(desk_store, note.id)
    assert desk.article_annotations(desk_store, arts[0].id).notes == ()
    desk.undo(desk_store, removed)
    assert [p.note for p in desk.article_annotations(desk_store, arts[0].id).notes] == [note]


def test_story_annotations_live_on_the_anchor_and_show_on_every_member(desk_store):
    story = _story(desk_store)
    members = [m.article_id for m in desk_store.stories.members(story)]
    edit = desk.tag_story(desk_store, story, ["story-tag"], "alice")
    assert [(a.article_id, a.target) for a in edit.added] == [(members[0], "story")]
    assert edit.changes.annotated == frozenset(members)
    assert desk.tag_story(desk_store, story, ["STORY-TAG"], "bob").added == ()
    note = desk.add_story_note(desk_store, story, "Follow this one.", "bob").added[0]
    assert (note.article_id, note.target) == (members[0], "story")
    for member in members:
        seen = desk.article_annotations(desk_store, member)
        assert [a.tag for a in seen.story_tags] == ["story-tag"]
        assert [a.text for a in seen.story_notes] == ["Follow this one."]
        assert seen.tags == () and seen.notes == ()
    level, own = desk.story_annotations(desk_store, story)
    assert [a.kind for a in level] == ["tag", "note"] and own == []
    assert [t.stories for t in desk.list_tags(desk_store)] == [1]
    untagged = desk.untag_story(desk_store, story, ["story-tag"])
    assert len(untagged.removed) == 1
    assert desk.article_annotations(desk_store, members[1]).story_tags == ()
    with pytest.raises(NotFoundError):
        desk.story_annotations(desk_store, 99999)


def test_story_annotations_follow_their_anchor_after_regrouping(desk_store):
    story = _story(desk_store)
    anchor = desk_store.stories.members(story)[0].article_id
    desk.tag_story(desk_store, story, ["followed"], "alice")
    desk_store.stories.claim("tfidf", 99)  # every story goes; articles stay in none
    from newsdesk.services.stories import update_stories

    update_stories(desk_store)
    again = desk_store.stories.story_of(anchor)
    assert again is not None
    level, _ = desk.story_annotations(desk_store, again)
    assert [(a.tag, a.article_id) for a in level] == [("followed", anchor)]


def test_tag_list_rename_merge_colour_remove(desk_store, arts):
    ids = [a.id for a in arts[:3]]
    desk.tag_articles(desk_store, ids[:2], ["eu"], "alice")
    desk.tag_articles(desk_store, ids[1:], ["Europe"], "bob")
    assert desk.set_tag_color(desk_store, "EU", "#1F77B4") == Changes.of(
        annotated=ids[:2], tag_list=True)
    assert desk.set_tag_color(desk_store, "eu", "#1f77b4") == Changes()
    assert desk.rename_tag(desk_store, "eu", "EU") == Changes.of(annotated=ids[:2], tag_list=True)
    moved, changes = desk.merge_tags(desk_store, "europe", "EU")
    assert moved == 2 and changes == Changes.of(annotated=ids[1:], tag_list=True)  # ids[1] had EU
    assert [(t.name, t.color, t.articles) for t in desk.list_tags(desk_store)] == [
        ("EU", "#1f77b4", 3)]
    assert [a.id for a in desk.list_articles(desk_store, tag="eu")] == sorted(
        ids, key=lambda i: next(a.published for a in arts if a.id == i), reverse=True)
    untagged = desk.list_articles(desk_store, untagged=True)
    assert len(untagged) == len(arts) - 3
    count, changes = desk.remove_tag(desk_store, "eu")
    assert count == 3 and changes.tag_list and changes.annotated == frozenset(ids)
    assert desk.list_tags(desk_store) == []


def test_codebooks_add_is_idempotent_and_remove_takes_its_codes(desk_store, arts):
    names = [b.name for b in desk.list_codebooks(desk_store)]
    assert names == ["Coverage", "Media frames"]
    assert len(desk.list_codebooks(desk_store)[1].values) == 15
    book, changes = desk.add_codebook(desk_store, " Tone ", ["warm", " cold "], "How it feels")
    assert (book.name, book.values, changes) == ("Tone", ("warm", "cold"),
                                                 Changes(codebook_list=True))
    assert desk.add_codebook(desk_store, "tone", ["warm", "cold"])[1] == Changes()
    desk.code_articles(desk_store, [arts[0].id], "tone", "2", "alice")
    count, changes = desk.remove_codebook(desk_store, "TONE")
    assert count == 1 and changes == Changes.of(annotated=[arts[0].id], codebook_list=True)
    assert desk.annotations_by_article(desk_store, [arts[0].id]) == {}


def test_undo_skips_what_went_with_a_removed_source(desk_store, arts):
    article = arts[0]
    edit = desk.untag_articles(desk_store, [article.id], ["none"])
    tagged = desk.tag_articles(desk_store, [article.id], ["x"], "alice")
    removed = desk.untag_articles(desk_store, [article.id], ["x"])
    desk_store.sources.remove(article.source_id)
    assert desk.undo(desk_store, removed).added == ()
    assert desk.undo(desk_store, edit).changes == Changes()
    assert tagged.added


def test_count_codes_says_what_removing_a_codebook_would_take(desk_store, arts):
    from newsdesk.errors import NotFoundError

    assert desk.count_codes(desk_store, "coverage") == 0
    desk.code_articles(desk_store, [arts[0].id, arts[1].id], "Coverage", "critical", "ana")
    desk.code_articles(desk_store, [arts[0].id], "Coverage", "neutral", "bob")
    assert desk.count_codes(desk_store, "Coverage") == 3
    with pytest.raises(NotFoundError):
        desk.count_codes(desk_store, "No such codebook")
