"""A coverage table: how each outlet's articles were coded (outlets x codebook values).

Every article counts once. When several editors coded it, it counts under the value most
of them chose; on a tie it counts under each tied value (so a row may add up to more than
its articles, and the table never hides a disagreement by picking one side).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsdesk.models import Codebook


@dataclass(frozen=True)
class CoverageTable:
    """Counts and article ids per (outlet, value); every pair is present (0 and ())."""

    codebook: str
    values: tuple[str, ...]  # the codebook's, then any other value found, sorted
    outlets: tuple[str, ...]  # most articles first, then by name
    counts: Mapping[tuple[str, str], int]  # (outlet, value) -> articles
    uncoded: Mapping[str, int]  # outlet -> articles nobody coded
    articles: Mapping[tuple[str, str], tuple[str, ...]]  # (outlet, value) -> article ids


def _majority(values: list[str]) -> list[str]:
    counts = Counter(values)
    top = max(counts.values())
    return [v for v in counts if counts[v] == top]


def coverage_table(codebook: Codebook, rows: Sequence[tuple[str, str, str | None]]) -> CoverageTable:
    """The table from rows (outlet, article_id, value or None), one row per editor's code;
    an article's None rows only say it is there (uncoded unless another row codes it)."""
    spelling = {v.casefold(): v for v in codebook.values}
    per_article: dict[tuple[str, str], list[str]] = {}
    for outlet, article_id, value in rows:
        coded = per_article.setdefault((outlet, article_id), [])
        if value is not None:
            coded.append(spelling.get(value.casefold(), value))
    extra = sorted({v for vs in per_article.values() for v in vs} - set(codebook.values),
                   key=str.casefold)
    values = (*codebook.values, *extra)
    totals: Counter[str] = Counter(outlet for outlet, _ in per_article)
    outlets = tuple(sorted(totals, key=lambda o: (-totals[o], o.casefold(), o)))
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    uncoded: dict[str, int] = dict.fromkeys(outlets, 0)
    for (outlet, article_id), coded in per_article.items():
        if not coded:
            uncoded[outlet] += 1
            continue
        for value in _majority(coded):
            cells[(outlet, value)].append(article_id)
    articles = {(o, v): tuple(cells.get((o, v), ())) for o in outlets for v in values}
    return CoverageTable(codebook=codebook.name, values=values, outlets=outlets,
                         counts={key: len(ids) for key, ids in articles.items()},
                         uncoded=uncoded, articles=articles)
