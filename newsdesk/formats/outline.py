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
    FRAME_DEFINITIONS,
    FRAME_LABELS,
    Z_SIGNIFICANT,
    Comparison,
    Evidence,
    OutletFrame,
    frame_patterns,
    hedge_pattern,
    own_loaded,
    relative_tone_word,
    term_pattern,
)
from newsdesk.formats.palette import stable_outlet_color

TONE_SCALE = "VADER, -1 to 1"
TONE_ABOUT = ("Tone scores the words of each sentence (VADER), so it mostly measures the "
              "subject (a ruling, a flaw, a death), which every outlet of a story shares. Shown "
              "here is each outlet's tone minus the other outlets' mean; inside the neutral band "
              "(at least ±0.10, wider when few sentences) no direction is shown.")
LOADED_ABOUT = ("Loaded words are counted as the outlet's only outside quotations; quoted ones "
                "(a speaker's words) are listed marked “quoted”. Headlines are checked too. One "
                "of the few words all outlets of the story use most (its subject, such as "
                "“contempt” in a contempt case) is not counted.")
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
class SummarySection:
    """The three lines at the top of a comparison, each linked to its evidence: where the
    outlets agree, where they differ, who stands out. Empty for one outlet."""

    agree: Figure | None
    differ: Figure | None
    stands_out: Figure | None

    @property
    def lines(self) -> tuple[tuple[str, Figure], ...]:
        """(label, line) of the lines there are, in order."""
        named = (("Agree", self.agree), ("Differ", self.differ), ("Stands out", self.stands_out))
        return tuple((label, f) for label, f in named if f is not None)


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
    count: int = 0  # the outlet's sentences using the dimension's cue words
    total: int = 0  # all its framing sentences (the share is count / total)

    @property
    def counted(self) -> str:
        """'40% (4/10)': the share and the counts behind it ('' when unused)."""
        return f"{self.share:.0%} ({self.count}/{self.total})" if self.count else ""


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
    # (plain name, one-line definition) of all 15 dimensions, for a legend
    definitions: tuple[tuple[str, str], ...] = ()


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
    figure: Figure  # "+0.15 more positive than the others" or "in line", with sentences
    loaded: Figure | None  # how many loaded words of its own (unquoted), with every
    # loaded word's sentence, quoted ones marked; None when it has none at all
    loaded_words: tuple[str, ...]  # its own (unquoted) loaded words
    hedged: Figure | None  # how many hedged sentences; None for none
    quoted_words: tuple[str, ...] = ()  # loaded words only inside quotations


@dataclass(frozen=True, slots=True)
class ToneSection:
    title: str
    scale: str  # "tone (VADER, -1 to 1)"
    rows: tuple[ToneRow, ...]
    about: str = ""  # what tone measures, and what the band means
    loaded_about: str = ""  # what counts as the outlet's loaded language


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
class VoicesMatrix:
    """Who quotes whom, once: a row per voice (quoted by the most outlets first), a column
    per outlet (`outlets` order); an empty cell is a voice that outlet leaves out."""

    title: str
    note: str
    voices: tuple[str, ...]
    cells: tuple[tuple[Figure | None, ...], ...]  # [voice][outlet]; value: sentences


@dataclass(frozen=True, slots=True)
class VoicesSection:
    title: str
    label: str  # "quotes or cites"
    missing_label: str  # "leaves out"
    empty: str
    rows: tuple[VoicesRow, ...]
    matrix: VoicesMatrix | None = None  # voices x outlets (None for one outlet)

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
    summary: SummarySection = SummarySection(None, None, None)


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
        name=o.outlet, short=short_name(o.outlet), color=stable_outlet_color(o.outlet),
        kind=Figure(o.kind, Proof(f"Why {o.outlet} reads as {o.kind}: {o.kind_reason}",
                                  note=KIND_NOTE)),
        kind_reason=o.kind_reason) for o in frames}
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
    framed = _frames(frames, lines)
    tone = _tone(frames, lines, single)
    words = _words(frames, lines, single)
    core = _core(comparison)
    return Outline(
        label=label, single=single, header=header, outlets=tuple(lines.values()),
        articles=articles, timeline=timeline, frames=framed,
        headlines=_headlines(frames, lines, articles, single),
        tone=tone, words=words, core=core, voices=_voices(frames, lines, single),
        links=_links(frames, lines),
        summary=SummarySection(None, None, None) if single else _summary(frames, core, framed,
                                                                            tone, words))


def _frames(frames: list[OutletFrame], lines: Mapping[str, OutletLine]) -> FramesSection:
    used = [k for k in FRAME_LABELS if any(o.frames.get(k) for o in frames)]
    rows = []
    for o in frames:
        cells = []
        total = sum(len(v) for v in o.frame_evidence.values())
        for key in used:
            share = o.frames.get(key, 0.0)
            count = len(o.frame_evidence.get(key, ()))
            name, definition = FRAME_DEFINITIONS[key]
            figure = Figure(f"{share:.0%}", Proof(
                f"{o.outlet}: {name} in {count} of its {total} framing sentences ({share:.0%})",
                o.frame_evidence.get(key, ()), frame_patterns().get(key),
                note=f"{name}: {definition}."), share) if share else None
            cells.append(FrameCell(key, FRAME_LABELS[key], share, figure, count, total))
        rows.append(FramesRow(lines[o.outlet], tuple(cells)))
    return FramesSection(
        "Frames", "Share of each outlet's framing sentences (those with a cue word of any "
        "dimension) that use a dimension's cue words, with the counts behind it (Media Frames "
        "Corpus dimensions).", "Click a cell for the sentences.",
        tuple((k, FRAME_LABELS[k]) for k in used), tuple(rows),
        tuple(FRAME_DEFINITIONS.values()))


def _headlines(frames: list[OutletFrame], lines: Mapping[str, OutletLine],
               articles: Mapping[str, ArticleRef], single: bool) -> HeadlinesSection:
    rows = tuple(HeadlinesRow(lines[o.outlet], tuple(articles[h.article_id] for h in o.headlines),
                              o.headline_words, None if single else any_of(o.headline_words))
                 for o in frames)
    return HeadlinesSection("Headlines", "" if single else
                            "Underlined: words no other outlet's headline uses.",
                            "Headline words no one else uses", rows)


def tone_text(o: OutletFrame, single: bool) -> str:
    """'+0.21 more positive than the others', 'in line with the others (±0.12)'; for one
    outlet the raw mean, as nothing else is there to compare with."""
    if single or o.tone_band == 0:
        return f"{signed(o.tone)} raw"
    word = relative_tone_word(o.tone_relative, o.tone_band)
    if abs(o.tone_relative) < o.tone_band:
        return f"{word} (±{o.tone_band:.2f})"
    return f"{signed(o.tone_relative)} {word}"


def _loaded_label(word: str, quoted: bool, headline: bool) -> str:
    """A loaded word as the evidence lists it: 'slammed', 'extreme (quoted)', 'disgrace
    (headline)'."""
    marks = [m for m, on in (("quoted", quoted), ("headline", headline)) if on]
    return f"{word} ({', '.join(marks)})" if marks else word


def _tone(frames: list[OutletFrame], lines: Mapping[str, OutletLine], single: bool = False,
          ) -> ToneSection:
    rows = []
    for o in frames:
        note = (f"Raw mean tone {signed(o.tone)} over {o.tone_sentences} sentences; "
                + ("this is the only outlet, so nothing to compare it with." if single
                   or o.tone_band == 0 else
                   f"{signed(o.tone_relative)} against the other outlets' mean, neutral band "
                   f"±{o.tone_band:.2f}."))
        figure = Figure(tone_text(o, single), Proof(
            f"{o.outlet}: its strongest sentences by tone ({TONE_SCALE})",
            tuple(e for _, e in o.tone_evidence), None, tuple(s for s, _ in o.tone_evidence),
            note=note), o.tone_relative if not single else o.tone)
        own = own_loaded(o.loaded)
        ordered = [*own, *(t for t in o.loaded if t.quoted)]  # its own first
        loaded = Figure(str(len(own)), Proof(
            f"{o.outlet}: loaded words ({len(own)} its own, "
            f"{len(o.loaded) - len(own)} inside quotations)",
            tuple(t.evidence for t in ordered), any_of(t.word for t in ordered),
            words=tuple(_loaded_label(t.word, t.quoted, t.headline) for t in ordered),
            note=LOADED_ABOUT), len(own)) if o.loaded else None
        hedged = Figure(str(len(o.hedges)), Proof(
            f"{o.outlet}: hedged sentences", o.hedges, hedge_pattern()),
            len(o.hedges)) if o.hedges else None
        mine = tuple(dict.fromkeys(t.word.lower() for t in own))
        quoted = tuple(w for w in dict.fromkeys(t.word.lower() for t in o.loaded if t.quoted)
                       if w not in mine)
        rows.append(ToneRow(lines[o.outlet], o.tone, figure, loaded, mine, hedged, quoted))
    return ToneSection("Tone, loaded language, hedging",
                       f"tone ({TONE_SCALE})" if single else "tone against the others",
                       tuple(rows), TONE_ABOUT, LOADED_ABOUT)


def _words(frames: list[OutletFrame], lines: Mapping[str, OutletLine], single: bool) -> WordsSection:
    rows = tuple(WordsRow(lines[o.outlet], tuple(Figure(t.term, Proof(
        f"{o.outlet} uses “{t.term}” {t.count}× (log-odds z {t.z:+.1f})", t.evidence,
        word_pattern(t.term)), t.z) for t in o.distinctive)) for o in frames)
    return WordsSection(
        "Words it leans on" if single else "Words each outlet uses more than the others",
        "Log-odds with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008) against "
        "the other outlets, the prior taken from every stored article; the number is the z-score, "
        f"and only words with z ≥ {Z_SIGNIFICANT} (significant at the 5% level) are shown, "
        "names and phrases first.",
        "Distinctive words and phrases", "none significant", rows)


def _core(comparison: Comparison) -> CoreSection:
    return CoreSection("What every outlet reports", "(nothing in common)", tuple(
        Figure(term, Proof(f"Every outlet reports “{term}”", comparison.core_evidence.get(term, ()),
                           word_pattern(term))) for term in comparison.common_core))


def _voices(frames: list[OutletFrame], lines: Mapping[str, OutletLine], single: bool = False,
            ) -> VoicesSection:
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
    matrix = None if single else _voices_matrix(frames)
    return VoicesSection("Voices", "quotes or cites", "leaves out", "nobody", rows, matrix)


def _voices_matrix(frames: list[OutletFrame]) -> VoicesMatrix | None:
    """Every voice against every outlet: the number of sentences quoting them, or nothing
    where the outlet leaves them out."""
    by_outlet = [{v.name: v for v in o.voices} for o in frames]
    names = {n for mine in by_outlet for n in mine}
    if not names:
        return None
    ordered = sorted(names, key=lambda n: (-sum(n in mine for mine in by_outlet),
                                           -sum(len(mine[n].evidence) for mine in by_outlet
                                                if n in mine), n))
    cells = tuple(tuple(
        Figure(str(len(mine[n].evidence)), Proof(f"{o.outlet} quotes or cites {n}",
                                                 mine[n].evidence, word_pattern(n)),
               len(mine[n].evidence)) if n in mine else None
        for o, mine in zip(frames, by_outlet, strict=True)) for n in ordered)
    return VoicesMatrix("Who quotes whom", "Sentences quoting or citing each voice; an empty "
                        "cell is a voice that outlet leaves out.", tuple(ordered), cells)


def _summary(frames: list[OutletFrame], core: CoreSection, framed: FramesSection,
             tone: ToneSection, words: WordsSection) -> SummarySection:
    """The three lines an editor reads first, each from a figure further down."""
    n = len(frames)
    agree = None
    if core.terms:
        shared = core.terms[:3]
        sentences_ = tuple(e for t in shared for e in t.proof.sentences)
        common = [k for k, _ in framed.dimensions
                  if all(c.count for row in framed.rows for c in row.cells if c.key == k)]
        lead = max(common, key=lambda k: min(c.share for row in framed.rows
                                             for c in row.cells if c.key == k), default=None)
        text = (f"All {n} outlets report " + ", ".join(f"“{t.text}”" for t in shared)
                + (f", and all use {FRAME_LABELS[lead]} framing" if lead else "") + ".")
        agree = Figure(text, Proof("Where the outlets agree: the same words in every outlet",
                                   sentences_, any_of(t.text for t in shared)))
    differ = None
    spreads = []
    for key, label in framed.dimensions:
        cells = [(row.outlet.name, c) for row in framed.rows for c in row.cells if c.key == key]
        (hi_name, hi), (lo_name, lo) = (max(cells, key=lambda t: t[1].share),
                                        min(cells, key=lambda t: t[1].share))
        if hi.count >= 2 and hi.figure is not None:
            spreads.append((hi.share - lo.share, label, hi_name, hi, lo_name, lo))
    if spreads:
        gap, label, hi_name, hi, lo_name, lo = max(spreads, key=lambda t: (t[0], t[1]))
        assert hi.figure is not None
        differ = Figure(f"They differ most on {label} framing: {hi_name} {hi.counted}, "
                        f"{lo_name} {lo.counted or '0%'} of its framing sentences.",
                        hi.figure.proof, gap)
    articles = {o.outlet: len(o.headlines) or 1 for o in frames}
    return SummarySection(agree, differ, _stands_out(tone, words, articles))


def _stands_out(tone: ToneSection, words: WordsSection, articles: Mapping[str, int]) -> Figure:
    """The outlet most unlike the rest: the most loaded words of its own per article, else
    a tone outside the neutral band, else the most significant distinctive words."""
    def rate(r: ToneRow) -> float:
        return (r.loaded.value or 0) / articles.get(r.outlet.name, 1) if r.loaded else 0.0

    loaded = sorted((r for r in tone.rows if r.loaded is not None and r.loaded_words),
                    key=lambda r: (-rate(r), r.outlet.name))
    if loaded and (len(loaded) == 1 or rate(loaded[0]) > rate(loaded[1])):
        r = loaded[0]
        assert r.loaded is not None
        shown = ", ".join(f"“{w}”" for w in r.loaded_words[:4])
        return Figure(f"{r.outlet.name} stands out with loaded words of its own "
                      f"({r.loaded.text}: {shown}).", r.loaded.proof, r.loaded.value)
    apart = [r for r in tone.rows if not r.figure.text.startswith("in line")
             and not r.figure.text.endswith("raw")]
    if apart:
        r = max(apart, key=lambda r: abs(r.figure.value or 0))
        return Figure(f"{r.outlet.name} stands out in tone: {r.figure.text}.", r.figure.proof,
                      r.figure.value)
    ranked = sorted((w for w in words.rows if w.terms), key=lambda w: -len(w.terms))
    if ranked:
        w = ranked[0]
        shown = ", ".join(f"“{t.text}”" for t in w.terms[:3])
        proof = Proof(f"{w.outlet.name}: its most distinctive words",
                      tuple(e for t in w.terms[:3] for e in t.proof.sentences),
                      any_of(t.text for t in w.terms[:3]))
        return Figure(f"{w.outlet.name} stands out in its words: {shown}.", proof)
    return Figure("No outlet stands out: no loaded words of its own, no tone outside the "
                  "neutral band, no significant distinctive words.", Proof("Who stands out"))


def _links(frames: list[OutletFrame], lines: Mapping[str, OutletLine]) -> LinksSection:
    rows = tuple(LinksRow(
        lines[o.outlet],
        tuple(Figure(x, Proof(f"{o.outlet} links to {x}", o.link_evidence.get(x, ())))
              for x in o.links_to_outlets),
        tuple(Figure(u, Proof(f"{o.outlet} links to a primary source", o.link_evidence.get(u, ()),
                              url=u)) for u in o.primary_sources))
        for o in frames if o.links_to_outlets or o.primary_sources)
    return LinksSection("Links", "cites", "links to a primary source", rows)
