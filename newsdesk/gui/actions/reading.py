"""Reading: open the selected article (one job), move through the list, mark articles
read, unread or starred, mark a whole view read and undo it, load remote images."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QModelIndex, QObject, QTimer, QUrl
from PySide6.QtGui import QDesktopServices

from newsdesk.gui.actions.undo import MarkedRead, UndoStack
from newsdesk.gui.actions.view import ViewActions
from newsdesk.gui.desk import Desk
from newsdesk.gui.models import HEADLINE_ROLE
from newsdesk.gui.panes.articles import ArticleListPane
from newsdesk.gui.panes.reader import ReaderPane
from newsdesk.gui.panes.story import StoryPane
from newsdesk.models import Article, Headline
from newsdesk.services.changes import Changes
from newsdesk.services.reading import (
    BulkRead,
    ImagesSaved,
    OpenedArticle,
    allow_images,
    mark_view_read,
    open_article,
    save_images,
    set_read,
    set_starred,
)


@dataclass(frozen=True, slots=True)
class ImagesShown:
    """An article's images saved, and the article read again to show them."""

    saved: ImagesSaved
    opened: OpenedArticle

    @property
    def changes(self) -> Changes:
        return self.saved.changes


class ReadingActions(QObject):
    """The commands of the Article menu, and what follows the selected row."""

    def __init__(self, desk: Desk, view: ViewActions, articles: ArticleListPane,
                 reader: ReaderPane, story: StoryPane, *, undo: UndoStack,
                 story_visible: Callable[[], bool]) -> None:
        super().__init__(articles)
        self.desk, self.view, self.articles, self.reader = desk, view, articles, reader
        self.story, self.undo, self._story_visible = story, undo, story_visible
        self.model = articles.model
        self.record: OpenedArticle | None = None
        self._fetching_images: set[str] = set()
        self.fetching_text: set[str] = set()  # articles whose page is being fetched (F)
        self._images_tried: set[str] = set()
        self._pending_move: tuple[int, bool] | None = None  # waiting for a page of rows
        self.model.rowsInserted.connect(self._rows_arrived)
        self.model.modelReset.connect(self._drop_pending_move)
        self.read_timer = QTimer(self, singleShot=True)
        self.read_timer.timeout.connect(self.mark_current_read)
        view.forget_article = self.read_timer.stop
        articles.table.selectionModel().currentRowChanged.connect(self._row_changed)
        articles.open_requested.connect(self.open_in_browser)
        reader.load_images.connect(self.load_images)

    def current_headline(self) -> Headline | None:
        value = self.articles.table.currentIndex().data(HEADLINE_ROLE)
        return value if isinstance(value, Headline) else None

    # -- opening

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.read_timer.stop()
        headline = current.data(HEADLINE_ROLE)
        if not isinstance(headline, Headline) or headline.id == self.view.current_id:
            return
        self._open(headline.id, mark_read=not headline.is_read, hint=True)

    def open_article(self, article_id: str) -> None:
        """Show an article picked outside the list (the story pane): select it if listed."""
        row = self.model.row_of(article_id)
        if row >= 0:
            self.articles.select_row(row)
            return
        self._open(article_id, mark_read=False, hint=False)

    def _open(self, article_id: str, *, mark_read: bool, hint: bool) -> None:
        self.view.current_id = article_id

        def opened(record: OpenedArticle) -> None:
            if self.view.current_id != article_id:
                return
            self.show_record(record)
            self.story.show_article(record.article)
            if hint:
                self._hint_story(record)
            delay = self.desk.settings.mark_read_delay
            if mark_read and delay >= 0:
                self.read_timer.start(int(delay * 1000))

        def failed(error: BaseException) -> None:
            if self.view.current_id == article_id:
                self.view.current_id = None  # selecting it again tries again
            self.desk.status(str(error), 8000)

        self.desk.jobs.latest("article", lambda store: open_article(store, article_id),
                              on_done=opened, on_failed=failed)

    def show_record(self, record: OpenedArticle) -> None:
        self.record = record
        allowed = record.images_allowed(self.desk.settings.remote_images)
        self.reader.show_article(record.article, record.source, allowed=allowed,
                                 cached=record.cached_images.get, fulltext=record.fulltext,
                                 versions=record.versions,
                                 fetching=record.article.id in self.fetching_text)
        article = record.article
        if allowed and record.missing_images and article.id not in self._images_tried:
            self._images_tried.add(article.id)  # once per session: offline stays quiet
            self._fetch_images(article)

    def reopen(self) -> None:
        """Read the open article again (its full text or images came meanwhile)."""
        article = self.reader.view.article
        if article is not None:
            self._open(article.id, mark_read=False, hint=False)

    def reshow(self) -> None:
        """Show the open article again (the theme or the image setting changed)."""
        if self.record is not None and self.reader.view.article is not None:
            self.show_record(self.record)

    def _hint_story(self, record: OpenedArticle) -> None:
        """With the story pane closed, say when other outlets cover the same story."""
        if not self._story_visible() and record.story_outlets >= 2:
            self.desk.status(f"{record.story_outlets} outlets cover this story: Ctrl+4 "
                             "compares how each tells it.", 6000)

    # -- moving

    def move(self, step: int, *, unread: bool = False) -> None:
        """j/k and n/p: the next (unread) article, loading more rows as needed."""
        model = self.model
        row = self.articles.table.currentIndex().row()
        row = -1 if row < 0 and step > 0 else row
        while True:
            row += step
            if row >= model.rowCount() and model.canFetchMore(QModelIndex()):
                model.fetchMore(QModelIndex())  # on a worker: move on once it is in
                self._move_when_loaded(step, unread)
                return
            if not 0 <= row < model.rowCount():
                self.desk.status("No more unread articles in this view." if unread
                                 else "End of the list.", 4000)
                return
            headline = model.headline(row)
            if not unread or (headline is not None and not headline.is_read):
                break
        self.articles.select_row(row)

    def _move_when_loaded(self, step: int, unread: bool) -> None:
        self._pending_move = (step, unread)

    def _rows_arrived(self) -> None:
        if self._pending_move is not None:
            step, unread = self._pending_move
            self._pending_move = None
            self.move(step, unread=unread)

    def _drop_pending_move(self) -> None:
        self._pending_move = None

    def page_or_next(self) -> None:
        if self.reader.view.article is None or not self.reader.view.page_down():
            self.move(1, unread=True)

    # -- marks

    def mark_current_read(self) -> None:
        headline = self.current_headline()
        if headline is not None and not headline.is_read and headline.id == self.view.current_id:
            self.set_read([headline.id], True)

    def set_read(self, ids: list[str], read: bool) -> None:
        """Marks change in the list at once; the write follows as a job (and a write that
        fails puts the marks back)."""
        shown = self.model.with_copies(set(ids))  # copies share one read state
        self.model.update_status(shown, read=read)

        def failed(error: BaseException) -> None:
            self.model.update_status(shown, read=not read)
            self.desk.show_error("Could not save", error)

        self.desk.jobs.op(lambda store: set_read(store, ids, read), on_failed=failed)

    def toggle_read(self) -> None:
        headline = self.current_headline()
        if headline is not None:
            self.read_timer.stop()
            self.set_read([headline.id], not headline.is_read)

    def toggle_star(self) -> None:
        headline = self.current_headline()
        if headline is None:
            return
        starred, article_id = not headline.is_starred, headline.id
        self.model.update_status({article_id}, starred=starred)
        self.desk.status("Starred." if starred else "Unstarred.", 3000)
        def failed(error: BaseException) -> None:
            self.model.update_status({article_id}, starred=not starred)
            self.desk.show_error("Could not save", error)

        self.desk.jobs.op(lambda store: set_starred(store, article_id, starred),
                          on_failed=failed)

    def open_in_browser(self) -> None:
        article = self.reader.view.article
        if article is not None and article.url:
            QDesktopServices.openUrl(QUrl(article.url))

    def mark_view_read(self, label: str) -> None:
        """Mark everything in the current view read (in the background), with undo."""
        if self.view.loading:  # the list still shows the view before this one
            self.desk.status("This view is still loading; try again in a moment.", 4000)
            return
        query = self.model.query

        def done(marked: BulkRead) -> None:
            count = marked.count
            if count:
                self.undo.push(MarkedRead(marked.batch, label, count))
            self.desk.status(f"Marked {count} articles read. Ctrl+Z undoes it." if count
                             else "Nothing unread here.", 8000)

        self.desk.jobs.op(lambda store: mark_view_read(store, query), on_done=done,
                          error_title="Could not mark read")

    # -- images

    def load_images(self, scope: str) -> None:
        article = self.reader.view.article
        if article is None:
            return
        kind: Literal["article", "source"] = "source" if scope == "source" else "article"
        self.desk.jobs.op(lambda store: allow_images(store, article, kind),
                          on_done=lambda _changes: self._fetch_images(article),
                          error_title="Could not save")

    def _fetch_images(self, article: Article) -> None:
        """Download an article's images into the local cache on a worker, then re-show it."""
        if article.id in self._fetching_images:
            return
        self._fetching_images.add(article.id)
        self.desk.status("Fetching images…", 0)

        def done(shown_images: ImagesShown) -> None:
            self._fetching_images.discard(article.id)
            stored, failed = shown_images.saved.stored, shown_images.saved.failed
            record = shown_images.opened
            self.desk.status(f"{stored} images saved for offline reading"
                             + (f"; {failed} could not be fetched." if failed else "."), 6000)
            shown = self.reader.view.article
            if shown is not None and shown.id == article.id:
                self.show_record(record)

        def failed(error: BaseException) -> None:
            self._fetching_images.discard(article.id)
            self.desk.show_error("Could not fetch images", error)

        # saved first, then read again with its local copies (arguments run left to right)
        self.desk.jobs.op(lambda store: ImagesShown(save_images(store, article),
                                                    open_article(store, article.id)),
                          on_done=done, on_failed=failed, detached=True)

