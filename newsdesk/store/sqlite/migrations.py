"""Schema migrations: append-only. Never edit one that has shipped; add the next.

Each runs in its own transaction with its record (sqlite-utils Migrations), so a crash
mid-migration leaves the previous schema intact. PRAGMA user_version mirrors the count.
"""

from __future__ import annotations

import hashlib
import json
import logging

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from newsdesk.errors import StoreError
from newsdesk.outlets import source_outlet
from newsdesk.store.sqlite.transactions import immediate

log = logging.getLogger(__name__)
migrations = Migrations("newsdesk")


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    statements = [
        """CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            site_url TEXT,
            folder TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT 'feed',
            etag TEXT,
            last_modified TEXT,
            body_hash TEXT,
            next_fetch_at TEXT,
            last_fetched_at TEXT,
            last_success_at TEXT,
            error_count INTEGER NOT NULL DEFAULT 0,
            last_error_kind TEXT,
            last_error_message TEXT,
            added_at TEXT NOT NULL
        )""",
        """CREATE TABLE articles (
            num INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            outlet TEXT NOT NULL,
            guid TEXT,
            url TEXT,
            title TEXT NOT NULL,
            authors TEXT NOT NULL DEFAULT '[]',
            published TEXT NOT NULL,
            updated TEXT,
            first_seen TEXT NOT NULL,
            summary_html TEXT NOT NULL DEFAULT '',
            content_html TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            categories TEXT NOT NULL DEFAULT '[]',
            language TEXT,
            word_count INTEGER NOT NULL DEFAULT 0,
            enclosures TEXT NOT NULL DEFAULT '[]',
            comments_url TEXT,
            date_from_feed INTEGER NOT NULL DEFAULT 1,
            content_hash TEXT NOT NULL
        )""",
        "CREATE INDEX articles_published ON articles(published)",
        "CREATE INDEX articles_source_published ON articles(source_id, published)",
        "CREATE INDEX articles_outlet_url ON articles(outlet, url)",
        """CREATE TABLE statuses (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            is_read INTEGER NOT NULL DEFAULT 0,
            is_starred INTEGER NOT NULL DEFAULT 0,
            read_at TEXT,
            starred_at TEXT,
            note TEXT
        )""",
        "CREATE INDEX statuses_unread ON statuses(is_read) WHERE is_read = 0",
        "CREATE INDEX statuses_starred ON statuses(is_starred) WHERE is_starred = 1",
        """CREATE TABLE article_tags (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (article_id, tag)
        )""",
        """CREATE TABLE fetch_log (
            id INTEGER PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            outcome TEXT NOT NULL,
            http_status INTEGER,
            error_kind TEXT,
            message TEXT,
            new INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            bytes INTEGER,
            elapsed_ms INTEGER
        )""",
        "CREATE INDEX fetch_log_source ON fetch_log(source_id, at)",
        """CREATE TABLE topics (
            name TEXT PRIMARY KEY,
            query TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0
        )""",
        # External-content FTS5 index over title and text, kept in sync by triggers.
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='num',
            tokenize='porter unicode61 remove_diacritics 2'
        )""",
        """CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.num, new.title, new.text);
        END""",
        """CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.num, old.title, old.text);
        END""",
        """CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.num, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.num, new.title, new.text);
        END""",
    ]
    for sql in statements:
        db.execute(sql)


@migrations(name="0002_default_topics")
def m0002_default_topics(db: Database) -> None:
    topics = [
        ("Privacy and surveillance",
         "privacy OR surveillance OR encryption OR warrant OR \"data protection\" OR spyware",
         "Who collects what about whom, and under which law."),
        ("Tech policy and courts",
         "court OR judge OR ruling OR lawsuit OR regulator OR antitrust OR copyright OR "
         "\"supreme court\"",
         "Cases, rulings and regulation that shape technology."),
        ("Security",
         "vulnerability OR breach OR ransomware OR hacker OR malware OR exploit OR patch",
         "Breaches, exploits and the fixes."),
        ("AI", "\"artificial intelligence\" OR AI OR \"machine learning\" OR chatbot",
         "Artificial intelligence: products, research, rules."),
    ]
    for position, (name, query, description) in enumerate(topics):
        db.execute(
            "INSERT OR IGNORE INTO topics(name, query, description, position) VALUES (?, ?, ?, ?)",
            [name, query, description, position],
        )


@migrations(name="0003_fts_insert_by_store")
def m0003_fts_insert_by_store(db: Database) -> None:
    """New rows are indexed by the articles facet's upsert in the same statement batch.

    The insert trigger doubled the cost of indexing (measured: 30 us of 65 us a row);
    upsert_articles is the only place that inserts articles. Update and delete triggers stay.
    """
    db.execute("DROP TRIGGER IF EXISTS articles_ai")


@migrations(name="0004_counts_batches_images")
def m0004_counts_batches_images(db: Database) -> None:
    """Unread counts kept by triggers, undoable bulk reads, remote-image permissions, assets.

    Counting unread articles per source with GROUP BY took ~0.4 s at a million articles;
    the window needs the counts after every change, so they are maintained instead.
    statuses.source_id is a copy of the article's source, so the triggers still know it
    while a cascade is deleting the article.
    """
    statements = [
        "ALTER TABLE statuses ADD COLUMN source_id INTEGER",
        "ALTER TABLE statuses ADD COLUMN read_batch INTEGER",
        "UPDATE statuses SET source_id = "
        "(SELECT a.source_id FROM articles a WHERE a.id = statuses.article_id)",
        "CREATE INDEX statuses_read_batch ON statuses(read_batch) WHERE read_batch IS NOT NULL",
        """CREATE TABLE source_counts (
            source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
            unread INTEGER NOT NULL DEFAULT 0,
            total INTEGER NOT NULL DEFAULT 0
        )""",
        "INSERT INTO source_counts(source_id, unread, total) "
        "SELECT s.id, COALESCE(SUM(st.is_read = 0), 0), COUNT(st.article_id) FROM sources s "
        "LEFT JOIN statuses st ON st.source_id = s.id GROUP BY s.id",
        """CREATE TRIGGER sources_count_ai AFTER INSERT ON sources BEGIN
            INSERT OR IGNORE INTO source_counts(source_id) VALUES (new.id);
        END""",
        """CREATE TRIGGER statuses_count_ai AFTER INSERT ON statuses BEGIN
            UPDATE source_counts SET total = total + 1, unread = unread + (new.is_read = 0)
            WHERE source_id = new.source_id;
        END""",
        """CREATE TRIGGER statuses_count_ad AFTER DELETE ON statuses BEGIN
            UPDATE source_counts SET total = total - 1, unread = unread - (old.is_read = 0)
            WHERE source_id = old.source_id;
        END""",
        """CREATE TRIGGER statuses_count_au AFTER UPDATE OF is_read ON statuses
        WHEN old.is_read != new.is_read BEGIN
            UPDATE source_counts SET unread = unread + (new.is_read = 0) - (old.is_read = 0)
            WHERE source_id = new.source_id;
        END""",
        """CREATE TABLE image_permissions (
            kind TEXT NOT NULL CHECK (kind IN ('article', 'source')),
            key TEXT NOT NULL,
            PRIMARY KEY (kind, key)
        )""",
        """CREATE TABLE assets (
            url TEXT PRIMARY KEY,
            content_type TEXT NOT NULL,
            data BLOB NOT NULL,
            fetched_at TEXT NOT NULL
        )""",
    ]
    for sql in statements:
        db.execute(sql)


@migrations(name="0005_stories")
def m0005_stories(db: Database) -> None:
    """Stories: groups of articles on one event, and the state that grouping learns."""
    statements = [
        """CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            size INTEGER NOT NULL DEFAULT 0,
            outlets INTEGER NOT NULL DEFAULT 0,
            centroid TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX stories_first_seen ON stories(first_seen)",
        "CREATE INDEX stories_last_seen ON stories(last_seen)",
        """CREATE TABLE story_articles (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            score REAL NOT NULL,
            duplicate_of TEXT,
            vector TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX story_articles_story ON story_articles(story_id)",
        """CREATE TABLE story_terms (
            term TEXT PRIMARY KEY,
            df INTEGER NOT NULL
        ) WITHOUT ROWID""",
        """CREATE TABLE story_meta (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        )""",
        "INSERT INTO story_meta(key, value) VALUES ('documents', 0)",
    ]
    for sql in statements:
        db.execute(sql)


@migrations(name="0006_story_comparisons")
def m0006_story_comparisons(db: Database) -> None:
    """Framing comparisons, cached per story: computing one reads every member's text."""
    db.execute("""CREATE TABLE story_comparisons (
        story_id INTEGER PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
        signature TEXT NOT NULL,
        data TEXT NOT NULL
    )""")


@migrations(name="0007_outlet_from_feed_url")
def m0007_outlet_from_feed_url(db: Database) -> None:
    """Outlets now come from where a feed is fetched, not from the site it claims.

    Stored outlets were taken from a feed's own <link> first, so a feed could claim another
    site; hosting platforms and IP hosts lumped many sites into one. Outlet is stored (the
    (outlet, url) index finds a sibling feed's copy, and story grouping counts outlets), so
    it is recomputed here with the current rule, and each story's outlet count with it.
    """
    db.execute("DROP INDEX IF EXISTS articles_outlet_url")  # rebuilt once, not row by row
    for source_id, url in db.execute("SELECT id, url FROM sources").fetchall():
        outlet = source_outlet(url, int(source_id))
        db.execute("UPDATE articles SET outlet = ? WHERE source_id = ? AND outlet != ?",
                   [outlet, source_id, outlet])
    db.execute("CREATE INDEX articles_outlet_url ON articles(outlet, url)")
    db.execute("UPDATE stories SET outlets = (SELECT COUNT(DISTINCT a.outlet) "
               "FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
               "WHERE sa.story_id = stories.id)")


@migrations(name="0008_placeholder_dates")
def m0008_placeholder_dates(db: Database) -> None:
    """Dates from before 1990 are placeholders (Go's zero time, a Unix time of 0): undated.

    Older versions stored them, and wrote years before 1000 without padding
    ("1-01-01T00:00:00Z", which reading refused and which sorts wrongly). Such an article
    is now dated when it was first seen, as normalize.py does for new ones; stories take
    their span from their members again.
    """
    bad = "({col} IS NOT NULL AND (length({col}) < 20 OR {col} < '1990-01-01T00:00:00Z'))"
    db.execute(f"UPDATE articles SET published = first_seen, date_from_feed = 0 "
               f"WHERE {bad.format(col='published')}")
    db.execute(f"UPDATE articles SET updated = NULL WHERE {bad.format(col='updated')}")
    span = ("(SELECT {fn}(a.published) FROM story_articles sa JOIN articles a ON a.id = "
            "sa.article_id WHERE sa.story_id = stories.id)")
    db.execute(f"UPDATE stories SET first_seen = coalesce({span.format(fn='MIN')}, first_seen), "
               f"last_seen = coalesce({span.format(fn='MAX')}, last_seen) "
               f"WHERE {bad.format(col='first_seen')} OR {bad.format(col='last_seen')}")



@migrations(name="0009_story_model_state")
def m0009_story_model_state(db: Database) -> None:
    """Which story model the story tables belong to, under its name and version.

    One model owns them at a time; another model or version starts them afresh (see
    services/stories.py) instead of reading centroids and counts it did not make. What is
    there already was made by today's model, TF-IDF version 1. `state_json` holds what a
    model keeps beyond its stories and term counts.
    """
    db.execute("""CREATE TABLE story_model_state (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        state_json TEXT NOT NULL DEFAULT '{}',
        updated TEXT NOT NULL,
        PRIMARY KEY (name, version)
    )""")
    db.execute("INSERT INTO story_model_state(name, version, state_json, updated) "
               "VALUES ('tfidf', 1, '{}', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))")

def check_database(db: Database, where: str = "The database") -> str:
    """Whether a file is ours to use: "current", "behind" (ours, migrations pending) or
    "empty" (no tables: a new database). Raise StoreError for a newer NewsDesk's database
    or another program's, leaving it as it is: migrating would corrupt the one and take
    over the other. Reads only, so it is safe to call on any SQLite file."""
    known = {m.name for m in migrations._migrations}
    current = int(db.execute("PRAGMA user_version").fetchone()[0])
    applied = [m.name for m in migrations.applied(db)]
    if current > len(known) or any(name not in known for name in applied):
        raise StoreError(
            f"{where} was written by a newer version of NewsDesk (schema version "
            f"{max(current, len(applied))}; this version knows {len(known)}). Update NewsDesk "
            "to open it; nothing in it was changed.")
    if applied:
        return "current" if current == len(known) and len(applied) == len(known) else "behind"
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name").fetchall()]
    if tables:
        raise StoreError(
            f"{where} is a database of another program (it holds tables such as "
            f"{', '.join(tables[:3])}, not NewsDesk's); nothing in it was changed. "
            "Choose another file.")
    return "empty"


def applied_count(db: Database) -> int:
    """The number of migrations applied (a database opened without migrating)."""
    return len(migrations.applied(db))


def apply_migrations(db: Database, where: str = "The database", *, state: str | None = None) -> int:
    """Bring the schema up to date; return the schema version (migrations applied).

    An up-to-date database is only read: workers open their own connections often, and
    a write here would make them queue behind each other for the write lock. Pending
    migrations run in one IMMEDIATE transaction, checked again once the lock is held, so
    two programs opening a new database at once do not both run them.
    """
    if (state or check_database(db, where)) == "current":  # `state`: the caller just asked
        return len(migrations._migrations)
    with immediate(db.conn):
        check_database(db, where)
        migrations.apply(db)  # each migration nests as a savepoint
        version = len(migrations.applied(db))
        db.execute(f"PRAGMA user_version = {int(version)}")
    return version


_COVERAGE_VALUES = ("supportive", "critical", "neutral", "explainer", "opinion", "wire copy")
_MEDIA_FRAMES = (
    "Economic", "Capacity and resources", "Morality", "Fairness and equality",
    "Legality, constitutionality and jurisprudence", "Policy prescription and evaluation",
    "Crime and punishment", "Security and defense", "Health and safety", "Quality of life",
    "Cultural identity", "Public opinion", "Political", "External regulation and reputation",
    "Other",
)


@migrations(name="0010_annotations")
def m0010_annotations(db: Database) -> None:
    """The coverage desk: editors' tags, codes and notes, tag colours and codebooks.

    Every annotation hangs off its article (ON DELETE CASCADE: removing a source removes its
    articles' annotations, nothing else does); refetches update article rows in place and
    re-grouping touches only story tables, so both keep them. Tag names are NOCASE (one tag
    whatever the spelling, the first spelling kept); renaming cascades to the assignments.
    The old, unused `article_tags` rows and `statuses.note` texts move here with editor "".
    statuses.note is emptied, not dropped: DROP COLUMN rewrites every status row (a million
    at the sizes NewsDesk is measured at) and needs SQLite 3.35; the column is read by
    nothing any more. Indexes on articles' url and guid let import find articles by them.
    """
    statements = [
        """CREATE TABLE tags (
            name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
            color TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL
        )""",
        """CREATE TABLE tag_assignments (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            target TEXT NOT NULL CHECK (target IN ('article', 'story')),
            tag TEXT NOT NULL COLLATE NOCASE
                REFERENCES tags(name) ON DELETE CASCADE ON UPDATE CASCADE,
            editor TEXT NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (article_id, target, tag)
        ) WITHOUT ROWID""",
        "CREATE INDEX tag_assignments_tag ON tag_assignments(tag, target, article_id)",
        """CREATE TABLE codebooks (
            name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
            description TEXT NOT NULL DEFAULT '',
            builtin INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE codebook_values (
            codebook TEXT NOT NULL COLLATE NOCASE
                REFERENCES codebooks(name) ON DELETE CASCADE ON UPDATE CASCADE,
            position INTEGER NOT NULL,
            value TEXT NOT NULL COLLATE NOCASE,
            PRIMARY KEY (codebook, position),
            UNIQUE (codebook, value)
        )""",
        """CREATE TABLE codes (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            codebook TEXT NOT NULL COLLATE NOCASE
                REFERENCES codebooks(name) ON DELETE CASCADE ON UPDATE CASCADE,
            value TEXT NOT NULL COLLATE NOCASE,
            editor TEXT NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (article_id, codebook, editor)
        ) WITHOUT ROWID""",
        "CREATE INDEX codes_codebook ON codes(codebook, value, article_id)",
        """CREATE TABLE notes (
            id TEXT NOT NULL PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            target TEXT NOT NULL CHECK (target IN ('article', 'story')),
            editor TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            text TEXT NOT NULL,
            quote_exact TEXT,
            quote_prefix TEXT NOT NULL DEFAULT '',
            quote_suffix TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX notes_article ON notes(article_id, created)",
        "CREATE INDEX articles_url ON articles(url) WHERE url IS NOT NULL",
        "CREATE INDEX articles_guid ON articles(guid) WHERE guid IS NOT NULL",
    ]
    for sql in statements:
        db.execute(sql)
    books = (("Coverage", "How the article covers its subject.", _COVERAGE_VALUES),
             ("Media frames", "Primary frame, Media Frames Corpus (Card et al., 2015)",
              _MEDIA_FRAMES))
    for position, (name, description, values) in enumerate(books):
        db.execute("INSERT INTO codebooks(name, description, builtin, position) "
                   "VALUES (?, ?, 1, ?)", [name, description, position])
        for index, value in enumerate(values):
            db.execute("INSERT INTO codebook_values(codebook, position, value) VALUES (?, ?, ?)",
                       [name, index, value])
    now = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
    db.execute(f"INSERT OR IGNORE INTO tags(name, created) SELECT tag, {now} FROM article_tags "
               "WHERE trim(tag) != '' GROUP BY tag COLLATE NOCASE")
    db.execute("INSERT OR IGNORE INTO tag_assignments(article_id, target, tag, editor, created) "
               f"SELECT o.article_id, 'article', t.name, '', {now} FROM article_tags o "
               "JOIN tags t ON t.name = o.tag")  # the first spelling, as tag() keeps it
    db.execute("DROP TABLE article_tags")
    db.execute("INSERT INTO notes(id, article_id, target, editor, created, updated, text) "
               f"SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
               "substr(hex(randomblob(2)), 2) || '-' || "
               "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || "
               f"'-' || hex(randomblob(6))), article_id, 'article', '', {now}, {now}, note "
               "FROM statuses WHERE trim(coalesce(note, '')) != ''")
    db.execute("UPDATE statuses SET note = NULL WHERE note IS NOT NULL")


FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"  # the index's tokenizer since 0001

# The searchable text of an article: the feed's text, then its extracted full text. One
# expression for the view, the triggers and the archive facet, so what is deleted from the
# index is always exactly what was inserted (an external-content FTS5 index needs that).
FULLTEXT_OF = ("(SELECT f.text FROM article_fulltext f WHERE f.num = {num} "
               "AND f.status = 'extracted')")


def searchable_text(num: str, text: str) -> str:
    """SQL for what the index holds as an article's text, given its num and feed text."""
    return f"{text} || COALESCE(char(10) || {FULLTEXT_OF.format(num=num)}, '')"


@migrations(name="0011_archive")
def m0011_archive(db: Database) -> None:
    """The archive: full texts from article pages, earlier versions, content-addressed assets.

    Search finds an article by its full text too, through ONE index: articles_fts is
    recreated over the view article_search (the feed's text, then the extracted full text)
    and rebuilt (bench/archive_store.py: 10 to 12 s at 100,000 articles of 150 words, a
    400 MB database; the rebuild is all of it). article_fulltext has no foreign
    key: the articles delete trigger unindexes the article with its full text, then deletes
    it, so the order of a cascade never matters. Assets move to blobs kept by their SHA-256
    (one copy however many URLs give the same bytes), URLs pointing at them, and the
    articles that use them (so an article's images count for its source and go with it).
    """
    modes = ", ".join(f"'{m}'" for m in ("off", "on-demand", "always"))
    statements = [
        f"ALTER TABLE sources ADD COLUMN full_text TEXT NOT NULL DEFAULT 'on-demand' "
        f"CHECK (full_text IN ({modes}))",
        """CREATE TABLE article_fulltext (
            num INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL
                CHECK (status IN ('extracted', 'kept_summary', 'not_article', 'failed')),
            html TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            url TEXT,
            extractor TEXT NOT NULL DEFAULT '',
            word_count INTEGER NOT NULL DEFAULT 0,
            fetched_at TEXT NOT NULL
        )""",
        "CREATE INDEX article_fulltext_fetched ON article_fulltext(fetched_at)",
        "DROP TRIGGER IF EXISTS articles_ad",
        "DROP TRIGGER IF EXISTS articles_au",
        "DROP TABLE articles_fts",
        """CREATE VIEW article_search AS
            SELECT a.num AS num, a.title AS title,
                   a.text || COALESCE(char(10) || f.text, '') AS text
            FROM articles a
            LEFT JOIN article_fulltext f ON f.num = a.num AND f.status = 'extracted'""",
        f"""CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='article_search', content_rowid='num',
            tokenize='{FTS_TOKENIZE}'
        )""",
        f"""CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.num, old.title, {searchable_text('old.num', 'old.text')});
            DELETE FROM article_fulltext WHERE num = old.num;
        END""",
        f"""CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.num, old.title, {searchable_text('old.num', 'old.text')});
            INSERT INTO articles_fts(rowid, title, text)
            VALUES (new.num, new.title, {searchable_text('new.num', 'new.text')});
        END""",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
        """CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            origin TEXT NOT NULL CHECK (origin IN ('feed', 'page')),
            title TEXT NOT NULL,
            html TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            seen TEXT NOT NULL,
            replaced TEXT NOT NULL
        )""",
        "CREATE INDEX article_versions_article ON article_versions(article_id, id)",
        """CREATE TABLE asset_blobs (
            hash TEXT PRIMARY KEY,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            data BLOB NOT NULL,
            fetched_at TEXT NOT NULL
        )""",
        "CREATE INDEX asset_blobs_fetched ON asset_blobs(fetched_at)",
        """CREATE TABLE asset_urls (
            url TEXT PRIMARY KEY,
            hash TEXT NOT NULL REFERENCES asset_blobs(hash) ON DELETE CASCADE
        )""",
        "CREATE INDEX asset_urls_hash ON asset_urls(hash)",
        """CREATE TABLE article_assets (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (article_id, url)
        ) WITHOUT ROWID""",
        "CREATE INDEX article_assets_url ON article_assets(url)",
    ]
    log.info("Upgrading the database for the archive: rebuilding the search index")
    for sql in statements:
        db.execute(sql)
    _move_assets(db)
    db.execute("DROP TABLE assets")


def _move_assets(db: Database) -> None:
    """Old assets, one row per URL, into blobs by content hash (hashed here, a row at a time:
    the cache holds at most a few thousand images of a few MB)."""
    urls = [r[0] for r in db.execute("SELECT url FROM assets ORDER BY fetched_at").fetchall()]
    for url in urls:
        content_type, data, fetched_at = db.execute(
            "SELECT content_type, data, fetched_at FROM assets WHERE url = ?", [url]).fetchone()
        body = bytes(data)
        digest = hashlib.sha256(body).hexdigest()
        db.execute("INSERT INTO asset_blobs(hash, content_type, size, data, fetched_at) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT(hash) DO UPDATE SET "
                   "fetched_at = max(fetched_at, excluded.fetched_at)",
                   [digest, content_type, len(body), body, fetched_at])
        db.execute("INSERT OR REPLACE INTO asset_urls(url, hash) VALUES (?, ?)", [url, digest])


@migrations(name="0012_storylines")
def m0012_storylines(db: Database) -> None:
    """Storylines (the events of one matter linked across weeks), the users' corrections of
    the grouping, and what they follow.

    `story_links` says which storyline a story is in (`storyline_id` NULL: none; `locked`:
    the user detached it, linking leaves it alone) and goes with its story. Its storyline id
    has no foreign key: a re-grouping empties both tables at once, and the store deletes a
    storyline only when no link names it. Storyline ids only grow: the next one is kept in
    story_meta ('storylines_next'), so a storyline that went is never confused with a new
    one by a follow that still names it. Corrections and follows are the user's and outlive
    any re-grouping; corrections name articles, not stories (models.Correction). The kinds
    are spelled out here (a migration never changes with the code): models.CORRECTION_KINDS.
    story_articles gets an index on duplicate_of, so a copy group is found from its original.
    """
    statements = [
        """CREATE TABLE storylines (
            id INTEGER PRIMARY KEY,
            label TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            events INTEGER NOT NULL DEFAULT 0,
            outlets INTEGER NOT NULL DEFAULT 0,
            features TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX storylines_last_seen ON storylines(last_seen)",
        """CREATE TABLE story_links (
            story_id INTEGER PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
            storyline_id INTEGER,
            score REAL NOT NULL DEFAULT 0,
            why TEXT NOT NULL DEFAULT '',
            locked INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX story_links_storyline ON story_links(storyline_id)",
        """CREATE TABLE story_corrections (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL
                CHECK (kind IN ('merge', 'split', 'move', 'pin', 'detach')),
            articles TEXT NOT NULL DEFAULT '[]',
            anchor TEXT NOT NULL DEFAULT '[]',
            editor TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL
        )""",
        """CREATE TABLE follows (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            events INTEGER NOT NULL DEFAULT 0,
            outlets TEXT NOT NULL DEFAULT '[]',
            anchor TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL,
            PRIMARY KEY (kind, key)
        )""",
        "CREATE INDEX story_articles_duplicate ON story_articles(duplicate_of) "
        "WHERE duplicate_of IS NOT NULL",
        "INSERT OR IGNORE INTO story_meta(key, value) VALUES ('storylines_next', 1)",
    ]
    for sql in statements:
        db.execute(sql)


_STORYLINE_INDEXED_TERMS = 24  # as linking indexed a storyline when this migration shipped


@migrations(name="0013_storyline_terms")
def m0013_storyline_terms(db: Database) -> None:
    """Each storyline's strongest terms, by which an event finds the storylines it may join
    (linking reads those few, not every storyline of the last weeks). The storyline's
    newest-event date sits beside each term, so "the storylines holding this term that can
    still take an event" is one range of the primary key. Filled here from the stored
    profiles (a page at a time); linking rewrites a storyline's rows whenever it saves it."""
    db.execute("""CREATE TABLE storyline_terms (
        term TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        storyline_id INTEGER NOT NULL,
        PRIMARY KEY (term, last_seen, storyline_id)
    ) WITHOUT ROWID""")
    db.execute("CREATE INDEX storyline_terms_storyline ON storyline_terms(storyline_id)")
    after = -1
    while True:
        rows = db.execute("SELECT id, last_seen, features FROM storylines WHERE id > ? "
                          "ORDER BY id LIMIT 500", [after]).fetchall()
        if not rows:
            break
        after = rows[-1][0]
        for storyline_id, last_seen, features in rows:
            db.conn.executemany(
                "INSERT OR IGNORE INTO storyline_terms(term, last_seen, storyline_id) "
                "VALUES (?, ?, ?)", [(t, last_seen, storyline_id) for t in _strongest(features)])


def _strongest(features: str | None) -> list[str]:
    """A stored storyline profile's strongest terms (its JSON: {"features": {...}, ...}, or
    the bare mapping), none if it cannot be read."""
    try:
        data = json.loads(features or "{}")
    except ValueError:
        return []
    profile = data.get("features", data) if isinstance(data, dict) else None
    if not isinstance(profile, dict):
        return []
    weights = sorted((-float(w), str(t)) for t, w in profile.items()
                     if isinstance(w, (int, float)) and not isinstance(w, bool))
    return [t for _, t in weights[:_STORYLINE_INDEXED_TERMS]]  # strongest, ties by term


@migrations(name="0014_users_and_leases")
def m0014_users_and_leases(db: Database) -> None:
    """Who may use a served store (`newsdesk serve`), and leases: named claims with an
    expiry, so two servers on one store do not do the same work at once.

    A user's name is unique whatever its case (NOCASE; citext in PostgreSQL) and is the
    name an editor signs in with; the password is stored only as its slow hash
    (newsdesk.server.passwords), an API token only as its SHA-256, so a copy of the
    database lets nobody in. A user's tokens go with the user. `disabled` (0/1) keeps the
    user and their tokens but lets them in nowhere. A lease is held by `holder` until
    `expires` (ISO text, the holders' clocks); a lease past it is free for anyone.
    """
    statements = [
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE,
            password_hash TEXT NOT NULL,
            created TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE user_tokens (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            label TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            last_used TEXT
        )""",
        "CREATE INDEX user_tokens_user ON user_tokens(user_id)",
        """CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires TEXT NOT NULL
        )""",
    ]
    for sql in statements:
        db.execute(sql)
