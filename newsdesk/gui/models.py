"""Qt item models: the article list (lazy, paged) and the navigation tree.

Neither reads the store itself: the list asks its page runner (a job) for rows, and the tree
draws a Navigation that a job read with services.navigation.read_navigation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QIcon,
    QPainter,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)

from newsdesk.gui.messages import plain_tooltip
from newsdesk.models import (
    Annotation,
    ArticleQuery,
    Codebook,
    Headline,
    Source,
    StorylineSummary,
    Tag,
    Topic,
)
from newsdesk.services.navigation import EVERYTHING, Navigation, UnreadCounts, smart_views
from newsdesk.services.reading import collapse_copies, list_headlines
from newsdesk.store.api import Store

log = logging.getLogger(__name__)

QUERY_ROLE = Qt.ItemDataRole.UserRole + 1
HEADLINE_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_ROLE = Qt.ItemDataRole.UserRole + 3
ID_ROLE = Qt.ItemDataRole.UserRole + 4
LABEL_ROLE = Qt.ItemDataRole.UserRole + 5
COUNT_ROLE = Qt.ItemDataRole.UserRole + 6
STORYLINE_ROLE = Qt.ItemDataRole.UserRole + 7  # a storyline's StorylineSummary (its delegate)
FOLLOWED_ROLE = Qt.ItemDataRole.UserRole + 8  # True on a followed storyline or topic
STORYLINES_SHOWN = 30  # the storylines whose newest event is newest


@dataclass(frozen=True, slots=True)
class Page:
    """Rows of the list as one read gave them: the rows to show, whether more follow, the
    last row read (the next page starts after it, even when it is a copy left out), and
    the copy groups among them: original id -> its copies' ids, with every row's outlet
    so the original's tooltip can name the copies' outlets."""

    rows: list[Headline]
    more: bool = False
    last: Headline | None = None
    copies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    outlets: Mapping[str, str] = field(default_factory=dict)


def collapse(store: Store, rows: list[Headline],
             ) -> tuple[list[Headline], dict[str, tuple[str, ...]]]:
    """The rows with each copy group shown once, and the groups (services.reading decides
    what a copy is: the original's row, or the first copy's when the original is not in
    these rows)."""
    return collapse_copies(store, rows)


def read_page(store: Store, query: ArticleQuery, *, limit: int, newest_first: bool,
              after: Headline | None = None, show_copies: bool = False) -> Page:
    """A page of `limit` rows (read with one more, to know whether more follow); copies
    are left out under their original unless `show_copies`."""
    raw = list_headlines(store, query, limit=limit + 1, after=after, newest_first=newest_first)
    more, raw = len(raw) > limit, raw[:limit]
    shown, groups = collapse(store, raw)
    return Page(raw if show_copies else shown, more, raw[-1] if raw else None, groups,
                {h.id: h.source_title for h in raw})


# runner(read, on_done): run read(store) off the GUI thread, then on_done(page), or
# on_done(None) if it failed or was superseded.
PageRunner = Callable[[Callable[[Store], Page], Callable[[Page | None], None]], None]
_Index = QModelIndex | QPersistentModelIndex


def dot_icon(color: str, size: int = 16) -> QIcon:
    """A round dot in a tag's colour, for the Tags group."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawEllipse(QRectF(size * 0.25, size * 0.25, size * 0.5, size * 0.5))
    painter.end()
    return QIcon(pixmap)


def relative_time(when: datetime, now: datetime | None = None) -> str:
    """'5 min ago', '3 h ago', 'yesterday', '4 d ago', else the date."""
    now = now or datetime.now(UTC)
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 2 * 86400:
        return "yesterday"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)} d ago"
    return when.astimezone().strftime("%d %b %Y")


def published_label(when: datetime, now: datetime | None = None) -> str:
    """Relative and absolute: '3 h ago · 14:05' this week, the date before that."""
    now = now or datetime.now(UTC)
    local = when.astimezone()
    if (now - when).total_seconds() < 7 * 86400:
        return f"{relative_time(when, now)} · {local:%H:%M}"
    return local.strftime("%d %b %Y")


class ArticleTableModel(QAbstractTableModel):
    """The rows of one view, read from the store a page at a time (never all at once)."""

    annotations_shown = Signal()  # set_annotations drew what a job read

    COLUMNS = ("", "Title", "Outlet", "Published", "Tags")
    TITLE, OUTLET, PUBLISHED, TAGS = 1, 2, 3, 4
    PAGE = 200

    def __init__(self, runner: PageRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._query = ArticleQuery()
        self._rows: list[Headline] = []
        self._more = False
        self._after: Headline | None = None  # the last row read: the next page's start
        self._paging = False  # a further page is being read on a worker
        # copies (wire copies, near-duplicates): original id -> its copies, and back
        self.show_copies = False
        self._copies: dict[str, tuple[str, ...]] = {}
        self._copy_of: dict[str, str] = {}
        self._outlets: dict[str, str] = {}
        self._page_runner = runner
        self.newest_first = True
        self.accent: QColor | None = None
        self.muted: QColor | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        # what editors said about the rows read so far (a job reads them per page)
        self._annotations: dict[str, list[Annotation]] = {}
        self._tag_colors: dict[str, str] = {}  # lower-case tag name -> "#rrggbb"
        self._tagged: set[str] = set()  # rows read with at least one tag

    # -- view control

    @property
    def query(self) -> ArticleQuery:
        return self._query

    def set_query(self, query: ArticleQuery) -> None:
        """Show another view once its first rows are read (through the page runner); a
        query the store refuses changes nothing."""
        self._page_runner(self.first_page_reader(query),
                          lambda page: None if page is None else self.show_page(query, page))

    def first_page_reader(self, query: ArticleQuery) -> Callable[[Store], Page]:
        """A read of a view's first rows, to run on a worker's connection; hand its page
        to show_page on the GUI thread."""
        limit, newest_first, copies = self.PAGE, self.newest_first, self.show_copies
        return lambda store: read_page(store, query, limit=limit, newest_first=newest_first,
                                       show_copies=copies)

    def show_page(self, query: ArticleQuery, first: Page) -> None:
        """Show `query` with its first rows (as first_page read them; Page([]) while
        loading)."""
        self.beginResetModel()
        self._query = query
        self._rows = list(first.rows)
        self._paging = False  # a page of the old view is dropped when it arrives
        self._more, self._after = first.more, first.last
        self._copies, self._copy_of, self._outlets = {}, {}, {}
        self._add_copies(first)
        self.endResetModel()

    def _add_copies(self, page: Page) -> None:
        for original, copies in page.copies.items():
            known = self._copies.get(original, ())
            self._copies[original] = known + tuple(c for c in copies if c not in known)
            for copy in copies:
                self._copy_of[copy] = original
        self._outlets.update(page.outlets)

    def reload_reader(self, reading: str | None = None,
                      ) -> Callable[[Store], tuple[ArticleQuery, int, Page]]:
        """A re-read of the loaded pages, keeping the view, to run on a worker's connection
        (then show_reloaded). What it needs from the model is taken now, on the GUI thread,
        which keeps changing the rows while the worker reads.

        In an unread view, articles read since the view opened stay until it changes,
        and so does `reading`, the one being read (its mark may land meanwhile), so it
        does not vanish under the reader.
        """
        wanted = max(len(self._rows) + sum(map(len, self._copies.values())), self.PAGE)
        shown = self._query
        query = shown
        if query.unread_only:
            read = tuple(h.id for h in self._rows if h.is_read or h.id == reading)[:5000]
            query = replace(query, keep_ids=read)
        newest_first, copies = self.newest_first, self.show_copies

        def read_rows(store: Store) -> tuple[ArticleQuery, int, Page]:
            page = read_page(store, query, limit=wanted, newest_first=newest_first,
                             show_copies=copies)
            return shown, wanted, page

        return read_rows

    def show_reloaded(self, query: ArticleQuery, wanted: int, page: Page) -> None:
        """Show rows reload_rows read, unless the view changed meanwhile."""
        if query != self._query:
            return
        self.beginResetModel()
        self._rows = list(page.rows)
        self._more, self._after = page.more, page.last
        self._copies, self._copy_of, self._outlets = {}, {}, {}
        self._add_copies(page)
        self.endResetModel()

    # -- copies

    def copies_of(self, article_id: str) -> tuple[str, ...]:
        """The copies of an original row (none for a copy, or a row with none)."""
        return self._copies.get(article_id, ())

    def original_of(self, article_id: str) -> str | None:
        return self._copy_of.get(article_id)

    def with_copies(self, article_ids: set[str]) -> set[str]:
        """These articles and every copy of them, and their originals: one read state."""
        found = set(article_ids)
        for article_id in article_ids:
            original = self._copy_of.get(article_id, article_id)
            found.add(original)
            found.update(self._copies.get(original, ()))
        return found

    def _copies_text(self, article_id: str) -> str:
        copies = self._copies.get(article_id, ())
        if not copies or self.show_copies:
            return ""
        return f"+{len(copies)} cop{'ies' if len(copies) != 1 else 'y'}"

    def _copies_tooltip(self, article_id: str) -> str:
        copies = self._copies.get(article_id, ())
        original = self._copy_of.get(article_id)
        if original is not None:
            title = next((h.title for h in self._rows if h.id == original), "")
            return ("\n\nA copy of " + (f"“{title}”" if title else "another article")
                    + f" ({self._outlets.get(original, 'another outlet')}); one read state")
        if not copies:
            return ""
        outlets = sorted({self._outlets[c] for c in copies if c in self._outlets})
        unknown = sum(1 for c in copies if c not in self._outlets)
        names = ", ".join(outlets) + (f" and {unknown} more" if unknown and outlets else
                                      f"{unknown} more" if unknown else "")
        return (f"\n\nThe same text also ran as {len(copies)} "
                f"cop{'ies' if len(copies) != 1 else 'y'}: {names}"
                + ("" if self.show_copies else " (View ▸ Show copies lists them)"))

    def headline(self, row: int) -> Headline | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def article_ids(self) -> list[str]:
        return [h.id for h in self._rows]

    def set_annotations(self, by_article: dict[str, list[Annotation]]) -> None:
        """Show the tags and codes a job read for some rows (others keep theirs): one
        dataChanged over the rows they span, not one a row (a page is 200 rows)."""
        changed = {i for i, found in by_article.items()
                   if self._annotations.get(i, []) != found}
        if not changed:  # the common case: a page with nothing on it, read again
            return
        was_tagged = bool(self._tagged)
        for article_id in changed:
            found = by_article[article_id]
            self._annotations[article_id] = found
            if any(a.kind == "tag" for a in found):
                self._tagged.add(article_id)
            else:
                self._tagged.discard(article_id)
        rows = [i for i, h in enumerate(self._rows) if h.id in changed]
        if rows:  # a repaint costs ~30 ms at a page of rows: only when something shows
            self.dataChanged.emit(self.index(rows[0], self.TITLE),
                                  self.index(rows[-1], self.TAGS))
        if was_tagged != bool(self._tagged) or rows:
            self.annotations_shown.emit()

    def set_tag_colors(self, tags: list[Tag]) -> None:
        self._tag_colors = {t.name.lower(): t.color for t in tags if t.color}
        if self._rows:
            self.dataChanged.emit(self.index(0, self.TAGS),
                                  self.index(len(self._rows) - 1, self.TAGS))

    def annotations(self, article_id: str) -> list[Annotation]:
        return self._annotations.get(article_id, [])

    def tags_of(self, article_id: str) -> list[str]:
        """The row's tags (its own, then its story's), each once."""
        seen: dict[str, str] = {}
        for a in self._annotations.get(article_id, []):
            if a.kind == "tag":
                seen.setdefault(a.tag.lower(), a.tag)
        return list(seen.values())

    def any_tagged(self) -> bool:
        """Whether a loaded row has a tag (the Tags column shows only then)."""
        return bool(self._tagged) and any(h.id in self._tagged for h in self._rows)

    def row_of(self, article_id: str) -> int:
        for i, h in enumerate(self._rows):
            if h.id == article_id:
                return i
        return -1

    def update_status(self, article_ids: set[str], *, read: bool | None = None,
                      starred: bool | None = None) -> None:
        """Change marks in place after a status write (no re-read)."""
        for i, h in enumerate(self._rows):
            if h.id in article_ids:
                self._rows[i] = replace(h, is_read=h.is_read if read is None else read,
                                        is_starred=h.is_starred if starred is None else starred)
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.COLUMNS) - 1))

    # -- Qt model API

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._more and not self._paging

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid() or not self._more or self._paging:
            return
        after = self._after
        query, newest_first, limit = self._query, self.newest_first, self.PAGE
        copies = self.show_copies
        self._paging = True  # one page at a time, never on the GUI thread

        def arrived(page: Page | None) -> None:
            self._paging = False
            if page is None:
                self._more = False if query == self._query else self._more
            elif query == self._query and self._after == after:
                self._append_page(page)

        self._page_runner(lambda store: read_page(store, query, limit=limit, after=after,
                                                  newest_first=newest_first,
                                                  show_copies=copies), arrived)

    def _append_page(self, page: Page) -> None:
        self._more, self._after = page.more, page.last
        self._add_copies(page)
        rows = page.rows
        if not self.show_copies:  # a copy whose original an earlier page showed stays out
            shown = {h.id for h in self._rows}
            rows = [h for h in rows if self._copy_of.get(h.id) not in shown]
        if rows:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        h = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return ("★" if h.is_starred else "") + ("" if h.is_read else "●")
            if column == self.OUTLET:
                return h.source_title
            if column == self.TITLE:
                more = self._copies_text(h.id)
                prefix = "↳ " if self.show_copies and h.id in self._copy_of else ""
                return f"{prefix}{h.title}   {more}" if more else prefix + h.title
            if column == self.PUBLISHED:
                return published_label(h.published)
            if column == self.TAGS:
                return ", ".join(self.tags_of(h.id))
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and self.accent is not None:
            return self.accent
        if (role == Qt.ItemDataRole.ForegroundRole and column in (self.TITLE, self.OUTLET)
                and self.show_copies and h.id in self._copy_of):
            return self.muted  # a copy shown: quieter than its original
        if role == Qt.ItemDataRole.ForegroundRole and column == self.TAGS:
            tags = self.tags_of(h.id)
            color = self._tag_colors.get(tags[0].lower()) if tags else None
            return QColor(color) if color else self.muted
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.PUBLISHED:
                return (f"{h.published.astimezone():%A %d %B %Y, %H:%M}"
                        f" ({relative_time(h.published)})")
            if column in (self.TITLE, self.TAGS):
                return plain_tooltip(f"{h.title}\n{h.source_title} · "
                                     f"{h.published.astimezone():%d %b %Y, %H:%M}"
                                     + self._annotation_lines(h.id)
                                     + self._copies_tooltip(h.id))
            if column == 0:
                return ", ".join(filter(None, ["starred" if h.is_starred else "",
                                               "read" if h.is_read else "unread"]))
        if role == Qt.ItemDataRole.FontRole and not h.is_read and column != self.TAGS:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return Qt.AlignmentFlag.AlignCenter
        if role == HEADLINE_ROLE:
            return h
        if role == ID_ROLE:
            return h.id
        return None

    def _annotation_lines(self, article_id: str) -> str:
        """Tags and codes for the title's tooltip ("" when there are none)."""
        tags = self.tags_of(article_id)
        codes = sorted({f"{a.codebook}: {a.value}" for a in self.annotations(article_id)
                        if a.kind == "code"})
        notes = sum(1 for a in self.annotations(article_id) if a.kind == "note")
        lines = ([f"Tags: {', '.join(tags)}"] if tags else []) + codes + (
            [f"{notes} note{'s' * (notes != 1)}"] if notes else [])
        return "\n\n" + "\n".join(lines) if lines else ""


class NavigationModel(QStandardItemModel):
    """Smart views, topics, and sources grouped by folder, each with its unread count.

    It draws what a job read (`show`); counts come later the same way (`set_counts`,
    and `set_topic_counts` for the slow full-text ones).
    """

    def __init__(self, icons: dict[str, QIcon] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._icons = icons or {}
        self._topic_counts: dict[str, int] = {}
        self._counts = UnreadCounts()
        self._tags: tuple[Tag, ...] = ()
        self._codebooks: tuple[Codebook, ...] = ()
        self._storylines: tuple[StorylineSummary, ...] = ()
        self._followed_topics: frozenset[str] = frozenset()
        self.dot_color = "#656d76"  # a tag without a colour of its own
        self.data_shown = Navigation(smart_views(), (), (), (), UnreadCounts())
        self.show(self.data_shown)

    def set_icons(self, icons: dict[str, QIcon]) -> None:
        self._icons = icons
        self.show(self.data_shown)

    @property
    def topics(self) -> tuple[Topic, ...]:
        return self.data_shown.topics

    @property
    def sources(self) -> tuple[Source, ...]:
        return self.data_shown.sources

    def view_queries(self) -> tuple[ArticleQuery, ...]:
        return tuple(view.query for view in self.data_shown.views)

    def show(self, data: Navigation) -> None:
        self.data_shown = data
        self._storylines = tuple(data.storylines[:STORYLINES_SHOWN])
        self.clear()
        root = self.invisibleRootItem()
        views = self._group("Views")
        for view in data.views:
            views.appendRow(self._leaf(view.label, view.query, "view", view.icon))
        root.appendRow(views)
        topics = self._group("Topics")
        for topic in data.topics:
            item = self._leaf(topic.name, ArticleQuery(topic=topic.name), "topic", "topic")
            item.setData(topic.name, ID_ROLE)
            item.setToolTip(plain_tooltip(f"{topic.description}\n{topic.query}".strip()))
            topics.appendRow(item)
        root.appendRow(topics)
        root.appendRow(self._group("Tags"))
        root.appendRow(self._group("Codes"))
        self._fill_desk_groups()
        root.appendRow(self._group("Storylines"))
        self._fill_storylines()
        stories = self._group("Stories")
        for story in sorted(data.stories,
                            key=lambda s: (-len(s.outlets), -s.last_seen.timestamp())):
            item = self._leaf(story.label, ArticleQuery(story_id=story.id), "story", "story")
            item.setData(story.id, ID_ROLE)
            item.setText(f"{story.label}  ·  {len(story.outlets)}")
            item.setToolTip(plain_tooltip(f"{story.label}\n{len(story.outlets)} outlets: "
                                          + ", ".join(story.outlets)))
            stories.appendRow(item)
        root.appendRow(stories)
        sources = self._group("Sources")
        folders: dict[str, QStandardItem] = {}
        for source in data.sources:
            parent = sources
            path = ""
            for part in [p for p in source.folder.split("/") if p]:
                path = f"{path}/{part}" if path else part
                if path not in folders:
                    folders[path] = self._leaf(part, ArticleQuery(folder=path), "folder", "folder")
                    folders[path].setData(path, ID_ROLE)
                    parent.appendRow(folders[path])
                parent = folders[path]
            parent.appendRow(self._source_item(source))
        root.appendRow(sources)
        self.set_counts(data.counts)

    @property
    def tags(self) -> tuple[Tag, ...]:
        return self._tags

    @property
    def codebooks(self) -> tuple[Codebook, ...]:
        return self._codebooks

    def set_desk(self, tags: list[Tag], codebooks: list[Codebook]) -> None:
        """The Tags and Codes groups from what a job read (services.annotations.list_tags,
        list_codebooks); the rest of the tree stays as it is."""
        self._tags, self._codebooks = tuple(tags), tuple(codebooks)
        self._fill_desk_groups()

    def group_item(self, label: str) -> QStandardItem | None:
        root = self.invisibleRootItem()
        for row in range(root.rowCount()):
            item = root.child(row)
            if item is not None and item.text() == label.upper():
                return item
        return None

    def _fill_desk_groups(self) -> None:
        tags, codes = self.group_item("Tags"), self.group_item("Codes")
        if tags is None or codes is None:
            return
        for group in (tags, codes):
            group.removeRows(0, group.rowCount())
        for tag in sorted(self._tags, key=lambda t: t.name.lower()):
            item = self._leaf(tag.name, ArticleQuery(tag=tag.name), "tag", "")
            item.setData(tag.name, ID_ROLE)
            item.setIcon(dot_icon(tag.color or self.dot_color))
            count = tag.articles + tag.stories
            item.setText(f"{tag.name}  ({count})" if count else tag.name)
            item.setData(count, COUNT_ROLE)
            item.setToolTip(plain_tooltip(
                f"{tag.name}: {tag.articles} article{'s' * (tag.articles != 1)}"
                + (f", {tag.stories} stor{'ies' if tag.stories != 1 else 'y'}"
                   if tag.stories else "")))
            tags.appendRow(item)
        untagged = self._leaf("Untagged", ArticleQuery(untagged=True), "untagged", "")
        untagged.setToolTip("Articles no editor has tagged yet")
        tags.appendRow(untagged)
        for book in self._codebooks:
            item = self._leaf(book.name, ArticleQuery(codebook=book.name), "codebook", "")
            item.setData(book.name, ID_ROLE)
            item.setToolTip(plain_tooltip(book.description or f"Articles coded in {book.name}"))
            for n, value in enumerate(book.values, 1):
                child = self._leaf(f"{n}  {value}" if n <= 9 else value,
                                   ArticleQuery(codebook=book.name, code_value=value), "code", "")
                child.setData(f"{book.name}\x1f{value}", ID_ROLE)
                child.setToolTip(plain_tooltip(f"Articles coded {book.name} = {value}"
                                               + (f" (key {n})" if n <= 9 else "")))
                item.appendRow(child)
            codes.appendRow(item)

    @property
    def storylines(self) -> tuple[StorylineSummary, ...]:
        return self._storylines

    @property
    def followed_topics(self) -> frozenset[str]:
        return self._followed_topics

    def set_storylines(self, storylines: list[StorylineSummary],
                       followed_topics: frozenset[str] = frozenset()) -> bool:
        """The Storylines group (newest event first) and the followed topics' marks, from
        what a job read. When the same storylines come back in the same order the rows are
        updated in place (the selection stays); returns whether rows were rebuilt."""
        shown = tuple(storylines[:STORYLINES_SHOWN])
        same = [s.id for s in shown] == [s.id for s in self._storylines]
        self._storylines, self._followed_topics = shown, frozenset(followed_topics)
        self._mark_topics()
        group = self.group_item("Storylines")
        if group is None:
            return False
        if same and shown and group.rowCount() == len(shown):
            for row, storyline in enumerate(shown):
                child = group.child(row)
                if child is not None:
                    self._set_storyline(child, storyline)
            return False
        self._fill_storylines()
        return True

    def _fill_storylines(self) -> None:
        group = self.group_item("Storylines")
        if group is None:
            return
        group.removeRows(0, group.rowCount())
        if not self._storylines:  # say what will come here, rather than an empty heading
            hint = QStandardItem("None yet: events of one matter, linked over weeks")
            hint.setEditable(False)
            hint.setSelectable(False)
            hint.setEnabled(False)
            hint.setData("hint", KIND_ROLE)
            hint.setToolTip("A storyline links the stories of one ongoing matter (a court "
                            "case, a bill, a crisis) across weeks; it shows here once two of "
                            "its events are in")
            group.appendRow(hint)
        for storyline in self._storylines:
            item = self._leaf(storyline.label, ArticleQuery(storyline_id=storyline.id),
                              "storyline", "story")
            item.setData(storyline.id, ID_ROLE)
            self._set_storyline(item, storyline)
            group.appendRow(item)
        self._mark_topics()

    def _set_storyline(self, item: QStandardItem, storyline: StorylineSummary) -> None:
        from newsdesk.gui.panes.storyline import plural, span_text

        item.setData(storyline, STORYLINE_ROLE)
        item.setData(storyline.followed, FOLLOWED_ROLE)
        item.setData(storyline.unread if storyline.followed else 0, COUNT_ROLE)
        item.setData(storyline.label, LABEL_ROLE)
        badge = f"  ({storyline.unread})" if storyline.followed and storyline.unread else ""
        item.setText(("⚑ " if storyline.followed else "") + storyline.label + badge)
        outlets = ", ".join(storyline.outlets[:12]) + (
            f" and {len(storyline.outlets) - 12} more" if len(storyline.outlets) > 12 else "")
        item.setToolTip(plain_tooltip(
            f"{storyline.label}\n{span_text(storyline.first_seen, storyline.last_seen)} · "
            f"{plural(storyline.events, 'event')} · {plural(len(storyline.outlets), 'outlet')}"
            f"\n{outlets}" + (f"\nFollowing: {storyline.unread} unread"
                              if storyline.followed else "\nNot followed (right click: Follow)")))

    def _mark_topics(self) -> None:
        """A followed topic says so in its tooltip and with a flag before its name."""
        group = self.group_item("Topics")
        if group is None:
            return
        for row in range(group.rowCount()):
            item = group.child(row)
            if item is None:
                continue
            name = str(item.data(ID_ROLE))
            followed = name in self._followed_topics
            if bool(item.data(FOLLOWED_ROLE)) != followed:
                item.setData(followed, FOLLOWED_ROLE)
                item.setData(("⚑ " if followed else "") + name, LABEL_ROLE)
                count = item.data(COUNT_ROLE)
                label = str(item.data(LABEL_ROLE))
                item.setText(f"{label}  ({count})" if count else label)

    def _group(self, label: str) -> QStandardItem:
        item = QStandardItem(label.upper())
        item.setSelectable(False)
        item.setEditable(False)
        font = QFont()
        font.setBold(True)
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        item.setFont(font)
        item.setData("group", KIND_ROLE)
        return item

    def _leaf(self, label: str, query: ArticleQuery, kind: str, icon: str) -> QStandardItem:
        item = QStandardItem(label)
        item.setEditable(False)
        item.setData(query, QUERY_ROLE)
        item.setData(kind, KIND_ROLE)
        item.setData(label, LABEL_ROLE)
        if icon in self._icons:
            item.setIcon(self._icons[icon])
        return item

    def _source_item(self, source: Source) -> QStandardItem:
        icon = "warning" if source.error_count else "feed"
        item = self._leaf(source.display_name, ArticleQuery(source_id=source.id), "source", icon)
        item.setData(source.id, ID_ROLE)
        tip = source.url
        if source.error_count:
            tip += f"\nLast fetch failed ({source.error_count}x): {source.last_error_message}"
        item.setToolTip(plain_tooltip(tip))
        return item

    def set_topic_counts(self, counts: dict[str, int]) -> None:
        self._topic_counts = dict(counts)
        self._draw_counts()

    def total_unread(self) -> int:
        return self._counts.total_unread

    def set_counts(self, counts: UnreadCounts) -> None:
        """Update the badges from counts a job read."""
        self._counts = counts
        self._draw_counts()

    def _draw_counts(self) -> None:
        per_source, views = self._counts.per_source, self._counts.views

        def visit(item: QStandardItem) -> int:
            total = 0
            for row in range(item.rowCount()):
                child = item.child(row)
                if child is not None:
                    total += visit(child)
            kind = item.data(KIND_ROLE)
            query = item.data(QUERY_ROLE)
            label = item.data(LABEL_ROLE)
            if kind == "source":
                count: int | None = per_source.get(int(item.data(ID_ROLE)), 0)
            elif kind == "folder":
                count = total
            elif kind == "topic":
                count = self._topic_counts.get(str(item.data(ID_ROLE)))
            elif kind in ("story", "storyline", "tag", "untagged", "codebook", "code"):
                return 0  # their own text: articles per tag, set with the group
            elif isinstance(query, ArticleQuery):
                count = sum(per_source.values()) if query in EVERYTHING else views.get(query)
            else:
                return total
            if label:
                item.setText(f"{label}  ({count})" if count else label)
                item.setData(count or 0, COUNT_ROLE)
            return (count or 0) if kind in ("source", "folder") else 0

        root = self.invisibleRootItem()
        for row in range(root.rowCount()):
            child = root.child(row)
            if child is not None:
                visit(child)

