"""A story's framing comparison as one self-contained HTML file an editor can send around.

No scripts, fonts or images from anywhere: the charts are inline SVG, the style is inline
CSS (light and dark), and every figure links to the sentences behind it further down
the page (the linked block is highlighted with :target).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from newsdesk.analysis.framing import (
    FRAME_LABELS,
    Comparison,
    Evidence,
    OutletFrame,
    frame_patterns,
    hedge_pattern,
    tone_word,
)
from newsdesk.presentation import (
    any_of,
    highlight,
    lag_text,
    outlet_colors,
    outlets_in_order,
    signed,
    word_pattern,
)

STYLE = """
:root { --bg: #ffffff; --fg: #1f2328; --muted: #656d76; --line: #d8dde3; --cell: #2c5282;
        --mark: #fff3bf; --card: #f6f8fa; --link: #1f5fae; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #1d2026; --fg: #e6e8eb; --muted: #9aa3ad; --line: #353b44; --cell: #6ea8fe;
          --mark: #5c4a12; --card: #23272e; --link: #8ab4f8; }
}
body { background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system,
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
svg a:hover rect { stroke: var(--fg); stroke-width: 1.5; }
"""


class _Evidence:
    """Collects evidence blocks as figures are written; figures link to them by number."""

    def __init__(self, titles: dict[str, tuple[str, str, str | None]]) -> None:
        self.blocks: list[str] = []
        self.titles = titles  # article id -> (outlet, title, url)

    def link(self, text: str, title: str, sentences: tuple[Evidence, ...],
             pattern: re.Pattern[str] | None = None, scores: tuple[float, ...] = (), note: str = "") -> str:
        number = len(self.blocks)
        rows = []
        for i, ev in enumerate(sentences[:40]):
            outlet, head, url = self.titles.get(ev.article_id, ("", "", None))
            score = f"<b>{signed(scores[i])}</b> " if i < len(scores) else ""
            where = (f'<a href="{html.escape(url)}">{html.escape(head)}</a>' if url
                     else html.escape(head))
            rows.append(f"<p>{score}{highlight(ev.sentence, pattern, '<mark>', '</mark>')}"
                        f'<br><span class="muted">{html.escape(outlet)} · {where}</span></p>')
        if len(sentences) > 40:
            rows.append(f'<p class="muted">and {len(sentences) - 40} more.</p>')
        if note:
            rows.append(f'<p class="muted">{html.escape(note)}</p>')
        self.blocks.append(f'<div class="evidence" id="ev{number}"><h3>{html.escape(title)}</h3>'
                           f'{"".join(rows)}<p><a href="#top" class="muted">back to top</a></p></div>')
        return f'<a href="#ev{number}">{text}</a>'


def to_html(label: str, comparison: Comparison, *, urls: Mapping[str, str] | None = None,
            generated: datetime | None = None) -> str:
    """The whole report: timeline and heat map as SVG, then every figure with its evidence.
    `urls` (article id -> address) turns headlines in the evidence into links."""
    outlets = outlets_in_order(comparison)
    color = outlet_colors(outlets)
    titles: dict[str, tuple[str, str, str | None]] = {
        h.article_id: (o.outlet, h.sentence, (urls or {}).get(h.article_id))
        for o in outlets for h in o.headlines}
    evidence = _Evidence(titles)
    single = len(outlets) == 1
    articles = sum(len(o.headlines) for o in outlets)
    first = comparison.timeline[0].outlet if comparison.timeline else ""
    when = (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")

    def dot(outlet: str) -> str:
        return f'<span class="dot" style="background:{color[outlet]}"></span>'

    body = [f'<header id="top"><h1>{html.escape(label)}</h1><p class="muted">'
            f"{len(outlets)} outlet{'s' * (not single)} · {articles} article"
            f"{'s' * (articles != 1)}" + (f" · first: {html.escape(first)}" if first else "")
            + f" · compared by NewsDesk on {when}</p></header>"]
    if len(comparison.timeline) > 1:
        body += ["<h2>Timeline</h2>", _timeline_svg(comparison, color)]
    used = [k for k in FRAME_LABELS if any(o.frames.get(k) for o in outlets)]
    if used:
        body += ["<h2>Frames</h2>", '<p class="muted">Share of each outlet\'s framing sentences '
                 "that use a dimension's cue words (Media Frames Corpus dimensions). "
                 "Click a cell for the sentences.</p>", _heatmap_svg(outlets, used, color, evidence)]

    body.append("<h2>Headlines</h2><table>")
    for o in outlets:
        marked = any_of(o.headline_words) if not single else None
        kind = evidence.link(f'<span class="badge">{o.kind}</span>',
                             f"Why {o.outlet} reads as {o.kind}", (), note=o.kind_reason)
        heads = "<br>".join(_linked(highlight(h.sentence, marked, "<u><b>", "</b></u>"),
                                    titles[h.article_id][2]) for h in o.headlines)
        body.append(f"<tr><td>{dot(o.outlet)}<b>{html.escape(o.outlet)}</b></td><td>{kind}</td>"
                    f"<td>{heads}</td></tr>")
    body.append("</table>")
    if not single:
        body.append('<p class="muted">Underlined: words no other outlet\'s headline uses.</p>')

    body.append("<h2>Tone, loaded language, hedging</h2><table><tr><th></th>"
                "<th>tone (VADER, -1 to 1)</th><th></th><th>loaded words</th><th>hedged</th></tr>")
    for o in outlets:
        width = min(abs(o.tone), 1.0) * 120
        bar = f'<span class="bar" style="width:{width:.0f}px;background:{color[o.outlet]}"></span>'
        neg_bar, pos_bar = (bar, "") if o.tone < 0 else ("", bar)
        bars = (f'<span style="display:inline-block;width:120px;text-align:right">{neg_bar}</span>'
                f'<span class="axis"></span><span style="display:inline-block;width:120px">'
                f"{pos_bar}</span>")
        tone = evidence.link(f"{signed(o.tone)} {tone_word(o.tone)}",
                             f"{o.outlet}: its strongest sentences by tone",
                             tuple(e for _, e in o.tone_evidence),
                             scores=tuple(s for s, _ in o.tone_evidence))
        loaded = (evidence.link(str(len(o.loaded)), f"{o.outlet}: loaded words",
                                tuple(t.evidence for t in o.loaded),
                                any_of(t.word for t in o.loaded)) if o.loaded else "0")
        if o.loaded:
            loaded += ' <span class="muted">' + html.escape(", ".join(
                dict.fromkeys(t.word.lower() for t in o.loaded))) + "</span>"
        hedged = (evidence.link(str(len(o.hedges)), f"{o.outlet}: hedged sentences", o.hedges,
                                hedge_pattern()) if o.hedges else "0")
        body.append(f"<tr><td>{dot(o.outlet)}{html.escape(o.outlet)}</td><td>{tone}</td>"
                    f'<td style="white-space:nowrap">{bars}</td>'
                    f"<td>{loaded}</td><td>{hedged}</td></tr>")
    body.append("</table>")

    body.append("<h2>" + ("Words it leans on" if single else "Words each outlet uses more than "
                                                            "the others") + "</h2>")
    body.append('<p class="muted">Log-odds with an informative Dirichlet prior (Monroe, '
                "Colaresi and Quinn 2008) against the other outlets, the prior taken from "
                "every stored article; the number is the z-score.</p><table>")
    for o in outlets:
        terms = ", ".join(evidence.link(
            html.escape(t.term), f"{o.outlet} uses “{t.term}” {t.count}×", t.evidence,
            word_pattern(t.term)) + f' <span class="muted">{t.z:+.1f}</span>'
            for t in o.distinctive) or '<span class="muted">none stand out</span>'
        body.append(f"<tr><td>{dot(o.outlet)}{html.escape(o.outlet)}</td><td>{terms}</td></tr>")
    body.append("</table>")
    if comparison.common_core and not single:
        body.append("<h2>What every outlet reports</h2><p>" + ", ".join(evidence.link(
            html.escape(term), f"Every outlet reports “{term}”",
            comparison.core_evidence.get(term, ()), word_pattern(term))
            for term in comparison.common_core) + "</p>")

    quoted: dict[str, list[Evidence]] = {}
    for o in outlets:
        for v in o.voices:
            quoted.setdefault(v.name, []).extend(v.evidence)
    if quoted:
        body.append("<h2>Voices</h2><table><tr><th></th><th>quotes or cites</th>"
                    + ("" if single else "<th>leaves out</th>") + "</tr>")
        for o in outlets:
            names = ", ".join(evidence.link(html.escape(v.name), f"{o.outlet} quotes or cites "
                                            f"{v.name}", v.evidence, word_pattern(v.name))
                              for v in o.voices) or '<span class="muted">nobody</span>'
            gone = ", ".join(evidence.link(html.escape(n), f"{o.outlet} leaves out {n}; the "
                                           "others quote them so", tuple(quoted.get(n, ())),
                                           word_pattern(n)) for n in o.missing_voices)
            body.append(f"<tr><td>{dot(o.outlet)}{html.escape(o.outlet)}</td><td>{names}</td>"
                        + ("" if single else f"<td>{gone}</td>") + "</tr>")
        body.append("</table>")

    if any(o.links_to_outlets or o.primary_sources for o in outlets):
        body.append("<h2>Links</h2><ul>")
        for o in outlets:
            if o.links_to_outlets:
                body.append(f"<li>{dot(o.outlet)}{html.escape(o.outlet)} cites " + ", ".join(
                    evidence.link(html.escape(x), f"{o.outlet} links to {x}",
                                  o.link_evidence.get(x, ())) for x in o.links_to_outlets)
                            + "</li>")
            for url in o.primary_sources:
                where = evidence.link("where", f"{o.outlet} links to {url}",
                                      o.link_evidence.get(url, ()))
                body.append(f"<li>{dot(o.outlet)}{html.escape(o.outlet)} links to a primary "
                            f'source: <a href="{html.escape(url)}">{html.escape(url)}</a> '
                            f"({where})</li>")
        body.append("</ul>")

    body.append("<h2>Evidence</h2>")
    body += evidence.blocks
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(label)} · NewsDesk comparison</title>"
            f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>")


def _linked(text: str, url: str | None) -> str:
    return f'<a href="{html.escape(url)}">{text}</a>' if url else text


def _timeline_svg(comparison: Comparison, color: dict[str, str]) -> str:
    """One row per outlet, a dot at the hour it first reported."""
    rows = comparison.timeline
    label_w, plot_w, row_h = 230, 560, 24
    span = max(max(e.hours_after_first for e in rows), 1.0)
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
    for i, e in enumerate(rows):
        y = i * row_h + row_h / 2
        x = label_w + plot_w * e.hours_after_first / span
        out.append(f'<line class="grid" x1="{label_w}" y1="{y}" x2="{label_w + plot_w}" y2="{y}" '
                   'stroke-dasharray="2 3"/>')
        out.append(f'<text x="0" y="{y + 4}">{html.escape(e.outlet[:34])}</text>')
        out.append(f'<circle cx="{x:.1f}" cy="{y}" r="6" fill="{color.get(e.outlet, "#888")}">'
                   f"<title>{html.escape(e.outlet)}: {e.published:%Y-%m-%d %H:%M} UTC</title>"
                   "</circle>")
        out.append(f'<text class="muted" x="{x + 10:.1f}" y="{y + 4}">'
                   f"{lag_text(e.hours_after_first)}</text>")
    out.append("</svg>")
    return "".join(out)


def _heatmap_svg(outlets: list[OutletFrame], used: list[str], color: dict[str, str],
                 evidence: _Evidence) -> str:
    """Outlets down the side, frame dimensions across; each cell links to its sentences."""
    label_w, cell_w, cell_h, head_h = 230, 52, 26, 96
    width = label_w + cell_w * len(used) + 10
    height = head_h + cell_h * len(outlets) + 4
    top = max((o.frames.get(k, 0.0) for o in outlets for k in used), default=0.0) or 1.0
    out = [f'<svg role="img" aria-label="Frames by outlet" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">']
    for c, key in enumerate(used):
        x = label_w + c * cell_w + cell_w / 2
        out.append(f'<text transform="translate({x + 4:.0f},{head_h - 6}) rotate(-55)">'
                   f"{html.escape(FRAME_LABELS[key])}</text>")
    for r, o in enumerate(outlets):
        y = head_h + r * cell_h
        out.append(f'<rect x="0" y="{y + 8}" width="10" height="10" rx="2" '
                   f'fill="{color[o.outlet]}"/><text x="16" y="{y + 17}">'
                   f"{html.escape(o.outlet[:30])}</text>")
        for c, key in enumerate(used):
            share = o.frames.get(key, 0.0)
            x = label_w + c * cell_w
            opacity = 0.06 + 0.94 * share / top if share else 0.03
            cell = (f'<rect class="cell" x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" '
                    f'height="{cell_h - 2}" rx="3" fill-opacity="{opacity:.2f}">'
                    f"<title>{html.escape(o.outlet)}: {FRAME_LABELS[key]} "
                    f"{share:.0%}</title></rect>")
            if share:
                style = ' style="fill:#fff"' if share / top > 0.55 else ""
                cell += (f'<text x="{x + cell_w / 2:.0f}" y="{y + cell_h / 2 + 4:.0f}" '
                         f'text-anchor="middle"{style}>{share:.0%}</text>')
                cell = evidence.link(cell, f"{o.outlet}: {FRAME_LABELS[key]} in {share:.0%} of "
                                     "its framing sentences", o.frame_evidence.get(key, ()),
                                     frame_patterns().get(key))
            out.append(cell)
    out.append("</svg>")
    return '<div style="overflow-x:auto">' + "".join(out) + "</div>"
