"""NewsDesk's search syntax (store/query.py's parsed tree) as a PostgreSQL tsquery.

Every word the user typed goes to the server as a parameter and is cut into words there by
the same function that made the stored vectors (newsdesk_words, migration 0001), so what
a query looks for is always spelled as the index spells it; no tsquery text is built in
Python (newsdesk_terms: newsdesk_words, FTS5's short words kept from the stemmer).
Each node maps to FTS5's meaning:

- a word or a "phrase": phraseto_tsquery, so a word FTS5 splits ("co-op", "U.S.") is a
  phrase of its parts as it is there;
- a prefix ``priv*`` or ``"exact phr"*``: the last word, stemmed like FTS5's porter
  tokenizer stems a prefix, followed by ``:*``, after the phrase of the words before it;
- AND, adjacent words: ``&&``; OR: ``||``; ``a NOT b``: ``a && !!b``. The tree is already
  bound, so every operation is parenthesized.

One difference: a quoted phrase with no letters or digits (``"..."``) is an empty tsquery,
which ``&&`` and ``||`` leave out. FTS5 leaves it out of OR, NOT and adjacent words too,
but an explicit ``x AND "..."`` matches nothing there.
"""

from __future__ import annotations

from newsdesk.store.query import And, Not, Or, Phrase, Prefix, Query, Term

CONFIG = "'newsdesk'"  # the text search configuration (migration 0001)

# ts_rank's weights are {D, C, B, A}: title (A) 5 to text (B) 1, as bm25(articles_fts, 5, 1);
# normalization 1 divides by 1 + log(document length).
RANK_WEIGHTS = "'{0, 0, 0.2, 1.0}'"
RANK_NORMALIZATION = 1

# A prefix: newsdesk_words leaves words separated by single spaces; the last one gets ":*".
# Like FTS5's porter tokenizer, a prefix of three characters or more is stemmed ("privacy"*
# is 'privaci':*, through newsdesk_porter as the index is), a shorter one is not (only
# unaccented, as the index is). It is quoted for to_tsquery (backslash and quote escaped),
# though newsdesk_words keeps neither, so no character of it can be tsquery syntax.
_QUOTED = r"'''' || replace(replace({word}, '\', '\\'), '''', '''''') || ''':*'"
_PREFIX = (
    "(SELECT CASE WHEN p.last IS NULL THEN ''::tsquery "
    f"ELSE tsquery_phrase(phraseto_tsquery({CONFIG}, newsdesk_terms(p.head)), "
    "CASE WHEN length(p.last) < 3 "
    f"THEN to_tsquery('simple', {_QUOTED.format(word='unaccent(p.last)')}) "
    f"ELSE to_tsquery({CONFIG}, {_QUOTED.format(word='newsdesk_porter(p.last)')}) END) END "
    r"FROM (SELECT substring(w FROM '(\S+)\s*$') AS last, "
    r"regexp_replace(w, '\S+\s*$', '') AS head "
    "FROM newsdesk_words({marker}) AS w) AS p)"
)


def tsquery(query: Query, marker: str = "%s") -> tuple[str, list[str]]:
    """An SQL expression of type tsquery for `query`, and its parameters in order.
    `marker` is the driver's placeholder (psycopg's "%s"; "?" for SQL that a core
    translates later)."""
    if isinstance(query, Term | Phrase):
        return f"phraseto_tsquery({CONFIG}, newsdesk_terms({marker}))", [query.text]
    if isinstance(query, Prefix):
        return _PREFIX.format(marker=marker), [query.text]
    if isinstance(query, Not):
        keep, keep_params = tsquery(query.keep, marker)
        drop, drop_params = tsquery(query.drop, marker)
        return f"({keep} && !!{drop})", [*keep_params, *drop_params]
    operator = " && " if isinstance(query, And) else " || "
    assert isinstance(query, And | Or), query
    parts = [tsquery(part, marker) for part in query.parts]
    return ("(" + operator.join(sql for sql, _ in parts) + ")",
            [param for _, params in parts for param in params])


def match(query: Query, column: str = "search", marker: str = "%s") -> tuple[str, list[str]]:
    """The WHERE condition "the vector in `column` matches `query`" (the GIN index's)."""
    sql, params = tsquery(query, marker)
    return f"{column} @@ {sql}", params


def rank(query: Query, column: str = "search", marker: str = "%s") -> tuple[str, list[str]]:
    """The rank of a match, higher is better: ORDER BY it DESC, then published DESC and num
    DESC (ts_rank ties far more often than bm25, see the design notes)."""
    sql, params = tsquery(query, marker)
    return f"ts_rank({RANK_WEIGHTS}, {column}, {sql}, {RANK_NORMALIZATION})", params
