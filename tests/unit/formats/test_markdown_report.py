"""The Markdown report shows a feed's text as text: no links, headings, HTML or cells of its own."""

from dataclasses import replace

import pytest
from markdown_it import MarkdownIt

from newsdesk.formats.markdown_report import escape_markdown, to_markdown
from newsdesk.services.comparisons import compare_story
from newsdesk.services.sample import load_sample

HOSTILE_TITLE = "[click](javascript:alert(1)) <img src=x onerror=alert(1)> | cell"


@pytest.mark.parametrize("text", [
    "[click](javascript:alert(1))", "# Heading", "a | b", "- item", "12. item", "> quote",
    "<script>alert(1)</script>", "&#106;avascript", "**bold** _it_ `code` ~~s~~",
    "![img](https://evil.example/p.png)", "<https://evil.example/>", "back\\slash\\",
    "line\nbreak\x1b[2J", "===", "+ plus", "3) three",
])
def test_escaped_text_renders_as_itself(text):
    html = MarkdownIt("commonmark").render(escape_markdown(text))
    expected = " ".join(text.replace("\x1b", "").split())
    from html import escape

    assert html == f"<p>{escape(expected, quote=False)}</p>\n"


def test_a_hostile_story_renders_without_links_html_or_extra_cells(store):
    load_sample(store)
    story = max(store.stories.list(min_outlets=2), key=lambda s: len(s.outlets))
    member = store.articles.get(story.article_ids[0])
    store.articles.upsert([replace(member, title=HOSTILE_TITLE)])
    store.sources.update(member.source_id, title="Outlet | [x](https://evil.example/) # 1")
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


def test_markdown_draws_the_outline():
    from newsdesk.analysis.framing import compare
    from tests.unit.analysis.test_framing import STORY

    text = to_markdown("Acme fined", compare(STORY))
    assert text.startswith("# Acme fined\n\n- **Agree:** ")
    assert ("## Timeline\n\n- **Wire** (first): 2026-05-04 08:00 UTC · Court fines Acme over "
            "data leak\n- **Biz** (+2.0 h): 2026-05-04 10:00 UTC · ") in text
    assert ("## Blog\n\n*opinion* (the address contains /opinion); tone -0.07 (VADER, -1 to 1)"
            "\n\n- Acme's slap on the wrist is a disgrace\n\n"
            "Headline words no one else uses: slap, wrist, disgrace\n") in text
    assert "Leaves out voices others quote: " not in text and "Links to: Wire" in text
    assert "| voice |" in text
    assert "| Sam Lee |" in text  # one who-quotes-whom table instead of a list per outlet
    assert "Primary sources: https://court.example/rulings/acme.pdf" in text
    assert "- hedge: > " in text and "- tone " in text


def test_every_article_is_a_link_and_the_summary_and_matrix_are_there():
    from newsdesk.analysis.framing import compare
    from tests.unit.analysis.test_framing import STORY

    urls = {a.id: a.url for a in STORY}
    urls["b1"] = "javascript:alert(1)"  # not a plain address: the title stays text
    text = to_markdown("Acme fined", compare(STORY), urls=urls)
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert '<a href="https://wire.example/2026/acme-fine">Court fines Acme over data leak</a>' \
        in html
    assert '<a href="https://biz.example/markets/acme">Acme shares fall after court fine</a>' \
        in html
    assert "javascript" not in html and "Acme's slap on the wrist is a disgrace" in text
    summary = text.split("## Timeline")[0]
    assert "- **Agree:** " in summary and "- **Stands out:** " in summary
    assert "\n  - " in summary  # each line with the sentences it rests on
    assert "<th>voice</th>" in html and "<td>Sam Lee</td>" in html
    assert "**Law and courts**: " in text  # the dimensions drawn, defined
    assert "(1/" in text or "(2/" in text  # the counts behind each share
