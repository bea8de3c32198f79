"""Loaded-language detector against BASIL's annotations (for measuring only).

    .venv/bin/python bench/framing_eval.py [--variants]

Recall: the share of BASIL's lexical-bias spans ("lex") in which the detector flags a
word. Precision: the share of flagged words that fall inside any annotated span. The
lexicon (resources/lexicons/loaded.txt) is not built from these annotations.
Also prints, per outlet, mean tone, the top distinctive words (Fightin' Words against
the others) and the frames leaned on. --variants also scores alternatives that were
tried and not adopted (VADER's own sentiment lexicon added to ours, and a filter that
keeps only words no other outlet of the story uses), so those figures can be re-run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.analysis.cues import CueMatcher, lexicon_matcher
from newsdesk.analysis.framing import (
    FRAME_LABELS,
    FramingArticle,
    frame_weights,
    frames,
    log_odds,
    tone,
)
from newsdesk.analysis.text import stem, words

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "stories" / "basil.jsonl"
Detector = Callable[[dict, list[dict]], list[tuple[int, int]]]  # (row, its story) -> spans


def spans_in(text: str, snippet: str) -> list[tuple[int, int]]:
    found, start = [], text.find(snippet)
    while start >= 0 and snippet:
        found.append((start, start + len(snippet)))
        start = text.find(snippet, start + 1)
    return found


def score(rows: list[dict], detect: Detector) -> tuple[float, float, int, int, int, int]:
    """(recall, precision, spans hit, lex spans, flagged in a span, flagged)."""
    stories: dict[str, list[dict]] = {}
    for row in rows:
        stories.setdefault(row["cluster"], []).append(row)
    lex_total = lex_hit = flagged = flagged_in = 0
    for row in rows:
        text = row["text"]
        matches = detect(row, stories[row["cluster"]])
        all_spans = [s for span in row["bias_spans"] for s in spans_in(text, span["txt"])]
        for span in row["bias_spans"]:
            located = spans_in(text, span["txt"]) if span["bias"] == "lex" else []
            if located:
                lex_total += 1
                lex_hit += any(a < e and s < b for a, b in located for s, e in matches)
        flagged += len(matches)
        flagged_in += sum(1 for s, e in matches if any(a <= s and e <= b for a, b in all_spans))
    return (lex_hit / max(lex_total, 1), flagged_in / max(flagged, 1), lex_hit, lex_total,
            flagged_in, flagged)


def lexicon_detector(row: dict, _story: list[dict]) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in lexicon_matcher("loaded").finditer(row["text"])]


def with_vader(threshold: float, *, only_unique: bool) -> Detector:
    """Ours plus VADER's words of |valence| >= threshold; with only_unique, a flagged word
    must be one no other outlet of the story uses."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon = SentimentIntensityAnalyzer().lexicon
    vader = CueMatcher(("", w) for w, v in lexicon.items()
                       if abs(v) >= threshold and re.fullmatch(r"[a-z][a-z'-]+", w))

    def detect(row: dict, story: list[dict]) -> list[tuple[int, int]]:
        used = {stem(w) for other in story if other["id"] != row["id"]
                for w in re.findall(r"[a-z][a-z'-]+", other["text"].lower())}

        def keep(text: str) -> bool:
            return not only_unique or not all(
                stem(w) in used for w in re.findall(r"[a-z][a-z'-]+", text.lower()))

        found = [(m.start, m.end) for m in lexicon_matcher("loaded").finditer(row["text"])
                 if keep(m.text)]
        for m in vader.finditer(row["text"]):
            if keep(m.text) and not any(a < m.end and m.start < b for a, b in found):
                found.append((m.start, m.end))
        return found

    return detect


def report(name: str, result: tuple[float, float, int, int, int, int]) -> None:
    recall, precision, hit, total, inside, flagged = result
    print(f"{name}: recall {recall:.3f} ({hit}/{total} lex spans), precision {precision:.3f} "
          f"({inside}/{flagged} flagged words in a span)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", action="store_true", help="also score rejected variants")
    args = parser.parse_args()
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    report("loaded language on BASIL", score(rows, lexicon_detector))
    if args.variants:
        for threshold in (1.0, 2.0):
            report(f"  variant: + VADER words |v| >= {threshold}",
                   score(rows, with_vader(threshold, only_unique=False)))
            report(f"  variant: + VADER words |v| >= {threshold}, only words the story's other "
                   "outlets do not use", score(rows, with_vader(threshold, only_unique=True)))
    per_outlet: dict[str, Counter[str]] = {}
    tones: dict[str, list[float]] = {}
    framed: dict[str, Counter[str]] = {}
    for row in rows:
        article = FramingArticle(row["id"], row["source"], "", row["title"], row["text"])
        per_outlet.setdefault(row["source"], Counter()).update(words(row["text"]))
        tones.setdefault(row["source"], []).append(tone(article)[0])
        framed.setdefault(row["source"], Counter()).update(frame_weights(frames(article)))
    prior = sum(per_outlet.values(), Counter())
    for outlet, scored in log_odds(per_outlet, prior).items():
        mean = sum(tones[outlet]) / len(tones[outlet])
        print(f"{outlet}: mean tone {mean:+.3f} over {len(tones[outlet])} articles; "
              "distinctive: " + ", ".join(w for w, _z, _n in scored[:15]))
        shares = framed[outlet]
        total = sum(shares.values()) or 1
        print("    frames: " + ", ".join(f"{FRAME_LABELS[k]} {v / total:.0%}"
                                        for k, v in shares.most_common(6)))


if __name__ == "__main__":
    main()
