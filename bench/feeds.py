"""Synthetic but realistic feeds for benchmarks, and a loopback server with latency."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = [
    'court', 'ruling', 'warrant', 'privacy', 'data', 'server', 'cloud', 'company', 'government',
    'judge', 'appeal', 'law', 'network', 'security', 'breach', 'users', 'platform', 'policy',
    'regulator', 'fine', 'market', 'report', 'said', 'according', 'officials', 'investigation',
    'customers', 'statement', 'technology', 'software', 'internet', 'emails', 'stored', 'abroad',
    'contempt', 'order', 'federal', 'agency', 'rights', 'speech', 'encryption', 'the', 'of', 'and',
    'to', 'in', 'a', 'that', 'for', 'on', 'with', 'as', 'by', 'at', 'from', 'is', 'was', 'will',
    'has', 'have', 'it',
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + "."


def make_feed(index: int, items: int = 40, *, seed: int = 7) -> bytes:
    """An RSS 2.0 feed with `items` entries of a few KB of HTML each."""
    rng = random.Random(seed * 100_003 + index)
    host = f"outlet{index}.example"
    start = datetime(2026, 11, 1, tzinfo=UTC)
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
             f'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
             f"<channel><title>Outlet {index}</title><link>https://{host}/</link>"
             f"<description>Synthetic outlet {index}</description>"]
    for n in range(items):
        paragraphs = []
        for p in range(rng.randint(5, 9)):
            text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
            if p == 1:
                text += f' <a href="/related/{n}?utm_source=rss">Related</a>'
            paragraphs.append(f"<p>{text}</p>")
        paragraphs.insert(2, f'<figure><img src="https://cdn.{host}/img/{n}.jpg" width="640" '
                             f'height="360" alt="photo"><figcaption>Photo</figcaption></figure>')
        paragraphs.append(f'<img src="https://pixel.wp.com/g.gif?post={n}" width="1" height="1">')
        body = "".join(paragraphs)
        when = start + timedelta(minutes=index * 7 + n * 53)
        parts.append(
            f"<item><title>{escape(_sentence(rng)[:90])}</title>"
            f"<link>https://{host}/{when:%Y/%m/%d}/story-{n}</link>"
            f'<guid isPermaLink="false">{host}-{n}</guid>'
            f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>"
            f"<category>Policy</category><description>{escape(_sentence(rng))}</description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


class LatencyServer:
    """Serve /feed/N with an ETag from several loopback addresses, after a fixed delay."""

    def __init__(self, feeds: list[bytes], *, latency: float, hosts: int = 30) -> None:
        self.feeds = feeds
        self.latency = latency
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                outer.requests += 1
                time.sleep(outer.latency)
                index = int(self.path.rsplit("/", 1)[-1])
                etag = f'"v1-{index}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                body = outer.feeds[index]
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.servers = []
        for h in range(hosts):
            server = ThreadingHTTPServer((f"127.0.0.{h + 2}", 0), Handler)
            server.daemon_threads = True
            server.request_queue_size = 128
            self.servers.append(server)
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in self.servers]

    def url(self, index: int) -> str:
        server = self.servers[index % len(self.servers)]
        host, port = server.server_address[:2]
        return f"http://{host}:{port}/feed/{index}"

    def __enter__(self) -> LatencyServer:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for s in self.servers:
            s.shutdown()
            s.server_close()
