"""The scoring engine: a pure, deterministic function of (profile, framework).

See docs/scoring.md for the contract this module implements. A framework is compiled once into a
flat plan (``_scoring/plan.py``: nodes in depth-first order, with index lists) so that scoring a
profile is a pass or two over lists (``_scoring/passes.py``) and the card is built at the end,
most leaves' results shared with earlier cards: batches score thousands of profiles against the
same framework. The leaf values (measured values, cohort normalisation, imputation) come from
``_scoring/leaves.py``, but for a framework whose leaves are all on scales: one loop here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from integration_index._model.builders import builder
from integration_index._model.cohort import CohortStats
from integration_index._model.framework import OVERALL, Framework
from integration_index._model.profile import CityProfile, ContextValue
from integration_index._model.scorecard import NodeResult, NodeScore, ScoreCard
from integration_index._scoring.aggregations import Aggregation
from integration_index._scoring.evidence import combine_ratings
from integration_index._scoring.leaves import (
    check_cohort,
    clipping_warnings,
    combine_leaves,
    impute,
    normalisation_used,
)
from integration_index._scoring.modifiers import Effects, resolve_effects
from integration_index._scoring.passes import Leaves, Pass, adjusted_pass, raw_pass
from integration_index._scoring.plan import Plan, imputed_score, new_result, node_score

__all__ = ["Plan", "score_profile"]

# Every field is given, in order; the tuple fields' converters have nothing to do on tuples.
_new_card = builder(
    ScoreCard,
    handled=("nodes", "modifiers", "context", "warnings", "normalisation", "weight_overrides"),
)
_NOT_APPLICABLE = NodeScore(
    score=None, lower=None, upper=None, coverage=0.0, weight=0.0, applicable=False
)


class _Leaves:
    """A profile's leaves: their values by pass, measured values and clipping warnings."""

    __slots__ = ("clipped", "dates", "measured", "raw", "values")

    def __init__(self, plan: Plan, profile: CityProfile, cohort: CohortStats | None) -> None:
        framework_id = plan.framework.id
        # Each leaf's ratings and dates, kept for a target's recombination.
        self.values: dict[int, list[float]] = {}
        self.dates: dict[int, list[Any]] = {}
        self.measured: dict[int, float] = {}
        self.clipped: tuple[str, ...] = ()
        if plan.simple_leaves:  # every leaf on a scale, no "latest" rule: one loop
            self.raw = _simple_leaves(plan, profile, framework_id)
        else:
            self.values, self.dates = _leaf_values(plan, profile, framework_id)
            self.raw, self.measured = combine_leaves(plan, self.values, self.dates, {}, cohort)
            self.clipped = clipping_warnings(plan, self.values)


def score_profile(
    profile: CityProfile,
    framework: Framework,
    aggregations: Mapping[str, Aggregation],
    *,
    engine_version: str = "",
    cohort: CohortStats | None = None,
    plan: Plan | None = None,
    nodes: bool = True,
) -> ScoreCard:
    """Score one profile against one framework (against *cohort* for the criteria that need
    one: a cohort normalisation, or missing values imputed with the cohort mean).

    The profile must already have been checked against the framework (every evidence item rates
    an existing leaf with a valid rating); :func:`integration_index.score` does that. *plan* is
    the framework's compiled plan (from a ``Plans`` cache); without it, one is compiled.
    With *nodes* False, the card is a summary: the whole's result, modifiers and warnings are
    the full card's, its ``nodes`` and ``context`` are left empty (for a batch whose renderer
    reads no more; see ``_batch.summary_renderer``).

    Raises:
        AnalysisInputError: a criterion needs cohort statistics and *cohort* gives none for it.
    """
    if plan is None or plan.framework is not framework:
        plan = Plan(framework)
    if plan.needs_cohort:
        check_cohort(framework.id, plan.needs_cohort, cohort)
    effects = resolve_effects(profile, framework)
    leaves = _Leaves(plan, profile, cohort)
    imputed = impute(plan, leaves.raw, {}, cohort) if plan.imputing else {}
    raw = raw_pass(plan, leaves.raw, aggregations, imputed)
    results, overall = _plain_results(plan, raw, leaves) if nodes else ([], _overall(plan, raw))
    adjusted = raw
    if not effects.empty:
        adjusted, adjusted_leaves = _adjust(plan, raw, leaves, aggregations, effects, cohort)
        overall = _adjust_results(
            plan, adjusted, adjusted_leaves, effects, results if nodes else None, overall
        )
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
        plan.context_entries(context) if nodes else (),
        (*_warnings(plan, overall, adjusted, leaves.raw), *leaves.clipped),
        engine_version,
        normalisation_used(plan, cohort) if plan.needs_cohort else (),
        (),
        None,
    )


def _leaf_values(
    plan: Plan, profile: CityProfile, framework_id: str
) -> tuple[dict[int, list[float]], dict[int, list[Any]]]:
    """Each rated leaf's values: level values on a scale, measured values otherwise."""
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
    and no evidence rule needs dates: what _leaf_values and combine_leaves give, in one loop."""
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


def _plain_results(
    plan: Plan, raw: Pass, leaves: _Leaves
) -> tuple[list[NodeResult | None], NodeResult]:
    """Every node's result but the whole's (depth first), and the whole's, with no modifier."""
    results = plan.template[:]  # each unrated leaf's result, None for the other nodes
    rated_leaf, single, measured = plan.rated_leaf, plan.single, leaves.measured
    for i, (value, n, spread) in leaves.raw.items():
        found = single[i].get(value) if n == 1 else None  # most leaves: seen before
        results[i - 1] = (
            found if found is not None else rated_leaf(i, value, n, spread, measured.get(i))
        )
    estimate, lower, upper, coverage, count = (
        raw.estimate, raw.lower, raw.upper, raw.coverage, raw.count
    )  # fmt: skip
    share, threshold, ids, parent_ids, depth, kinds, target = (
        plan.share, plan.threshold, plan.ids, plan.parent_ids, plan.depth, plan.kinds, plan.target
    )  # fmt: skip
    for i, v in raw.imputed.items():  # never shared: imputation is rare
        score = imputed_score(v, share[i])
        results[i - 1] = plan.leaf_result(
            i, score, score, None, 0, None, target[i], None, plan.missing[i]
        )
    for i in plan.internal_reverse:
        if i:
            score = node_score(estimate[i], lower[i], upper[i], coverage[i], share[i], threshold)
            results[i - 1] = new_result(
                ids[i], parent_ids[i], depth[i], kinds[i], score, score, None, None, count[i],
                None, target[i], None, None, None, plan.switched_off[i],
            )  # fmt: skip
    return results, _overall(plan, raw)


def _overall(plan: Plan, raw: Pass) -> NodeResult:
    """The whole's result with no modifier (the whole is never a leaf)."""
    score = node_score(
        raw.estimate[0], raw.lower[0], raw.upper[0], raw.coverage[0], plan.share[0], plan.threshold
    )
    return new_result(
        OVERALL, None, 0, "framework", score, score, None, None, raw.count[0], None,
        plan.target[0], None, None, None, False,
    )  # fmt: skip


def _adjust(
    plan: Plan,
    raw: Pass,
    leaves: _Leaves,
    aggregations: Mapping[str, Aggregation],
    effects: Effects,
    cohort: CohortStats | None,
) -> tuple[Pass, Leaves]:
    """The adjusted pass, reusing the raw one, and the leaf values it used."""
    targets = {plan.index[c]: t for c, t in effects.targets.items()}
    quantitative = {i: t for i, t in targets.items() if plan.goalposts[i] is not None}
    if not quantitative:
        return adjusted_pass(plan, raw, {}, aggregations, effects, raw.imputed), leaves.raw
    adjusted_leaves = combine_leaves(plan, leaves.values, leaves.dates, quantitative, cohort)[0]
    imputed = impute(plan, adjusted_leaves, quantitative, cohort) if plan.imputing else {}
    changed = {i: adjusted_leaves[i] for i in quantitative if i in adjusted_leaves}
    return adjusted_pass(plan, raw, changed, aggregations, effects, imputed), adjusted_leaves


def _adjust_results(
    plan: Plan,
    adjusted: Pass,
    leaves: Leaves,
    effects: Effects,
    results: list[NodeResult | None] | None,
    overall: NodeResult,
) -> NodeResult:
    """Replace, in *results*, the nodes the modifiers change; return the whole's result (the
    whole's alone without *results*)."""
    target_effects = effects.targets
    changed = set(adjusted.touched or ())
    if target_effects:
        changed.update(
            plan.index[c] for c in target_effects if plan.goalposts[plan.index[c]] is None
        )
    for i in sorted(changed) if results is not None else [0] if 0 in changed else []:
        base = results[i - 1] if i and results is not None else overall
        assert base is not None
        target = base.target
        if i and plan.goalposts[i] is None:
            target = target_effects.get(plan.ids[i], target)
        leaf = leaves.get(i) if plan.is_leaf[i] else None
        value, spread = (leaf[0], leaf[2]) if leaf is not None else (None, None)
        result = new_result(
            base.id, base.parent, base.depth, base.kind, base.raw,
            _adjusted_score(plan, adjusted, i), value,
            plan.level_of(i, value) if value is not None else None, base.evidence_count, spread,
            target, base.measured, base.unit, base.imputed, base.switched_off,
        )  # fmt: skip
        if i and results is not None:
            results[i - 1] = result
        else:
            overall = result
    return overall


def _adjusted_score(plan: Plan, adjusted: Pass, i: int) -> NodeScore:
    if not adjusted.is_applicable(i):
        return _NOT_APPLICABLE
    if i in adjusted.imputed:
        return imputed_score(adjusted.imputed[i], adjusted.share[i])
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
