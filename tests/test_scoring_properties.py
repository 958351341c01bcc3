"""Properties of the scoring engine over generated frameworks and profiles (docs/scoring.md)."""

from __future__ import annotations

import datetime
import math

import attrs
from hypothesis import given
from hypothesis import strategies as st

import integration_index as ii
from integration_index._model.framework import Criterion, Framework, ModifierRule
from integration_index._model.profile import CityProfile, Evidence
from integration_index._model.text import Text
from integration_index._scoring.aggregations import builtin_aggregations
from integration_index._scoring.engine import score_profile
from integration_index.testing import frameworks, profiles

AGGREGATIONS = {a.name: a for a in builtin_aggregations()}
MONOTONE = ("weighted_mean", "geometric_mean", "minimum", "gate")
SYMMETRIC = ("weighted_mean", "geometric_mean", "minimum")  # order of children does not matter


def run(profile: CityProfile, framework: Framework) -> ii.ScoreCard:
    return score_profile(profile, framework, AGGREGATIONS)


def all_results(card: ii.ScoreCard) -> list[ii.NodeResult]:
    return [card.overall, *card.nodes]


@st.composite
def framework_and_profile(draw: st.DrawFn, /, **kwargs: object) -> tuple[Framework, CityProfile]:
    framework = draw(frameworks(**kwargs))  # type: ignore[arg-type]
    return framework, draw(profiles(framework))


@given(framework_and_profile())
def test_scores_and_bounds_lie_in_range_and_in_order(pair: tuple[Framework, CityProfile]) -> None:
    framework, profile = pair
    card = run(profile, framework)
    for result in all_results(card):
        for node in (result.raw, result.adjusted):
            assert node.lower is not None and node.upper is not None
            assert 0.0 <= node.lower <= node.upper <= 100.0
            assert 0.0 <= node.coverage <= 1.0
            if node.score is not None:
                assert node.lower <= node.score <= node.upper


@given(st.data())
def test_full_coverage_closes_the_bounds(data: st.DataObject) -> None:
    framework = data.draw(frameworks())
    profile = data.draw(profiles(framework, coverage=1.0))
    card = run(profile, framework)
    for result in all_results(card):
        assert result.raw.coverage == 1.0
        assert result.raw.score is not None
        assert result.raw.lower == result.raw.score == result.raw.upper


@given(frameworks(), st.sampled_from(["max", "min"]))
def test_uniform_ratings_give_the_extremes(framework: Framework, pick: str) -> None:
    evidence = []
    for leaf in framework.leaves:
        scale = framework.scale_of(leaf)
        assert scale is not None
        level = scale.levels[-1] if pick == "max" else scale.levels[0]
        evidence.append(Evidence(leaf.id, level.id, "document"))
    profile = CityProfile(
        ii.City("x", "X"), ii.Assessment((framework.id,), ii_date()), tuple(evidence)
    )
    card = run(profile, framework)
    expected = 100.0 if pick == "max" else 0.0
    for result in all_results(card):
        assert result.raw.score == expected


def ii_date() -> datetime.date:
    return datetime.date(2024, 1, 1)


@given(st.data())
def test_raising_one_rating_never_lowers_an_ancestor(data: st.DataObject) -> None:
    framework = data.draw(frameworks(aggregations=MONOTONE))
    profile = data.draw(profiles(framework))
    if not profile.evidence:
        return
    index = data.draw(st.integers(0, len(profile.evidence) - 1))
    item = profile.evidence[index]
    scale = framework.scale_of(framework.node(item.criterion))
    assert scale is not None and isinstance(item.rating, str)
    rank = scale.rank(item.rating)
    higher = data.draw(st.integers(rank, len(scale.levels) - 1))
    raised = list(profile.evidence)
    raised[index] = attrs.evolve(item, rating=scale.levels[higher].id)
    before = run(profile, framework)
    after = run(attrs.evolve(profile, evidence=tuple(raised)), framework)
    chain = [item.criterion, *framework.ancestors(item.criterion), "overall"]
    for node_id in chain:
        old, new = before.node(node_id).raw, after.node(node_id).raw
        assert old.lower is not None and new.lower is not None
        assert new.lower >= old.lower - 1e-9
        assert new.upper is not None and old.upper is not None
        assert new.upper >= old.upper - 1e-9
        if old.score is not None and new.score is not None:
            assert new.score >= old.score - 1e-9


def _scale_weights(node: Criterion, factor: float, target: str) -> Criterion:
    children = tuple(
        attrs.evolve(child, weight=child.weight * factor) if node.id == target else child
        for child in node.children
    )
    children = tuple(_scale_weights(child, factor, target) for child in children)
    return attrs.evolve(node, children=children)


@given(st.data())
def test_multiplying_sibling_weights_by_a_constant_changes_nothing(data: st.DataObject) -> None:
    framework = data.draw(frameworks())
    profile = data.draw(profiles(framework))
    parents = [node.id for node in framework.nodes.values() if node.children]
    factor = data.draw(st.floats(0.01, 100.0))
    if parents:
        target = data.draw(st.sampled_from(parents))
        changed = attrs.evolve(
            framework,
            criteria=tuple(_scale_weights(top, factor, target) for top in framework.criteria),
        )
    else:  # scale the top-level siblings
        changed = attrs.evolve(
            framework,
            criteria=tuple(attrs.evolve(t, weight=t.weight * factor) for t in framework.criteria),
        )
    before, after = run(profile, framework), run(profile, changed)
    for old, new in zip(all_results(before), all_results(after), strict=True):
        for a, b in (
            (old.raw.score, new.raw.score),
            (old.raw.lower, new.raw.lower),
            (old.raw.upper, new.raw.upper),
        ):
            assert (a is None) == (b is None)
            if a is not None and b is not None:
                assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _reverse_children(node: Criterion) -> Criterion:
    aggregation = node.aggregation
    children = tuple(_reverse_children(child) for child in node.children)
    if aggregation != "gate":
        children = tuple(reversed(children))
    return attrs.evolve(node, children=children)


@given(st.data())
def test_reordering_evidence_or_criteria_changes_nothing(data: st.DataObject) -> None:
    framework = data.draw(frameworks(aggregations=SYMMETRIC))
    profile = data.draw(profiles(framework))
    shuffled = data.draw(st.permutations(profile.evidence))
    reordered = attrs.evolve(
        framework, criteria=tuple(reversed([_reverse_children(t) for t in framework.criteria]))
    )
    base = run(profile, framework)
    for other in (
        run(attrs.evolve(profile, evidence=tuple(shuffled)), framework),
        run(profile, reordered),
    ):
        assert other.overall == base.overall
        assert {n.id: n for n in other.nodes} == {n.id: n for n in base.nodes}


@given(st.data())
def test_a_neutral_modifier_changes_nothing(data: st.DataObject) -> None:
    framework = data.draw(frameworks())
    profile = data.draw(profiles(framework))
    target = data.draw(st.sampled_from(list(framework.nodes)))
    neutral = ModifierRule("neutral", "scale_weight", (target,), Text("no effect"), factor=1.0)
    modified = attrs.evolve(framework, modifiers=(neutral,))
    base, card = run(profile, framework), run(profile, modified)
    assert [m.id for m in card.modifiers] == ["neutral"]
    for result in all_results(card):
        assert result.adjusted == result.raw
        assert result.raw == base.node(result.id).raw


@given(st.data())
def test_not_applicable_leaves_the_raw_scores_alone_and_renormalises(data: st.DataObject) -> None:
    framework = data.draw(frameworks(aggregations=("weighted_mean",)))
    profile = data.draw(profiles(framework, coverage=1.0))
    if len(framework.criteria) < 2:
        return
    dropped = framework.criteria[0].id
    rule = ModifierRule("out", "not_applicable", (dropped,), Text("outside competence"))
    card = run(profile, attrs.evolve(framework, modifiers=(rule,)))
    base = run(profile, framework)
    assert card.overall.raw == base.overall.raw
    assert not card.node(dropped).adjusted.applicable
    remaining = [t for t in framework.criteria if t.id != dropped]
    weights = [t.weight for t in remaining]
    expected = math.fsum(
        w * (card.node(t.id).adjusted.score or 0.0) for w, t in zip(weights, remaining, strict=True)
    ) / math.fsum(weights)
    assert card.overall.adjusted.score is not None
    assert math.isclose(card.overall.adjusted.score, expected, rel_tol=1e-9, abs_tol=1e-9)


@given(framework_and_profile())
def test_profile_survives_a_toml_round_trip(pair: tuple[Framework, CityProfile]) -> None:
    _, profile = pair
    assert ii.loads_profile(ii.dumps_profile(profile)) == profile


@given(framework_and_profile())
def test_score_card_survives_a_json_round_trip(pair: tuple[Framework, CityProfile]) -> None:
    framework, profile = pair
    rule = ModifierRule(
        "half", "scale_weight", (framework.criteria[0].id,), Text("half weight"), factor=0.5
    )
    card = run(profile, attrs.evolve(framework, modifiers=(rule,)))
    assert ii.scorecard_from_json(ii.scorecard_to_json(card)) == card
    assert ii.scorecard_from_dict(ii.scorecard_to_dict(card)) == card


@given(frameworks())
def test_framework_survives_a_round_trip_to_plain_data(framework: Framework) -> None:
    from integration_index._io.convert import model_converter

    converter = model_converter()
    assert converter.structure(converter.unstructure(framework), Framework) == framework


@given(framework_and_profile())
def test_scoring_is_deterministic(pair: tuple[Framework, CityProfile]) -> None:
    framework, profile = pair
    assert run(profile, framework) == run(profile, framework)
