"""A story's comparison as Markdown an editor can paste or send: the outline, drawn as text.

Every text that came from a feed (titles, names, sentences, words) is escaped, so a title
like "[click](javascript:...)" or "# Heading" shows as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsdesk.analysis.framing import Comparison
from newsdesk.formats.outline import TONE_SCALE, Outline, build_outline, signed
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


def to_markdown(label: str, comparison: Comparison) -> str:
    """A report of a comparison: every figure with its evidence."""
    return render_markdown(build_outline(label, comparison))


def render_markdown(outline: Outline) -> str:
    """Draw an outline as Markdown."""
    lines = [f"# {_md(outline.label)}", "", f"## {outline.timeline.title}", ""]
    for row in outline.timeline.rows:
        lag = "first" if row.hours_after_first == 0 else f"+{row.hours_after_first:.1f} h"
        lines.append(f"- **{_md(row.outlet.name)}** ({lag}): {row.published:%Y-%m-%d %H:%M} UTC")
    core = outline.core
    lines += ["", f"## {core.title}", "", _md_list(t.text for t in core.terms) or core.empty, ""]
    frames = outline.frames
    if frames.dimensions:
        lines += [f"## {frames.title}", "", frames.about, "",
                  "| outlet | " + " | ".join(label for _, label in frames.dimensions) + " |",
                  "|---|" + "---:|" * len(frames.dimensions)]
        lines += ["| " + _md(row.outlet.name) + " | " + " | ".join(
            cell.figure.text if cell.figure else "" for cell in row.cells) + " |"
            for row in frames.rows]
        lines.append("")
    sections = zip(outline.headlines.rows, outline.tone.rows, outline.words.rows,
                   outline.voices.rows, strict=True)
    links = {row.outlet.name: row for row in outline.links.rows}
    for heads, tone, words, voices in sections:
        outlet = heads.outlet
        lines += [f"## {_md(outlet.name)}", "", f"*{_md(outlet.kind.text)}* "
                  f"({_md(outlet.kind_reason)}); tone {signed(tone.tone)} ({TONE_SCALE})", ""]
        lines += [f"- {_md(h.title)}" for h in heads.headlines]
        lines.append("")
        if heads.words:
            lines.append(f"{outline.headlines.words_label}: " + _md_list(heads.words))
        if words.terms:
            lines.append(f"{outline.words.label}: " + ", ".join(
                f"{_md(t.text)} ({t.value:+.2f})" for t in words.terms))
        if voices.voices:
            lines.append("Voices: " + _md_list(v.text for v in voices.voices))
        if voices.missing:
            lines.append("Leaves out voices others quote: "
                         + _md_list(v.text for v in voices.missing))
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
    return "\n".join(lines)
