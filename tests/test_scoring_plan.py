"""The compiled scoring plan, its cache, and the shortcuts the engine takes for speed.

The engine sums the weighted mean with unassessed children kept in at a zero weight, starts the
adjusted pass from the raw one, builds card objects without their ``__init__`` and shares leaf
results between cards. None of that may change a single bit of a card: the property test here
compares every node's raw and adjusted scores, by ``repr`` (so -0.0 and the last bit count),
with :func:`reference`, a node-by-node pass over the criteria tree written as docs/scoring.md
states it, children of each node gathered into lists, which is how the engine computed before. On cohort frameworks (``frameworks(cohort=True)``:
cohort normalisation, missing values imputed, switched-off criteria) the reference takes its leaf
values from ``_scoring/leaves.py``, the engine's general path, and checks every field of every
leaf's result against them.
"""

from __future__ import annotations

import datetime
import math
import pickle
from collections.abc import Mapping

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import integration_index as ii
from integration_index._api.core import scoring_context
from integration_index._api.runs import needs_cohort
from integration_index._model.builders import builder
from integration_index._scoring.aggregations import (
    aggregate,
    builtin_aggregations,
    fused_weighted_mean,
    weighted_mean,
)
from integration_index._scoring.context import ScoringContext
from integration_index._scoring.engine import score_profile
from integration_index._scoring.leaves import (
    clipping_warnings,
    combine_leaves,
    impute,
    leaf_values,
    normalisation_used,
)
from integration_index._scoring.modifiers import Effects, resolve_effects
from integration_index._scoring.plan import COVERAGE_EPSILON, Plan, Plans
from integration_index.model import (
    CohortStats,
    ContextEntry,
    Criterion,
    Evidence,
    Framework,
    Level,
    NodeResult,
    NodeScore,
    ScoreCard,
)
from integration_index.testing import cohorts, frameworks, profiles

AGGREGATIONS = {aggregation.name: aggregation for aggregation in builtin_aggregations()}
NOT_APPLICABLE = NodeScore(
    score=None, lower=None, upper=None, coverage=0.0, weight=0.0, applicable=False
)
Values = tuple[
    float | None, float, float, float, bool
]  # estimate, lower, upper, coverage, applicable


def reference(
    framework: Framework,
    leaves: Mapping[str, float],
    effects: Effects | None,
    imputed: Mapping[str, float] | None = None,
) -> dict[str, NodeScore]:
    """Every node's NodeScore (and the whole's, under ``"overall"``), one node at a time; an
    *imputed* leaf has an estimate with no coverage and bounds [0, 1]; a child of weight 0 is
    scored and never counted."""
    imputed = imputed or {}
    left_out: set[str] = set()
    factors: Mapping[str, float] = {}
    if effects is not None:
        for criterion_id in effects.not_applicable:
            left_out.update(node.id for node in framework.nodes[criterion_id].walk())
        factors = effects.weight_factors
    filtered = bool(left_out) or bool(factors)
    shares: dict[str, float] = {"overall": 1.0}
    values: dict[str, Values] = {}

    def visit(node: Criterion, node_id: str) -> Values:
        if node_id != "overall" and node.is_leaf:
            found = leaves.get(node_id)
            applicable = node_id not in left_out
            result: Values = (
                (found, found, found, 1.0, applicable)
                if found is not None
                else (imputed.get(node_id), 0.0, 1.0, 0.0, applicable)
            )
            values[node_id] = result
            return result
        below = [(child, visit(child, child.id)) for child in node.children]
        below = [(child, v) for child, v in below if child.weight > 0.0]  # switched off
        if node_id in left_out:
            values[node_id] = (None, 0.0, 1.0, 0.0, False)
            return values[node_id]
        kids = [(child, v) for child, v in below if v[4] or not filtered]
        if not kids:
            values[node_id] = (None, 0.0, 1.0, 0.0, False)
            return values[node_id]
        weights = [child.weight * factors.get(child.id, 1.0) for child, _ in kids]
        total = math.fsum(weights)
        for (child, _), weight in zip(kids, weights, strict=True):
            shares[child.id] = weight / total
        estimates = [v[0] for _, v in kids]
        lows = [v[1] for _, v in kids]
        highs = [v[2] for _, v in kids]
        coverages = [v[3] for _, v in kids]
        method = node.aggregation or framework.settings.aggregation
        if AGGREGATIONS[method].function is weighted_mean:
            index = list(range(len(kids)))
            est, low, high, covered = fused_weighted_mean(
                index, weights, total, estimates, lows, highs, coverages
            )
        else:
            est, low, high = aggregate(AGGREGATIONS[method], node, weights, estimates, lows, highs)
            covered = [w * c for w, c in zip(weights, coverages, strict=True)]
        if est is not None:
            low, high = min(low, est), max(high, est)
        values[node_id] = (est, low, high, min(1.0, math.fsum(covered) / total), True)
        return values[node_id]

    visit(framework.root, "overall")
    threshold = framework.settings.min_coverage - COVERAGE_EPSILON
    scores: dict[str, NodeScore] = {}
    for node_id, (est, low, high, coverage, applicable) in values.items():
        if not applicable:
            scores[node_id] = NOT_APPLICABLE
            continue
        if est is not None and (coverage <= 0.0 or coverage < threshold):
            est = est if node_id in imputed else None
        scores[node_id] = NodeScore(
            score=None if est is None else est * 100.0,
            lower=low * 100.0,
            upper=high * 100.0,
            coverage=coverage,
            weight=shares.get(node_id, 0.0),
        )
    return scores


@settings(max_examples=150)
@given(data=st.data())
def test_every_number_is_that_of_the_node_by_node_pass_to_the_bit(data: st.DataObject) -> None:
    framework = data.draw(frameworks())
    profile = data.draw(profiles(framework, coverage=data.draw(st.sampled_from([None, 0.4]))))
    check_against_reference(framework, profile, None)


@settings(max_examples=150)
@given(data=st.data())
def test_cohort_features_are_those_of_the_reference_to_the_bit(data: st.DataObject) -> None:
    framework = data.draw(frameworks(cohort=True))
    stats = data.draw(cohorts(framework))
    profile = data.draw(profiles(framework, coverage=data.draw(st.sampled_from([None, 0.4]))))
    assert needs_cohort(framework) == bool(Plan(framework).needs_cohort)
    check_against_reference(framework, profile, stats)


def check_against_reference(
    framework: Framework, profile: ii.CityProfile, stats: CohortStats | None
) -> None:
    """The engine's card, twice from one cache, is the reference's, number and field."""
    plans = Plans()
    card = score_profile(profile, framework, AGGREGATIONS, plan=plans.get(framework), cohort=stats)
    again = score_profile(profile, framework, AGGREGATIONS, plan=plans.get(framework), cohort=stats)
    assert repr(again) == repr(card)  # the second card, from shared leaf results, is the same
    summary = score_profile(
        profile, framework, AGGREGATIONS, plan=plans.get(framework), cohort=stats, nodes=False
    )  # the summary card: the full one without its nodes and context, to the bit
    assert repr(summary) == repr(attrs.evolve(card, nodes=(), context=()))
    plan = Plan(framework)
    effects = resolve_effects(profile, framework)
    values, dates = leaf_values(plan, profile, framework.id)
    raw_leaves, measured = combine_leaves(plan, values, dates, {}, stats)
    targets = {
        plan.index[c]: t
        for c, t in effects.targets.items()
        if plan.goalposts[plan.index[c]] is not None
    }
    adjusted_leaves = combine_leaves(plan, values, dates, targets, stats)[0]
    raw_imputed = impute(plan, raw_leaves, {}, stats)
    adjusted_imputed = impute(plan, adjusted_leaves, targets, stats)
    named = plan.ids.__getitem__
    raw = reference(
        framework,
        {named(i): v[0] for i, v in raw_leaves.items()},
        None,
        {named(i): v for i, v in raw_imputed.items()},
    )
    adjusted = reference(
        framework,
        {named(i): v[0] for i, v in adjusted_leaves.items()},
        effects,
        {named(i): v for i, v in adjusted_imputed.items()},
    )
    for result in (card.overall, *card.nodes):
        assert repr(result.raw) == repr(raw[result.id]), result.id
        assert repr(result.adjusted) == repr(adjusted[result.id]), result.id
    for result in card.nodes:
        i = plan.index[result.id]
        node = framework.nodes[result.id]
        assert result.switched_off is (node.weight == 0.0)
        assert result.imputed == (plan.missing[i] if i in adjusted_imputed else None)
        leaf = adjusted_leaves.get(i)
        expected_value = leaf[0] if leaf is not None else None
        assert repr((result.value, result.spread)) == repr(
            (expected_value, leaf[2] if leaf is not None else None)
        )
        assert repr(result.measured) == repr(measured.get(i))
        measured_by = node.goalposts or node.normalisation
        assert result.unit == (measured_by.unit if measured_by is not None else None)
    assert card.warnings[len(card.warnings) - len(clipping_warnings(plan, values)) :] == (
        clipping_warnings(plan, values)
    )
    assert card.normalisation == normalisation_used(plan, stats)


def test_a_builder_makes_what_init_makes() -> None:
    score = NodeScore(score=50.0, lower=10.0, upper=90.0, coverage=0.5, weight=0.25)
    assert builder(NodeScore)(50.0, 10.0, 90.0, 0.5, 0.25, True) == score
    result = NodeResult(id="a", parent="overall", depth=1, kind="group", raw=score, adjusted=score)
    built = builder(NodeResult)(
        "a", "overall", 1, "group", score, score, None, None, 0, None, None, None, None, None, False
    )
    assert built == result
    assert hash(built) == hash(result)
    assert repr(built) == repr(result)
    entry = ContextEntry(factor="f", title="F", value=True)
    assert builder(ContextEntry)("f", "F", True) == entry
    evidence = Evidence(
        criterion="q", rating="yes", source="document", date=datetime.date(2024, 1, 2)
    )
    fields = [getattr(evidence, f.name) for f in attrs.fields(Evidence)]
    assert builder(Evidence, handled=("rating",))(*fields) == evidence
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.depth = 2  # type: ignore[misc]
    tuples = ("nodes", "modifiers", "context", "warnings", "normalisation", "weight_overrides")
    card = builder(ScoreCard, handled=tuples)(
        "fw", "1", "c", "C", datetime.date(2024, 1, 1), "external", result, (result,), (),
        (entry,), (), "0", (), (), None,
    )  # fmt: skip
    assert card.node("a") is result  # its cached lookup works on a built card


def test_a_builder_refuses_a_class_whose_checks_it_would_skip() -> None:
    with pytest.raises(TypeError, match="value has a converter"):
        builder(Level)  # Level.value has a converter and a validator
    with pytest.raises(TypeError, match="rating has a converter"):
        builder(Evidence)  # unless the caller says it applies the converter itself

    @attrs.frozen
    class Later:
        x: int

        def __attrs_post_init__(self) -> None:
            pass

    with pytest.raises(TypeError, match="post_init"):
        builder(Later)


def test_plans_are_compiled_once_per_framework_and_pickle_empty() -> None:
    framework = ii.get_framework("eurocities")
    plans = Plans()
    plan = plans.get(framework)
    assert plans.get(framework) is plan
    assert plan.framework is framework
    copy = pickle.loads(pickle.dumps(plans))
    assert copy.get(framework) is not plan  # a worker compiles its own
    other = attrs.evolve(framework, version="other")  # equal ids, another object
    assert plans.get(other) is not plan
    assert plans.get(other).framework is other


def test_a_context_carries_the_registrys_plans_and_not_through_pickle() -> None:
    registry = ii.Registry()
    first = scoring_context(registry=registry)
    second = scoring_context(registry=registry)
    framework = first.framework("eurocities")
    assert second.plan(framework) is first.plan(framework)  # the registry's cache, shared
    assert first == second  # the cache is no part of the value
    sent = pickle.loads(pickle.dumps(first))
    assert isinstance(sent, ScoringContext)
    assert sent.plan(sent.framework("eurocities")) is not first.plan(framework)
    assert ScoringContext().plans is not ScoringContext().plans
