"""A story's comparison as Markdown an editor can paste or send: the outline, drawn as text.

Every text that came from a feed (titles, names, sentences, words) is escaped, so a title
like "[click](javascript:...)" or "# Heading" shows as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from newsdesk.analysis.framing import Comparison
from newsdesk.formats.outline import TONE_SCALE, ArticleRef, Outline, build_outline, signed
from newsdesk.textsafe import printable

# Characters that make Markdown (CommonMark and GitHub's tables) out of text anywhere in a
# line, and what makes a block (heading, list, quote, rule) at the start of one.
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>|~!#&])")
_MD_BLOCK_START = re.compile(r"^(\s*)(?:([-+=])|(\d+)([.)]))")


def escape_markdown(text: str) -> str:
    """Text from a feed as Markdown that renders as that text: no links, images, HTML,
    headings, lists or table cells of its own, on one line."""
    text = _MD_INLINE.sub(r"\\\1", printable(text).strip())
    return _MD_BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(2)
                               else f"{m.group(1)}{m.group(3)}\\{m.group(4)}", text)


_md = escape_markdown


def _md_list(items: Iterable[str]) -> str:
    return ", ".join(_md(item) for item in items)


SUMMARY_EVIDENCE = 2  # sentences under each summary line
_SAFE_URL = re.compile(r"^https?://[^\s<>()\[\]]+$", re.IGNORECASE)


def link_markdown(text: str, url: str | None) -> str:
    """An article's title as a Markdown link to its address; the escaped title alone when
    there is no address or it is not a plain http(s) one (no javascript:, no spaces or
    brackets that would end the link early)."""
    if url and _SAFE_URL.match(url):
        return f"[{_md(text) or _md(url)}]({url})"
    return _md(text)


def _article(ref: ArticleRef) -> str:
    return link_markdown(ref.title or "untitled", ref.url)


def to_markdown(label: str, comparison: Comparison, *,
                urls: Mapping[str, str] | None = None) -> str:
    """A report of a comparison: every figure with its evidence. `urls` (article id ->
    address) turns every article's title into a link."""
    return render_markdown(build_outline(label, comparison, urls=urls))


def render_markdown(outline: Outline) -> str:
    """Draw an outline as Markdown."""
    lines = [f"# {_md(outline.label)}", ""]
    if outline.summary.lines:  # the three lines first, each pointing at its section
        for label, figure in outline.summary.lines:
            lines.append(f"- **{label}:** {_md(figure.text)}")
            for e in figure.proof.sentences[:SUMMARY_EVIDENCE]:  # what it rests on
                ref = outline.articles.get(e.article_id)
                where = f" ({_md(ref.outlet)}: {_article(ref)})" if ref is not None else ""
                lines.append(f"  - {_md(e.sentence)}{where}")
        lines.append("")
    lines += [f"## {outline.timeline.title}", ""]
    for row in outline.timeline.rows:
        lag = "first" if row.hours_after_first == 0 else f"+{row.hours_after_first:.1f} h"
        lines.append(f"- **{_md(row.outlet.name)}** ({lag}): {row.published:%Y-%m-%d %H:%M} UTC"
                     + (f" · {_article(row.article)}" if row.article.title else ""))
    core = outline.core
    lines += ["", f"## {core.title}", "", _md_list(t.text for t in core.terms) or core.empty, ""]
    frames = outline.frames
    if frames.dimensions:
        lines += [f"## {frames.title}", "", frames.about, "",
                  "| outlet | " + " | ".join(label for _, label in frames.dimensions) + " |",
                  "|---|" + "---:|" * len(frames.dimensions)]
        lines += ["| " + _md(row.outlet.name) + " | " + " | ".join(
            cell.counted if cell.figure else "" for cell in row.cells) + " |"
            for row in frames.rows]
        drawn = {label for _, label in frames.dimensions}
        lines += ["", "Share of framing sentences (sentences / framing sentences). The "
                  "dimensions:", ""]
        lines += [f"- **{name}**: {definition}" for name, definition in frames.definitions
                  if name in drawn]
        lines.append("")
    matrix = outline.voices.matrix
    if matrix is not None and not outline.single:
        lines += [f"## {matrix.title}", "", matrix.note, "",
                  "| voice | " + " | ".join(_md(o.short) for o in outline.outlets) + " |",
                  "|---|" + ":---:|" * len(outline.outlets)]
        lines += ["| " + _md(name) + " | " + " | ".join(
            f.text if f is not None else "·" for f in cells) + " |"
            for name, cells in zip(matrix.voices, matrix.cells, strict=True)]
        lines += ["", "Columns: " + ", ".join(f"{_md(o.short)} = {_md(o.name)}"
                                             for o in outline.outlets) + ".", ""]
    sections = zip(outline.headlines.rows, outline.tone.rows, outline.words.rows,
                   outline.voices.rows, strict=True)
    links = {row.outlet.name: row for row in outline.links.rows}
    for heads, tone, words, voices in sections:
        outlet = heads.outlet
        lines += [f"## {_md(outlet.name)}", "", f"*{_md(outlet.kind.text)}* "
                  f"({_md(outlet.kind_reason)}); tone {signed(tone.tone)} ({TONE_SCALE})", ""]
        lines += [f"- {_article(h)}" for h in heads.headlines]
        lines.append("")
        if heads.words:
            lines.append(f"{outline.headlines.words_label}: " + _md_list(heads.words))
        if words.terms:
            lines.append(f"{outline.words.label}: " + ", ".join(
                f"{_md(t.text)} ({t.value:+.2f})" for t in words.terms))
        if voices.voices:
            lines.append("Voices: " + _md_list(v.text for v in voices.voices))
        if voices.missing and matrix is None:
            lines.append("Leaves out voices others quote: "
                         + _md_list(v.text for v in voices.missing))
        mine = [_md(w) for w in tone.loaded_words] + [f"{_md(w)} (quoted)"
                                                      for w in tone.quoted_words]
        if mine:
            lines.append("Loaded words: " + ", ".join(mine))
        linked = links.get(outlet.name)
        if linked is not None and linked.cites:
            lines.append("Links to: " + _md_list(x.text for x in linked.cites))
        if linked is not None and linked.primary:
            lines.append("Primary sources: " + _md_list(x.text for x in linked.primary))
        evidence: list[tuple[str, str]] = []
        if tone.loaded is not None:
            proof = tone.loaded.proof
            evidence += [(f"loaded: “{_md(word)}”", e.sentence)
                         for word, e in zip(proof.words, proof.sentences, strict=True)]
        if tone.hedged is not None:
            evidence += [("hedge", e.sentence) for e in tone.hedged.proof.sentences]
        proof = tone.figure.proof
        evidence += [(f"tone {signed(score)}", e.sentence)
                     for score, e in zip(proof.scores, proof.sentences, strict=True)]
        evidence += [(f"voice: {_md(v.text)}", v.proof.sentences[0].sentence)
                     for v in voices.voices]
        evidence += [(f"“{_md(t.text)}”", t.proof.sentences[0].sentence) for t in words.terms
                     if t.proof.sentences]
        if evidence:
            lines += ["", "Evidence:", ""]
            lines += [f"- {what}: > {_md(sentence)}" for what, sentence in evidence]
        lines.append("")
    if outline.tone.about and not outline.single:
        lines += ["## About these figures", "", outline.tone.about, "",
                  outline.tone.loaded_about, ""]
    return "\n".join(lines)
