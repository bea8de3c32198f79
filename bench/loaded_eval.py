"""The loaded-language detector (newsdesk.analysis.loaded.find_loaded) against annotated news.

    .venv/bin/python bench/loaded_eval.py [--limit N] [--variants]

Corpus: BASIL's lexical-bias spans (bias_spans with bias "lex", ../shared/data/stories/
basil.jsonl), split as design13.md decision 7 says: tune = events of 2010-2015, check =
2016-2019. Nothing in the detector is taken from BASIL; the lexicons come from elsewhere
(their headers say where from), and only a few thresholds (the constants of build_lexicons) were chosen
on the tune years. Also scored: any corpus in bench/data/loaded/ (see its README).

Scores (a gold span is located in the text by its string: every occurrence counts as that
span; flagged spans are find_loaded's, quoted or not):
- span-overlap: recall = share of gold spans with a flagged span overlapping it by at least
  one character; precision = share of flagged spans overlapping some gold span.
- strict (token): over word tokens ([\\w'-]+). Gold tokens are those inside a gold span,
  flagged tokens those inside a flagged span; recall = |flagged & gold| / |gold|, precision
  = |flagged & gold| / |flagged|. A four-word gold phrase hit by one word counts 1/4.
- legacy: the issue's figure (bench/framing_eval.py): recall as span-overlap, precision =
  share of flagged spans lying inside any annotated span, lexical or informational.
"The outlet's own words": unquoted flags against the spans BASIL marks as not quoted.
Also: how often the detector's `quoted` agrees with BASIL's `quote` on the spans it hits,
and the speed of find_loaded in characters a second of CPU time (time.process_time).
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.analysis.cues import CueMatcher, lexicon_matcher
from newsdesk.analysis.framing import is_subject, subject_terms
from newsdesk.analysis.loaded import LoadedSpan, _is_name, _title_case, find_loaded, quotations
from newsdesk.analysis.text import words

BASIL = Path(__file__).resolve().parents[2] / "shared" / "data" / "stories" / "basil.jsonl"
EXTRA = Path(__file__).resolve().parent / "data" / "loaded"
TOKEN = re.compile(r"[\w'-]+")
Detector = Callable[[str], list[LoadedSpan]]


@dataclass
class Doc:
    """One annotated text: gold spans as lists of (start, end) occurrences."""

    text: str
    gold: list[list[tuple[int, int]]]
    gold_quoted: list[bool | None] = field(default_factory=list)
    other: list[tuple[int, int]] = field(default_factory=list)  # non-lexical annotated spans
    event: str = ""  # the story it is one report of (BASIL: three outlets an event)
    title: str = ""


def occurrences(text: str, snippet: str) -> list[tuple[int, int]]:
    found, start = [], text.find(snippet) if snippet else -1
    while start >= 0:
        found.append((start, start + len(snippet)))
        start = text.find(snippet, start + 1)
    return found


def basil_docs(years: range, limit: int | None = None) -> list[Doc]:
    docs = []
    for line in BASIL.open(encoding="utf-8"):
        row = json.loads(line)
        if int(row["date"][:4]) not in years:
            continue
        doc = Doc(row["text"], [], [], event=str(row.get("cluster", "")),
                  title=str(row.get("title", "")))
        for span in row["bias_spans"]:
            located = occurrences(row["text"], span["txt"])
            if span["bias"] == "lex" and located:
                doc.gold.append(located)
                doc.gold_quoted.append(span.get("quote") == "yes")
            else:
                doc.other += located
        docs.append(doc)
    return docs[:limit]


def _overlaps(a: int, b: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(s < b and a < e for s, e in ranges)


def _tokens(text: str, ranges: Iterable[tuple[int, int]]) -> set[int]:
    ranges = list(ranges)
    return {m.start() for m in TOKEN.finditer(text) if _overlaps(m.start(), m.end(), ranges)}


@dataclass
class Score:
    gold: int = 0
    gold_hit: int = 0
    flagged: int = 0
    flagged_in_gold: int = 0
    flagged_in_any: int = 0
    gold_tokens: int = 0
    flagged_tokens: int = 0
    both_tokens: int = 0
    quote_checked: int = 0
    quote_agree: int = 0
    chars: int = 0
    seconds: float = 0.0

    def add(self, doc: Doc, detect: Detector) -> None:
        began = time.process_time()
        found = detect(doc.text)
        self.seconds += time.process_time() - began
        self.chars += len(doc.text)
        every_gold = [r for occ in doc.gold for r in occ]
        self.gold += len(doc.gold)
        for occ, quoted in zip(doc.gold, doc.gold_quoted or [None] * len(doc.gold), strict=True):
            hits = [s for s in found if _overlaps(s.start, s.end, occ)]
            self.gold_hit += bool(hits)
            if hits and quoted is not None:
                self.quote_checked += 1
                self.quote_agree += hits[0].quoted == quoted
        self.flagged += len(found)
        self.flagged_in_gold += sum(_overlaps(s.start, s.end, every_gold) for s in found)
        self.flagged_in_any += sum(any(a <= s.start and s.end <= b for a, b in every_gold + doc.other)
                                   for s in found)
        gold_t = _tokens(doc.text, every_gold)
        flag_t = _tokens(doc.text, ((s.start, s.end) for s in found))
        self.gold_tokens += len(gold_t)
        self.flagged_tokens += len(flag_t)
        self.both_tokens += len(gold_t & flag_t)

    def lines(self) -> list[str]:
        def ratio(a: int, b: int) -> str:
            return f"{a / b:.3f}" if b else "n/a"

        speed = self.chars / self.seconds if self.seconds else 0.0
        return [
            f"span-overlap: recall {ratio(self.gold_hit, self.gold)} ({self.gold_hit}/{self.gold}),"
            f" precision {ratio(self.flagged_in_gold, self.flagged)}"
            f" ({self.flagged_in_gold}/{self.flagged})",
            f"strict token: recall {ratio(self.both_tokens, self.gold_tokens)}"
            f" ({self.both_tokens}/{self.gold_tokens}), precision"
            f" {ratio(self.both_tokens, self.flagged_tokens)} ({self.both_tokens}/{self.flagged_tokens})",
            f"legacy:       recall {ratio(self.gold_hit, self.gold)}, precision (inside any"
            f" annotated span) {ratio(self.flagged_in_any, self.flagged)}",
            f"quoted agrees with the annotation on {ratio(self.quote_agree, self.quote_checked)}"
            f" of {self.quote_checked} hit spans; speed {speed:,.0f} chars/s",
        ]


def score(docs: list[Doc], detect: Detector) -> Score:
    result = Score()
    for doc in docs:
        result.add(doc, detect)
    return result


def outlets_own(docs: list[Doc], detect: Detector) -> Score:
    """What the framing pane counts as the outlet's: unquoted flags against the spans the
    annotators marked as not quoted (quoted gold spans are left out of the gold)."""
    result = Score()
    for doc in docs:
        own = Doc(doc.text, [g for g, q in zip(doc.gold, doc.gold_quoted, strict=True) if not q],
                  [False] * sum(not q for q in doc.gold_quoted),
                  doc.other + [r for g, q in zip(doc.gold, doc.gold_quoted, strict=True) if q
                               for r in g])
        result.add(own, lambda text: [s for s in detect(text) if not s.quoted])
    return result


def extra_corpora() -> dict[str, list[Doc]]:
    """bench/data/loaded/*.jsonl: {"text", "spans": [[start, end], ...]} a line."""
    corpora = {}
    for path in sorted(EXTRA.glob("*.jsonl")):
        docs = []
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            docs.append(Doc(row["text"], [[(a, b)] for a, b in row["spans"]]))
        corpora[path.stem] = docs
    return corpora


def _package_file(package: str, *parts: str) -> Path | None:
    """A data file inside an installed package, found without importing the package
    (nela_features imports nltk and datefinder at import time)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent.joinpath(*parts)
    return path if path.exists() else None


def external_lexicons() -> dict[str, set[str]]:
    """Published lexicons shipped in PyPI packages, when installed (`pip install --no-deps
    textblob nela-features`): pattern's subjectivity lexicon for adjectives (textblob's
    en-sentiment.xml, PDDL; mean subjectivity of a word's senses >= 0.8), and the lists
    Recasens et al. (ACL 2013) used, as nela-features ships them: their bias lexicon from
    Wikipedia's NPOV edits, MPQA's strong subjectivity clues (Wilson et al. 2005) and Liu's
    opinion lexicon (Hu and Liu 2004)."""
    found: dict[str, set[str]] = {}
    xml = _package_file("textblob", "en", "en-sentiment.xml")
    if xml is not None:
        senses: dict[str, list[float]] = {}
        for word in ElementTree.parse(xml).getroot().iter("word"):
            senses.setdefault(word.get("form", "").lower(), []).append(
                float(word.get("subjectivity") or 0))
        found["pattern subjectivity >= 0.8"] = {w for w, s in senses.items()
                                                if sum(s) / len(s) >= 0.8}
    source = _package_file("nela_features", "nela_features.py")
    if source is not None:
        for node in ast.parse(source.read_text("utf-8")).body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ACL13_DICT":
                acl = ast.literal_eval(node.value)
                found["Recasens bias lexicon"] = set(acl["bias_words"])
                found["MPQA strong subjective"] = set(acl["sneg"]) | set(acl["spos"])
                found["Liu opinion lexicon"] = set(acl["negative"]) | set(acl["positive"])
    return found


def with_extra(words: set[str]) -> Detector:
    """find_loaded plus every word of `words` it does not already cover."""
    extra = CueMatcher(("", w) for w in words if re.fullmatch(r"[a-z][a-z' -]*[a-z]", w))

    def detect(text: str) -> list[LoadedSpan]:
        found = find_loaded(text)
        quoted = quotations(text)
        for m in extra.finditer(text):
            if not any(s.start < m.end and m.start < s.end for s in found):
                inside = any(a <= m.start and m.end <= b for a, b in quoted)
                found.append(LoadedSpan(m.start, m.end, m.text, inside))
        return sorted(found, key=lambda s: s.start)

    return detect


def variants() -> dict[str, Detector]:
    """Tried and not adopted: each external lexicon added to ours, and those agreeing."""
    lexicons = external_lexicons()
    if not lexicons:
        print("(no external lexicons installed: pip install --no-deps textblob nela-features)")
    chosen = {f"+ {name}": with_extra(words) for name, words in lexicons.items()}
    if len(lexicons) >= 2:
        votes = Counter(w for words in lexicons.values() for w in words)
        for k in (2, 3):
            chosen[f"+ words in >= {k} of those lexicons"] = with_extra(
                {w for w, n in votes.items() if n >= k})
    return chosen


ALLSIDES = BASIL.with_name("allsides-dev.jsonl")
LEXICONS = Path(__file__).resolve().parents[1] / "resources" / "lexicons"
_WORDFORM = re.compile(r"[a-z][a-z'-]*[a-z]")


def _adverb(adjective: str) -> str:
    """happy -> happily, terrible -> terribly, blatant -> blatantly."""
    if adjective.endswith("y"):
        return adjective[:-1] + "ily"
    if adjective.endswith("le"):
        return adjective[:-2] + "ly"
    return adjective + "ly"


def _liu_negative() -> set[str] | None:
    """Liu's negative opinion words, as nela-features (MIT) ships them: a Python literal
    in nela_features.py, read without importing the package."""
    source = _package_file("nela_features", "nela_features.py")
    if source is None:
        return None
    for node in ast.parse(source.read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ACL13_DICT":
            return set(ast.literal_eval(node.value)["negative"])
    return None


def _pattern_subjective(min_subjectivity: float) -> set[str] | None:
    """Adjectives and adverbs of pattern's subjectivity lexicon (textblob's en-sentiment.xml,
    PDDL) whose JJ/RB senses average >= min_subjectivity, with the -ly adverb of each such
    adjective when Brill's tagger lexicon (textblob's en-lexicon.txt) knows it as an adverb."""
    xml = _package_file("textblob", "en", "en-sentiment.xml")
    tags = _package_file("textblob", "en", "en-lexicon.txt")
    if xml is None or tags is None:
        return None
    senses: dict[str, list[float]] = {}
    for word in ElementTree.parse(xml).getroot().iter("word"):
        if word.get("pos") in ("JJ", "RB"):
            senses.setdefault(word.get("form", "").lower(), []).append(
                float(word.get("subjectivity") or 0))
    chosen = {w for w, s in senses.items() if sum(s) / len(s) >= min_subjectivity}
    adverbs = {line.split()[0].lower() for line in tags.read_text("utf-8").splitlines()
               if not line.startswith(";") and len(line.split()) > 1 and "RB" in line.split()[1:]}
    return chosen | ({_adverb(w) for w in chosen} & adverbs)


def allsides_articles() -> tuple[Counter[str], Counter[str]]:
    """How many AllSides dev articles use each lower-case word form, and each phrase of
    loaded.txt as written there (words joined by one space): all 856, and the 271 labelled
    "center" (straight reporting)."""
    every: Counter[str] = Counter()
    center: Counter[str] = Counter()
    phrases = lexicon_matcher("loaded")
    for line in ALLSIDES.open(encoding="utf-8"):
        row = json.loads(line)
        text = f"{row['title']}\n{row['text']}".lower()
        words = set(re.findall(r"[a-z][a-z'-]*", text))
        words |= {" ".join(m.text.split()) for m in phrases.finditer(text) if " " in m.text}
        every.update(words)
        if row["stance"] == "center":
            center.update(words)
    return every, center


# The thresholds of build_lexicons, chosen on BASIL's tune years (2010-2015) among a few
# values each (README in bench/data/loaded); no word was picked by looking at BASIL.
MIN_SUBJECTIVITY = 0.8  # pattern words: mean subjectivity of the JJ/RB senses
MAX_ARTICLES = 1  # an opinion word is kept if at most this many AllSides articles use it
MAX_ZIPF = 4.0  # ... and it is rarer than this in general English (wordfreq's Zipf scale)
STOP_ARTICLES = 10  # a word used by more AllSides articles than this is a stop word
STOP_CENTER = 5  # ... and so is one used by this many AllSides "center" articles
STOP_SHARE = 0.5  # ... or used by STOP_SHARE_OF articles, at least this share of them "center"
STOP_SHARE_OF = 4


def build_lexicons() -> None:
    """Write resources/lexicons/loaded-opinion.txt and loaded-stop.txt (issue 13 round 3).

    loaded-opinion.txt: Liu's negative opinion words and pattern's subjective adjectives
    and adverbs, kept only when news seldom uses them: at most MAX_ARTICLES of the 856
    AllSides dev articles (all outlets, ../shared/data/stories/allsides-dev.jsonl) and a
    wordfreq Zipf frequency under MAX_ZIPF. A word many outlets use is their shared
    vocabulary ("attack", "crisis"), not one outlet's choice. loaded-stop.txt: the forms of
    loaded.txt entries (phrases too) and of those source lexicons used by more than STOP_ARTICLES
    AllSides articles, by STOP_CENTER "center" ones, or by STOP_SHARE_OF or more of which
    at least STOP_SHARE are "center" (a third of the articles are: straight reporting
    uses the word as much as the partisan outlets): never flagged (nor in scare quotes).
    Needs `pip install --no-deps textblob nela-features` and `pip install wordfreq` (tools
    for this build only, not NewsDesk's dependencies: the shipped files are its output)."""
    liu, pattern = _liu_negative(), _pattern_subjective(MIN_SUBJECTIVITY)
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        zipf_frequency = None
    if liu is None or pattern is None or zipf_frequency is None:
        sys.exit("pip install --no-deps textblob nela-features; pip install wordfreq first")
    every, center = allsides_articles()
    candidates = {w for w in liu | pattern if _WORDFORM.fullmatch(w)}
    chosen = sorted(w for w in candidates
                    if every[w] <= MAX_ARTICLES and zipf_frequency(w, "en") < MAX_ZIPF)
    ours = lexicon_matcher("loaded")
    forms = candidates | {w for w in every if any(m.text == w for m in ours.finditer(w))}
    stop = sorted(w for w in forms if every[w] > STOP_ARTICLES or center[w] >= STOP_CENTER
                  or (every[w] >= STOP_SHARE_OF and center[w] >= STOP_SHARE * every[w]))
    (LEXICONS / "loaded-opinion.txt").write_text(
        "# Opinion words that news seldom uses: loaded-language cues (newsdesk.analysis.loaded).\n"
        "# Derived by bench/loaded_eval.py --build-lexicons from two published lexicons:\n"
        "# - Bing Liu's opinion lexicon, negative words (Minqing Hu and Bing Liu, \"Mining and\n"
        "#   Summarizing Customer Reviews\", KDD 2004), as shipped in the PyPI package\n"
        "#   nela-features 3.0.1 (MIT). The lexicon itself carries no explicit licence; its\n"
        "#   authors distribute it freely for research, asking that the paper be cited.\n"
        "# - pattern's subjectivity lexicon (en/en-sentiment.xml in textblob 0.20.1; Tom De\n"
        "#   Smedt and Walter Daelemans, CLiPS; the file is PDDL, pattern BSD-3): adjectives and\n"
        f"#   adverbs whose JJ/RB senses average subjectivity >= {MIN_SUBJECTIVITY}, with their -ly"
        " adverbs.\n"
        f"# Kept: words used by at most {MAX_ARTICLES} of the 856 AllSides dev articles"
        " (../shared/data/stories/\n"
        f"# allsides-dev.jsonl, NeuS, MIT) and with a wordfreq Zipf frequency below {MAX_ZIPF}."
        " Not taken\n# from BASIL; the thresholds were chosen on its 2010-2015 articles.\n"
        + "".join(f"{w}\n" for w in chosen), "utf-8")
    (LEXICONS / "loaded-stop.txt").write_text(
        "# Evaluative words that straight news uses neutrally: never flagged as loaded.\n"
        "# Derived by bench/loaded_eval.py --build-lexicons: the word forms of loaded.txt entries\n"
        "# (its phrases too, words one space apart), of Liu's negative words and of pattern's\n"
        "# subjective adjectives used by more than\n"
        f"# {STOP_ARTICLES} of the 856 AllSides dev articles, by {STOP_CENTER} or more of the 271"
        " labelled \"center\",\n"
        f"# or by {STOP_SHARE_OF} or more of which at least {STOP_SHARE:.0%} are \"center\""
        " (straight reporting uses them)\n"
        "# (../shared/data/stories/allsides-dev.jsonl, NeuS, MIT). Not from BASIL.\n"
        + "".join(f"{w}\n" for w in stop), "utf-8")
    print(f"{len(chosen)} opinion words, {len(stop)} stop words written to {LEXICONS}")


def in_story(docs: list[Doc], detect: Detector) -> Score:
    """What the framing pane counts for a story: flags of the story's subject words (among
    the few words every report of the event uses most: framing.subject_terms) are dropped,
    as `compare` drops them."""
    vocab: dict[str, list[Counter[str]]] = {}
    for doc in docs:
        vocab.setdefault(doc.event, []).append(Counter(words(f"{doc.title}\n\n{doc.text}")))
    common = {event: subject_terms(seen) for event, seen in vocab.items()}
    result = Score()
    for doc in docs:
        core = common[doc.event]

        def story_detect(text: str, core: set[str] = core) -> list[LoadedSpan]:
            return [s for s in detect(text) if not is_subject(s.text, core)]

        result.add(doc, story_detect)
    return result


def round1(text: str) -> list[LoadedSpan]:
    """The round-1 detector (loaded.txt only, names skipped), for the before/after lines."""
    quoted, skip = quotations(text), not _title_case(text)
    return [LoadedSpan(m.start, m.end, m.text, any(a <= m.start and m.end <= b for a, b in quoted))
            for m in lexicon_matcher("loaded").finditer(text)
            if not (skip and _is_name(text, m.start, m.end))]


def report(name: str, result: Score) -> None:
    print(name)
    for line in result.lines():
        print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N texts of each part (smoke)")
    parser.add_argument("--variants", action="store_true",
                        help="also score the lexicon choices that were tried (tune years only)")
    parser.add_argument("--build-lexicons", action="store_true",
                        help="rewrite resources/lexicons/loaded-opinion.txt and loaded-stop.txt")
    args = parser.parse_args()
    if args.build_lexicons:
        build_lexicons()
        return
    tune, check = basil_docs(range(2010, 2016), args.limit), basil_docs(range(2016, 2020), args.limit)
    report("before (round 1, loaded.txt only): BASIL tune 2010-2015", score(tune, round1))
    report("before (round 1, loaded.txt only): BASIL check 2016-2019", score(check, round1))
    report(f"BASIL tune 2010-2015 ({len(tune)} articles)", score(tune, find_loaded))
    report(f"BASIL check 2016-2019 ({len(check)} articles)", score(check, find_loaded))
    report("BASIL tune, in its story (its subject words dropped, as the pane does)",
           in_story(tune, find_loaded))
    report("BASIL check, in its story (its subject words dropped, as the pane does)",
           in_story(check, find_loaded))
    report("BASIL tune, the outlet's own words (unquoted only)", outlets_own(tune, find_loaded))
    report("BASIL check, the outlet's own words (unquoted only)", outlets_own(check, find_loaded))
    for name, docs in extra_corpora().items():
        report(f"{name} ({len(docs[:args.limit])} texts)", score(docs[:args.limit], find_loaded))
    if args.variants:
        for name, detect in variants().items():
            report(f"variant: {name}: tune", score(tune, detect))
            report(f"variant: {name}: check", score(check, detect))


if __name__ == "__main__":
    main()
