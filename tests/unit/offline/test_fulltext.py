"""The article in a page: extraction, not-articles, paywalls, charsets, hostile input."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.models import Article
from newsdesk.offline import fulltext
from newsdesk.offline.fulltext import (
    LISTING,
    PAYWALL,
    SHORTER,
    VIDEO,
    decode_page,
    extract,
    needs_full_text,
)

PAGES = Path(__file__).parents[2] / "fixtures" / "pages"
URL = "https://courier.example/news/2026/12/01/flood-wall-vote"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def _article(*, content: str = "", summary: str = "<p>x</p>", text: str = "",
             url: str | None = "https://o.example/1") -> Article:
    when = datetime(2026, 12, 1, tzinfo=UTC)
    return Article(id="a1", source_id=1, outlet="o", guid=None, url=url, title="T", authors=(),
                   published=when, updated=None, first_seen=when, summary_html=summary,
                   content_html=content, text=text)


def test_a_news_article_is_extracted_without_its_page_around_it():
    got = extract(page("article.html"), URL)
    assert got.status == "extracted" and got.reason == ""
    assert got.title == "River town votes to rebuild its flood wall"
    assert got.text.startswith("Millbrook's town council voted on Monday night")  # no h1
    assert "public exhibition of the designs opens at the library" in got.text
    for chrome in ("Advertisement", "Politics", "Privacy", "About time.", "Related",
                   "Flood insurance premiums rise again", "dataLayer"):
        assert chrome not in got.text, chrome
    assert got.word_count == len(got.text.split()) > 300
    # images and links are absolute, the markup is the feeds' allowlist
    assert '<img' in got.html and 'src="https://courier.example/images/2026/12/flood-wall.jpg"' in got.html
    assert "<h2>Shops still counting the cost</h2>" in got.html
    assert "<blockquote>" in got.html and "<table>" in got.html
    assert "<script" not in got.html and "<html" not in got.html
    assert "class=" not in got.html.replace('class="newsdesk-embed"', "")


def test_a_player_in_the_article_becomes_a_card_after_the_text():
    got = extract(page("article.html"), URL)
    assert got.html.endswith(
        '<div class="newsdesk-embed"><p><b>Video</b> · <a href="https://www.youtube.com/watch?v='
        'abc123XYZ_0" rel="noopener noreferrer">Millbrook flood, February 2026</a> · youtube.com'
        "</p></div>")
    assert got.html.count("newsdesk-embed") == 1


def test_a_page_marked_not_free_keeps_the_feeds_summary():
    got = extract(page("paywall.html"), "https://ledger.example/markets/bonds")
    assert (got.status, got.reason, got.html) == ("kept_summary", PAYWALL, "")
    assert got.title == "Inside the bond market's worst week since 2022"


def test_a_short_page_that_asks_to_subscribe_is_a_paywall():
    body = page("paywall.html").replace(b'"isAccessibleForFree": false', b'"x": 1')
    got = extract(body, "https://ledger.example/markets/bonds")
    assert (got.status, got.reason) == ("kept_summary", PAYWALL)


def test_a_page_with_less_than_the_feed_keeps_the_feeds_version():
    feed = " ".join(["word"] * 2000)
    got = extract(page("article.html"), URL, feed_text=feed)
    assert (got.status, got.reason) == ("kept_summary", SHORTER)
    assert extract(page("article.html"), URL, feed_text="A short summary.").status == "extracted"


@pytest.mark.parametrize(("name", "url", "reason"), [
    ("video.html", "https://news.channelnine.example/video/88121", VIDEO),
    ("home.html", "https://courier.example/", LISTING),
    ("article.html", "https://www.youtube.com/watch?v=abc", VIDEO),  # a video host
])
def test_pages_that_are_not_articles_are_told_apart(name, url, reason):
    got = extract(page(name), url)
    assert (got.status, got.reason, got.text, got.html) == ("not_article", reason, "", "")


def test_a_windows_1252_page_is_decoded_by_its_meta_declaration():
    got = extract(page("cp1252.html"), "https://gazette.example/port")
    assert got.status == "extracted"
    assert "« On n’y croyait plus », confie Hélène" in got.text  # spaces: html_to_text's
    assert "212 000 €" in got.text and "\ufffd" not in got.text


@pytest.mark.parametrize(("body", "content_type", "text"), [
    ("<p>café</p>".encode("utf-8-sig"), "", "<p>café</p>"),
    ("<p>café</p>".encode("utf-16"), "", "<p>café</p>"),
    ("<p>café</p>".encode("cp1252"), "text/html; charset=ISO-8859-1", "<p>café</p>"),
    ("<p>café</p>".encode(), "text/html; charset=utf-8", "<p>café</p>"),
    ("<p>caf\u00e9 \u2019</p>".encode("cp1252"), "", "<p>caf\u00e9 \u2019</p>"),  # not UTF-8
    ('<meta charset="koi8-r"><p>мир</p>'.encode("koi8-r"), "", '<meta charset="koi8-r"><p>мир</p>'),
    (b'<meta charset="rot13"><p>x</p>', "", '<meta charset="rot13"><p>x</p>'),  # not a text codec
    (b'<meta charset="no-such"><p>\xff</p>', "", '<meta charset="no-such"><p>\u00ff</p>'),
])
def test_charsets(body, content_type, text):
    assert decode_page(body, content_type) == text


def test_the_http_header_wins_over_the_meta_tag():
    body = '<meta charset="utf-8"><p>café</p>'.encode("cp1252")
    assert "café" in decode_page(body, "text/html; charset=windows-1252")


def test_hostile_html_comes_out_inert():
    got = extract(page("hostile.html"), "https://hostile.example/a")
    assert got.status == "extracted"
    lowered = got.html.lower()
    for bad in ("<script", "javascript:", "data:", "onerror", "onload", "onclick", "onmouseover",
                "style=", "<svg", "<math", "<form", "<input", "<iframe", "<object", "<embed",
                "srcdoc", "pixel.wp.com", "evil.example/track", "alert(1"):
        assert bad not in lowered, bad
    assert '<a href="https://ok.example/page" rel="noopener noreferrer">' in got.html
    assert "ordinary text so that the extractor finds something" in got.text


@pytest.mark.parametrize("junk", [b"", b"   ", b"\x00\x00\x00", b"%PDF-1.7\n%\xe2\xe3", b"<<<>>>",
                                  b"<html>" * 10_000, b"<div>" * 50_000 + b"deep",
                                  b'<script type="application/ld+json">' + b"[" * 100_000])
def test_junk_never_raises(junk):
    got = extract(junk, "https://x.example/")
    assert got.status in ("not_article", "failed", "kept_summary", "extracted")
    assert got.status == "extracted" or got.reason


def test_an_error_inside_the_library_is_one_failed_result(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(fulltext, "_signals", broken)
    got = extract(page("article.html"), URL)
    assert (got.status, got.reason) == ("failed", fulltext.UNREADABLE)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes_never_raise(data):
    got = extract(data, "https://x.example/a")
    assert got.status in ("not_article", "failed", "kept_summary", "extracted")


_TAGS = st.sampled_from(["<p>", "</p>", "<a href='/x'>", "</a>", "<meta charset='cp1252'>",
                         "<script>", "</script>", "<iframe src='//y'>", "<![CDATA[", "<!--",
                         "<svg>", "<body>", "<html>", "\x00", "&#0;", "&", "\ud800"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_TAGS, st.text(max_size=40)), max_size=60))
def test_any_markup_never_raises(parts):
    text = "".join(parts)
    assert extract(text, "https://x.example/a").status
    assert extract(text.encode("utf-8", "surrogatepass"), "https://x.example/a").status


@pytest.mark.parametrize(("article", "needed"), [
    (_article(content="", summary="<p>Two lines.</p>", text="Two lines."), True),
    (_article(content="<p>x</p>", text="word " * 149), True),
    (_article(content="<p>x</p>", text="word " * 400), False),
    (_article(content="<p>x</p>", text="word " * 400 + "Continue reading..."), True),
    (_article(content="<p>x</p>", text="word " * 400 + "Read more"), True),
    (_article(content="<p>x</p>", text="word " * 400 + "Read full article »"), True),
    (_article(content="<p>x</p>", text="word " * 400 + "and so on […]"), True),
    (_article(content="<p>x</p>", text="word " * 400 + "and so on…"), True),
    (_article(content="<p>x</p>", text="word " * 400 + "Read more about it in our guide."), False),
    (_article(content="", url=None), False),  # nothing to fetch
    (_article(content="", url="mailto:x@o.example"), False),
])
def test_needs_full_text(article, needed):
    assert needs_full_text(article) is needed


def test_the_extractor_is_named_with_its_version():
    assert fulltext.EXTRACTOR.startswith("trafilatura 2.")
