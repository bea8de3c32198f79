"""The window's storylines: the navigation's Storylines group, the timeline pane, following,
and the notification a refresh's news gives. The services are replaced by fakes that note
the thread they run on, so these tests hold whatever the services compute."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent

from newsdesk.formats.palette import DARK, stable_outlet_color
from newsdesk.gui.actions import storylines as storyline_actions
from newsdesk.gui.models import FOLLOWED_ROLE, ID_ROLE, KIND_ROLE, NavigationModel
from newsdesk.gui.panes import storyline as storyline_pane
from newsdesk.gui.panes.storyline import StorylineChart, span_text
from newsdesk.models import ArticleQuery, Follow, StorylineSummary, StorySummary
from newsdesk.services.changes import Changes
from newsdesk.services.sample import load_sample
from newsdesk.services.storylines import Notice, StorylineTimeline, TimelineEvent
from tests.gui.conftest import settle

T0 = datetime(2021, 3, 2, 9, tzinfo=UTC)
OUTLETS = ("Reuters", "AP", "BBC News", "Techdirt")


def summary(ident: int, label: str, *, events: int = 3, followed: bool = False,
            unread: int = 0, days: int = 40) -> StorylineSummary:
    return StorylineSummary(ident, label, T0, T0 + timedelta(days=days), events, OUTLETS,
                            unread=unread, followed=followed)


def make_timeline(stories: list[StorySummary], line: StorylineSummary | None = None,
                  ) -> StorylineTimeline:
    """A timeline over these stories: the first outlet covers every event, the others
    every other one, so some stay silent."""
    events = []
    for i, story in enumerate(stories):
        covered = tuple(o for j, o in enumerate(OUTLETS) if j == 0 or (i + j) % 2 == 0)
        events.append(TimelineEvent(story, covered, tuple(o for o in OUTLETS if o not in covered)))
    line = line or summary(7, "Nimbus Ireland emails case", events=len(events))
    return StorylineTimeline(line, tuple(events), OUTLETS)


def story(ident: int, label: str, day: int) -> StorySummary:
    return StorySummary(ident, label, T0 + timedelta(days=day), T0 + timedelta(days=day, hours=20),
                        4, OUTLETS[:2])


# -- the navigation's group


def storyline_rows(model: NavigationModel) -> list[str]:
    group = model.group_item("Storylines")
    assert group is not None
    return [group.child(r).text() for r in range(group.rowCount())]


def test_storylines_group_lists_them_with_a_flag_and_badge_when_followed(qtbot):
    model = NavigationModel()
    model.show(model.data_shown)
    rebuilt = model.set_storylines([summary(2, "Booster rollout"),
                                    summary(1, "Nimbus case", followed=True, unread=4)],
                                   frozenset())
    assert rebuilt
    assert storyline_rows(model) == ["Booster rollout", "⚑ Nimbus case  (4)"]
    group = model.group_item("Storylines")
    assert group is not None
    item = group.child(1)
    assert item.data(KIND_ROLE) == "storyline" and item.data(ID_ROLE) == 1
    assert item.data(FOLLOWED_ROLE) is True
    tip = item.toolTip()
    assert "3 events" in tip and "4 outlets" in tip and "Following: 4 unread" in tip
    assert span_text(T0, T0 + timedelta(days=40)) in tip
    # the same storylines again (a read mark changed a badge): updated in place
    assert not model.set_storylines([summary(2, "Booster rollout"),
                                     summary(1, "Nimbus case", followed=True, unread=3)])
    assert storyline_rows(model)[1] == "⚑ Nimbus case  (3)"


def test_a_followed_topic_is_flagged(qtbot):
    from newsdesk.models import Topic
    from newsdesk.services.navigation import Navigation, UnreadCounts, smart_views

    model = NavigationModel()
    model.show(Navigation(smart_views(), (Topic("Courts", "court"), Topic("AI", "ai")), (), (),
                          UnreadCounts()))
    model.set_storylines([], frozenset({"Courts"}))
    topics = model.group_item("Topics")
    assert topics is not None
    assert [topics.child(r).text() for r in range(topics.rowCount())] == ["⚑ Courts", "AI"]


def test_span_text_says_the_dates_once():
    assert span_text(T0, T0 + timedelta(days=3)).endswith("Mar 2021")
    assert "–" in span_text(T0, T0 + timedelta(days=40))
    assert "2020" in span_text(T0 - timedelta(days=90), T0)


# -- the chart


def test_the_chart_marks_who_covered_each_event_and_who_stayed_silent(qtbot):
    chart = StorylineChart()
    qtbot.addWidget(chart)
    chart.set_colors(DARK)
    shown = make_timeline([story(10, "Court holds Nimbus in contempt", 0),
                           story(11, "Nimbus appeals", 3), story(12, "Appeal heard", 41)])
    chart.set_timeline(shown)
    chart.fit_to(900)
    assert chart.width() >= chart.label_width() + 3 * chart.MIN_COL
    image = QImage(chart.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor(DARK["window"]))
    chart.render(image)
    for i, event in enumerate(shown.events):
        for row, outlet in enumerate(OUTLETS):
            pixel = image.pixelColor(chart.cell_center(i, row))
            if outlet in event.outlets:
                assert pixel == QColor(stable_outlet_color(outlet)), (i, outlet)
            else:  # a silent outlet: a ring, nothing at its centre
                assert pixel != QColor(stable_outlet_color(outlet)), (i, outlet)
    assert "Silent (1): BBC News" in chart.tooltip_text(1)


def test_clicking_an_event_selects_its_story(qtbot):
    chart = StorylineChart()
    qtbot.addWidget(chart)
    chart.set_timeline(make_timeline([story(10, "First", 0), story(11, "Second", 9)]))
    chart.show()
    where = QPointF(chart.cell_center(1, 2))
    with qtbot.waitSignal(chart.event_clicked) as clicked:
        chart.mouseReleaseEvent(QMouseEvent(QMouseEvent.Type.MouseButtonRelease, where,
                                            chart.mapToGlobal(where), Qt.MouseButton.LeftButton,
                                            Qt.MouseButton.NoButton,
                                            Qt.KeyboardModifier.NoModifier))
    assert clicked.args == [11]
    assert chart.current == 11
    assert chart.event_at(QPoint(2, 2)) is None  # the outlets' names are no event


# -- the window


class FakeStorylines:
    """The services the storyline actions call, on made-up storylines over the sample's
    real stories; every call notes whether it ran on the GUI thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, tuple[object, ...], bool]] = []
        self.lines: list[StorylineSummary] = []
        self.timeline: StorylineTimeline | None = None
        self.follows: list[Follow] = []
        self.notices: list[Notice] = []
        for name in ("storylines_shown", "followed", "follow", "unfollow", "notices"):
            monkeypatch.setattr(storyline_actions, name, self._recorder(name))
        monkeypatch.setattr(storyline_pane, "timeline", self._recorder("timeline"))
        from newsdesk.services import navigation  # the tree's own read lists them too

        monkeypatch.setattr(navigation, "storylines_shown", self._recorder("storylines_shown"))

    def _recorder(self, name: str):
        def call(store, *args, **kwargs):
            self.calls.append((name, args, threading.current_thread() is threading.main_thread()))
            if name == "storylines_shown":
                return list(self.lines)
            if name == "followed":
                return list(self.follows)
            if name == "timeline":
                assert self.timeline is not None
                return self.timeline
            if name == "notices":
                found, self.notices = self.notices, []
                return found
            kind, key = args
            if name == "follow":
                self.follows.append(Follow(kind, key))
                self.lines = [StorylineSummary(s.id, s.label, s.first_seen, s.last_seen, s.events,
                                               s.outlets, unread=s.unread,
                                               followed=s.followed or str(s.id) == key)
                              for s in self.lines]
            return Changes.of(story_list=True)

        return call


@pytest.fixture
def storylines_window(make_window, store, qtbot, monkeypatch):
    load_sample(store)
    fake = FakeStorylines(monkeypatch)
    stories = sorted(store.stories.list(), key=lambda s: s.first_seen)[:3]
    fake.timeline = make_timeline(stories, summary(7, "Nimbus Ireland emails case",
                                                   events=len(stories)))
    fake.lines = [fake.timeline.storyline, summary(8, "Booster rollout")]
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: len(storyline_rows(window.nav_model)) == 2, timeout=5000)
    return window, fake, stories


def storyline_index(window, ident: int):
    model = window.nav_model
    return next(i for i in model.match(model.index(0, 0), KIND_ROLE, "storyline", -1,
                                       Qt.MatchFlag.MatchRecursive) if i.data(ID_ROLE) == ident)


def test_selecting_a_storyline_shows_its_articles_and_timeline(storylines_window, qtbot):
    window, fake, stories = storylines_window
    window.nav.setCurrentIndex(storyline_index(window, 7))
    settle(qtbot, window)
    assert window.articles_model.query == ArticleQuery(storyline_id=7)
    assert window.storyline_dock.isVisible()
    pane = window.storyline_pane
    qtbot.waitUntil(lambda: pane.timeline is not None, timeout=5000)
    assert "Nimbus Ireland emails case" in pane.header.text()
    assert "3 events" in pane.header.text()
    assert pane.follow_button.text() == "Follow"
    assert not any(on_gui for _name, _args, on_gui in fake.calls)
    # an event clicked: its story's articles, the first one open, the storyline kept
    pane.chart.event_clicked.emit(stories[1].id)
    settle(qtbot, window)
    assert window.articles_model.query == ArticleQuery(story_id=stories[1].id)
    assert window.articles_model.rowCount() == stories[1].size
    assert pane.chart.current == stories[1].id
    qtbot.waitUntil(lambda: window.reader.article is not None, timeout=5000)
    assert window.reader.article.id in stories[1].article_ids


def test_following_a_storyline_from_its_context_menu(storylines_window, qtbot):
    window, fake, _stories = storylines_window
    window.nav.setCurrentIndex(storyline_index(window, 8))
    settle(qtbot, window)
    actions = window.nav.menu_actions["storyline"]
    assert [a.text() for a in actions if a.isVisible()] == ["Follow storyline",
                                                            "Storyline timeline"]
    window.storylines.follow_action.trigger()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: "⚑ Booster rollout" in storyline_rows(window.nav_model),
                    timeout=5000)
    assert ("follow", ("storyline", "8"), False) in fake.calls
    settle(qtbot, window)
    assert window.nav.current_key()[:2] == ("storyline", 8)  # still selected
    assert [a.text() for a in actions if a.isVisible()] == ["Unfollow storyline",
                                                            "Storyline timeline"]


def test_following_a_topic(storylines_window, store, qtbot):
    window, fake, _stories = storylines_window
    store.topics.add("Courts", "court", "")
    window.view.reload_navigation()
    settle(qtbot, window)
    model = window.nav_model
    index = next(i for i in model.match(model.index(0, 0), KIND_ROLE, "topic", -1,
                                        Qt.MatchFlag.MatchRecursive) if i.data(ID_ROLE) == "Courts")
    window.nav.setCurrentIndex(index)
    settle(qtbot, window)
    assert window.storylines.follow_topic_action.isVisible()
    window.storylines.follow_topic_action.trigger()
    settle(qtbot, window)
    assert ("follow", ("topic", "Courts"), False) in fake.calls
    qtbot.waitUntil(lambda: model.followed_topics == frozenset({"Courts"}), timeout=5000)


def test_a_refresh_tells_whats_new_in_what_is_followed_once(storylines_window, qtbot):
    window, fake, _stories = storylines_window
    told: list[list[str]] = []
    window.storylines._notify = told.append
    fake.notices = [Notice("storyline", "7", "Nimbus Ireland emails case: a new event, "
                           "'Appeal heard'"),
                    Notice("storyline", "7", "Nimbus Ireland emails case: Reuters covers it")]
    window.refresher.finished.emit([])
    settle(qtbot, window)
    assert told == [[n.text for n in window.storylines.last_notices]]
    assert len(told[0]) == 2 and "Appeal heard" in told[0][0]
    window.refresher.finished.emit([])  # nothing new the second time: no notification
    settle(qtbot, window)
    assert len(told) == 1
    assert not any(on_gui for _name, _args, on_gui in fake.calls)


def test_notice_lines_cut_a_long_list():
    from newsdesk.gui.actions.storylines import notice_lines

    found = tuple(Notice("topic", "AI", f"AI: {n} new") for n in range(7))
    assert notice_lines(found) == ["AI: 0 new", "AI: 1 new", "AI: 2 new", "AI: 3 new",
                                   "and 3 more in what you follow"]
