"""The desk's reports for people without NewsDesk: the coverage memo, the agreement report and
a story's coverage table, as Markdown and as self-contained HTML.

The HTML has no scripts and loads nothing: the style is inline CSS from the palette (light,
or dark with `dark=True`), and the only links are the articles' own web addresses (http and
https only; anything else stays plain text). Every text that came from a feed or an editor
is escaped, so a headline like "<script>" or "[x](javascript:...)" shows as written.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import quote as percent_encode
from urllib.parse import urlsplit

from newsdesk.analysis.agreement import Agreement
from newsdesk.analysis.coverage import CoverageTable
from newsdesk.formats.markdown_report import escape_markdown
from newsdesk.formats.palette import colors_for
from newsdesk.models import Annotation, Coverage, CoveredArticle
from newsdesk.textsafe import printable

_md = escape_markdown
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


# ---------------------------------------------------------------- shared

def _when(value: datetime | None) -> str:
    if value is None:
        return "no date"
    if value.tzinfo is not None:
        with contextlib.suppress(OverflowError):  # year 1 east of UTC: keep the wall time
            value = value.astimezone(UTC)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d} UTC"


def _mix(color: str, base: str, share: float) -> str:
    """`color` laid over `base` at `share` opacity, as hex (no color-mix(): older engines)."""
    a = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(base[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x * share + y * (1 - share)):02x}" for x, y in zip(a, b, strict=True))


def _light(color: str) -> bool:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b > 150


def _editor(name: str) -> str:
    return name or "an unnamed editor"


def safe_url(url: str | None) -> str | None:
    """An article's address fit for a link (http or https, percent-encoded), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return percent_encode(url.strip(), safe=_URL_SAFE)


def _article_sort(ca: CoveredArticle) -> tuple[bool, datetime | str, str]:
    published = ca.ref.published
    return (published is None, published or "", ca.ref.title.casefold())


def _by_outlet(coverage: Coverage) -> list[tuple[str, list[CoveredArticle]]]:
    groups: dict[str, list[CoveredArticle]] = defaultdict(list)
    for ca in coverage.articles:
        groups[ca.ref.outlet].append(ca)
    return [(outlet, sorted(groups[outlet], key=_article_sort))
            for outlet in sorted(groups, key=lambda o: (-len(groups[o]), o.casefold()))]


def _story_notes(coverage: Coverage) -> list[tuple[str, list[Annotation]]]:
    """Story-level annotations once per story (members list them all), with the story's label."""
    stories: dict[object, tuple[str, dict[Annotation, None]]] = {}
    for ca in coverage.articles:
        for a in ca.annotations:
            if a.target != "story":
                continue
            key: object = ca.story_id if ca.story_id is not None else a.article_id
            label = ca.story_label or ca.ref.title or "A story"
            stories.setdefault(key, (label, {}))[1][a] = None
    return [(label, list(anns)) for label, anns in stories.values()]


def _article_level(ca: CoveredArticle) -> list[Annotation]:
    return [a for a in ca.annotations if a.target != "story"]


def _editors(coverage: Coverage) -> list[str]:
    return sorted({a.editor for ca in coverage.articles for a in ca.annotations}, key=str.casefold)


def _codes(anns: Iterable[Annotation]) -> dict[str, list[Annotation]]:
    codes: dict[str, list[Annotation]] = defaultdict(list)
    for a in anns:
        if a.kind == "code":
            codes[a.codebook].append(a)
    return {cb: sorted(v, key=lambda a: a.editor.casefold()) for cb, v in sorted(codes.items())}


def _tags(anns: Iterable[Annotation]) -> list[str]:
    names = {a.tag.casefold(): a.tag for a in anns if a.kind == "tag"}
    return [names[k] for k in sorted(names)]


def _notes(anns: Iterable[Annotation]) -> list[Annotation]:
    return sorted((a for a in anns if a.kind == "note"), key=lambda a: (a.created, a.id))


def _summary(coverage: Coverage) -> str:
    outlets = {ca.ref.outlet for ca in coverage.articles}
    editors = _editors(coverage)
    return (f"{len(coverage.articles)} article{'s' if len(coverage.articles) != 1 else ''} from "
            f"{len(outlets)} outlet{'s' if len(outlets) != 1 else ''}"
            + (f", annotated by {', '.join(_editor(e) for e in editors)}" if editors else ""))


# ---------------------------------------------------------------- Markdown

def _md_lines(text: str) -> list[str]:
    return [_md(line) for line in text.splitlines() if line.strip()] or [""]


def _md_annotations(anns: list[Annotation]) -> list[str]:
    lines: list[str] = []
    tags = _tags(anns)
    if tags:
        lines.append("- Tags: " + ", ".join(_md(t) for t in tags))
    for codebook, codes in _codes(anns).items():
        lines.append(f"- {_md(codebook)}: " + ", ".join(
            f"{_md(c.value)} ({_md(_editor(c.editor))})" for c in codes))
    for note in _notes(anns):
        lines.append("")
        if note.quote is not None:
            lines += ["> " + line for line in _md_lines(note.quote.exact)]
            lines.append("")
        if note.text.strip():  # hard line breaks: the editor's lines, then the author's
            lines.append("  \n".join(_md_lines(note.text)) + "  ")
        verb = "highlighted by" if note.quote is not None and not note.text.strip() else "—"
        lines.append(f"*{verb} {_md(_editor(note.editor))}, {_when(note.created)}*")
    return lines


def _md_link(title: str, url: str | None) -> str:
    text = _md(title) or "(no headline)"
    link = safe_url(url)
    return f"[{text}](<{link}>)" if link else text


def memo_markdown(coverage: Coverage) -> str:
    """The memo as Markdown: per outlet, each article with its date, address, headline,
    tags, codes and notes (quotes as block quotes, with their authors)."""
    out = [f"# {_md(coverage.title) or 'Coverage memo'}", "",
           f"Coverage memo made with NewsDesk on {_when(coverage.created)}: {_md(_summary(coverage))}.",
           ""]
    for cb in sorted(coverage.codebooks, key=lambda c: c.name.casefold()):
        about = f" ({_md(cb.description)})" if cb.description else ""
        out.append(f"- Codebook **{_md(cb.name)}**{about}: " + ", ".join(_md(v) for v in cb.values))
    if coverage.codebooks:
        out.append("")
    stories = _story_notes(coverage)
    if stories:
        out += ["## Stories", ""]
        for label, anns in stories:
            out += [f"### {_md(label)}", "", *_md_annotations(anns), ""]
    for outlet, articles in _by_outlet(coverage):
        count = f"{len(articles)} article{'s' if len(articles) != 1 else ''}"
        out += [f"## {_md(outlet) or 'Unknown outlet'} ({count})", ""]
        for ca in articles:
            out += [f"### {_md_link(ca.ref.title, ca.ref.url)}", ""]
            where = [_when(ca.ref.published)]
            if ca.story_label:
                where.append(f"story: {_md(ca.story_label)}")
            link = safe_url(ca.ref.url)
            if link:
                where.append(f"<{link}>")
            out += [" · ".join(where), ""]
            anns = _article_level(ca)
            out += [*(_md_annotations(anns) if anns else ["*No tags, codes or notes.*"]), ""]
    return "\n".join(out).rstrip() + "\n"


def _alpha_reading(a: Agreement) -> str:
    """What alpha means, in words (Krippendorff's conventional thresholds, 2004)."""
    if a.alpha is None:
        if a.units == 0:
            return ("Not defined: no article was coded by two or more editors, so there is "
                    "nothing to compare yet.")
        return ("Not defined: every editor chose the same value for every article compared, so "
                "the data show no variation that agreement could be measured against.")
    alpha = a.alpha
    if alpha >= 0.8:
        reading = "reliable: the editors apply the codebook the same way"
    elif alpha >= 0.667:
        reading = ("acceptable only for tentative conclusions: the editors mostly agree, but "
                   "talk the disagreements through")
    elif alpha > 0.05:
        reading = ("not reliable: the editors agree more than chance would, but not enough to "
                   "draw conclusions from these codes")
    elif alpha >= -0.05:
        reading = "no better than chance: the editors agree about as often as random coding would"
    else:
        reading = "systematic disagreement: the editors disagree more often than chance would"
    return (f"{reading[0].upper()}{reading[1:]}. (Krippendorff suggests 0.800 or more for "
            "conclusions, and 0.667 as the lowest for tentative ones; 1 is perfect agreement, "
            "0 is chance.)")


def _value_columns(a: Agreement) -> list[str]:
    return sorted({editor for d in a.disagreements for editor, _ in d.codes}, key=str.casefold)


def _counts_line(a: Agreement) -> str:
    return (f"{a.units} article{'s' if a.units != 1 else ''} coded by two or more editors, "
            f"{a.coders} editor{'s' if a.coders != 1 else ''}, {a.values} codes compared; "
            f"observed disagreement {a.observed:.3f}, expected by chance {a.expected:.3f}.")


def agreement_markdown(a: Agreement, titles: Mapping[str, str]) -> str:
    """The agreement report as Markdown: alpha, what it means, and the disagreements."""
    alpha = "not defined" if a.alpha is None else f"{a.alpha:.3f}"
    out = [f"# Agreement on {_md(a.codebook)}", "",
           f"**Krippendorff's alpha (nominal): {alpha}**", "", _md(_alpha_reading(a)), "",
           _counts_line(a), ""]
    if a.disagreements:
        editors = _value_columns(a)
        out += [f"## Disagreements ({len(a.disagreements)})", "",
                "| Article | " + " | ".join(_md(_editor(e)) for e in editors) + " |",
                "|---|" + "---|" * len(editors)]
        for d in a.disagreements:
            chosen = dict(d.codes)
            out.append(f"| {_md(titles.get(d.article_id) or d.article_id)} | "
                       + " | ".join(_md(chosen[e]) if e in chosen else "–" for e in editors) + " |")
        out.append("")
    elif a.units:
        out += ["No disagreements: every article compared has one value.", ""]
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------- HTML

def _css(dark: bool) -> str:
    c = colors_for(dark)
    return f""":root {{ color-scheme: {'dark' if dark else 'light'}; }}
body {{ background: {c['page']}; color: {c['text']}; margin: 2em auto; max-width: 900px;
       padding: 0 1.2em; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }}
a {{ color: {c['link']}; }}
h1 {{ font-size: 1.6em; margin: 0 0 .2em; }}
h2 {{ font-size: 1.2em; border-bottom: 1px solid {c['border']}; padding-bottom: .25em;
      margin-top: 2em; }}
h3 {{ font-size: 1.02em; margin: 0 0 .15em; }}
.muted {{ color: {c['muted']}; }}
.lede {{ color: {c['muted']}; margin-top: 0; }}
.article {{ background: {c['card']}; border: 1px solid {c['border']}; border-radius: 8px;
            padding: .7em 1em; margin: .8em 0; }}
.meta {{ color: {c['muted']}; font-size: .88em; margin: 0 0 .4em; overflow-wrap: anywhere; }}
.chip {{ display: inline-flex; align-items: center; gap: .4em; border-radius: 999px;
         padding: .05em .65em; margin: 0 .25em .25em 0; font-size: .85em;
         background: {c['selection']}; color: {c['selection_text']}; }}
.chip::before {{ content: ""; flex: none; width: .65em; height: .65em; border-radius: 50%;
                 background: var(--tag, {c['accent']}); }}
.codes {{ margin: .3em 0; font-size: .92em; }}
.codes b {{ font-weight: 600; }}
.note {{ margin: .6em 0 .2em; }}
.note p {{ margin: .2em 0; white-space: pre-wrap; }}
blockquote {{ margin: .3em 0; padding: .2em .8em; border-left: 3px solid {c['accent']};
              background: {c['mark']}; border-radius: 0 4px 4px 0; white-space: pre-wrap; }}
.by {{ color: {c['muted']}; font-size: .85em; }}
table {{ border-collapse: collapse; margin: .6em 0; }}
th, td {{ border: 1px solid {c['border']}; padding: .3em .7em; text-align: left;
          vertical-align: top; }}
th {{ background: {c['alt']}; font-weight: 600; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
td.zero {{ color: {c['muted']}; }}
.alpha {{ font-size: 2.2em; font-weight: 700; margin: .2em 0 0; }}
.reading {{ background: {c['card']}; border-left: 4px solid {c['accent']}; padding: .5em .9em;
            border-radius: 0 6px 6px 0; }}
"""


def _page(title: str, body: list[str], dark: bool) -> str:
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="color-scheme" content="{"dark" if dark else "light"}">'
            f"<title>{_h(title)}</title><style>{_css(dark)}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def _h(text: str) -> str:
    return html.escape(printable(text))


def _h_block(text: str) -> str:
    """Several lines of an editor's text, escaped (line breaks kept by white-space: pre-wrap)."""
    return html.escape(text.strip())


def _h_link(title: str, url: str | None) -> str:
    text = _h(title) or "(no headline)"
    link = safe_url(url)
    return f'<a href="{html.escape(link)}">{text}</a>' if link else text


def _h_annotations(anns: list[Annotation], colors: Mapping[str, str]) -> list[str]:
    out: list[str] = []
    tags = _tags(anns)
    if tags:
        chips = []
        for t in tags:
            color = colors.get(t.casefold(), "")
            style = f' style="--tag: {color}"' if _COLOR.fullmatch(color) else ""
            chips.append(f'<span class="chip"{style}>{_h(t)}</span>')
        out.append("<div>" + "".join(chips) + "</div>")
    for codebook, codes in _codes(anns).items():
        out.append(f'<div class="codes"><b>{_h(codebook)}</b>: ' + ", ".join(
            f'{_h(c.value)} <span class="by">({_h(_editor(c.editor))})</span>' for c in codes)
            + "</div>")
    for note in _notes(anns):
        parts = ['<div class="note">']
        if note.quote is not None:
            parts.append(f"<blockquote>{_h_block(note.quote.exact)}</blockquote>")
        if note.text.strip():
            parts.append(f"<p>{_h_block(note.text)}</p>")
        verb = "highlighted by " if note.quote is not None and not note.text.strip() else "— "
        parts.append(f'<div class="by">{verb}{_h(_editor(note.editor))}, {_when(note.created)}</div>')
        out.append("".join(parts) + "</div>")
    return out


def memo_html(coverage: Coverage, *, dark: bool = False) -> str:
    """The memo as one self-contained HTML page (no scripts, nothing loaded from anywhere)."""
    colors = {t.name.casefold(): t.color for t in coverage.tags}
    title = coverage.title or "Coverage memo"
    body = [f"<header><h1>{_h(title)}</h1><p class=\"lede\">Coverage memo made with NewsDesk on "
            f"{_when(coverage.created)}: {_h(_summary(coverage))}.</p></header>"]
    if coverage.codebooks:
        body.append("<ul>" + "".join(
            f"<li>Codebook <b>{_h(cb.name)}</b>"
            + (f' <span class="muted">({_h(cb.description)})</span>' if cb.description else "")
            + ": " + ", ".join(_h(v) for v in cb.values) + "</li>"
            for cb in sorted(coverage.codebooks, key=lambda c: c.name.casefold())) + "</ul>")
    stories = _story_notes(coverage)
    if stories:
        body.append("<h2>Stories</h2>")
        for label, anns in stories:
            body.append(f'<section class="article"><h3>{_h(label)}</h3>'
                        + "".join(_h_annotations(anns, colors)) + "</section>")
    for outlet, articles in _by_outlet(coverage):
        count = f"{len(articles)} article{'s' if len(articles) != 1 else ''}"
        body.append(f'<h2>{_h(outlet) or "Unknown outlet"} <span class="muted">· {count}</span></h2>')
        for ca in articles:
            meta = [_when(ca.ref.published)]
            if ca.story_label:
                meta.append(f"story: {_h(ca.story_label)}")
            link = safe_url(ca.ref.url)
            if link:
                meta.append(f'<a href="{html.escape(link)}">{html.escape(link)}</a>')
            anns = _article_level(ca)
            inner = (_h_annotations(anns, colors) if anns
                     else ['<div class="muted">No tags, codes or notes.</div>'])
            body.append(f'<section class="article"><h3>{_h_link(ca.ref.title, ca.ref.url)}</h3>'
                        f'<p class="meta">{" · ".join(meta)}</p>' + "".join(inner) + "</section>")
    return _page(f"{title} · NewsDesk coverage memo", body, dark)


def agreement_html(a: Agreement, titles: Mapping[str, str], *, dark: bool = False) -> str:
    """The agreement report as one self-contained HTML page."""
    alpha = "not defined" if a.alpha is None else f"{a.alpha:.3f}"
    body = [f"<header><h1>Agreement on {_h(a.codebook)}</h1>"
            '<p class="lede">Krippendorff\'s alpha (nominal), made with NewsDesk</p></header>',
            f'<p class="alpha">α = {alpha}</p>',
            f'<p class="reading">{html.escape(_alpha_reading(a))}</p>',
            f'<p class="muted">{html.escape(_counts_line(a))}</p>']
    if a.disagreements:
        editors = _value_columns(a)
        body.append(f"<h2>Disagreements ({len(a.disagreements)})</h2><table><tr><th>Article</th>"
                    + "".join(f"<th>{_h(_editor(e))}</th>" for e in editors) + "</tr>")
        for d in a.disagreements:
            chosen = dict(d.codes)
            body.append(f"<tr><td>{_h(titles.get(d.article_id) or d.article_id)}</td>" + "".join(
                f"<td>{_h(chosen[e])}</td>" if e in chosen else '<td class="muted">–</td>'
                for e in editors) + "</tr>")
        body.append("</table>")
    elif a.units:
        body.append("<p>No disagreements: every article compared has one value.</p>")
    return _page(f"Agreement on {a.codebook} · NewsDesk", body, dark)


def coverage_table_html(t: CoverageTable, *, title: str, dark: bool = False) -> str:
    """A story's coverage table (outlets x the codebook's values) as one HTML page."""
    c = colors_for(dark)
    top = max([*t.counts.values(), *t.uncoded.values(), 1])
    body = [f"<header><h1>{_h(title)}</h1><p class=\"lede\">Coverage by outlet, coded with "
            f"{_h(t.codebook)}. Each article counts once, under the value most of its editors "
            "chose; when they tie, under each tied value.</p></header>"]
    if not t.outlets:
        body.append('<p class="muted">No articles.</p>')
        return _page(f"{title} · NewsDesk coverage table", body, dark)
    body.append("<table><tr><th>Outlet</th>" + "".join(f"<th>{_h(v)}</th>" for v in t.values)
                + '<th class="muted">uncoded</th><th>articles</th></tr>')
    for outlet in t.outlets:
        cells = []
        for value in t.values:
            n = t.counts.get((outlet, value), 0)
            if n:
                fill = _mix(c["accent"], c["page"], 0.15 + 0.6 * n / top)
                ink = "#111111" if _light(fill) else "#ffffff"
                cells.append(f'<td class="n" style="background: {fill}; color: {ink}">{n}</td>')
            else:
                cells.append('<td class="n zero">0</td>')
        uncoded = t.uncoded.get(outlet, 0)
        cells.append(f'<td class="n{" zero" if not uncoded else ""}">{uncoded}</td>')
        total = len({a for v in t.values for a in t.articles.get((outlet, v), ())}) + uncoded
        cells.append(f'<td class="n"><b>{total}</b></td>')
        body.append(f"<tr><td>{_h(outlet) or 'Unknown outlet'}</td>" + "".join(cells) + "</tr>")
    body.append("</table>")
    return _page(f"{title} · NewsDesk coverage table", body, dark)
