"""Compare how outlets frame one story: pure functions over the story's articles.

Each comparison keeps its evidence (the sentences or links behind a figure), so the pane
and the reports can show why: timeline, headline words, distinctive words and phrases
(log-odds with an informative Dirichlet prior: Monroe, Colaresi and Quinn 2008,
"Fightin' Words"), the common core, voices (who is quoted or cited) and the ones an outlet
leaves out, tone (VADER), loaded language and hedging, frames (Media Frames Corpus
dimensions), links to other outlets and primary sources, and the kind of piece (news,
analysis, opinion). Each article is analysed once per process (`_profile`), so a story
that grows by one article costs one article's analysis.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from newsdesk.analysis.cues import (
    cue_pattern,
    frame_cues,
    frames_matcher,
)
from newsdesk.analysis.loaded import find_loaded, quotations
from newsdesk.analysis.text import STOPWORDS, stem, surface_forms, words
from newsdesk.config import resource_path

SUBJECT_OUTLETS = 3  # a story's subject words are used by all of at least this many outlets
SUBJECT_TERMS = 4  # ... and are among its this many most used common words (chosen on BASIL tune)
_SENTENCE_END = re.compile(r"[.!?][\"”’']?(?=\s+[\"“‘A-Z0-9]|\s*$)")
_ABBREVIATIONS = frozenset({"mr", "ms", "mrs", "dr", "st", "jr", "sr", "inc", "corp", "gen",
                            "sen", "rep", "gov", "no", "vs", "u.s", "e.g", "i.e", "lt", "col",
                            "co", "ltd", "bros", "dept", "univ", "assn", "ave", "blvd", "mt",
                            "ft", "sgt", "rev", "prof", "capt", "cmdr", "adm", "supt", "atty",
                            "u.k", "u.n", "d.c", "approx", "est", "vol", "fig", "etc", "al",
                            "ph.d"})
# "Oct. 5", "Sept. 11": an abbreviated month is never a sentence's end in news prose
_MONTHS = frozenset({"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                     "nov", "dec"})
_ROLES = frozenset({"analyst", "analysts", "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr.",
                    "spokesman", "spokeswoman", "spokesperson", "lawyer", "attorney",
                    "economist", "researcher", "professor", "judge", "senator", "sen.", "rep.",
                    "representative", "president", "minister", "commissioner", "chief",
                    "director", "governor", "mayor", "chair", "chairman", "chairwoman",
                    "gov.", "gen.", "historian", "expert", "scientist", "official", "ceo",
                    "founder", "leader", "secretary", "speaker", "correspondent", "columnist",
                    "editor", "reporter", "author", "activist", "lt.", "col.", "sgt.", "rev.",
                    "sen", "rep", "gov"})
# the first word of a body named "X of Y" ("Bank of England"); a person "A B of Y" is cut at "of"
_BODIES = frozenset({"bank", "department", "ministry", "university", "office", "institute",
                     "court", "council", "board", "commission", "secretary", "minister", "house",
                     "chamber", "bureau", "agency", "school", "college", "society", "league",
                     "association", "federation", "union", "church", "state", "city", "people",
                     "friends", "director", "chief", "head", "center", "centre"})
_ANCHOR = re.compile(r'<a\s[^>]*?href="([^"]+)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
_TITLE = r"(?:Mr|Mrs|Ms|Dr|Rep|Sen|Gov|Gen|Lt|Col|Sgt|Rev|St)\."
_NAME = (rf"(?:{_TITLE}|[A-Z][\w'’\-]+|[A-Z]\.)"
         rf"(?:\s+(?:{_TITLE}|[A-Z][\w'’\-]+|[A-Z]\.|of|de|van|von|the|for|and|&))*")
_ROLE = (r"(?:,\s+(?!(?:as|and|but|or|while|after|when|because|which|where|so|then|if|though|"
         r"although|since|until|before|in|on|at|for)\b)(?:the\s+)?[a-z][\w\s\-']{0,60}?)?")
_SAID = r"(?:said|says|told|wrote|added|argued|warned|explained|noted|asked)"
_SAID_BEFORE = r"(?:said|says|wrote|added|argued|warned|explained|noted|asked)"  # "told X": X listens
_VOICE_PATTERNS = (
    re.compile(rf"[\"”]\s*,?\s*{_SAID_BEFORE}\s+(?P<name>{_NAME})"),  # "...," said X
    re.compile(rf"(?P<name>{_NAME}){_ROLE},?\s+{_SAID}\b"),  # X (, role) said
    re.compile(rf"\baccording to (?:the\s+)?(?P<name>{_NAME})"),  # according to X
    # said X, ... / said X. ("said Congress needs to" reports what was said, not who)
    re.compile(rf"\b{_SAID_BEFORE}\s+(?P<name>{_NAME})(?=\s*(?:[,.;:)(]|$))"),
    # companies and groups that speak through court filings: "Apple and Cisco filed a brief"
    re.compile(rf"(?P<name>{_NAME}){_ROLE},?\s+(?:also\s+)?(?:filed|submitted|joined|signed)"
               r"\s+(?:an?\s+|their\s+|its\s+)?(?:own\s+)?(?:amicus|friend-of-the-court|legal)?"
               r"\s*(?:curiae\s+)?briefs?\b"),
    re.compile(rf"\b(?:amicus|friend-of-the-court)?\s*briefs?\s+(?:\w+\s+){{0,2}}?(?:filed\s+)?"
               rf"(?:by|from|of)\s+(?:the\s+)?(?P<name>{_NAME})"),
    re.compile(rf"\bamicus\s+(?:curiae\s+)?(?:briefs?\s+)?(?:filers?|signatories|supporters)?"
               rf"\s*(?:include|including|such as)\s+(?P<name>{_NAME})"),
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_NOT_VOICES = frozenset({"The", "He", "She", "They", "It", "We", "I", "This", "That", "A", "An",
                         "But", "And", "In", "On", "Monday", "Tuesday", "Wednesday", "Thursday",
                         "Friday", "Saturday", "Sunday", "Officials", "Experts", "Analysts",
                         "Researchers", "Sources", "Critics", "Supporters", "Democrat",
                         "Republican", "When", "Though", "Although", "While", "After", "Before",
                         "If", "Of", "Everyone", "Some", "Many", "Other", "Others", "Most",
                         "Both", "Asked", "Still", "Yet", "So", "Now", "Then", "Meanwhile",
                         "However", "Also", "Even", "Instead", "Last", "Next", "As", "At", "For"})
HEDGES = (
    "allegedly", "alleged", "reportedly", "purportedly", "apparently", "claims", "claimed",
    "sources say", "sources said", "according to sources", "it is unclear", "appears to",
    "appeared to", "may have", "might have", "could be", "is said to", "are said to",
    "unconfirmed", "unverified", "suggests", "suggested", "is believed to", "rumored",
)
PRIMARY_HINTS = (".pdf", "/opinions/", "/decisions/", "/ordinance", "/advisories/",
                 "/filings/", "/docket", "/bills/", ".gov/", "/council/", "/court")
OPINION_WORDS = ("opinion", "editorial", "commentary", "column", "op-ed", "analysis",
                 "explainer", "perspective", "review")
# The 15 dimensions of the Media Frames Corpus (Boydstun et al. 2014), in its order: a plain
# name for the pane and one line saying what counts. "other" has no cue words: never counted.
FRAME_DEFINITIONS: dict[str, tuple[str, str]] = {
    "economic": ("Money", "costs, benefits, prices, jobs, markets: what it does to money"),
    "capacity and resources": ("Resources", "whether there is enough: staff, beds, equipment, "
                               "time, supplies"),
    "morality": ("Right and wrong", "religious or ethical duty, values, conscience, shame"),
    "fairness and equality": ("Fairness", "who is treated equally or not; rights, bias, "
                              "discrimination"),
    "legality and constitutionality": ("Law and courts", "what the law allows: courts, "
                                       "rulings, lawsuits, rights under the constitution"),
    "policy prescription and evaluation": ("Policy", "what should be done and whether a plan, "
                                           "bill or rule works"),
    "crime and punishment": ("Crime", "breaking the law, police, charges, sentences, prison"),
    "security and defense": ("Security", "threats to a country, a system or people: attacks, "
                             "war, breaches"),
    "health and safety": ("Health and safety", "illness, injury, death, care and staying safe"),
    "quality of life": ("Daily life", "how people's ordinary lives, homes and communities "
                        "are affected"),
    "cultural identity": ("Culture and identity", "traditions, customs, language and who "
                          "\u201cwe\u201d are"),
    "public opinion": ("Public opinion", "what the public thinks: polls, protests, backlash"),
    "political": ("Politics", "parties, elections, politicians' moves and who wins or loses"),
    "external regulation and reputation": ("Other countries", "relations with and standing "
                                           "among other nations; treaties, foreign rules"),
    "other": ("Other", "anything else; NewsDesk has no cue words for it, so it is not counted"),
}
FRAME_LABELS = {key: name for key, (name, _) in FRAME_DEFINITIONS.items()}
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|me|my|mine|we think|in my view)\b")


@dataclass(frozen=True, slots=True)
class FramingArticle:
    """What the comparison reads of one article."""

    id: str
    outlet: str
    site: str  # the outlet's host, to recognise links to it
    title: str
    text: str
    html: str = ""
    url: str | None = None
    published: datetime | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    article_id: str
    sentence: str


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    outlet: str
    published: datetime
    hours_after_first: float
    article_id: str


@dataclass(frozen=True, slots=True)
class ScoredTerm:
    term: str
    z: float
    count: int
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class LoadedTerm:
    """A loaded word or phrase with its sentence. `quoted`: inside a quotation, so the
    quoted person's words, not the outlet's; `headline`: found in the article's title."""

    word: str
    evidence: Evidence
    quoted: bool = False
    headline: bool = False


@dataclass(frozen=True, slots=True)
class Voice:
    name: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class OutletFrame:
    """One outlet's side of the comparison."""

    outlet: str
    headlines: tuple[Evidence, ...]  # (article id, title) of each of its articles
    headline_words: tuple[str, ...]
    distinctive: tuple[ScoredTerm, ...]
    voices: tuple[Voice, ...]
    missing_voices: tuple[str, ...]
    hedges: tuple[Evidence, ...]
    loaded: tuple[LoadedTerm, ...]
    tone: float
    tone_evidence: tuple[tuple[float, Evidence], ...]
    frames: dict[str, float]
    frame_evidence: dict[str, tuple[Evidence, ...]]
    links_to_outlets: tuple[str, ...]
    primary_sources: tuple[str, ...]
    link_evidence: dict[str, tuple[Evidence, ...]]  # outlet or URL -> the linking sentences
    kind: str
    kind_reason: str
    # tone against the story's other outlets: this outlet's tone minus theirs, and the band
    # within which the difference is noise (shown without a direction); 0 for one outlet
    tone_relative: float = 0.0
    tone_band: float = 0.0
    tone_sentences: int = 0  # how many sentences the tone is the mean of


@dataclass(frozen=True, slots=True)
class Comparison:
    timeline: tuple[TimelineEntry, ...]
    common_core: tuple[str, ...]
    outlets: tuple[OutletFrame, ...] = field(default_factory=tuple)
    core_evidence: dict[str, tuple[Evidence, ...]] = field(default_factory=dict)


def sentences(text: str) -> list[str]:
    """Split text into sentences (good enough for news prose: keeps closing quotes, and
    does not split after Mr., Dr., U.S. and similar)."""
    return list(_sentences(text))


@lru_cache(maxsize=2048)
def _sentences(text: str) -> tuple[str, ...]:
    """Cached: voices, tone, hedges and loaded words each read an article's sentences."""
    return tuple(text[a:b] for a, b in sentence_spans(text))


@lru_cache(maxsize=2048)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence in text, stripped: `sentences` are these slices, so a
    detector's character offsets (loaded words) can be placed in their sentence."""
    out: list[tuple[int, int]] = []

    def add(a: int, b: int) -> None:
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if b - trail > a + lead:
            out.append((a + lead, b - trail))

    offset = 0
    for paragraph in text.split("\n"):
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            before = paragraph[start:match.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if match.group(0)[0] == "." and (last in _ABBREVIATIONS or last in _MONTHS
                                             or len(last) == 1):
                continue
            add(offset + start, offset + match.end())
            start = match.end()
        add(offset + start, offset + len(paragraph))
        offset += len(paragraph) + 1
    return tuple(out)


def timeline(articles: Sequence[FramingArticle]) -> tuple[TimelineEntry, ...]:
    """Each outlet's first article on the story, and how long after the first it came."""
    # (when, article) pairs: `published` is narrowed to a datetime once, here, for mypy too.
    dated = sorted(((a.published, a) for a in articles if a.published), key=lambda p: (p[0], p[1].id))
    first: dict[str, tuple[datetime, FramingArticle]] = {}
    for when, a in dated:
        first.setdefault(a.outlet, (when, a))
    if not first:
        return ()
    start = min(when for when, _ in first.values())
    return tuple(
        TimelineEntry(o, when, round((when - start).total_seconds() / 3600, 2), a.id)
        for o, (when, a) in sorted(first.items(), key=lambda kv: (kv[1][0], kv[0])))


def headline_words(articles: Sequence[FramingArticle]) -> dict[str, tuple[str, ...]]:
    """Per outlet, the headline words (as written) no other outlet's headline uses."""
    stems: dict[str, dict[str, str]] = {}
    for a in articles:
        mine = stems.setdefault(a.outlet, {})
        for raw in re.findall(r"[\w'’\-]+", a.title):
            low = raw.lower().replace("’", "'").removesuffix("'s")
            if len(low) > 2 and low not in STOPWORDS:
                mine.setdefault(stem(low), raw)
    result = {}
    for outlet, mine in stems.items():
        others = set().union(*(set(v) for o, v in stems.items() if o != outlet))
        result[outlet] = tuple(raw for s, raw in mine.items() if s not in others)
    return result


def log_odds(counts: Mapping[str, Counter[str]], prior: Counter[str],
             *, prior_weight: float = 1000.0) -> dict[str, list[tuple[str, float, int]]]:
    """Fightin' Words: per group, words by z-score of log-odds vs the other groups.

    The Dirichlet prior is `prior` (word counts from all stored articles) rescaled to
    `prior_weight` pseudo-counts, so rare words need real evidence to stand out.
    """
    prior_total = sum(prior.values()) or 1
    alpha = {w: prior_weight * c / prior_total for w, c in prior.items()}
    alpha0 = sum(alpha.values())
    totals = {g: sum(c.values()) for g, c in counts.items()}
    result: dict[str, list[tuple[str, float, int]]] = {}
    for group, mine in counts.items():
        rest: Counter[str] = Counter()
        for other, theirs in counts.items():
            if other != group:
                rest.update(theirs)
        n_i, n_j = totals[group], sum(rest.values())
        scored = []
        for word, y_i in mine.items():
            a_w = alpha.get(word, 0.01)
            y_j = rest.get(word, 0)
            delta = (math.log((y_i + a_w) / (n_i + alpha0 - y_i - a_w))
                     - math.log((y_j + a_w) / (n_j + alpha0 - y_j - a_w)))
            z = delta / math.sqrt(1.0 / (y_i + a_w) + 1.0 / (y_j + a_w))
            scored.append((word, round(z, 3), y_i))
        # equal scores (words seen once) favour longer, more specific words over "sit"
        result[group] = sorted(scored, key=lambda t: (-t[1], -len(t[0]), t[0]))
    return result


def voices(article: FramingArticle) -> dict[str, list[Evidence]]:
    """Who the article quotes or cites, with the sentences that show it."""
    found: dict[str, list[Evidence]] = {}
    for sentence in sentences(article.text):
        quoted = [m.span() for m in _QUOTED.finditer(sentence)]
        for pattern in _VOICE_PATTERNS:
            for match in pattern.finditer(sentence):
                if any(a < match.start("name") < b for a, b in quoted):
                    continue  # "Congress wrote this law..." inside a quote is not a source
                for raw in _joined_names(match.group("name").replace("’", "'")):
                    parts = raw.split()
                    while len(parts) > 1 and (parts[0] in _NOT_VOICES or parts[0].islower()
                                              or parts[0] == "&"):
                        parts = parts[1:]  # "But Roger Pilon", "The Data Office"
                    name = _person(" ".join(parts))
                    if len(name) < 3 or name.split()[0] in _NOT_VOICES:
                        continue
                    ev = Evidence(article.id, sentence)
                    if ev not in found.setdefault(name, []):
                        found[name].append(ev)
    return _merge_short_names(found)


def _joined_names(name: str) -> list[str]:
    """'Apple and Cisco' is two voices; 'Centers for Disease Control and Prevention' and
    'Department of Health and Human Services' are one body: an 'and' joins two names
    unless an 'of' or 'for' before it makes the whole an organisation's name."""
    name = re.sub(r"(?:\s+(?:of|the|de|van|von|for|and|&))+$", "", name.strip())
    out: list[str] = []
    words_ = name.split()
    start = 0
    for i, word in enumerate(words_):
        if word in ("and", "&") and not {"of", "for"} & set(words_[start:i]):
            out.append(" ".join(words_[start:i]))
            start = i + 1
    out.append(" ".join(words_[start:]))
    return [n for n in out if n]


def _person(name: str) -> str:
    """'NOW President Terry O'Neill' -> 'Terry O'Neill'; 'Rep. Steve Israel' -> 'Steve
    Israel'; 'Alan Brinkley of Columbia University' -> 'Alan Brinkley'; bodies such as
    'Bank of England' stay whole."""
    name = re.sub(r"(?:\s+(?:of|the|de|van|von|for|and|&))+$", "", name.strip())
    parts = name.split()
    if "of" in parts:
        before = parts[:parts.index("of")]
        if len(before) >= 2 and before[0].lower() not in _BODIES:
            parts = before
    roles = [i for i, p in enumerate(parts[:-1]) if p.lower() in _ROLES]
    if roles:
        parts = parts[roles[-1] + 1:]  # what follows the last role word: the person
    return " ".join(parts)


def _canonical_names(names: set[str]) -> dict[str, str]:
    """Across a story, 'Trump' in one outlet is 'Donald Trump' in another: map each name to
    the one longer name that ends with it, when exactly one does."""
    result = {}
    for name in names:
        tail = name.split()
        longer = [m for m in names if len(m.split()) > len(tail) and m.split()[-len(tail):] == tail]
        result[name] = longer[0] if len(longer) == 1 else name
    return result


def _merge_short_names(found: dict[str, list[Evidence]]) -> dict[str, list[Evidence]]:
    """'Marsh' said after 'Judge Helen Marsh' is the same voice: fold it into the full name."""
    merged: dict[str, list[Evidence]] = {}
    for name in sorted(found, key=lambda n: (-len(n.split()), n)):
        full = next((m for m in merged if len(name.split()) < len(m.split())
                     and m.split()[-len(name.split()):] == name.split()), None)
        target = merged.setdefault(full or name, [])
        target += [e for e in found[name] if e not in target]
    return merged


ANALYSIS_VERSION = 6  # bump when compare() changes what it returns (6: subject words)
Z_SIGNIFICANT = 1.96  # a distinctive word is shown only at |log-odds z| >= this (p < 0.05)
TONE_BAND = 0.10  # the least tone difference (VADER units) shown with a direction


@lru_cache(maxsize=1)
def analysis_fingerprint() -> str:
    """Changes whenever the analysis or a lexicon does (every file in
    resources/lexicons, the loaded detector's too), so cached comparisons expire."""
    digest = hashlib.sha1(str(ANALYSIS_VERSION).encode())
    for path in sorted(resource_path("lexicons").glob("*.txt")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def frame_patterns() -> dict[str, re.Pattern[str]]:
    """One pattern per frame dimension (for highlighting a figure's sentences)."""
    return {name: cue_pattern(cues) for name, cues in frame_cues().items()}


def frames(article: FramingArticle) -> dict[str, list[Evidence]]:
    """Per frame dimension, the sentences that use its cue words."""
    found: dict[str, list[Evidence]] = {}
    matcher = frames_matcher()
    for sentence in sentences(f"{article.title}. {article.text}"):
        for name in sorted(matcher.labels_in(sentence)):
            found.setdefault(name, []).append(Evidence(article.id, sentence))
    return found


def frame_weights(found: dict[str, list[Evidence]]) -> dict[str, float]:
    """Shares of frame-bearing sentences per dimension (they sum to 1 when any are found)."""
    total = sum(len(v) for v in found.values())
    return {name: round(len(v) / total, 3) for name, v in sorted(found.items())} if total else {}


def subject_terms(counts: Sequence[Counter[str]]) -> set[str]:
    """The stems a story is about: of those every outlet uses (three outlets or more), the
    SUBJECT_TERMS most used. A loaded word among them ("contempt" in a contempt case) is the
    story's subject, not any outlet's slant, and is not counted as loaded."""
    if len(counts) < SUBJECT_OUTLETS:
        return set()
    core = set.intersection(*(set(c) for c in counts))
    ranked = sorted(core, key=lambda w: (-sum(c[w] for c in counts), w))
    return set(ranked[:SUBJECT_TERMS])


def is_subject(word: str, about: set[str]) -> bool:
    """Whether a loaded word or phrase is made of the story's subject terms only."""
    stems = words(word)
    return bool(stems) and all(w in about for w in stems)


def loaded_language(article: FramingArticle) -> list[LoadedTerm]:
    """Charged or opinionated words (`analysis.loaded.find_loaded`) in the headline and the
    text, with their sentences; a word inside a quotation is marked quoted (the speaker's,
    not the outlet's)."""
    found = [LoadedTerm(span.text, Evidence(article.id, article.title), span.quoted, True)
             for span in find_loaded(article.title)]
    spans = sentence_spans(article.text)
    starts = [a for a, _ in spans]
    for span in find_loaded(article.text):
        i = bisect.bisect_right(starts, span.start) - 1
        if i < 0 or span.start >= spans[i][1]:
            continue  # in the whitespace between sentences: cannot happen for a word
        a, b = spans[i]
        found.append(LoadedTerm(span.text, Evidence(article.id, article.text[a:b]), span.quoted))
    return found


def own_loaded(terms: Sequence[LoadedTerm]) -> list[LoadedTerm]:
    """The loaded words that are the outlet's own: not inside a quotation."""
    return [t for t in terms if not t.quoted]


@lru_cache(maxsize=1)
def _tone_analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def tone(article: FramingArticle) -> tuple[float, list[tuple[float, Evidence]]]:
    """Mean sentence tone (VADER compound, -1..1) and every sentence's score, strongest first."""
    analyzer = _tone_analyzer()
    scored = [(analyzer.polarity_scores(s)["compound"], Evidence(article.id, s))
              for s in sentences(article.text)]
    if not scored:
        return 0.0, []
    mean = sum(score for score, _ in scored) / len(scored)
    return round(mean, 3), sorted(scored, key=lambda t: (-abs(t[0]), t[1].sentence))


def tone_word(score: float) -> str:
    """VADER's own cut-offs: compound above 0.05 is positive, below -0.05 negative."""
    if score >= 0.05:
        return "positive"
    if score <= -0.05:
        return "negative"
    return "neutral"


@lru_cache(maxsize=1)
def hedge_pattern() -> re.Pattern[str]:
    return cue_pattern(HEDGES)


def hedges(article: FramingArticle) -> list[Evidence]:
    """Sentences that hedge (allegedly, reportedly, sources say, ...)."""
    pattern = hedge_pattern()
    return [Evidence(article.id, s) for s in sentences(article.text) if pattern.search(s)]


def linked(article: FramingArticle, outlet_sites: Mapping[str, str]
           ) -> tuple[list[str], list[str], dict[str, list[Evidence]]]:
    """Links to other outlets and to primary sources, and for each (by outlet or URL)
    the sentence the link sits in."""
    to_outlets: list[str] = []
    primary: list[str] = []
    evidence: dict[str, list[Evidence]] = {}
    places: list[str] | None = None
    for match in _ANCHOR.finditer(article.html):
        href = html.unescape(match.group(1))
        host = (urlsplit(href).hostname or "").lower().removeprefix("www.")
        outlet = next((o for o, site in outlet_sites.items()
                       if site and host == site and o != article.outlet), None)
        if outlet:
            key = outlet
            if outlet not in to_outlets:
                to_outlets.append(outlet)
        elif host and host != article.site and any(h in href.lower() for h in PRIMARY_HINTS):
            key = href
            if href not in primary:
                primary.append(href)
        else:
            continue
        anchor = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(2))).split())
        if places is None:  # split once per article, and only when it links somewhere
            places = [*sentences(article.text), *_html_sentences(article.html)]
        sentence = next((s for s in places if anchor and anchor in s), anchor or href)
        ev = Evidence(article.id, sentence)
        if ev not in evidence.setdefault(key, []):
            evidence[key].append(ev)
    return to_outlets, primary, evidence


def _html_sentences(markup: str) -> list[str]:
    """Sentences of the HTML itself (a link may sit in a summary the text does not hold)."""
    blocks = re.sub(r"</?(?:p|div|br|li|ul|ol|h\d|blockquote|tr|td|figure|section)\b[^>]*>", "\n",
                    markup, flags=re.IGNORECASE)
    text = html.unescape(re.sub(r"<[^>]+>", "", blocks))
    return sentences("\n".join(" ".join(line.split()) for line in text.split("\n")))


def kind_of(article: FramingArticle) -> tuple[str, str]:
    """news, analysis or opinion, and the reason (category, URL path, first person)."""
    for category in article.categories:
        low = category.lower()
        if low in ("opinion", "editorial", "commentary", "column", "op-ed"):
            return "opinion", f"filed under “{category}”"
        if low in ("analysis", "explainer", "perspective"):
            return "analysis", f"filed under “{category}”"
    path = urlsplit(article.url or "").path.lower()
    for word in OPINION_WORDS:
        if f"/{word}" in path:
            return ("analysis" if word in ("analysis", "explainer") else "opinion",
                    f"the address contains /{word}")
    first_person = len(_FIRST_PERSON.findall(_unquoted(article.text)))
    if first_person >= 2:
        return "opinion", f"written in the first person ({first_person} times)"
    return "news", "no opinion markers"


def _unquoted(text: str) -> str:
    """The text with its quotations blanked: "I" inside a quote is the quoted person's."""
    out, last = [], 0
    for a, b in quotations(text):
        out += [text[last:a], " " * (b - a)]
        last = b
    out.append(text[last:])
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Profile:
    """What compare() reads of one article, whatever story it is compared in. Cached, so a
    story that grows by one article only analyses that one; never mutated."""

    counts: Counter[str]
    phrases: Counter[str]  # "stem stem": two content words in a row within a sentence
    forms: dict[str, Counter[str]]
    sentence_words: tuple[tuple[str, frozenset[str]], ...]  # with the sentence's phrases
    voices: dict[str, list[Evidence]]
    tone: tuple[float, list[tuple[float, Evidence]]]
    frames: dict[str, list[Evidence]]
    hedges: tuple[Evidence, ...]
    loaded: tuple[LoadedTerm, ...]


def _pairs(stems: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in pairwise(stems) if a != b]


@lru_cache(maxsize=1024)
def _profile(article: FramingArticle) -> _Profile:
    both = f"{article.title} {article.text}"
    split = [(s, words(s)) for s in sentences(article.text)]
    title = words(article.title)
    phrases = Counter(p for _, w in [("", title), *split] for p in _pairs(w))
    return _Profile(
        counts=Counter(words(both)), phrases=phrases, forms=surface_forms(both),
        sentence_words=tuple((s, frozenset(w) | frozenset(_pairs(w))) for s, w in split),
        voices=voices(article), tone=tone(article), frames=frames(article),
        hedges=tuple(hedges(article)), loaded=tuple(loaded_language(article)))


def compare(articles: Sequence[FramingArticle], prior: Counter[str] | None = None,
            *, top: int = 8) -> Comparison:
    """The whole comparison for one story's articles."""
    by_outlet: dict[str, list[FramingArticle]] = {}
    for a in articles:
        by_outlet.setdefault(a.outlet, []).append(a)
    profiles = {a.id: _profile(a) for a in articles}
    counts: dict[str, Counter[str]] = {}
    forms: dict[str, dict[str, Counter[str]]] = {}
    for outlet, arts in by_outlet.items():
        counts[outlet], forms[outlet] = Counter(), {}
        for a in arts:
            counts[outlet].update(profiles[a.id].counts)
            for key, seen in profiles[a.id].forms.items():
                forms[outlet].setdefault(key, Counter()).update(seen)
    prior = prior if prior is not None else sum(counts.values(), Counter())
    scores = log_odds(counts, prior)
    phrase_counts = {o: sum((profiles[a.id].phrases for a in arts), Counter())
                     for o, arts in by_outlet.items()}
    phrase_scores = log_odds({o: Counter({p: n for p, n in c.items() if n >= 2})
                              for o, c in phrase_counts.items()},
                             sum(phrase_counts.values(), Counter()), prior_weight=200.0)
    core = set.intersection(*(set(c) for c in counts.values())) if counts else set()
    about = subject_terms(list(counts.values()))
    everywhere: dict[str, Counter[str]] = {}
    for outlet_forms in forms.values():
        for key, seen in outlet_forms.items():
            everywhere.setdefault(key, Counter()).update(seen)
    core_terms = tuple(
        everywhere[w].most_common(1)[0][0] if w in everywhere else w
        for w in sorted(core, key=lambda w: (-sum(c[w] for c in counts.values()), w)))
    canonical = _canonical_names({n for p in profiles.values() for n in p.voices})
    all_voices: dict[str, dict[str, list[Evidence]]] = {o: {} for o in by_outlet}
    for outlet, arts in by_outlet.items():
        for a in arts:
            for name, ev in profiles[a.id].voices.items():
                all_voices[outlet].setdefault(canonical[name], []).extend(ev)
    sites = {o: arts[0].site for o, arts in by_outlet.items()}
    heads = headline_words(articles)
    outlet_frames = []
    for outlet, arts in sorted(by_outlet.items()):
        mine = [profiles[a.id] for a in arts]
        others = set().union(*(set(v) for o, v in all_voices.items() if o != outlet))
        link_outlets: list[str] = []
        primary: list[str] = []
        link_evidence: dict[str, list[Evidence]] = {}
        for a in arts:
            to_o, prim, by_link = linked(a, sites)
            link_outlets += [o for o in to_o if o not in link_outlets]
            primary += [p for p in prim if p not in primary]
            for key, found in by_link.items():
                link_evidence.setdefault(key, []).extend(found)
        kind, reason = kind_of(arts[0])
        found_frames: dict[str, list[Evidence]] = {}
        for p in mine:
            for name, ev in p.frames.items():
                found_frames.setdefault(name, []).extend(ev)
        mean_tone = round(sum(p.tone[0] for p in mine) / len(mine), 3)
        relative, band = relative_tone(
            [s for p in mine for s, _ in p.tone[1]],
            [s for o, arts_ in by_outlet.items() if o != outlet
             for a in arts_ for s, _ in profiles[a.id].tone[1]],
            mean_tone, [sum(profiles[a.id].tone[0] for a in arts_) / len(arts_)
                        for o, arts_ in by_outlet.items() if o != outlet])
        strongest = sorted((e for p in mine for e in p.tone[1][:2]),
                           key=lambda t: (-abs(t[0]), t[1].sentence))[:3]
        distinctive = []
        for w, z, n in _words_and_phrases(scores[outlet], phrase_scores[outlet], top,
                                          forms[outlet]):
            examples = tuple(Evidence(a.id, sentence) for a, p in zip(arts, mine, strict=True)
                             for sentence, seen in p.sentence_words if w in seen)[:2]
            shown = _shown(w, forms[outlet])
            if " " in w and examples:  # a phrase as the outlet wrote it, small words included
                match = term_pattern(shown).search(examples[0].sentence)
                shown = match.group(0).lower() if match else shown
            distinctive.append(ScoredTerm(shown, z, n, examples))
        outlet_frames.append(OutletFrame(
            outlet=outlet, headlines=tuple(Evidence(a.id, a.title) for a in arts),
            headline_words=heads.get(outlet, ()), distinctive=tuple(distinctive),
            voices=tuple(Voice(n, tuple(ev)) for n, ev in sorted(all_voices[outlet].items())),
            missing_voices=tuple(sorted(others - set(all_voices[outlet]))),
            hedges=tuple(h for p in mine for h in p.hedges),
            loaded=tuple(t for p in mine for t in p.loaded if not is_subject(t.word, about)),
            tone=mean_tone, tone_evidence=tuple(strongest),
            frames=frame_weights(found_frames),
            frame_evidence={k: tuple(v) for k, v in sorted(found_frames.items())},
            links_to_outlets=tuple(link_outlets), primary_sources=tuple(primary),
            link_evidence={k: tuple(v) for k, v in link_evidence.items()},
            kind=kind, kind_reason=reason, tone_relative=relative, tone_band=band,
            tone_sentences=sum(len(p.tone[1]) for p in mine)))
    core_stems = sorted(core, key=lambda w: (-sum(c[w] for c in counts.values()), w))[:top * 2]
    core_evidence = {}
    for stem_, shown in zip(core_stems, core_terms, strict=False):
        found = []  # the first sentence using it in each outlet
        for _outlet, arts in sorted(by_outlet.items()):
            first = next((Evidence(a.id, sentence) for a in arts
                          for sentence, seen in profiles[a.id].sentence_words if stem_ in seen), None)
            if first is not None:
                found.append(first)
        core_evidence[shown] = tuple(found)
    return Comparison(timeline=timeline(articles), common_core=core_terms[:top * 2],
                      outlets=tuple(outlet_frames), core_evidence=core_evidence)


@lru_cache(maxsize=4096)
def term_pattern(term: str) -> re.Pattern[str]:
    """A word or phrase as written, with any ending, and for a phrase up to two short words
    between its words ("shares acme" finds "shares of Acme")."""
    parts = [re.escape(p) + r"[\w'’-]*" for p in term.split()]
    return re.compile(r"(?<![\w-])" + r"(?:\W+(?:\w+\W+){0,2}?)".join(parts), re.IGNORECASE)


def _shown(term: str, forms: dict[str, Counter[str]]) -> str:
    """A stem (or a phrase of stems) as the outlet wrote it most often."""
    return " ".join(forms[w].most_common(1)[0][0] if w in forms else w for w in term.split())


def _words_and_phrases(single: list[tuple[str, float, int]], pairs: list[tuple[str, float, int]],
                       top: int, forms: Mapping[str, Counter[str]] | None = None,
                       ) -> list[tuple[str, float, int]]:
    """The significant positive scores (z >= Z_SIGNIFICANT) of both kinds, names and
    phrases first (they say more than "hand, wherever, goes"), each group strongest first;
    a word already inside a chosen phrase, or a phrase whose words are both chosen, would
    say the same thing twice."""
    forms = forms or {}

    def specific(term: str) -> bool:
        return " " in term or _is_name(term, forms)

    chosen: list[tuple[str, float, int]] = []
    significant = (t for t in single + pairs if t[1] >= Z_SIGNIFICANT)
    for term, z, n in sorted(significant, key=lambda t: (not specific(t[0]), -t[1], t[0])):
        parts = term.split()
        taken = {w for c, _, _ in chosen for w in c.split()}
        if (len(parts) == 1 and any(term in c.split() for c, _, _ in chosen if " " in c)) or (
                len(parts) == 2 and all(p in taken for p in parts)):
            continue
        chosen.append((term, z, n))
        if len(chosen) == top:
            break
    return chosen


def _is_name(term: str, forms: Mapping[str, Counter[str]]) -> bool:
    """A stem the outlet writes capitalised most of the time ("Smith", "NSA")."""
    seen = forms.get(term)
    if not seen:
        return False
    capital = sum(n for form, n in seen.items() if form[:1].isupper())
    return capital * 2 > sum(seen.values())


def relative_tone(mine: Sequence[float], theirs: Sequence[float], my_tone: float,
                  their_tones: Sequence[float]) -> tuple[float, float]:
    """(this outlet's tone minus the other outlets' mean, the neutral band around 0).

    Sentence tone mostly measures the subject (a ruling, a flaw), which every outlet of a
    story shares; the difference from the others' coverage is what an outlet adds. The
    band is TONE_BAND or the 95% interval of the difference of two means of sentence
    scores, whichever is wider, so a few sentences never make a direction."""
    if not their_tones or not mine:
        return 0.0, 0.0
    relative = my_tone - sum(their_tones) / len(their_tones)

    def variance(xs: Sequence[float]) -> float:
        m = sum(xs) / len(xs)
        return sum((x - m) ** 2 for x in xs) / max(len(xs) - 1, 1)

    noise = math.sqrt(variance(mine) / len(mine) + (variance(theirs) / len(theirs) if theirs
                                                    else 0.0))
    return round(relative, 3), round(max(TONE_BAND, 1.96 * noise), 3)


def relative_tone_word(relative: float, band: float) -> str:
    """'more positive' / 'more negative' than the others, or 'in line' inside the band."""
    if abs(relative) < band or band == 0:
        return "in line with the others"
    return "more positive than the others" if relative > 0 else "more negative than the others"


def clear_caches() -> None:
    """Forget the per-article profiles and split sentences kept between comparisons, so a
    measurement can time a comparison from scratch."""
    _profile.cache_clear()
    _sentences.cache_clear()
    sentence_spans.cache_clear()
