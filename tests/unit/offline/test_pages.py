"""Article pages fetched from a real loopback server: statuses, politeness, limits."""

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsdesk.config import FetchSettings
from newsdesk.models import Article
from newsdesk.offline import pages
from newsdesk.offline.fulltext import EXTRACTOR, PAYWALL, VIDEO
from newsdesk.offline.pages import NO_URL, fetch_full_texts
from tests.feedserver import FeedServer, Route

PAGES = Path(__file__).parents[2] / "fixtures" / "pages"
HTML = "text/html; charset=utf-8"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def _article(n: int, url: str | None, text: str = "A two-line summary.") -> Article:
    when = datetime(2026, 12, 1, tzinfo=UTC)
    return Article(id=f"a{n}", source_id=1, outlet="o", guid=None, url=url, title=f"T{n}",
                   authors=(), published=when, updated=None, first_seen=when,
                   summary_html=f"<p>{text}</p>", content_html="", text=text)


def run(articles, settings=None, **kw):
    got = []
    hosts = kw.pop("private_hosts", frozenset({"127.0.0.1"}))
    fetch_full_texts(articles, settings=settings, on_result=got.append, private_hosts=hosts, **kw)
    return {f.article_id: f for f in got}


def test_an_article_page_is_fetched_and_extracted(feed_server):
    feed_server.routes["/a"] = Route(body=page("article.html"), content_type=HTML,
                                     headers={"Set-Cookie": "track=1; Path=/"})
    feed_server.routes["/b"] = Route(body=page("cp1252.html"), content_type="text/html")
    got = run([_article(1, feed_server.url("/a")), _article(2, feed_server.url("/b"))])
    first = got["a1"]
    assert (first.status, first.reason, first.extractor) == ("extracted", "", EXTRACTOR)
    assert first.url == feed_server.url("/a") and first.word_count > 300
    assert first.text.startswith("Millbrook's town council") and "<p>" in first.html
    assert "Hélène" in got["a2"].text  # decoded by its meta tag: the header named no charset
    seen = [r.headers for r in feed_server.requests]
    assert all(h["accept"].startswith("text/html") for h in seen)
    assert all("cookie" not in h for h in seen)


@pytest.mark.parametrize(("route", "status", "reason"), [
    (Route(status=404, body=b"gone", content_type=HTML), "failed",
     "The server answered 404 Not Found."),
    (Route(status=410, body=b"gone", content_type=HTML), "failed", "The server answered 410 Gone."),
    (Route(status=500, body=b"oops", content_type=HTML), "failed",
     "The server answered 500 Internal Server Error."),
    (Route(status=402, body=b"pay", content_type=HTML), "kept_summary",
     "The page asks for payment (HTTP 402): kept the feed's summary."),
    (Route(status=403, body=b"no", content_type=HTML), "kept_summary",
     "The page needs a login or refused NewsDesk (HTTP 403): kept the feed's summary."),
    (Route(status=401, body=b"no", content_type=HTML), "kept_summary",
     "The page needs a login or refused NewsDesk (HTTP 401): kept the feed's summary."),
    (Route(body=b"%PDF-1.7\n", content_type="application/pdf"), "not_article",
     "The address is a PDF, not a page."),
    (Route(body=b"\0\0", content_type="video/mp4"), "not_article",
     "The address is a video, not a page."),
    (Route(body=b"\x89PNG", content_type="image/png"), "not_article",
     "The address is an image, not a page."),
    (Route(body=b'{"a": 1}', content_type="application/json"), "not_article",
     "The address gives application/json, not a page."),
    (Route(body=page("paywall.html"), content_type=HTML), "kept_summary", PAYWALL),
    (Route(body=page("video.html"), content_type=HTML), "not_article", VIDEO),
])
def test_what_a_page_gives(feed_server, route, status, reason):
    feed_server.routes["/p"] = route
    got = run([_article(1, feed_server.url("/p"))])["a1"]
    assert (got.status, got.reason, got.html, got.text) == (status, reason, "", "")


def test_html_sent_as_plain_text_is_still_read(feed_server):
    feed_server.routes["/p"] = Route(body=page("article.html"), content_type="text/plain")
    assert run([_article(1, feed_server.url("/p"))])["a1"].status == "extracted"


def test_a_redirect_is_followed_and_the_final_address_kept(feed_server):
    feed_server.routes["/a"] = Route(body=page("article.html"), content_type=HTML)
    feed_server.routes["/short/1"] = Route(status=301, redirect=feed_server.url("/a"))
    got = run([_article(1, feed_server.url("/short/1"))])["a1"]
    assert got.status == "extracted" and got.url == feed_server.url("/a")


def test_a_slow_page_times_out(feed_server):
    feed_server.routes["/slow"] = Route(body=page("article.html"), content_type=HTML, delay=3)
    started = time.monotonic()
    got = run([_article(1, feed_server.url("/slow"))], FetchSettings(total_timeout=0.5))["a1"]
    assert time.monotonic() - started < 2.5
    assert got.status == "failed" and "took longer than 0.5 s" in got.reason


def test_a_page_over_the_cap_stops_there(feed_server, monkeypatch):
    monkeypatch.setattr(pages, "MAX_PAGE_BYTES", 2 * 1024 * 1024)
    feed_server.routes["/big"] = Route(body=b"<html><body>" + b"x" * (3 * 1024 * 1024),
                                       content_type=HTML)
    got = run([_article(1, feed_server.url("/big"))])["a1"]
    assert (got.status, got.reason) == ("failed", "The page is larger than 2 MB.")


def test_one_page_at_a_time_per_server_and_servers_in_parallel(feed_server):
    other = FeedServer().start()
    started: dict[str, list[float]] = {"first": [], "other": []}

    def route(name):
        def answer():
            started[name].append(time.monotonic())
            return Route(body=page("cp1252.html"), content_type=HTML, delay=0.2)
        return answer

    try:
        for name, server in (("first", feed_server), ("other", other)):
            for i in range(4):
                server.routes[f"/{i}"] = route(name)
        articles = [_article(10 * k + i, server.url(f"/{i}"))
                    for k, server in enumerate((feed_server, other)) for i in range(4)]
        got = run(articles)
    finally:
        other.stop()
    assert len(got) == 8 and {f.status for f in got.values()} == {"extracted"}
    assert feed_server.max_active == 1 and other.max_active == 1
    # the servers were not taken one after the other: the second began before the first ended
    assert min(started["other"]) < max(started["first"])


def test_stopping_starts_no_more_pages(feed_server):
    for i in range(5):
        feed_server.routes[f"/{i}"] = Route(body=page("cp1252.html"), content_type=HTML)
    got = []

    fetch_full_texts([_article(i, feed_server.url(f"/{i}")) for i in range(5)],
                     on_result=got.append, should_stop=lambda: len(got) >= 2,
                     private_hosts=frozenset({"127.0.0.1"}))
    assert len(got) == 2 and len(feed_server.requests) == 2


def test_an_article_without_an_address_fails_with_a_reason():
    got = run([_article(1, None), _article(2, "ftp://x.example/a")])
    assert {(f.status, f.reason) for f in got.values()} == {("failed", NO_URL)}


def test_a_private_address_that_is_not_a_subscribed_host_is_refused(feed_server):
    feed_server.routes["/a"] = Route(body=page("article.html"), content_type=HTML)
    got = run([_article(1, feed_server.url("/a"))], private_hosts=frozenset())["a1"]
    assert got.status == "failed" and "local or private network address" in got.reason
    assert feed_server.requests == []


def test_an_error_in_on_result_stops_the_run_and_is_raised(feed_server):
    for i in range(3):
        feed_server.routes[f"/{i}"] = Route(body=page("cp1252.html"), content_type=HTML)

    def broken(fulltext):
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        fetch_full_texts([_article(i, feed_server.url(f"/{i}")) for i in range(3)],
                         on_result=broken, private_hosts=frozenset({"127.0.0.1"}))
    assert len(feed_server.requests) == 1
