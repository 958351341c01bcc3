"""Aggregation methods: how a node's children's values combine into the node's value.

An aggregation receives the children's values in framework order (each in [0, 1], or None for a
child with no assessed leaf beneath it), their weights (positive) and the node itself, and returns
the node's value in [0, 1], or None when nothing is assessed. The engine calls it three times per
node: on the children's estimates (unassessed children are None), on their lower bounds and on
their upper bounds (no None there).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import attrs

from integration_index._model.framework import Criterion

__all__ = [
    "Aggregation",
    "AggregationFunction",
    "DEFAULT_GATE_THRESHOLD",
    "builtin_aggregations",
    "gate",
    "geometric_mean",
    "minimum",
    "weighted_mean",
]

AggregationFunction = Callable[[Sequence[float | None], Sequence[float], Criterion], float | None]

# Values within this of the threshold count as reaching it, so float rounding (a geometric mean
# of 0.5 computed as 0.49999999999999994) never decides a gate.
_GATE_TOLERANCE = 1e-9

#: The value a child must reach to count as met under the gate rule, unless the node says.
DEFAULT_GATE_THRESHOLD = 0.5


@attrs.frozen
class Aggregation:
    """A named aggregation method.

    Attributes:
        name: The name frameworks use (``aggregation = "..."``).
        function: ``function(values, weights, node) -> value``; see the module docstring.
        monotone: True when raising any child's value never lowers the result. The engine's
            bounds and the property tests rely on it; declare False honestly.
        description: One sentence for documentation and ``integration-index plugins``.
        plugin: The plugin that registered it ("builtin" for the engine's own).
    """

    name: str
    function: AggregationFunction
    monotone: bool
    description: str
    plugin: str = "builtin"


def weighted_mean(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> float | None:
    """Weighted arithmetic mean of the assessed children, weights renormalised among them."""
    pairs = [
        (value * weight, weight)
        for value, weight in zip(values, weights, strict=True)
        if value is not None
    ]
    if not pairs:
        return None
    total = math.fsum(weight for _, weight in pairs)
    return math.fsum(product for product, _ in pairs) / total


def geometric_mean(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> float | None:
    """Weighted geometric mean of the assessed children: a zero anywhere gives zero."""
    pairs = [
        (value, weight) for value, weight in zip(values, weights, strict=True) if value is not None
    ]
    if not pairs:
        return None
    if any(value <= 0.0 for value, _ in pairs):
        return 0.0
    total = math.fsum(weight for _, weight in pairs)
    result = math.exp(math.fsum(weight * math.log(value) for value, weight in pairs) / total)
    return min(1.0, result)


def minimum(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> float | None:
    """The weakest assessed child (weights are ignored)."""
    assessed = [value for value in values if value is not None]
    return min(assessed) if assessed else None


def gate(values: Sequence[float | None], weights: Sequence[float], node: Criterion) -> float | None:
    """The highest level whose conditions are all met.

    The children are cumulative levels in order; a child is met when its value reaches the node's
    ``gate_threshold`` (0.5 by default); an unassessed child is not met. The result is k / n where
    k is the number of consecutive met children from the first. Weights are ignored.
    """
    if all(value is None for value in values):
        return None
    threshold = node.gate_threshold if node.gate_threshold is not None else DEFAULT_GATE_THRESHOLD
    reached = 0
    for value in values:
        if value is None or value < threshold - _GATE_TOLERANCE:
            break
        reached += 1
    return reached / len(values)


def builtin_aggregations() -> tuple[Aggregation, ...]:
    """The engine's own aggregation methods."""
    return (
        Aggregation(
            "weighted_mean", weighted_mean, True, "Weighted arithmetic mean (the default)."
        ),
        Aggregation(
            "geometric_mean", geometric_mean, True, "Weighted geometric mean: a zero gives zero."
        ),
        Aggregation("minimum", minimum, True, "The weakest link: the lowest child."),
        Aggregation("gate", gate, True, "The highest level whose conditions are all met."),
    )
