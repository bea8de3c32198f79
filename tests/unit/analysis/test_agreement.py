"""Krippendorff's alpha against the published examples (Krippendorff 2011)."""

from datetime import UTC, datetime, timedelta

import pytest

from newsdesk.analysis.agreement import agreement, krippendorff_alpha_nominal
from newsdesk.models import Annotation

T0 = datetime(2024, 5, 1, tzinfo=UTC)


def _units(rows: dict[str, str]) -> dict[str, dict[str, str]]:
    """Coder -> space-separated values ("." missing) into unit -> coder -> value."""
    columns = {coder: values.split() for coder, values in rows.items()}
    width = len(next(iter(columns.values())))
    return {f"u{i}": {c: v[i] for c, v in columns.items() if v[i] != "."} for i in range(width)}


FOUR_CODERS = _units({"A": "1 2 3 3 2 1 4 1 2 . . .",
                      "B": "1 2 3 3 2 2 4 1 2 5 . 3",
                      "C": ". 3 3 3 2 3 4 2 2 5 1 .",
                      "D": "1 2 3 3 2 4 4 1 2 5 1 ."})
TWO_CODERS_BINARY = _units({"A": "0 1 0 0 0 0 0 0 1 0", "B": "1 1 1 0 0 1 0 0 0 0"})


def test_four_coders_twelve_units_with_missing_data():
    assert round(krippendorff_alpha_nominal(FOUR_CODERS), 3) == 0.743


def test_two_coders_binary():
    assert round(krippendorff_alpha_nominal(TWO_CODERS_BINARY), 3) == 0.095


def test_perfect_agreement_with_variation_is_one():
    assert krippendorff_alpha_nominal({"a": {"x": "1", "y": "1"}, "b": {"x": "2", "y": "2"}}) == 1.0


def test_no_pairable_unit_is_undefined():
    assert krippendorff_alpha_nominal({}) is None
    assert krippendorff_alpha_nominal({"a": {"x": "1"}, "b": {"y": "2"}}) is None


def test_one_value_only_is_undefined_not_one():
    # D_e = 0: Krippendorff's alpha is 0/0; we say "undefined" rather than 1.0
    assert krippendorff_alpha_nominal({"a": {"x": "1", "y": "1"}, "b": {"x": "1", "y": "1"}}) is None


def test_systematic_disagreement_is_below_zero():
    alpha = krippendorff_alpha_nominal({"a": {"x": "1", "y": "2"}, "b": {"x": "2", "y": "1"}})
    assert alpha is not None and alpha < 0


def _codes(units: dict[str, dict[str, str]], codebook: str = "Coverage") -> list[Annotation]:
    return [Annotation("code", unit, editor, T0, codebook=codebook, value=value)
            for unit, coded in units.items() for editor, value in coded.items()]


def test_agreement_record_from_codes():
    codes = _codes(FOUR_CODERS)
    codes += [Annotation("tag", "u0", "A", T0, tag="x"),  # other kinds and codebooks: skipped
              Annotation("code", "u0", "A", T0, codebook="Frames", value="9")]
    a = agreement("coverage", codes)
    assert round(a.alpha or 0, 3) == 0.743
    assert a.codebook == "coverage"
    assert a.units == 11  # unit 12 has one value only
    assert a.coders == 4
    assert a.values == 40  # n in the paper
    assert [d.article_id for d in a.disagreements] == ["u1", "u5", "u7"]
    u5 = next(d for d in a.disagreements if d.article_id == "u5")
    assert u5.codes == (("A", "1"), ("B", "2"), ("C", "3"), ("D", "4"))
    assert a.expected > a.observed > 0
    assert 1 - a.observed / a.expected == pytest.approx(a.alpha)


def test_agreement_with_nothing_pairable():
    a = agreement("Coverage", _codes({"a": {"x": "1"}}))
    assert (a.alpha, a.units, a.coders, a.values, a.disagreements) == (None, 0, 0, 0, ())
    assert (a.observed, a.expected) == (0.0, 0.0)


def test_an_editors_newest_code_counts():
    codes = [Annotation("code", "a", "x", T0, codebook="C", value="1"),
             Annotation("code", "a", "x", T0 + timedelta(hours=1), codebook="C", value="2"),
             Annotation("code", "a", "y", T0, codebook="C", value="2"),
             Annotation("code", "b", "x", T0, codebook="C", value="1"),
             Annotation("code", "b", "y", T0, codebook="C", value="1")]
    a = agreement("C", codes)
    assert a.alpha == 1.0 and a.disagreements == () and a.units == 2


def test_values_compare_case_insensitively():
    codes = [Annotation("code", "a", "x", T0, codebook="C", value="Critical"),
             Annotation("code", "a", "y", T0, codebook="C", value="critical"),
             Annotation("code", "b", "x", T0, codebook="C", value="neutral"),
             Annotation("code", "b", "y", T0, codebook="C", value="Neutral")]
    assert agreement("C", codes).alpha == 1.0
