"""A story's comparison as one self-contained HTML file an editor can send around.

No scripts, fonts or images from anywhere: the charts are inline SVG, the style is inline
CSS (light and dark, from the palette), and every figure links to the sentences behind it
further down the page (the linked block is highlighted with :target). It draws the
outline and phrases nothing of its own.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import UTC, datetime

from newsdesk.analysis.framing import Comparison
from newsdesk.formats.outline import (
    Figure,
    FramesSection,
    Outline,
    Proof,
    TimelineSection,
    build_outline,
    highlight,
    lag_text,
    signed,
)
from newsdesk.formats.palette import DARK, LIGHT

MAX_EVIDENCE = 40


def _variables(c: Mapping[str, str]) -> str:
    return (f"--bg: {c['page']}; --fg: {c['text']}; --muted: {c['muted']}; "
            f"--line: {c['border']}; --cell: {c['accent']}; --on-cell: {c['accent_text']}; "
            f"--mark: {c['mark']}; --card: {c['card']}; --link: {c['link']};")


STYLE = f"""
:root {{ {_variables(LIGHT)} }}
@media (prefers-color-scheme: dark) {{
  :root {{ {_variables(DARK)} }}
}}
""" + """body { background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system,
       "Segoe UI", Roboto, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; }
a { color: var(--link); }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.15em; border-bottom: 1px solid var(--line); padding-bottom: .2em;
     margin-top: 1.8em; }
.muted { color: var(--muted); }
.dot { display: inline-block; width: .75em; height: .75em; border-radius: 2px;
       margin-right: .3em; vertical-align: baseline; }
.badge { background: var(--mark); border-radius: 3px; padding: 0 .35em; font-size: .85em;
         text-decoration: none; color: var(--fg); }
table { border-collapse: collapse; }
td, th { padding: .25em .6em .25em 0; vertical-align: top; text-align: left; }
u b { text-decoration-thickness: 2px; }
mark { background: var(--mark); color: var(--fg); font-weight: 600; }
.axis { display: inline-block; width: 1px; height: 1.1em; background: var(--muted);
        vertical-align: middle; margin: 0 2px; }
.bar { display: inline-block; height: .7em; vertical-align: middle; border-radius: 2px; }
.evidence { background: var(--card); border-radius: 6px; padding: .4em .9em; margin: .6em 0;
            scroll-margin-top: 1em; }
.evidence:target { outline: 3px solid var(--cell); }
.evidence h3 { font-size: 1em; margin: .4em 0; }
.evidence p { margin: .4em 0; }
svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
svg .muted { fill: var(--muted); }
svg .grid { stroke: var(--line); }
svg .cell { fill: var(--cell); }
svg .on-cell { fill: var(--on-cell); }
svg a:hover rect { stroke: var(--fg); stroke-width: 1.5; }
.summary { background: var(--card); border-radius: 6px; padding: .3em .9em; }
.summary p { margin: .35em 0; }
/* phone width: the page never scrolls sideways; a wide table or chart scrolls in its box */
.scroll { overflow-x: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
p, li, td { overflow-wrap: break-word; }
.badge { white-space: nowrap; }
.matrix th, .matrix td { text-align: center; padding: .2em .5em; white-space: nowrap; }
.matrix td:first-child, .matrix th:first-child { text-align: left; white-space: nowrap; }
.defs td:first-child { white-space: nowrap; font-weight: 600; }
@media (max-width: 600px) {
  body { margin: 1em auto; padding: 0 .7em; font-size: 14px; }
  h1 { font-size: 1.3em; }
  /* an outlet's row of text (headlines, words) stacks: name, then what it wrote */
  table.rows, .rows tbody, .rows tr, .rows td { display: block; }
  .rows tr { margin-bottom: .6em; }
  .rows td { padding: 0; }
}
@media print {
  :root { """ + _variables(LIGHT) + """ }
  body { background: #fff; color: #000; max-width: none; margin: 0; font-size: 11pt; }
  .scroll { overflow: visible; }
  svg { max-width: 100%; height: auto; }
  a { color: #000; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em; color: #444;
                            overflow-wrap: anywhere; }
  .evidence, .summary, tr, svg { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .evidence:target { outline: none; }
  .evidence a[href="#top"] { display: none; }
}
"""


class _Evidence:
    """Collects evidence blocks as figures are written; figures link to them by number."""

    def __init__(self, outline: Outline) -> None:
        self.blocks: list[str] = []
        self.articles = outline.articles
        self._numbers: dict[int, int] = {}  # id(proof) -> its block: a summary line and
        # the figure it comes from share one block (the outline outlives the render)

    def link(self, text: str, proof: Proof) -> str:
        """`text` (already HTML) as a link to a block with the proof's sentences."""
        if id(proof) in self._numbers:
            return f'<a href="#ev{self._numbers[id(proof)]}">{text}</a>'
        number = self._numbers[id(proof)] = len(self.blocks)
        rows = []
        if proof.url:
            rows.append(f'<p><a href="{html.escape(proof.url)}">{html.escape(proof.url)}</a></p>')
        for i, ev in enumerate(proof.sentences[:MAX_EVIDENCE]):
            article = self.articles.get(ev.article_id)
            outlet, head, url = (article.outlet, article.title, article.url) if article \
                else ("", "", None)
            score = f"<b>{signed(proof.scores[i])}</b> " if i < len(proof.scores) else ""
            where = (f'<a href="{html.escape(url)}">{html.escape(head)}</a>' if url
                     else html.escape(head))
            rows.append(f"<p>{score}{highlight(ev.sentence, proof.pattern, '<mark>', '</mark>')}"
                        f'<br><span class="muted">{html.escape(outlet)} · {where}</span></p>')
        if len(proof.sentences) > MAX_EVIDENCE:
            rows.append(f'<p class="muted">and {len(proof.sentences) - MAX_EVIDENCE} more.</p>')
        if proof.note:
            rows.append(f'<p class="muted">{_text(proof.note)}</p>')
        self.blocks.append(f'<div class="evidence" id="ev{number}"><h3>'
                           f"{html.escape(proof.title)}</h3>{''.join(rows)}"
                           '<p><a href="#top" class="muted">back to top</a></p></div>')
        return f'<a href="#ev{number}">{text}</a>'

    def figure(self, figure: Figure) -> str:
        return self.link(html.escape(figure.text), figure.proof)


def to_html(label: str, comparison: Comparison, *, urls: Mapping[str, str] | None = None,
            generated: datetime | None = None) -> str:
    """The whole report: timeline and heat map as SVG, then every figure with its evidence.
    `urls` (article id -> address) turns headlines in the evidence into links."""
    return render_html(build_outline(label, comparison, urls=urls), generated=generated)


def render_html(outline: Outline, *, generated: datetime | None = None) -> str:
    """Draw an outline as one HTML page."""
    evidence = _Evidence(outline)
    single = outline.single
    header = outline.header
    when = (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")

    def dot(color: str) -> str:
        return f'<span class="dot" style="background:{color}"></span>'

    body = [f'<header id="top"><h1>{html.escape(header.title)}</h1><p class="muted">'
            f"{header.summary}" + (f" · first: {html.escape(header.first)}" if header.first else "")
            + f" · compared by NewsDesk on {when}</p></header>"]
    if outline.summary.lines:  # the three lines an editor reads first, each to its evidence
        body.append('<section class="summary">' + "".join(
            f"<p><b>{label}:</b> {evidence.figure(f)}</p>" for label, f in outline.summary.lines)
            + "</section>")
    if len(outline.timeline.rows) > 1:
        body += [f"<h2>{outline.timeline.title}</h2>",
                 f'<div class="scroll">{_timeline_svg(outline.timeline)}</div>']
    frames = outline.frames
    if frames.dimensions:
        body += [f"<h2>{frames.title}</h2>",
                 f'<p class="muted">{_text(frames.about)} {_text(frames.hint)}</p>',
                 _heatmap_svg(frames, evidence), _definitions(frames)]

    body.append(f'<h2>{outline.headlines.title}</h2><div class="scroll"><table class="rows">')
    for row in outline.headlines.rows:
        o = row.outlet
        kind = evidence.link(f'<span class="badge">{html.escape(o.kind.text)}</span>', o.kind.proof)
        heads = "<br>".join(_linked(highlight(h.title, row.marked, "<u><b>", "</b></u>"), h.url)
                            for h in row.headlines)
        body.append(f"<tr><td>{dot(o.color)}<b>{html.escape(o.name)}</b></td><td>{kind}</td>"
                    f"<td>{heads}</td></tr>")
    body.append("</table></div>")
    if outline.headlines.note:
        body.append(f'<p class="muted">{_text(outline.headlines.note)}</p>')

    tone = outline.tone
    body.append(f"<h2>{html.escape(tone.title)}</h2>")
    if tone.about and not single:
        body.append(f'<p class="muted">{_text(tone.about)}</p>')
    body.append('<div class="scroll"><table><tr><th></th>'
                f"<th>{html.escape(tone.scale)}</th><th></th><th>loaded words</th>"
                "<th>hedged</th></tr>")
    for t in tone.rows:
        o = t.outlet
        width = min(abs(t.tone), 1.0) * 120
        bar = f'<span class="bar" style="width:{width:.0f}px;background:{o.color}"></span>'
        neg_bar, pos_bar = (bar, "") if t.tone < 0 else ("", bar)
        bars = (f'<span style="display:inline-block;width:120px;text-align:right">{neg_bar}</span>'
                f'<span class="axis"></span><span style="display:inline-block;width:120px">'
                f"{pos_bar}</span>")
        score = evidence.figure(t.figure)
        loaded = evidence.figure(t.loaded) if t.loaded else "0"
        shown = [html.escape(w) for w in t.loaded_words] + [
            f'{html.escape(w)} <i>(quoted)</i>' for w in t.quoted_words]
        if shown:
            loaded += f' <span class="muted">{", ".join(shown)}</span>'
        hedged = evidence.figure(t.hedged) if t.hedged else "0"
        body.append(f"<tr><td>{dot(o.color)}{html.escape(o.name)}</td>"
                    f"<td>{score}</td>"
                    f'<td style="white-space:nowrap">{bars}</td>'
                    f"<td>{loaded}</td><td>{hedged}</td></tr>")
    body.append("</table></div>")
    if tone.loaded_about:
        body.append(f'<p class="muted">{_text(tone.loaded_about)}</p>')

    words = outline.words
    body.append(f"<h2>{html.escape(words.title)}</h2>")
    body.append(f'<p class="muted">{_text(words.about)}</p><div class="scroll">'
                '<table class="rows">')
    for w in words.rows:
        terms = ", ".join(evidence.figure(t) + f' <span class="muted">{t.value:+.1f}</span>'
                          for t in w.terms) or f'<span class="muted">{words.empty}</span>'
        body.append(f"<tr><td>{dot(w.outlet.color)}{html.escape(w.outlet.name)}</td>"
                    f"<td>{terms}</td></tr>")
    body.append("</table></div>")
    if outline.core.terms and not single:
        body.append(f"<h2>{outline.core.title}</h2><p>"
                    + ", ".join(evidence.figure(t) for t in outline.core.terms) + "</p>")

    voices = outline.voices
    if voices.anyone:
        body.append(f"<h2>{voices.title}</h2>")
        if voices.matrix is not None and not single:
            body.append(_matrix(outline, evidence))
        else:
            body.append(f'<div class="scroll"><table><tr><th></th><th>{voices.label}</th></tr>')
            for v in voices.rows:
                names = ", ".join(evidence.figure(f) for f in v.voices) or \
                    f'<span class="muted">{voices.empty}</span>'
                body.append(f"<tr><td>{dot(v.outlet.color)}{html.escape(v.outlet.name)}</td>"
                            f"<td>{names}</td></tr>")
            body.append("</table></div>")

    links = outline.links
    if links.rows:
        body.append(f"<h2>{links.title}</h2><ul>")
        for link in links.rows:
            o = link.outlet
            if link.cites:
                body.append(f"<li>{dot(o.color)}{html.escape(o.name)} {links.cites_label} "
                            + ", ".join(evidence.figure(x) for x in link.cites) + "</li>")
            for x in link.primary:
                where = evidence.link("where", x.proof)
                url = html.escape(x.text)
                body.append(f"<li>{dot(o.color)}{html.escape(o.name)} {links.primary_label}: "
                            f'<a href="{url}">{url}</a> ({where})</li>')
        body.append("</ul>")

    body.append("<h2>Evidence</h2>")
    body += evidence.blocks
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(outline.label)} · NewsDesk comparison</title>"
            f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>")


def _text(text: str) -> str:
    """Our own sentences as HTML text (apostrophes stay as written)."""
    return html.escape(text, quote=False)


def _linked(text: str, url: str | None) -> str:
    return f'<a href="{html.escape(url)}">{text}</a>' if url else text


def _matrix(outline: Outline, evidence: _Evidence) -> str:
    """Who quotes whom as one table: a column per outlet (its colour and short label, its
    name on hover), a row per voice, the number of sentences where it quotes them."""
    matrix = outline.voices.matrix
    if matrix is None:
        return ""
    head = "".join(f'<th title="{html.escape(o.name)}"><span class="dot" '
                   f'style="background:{o.color}"></span>{html.escape(o.short)}</th>'
                   for o in outline.outlets)
    rows = [f'<p class="muted">{_text(matrix.note)} Columns: ' + ", ".join(
        f"{html.escape(o.short)} = {html.escape(o.name)}" for o in outline.outlets) + ".</p>",
        f'<div class="scroll"><table class="matrix"><tr><th>{matrix.title}</th>{head}</tr>']
    for name, cells in zip(matrix.voices, matrix.cells, strict=True):
        marks = "".join(f"<td>{evidence.link('● ' + html.escape(f.text), f.proof)}</td>"
                        if f is not None else '<td class="muted">·</td>' for f in cells)
        rows.append(f"<tr><td>{html.escape(name)}</td>{marks}</tr>")
    rows.append("</table></div>")
    return "".join(rows)


def _definitions(section: FramesSection) -> str:
    """The plain name and one-line definition of each dimension drawn, then the others'
    names in one line (their definitions on hover), so the legend stays short on a phone."""
    drawn = {label for _key, label in section.dimensions}
    used = [(n, d) for n, d in section.definitions if n in drawn]
    rest = [(n, d) for n, d in section.definitions if n not in drawn]
    out = ['<div class="scroll"><table class="defs"><tr><th>Dimension</th><th>Definition</th>'
           "</tr>" + "".join(f"<tr><td>{html.escape(n)}</td><td>{html.escape(d)}</td></tr>"
                             for n, d in used) + "</table></div>"]
    if rest:
        out.append('<p class="muted">Not found in this coverage: ' + ", ".join(
            f'<span title="{html.escape(d)}">{html.escape(n)}</span>' for n, d in rest) + ".</p>")
    return "".join(out)


def _timeline_svg(section: TimelineSection) -> str:
    """One row per outlet, a dot at the hour it first reported."""
    rows = section.rows
    label_w, plot_w, row_h = 230, 560, 24
    span = max(max(r.hours_after_first for r in rows), 1.0)
    height = row_h * len(rows) + 30
    out = [f'<svg role="img" aria-label="Timeline" width="{label_w + plot_w + 90}" '
           f'height="{height}" viewBox="0 0 {label_w + plot_w + 90} {height}">']
    axis_y = row_h * len(rows) + 4
    out.append(f'<line class="grid" x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" '
               f'y2="{axis_y}"/>')
    for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + plot_w * fraction
        text = "0 h" if not fraction else lag_text(span * fraction)
        out.append(f'<text class="muted" x="{x:.0f}" y="{axis_y + 16}" '
                   f'text-anchor="middle">{text}</text>')
    for i, r in enumerate(rows):
        y = i * row_h + row_h / 2
        x = label_w + plot_w * r.hours_after_first / span
        name = r.outlet.name
        out.append(f'<line class="grid" x1="{label_w}" y1="{y}" x2="{label_w + plot_w}" y2="{y}" '
                   'stroke-dasharray="2 3"/>')
        out.append(f'<text x="0" y="{y + 4}">{html.escape(name[:34])}</text>')
        out.append(f'<circle cx="{x:.1f}" cy="{y}" r="6" fill="{r.outlet.color}">'
                   f"<title>{html.escape(name)}: {r.published:%Y-%m-%d %H:%M} UTC</title>"
                   "</circle>")
        out.append(f'<text class="muted" x="{x + 10:.1f}" y="{y + 4}">{r.lag}</text>')
    out.append("</svg>")
    return "".join(out)


def _heatmap_svg(section: FramesSection, evidence: _Evidence) -> str:
    """Outlets down the side, frame dimensions across; each cell links to its sentences."""
    label_w, cell_w, cell_h, head_h = 230, 52, 34, 96
    width = label_w + cell_w * len(section.dimensions) + 70  # room for the last rotated label
    height = head_h + cell_h * len(section.rows) + 4
    top = max((c.share for r in section.rows for c in r.cells), default=0.0) or 1.0
    out = [f'<svg role="img" aria-label="Frames by outlet" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">']
    for c, (_key, label) in enumerate(section.dimensions):
        x = label_w + c * cell_w + cell_w / 2
        out.append(f'<text transform="translate({x + 4:.0f},{head_h - 6}) rotate(-55)">'
                   f"{html.escape(label)}</text>")
    for r, row in enumerate(section.rows):
        y = head_h + r * cell_h
        name = row.outlet.name
        out.append(f'<rect x="0" y="{y + 8}" width="10" height="10" rx="2" '
                   f'fill="{row.outlet.color}"/><text x="16" y="{y + 17}">'
                   f"{html.escape(name[:30])}</text>")
        for c, cell in enumerate(row.cells):
            x = label_w + c * cell_w
            opacity = 0.06 + 0.94 * cell.share / top if cell.share else 0.03
            drawn = (f'<rect class="cell" x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" '
                     f'height="{cell_h - 2}" rx="3" fill-opacity="{opacity:.2f}">'
                     f"<title>{html.escape(name)}: {cell.label} "
                     f"{cell.counted or '0%'} of its framing sentences</title></rect>")
            if cell.figure is not None:
                strong = ' class="on-cell"' if cell.share / top > 0.55 else ""
                drawn += (f'<text x="{x + cell_w / 2:.0f}" y="{y + 15}" '
                          f'text-anchor="middle"{strong}>{cell.figure.text}</text>'
                          f'<text x="{x + cell_w / 2:.0f}" y="{y + 28}" text-anchor="middle"'
                          f'{strong} style="font-size:10px">{cell.count}/{cell.total}</text>')
                drawn = evidence.link(drawn, cell.figure.proof)
            out.append(drawn)
    out.append("</svg>")
    return '<div style="overflow-x:auto">' + "".join(out) + "</div>"
