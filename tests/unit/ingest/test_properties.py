"""Properties of parse -> normalize -> sanitize -> store, over generated input.

Any bytes, any JSON and any structurally valid feed with random text in every field give
articles or a clear ParseError, never another exception; and what is stored reads back.
"""

from __future__ import annotations

import contextlib
import json
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz_target import run_one
from newsdesk.errors import ParseError
from newsdesk.ingest.normalize import normalize_feed
from newsdesk.ingest.parse import parse_feed
from newsdesk.models import ArticleQuery
from newsdesk.store import open_store

FAST = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """One database for all examples: opening one per example would dominate the run time."""
    with open_store(tmp_path_factory.mktemp("prop") / "p.db") as store:
        source, _ = store.sources.add("https://fuzz.example/feed")
        yield store, source


def _store_and_read_back(store, source, body: bytes, content_type: str = "") -> int:
    """Stores what parses; asserts every stored article reads back equal in what we set."""
    try:
        feed = parse_feed(body, url="https://fuzz.example/feed", content_type=content_type)
    except ParseError as exc:
        assert str(exc)  # a sentence, not an empty error
        return 0
    articles = normalize_feed(feed, source)
    saved = store.articles.upsert(articles)
    urls = [a.url for a in articles if a.url]
    for made in articles:
        if made.id not in saved.new_ids or urls.count(made.url) > 1:
            continue  # merged with another row by URL: that row holds the latest content
        stored = store.articles.get(made.id)
        assert (stored.title, stored.url, stored.text, stored.authors, stored.published) == (
            made.title, made.url, made.text, made.authors, made.published)
    store.articles.list(ArticleQuery(source_id=source.id), limit=20)
    store.articles.headlines(ArticleQuery(source_id=source.id), limit=20)
    return len(saved.new_ids)


@FAST
@given(data=st.binary(max_size=2000))
def test_any_bytes(db, data):
    store, source = db
    with contextlib.suppress(ParseError):
        run_one(store, source, data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8),
                                                                     children, max_size=4),
    max_leaves=20)
FIELDS = ["id", "url", "external_url", "title", "content_html", "content_text", "summary",
          "image", "banner_image", "date_published", "date_modified", "authors", "author",
          "tags", "language", "attachments"]
json_items = st.dictionaries(st.sampled_from(FIELDS), json_values | st.text(), max_size=8)


@FAST
@given(doc=st.fixed_dictionaries(
    {"version": st.sampled_from(["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1"]),
     "items": st.lists(json_items, max_size=5)},
    optional={"title": json_values, "home_page_url": json_values, "language": json_values,
              "authors": json_values, "description": json_values}))
def test_any_json_feed(db, doc):
    body = json.dumps(doc).encode()
    store, source = db
    _store_and_read_back(store, source, body, "application/feed+json")


@FAST
@given(doc=json_values)
def test_any_json_document(db, doc):
    store, source = db
    _store_and_read_back(store, source, json.dumps(doc).encode(), "application/json")


# Text as feeds really carry it: any printable characters, entities and char refs
# (including UTF-16 halves), markup.
_ref = st.integers(min_value=1, max_value=0x10FFFF).map(lambda n: f"&#{n};")
_surrogate_ref = st.integers(min_value=0xD800, max_value=0xDFFF).map(lambda n: f"&#{n};")
_piece = st.one_of(st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12).map(escape),
                   _ref, _surrogate_ref, st.sampled_from(["&amp;", "&lt;b&gt;", "&#x1F600;",
                                                          "<![CDATA[<p>x</p>]]>"]))
xml_text = st.lists(_piece, max_size=6).map("".join)
dates = st.one_of(xml_text, st.sampled_from([
    "Mon, 01 Jan 0001 00:00:00 GMT", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
    "9999-12-31T23:59:59-12:00", "Tue, 02 Apr 2024 10:00:00 +0200", "2030-01-01T00:00:00Z"]))


def _rss_item(fields: dict[str, str]) -> str:
    attrs = quoteattr(fields["enclosure"])
    return (f"<item><title>{fields['title']}</title><link>{fields['link']}</link>"
            f"<guid>{fields['guid']}</guid><author>{fields['author']}</author>"
            f"<category>{fields['category']}</category><pubDate>{fields['date']}</pubDate>"
            f"<description>{fields['summary']}</description>"
            f"<enclosure url={attrs} length={quoteattr(fields['length'])} type='audio/mpeg'/>"
            f"</item>")


def _atom_entry(fields: dict[str, str]) -> str:
    return (f"<entry><title type='html'>{fields['title']}</title>"
            f"<link href={quoteattr(fields['link'])}/><id>{fields['guid']}</id>"
            f"<author><name>{fields['author']}</name></author>"
            f"<category term={quoteattr(fields['category'])}/><updated>{fields['date']}</updated>"
            f"<content type='html'>{fields['summary']}</content></entry>")


links = st.one_of(xml_text, st.sampled_from(["https://x.example/a?q=&#55357;", "/rel", "",
                                             "javascript:alert(1)", "https://x.example:99999/"]))
item_fields = st.fixed_dictionaries({
    "title": xml_text, "link": links, "guid": xml_text, "author": xml_text,
    "category": xml_text, "date": dates, "summary": xml_text, "enclosure": links,
    "length": st.sampled_from(["", "12", "\u00b2", "9" * 400, "-1"])})


@FAST
@given(kind=st.sampled_from(["rss", "atom"]), title=xml_text, ttl=st.sampled_from(
    ["", "60", "9" * 500, "\u00b2", "x"]), items=st.lists(item_fields, max_size=4),
       encoding=st.sampled_from(["utf-8", "bogus", "iso-8859-1"]))
def test_structured_feeds_with_random_text_in_every_field(db, kind, title, ttl,
                                                          items, encoding):
    if kind == "rss":
        body = (f"<?xml version='1.0' encoding='{encoding}'?><rss version='2.0'><channel>"
                f"<title>{title}</title><link>https://x.example/</link><ttl>{ttl}</ttl>"
                + "".join(_rss_item(i) for i in items) + "</channel></rss>")
    else:
        body = (f"<?xml version='1.0' encoding='{encoding}'?><feed xmlns='http://www.w3.org/2005/Atom'>"
                f"<title>{title}</title><link href='https://x.example/'/>"
                + "".join(_atom_entry(i) for i in items) + "</feed>")
    raw = body.encode("utf-8") if encoding != "iso-8859-1" else body.encode("latin-1", "replace")
    store, source = db
    _store_and_read_back(store, source, raw)
