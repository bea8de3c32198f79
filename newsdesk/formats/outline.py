"""One outline of a story's comparison: its sections, their figures and the evidence behind
each, with every sentence and label written once.

The story pane, the HTML report and the Markdown report only draw an outline; none of them
phrases a figure of its own. The outline is plain frozen data (no Qt, no store, no markup),
built by `build_outline` from a `Comparison`. Texts that came from a feed stay as they came:
each renderer escapes them for its medium.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from newsdesk.analysis.cues import cue_pattern
from newsdesk.analysis.framing import (
    FRAME_LABELS,
    Comparison,
    Evidence,
    OutletFrame,
    frame_patterns,
    hedge_pattern,
    term_pattern,
    tone_word,
)
from newsdesk.formats.palette import outlet_color

TONE_SCALE = "VADER, -1 to 1"
KIND_NOTE = ("This figure comes from the article's feed categories, address or style rather "
             "than from particular sentences.")


# ---------------------------------------------------------------- labels

def short_name(outlet: str) -> str:
    """A column label: initials of a several-word name, the start of a one-word name."""
    name = re.sub(r"\s*\(sample\)\s*$", "", outlet)
    parts = [w for w in re.findall(r"[\w'’]+", name) if w.lower() not in ("the", "a", "of")]
    if len(parts) >= 2:
        return "".join(p[0].upper() for p in parts[:4])
    return (parts[0][:5] if parts else outlet[:5]) or "?"


def lag_text(hours: float) -> str:
    """'first', '+25 min', '+4 h', '+3 d'."""
    if hours <= 0:
        return "first"
    if hours < 1:
        return f"+{round(hours * 60)} min"
    return f"+{hours:.0f} h" if hours < 48 else f"+{hours / 24:.0f} d"


def signed(score: float) -> str:
    """A tone score as +0.12 / -0.27, never '-0.00'."""
    return f"{score if abs(score) >= 0.005 else 0.0:+.2f}"


def plural(count: int, word: str) -> str:
    """'1 outlet', '5 outlets'."""
    return f"{count} {word}{'s' * (count != 1)}"


def word_pattern(text: str) -> re.Pattern[str]:
    """A term as written and any ending: 'fine' finds fines, fined; a phrase's words may
    have up to two short words between them."""
    return term_pattern(text)


def any_of(texts: Iterable[str]) -> re.Pattern[str] | None:
    """Whole words or phrases, longest first; None when there are none."""
    unique = {t for t in texts if t}
    return cue_pattern(unique) if unique else None


def highlight(text: str, pattern: re.Pattern[str] | None, before: str, after: str) -> str:
    """Escape text for HTML, wrapping each match of pattern in before/after."""
    if pattern is None:
        return html.escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        out += [html.escape(text[last:match.start()]), before, html.escape(match.group(0)), after]
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


# ---------------------------------------------------------------- the outline's shape

@dataclass(frozen=True, slots=True)
class Proof:
    """The evidence behind one figure: what it shows, the sentences, the words to mark."""

    title: str
    sentences: tuple[Evidence, ...] = ()
    pattern: re.Pattern[str] | None = None  # the words that made the figure, to highlight
    scores: tuple[float, ...] = ()  # one per sentence when the figure is a score (tone)
    words: tuple[str, ...] = ()  # one per sentence when each shows a word (loaded language)
    url: str = ""  # what the figure is about, when that is an address (a primary source)
    note: str = ""  # why, when the figure rests on something other than sentences


@dataclass(frozen=True, slots=True)
class Figure:
    """One value a renderer shows and links to its proof: a word, a count, a share."""

    text: str
    proof: Proof
    value: float | None = None  # the number behind the text (a z-score, a count, a share)


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article the evidence points to."""

    id: str
    outlet: str
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class OutletLine:
    """An outlet as every section names it: name, short label, colour, kind of piece."""

    name: str
    short: str
    color: str
    kind: Figure  # news, analysis or opinion, with why
    kind_reason: str


@dataclass(frozen=True, slots=True)
class Header:
    title: str
    summary: str  # "5 outlets · 5 articles"
    first: str  # the outlet that reported first ("" when no dates)
    alone: str  # for one outlet: what the pane says instead of comparing


@dataclass(frozen=True, slots=True)
class TimelineRow:
    outlet: OutletLine
    published: datetime
    hours_after_first: float
    lag: str
    article: ArticleRef


@dataclass(frozen=True, slots=True)
class TimelineSection:
    title: str
    rows: tuple[TimelineRow, ...]


@dataclass(frozen=True, slots=True)
class FrameCell:
    key: str
    label: str
    share: float
    figure: Figure | None  # None when the outlet does not use the dimension


@dataclass(frozen=True, slots=True)
class FramesRow:
    outlet: OutletLine
    cells: tuple[FrameCell, ...]  # one per dimension of the section, in its order


@dataclass(frozen=True, slots=True)
class FramesSection:
    title: str
    about: str
    hint: str  # for a renderer one can click in
    dimensions: tuple[tuple[str, str], ...]  # (key, label) of every dimension any outlet uses
    rows: tuple[FramesRow, ...]


@dataclass(frozen=True, slots=True)
class HeadlinesRow:
    outlet: OutletLine
    headlines: tuple[ArticleRef, ...]
    words: tuple[str, ...]  # headline words no other outlet's headline uses
    marked: re.Pattern[str] | None  # those words, to underline (None for one outlet)


@dataclass(frozen=True, slots=True)
class HeadlinesSection:
    title: str
    note: str  # what the underlining means ("" for one outlet)
    words_label: str
    rows: tuple[HeadlinesRow, ...]


@dataclass(frozen=True, slots=True)
class ToneRow:
    outlet: OutletLine
    tone: float
    figure: Figure  # "+0.12 positive", with its strongest sentences
    loaded: Figure | None  # how many loaded words, with their sentences; None for none
    loaded_words: tuple[str, ...]
    hedged: Figure | None  # how many hedged sentences; None for none


@dataclass(frozen=True, slots=True)
class ToneSection:
    title: str
    scale: str  # "tone (VADER, -1 to 1)"
    rows: tuple[ToneRow, ...]


@dataclass(frozen=True, slots=True)
class WordsRow:
    outlet: OutletLine
    terms: tuple[Figure, ...]  # value: the z-score


@dataclass(frozen=True, slots=True)
class WordsSection:
    title: str
    about: str
    label: str
    empty: str
    rows: tuple[WordsRow, ...]


@dataclass(frozen=True, slots=True)
class CoreSection:
    title: str
    empty: str
    terms: tuple[Figure, ...]


@dataclass(frozen=True, slots=True)
class VoicesRow:
    outlet: OutletLine
    voices: tuple[Figure, ...]  # by name; value: how many sentences quote or cite them
    missing: tuple[Figure, ...]  # voices others quote; value: how many sentences


@dataclass(frozen=True, slots=True)
class VoicesSection:
    title: str
    label: str  # "quotes or cites"
    missing_label: str  # "leaves out"
    empty: str
    rows: tuple[VoicesRow, ...]

    @property
    def anyone(self) -> bool:
        """Whether any outlet quotes anybody (the section is shown only then)."""
        return any(r.voices for r in self.rows)


@dataclass(frozen=True, slots=True)
class LinksRow:
    outlet: OutletLine
    cites: tuple[Figure, ...]  # other outlets of the story it links to
    primary: tuple[Figure, ...]  # primary sources (text and proof.url: the address)


@dataclass(frozen=True, slots=True)
class LinksSection:
    title: str
    cites_label: str
    primary_label: str
    rows: tuple[LinksRow, ...]  # only outlets that link somewhere


@dataclass(frozen=True, slots=True)
class Outline:
    """A whole comparison as sections of figures with their evidence. Every section lists
    the outlets in the order they reported (`outlets`), except links (only those linking)."""

    label: str
    single: bool  # one outlet: a profile against everything stored, not a comparison
    header: Header
    outlets: tuple[OutletLine, ...]
    articles: Mapping[str, ArticleRef]  # id -> the article, for evidence lines
    timeline: TimelineSection
    frames: FramesSection
    headlines: HeadlinesSection
    tone: ToneSection
    words: WordsSection
    core: CoreSection
    voices: VoicesSection
    links: LinksSection


# ---------------------------------------------------------------- building it

def outlets_in_order(comparison: Comparison) -> list[OutletFrame]:
    """The outlets in the order they reported (the timeline's), then by name."""
    order = {e.outlet: i for i, e in enumerate(comparison.timeline)}
    return sorted(comparison.outlets, key=lambda o: (order.get(o.outlet, len(order)), o.outlet))


def build_outline(label: str, comparison: Comparison, *, urls: Mapping[str, str] | None = None,
                  grouped: bool = True) -> Outline:
    """The outline of a comparison. `urls` (article id -> address) lets evidence link to
    articles; `grouped` is False for one article not grouped into a story yet."""
    frames = outlets_in_order(comparison)
    single = len(frames) == 1
    urls = urls or {}
    articles = {h.article_id: ArticleRef(h.article_id, o.outlet, h.sentence, urls.get(h.article_id))
                for o in frames for h in o.headlines}
    lines = {o.outlet: OutletLine(
        name=o.outlet, short=short_name(o.outlet), color=outlet_color(i),
        kind=Figure(o.kind, Proof(f"Why {o.outlet} reads as {o.kind}: {o.kind_reason}",
                                  note=KIND_NOTE)),
        kind_reason=o.kind_reason) for i, o in enumerate(frames)}
    count = sum(len(o.headlines) for o in frames)
    first = comparison.timeline[0].outlet if comparison.timeline else ""
    if not grouped:
        alone = "Not grouped into a story yet."
    elif single:
        alone = (f"Only {frames[0].outlet} has reported this so far; other outlets' coverage "
                 "appears here as it arrives.")
    else:
        alone = ""
    if alone:
        alone += " Below is this coverage's own profile, its words measured against everything stored."
    header = Header(label, f"{plural(len(frames), 'outlet')} · {plural(count, 'article')}",
                    first, alone)
    timeline = TimelineSection("Timeline", tuple(
        TimelineRow(lines[e.outlet], e.published, e.hours_after_first, lag_text(e.hours_after_first),
                    articles.get(e.article_id) or ArticleRef(e.article_id, e.outlet, ""))
        for e in comparison.timeline if e.outlet in lines))
    return Outline(
        label=label, single=single, header=header, outlets=tuple(lines.values()),
        articles=articles, timeline=timeline, frames=_frames(frames, lines),
        headlines=_headlines(frames, lines, articles, single),
        tone=_tone(frames, lines), words=_words(frames, lines, single),
        core=_core(comparison), voices=_voices(frames, lines), links=_links(frames, lines))


def _frames(frames: list[OutletFrame], lines: Mapping[str, OutletLine]) -> FramesSection:
    used = [k for k in FRAME_LABELS if any(o.frames.get(k) for o in frames)]
    rows = []
    for o in frames:
        cells = []
        for key in used:
            share = o.frames.get(key, 0.0)
            figure = Figure(f"{share:.0%}", Proof(
                f"{o.outlet}: {FRAME_LABELS[key]} in {share:.0%} of its framing sentences",
                o.frame_evidence.get(key, ()), frame_patterns().get(key)), share) if share else None
            cells.append(FrameCell(key, FRAME_LABELS[key], share, figure))
        rows.append(FramesRow(lines[o.outlet], tuple(cells)))
    return FramesSection(
        "Frames", "Share of each outlet's framing sentences that use a dimension's cue words "
        "(Media Frames Corpus dimensions).", "Click a cell for the sentences.",
        tuple((k, FRAME_LABELS[k]) for k in used), tuple(rows))


def _headlines(frames: list[OutletFrame], lines: Mapping[str, OutletLine],
               articles: Mapping[str, ArticleRef], single: bool) -> HeadlinesSection:
    rows = tuple(HeadlinesRow(lines[o.outlet], tuple(articles[h.article_id] for h in o.headlines),
                              o.headline_words, None if single else any_of(o.headline_words))
                 for o in frames)
    return HeadlinesSection("Headlines", "" if single else
                            "Underlined: words no other outlet's headline uses.",
                            "Headline words no one else uses", rows)


def _tone(frames: list[OutletFrame], lines: Mapping[str, OutletLine]) -> ToneSection:
    rows = []
    for o in frames:
        figure = Figure(f"{signed(o.tone)} {tone_word(o.tone)}", Proof(
            f"{o.outlet}: its strongest sentences by tone ({TONE_SCALE})",
            tuple(e for _, e in o.tone_evidence), None, tuple(s for s, _ in o.tone_evidence)),
            o.tone)
        loaded = Figure(str(len(o.loaded)), Proof(
            f"{o.outlet}: loaded words", tuple(t.evidence for t in o.loaded),
            any_of(t.word for t in o.loaded), words=tuple(t.word for t in o.loaded)),
            len(o.loaded)) if o.loaded else None
        hedged = Figure(str(len(o.hedges)), Proof(
            f"{o.outlet}: hedged sentences", o.hedges, hedge_pattern()),
            len(o.hedges)) if o.hedges else None
        rows.append(ToneRow(lines[o.outlet], o.tone, figure, loaded,
                            tuple(dict.fromkeys(t.word.lower() for t in o.loaded)), hedged))
    return ToneSection("Tone, loaded language, hedging", f"tone ({TONE_SCALE})", tuple(rows))


def _words(frames: list[OutletFrame], lines: Mapping[str, OutletLine], single: bool) -> WordsSection:
    rows = tuple(WordsRow(lines[o.outlet], tuple(Figure(t.term, Proof(
        f"{o.outlet} uses “{t.term}” {t.count}× (log-odds z {t.z:+.1f})", t.evidence,
        word_pattern(t.term)), t.z) for t in o.distinctive)) for o in frames)
    return WordsSection(
        "Words it leans on" if single else "Words each outlet uses more than the others",
        "Log-odds with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008) against "
        "the other outlets, the prior taken from every stored article; the number is the z-score.",
        "Distinctive words and phrases", "none stand out", rows)


def _core(comparison: Comparison) -> CoreSection:
    return CoreSection("What every outlet reports", "(nothing in common)", tuple(
        Figure(term, Proof(f"Every outlet reports “{term}”", comparison.core_evidence.get(term, ()),
                           word_pattern(term))) for term in comparison.common_core))


def _voices(frames: list[OutletFrame], lines: Mapping[str, OutletLine]) -> VoicesSection:
    quoted: dict[str, list[Evidence]] = {}
    for o in frames:
        for v in o.voices:
            quoted.setdefault(v.name, []).extend(v.evidence)
    rows = tuple(VoicesRow(
        lines[o.outlet],
        tuple(Figure(v.name, Proof(f"{o.outlet} quotes or cites {v.name}", v.evidence,
                                   word_pattern(v.name)), len(v.evidence)) for v in o.voices),
        tuple(Figure(name, Proof(f"{o.outlet} leaves out {name}; the others quote them so",
                                 tuple(quoted.get(name, ())), word_pattern(name)),
                     len(quoted.get(name, ()))) for name in o.missing_voices))
        for o in frames)
    return VoicesSection("Voices", "quotes or cites", "leaves out", "nobody", rows)


def _links(frames: list[OutletFrame], lines: Mapping[str, OutletLine]) -> LinksSection:
    rows = tuple(LinksRow(
        lines[o.outlet],
        tuple(Figure(x, Proof(f"{o.outlet} links to {x}", o.link_evidence.get(x, ())))
              for x in o.links_to_outlets),
        tuple(Figure(u, Proof(f"{o.outlet} links to a primary source", o.link_evidence.get(u, ()),
                              url=u)) for u in o.primary_sources))
        for o in frames if o.links_to_outlets or o.primary_sources)
    return LinksSection("Links", "cites", "links to a primary source", rows)
