"""Articles: the rows, the full-text index beside them (the dialect's), and the view queries."""

from __future__ import annotations

import builtins
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from newsdesk.dates import from_iso, to_iso
from newsdesk.errors import NotFoundError, QueryError, StoreError
from newsdesk.models import Article, ArticleQuery, Enclosure, Headline, UpsertResult
from newsdesk.store.api import MAX_VERSIONS
from newsdesk.store.query import And, Query, parse_query, parse_saved_query
from newsdesk.store.sql.core import CHUNK, Conn, Core, Row, placeholders
from newsdesk.store.sql.dialect import Dialect, IndexRow

log = logging.getLogger(__name__)


def _content_hash(article: Article) -> str:
    payload = "\x1f".join((
        article.title, article.summary_html, article.content_html, "\x1e".join(article.authors),
        "\x1e".join(article.categories), to_iso(article.updated) or "", article.url or "",
        json.dumps([asdict(e) for e in article.enclosures]), article.comments_url or "",
    ))
    return hashlib.sha256(payload.encode()).hexdigest()


_ARTICLE_COLUMNS = (
    "id", "source_id", "outlet", "guid", "url", "title", "authors", "published", "updated",
    "first_seen", "summary_html", "content_html", "text", "categories", "language",
    "word_count", "enclosures", "comments_url", "date_from_feed", "content_hash",
)
_INSERT_ARTICLE = (f"INSERT INTO articles({', '.join(_ARTICLE_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * len(_ARTICLE_COLUMNS))}) RETURNING num")
# Columns a changed entry may overwrite; user state lives in other tables and is never touched.
_UPDATE_COLUMNS = (
    "guid", "url", "title", "authors", "updated", "summary_html", "content_html", "text",
    "categories", "language", "word_count", "enclosures", "comments_url", "content_hash",
)


def _article_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "source_id": article.source_id,
        "outlet": article.outlet,
        "guid": article.guid,
        "url": article.url,
        "title": article.title,
        "authors": json.dumps(list(article.authors)),
        "published": to_iso(article.published),
        "updated": to_iso(article.updated),
        "first_seen": to_iso(article.first_seen),
        "summary_html": article.summary_html,
        "content_html": article.content_html,
        "text": article.text,
        "categories": json.dumps(list(article.categories)),
        "language": article.language,
        "word_count": article.word_count,
        "enclosures": json.dumps([asdict(e) for e in article.enclosures]),
        "comments_url": article.comments_url,
        "date_from_feed": int(article.date_from_feed),
        "content_hash": _content_hash(article),
    }


def stored_date(value: str | None) -> Any:
    """A NOT NULL date column: migration 0008 guarantees a readable one."""
    return from_iso(value)


def row_to_article(row: Row) -> Article:
    return Article(
        id=row["id"],
        source_id=row["source_id"],
        outlet=row["outlet"],
        guid=row["guid"],
        url=row["url"],
        title=row["title"],
        authors=tuple(json.loads(row["authors"])),
        published=stored_date(row["published"]),
        updated=from_iso(row["updated"]),
        first_seen=stored_date(row["first_seen"]),
        summary_html=row["summary_html"],
        content_html=row["content_html"],
        text=row["text"],
        categories=tuple(json.loads(row["categories"])),
        language=row["language"],
        word_count=row["word_count"],
        enclosures=tuple(Enclosure(**e) for e in json.loads(row["enclosures"])),
        comments_url=row["comments_url"],
        date_from_feed=bool(row["date_from_feed"]),
    )


def join_for(dialect: Dialect, query: ArticleQuery) -> str:
    """How to join statuses. CROSS JOIN (the dialect's cross_join) makes articles the outer
    loop in SQLite: pages then walk the date index, and a full-text set is probed once per
    article. Left to itself, SQLite drove a topic count from the unread index and
    re-scanned the match list for every row (over a minute at a million articles). Only a
    small set found through statuses (starred, given ids) with no full-text condition
    starts from statuses. A tag's or a code's articles are looked up by id from their own
    index (see where_clause)."""
    small = (query.starred_only or query.ids is not None or query.story_id is not None
             or query.storyline_id is not None)
    full_text = query.search is not None or query.topic is not None
    return "JOIN" if small and not full_text else dialect.cross_join


_MANY = 5000


def _many_matches(core: Core, query: Query) -> bool:
    sql, params = core.dialect.matching(query)
    return _many_rows(core, sql, params, user_query=True)


def _topic_query(core: Core, name: str) -> str:
    nocase = core.dialect.nocase
    rows = core.read(f"SELECT query FROM topics WHERE {nocase('name')} = {nocase('?')}", [name])
    if not rows:
        raise NotFoundError(f"There is no topic named {name!r}.")
    return str(rows[0][0])


def where_clause(core: Core, q: ArticleQuery, *,
                 ordered: bool = False) -> tuple[str, list[Any], bool]:
    """SQL WHERE clause for a query over `articles a` joined with `statuses s`.

    With `ordered` (a page newest first), a full-text condition picks its plan by how
    many rows match: a few are looked up and sorted; many are found faster by walking
    the date index and testing membership ("+" stops SQLite using the rowid lookup).
    Measured at a million articles: 385 ms -> 19 ms for a word in 14% of them, while a
    phrase in 108 articles stays at 4 ms instead of 165 ms. (A dialect without plan
    probes leaves the choice to its planner.)
    """
    dialect = core.dialect
    plus = dialect.plan_plus
    where: list[str] = []
    params: list[Any] = []
    parsed = None if q.search is None else parse_query(q.search)
    if q.topic is not None:
        topic_query = parse_saved_query(_topic_query(core, q.topic))
        parsed = topic_query if parsed is None else And((parsed, topic_query))
    if parsed is not None:
        walk = ordered and dialect.plan_probes and _many_matches(core, parsed)
        condition, args = dialect.match(parsed)
        where.append(f"{plus if walk else ''}{condition}")
        params += args
    if q.source_id is not None:  # "+": a tag's or code's own index finds fewer rows
        where.append(f"{plus if _annotation_set(q) else ''}a.source_id = ?")
        params.append(q.source_id)
    if q.folder is not None:
        # "+" keeps the planner on the date index: a folder is many sources, and walking
        # articles newest first finds a page sooner than merging per-source ranges.
        # A sub-folder by its prefix, with case as the tree shows it (LIKE ignores case
        # in SQLite and not in PostgreSQL; substr compares alike in both).
        where.append(f"{plus}a.source_id IN (SELECT id FROM sources WHERE folder = ? OR "
                     "substr(folder, 1, ?) = ?)")
        params += [q.folder, len(q.folder) + 1, q.folder + "/"]
    if q.since is not None:
        where.append("a.published >= ?")
        params.append(to_iso(q.since))
    if q.story_id is not None:
        where.append("a.id IN (SELECT article_id FROM story_articles WHERE story_id = ?)")
        params.append(q.story_id)
    if q.storyline_id is not None:  # its links by story_links_storyline, then their members
        where.append("a.id IN (SELECT sa.article_id FROM story_links l JOIN story_articles sa "
                     "ON sa.story_id = l.story_id WHERE l.storyline_id = ?)")
        params.append(q.storyline_id)
    if q.ids is not None:
        where.append(f"a.id IN ({placeholders(q.ids)})" if q.ids else "1 = 0")
        params += list(q.ids)
    if q.unread_only and q.keep_ids:
        where.append(f"(s.is_read = 0 OR a.id IN ({placeholders(q.keep_ids)}))")
        params += list(q.keep_ids)
    elif q.unread_only:  # "+": a story's or storyline's few articles, not every unread one
        small = q.story_id is not None or q.storyline_id is not None
        where.append(f"{plus if small else ''}s.is_read = 0")
    if q.starred_only:
        where.append("s.is_starred = 1")
    where += _annotation_filters(core, q, params, ordered=ordered and parsed is None)
    return (" WHERE " + " AND ".join(where)) if where else "", params, parsed is not None


def _annotation_set(q: ArticleQuery) -> bool:
    """Whether the view is a tag's, a code's or the annotated articles (a set that has its
    own index)."""
    return q.tag is not None or q.codebook is not None or q.annotated


def _annotation_filters(core: Core, q: ArticleQuery, params: builtins.list[Any], *,
                        ordered: bool) -> builtins.list[str]:
    """Conditions for the coverage desk's filters (tables of migration 0010).

    A tag's or a code's articles are found through their own index and looked up by id,
    then sorted: a page of a tag on 1,000 of a million articles reads 1,000 rows, not the
    million. When a page (`ordered`) is wanted of a set holding many articles, walking the
    date index and testing membership finds it sooner, as for full text (where_clause):
    the "+" stops the lookup by id. A tag's set holds the members of the stories tagged
    with it (_TAGGED). "untagged" is most articles: tested per row through the
    assignments' and the story members' primary keys while the date index is walked.
    """
    where: builtins.list[str] = []
    if q.code_value is not None and q.codebook is None:
        raise ValueError("A code value filter needs its codebook.")
    sets: builtins.list[tuple[str, builtins.list[Any]]] = []
    if q.tag is not None:
        tag = " ".join(q.tag.split())
        sets.append((_TAGGED, [tag, tag]))
    if q.codebook is not None:
        if q.code_value is None:
            sets.append(("SELECT article_id FROM codes WHERE codebook = ?", [q.codebook]))
        else:
            sets.append(("SELECT article_id FROM codes WHERE codebook = ? AND value = ?",
                         [q.codebook, q.code_value.strip()]))
    if q.annotated:
        sets.append(("SELECT article_id FROM tag_assignments UNION SELECT article_id FROM codes "
                     "UNION SELECT article_id FROM notes", []))
    walk = (ordered and core.dialect.plan_probes and bool(sets)
            and all(_many_rows(core, sql, args) for sql, args in sets))
    for sql, args in sets:
        where.append(f"{core.dialect.plan_plus if walk else ''}a.id IN ({sql})")
        params += args
    if q.untagged:
        where.append(_UNTAGGED)
    return where


# A tag's articles: those it is on (an article tag, or a story tag's anchor, kept even when
# re-grouping left it in no story), and the current members of each story whose anchor
# carries it as a story tag. Both halves walk tag_assignments_tag; the members come from
# story_articles' primary key and its story index. Only ever inside IN (...), so UNION ALL:
# deduplicating a wide tag's 100,000 ids first made its page 2.5 times slower.
_TAGGED = ("SELECT article_id FROM tag_assignments WHERE tag = ? "
           "UNION ALL SELECT m.article_id FROM tag_assignments ta "
           "JOIN story_articles sa ON sa.article_id = ta.article_id "
           "JOIN story_articles m ON m.story_id = sa.story_id "
           "WHERE ta.tag = ? AND ta.target = 'story'")
# No tag on the article (either target) and no story tag on any member of its story.
_UNTAGGED = ("NOT EXISTS (SELECT 1 FROM tag_assignments ta WHERE ta.article_id = a.id) "
             "AND NOT EXISTS (SELECT 1 FROM story_articles sa "
             "JOIN story_articles m ON m.story_id = sa.story_id "
             "JOIN tag_assignments ta ON ta.article_id = m.article_id AND ta.target = 'story' "
             "WHERE sa.article_id = a.id)")


def _many_rows(core: Core, sql: str, params: builtins.list[Any], *,
               user_query: bool = False) -> bool:
    """Whether the SELECT `sql` gives more than _MANY rows (it reads at most one more)."""
    rows = core.read(f"SELECT COUNT(*) FROM ({sql} LIMIT ?) AS found", [*params, _MANY + 1],
                     user_query=user_query)
    return int(rows[0][0]) > _MANY


def _cursor(published: str, num: int) -> str:
    """A headline's opaque position: where the next page starts."""
    return f"{published}|{num}"


def _position(headline: Headline) -> tuple[str, int]:
    published, _, num = headline.cursor.rpartition("|")
    if not published or not num.isdigit():
        raise StoreError("That list position is not one this store gave out; "
                         "start the list again.")
    return published, int(num)


# The stored row becomes an earlier version when the title or the feed's plain text
# changes (not for markup or categories alone). It was the feed's since the previous feed
# version was replaced (page versions have their own times). Compared and copied inside
# the database, so the old text never travels to Python (bench/archive_store.py, 100,000
# articles, three runs on a shared machine: an updated article costs 9-24% more, 0.1 to
# 0.2 ms; an unchanged one the same).
_KEEP_VERSION = (
    "INSERT INTO article_versions(article_id, origin, title, html, text, seen, replaced) "
    "SELECT a.id, 'feed', a.title, CASE WHEN a.content_html != '' THEN a.content_html "
    "ELSE a.summary_html END, a.text, COALESCE((SELECT v.replaced FROM article_versions v "
    "WHERE v.article_id = a.id AND v.origin = 'feed' ORDER BY v.id DESC LIMIT 1), "
    "a.first_seen), ? "
    "FROM articles a WHERE a.id = ? AND (a.title != ? OR a.text != ?)")


def keep_version(conn: Conn, article_id: str, title: str, text: str,
                 now: str) -> None:
    """Keep the stored title, HTML and text of an article about to change to `title` and
    `text` (see ArchiveFacet), replaced `now`: at most MAX_VERSIONS of them."""
    if conn.execute(_KEEP_VERSION, [now, article_id, title, text]).rowcount:
        trim_versions(conn, article_id)


def trim_versions(conn: Conn, article_id: str) -> None:
    """At most MAX_VERSIONS earlier versions: the second-oldest go (the first version,
    what was first published, and the newest ones stay)."""
    count = int(conn.execute("SELECT COUNT(*) FROM article_versions WHERE article_id = ?",
                             [article_id]).fetchone()[0])
    if count > MAX_VERSIONS:
        conn.execute("DELETE FROM article_versions WHERE id IN (SELECT id FROM article_versions "
                     "WHERE article_id = ? ORDER BY id LIMIT ? OFFSET 1)",
                     [article_id, count - MAX_VERSIONS])


class SqlArticles:
    """The articles facet (see newsdesk.store.api.ArticlesFacet)."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def upsert(self, articles: Sequence[Article]) -> UpsertResult:
        """See ArticlesFacet.upsert. An article is the same as a stored one when its id
        matches (ids belong to one source), or when its own source already has its
        canonical URL under another id. Another source's row is never changed: a source's
        article that another source of the same outlet already holds word for word is a
        copy (counted unchanged, not stored twice); any other version gets a row of its
        own. So what one feed says can never rewrite what another feed brought."""
        if not articles:
            return UpsertResult()
        new: list[str] = []
        updated: list[str] = []
        unchanged = 0
        fts_rows: list[IndexRow] = []
        index_new = self._core.dialect.index_new
        now = to_iso(datetime.now(UTC)) or ""
        with self._core.write() as conn:
            known = self._existing(conn, [a.id for a in articles])
            for article in articles:
                row = _article_row(article)
                found = known.get(article.id)
                if found is not None and found[2] != article.source_id:
                    log.warning("article %s of source %s carries the id of another source's "
                                "article; skipped", article.url, article.source_id)
                    unchanged += 1
                    continue
                if found is None and article.url:
                    hits = conn.execute(
                        "SELECT id, content_hash, source_id FROM articles WHERE outlet = ? AND url = ?",
                        [article.outlet, article.url]).fetchall()
                    own = next((h for h in hits if h["source_id"] == article.source_id), None)
                    if own is not None:
                        found = (own["id"], own["content_hash"], article.source_id)
                    elif any(h["content_hash"] == row["content_hash"] for h in hits):
                        unchanged += 1  # a copy of what a sibling feed of this outlet brought
                        continue
                if found is None:
                    num = int(conn.execute(_INSERT_ARTICLE,
                                           [row[c] for c in _ARTICLE_COLUMNS]).fetchone()[0])
                    fts_rows.append((num, row["title"], row["text"]))
                    known[article.id] = (article.id, row["content_hash"], article.source_id)
                    new.append(article.id)
                elif found[1] == row["content_hash"]:
                    unchanged += 1
                else:
                    if fts_rows:  # the update trigger unindexes the old text: index it first
                        index_new(conn, fts_rows)
                        fts_rows.clear()
                    keep_version(conn, found[0], row["title"], row["text"], now)
                    columns = list(_UPDATE_COLUMNS)
                    if article.date_from_feed:
                        columns += ["published", "date_from_feed"]
                    conn.execute(
                        f"UPDATE articles SET {', '.join(f'{c} = ?' for c in columns)} "
                        "WHERE id = ? AND source_id = ?",
                        [*(row[c] for c in columns), found[0], article.source_id])
                    known[article.id] = (found[0], row["content_hash"], article.source_id)
                    updated.append(found[0])
            # The index is written here, in the same transaction (see migration 0003).
            index_new(conn, fts_rows)
            source_of = {a.id: a.source_id for a in articles}
            conn.executemany("INSERT INTO statuses(article_id, source_id) VALUES (?, ?) "
                             "ON CONFLICT DO NOTHING", [(i, source_of[i]) for i in new])
        return UpsertResult(new_ids=tuple(new), updated_ids=tuple(updated), unchanged=unchanged)

    @staticmethod
    def _existing(conn: Conn, ids: builtins.list[str]) -> dict[str, tuple[str, str, int]]:
        """Stored (id, content hash, source id) of the given ids."""
        found: dict[str, tuple[str, str, int]] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            rows = conn.execute(
                "SELECT id, content_hash, source_id FROM articles "
                f"WHERE id IN ({placeholders(chunk)})", chunk).fetchall()
            found.update({r["id"]: (r["id"], r["content_hash"], int(r["source_id"])) for r in rows})
        return found

    def get(self, article_id: str) -> Article:
        rows = self._core.read("SELECT * FROM articles WHERE id = ?", [article_id])
        if not rows:
            raise NotFoundError(f"There is no article with id {article_id}.")
        return row_to_article(rows[0])

    def count(self, source_id: int | None = None) -> int:
        if source_id is None:
            return int(self._core.read("SELECT COUNT(*) FROM articles")[0][0])
        return int(self._core.read("SELECT COUNT(*) FROM articles WHERE source_id = ?",
                                   [source_id])[0][0])

    def list(self, query: ArticleQuery | None = None, *, limit: int | None = None,
             offset: int = 0, **filters: Any) -> builtins.list[Article]:
        q = query or ArticleQuery(**filters)
        where, params, user_query = where_clause(self._core, q, ordered=limit is not None)
        sql = (f"SELECT a.* FROM articles a {join_for(self._core.dialect, q)} statuses s "
               "ON s.article_id = a.id"
               f"{where} ORDER BY a.published DESC, a.num DESC")
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [row_to_article(r) for r in self._core.read(sql, params, user_query=user_query)]

    def count_where(self, query: ArticleQuery) -> int:
        where, params, user_query = where_clause(self._core, query)
        return int(self._core.read(
            f"SELECT COUNT(*) FROM articles a {join_for(self._core.dialect, query)} statuses s "
            f"ON s.article_id = a.id{where}", params, user_query=user_query)[0][0])

    def headlines(self, query: ArticleQuery, *, limit: int, after: Headline | None = None,
                  newest_first: bool = True) -> builtins.list[Headline]:
        where, params, user_query = where_clause(self._core, query, ordered=True)
        order = "DESC" if newest_first else "ASC"
        if after is not None:
            where += (" AND " if where else " WHERE ") + (
                f"(a.published, a.num) {'<' if newest_first else '>'} (?, ?)")
            params += list(_position(after))
        rows = self._core.read(
            "SELECT a.num, a.id, a.source_id, src.title AS source_title, a.title, a.published, "
            f"s.is_read, s.is_starred FROM articles a {join_for(self._core.dialect, query)} "
            "statuses s "
            f"ON s.article_id = a.id JOIN sources src ON src.id = a.source_id{where} "
            f"ORDER BY a.published {order}, a.num {order} LIMIT ?",
            [*params, limit], user_query=user_query)
        return [Headline(r["id"], r["source_id"], r["source_title"], r["title"],
                         stored_date(r["published"]), bool(r["is_read"]),
                         bool(r["is_starred"]), _cursor(r["published"], r["num"])) for r in rows]

    def numbers(self, article_ids: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        ids = builtins.list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            found.update({r[0]: int(r[1]) for r in self._core.read(
                f"SELECT id, num FROM articles WHERE id IN ({placeholders(chunk)})", chunk)})
        return found

    def ids_by_number(self, numbers: Sequence[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        nums = builtins.list(dict.fromkeys(int(n) for n in numbers))
        for start in range(0, len(nums), CHUNK):
            chunk = nums[start:start + CHUNK]
            found.update({int(r[0]): r[1] for r in self._core.read(
                f"SELECT num, id FROM articles WHERE num IN ({placeholders(chunk)})", chunk)})
        return found

    def search(self, query: str, *, limit: int = 50) -> builtins.list[Article]:
        """Best matches first (store/query.py syntax)."""
        if not query.strip():
            raise QueryError("The search query is empty.")
        source, rank, params = self._core.dialect.ranked(parse_query(query))
        rows = self._core.read(f"SELECT a.* FROM {source} ORDER BY {rank}, a.published DESC, "
                               "a.num DESC LIMIT ?", [*params, limit], user_query=True)
        return [row_to_article(r) for r in rows]
