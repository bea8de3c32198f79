import asyncio
import gzip
import socket
import zlib

import brotli
import httpx
import pytest

from newsdesk import __version__
from newsdesk.config import FetchSettings
from newsdesk.ingest.fetch import Fetcher, classify_error, fetch_one, parse_retry_after
from tests.conftest import fixture_bytes
from tests.feedserver import QuietHandler, Route

RSS = fixture_bytes("rss20.xml")


def fetch(url, settings=None, **kw):
    return asyncio.run(fetch_one(url, settings, **kw))


def test_plain_fetch_sends_identity_and_no_cookies(feed_server):
    feed_server.routes["/feed"] = Route(body=RSS, headers={"Set-Cookie": "track=1; Path=/"})
    first = fetch(feed_server.url("/feed"))
    assert first.error is None and first.body == RSS and first.status_code == 200
    seen = feed_server.hits("/feed")[0].headers
    assert seen["user-agent"].startswith(f"NewsDesk/{__version__}")
    assert "gzip" in seen["accept-encoding"] and "br" in seen["accept-encoding"]

    async def twice():
        async with Fetcher() as fetcher:
            await fetcher.fetch(feed_server.url("/feed"))
            await fetcher.fetch(feed_server.url("/feed"))
    asyncio.run(twice())
    assert all("cookie" not in r.headers for r in feed_server.requests)


def test_etag_gives_304(feed_server):
    feed_server.routes["/feed"] = Route(body=RSS, etag='"v1"')
    first = fetch(feed_server.url("/feed"))
    assert first.etag == '"v1"'
    second = fetch(feed_server.url("/feed"), etag=first.etag)
    assert second.not_modified and second.body is None
    assert feed_server.hits("/feed")[1].headers["if-none-match"] == '"v1"'


def test_last_modified_gives_304(feed_server):
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"
    feed_server.routes["/feed"] = Route(body=RSS, last_modified=stamp)
    first = fetch(feed_server.url("/feed"))
    second = fetch(feed_server.url("/feed"), last_modified=first.last_modified)
    assert second.not_modified
    assert feed_server.hits("/feed")[1].headers["if-modified-since"] == stamp


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "br"])
def test_compressed_bodies(feed_server, encoding):
    packed = {
        "gzip": gzip.compress(RSS),
        "deflate": zlib.compress(RSS),
        "raw-deflate": zlib.compress(RSS)[2:-4],
        "br": brotli.compress(RSS),
    }[encoding]
    name = "deflate" if encoding == "raw-deflate" else encoding
    feed_server.routes["/feed"] = Route(body=packed, raw_encoding=name)
    result = fetch(feed_server.url("/feed"))
    assert result.error is None
    assert result.body == RSS


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compression_bomb_stops_at_the_cap(feed_server, encoding):
    zeros = b"\0" * (64 * 1024 * 1024)
    packed = gzip.compress(zeros, 9) if encoding == "gzip" else brotli.compress(zeros)
    assert len(packed) < 200_000
    feed_server.routes["/bomb"] = Route(body=packed, raw_encoding=encoding)
    result = fetch(feed_server.url("/bomb"), FetchSettings(max_body_bytes=1024 * 1024))
    assert result.error.kind == "too_large"


def test_oversized_plain_body(feed_server):
    feed_server.routes["/big"] = Route(body=b"x" * (2 * 1024 * 1024))
    result = fetch(feed_server.url("/big"), FetchSettings(max_body_bytes=1024 * 1024))
    assert result.error.kind == "too_large"


def test_permanent_redirects_report_the_new_url(feed_server):
    feed_server.routes["/old"] = Route(status=301, redirect="/middle")
    feed_server.routes["/middle"] = Route(status=308, redirect=feed_server.url("/new"))
    feed_server.routes["/new"] = Route(body=RSS)
    result = fetch(feed_server.url("/old"))
    assert result.body == RSS
    assert result.permanent_url == feed_server.url("/new")
    assert result.final_url == feed_server.url("/new")


def test_temporary_redirect_keeps_the_url(feed_server):
    feed_server.routes["/old"] = Route(status=301, redirect="/tmp")
    feed_server.routes["/tmp"] = Route(status=302, redirect="/new")
    feed_server.routes["/new"] = Route(body=RSS)
    result = fetch(feed_server.url("/old"))
    assert result.body == RSS
    assert result.permanent_url == feed_server.url("/tmp")  # only the permanent prefix counts


def test_redirect_loop_is_an_error(feed_server):
    feed_server.routes["/a"] = Route(status=302, redirect="/b")
    feed_server.routes["/b"] = Route(status=302, redirect="/a")
    result = fetch(feed_server.url("/a"))
    assert result.error.kind == "too_many_redirects"
    assert len(feed_server.requests) == 6


@pytest.mark.parametrize("status", [404, 410, 500, 502])
def test_http_errors(feed_server, status):
    feed_server.routes["/feed"] = Route(status=status, body=b"nope")
    result = fetch(feed_server.url("/feed"))
    assert result.error.kind == "http"
    assert result.error.status == status
    assert str(status) in str(result.error)


@pytest.mark.parametrize(("status", "header", "expected"), [(429, "120", 120.0), (503, "30", 30.0)])
def test_retry_after_is_read(feed_server, status, header, expected):
    feed_server.routes["/feed"] = Route(status=status, headers={"Retry-After": header})
    result = fetch(feed_server.url("/feed"))
    assert result.error.retry_after == expected


def test_slow_server_times_out(feed_server):
    feed_server.routes["/slow"] = Route(body=RSS, delay=2.0)
    result = fetch(feed_server.url("/slow"), FetchSettings(total_timeout=0.5))
    assert result.error.kind == "timeout"


def test_trickling_body_hits_the_total_timeout(feed_server):
    feed_server.routes["/trickle"] = Route(body=RSS * 4, chunk_delay=0.2)
    result = fetch(feed_server.url("/trickle"), FetchSettings(total_timeout=0.6))
    assert result.error.kind == "timeout"


def test_refused_connection(feed_server):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = fetch(f"http://127.0.0.1:{port}/feed")
    assert result.error.kind == "connect"


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "not a url", "http://"])
def test_invalid_urls(url):
    assert fetch(url).error.kind == "invalid_url"


def test_dns_failure_is_classified():
    try:
        raise httpx.ConnectError("failed") from socket.gaierror(-2, "Name or service not known")
    except httpx.ConnectError as exc:
        error = classify_error(exc, "https://nowhere.invalid/feed")
    assert error.kind == "dns"
    assert "nowhere.invalid" in str(error)


def test_per_host_limit_is_respected(feed_server):
    for i in range(6):
        feed_server.routes[f"/f{i}"] = Route(body=RSS, delay=0.3)

    async def all_at_once():
        async with Fetcher(FetchSettings(per_host=2, max_concurrency=16)) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(feed_server.url(f"/f{i}")) for i in range(6)))
    results = asyncio.run(all_at_once())
    assert all(r.error is None for r in results)
    assert feed_server.max_active == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [("60", 60.0), ("0", 0.0), (None, None), ("soon", None), ("99999999", 7 * 24 * 3600.0),
     ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


def test_untrusted_certificate_is_a_tls_error(tmp_path):
    """A real TLS server on loopback with a self-signed certificate."""
    import shutil
    import ssl
    import subprocess
    import threading
    from http.server import HTTPServer

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)

    class Handler(QuietHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()

    server = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = fetch(f"https://127.0.0.1:{server.server_address[1]}/feed")
    finally:
        server.shutdown()
        server.server_close()
    assert result.error.kind == "tls"
    assert "127.0.0.1" in str(result.error)


@pytest.fixture
def other_server():
    from tests.feedserver import FeedServer

    server = FeedServer().start()
    yield server
    server.stop()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_validators_are_not_sent_to_another_origin(feed_server, other_server, status):
    feed_server.routes["/feed"] = Route(status=status, redirect=other_server.url("/moved"))
    other_server.routes["/moved"] = Route(body=RSS, etag='"theirs"',
                                          last_modified="Wed, 21 Oct 2015 07:28:00 GMT")
    result = fetch(feed_server.url("/feed"), etag='"ours"',
                   last_modified="Tue, 20 Oct 2015 07:28:00 GMT")
    assert result.body == RSS
    sent = feed_server.hits("/feed")[0].headers
    assert sent["if-none-match"] == '"ours"'
    assert sent["if-modified-since"] == "Tue, 20 Oct 2015 07:28:00 GMT"
    moved = other_server.hits("/moved")[0].headers
    assert "if-none-match" not in moved and "if-modified-since" not in moved
    permanent = status in (301, 308)
    # The other origin's validators are kept only when the next fetch goes straight to it.
    assert (result.etag, result.last_modified) == (
        ('"theirs"', "Wed, 21 Oct 2015 07:28:00 GMT") if permanent else (None, None))


def test_validators_stay_on_a_same_origin_redirect(feed_server, other_server):
    feed_server.routes["/feed"] = Route(status=302, redirect="/here")
    feed_server.routes["/here"] = Route(status=302, redirect=other_server.url("/there"))
    other_server.routes["/there"] = Route(status=302, redirect=feed_server.url("/back"))
    feed_server.routes["/back"] = Route(body=RSS)
    result = fetch(feed_server.url("/feed"), etag='"ours"')
    assert result.body == RSS
    assert feed_server.hits("/here")[0].headers["if-none-match"] == '"ours"'
    assert "if-none-match" not in other_server.hits("/there")[0].headers
    assert "if-none-match" not in feed_server.hits("/back")[0].headers  # once dropped, gone


def _strict_fetch(url, **kw):
    async def run():
        async with Fetcher(FetchSettings(), same_host_redirects=True, **kw) as fetcher:
            return await fetcher.fetch(url)
    return asyncio.run(run())


def test_strict_fetcher_refuses_private_addresses(feed_server):
    feed_server.routes["/img.png"] = Route(body=b"png", content_type="image/png")
    for url in (feed_server.url("/img.png"), f"http://localhost:{feed_server.port}/img.png"):
        result = _strict_fetch(url, allow_private=False)
        assert result.error.kind == "invalid_url"
        assert "local or private network address" in str(result.error)
    assert feed_server.requests == []
    allowed = _strict_fetch(feed_server.url("/img.png"), allow_private=False,
                            private_hosts=frozenset({"127.0.0.1"}))
    assert allowed.body == b"png"


def test_strict_fetcher_refuses_a_redirect_to_another_host(feed_server):
    feed_server.routes["/a.png"] = Route(status=302, redirect=f"http://localhost:{feed_server.port}/b.png")
    feed_server.routes["/c.png"] = Route(status=302, redirect="/b.png")
    feed_server.routes["/b.png"] = Route(body=b"png", content_type="image/png")
    result = _strict_fetch(feed_server.url("/a.png"))
    assert result.error.kind == "invalid_url" and "redirected to another host" in str(result.error)
    assert feed_server.hits("/b.png") == []
    assert _strict_fetch(feed_server.url("/c.png")).body == b"png"


def test_max_bytes_lowers_the_cap_for_one_fetch(feed_server):
    feed_server.routes["/big"] = Route(body=b"x" * 5000, content_type="image/png")

    async def run():
        async with Fetcher() as fetcher:
            return (await fetcher.fetch(feed_server.url("/big"), max_bytes=4999),
                    await fetcher.fetch(feed_server.url("/big"), max_bytes=5000))
    small, enough = asyncio.run(run())
    assert small.error.kind == "too_large" and enough.body == b"x" * 5000
