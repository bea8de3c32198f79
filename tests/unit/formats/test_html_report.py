"""The HTML report: self-contained, escaped, every figure linked to its evidence."""

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from newsdesk.analysis.framing import FramingArticle, compare
from newsdesk.formats.html_report import to_html
from tests.unit.analysis.test_framing import STORY


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.srcs, self.tags = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        if "src" in attrs:
            self.srcs.append(attrs["src"])


def parse(page):
    collect = _Collect()
    collect.feed(page)
    return collect


def test_report_is_one_self_contained_file():
    page = to_html("Acme fined", compare(STORY), urls={"w1": "https://wire.example/2026/acme-fine"},
                   generated=datetime(2026, 5, 5, tzinfo=UTC))
    found = parse(page)
    assert found.srcs == [] and "script" not in found.tags and "link" not in found.tags
    assert found.tags.count("svg") == 2  # timeline and heat map
    assert "https://wire.example/2026/acme-fine" in found.hrefs
    internal = [h[1:] for h in found.hrefs if h.startswith("#")]
    assert internal and all(target in found.ids for target in internal)
    assert "2026-05-05 00:00 UTC" in page


def test_every_figure_links_to_its_sentences():
    page = to_html("Acme fined", compare(STORY))
    # Blog's loaded words and hedges, Biz's voice: each a link to a block holding its sentence
    blocks = dict(re.findall(r'<div class="evidence" id="(ev\d+)"><h3>(.*?)</h3>', page))
    assert any("Blog: loaded words" in t for t in blocks.values())
    assert any("Blog: hedged sentences" in t for t in blocks.values())
    voice = next(k for k, t in blocks.items() if "Biz quotes or cites Sam Lee" in t)
    block = page[page.index(f'id="{voice}"'):]
    block = block[:block.index("</div>")]
    assert "<mark>Sam Lee</mark>" in block
    # a voice others quote is an empty cell of the one who-quotes-whom table
    row = page[page.index("<tr><td>Sam Lee</td>"):]
    row = row[:row.index("</tr>")]
    assert '<td class="muted">·</td>' in row and f'href="#{voice}"' in row
    assert "Wire leaves out Sam Lee" not in page  # no list per outlet any more


def test_summary_lines_lead_with_links_to_their_evidence():
    page = to_html("Fine", compare(STORY))
    found = parse(page)
    summary = page[page.index('<section class="summary">'):page.index("</section>")]
    assert page.index('<section class="summary">') < page.index("<h2>")
    for label in ("Agree:", "Stands out:"):
        assert f"<b>{label}</b>" in summary
    targets = re.findall(r'href="#(ev\d+)"', summary)
    assert len(targets) >= 2 and all(t in found.ids for t in targets)


def test_frame_definitions_counts_phone_width_and_print():
    page = to_html("Fine", compare(STORY))
    assert "<table class=\"defs\">" in page and "Not found in this coverage: " in page
    assert re.search(r">\d+/\d+</text>", page)  # counts inside each heat-map cell
    assert "of its framing sentences</title>" in page
    assert '<table class="matrix">' in page
    # every table and chart scrolls inside its own box, never the page
    assert page.count("<table") == page.count('<div class="scroll"><table')
    assert "@media print" in page and 'attr(href)' in page and "break-inside: avoid" in page


def test_hostile_text_is_escaped():
    nasty = FramingArticle("x1", "Evil <script>", "evil.example",
                           '<img src=x onerror=alert(1)> headline',
                           'He said "<script>alert(1)</script>" loudly. It was a slam dunk.')
    page = to_html("<b>label</b>", compare([nasty, *STORY]))
    found = parse(page)
    assert "script" not in found.tags and "img" not in found.tags
    assert "&lt;script&gt;" in page and "&lt;b&gt;label&lt;/b&gt;" in page


def test_one_outlet_gets_a_profile_without_comparisons():
    page = to_html("Alone", compare(STORY[:1]))
    assert "Words it leans on" in page and "leaves out" not in page
    assert page.count("<svg") == 1  # no timeline for one outlet; the heat map stays


def test_the_report_draws_every_proof_of_the_outline_once():
    from newsdesk.formats.html_report import render_html
    from newsdesk.formats.outline import build_outline

    outline = build_outline("Acme fined", compare(STORY))
    page = render_html(outline)
    titles = re.findall(r'<div class="evidence" id="ev\d+"><h3>(.*?)</h3>', page)
    assert "Wire: its strongest sentences by tone (VADER, -1 to 1)" in titles
    assert "Wire links to a primary source" in titles
    assert len(titles) == len(set(titles))
    assert "https://court.example/rulings/acme.pdf" in parse(page).hrefs


def test_the_style_comes_from_the_palette():
    from newsdesk.formats.palette import DARK, LIGHT

    page = to_html("Acme fined", compare(STORY))
    for colors in (LIGHT, DARK):
        assert f"--bg: {colors['page']};" in page and f"--mark: {colors['mark']};" in page
