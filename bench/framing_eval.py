"""Loaded-language detector against BASIL's annotations (for measuring only).

    .venv/bin/python bench/framing_eval.py

Recall: the share of BASIL's lexical-bias spans ("lex") in which the detector flags a
word. Precision: the share of flagged words that fall inside any annotated span. The
lexicon (resources/lexicons/loaded.txt) is not built from these annotations.
Also prints, per outlet, the top distinctive words (Fightin' Words against the others).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.analysis.framing import (
    FRAME_LABELS,
    FramingArticle,
    frame_weights,
    frames,
    lexicon_pattern,
    log_odds,
    tone,
)
from newsdesk.analysis.text import words

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "stories" / "basil.jsonl"


def spans_in(text: str, snippet: str) -> list[tuple[int, int]]:
    found, start = [], text.find(snippet)
    while start >= 0 and snippet:
        found.append((start, start + len(snippet)))
        start = text.find(snippet, start + 1)
    return found


def main() -> None:
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    pattern = lexicon_pattern("loaded")
    lex_total = lex_hit = flagged = flagged_in = 0
    per_outlet: dict[str, Counter[str]] = {}
    tones: dict[str, list[float]] = {}
    framed: dict[str, Counter[str]] = {}
    for row in rows:
        text = row["text"]
        matches = [(m.start(), m.end()) for m in pattern.finditer(text)]
        all_spans = [s for span in row["bias_spans"] for s in spans_in(text, span["txt"])]
        for span in row["bias_spans"]:
            if span["bias"] != "lex":
                continue
            located = spans_in(text, span["txt"])
            if not located:
                continue
            lex_total += 1
            if any(a < e and s < b for a, b in located for s, e in matches):
                lex_hit += 1
        flagged += len(matches)
        flagged_in += sum(1 for s, e in matches if any(a <= s and e <= b for a, b in all_spans))
        per_outlet.setdefault(row["source"], Counter()).update(words(text))
        article = FramingArticle(row["id"], row["source"], "", row["title"], text)
        tones.setdefault(row["source"], []).append(tone(article)[0])
        framed.setdefault(row["source"], Counter()).update(frame_weights(frames(article)))
    recall = lex_hit / lex_total if lex_total else 0.0
    precision = flagged_in / flagged if flagged else 0.0
    print(f"loaded language on BASIL: recall {recall:.3f} ({lex_hit}/{lex_total} lex spans), "
          f"precision {precision:.3f} ({flagged_in}/{flagged} flagged words in a span)")
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
