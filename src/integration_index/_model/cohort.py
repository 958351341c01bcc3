"""Normalisation against a cohort: the rule a quantitative leaf declares, and the cohort's
statistics (an explicit object, computed from profiles or read from a saved file).

See docs/scoring.md, section 8, for the formulas.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import attrs

from integration_index._model.frozen import FrozenDict
from integration_index._model.validators import value_class

__all__ = [
    "MISSING_RULES",
    "NORMALISATION_METHODS",
    "CohortStats",
    "IndicatorStats",
    "MissingRule",
    "Normalisation",
    "NormalisationMethod",
    "quantile",
]

#: The cohort normalisation methods a quantitative leaf may declare.
NORMALISATION_METHODS = ("minmax", "zscore", "rank", "distance_to_best", "distance_to_target")
NormalisationMethod = Literal["minmax", "zscore", "rank", "distance_to_best", "distance_to_target"]
#: What an unassessed leaf counts as: left out (renormalise), zero, or the cohort mean.
MISSING_RULES = ("skip", "zero", "mean")
MissingRule = Literal["skip", "zero", "mean"]


def _check_method(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in NORMALISATION_METHODS:
        raise ValueError(
            f"normalisation method must be one of {', '.join(NORMALISATION_METHODS)}; got {value!r}"
        )


def _check_winsorise(
    instance: object, attribute: attrs.Attribute[tuple[float, float] | None], value: object
) -> None:
    if value is None:
        return
    if not isinstance(value, tuple) or len(value) != 2:
        raise ValueError("winsorise must be two quantiles [low, high], for example [0.05, 0.95]")
    low, high = value
    if not (0.0 <= low < high <= 1.0):
        raise ValueError(f"winsorise quantiles must satisfy 0 <= low < high <= 1, got {value!r}")


@value_class(kw_only=True)
class Normalisation:
    """How a quantitative leaf's measured value maps to [0, 1] against the cohort scored.

    Attributes:
        method: "minmax", "zscore", "rank" (percentile), "distance_to_best" or
            "distance_to_target".
        direction: "higher" or "lower": which way is better.
        target: The target value, for "distance_to_target".
        winsorise: Optional quantiles [low, high]: cohort values (and the profile's) beyond them
            are set to them before the statistics are taken.
        unit: The unit of measurement, for display.
    """

    method: NormalisationMethod = attrs.field(validator=_check_method)
    direction: Literal["higher", "lower"] = "higher"
    target: float | None = None
    winsorise: tuple[float, float] | None = attrs.field(default=None, validator=_check_winsorise)
    unit: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.direction not in ("higher", "lower"):
            raise ValueError(
                f"normalisation: direction must be 'higher' or 'lower', got {self.direction!r}"
            )
        if self.method == "distance_to_target" and self.target is None:
            raise ValueError("normalisation: distance_to_target needs a target")
        if self.target is not None and not math.isfinite(self.target):
            raise ValueError(f"normalisation: target must be finite, got {self.target!r}")

    def normalise(self, measured: float, stats: IndicatorStats) -> float:
        """Map a measured value to [0, 1] against *stats* (docs/scoring.md, section 8)."""
        x = measured
        if stats.low is not None and x < stats.low:
            x = stats.low
        if stats.high is not None and x > stats.high:
            x = stats.high
        higher = self.direction == "higher"
        if self.method == "minmax":
            span = stats.max - stats.min
            if span <= 0.0:
                return 0.5
            share = (x - stats.min) / span if higher else (stats.max - x) / span
        elif self.method == "zscore":
            if stats.sd <= 0.0:
                return 0.5
            z = (x - stats.mean) / stats.sd
            share = (50.0 + 10.0 * (z if higher else -z)) / 100.0
        elif self.method == "rank":
            share = _percent_rank(x, stats.values, higher)
        elif self.method == "distance_to_best":
            best = stats.max if higher else stats.min
            if higher:
                share = x / best if best > 0.0 else (1.0 if x >= best else 0.0)
            else:
                share = best / x if x > 0.0 else (1.0 if x <= best else 0.0)
        else:
            assert self.target is not None
            worst = stats.min if higher else stats.max
            span = self.target - worst if higher else worst - self.target
            if span <= 0.0:
                return 1.0 if (x >= self.target if higher else x <= self.target) else 0.0
            share = (x - worst) / span if higher else (worst - x) / span
        return min(1.0, max(0.0, share))


def _percent_rank(x: float, values: Sequence[float], higher: bool) -> float:
    """The share of the other cohort values that *x* beats: (values worse than x) / (n - 1)."""
    import bisect

    n = len(values)
    if n < 2:
        return 0.5
    worse = bisect.bisect_left(values, x) if higher else n - bisect.bisect_right(values, x)
    return worse / (n - 1)


def quantile(ordered: Sequence[float], q: float) -> float:
    """The *q* quantile of sorted values by linear interpolation between order statistics
    (R's default, type 7, and numpy's "linear")."""
    n = len(ordered)
    if n == 0:
        raise ValueError("quantile of no values")
    h = (n - 1) * q
    low = math.floor(h)
    high = min(low + 1, n - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


@value_class(kw_only=True)
class IndicatorStats:
    """One indicator's statistics over a cohort (after winsorising, when the rule asks for it).

    Attributes:
        n: How many profiles of the cohort measure it.
        min: The lowest value.
        max: The highest value.
        mean: The arithmetic mean.
        sd: The sample standard deviation (n - 1 in the denominator, as R's ``sd``; 0 for n = 1).
        best: The best value (max when higher is better, min when lower is better).
        low: The lower winsorising bound (the low quantile), when the rule winsorises.
        high: The upper winsorising bound, when the rule winsorises.
        values: The sorted values, kept only for the "rank" method.
    """

    n: int
    min: float
    max: float
    mean: float
    sd: float
    best: float
    low: float | None = None
    high: float | None = None
    values: tuple[float, ...] = ()

    @classmethod
    def from_values(
        cls, values: Iterable[float], rule: Normalisation | None = None
    ) -> IndicatorStats:
        """The statistics of *values* under *rule* (winsorised at its quantiles, if any)."""
        ordered = sorted(values)
        if not ordered:
            raise ValueError("no value to take statistics of")
        low: float | None = None
        high: float | None = None
        if rule is not None and rule.winsorise is not None:
            q_low, q_high = (
                quantile(ordered, rule.winsorise[0]),
                quantile(ordered, rule.winsorise[1]),
            )
            ordered = [min(max(x, q_low), q_high) for x in ordered]
            low, high = q_low, q_high
        n = len(ordered)
        # Within [min, max] whatever the rounding; no spread at all is an sd of exactly 0.
        mean = min(max(math.fsum(ordered) / n, ordered[0]), ordered[-1])
        sd = 0.0
        if n > 1 and ordered[0] != ordered[-1]:
            # Scaled by the largest deviation, so that squaring neither underflows nor overflows.
            largest = max(abs(ordered[0] - mean), abs(ordered[-1] - mean))
            squares = math.fsum(((x - mean) / largest) ** 2 for x in ordered)
            sd = largest * math.sqrt(squares / (n - 1))
        lower_better = rule is not None and rule.direction == "lower"
        keep = rule is not None and rule.method == "rank"
        return cls(
            n=n,
            min=ordered[0],
            max=ordered[-1],
            mean=mean,
            sd=sd,
            best=ordered[0] if lower_better else ordered[-1],
            low=low,
            high=high,
            values=tuple(ordered) if keep else (),
        )


def _indicators(value: Mapping[str, IndicatorStats]) -> FrozenDict[str, IndicatorStats]:
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


@value_class(kw_only=True)
class CohortStats:
    """The statistics of a cohort, per indicator, for one framework.

    Attributes:
        framework_id: The framework they were computed for.
        indicators: Each leaf's statistics by id: every leaf normalised against the cohort, and
            every leaf whose missing value is imputed with the cohort mean.
        size: How many profiles the cohort held.
        source: Where they come from (a file, or "profiles"), shown on the cards.
    """

    framework_id: str
    indicators: Mapping[str, IndicatorStats] = attrs.field(converter=_indicators)
    size: int = 0
    source: str = "profiles"
