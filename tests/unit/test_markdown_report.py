"""The Markdown report shows a feed's text as text: no links, headings, HTML or cells of its own."""

from dataclasses import replace

import pytest
from markdown_it import MarkdownIt

from newsdesk.comparison import _md, compare_story, to_markdown
from newsdesk.services.sample import load_sample

HOSTILE_TITLE = "[click](javascript:alert(1)) <img src=x onerror=alert(1)> | cell"


@pytest.mark.parametrize("text", [
    "[click](javascript:alert(1))", "# Heading", "a | b", "- item", "12. item", "> quote",
    "<script>alert(1)</script>", "&#106;avascript", "**bold** _it_ `code` ~~s~~",
    "![img](https://evil.example/p.png)", "<https://evil.example/>", "back\\slash\\",
    "line\nbreak\x1b[2J", "===", "+ plus", "3) three",
])
def test_escaped_text_renders_as_itself(text):
    html = MarkdownIt("commonmark").render(_md(text))
    expected = " ".join(text.replace("\x1b", "").split())
    from html import escape

    assert html == f"<p>{escape(expected, quote=False)}</p>\n"


def test_a_hostile_story_renders_without_links_html_or_extra_cells(store):
    load_sample(store)
    story = max(store.list_stories(min_outlets=2), key=lambda s: len(s.outlets))
    member = store.get_article(story.article_ids[0])
    store.upsert_articles([replace(member, title=HOSTILE_TITLE)])
    store.update_source(member.source_id, title="Outlet | [x](https://evil.example/) # 1")
    _, comparison = compare_story(store, story.id)
    text = to_markdown("# Heading [a](https://evil.example/)", comparison)
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<a " not in html and "<img" not in html and "<script" not in html
    assert html.startswith("<h1># Heading [a](https://evil.example/)</h1>")
    assert f"<li>{HOSTILE_TITLE.replace('<', '&lt;').replace('>', '&gt;')}</li>" in html
    assert "<h2>Outlet | [x](https://evil.example/) # 1</h2>" in html
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    header_cells = rows[0].count(" | ")
    assert all(row.replace("\\|", "").count(" | ") == header_cells for row in rows)
    assert "<td>Outlet | [x](https://evil.example/) # 1</td>" in html
