"""The Hypothesis strategies of ``integration_index.testing`` and ``check_framework``.

The generated data must be valid (every profile fits its framework) and must exercise every
feature the scoring contract covers, or the property tests of docs/scoring.md prove little.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

import integration_index as ii
from integration_index.model import CityProfile, CohortStats, Criterion, Framework, ScoreCard
from integration_index.testing import check_framework, cohorts, criteria, frameworks, profiles

REGISTRY = ii.Registry(entry_points=False)


@st.composite
def pairs(draw: st.DrawFn, /, *, coverage: float | None = None) -> tuple[Framework, CityProfile]:
    framework = draw(frameworks())
    return framework, draw(profiles(framework, coverage=coverage))


@given(pairs() | pairs(coverage=1.0))
def test_every_generated_profile_fits_its_framework(pair: tuple[Framework, CityProfile]) -> None:
    framework, profile = pair
    assert ii.check_profile(profile, [framework], registry=REGISTRY) == []


@given(pairs(coverage=1.0))
def test_coverage_one_rates_every_leaf(pair: tuple[Framework, CityProfile]) -> None:
    framework, profile = pair
    assert {item.criterion for item in profile.evidence} == {leaf.id for leaf in framework.leaves}


@given(st.integers(1, 6), st.data())
def test_criteria_reach_the_depth_asked_and_no_further(depth: int, data: st.DataObject) -> None:
    tree = data.draw(criteria("r", depth=depth, max_nodes=10))
    deepest = max(node.id.count(".") + 1 for node in tree.walk())
    assert deepest == depth
    assert sum(1 for _ in tree.walk()) <= 10 + depth


@given(frameworks())
def test_generated_frameworks_conform(framework: Framework) -> None:
    assert check_framework(framework, samples=3, registry=REGISTRY) == []


@given(frameworks())
def test_generated_frameworks_survive_a_round_trip_to_plain_data(framework: Framework) -> None:
    from integration_index._io.convert import model_converter

    converter = model_converter()
    assert converter.structure(converter.unstructure(framework), Framework) == framework


@given(frameworks())
def test_generated_frameworks_survive_a_toml_round_trip(framework: Framework) -> None:
    assert ii.loads_framework(ii.dumps_framework(framework), registry=REGISTRY) == framework


def _highest(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> float | None:
    assessed = [value for value in values if value is not None]
    return max(assessed) if assessed else None


class _Highest:
    """A plugin that registers one monotone aggregation, "highest"."""

    @ii.hookimpl
    def integration_index_register_aggregations(self, register: Callable[..., None]) -> None:
        register("highest", _highest, monotone=True, description="The strongest child.")


def test_check_framework_takes_the_aggregations_from_the_registry_given() -> None:
    registry = ii.Registry(entry_points=False)
    registry.register_plugin(_Highest(), name="highest")
    seen = []

    @settings(max_examples=10, database=None, deadline=None, derandomize=True)
    @given(frameworks(aggregations=("highest", "weighted_mean")))
    def conforms(framework: Framework) -> None:
        assert check_framework(framework, samples=3, registry=registry) == []
        seen.append(framework)

    conforms()
    uses = [f for f in seen if f.settings.aggregation == "highest"]
    assert uses
    failures = check_framework(uses[0], registry=REGISTRY)
    assert failures and all("unknown aggregation 'highest'" in failure for failure in failures)


# -- the generated data exercises every feature --------------------------------------------------


def _measured_position(framework: Framework, criterion: str, rating: float) -> str:
    posts = framework.node(criterion).goalposts
    assert posts is not None
    if rating in (posts.min, posts.max):
        return "measured at a goalpost"
    if posts.min < rating < posts.max:
        return "measured between the goalposts"
    return "measured below min" if rating < posts.min else "measured above max"


def features(framework: Framework, profile: CityProfile, card: ScoreCard) -> set[str]:
    """What one generated example exercises."""
    found = {f"depth {max(result.depth for result in card.nodes)}"}
    found.add(f"{len(framework.scales)} scales")
    found.add(f"min_coverage {'0' if framework.settings.min_coverage == 0 else 'above 0'}")
    for node in framework.nodes.values():
        if node.children:
            found.add(f"aggregation {node.aggregation or framework.settings.aggregation}")
            continue
        found.add(f"evidence rule {node.evidence_rule or framework.settings.evidence_rule}")
        posts = node.goalposts
        if posts is None:
            found.add("leaf on a scale")
            continue
        found |= {"quantitative leaf", f"direction {posts.direction}"}
        found.add("goalposts with a target" if posts.target is not None else "without a target")
        found.add("goalposts with a unit" if posts.unit else "goalposts without a unit")
    counts = Counter(item.criterion for item in profile.evidence)
    if counts and max(counts.values()) > 1:
        found.add("several items on one leaf")
    for item in profile.evidence:
        if isinstance(item.rating, float):
            found.add(_measured_position(framework, item.criterion, item.rating))
    found |= {f"factor kind {factor.kind}" for factor in framework.contextual_factors}
    applied = {modifier.id for modifier in card.modifiers}
    context: Mapping[str, object] = profile.context.get(framework.id, {})
    for rule in framework.modifiers:
        found.add(f"effect {rule.effect}")
        found.add(f"condition {rule.when.tests()[0]}" if rule.when else "rule without condition")
        if rule.when is not None:
            found.add("condition holds" if rule.id in applied else "condition does not hold")
            if rule.when.factor not in context:
                found.add("condition on a factor the profile leaves out")
        if "*" in rule.criteria:
            found.add('rule on "*"')
        if rule.effect == "adjust_target" and framework.node(rule.criteria[0]).goalposts:
            found.add("adjust_target on a quantitative leaf")
    if framework.competence_exclusions:
        found.add("competence exclusions")
    if profile.exclusions:
        found.add("profile exclusions")
    for result in card.nodes:
        if not result.adjusted.applicable:
            found.add("node left out")
        if result.raw.score is None and result.raw.coverage > 0:
            found.add("score hidden below min_coverage")
        if not math.isclose(result.raw.weight, result.adjusted.weight):
            found.add("weight changed by a modifier")
    return found


REQUIRED = {
    "depth 1",
    "depth 5",
    "depth 6",
    "1 scales",
    "3 scales",
    "min_coverage 0",
    "min_coverage above 0",
    *(f"aggregation {name}" for name in ("weighted_mean", "geometric_mean", "minimum", "gate")),
    *(f"evidence rule {rule}" for rule in ("median", "mean", "min", "max", "latest")),
    "leaf on a scale",
    "quantitative leaf",
    "direction higher",
    "direction lower",
    "goalposts with a target",
    "without a target",
    "goalposts with a unit",
    "goalposts without a unit",
    "several items on one leaf",
    "measured at a goalpost",
    "measured between the goalposts",
    "measured below min",
    "measured above max",
    *(f"factor kind {kind}" for kind in ("text", "choice", "number", "boolean")),
    *(f"effect {effect}" for effect in ("not_applicable", "scale_weight", "adjust_target")),
    *(f"condition {test}" for test in ("equals", "in", "below", "above", "present")),
    "rule without condition",
    "condition holds",
    "condition does not hold",
    "condition on a factor the profile leaves out",
    'rule on "*"',
    "adjust_target on a quantitative leaf",
    "competence exclusions",
    "profile exclusions",
    "node left out",
    "score hidden below min_coverage",
    "weight changed by a modifier",
}


def _features_of(pair: tuple[Framework, CityProfile]) -> set[str]:
    framework, profile = pair
    return features(framework, profile, ii.score(profile, framework, registry=REGISTRY))


@pytest.mark.parametrize("feature", sorted(REQUIRED))
def test_generated_data_exercises_every_feature(feature: str) -> None:
    """Each feature occurs within the first 400 examples (most within a few)."""
    found = find(
        pairs(),
        lambda pair: feature in _features_of(pair),
        settings=settings(max_examples=400, database=None, deadline=None, phases=[Phase.generate]),
    )
    assert feature in _features_of(found)


@pytest.mark.parametrize("max_depth", [1, 3, 6])
def test_max_depth_bounds_the_tree(max_depth: int) -> None:
    @settings(max_examples=20, database=None, deadline=None)
    @given(frameworks(max_depth=max_depth))
    def bounded(framework: Framework) -> None:
        assert max(len(framework.ancestors(node)) + 1 for node in framework.nodes) <= max_depth

    bounded()


# -- frameworks(cohort=True): cohort rules, missing-value rules, switched-off criteria -----------


@st.composite
def cohort_triples(draw: st.DrawFn, /) -> tuple[Framework, CohortStats, CityProfile]:
    framework = draw(frameworks(cohort=True))
    return framework, draw(cohorts(framework)), draw(profiles(framework))


@given(cohort_triples())
def test_every_generated_cohort_profile_fits_and_scores(
    triple: tuple[Framework, CohortStats, CityProfile],
) -> None:
    framework, stats, profile = triple
    assert ii.check_profile(profile, [framework], registry=REGISTRY) == []
    card = ii.score(profile, framework, registry=REGISTRY, cohort=stats)
    for result in card.nodes:
        parent = framework.nodes.get(result.parent or "")
        siblings = parent.children if parent is not None else framework.criteria
        assert result.switched_off == (framework.node(result.id).weight == 0.0)
        assert any(node.weight > 0.0 for node in siblings)


def cohort_features(triple: tuple[Framework, CohortStats, CityProfile]) -> set[str]:
    framework, stats, profile = triple
    card = ii.score(profile, framework, registry=REGISTRY, cohort=stats)
    found: set[str] = set()
    for node in framework.nodes.values():
        rule = node.normalisation
        if rule is not None:
            found |= {f"normalisation {rule.method}", f"normalisation {rule.direction}"}
            found.add("winsorised" if rule.winsorise else "not winsorised")
    rated = {item.criterion for item in profile.evidence}
    for result in card.nodes:
        if result.switched_off:
            kind = "group" if framework.node(result.id).children else "leaf"
            found.add(f"switched-off {kind}")
        if result.imputed:
            normalised = framework.node(result.id).normalisation is not None
            found.add(f"imputed {result.imputed}" + (" under a cohort rule" if normalised else ""))
        if framework.node(result.id).normalisation is not None and result.id in rated:
            found.add("measured against the cohort")
    return found


COHORT_REQUIRED = {
    *(
        f"normalisation {method}"
        for method in ("minmax", "zscore", "rank", "distance_to_best", "distance_to_target")
    ),
    "normalisation higher",
    "normalisation lower",
    "winsorised",
    "not winsorised",
    "switched-off group",
    "switched-off leaf",
    "imputed zero",
    "imputed mean",
    "imputed mean under a cohort rule",
    "measured against the cohort",
}


@pytest.mark.parametrize("feature", sorted(COHORT_REQUIRED))
def test_generated_cohort_data_exercises_every_feature(feature: str) -> None:
    """Each cohort feature occurs within the first 400 examples."""
    found = find(
        cohort_triples(),
        lambda triple: feature in cohort_features(triple),
        settings=settings(max_examples=400, database=None, deadline=None, phases=[Phase.generate]),
    )
    assert feature in cohort_features(found)
