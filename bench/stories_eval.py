"""Story and storyline quality on the labelled sets in ../shared/data/stories: B-cubed F1.

    .venv/bin/python bench/stories_eval.py [--model NAME ...] [--sweep] [--link-sweep]

Every figure is given on the held-out split of issue 13 (design13.md, decision 7), tune
and check side by side: AllSides April-May 2021 (tune) vs June-July (check); BASIL events
of 2010-2015 (tune) vs 2016-2019 (check). Sweeps look at tune data only. AllSides'
"Perspectives" stories (opinion pages on a theme; their `issue` starts "Perspectives:")
are scored apart as well as included. Storylines are scored against the hand-labelled
gold in bench/data/storylines (B-cubed over articles).

Models are the ones NewsDesk offers (services/stories.py) and, for comparison, the
previous TF-IDF model (`tfidf-v1`: 4-day window, the old names()) and a title-words
baseline, which live only here.
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

import re

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
from newsdesk.analysis.stories.storylines import StorylineLinker
from newsdesk.analysis.stories.stream import cluster_stream
from newsdesk.analysis.stories.tfidf import term_counts
from newsdesk.analysis.text import STOPWORDS, words
from newsdesk.services.stories import MODELS

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "stories"
STORYLINE_GOLD = Path(__file__).resolve().parent / "data" / "storylines" / "allsides-storylines.json"
SETS = ("basil.jsonl", "allsides-dev.jsonl")
SPLITS = {  # decision 7: (tune, check) by a row's date
    "basil.jsonl": (lambda d: 2010 <= d.year <= 2015, lambda d: 2016 <= d.year <= 2019),
    "allsides-dev.jsonl": (lambda d: d.month in (4, 5), lambda d: d.month in (6, 7)),
}


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

    def state(self, stories: Collection[int] | None = None, *,
              members: bool = True) -> ModelState:
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


_OLD_NAME = re.compile(r"\b(?:[A-Z][a-z'’\-]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z'’\-]+|[A-Z]{2,}))*")
_SENTENCE_END = re.compile(r"[.!?]\s+|\n+")


def _old_names(text: str) -> list[str]:
    """names() before issue 13 ("DeSantis" -> "de", "McConnell" -> "mc"), for the baseline."""
    found = []
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        for match in _OLD_NAME.finditer(sentence):
            parts = match.group(0).split()
            if match.start() == 0 and len(parts) == 1:
                continue
            cleaned = [p for p in parts if p.lower() not in STOPWORDS]
            if cleaned:
                found.append(" ".join(cleaned).lower())
    return found


class TfidfV1(TfidfModel):
    """The TF-IDF model before issue 13 (4-day window, old names()), kept here only to give
    the before figures in the same run. Its copy detection is the new one (no effect on F1)."""

    name: ClassVar[str] = "tfidf-v1"
    version: ClassVar[int] = 1

    def __init__(self, **options: float) -> None:
        super().__init__(**({"threshold": 0.14, "window_days": 4.0} | options))

    def term_counts(self, title: str, text: str) -> dict[str, float]:
        return term_counts(title, text, _old_names)


BENCH_MODELS: dict[str, type[StoryModel]] = {
    **MODELS, TfidfV1.name: TfidfV1, TitleWords.name: TitleWords}


def load(name: str) -> tuple[list[StoryInput], dict[str, str], dict[str, dict[str, str]]]:
    """Articles in date order, their gold stories, and each row's extra fields."""
    rows = [json.loads(line) for line in (DATA / name).open(encoding="utf-8")]
    articles, gold, extra = [], {}, {}
    for row in rows:
        when = datetime.fromisoformat(row["date"].replace("Z", "+00:00"))
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        articles.append(StoryInput(id=row["id"], title=row.get("title", ""), text=row["text"],
                                   published=when.astimezone(UTC), source=row.get("source", ""),
                                   url=row.get("url")))
        gold[row["id"]] = str(row["cluster"])
        extra[row["id"]] = {"issue": str(row.get("issue", "")), "date": row["date"]}
    articles.sort(key=lambda a: a.published)
    return articles, gold, extra


def split(name: str, part: int) -> tuple[list[StoryInput], dict[str, str], dict[str, dict[str, str]]]:
    """The tune (0) or check (1) part of a set, by the row's own date (not the moved one)."""
    articles, gold, extra = load(name)
    keep = SPLITS[name][part]
    chosen = [a for a in articles
              if keep(datetime.fromisoformat(extra[a.id]["date"].replace("Z", "+00:00")))]
    ids = {a.id for a in chosen}
    return chosen, {i: g for i, g in gold.items() if i in ids}, extra


def scores(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall, F1 and pairwise F1 over the items of `gold`."""
    predicted = {i: c for i, c in predicted.items() if i in gold}
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


def make(model: str, **options: float) -> StoryModel:
    """A fresh model by bench name; options go to the TF-IDF models."""
    kind = BENCH_MODELS[model]
    if options:
        if not issubclass(kind, TfidfModel):
            raise SystemExit(f"options are for the TF-IDF models, not {model}")
        return kind(**options)
    return kind()


def evaluate(name: str, part: int, model: str, link: dict[str, float] | None = None,
             **options: float) -> dict[str, dict[str, float]]:
    """Scores of one split: all stories, and for AllSides the Perspectives ones apart,
    the others apart, and storylines against the hand-labelled gold."""
    articles, gold, extra = split(name, part)
    linker = StorylineLinker(**(link or {}))
    rows = cluster_stream(articles, make(model, **options), linker=linker)
    stories = {aid: str(sid) for aid, sid, _ in rows}
    out = {"all": scores(stories, gold)}
    if name.startswith("allsides"):
        opinion = {i for i in gold if extra[i]["issue"].startswith("Perspectives")}
        out["events"] = scores(stories, {i: g for i, g in gold.items() if i not in opinion})
        out["perspectives"] = scores(stories, {i: g for i, g in gold.items() if i in opinion})
        storyline_gold = json.loads(STORYLINE_GOLD.read_text(encoding="utf-8"))
        lines = {aid: f"line{line}" if line is not None else f"story{sid}"
                 for aid, sid, line in rows}
        line_gold = {i: storyline_gold[g] for i, g in gold.items()}
        out["storylines"] = scores(lines, line_gold)
        out["no linking (each story its own storyline)"] = scores(stories, line_gold)
        out["storylines if stories were gold"] = _storylines_on_gold(articles, gold, extra,
                                                                     storyline_gold, link)
    return out


def _storylines_on_gold(articles: list[StoryInput], gold: dict[str, str],
                        extra: dict[str, dict[str, str]], storyline_gold: dict[str, str],
                        link: dict[str, float] | None) -> dict[str, float]:
    """The linker alone: link the gold stories (as the TF-IDF model reads them)."""
    model = GoldStories(gold)
    rows = cluster_stream(articles, model, linker=StorylineLinker(**(link or {})))
    lines = {aid: f"line{line}" for aid, _, line in rows}
    return scores(lines, {i: storyline_gold[g] for i, g in gold.items()})


class GoldStories(TfidfModel):
    """Puts each article in its gold story (centroids as the TF-IDF model makes them), so
    the linker can be scored without the grouping's errors."""

    name: ClassVar[str] = "gold"

    def __init__(self, gold: dict[str, str]) -> None:
        super().__init__()
        self._gold = gold
        self._ids: dict[str, int] = {}

    def add(self, batch: Batch | Sequence[StoryInput]) -> list[Assignment]:
        batch = batch if isinstance(batch, Batch) else self.prepare(batch)
        index = self._index
        placed = []
        from newsdesk.analysis.stories.tfidf import Story
        for article, counts in zip(batch.inputs, batch.features, strict=True):
            index.learn(counts)
            vector = index.vector(counts)
            key = self._gold[article.id]
            if key not in self._ids:
                self._ids[key] = len(self._ids) + 1
                index.stories[self._ids[key]] = Story(self._ids[key], article.published,
                                                      article.published)
            story = index.stories[self._ids[key]]
            index._join(story, article, vector)
            placed.append(Assignment(article.id, story.id, 1.0, len(story.members) == 1))
        return placed

    def state(self, stories: Collection[int] | None = None, *,
              members: bool = True) -> ModelState:
        from newsdesk.analysis.stories.tfidf import _story_state
        chosen = sorted(stories or self._index.stories)
        return ModelState(self.name, self.version, stories=tuple(
            _story_state(self._index.stories[sid]) for sid in chosen))


def _line(label: str, s: dict[str, float]) -> str:
    return f"{label} P {s['P']:.3f} R {s['R']:.3f} F1 {s['F1']:.3f} pairF1 {s['pairF1']:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", choices=sorted(BENCH_MODELS),
                        help="a model to measure (repeat to compare; default tfidf-v1 and tfidf)")
    parser.add_argument("--threshold", type=float, default=None, help="tfidf's threshold")
    parser.add_argument("--window", type=float, default=None, help="tfidf's window (days)")
    parser.add_argument("--sweep", action="store_true",
                        help="try tfidf thresholds and windows (tune data only)")
    parser.add_argument("--link-sweep", action="store_true",
                        help="try storyline thresholds (AllSides tune data only)")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"The labelled sets are not at {DATA}.")
    if args.sweep:
        for window in (2.0, 3.0, 4.0):
            for t in [x / 100 for x in range(10, 26, 2)]:
                found = {n: evaluate(n, 0, "tfidf", threshold=t, window_days=window)["all"]
                         for n in SETS}
                line = "  ".join(f"{n.split('.')[0]} F1 {s['F1']:.3f}" for n, s in found.items())
                print(f"window {window:.0f} threshold {t:.2f}: {line}")
        return
    if args.link_sweep:
        for t in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
            s = evaluate("allsides-dev.jsonl", 0, "tfidf", link={"threshold": t})
            print(f"link threshold {t:.2f}: storylines F1 {s['storylines']['F1']:.3f} "
                  f"(on gold stories {s['storylines if stories were gold']['F1']:.3f})")
        return
    options = {k: v for k, v in (("threshold", args.threshold), ("window_days", args.window))
               if v is not None}
    for model in args.model or ["tfidf-v1", "tfidf"]:
        for name in SETS:
            tune, check = evaluate(name, 0, model, **options), evaluate(name, 1, model, **options)
            for key in tune:
                label = f"{model:<9} {name.split('.')[0].split('-')[0]:<8} {key:<12}"
                print(f"{label} tune {_line('', tune[key])} | check {_line('', check[key])}")


if __name__ == "__main__":
    main()
