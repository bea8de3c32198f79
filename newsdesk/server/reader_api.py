"""The Google Reader API over a store: requests in, answers out, no sockets (http.py
serves it). The calls newsboat's FeedHQ mode makes, and the read-only ones other clients
start with: ClientLogin, token, user-info, subscription/list, tag/list (folders, the desk's
tags, the newest storylines), unread-count,
stream/contents, reader/atom, edit-tag (read, starred), mark-all-as-read.

Streams page on by continuation tokens (signed, bound to the request; a keyset position,
so items arriving meanwhile neither repeat nor vanish). Not yet (said here so a client's
failure is explained): `ot`/`nt` bounds, labels added by edit-tag, subscription edits,
and per-user read state: a mark written by any client is the store's one state.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from newsdesk.errors import NewsdeskError
from newsdesk.models import ArticleQuery, User
from newsdesk.server.greader import edits, format, ids
from newsdesk.server.greader.continuation import ContinuationSigner
from newsdesk.server.greader.errors import GReaderRequestError
from newsdesk.server.passwords import (
    LoginThrottle,
    TooManyAttempts,
    action_token,
    action_token_matches,
    issue_token,
    token_digest,
    verify_password,
    verify_unknown_user,
)
from newsdesk.store import Store

log = logging.getLogger(__name__)

PREFIX = "/api/greader.php"  # where FreshRSS serves it; clients are given this URL
MAX_ITEMS = 1000  # items in one stream answer


@dataclass(frozen=True)
class Answer:
    """What the HTTP layer sends: a status, a content type and the body."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)


def _text(status: int, text: str) -> Answer:
    return Answer(status, text.encode("utf-8"))


def _json(document: object) -> Answer:
    return Answer(200, format.encode_json(document), "application/json; charset=utf-8")


OK = _text(200, "OK")
UNAUTHORIZED = Answer(401, b"Unauthorized", headers={"WWW-Authenticate": "GoogleLogin"})


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # without the query
    query: Mapping[str, list[str]]
    body: bytes = b""
    authorization: str | None = None
    client: str = ""


@dataclass(frozen=True)
class _Session:
    user: User
    digest: str  # the API token's SHA-256: what the POST token is bound to


class ReaderApi:
    """One server's answers. `store` gives the calling thread's store (one connection per
    thread); `secret` signs POST tokens and continuations (a new one per start: clients
    ask for a POST token before each write)."""

    def __init__(self, store: Callable[[], Store], secret: bytes,
                 throttle: LoginThrottle | None = None) -> None:
        self._store = store
        self._secret = secret
        self._signer = ContinuationSigner(secret)
        self._throttle = throttle or LoginThrottle()

    def answer(self, request: Request) -> Answer:
        """The answer to one request; a client's mistake is a 400 with a sentence, a
        stored problem a 503, never a traceback."""
        path = request.path.removeprefix(PREFIX)
        try:
            if path == "/accounts/ClientLogin":
                return self._login(request)
            session = self._session(request)
            if session is None:
                return UNAUTHORIZED
            return self._route(path, request, session)
        except GReaderRequestError as exc:
            return _text(400, f"{exc}")
        except NewsdeskError as exc:
            log.warning("greader %s %s: %s", request.method, path, exc)
            return _text(503, f"{exc}")

    # -- signing in

    def _login(self, request: Request) -> Answer:
        form = {**request.query, **edits.parse_form(request.body)}
        login = edits.parse_client_login(form)
        try:
            self._throttle.check(login.user, request.client)
        except TooManyAttempts as exc:
            return Answer(429, str(exc).encode(), headers={"Retry-After": str(exc.retry_after)})
        try:
            store = self._store()
            user = store.users.find(login.user)
            if user is None or user.disabled:
                verify_unknown_user(login.password)  # the same time as a wrong password
                ok = False
            else:
                ok = verify_password(login.password, user.password_hash)
        except BaseException:
            self._throttle.forget_attempt(login.user, request.client)
            raise
        if user is None or not ok:
            self._throttle.record_failure(login.user, request.client)
            log.info("greader: failed sign-in for %r from %s", login.user, request.client)
            return _text(403, "Error=BadAuthentication\n")
        self._throttle.record_success(login.user, request.client)
        issued = issue_token()
        store.users.add_token(user.id, issued.digest, label="Google Reader sign-in")
        return _text(200, format.client_login_body(issued.token))

    def _session(self, request: Request) -> _Session | None:
        token = edits.auth_token_of(request.authorization)
        if not token:
            return None
        digest = token_digest(token)
        user = self._store().users.user_for_token(digest)
        return None if user is None else _Session(user, digest)

    def _check_post(self, form: edits.Form, session: _Session) -> None:
        token = edits.action_token_of(form)
        if not token or not action_token_matches(token, self._secret, session.user.name,
                                                 session.digest):
            raise GReaderRequestError("T= is missing or not this session's token; ask "
                                      "reader/api/0/token for one", parameter="T")

    # -- the calls

    def _route(self, path: str, request: Request, session: _Session) -> Answer:
        store = self._store()
        api = "/reader/api/0/"
        if path.startswith("/reader/atom/"):
            stream = ids.stream_from_path(path.removeprefix("/reader/atom/"),
                                          user_id=session.user.id)
            return self._atom(store, request, session, stream)
        if not path.startswith(api):
            return _text(404, "Not a Google Reader API call.")
        call = path.removeprefix(api)
        if request.method == "POST":
            form = {**request.query, **edits.parse_form(request.body)}
            self._check_post(form, session)
            if call == "edit-tag":
                return self._edit_tag(store, edits.parse_edit_tag(form, user_id=session.user.id))
            if call == "mark-all-as-read":
                return self._mark_all(store, edits.parse_mark_all_as_read(
                    form, user_id=session.user.id))
            return _text(404, f"{call} is not a call NewsDesk answers yet.")
        if call == "token":
            return Answer(200, format.token_body(
                action_token(self._secret, session.user.name, session.digest)))
        if call == "user-info":
            return _json(format.user_info_json(user_id=session.user.id,
                                               user_name=session.user.name,
                                               signed_up=session.user.created))
        if call == "subscription/list":
            return _json(format.subscription_list_json(_subscriptions(store)))
        if call == "tag/list":
            return _json(format.tag_list_json(_tags(store)))
        if call == "unread-count":
            return _json(format.unread_count_json(_unread_counts(store)))
        if call.startswith("stream/contents"):
            rest = call.removeprefix("stream/contents").lstrip("/")
            named = ids.stream_from_path(rest, user_id=session.user.id) if rest else None
            query = ids.parse_stream_query(request.query, signer=self._signer, stream=named,
                                           user_id=session.user.id, max_count=MAX_ITEMS)
            items, more = _items(store, query)
            return _json(format.stream_contents_json(
                stream=query.stream, title=_title(store, query.stream), items=items,
                continuation=self._continuation(query, items, more),
                updated=datetime.now(UTC)))
        return _text(404, f"{call} is not a call NewsDesk answers yet.")

    def _atom(self, store: Store, request: Request, session: _Session,
              stream: ids.Stream) -> Answer:
        query = ids.parse_stream_query(request.query, signer=self._signer, stream=stream,
                                       user_id=session.user.id, max_count=MAX_ITEMS)
        items, more = _items(store, query)
        body = format.atom_stream(stream=query.stream, title=_title(store, query.stream),
                                  items=items,
                                  continuation=self._continuation(query, items, more),
                                  updated=datetime.now(UTC))
        return Answer(200, body, "application/atom+xml; charset=utf-8")

    def _continuation(self, query: ids.StreamQuery, items: list[format.ItemView],
                      more: bool) -> str | None:
        return format.page_continuation(self._signer, query,
                                        items[-1].cursor if items else None, has_more=more)

    def _edit_tag(self, store: Store, edit: edits.EditTag) -> Answer:
        found = store.articles.ids_by_number(edit.items)
        chosen = [found[n] for n in edit.items if n in found]
        if edit.read is not None:
            store.reading.set_read(chosen, edit.read)
        if edit.starred is not None:
            for article_id in chosen:
                store.reading.set_starred(article_id, edit.starred)
        return OK

    def _mark_all(self, store: Store, mark: edits.MarkAllAsRead) -> Answer:
        store.reading.mark_read_where(_article_query(store, mark.stream))
        return OK


# ---- the store as the API sees it -------------------------------------------------------


def _subscriptions(store: Store) -> list[format.SubscriptionView]:
    return [format.SubscriptionView(source_id=s.id, title=s.display_name, feed_url=s.url,
                                    html_url=s.site_url,
                                    folders=(s.folder,) if s.folder else ())
            for s in store.sources.list()]


STORYLINE_LABELS = 200  # the newest storylines offered as labels


def _tags(store: Store) -> list[format.TagView]:
    """Folders, the desk's tags and the newest storylines, each a label clients show."""
    folders = sorted({s.folder for s in store.sources.list() if s.folder})
    views = [format.TagView(ids.LabelStream(name), format.TagKind.FOLDER) for name in folders]
    views += [format.TagView(ids.LabelStream(tag.name), format.TagKind.TAG)
              for tag in store.annotations.tags() if tag.name not in folders]
    views += [format.TagView(ids.StorylineStream(line.id, line.label),
                             format.TagKind.STORYLINE, unread=line.unread)
              for line in store.stories.storylines(limit=STORYLINE_LABELS)]
    return views


def _unread_counts(store: Store) -> list[format.UnreadCountView]:
    by_source = store.reading.unread_by_source()
    counts = [format.UnreadCountView(ids.FeedStream(source_id=sid), n)
              for sid, n in sorted(by_source.items())]
    return [format.UnreadCountView(ids.READING_LIST, sum(by_source.values())), *counts]


def _article_query(store: Store, stream: ids.Stream, *, unread_only: bool = False) -> ArticleQuery:
    """The view a stream names."""
    if isinstance(stream, ids.FeedStream):
        source_id = stream.source_id
        if source_id is None:
            found = store.sources.find(stream.url or "")
            if found is None:
                raise GReaderRequestError(f"{stream.id} is no subscription here", parameter="s")
            source_id = found.id
        return ArticleQuery(source_id=source_id, unread_only=unread_only)
    if isinstance(stream, ids.StateStream):
        if stream.state == ids.State.STARRED:
            return ArticleQuery(starred_only=True, unread_only=unread_only)
        if stream.state in (ids.State.READING_LIST, ids.State.UNREAD, ids.State.KEPT_UNREAD):
            return ArticleQuery(unread_only=unread_only or stream.state != ids.State.READING_LIST)
        raise GReaderRequestError(f"{stream.id} is not a stream NewsDesk lists", parameter="s")
    if isinstance(stream, ids.StorylineStream):
        return ArticleQuery(storyline_id=stream.storyline_id, unread_only=unread_only)
    folders = {s.folder for s in store.sources.list()}
    if stream.name in folders:
        return ArticleQuery(folder=stream.name, unread_only=unread_only)
    return ArticleQuery(tag=stream.name, unread_only=unread_only)


def _title(store: Store, stream: ids.Stream) -> str:
    if isinstance(stream, ids.FeedStream) and stream.source_id is not None:
        try:
            return store.sources.get(stream.source_id).display_name
        except NewsdeskError:
            return stream.id
    return stream.id


def _items(store: Store, query: ids.StreamQuery) -> tuple[list[format.ItemView], bool]:
    """One page of the stream, newest (or oldest) first, as the client sees it, after the
    continuation's item if any; and whether more follow."""
    view = _article_query(store, query.stream, unread_only=query.unread_only)
    after = None
    if query.after is not None:  # the page goes on after that item, wherever it is now
        found = store.articles.ids_by_number([query.after.num]).get(query.after.num)
        marks = store.articles.headlines(ArticleQuery(ids=(found,)), limit=1) if found else []
        if not marks:
            return [], False  # the item was removed: nothing can follow it
        after = marks[0]
    heads = store.articles.headlines(view, limit=query.count + 1, after=after,
                                     newest_first=query.order == ids.Order.NEWEST_FIRST)
    more = len(heads) > query.count
    heads = heads[:query.count]
    if not heads:
        return [], False
    wanted = [h.id for h in heads]
    articles = {a.id: a for a in store.articles.list(ArticleQuery(ids=tuple(wanted)))}
    numbers = store.articles.numbers(wanted)
    sources = {s.id: s for s in store.sources.list()}
    items = []
    for head in heads:
        article, num = articles.get(head.id), numbers.get(head.id)
        if article is None or num is None:
            continue  # removed between the two reads
        source = sources.get(article.source_id)
        origin = format.OriginView(article.source_id, head.source_title,
                                   source.site_url if source else None)
        items.append(format.ItemView(
            num=num, title=article.title, url=article.url, published=article.published,
            crawled=article.first_seen, origin=origin, updated=article.updated,
            summary_html=article.content_html or article.summary_html,
            author=", ".join(article.authors) or None, read=head.is_read,
            starred=head.is_starred,
            folders=(source.folder,) if source and source.folder else ()))
    return items, more


def parse_query_string(text: str) -> dict[str, list[str]]:
    """A request's query, every value kept (clients repeat i=, xt=)."""
    return urllib.parse.parse_qs(text, keep_blank_values=True)
