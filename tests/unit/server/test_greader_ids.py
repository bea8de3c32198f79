"""Item ids, stream ids, stream queries and continuation tokens of the Google Reader API."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdesk.server.greader.continuation import ContinuationSigner, Cursor
from newsdesk.server.greader.errors import GReaderRequestError
from newsdesk.server.greader.ids import (
    READING_LIST,
    FeedStream,
    LabelStream,
    Order,
    State,
    StateStream,
    StorylineStream,
    hex_item_id,
    long_item_id,
    parse_epoch,
    parse_item_id,
    parse_item_ids,
    parse_stream_id,
    parse_stream_query,
    short_item_id,
    storyline_label,
    stream_from_path,
)

SIGNED = st.integers(min_value=-(2**63), max_value=2**63 - 1)
UNSIGNED = st.integers(min_value=0, max_value=2**64 - 1)
SIGNER = ContinuationSigner(b"k" * 32)


def _signed(bits):
    return bits - 2**64 if bits >= 2**63 else bits


# ---- item ids ---------------------------------------------------------------------


@pytest.mark.parametrize(("num", "long", "short", "bare"), [
    (42, "tag:google.com,2005:reader/item/000000000000002a", "42", "000000000000002a"),
    (0, "tag:google.com,2005:reader/item/0000000000000000", "0", "0000000000000000"),
    (2**63 - 1, "tag:google.com,2005:reader/item/7fffffffffffffff", "9223372036854775807",
     "7fffffffffffffff"),
    (-1, "tag:google.com,2005:reader/item/ffffffffffffffff", "-1", "ffffffffffffffff"),
    (-(2**63), "tag:google.com,2005:reader/item/8000000000000000", "-9223372036854775808",
     "8000000000000000"),
])
def test_the_three_forms(num, long, short, bare):
    assert (long_item_id(num), short_item_id(num), hex_item_id(num)) == (long, short, bare)
    assert parse_item_id(long) == parse_item_id(short) == parse_item_id(bare) == num


@pytest.mark.parametrize(("text", "num"), [
    ("tag:google.com,2005:reader/item/2a", 42),  # unpadded hex after the prefix
    ("tag:google.com,2005:reader/item/000000000000002A", 42),
    ("18446744073709551615", -1),  # the same bits printed unsigned
    ("0000000000000010", 16),  # 16 digits: the padded hex form (Reeder)
    ("1000000000000000", 2**60),  # ... even without a leading zero
    ("000000000000010", 10),  # 15 digits: decimal
    ("ff", 255),
    ("-0", 0),
])
def test_the_forms_clients_send(text, num):
    assert parse_item_id(text) == num


@pytest.mark.parametrize("text", [
    "", " 42", "42 ", "+42", "1_000", "٤٢", "0x2a", "tag:google.com,2005:reader/item/",
    "tag:google.com,2005:reader/item/xyz", "tag:google.com,2005:reader/item/00000000000000001",
    "18446744073709551616", "-9223372036854775809", "1e+5", "g", "tag:google.com,2005:reader/feed/1",
    "x" * 100,
])
def test_junk_item_ids_are_said_so(text):
    with pytest.raises(GReaderRequestError) as error:
        parse_item_id(text)
    assert isinstance(error.value, ValueError)
    assert error.value.parameter == "i"
    assert "item id" in str(error.value)


def _is_sixteen_digit_decimal(text):
    return len(text) == 16 and text.isdigit()


@given(SIGNED)
def test_every_signed_num_round_trips_in_every_form(num):
    assert parse_item_id(long_item_id(num)) == num
    assert parse_item_id(hex_item_id(num)) == num
    short = short_item_id(num)
    if not _is_sixteen_digit_decimal(short):  # the documented ambiguity: reads as hex
        assert parse_item_id(short) == num
    unsigned = str(num & (2**64 - 1))
    if not _is_sixteen_digit_decimal(unsigned):
        assert parse_item_id(unsigned) == num


@given(st.integers(min_value=-(10**15), max_value=10**15 - 1))
def test_every_num_below_ten_to_the_fifteen_round_trips_as_short_ids(num):
    assert parse_item_id(short_item_id(num)) == num


@given(UNSIGNED)
def test_every_unsigned_pattern_round_trips_to_its_signed_num(bits):
    num = _signed(bits)
    for text in (long_item_id(bits), short_item_id(bits), hex_item_id(bits), str(bits)):
        if not _is_sixteen_digit_decimal(text) or text == hex_item_id(bits):
            assert parse_item_id(text) == num
    assert long_item_id(bits) == long_item_id(num)


@given(st.text(max_size=80))
def test_any_text_gives_a_num_or_our_error(text):
    try:
        num = parse_item_id(text)
    except GReaderRequestError:
        return
    assert -(2**63) <= num < 2**63


def test_numbers_outside_64_bits_cannot_be_formatted():
    with pytest.raises(ValueError):
        long_item_id(2**64)
    with pytest.raises(ValueError):
        short_item_id(-(2**63) - 1)


def test_repeated_item_ids_are_read_in_order_once():
    assert parse_item_ids(["3", long_item_id(1), "0000000000000003"]) == (3, 1)
    with pytest.raises(GReaderRequestError, match="no item given"):
        parse_item_ids([])
    with pytest.raises(GReaderRequestError, match="at most 2"):
        parse_item_ids(["1", "2", "3"], limit=2)


# ---- stream ids -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "stream"), [
    ("feed/12", FeedStream(source_id=12)),
    ("feed/https://example.org/feed.xml?a=1", FeedStream(url="https://example.org/feed.xml?a=1")),
    ("feed/http:/example.org/rss", FeedStream(url="http://example.org/rss")),  # a proxy ate a /
    ("user/-/state/com.google/reading-list", READING_LIST),
    ("user/-/state/com.google/read", StateStream(State.READ)),
    ("user/-/state/com.google/starred", StateStream(State.STARRED)),
    ("user/-/state/com.google/kept-unread", StateStream(State.KEPT_UNREAD)),
    ("user/7/state/com.google/starred", StateStream(State.STARRED)),
    ("user/-/label/Tech", LabelStream("Tech")),
    ("user/7/label/Politics & Law", LabelStream("Politics & Law")),
    ("user/-/label/Storyline 12: Brexit talks", StorylineStream(12, "Brexit talks")),
    ("user/-/label/Storyline 12", StorylineStream(12, "")),
    ("user/-/label/Storyline twelve", LabelStream("Storyline twelve")),
])
def test_stream_ids(text, stream):
    assert parse_stream_id(text, user_id=7) == stream


def test_stream_ids_are_written_in_the_user_dash_form():
    assert FeedStream(source_id=3).id == "feed/3"
    assert StateStream(State.READ).id == "user/-/state/com.google/read"
    assert LabelStream("Tech").id == "user/-/label/Tech"
    assert StorylineStream(4, "Floods\nin Spain ").id == "user/-/label/Storyline 4: Floods in Spain"
    assert storyline_label(4, "") == "Storyline 4"
    assert parse_stream_id(StorylineStream(4, "Floods").id).storyline_id == 4


@pytest.mark.parametrize(("text", "says"), [
    ("", "no stream"),
    ("feed/", "not a feed stream"),
    ("feed/0", "not a feed stream"),
    ("feed/ftp://example.org", "not a feed stream"),
    ("feed/example.org", "not a feed stream"),
    ("user/8/label/Tech", "another user's stream"),
    ("user/bob/label/Tech", "'-' or a number"),
    ("user/-/state/com.google/nonsense", "not a state we know"),
    ("user/-/label/", "names no label"),
    ("user/-/label/ padded", "control characters or spaces"),
    ("user/-/label/a\x00b", "control characters"),
    ("splice/1", "not a stream id"),
    ("x" * 3000, "at most 2048"),
])
def test_bad_stream_ids_are_said_so(text, says):
    with pytest.raises(GReaderRequestError, match=says):
        parse_stream_id(text, user_id=7)


@given(st.text(max_size=100))
def test_any_text_gives_a_stream_or_our_error(text):
    try:
        stream = parse_stream_id(text)
    except GReaderRequestError:
        return
    assert parse_stream_id(stream.id) == stream


@pytest.mark.parametrize(("path", "stream"), [
    ("feed%2F12", FeedStream(source_id=12)),  # newsboat
    ("feed/http%3A%2F%2Fexample.org%2Frss", FeedStream(url="http://example.org/rss")),
    ("user/-/state/com.google/starred", StateStream(State.STARRED)),
    ("user%2F-%2Flabel%2FCaf%C3%A9", LabelStream("Café")),
])
def test_streams_in_paths(path, stream):
    assert stream_from_path(path) == stream


def test_a_path_that_is_not_utf8_is_said_so():
    with pytest.raises(GReaderRequestError, match="not UTF-8"):
        stream_from_path("user/-/label/%FF")


# ---- queries ----------------------------------------------------------------------


def test_a_query_with_every_parameter():
    query = parse_stream_query({
        "s": ["feed/3"], "xt": ["user/-/state/com.google/read"], "n": ["50"], "r": ["o"],
        "ot": ["1700000000"], "nt": ["1700003600"]}, signer=SIGNER)
    assert query.stream == FeedStream(source_id=3)
    assert query.exclude == (StateStream(State.READ),)
    assert query.unread_only
    assert (query.count, query.order) == (50, Order.OLDEST_FIRST)
    assert query.newer_than == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert query.older_than == datetime(2023, 11, 14, 23, 13, 20, tzinfo=UTC)
    assert query.after is None


def test_the_defaults_and_the_path_stream():
    query = parse_stream_query({}, signer=SIGNER)
    assert (query.stream, query.count, query.order, query.unread_only) == (
        READING_LIST, 20, Order.NEWEST_FIRST, False)
    query = parse_stream_query({"s": ["feed/1"], "n": ["100000"], "r": ["n"]},
                               signer=SIGNER, stream=LabelStream("Tech"), max_count=10_000)
    assert (query.stream, query.count, query.order) == (LabelStream("Tech"), 10_000,
                                                        Order.NEWEST_FIRST)


@pytest.mark.parametrize(("params", "parameter", "says"), [
    ({"n": ["0"]}, "n", "not a number of items"),
    ({"n": ["-5"]}, "n", "not a number of items"),
    ({"n": ["ten"]}, "n", "not a number of items"),
    ({"n": ["5", "6"]}, "n", "given 2 times"),
    ({"r": ["x"]}, "r", "not an order"),
    ({"ot": ["yesterday"]}, "ot", "not a time"),
    ({"nt": ["-1"]}, "nt", "not a time"),
    ({"ot": ["1" * 21]}, "ot", "not a time"),
    ({"xt": ["user/-/state/com.google/bogus"]}, "xt", "not a state"),
    ({"s": ["nonsense"]}, "s", "not a stream id"),
    ({"c": ["page2"]}, "c", "not one this server made"),
])
def test_bad_query_values_are_said_so(params, parameter, says):
    with pytest.raises(GReaderRequestError, match=says) as error:
        parse_stream_query(params, signer=SIGNER)
    assert error.value.parameter == parameter


@pytest.mark.parametrize(("text", "seconds"), [
    ("1700000000", 1_700_000_000), ("1700000000123", 1_700_000_000.123),
    ("1700000000123456", 1_700_000_000.123456), ("1700000000123456789", 1_700_000_000.123457),
    ("0", 0),
])
def test_epoch_times_in_any_unit(text, seconds):
    assert parse_epoch(text, parameter="ts").timestamp() == pytest.approx(seconds, abs=1e-6)


# ---- continuation -----------------------------------------------------------------


def test_a_continuation_comes_back_as_its_cursor():
    first = parse_stream_query({"s": ["feed/3"], "xt": ["user/-/state/com.google/read"]},
                               signer=SIGNER)
    token = SIGNER.make(Cursor(1_700_000_000_000_000, 981), first.request_key)
    assert token.isascii() and all(c.isalnum() or c in "-_" for c in token)
    second = parse_stream_query({"s": ["feed/3"], "xt": ["user/-/state/com.google/read"],
                                 "c": [token], "n": ["5"]}, signer=SIGNER)
    assert second.after == Cursor(1_700_000_000_000_000, 981)


def test_a_token_for_another_stream_is_refused():
    token = SIGNER.make(Cursor(1, 2), parse_stream_query({"s": ["feed/3"]}, signer=SIGNER).request_key)
    with pytest.raises(GReaderRequestError, match="belongs to another stream"):
        parse_stream_query({"s": ["feed/4"], "c": [token]}, signer=SIGNER)
    with pytest.raises(GReaderRequestError, match="belongs to another stream"):
        parse_stream_query({"s": ["feed/3"], "r": ["o"], "c": [token]}, signer=SIGNER)


def test_a_token_from_another_secret_is_refused():
    key = parse_stream_query({}, signer=SIGNER).request_key
    token = ContinuationSigner(b"other secret 16b").make(Cursor(1, 2), key)
    with pytest.raises(GReaderRequestError, match="not one this server made"):
        SIGNER.read(token, key)


@given(published=SIGNED, num=SIGNED, position=st.integers(min_value=0, max_value=200),
       replacement=st.characters(codec="ascii"))
def test_any_change_to_a_token_is_detected(published, num, position, replacement):
    key = "feed/1\n\n\nd\n\n"
    token = SIGNER.make(Cursor(published, num), key)
    assert SIGNER.read(token, key) == Cursor(published, num)
    position %= len(token)
    changed = token[:position] + replacement + token[position + 1:]
    if changed == token:
        return
    with pytest.raises(GReaderRequestError):
        SIGNER.read(changed, key)


@given(st.text(max_size=80))
def test_any_text_as_a_token_is_refused_with_our_error(text):
    with pytest.raises(GReaderRequestError):
        SIGNER.read(text, "k")


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError):
        ContinuationSigner(b"short")


def test_newsboats_atom_request():
    # GET /reader/atom/feed%2F12?n=20, the path's rest and the query parsed apart
    query = parse_stream_query({"n": ["20"]}, signer=SIGNER, stream=stream_from_path("feed%2F12"))
    assert (query.stream, query.count, query.order, query.after) == (
        FeedStream(source_id=12), 20, Order.NEWEST_FIRST, None)


def test_storyline_titles_are_read_as_they_are_written():
    assert parse_stream_id("user/-/label/Storyline 1:  two   spaces") == StorylineStream(1, "two spaces")


@given(st.integers(min_value=1, max_value=10**18 - 1), st.text(max_size=300))
def test_any_storyline_label_reads_back_as_its_storyline(storyline_id, title):
    stream = parse_stream_id(StorylineStream(storyline_id, title).id)
    assert isinstance(stream, StorylineStream)
    assert stream.storyline_id == storyline_id
    assert len(stream.label) <= 200
    assert parse_stream_id(stream.id) == stream
