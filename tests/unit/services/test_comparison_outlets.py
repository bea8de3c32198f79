"""An outlet is one thing: two feeds of one site are one outlet to story grouping and to
the comparison, shown under one name."""

from datetime import UTC, datetime, timedelta

from newsdesk.models import Article
from newsdesk.outlets import source_outlet
from newsdesk.services.comparisons import compare_story, outlet_names
from newsdesk.services.stories import update_stories

T0 = datetime(2026, 5, 4, 8, tzinfo=UTC)
TEXT = ("A court fined Acme $2 million on Monday over a data leak that exposed the records of "
        "four million customers. Judge Helen Marsh said the company ignored warnings for months. "
        "Acme said it would appeal the fine, the largest the data office has imposed so far.")


def _article(n: int, source, title: str) -> Article:
    return Article(
        id=f"a{n}", source_id=source.id, outlet=source_outlet(source.url, source.id),
        guid=f"a{n}", url=f"https://{source.url.split('/')[2]}/2026/acme-{n}", title=title,
        authors=(), published=T0 + timedelta(hours=n), updated=None,
        first_seen=T0 + timedelta(hours=n), summary_html="", content_html=f"<p>{TEXT}</p>",
        text=TEXT, word_count=len(TEXT.split()))


def test_two_feeds_of_one_outlet_compare_as_one_outlet(store):
    ars, _ = store.sources.add("https://feeds.arstechnica.com/arstechnica/index",
                              title="Ars Technica")
    ars_science, _ = store.sources.add("https://arstechnica.com/science/feed/",
                                      title="Ars Technica - Science")
    wire, _ = store.sources.add("https://wire.example/feed", title="Wire")
    store.articles.upsert([
        _article(0, ars, "Court fines Acme over data leak"),
        _article(1, ars_science, "Acme fined $2 million for leaking customer records"),
        _article(2, wire, "Acme to appeal court fine over data leak")])
    update_stories(store)
    story = next(s for s in store.stories.list() if "a0" in s.article_ids)
    assert set(story.article_ids) == {"a0", "a1", "a2"}
    assert store.stories.outlet_count(story.id) == 2  # what grouping counted
    assert story.outlets == ("Ars Technica", "Wire")  # the story list names them alike

    _, comparison = compare_story(store, story.id)
    assert [o.outlet for o in comparison.outlets] == ["Ars Technica", "Wire"]
    ars_frame = comparison.outlets[0]
    assert {h.article_id for h in ars_frame.headlines} == {"a0", "a1"}
    assert [e.outlet for e in comparison.timeline] == ["Ars Technica", "Wire"]


def test_outlets_whose_feeds_share_a_title_keep_apart(store):
    one, _ = store.sources.add("https://one.example/feed", title="News")
    two, _ = store.sources.add("https://two.example/feed", title="News")
    members = [(_article(0, one, "t"), one), (_article(1, two, "t"), two)]
    assert outlet_names(members) == {"one.example": "News (one.example)",
                                     "two.example": "News (two.example)"}
