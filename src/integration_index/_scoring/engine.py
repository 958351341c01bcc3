"""The scoring engine: a pure, deterministic function of (profile, framework).

See docs/scoring.md for the contract this module implements. A framework is compiled once into a
flat plan (``_scoring/plan.py``: nodes in depth-first order, with index lists) so that scoring a
profile is a pass or two over lists (``_scoring/passes.py``) and the card is built at the end,
most leaves' results shared with earlier cards: batches score thousands of profiles against the
same framework.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from integration_index._model.builders import builder
from integration_index._model.framework import OVERALL, Framework
from integration_index._model.profile import CityProfile, ContextValue
from integration_index._model.scorecard import NodeResult, NodeScore, ScoreCard
from integration_index._scoring.aggregations import Aggregation
from integration_index._scoring.evidence import combine_ratings
from integration_index._scoring.modifiers import Effects, resolve_effects
from integration_index._scoring.passes import Leaves, Pass, adjusted_pass, raw_pass
from integration_index._scoring.plan import Plan, new_result, node_score

__all__ = ["Plan", "score_profile"]

# Every field is given, in order; the tuple fields' converters have nothing to do on tuples.
_new_card = builder(ScoreCard, handled=("nodes", "modifiers", "context", "warnings"))
_NOT_APPLICABLE = NodeScore(
    score=None, lower=None, upper=None, coverage=0.0, weight=0.0, applicable=False
)


def score_profile(
    profile: CityProfile,
    framework: Framework,
    aggregations: Mapping[str, Aggregation],
    *,
    engine_version: str = "",
    plan: Plan | None = None,
) -> ScoreCard:
    """Score one profile against one framework.

    The profile must already have been checked against the framework (every evidence item rates
    an existing leaf with a valid rating); :func:`integration_index.score` does that. *plan* is
    the framework's compiled plan (from a ``Plans`` cache); without it, one is compiled.
    """
    if plan is None or plan.framework is not framework:
        plan = Plan(framework)
    effects = resolve_effects(profile, framework)
    values: dict[int, list[float]] = {}  # each leaf's ratings, for a target's recombination
    dates: dict[int, list[Any]] = {}
    if plan.simple_leaves:  # no goalposts, no "latest" rule: the leaves in one loop
        raw_leaves = _simple_leaves(plan, profile, framework.id)
    else:
        values, dates = _leaf_values(plan, profile, framework.id)
        raw_leaves = _combine_leaves(plan, values, dates, {})
    raw = raw_pass(plan, raw_leaves, aggregations)
    results, overall = _plain_results(plan, raw, raw_leaves)
    adjusted = raw
    if not effects.empty:
        adjusted, adjusted_leaves = _adjust(
            plan, raw, raw_leaves, values, dates, aggregations, effects
        )
        overall = _adjust_results(plan, adjusted, adjusted_leaves, effects, results, overall)
    context: Mapping[str, ContextValue] = profile.context.get(framework.id, {})
    return _new_card(
        framework.id,
        framework.version,
        profile.city.id,
        profile.city.name,
        profile.assessment.date,
        profile.assessment.mode,
        overall,
        tuple(results),
        effects.applied,
        plan.context_entries(context),
        _warnings(plan, overall, adjusted, raw_leaves),
        engine_version,
    )


def _leaf_values(
    plan: Plan, profile: CityProfile, framework_id: str
) -> tuple[dict[int, list[float]], dict[int, list[Any]]]:
    """Each rated leaf's values: level values on a scale, measured values for goalposts."""
    values: dict[int, list[float]] = {}
    dates: dict[int, list[Any]] = {}
    frameworks = profile.assessment.frameworks
    single = len(frameworks) == 1 and frameworks[0] == framework_id
    rating_values, rule = plan.rating_values, plan.rule
    for item in profile.evidence:
        if (item.framework is not None or not single) and profile.framework_of(
            item
        ) != framework_id:
            continue
        i, levels = rating_values[item.criterion]
        value = levels[item.rating] if levels is not None else float(item.rating)
        found = values.get(i)
        if found is None:
            values[i] = [value]
        else:
            found.append(value)
        if rule[i] == "latest":
            dates.setdefault(i, []).append(item.date)
    return values, dates


def _simple_leaves(plan: Plan, profile: CityProfile, framework_id: str) -> Leaves:
    """Each rated leaf's combined value, evidence count and spread, when every leaf is on a scale
    and no evidence rule needs dates: what _leaf_values and _combine_leaves give, in one loop."""
    leaves: Leaves = {}
    several: dict[int, list[float]] = {}
    frameworks = profile.assessment.frameworks
    single = len(frameworks) == 1 and frameworks[0] == framework_id
    rating_values = plan.rating_values
    for item in profile.evidence:
        if (item.framework is not None or not single) and profile.framework_of(
            item
        ) != framework_id:
            continue
        i, levels = rating_values[item.criterion]
        value = levels[item.rating] if levels is not None else float(item.rating)
        found = leaves.get(i)
        if found is None:
            leaves[i] = (value, 1, None)
        elif i in several:
            several[i].append(value)
        else:
            several[i] = [found[0], value]
    for i, raw in several.items():
        value = combine_ratings(raw, plan.rule[i])
        leaves[i] = (value, len(raw), (max(raw) - min(raw)) * 100.0)
    return leaves


def _combine_leaves(
    plan: Plan,
    values: Mapping[int, list[float]],
    dates: Mapping[int, list[Any]],
    targets: Mapping[int, float],
) -> Leaves:
    """Each rated leaf's combined value, evidence count and spread (on 0-100)."""
    combined: Leaves = {}
    goalposts_of = plan.goalposts
    for i, raw in values.items():
        goalposts = goalposts_of[i]
        if goalposts is None and len(raw) == 1:  # the common case: one rating on a scale
            combined[i] = (raw[0], 1, None)
            continue
        normalised = (
            [goalposts.normalise(x, targets.get(i)) for x in raw] if goalposts is not None else raw
        )
        value = combine_ratings(normalised, plan.rule[i], dates.get(i, ()))
        spread = (max(normalised) - min(normalised)) * 100.0 if len(normalised) > 1 else None
        combined[i] = (value, len(normalised), spread)
    return combined


def _plain_results(
    plan: Plan, raw: Pass, leaves: Leaves
) -> tuple[list[NodeResult | None], NodeResult]:
    """Every node's result but the whole's (depth first), and the whole's, with no modifier."""
    results = plan.template[:]  # each unrated leaf's result, None for the other nodes
    rated_leaf, single = plan.rated_leaf, plan.single
    for i, (value, n, spread) in leaves.items():
        found = single[i].get(value) if n == 1 else None  # most leaves: seen before
        results[i - 1] = found if found is not None else rated_leaf(i, value, n, spread)
    estimate, lower, upper, coverage, count = (
        raw.estimate, raw.lower, raw.upper, raw.coverage, raw.count
    )  # fmt: skip
    share, threshold, ids, parent_ids, depth, kinds, target = (
        plan.share, plan.threshold, plan.ids, plan.parent_ids, plan.depth, plan.kinds, plan.target
    )  # fmt: skip
    overall: NodeResult | None = None
    for i in plan.internal_reverse:
        score = node_score(estimate[i], lower[i], upper[i], coverage[i], share[i], threshold)
        if i:
            results[i - 1] = new_result(
                ids[i], parent_ids[i], depth[i], kinds[i], score, score, None, None, count[i],
                None, target[i],
            )  # fmt: skip
        else:
            overall = new_result(
                OVERALL, None, 0, "framework", score, score, None, None, count[0], None, target[0]
            )
    assert overall is not None  # the whole is never a leaf
    return results, overall


def _adjust(
    plan: Plan,
    raw: Pass,
    raw_leaves: Leaves,
    values: Mapping[int, list[float]],
    dates: Mapping[int, list[Any]],
    aggregations: Mapping[str, Aggregation],
    effects: Effects,
) -> tuple[Pass, Leaves]:
    """The adjusted pass, reusing the raw one, and the leaf values it used."""
    targets = {plan.index[c]: t for c, t in effects.targets.items()}
    quantitative = {i: t for i, t in targets.items() if plan.goalposts[i] is not None}
    if not quantitative:
        return adjusted_pass(plan, raw, {}, aggregations, effects), raw_leaves
    adjusted_leaves = _combine_leaves(plan, values, dates, quantitative)
    changed = {i: adjusted_leaves[i] for i in quantitative if i in adjusted_leaves}
    return adjusted_pass(plan, raw, changed, aggregations, effects), adjusted_leaves


def _adjust_results(
    plan: Plan,
    adjusted: Pass,
    leaves: Leaves,
    effects: Effects,
    results: list[NodeResult | None],
    overall: NodeResult,
) -> NodeResult:
    """Replace, in *results*, the nodes the modifiers change; return the whole's result."""
    target_effects = effects.targets
    changed = set(adjusted.touched or ())
    if target_effects:
        changed.update(
            plan.index[c] for c in target_effects if plan.goalposts[plan.index[c]] is None
        )
    for i in sorted(changed):
        base = results[i - 1] if i else overall
        assert base is not None
        target = base.target
        if i and plan.goalposts[i] is None:
            target = target_effects.get(plan.ids[i], target)
        leaf = leaves.get(i) if plan.is_leaf[i] else None
        value, spread = (leaf[0], leaf[2]) if leaf is not None else (None, None)
        result = NodeResult(
            id=base.id,
            parent=base.parent,
            depth=base.depth,
            kind=base.kind,
            raw=base.raw,
            adjusted=_adjusted_score(plan, adjusted, i),
            value=value,
            level=plan.level_of(i, value) if value is not None else None,
            evidence_count=base.evidence_count,
            spread=spread,
            target=target,
        )
        if i:
            results[i - 1] = result
        else:
            overall = result
    return overall


def _adjusted_score(plan: Plan, adjusted: Pass, i: int) -> NodeScore:
    if not adjusted.is_applicable(i):
        return _NOT_APPLICABLE
    return node_score(
        adjusted.estimate[i],
        adjusted.lower[i],
        adjusted.upper[i],
        adjusted.coverage[i],
        adjusted.share[i],
        plan.threshold,
    )


def _warnings(
    plan: Plan, overall: NodeResult, adjusted_pass: Pass, rated: Mapping[int, object]
) -> tuple[str, ...]:
    warnings: list[str] = []
    if adjusted_pass.applicable is None:
        counted, unrated = len(plan.leaves), len(plan.leaves) - len(rated)
    else:
        included = [i for i in plan.leaves if adjusted_pass.applicable[i]]  # excluded don't count
        counted, unrated = len(included), sum(1 for i in included if i not in rated)
    if unrated:
        warnings.append(f"{unrated} of {counted} rated criteria have no evidence")
    adjusted = overall.adjusted
    if adjusted.applicable and adjusted.score is None:
        warnings.append(
            f"overall coverage {adjusted.coverage:.0%} is below the framework's threshold "
            f"{plan.min_coverage:.0%}: no overall score"
        )
    return tuple(warnings)
