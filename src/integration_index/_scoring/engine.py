"""The scoring engine: a pure, deterministic function of (profile, framework).

See docs/scoring.md for the contract this module implements. A framework is compiled once into a
flat plan (nodes in depth-first order, with index arrays) so that scoring a profile is a couple of
passes over lists: batches score thousands of profiles against the same framework.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs

from integration_index._model.cohort import CohortStats
from integration_index._model.framework import OVERALL, Framework
from integration_index._model.profile import CityProfile, ContextValue
from integration_index._model.scorecard import (
    ContextEntry,
    NodeResult,
    NodeScore,
    ScoreCard,
)
from integration_index._scoring.aggregations import (
    Aggregation,
    aggregate,
    fused_weighted_mean,
    weighted_mean,
)
from integration_index._scoring.leaves import (
    check_cohort,
    clipping_warnings,
    combine_leaves,
    impute,
    leaf_values,
    normalisation_used,
)
from integration_index._scoring.modifiers import Effects, resolve_effects
from integration_index._scoring.plan import Plan, plan_of

__all__ = ["score_profile"]

# Coverage is a ratio of float sums: compare to the threshold with a little slack.
_COVERAGE_EPSILON = 1e-9
_NOT_APPLICABLE = NodeScore(
    score=None, lower=None, upper=None, coverage=0.0, weight=0.0, applicable=False
)
# Leaf results repeat across a batch (a question rated "largely" once...): share them, up to this.
_INTERN_LIMIT = 20_000
_fsum = math.fsum


class _Pass:
    """One bottom-up pass over the plan (raw, or adjusted by effects), as parallel lists."""

    __slots__ = (
        "applicable",
        "count",
        "coverage",
        "estimate",
        "imputed",
        "lower",
        "share",
        "upper",
    )

    def __init__(
        self,
        plan: Plan,
        leaves: Mapping[int, tuple[float, int]],
        aggregations: Mapping[str, Aggregation],
        effects: Effects | None,
        imputed: Mapping[int, float],
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
        for i, value in imputed.items():  # a value, not evidence: no coverage, bounds unchanged
            estimate[i] = value
        self.imputed = imputed
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

    def scores(self, plan: Plan) -> list[NodeScore]:
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
            if (
                estimate is not None
                and (coverage <= 0.0 or coverage < min_coverage)
                and i not in self.imputed
            ):
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
    plan: Plan, effects: Effects | None, applicable: list[bool]
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


def score_profile(
    profile: CityProfile,
    framework: Framework,
    aggregations: Mapping[str, Aggregation],
    *,
    engine_version: str = "",
    cohort: CohortStats | None = None,
) -> ScoreCard:
    """Score one profile against one framework (against *cohort* for the criteria that need
    one: a cohort normalisation, or missing values imputed with the cohort mean).

    The profile must already have been checked against the framework (every evidence item rates
    an existing leaf with a valid rating); :func:`integration_index.score` does that.

    Raises:
        AnalysisInputError: a criterion needs cohort statistics and *cohort* gives none for it.
    """
    plan = plan_of(framework)
    if plan.needs_cohort:
        check_cohort(framework.id, plan.needs_cohort, cohort)
    effects = resolve_effects(profile, framework)
    raw, leaves, adjusted = _passes(plan, profile, effects, aggregations, cohort)
    raw_scores = raw.scores(plan)
    adjusted_scores = raw_scores if adjusted is raw else adjusted.scores(plan)
    results = _node_results(plan, raw, raw_scores, adjusted_scores, leaves, adjusted, effects)
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
        warnings=(*_warnings(plan, overall, adjusted, leaves.raw), *leaves.clipped),
        engine_version=engine_version,
        normalisation=normalisation_used(plan, cohort),
    )


Leaves = dict[int, tuple[float, int, float | None]]


@attrs.frozen
class _Leaves:
    """The leaf values of both passes, with what the card shows of them."""

    raw: Leaves
    adjusted: Leaves
    measured: dict[int, float]
    clipped: tuple[str, ...]


def _passes(
    plan: Plan,
    profile: CityProfile,
    effects: Effects,
    aggregations: Mapping[str, Aggregation],
    cohort: CohortStats | None,
) -> tuple[_Pass, _Leaves, _Pass]:
    """The raw pass and the adjusted one (the same when no modifier applies), with the leaf
    values each used."""
    values, dates = leaf_values(plan, profile, plan.framework.id)
    raw_leaves, measured = combine_leaves(plan, values, dates, {}, cohort)
    imputed = impute(plan, raw_leaves, {}, cohort)
    raw = _Pass(
        plan, {i: (v, n) for i, (v, n, _) in raw_leaves.items()}, aggregations, None, imputed
    )
    clipped = clipping_warnings(plan, values)
    if effects.empty:
        return raw, _Leaves(raw_leaves, raw_leaves, measured, clipped), raw
    targets = {plan.index[c]: t for c, t in effects.targets.items()}
    quantitative_targets = {i: t for i, t in targets.items() if plan.goalposts[i] is not None}
    adjusted_leaves, adjusted_imputed = raw_leaves, imputed
    if quantitative_targets:
        adjusted_leaves = combine_leaves(plan, values, dates, quantitative_targets, cohort)[0]
        adjusted_imputed = impute(plan, adjusted_leaves, quantitative_targets, cohort)
    adjusted = _Pass(
        plan,
        {i: (v, n) for i, (v, n, _) in adjusted_leaves.items()},
        aggregations,
        effects,
        adjusted_imputed,
    )
    return raw, _Leaves(raw_leaves, adjusted_leaves, measured, clipped), adjusted


def _node_results(
    plan: Plan,
    raw: _Pass,
    raw_scores: Sequence[NodeScore],
    adjusted_scores: Sequence[NodeScore],
    leaves: _Leaves,
    adjusted: _Pass,
    effects: Effects,
) -> list[NodeResult]:
    """Every node's result but the whole's, depth first; equal leaf results are shared."""
    target_effects = effects.targets
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
                    switched_off=plan.weights[i] == 0.0,
                )
            )
            continue
        append(_leaf_result(plan, i, raw_score, adjusted_score, target, leaves, adjusted))
    return results


def _leaf_result(
    plan: Plan,
    i: int,
    raw_score: NodeScore,
    adjusted_score: NodeScore,
    target: float | None,
    leaves: _Leaves,
    adjusted: _Pass,
) -> NodeResult:
    """A leaf's result; equal ones are shared (an imputed one never is: it is rare)."""
    leaf = leaves.adjusted.get(i)
    value, spread = (leaf[0], leaf[2]) if leaf is not None else (None, None)
    measured = leaves.measured.get(i)
    imputed = plan.missing[i] if i in adjusted.imputed else None
    count = adjusted.count[i]
    key = (i, id(raw_score), id(adjusted_score), value, count, spread, target, measured)
    found = plan.interned.get(key) if imputed is None else None
    if found is None:
        parent = plan.parent[i]
        found = NodeResult(
            id=plan.ids[i],
            parent=plan.ids[parent] if parent is not None else None,
            depth=plan.depth[i],
            kind=plan.nodes[i].kind,
            raw=raw_score,
            adjusted=adjusted_score,
            value=value,
            level=plan.level_of(i, value) if value is not None else None,
            evidence_count=count,
            spread=spread,
            target=target,
            measured=measured,
            unit=plan.unit[i],
            imputed=imputed,
            switched_off=plan.weights[i] == 0.0,
        )
        if imputed is None:
            plan.interned[key] = found
    return found


def _warnings(
    plan: Plan, overall: NodeResult, adjusted_pass: _Pass, rated: Mapping[int, object]
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
