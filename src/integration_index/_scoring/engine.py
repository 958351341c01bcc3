"""The scoring engine: a pure, deterministic function of (profile, framework).

See docs/scoring.md for the contract this module implements.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from integration_index._model.framework import OVERALL, Criterion, Framework
from integration_index._model.profile import CityProfile, Evidence
from integration_index._model.scorecard import ContextEntry, NodeResult, NodeScore, ScoreCard
from integration_index._scoring.aggregations import Aggregation
from integration_index._scoring.modifiers import Effects, resolve_effects

__all__ = ["combine_ratings", "score_profile"]

# Coverage is a ratio of float sums: compare to the threshold with a little slack.
_COVERAGE_EPSILON = 1e-9
_NOT_APPLICABLE = NodeScore(None, None, None, 0.0, 0.0, applicable=False)


def combine_ratings(values: Sequence[float], rule: str, dates: Sequence[object] = ()) -> float:
    """Combine several ratings of one leaf (each in [0, 1]) by an evidence rule.

    "latest" keeps the items with the latest date (undated items count as oldest) and takes
    their median, so the result never depends on the order of the items.
    """
    if rule == "latest" and dates:
        dated = [
            (date, value) for date, value in zip(dates, values, strict=True) if date is not None
        ]
        if dated:
            newest = max(date for date, _ in dated)  # type: ignore[type-var]
            values = [value for date, value in dated if date == newest]
        rule = "median"
    if rule == "mean":
        return math.fsum(values) / len(values)
    if rule == "min":
        return min(values)
    if rule == "max":
        return max(values)
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


class _Leaf:
    """A leaf's combined rating."""

    __slots__ = ("count", "level", "spread", "value")

    def __init__(self, value: float, count: int, spread: float | None, level: str | None) -> None:
        self.value = value
        self.count = count
        self.spread = spread
        self.level = level


class _State:
    """A node's values in one pass, on [0, 1]."""

    __slots__ = ("count", "coverage", "estimate", "lower", "upper")

    def __init__(
        self, estimate: float | None, lower: float, upper: float, coverage: float, count: int
    ) -> None:
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.coverage = coverage
        self.count = count


class _Pass:
    """One bottom-up pass over the criteria tree (raw, or adjusted by effects)."""

    def __init__(
        self,
        framework: Framework,
        ratings: Mapping[str, list[Evidence]],
        aggregations: Mapping[str, Aggregation],
        effects: Effects | None,
    ) -> None:
        self.framework = framework
        self.ratings = ratings
        self.aggregations = aggregations
        self.effects = effects
        self.leaves: dict[str, _Leaf] = {}
        self.states: dict[str, _State | None] = {}
        self.weights: dict[str, float] = {}
        self.root_state: _State | None = None

    def leaf(self, node: Criterion) -> _Leaf | None:
        items = self.ratings.get(node.id)
        if not items:
            return None
        framework = self.framework
        goalposts = node.goalposts
        if goalposts is not None:
            target = self.effects.targets.get(node.id) if self.effects else None
            values = [goalposts.normalise(float(item.rating), target) for item in items]
            scale = None
        else:
            scale = framework.scale_of(node)
            assert scale is not None
            level_values = scale.values
            values = [level_values[item.rating] for item in items]  # type: ignore[index]
        rule = node.evidence_rule or framework.settings.evidence_rule
        value = combine_ratings(
            values, rule, [item.date for item in items] if rule == "latest" else ()
        )
        spread = (max(values) - min(values)) * 100.0 if len(values) > 1 else None
        level = scale.nearest(value).id if scale is not None else None
        return _Leaf(value, len(values), spread, level)

    def visit(self, node: Criterion) -> _State | None:
        """Compute a node's state; None when it is not applicable."""
        effects = self.effects
        if effects is not None and node.id in effects.not_applicable:
            self.states[node.id] = None
            return None
        state: _State | None
        if node.is_leaf:
            leaf = self.leaf(node)
            if leaf is None:
                state = _State(None, 0.0, 1.0, 0.0, 0)
            else:
                self.leaves[node.id] = leaf
                state = _State(leaf.value, leaf.value, leaf.value, 1.0, leaf.count)
        else:
            state = self.aggregate(node, node.children)
        self.states[node.id] = state
        return state

    def aggregate(self, node: Criterion, children: Sequence[Criterion]) -> _State | None:
        factors = self.effects.weight_factors if self.effects is not None else {}
        states: list[_State] = []
        weights: list[float] = []
        ids: list[str] = []
        for child in children:
            state = self.visit(child)
            if state is None:
                continue
            states.append(state)
            weights.append(child.weight * factors.get(child.id, 1.0))
            ids.append(child.id)
        if not states:
            return None
        total = math.fsum(weights)
        for child_id, weight in zip(ids, weights, strict=True):
            self.weights[child_id] = weight / total
        name = node.aggregation or self.framework.settings.aggregation
        function = self.aggregations[name].function
        estimate = function([state.estimate for state in states], weights, node)
        lower = function([state.lower for state in states], weights, node)
        upper = function([state.upper for state in states], weights, node)
        assert lower is not None and upper is not None
        if estimate is not None:
            # Guard the bounds against the last bit of floating-point rounding.
            lower = min(lower, estimate)
            upper = max(upper, estimate)
        coverage = math.fsum(w * s.coverage for w, s in zip(weights, states, strict=True)) / total
        return _State(estimate, lower, upper, min(1.0, coverage), sum(s.count for s in states))

    def run(self) -> _Pass:
        root = self.framework.root
        self.root_state = self.aggregate(root, root.children)
        return self

    def node_score(self, node_id: str) -> NodeScore:
        state = self.states.get(node_id) if node_id != OVERALL else self.root_state
        if state is None:
            return _NOT_APPLICABLE
        return self.to_score(state, self.weights.get(node_id, 1.0))

    def to_score(self, state: _State, weight: float) -> NodeScore:
        estimate = state.estimate
        shown = (
            estimate is not None
            and state.coverage > 0.0
            and state.coverage + _COVERAGE_EPSILON >= self.framework.settings.min_coverage
        )
        return NodeScore(
            score=estimate * 100.0 if shown and estimate is not None else None,
            lower=state.lower * 100.0,
            upper=state.upper * 100.0,
            coverage=state.coverage,
            weight=weight,
        )


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
    ratings: dict[str, list[Evidence]] = {}
    for item in profile.evidence_for(framework.id):
        ratings.setdefault(item.criterion, []).append(item)
    effects = resolve_effects(profile, framework)

    raw = _Pass(framework, ratings, aggregations, None).run()
    adjusted = raw if effects.empty else _Pass(framework, ratings, aggregations, effects).run()

    parents = framework.parents
    results: list[NodeResult] = []
    depth: dict[str | None, int] = {None: 0}
    for node_id, node in framework.nodes.items():
        parent = parents[node_id]
        node_depth = depth[parent] + 1
        depth[node_id] = node_depth
        leaf = adjusted.leaves.get(node_id) or raw.leaves.get(node_id)
        raw_state = raw.states.get(node_id)
        results.append(
            NodeResult(
                id=node_id,
                parent=parent if parent is not None else OVERALL,
                depth=node_depth,
                kind=node.kind,
                raw=raw.node_score(node_id),
                adjusted=adjusted.node_score(node_id),
                value=leaf.value if leaf is not None else None,
                level=leaf.level if leaf is not None else None,
                evidence_count=raw_state.count if raw_state is not None else 0,
                spread=leaf.spread if leaf is not None else None,
                target=effects.targets.get(node_id, framework.target_of(node_id))
                if node.goalposts is None
                else framework.target_of(node_id),
            )
        )
    overall = NodeResult(
        id=OVERALL,
        parent=None,
        depth=0,
        kind="framework",
        raw=raw.node_score(OVERALL),
        adjusted=adjusted.node_score(OVERALL),
        evidence_count=raw.root_state.count if raw.root_state is not None else 0,
        target=framework.settings.target,
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
        warnings=_warnings(framework, overall, raw),
        engine_version=engine_version,
    )


def _warnings(framework: Framework, overall: NodeResult, raw: _Pass) -> tuple[str, ...]:
    warnings: list[str] = []
    leaves = framework.leaves
    unrated = sum(1 for leaf in leaves if leaf.id not in raw.leaves)
    if unrated:
        warnings.append(f"{unrated} of {len(leaves)} rated criteria have no evidence")
    adjusted = overall.adjusted
    if adjusted.applicable and adjusted.score is None:
        warnings.append(
            f"overall coverage {adjusted.coverage:.0%} is below the framework's threshold "
            f"{framework.settings.min_coverage:.0%}: no overall score"
        )
    return tuple(warnings)
