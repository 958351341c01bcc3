"""The vectorised scoring path gives the scalar engine's numbers (docs/uncertainty.md, section 1).

Every node of every card, raw and adjusted (score, lower, upper, coverage, normalised weight,
applicable), from the array path against the scalar engine's card: on every shipped example
profile and on Hypothesis-generated frameworks and profiles, to 1e-12.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
import pytest
from analysis_extra import analysis_extra
from hypothesis import event, given
from hypothesis import strategies as st

import integration_index as ii
from integration_index.analysis import PassArrays, ScoreArrays
from integration_index.model import Framework, NodeScore, ScoreCard, WeightOverride
from integration_index.testing import cohorts, frameworks, profiles

np = analysis_extra()

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIRS = ("examples/profiles", "examples/peer-review", "examples/oecd-checklist/profiles")
TOLERANCE = 1e-12
REGISTRY = ii.Registry(entry_points=False)


def _close(expected: float | None, got: float) -> bool:
    if expected is None:
        return bool(math.isnan(got))
    return abs(expected - got) <= TOLERANCE


def _check_pass(expected: NodeScore, got: PassArrays, city: int, node: int) -> None:
    where = f"city {city}, node {node}"
    assert bool(got.applicable[city, node]) == expected.applicable, where
    assert _close(expected.score, got.score[city, node]), (where, expected, got.score[city, node])
    assert _close(expected.lower, got.lower[city, node]), (where, expected.lower)
    assert _close(expected.upper, got.upper[city, node]), (where, expected.upper)
    assert _close(expected.coverage, got.coverage[city, node]), (where, expected.coverage)
    assert _close(expected.weight, got.weight[city, node]), (where, expected.weight)


def check_equal(
    cards: Sequence[ScoreCard], framework: Framework, registry: ii.Registry | None = None
) -> ScoreArrays:
    arrays = ii.score_arrays(cards, framework, registry=registry)
    assert arrays.node_ids[1:] == tuple(node.id for node in cards[0].nodes)
    for city, card in enumerate(cards):
        for node, result in enumerate((card.overall, *card.nodes)):
            _check_pass(result.raw, arrays.raw, city, node)
            _check_pass(result.adjusted, arrays.adjusted, city, node)
    return arrays


def _example_cards() -> dict[str, tuple[Framework, list[ScoreCard]]]:
    registry = ii.default_registry()
    by_framework: dict[str, tuple[Framework, list[ScoreCard]]] = {}
    for directory in EXAMPLE_DIRS:
        for result in ii.score_many([ROOT / directory], registry=registry):
            assert result.ok, result.error
            for card in result.cards:
                framework = registry.get_framework(card.framework_id)
                by_framework.setdefault(card.framework_id, (framework, []))[1].append(card)
    return by_framework


def test_every_shipped_example_scores_the_same_through_arrays() -> None:
    by_framework = _example_cards()
    assert {"eurocities", "engagement-spectrum", "gfmd-arrival-cities", "oecd-checklist"} <= set(
        by_framework
    )
    for framework, cards in by_framework.values():
        arrays = check_equal(cards, framework, ii.default_registry())
        assert arrays.scalar_nodes == ()


def test_the_cohort_example_scores_the_same_through_arrays() -> None:
    # Cohort rules, imputed means, clipped values and a switched-off (weight 0) criterion.
    framework = ii.load_framework(ROOT / "examples/cohort/framework.toml")
    results = list(ii.score_many([ROOT / "examples/cohort/profiles"], [framework]))
    assert all(result.ok for result in results)
    cards = [card for result in results for card in result.cards]
    assert len(cards) >= 30
    assert any(node.switched_off for node in cards[0].nodes)
    assert any(node.imputed for card in cards for node in card.nodes)
    check_equal(cards, framework)


def test_cards_scored_with_run_time_weights_score_with_those_weights() -> None:
    framework = ii.load_framework(ROOT / "examples/cohort/framework.toml")
    weights = ii.load_weights(ROOT / "examples/cohort/weights.toml")
    results = ii.score_many([ROOT / "examples/cohort/profiles"], [framework], weights=weights)
    cards = [card for result in results for card in result.cards]
    assert cards[0].weight_overrides  # pilot-survey switched on, access halved
    assert not any(node.switched_off for node in cards[0].nodes)
    check_equal(cards, framework)  # the declared framework: the cards' overrides are applied
    declared = list(ii.score_many([ROOT / "examples/cohort/profiles"], [framework]))
    mixed = [cards[0], declared[1].cards[0]]
    with pytest.raises(ValueError, match="different weights"):
        ii.score_arrays(mixed, framework)
    odd = attrs.evolve(
        cards[0],
        weight_overrides=(WeightOverride(criterion="plan", declared=5.0, used=2.0),),
    )
    with pytest.raises(ValueError, match="'plan' weighing 2 instead of 5"):
        ii.score_arrays([odd], framework)


_OVERRIDES = st.sampled_from([0.0, 0.5, 1.0, 3.0])


def _weights(data: st.DataObject, framework: Framework) -> dict[str, float] | None:
    """Now and then, run-time weights for some nodes (0 switches one off), when they fit."""
    if not data.draw(st.booleans()):
        return None
    named = data.draw(st.lists(st.sampled_from(sorted(framework.nodes)), max_size=3, unique=True))
    weights = {node_id: data.draw(_OVERRIDES) for node_id in named}
    groups = [framework.criteria] + [n.children for n in framework.nodes.values() if n.children]
    if any(all(weights.get(n.id, n.weight) == 0.0 for n in group) for group in groups):
        return None  # every sibling at 0: refused (test_cohort.py checks that)
    return weights


@given(st.data())
def test_generated_cohort_features_score_the_same_through_arrays(data: st.DataObject) -> None:
    """Cohort rules, imputed leaves (zero, mean), switched-off criteria and run-time weights."""
    framework = data.draw(frameworks(cohort=True))
    stats = data.draw(cohorts(framework))
    weights = _weights(data, framework)
    drawn = data.draw(st.lists(profiles(framework), min_size=1, max_size=4))
    cards = [
        ii.score(profile, framework, registry=REGISTRY, cohort=stats, weights=weights)
        for profile in drawn
    ]
    nodes = [node for card in cards for node in card.nodes]
    for feature, seen in (
        ("switched off", any(node.switched_off for node in nodes)),
        ("imputed", any(node.imputed for node in nodes)),
        (
            "cohort rule",
            any(n.method not in ("goalposts", "scale") for n in cards[0].normalisation),
        ),
        ("weights overridden", bool(cards[0].weight_overrides)),
    ):
        event(f"{feature}: {seen}")
    check_equal(cards, framework, REGISTRY)


@given(st.data())
def test_generated_frameworks_and_profiles_score_the_same_through_arrays(
    data: st.DataObject,
) -> None:
    framework = data.draw(frameworks())
    drawn = data.draw(st.lists(profiles(framework), min_size=1, max_size=4))
    cards = [ii.score(profile, framework, registry=REGISTRY) for profile in drawn]
    check_equal(cards, framework, REGISTRY)


def _plugin_median(
    values: Sequence[float | None], weights: Sequence[float], node: object
) -> float | None:
    """A plugin's method the array path cannot know: the median of the assessed children."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return None
    middle = len(known) // 2
    return known[middle] if len(known) % 2 else (known[middle - 1] + known[middle]) / 2


class _MedianPlugin:
    @ii.hookimpl
    def integration_index_register_aggregations(self, register: Callable[..., None]) -> None:
        register("median", _plugin_median, monotone=True, description="median")
        register("odd_median", _plugin_median, monotone=False, description="median, undeclared")


@given(st.data())
def test_a_plugin_aggregation_falls_back_to_the_scalar_engine(data: st.DataObject) -> None:
    """A plugin's method is computed through the scalar engine, once per city, and listed."""
    registry = ii.Registry(entry_points=False)
    registry.register_plugin(_MedianPlugin(), name="test-median")
    methods = ("weighted_mean", "median", "odd_median", "gate")
    framework = data.draw(frameworks(aggregations=methods, context=False))
    drawn = data.draw(st.lists(profiles(framework), min_size=1, max_size=3))
    cards = [ii.score(profile, framework, registry=registry) for profile in drawn]
    arrays = check_equal(cards, framework, registry)
    internal = [node for node in framework.nodes.values() if node.children]
    used = {node.aggregation or framework.settings.aggregation for node in internal}
    used.add(framework.settings.aggregation)  # the whole framework's own method
    assert bool(arrays.scalar_nodes) == bool(used & {"median", "odd_median"})


@pytest.mark.parametrize("n", [1, 3])
def test_arrays_have_one_row_per_city(n: int) -> None:
    framework, cards = _example_cards()["eurocities"]
    arrays = ii.score_arrays(cards[:n], framework)
    assert arrays.adjusted.score.shape == (n, len(framework.nodes) + 1)
    assert arrays.city_ids == tuple(card.city_id for card in cards[:n])
