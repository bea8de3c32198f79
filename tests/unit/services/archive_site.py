"""A news site for the archive's tests on the loopback server: a feed that gives summaries
only, and the pages its items link to (an article with an image, a paywalled page, a page
that is gone, a video page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from tests.feedserver import FeedServer, Route

PAGES = Path(__file__).parents[2] / "fixtures" / "pages"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
FLOOD = "River town votes to rebuild its flood wall"
BONDS = "Inside the bond market's worst week since 2022"
GONE = "A story that was taken down"
VIDEO = "Watch: the storm reaches the coast"


@dataclass
class Item:
    title: str
    path: str
    summary: str = "The council met on Monday night. Continue reading..."
    guid: str = ""


@dataclass
class Site:
    """The feed at /news.xml; change `items` (titles, summaries) and the next fetch sees it."""

    server: FeedServer
    items: list[Item] = field(default_factory=list)

    @property
    def feed_url(self) -> str:
        return self.server.url("/news.xml")

    def feed(self) -> bytes:
        entries = "".join(
            f"<item><title>{escape(i.title)}</title><link>{self.server.url(i.path)}</link>"
            f"<guid isPermaLink=\"false\">{escape(i.guid or i.path)}</guid>"
            f"<pubDate>Tue, 01 Dec 2026 09:30:00 GMT</pubDate>"
            f"<description>{escape('<p>' + escape(i.summary) + '</p>')}</description></item>"
            for i in self.items)
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Valley Courier'
                f"</title><link>{self.server.url('/')}</link>{entries}</channel></rss>").encode()


def serve_site(server: FeedServer) -> Site:
    """The site on `server`: four items whose pages are an article (with an image), a
    paywall, a 404 and a video page."""
    site = Site(server, [Item(FLOOD, "/news/flood-wall"), Item(BONDS, "/markets/bonds"),
                         Item(GONE, "/gone"), Item(VIDEO, "/video/storm")])
    html = "text/html; charset=utf-8"
    server.routes["/news.xml"] = lambda: Route(body=site.feed())
    server.routes["/news/flood-wall"] = Route(body=(PAGES / "article.html").read_bytes(),
                                              content_type=html)
    server.routes["/markets/bonds"] = Route(body=(PAGES / "paywall.html").read_bytes(),
                                            content_type=html)
    server.routes["/video/storm"] = Route(body=(PAGES / "video.html").read_bytes(),
                                          content_type=html)
    server.routes["/images/2026/12/flood-wall.jpg"] = Route(body=PNG, content_type="image/png")
    return site
