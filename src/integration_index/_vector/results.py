"""The sources of uncertainty and the results of the analysis: plain values, no numpy needed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from integration_index._model.criteria import EVIDENCE_RULES
from integration_index._model.frozen import FrozenDict

__all__ = [
    "SOURCES",
    "AggregationSwitch",
    "CityUncertainty",
    "ConvergencePoint",
    "EvidenceSwitch",
    "PassArrays",
    "RankUncertainty",
    "ScoreArrays",
    "SourceSensitivity",
    "UncertaintySources",
    "WeightNoise",
]

SOURCES = ("unassessed", "weights", "aggregation", "evidence")
"""The sources of uncertainty, in the order the analysis takes them (docs/uncertainty.md)."""


def _frozen(value: Mapping[str, float]) -> FrozenDict[str, float]:
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


def _frozen_text(value: Mapping[str, str]) -> FrozenDict[str, str]:
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


def _depths(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value)


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _check_spread(instance: WeightNoise, attribute: Any, value: float) -> None:
    if not 0.0 <= value < 1.0:
        raise ValueError(f"weights: spread must be in [0, 1), got {value!r}")


def _check_concentration(instance: WeightNoise, attribute: Any, value: float) -> None:
    if not value > 0.0:
        raise ValueError(f"weights: concentration must be positive, got {value!r}")


@attrs.frozen(kw_only=True, eq=False)
class PassArrays:
    """One pass of every node for every city: numpy arrays ``[city, node]``, scores on 0-100.

    Attributes:
        score: The node's score (NaN: unassessed, not applicable, or below ``min_coverage``).
        estimate: The score before ``min_coverage`` hides it (NaN: nothing assessed).
        lower: The lower bound (NaN when not applicable).
        upper: The upper bound (NaN when not applicable).
        coverage: The share of weight resting on evidence (0 when not applicable).
        weight: The normalised weight among applicable siblings (0 when not applicable).
        applicable: False where a modifier leaves the node out.
    """

    score: Any
    estimate: Any
    lower: Any
    upper: Any
    coverage: Any
    weight: Any
    applicable: Any


@attrs.frozen(kw_only=True, eq=False)
class ScoreArrays:
    """The vectorised scores of many cities on one framework.

    Attributes:
        framework_id: The framework.
        city_ids: The cities, in the order of the cards given.
        node_ids: The nodes: ``"overall"`` (index 0), then every criterion depth first.
        raw: The raw pass (no modifier).
        adjusted: The adjusted pass (every modifier).
        scalar_nodes: The nodes a plugin's aggregation computed through the scalar engine, one
            call per city (empty: fully vectorised).
    """

    framework_id: str
    city_ids: tuple[str, ...]
    node_ids: tuple[str, ...]
    raw: PassArrays
    adjusted: PassArrays
    scalar_nodes: tuple[str, ...]


@attrs.frozen(kw_only=True)
class WeightNoise:
    """How the weights vary from run to run (one draw per run, shared by every city).

    Attributes:
        kind: "uniform": each node's weight times 1 + spread * U(-1, 1); "dirichlet": each set
            of siblings' normalised weights drawn from Dirichlet(concentration * w), w their
            normalised declared weights (mean w; variance w(1 - w) / (concentration + 1)).
            Either way siblings are renormalised, and modifiers' weight factors still apply.
        spread: For "uniform": the largest relative change (0.25: +-25%).
        concentration: For "dirichlet": larger is closer to the declared weights.
    """

    kind: Literal["uniform", "dirichlet"] = "uniform"
    spread: float = attrs.field(default=0.25, converter=float, validator=_check_spread)
    concentration: float = attrs.field(
        default=50.0, converter=float, validator=_check_concentration
    )

    def __attrs_post_init__(self) -> None:
        if self.kind not in ("uniform", "dirichlet"):
            raise ValueError(f"weights: kind must be 'uniform' or 'dirichlet', got {self.kind!r}")


@attrs.frozen(kw_only=True)
class AggregationSwitch:
    """The aggregation method at chosen levels: arithmetic or geometric, half the runs each.

    Attributes:
        levels: Depths whose nodes switch (default 0 alone): 0 is the whole framework, 1 its
            top-level criteria, and so on. Only nodes whose declared method is ``weighted_mean`` or
            ``geometric_mean`` switch (all of them together, one draw per run); ``minimum``,
            ``gate`` and plugins' methods stay.
    """

    # Depth 0 only by default: a geometric mean at depth 1 turns one question rated 0 into a
    # key factor at 0, and then a whole at 0 (docs/uncertainty.md).
    levels: tuple[int, ...] = attrs.field(default=(0,), converter=_depths)

    def __attrs_post_init__(self) -> None:
        if not self.levels or any(not isinstance(d, int) or d < 0 for d in self.levels):
            raise ValueError(f"aggregation: levels must be depths 0, 1, ..., got {self.levels!r}")


@attrs.frozen(kw_only=True)
class EvidenceSwitch:
    """The evidence rule: one rule per run, drawn uniformly from *rules*, replaces every leaf's
    own rule where a leaf has several evidence items (a single item is its own value).

    Attributes:
        rules: Evidence rules to draw from (of median, mean, min, max, latest).
    """

    rules: tuple[str, ...] = attrs.field(default=("median", "mean", "min", "max"), converter=_names)

    def __attrs_post_init__(self) -> None:
        unknown = [rule for rule in self.rules if rule not in EVIDENCE_RULES]
        if not self.rules or unknown:
            raise ValueError(
                f"evidence: rules must be some of {', '.join(EVIDENCE_RULES)}, got {self.rules!r}"
            )


@attrs.frozen(kw_only=True)
class UncertaintySources:
    """Which sources of uncertainty vary, each switched off with None (False for unassessed).

    Attributes:
        unassessed: Draw every unassessed leaf within its scale: a level uniformly among the
            scale's levels, or a uniform value on [0, 1] for a measured leaf.
        weights: How the weights vary (None: fixed).
        aggregation: Where the method switches (None: as declared).
        evidence: Which evidence rules to draw (None: as declared); needs profiles.
    """

    unassessed: bool = True
    weights: WeightNoise | None = attrs.field(factory=WeightNoise)
    aggregation: AggregationSwitch | None = attrs.field(factory=AggregationSwitch)
    evidence: EvidenceSwitch | None = attrs.field(factory=EvidenceSwitch)

    @classmethod
    def none(cls) -> UncertaintySources:
        """Every source off: every run is the point ranking."""
        return cls(unassessed=False, weights=None, aggregation=None, evidence=None)

    @classmethod
    def for_cards(cls) -> UncertaintySources:
        """The default sources for score cards: all but the evidence rule."""
        return cls(evidence=None)

    @property
    def active(self) -> tuple[str, ...]:
        """The names of the sources switched on, in the order of SOURCES."""
        on = (self.unassessed, self.weights, self.aggregation, self.evidence)
        return tuple(name for name, value in zip(SOURCES, on, strict=True) if value)


@attrs.frozen(kw_only=True)
class CityUncertainty:
    """One city's ranks over the runs, and what drives their variance.

    Attributes:
        city_id: The city.
        city_name: Its name.
        assessment_date: The assessment analysed (ISO date).
        score: Its point score on 0-100 (the adjusted overall estimate, even below the
            framework's min_coverage; None with no evidence at all).
        rank: Its point rank (1 = best; ties share the best rank; no score ranks last).
        mean_score: The mean of its score over the runs (None with no score in any run).
        sd_score: The standard deviation of its score over the runs.
        median_rank: The median of its rank over the runs.
        rank_low: The 5% quantile of its rank.
        rank_high: The 95% quantile of its rank.
        mean_rank: The mean of its rank.
        top_k: The share of runs in which it ranks k or better.
        rank_first_order: First-order sensitivity index of its rank, by source.
        rank_total: Total sensitivity index of its rank, by source.
        score_first_order: First-order sensitivity index of its score, by source.
        score_total: Total sensitivity index of its score, by source.
    """

    city_id: str
    city_name: str
    assessment_date: str
    score: float | None
    rank: int
    mean_score: float | None
    sd_score: float | None
    median_rank: int
    rank_low: int
    rank_high: int
    mean_rank: float
    top_k: float
    rank_first_order: Mapping[str, float] = attrs.field(factory=dict, converter=_frozen)
    rank_total: Mapping[str, float] = attrs.field(factory=dict, converter=_frozen)
    score_first_order: Mapping[str, float] = attrs.field(factory=dict, converter=_frozen)
    score_total: Mapping[str, float] = attrs.field(factory=dict, converter=_frozen)


@attrs.frozen(kw_only=True)
class ConvergencePoint:
    """The indices of one source estimated from the first *base_sample* rows of the design.

    Attributes:
        base_sample: Rows of the Saltelli design used (N/8, N/4, N/2, N).
        runs: The model runs they took (base_sample * (d + 2)).
        first_order: The first-order index at that size.
        total: The total index at that size.
    """

    base_sample: int
    runs: int
    first_order: float
    total: float


@attrs.frozen(kw_only=True)
class SourceSensitivity:
    """How much of the ranking's variation one source explains.

    The output is the mean absolute shift of the cities' ranks from their point ranks (as
    COINr's sensitivity analysis uses); each source is one group factor.

    Attributes:
        source: The source (see SOURCES).
        first_order: Its first-order index (Saltelli 2010 estimator): the share of the
            variance it explains alone.
        total: Its total index (Jansen estimator): alone and with the others.
        convergence: The indices at N/8, N/4, N/2 and N base rows.
    """

    source: str
    first_order: float
    total: float
    convergence: tuple[ConvergencePoint, ...]


@attrs.frozen(kw_only=True)
class RankUncertainty:
    """The uncertainty and sensitivity of the ranks of many cities on one framework.

    Attributes:
        framework_id: The framework.
        sources: The sources switched on, in the order of SOURCES.
        settings: Each active source's setting in words (uniform +-0.25, levels 0,1).
        draws: The runs asked for.
        runs: The runs made: base_sample * (d + 2) with d sources (base_sample without one).
        base_sample: N, the rows of the Saltelli design.
        seed: The seed: the same seed and inputs give identical results.
        top_k: The k of each city's top_k share.
        mean_rank_shift: The mean over the runs of the cities' mean absolute rank shift.
        cities: One entry per city, in point-rank order (then by city id).
        sensitivity: One entry per source (empty with no source on).
        scalar_nodes: Nodes a plugin's aggregation computed through the scalar engine (slow).
    """

    framework_id: str
    sources: tuple[str, ...]
    settings: Mapping[str, str] = attrs.field(converter=_frozen_text)
    draws: int
    runs: int
    base_sample: int
    seed: int
    top_k: int
    mean_rank_shift: float
    cities: tuple[CityUncertainty, ...]
    sensitivity: tuple[SourceSensitivity, ...]
    scalar_nodes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data (mappings as objects)."""
        data: dict[str, Any] = attrs.asdict(self, recurse=True)
        data["settings"] = dict(self.settings)
        for city, entry in zip(self.cities, data["cities"], strict=True):
            for name in ("rank_first_order", "rank_total", "score_first_order", "score_total"):
                entry[name] = dict(getattr(city, name))
        return data
