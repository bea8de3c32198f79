"""Story quality on the labelled sets in ../shared/data/stories: B-cubed and pairwise F1.

    .venv/bin/python bench/stories_eval.py [--model NAME ...] [--threshold T] [--sweep]

Models are the ones NewsDesk offers (services/stories.py) and, for comparison, a
title-words baseline that lives only here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import ClassVar, Self

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsdesk.analysis.stories import (
    Assignment,
    Batch,
    MemberLoader,
    MemberState,
    ModelState,
    StoryInput,
    StoryModel,
    StoryState,
    TfidfModel,
)
from newsdesk.analysis.text import words
from newsdesk.services.stories import MODELS

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "stories"
SETS = ("basil.jsonl", "allsides-dev.jsonl")


class TitleWords:
    """Baseline: an article joins the newest story of the last two days whose first title
    shares at least three stemmed words with its title. Not offered to users."""

    name: ClassVar[str] = "title-words"
    version: ClassVar[int] = 1
    SHARED = 3
    WINDOW = timedelta(days=2)

    def __init__(self) -> None:
        self._stories: dict[int, StoryState] = {}
        self._next_id = 1
        self._documents = 0

    def prepare(self, inputs: Sequence[StoryInput]) -> Batch:
        features = tuple(dict.fromkeys(words(i.title), 1.0) for i in inputs)
        return Batch(tuple(inputs), features, frozenset().union(*features),
                     inputs[0].published - self.WINDOW if inputs else None)

    def add(self, batch: Batch | Sequence[StoryInput]) -> list[Assignment]:
        batch = batch if isinstance(batch, Batch) else self.prepare(batch)
        placed = []
        for article, features in zip(batch.inputs, batch.features, strict=True):
            self._documents += 1
            member = MemberState(article.id, article.title, features)
            found = next((s for s in sorted(self._stories.values(), key=lambda s: -s.id)
                          if article.published - s.last_seen <= self.WINDOW
                          and len(features.keys() & s.features.keys()) >= self.SHARED), None)
            if found is None:
                found = StoryState(self._next_id, article.published, article.published,
                                   features, frozenset(), (), article.title)
                self._next_id += 1
            self._stories[found.id] = replace(
                found, last_seen=max(found.last_seen, article.published),
                outlets=found.outlets | {article.source}, members=(*(found.members or ()), member))
            placed.append(Assignment(article.id, found.id, 1.0, not found.members))
        return placed

    def state(self, stories: Collection[int] | None = None) -> ModelState:
        chosen = [s for sid, s in sorted(self._stories.items())
                  if stories is None or sid in stories]
        return ModelState(self.name, self.version, self._documents, self._next_id, {},
                          tuple(chosen))

    @classmethod
    def from_state(cls, state: ModelState, members: MemberLoader | None = None) -> Self:
        if not state.is_of(cls):
            raise ValueError(f"not a {cls.name} state")
        model = cls()
        model._documents, model._next_id = state.documents, state.next_id
        model._stories = {s.id: s for s in state.stories}
        return model


BENCH_MODELS: dict[str, type[StoryModel]] = {**MODELS, TitleWords.name: TitleWords}


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


def run(name: str, model: str = "tfidf", **options: float) -> dict[str, float]:
    articles, gold = load(name)
    grouping = TfidfModel(**options) if options else BENCH_MODELS[model]()  # options: tfidf's
    predicted = {a.article_id: str(a.story_id) for a in grouping.add(articles)}
    return scores(predicted, gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", choices=sorted(BENCH_MODELS),
                        help="the model to measure (repeat to compare; default tfidf)")
    parser.add_argument("--threshold", type=float, default=None, help="tfidf's threshold")
    parser.add_argument("--sweep", action="store_true", help="try a range of tfidf thresholds")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"The labelled sets are not at {DATA}.")
    if args.sweep:
        for t in [x / 100 for x in range(8, 42, 2)]:
            line = "  ".join(f"{n.split('.')[0]} F1 {run(n, threshold=t)['F1']:.3f}" for n in SETS)
            print(f"threshold {t:.2f}: {line}")
        return
    if args.threshold is not None and any(m != "tfidf" for m in args.model or ()):
        sys.exit("--threshold is tfidf's; measure other models without it.")
    options = {} if args.threshold is None else {"threshold": args.threshold}
    for model in args.model or ["tfidf"]:
        prefix = f"{model:<12} " if args.model else ""  # the figures alone, as before
        for name in SETS:
            s = run(name, model, **options)
            print(f"{prefix}{name:<20} B-cubed P {s['P']:.3f} R {s['R']:.3f} "
                  f"F1 {s['F1']:.3f}   pairwise F1 {s['pairF1']:.3f}")


if __name__ == "__main__":
    main()
