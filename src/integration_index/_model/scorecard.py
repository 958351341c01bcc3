"""Score cards: the explainable result of scoring one profile against one framework."""

from __future__ import annotations

import datetime
import functools
import types
from collections.abc import Mapping
from typing import Any, Literal

from integration_index._model.cohort import IndicatorStats
from integration_index._model.framework import OVERALL
from integration_index._model.validators import value_class

__all__ = [
    "OVERALL",
    "AppliedModifier",
    "ContextEntry",
    "NodeResult",
    "NodeScore",
    "NODE_ROW_COLUMNS",
    "NormalisationUsed",
    "ScoreCard",
    "WeightOverride",
    "node_row",
]

ContextValue = str | float | bool


@value_class(kw_only=True)
class NodeScore:
    """A node's score in one pass (raw, or adjusted by modifiers).

    Attributes:
        score: The score on 0-100, or None when coverage is below the framework's threshold (or
            nothing under the node is assessed, or it is not applicable).
        lower: The score if every unassessed leaf were at its scale's minimum (None if not
            applicable).
        upper: The score if every unassessed leaf were at its scale's maximum (None if not
            applicable).
        coverage: The share of the node's weight that is assessed, in [0, 1].
        weight: The node's normalised weight among its applicable siblings (1 for the whole).
        applicable: False when a modifier left the node out.
    """

    score: float | None
    lower: float | None
    upper: float | None
    coverage: float
    weight: float
    applicable: bool = True


@value_class(kw_only=True)
class NodeResult:
    """Everything the card says about one node of the criteria tree.

    Attributes:
        id: The node's id (``"overall"`` for the whole framework).
        parent: The parent's id (``"overall"`` for top-level nodes, None for the whole).
        depth: 0 for the whole framework, 1 for top-level nodes, and so on.
        kind: The node's kind ("framework" for the whole).
        raw: The score before contextual modifiers.
        adjusted: The score after contextual modifiers (equal to raw when none applies).
        value: For an assessed leaf, its combined rating in [0, 1].
        level: For an assessed leaf on a scale, the level nearest its combined rating.
        evidence_count: How many evidence items rate it (leaves) or its leaves (other nodes).
        spread: For a leaf, max - min of its ratings on 0-100 (None with fewer than 2 items).
        target: The target on 0-100 after modifiers, if the framework sets one.
        measured: For a measured leaf, its measured value in its unit (its items combined by
            the evidence rule, "min" meaning the worst), before normalisation and clipping.
        unit: The unit of the measured value, if the framework gives one.
        imputed: For an unassessed leaf whose value was imputed, the missing-value rule applied
            ("zero" or "mean"); None when the leaf is assessed or left out ("skip").
        switched_off: True when the node's weight is 0: it is scored and shown but counts for
            nothing in its parent.
    """

    id: str
    parent: str | None
    depth: int
    kind: str
    raw: NodeScore
    adjusted: NodeScore
    value: float | None = None
    level: str | None = None
    evidence_count: int = 0
    spread: float | None = None
    target: float | None = None
    measured: float | None = None
    unit: str | None = None
    imputed: str | None = None
    switched_off: bool = False


@value_class(kw_only=True)
class AppliedModifier:
    """A contextual modifier that took effect on a card.

    Attributes:
        id: The framework rule's id, or ``"exclusion"`` for a profile's competence exclusion.
        effect: "not_applicable", "scale_weight" or "adjust_target".
        criteria: The criteria it affected.
        reason: Why, in English.
        origin: "framework" for a framework rule, "profile" for a declared exclusion.
        factor: The contextual factor involved, if any.
        factor_value: That factor's value in the profile, if any.
        weight_factor: For "scale_weight", the multiplier.
        target: For "adjust_target", the new target.
    """

    id: str
    effect: Literal["not_applicable", "scale_weight", "adjust_target"]
    criteria: tuple[str, ...]
    reason: str
    origin: Literal["framework", "profile"]
    factor: str | None = None
    factor_value: ContextValue | None = None
    weight_factor: float | None = None
    target: float | None = None


@value_class(kw_only=True)
class ContextEntry:
    """A contextual factor's value as the profile records it, shown beside the score.

    Attributes:
        factor: The factor's id.
        title: The factor's name, in English.
        value: The value the profile gives, or None when it gives none.
    """

    factor: str
    title: str
    value: ContextValue | None


@value_class(kw_only=True)
class NormalisationUsed:
    """The cohort rule and statistics a leaf was normalised (or imputed) with.

    Attributes:
        criterion: The leaf's id.
        method: The normalisation method ("minmax", "zscore", "rank", "distance_to_best",
            "distance_to_target"), or "goalposts"/"scale" for a leaf imputed with the cohort mean.
        direction: "higher" or "lower" (which way is better).
        stats: The cohort's statistics for the leaf (without the sorted values).
        target: The target, for "distance_to_target".
        winsorise: The winsorising quantiles, if any.
        source: Where the statistics come from (a file, or "profiles").
    """

    criterion: str
    method: str
    direction: str
    stats: IndicatorStats
    target: float | None = None
    winsorise: tuple[float, float] | None = None
    source: str = "profiles"


@value_class(kw_only=True)
class WeightOverride:
    """A node's weight replaced for one run (``score(..., weights=...)``, ``--weights``).

    Attributes:
        criterion: The node's id.
        declared: Its weight in the framework.
        used: The weight used in this run.
    """

    criterion: str
    declared: float
    used: float


@value_class(kw_only=True)
class ScoreCard:
    """The score of one profile against one framework, node by node, with its explanation.

    Attributes:
        framework_id: The framework's id.
        framework_version: The framework's version.
        city_id: The city's id.
        city_name: The city's name.
        assessment_date: The assessment's date.
        mode: The assessment's mode.
        overall: The whole framework's result (id ``"overall"``).
        nodes: Every node's result, depth first in framework order.
        modifiers: Every contextual modifier that took effect.
        context: The contextual factors' values, in framework order.
        warnings: What the scorer noticed (for example low coverage, or a measured value
            clipped at a goalpost).
        engine_version: The integration-index version that scored it.
        normalisation: The cohort rules and statistics used, one per leaf that needed them.
        weight_overrides: The weights overridden for this run (empty: the framework's own).
        weights_source: Where the overriding weights come from (a file, or "argument").
    """

    framework_id: str
    framework_version: str
    city_id: str
    city_name: str
    assessment_date: datetime.date
    mode: str
    overall: NodeResult
    nodes: tuple[NodeResult, ...]
    modifiers: tuple[AppliedModifier, ...] = ()
    context: tuple[ContextEntry, ...] = ()
    warnings: tuple[str, ...] = ()
    engine_version: str = ""
    normalisation: tuple[NormalisationUsed, ...] = ()
    weight_overrides: tuple[WeightOverride, ...] = ()
    weights_source: str | None = None

    def node(self, node_id: str) -> NodeResult:
        """Return the result of one node (``"overall"`` for the whole); raise KeyError if absent."""
        if node_id == OVERALL:
            return self.overall
        return self._by_id[node_id]

    @functools.cached_property
    def _by_id(self) -> Mapping[str, NodeResult]:
        return types.MappingProxyType({result.id: result for result in self.nodes})

    @property
    def score(self) -> float | None:
        """The overall adjusted score on 0-100 (None below the coverage threshold)."""
        return self.overall.adjusted.score

    @property
    def raw_score(self) -> float | None:
        """The overall raw score on 0-100, before contextual modifiers."""
        return self.overall.raw.score

    @property
    def coverage(self) -> float:
        """The overall share of assessed weight, after modifiers."""
        return self.overall.adjusted.coverage


#: A card's node as one flat row: the columns of tidy CSV after ``source``, and of ``to_frame``'s
#: long form (which adds the city's name).
NODE_ROW_COLUMNS = (
    "city_id",
    "framework",
    "assessment_date",
    "node",
    "parent",
    "depth",
    "kind",
    "score",
    "raw_score",
    "lower",
    "upper",
    "coverage",
    "weight",
    "applicable",
    "value",
    "level",
    "evidence",
    "spread",
    "target",
    "measured",
    "unit",
    "imputed",
    "switched_off",
)


def node_row(card: ScoreCard, node: NodeResult) -> tuple[Any, ...]:
    """*node* of *card* as the values of NODE_ROW_COLUMNS (the adjusted pass, and the raw score)."""
    adjusted = node.adjusted
    return (
        card.city_id,
        card.framework_id,
        card.assessment_date,
        node.id,
        node.parent,
        node.depth,
        node.kind,
        adjusted.score,
        node.raw.score,
        adjusted.lower,
        adjusted.upper,
        adjusted.coverage,
        adjusted.weight,
        adjusted.applicable,
        node.value,
        node.level,
        node.evidence_count,
        node.spread,
        node.target,
        node.measured,
        node.unit,
        node.imputed,
        node.switched_off,
    )
