"""Inter-rater agreement for peer reviews (Krippendorff's alpha).

Reliability data is given as one sequence per unit (for example a review
question), holding the values given by the raters who rated that unit. ``None``
(or a shorter sequence) means a rater did not rate the unit.

The computation follows Krippendorff, "Computing Krippendorff's
Alpha-Reliability" (2011): values are turned into a coincidence matrix
``o[c][k]``, whose marginals ``n_c`` sum to ``n`` (the number of pairable
values), and::

    alpha = 1 - D_o / D_e
    D_o = 1 / n * sum_{c,k} o[c][k] * delta(c, k)
    D_e = 1 / (n * (n - 1)) * sum_{c,k} n_c * n_k * delta(c, k)

Sums use :func:`math.fsum`, so the result does not depend on the order of
units or of the values within a unit.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Final, Literal

import attrs

__all__ = [
    "Agreement",
    "Metric",
    "REASON_NO_VARIATION",
    "REASON_NO_VARIATION_MEASURED",
    "REASON_TOO_LITTLE_DATA",
    "interval_agreement",
    "krippendorff_alpha",
    "ordinal_agreement",
]

Metric = Literal["nominal", "ordinal", "interval"]

REASON_TOO_LITTLE_DATA: Final = "too little data: fewer than 2 units rated by at least 2 raters"
REASON_NO_VARIATION: Final = "no variation: every rating is the same level"
REASON_NO_VARIATION_MEASURED: Final = "no variation: every measured value is the same"

_METRICS: Final = ("nominal", "ordinal", "interval")

_Pair = tuple[float, float]


@attrs.frozen(kw_only=True)
class Agreement:
    """Agreement between the raters of a set of units.

    Attributes:
        alpha: Krippendorff's alpha, or ``None`` when it is undefined or the
            data is too thin to report it (see ``reason``).
        units: Number of pairable units, i.e. units rated by at least 2 raters.
        pairable_values: Number of values in pairable units (``n`` in
            Krippendorff's notation).
        reason: Why ``alpha`` is ``None``; ``None`` when alpha is reported.
    """

    alpha: float | None
    units: int
    pairable_values: int
    reason: str | None


@attrs.frozen(kw_only=True)
class _Result:
    """Raw outcome of one alpha computation.

    Attributes:
        alpha: Alpha, or ``None`` when undefined.
        units: Number of pairable units.
        pairable_values: Number of pairable values.
    """

    alpha: float | None
    units: int
    pairable_values: int


def krippendorff_alpha(
    units: Sequence[Sequence[float | None]],
    *,
    metric: Metric = "ordinal",
    levels: Sequence[float] | None = None,
) -> float | None:
    """Compute Krippendorff's alpha for reliability data.

    Units rated by fewer than 2 raters have no pairable values and are
    ignored. A single pairable unit always yields 0.0. (The peer-review reports apply a
    minimum-data rule on top: at least 2 pairable units and ratings that vary, else no alpha and
    a reason, see [`Agreement`][integration_index.analysis.Agreement].)

    Args:
        units: One sequence per unit holding the raters' values; ``None`` or
            an absent entry means "not rated". Values are level ranks for
            ``"ordinal"`` and ``"nominal"``, numbers for ``"interval"``.
        metric: Difference function: ``"nominal"`` (0 if equal, else 1),
            ``"ordinal"`` (Krippendorff's rank metric built from the
            coincidence marginals ``n_g``:
            ``(sum_{g=c..k} n_g - (n_c + n_k) / 2) ** 2``) or ``"interval"``
            (``(c - k) ** 2``).
        levels: Every possible value, in ascending rank order. For
            ``"ordinal"`` this fixes the order of the levels (levels absent
            from the data have ``n_g = 0``); if ``None``, the sorted distinct
            values present are used. For every metric, values not in
            ``levels`` are rejected.

    Returns:
        Alpha (at most 1.0; 1.0 is perfect agreement, 0.0 agreement at chance
        level), or ``None`` when alpha is undefined: fewer than 2 pairable
        values in total, or no variation at all (expected disagreement
        ``D_e == 0``, e.g. every value is the same).

    Raises:
        ValueError: If ``metric`` is unknown, ``levels`` has duplicates or
            non-finite entries, or a value is non-finite or not in ``levels``.
    """
    return _compute(units, metric, levels).alpha


def ordinal_agreement(
    units: Sequence[Sequence[float | None]],
    levels: Sequence[float] | None = None,
) -> Agreement:
    """Compute ordinal Krippendorff's alpha with a minimum-data rule.

    Alpha is reported only when at least 2 units were each rated by at least
    2 raters, and the ratings vary; otherwise ``alpha`` is ``None`` and
    ``reason`` says why (:data:`REASON_TOO_LITTLE_DATA` or
    :data:`REASON_NO_VARIATION`).

    Args:
        units: One sequence per unit holding the raters' level ranks; ``None``
            or an absent entry means "not rated".
        levels: Every possible level, in ascending order (see
            :func:`krippendorff_alpha`); ``None`` uses the values present.

    Returns:
        The agreement, with counts of pairable units and values.

    Raises:
        ValueError: As for :func:`krippendorff_alpha`.
    """
    return _reported(_compute(units, "ordinal", levels), REASON_NO_VARIATION)


def interval_agreement(units: Sequence[Sequence[float | None]]) -> Agreement:
    """Compute interval Krippendorff's alpha (for measured values) with the minimum-data rule
    of :func:`ordinal_agreement`.

    Args:
        units: One sequence per unit holding the raters' measured values; ``None`` or an
            absent entry means "not rated". Values of different units should be on one scale
            (for example each normalised to 0-100), since they are pooled.

    Returns:
        The agreement, with counts of pairable units and values; when it is not reported,
        ``reason`` is :data:`REASON_TOO_LITTLE_DATA` or :data:`REASON_NO_VARIATION_MEASURED`.

    Raises:
        ValueError: As for :func:`krippendorff_alpha`.
    """
    return _reported(_compute(units, "interval", None), REASON_NO_VARIATION_MEASURED)


def _reported(result: _Result, no_variation: str) -> Agreement:
    """*result* under the minimum-data rule: at least 2 pairable units, and variation."""
    if result.units < 2:
        alpha, reason = None, REASON_TOO_LITTLE_DATA
    elif result.alpha is None:
        alpha, reason = None, no_variation
    else:
        alpha, reason = result.alpha, None
    return Agreement(
        alpha=alpha,
        units=result.units,
        pairable_values=result.pairable_values,
        reason=reason,
    )


def _compute(
    units: Sequence[Sequence[float | None]],
    metric: str,
    levels: Sequence[float] | None,
) -> _Result:
    """Compute alpha and the pairable counts.

    Args:
        units: Reliability data, as for :func:`krippendorff_alpha`.
        metric: Metric name.
        levels: Possible values in rank order, or ``None``.

    Returns:
        Alpha (or ``None`` if undefined) with the pairable counts.

    Raises:
        ValueError: On invalid metric, levels or values.
    """
    if metric not in _METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {_METRICS}")
    _check_levels(levels)
    counts = _pairable_counts(units, levels)
    n = sum(c.total() for c in counts)
    result = _Result(alpha=None, units=len(counts), pairable_values=n)
    if n < 2:
        return result

    coincidences = _coincidences(counts)
    marginals = _marginals(coincidences)
    delta = _distance(metric, marginals, levels)

    values = list(marginals)
    observed = math.fsum(o * delta(c, k) for (c, k), o in coincidences.items() if c != k)
    expected = math.fsum(
        marginals[c] * marginals[k] * delta(c, k) for c in values for k in values if c != k
    )
    if expected <= 0.0:
        return result
    alpha = 1.0 - (n - 1) * observed / expected
    return attrs.evolve(result, alpha=alpha)


def _check_levels(levels: Sequence[float] | None) -> None:
    """Validate ``levels``.

    Args:
        levels: Possible values, or ``None``.

    Raises:
        ValueError: If a level is non-finite or repeated.
    """
    if levels is None:
        return
    for level in levels:
        if not math.isfinite(level):
            raise ValueError(f"levels must be finite, got {level!r}")
    if len(set(levels)) != len(levels):
        raise ValueError(f"levels must be distinct, got {list(levels)!r}")


def _pairable_counts(
    units: Sequence[Sequence[float | None]],
    levels: Sequence[float] | None,
) -> list[Counter[float]]:
    """Count the values of each unit that has at least 2 of them.

    Args:
        units: Reliability data.
        levels: Allowed values, or ``None`` for any finite value.

    Returns:
        One value counter per pairable unit.

    Raises:
        ValueError: If a value is non-finite or not in ``levels``.
    """
    allowed = None if levels is None else set(levels)
    counts: list[Counter[float]] = []
    for unit in units:
        values = [v for v in unit if v is not None]
        for value in values:
            if not math.isfinite(value):
                raise ValueError(f"values must be finite, got {value!r}")
            if allowed is not None and value not in allowed:
                raise ValueError(f"value {value!r} is not one of levels {list(levels or ())!r}")
        if len(values) >= 2:
            counts.append(Counter(values))
    return counts


def _coincidences(counts: Sequence[Counter[float]]) -> dict[_Pair, float]:
    """Build the coincidence matrix (only non-zero cells).

    Args:
        counts: Value counts of the pairable units.

    Returns:
        ``o[(c, k)]``: pairs of values ``c``, ``k`` within units, each unit's
        pairs weighted by ``1 / (m_u - 1)``.
    """
    parts: dict[_Pair, list[float]] = {}
    for unit in counts:
        m = unit.total()
        for c, n_c in unit.items():
            for k, n_k in unit.items():
                # Ordered pairs of distinct raters giving values c and k.
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    parts.setdefault((c, k), []).append(pairs / (m - 1))
    return {pair: math.fsum(p) for pair, p in parts.items()}


def _marginals(coincidences: dict[_Pair, float]) -> dict[float, float]:
    """Sum the coincidence matrix by row.

    Args:
        coincidences: Non-zero cells of the coincidence matrix.

    Returns:
        ``n_c`` for every value ``c`` present.
    """
    rows: dict[float, list[float]] = {}
    for (c, _), o in coincidences.items():
        rows.setdefault(c, []).append(o)
    return {c: math.fsum(row) for c, row in rows.items()}


def _distance(
    metric: str,
    marginals: dict[float, float],
    levels: Sequence[float] | None,
) -> Callable[[float, float], float]:
    """Return the squared difference function ``delta(c, k)`` for a metric.

    Args:
        metric: Metric name.
        marginals: ``n_c`` for every value present.
        levels: Possible values in rank order, or ``None``.

    Returns:
        The difference function.
    """
    if metric == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if metric == "interval":
        return lambda c, k: float(c - k) ** 2

    order = list(levels) if levels is not None else sorted(marginals)
    rank = {level: i for i, level in enumerate(order)}
    n_g = [marginals.get(level, 0.0) for level in order]

    def ordinal(c: float, k: float) -> float:
        lo, hi = sorted((rank[c], rank[k]))
        span = math.fsum(n_g[lo : hi + 1]) - (n_g[lo] + n_g[hi]) / 2
        return span**2

    return ordinal
