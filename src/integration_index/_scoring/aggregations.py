"""Aggregation methods: how a node's children's values combine into the node's value.

An aggregation receives the children's values in framework order (each in [0, 1], or None for a
child with no assessed leaf beneath it), their weights (positive) and the node itself, and returns
the node's value in [0, 1], or None when nothing is assessed. The engine calls it three times per
node: on the children's estimates (unassessed children are None), on their lower bounds and on
their upper bounds (no None there).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence

import attrs

from integration_index._model.criteria import Criterion
from integration_index.exceptions import PluginError

__all__ = [
    "BUILTIN",
    "Aggregation",
    "AggregationFunction",
    "DEFAULT_GATE_THRESHOLD",
    "aggregate",
    "fused_weighted_mean",
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

# A plugin's result may miss [0, 1] by float rounding: within this, it is clamped, not refused.
_RESULT_TOLERANCE = 1e-9

#: The ``plugin`` of the engine's own aggregation methods.
BUILTIN = "builtin"

#: The value a child must reach to count as met under the gate rule, unless the node says.
DEFAULT_GATE_THRESHOLD = 0.5


@attrs.frozen(kw_only=True)
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
    plugin: str = BUILTIN


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


def fused_weighted_mean(
    kids: Sequence[int],
    weights: Sequence[float],
    total: float,
    estimate: Sequence[float | None],
    lower: Sequence[float],
    upper: Sequence[float],
    coverage: Sequence[float],
) -> tuple[float | None, float, float, list[float]]:
    """The default aggregation of a node (its children *kids*, indexes into the other lists) over
    their estimates and bounds at once, with their weighted coverage: the engine's fast path."""
    assessed_weights = []
    products = []
    lows = []
    highs = []
    covered = []
    for c, w in zip(kids, weights, strict=True):
        e = estimate[c]
        if e is not None:
            assessed_weights.append(w)
            products.append(w * e)
        lows.append(w * lower[c])
        highs.append(w * upper[c])
        covered.append(w * coverage[c])
    est = math.fsum(products) / math.fsum(assessed_weights) if products else None
    return est, math.fsum(lows) / total, math.fsum(highs) / total, covered


def aggregate(
    aggregation: Aggregation,
    node: Criterion,
    weights: Sequence[float],
    estimates: Sequence[float | None],
    lows: Sequence[float],
    highs: Sequence[float],
) -> tuple[float | None, float, float]:
    """Any other aggregation: the node's estimate and bounds, each result checked.

    A non-monotone method's bounds cannot come from its children's bounds: they are [0, 1]
    unless every child is fully known.
    """
    est = _checked(aggregation, node, estimates, weights, allow_none=True)
    if not aggregation.monotone:
        known = all(low == high for low, high in zip(lows, highs, strict=True))
        if known and est is not None:
            return est, est, est
        return est, 0.0, 1.0
    low = _checked(aggregation, node, lows, weights, allow_none=False)
    high = _checked(aggregation, node, highs, weights, allow_none=False)
    assert low is not None and high is not None
    if low > high + _RESULT_TOLERANCE:
        raise PluginError(
            f"aggregation {aggregation.name!r} is declared monotone but gave criterion "
            f"{node.id!r} a lower bound {low!r} above its upper bound {high!r}",
            plugin=aggregation.plugin,
        )
    return est, min(low, high), max(low, high)


def _checked(
    aggregation: Aggregation,
    node: Criterion,
    values: Sequence[float | None],
    weights: Sequence[float],
    *,
    allow_none: bool,
) -> float | None:
    """Call an aggregation; a plugin's failure or invalid result is a PluginError naming it."""
    if aggregation.plugin == BUILTIN:
        return aggregation.function(values, weights, node)
    try:
        result: object = aggregation.function(values, weights, node)
    except Exception as exc:
        raise PluginError(
            f"aggregation {aggregation.name!r} failed on criterion {node.id!r}: "
            f"{type(exc).__name__}: {exc}",
            plugin=aggregation.plugin,
        ) from exc
    if result is None and allow_none:
        return None
    value = (
        float(result) if isinstance(result, numbers.Real) and not isinstance(result, bool) else None
    )
    if value is None or not -_RESULT_TOLERANCE <= value <= 1.0 + _RESULT_TOLERANCE:  # NaN too
        raise PluginError(
            f"aggregation {aggregation.name!r} returned {result!r} on criterion {node.id!r}; "
            "expected a number in [0, 1]" + (" or None" if allow_none else ""),
            plugin=aggregation.plugin,
        )
    return min(1.0, max(0.0, value)) + 0.0  # clamp float rounding; + 0.0 turns -0.0 into 0.0


def builtin_aggregations() -> tuple[Aggregation, ...]:
    """The engine's own aggregation methods."""
    described = (
        (weighted_mean, "Weighted arithmetic mean (the default)."),
        (geometric_mean, "Weighted geometric mean: a zero gives zero."),
        (minimum, "The weakest link: the lowest child."),
        (gate, "The highest level whose conditions are all met."),
    )
    return tuple(
        Aggregation(name=f.__name__, function=f, monotone=True, description=text)
        for f, text in described
    )
