"""The answers of the Google Reader API, JSON and Atom, from small frozen views.

The store side fills `ItemView`, `SubscriptionView`, `TagView`, `UnreadCountView` and
`ItemRefView`; everything here is pure, so the shapes are tested without a server. The
JSON follows FreshRSS's (the dialect the clients are tested against): epoch seconds as
numbers, milliseconds and microseconds as strings, ``user/-/`` stream ids. The Atom is
what ``reader/atom/<stream>`` served at Google and FeedHQ, with the states as
``<category scheme="http://www.google.com/reader/" label="read">``: newsboat takes an
item's read state from exactly that (see the package docstring).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from newsdesk.server.greader.continuation import ContinuationSigner, Cursor
from newsdesk.server.greader.ids import (
    READING_LIST,
    FeedStream,
    LabelStream,
    State,
    StateStream,
    StorylineStream,
    Stream,
    StreamQuery,
    long_item_id,
    short_item_id,
)
from newsdesk.textsafe import xml_safe

__all__ = [
    "OK", "ContinuationSigner", "Cursor", "EnclosureView", "ItemRefView", "ItemView",
    "OriginView", "SubscriptionView", "TagKind", "TagView", "UnreadCountView", "atom_stream",
    "client_login_body", "encode_json", "item_ids_json", "item_json", "items_contents_json",
    "page_continuation", "stream_contents_json", "subscription_list_json", "tag_list_json",
    "token_body", "unread_count_json", "usec", "user_info_json",
]

OK = b"OK"  # what every write answers: exactly these two bytes (newsboat compares them)

GOOGLE_SCHEME = "http://www.google.com/reader/"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utc(value: datetime) -> datetime:
    """`value` in UTC; a naive time is taken as UTC already (the store keeps UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def usec(value: datetime) -> int:
    """Microseconds since the epoch, exactly (no float rounding)."""
    return (_utc(value) - _EPOCH) // timedelta(microseconds=1)


def _seconds(value: datetime) -> int:
    return usec(value) // 1_000_000


def _iso(value: datetime) -> str:
    return _utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- views the store side fills -----------------------------------------------------


@dataclass(frozen=True)
class OriginView:
    """The subscription an item came from."""

    source_id: int
    title: str
    html_url: str | None = None

    @property
    def stream(self) -> FeedStream:
        return FeedStream(source_id=self.source_id)


@dataclass(frozen=True)
class EnclosureView:
    """A podcast file or image attached to an item."""

    url: str
    mime_type: str
    length: int | None = None


@dataclass(frozen=True, kw_only=True)
class ItemView:
    """One article as this user sees it: `read` and `starred` are the user's own; `folders`
    are its subscription's folders, `tags` the NewsDesk tags on it, `storylines` the
    storylines its story belongs to (all shown as labels)."""

    num: int
    title: str
    url: str | None
    published: datetime
    crawled: datetime  # when NewsDesk first stored it
    origin: OriginView
    updated: datetime | None = None
    summary_html: str = ""
    author: str | None = None
    read: bool = False
    starred: bool = False
    folders: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    storylines: tuple[StorylineStream, ...] = ()
    enclosures: tuple[EnclosureView, ...] = ()

    @property
    def cursor(self) -> Cursor:
        """Where this item sits in a stream's order (published time, then num)."""
        return Cursor(usec(self.published), self.num)

    @property
    def label_streams(self) -> tuple[LabelStream | StorylineStream, ...]:
        folders_and_tags = tuple(LabelStream(name) for name in dict.fromkeys(self.folders + self.tags))
        return folders_and_tags + self.storylines


@dataclass(frozen=True)
class ItemRefView:
    """One line of ``stream/items/ids``: enough to decide whether to fetch the item."""

    num: int
    published: datetime
    source_id: int

    @property
    def cursor(self) -> Cursor:
        return Cursor(usec(self.published), self.num)


@dataclass(frozen=True, kw_only=True)
class SubscriptionView:
    """One subscription (a NewsDesk source) for ``subscription/list``."""

    source_id: int
    title: str
    feed_url: str
    html_url: str | None = None
    folders: tuple[str, ...] = ()
    icon_url: str | None = None
    first_item: datetime | None = None


class TagKind(StrEnum):
    """What a label stands for in NewsDesk (Inoreader's ``type``, which clients read)."""

    FOLDER = "folder"
    TAG = "tag"
    STORYLINE = "storyline"


@dataclass(frozen=True)
class TagView:
    """One label of ``tag/list``: a folder, a tag or a storyline."""

    stream: LabelStream | StorylineStream
    kind: TagKind
    unread: int | None = None


@dataclass(frozen=True)
class UnreadCountView:
    """A stream's unread count and the time of its newest item."""

    stream: Stream
    count: int
    newest: datetime | None = None


# ---- JSON ---------------------------------------------------------------------------


def encode_json(document: Any) -> bytes:
    """UTF-8 JSON, compact, slashes and non-ASCII left as they are (as FreshRSS sends);
    a lone surrogate from a broken feed becomes "?" rather than an encoding error."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8", "replace")


def client_login_body(auth: str) -> str:
    """The body of a successful ClientLogin: clients read the ``Auth=`` line (Vienna wants
    an ``LSID`` line too)."""
    return f"SID={auth}\nLSID=null\nAuth={auth}\n"


def token_body(token: str) -> bytes:
    """The body of ``/reader/api/0/token``: the action token alone, no newline (newsboat
    posts the whole body back as ``T=``)."""
    return token.encode("utf-8")


def user_info_json(*, user_id: int, user_name: str, email: str | None = None,
                   signed_up: datetime | None = None) -> dict[str, Any]:
    """``user-info``."""
    document: dict[str, Any] = {
        "userId": str(user_id), "userName": user_name, "userProfileId": str(user_id),
        "userEmail": email or "", "isBloggerUser": False, "isMultiLoginEnabled": False,
    }
    if signed_up is not None:
        document["signupTimeSec"] = _seconds(signed_up)
    return document


def _sortid(number: int) -> str:
    return f"{number & 0xFFFFFFFF:08X}"


def subscription_list_json(subscriptions: Sequence[SubscriptionView]) -> dict[str, Any]:
    """``subscription/list``: ``feed/<source id>`` ids, folders as categories."""
    rows = []
    for sub in subscriptions:
        row: dict[str, Any] = {
            "id": FeedStream(source_id=sub.source_id).id,
            "title": sub.title,
            "categories": [{"id": LabelStream(name).id, "label": name}
                           for name in dict.fromkeys(sub.folders)],
            "url": sub.feed_url,
            "htmlUrl": sub.html_url or "",
            "sortid": _sortid(sub.source_id),
        }
        if sub.icon_url:
            row["iconUrl"] = sub.icon_url
        if sub.first_item is not None:
            row["firstitemmsec"] = str(usec(sub.first_item) // 1000)
        rows.append(row)
    return {"subscriptions": rows}


def tag_list_json(tags: Sequence[TagView]) -> dict[str, Any]:
    """``tag/list``: the starred state first, then every label with its kind."""
    rows: list[dict[str, Any]] = [{"id": StateStream(State.STARRED).id}]
    for tag in tags:
        row: dict[str, Any] = {"id": tag.stream.id,
                               "type": "tag" if tag.kind is TagKind.STORYLINE else tag.kind.value}
        if tag.unread is not None:
            row["unread_count"] = tag.unread
        rows.append(row)
    return {"tags": rows}


def unread_count_json(counts: Sequence[UnreadCountView]) -> dict[str, Any]:
    """``unread-count``; `max` is the largest count (the reading list's, when given)."""
    return {
        "max": max((c.count for c in counts), default=0),
        "unreadcounts": [{"id": c.stream.id, "count": c.count,
                          "newestItemTimestampUsec": str(usec(c.newest)) if c.newest else "0"}
                         for c in counts],
    }


def _categories(item: ItemView) -> list[str]:
    categories = [READING_LIST.id]
    if item.read:
        categories.append(StateStream(State.READ).id)
    if item.starred:
        categories.append(StateStream(State.STARRED).id)
    categories += [label.id for label in item.label_streams]
    return categories


def item_json(item: ItemView) -> dict[str, Any]:
    """One item of ``stream/contents`` and ``stream/items/contents``."""
    document: dict[str, Any] = {
        "id": long_item_id(item.num),
        "crawlTimeMsec": str(usec(item.crawled) // 1000),
        "timestampUsec": str(usec(item.crawled)),
        "published": _seconds(item.published),
        "updated": _seconds(item.updated or item.published),
        "title": item.title,
        "summary": {"direction": "ltr", "content": item.summary_html},
        "categories": _categories(item),
        "origin": {"streamId": item.origin.stream.id, "title": item.origin.title,
                   "htmlUrl": item.origin.html_url or ""},
    }
    if item.url:
        document["canonical"] = [{"href": item.url}]
        document["alternate"] = [{"href": item.url, "type": "text/html"}]
    if item.author:
        document["author"] = item.author
    if item.enclosures:
        document["enclosure"] = [
            {"href": e.url, "type": e.mime_type, **({"length": e.length} if e.length else {})}
            for e in item.enclosures]
    return document


def page_continuation(signer: ContinuationSigner, query: StreamQuery, last: Cursor | None,
                      *, has_more: bool) -> str | None:
    """The ``continuation`` of a page whose last item is `last`: None when nothing follows
    (the store knows by asking for one item more than `query.count`)."""
    if not has_more or last is None:
        return None
    return signer.make(last, query.request_key)


def stream_contents_json(*, stream: Stream, title: str, items: Sequence[ItemView],
                         continuation: str | None, updated: datetime,
                         self_url: str | None = None) -> dict[str, Any]:
    """``stream/contents/<stream>``."""
    document: dict[str, Any] = {"direction": "ltr", "id": stream.id, "title": title,
                                "updated": _seconds(updated),
                                "items": [item_json(item) for item in items]}
    if self_url:
        document["self"] = [{"href": self_url}]
    if continuation:
        document["continuation"] = continuation
    return document


def items_contents_json(items: Sequence[ItemView], *, updated: datetime) -> dict[str, Any]:
    """``stream/items/contents`` (the items asked for with ``i=``, in the order given)."""
    return {"direction": "ltr", "id": READING_LIST.id, "updated": _seconds(updated),
            "items": [item_json(item) for item in items]}


def item_ids_json(refs: Sequence[ItemRefView], *, continuation: str | None,
                  include_stream_ids: bool = False) -> dict[str, Any]:
    """``stream/items/ids``: short (signed decimal) ids; with
    ``includeAllDirectStreamIds=true`` each names its feed."""
    rows = []
    for ref in refs:
        row: dict[str, Any] = {"id": short_item_id(ref.num),
                               "timestampUsec": str(usec(ref.published))}
        if include_stream_ids:
            row["directStreamIds"] = [FeedStream(source_id=ref.source_id).id]
        rows.append(row)
    document: dict[str, Any] = {"itemRefs": rows}
    if continuation:
        document["continuation"] = continuation
    return document


# ---- Atom ---------------------------------------------------------------------------

_ATOM_NS = "http://www.w3.org/2005/Atom"
_GR_NS = "http://www.google.com/schemas/reader/atom/"
_STATE_NAMES = frozenset(state.value for state in State)


def _text(value: str) -> str:
    return escape(xml_safe(value))


def _attr(value: str) -> str:
    return quoteattr(xml_safe(value))


def _category(term: str, label: str, *, scheme: bool = True) -> str:
    scheme_attr = f" scheme={_attr(GOOGLE_SCHEME)}" if scheme else ""
    return f"<category term={_attr(term)}{scheme_attr} label={_attr(label)}/>"


def _atom_entry(item: ItemView) -> str:
    parts = [f'<entry gr:crawl-timestamp-msec="{usec(item.crawled) // 1000}">',
             f"<id>{long_item_id(item.num)}</id>",
             _category(READING_LIST.id, State.READING_LIST.value)]
    # newsboat reads the state from the label: "read", else "fresh" (unread)
    state = State.READ if item.read else State.FRESH
    parts.append(_category(StateStream(state).id, state.value))
    if item.starred:
        parts.append(_category(StateStream(State.STARRED).id, State.STARRED.value))
    for label in item.label_streams:
        name = label.label if isinstance(label, StorylineStream) else label.name
        # a tag called "read" must not read as the read state to newsboat
        parts.append(_category(label.id, name, scheme=name not in _STATE_NAMES))
    parts.append(f'<title type="text">{_text(item.title)}</title>')
    parts.append(f"<published>{_iso(item.published)}</published>")
    parts.append(f"<updated>{_iso(item.updated or item.published)}</updated>")
    if item.url:
        parts.append(f'<link rel="alternate" href={_attr(item.url)} type="text/html"/>')
    for enclosure in item.enclosures:
        length = f' length="{enclosure.length}"' if enclosure.length else ""
        parts.append(f'<link rel="enclosure" href={_attr(enclosure.url)} '
                     f"type={_attr(enclosure.mime_type)}{length}/>")
    if item.summary_html:
        parts.append(f'<content type="html">{_text(item.summary_html)}</content>')
    if item.author:
        parts.append(f"<author><name>{_text(item.author)}</name></author>")
    origin = item.origin
    parts.append(f"<source gr:stream-id={_attr(origin.stream.id)}>"
                 f"<id>tag:google.com,2005:reader/{_text(origin.stream.id)}</id>"
                 f"<title>{_text(origin.title)}</title>"
                 + (f'<link rel="alternate" href={_attr(origin.html_url)} type="text/html"/>'
                    if origin.html_url else "")
                 + "</source>")
    parts.append("</entry>")
    return "".join(parts)


def atom_stream(*, stream: Stream, title: str, items: Sequence[ItemView],
                continuation: str | None, updated: datetime, self_url: str | None = None,
                html_url: str | None = None) -> bytes:
    """``reader/atom/<stream>``: an Atom feed of the stream's items, UTF-8."""
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<feed xmlns="{_ATOM_NS}" xmlns:gr="{_GR_NS}" gr:dir="ltr">',
        "<generator>NewsDesk</generator>",
        f"<id>tag:google.com,2005:reader/{_text(stream.id)}</id>",
        f'<title type="text">{_text(title)}</title>',
    ]
    if continuation:
        head.append(f"<gr:continuation>{_text(continuation)}</gr:continuation>")
    if self_url:
        head.append(f'<link rel="self" href={_attr(self_url)}/>')
    if html_url:
        head.append(f'<link rel="alternate" href={_attr(html_url)} type="text/html"/>')
    head.append(f"<updated>{_iso(updated)}</updated>")
    body = [_atom_entry(item) for item in items]
    return ("".join(head) + "".join(body) + "</feed>\n").encode("utf-8", "replace")
