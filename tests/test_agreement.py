"""Tests for Krippendorff's alpha in ``integration_index._analysis.agreement``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integration_index._analysis.agreement import (
    REASON_NO_VARIATION,
    REASON_TOO_LITTLE_DATA,
    Agreement,
    Metric,
    krippendorff_alpha,
    ordinal_agreement,
)

METRICS: tuple[Metric, ...] = ("nominal", "ordinal", "interval")

N = None  # missing rating
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section
# C: observers A-D (rows) by units 1-12 (columns), N = missing.
_OBSERVERS: list[list[float | None]] = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],  # A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],  # B
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],  # C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],  # D
]
# One sequence per unit, as the API expects.
KRIPPENDORFF_2011: list[list[float | None]] = [list(u) for u in zip(*_OBSERVERS, strict=True)]


@pytest.mark.parametrize(
    ("metric", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)],
)
def test_krippendorff_2011_example(metric: Metric, published: float) -> None:
    alpha = krippendorff_alpha(KRIPPENDORFF_2011, metric=metric)
    assert alpha is not None
    assert round(alpha, 3) == published


@pytest.mark.parametrize("metric", METRICS)
def test_krippendorff_2011_example_with_explicit_levels(metric: Metric) -> None:
    # Level 0 and 6 never occur; zero-frequency levels must not change alpha.
    plain = krippendorff_alpha(KRIPPENDORFF_2011, metric=metric)
    explicit = krippendorff_alpha(KRIPPENDORFF_2011, metric=metric, levels=[0, 1, 2, 3, 4, 5, 6])
    assert explicit == plain


def test_ordinal_agreement_on_krippendorff_2011_example() -> None:
    agreement = ordinal_agreement(KRIPPENDORFF_2011, [1, 2, 3, 4, 5])
    assert agreement.alpha is not None
    assert round(agreement.alpha, 3) == 0.815
    # Unit 12 has a single value, so 11 units and n = 40 (as published).
    assert agreement.units == 11
    assert agreement.pairable_values == 40
    assert agreement.reason is None


@pytest.mark.parametrize("metric", METRICS)
def test_perfect_agreement_with_variation_is_one(metric: Metric) -> None:
    units: list[list[float | None]] = [[0, 0, 0], [1, 1], [2, None, 2], [4, 4]]
    assert krippendorff_alpha(units, metric=metric) == 1.0


def test_hand_computed_two_units_two_raters_ordinal() -> None:
    # Levels 0, 1, 2. Unit 1: (0, 0); unit 2: (1, 2). Each unit has m_u = 2,
    # so each ordered pair of raters adds 1 / (m_u - 1) = 1.
    #
    # Coincidence matrix o[c][k]:   0  1  2 | n_c
    #                           0   2  0  0 |  2
    #                           1   0  0  1 |  1
    #                           2   0  1  0 |  1      n = 4
    #
    # Ordinal distances (sum_{g=c..k} n_g - (n_c + n_k) / 2) ** 2:
    #   d(0,1) = (2 + 1     - (2 + 1) / 2) ** 2 = 1.5 ** 2 = 2.25
    #   d(0,2) = (2 + 1 + 1 - (2 + 1) / 2) ** 2 = 2.5 ** 2 = 6.25
    #   d(1,2) = (1 + 1     - (1 + 1) / 2) ** 2 = 1.0 ** 2 = 1
    #
    # D_o = 1/n * sum o[c][k] d(c,k) = (1 * 1 + 1 * 1) / 4 = 0.5
    # D_e = 1/(n(n-1)) * sum n_c n_k d(c,k)
    #     = 2 * (2*1*2.25 + 2*1*6.25 + 1*1*1) / (4 * 3) = 36 / 12 = 3
    # alpha = 1 - D_o / D_e = 1 - 0.5 / 3 = 5/6
    units: list[list[float | None]] = [[0, 0], [1, 2]]
    assert krippendorff_alpha(units) == pytest.approx(5 / 6)
    assert krippendorff_alpha(units, levels=[0, 1, 2]) == pytest.approx(5 / 6)
    # An extra never-used level (n_3 = 0) changes nothing.
    assert krippendorff_alpha(units, levels=[0, 1, 2, 3]) == pytest.approx(5 / 6)
    agreement = ordinal_agreement(units, [0, 1, 2])
    assert agreement.alpha == pytest.approx(5 / 6)
    assert (agreement.units, agreement.pairable_values) == (2, 4)


def test_ordinal_uses_level_order_and_zero_frequency_gap() -> None:
    # Level 1 is never used but lies between 0 and 2; with Krippendorff's
    # definition its n_1 = 0, so it adds nothing to the distance d(0, 2).
    #
    # Coincidences: o[0][0] = 2, o[0][2] = o[2][0] = 1, o[2][2] = 2; n_0 = n_2 = 3, n = 6.
    # Ordinal: d(0,2) = (n_0 + n_1 + n_2 - (n_0 + n_2) / 2) ** 2 = (6 - 3) ** 2 = 9
    #   D_o = (1 * 9 + 1 * 9) / 6 = 3; D_e = 2 * 3 * 3 * 9 / (6 * 5) = 5.4; alpha = 1 - 3/5.4 = 4/9
    # Nominal: d = 1 for any two different values
    #   D_o = 2 / 6 = 1/3; D_e = 2 * 3 * 3 / 30 = 3/5; alpha = 1 - (1/3) / (3/5) = 4/9
    # Interval: d(0,2) = (2 - 0) ** 2 = 4: D_o = 8/6, D_e = 72/30; alpha = 1 - (4/3) / (12/5) = 4/9
    units: list[list[float | None]] = [[0, 0], [0, 2], [2, 2]]
    assert krippendorff_alpha(units, levels=[0, 1, 2]) == pytest.approx(4 / 9)
    assert krippendorff_alpha(units) == pytest.approx(4 / 9)
    # With only two distinct values every metric agrees with nominal.
    for metric in METRICS:
        assert krippendorff_alpha(units, metric=metric) == pytest.approx(4 / 9), metric


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize(
    "units",
    [
        [],
        [[]],
        [[1]],
        [[1, None, None]],
        [[1], [2], [3]],
    ],
)
def test_too_few_pairable_values_is_undefined(
    metric: Metric, units: list[list[float | None]]
) -> None:
    assert krippendorff_alpha(units, metric=metric) is None


@pytest.mark.parametrize("metric", METRICS)
def test_no_variation_is_undefined(metric: Metric) -> None:
    units: list[list[float | None]] = [[3, 3], [3, 3, 3], [3, None], [2]]
    assert krippendorff_alpha(units, metric=metric) is None


def test_single_unit_alpha_is_zero_but_agreement_reports_too_little_data() -> None:
    assert krippendorff_alpha([[0, 1, 2]]) == 0.0
    agreement = ordinal_agreement([[0, 1, 2], [1]], [0, 1, 2])
    assert agreement == Agreement(
        alpha=None, units=1, pairable_values=3, reason=REASON_TOO_LITTLE_DATA
    )


def test_agreement_reports_no_variation() -> None:
    agreement = ordinal_agreement([[2, 2], [2, 2, None]], [0, 1, 2])
    assert agreement == Agreement(
        alpha=None, units=2, pairable_values=4, reason=REASON_NO_VARIATION
    )


def test_agreement_without_data() -> None:
    agreement = ordinal_agreement([], None)
    assert agreement == Agreement(
        alpha=None, units=0, pairable_values=0, reason=REASON_TOO_LITTLE_DATA
    )


@pytest.mark.parametrize("metric", METRICS)
def test_invariant_to_order_of_units_and_raters(metric: Metric) -> None:
    reference = krippendorff_alpha(KRIPPENDORFF_2011, metric=metric)
    reversed_units = list(reversed(KRIPPENDORFF_2011))
    reversed_raters = [list(reversed(unit)) for unit in KRIPPENDORFF_2011]
    assert krippendorff_alpha(reversed_units, metric=metric) == reference
    assert krippendorff_alpha(reversed_raters, metric=metric) == reference


def test_missing_and_absent_values_are_equivalent() -> None:
    padded: list[list[float | None]] = [[1, 2, None], [None, 3, 3], [2, 2, None]]
    compact: list[list[float | None]] = [[1, 2], [3, 3], [2, 2]]
    assert krippendorff_alpha(padded) == krippendorff_alpha(compact)


def test_invalid_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown metric"):
        krippendorff_alpha([[1, 2]], metric="ratio")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not one of levels"):
        krippendorff_alpha([[1, 7]], levels=[0, 1, 2])
    with pytest.raises(ValueError, match="distinct"):
        krippendorff_alpha([[1, 2]], levels=[0, 1, 1, 2])
    with pytest.raises(ValueError, match="finite"):
        krippendorff_alpha([[1.0, float("nan")]], metric="interval")


_rating = st.one_of(st.none(), st.integers(min_value=0, max_value=4))
_units = st.lists(st.lists(_rating, max_size=5), max_size=8)
_metrics = st.sampled_from(METRICS)


@given(units=_units, metric=_metrics)
def test_alpha_at_most_one_when_defined(units: list[list[float | None]], metric: Metric) -> None:
    alpha = krippendorff_alpha(units, metric=metric)
    if alpha is not None:
        assert alpha <= 1.0


@given(units=_units, metric=_metrics, data=st.data())
def test_permuting_units_and_raters_changes_nothing(
    units: list[list[float | None]], metric: Metric, data: st.DataObject
) -> None:
    reference = krippendorff_alpha(units, metric=metric)
    shuffled = data.draw(st.permutations(units))
    shuffled = [data.draw(st.permutations(unit)) for unit in shuffled]
    assert krippendorff_alpha(shuffled, metric=metric) == reference


@given(units=_units)
def test_unused_ordinal_levels_change_nothing(units: list[list[float | None]]) -> None:
    assert krippendorff_alpha(units, levels=range(7)) == krippendorff_alpha(units)


@given(
    units=st.lists(
        st.lists(
            st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6)),
            max_size=5,
        ),
        max_size=8,
    ),
    data=st.data(),
)
def test_interval_floats_bounded_and_order_free(
    units: list[list[float | None]], data: st.DataObject
) -> None:
    reference = krippendorff_alpha(units, metric="interval")
    if reference is not None:
        assert reference <= 1.0
    shuffled = data.draw(st.permutations(units))
    assert krippendorff_alpha(shuffled, metric="interval") == reference


def test_accepts_tuples_and_mixed_int_float_values() -> None:
    as_tuples = tuple(tuple(unit) for unit in KRIPPENDORFF_2011)
    as_floats = [[None if v is None else float(v) for v in unit] for unit in KRIPPENDORFF_2011]
    reference = krippendorff_alpha(KRIPPENDORFF_2011)
    assert krippendorff_alpha(as_tuples) == reference
    assert krippendorff_alpha(as_floats) == reference
