"""The scoring engine: a pure, deterministic function of (profile, framework).

See docs/scoring.md for the contract this module implements. A framework is compiled once into a
flat plan (nodes in depth-first order, with index arrays) so that scoring a profile is a couple of
passes over lists: batches score thousands of profiles against the same framework.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from integration_index._model.framework import OVERALL, Framework, Goalposts, Scale
from integration_index._model.profile import CityProfile, ContextValue
from integration_index._model.scorecard import ContextEntry, NodeResult, NodeScore, ScoreCard
from integration_index._scoring.aggregations import (
    Aggregation,
    aggregate,
    fused_weighted_mean,
    weighted_mean,
)
from integration_index._scoring.evidence import combine_ratings
from integration_index._scoring.modifiers import Effects, resolve_effects

__all__ = ["score_profile"]

# Coverage is a ratio of float sums: compare to the threshold with a little slack.
_COVERAGE_EPSILON = 1e-9
_NOT_APPLICABLE = NodeScore(
    score=None, lower=None, upper=None, coverage=0.0, weight=0.0, applicable=False
)
# Leaf results repeat across a batch (a question rated "largely" once...): share them, up to this.
_INTERN_LIMIT = 20_000
_fsum = math.fsum


class _Plan:
    """A framework compiled for scoring. Index 0 is the whole framework; then every node, depth
    first, so that walking the indexes backwards visits children before their parents."""

    def __init__(self, framework: Framework) -> None:
        nodes = [framework.root, *framework.nodes.values()]
        self.framework = framework
        self.ids = [node.id for node in nodes]
        self.index = {node_id: i for i, node_id in enumerate(self.ids)}
        self.nodes = nodes
        self.children = [[self.index[child.id] for child in node.children] for node in nodes]
        self.weights = [node.weight for node in nodes]
        self.child_weights = [[self.weights[c] for c in kids] for kids in self.children]
        self.child_totals = [_fsum(ws) if ws else 0.0 for ws in self.child_weights]
        self.is_leaf = [bool(i) and node.is_leaf for i, node in enumerate(nodes)]
        self.leaves = [i for i, leaf in enumerate(self.is_leaf) if leaf]
        self.parent: list[int | None] = [None] * len(nodes)
        self.depth = [0] * len(nodes)
        for i, kids in enumerate(self.children):
            for c in kids:
                self.parent[c] = i
                self.depth[c] = self.depth[i] + 1
        settings = framework.settings
        self.aggregation = [node.aggregation or settings.aggregation for node in nodes]
        self.rule = [node.evidence_rule or settings.evidence_rule for node in nodes]
        self.goalposts: list[Goalposts | None] = [node.goalposts for node in nodes]
        self.scale: list[Scale | None] = [
            framework.scale_of(node) if self.is_leaf[i] else None for i, node in enumerate(nodes)
        ]
        self.level_values = [scale.values if scale is not None else None for scale in self.scale]
        self.target = [settings.target, *(framework.target_of(node.id) for node in nodes[1:])]
        self.min_coverage = settings.min_coverage
        self.internal_reverse = [i for i in range(len(nodes) - 1, -1, -1) if not self.is_leaf[i]]
        self.descendants: list[list[int]] = [[] for _ in nodes]
        for i in self.internal_reverse:
            for c in self.children[i]:
                self.descendants[i] += [c, *self.descendants[c]]
        self.nearest: dict[tuple[int, float], str] = {}
        self.interned: dict[tuple[Any, ...], Any] = {}

    def level_of(self, i: int, value: float) -> str | None:
        scale = self.scale[i]
        if scale is None:
            return None
        key = (id(scale), value)
        level = self.nearest.get(key)
        if level is None:
            level = self.nearest[key] = scale.nearest(value).id
        return level


_PLANS: dict[int, tuple[weakref.ref[Framework], _Plan]] = {}
_PLANS_LOCK = threading.Lock()


def _plan(framework: Framework) -> _Plan:
    entry = _PLANS.get(id(framework))
    if entry is not None and entry[0]() is framework:
        return entry[1]
    with _PLANS_LOCK:
        plan = _Plan(framework)
        key = id(framework)
        plans = _PLANS  # bound now: the module global may be gone when the callback runs at exit
        plans[key] = (weakref.ref(framework, lambda _: plans.pop(key, None)), plan)
        return plan


class _Pass:
    """One bottom-up pass over the plan (raw, or adjusted by effects), as parallel lists."""

    __slots__ = ("applicable", "count", "coverage", "estimate", "lower", "share", "upper")

    def __init__(
        self,
        plan: _Plan,
        leaves: Mapping[int, tuple[float, int]],
        aggregations: Mapping[str, Aggregation],
        effects: Effects | None,
    ) -> None:
        size = len(plan.ids)
        estimate: list[float | None] = [None] * size
        lower = [0.0] * size
        upper = [1.0] * size
        coverage = [0.0] * size
        count = [0] * size
        share = [0.0] * size
        applicable = [True] * size
        for i, (value, n) in leaves.items():
            estimate[i] = lower[i] = upper[i] = value
            coverage[i] = 1.0
            count[i] = n
        left_out, factors = _apply_effects(plan, effects, applicable)
        children, nodes = plan.children, plan.nodes
        for i in plan.internal_reverse:
            if not applicable[i]:
                continue
            kids = children[i]
            if left_out or factors:
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
            aggregation = aggregations[plan.aggregation[i]]
            if aggregation.function is weighted_mean:  # the default, fused into one loop
                est, low, high, covered = fused_weighted_mean(
                    kids, weights, total, estimate, lower, upper, coverage
                )
            else:
                est, low, high = aggregate(
                    aggregation, nodes[i], weights, *_gather(kids, estimate, lower, upper)
                )
                covered = [w * coverage[c] for c, w in zip(kids, weights, strict=True)]
            if est is not None:
                # Guard the bounds against the last bit of floating-point rounding.
                low = min(low, est)
                high = max(high, est)
            estimate[i], lower[i], upper[i] = est, low, high
            coverage[i] = min(1.0, _fsum(covered) / total)
            count[i] = sum([count[c] for c in kids])
        share[0] = 1.0
        self.estimate, self.lower, self.upper, self.coverage = estimate, lower, upper, coverage
        self.count, self.share, self.applicable = count, share, applicable

    def scores(self, plan: _Plan) -> list[NodeScore]:
        """Every node's NodeScore (leaves' shared with earlier profiles when equal)."""
        interned = plan.interned
        if len(interned) >= _INTERN_LIMIT:
            interned.clear()
        min_coverage = plan.min_coverage - _COVERAGE_EPSILON
        is_leaf = plan.is_leaf
        scores: list[NodeScore] = []
        append = scores.append
        for i, (estimate, lower, upper, coverage, share, applicable) in enumerate(
            zip(
                self.estimate,
                self.lower,
                self.upper,
                self.coverage,
                self.share,
                self.applicable,
                strict=True,
            )
        ):
            if not applicable:
                append(_NOT_APPLICABLE)
                continue
            if estimate is not None and (coverage <= 0.0 or coverage < min_coverage):
                estimate = None
            if is_leaf[i]:
                key = (estimate, lower, upper, coverage, share)
                found = interned.get(key)
                if found is None:
                    found = interned[key] = NodeScore(
                        score=None if estimate is None else estimate * 100.0,
                        lower=lower * 100.0,
                        upper=upper * 100.0,
                        coverage=coverage,
                        weight=share,
                    )
                append(found)
            else:
                append(
                    NodeScore(
                        score=None if estimate is None else estimate * 100.0,
                        lower=lower * 100.0,
                        upper=upper * 100.0,
                        coverage=coverage,
                        weight=share,
                    )
                )
        return scores


def _gather(
    kids: Sequence[int],
    estimate: Sequence[float | None],
    lower: Sequence[float],
    upper: Sequence[float],
) -> tuple[list[float | None], list[float], list[float]]:
    """The children's estimates, lower and upper bounds."""
    return [estimate[c] for c in kids], [lower[c] for c in kids], [upper[c] for c in kids]


def _apply_effects(
    plan: _Plan, effects: Effects | None, applicable: list[bool]
) -> tuple[bool, dict[int, float]]:
    """Mark the nodes left out (with their subtrees); return whether any was, and the weight
    factors by node index."""
    if effects is None:
        return False, {}
    for criterion_id in effects.not_applicable:
        i = plan.index[criterion_id]
        applicable[i] = False
        for d in plan.descendants[i]:  # a node left out takes its subtree with it
            applicable[d] = False
    factors = {plan.index[c]: f for c, f in effects.weight_factors.items()}
    return bool(effects.not_applicable), factors


def _leaf_values(
    plan: _Plan, profile: CityProfile, framework_id: str
) -> tuple[dict[int, list[float]], dict[int, list[Any]]]:
    """Each rated leaf's values: level values on a scale, measured values for goalposts."""
    values: dict[int, list[float]] = {}
    dates: dict[int, list[Any]] = {}
    single = (
        len(profile.assessment.frameworks) == 1 and profile.assessment.frameworks[0] == framework_id
    )
    for item in profile.evidence:
        if (item.framework is not None or not single) and profile.framework_of(
            item
        ) != framework_id:
            continue
        i = plan.index[item.criterion]
        level_values = plan.level_values[i]
        value = level_values[item.rating] if level_values is not None else float(item.rating)  # type: ignore[index]
        values.setdefault(i, []).append(value)
        if plan.rule[i] == "latest":
            dates.setdefault(i, []).append(item.date)
    return values, dates


def _combine_leaves(
    plan: _Plan,
    values: Mapping[int, list[float]],
    dates: Mapping[int, list[Any]],
    targets: Mapping[int, float],
) -> dict[int, tuple[float, int, float | None]]:
    """Each rated leaf's combined value, evidence count and spread (on 0-100)."""
    combined: dict[int, tuple[float, int, float | None]] = {}
    for i, raw in values.items():
        goalposts = plan.goalposts[i]
        normalised = (
            [goalposts.normalise(x, targets.get(i)) for x in raw] if goalposts is not None else raw
        )
        value = combine_ratings(normalised, plan.rule[i], dates.get(i, ()))
        spread = (max(normalised) - min(normalised)) * 100.0 if len(normalised) > 1 else None
        combined[i] = (value, len(normalised), spread)
    return combined


def score_profile(
    profile: CityProfile,
    framework: Framework,
    aggregations: Mapping[str, Aggregation],
    *,
    engine_version: str = "",
) -> ScoreCard:
    """Score one profile against one framework.

    The profile must already have been checked against the framework (every evidence item rates
    an existing leaf with a valid rating); :func:`integration_index.score` does that.
    """
    plan = _plan(framework)
    effects = resolve_effects(profile, framework)
    raw, raw_leaves, adjusted, adjusted_leaves = _passes(plan, profile, effects, aggregations)
    raw_scores = raw.scores(plan)
    adjusted_scores = raw_scores if adjusted is raw else adjusted.scores(plan)
    results = _node_results(plan, raw, raw_scores, adjusted_scores, adjusted_leaves, effects)
    overall = NodeResult(
        id=OVERALL,
        parent=None,
        depth=0,
        kind="framework",
        raw=raw_scores[0],
        adjusted=adjusted_scores[0],
        evidence_count=raw.count[0],
        target=plan.target[0],
    )
    context: Mapping[str, ContextValue] = profile.context.get(framework.id, {})
    return ScoreCard(
        framework_id=framework.id,
        framework_version=framework.version,
        city_id=profile.city.id,
        city_name=profile.city.name,
        assessment_date=profile.assessment.date,
        mode=profile.assessment.mode,
        overall=overall,
        nodes=tuple(results),
        modifiers=effects.applied,
        context=tuple(
            ContextEntry(factor=factor.id, title=factor.title.en, value=context.get(factor.id))
            for factor in framework.contextual_factors
        ),
        warnings=_warnings(plan, overall, adjusted, raw_leaves),
        engine_version=engine_version,
    )


Leaves = dict[int, tuple[float, int, float | None]]


def _passes(
    plan: _Plan, profile: CityProfile, effects: Effects, aggregations: Mapping[str, Aggregation]
) -> tuple[_Pass, Leaves, _Pass, Leaves]:
    """The raw pass and the adjusted one (the same when no modifier applies), with the leaf
    values each used."""
    values, dates = _leaf_values(plan, profile, plan.framework.id)
    raw_leaves = _combine_leaves(plan, values, dates, {})
    raw = _Pass(plan, {i: (v, n) for i, (v, n, _) in raw_leaves.items()}, aggregations, None)
    if effects.empty:
        return raw, raw_leaves, raw, raw_leaves
    targets = {plan.index[c]: t for c, t in effects.targets.items()}
    quantitative_targets = {i: t for i, t in targets.items() if plan.goalposts[i] is not None}
    adjusted_leaves = (
        _combine_leaves(plan, values, dates, quantitative_targets)
        if quantitative_targets
        else raw_leaves
    )
    adjusted = _Pass(
        plan, {i: (v, n) for i, (v, n, _) in adjusted_leaves.items()}, aggregations, effects
    )
    return raw, raw_leaves, adjusted, adjusted_leaves


def _node_results(
    plan: _Plan,
    raw: _Pass,
    raw_scores: Sequence[NodeScore],
    adjusted_scores: Sequence[NodeScore],
    adjusted_leaves: Mapping[int, tuple[float, int, float | None]],
    effects: Effects,
) -> list[NodeResult]:
    """Every node's result but the whole's, depth first; equal leaf results are shared."""
    target_effects = effects.targets
    interned = plan.interned
    results: list[NodeResult] = []
    append = results.append
    ids, parents, depths, nodes, counts = plan.ids, plan.parent, plan.depth, plan.nodes, raw.count
    for i in range(1, len(ids)):
        target = plan.target[i]
        if target_effects and plan.goalposts[i] is None:
            target = target_effects.get(ids[i], target)
        raw_score, adjusted_score = raw_scores[i], adjusted_scores[i]
        parent = parents[i]
        if not plan.is_leaf[i]:
            append(
                NodeResult(
                    id=ids[i],
                    parent=ids[parent] if parent is not None else None,
                    depth=depths[i],
                    kind=nodes[i].kind,
                    raw=raw_score,
                    adjusted=adjusted_score,
                    evidence_count=counts[i],
                    target=target,
                )
            )
            continue
        leaf = adjusted_leaves.get(i)
        value, spread = (leaf[0], leaf[2]) if leaf is not None else (None, None)
        key = (i, id(raw_score), id(adjusted_score), value, counts[i], spread, target)
        found = interned.get(key)
        if found is None:
            found = interned[key] = NodeResult(
                id=ids[i],
                parent=ids[parent] if parent is not None else None,
                depth=depths[i],
                kind=nodes[i].kind,
                raw=raw_score,
                adjusted=adjusted_score,
                value=value,
                level=plan.level_of(i, value) if value is not None else None,
                evidence_count=counts[i],
                spread=spread,
                target=target,
            )
        append(found)
    return results


def _warnings(
    plan: _Plan, overall: NodeResult, adjusted_pass: _Pass, rated: Mapping[int, object]
) -> tuple[str, ...]:
    warnings: list[str] = []
    counted = [i for i in plan.leaves if adjusted_pass.applicable[i]]  # excluded ones do not count
    unrated = sum(1 for i in counted if i not in rated)
    if unrated:
        warnings.append(f"{unrated} of {len(counted)} rated criteria have no evidence")
    adjusted = overall.adjusted
    if adjusted.applicable and adjusted.score is None:
        warnings.append(
            f"overall coverage {adjusted.coverage:.0%} is below the framework's threshold "
            f"{plan.min_coverage:.0%}: no overall score"
        )
    return tuple(warnings)
