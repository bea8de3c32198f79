"""Item ids, stream ids and stream queries of the Google Reader API, read and written.

An item id is a 64-bit number sent three ways: ``tag:google.com,2005:reader/item/<hex>``
(16 hex digits, in items and Atom entries), signed decimal (``stream/items/ids``; Google
printed the same 64 bits as a signed number, so half the range is negative) and bare hex
(some clients strip the prefix). Here the number is `articles.num`, which SQLite and
PostgreSQL keep as a signed 64-bit integer: the three forms encode its two's-complement
bits, so every num has exactly one id of each form.

Everything a client sends is read with ASCII-only patterns (Python's int() would take
"1_000", " 7" and Arabic-Indic digits), and anything else is a GReaderRequestError (a
ValueError) with a sentence saying what was wrong.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from newsdesk.server.greader.continuation import ContinuationSigner, Cursor
from newsdesk.server.greader.errors import GReaderRequestError

ITEM_PREFIX = "tag:google.com,2005:reader/item/"
_MASK = (1 << 64) - 1
_SIGNED_MIN, _SIGNED_MAX = -(1 << 63), (1 << 63) - 1

_HEX = re.compile(r"[0-9a-fA-F]{1,16}")
_DECIMAL = re.compile(r"-?[0-9]{1,20}")
_DIGITS = re.compile(r"[0-9]{1,18}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


# ---- item ids ---------------------------------------------------------------------


def _bits(num: int) -> int:
    """The 64 bits of `num`: a signed num, or already the unsigned pattern."""
    if not _SIGNED_MIN <= num <= _MASK:
        raise ValueError(f"an item id holds 64 bits; {num} does not fit")
    return num & _MASK


def _signed(bits: int) -> int:
    return bits - (1 << 64) if bits > _SIGNED_MAX else bits


def long_item_id(num: int) -> str:
    """``tag:google.com,2005:reader/item/000000000000002a`` for num 42."""
    return f"{ITEM_PREFIX}{_bits(num):016x}"


def hex_item_id(num: int) -> str:
    """The 16 hex digits of an item id, without the prefix."""
    return f"{_bits(num):016x}"


def short_item_id(num: int) -> str:
    """The signed decimal form (``stream/items/ids``): "42", or negative for the top half."""
    return str(_signed(_bits(num)))


def parse_item_id(text: str, *, parameter: str = "i") -> int:
    """The `articles.num` an item id names, from any of the three forms.

    Exactly 16 hex digits without the prefix are the padded hex form (Reeder sends that;
    Miniflux reads it the same way); any other bare number is decimal (Liferea, the short
    form), and shorter hex with letters is hex. So a positive decimal id of exactly 16
    digits (a num from 10**15 to 10**16 - 1) reads as hex: the one ambiguity of the
    dialect, far above any article number. Decimal may be signed (Google's) or unsigned
    up to 2**64 - 1 (some clients print the bits unsigned); both give the same num."""
    if len(text) > 64:
        raise GReaderRequestError(f"{text[:40]!r}... is far too long for an item id",
                                  parameter=parameter)
    if text.startswith(ITEM_PREFIX):
        digits = text[len(ITEM_PREFIX):]
        if _HEX.fullmatch(digits):
            return _signed(int(digits, 16))
        raise GReaderRequestError(f"{text!r} is not an item id: 1 to 16 hex digits must follow "
                                  f"{ITEM_PREFIX!r}", parameter=parameter)
    if len(text) == 16 and _HEX.fullmatch(text):
        return _signed(int(text, 16))
    if _DECIMAL.fullmatch(text):
        value = int(text, 10)
        if _SIGNED_MIN <= value <= _MASK:
            return _signed(value & _MASK)
        raise GReaderRequestError(f"{text!r} is not an item id: it does not fit in 64 bits",
                                  parameter=parameter)
    if _HEX.fullmatch(text):
        return _signed(int(text, 16))
    raise GReaderRequestError(f"{text[:64]!r} is not an item id (expected {ITEM_PREFIX}<hex>, "
                              "a decimal number or hex digits)", parameter=parameter)


def parse_item_ids(values: Sequence[str], *, parameter: str = "i",
                   limit: int = 10_000) -> tuple[int, ...]:
    """The nums of repeated ``i=`` values, in order, each once; at least one."""
    if not values:
        raise GReaderRequestError(f"no item given ({parameter}= is required)", parameter=parameter)
    if len(values) > limit:
        raise GReaderRequestError(f"{len(values)} items in one request; at most {limit}",
                                  parameter=parameter)
    return tuple(dict.fromkeys(parse_item_id(value, parameter=parameter) for value in values))


# ---- stream ids -------------------------------------------------------------------


class State(StrEnum):
    """Google's per-user states (``user/-/state/com.google/<state>``)."""

    READING_LIST = "reading-list"
    READ = "read"
    UNREAD = "unread"  # FreshRSS's addition, seen in it= and xt=
    STARRED = "starred"
    KEPT_UNREAD = "kept-unread"
    TRACKING_KEPT_UNREAD = "tracking-kept-unread"
    FRESH = "fresh"
    BROADCAST = "broadcast"
    BROADCAST_FRIENDS = "broadcast-friends"
    LIKE = "like"


STORYLINE_PREFIX = "Storyline "
_LABEL_MAX = 200
_STORYLINE = re.compile(r"Storyline ([1-9][0-9]{0,17})(?:: (.*))?", re.DOTALL)


@dataclass(frozen=True)
class FeedStream:
    """One subscription: by its source id (what we send) or by its feed URL (FeedHQ's form,
    what clients send to subscribe)."""

    source_id: int | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.source_id is None) == (self.url is None):
            raise ValueError("a feed stream has a source id or a URL, exactly one")

    @property
    def id(self) -> str:
        return f"feed/{self.source_id if self.source_id is not None else self.url}"


@dataclass(frozen=True)
class StateStream:
    """A state stream: the reading list, the read items, the starred ones..."""

    state: State

    @property
    def id(self) -> str:
        return f"user/-/state/com.google/{self.state.value}"


@dataclass(frozen=True)
class LabelStream:
    """A label: a folder or a NewsDesk tag (the store tells which by the name)."""

    name: str

    @property
    def id(self) -> str:
        return f"user/-/label/{self.name}"


@dataclass(frozen=True)
class StorylineStream:
    """A storyline offered as a label, ``Storyline <id>: <title>``; the id is what counts."""

    storyline_id: int
    title: str = ""

    @property
    def label(self) -> str:
        return storyline_label(self.storyline_id, self.title)

    @property
    def id(self) -> str:
        return f"user/-/label/{self.label}"


Stream = FeedStream | StateStream | LabelStream | StorylineStream

READING_LIST = StateStream(State.READING_LIST)


def storyline_label(storyline_id: int, title: str) -> str:
    """The label name a storyline is shown as: ``Storyline 12: Brexit talks``."""
    head = f"{STORYLINE_PREFIX}{storyline_id}"
    title = " ".join(_CONTROL.sub(" ", title).split())
    room = _LABEL_MAX - len(head) - 2
    if len(title) > room:  # a label name is at most _LABEL_MAX characters
        title = title[:room - 1].rstrip() + "…"
    return f"{head}: {title}" if title else head


def _label(name: str, text: str, parameter: str) -> LabelStream | StorylineStream:
    if not name:
        raise GReaderRequestError(f"{text!r} names no label (user/-/label/<name>)",
                                  parameter=parameter)
    if _CONTROL.search(name) or name != name.strip():
        raise GReaderRequestError(f"the label name {name[:80]!r} holds control characters or "
                                  "spaces at its ends", parameter=parameter)
    if len(name) > _LABEL_MAX:
        raise GReaderRequestError(f"a label name is at most {_LABEL_MAX} characters",
                                  parameter=parameter)
    storyline = _STORYLINE.fullmatch(name)
    if storyline:
        return StorylineStream(int(storyline.group(1)), " ".join((storyline.group(2) or "").split()))
    return LabelStream(name)


def parse_stream_id(text: str, *, user_id: int | None = None, parameter: str = "s") -> Stream:
    """The stream a stream id names: ``feed/<id or URL>``, ``user/-/state/com.google/<state>``
    or ``user/-/label/<name>``; ``user/<n>/`` is accepted for user `user_id` only (when
    given). Anything else is a GReaderRequestError."""
    if not text:
        raise GReaderRequestError(f"no stream given ({parameter}= is empty)", parameter=parameter)
    if len(text) > 2048:
        raise GReaderRequestError("a stream id is at most 2048 characters", parameter=parameter)
    if text.startswith("feed/"):
        rest = text[5:]
        if _DIGITS.fullmatch(rest) and int(rest) > 0:
            return FeedStream(source_id=int(rest))
        repaired = re.sub(r"^(https?):/(?!/)", r"\1://", rest, flags=re.IGNORECASE)
        if re.match(r"https?://[^\s/?#]+", repaired, re.IGNORECASE) and not _CONTROL.search(rest):
            return FeedStream(url=repaired)
        raise GReaderRequestError(f"{text[:100]!r} is not a feed stream: feed/ is followed by a "
                                  "subscription number or an http(s) address", parameter=parameter)
    if text.startswith("user/"):
        owner, _, rest = text[5:].partition("/")
        if owner != "-":
            if not _DIGITS.fullmatch(owner):
                raise GReaderRequestError(f"{text[:100]!r}: the user in user/<user>/ is '-' or a "
                                          "number", parameter=parameter)
            if user_id is not None and int(owner) != user_id:
                raise GReaderRequestError(f"{text[:100]!r} is another user's stream",
                                          parameter=parameter)
        if rest.startswith("state/com.google/"):
            name = rest[len("state/com.google/"):]
            try:
                return StateStream(State(name))
            except ValueError:
                raise GReaderRequestError(f"{name[:60]!r} is not a state we know (reading-list, "
                                          "read, starred, kept-unread...)",
                                          parameter=parameter) from None
        if rest.startswith("label/"):
            return _label(rest[6:], text, parameter)
    raise GReaderRequestError(f"{text[:100]!r} is not a stream id (feed/..., "
                              "user/-/state/com.google/... or user/-/label/...)",
                              parameter=parameter)


def stream_from_path(encoded: str, *, user_id: int | None = None) -> Stream:
    """The stream named by the rest of a path (``stream/contents/<here>``,
    ``reader/atom/<here>``), percent-decoded once: newsboat encodes the whole id
    (``feed%2F12``), others send ``feed/http%3A%2F%2F...`` or the bare URL."""
    try:
        text = urllib.parse.unquote(encoded, errors="strict")
    except UnicodeDecodeError:
        raise GReaderRequestError("the stream in the path is not UTF-8", parameter="s") from None
    return parse_stream_id(text, user_id=user_id)


# ---- stream queries ---------------------------------------------------------------


class Order(StrEnum):
    """``r=``: newest first (``d``, ``n``, the default) or oldest first (``o``)."""

    NEWEST_FIRST = "d"
    OLDEST_FIRST = "o"


@dataclass(frozen=True)
class StreamQuery:
    """What ``stream/contents``, ``stream/items/ids`` and ``reader/atom`` ask for.

    `newer_than` (``ot=``) and `older_than` (``nt=``) bound when NewsDesk got an item
    (its crawl time, Google's meaning, which incremental sync relies on: an item published
    long ago but fetched now is new to a client). Pages are in published order, and
    `after` is where this page starts (from ``c=``)."""

    stream: Stream
    exclude: tuple[Stream, ...] = ()
    include: tuple[Stream, ...] = ()
    count: int = 20
    order: Order = Order.NEWEST_FIRST
    newer_than: datetime | None = None
    older_than: datetime | None = None
    after: Cursor | None = None

    @property
    def request_key(self) -> str:
        """What a continuation token is bound to: everything but the page size and start."""
        def bound(value: datetime | None) -> str:
            return "" if value is None else str(int(value.timestamp() * 1_000_000))
        return "\n".join([self.stream.id, " ".join(s.id for s in self.exclude),
                          " ".join(s.id for s in self.include), self.order.value,
                          bound(self.newer_than), bound(self.older_than)])

    @property
    def unread_only(self) -> bool:
        """True for ``xt=user/-/state/com.google/read`` (or ``it=...unread``)."""
        return (StateStream(State.READ) in self.exclude
                or StateStream(State.UNREAD) in self.include)


def _single(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name) or []
    if not values:
        return None
    if len(set(values)) > 1:
        raise GReaderRequestError(f"{name}= is given {len(values)} times with different values",
                                  parameter=name)
    return values[0]


def parse_epoch(text: str, *, parameter: str) -> datetime:
    """A time a client sent as an epoch number: seconds by Google's book, but milliseconds,
    microseconds (``ts=`` of mark-all-as-read) and nanoseconds are told apart by size
    (they differ a thousandfold; any date from 1973 to 5138 is unambiguous)."""
    if not re.fullmatch(r"[0-9]{1,20}", text):
        raise GReaderRequestError(f"{parameter}={text[:30]!r} is not a time (an epoch number)",
                                  parameter=parameter)
    value = int(text)
    for scale in (1, 1_000, 1_000_000, 1_000_000_000):
        if value < 100_000_000_000 * scale:
            try:
                return datetime.fromtimestamp(value / scale, UTC)
            except (OverflowError, OSError, ValueError):
                break
    raise GReaderRequestError(f"{parameter}={text[:30]} is not a time we can use",
                              parameter=parameter)


def parse_stream_query(params: Mapping[str, Sequence[str]], *, signer: ContinuationSigner,
                       stream: Stream | None = None, user_id: int | None = None,
                       default_count: int = 20, max_count: int = 1000) -> StreamQuery:
    """A stream request from its query parameters (``urllib.parse.parse_qs`` output).

    The stream comes from the path (`stream`) or from ``s=``; with neither it is the
    reading list. ``n`` above `max_count` is lowered to it (the client pages on).
    ``r`` is ``o`` for oldest first; ``d``, ``n`` and the unused ``a``/``c`` mean newest
    first. ``c`` must be a token this server made for the same request."""
    if stream is None:
        s = _single(params, "s")
        stream = READING_LIST if s is None else parse_stream_id(s, user_id=user_id)
    exclude = tuple(parse_stream_id(v, user_id=user_id, parameter="xt")
                    for v in params.get("xt") or [] if v)
    include = tuple(parse_stream_id(v, user_id=user_id, parameter="it")
                    for v in params.get("it") or [] if v)
    count = default_count
    n = _single(params, "n")
    if n:
        if not re.fullmatch(r"[0-9]{1,9}", n) or int(n) < 1:
            raise GReaderRequestError(f"n={n[:30]!r} is not a number of items (1 or more)",
                                      parameter="n")
        count = min(int(n), max_count)
    r = _single(params, "r") or "d"
    if r not in ("d", "n", "o", "a", "c"):
        raise GReaderRequestError(f"r={r[:10]!r} is not an order: o is oldest first, d newest "
                                  "first", parameter="r")
    order = Order.OLDEST_FIRST if r == "o" else Order.NEWEST_FIRST
    ot, nt = _single(params, "ot"), _single(params, "nt")
    query = StreamQuery(stream=stream, exclude=exclude, include=include, count=count,
                        order=order,
                        newer_than=parse_epoch(ot, parameter="ot") if ot else None,
                        older_than=parse_epoch(nt, parameter="nt") if nt else None)
    c = _single(params, "c")
    if c:
        query = replace(query, after=signer.read(c.strip(), query.request_key))
    return query
