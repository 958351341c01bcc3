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
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ContextEntry, NodeResult, NodeScore, ScoreCard
from integration_index._scoring.aggregations import Aggregation, weighted_mean
from integration_index._scoring.modifiers import Effects, resolve_effects

__all__ = ["combine_ratings", "score_profile"]

# Coverage is a ratio of float sums: compare to the threshold with a little slack.
_COVERAGE_EPSILON = 1e-9
_NOT_APPLICABLE = NodeScore(None, None, None, 0.0, 0.0, applicable=False)
# Leaf results repeat across a batch (a question rated "largely" once...): share them, up to this.
_INTERN_LIMIT = 20_000
_fsum = math.fsum


def combine_ratings(values: Sequence[float], rule: str, dates: Sequence[object] = ()) -> float:
    """Combine several ratings of one leaf (each in [0, 1]) by an evidence rule.

    "latest" keeps the items with the latest date (undated items count as oldest) and takes
    their median, so the result never depends on the order of the items.
    """
    if len(values) == 1:
        return values[0]
    if rule == "latest" and dates:
        dated = [
            (date, value) for date, value in zip(dates, values, strict=True) if date is not None
        ]
        if dated:
            newest = max(date for date, _ in dated)  # type: ignore[type-var]
            values = [value for date, value in dated if date == newest]
        rule = "median"
    if rule == "mean":
        return _fsum(values) / len(values)
    if rule == "min":
        return min(values)
    if rule == "max":
        return max(values)
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


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
        left_out = False
        factors: dict[int, float] = {}
        if effects is not None:
            for criterion_id in effects.not_applicable:
                i = plan.index[criterion_id]
                left_out = True
                applicable[i] = False
                for d in plan.descendants[i]:  # a node left out takes its subtree with it
                    applicable[d] = False
            factors = {plan.index[c]: f for c, f in effects.weight_factors.items()}
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
            function = aggregations[plan.aggregation[i]].function
            if function is weighted_mean:  # the default, fused into one loop over the children
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
                est = _fsum(products) / _fsum(assessed_weights) if products else None
                low = _fsum(lows) / total
                high = _fsum(highs) / total
            else:
                node = nodes[i]
                est = function([estimate[c] for c in kids], weights, node)
                low_value = function([lower[c] for c in kids], weights, node)
                high_value = function([upper[c] for c in kids], weights, node)
                assert low_value is not None
                assert high_value is not None
                low, high = low_value, high_value
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
                        None if estimate is None else estimate * 100.0,
                        lower * 100.0,
                        upper * 100.0,
                        coverage,
                        share,
                    )
                append(found)
            else:
                append(
                    NodeScore(
                        None if estimate is None else estimate * 100.0,
                        lower * 100.0,
                        upper * 100.0,
                        coverage,
                        share,
                    )
                )
        return scores


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
    values, dates = _leaf_values(plan, profile, framework.id)
    effects = resolve_effects(profile, framework)
    raw_leaves = _combine_leaves(plan, values, dates, {})
    raw = _Pass(plan, {i: (v, n) for i, (v, n, _) in raw_leaves.items()}, aggregations, None)
    if effects.empty:
        adjusted, adjusted_leaves = raw, raw_leaves
    else:
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

    target_effects = effects.targets
    raw_scores = raw.scores(plan)
    adjusted_scores = raw_scores if adjusted is raw else adjusted.scores(plan)
    interned = plan.interned
    results: list[NodeResult] = []
    append = results.append
    ids, parents, depths, nodes, counts = plan.ids, plan.parent, plan.depth, plan.nodes, raw.count
    for i in range(1, len(ids)):
        target = plan.target[i]
        if target_effects and plan.goalposts[i] is None:
            target = target_effects.get(ids[i], target)
        raw_score, adjusted_score = raw_scores[i], adjusted_scores[i]
        if plan.is_leaf[i]:
            leaf = adjusted_leaves.get(i)
            value, spread = (leaf[0], leaf[2]) if leaf is not None else (None, None)
            key = (i, id(raw_score), id(adjusted_score), value, counts[i], spread, target)
            found = interned.get(key)
            if found is None:
                level = plan.level_of(i, value) if value is not None else None
                parent = parents[i]
                found = interned[key] = NodeResult(
                    ids[i],
                    ids[parent] if parent is not None else None,
                    depths[i],
                    nodes[i].kind,
                    raw_score,
                    adjusted_score,
                    value,
                    level,
                    counts[i],
                    spread,
                    target,
                )
            append(found)
        else:
            parent = parents[i]
            append(
                NodeResult(
                    ids[i],
                    ids[parent] if parent is not None else None,
                    depths[i],
                    nodes[i].kind,
                    raw_score,
                    adjusted_score,
                    None,
                    None,
                    counts[i],
                    None,
                    target,
                )
            )
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
    context = profile.context.get(framework.id, {})
    entries = tuple(
        ContextEntry(factor.id, factor.title.en, context.get(factor.id))
        for factor in framework.contextual_factors
    )
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
        context=entries,
        warnings=_warnings(plan, overall, adjusted, raw_leaves),
        engine_version=engine_version,
    )


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
