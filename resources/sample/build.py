"""Render corpus.toml into the sample feed files beside it (run after editing the corpus).

    python resources/sample/build.py

Each outlet gets a different real format, so loading the sample exercises every parser path.
stories.json records which sample articles report the same event (for clustering tests).
"""

from __future__ import annotations

import json
import sys
import tomllib
from datetime import datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTENT_TYPES = {
    "rss20": "application/rss+xml",
    "rss10": "application/rdf+xml",
    "atom10": "application/atom+xml",
    "json11": "application/feed+json",
}


def _date(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _summary(body: str) -> str:
    first = body.split("</p>", 1)[0]
    return " ".join(first.replace("<p>", "").split())


def _plain(fragment: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", fragment)


def _url(outlet: dict, article: dict) -> str:
    return outlet["site_url"] + article["slug"]


def render_rss20(outlet: dict, articles: list[dict]) -> str:
    items = []
    for a in articles:
        url = _url(outlet, a)
        cats = "".join(f"\n      <category>{escape(c)}</category>" for c in a["categories"])
        items.append(f"""    <item>
      <title>{escape(a['title'])}</title>
      <link>{escape(url)}</link>
      <guid isPermaLink="true">{escape(url)}</guid>
      <pubDate>{format_datetime(_date(a['date']), usegmt=True)}</pubDate>
      <dc:creator>{escape(a['author'])}</dc:creator>{cats}
      <description>{escape(_plain(_summary(a['body'])))}</description>
      <content:encoded><![CDATA[{a['body']}]]></content:encoded>
    </item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{escape(outlet['title'])}</title>
    <link>{outlet['site_url']}</link>
    <description>{escape(outlet['description'])}</description>
    <language>en</language>
{chr(10).join(items)}
  </channel>
</rss>
"""


def render_atom10(outlet: dict, articles: list[dict]) -> str:
    entries = []
    host = outlet["site_url"].split("/")[2]
    for a in articles:
        url = _url(outlet, a)
        cats = "".join(f'\n    <category term="{escape(c)}"/>' for c in a["categories"])
        entries.append(f"""  <entry>
    <title>{escape(a['title'])}</title>
    <link rel="alternate" type="text/html" href="{escape(url)}"/>
    <id>tag:{host},2026:{a['slug']}</id>
    <published>{a['date']}</published>
    <updated>{a['date']}</updated>
    <author><name>{escape(a['author'])}</name></author>{cats}
    <summary>{escape(_plain(_summary(a['body'])))}</summary>
    <content type="html">{escape(a['body'])}</content>
  </entry>""")
    updated = max(a["date"] for a in articles)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>{escape(outlet['title'])}</title>
  <subtitle>{escape(outlet['description'])}</subtitle>
  <link rel="alternate" type="text/html" href="{outlet['site_url']}"/>
  <link rel="self" href="{outlet['feed_url']}"/>
  <id>tag:{host},2026:feed</id>
  <updated>{updated}</updated>
{chr(10).join(entries)}
</feed>
"""


def render_json11(outlet: dict, articles: list[dict]) -> str:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet["title"],
        "description": outlet["description"],
        "home_page_url": outlet["site_url"],
        "feed_url": outlet["feed_url"],
        "language": "en",
        "items": [{
            "id": _url(outlet, a),
            "url": _url(outlet, a),
            "title": a["title"],
            "summary": _plain(_summary(a["body"])),
            "content_html": a["body"],
            "date_published": a["date"],
            "authors": [{"name": a["author"]}],
            "tags": a["categories"],
        } for a in articles],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_rss10(outlet: dict, articles: list[dict]) -> str:
    seq = "\n".join(f'        <rdf:li rdf:resource="{escape(_url(outlet, a))}"/>' for a in articles)
    items = []
    for a in articles:
        url = _url(outlet, a)
        subjects = "".join(f"\n    <dc:subject>{escape(c)}</dc:subject>" for c in a["categories"])
        items.append(f"""  <item rdf:about="{escape(url)}">
    <title>{escape(a['title'])}</title>
    <link>{escape(url)}</link>
    <description>{escape(_plain(_summary(a['body'])))}</description>
    <content:encoded><![CDATA[{a['body']}]]></content:encoded>
    <dc:date>{a['date']}</dc:date>
    <dc:creator>{escape(a['author'])}</dc:creator>{subjects}
  </item>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel rdf:about="{outlet['site_url']}">
    <title>{escape(outlet['title'])}</title>
    <link>{outlet['site_url']}</link>
    <description>{escape(outlet['description'])}</description>
    <items>
      <rdf:Seq>
{seq}
      </rdf:Seq>
    </items>
  </channel>
{chr(10).join(items)}
</rdf:RDF>
"""


RENDERERS = {"rss20": render_rss20, "atom10": render_atom10, "json11": render_json11,
             "rss10": render_rss10}


def build(target: Path = HERE) -> list[Path]:
    corpus = tomllib.loads((HERE / "corpus.toml").read_text("utf-8"))
    written = []
    manifest = []
    stories: dict[str, list[str]] = {}
    for outlet in corpus["outlet"]:
        mine = sorted((a for a in corpus["article"] if a["outlet"] == outlet["key"]),
                      key=lambda a: a["date"], reverse=True)
        path = target / outlet["file"]
        path.write_text(RENDERERS[outlet["format"]](outlet, mine), encoding="utf-8")
        written.append(path)
        manifest.append({k: outlet[k] for k in ("key", "title", "site_url", "feed_url", "file")}
                        | {"content_type": CONTENT_TYPES[outlet["format"]]})
        for a in mine:
            if "event" in a:
                stories.setdefault(a["event"], []).append(_url(outlet, a))
    (target / "outlets.json").write_text(
        json.dumps({"note": "Invented sample outlets; see corpus.toml.", "outlets": manifest},
                   indent=2) + "\n", encoding="utf-8")
    (target / "stories.json").write_text(
        json.dumps({k: sorted(v) for k, v in sorted(stories.items())}, indent=2) + "\n",
        encoding="utf-8")
    return [*written, target / "outlets.json", target / "stories.json"]


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
