"""The storyline linker: stable ids, locked and already linked events, the why, and the
ruling-and-appeal case against two court cases of one week."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newsdesk.analysis.stories import StoryInput
from newsdesk.analysis.stories.storylines import (
    EventInput,
    LinkExplanation,
    StorylineLinker,
    StorylineState,
    event_vector,
    explain_link,
)
from newsdesk.analysis.stories.stream import cluster_stream

DAY0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
NIMBUS = {"n:nimbus": 0.5, "n:lisbon": 0.4, "contempt": 0.4, "emails": 0.4, "warrant": 0.3,
          "court": 0.2}
DAM = {"n:kariba": 0.6, "dam": 0.5, "flood": 0.4, "n:zambezi": 0.3}


def event(story_id: int, features: dict[str, float], days: float = 0.0, *,
          links: frozenset[str] = frozenset(), storyline_id: int | None = None,
          locked: bool = False) -> EventInput:
    when = DAY0 + timedelta(days=days)
    return EventInput(story_id=story_id, first_seen=when, last_seen=when + timedelta(hours=6),
                      features=features, outlets=frozenset({f"outlet{story_id}"}),
                      label=f"event {story_id}", links=links, storyline_id=storyline_id,
                      locked=locked)


def test_successive_steps_share_a_storyline_and_other_matters_do_not():
    linker = StorylineLinker()
    first = linker.link(event(1, NIMBUS))
    dam = linker.link(event(2, DAM, 1))
    appeal = linker.link(event(3, NIMBUS | {"appeal": 0.5}, 42))
    assert first.new_storyline and dam.new_storyline
    assert first.storyline_id != dam.storyline_id
    assert appeal.storyline_id == first.storyline_id and not appeal.new_storyline
    assert appeal.why is not None and "nimbus" in appeal.why.shared_names
    (line,) = [s for s in linker.touched() if s.id == first.storyline_id]
    assert line.events == 2 and line.label == "event 3"  # titled by its newest event
    assert linker.next_id == 3


def test_too_old_a_storyline_takes_nothing():
    linker = StorylineLinker(window_days=60)
    first = linker.link(event(1, NIMBUS))
    late = linker.link(event(2, NIMBUS, 90))
    assert late.storyline_id != first.storyline_id


def test_a_topic_word_without_a_name_in_common_links_nothing():
    linker = StorylineLinker()
    first = linker.link(event(1, {"n:nimbus": 0.3, "court": 0.9, "ruling": 0.8}))
    other = linker.link(event(2, {"n:acme": 0.3, "court": 0.9, "ruling": 0.8}, 2))
    assert other.storyline_id != first.storyline_id


def test_ids_are_stable_an_event_already_linked_stays_and_a_locked_one_is_in_none():
    linker = StorylineLinker()
    a = linker.link(event(1, NIMBUS))
    b = linker.link(event(2, DAM, 1))
    # Story 2 grows to look like Nimbus, but it is in its storyline already: it stays.
    again = linker.link(event(2, NIMBUS | DAM, 2, storyline_id=b.storyline_id))
    assert again.storyline_id == b.storyline_id and not again.new_storyline
    locked = linker.link(event(3, NIMBUS, 3, locked=True))
    assert locked.storyline_id is None
    # A new linker over the saved storylines keeps their ids and continues the numbering.
    resumed = StorylineLinker(linker.touched(), next_id=linker.next_id)
    later = resumed.link(event(4, DAM, 10))
    assert later.storyline_id == b.storyline_id != a.storyline_id  # its profile took Nimbus
    fresh = resumed.link(event(5, {"n:other": 1.0}, 11))
    assert fresh.storyline_id == linker.next_id


def test_the_why_is_one_line_with_names_terms_links_and_days():
    why = LinkExplanation(score=0.5, days_apart=41.2, shared_names=("microsoft", "ireland"),
                          shared_terms=("warrant", "emails"))
    assert str(why) == "both name Microsoft, Ireland; shared terms: warrant, emails; 41 days apart"
    a = event(1, NIMBUS, links=frozenset({"https://court.example/ruling"}))
    b = event(2, NIMBUS, 42, links=frozenset({"https://court.example/ruling"}))
    text = str(explain_link(b, a))
    assert text.startswith("both name Nimbus, Lisbon; shared terms: contempt, emails")
    assert "links in common: https://court.example/ruling" in text
    assert text.endswith("42 days apart") or text.endswith("41 days apart")
    assert "\n" not in text


def _article(aid: str, title: str, text: str, days: float, source: str) -> StoryInput:
    return StoryInput(aid, title, text, DAY0 + timedelta(days=days), source)


RULING = ("A federal judge held Nimbus in contempt on Monday for refusing to hand over emails "
          "stored on its servers in Lisbon, ruling that the warrant issued by prosecutors "
          "reaches data the company controls abroad. Nimbus said it would appeal the contempt "
          "order.")
APPEAL = ("Nimbus asked an appeals court on Tuesday to overturn the contempt order over the "
          "Lisbon emails, arguing that the warrant cannot reach data stored abroad. Judges on "
          "the appeals panel questioned both prosecutors and Nimbus lawyers about the emails.")
OTHER_CASE = ("A jury in Denver found the Harlow Group liable for fraud in a pension scheme on "
              "Wednesday, awarding retirees damages after a three-week trial. Harlow Group "
              "lawyers said they would consider an appeal of the verdict.")


def test_a_ruling_and_its_appeal_six_weeks_later_link_two_cases_of_one_week_do_not():
    articles = [
        _article("r1", "Judge holds Nimbus in contempt over Lisbon emails", RULING, 0, "a.com"),
        _article("r2", "Nimbus held in contempt for refusing to hand over Lisbon emails",
                 RULING.replace("Monday", "Monday afternoon"), 0.1, "b.com"),
        _article("h1", "Jury finds Harlow Group liable in Denver pension fraud", OTHER_CASE, 2,
                 "a.com"),
        _article("h2", "Harlow Group loses Denver pension fraud trial", OTHER_CASE, 2.2,
                 "c.com"),
        _article("p1", "Nimbus appeals contempt order over Lisbon emails", APPEAL, 42, "b.com"),
        _article("p2", "Appeals court weighs Nimbus contempt order on Lisbon emails",
                 APPEAL.replace("Tuesday", "Tuesday morning"), 42.2, "c.com"),
    ]
    rows = {aid: (story, line) for aid, story, line in cluster_stream(articles)}
    assert rows["r1"][0] == rows["r2"][0] != rows["p1"][0] == rows["p2"][0]  # two events
    assert rows["r1"][1] == rows["p1"][1] is not None  # one storyline
    assert rows["h1"][1] != rows["r1"][1]
    assert [aid for aid, _, _ in cluster_stream(articles)] == [a.id for a in articles]


def test_a_term_the_caller_says_is_common_finds_no_storyline():
    """A caller holding only some storylines tells the linker which terms are held by too
    many of all of them to tell a matter (they find nothing, as in a linker holding all)."""
    first = StorylineLinker().link(event(1, NIMBUS))
    assert first.new_storyline
    saved = [StorylineState(id=first.storyline_id or 0, first_seen=DAY0, last_seen=DAY0,
                            features=event_vector(NIMBUS), events=1, outlets=frozenset())]
    same = StorylineLinker(saved, next_id=2).link(event(2, NIMBUS, 3))
    assert same.storyline_id == first.storyline_id
    blind = StorylineLinker(saved, next_id=2, common=set(NIMBUS)).link(event(2, NIMBUS, 3))
    assert blind.new_storyline and blind.storyline_id == 2


def test_an_articles_links_are_its_url_and_the_web_pages_it_links_to():
    from newsdesk.analysis.stories.storylines import LINKS_PER_ARTICLE, article_links

    markup = ('<p><a href="https://court.example/ruling#p2">ruling</a> and '
              '<a class="x" href="https://b.example/a?x=1&amp;y=2">b</a> '
              '<a href="mailto:desk@example.com">mail</a> <a href="/relative">r</a></p>')
    assert article_links("https://own.example/story/", markup) == {
        "https://own.example/story", "https://court.example/ruling", "https://b.example/a?x=1&y=2"}
    many = "".join(f'<a href="https://x.example/{n}">{n}</a>' for n in range(100))
    assert len(article_links(None, many)) == LINKS_PER_ARTICLE
    assert len(article_links("https://own.example/a", many)) == LINKS_PER_ARTICLE + 1
    assert article_links(None, "") == frozenset()


def test_an_outlets_boilerplate_links_do_not_join_unrelated_events():
    """Every post of a blog ends 'The post ... appeared first on <home page>' and links its
    social accounts: two unrelated events of one outlet naming one person stay apart."""
    from newsdesk.analysis.stories.storylines import article_links

    def footer(url: str) -> str:
        return (f'<p>The post <a href="{url}">T</a> appeared first on '
                '<a href="https://site.example/">Site</a>. Follow us on '
                '<a href="https://twitter.com/siteexample">X</a> and '
                '<a href="https://www.facebook.com/sharer.php?u=x">share</a>.</p>')

    budget, lunch = ("https://site.example/2026/01/01/budget-vote/",
                     "https://site.example/2026/01/05/school-lunch/")
    a = replace(event(1, {"n:trump": 0.3, "budget": 1.0, "vote": 0.9, "senat": 0.8}),
                links=article_links(budget, footer(budget)))
    b = replace(event(2, {"n:trump": 0.3, "school": 1.0, "lunch": 0.9, "program": 0.8}, 4),
                links=article_links(lunch, footer(lunch)))
    assert a.links & b.links == set()
    linker = StorylineLinker()
    assert linker.link(a).storyline_id != linker.link(b).storyline_id
