"""The views follow the selection and what changed: which list is shown, its counts,
and what the reader says when no article is open. Every read is a job."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLineEdit

from newsdesk.gui.desk import Desk
from newsdesk.gui.models import Page
from newsdesk.gui.panes.articles import ArticleListPane
from newsdesk.gui.panes.navigation import NavigationPane
from newsdesk.gui.panes.reader import ReaderPane
from newsdesk.gui.panes.story import StoryPane
from newsdesk.models import ArticleQuery
from newsdesk.services.changes import Changes
from newsdesk.services.navigation import Navigation, UnreadCounts, read_navigation, unread_counts
from newsdesk.services.reading import has_article
from newsdesk.services.topics import count_unread

log = logging.getLogger(__name__)
SEARCHING = "Searching…"


def changes_navigation(changes: Changes) -> bool:
    """Whether the tree's entries (not only its counts) may differ: sources or topics came,
    went or were renamed, stories grew (their labels and outlet counts), or the user
    corrected the grouping or followed something (story_list)."""
    return (changes.source_list or changes.topic_list or bool(changes.stories)
            or changes.story_list)


def changes_rows(changes: Changes) -> bool:
    """Whether the list's rows may differ beyond the marks the list changed in place."""
    return changes_navigation(changes) or changes.all_articles or bool(changes.new_articles)


def filters_annotations(query: ArticleQuery) -> bool:
    """Whether a view's rows depend on tags, codes or notes (a tag, untagged, a code)."""
    return bool(query.tag or query.untagged or query.codebook or query.annotated)


class ViewActions(QObject):
    """Show a view, a search, or what a write changed, without reading on the GUI thread."""

    def __init__(self, desk: Desk, nav: NavigationPane, articles: ArticleListPane,
                 reader: ReaderPane, story: StoryPane, search_box: QLineEdit, *,
                 on_unread: Callable[[int], object]) -> None:
        super().__init__(articles)
        self.desk, self.nav, self.articles, self.reader = desk, nav, articles, reader
        self.story, self.search_box, self._on_unread = story, search_box, on_unread
        self.model = articles.model
        self.current_id: str | None = None  # the article the reader shows (or will)
        self._loading: ArticleQuery | None = None  # a view whose first rows are being read
        self.forget_article: Callable[[], object] = lambda: None  # set by the reading actions
        # Topic counts are full-text queries: a burst of changes (reading with j, starring)
        # asks for one count, and a newer count interrupts an older one still running.
        self.topic_count_timer = QTimer(self, singleShot=True, interval=250)
        self.topic_count_timer.timeout.connect(self._count_topics_now)
        nav.view_selected.connect(self.view_selected)
        articles.order_changed.connect(lambda: self.show_query(self.model.query))
        desk.changed.connect(self.apply_changed)

    @property
    def loading(self) -> bool:
        """Whether a view's first rows are still being read (for tests and bench)."""
        return self._loading is not None

    @property
    def wanted_query(self) -> ArticleQuery:
        """The view being loaded, else the one shown (what a re-read must ask for)."""
        return self._loading if self._loading is not None else self.model.query

    # -- showing a view

    def view_selected(self, query: ArticleQuery) -> None:
        if self.search_box.text():
            self.search_box.blockSignals(True)
            self.search_box.clear()
            self.search_box.blockSignals(False)
        self.show_query(query)

    def show_query(self, query: ArticleQuery, shown: Callable[[], object] | None = None) -> None:
        """Show a view; `shown` runs once its rows are in. A newer view supersedes (and
        interrupts) one still being read; a query the store refuses is a status message,
        and the list stays as it was."""
        self._loading = query
        full_text = query.search is not None or query.topic is not None
        if full_text:
            self.desk.status(SEARCHING, 0)

        def failed(error: BaseException) -> None:
            self._loading = None
            self.desk.status(str(error), 10000)

        self.desk.jobs.latest("list", self.model.first_page_reader(query),
                              on_done=lambda rows: self._show_page(query, rows, shown),
                              on_failed=failed)

    def _show_page(self, query: ArticleQuery, rows: Page,
                   shown: Callable[[], object] | None) -> None:
        self._loading = None
        if self.desk.status_text() == SEARCHING:
            self.desk.status("", 0)
        self.model.show_page(query, rows)
        self.articles.table.scrollToTop()
        self.sync_reader(view_changed=True)
        self.story.show_article(None)
        if shown is not None:
            shown()

    def search(self) -> None:
        text = self.search_box.text().strip()
        if not text:
            return

        def shown() -> None:
            self.nav.clear_current_silently()
            if self.model.rowCount():
                self.desk.status(f"Results for “{text}”", 5000)
                self.articles.table.setFocus()

        self.show_query(ArticleQuery(search=text), shown)

    def search_cleared(self, text: str) -> None:
        if not text and not self.nav.currentIndex().isValid():
            self.nav.select_first_view()

    # -- re-reading after a change

    def reload_articles(self) -> None:
        """Re-read the list keeping the selected article and the scroll position (while a
        view is loading its answer is fresh anyway)."""
        if self._loading is not None:
            return
        keep = self.current_id
        read_rows = self.model.reload_reader(keep)

        self.desk.jobs.latest(
            "list", lambda store: (read_rows(store), keep is not None and has_article(store, keep)),
            on_done=self._reloaded, on_failed=lambda error: self.desk.status(str(error), 8000))

    def _reloaded(self, result: tuple[tuple[ArticleQuery, int, Page], bool]) -> None:
        read, exists = result
        keep = self.current_id
        scroll = self.articles.table.verticalScrollBar().value()
        self.model.show_reloaded(*read)
        if keep is not None:
            row = self.model.row_of(keep)
            if row >= 0:
                self.articles.select_row(row, silently=True)
        self.articles.table.verticalScrollBar().setValue(scroll)
        self.sync_reader(exists=exists)

    def sync_reader(self, *, view_changed: bool = False, exists: bool = True) -> None:
        """The reader and its empty-state text follow the list, whatever changed it.

        An article being read stays while it still exists (`exists`, as the job that
        re-read the list found) and, after a change of view or a search, while the new
        list holds it; otherwise the reader says what the list shows.
        """
        article = self.reader.view.article
        if article is not None and not self.articles.welcome_shown:
            keep = self.model.row_of(article.id) >= 0 if view_changed else exists
            if keep:
                return
        self.current_id = None
        self.forget_article()
        self.reader.say_what_the_list_shows(welcome=self.articles.welcome_shown,
                                            rows=self.model.rowCount(),
                                            search=self.model.query.search)

    def apply_changed(self, changes: Changes) -> None:
        """Redraw what a write changed: the tree when sources, topics or stories did, the
        list's rows when more than in-place marks did, the counts always."""
        if changes_navigation(changes):
            self.reload_navigation()
        elif changes_rows(changes) or ((changes.annotated or changes.tag_list)
                                       and filters_annotations(self.model.query)):
            self.reload_articles()
            self.update_counts()
        else:
            self.update_counts()

    def reload_navigation(self) -> None:
        """Re-read the tree, keep what was selected (else the first view), then the list."""
        key = self.nav.current_key()

        def show(data: Navigation) -> None:
            self.articles.show_welcome(not data.sources)
            if self.nav.show_data(data, key):
                self.reload_articles()
            elif not self.search_box.text():
                self.nav.select_first_view()
            if self._loading is None:
                self.sync_reader()
            self._show_unread(data.counts)
            self._count_topics()
            self.story.reload()

        self.desk.jobs.latest("navigation", read_navigation, on_done=show,
                              on_failed=lambda error: self.desk.status(str(error), 8000))

    # -- counts

    def update_counts(self) -> None:
        """Badges from maintained counts and indexed queries; topic counts follow."""
        views = self.nav.nav_model.view_queries()
        self.desk.jobs.latest("counts", lambda store: unread_counts(store, views),
                              on_done=self._show_unread, background=True)
        self._count_topics()

    def _show_unread(self, counts: UnreadCounts) -> None:
        self.nav.nav_model.set_counts(counts)
        self._on_unread(counts.total_unread)

    def _count_topics(self) -> None:
        """Topic counts run shortly after the last change, interrupting one still running."""
        if not self.desk.closed():
            self.topic_count_timer.start()

    def _count_topics_now(self) -> None:
        topics = tuple(t.name for t in self.nav.nav_model.topics)
        if self.desk.closed() or not topics:
            return
        self.desk.jobs.latest("topic-counts", lambda store: count_unread(store, topics),
                              on_done=self.nav.nav_model.set_topic_counts, background=True)

