"""A framework compiled for arrays: every node's score, bounds and coverage for many cities (and
many Monte Carlo runs) at once, with the scalar engine's semantics (docs/scoring.md).

Arrays put the node axis first: ``values[node, *batch]``, the batch being ``(cities,)`` for
scoring or ``(runs, cities)`` for the uncertainty analysis. An unassessed value is NaN. The
built-in aggregations are vectorised; a node whose method comes from a plugin (or whose built-in
name a plugin replaced) is computed by calling that method once per batch element through the
scalar engine's own :func:`~integration_index._scoring.aggregations.aggregate`, so its checks
and its bounds rule hold: slow, but the same numbers. :attr:`CompiledFramework.scalar_nodes`
lists those nodes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from integration_index._model.framework import Framework
from integration_index._scoring.aggregations import (
    DEFAULT_GATE_THRESHOLD,
    Aggregation,
    aggregate,
    gate,
    geometric_mean,
    minimum,
    weighted_mean,
)
from integration_index._scoring.plan import Plan

__all__ = ["COVERAGE_EPSILON", "CompiledFramework", "NodeArrays", "combine", "node_pass"]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

#: As the engine: coverage reaches the threshold when within this of it.
COVERAGE_EPSILON = 1e-9
_GATE_TOLERANCE = 1e-9
_VECTORISED: Mapping[object, str] = {
    weighted_mean: "weighted_mean",
    geometric_mean: "geometric_mean",
    minimum: "minimum",
    gate: "gate",
}


class CompiledFramework:
    """The engine's plan of a framework as index arrays, with each node's method resolved."""

    def __init__(
        self,
        framework: Framework,
        aggregations: Mapping[str, Aggregation],
        plan: Plan | None = None,
    ) -> None:
        # The engine's own compiled plan (given, from a context's cache, or compiled here): the
        # same order, the same weights.
        if plan is None or plan.framework is not framework:
            plan = Plan(framework)
        self.framework = framework
        self.registered = aggregations
        self.plan = plan
        self.ids: tuple[str, ...] = tuple(plan.ids)
        self.size = len(plan.ids)
        self.leaves = np.array(plan.leaves, dtype=np.intp)
        self.leaf_ids = tuple(plan.ids[i] for i in plan.leaves)
        self.internal = tuple(plan.internal_reverse)  # children before their parents
        # The children that count: a switched-off child (weight 0) is scored, never counted.
        self.children = [np.array(kids, dtype=np.intp) for kids in plan.children]
        self.weights = np.array(plan.weights, dtype=np.float64)
        self.depth = np.array(plan.depth, dtype=np.intp)
        self.aggregations = [aggregations[name] for name in plan.aggregation]
        self.methods: list[str | None] = [
            _VECTORISED.get(a.function) if not plan.is_leaf[i] else None
            for i, a in enumerate(self.aggregations)
        ]
        self.thresholds = [
            node.gate_threshold if node.gate_threshold is not None else DEFAULT_GATE_THRESHOLD
            for node in plan.nodes
        ]
        self.scalar_nodes: tuple[str, ...] = tuple(
            plan.ids[i] for i in reversed(self.internal) if self.methods[i] is None
        )
        self.min_coverage = plan.min_coverage
        self.descendants = [np.array(d, dtype=np.intp) for d in plan.descendants]
        self.index = dict(plan.index)
        self._level_tables()

    def _level_tables(self) -> None:
        """Each leaf's level values, padded (a quantitative leaf has 0 levels: drawn uniformly)."""
        tables = [self.plan.level_values[i] for i in self.plan.leaves]
        width = max([len(t) for t in tables if t is not None] or [1])
        self.level_counts = np.array([len(t) if t else 0 for t in tables], dtype=np.intp)
        self.level_values = np.zeros((len(tables), width), dtype=np.float64)
        for row, table in enumerate(tables):
            if table:
                self.level_values[row, : len(table)] = sorted(table.values())

    @property
    def vectorised(self) -> bool:
        """True when every node's method is vectorised (no scalar fallback)."""
        return not self.scalar_nodes


class NodeArrays:
    """One pass (raw or adjusted) over many cities: arrays ``[node, *batch]`` on [0, 1]."""

    def __init__(self, size: int, batch: tuple[int, ...], full: bool) -> None:
        shape = (size, *batch)
        # Every row is written (leaves first, then each internal node): no need to fill.
        self.estimate: Floats = np.full(shape, np.nan) if full else np.empty(shape)
        # Every node applicable everywhere: one value per node, broadcast over the batch.
        self.applicable: Bools = np.ones((size,) + (1,) * len(batch), dtype=np.bool_)
        self.full = full
        if full:
            self.lower: Floats = np.zeros(shape)
            self.upper: Floats = np.ones(shape)
            self.coverage: Floats = np.zeros(shape)
            self.share: Floats = np.zeros(shape)


def combine(
    method: str, values: Floats, known: Bools, weights: Floats, applicable: Bools, threshold: float
) -> Floats:
    """A built-in aggregation over the first axis: NaN where no child is known.

    *known* marks the children whose value counts (applicable and assessed); *weights* are 0 for
    the children left out; *applicable* marks the children that count at all (gate's n).
    """
    if method == "minimum":
        lowest = np.where(known, values, np.inf).min(axis=0)
        return np.where(known.any(axis=0), lowest, np.nan)
    if method == "gate":
        met = known & (values >= threshold - _GATE_TOLERANCE)
        run = np.logical_and.accumulate(met | ~applicable, axis=0) & applicable
        count = applicable.sum(axis=0)
        reached = run.sum(axis=0) / np.maximum(count, 1)
        return np.where(known.any(axis=0), reached, np.nan)
    w = np.where(known, weights, 0.0)
    total = w.sum(axis=0)  # 0 exactly where no child is known: then 0/0 gives NaN
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "weighted_mean":
            filled = np.where(known, values, 0.0)
            return np.asarray(np.einsum("k...,k...->...", w, filled) / total)
        positive = known & (values > 0.0)
        logs = np.log(np.where(positive, values, 1.0))
        result = np.minimum(1.0, np.exp(np.einsum("k...,k...->...", w, logs) / total))
    zero = (known & ~positive).any(axis=0)
    return np.where(zero, 0.0, result)


def node_pass(
    compiled: CompiledFramework,
    leaf_values: Floats,
    *,
    batch: tuple[int, ...],
    applicable: Bools | None = None,
    weights: Floats | None = None,
    factors: Floats | None = None,
    geometric: Bools | None = None,
    switched: frozenset[int] = frozenset(),
    full: bool = True,
    imputed: Bools | None = None,
) -> NodeArrays:
    """Every node's estimate (and with *full*, bounds, coverage and normalised weight).

    *leaf_values* ``[leaf, *batch]`` (NaN: unassessed); *imputed* (broadcasting to it) marks
    the leaf values imputed by a missing-value rule: a value that counts in its parent, but not
    evidence (coverage 0, bounds [0, 1]). *applicable* ``[node, *batch]`` (or a shape
    broadcasting to it) marks the nodes a modifier leaves in (default all); *weights*
    ``[node, ...]`` and *factors* ``[node, ...]`` (modifiers' weight factors) broadcast against
    the batch; *geometric* (broadcasting against the batch) picks the geometric mean instead of
    the arithmetic one at the *switched* nodes (the aggregation source, not weight 0).
    """
    out = NodeArrays(compiled.size, batch, full)
    leaves = compiled.leaves
    known_leaf = ~np.isnan(leaf_values)
    out.estimate[leaves] = leaf_values
    if full:
        evidence = known_leaf if imputed is None else known_leaf & ~imputed
        out.lower[leaves] = np.where(evidence, leaf_values, 0.0)
        out.upper[leaves] = np.where(evidence, leaf_values, 1.0)
        out.coverage[leaves] = evidence
        out.share[0] = 1.0
    if applicable is not None:  # may broadcast over the runs: [node, 1, city]
        out.applicable = np.array(applicable, dtype=np.bool_)
    base = compiled.weights.reshape((-1,) + (1,) * len(batch)) if weights is None else weights
    for i in compiled.internal:
        _node(compiled, out, i, base, factors, geometric if i in switched else None)
    return out


def _node(
    compiled: CompiledFramework,
    out: NodeArrays,
    i: int,
    base: Floats,
    factors: Floats | None,
    geometric: Bools | None,
) -> None:
    kids = compiled.children[i]
    applicable = out.applicable[kids]
    here = out.applicable[i] & applicable.any(axis=0)
    out.applicable[i] = here
    w = base[kids] if factors is None else base[kids] * factors[kids]
    w = np.where(applicable, w, 0.0)
    values = out.estimate[kids]
    known = applicable & ~np.isnan(values)
    method = compiled.methods[i]
    threshold = compiled.thresholds[i]
    if method is None:
        _scalar_node(compiled, out, i, kids, w, applicable, here)
        return
    estimate = combine(method, values, known, w, applicable, threshold)
    if geometric is not None and method in ("weighted_mean", "geometric_mean"):
        other = "geometric_mean" if method == "weighted_mean" else "weighted_mean"
        alternative = combine(other, values, known, w, applicable, threshold)
        chosen_geometric = np.broadcast_to(geometric, estimate.shape)
        geometric_first = method == "geometric_mean"
        estimate = np.where(chosen_geometric != geometric_first, alternative, estimate)
    out.estimate[i] = estimate
    if not out.full:
        return
    total = w.sum(axis=0)
    safe_total = np.where(total > 0.0, total, 1.0)
    out.share[kids] = np.where(applicable, w / safe_total, 0.0)
    low = combine(method, out.lower[kids], applicable, w, applicable, threshold)
    high = combine(method, out.upper[kids], applicable, w, applicable, threshold)
    has = ~np.isnan(estimate)
    out.lower[i] = np.where(has, np.minimum(low, estimate), low)
    out.upper[i] = np.where(has, np.maximum(high, estimate), high)
    coverage = (w * out.coverage[kids]).sum(axis=0) / safe_total
    out.coverage[i] = np.minimum(1.0, coverage)


def _scalar_node(
    compiled: CompiledFramework,
    out: NodeArrays,
    i: int,
    kids: npt.NDArray[np.intp],
    w: Floats,
    applicable: Bools,
    here: Bools,
) -> None:
    """A plugin's method: the scalar engine's aggregate, once per batch element."""
    aggregation, node = compiled.aggregations[i], compiled.plan.nodes[i]
    shape = out.estimate.shape[1:]
    here = np.broadcast_to(here, shape)
    applicable = np.broadcast_to(applicable, (len(kids), *shape))
    flat_here = here.reshape(-1)
    width = len(kids)
    w = np.broadcast_to(w, (width, *shape)).reshape(width, -1)
    app = applicable.reshape(width, -1)
    estimates = out.estimate[kids].reshape(width, -1)
    lows = out.lower[kids].reshape(width, -1) if out.full else np.zeros_like(estimates)
    highs = out.upper[kids].reshape(width, -1) if out.full else np.ones_like(estimates)
    result = np.full((3, flat_here.size), np.nan)
    for b in np.flatnonzero(flat_here):
        take = app[:, b]
        ests: list[float | None] = [None if np.isnan(e) else float(e) for e in estimates[take, b]]
        est, low, high = aggregate(
            aggregation, node, w[take, b].tolist(), ests, lows[take, b].tolist(),
            highs[take, b].tolist(),
        )  # fmt: skip
        if est is not None:
            low, high = min(low, est), max(high, est)
        result[:, b] = (np.nan if est is None else est, low, high)
    out.estimate[i] = result[0].reshape(shape)
    if out.full:
        total = w.sum(axis=0).reshape(shape)
        safe_total = np.where(total > 0.0, total, 1.0)
        out.share[kids] = np.where(applicable, w.reshape(width, *shape) / safe_total, 0.0)
        out.lower[i] = np.where(here, result[1].reshape(shape), 0.0)
        out.upper[i] = np.where(here, result[2].reshape(shape), 1.0)
        coverage = (w.reshape(width, *shape) * out.coverage[kids]).sum(axis=0) / safe_total
        out.coverage[i] = np.minimum(1.0, coverage)


def applicability(
    compiled: CompiledFramework, left_out: Sequence[Sequence[str]]
) -> npt.NDArray[np.bool_]:
    """``[node, city]``: False for each city's criteria left out, with their subtrees."""
    mask = np.ones((compiled.size, len(left_out)), dtype=np.bool_)
    for city, criteria in enumerate(left_out):
        for criterion in criteria:
            i = compiled.index[criterion]
            mask[i, city] = False
            mask[compiled.descendants[i], city] = False
    return mask


def weight_factors(
    compiled: CompiledFramework, factors: Sequence[Mapping[str, float]]
) -> Floats | None:
    """``[node, city]`` modifiers' weight factors (None when no city has one)."""
    if not any(factors):
        return None
    table = np.ones((compiled.size, len(factors)))
    for city, by_id in enumerate(factors):
        for criterion, factor in by_id.items():
            table[compiled.index[criterion], city] = factor
    return table


def as_floats(value: Any) -> Floats:
    """*value* as a float64 array (a typed helper)."""
    return np.asarray(value, dtype=np.float64)
