"""POST bodies into commands, with the exact bodies newsboat sends."""

import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.server.greader.edits import (
    DisableTag,
    EditTag,
    LoginRequest,
    MarkAllAsRead,
    QuickAdd,
    RenameTag,
    SubscriptionAction,
    SubscriptionEdit,
    action_token_of,
    auth_token_of,
    parse_client_login,
    parse_disable_tag,
    parse_edit_tag,
    parse_form,
    parse_mark_all_as_read,
    parse_quickadd,
    parse_rename_tag,
    parse_subscription_edit,
)
from newsdesk.server.greader.errors import GReaderRequestError
from newsdesk.server.greader.ids import (
    READING_LIST,
    FeedStream,
    LabelStream,
    State,
    StateStream,
    StorylineStream,
    long_item_id,
)

GUID = long_item_id(42)


def test_newsboat_marks_read():
    body = (f"i={GUID}&a=user/-/state/com.google/read&r=user/-/state/com.google/kept-unread"
            "&ac=edit&T=tok").encode()
    form = parse_form(body)
    assert action_token_of(form) == "tok"
    assert parse_edit_tag(form) == EditTag(
        items=(42,), read=True, ignored=("user/-/state/com.google/kept-unread",))


def test_newsboat_marks_unread():
    body = (f"i={GUID}&r=user/-/state/com.google/read&a=user/-/state/com.google/kept-unread"
            "&a=user/-/state/com.google/tracking-kept-unread&ac=edit&T=tok").encode()
    assert parse_edit_tag(parse_form(body)) == EditTag(
        items=(42,), read=False, ignored=("user/-/state/com.google/tracking-kept-unread",))


def test_newsboat_stars_and_shares():
    star = parse_edit_tag(parse_form(f"i={GUID}&a=user/-/state/com.google/starred&ac=edit&T=t".encode()))
    assert (star.starred, star.read) == (True, None)
    unstar = parse_edit_tag(parse_form(f"i={GUID}&r=user/-/state/com.google/starred&T=t".encode()))
    assert unstar.starred is False
    share = parse_edit_tag(parse_form(f"i={GUID}&a=user/-/state/com.google/broadcast&T=t".encode()))
    assert share == EditTag(items=(42,), ignored=("user/-/state/com.google/broadcast",))


def test_many_items_and_labels_at_once():
    form = {"i": ["1", "0000000000000002", long_item_id(3), "1"],
            "a": ["user/-/label/climate", "user/7/label/Follow up", "user/-/state/com.google/read"],
            "r": ["user/-/label/old"]}
    assert parse_edit_tag(form, user_id=7) == EditTag(
        items=(1, 2, 3), read=True, add_labels=("climate", "Follow up"), remove_labels=("old",))


@pytest.mark.parametrize(("form", "says"), [
    ({"a": ["user/-/state/com.google/read"]}, "no item given"),
    ({"i": ["1"]}, "changes nothing"),
    ({"i": ["zz-top"], "a": ["user/-/state/com.google/read"]}, "not an item id"),
    ({"i": ["1"], "a": ["user/-/state/com.google/read", "user/-/state/com.google/kept-unread"]},
     "read and unread at once"),
    ({"i": ["1"], "a": ["user/-/state/com.google/read"], "r": ["user/-/state/com.google/read"]},
     "read and unread at once"),
    ({"i": ["1"], "a": ["user/-/state/com.google/starred"], "r": ["user/-/state/com.google/starred"]},
     "adds and removes the star"),
    ({"i": ["1"], "a": ["user/-/label/x"], "r": ["user/-/label/x"]}, "both added"),
    ({"i": ["1"], "a": ["user/-/label/Storyline 4: Floods"]}, "storylines are grouped"),
    ({"i": ["1"], "a": ["feed/3"]}, "feed cannot be changed"),
    ({"i": ["1"], "r": ["user/-/state/com.google/reading-list"]}, "cannot be added or removed"),
    ({"i": ["1"], "a": ["user/9/label/x"]}, "another user's stream"),
    ({"i": ["1"], "a": ["user/-/state/com.google/bogus"]}, "not a state"),
])
def test_bad_edit_tags_are_said_so(form, says):
    with pytest.raises(GReaderRequestError, match=says):
        parse_edit_tag(form, user_id=7)


def test_subscribe_edit_and_unsubscribe():
    form = parse_form(b"ac=subscribe&s=feed%2Fhttps%3A%2F%2Fexample.org%2Frss&t=Example"
                      b"&a=user%2F-%2Flabel%2FWorld&T=x")
    assert parse_subscription_edit(form) == SubscriptionEdit(
        SubscriptionAction.SUBSCRIBE, (FeedStream(url="https://example.org/rss"),), ("Example",),
        add_folder="World")
    form = {"ac": ["edit"], "s": ["feed/3", "feed/4"], "t": ["  New\n name "],
            "r": ["user/-/label/World"]}
    assert parse_subscription_edit(form) == SubscriptionEdit(
        SubscriptionAction.EDIT, (FeedStream(source_id=3), FeedStream(source_id=4)),
        ("New name", None), remove_folder="World")
    assert parse_subscription_edit({"ac": ["unsubscribe"], "s": ["feed/3"]}).action is \
        SubscriptionAction.UNSUBSCRIBE


@pytest.mark.parametrize(("form", "parameter", "says"), [
    ({"s": ["feed/3"]}, "ac", "ac= is required"),
    ({"ac": ["delete"], "s": ["feed/3"]}, "ac", "not subscribe, unsubscribe or edit"),
    ({"ac": ["edit"]}, "s", "s= is required"),
    ({"ac": ["edit"], "s": ["user/-/label/World"]}, "s", "acts on feeds"),
    ({"ac": ["edit"], "s": ["feed/3"], "t": ["a", "b"]}, "t", "2 titles"),
    ({"ac": ["edit"], "s": ["feed/3"], "a": ["user/-/state/com.google/starred"]}, "a",
     "not a folder"),
    ({"ac": ["edit"], "s": ["feed/3"], "a": ["user/-/label/Storyline 2"]}, "a",
     "a storyline is not a folder"),
    ({"ac": ["edit"], "s": ["feed/3"], "a": ["user/-/label/W"], "r": ["user/-/label/W"]}, "a",
     "both added"),
    ({"ac": ["edit", "subscribe"], "s": ["feed/3"]}, "ac", "2 times"),
])
def test_bad_subscription_edits_are_said_so(form, parameter, says):
    with pytest.raises(GReaderRequestError, match=says) as error:
        parse_subscription_edit(form)
    assert error.value.parameter == parameter


def test_quickadd_takes_an_address_or_a_feed_stream():
    assert parse_quickadd({"quickadd": ["https://example.org/rss"]}) == QuickAdd("https://example.org/rss")
    assert parse_quickadd({"quickadd": ["feed/http://example.org/"]}) == QuickAdd("http://example.org/")
    for bad in (["example.org"], ["feed/12"], [""]):
        with pytest.raises(GReaderRequestError):
            parse_quickadd({"quickadd": bad})


def test_newsboat_marks_a_feed_read_without_ts():
    assert parse_mark_all_as_read(parse_form(b"s=feed/12&T=tok")) == MarkAllAsRead(
        FeedStream(source_id=12))


@pytest.mark.parametrize(("s", "stream"), [
    ("user/-/state/com.google/reading-list", READING_LIST),
    ("user/-/state/com.google/starred", StateStream(State.STARRED)),
    ("user/-/label/World", LabelStream("World")),
    ("user/-/label/Storyline 4: Floods", StorylineStream(4, "Floods")),
])
def test_mark_all_as_read_streams(s, stream):
    command = parse_mark_all_as_read({"s": [s], "ts": ["1772366400000000"]})
    assert command == MarkAllAsRead(stream, datetime(2026, 3, 1, 12, tzinfo=UTC))


@pytest.mark.parametrize(("form", "says"), [
    ({}, "s= is required"),
    ({"s": ["user/-/state/com.google/read"]}, "only the reading list"),
    ({"s": ["feed/3"], "ts": ["soon"]}, "not a time"),
])
def test_bad_mark_all_as_read(form, says):
    with pytest.raises(GReaderRequestError, match=says):
        parse_mark_all_as_read(form)


def test_disable_and_rename_tags():
    assert parse_disable_tag({"s": ["user/-/label/World"]}) == DisableTag("World")
    assert parse_disable_tag({"t": ["World"]}) == DisableTag("World")
    assert parse_rename_tag({"s": ["user/-/label/World"], "dest": ["user/-/label/Globe"]}) == \
        RenameTag("World", "Globe")
    assert parse_rename_tag({"t": ["World"], "dest": ["Globe"]}) == RenameTag("World", "Globe")


@pytest.mark.parametrize(("parse", "form", "says"), [
    (parse_disable_tag, {}, "s= .* or t= .* is required"),
    (parse_disable_tag, {"s": ["feed/3"]}, "not a label"),
    (parse_disable_tag, {"s": ["user/-/label/Storyline 3: x"]}, "storylines are kept"),
    (parse_rename_tag, {"t": ["World"]}, "dest= is required"),
    (parse_rename_tag, {"t": ["World"], "dest": ["Storyline 5"]}, "kept for storylines"),
    (parse_rename_tag, {"t": ["World"], "dest": ["user/-/state/com.google/read"]}, "not a label"),
])
def test_bad_tag_edits(parse, form, says):
    with pytest.raises(GReaderRequestError, match=says):
        parse(form)


def test_client_login_as_newsboat_sends_it():
    body = (b"service=reader&Email=ana&Passwd=p%40ss%26word&source=newsboat%2F2.21"
            b"&accountType=HOSTED_OR_GOOGLE&continue=http://www.google.com/")
    login = parse_client_login(parse_form(body))
    assert login == LoginRequest("ana", "p@ss&word")
    assert "p@ss" not in repr(login)
    with pytest.raises(GReaderRequestError, match="Passwd= is required"):
        parse_client_login({"Email": ["ana"]})
    with pytest.raises(GReaderRequestError, match="Email= is required"):
        parse_client_login({"Passwd": ["x"]})


def test_bodies_that_are_not_forms():
    with pytest.raises(GReaderRequestError, match="not UTF-8"):
        parse_form(b"i=\xff")
    with pytest.raises(GReaderRequestError, match="not UTF-8"):
        parse_form(b"i=%ff")
    with pytest.raises(GReaderRequestError, match="more than 3 fields"):
        parse_form(b"a=1&b=2&c=3&d=4", max_fields=3)


PARSERS = [parse_edit_tag, parse_subscription_edit, parse_mark_all_as_read, parse_disable_tag,
           parse_rename_tag, parse_client_login, parse_quickadd]
FIELDS = st.sampled_from(["i", "a", "r", "s", "t", "ts", "ac", "dest", "Email", "Passwd", "quickadd"])
VALUES = st.one_of(st.text(max_size=40), st.sampled_from([
    "user/-/state/com.google/read", "user/-/label/x", "feed/3", "feed/https://e.org/",
    GUID, "-1", "edit", "subscribe", "user/-/label/Storyline 1"]))


@given(st.dictionaries(FIELDS, st.lists(VALUES, max_size=3), max_size=6), st.sampled_from(PARSERS))
def test_any_form_gives_a_command_or_our_error(form, parse):
    with contextlib.suppress(GReaderRequestError):
        parse(form)


@given(st.binary(max_size=200))
def test_any_body_gives_a_form_or_our_error(body):
    try:
        form = parse_form(body)
    except GReaderRequestError:
        return
    assert all(isinstance(v, list) for v in form.values())


def test_the_action_token_loses_a_trailing_newline():
    assert action_token_of(parse_form(b"s=feed/1&T=abc%0A")) == "abc"
    assert action_token_of(parse_form(b"s=feed/1&T=abc\n")) == "abc"
    assert action_token_of({"s": ["feed/1"]}) is None


@pytest.mark.parametrize(("header", "token"), [
    ("GoogleLogin auth=abc-_DEF123", "abc-_DEF123"),
    ("googlelogin auth=ana/0123abcd", "ana/0123abcd"),  # FreshRSS's user/hash form
    ('GoogleLogin auth="quoted"', "quoted"),
    ("Bearer abc", None),
    ("GoogleLogin auth=", None),
    ("GoogleLogin auth=a b", None),
    ("", None),
    (None, None),
])
def test_the_authorization_header(header, token):
    assert auth_token_of(header) == token
