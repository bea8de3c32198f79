"""Intercoder agreement: Krippendorff's alpha for nominal codes.

Computed over the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
Alpha-Reliability"): every unit (an article) coded by two or more coders contributes each
ordered pair of its values from different coders, weighted 1/(m_u - 1) where m_u is the
number of values in that unit. Units with a single value are not pairable and count for
nothing, so missing data is fine and any number of coders may take part.

alpha = 1 - D_o / D_e, with D_o the observed and D_e the expected disagreement.
Undefined cases return None rather than a number that looks like a finding:
- no pairable unit (nothing to compare);
- every pairable value the same (D_e = 0): alpha is then 0/0, which Krippendorff leaves
  undefined: data without variation cannot show whether coders agree because they apply the
  codebook alike or because nothing varied. We return None (the reports say "not defined:
  no variation") rather than the 1.0 some tools report, which would read as perfect agreement.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsdesk.models import Annotation


@dataclass(frozen=True)
class Disagreement:
    """A unit whose coders chose different values: (editor, value) pairs, by editor."""

    article_id: str
    codes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Agreement:
    """Alpha for one codebook and what it was computed from."""

    codebook: str
    alpha: float | None  # None when undefined: no pairable unit, or one value only (D_e = 0)
    units: int  # articles coded by two or more editors
    coders: int  # editors who coded any of those units
    values: int  # pairable values (codes in those units)
    disagreements: tuple[Disagreement, ...]  # units whose editors differ
    observed: float  # D_o
    expected: float  # D_e


def _pairable(units: Mapping[str, Mapping[str, str]]) -> dict[str, Mapping[str, str]]:
    return {unit: coded for unit, coded in units.items() if len(coded) >= 2}


def _disagreement(units: Mapping[str, Mapping[str, str]]) -> tuple[float, float, int]:
    """(D_o, D_e, n) over the pairable units; D_o = D_e = 0 when nothing is pairable."""
    coincidences: defaultdict[tuple[str, str], float] = defaultdict(float)
    for coded in _pairable(units).values():
        m = len(coded)
        counts = Counter(coded.values())
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[(c, k)] += pairs / (m - 1)
    totals: defaultdict[str, float] = defaultdict(float)
    for (c, _k), o in coincidences.items():
        totals[c] += o
    n = sum(totals.values())
    if n <= 1:
        return 0.0, 0.0, round(n)
    observed = sum(o for (c, k), o in coincidences.items() if c != k) / n
    squares = sum(t * t for t in totals.values())
    expected = (n * n - squares) / (n * (n - 1))
    return observed, expected, round(n)


def krippendorff_alpha_nominal(units: Mapping[str, Mapping[str, str]]) -> float | None:
    """Alpha over `units` (unit -> coder -> value); None when undefined (see the module)."""
    observed, expected, _n = _disagreement(units)
    if expected == 0:
        return None
    return 1.0 - observed / expected


def agreement(codebook: str, codes: Sequence[Annotation]) -> Agreement:
    """The agreement record for `codebook` from codes (other kinds and codebooks are skipped;
    an editor's newest code counts if one was given twice; values ignore case)."""
    wanted = codebook.casefold()
    newest: dict[tuple[str, str], Annotation] = {}
    for code in codes:
        if code.kind != "code" or code.codebook.casefold() != wanted:
            continue
        key = (code.article_id, code.editor)
        if key not in newest or newest[key].created <= code.created:
            newest[key] = code
    units: dict[str, dict[str, str]] = defaultdict(dict)
    spelling: dict[str, str] = {}  # values compare case-insensitively, like the store's
    for (article_id, editor), code in newest.items():
        units[article_id][editor] = spelling.setdefault(code.value.casefold(), code.value)
    pairable = _pairable(units)
    observed, expected, n = _disagreement(pairable)
    coders = {editor for coded in pairable.values() for editor in coded}
    disagreements = tuple(
        Disagreement(article_id, tuple(sorted(coded.items())))
        for article_id, coded in sorted(pairable.items()) if len(set(coded.values())) > 1)
    return Agreement(codebook=codebook,
                     alpha=None if expected == 0 else 1.0 - observed / expected,
                     units=len(pairable), coders=len(coders), values=n,
                     disagreements=disagreements, observed=observed, expected=expected)
