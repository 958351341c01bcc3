"""The bottom-up passes over a compiled plan: the raw one, and the one adjusted by modifiers.

Both compute, for every node, its estimate (None when nothing under it is assessed), its lower
and upper bounds and its coverage, all on [0, 1], as lists indexed like the plan's nodes.

The raw pass runs the default aggregation (the weighted mean) as a few C-level sums per node:
``math.fsum`` returns the correctly rounded sum of its inputs, whatever their order and however
many exact zeros come with them, so an unassessed child can stay in the sums with a zero weight
and the results are bit for bit those of a sum over the assessed children alone.

The adjusted pass starts from the raw one and recomputes only the nodes a modifier reaches: the
parents (and their ancestors) of every node left out, reweighted or given a new leaf value.
Every other node's values, and its share of its parent, are the raw pass's.

An imputed leaf (a missing value under the "zero" or "mean" rule) has an estimate but no coverage
and bounds [0, 1]: it counts in its parent's estimate, not in its coverage or bounds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from operator import mul

from integration_index._scoring.aggregations import (
    Aggregation,
    aggregate,
    fused_weighted_mean,
    weighted_mean,
)
from integration_index._scoring.modifiers import Effects
from integration_index._scoring.plan import Getter, Plan

__all__ = ["Leaves", "Pass", "adjusted_pass", "raw_pass"]

_fsum = math.fsum

#: Each rated leaf's combined value, evidence count and spread (on 0-100), by node index.
Leaves = dict[int, tuple[float, int, float | None]]


class Pass:
    """One pass's values, as lists indexed by node; ``touched`` holds the nodes whose values or
    share may differ from the raw pass's (None for the raw pass itself)."""

    __slots__ = (
        "applicable",
        "count",
        "coverage",
        "estimate",
        "imputed",
        "lower",
        "share",
        "touched",
        "upper",
    )

    def __init__(
        self,
        estimate: list[float | None],
        lower: list[float],
        upper: list[float],
        coverage: list[float],
        count: list[int],
        share: Sequence[float],
        imputed: Mapping[int, float],
        applicable: Sequence[bool] | None = None,
        touched: set[int] | None = None,
    ) -> None:
        self.estimate, self.lower, self.upper, self.coverage = estimate, lower, upper, coverage
        self.count, self.share, self.touched = count, share, touched
        self.imputed, self.applicable = imputed, applicable

    def is_applicable(self, i: int) -> bool:
        """Whether node *i* counts (a modifier may have left it out)."""
        return self.applicable is None or self.applicable[i]


_OTHER, _LEAF_PARENT, _FUSED = 0, 1, 2


def _steps(
    plan: Plan, aggregations: Mapping[str, Aggregation]
) -> list[tuple[int, Getter, list[float], float, int]]:
    """The raw pass's internal nodes, children first, with what each needs (kept on the plan for
    the last aggregations seen: a batch passes the same mapping every time)."""
    cached = plan.steps
    if cached is not None and cached[0] is aggregations:
        return cached[1]
    steps = []
    for i in plan.internal_reverse:
        get = plan.getters[i]
        if get is None:  # a node without children: nothing beneath it is assessed
            continue
        if aggregations[plan.aggregation[i]].function is not weighted_mean:
            mode = _OTHER
        else:
            mode = _LEAF_PARENT if plan.leaf_parent[i] else _FUSED
        steps.append((i, get, plan.child_weights[i], plan.child_totals[i], mode))
    plan.steps = (aggregations, steps)
    return steps


def raw_pass(
    plan: Plan,
    leaves: Leaves,
    aggregations: Mapping[str, Aggregation],
    imputed: Mapping[int, float],
) -> Pass:
    """The pass without modifiers: every node applicable, the plan's weights; *imputed* holds
    the imputed leaves' values."""
    size = len(plan.ids)
    estimate: list[float | None] = [None] * size
    value = [0.0] * size  # the estimate, 0 where there is none
    assessed = [0.0] * size  # the node's weight where it has an estimate, else 0
    lower, upper, coverage, count = [0.0] * size, [1.0] * size, [0.0] * size, [0] * size
    weights = plan.weights
    for i, (v, n, _) in leaves.items():
        estimate[i] = value[i] = lower[i] = upper[i] = v
        coverage[i], count[i], assessed[i] = 1.0, n, weights[i]
    for i, v in imputed.items():  # a value, not evidence: no coverage, bounds unchanged
        estimate[i] = value[i] = v
        assessed[i] = weights[i]
    for i, get, ws, total, mode in _steps(plan, aggregations):
        aws = get(assessed)
        wsum = _fsum(aws)
        if mode == _LEAF_PARENT:
            # Leaves: lower = estimate where rated, else 0; coverage = 1 where rated, else 0.
            if wsum:
                products = _fsum(map(mul, aws, get(value)))
                est, low = products / wsum, products / total
            else:
                est, low = None, 0.0
            high = _fsum(map(mul, ws, get(upper))) / total
            cov = wsum / total
        elif mode == _FUSED:
            est = _fsum(map(mul, aws, get(value))) / wsum if wsum else None
            low = _fsum(map(mul, ws, get(lower))) / total
            high = _fsum(map(mul, ws, get(upper))) / total
            cov = _fsum(map(mul, ws, get(coverage))) / total
        else:
            est, low, high, cov = _other(plan, i, aggregations, estimate, lower, upper, coverage)
        if est is not None:
            # Guard the bounds against the last bit of floating-point rounding (as min and max).
            if est < low:
                low = est
            if est > high:
                high = est
            value[i], assessed[i] = est, weights[i]
        estimate[i], lower[i], upper[i] = est, low, high
        coverage[i] = cov if cov < 1.0 else 1.0
        count[i] = sum(get(count))
    return Pass(estimate, lower, upper, coverage, count, plan.share, imputed)


def _other(
    plan: Plan,
    i: int,
    aggregations: Mapping[str, Aggregation],
    estimate: Sequence[float | None],
    lower: Sequence[float],
    upper: Sequence[float],
    coverage: Sequence[float],
) -> tuple[float | None, float, float, float]:
    """A node of the raw pass under any aggregation but the weighted mean."""
    kids, weights, total = plan.children[i], plan.child_weights[i], plan.child_totals[i]
    est, low, high = aggregate(
        aggregations[plan.aggregation[i]],
        plan.nodes[i],
        weights,
        [estimate[c] for c in kids],
        [lower[c] for c in kids],
        [upper[c] for c in kids],
    )
    return (
        est,
        low,
        high,
        _fsum([w * coverage[c] for c, w in zip(kids, weights, strict=True)]) / total,
    )


def adjusted_pass(
    plan: Plan,
    raw: Pass,
    changed: Leaves,
    aggregations: Mapping[str, Aggregation],
    effects: Effects,
    imputed: Mapping[int, float],
) -> Pass:
    """The pass with *effects*, from the raw one; *changed* holds the leaves whose combined value
    the modifiers changed (a quantitative leaf's new target), *imputed* every imputed leaf's
    value in this pass (a new target changes a measured one's)."""
    size = len(plan.ids)
    estimate, lower, upper = list(raw.estimate), list(raw.lower), list(raw.upper)
    coverage, count, share = list(raw.coverage), list(raw.count), list(raw.share)
    applicable = [True] * size
    index = plan.index
    sources: list[int] = []
    left_out: list[int] = []
    for criterion_id in effects.not_applicable:
        i = index[criterion_id]
        sources.append(i)
        applicable[i] = False
        left_out += plan.descendants[i]
        for d in plan.descendants[i]:  # a node left out takes its subtree with it
            applicable[d] = False
    factors = {index[c]: f for c, f in effects.weight_factors.items()}
    for i, (v, n, _) in changed.items():
        estimate[i] = lower[i] = upper[i] = v
        coverage[i], count[i] = 1.0, n
    sources += [*factors, *changed]
    for i, v in imputed.items():
        if raw.imputed.get(i) != v:
            estimate[i] = v
            sources.append(i)
    dirty = _ancestors(plan, sources)
    filtered = bool(effects.not_applicable) or bool(factors)
    touched = {*sources, *left_out, *dirty}
    for i in plan.internal_reverse:
        if i not in dirty or not applicable[i]:
            continue
        kids = plan.children[i]
        touched.update(kids)
        if filtered:
            kids = [c for c in kids if applicable[c]]
            if not kids:
                applicable[i] = False
                continue
            weights = [plan.weights[c] * factors.get(c, 1.0) for c in kids]
            total = _fsum(weights)
        else:
            weights, total = plan.child_weights[i], plan.child_totals[i]
        for c, w in zip(kids, weights, strict=True):
            share[c] = w / total
        estimate[i], lower[i], upper[i], coverage[i] = _node(
            plan, i, aggregations, kids, weights, total, (estimate, lower, upper, coverage)
        )
        count[i] = sum([count[c] for c in kids])
    share[0] = 1.0
    return Pass(estimate, lower, upper, coverage, count, share, imputed, applicable, touched)


def _ancestors(plan: Plan, sources: Sequence[int]) -> set[int]:
    """Every ancestor of the nodes *sources*: the nodes a change to them reaches."""
    parent = plan.parent
    dirty: set[int] = set()
    for i in sources:
        p = parent[i]
        while p is not None and p not in dirty:
            dirty.add(p)
            p = parent[p]
    return dirty


def _node(
    plan: Plan,
    i: int,
    aggregations: Mapping[str, Aggregation],
    kids: Sequence[int],
    weights: Sequence[float],
    total: float,
    values: tuple[list[float | None], list[float], list[float], list[float]],
) -> tuple[float | None, float, float, float]:
    """One node of the adjusted pass, over its applicable children *kids* and their *weights*."""
    estimate, lower, upper, coverage = values
    aggregation = aggregations[plan.aggregation[i]]
    if aggregation.function is weighted_mean:  # the default, fused into one loop
        est, low, high, covered = fused_weighted_mean(
            kids, weights, total, estimate, lower, upper, coverage
        )
    else:
        est, low, high = aggregate(
            aggregation,
            plan.nodes[i],
            weights,
            [estimate[c] for c in kids],
            [lower[c] for c in kids],
            [upper[c] for c in kids],
        )
        covered = [w * coverage[c] for c, w in zip(kids, weights, strict=True)]
    if est is not None:
        low = min(low, est)
        high = max(high, est)
    return est, low, high, min(1.0, _fsum(covered) / total)
