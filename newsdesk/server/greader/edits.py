"""The POST bodies that change things, read into typed commands.

Each ``parse_*`` takes the form as ``parse_form`` (or ``urllib.parse.parse_qs``) gives
it, field name -> every value in order (``i``, ``a``, ``r`` and ``s`` repeat), and returns
a frozen command the services can carry out, or raises GReaderRequestError with a sentence
naming the field. Nothing here checks that a feed, label or item exists: the store does.
The ``T=`` action token is read by `action_token_of`; checking it is the server's job.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from newsdesk.server.greader.errors import GReaderRequestError
from newsdesk.server.greader.ids import (
    FeedStream,
    LabelStream,
    State,
    StateStream,
    StorylineStream,
    Stream,
    parse_epoch,
    parse_item_ids,
    parse_stream_id,
)

Form = Mapping[str, Sequence[str]]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def parse_form(body: bytes, *, max_fields: int = 20_000) -> dict[str, list[str]]:
    """An ``application/x-www-form-urlencoded`` body, strictly UTF-8, blank values kept.

    newsboat does not percent-encode its bodies (``i=tag:google.com,2005:reader/item/..``);
    that reads fine, since ``:``, ``,`` and ``/`` need no encoding in a form."""
    try:
        text = body.decode("utf-8")
        return urllib.parse.parse_qs(text, keep_blank_values=True, encoding="utf-8",
                                     errors="strict", max_num_fields=max_fields)
    except UnicodeDecodeError:
        raise GReaderRequestError("the request body is not UTF-8") from None
    except ValueError:
        raise GReaderRequestError(f"the request body has more than {max_fields} fields") from None


def _one(form: Form, name: str) -> str | None:
    """The one value of a field (repeats of the same value are fine), None when absent."""
    values = [value for value in form.get(name) or [] if value != ""]
    if not values:
        return None
    if len(set(values)) > 1:
        raise GReaderRequestError(f"{name}= is given {len(values)} times with different values",
                                  parameter=name)
    return values[0]


def _need(form: Form, name: str) -> str:
    value = _one(form, name)
    if value is None:
        raise GReaderRequestError(f"{name}= is required", parameter=name)
    return value


def action_token_of(form: Form) -> str | None:
    """The ``T=`` action token of a write, if any, without surrounding white space: newsboat
    sends back the whole body of ``/reader/api/0/token``, newline included when a server
    ends it with one. (FreshRSS lets "" and "x" pass for old clients; whether we do is the
    server's choice.)"""
    values = form.get("T") or []
    return values[0].strip() if values else None


_GOOGLE_LOGIN = re.compile(r"\s*GoogleLogin\s+auth\s*=\s*\"?([A-Za-z0-9._~+/=-]{1,512})\"?\s*",
                           re.IGNORECASE)


def auth_token_of(authorization: str | None) -> str | None:
    """The API token of an ``Authorization: GoogleLogin auth=<token>`` header (what every
    client sends after ClientLogin), or None when the header is missing or another kind."""
    if not authorization:
        return None
    match = _GOOGLE_LOGIN.fullmatch(authorization)
    return match.group(1) if match else None


# ---- ClientLogin ----------------------------------------------------------------------


@dataclass(frozen=True)
class LoginRequest:
    """``accounts/ClientLogin``: who signs in. The password never appears in an error."""

    user: str
    password: str = ""

    def __repr__(self) -> str:
        return f"LoginRequest(user={self.user!r}, password=<hidden>)"


def parse_client_login(form: Form) -> LoginRequest:
    """``Email=`` and ``Passwd=`` (from the body, or the query for old clients)."""
    user = _need(form, "Email")
    passwords = form.get("Passwd") or []
    if not passwords or passwords[0] == "":
        raise GReaderRequestError("Passwd= is required", parameter="Passwd")
    if len(user) > 200 or _CONTROL.search(user):
        raise GReaderRequestError("Email= is not a user name", parameter="Email")
    return LoginRequest(user, passwords[0])


# ---- subscription/edit, quickadd -----------------------------------------------------


class SubscriptionAction(StrEnum):
    """``ac=`` of subscription/edit."""

    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    EDIT = "edit"


@dataclass(frozen=True)
class SubscriptionEdit:
    """Subscribe to, unsubscribe from, or edit feeds. `titles` lines up with `feeds` (None:
    keep the title); `add_folder` / `remove_folder` move them into or out of a folder."""

    action: SubscriptionAction
    feeds: tuple[FeedStream, ...]
    titles: tuple[str | None, ...]
    add_folder: str | None = None
    remove_folder: str | None = None


def _title(value: str) -> str | None:
    title = " ".join(_CONTROL.sub(" ", value).split())
    if len(title) > 500:
        raise GReaderRequestError("a title is at most 500 characters", parameter="t")
    return title or None


def _folder(form: Form, name: str, user_id: int | None) -> str | None:
    value = _one(form, name)
    if value is None:
        return None
    stream = parse_stream_id(value, user_id=user_id, parameter=name)
    if isinstance(stream, StorylineStream):
        raise GReaderRequestError(f"{name}={value[:80]!r}: a storyline is not a folder; "
                                  "NewsDesk groups storylines itself", parameter=name)
    if not isinstance(stream, LabelStream):
        raise GReaderRequestError(f"{name}={value[:80]!r} is not a folder (user/-/label/<name>)",
                                  parameter=name)
    return stream.name


def parse_subscription_edit(form: Form, *, user_id: int | None = None) -> SubscriptionEdit:
    """``subscription/edit``: ``ac``, ``s`` (repeatable), ``t`` (one per ``s``), ``a``, ``r``."""
    action_text = _need(form, "ac")
    try:
        action = SubscriptionAction(action_text)
    except ValueError:
        raise GReaderRequestError(f"ac={action_text[:30]!r} is not subscribe, unsubscribe "
                                  "or edit", parameter="ac") from None
    feeds = []
    for value in form.get("s") or []:
        stream = parse_stream_id(value, user_id=user_id)
        if not isinstance(stream, FeedStream):
            raise GReaderRequestError(f"s={value[:80]!r}: subscription/edit acts on feeds "
                                      "(feed/...)", parameter="s")
        feeds.append(stream)
    if not feeds:
        raise GReaderRequestError("s= is required: the feed to act on", parameter="s")
    titles = [_title(value) for value in form.get("t") or []]
    if len(titles) > len(feeds):
        raise GReaderRequestError(f"{len(titles)} titles (t=) for {len(feeds)} feeds (s=)",
                                  parameter="t")
    titles += [None] * (len(feeds) - len(titles))
    add, remove = _folder(form, "a", user_id), _folder(form, "r", user_id)
    if add is not None and add == remove:
        raise GReaderRequestError(f"the folder {add!r} is both added (a=) and removed (r=)",
                                  parameter="a")
    return SubscriptionEdit(action, tuple(feeds), tuple(titles), add, remove)


@dataclass(frozen=True)
class QuickAdd:
    """``subscription/quickadd``: subscribe to a feed (or a page that names one) by address."""

    url: str


def parse_quickadd(form: Form) -> QuickAdd:
    """``quickadd=`` is a bare address or a ``feed/<address>`` stream id."""
    value = _need(form, "quickadd")
    text = value.strip()
    stream = parse_stream_id(text if text.startswith("feed/") else f"feed/{text}",
                             parameter="quickadd")
    if not isinstance(stream, FeedStream) or stream.url is None:
        raise GReaderRequestError(f"quickadd={value[:80]!r} is not an http(s) address",
                                  parameter="quickadd")
    return QuickAdd(stream.url)


# ---- edit-tag ----------------------------------------------------------------------

# States clients send that NewsDesk keeps nothing for: accepted, and left alone.
_IGNORED_STATES = frozenset({State.TRACKING_KEPT_UNREAD, State.BROADCAST,
                             State.BROADCAST_FRIENDS, State.LIKE, State.FRESH})


@dataclass(frozen=True)
class EditTag:
    """Change items: `read` and `starred` are None when untouched; `add_labels` and
    `remove_labels` are NewsDesk tag names; `ignored` lists the states sent that mean
    nothing here (newsboat's tracking-kept-unread, broadcast, like)."""

    items: tuple[int, ...]
    read: bool | None = None
    starred: bool | None = None
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()


def parse_edit_tag(form: Form, *, user_id: int | None = None) -> EditTag:
    """``edit-tag``: ``i`` (repeatable item ids), ``a`` and ``r`` (repeatable states and
    labels to add and remove). newsboat marks read with ``a=read&r=kept-unread`` and unread
    with ``r=read&a=kept-unread&a=tracking-kept-unread``."""
    items = parse_item_ids(form.get("i") or [])
    streams: dict[str, list[Stream]] = {}
    for name in ("a", "r"):
        streams[name] = [parse_stream_id(value, user_id=user_id, parameter=name)
                         for value in form.get(name) or [] if value != ""]
    if not streams["a"] and not streams["r"]:
        raise GReaderRequestError("edit-tag changes nothing: give a= or r=", parameter="a")
    added = {s.state for s in streams["a"] if isinstance(s, StateStream)}
    removed = {s.state for s in streams["r"] if isinstance(s, StateStream)}
    for name, label_streams in streams.items():
        for stream in label_streams:
            if isinstance(stream, FeedStream):
                raise GReaderRequestError(f"{name}={stream.id[:80]!r}: an item's feed cannot be "
                                          "changed", parameter=name)
            if isinstance(stream, StorylineStream):
                raise GReaderRequestError(f"{name}={stream.id[:80]!r}: storylines are grouped by "
                                          "NewsDesk and cannot be added to or removed from an "
                                          "item", parameter=name)
            if isinstance(stream, StateStream) and stream.state in (State.READING_LIST,
                                                                    State.UNREAD):
                raise GReaderRequestError(f"{name}={stream.id!r} cannot be added or removed",
                                          parameter=name)
    wants_read = State.READ in added
    wants_unread = State.READ in removed or State.KEPT_UNREAD in added
    if wants_read and wants_unread:
        raise GReaderRequestError("edit-tag asks for read and unread at once", parameter="a")
    if State.STARRED in added and State.STARRED in removed:
        raise GReaderRequestError("edit-tag both adds and removes the star", parameter="a")
    add_labels = tuple(dict.fromkeys(s.name for s in streams["a"] if isinstance(s, LabelStream)))
    remove_labels = tuple(dict.fromkeys(s.name for s in streams["r"]
                                        if isinstance(s, LabelStream)))
    both = set(add_labels) & set(remove_labels)
    if both:
        raise GReaderRequestError(f"the label {sorted(both)[0]!r} is both added (a=) and removed "
                                  "(r=)", parameter="a")
    ignored = sorted({s.id for name in ("a", "r") for s in streams[name]
                      if isinstance(s, StateStream) and (
                          s.state in _IGNORED_STATES
                          or (s.state is State.KEPT_UNREAD and name == "r"))})
    return EditTag(
        items=items,
        read=True if wants_read else False if wants_unread else None,
        starred=True if State.STARRED in added else False if State.STARRED in removed else None,
        add_labels=add_labels, remove_labels=remove_labels, ignored=tuple(ignored))


# ---- mark-all-as-read -------------------------------------------------------------


@dataclass(frozen=True)
class MarkAllAsRead:
    """Mark a stream's items read: those NewsDesk got before `older_than` (``ts=``), or
    all of them up to the moment of the request when None (newsboat sends no ``ts``)."""

    stream: Stream
    older_than: datetime | None = None


def parse_mark_all_as_read(form: Form, *, user_id: int | None = None) -> MarkAllAsRead:
    """``mark-all-as-read``: ``s`` (a feed, a label, a storyline, the reading list or the
    starred items) and an optional ``ts`` (microseconds by the book; any epoch unit is told
    apart by size)."""
    value = _need(form, "s")
    stream = parse_stream_id(value, user_id=user_id)
    if isinstance(stream, StateStream) and stream.state not in (State.READING_LIST,
                                                                State.STARRED):
        raise GReaderRequestError(f"s={value!r}: only the reading list, the starred items, a "
                                  "feed or a label can be marked read", parameter="s")
    ts = _one(form, "ts")
    return MarkAllAsRead(stream, parse_epoch(ts, parameter="ts") if ts else None)


# ---- disable-tag, rename-tag ------------------------------------------------------


def _named_label(form: Form, user_id: int | None) -> LabelStream:
    """The label of ``s=user/-/label/<name>`` or ``t=<name>`` (FeedHQ takes either)."""
    s, t = _one(form, "s"), _one(form, "t")
    if s is None and t is None:
        raise GReaderRequestError("s= (user/-/label/<name>) or t= (<name>) is required",
                                  parameter="s")
    stream = (parse_stream_id(s, user_id=user_id) if s is not None
              else parse_stream_id(f"user/-/label/{t}", parameter="t"))
    parameter = "s" if s is not None else "t"
    if isinstance(stream, StorylineStream):
        raise GReaderRequestError("storylines are kept by NewsDesk; they cannot be renamed or "
                                  "deleted as labels", parameter=parameter)
    if not isinstance(stream, LabelStream):
        raise GReaderRequestError(f"{stream.id[:80]!r} is not a label", parameter=parameter)
    return stream


@dataclass(frozen=True)
class DisableTag:
    """Delete a label: a folder (its feeds move to no folder) or a NewsDesk tag."""

    label: str


def parse_disable_tag(form: Form, *, user_id: int | None = None) -> DisableTag:
    """``disable-tag``: ``s`` or ``t``."""
    return DisableTag(_named_label(form, user_id).name)


@dataclass(frozen=True)
class RenameTag:
    """Rename a label (a folder or a NewsDesk tag)."""

    label: str
    new_name: str


def parse_rename_tag(form: Form, *, user_id: int | None = None) -> RenameTag:
    """``rename-tag``: ``s`` or ``t``, and ``dest`` (``user/-/label/<new>``, or the bare
    new name)."""
    label = _named_label(form, user_id)
    dest = _need(form, "dest")
    target = parse_stream_id(dest if dest.startswith("user/") else f"user/-/label/{dest}",
                             user_id=user_id, parameter="dest")
    if isinstance(target, StorylineStream):
        raise GReaderRequestError(f"dest={dest[:80]!r}: names that start with 'Storyline <n>' "
                                  "are kept for storylines", parameter="dest")
    if not isinstance(target, LabelStream):
        raise GReaderRequestError(f"dest={dest[:80]!r} is not a label (user/-/label/<name>)",
                                  parameter="dest")
    return RenameTag(label.name, target.name)
