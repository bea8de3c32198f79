"""NewsDesk's own search syntax: parsed once into a query object, compiled for each store.

The syntax (what the README, `newsdesk search --help` and the topic dialog promise):

- words: ``court warrant`` finds articles with both words (adjacent terms are ANDed);
- ``"exact phrases"``, with ``""`` inside a phrase for a quote character;
- ``prefix*``: ``priv*`` finds privacy, private...; ``"exact phr"*`` works too;
- ``AND``, ``OR``, ``NOT`` in capitals (lowercase and, or, not are ordinary words);
- parentheses to group: ``(court OR judge) NOT tennis``.

Operators bind as SQLite FTS5 binds them, so saved topics keep their meaning: adjacent
terms tightest, then NOT, then AND, then OR, each from left to right. NOT is binary
("court NOT tennis": court but not tennis); a query cannot start with NOT, because
"everything except tennis" is not a search, and says so. Column filters (``title:x``) and
FTS5's NEAR are not part of the syntax and are refused with a sentence; every other
character in a word is text (``U.S.``, ``10:30``, ``co-op``), never FTS5 syntax.

Positions in error sentences count characters from 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from newsdesk.errors import QueryError

__all__ = ["And", "Not", "Or", "Phrase", "Prefix", "Query", "Term", "parse_query",
           "parse_saved_query", "to_fts5"]

MAX_DEPTH = 12  # parentheses inside parentheses; FTS5's parser stack holds about 30 levels
MAX_LENGTH = 10_000  # characters; a topic query is a line, not a document
_COLUMNS = frozenset({"title", "text"})  # the FTS5 columns a "title:" filter would name
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_SPECIAL = frozenset('"()')


@dataclass(frozen=True)
class Term:
    """A bare word: matches the word anywhere in a title or text."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """Words that must appear together, in this order."""

    text: str


@dataclass(frozen=True)
class Prefix:
    """A word (or a phrase whose last word) begins with `text`."""

    text: str


@dataclass(frozen=True)
class And:
    """Every part matches (written AND, or terms side by side)."""

    parts: tuple[Query, ...]


@dataclass(frozen=True)
class Or:
    """At least one part matches."""

    parts: tuple[Query, ...]


@dataclass(frozen=True)
class Not:
    """`keep` matches and `drop` does not ("court NOT tennis")."""

    keep: Query
    drop: Query


Query = Term | Phrase | Prefix | And | Or | Not


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "phrase", "prefix", "(", ")", "AND", "OR", "NOT"
    text: str
    position: int  # 1-based, for error sentences


class _Parser:
    """Recursive descent over the tokens; one method per precedence level."""

    def __init__(self, source: str, tokens: list[_Token]) -> None:
        self.source = source
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def fail(self, problem: str) -> QueryError:
        return _error(self.source, problem)

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Query:
        query = self.or_expr()
        token = self.peek()
        if token is not None:  # only a stray ")" stops every level early
            raise self.fail(f"the closing parenthesis at position {token.position} has no "
                            "opening one")
        return query

    def operand(self, operator: _Token, level: Callable[[], Query]) -> Query:
        """The right side of a binary operator, or the sentence saying it is missing."""
        token = self.peek()
        if token is None or token.kind in (")", "AND", "OR", "NOT"):
            raise self.fail(f"{operator.kind} at position {operator.position} needs something "
                            "after it")
        return level()

    def or_expr(self) -> Query:
        parts = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "OR":
            parts.append(self.operand(self.take(), self.and_expr))
        return _flat(Or, parts)

    def and_expr(self) -> Query:
        parts = [self.not_expr()]
        while (token := self.peek()) is not None and token.kind == "AND":
            parts.append(self.operand(self.take(), self.not_expr))
        return _flat(And, parts)

    def not_expr(self) -> Query:
        """a NOT b NOT c is a NOT (b OR c): the same articles, and a flat tree."""
        keep = self.sequence()
        drops: list[Query] = []
        while (token := self.peek()) is not None and token.kind == "NOT":
            drops.append(self.operand(self.take(), self.sequence))
        return Not(keep, _flat(Or, drops)) if drops else keep

    def sequence(self) -> Query:
        parts = [self.primary()]
        while (token := self.peek()) is not None and token.kind in ("word", "phrase", "prefix",
                                                                     "("):
            parts.append(self.primary())
        return _flat(And, parts)

    def primary(self) -> Query:
        token = self.peek()
        if token is None:  # callers check for a missing operand first
            raise self.fail("the query ends too early")  # pragma: no cover
        if token.kind in ("AND", "OR", "NOT"):
            example = ', as in "court NOT tennis"' if token.kind == "NOT" else ""
            raise self.fail(f"{token.kind} at position {token.position} needs something before "
                            f"it{example}")
        if token.kind == ")":
            if self.index and self.tokens[self.index - 1].kind == "(":
                raise self.fail(f"the parentheses at position {self.tokens[self.index - 1].position}"
                                " have nothing between them")
            raise self.fail(f"the closing parenthesis at position {token.position} has no "
                            "opening one")
        self.take()
        if token.kind == "word":
            return Term(token.text)
        if token.kind == "phrase":
            return Phrase(token.text)
        if token.kind == "prefix":
            return Prefix(token.text)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"the parenthesis at position {token.position} nests deeper than "
                            f"{MAX_DEPTH} levels")
        if self.peek() is None:
            raise self.fail(f"the parenthesis at position {token.position} is never closed")
        inner = self.or_expr()
        closing = self.peek()
        if closing is None:
            raise self.fail(f"the parenthesis at position {token.position} is never closed")
        self.take()  # or_expr stops only at the end or at ")"
        self.depth -= 1
        return inner


def _flat(kind: type[And] | type[Or], parts: list[Query]) -> Query:
    """One node for a run of the same operator (a AND (b AND c) is a AND b AND c)."""
    if len(parts) == 1:
        return parts[0]
    flat: list[Query] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, kind) else (part,))
    return kind(tuple(flat))


def _quoted(source: str) -> str:
    """The query as an error sentence quotes it: one line, not too long."""
    text = "".join(" " if ch.isspace() or not ch.isprintable() else ch for ch in source)
    return text if len(text) <= 80 else text[:79] + "…"


def _error(source: str, problem: str) -> QueryError:
    return QueryError(f"The search query is not valid: in '{_quoted(source)}', {problem}.")


def _tokens(source: str) -> list[_Token]:
    """Split the text into words, phrases, prefixes, parentheses and operators."""
    tokens: list[_Token] = []
    i, end = 0, len(source)
    while i < end:
        ch = source[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(ch, ch, i + 1))
            i += 1
        elif ch == '"':
            start, i, text = i, i + 1, []
            while True:
                close = source.find('"', i)
                if close < 0:
                    raise _error(source, f"the quote at position {start + 1} is never closed")
                text.append(source[i:close])
                if source.startswith('""', close):  # a doubled quote is a quote character
                    text.append('"')
                    i = close + 2
                    continue
                i = close + 1
                break
            if source.startswith("*", i):
                while source.startswith("*", i):
                    i += 1
                tokens.append(_Token("prefix", "".join(text), start + 1))
            else:
                tokens.append(_Token("phrase", "".join(text), start + 1))
        else:
            start = i
            while i < end and not source[i].isspace() and source[i] not in _SPECIAL:
                i += 1
            tokens.append(_word(source, source[start:i], start + 1, i))
    return tokens


def _word(source: str, word: str, position: int, after: int) -> _Token:
    """A bare word as a token: an operator, a prefix, or a plain word; or why it is refused."""
    if word in _OPERATORS:
        return _Token(word, word, position)
    if word == "NEAR" and source.startswith("(", after):
        raise _error(source, f"NEAR at position {position} is not part of the search syntax; "
                     'use AND, or an "exact phrase"')
    if word.startswith("{"):
        raise _error(source, f'the column set "{word}" at position {position} is not part of '
                     "the search syntax; words match titles and text alike")
    column, colon, _ = word.partition(":")
    if colon and column.lower() in _COLUMNS:
        raise _error(source, f'the column filter "{column}:" at position {position} is not part '
                     'of the search syntax; words match titles and text alike')
    kind, text = ("prefix", word.rstrip("*")) if word.endswith("*") else ("word", word)
    if not any(ch.isalnum() for ch in text):
        what = "*" if kind == "prefix" and not text else word
        raise _error(source, f'"{what}" at position {position} has no letters or digits to '
                     "search for")
    return _Token(kind, text, position)


# What topics saved before this syntax existed could hold (they went to FTS5 raw): column
# filters, NEAR groups, "+" joins and "^" anchors. Read back, they keep a meaning close to
# theirs: the words they name, together (a filter or an anchor only narrowed the match).
_LEGACY = (
    (re.compile(r"\{[^{}]*\}\s*:\s*"), ""),  # {title text}: x
    (re.compile(r"(?<![\w\"])(?i:title|text)\s*:\s*"), ""),  # title: x
    (re.compile(r"\bNEAR\s*\(([^()]*?)(?:,\s*\d+\s*)?\)"), r"(\1)"),  # NEAR(a b, 5)
    (re.compile(r"(?<=\S)\s*\+\s*(?=\S)"), " "),  # a + b
    (re.compile(r"(?<![\w\"])\^"), ""),  # ^a
)


def parse_saved_query(text: str) -> Query:
    """A saved topic's query. One saved before NewsDesk had its own syntax may use FTS5's
    column filters, NEAR, "+" or "^": it keeps working, read as the words it names. A new
    query with them is refused (parse_query); a saved one that is wrong either way raises
    the QueryError of the query as written."""
    try:
        return parse_query(text)
    except QueryError as exc:
        legacy = text
        for pattern, replacement in _LEGACY:
            legacy = pattern.sub(replacement, legacy)
        if legacy == text:
            raise
        try:
            return parse_query(legacy)
        except QueryError:
            raise exc from None


def parse_query(text: str) -> Query:
    """Parse NewsDesk's search syntax; QueryError (one sentence: what and where) if invalid."""
    if not isinstance(text, str):
        raise QueryError("The search query must be text.")
    if not text.strip():
        raise QueryError("The search query is empty.")
    if len(text) > MAX_LENGTH:
        raise QueryError(f"The search query is not valid: it is longer than {MAX_LENGTH} "
                         "characters.")
    for index, ch in enumerate(text):
        if ch == "\x00" or "\ud800" <= ch <= "\udfff":
            raise _error(text, f"the character at position {index + 1} is not text")
    return _Parser(text, _tokens(text)).parse()


# FTS5 precedence, loosest first; a child looser than its parent is parenthesized.
_LEVEL = {Or: 1, And: 2, Not: 3}


def _level(query: Query) -> int:
    if isinstance(query, And) and all(isinstance(p, Term | Phrase | Prefix) for p in query.parts):
        return 4  # written as adjacent phrases, FTS5's tightest binding
    return _LEVEL.get(type(query), 5)


def _string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def to_fts5(query: Query) -> str:
    """An FTS5 MATCH expression for `query`: every word is a quoted string, so nothing a
    user types reaches FTS5 as syntax."""
    if isinstance(query, Term | Phrase):
        return _string(query.text)
    if isinstance(query, Prefix):
        return _string(query.text) + "*"
    level = _level(query)

    def child(part: Query, *, right: bool = False) -> str:
        inner = _level(part)
        tighter = inner > level or (inner == level and not right and level != 4)
        return to_fts5(part) if tighter else f"({to_fts5(part)})"

    if isinstance(query, Not):
        return f"{child(query.keep)} NOT {child(query.drop, right=True)}"
    if level == 4:
        return " ".join(to_fts5(part) for part in query.parts)
    operator = " AND " if isinstance(query, And) else " OR "
    return operator.join(child(part) for part in query.parts)
