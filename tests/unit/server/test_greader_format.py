"""The JSON and Atom answers, from views, with literal expectations where the shape matters."""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import feedparser

from newsdesk.server.greader.format import (
    OK,
    ContinuationSigner,
    Cursor,
    EnclosureView,
    ItemRefView,
    ItemView,
    OriginView,
    SubscriptionView,
    TagKind,
    TagView,
    UnreadCountView,
    atom_stream,
    client_login_body,
    encode_json,
    item_ids_json,
    item_json,
    items_contents_json,
    page_continuation,
    stream_contents_json,
    subscription_list_json,
    tag_list_json,
    token_body,
    unread_count_json,
    usec,
    user_info_json,
)
from newsdesk.server.greader.ids import (
    READING_LIST,
    FeedStream,
    LabelStream,
    Order,
    StorylineStream,
    parse_item_id,
    parse_stream_query,
)

PUBLISHED = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
CRAWLED = datetime(2026, 3, 1, 12, 5, 0, 250_000, tzinfo=UTC)
ORIGIN = OriginView(3, "The Example Times", "https://example.org/")
SIGNER = ContinuationSigner(b"k" * 32)


def _item(num=42, **changes):
    fields = dict(num=num, title="Floods in Valencia", url="https://example.org/a/1",
                  published=PUBLISHED, crawled=CRAWLED, origin=ORIGIN,
                  summary_html="<p>Rain &amp; more rain</p>", author="Ana Ruiz",
                  read=True, starred=True, folders=("World",), tags=("climate",),
                  storylines=(StorylineStream(9, "Spain floods"),))
    fields.update(changes)
    return ItemView(**fields)


def test_an_item_as_freshrss_shapes_it():
    assert item_json(_item()) == {
        "id": "tag:google.com,2005:reader/item/000000000000002a",
        "crawlTimeMsec": "1772366700250",
        "timestampUsec": "1772366700250000",
        "published": 1772366400,
        "updated": 1772366400,
        "title": "Floods in Valencia",
        "summary": {"direction": "ltr", "content": "<p>Rain &amp; more rain</p>"},
        "categories": [
            "user/-/state/com.google/reading-list",
            "user/-/state/com.google/read",
            "user/-/state/com.google/starred",
            "user/-/label/World",
            "user/-/label/climate",
            "user/-/label/Storyline 9: Spain floods",
        ],
        "origin": {"streamId": "feed/3", "title": "The Example Times",
                   "htmlUrl": "https://example.org/"},
        "canonical": [{"href": "https://example.org/a/1"}],
        "alternate": [{"href": "https://example.org/a/1", "type": "text/html"}],
        "author": "Ana Ruiz",
    }


def test_an_unread_item_without_link_author_or_labels():
    document = item_json(_item(url=None, author=None, read=False, starred=False, folders=(),
                               tags=(), storylines=(),
                               enclosures=(EnclosureView("https://e.org/a.mp3", "audio/mpeg", 9),)))
    assert document["categories"] == ["user/-/state/com.google/reading-list"]
    assert "alternate" not in document and "author" not in document
    assert document["enclosure"] == [{"href": "https://e.org/a.mp3", "type": "audio/mpeg",
                                      "length": 9}]


def test_times_are_exact_microseconds_and_naive_times_are_utc():
    assert usec(datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=UTC)) == 1772366400000001
    assert usec(datetime(2026, 3, 1, 12, 0, 0, 1)) == 1772366400000001
    assert usec(datetime(2262, 1, 1, tzinfo=UTC)) == 9214646400000000  # beyond float precision at µs


def test_subscriptions_tags_counts_and_user_info():
    subs = subscription_list_json([SubscriptionView(
        source_id=3, title="The Example Times", feed_url="https://example.org/rss",
        html_url="https://example.org/", folders=("World", "World", "News"))])
    assert subs == {"subscriptions": [{
        "id": "feed/3", "title": "The Example Times",
        "categories": [{"id": "user/-/label/World", "label": "World"},
                       {"id": "user/-/label/News", "label": "News"}],
        "url": "https://example.org/rss", "htmlUrl": "https://example.org/",
        "sortid": "00000003"}]}
    tags = tag_list_json([TagView(LabelStream("World"), TagKind.FOLDER),
                          TagView(LabelStream("climate"), TagKind.TAG, unread=4),
                          TagView(StorylineStream(9, "Spain floods"), TagKind.STORYLINE)])
    assert tags == {"tags": [
        {"id": "user/-/state/com.google/starred"},
        {"id": "user/-/label/World", "type": "folder"},
        {"id": "user/-/label/climate", "type": "tag", "unread_count": 4},
        {"id": "user/-/label/Storyline 9: Spain floods", "type": "tag"}]}
    counts = unread_count_json([UnreadCountView(FeedStream(source_id=3), 2, PUBLISHED),
                                UnreadCountView(READING_LIST, 5, PUBLISHED),
                                UnreadCountView(LabelStream("World"), 0)])
    assert counts == {"max": 5, "unreadcounts": [
        {"id": "feed/3", "count": 2, "newestItemTimestampUsec": "1772366400000000"},
        {"id": "user/-/state/com.google/reading-list", "count": 5,
         "newestItemTimestampUsec": "1772366400000000"},
        {"id": "user/-/label/World", "count": 0, "newestItemTimestampUsec": "0"}]}
    assert user_info_json(user_id=7, user_name="ana") == {
        "userId": "7", "userName": "ana", "userProfileId": "7", "userEmail": "",
        "isBloggerUser": False, "isMultiLoginEnabled": False}


def test_stream_pages_and_item_ids():
    page = stream_contents_json(stream=FeedStream(source_id=3), title="The Example Times",
                                items=[_item()], continuation="abc", updated=PUBLISHED,
                                self_url="https://news.example/api/greader.php/x")
    assert (page["id"], page["updated"], page["continuation"], len(page["items"])) == (
        "feed/3", 1772366400, "abc", 1)
    assert "continuation" not in stream_contents_json(
        stream=READING_LIST, title="", items=[], continuation=None, updated=PUBLISHED)
    assert items_contents_json([_item()], updated=PUBLISHED)["id"] == READING_LIST.id
    ids = item_ids_json([ItemRefView(-1, PUBLISHED, 3), ItemRefView(42, PUBLISHED, 3)],
                        continuation=None, include_stream_ids=True)
    assert ids == {"itemRefs": [
        {"id": "-1", "timestampUsec": "1772366400000000", "directStreamIds": ["feed/3"]},
        {"id": "42", "timestampUsec": "1772366400000000", "directStreamIds": ["feed/3"]}]}


def test_json_is_compact_utf8_and_survives_a_lone_surrogate():
    assert encode_json({"t": "Café/ü"}) == '{"t":"Café/ü"}'.encode()
    assert json.loads(encode_json({"t": "a\ud800b"})) == {"t": "a?b"}
    assert client_login_body("ana/abc") == "SID=ana/abc\nLSID=null\nAuth=ana/abc\n"
    assert OK == b"OK"


def test_the_atom_stream_is_what_newsboat_reads():
    body = atom_stream(stream=FeedStream(source_id=3), title="The Example Times",
                       items=[_item(), _item(num=43, read=False, starred=False, tags=("read",))],
                       continuation="tok", updated=PUBLISHED, html_url="https://example.org/")
    root = ET.fromstring(body)  # well-formed
    ns = {"a": "http://www.w3.org/2005/Atom", "gr": "http://www.google.com/schemas/reader/atom/"}
    assert root.find("gr:continuation", ns).text == "tok"
    entries = root.findall("a:entry", ns)
    assert [e.find("a:id", ns).text for e in entries] == [
        "tag:google.com,2005:reader/item/000000000000002a",
        "tag:google.com,2005:reader/item/000000000000002b"]

    def google_labels(entry):  # what newsboat's atom parser collects
        return [c.get("label") for c in entry.findall("a:category", ns)
                if c.get("scheme") == "http://www.google.com/reader/"]

    assert google_labels(entries[0]) == ["reading-list", "read", "starred", "World", "climate",
                                         "Storyline 9: Spain floods"]
    # the unread one says "fresh"; its tag named "read" carries no scheme, so stays a tag
    assert google_labels(entries[1]) == ["reading-list", "fresh", "World",
                                         "Storyline 9: Spain floods"]
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    assert parsed.entries[0].title == "Floods in Valencia"
    assert parsed.entries[0].link == "https://example.org/a/1"
    assert parsed.entries[0].content[0].value == "<p>Rain &amp; more rain</p>"
    assert parse_item_id(parsed.entries[1].id) == 43


def test_hostile_text_still_makes_well_formed_atom():
    item = _item(title="a\x00b\x1b<c>&\"'", summary_html="]]><x\x0c>", author="<\ufffe>")
    body = atom_stream(stream=READING_LIST, title="\x07", items=[item], continuation=None,
                       updated=PUBLISHED)
    entry = ET.fromstring(body).find("{http://www.w3.org/2005/Atom}entry")
    assert entry.find("{http://www.w3.org/2005/Atom}title").text == "ab<c>&\"'"


def _store_page(items, query):
    """A keyset read the way the store will do it: after the cursor, in the query's order."""
    newest_first = query.order is Order.NEWEST_FIRST
    ordered = sorted(items, key=lambda item: item.cursor, reverse=newest_first)
    if query.after is not None:
        ordered = [item for item in ordered
                   if (item.cursor < query.after if newest_first else item.cursor > query.after)]
    return ordered[:query.count], len(ordered) > query.count


def _read_all(items_now, order, arrivals=()):
    seen, token, arrivals = [], None, list(arrivals)
    while True:
        params = {"s": ["feed/3"], "n": ["3"], "r": [order]}
        if token:
            params["c"] = [token]
        query = parse_stream_query(params, signer=SIGNER)
        page, has_more = _store_page(items_now, query)
        seen += [item.num for item in page]
        token = page_continuation(SIGNER, query, page[-1].cursor if page else None,
                                  has_more=has_more)
        if arrivals:
            items_now.append(arrivals.pop())  # an item arrives between two pages
        if token is None:
            return seen


def test_paging_is_stable_when_items_arrive_meanwhile():
    base = [_item(num=n, published=PUBLISHED + timedelta(minutes=n // 2)) for n in range(1, 11)]
    newer = [_item(num=100 + n, published=PUBLISHED + timedelta(days=1, minutes=n))
             for n in range(3)]
    seen = _read_all(list(base), "d", arrivals=newer)
    assert sorted(seen) == list(range(1, 11))  # every old item once, none twice
    assert seen == sorted(seen, key=lambda n: (PUBLISHED + timedelta(minutes=n // 2), n),
                          reverse=True)
    seen = _read_all(list(base), "o")
    assert seen == list(range(1, 11))


def test_the_last_page_has_no_continuation():
    query = parse_stream_query({}, signer=SIGNER)
    assert page_continuation(SIGNER, query, Cursor(1, 1), has_more=False) is None
    assert page_continuation(SIGNER, query, None, has_more=True) is None
    token = page_continuation(SIGNER, query, Cursor(1, 1), has_more=True)
    assert SIGNER.read(token, query.request_key) == Cursor(1, 1)


def test_the_token_body_has_no_newline():
    assert token_body("abc") == b"abc"
