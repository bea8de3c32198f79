"""Schema migrations of the PostgreSQL store: the same fourteen names as the SQLite store's,
so a schema version means one set of tables in both and `newsdesk copy` can compare them.

A PostgreSQL store always starts empty (its rows arrive through `newsdesk copy`), so each
migration here is the *schema* half of its SQLite namesake plus the rows it seeds; the
halves that moved or repaired old data (0007, 0008, 0013's fill, parts of 0004, 0010,
0011) have nothing to do. Types follow the SQLite store column for column: dates are ISO
text, booleans integer 0/1, JSON text (compared as stored strings), NOCASE columns citext.

All pending migrations run in ONE transaction under a transaction-level advisory lock:
DDL is transactional in PostgreSQL, so a failure leaves the database as it was, and a
second program migrating at the same moment waits, then finds nothing left to do.
Append-only, like the SQLite ones: never edit a migration that has shipped; add the next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from newsdesk.errors import StoreError

log = logging.getLogger(__name__)

Conn = psycopg.Connection[Any]

# pg_advisory_xact_lock key for "the schema is being changed": a constant of our own
# (the bytes of "NDschema"), so other programs' advisory locks do not collide with it.
MIGRATION_LOCK = 0x4E44736368656D61

NOW = """to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""  # dates.to_iso's form

# The text search words are cut from: Unicode NFC (checked first: normalizing costs twice
# the check, and most text is NFC already), lowercased by ICU (the database's own
# locale may be C, which folds ASCII only), every run of characters that are not letters
# or digits made one space. FTS5's unicode61 splits at everything outside L*, N* and Co;
# ICU's [:alnum:] is L* and Nd, so the common other numbers (superscripts, fractions,
# circled and parenthesized digits) are named here too. "co-op", "U.S." and "10:30" then
# become the same words on both stores ("co op", "u s", "10 30").
WORD_CHARACTERS = (r"[:alnum:]\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u2079\u2080-\u2089"
                   r"\u2150-\u2189\u2460-\u249b\u24ea-\u24ff\u2776-\u2793")

# FTS5's porter tokenizer leaves a token shorter than three bytes as it is, where the
# stemmer would cut a two-letter word's final s ("as" -> "a", "us" -> "u", so "us" would
# find every "U.S."). newsdesk_terms writes such a word as "as-0x": the parser then sees
# a hyphenated word whose first part ("as", SHORT_TOKENS) is indexed unstemmed and whose
# mark ("0x", and the whole "as-0x": MARK_TOKENS) is not indexed and takes no position.
# No other hyphenated word reaches the parser: newsdesk_words leaves no hyphen.
SHORT_WORD = r"(^| )([a-zà-ÿ]s)(?= |$)"
SHORT_TOKENS = "hword_asciipart, hword_part"
MARK_TOKENS = "hword_numpart, asciihword, hword, numhword"

# FTS5's porter is Porter's own C version, with two departures from the published
# algorithm that snowball's porter follows: step 2 turns -bli into -ble (not only -abli
# into -able) and -logi into -log, when the stem before them has a vowel then a consonant
# (Porter's m > 0). So "possibly" meets "possible" and "apology" "apologize" in FTS5.
# newsdesk_porter makes the words that reach step 2 so (-bli, -bly, -blies; -logi, -logy,
# -logies) end as they would after it; steps 1 and 2 change nothing more in them, and
# steps 3-5 are the same in both. A third departure is left: step 1b undoubles every
# double consonant but l, s and z there, only bb dd ff gg mm nn pp rr tt in snowball, so
# "revved" and "vaxxed" are rev and vax in FTS5, revv and vaxx here.
_STEM = r"(^| )([^ ]*[aeiou][^aeiou ][^ ]*)"
DEPARTURE_BLI = _STEM + r"bl(?:i|y|ies)(?= |$)"
DEPARTURE_LOGI = _STEM + r"log(?:i|y|ies)(?= |$)"

# The token types the default parser sees in words: unaccented and stemmed. Numbers
# ("10", "3", "1e5") stay as `simple` has them.
WORD_TOKENS = "asciiword, word, numword"


Migration = Callable[[Conn], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    """Register a migration under its name (in order: the list is the schema's history)."""
    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((name, fn))
        return fn
    return register


def _run(conn: Conn, statements: list[str]) -> None:
    for statement in statements:
        conn.execute(statement.encode())  # bytes: no placeholders, "%" stays "%"


@migration("0001_initial")
def m0001_initial(conn: Conn) -> None:
    """Sources, articles, statuses, tags, the fetch log, topics; and the search.

    Where SQLite has an FTS5 index beside `articles`, PostgreSQL keeps a `search` tsvector
    in the row (title weight A, text weight B) under a GIN index, computed by a trigger
    from the same words FTS5 would index: the `newsdesk` text search configuration (the
    default parser over newsdesk_terms, then unaccent and a stemmer, with NO stop words:
    FTS5 drops none, "the" is searchable there). The stemmer is snowball's `porter`, the
    original Porter algorithm FTS5's porter tokenizer implements: snowball's `english`
    (Porter2) found other articles for 45 of every 1,000 distinct words of the bundled
    story sets ("clearly" finds "clear" there, "ate" does not find "at"), porter for 2.7;
    with newsdesk_terms's two corrections (short words, Porter's departures) none.
    """
    encoding = conn.info.parameter_status("server_encoding") or "unknown"
    if encoding != "UTF8":  # normalize() and the ICU word classes need it
        raise StoreError(
            f"The database uses the encoding {encoding}; NewsDesk needs UTF8 (CREATE "
            "DATABASE ... ENCODING 'UTF8'). Nothing in it was changed.")
    _run(conn, [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        f"""CREATE FUNCTION newsdesk_words(t text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT regexp_replace(
                lower(CASE WHEN t IS NFC NORMALIZED THEN t ELSE normalize(t, NFC) END
                      COLLATE "und-x-icu"),
                '[^{WORD_CHARACTERS}]+', ' ', 'g')
            $$""",
        f"""CREATE FUNCTION newsdesk_porter(t text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT regexp_replace(regexp_replace(t, '{DEPARTURE_BLI}', '\\1\\2ble', 'g'),
                                  '{DEPARTURE_LOGI}', '\\1\\2log', 'g')
            $$""",
        f"""CREATE FUNCTION newsdesk_terms(t text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT regexp_replace(newsdesk_porter(newsdesk_words(t)), '{SHORT_WORD}',
                                  '\\1\\2-0x', 'g')
            $$""",
        "CREATE TEXT SEARCH DICTIONARY newsdesk_stem (TEMPLATE = snowball, Language = porter)",
        "CREATE TEXT SEARCH CONFIGURATION newsdesk (COPY = simple)",
        f"ALTER TEXT SEARCH CONFIGURATION newsdesk ALTER MAPPING FOR {WORD_TOKENS} "
        "WITH unaccent, newsdesk_stem",
        f"ALTER TEXT SEARCH CONFIGURATION newsdesk ALTER MAPPING FOR {SHORT_TOKENS} "
        "WITH unaccent, simple",
        f"ALTER TEXT SEARCH CONFIGURATION newsdesk DROP MAPPING FOR {MARK_TOKENS}",
        # Title and text in one vector, one position apart, so that a phrase does not run
        # from the title's last word into the text's first (FTS5 columns are separate):
        # the placeholder lexeme ' ' takes the position between them, then goes.
        """CREATE FUNCTION newsdesk_search_vector(title text, body text) RETURNS tsvector
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT ts_delete(
                setweight(to_tsvector('newsdesk', newsdesk_terms(coalesce(title, ''))), 'A')
                || $v$' ':1$v$::tsvector
                || setweight(to_tsvector('newsdesk', newsdesk_terms(coalesce(body, ''))), 'B'),
                ' ')
            $$""",
        """CREATE TABLE sources (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            url text NOT NULL UNIQUE,
            title text NOT NULL DEFAULT '',
            site_url text,
            folder text NOT NULL DEFAULT '',
            kind text NOT NULL DEFAULT 'feed',
            etag text,
            last_modified text,
            body_hash text,
            next_fetch_at text,
            last_fetched_at text,
            last_success_at text,
            error_count integer NOT NULL DEFAULT 0,
            last_error_kind text,
            last_error_message text,
            added_at text NOT NULL
        )""",
        """CREATE TABLE articles (
            num bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            id text NOT NULL UNIQUE,
            source_id bigint NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            outlet text NOT NULL,
            guid text,
            url text,
            title text NOT NULL,
            authors text NOT NULL DEFAULT '[]',
            published text NOT NULL,
            updated text,
            first_seen text NOT NULL,
            summary_html text NOT NULL DEFAULT '',
            content_html text NOT NULL DEFAULT '',
            text text NOT NULL DEFAULT '',
            categories text NOT NULL DEFAULT '[]',
            language text,
            word_count integer NOT NULL DEFAULT 0,
            enclosures text NOT NULL DEFAULT '[]',
            comments_url text,
            date_from_feed integer NOT NULL DEFAULT 1,
            content_hash text NOT NULL,
            search tsvector NOT NULL DEFAULT ''::tsvector
        )""",
        "CREATE INDEX articles_published ON articles(published)",
        "CREATE INDEX articles_source_published ON articles(source_id, published)",
        # A btree key holds at most 2,704 bytes and feeds carry longer URLs (tracking
        # queries), which would fail a whole feed's batch: URLs and GUIDs are found by
        # hash indexes (articles_url, articles_guid: equality is all they are asked), so
        # this one, named as SQLite's, indexes the outlet alone.
        "CREATE INDEX articles_outlet_url ON articles(outlet)",
        "CREATE INDEX articles_search ON articles USING gin (search)",
        """CREATE FUNCTION newsdesk_articles_search() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search := newsdesk_search_vector(NEW.title, NEW.text);
                RETURN NEW;
            END $$""",
        """CREATE TRIGGER articles_search_bi BEFORE INSERT ON articles
            FOR EACH ROW EXECUTE FUNCTION newsdesk_articles_search()""",
        # A refetch rewrites title and text with what they were: the vector stays.
        """CREATE TRIGGER articles_search_bu BEFORE UPDATE OF title, text ON articles
            FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title
                               OR OLD.text IS DISTINCT FROM NEW.text)
            EXECUTE FUNCTION newsdesk_articles_search()""",
        """CREATE TABLE statuses (
            article_id text PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            is_read integer NOT NULL DEFAULT 0,
            is_starred integer NOT NULL DEFAULT 0,
            read_at text,
            starred_at text,
            note text
        )""",
        "CREATE INDEX statuses_unread ON statuses(is_read) WHERE is_read = 0",
        "CREATE INDEX statuses_starred ON statuses(is_starred) WHERE is_starred = 1",
        """CREATE TABLE article_tags (
            article_id text NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            tag text NOT NULL,
            PRIMARY KEY (article_id, tag)
        )""",
        """CREATE TABLE fetch_log (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            source_id bigint NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            at text NOT NULL,
            outcome text NOT NULL,
            http_status integer,
            error_kind text,
            message text,
            new integer NOT NULL DEFAULT 0,
            updated integer NOT NULL DEFAULT 0,
            unchanged integer NOT NULL DEFAULT 0,
            bytes bigint,
            elapsed_ms bigint
        )""",
        "CREATE INDEX fetch_log_source ON fetch_log(source_id, at)",
        """CREATE TABLE topics (
            name text PRIMARY KEY,
            query text NOT NULL,
            description text NOT NULL DEFAULT '',
            position integer NOT NULL DEFAULT 0
        )""",
    ])


_DEFAULT_TOPICS = (  # as 0002 seeded them in SQLite
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
)


@migration("0002_default_topics")
def m0002_default_topics(conn: Conn) -> None:
    for position, (name, query, description) in enumerate(_DEFAULT_TOPICS):
        conn.execute("INSERT INTO topics(name, query, description, position) "
                     "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                     [name, query, description, position])


@migration("0003_fts_insert_by_store")
def m0003_fts_insert_by_store(conn: Conn) -> None:
    """Nothing: SQLite dropped its FTS insert trigger to index new rows in the upsert's own
    batch. The search vector here lives in the row, so its insert trigger stays."""


@migration("0004_counts_batches_images")
def m0004_counts_batches_images(conn: Conn) -> None:
    """Unread counts per source kept by triggers (PL/pgSQL here), undoable bulk reads,
    remote-image permissions, assets (moved to blobs by 0011)."""
    _run(conn, [
        "ALTER TABLE statuses ADD COLUMN source_id bigint",
        "ALTER TABLE statuses ADD COLUMN read_batch bigint",
        "CREATE INDEX statuses_read_batch ON statuses(read_batch) WHERE read_batch IS NOT NULL",
        """CREATE TABLE source_counts (
            source_id bigint PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
            unread bigint NOT NULL DEFAULT 0,
            total bigint NOT NULL DEFAULT 0
        )""",
        """CREATE FUNCTION newsdesk_sources_count_ai() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO source_counts(source_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
                RETURN NULL;
            END $$""",
        """CREATE TRIGGER sources_count_ai AFTER INSERT ON sources
            FOR EACH ROW EXECUTE FUNCTION newsdesk_sources_count_ai()""",
        """CREATE FUNCTION newsdesk_statuses_count() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    UPDATE source_counts SET total = total + 1,
                        unread = unread + CASE WHEN NEW.is_read = 0 THEN 1 ELSE 0 END
                    WHERE source_id = NEW.source_id;
                ELSIF TG_OP = 'DELETE' THEN
                    UPDATE source_counts SET total = total - 1,
                        unread = unread - CASE WHEN OLD.is_read = 0 THEN 1 ELSE 0 END
                    WHERE source_id = OLD.source_id;
                ELSE
                    UPDATE source_counts SET unread = unread
                        + CASE WHEN NEW.is_read = 0 THEN 1 ELSE 0 END
                        - CASE WHEN OLD.is_read = 0 THEN 1 ELSE 0 END
                    WHERE source_id = NEW.source_id;
                END IF;
                RETURN NULL;
            END $$""",
        """CREATE TRIGGER statuses_count_ai AFTER INSERT ON statuses
            FOR EACH ROW EXECUTE FUNCTION newsdesk_statuses_count()""",
        """CREATE TRIGGER statuses_count_ad AFTER DELETE ON statuses
            FOR EACH ROW EXECUTE FUNCTION newsdesk_statuses_count()""",
        """CREATE TRIGGER statuses_count_au AFTER UPDATE OF is_read ON statuses
            FOR EACH ROW WHEN (OLD.is_read IS DISTINCT FROM NEW.is_read)
            EXECUTE FUNCTION newsdesk_statuses_count()""",
        """CREATE TABLE image_permissions (
            kind text NOT NULL CHECK (kind IN ('article', 'source')),
            key text NOT NULL,
            PRIMARY KEY (kind, key)
        )""",
        """CREATE TABLE assets (
            url text PRIMARY KEY,
            content_type text NOT NULL,
            data bytea NOT NULL,
            fetched_at text NOT NULL
        )""",
    ])


@migration("0005_stories")
def m0005_stories(conn: Conn) -> None:
    """Stories and the state grouping learns. Story ids are the store's to hand out (the
    contract renumbers them), so a plain bigint, not an identity."""
    _run(conn, [
        """CREATE TABLE stories (
            id bigint PRIMARY KEY,
            label text NOT NULL,
            first_seen text NOT NULL,
            last_seen text NOT NULL,
            size integer NOT NULL DEFAULT 0,
            outlets integer NOT NULL DEFAULT 0,
            centroid text NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX stories_first_seen ON stories(first_seen)",
        "CREATE INDEX stories_last_seen ON stories(last_seen)",
        """CREATE TABLE story_articles (
            article_id text PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            story_id bigint NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            score double precision NOT NULL,
            duplicate_of text,
            vector text NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX story_articles_story ON story_articles(story_id)",
        """CREATE TABLE story_terms (
            term text PRIMARY KEY,
            df bigint NOT NULL
        )""",
        """CREATE TABLE story_meta (
            key text PRIMARY KEY,
            value bigint NOT NULL
        )""",
        "INSERT INTO story_meta(key, value) VALUES ('documents', 0)",
    ])


@migration("0006_story_comparisons")
def m0006_story_comparisons(conn: Conn) -> None:
    _run(conn, ["""CREATE TABLE story_comparisons (
        story_id bigint PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
        signature text NOT NULL,
        data text NOT NULL
    )"""])


@migration("0007_outlet_from_feed_url")
def m0007_outlet_from_feed_url(conn: Conn) -> None:
    """Nothing: SQLite recomputed stored outlets; a PostgreSQL store has none before it."""


@migration("0008_placeholder_dates")
def m0008_placeholder_dates(conn: Conn) -> None:
    """Nothing: SQLite repaired placeholder dates already stored; here none are."""


@migration("0009_story_model_state")
def m0009_story_model_state(conn: Conn) -> None:
    _run(conn, [
        """CREATE TABLE story_model_state (
            name text NOT NULL,
            version integer NOT NULL,
            state_json text NOT NULL DEFAULT '{}',
            updated text NOT NULL,
            PRIMARY KEY (name, version)
        )""",
        f"INSERT INTO story_model_state(name, version, state_json, updated) "
        f"VALUES ('tfidf', 1, '{{}}', {NOW})",
    ])


_COVERAGE_VALUES = ("supportive", "critical", "neutral", "explainer", "opinion", "wire copy")
_MEDIA_FRAMES = (
    "Economic", "Capacity and resources", "Morality", "Fairness and equality",
    "Legality, constitutionality and jurisprudence", "Policy prescription and evaluation",
    "Crime and punishment", "Security and defense", "Health and safety", "Quality of life",
    "Cultural identity", "Public opinion", "Political", "External regulation and reputation",
    "Other",
)  # as 0010 seeded them in SQLite (a migration never changes with the code)


@migration("0010_annotations")
def m0010_annotations(conn: Conn) -> None:
    """The coverage desk. SQLite's NOCASE columns are citext (one tag whatever the spelling,
    and `WHERE name = ?` stays case-insensitive with no change to the SQL); citext folds
    by the database's locale, NOCASE ASCII only. `article_tags` goes, as in SQLite;
    `statuses.note` stays, empty, as in SQLite."""
    _run(conn, [
        "CREATE EXTENSION IF NOT EXISTS citext",
        """CREATE TABLE tags (
            name citext NOT NULL PRIMARY KEY,
            color text NOT NULL DEFAULT '',
            created text NOT NULL
        )""",
        """CREATE TABLE tag_assignments (
            article_id text NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            target text NOT NULL CHECK (target IN ('article', 'story')),
            tag citext NOT NULL REFERENCES tags(name) ON DELETE CASCADE ON UPDATE CASCADE,
            editor text NOT NULL,
            created text NOT NULL,
            PRIMARY KEY (article_id, target, tag)
        )""",
        "CREATE INDEX tag_assignments_tag ON tag_assignments(tag, target, article_id)",
        """CREATE TABLE codebooks (
            name citext NOT NULL PRIMARY KEY,
            description text NOT NULL DEFAULT '',
            builtin integer NOT NULL DEFAULT 0,
            position integer NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE codebook_values (
            codebook citext NOT NULL
                REFERENCES codebooks(name) ON DELETE CASCADE ON UPDATE CASCADE,
            position integer NOT NULL,
            value citext NOT NULL,
            PRIMARY KEY (codebook, position),
            UNIQUE (codebook, value)
        )""",
        """CREATE TABLE codes (
            article_id text NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            codebook citext NOT NULL
                REFERENCES codebooks(name) ON DELETE CASCADE ON UPDATE CASCADE,
            value citext NOT NULL,
            editor text NOT NULL,
            created text NOT NULL,
            PRIMARY KEY (article_id, codebook, editor)
        )""",
        "CREATE INDEX codes_codebook ON codes(codebook, value, article_id)",
        """CREATE TABLE notes (
            id text NOT NULL PRIMARY KEY,
            article_id text NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            target text NOT NULL CHECK (target IN ('article', 'story')),
            editor text NOT NULL,
            created text NOT NULL,
            updated text NOT NULL,
            text text NOT NULL,
            quote_exact text,
            quote_prefix text NOT NULL DEFAULT '',
            quote_suffix text NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX notes_article ON notes(article_id, created)",
        "CREATE INDEX articles_url ON articles USING hash (url) WHERE url IS NOT NULL",
        "CREATE INDEX articles_guid ON articles USING hash (guid) WHERE guid IS NOT NULL",
        "DROP TABLE article_tags",
    ])
    books = (("Coverage", "How the article covers its subject.", _COVERAGE_VALUES),
             ("Media frames", "Primary frame, Media Frames Corpus (Card et al., 2015)",
              _MEDIA_FRAMES))
    for position, (name, description, values) in enumerate(books):
        conn.execute("INSERT INTO codebooks(name, description, builtin, position) "
                     "VALUES (%s, %s, 1, %s)", [name, description, position])
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO codebook_values(codebook, position, value) "
                            "VALUES (%s, %s, %s)",
                            [(name, index, value) for index, value in enumerate(values)])


@migration("0011_archive")
def m0011_archive(conn: Conn) -> None:
    """The archive: full texts, earlier versions, content-addressed assets; and search by
    full text. The article's vector now holds its text, then its extracted full text
    (SQLite's article_search view, kept here too, says the same), recomputed whenever a
    full text comes, changes or goes. article_fulltext has no foreign key, as in SQLite:
    deleting an article deletes its full text by trigger."""
    modes = ", ".join(f"'{m}'" for m in ("off", "on-demand", "always"))
    fulltext = ("(SELECT f.text FROM article_fulltext f WHERE f.num = {num} "
                "AND f.status = 'extracted')")
    _run(conn, [
        f"ALTER TABLE sources ADD COLUMN full_text text NOT NULL DEFAULT 'on-demand' "
        f"CHECK (full_text IN ({modes}))",
        """CREATE TABLE article_fulltext (
            num bigint PRIMARY KEY,
            article_id text NOT NULL UNIQUE,
            status text NOT NULL
                CHECK (status IN ('extracted', 'kept_summary', 'not_article', 'failed')),
            html text NOT NULL DEFAULT '',
            text text NOT NULL DEFAULT '',
            reason text NOT NULL DEFAULT '',
            url text,
            extractor text NOT NULL DEFAULT '',
            word_count integer NOT NULL DEFAULT 0,
            fetched_at text NOT NULL
        )""",
        "CREATE INDEX article_fulltext_fetched ON article_fulltext(fetched_at)",
        """CREATE VIEW article_search AS
            SELECT a.num AS num, a.title AS title,
                   a.text || COALESCE(chr(10) || f.text, '') AS text
            FROM articles a
            LEFT JOIN article_fulltext f ON f.num = a.num AND f.status = 'extracted'""",
        f"""CREATE OR REPLACE FUNCTION newsdesk_articles_search() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                NEW.search := newsdesk_search_vector(NEW.title,
                    NEW.text || COALESCE(chr(10) || {fulltext.format(num='NEW.num')}, ''));
                RETURN NEW;
            END $$""",
        """CREATE FUNCTION newsdesk_fulltext_search() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    UPDATE articles a SET search = newsdesk_search_vector(v.title, v.text)
                    FROM article_search v WHERE a.num = OLD.num AND v.num = a.num;
                END IF;
                IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.num <> OLD.num) THEN
                    UPDATE articles a SET search = newsdesk_search_vector(v.title, v.text)
                    FROM article_search v WHERE a.num = NEW.num AND v.num = a.num;
                END IF;
                RETURN NULL;
            END $$""",
        """CREATE TRIGGER article_fulltext_search_ai AFTER INSERT ON article_fulltext
            FOR EACH ROW EXECUTE FUNCTION newsdesk_fulltext_search()""",
        """CREATE TRIGGER article_fulltext_search_au AFTER UPDATE ON article_fulltext
            FOR EACH ROW WHEN (OLD.num IS DISTINCT FROM NEW.num
                               OR OLD.status IS DISTINCT FROM NEW.status
                               OR OLD.text IS DISTINCT FROM NEW.text)
            EXECUTE FUNCTION newsdesk_fulltext_search()""",
        """CREATE TRIGGER article_fulltext_search_ad AFTER DELETE ON article_fulltext
            FOR EACH ROW EXECUTE FUNCTION newsdesk_fulltext_search()""",
        """CREATE FUNCTION newsdesk_articles_ad() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM article_fulltext WHERE num = OLD.num;
                RETURN NULL;
            END $$""",
        """CREATE TRIGGER articles_ad AFTER DELETE ON articles
            FOR EACH ROW EXECUTE FUNCTION newsdesk_articles_ad()""",
        """CREATE TABLE article_versions (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            article_id text NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            origin text NOT NULL CHECK (origin IN ('feed', 'page')),
            title text NOT NULL,
            html text NOT NULL DEFAULT '',
            text text NOT NULL DEFAULT '',
            seen text NOT NULL,
            replaced text NOT NULL
        )""",
        "CREATE INDEX article_versions_article ON article_versions(article_id, id)",
        """CREATE TABLE asset_blobs (
            hash text PRIMARY KEY,
            content_type text NOT NULL,
            size bigint NOT NULL,
            data bytea NOT NULL,
            fetched_at text NOT NULL
        )""",
        "CREATE INDEX asset_blobs_fetched ON asset_blobs(fetched_at)",
        """CREATE TABLE asset_urls (
            url text PRIMARY KEY,
            hash text NOT NULL REFERENCES asset_blobs(hash) ON DELETE CASCADE
        )""",
        "CREATE INDEX asset_urls_hash ON asset_urls(hash)",
        """CREATE TABLE article_assets (
            article_id text NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            url text NOT NULL,
            position integer NOT NULL DEFAULT 0,
            PRIMARY KEY (article_id, url)
        )""",
        "CREATE INDEX article_assets_url ON article_assets(url)",
        "DROP TABLE assets",
    ])


@migration("0012_storylines")
def m0012_storylines(conn: Conn) -> None:
    """Storylines, the users' corrections of the grouping, and what they follow. Storyline
    ids only grow, from story_meta's 'storylines_next' (plain bigint, as stories')."""
    _run(conn, [
        """CREATE TABLE storylines (
            id bigint PRIMARY KEY,
            label text NOT NULL,
            first_seen text NOT NULL,
            last_seen text NOT NULL,
            events integer NOT NULL DEFAULT 0,
            outlets integer NOT NULL DEFAULT 0,
            features text NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX storylines_last_seen ON storylines(last_seen)",
        """CREATE TABLE story_links (
            story_id bigint PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
            storyline_id bigint,
            score double precision NOT NULL DEFAULT 0,
            why text NOT NULL DEFAULT '',
            locked integer NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX story_links_storyline ON story_links(storyline_id)",
        """CREATE TABLE story_corrections (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            kind text NOT NULL
                CHECK (kind IN ('merge', 'split', 'move', 'pin', 'detach')),
            articles text NOT NULL DEFAULT '[]',
            anchor text NOT NULL DEFAULT '[]',
            editor text NOT NULL DEFAULT '',
            created text NOT NULL
        )""",
        """CREATE TABLE follows (
            kind text NOT NULL,
            key text NOT NULL,
            events integer NOT NULL DEFAULT 0,
            outlets text NOT NULL DEFAULT '[]',
            anchor text NOT NULL DEFAULT '[]',
            position integer NOT NULL,
            PRIMARY KEY (kind, key)
        )""",
        "CREATE INDEX story_articles_duplicate ON story_articles(duplicate_of) "
        "WHERE duplicate_of IS NOT NULL",
        "INSERT INTO story_meta(key, value) VALUES ('storylines_next', 1) ON CONFLICT DO NOTHING",
    ])


@migration("0013_storyline_terms")
def m0013_storyline_terms(conn: Conn) -> None:
    """Each storyline's strongest terms (filled by linking; nothing to fill from here)."""
    _run(conn, [
        """CREATE TABLE storyline_terms (
            term text NOT NULL,
            last_seen text NOT NULL,
            storyline_id bigint NOT NULL,
            PRIMARY KEY (term, last_seen, storyline_id)
        )""",
        "CREATE INDEX storyline_terms_storyline ON storyline_terms(storyline_id)",
    ])



@migration("0014_users_and_leases")
def m0014_users_and_leases(conn: Conn) -> None:
    """Users of a served store with their API tokens (hashes only), and leases (see the
    SQLite namesake). The name is citext, as NOCASE columns are."""
    _run(conn, [
        """CREATE TABLE users (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name citext NOT NULL UNIQUE,
            password_hash text NOT NULL,
            created text NOT NULL,
            disabled integer NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE user_tokens (
            token_hash text PRIMARY KEY,
            user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            label text NOT NULL DEFAULT '',
            created text NOT NULL,
            last_used text
        )""",
        "CREATE INDEX user_tokens_user ON user_tokens(user_id)",
        """CREATE TABLE leases (
            name text PRIMARY KEY,
            holder text NOT NULL,
            expires text NOT NULL
        )""",
    ])

SCHEMA_VERSION = len(MIGRATIONS)
MIGRATIONS_TABLE = "newsdesk_migrations"


# Relations in the schema the store uses, whoever owns them (information_schema would
# hide another role's tables that we may not read, and call such a database empty).
_RELATIONS = ("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
              "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')")


def _applied(conn: Conn) -> list[str] | None:
    """The names recorded as applied, or None when there is no migrations table."""
    found = conn.execute(f"{_RELATIONS} AND c.relname = %s", [MIGRATIONS_TABLE]).fetchone()
    if not found:
        return None
    return [r[0] for r in conn.execute(
        sql.SQL("SELECT name FROM {} ORDER BY name").format(sql.Identifier(MIGRATIONS_TABLE)))]


def check_database(conn: Conn, where: str = "The database") -> str:
    """Whether a database is ours to use: "current", "behind" (ours, migrations pending) or
    "empty" (no tables in its schema: a new database). Raise StoreError for a newer
    NewsDesk's database or another program's, leaving it as it is: migrating would corrupt
    the one and take over the other. Reads only."""
    known = {name for name, _ in MIGRATIONS}
    applied = _applied(conn)
    if applied is not None:
        if any(name not in known for name in applied):
            raise StoreError(
                f"{where} was written by a newer version of NewsDesk (schema version "
                f"{len(applied)}; this version knows {len(known)}). Update NewsDesk to open "
                "it; nothing in it was changed.")
        if applied:
            return "current" if len(applied) == len(known) else "behind"
    tables = [r[0] for r in conn.execute(f"{_RELATIONS} AND c.relname <> %s ORDER BY c.relname",
                                         [MIGRATIONS_TABLE])]
    if tables:
        raise StoreError(
            f"{where} is a database of another program (it holds tables such as "
            f"{', '.join(tables[:3])}, not NewsDesk's); nothing in it was changed. "
            "Choose another database.")
    return "empty"


def apply_migrations(conn: Conn, where: str = "The database") -> int:
    """Bring the schema up to date; return the schema version (migrations applied).

    An up-to-date database is only read (workers connect often; a write would make them
    queue). Pending migrations run in one transaction that first takes the migration
    advisory lock and then checks again, so two programs migrating a new database at once
    do not both run them: the second waits for the first to commit and finds them applied.
    Give it a connection with no transaction open: the lock lasts until the transaction
    the migrations run in ends.
    """
    with conn.transaction():
        if check_database(conn, where) == "current":
            return SCHEMA_VERSION
    try:
        with conn.transaction():
            # The re-check below must see what a migrator that held the lock committed.
            conn.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
            check_database(conn, where)
            conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, "
                                 "applied text NOT NULL)").format(sql.Identifier(MIGRATIONS_TABLE)))
            done = set(_applied(conn) or ())
            for name, fn in MIGRATIONS:
                if name in done:
                    continue
                log.info("Migrating the PostgreSQL store: %s", name)
                fn(conn)
                conn.execute(sql.SQL("INSERT INTO {}(name, applied) VALUES (%s, {})").format(
                    sql.Identifier(MIGRATIONS_TABLE), sql.SQL(NOW)), [name])
            version = len(_applied(conn) or ())
    except psycopg.Error as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"{where} could not be brought up to date: PostgreSQL said "
                         f"\"{problem}\". Nothing in it was changed.") from exc
    return version


# The ids PostgreSQL hands out itself (identity columns); stories' and storylines' ids are
# the store's, plain bigints.
IDENTITIES = (("sources", "id"), ("articles", "num"), ("fetch_log", "id"),
              ("article_versions", "id"), ("story_corrections", "id"), ("users", "id"))


def advance_identities(conn: Conn) -> None:
    """Move each identity's sequence past the largest id stored: rows copied in with their
    ids (`newsdesk copy`) do not advance it, and the next insert would take a used id."""
    for table, column in IDENTITIES:
        conn.execute(sql.SQL(
            "SELECT setval(pg_get_serial_sequence({table}, {column}), "
            "COALESCE((SELECT max({col}) FROM {ident}), 0) + 1, false)").format(
                table=sql.Literal(table), column=sql.Literal(column), col=sql.Identifier(column),
                ident=sql.Identifier(table)))


def schema_version(conn: Conn) -> int:
    """The number of migrations applied (0 for a database NewsDesk never migrated)."""
    return len(_applied(conn) or ())
