"""Story quality on the labelled sets in ../shared/data/stories: B-cubed and pairwise F1.

    .venv/bin/python bench/stories_eval.py [--threshold T] [--sweep]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.analysis.stories import StoryIndex, StoryInput

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "stories"
SETS = ("basil.jsonl", "allsides-dev.jsonl")


def load(name: str) -> tuple[list[StoryInput], dict[str, str]]:
    rows = [json.loads(line) for line in (DATA / name).open(encoding="utf-8")]
    articles, gold = [], {}
    for row in rows:
        when = datetime.fromisoformat(row["date"].replace("Z", "+00:00"))
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        articles.append(StoryInput(id=row["id"], title=row.get("title", ""), text=row["text"],
                                   published=when.astimezone(UTC), source=row.get("source", "")))
        gold[row["id"]] = str(row["cluster"])
    articles.sort(key=lambda a: a.published)
    return articles, gold


def scores(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall, F1 and pairwise F1."""
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for item, cluster in predicted.items():
        by_pred[cluster].add(item)
    for item, cluster in gold.items():
        by_gold[cluster].add(item)
    precision = recall = 0.0
    for item in gold:
        mine, truth = by_pred[predicted[item]], by_gold[gold[item]]
        overlap = len(mine & truth)
        precision += overlap / len(mine)
        recall += overlap / len(truth)
    precision /= len(gold)
    recall /= len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    pred_pairs = {frozenset(p) for members in by_pred.values() for p in combinations(members, 2)}
    gold_pairs = {frozenset(p) for members in by_gold.values() for p in combinations(members, 2)}
    hits = len(pred_pairs & gold_pairs)
    pp = hits / len(pred_pairs) if pred_pairs else 0.0
    pr = hits / len(gold_pairs) if gold_pairs else 0.0
    pair_f1 = 2 * pp * pr / (pp + pr) if pp + pr else 0.0
    return {"P": precision, "R": recall, "F1": f1, "pairF1": pair_f1}


def run(name: str, **options: float) -> dict[str, float]:
    articles, gold = load(name)
    index = StoryIndex(**options)
    predicted = {a.id: str(index.add(a).story_id) for a in articles}
    return scores(predicted, gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--sweep", action="store_true", help="try a range of thresholds")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"The labelled sets are not at {DATA}.")
    if args.sweep:
        for t in [x / 100 for x in range(8, 42, 2)]:
            line = "  ".join(f"{n.split('.')[0]} F1 {run(n, threshold=t)['F1']:.3f}" for n in SETS)
            print(f"threshold {t:.2f}: {line}")
        return
    options = {} if args.threshold is None else {"threshold": args.threshold}
    for name in SETS:
        s = run(name, **options)
        print(f"{name:<20} B-cubed P {s['P']:.3f} R {s['R']:.3f} F1 {s['F1']:.3f}   "
              f"pairwise F1 {s['pairF1']:.3f}")


if __name__ == "__main__":
    main()
