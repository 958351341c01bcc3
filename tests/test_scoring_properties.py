"""Properties of scoring over generated frameworks and profiles: the contract of docs/scoring.md.

Every "(property)" statement of docs/scoring.md names the test here that checks it. Expected
values never come from the code under test: they are constants (100, 0), the result of scoring
a different input that the contract says must score the same, or :func:`by_hand`, a separate
reading of docs/scoring.md written for these tests (it shares no code with the engine).
"""

from __future__ import annotations

import copy
import datetime
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st

import integration_index as ii
from integration_index.model import (
    Assessment,
    City,
    CityProfile,
    CompetenceExclusion,
    Condition,
    ContextualFactor,
    Criterion,
    Evidence,
    Exclusion,
    Framework,
    Goalposts,
    Level,
    ModifierRule,
    NodeResult,
    NodeScore,
    Scale,
    ScoreCard,
    Settings,
    Text,
)
from integration_index.testing import frameworks, goalposts, profiles

REGISTRY = ii.Registry(entry_points=False)
ORDER_FREE = ("weighted_mean", "geometric_mean", "minimum")  # all but gate
DAY = datetime.date(2024, 1, 1)
Pair = tuple[Framework, CityProfile]


def run(profile: CityProfile, framework: Framework) -> ScoreCard:
    """Score through the public function (which also checks that the profile fits)."""
    return ii.score(profile, framework, registry=REGISTRY)


def all_results(card: ScoreCard) -> list[NodeResult]:
    return [card.overall, *card.nodes]


def close(a: float | None, b: float | None, tolerance: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)


def same_numbers(a: NodeScore, b: NodeScore) -> bool:
    """Equal up to float rounding: score, bounds, coverage, normalised weight, applicability."""
    return (
        a.applicable == b.applicable
        and close(a.score, b.score)
        and close(a.lower, b.lower)
        and close(a.upper, b.upper)
        and close(a.coverage, b.coverage)
        and close(a.weight, b.weight)
    )


def note(framework: Framework, profile: CityProfile) -> None:
    """Record what an example exercises (``pytest --hypothesis-show-statistics`` shows it)."""
    depth = max(len(framework.ancestors(node)) + 1 for node in framework.nodes)
    event(f"depth {depth}")
    event("has quantitative leaves", payload=any(leaf.goalposts for leaf in framework.leaves))
    event("has modifier rules", payload=bool(framework.modifiers))
    event("has profile exclusions", payload=bool(profile.exclusions))


@st.composite
def pairs(draw: st.DrawFn, /, *, coverage: float | None = None) -> Pair:
    """A generated framework and a generated profile for it."""
    framework = draw(frameworks())
    return framework, draw(profiles(framework, coverage=coverage))


def without_context(framework: Framework, profile: CityProfile) -> Pair:
    """The pair with no modifier rule and no exclusion: adjusted scores must equal raw ones."""
    return attrs.evolve(framework, modifiers=()), attrs.evolve(profile, exclusions=())


# -- the contract read by hand -----------------------------------------------------------------


def holds(condition: Condition, context: Mapping[str, object]) -> bool:
    """Whether a rule's condition holds (docs/scoring.md section 5)."""
    if condition.factor not in context:
        return condition.present is False
    value = context[condition.factor]
    if condition.present is not None:
        return condition.present
    if condition.equals is not None:
        same_kind = isinstance(value, bool) == isinstance(condition.equals, bool)
        return same_kind and value == condition.equals
    if condition.in_:
        return value in condition.in_
    if not isinstance(value, float):
        return False
    if condition.below is not None:
        return value < condition.below
    assert condition.above is not None
    return value > condition.above


def normalise(posts: Goalposts, measured: float, target: float | None) -> float:
    """A measured value on [0, 1] (section 1): the share of the way from the worse goalpost to
    the better one (or to the target), clipped; at or beyond the better one, 1."""
    higher = posts.direction == "higher"
    worse = posts.min if higher else posts.max
    better = target if target is not None else (posts.max if higher else posts.min)
    if (measured >= better) if higher else (measured <= better):
        return 1.0
    if better == worse:
        return 0.0
    return max(0.0, (measured - worse) / (better - worse))


def combine(values: Sequence[float], dates: Sequence[datetime.date | None], rule: str) -> float:
    """Several items' values combined by an evidence rule (section 1)."""
    if rule == "latest":
        dated = [date for date in dates if date is not None]
        if dated:
            values = [v for v, date in zip(values, dates, strict=True) if date == max(dated)]
        rule = "median"
    choose: dict[str, Callable[[Sequence[float]], float]] = {
        "median": statistics.median,
        "mean": statistics.fmean,
        "min": min,
        "max": max,
    }
    return float(choose[rule](values))


def aggregate(
    how: str, node: Criterion, values: Sequence[float | None], weights: Sequence[float]
) -> float | None:
    """The table of section 2; None when no child is assessed."""
    pairs_ = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None]
    if not pairs_:
        return None
    total = math.fsum(w for _, w in pairs_)
    if how == "weighted_mean":
        return math.fsum(v * w for v, w in pairs_) / total
    if how == "geometric_mean":
        if any(v == 0.0 for v, _ in pairs_):
            return 0.0
        return min(1.0, float(math.prod(v ** (w / total) for v, w in pairs_)))
    if how == "minimum":
        return min(v for v, _ in pairs_)
    assert how == "gate"
    threshold = 0.5 if node.gate_threshold is None else node.gate_threshold
    met = 0
    for value in values:
        if value is None or value < threshold - 1e-9:
            break
        met += 1
    return met / len(values)


@attrs.frozen
class Expected:
    """One node in one pass, as the contract defines it (value and bounds on [0, 1])."""

    value: float | None
    lower: float
    upper: float
    coverage: float
    weight: float = 1.0


@attrs.frozen
class Effects:
    """What a profile's context and exclusions do to a framework (section 5), read by hand."""

    applied: tuple[tuple[str, str, tuple[str, ...], str], ...]
    left_out: frozenset[str]
    factors: Mapping[str, float]
    targets: Mapping[str, float]


def effects_by_hand(framework: Framework, profile: CityProfile) -> Effects:
    context: Mapping[str, object] = profile.context.get(framework.id, {})
    tops = tuple(top.id for top in framework.criteria)
    applied = []
    left_out: set[str] = set()
    factors: dict[str, float] = defaultdict(lambda: 1.0)
    targets: dict[str, float] = {}
    for rule in framework.modifiers:
        if rule.when is not None and not holds(rule.when, context):
            continue
        named = tops if "*" in rule.criteria else rule.criteria
        applied.append((rule.id, rule.effect, named, "framework"))
        for criterion in named:
            if rule.effect == "not_applicable":
                left_out.add(criterion)
            elif rule.effect == "scale_weight":
                assert rule.factor is not None
                factors[criterion] *= rule.factor
            else:
                assert rule.target is not None
                targets[criterion] = rule.target
    for exclusion in profile.exclusions:
        applied.append(("exclusion", "not_applicable", (exclusion.criterion,), "profile"))
        left_out.add(exclusion.criterion)
    return Effects(tuple(applied), frozenset(left_out), dict(factors), targets)


def leaf_values(
    framework: Framework, profile: CityProfile, targets: Mapping[str, float]
) -> dict[str, list[float]]:
    """Each rated leaf's items' values on [0, 1] (a target only moves measured leaves)."""
    values: dict[str, list[float]] = defaultdict(list)
    scales = {scale.id: scale for scale in framework.scales}
    for item in profile.evidence:
        leaf = framework.nodes[item.criterion]
        if leaf.goalposts is not None:
            assert isinstance(item.rating, float)
            target_ = targets.get(leaf.id, leaf.goalposts.target)
            values[leaf.id].append(normalise(leaf.goalposts, item.rating, target_))
        else:
            scale = scales[leaf.scale or framework.settings.scale or ""]
            values[leaf.id].append({lv.id: lv.value for lv in scale.levels}[str(item.rating)])
    return values


def by_hand(framework: Framework, profile: CityProfile, *, adjusted: bool) -> dict[str, Expected]:
    """Every applicable node's expected value, bounds, coverage and normalised weight."""
    effects = effects_by_hand(framework, profile)
    targets = effects.targets if adjusted else {}
    values = leaf_values(framework, profile, targets)
    dates: dict[str, list[datetime.date | None]] = defaultdict(list)
    for item in profile.evidence:
        dates[item.criterion].append(item.date)
    settings = framework.settings
    found: dict[str, Expected] = {}

    def visit(node: Criterion) -> Expected | None:
        if adjusted and node.id in effects.left_out:
            return None
        if not node.children:
            rule = node.evidence_rule or settings.evidence_rule
            value = combine(values[node.id], dates[node.id], rule) if values[node.id] else None
            bounds = (0.0, 1.0) if value is None else (value, value)
            found[node.id] = Expected(value, *bounds, 0.0 if value is None else 1.0)
            return found[node.id]
        kids = [(child, visit(child)) for child in node.children]
        live = [(child, result) for child, result in kids if result is not None]
        if not live:
            return None
        weights = [
            c.weight * (effects.factors.get(c.id, 1.0) if adjusted else 1.0) for c, _ in live
        ]
        total = math.fsum(weights)
        for (child, result), weight in zip(live, weights, strict=True):
            found[child.id] = attrs.evolve(result, weight=weight / total)
        how = node.aggregation or settings.aggregation
        results = [result for _, result in live]
        value = aggregate(how, node, [r.value for r in results], weights)
        low = aggregate(how, node, [r.lower for r in results], weights)
        high = aggregate(how, node, [r.upper for r in results], weights)
        assert low is not None and high is not None
        coverage = math.fsum(w * r.coverage for w, r in zip(weights, results, strict=True)) / total
        found[node.id] = Expected(value, low, high, coverage)
        return found[node.id]

    visit(Criterion(id="overall", title=framework.title, children=framework.criteria))
    return found


def expected_score(expected: Expected, min_coverage: float) -> NodeScore:
    shown = expected.value is not None and expected.coverage >= min_coverage - 1e-9
    return NodeScore(
        score=expected.value * 100.0 if shown and expected.value is not None else None,
        lower=expected.lower * 100.0,
        upper=expected.upper * 100.0,
        coverage=expected.coverage,
        weight=expected.weight,
    )


NOT_APPLICABLE = NodeScore(
    score=None, lower=None, upper=None, coverage=0.0, weight=0.0, applicable=False
)


# -- section 1: ratings, measured values, evidence rules -----------------------------------------


@given(st.data())
def test_a_measured_value_maps_through_its_goalposts(data: st.DataObject) -> None:
    posts = data.draw(goalposts())
    width = posts.max - posts.min
    measured = data.draw(
        st.sampled_from([posts.min, posts.max, posts.min - width / 3, posts.max + width / 3])
        | st.floats(posts.min - 2 * width, posts.max + 2 * width)
    )
    new_target = data.draw(st.floats(posts.min, posts.max))
    leaf = Criterion(id="x", title=Text(en="X"), goalposts=posts)
    rule = ModifierRule(
        id="aim", effect="adjust_target", criteria=("x",), reason=Text(en="r"), target=new_target
    )
    framework = Framework(
        id="measured", version="1", title=Text(en="M"), criteria=(leaf,), modifiers=(rule,)
    )
    card = run(profile_of(framework, [item("x", measured)]), framework)
    inside = posts.min <= measured <= posts.max
    event("measured value inside the goalposts" if inside else "measured value outside")
    raw, adjusted = card.node("x").raw.score, card.node("x").adjusted.score
    assert raw is not None and adjusted is not None
    assert close(raw, 100.0 * normalise(posts, measured, posts.target))
    assert close(adjusted, 100.0 * normalise(posts, measured, new_target))
    assert card.node("x").value is not None
    assert close(card.node("x").value, adjusted / 100.0)
    assert 0.0 <= raw <= 100.0


def profile_of(framework: Framework, evidence: Iterable[Evidence], **more: object) -> CityProfile:
    return CityProfile(
        city=City(id="x", name="X"),
        assessment=Assessment(frameworks=(framework.id,), date=DAY),
        evidence=tuple(evidence),
        **more,  # type: ignore[arg-type]
    )


SCALE = Scale(
    id="s",
    title=Text(en="S"),
    levels=(
        Level(id="no", value=0.0, label=Text(en="No")),
        Level(id="partly", value=0.4, label=Text(en="Partly")),
        Level(id="largely", value=0.7, label=Text(en="Largely")),
        Level(id="yes", value=1.0, label=Text(en="Yes")),
    ),
)


@given(
    st.lists(
        st.tuples(st.sampled_from(SCALE.levels), st.none() | st.dates(DAY, DAY.replace(year=2026))),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["median", "mean", "min", "max", "latest"]),
)
def test_evidence_items_combine_by_the_evidence_rule(
    items: list[tuple[Level, datetime.date | None]], rule: str
) -> None:
    leaf = Criterion(id="q", title=Text(en="Q"), evidence_rule=rule)  # type: ignore[arg-type]
    framework = Framework(
        id="rules",
        version="1",
        title=Text(en="R"),
        criteria=(leaf,),
        scales=(SCALE,),
        settings=Settings(scale="s"),
    )
    evidence = [
        Evidence(criterion="q", rating=level.id, source="document", date=date)
        for level, date in items
    ]
    result = run(profile_of(framework, evidence), framework).node("q")
    values = sorted(level.value for level, _ in items)
    if rule == "latest":
        newest = max((date for _, date in items if date is not None), default=None)
        values = sorted(lv.value for lv, date in items if newest is None or date == newest)
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    expected = {"min": values[0], "max": values[-1], "mean": sum(values) / len(values)}.get(
        rule, median
    )
    assert result.value is not None and close(result.value, expected)
    all_values = [level.value for level, _ in items]
    spread = (max(all_values) - min(all_values)) * 100 if len(items) > 1 else None
    assert close(result.spread, spread)
    nearest = min(SCALE.levels, key=lambda lv: (abs(lv.value - expected), lv.value))
    assert result.level == nearest.id
    assert result.evidence_count == len(items)


# -- section 2 and the whole contract, by hand ---------------------------------------------------


@given(pairs())
def test_every_node_scores_as_this_page_defines(pair: Pair) -> None:
    framework, profile = pair
    note(framework, profile)
    card = run(profile, framework)
    effects = effects_by_hand(framework, profile)
    event(f"{len(effects.applied)} modifiers applied")
    min_coverage = framework.settings.min_coverage
    for adjusted in (False, True):
        expected = by_hand(framework, profile, adjusted=adjusted)
        for result in all_results(card):
            got = result.adjusted if adjusted else result.raw
            if result.id not in expected:
                assert adjusted and got == NOT_APPLICABLE, result.id
                continue
            want = expected_score(expected[result.id], min_coverage)
            assert same_numbers(got, want), (result.id, adjusted, got, want)
    assert [(m.id, m.effect, m.criteria, m.origin) for m in card.modifiers] == list(effects.applied)
    context: Mapping[str, object] = profile.context.get(framework.id, {})
    assert [(entry.factor, entry.value) for entry in card.context] == [
        (factor.id, context.get(factor.id)) for factor in framework.contextual_factors
    ]
    _check_leaf_details(framework, profile, card, effects)


def _check_leaf_details(
    framework: Framework, profile: CityProfile, card: ScoreCard, effects: Effects
) -> None:
    """Each leaf's combined value, evidence count, spread and level; each node's target."""
    values = leaf_values(framework, profile, effects.targets)
    counts: dict[str, int] = defaultdict(int)
    for item in profile.evidence:
        for node_id in (item.criterion, *framework.ancestors(item.criterion)):
            counts[node_id] += 1
    for node in framework.nodes.values():
        result = card.node(node.id)
        assert result.evidence_count == counts[node.id]
        declared = node.target if node.target is not None else framework.settings.target
        if node.goalposts is None:
            declared = effects.targets.get(node.id, declared)
        assert result.target == declared
        if node.children:
            continue
        items = values[node.id]
        if len(items) > 1:
            assert close(result.spread, (max(items) - min(items)) * 100.0)
        else:
            assert result.spread is None
        if not items:
            assert result.value is None and result.level is None
        elif node.goalposts is None:
            scale = framework.scale_of(node)
            assert scale is not None and result.value is not None
            best = min(abs(level.value - result.value) for level in scale.levels)
            assert abs(scale.level(str(result.level)).value - result.value) == best


def worked_example() -> Framework:
    """Weights 1, 3 and 2; two leaves on SCALE and one measured against goalposts 0-50 (target 40)."""
    measured = Criterion(
        id="m", title=Text(en="M"), weight=2.0, goalposts=Goalposts(min=0, max=50, target=40)
    )
    return Framework(
        id="worked",
        version="1",
        title=Text(en="W"),
        criteria=(
            Criterion(id="a", title=Text(en="A"), weight=1.0),
            Criterion(id="b", title=Text(en="B"), weight=3.0),
            measured,
        ),
        scales=(SCALE,),
        settings=Settings(scale="s"),
    )


def test_a_worked_example_computed_by_hand() -> None:
    """Ratings 0.4 and 1 and a measured 20, weighted 1, 3 and 2."""
    framework = worked_example()
    measured = framework.node("m")
    rate: dict[str, str | float] = {"a": "partly", "b": "yes", "m": 20.0}
    card = run(profile_of(framework, [item(c, r) for c, r in rate.items()]), framework)
    # (1 * 0.4 + 3 * 1 + 2 * 20/40) / 6
    assert close(card.overall.raw.score, 100 * 4.4 / 6)
    assert close(card.node("b").raw.weight, 0.5)
    # "a" unrated: its siblings' weights are renormalised; the bounds put it at 0 and at 1.
    card = run(profile_of(framework, [item("b", "yes"), item("m", 20.0)]), framework)
    assert close(card.overall.raw.score, 100 * 4.0 / 5)
    assert close(card.overall.raw.lower, 100 * 4.0 / 6)
    assert close(card.overall.raw.upper, 100 * 5.0 / 6)
    assert close(card.overall.raw.coverage, 5 / 6)
    # A measured value beyond the goalposts is clipped; lower is better turns the scale round.
    clipped = [
        (80.0, "higher", 1.0),
        (-5.0, "higher", 0.0),
        (10.0, "lower", 0.8),
        (60, "lower", 0.0),
    ]
    for value, direction, expected in clipped:
        posts = Goalposts(min=0, max=50, direction=direction)  # type: ignore[arg-type]
        alone = attrs.evolve(framework, criteria=(attrs.evolve(measured, goalposts=posts),))
        assert run(profile_of(alone, [item("m", value)]), alone).node("m").value == expected


def test_modifiers_in_a_worked_example() -> None:
    """The example above, with a target of 20 on the measured leaf and "b" left out."""
    why = Text(en="why")
    framework = attrs.evolve(
        worked_example(),
        contextual_factors=(ContextualFactor(id="small", title=Text(en="Small"), kind="boolean"),),
        modifiers=(
            ModifierRule(
                id="aim", effect="adjust_target", criteria=("m",), reason=why, target=20.0
            ),
            ModifierRule(
                id="out",
                effect="not_applicable",
                criteria=("b",),
                reason=why,
                when=Condition(factor="small", equals=True),
            ),
            ModifierRule(
                id="half",
                effect="scale_weight",
                criteria=("a",),
                reason=why,
                factor=0.5,
                when=Condition(factor="small", present=True),
            ),
        ),
    )
    evidence = [item("a", "partly"), item("b", "yes"), item("m", 20.0)]
    big = run(profile_of(framework, evidence, context={"worked": {"small": False}}), framework)
    assert close(big.overall.raw.score, 100 * 4.4 / 6)
    # "m" reaches its new target (1); "a" weighs 0.5: (0.5 * 0.4 + 3 * 1 + 2 * 1) / 5.5
    assert close(big.overall.adjusted.score, 100 * 5.2 / 5.5)
    assert [m.id for m in big.modifiers] == ["aim", "half"]
    small = run(profile_of(framework, evidence, context={"worked": {"small": True}}), framework)
    # "b" left out: (0.5 * 0.4 + 2 * 1) / 2.5
    assert close(small.overall.adjusted.score, 100 * 2.2 / 2.5)
    assert close(small.node("m").adjusted.weight, 2 / 2.5)
    assert small.node("b").adjusted == NOT_APPLICABLE
    assert small.node("b").raw == big.node("b").raw
    assert [m.id for m in small.modifiers] == ["aim", "out", "half"]


def item(criterion: str, rating: str | float) -> Evidence:
    return Evidence(criterion=criterion, rating=rating, source="document")


# -- section 3: weights --------------------------------------------------------------------------


def scale_children(node: Criterion, parent: str, factor: float) -> Criterion:
    children = tuple(scale_children(child, parent, factor) for child in node.children)
    if node.id == parent:
        children = tuple(attrs.evolve(child, weight=child.weight * factor) for child in children)
    return attrs.evolve(node, children=children)


@given(pairs(), st.data())
def test_multiplying_sibling_weights_by_a_constant_changes_nothing(
    pair: Pair, data: st.DataObject
) -> None:
    framework, profile = pair
    parents = ["overall", *(node.id for node in framework.nodes.values() if node.children)]
    parent = data.draw(st.sampled_from(parents))
    factor = data.draw(st.sampled_from([0.5, 3.0]) | st.floats(0.01, 100.0))
    if parent == "overall":
        tops = tuple(attrs.evolve(top, weight=top.weight * factor) for top in framework.criteria)
    else:
        tops = tuple(scale_children(top, parent, factor) for top in framework.criteria)
    event("top-level siblings" if parent == "overall" else "siblings below the top")
    before, after = run(profile, framework), run(profile, attrs.evolve(framework, criteria=tops))
    for old, new in zip(all_results(before), all_results(after), strict=True):
        assert same_numbers(old.raw, new.raw), old.id
        assert same_numbers(old.adjusted, new.adjusted), old.id


# -- section 4: coverage and bounds --------------------------------------------------------------


@given(pairs())
def test_scores_and_bounds_lie_in_range_and_in_order(pair: Pair) -> None:
    framework, profile = pair
    note(framework, profile)
    for result in all_results(run(profile, framework)):
        for node in (result.raw, result.adjusted):
            if not node.applicable:
                assert node is result.adjusted and node.lower is node.upper is None
                continue
            assert node.lower is not None and node.upper is not None
            assert 0.0 <= node.lower <= node.upper <= 100.0
            assert 0.0 <= node.coverage <= 1.0
            if node.score is not None:
                assert node.lower <= node.score <= node.upper


@given(pairs(coverage=1.0))
def test_full_coverage_closes_the_bounds(pair: Pair) -> None:
    framework, profile = pair
    for result in all_results(run(profile, framework)):
        for node in (result.raw, result.adjusted):
            if node.applicable:
                assert node.coverage == 1.0
                assert node.score is not None
                assert node.lower == node.score == node.upper


def extreme(leaf: Criterion, framework: Framework, pick: str) -> str | float:
    """A rating worth 1 ("max") or 0 ("min"), whatever target: a scale's end level, or a value
    beyond the better or worse goalpost."""
    posts = leaf.goalposts
    if posts is None:
        scale = framework.scale_of(leaf)
        assert scale is not None
        return (scale.levels[-1] if pick == "max" else scale.levels[0]).id
    span = posts.max - posts.min
    higher = (pick == "max") == (posts.direction == "higher")
    return posts.max + span if higher else posts.min - span


def completed(framework: Framework, profile: CityProfile, pick: str) -> CityProfile:
    """The profile with every unrated leaf rated at its maximum or minimum."""
    rated = {item.criterion for item in profile.evidence}
    extra = [
        Evidence(criterion=leaf.id, rating=extreme(leaf, framework, pick), source="document")
        for leaf in framework.leaves
        if leaf.id not in rated
    ]
    return attrs.evolve(profile, evidence=(*profile.evidence, *extra))


@given(pairs(), st.sampled_from(["max", "min"]))
def test_uniform_ratings_give_the_extremes(pair: Pair, pick: str) -> None:
    framework, profile = pair
    uniform = completed(framework, attrs.evolve(profile, evidence=()), pick)
    expected = 100.0 if pick == "max" else 0.0
    for result in all_results(run(uniform, framework)):
        for node in (result.raw, result.adjusted):
            if node.applicable:
                assert node.score == node.lower == node.upper == expected, result.id


@given(pairs())
def test_bounds_are_the_scores_of_the_profile_completed_at_the_extremes(pair: Pair) -> None:
    framework, profile = pair
    card = run(profile, framework)
    low, high = (run(completed(framework, profile, pick), framework) for pick in ("min", "max"))
    event("some leaf unrated", payload=len(profile.evidence) < len(framework.leaves))
    for result in all_results(card):
        for which in ("raw", "adjusted"):
            node = getattr(result, which)
            if node.applicable:
                assert close(node.lower, getattr(low.node(result.id), which).score), result.id
                assert close(node.upper, getattr(high.node(result.id), which).score), result.id


def with_min_coverage(framework: Framework, threshold: float) -> Framework:
    return attrs.evolve(
        framework, settings=attrs.evolve(framework.settings, min_coverage=threshold)
    )


@given(pairs(), st.sampled_from([0.5, 1.0]) | st.floats(0.0, 1.0))
def test_min_coverage_hides_only_the_numbers_below_it(pair: Pair, threshold: float) -> None:
    framework, profile = pair
    card = run(profile, with_min_coverage(framework, threshold))
    full = run(profile, with_min_coverage(framework, 0.0))
    hidden = 0
    for result, same in zip(all_results(card), all_results(full), strict=True):
        for node, other in ((result.raw, same.raw), (result.adjusted, same.adjusted)):
            assert node.lower == other.lower and node.upper == other.upper
            assert node.coverage == other.coverage
            below = node.coverage < threshold - 1e-9
            assert node.score == (None if below else other.score)
            hidden += below and other.score is not None
    event("a score was hidden", payload=hidden > 0)


def raise_one(framework: Framework, item: Evidence, data: st.DataObject) -> Evidence:
    """The item rated higher: a level above, or a measured value further the better way."""
    leaf = framework.node(item.criterion)
    if leaf.goalposts is None:
        scale = framework.scale_of(leaf)
        assert scale is not None and isinstance(item.rating, str)
        higher = data.draw(st.integers(scale.rank(item.rating), len(scale.levels) - 1))
        return attrs.evolve(item, rating=scale.levels[higher].id)
    assert isinstance(item.rating, float)
    step = data.draw(st.floats(0.0, 2 * (leaf.goalposts.max - leaf.goalposts.min)))
    better = item.rating + step if leaf.goalposts.direction == "higher" else item.rating - step
    return attrs.evolve(item, rating=better)


@given(pairs(), st.data())
def test_raising_one_rating_never_lowers_an_ancestor(pair: Pair, data: st.DataObject) -> None:
    framework, profile = pair
    assume(profile.evidence)
    index = data.draw(st.integers(0, len(profile.evidence) - 1))
    item = profile.evidence[index]
    event("raised a measured value" if isinstance(item.rating, float) else "raised a level")
    evidence = list(profile.evidence)
    evidence[index] = raise_one(framework, item, data)
    before = run(profile, framework)
    after = run(attrs.evolve(profile, evidence=tuple(evidence)), framework)
    for node_id in (item.criterion, *framework.ancestors(item.criterion), "overall"):
        for which in ("raw", "adjusted"):
            old, new = getattr(before.node(node_id), which), getattr(after.node(node_id), which)
            if not old.applicable:
                continue
            assert new.lower is not None and new.upper is not None
            assert new.lower >= old.lower - 1e-9 and new.upper >= old.upper - 1e-9
            if old.score is not None:
                assert new.score is not None and new.score >= old.score - 1e-9


# -- section 5: contextual modifiers -------------------------------------------------------------


@given(pairs(), st.data())
def test_a_neutral_modifier_changes_nothing(pair: Pair, data: st.DataObject) -> None:
    framework, profile = pair
    named = data.draw(st.lists(st.sampled_from(["*", *framework.nodes]), min_size=1, max_size=3))
    condition = None
    if bool(framework.contextual_factors) and data.draw(st.booleans()):
        factor = data.draw(st.sampled_from(framework.contextual_factors))
        condition = Condition(factor=factor.id, present=data.draw(st.booleans()))
    neutral = ModifierRule(
        id="neutral",
        effect="scale_weight",
        criteria=tuple(named),
        reason=Text(en="none"),
        factor=1.0,
        when=condition,
    )
    rules = list(framework.modifiers)
    rules.insert(data.draw(st.integers(0, len(rules))), neutral)
    # Among other rules: the cards equal the cards without the neutral rule.
    with_rule = run(profile, attrs.evolve(framework, modifiers=tuple(rules)))
    without = run(profile, framework)
    assert with_rule.overall == without.overall and with_rule.nodes == without.nodes
    # Alone: adjusted = raw = the score without the rule.
    plain, bare = without_context(framework, profile)
    alone = run(bare, attrs.evolve(plain, modifiers=(neutral,)))
    applies = condition is None or holds(condition, bare.context.get(framework.id, {}))
    event("the neutral rule applies", payload=applies)
    assert [m.id for m in alone.modifiers] == (["neutral"] if applies else [])
    base = run(bare, plain)
    for result in all_results(alone):
        assert result.adjusted == result.raw == base.node(result.id).raw


@given(pairs(), st.data())
def test_several_rules_on_one_criterion_combine(pair: Pair, data: st.DataObject) -> None:
    """Two to four more rules on one node: weight factors multiply, the last target that applies
    wins (a measured value in the goalposts for a quantitative leaf, a score elsewhere)."""
    framework, profile = pair
    node = data.draw(st.sampled_from(list(framework.nodes.values())))
    flag = ContextualFactor(id="flag", title=Text(en="Flag"), kind="boolean")
    flagged = data.draw(st.booleans())
    posts = node.goalposts
    extra = []
    for index in range(data.draw(st.integers(2, 4))):
        when = data.draw(st.sampled_from([None, Condition(factor="flag", equals=True)]))
        if data.draw(st.booleans()):
            aim = data.draw(st.floats(posts.min, posts.max) if posts else st.floats(0.0, 100.0))
            rule = ModifierRule(
                id=f"aim{index}",
                effect="adjust_target",
                criteria=(node.id,),
                reason=Text(en="aim"),
                target=aim,
                when=when,
            )
        else:
            factor = data.draw(st.sampled_from([0.5, 3.0]) | st.floats(0.05, 20.0))
            rule = ModifierRule(
                id=f"weigh{index}",
                effect="scale_weight",
                criteria=(node.id,),
                reason=Text(en="weigh"),
                factor=factor,
                when=when,
            )
        extra.append(rule)
    framework = attrs.evolve(
        framework,
        contextual_factors=(*framework.contextual_factors, flag),
        modifiers=(*framework.modifiers, *extra),
    )
    context = {**profile.context.get(framework.id, {}), "flag": flagged}
    profile = attrs.evolve(profile, context={framework.id: context})
    applying = [rule for rule in extra if rule.when is None or flagged]
    event(f"{len([r for r in applying if r.effect == 'adjust_target'])} targets apply")
    card = run(profile, framework)
    expected = by_hand(framework, profile, adjusted=True)
    for result in all_results(card):
        if result.id in expected:
            want = expected_score(expected[result.id], framework.settings.min_coverage)
            assert same_numbers(result.adjusted, want), result.id
    effects = effects_by_hand(framework, profile)
    _check_leaf_details(framework, profile, card, effects)
    targets = [rule.target for rule in applying if rule.effect == "adjust_target"]
    if targets and posts is None:
        assert card.node(node.id).target == targets[-1]


@pytest.mark.parametrize(
    ("kind", "equals", "value"),
    [("boolean", 1.0, True), ("boolean", 0.0, False), ("number", True, 1.0)],
)
def test_equals_never_takes_a_boolean_for_a_number(kind: str, equals: float, value: object) -> None:
    """In Python True == 1.0: a rule `equals = 1` on a boolean factor must still not apply."""
    framework = Framework(
        id="demo",
        version="1",
        title=Text(en="Demo"),
        criteria=(Criterion(id="a", title=Text(en="A")), Criterion(id="b", title=Text(en="B"))),
        scales=(SCALE,),
        settings=Settings(scale="s"),
        contextual_factors=(ContextualFactor(id="f", title=Text(en="F"), kind=kind),),  # type: ignore[arg-type]
        modifiers=(
            ModifierRule(
                id="out",
                effect="not_applicable",
                criteria=("b",),
                reason=Text(en="why"),
                when=Condition(factor="f", equals=equals),
            ),
        ),
    )
    evidence = [item("a", "yes"), item("b", "no")]
    card = run(profile_of(framework, evidence, context={"demo": {"f": value}}), framework)
    assert card.modifiers == ()
    assert card.overall.adjusted.score == 50.0


def prune(nodes: Sequence[Criterion], gone: str) -> tuple[Criterion, ...]:
    """The tree without node *gone*, and without the nodes that it leaves with no children."""
    kept = []
    for node in nodes:
        if node.id == gone:
            continue
        children = prune(node.children, gone)
        if node.children and not children:
            continue
        kept.append(attrs.evolve(node, children=children))
    return tuple(kept)


@given(pairs(), st.data())
def test_leaving_a_criterion_out_leaves_raw_alone_and_renormalises(
    pair: Pair, data: st.DataObject
) -> None:
    framework, profile = without_context(*pair)
    gone = data.draw(st.sampled_from(list(framework.nodes)))
    how = data.draw(st.sampled_from(["rule", "rule with a condition", "profile exclusion"]))
    event(how)
    reason = Text(en="outside competence")
    flag = ContextualFactor(id="flag", title=Text(en="Flag"), kind="boolean")
    if how == "profile exclusion":
        framework = attrs.evolve(
            framework, competence_exclusions=(CompetenceExclusion(criteria=(gone,), reason=reason),)
        )
        profile = attrs.evolve(profile, exclusions=(Exclusion(criterion=gone, reason="no"),))
    else:
        when = Condition(factor="flag", equals=True) if how != "rule" else None
        rule = ModifierRule(
            id="out", effect="not_applicable", criteria=(gone,), reason=reason, when=when
        )
        framework = attrs.evolve(
            framework,
            contextual_factors=(*framework.contextual_factors, flag),
            modifiers=(rule,),
        )
        context = {**profile.context.get(framework.id, {}), "flag": True}
        profile = attrs.evolve(profile, context={framework.id: context})
    card = run(profile, framework)
    plain, bare = without_context(framework, profile)
    base = run(bare, plain)
    for result in all_results(card):  # the raw pass ignores the rule
        assert result.raw == base.node(result.id).raw
    _check_renormalised(framework, profile, card, gone)


def _check_renormalised(
    framework: Framework, profile: CityProfile, card: ScoreCard, gone: str
) -> None:
    """The adjusted pass scores as the framework without *gone* does (raw), and the weights of
    *gone*'s siblings are renormalised among them."""
    remaining = prune(framework.criteria, gone)
    if not remaining:
        assert all(result.adjusted == NOT_APPLICABLE for result in all_results(card))
        return
    pruned = attrs.evolve(framework, criteria=remaining, competence_exclusions=(), modifiers=())
    kept = [item for item in profile.evidence if item.criterion in pruned.nodes]
    other = run(attrs.evolve(profile, evidence=tuple(kept), exclusions=()), pruned)
    for result in all_results(card):
        if result.id in pruned.nodes or result.id == "overall":
            assert same_numbers(result.adjusted, other.node(result.id).raw), result.id
        else:
            assert result.adjusted == NOT_APPLICABLE, result.id
    parent = framework.parents[gone]
    siblings = framework.node(parent).children if parent else framework.criteria
    others = [sibling for sibling in siblings if sibling.id != gone]
    total = sum(sibling.weight for sibling in others)
    for sibling in others:
        assert close(card.node(sibling.id).adjusted.weight, sibling.weight / total)


# -- section 6: determinism ----------------------------------------------------------------------


def shuffle_children(node: Criterion, data: st.DataObject, default: str) -> Criterion:
    children = tuple(shuffle_children(child, data, default) for child in node.children)
    if (node.aggregation or default) in ORDER_FREE:
        children = tuple(data.draw(st.permutations(children)))
    return attrs.evolve(node, children=children)


@given(pairs(), st.data())
def test_reordering_evidence_or_criteria_changes_nothing(pair: Pair, data: st.DataObject) -> None:
    framework, profile = pair
    default = framework.settings.aggregation
    root = Criterion(id="root", title=Text(en="root"), children=framework.criteria)
    reordered = attrs.evolve(framework, criteria=shuffle_children(root, data, default).children)
    shuffled = attrs.evolve(profile, evidence=tuple(data.draw(st.permutations(profile.evidence))))
    base = run(profile, framework)
    for card in (run(shuffled, framework), run(profile, reordered)):
        assert card.overall == base.overall
        assert {n.id: n for n in card.nodes} == {n.id: n for n in base.nodes}
        assert card.warnings == base.warnings
        assert modifier_set(card) == modifier_set(base)


def modifier_set(card: ScoreCard) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((m.id, tuple(sorted(m.criteria))) for m in card.modifiers)


@given(pairs())
def test_scoring_is_deterministic(pair: Pair) -> None:
    framework, profile = pair
    card = run(profile, framework)
    assert run(profile, framework) == card
    assert run(copy.deepcopy(profile), copy.deepcopy(framework)) == card


# -- section 7: the score card and the profile round trips ---------------------------------------


@given(pairs())
def test_score_card_survives_a_json_round_trip(pair: Pair) -> None:
    framework, profile = pair
    card = run(profile, framework)
    assert ii.scorecard_from_json(ii.scorecard_to_json(card)) == card
    assert ii.scorecard_from_dict(ii.scorecard_to_dict(card)) == card


_KEYS = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
_CONTEXT_VALUES = st.text(max_size=10) | st.floats(allow_nan=False) | st.booleans()
_METADATA_VALUES = _CONTEXT_VALUES | st.integers(-(10**9), 10**9) | st.dates()


@given(
    pairs(),
    st.none() | st.dictionaries(_KEYS, _METADATA_VALUES, max_size=4),
    st.none() | st.dictionaries(_KEYS, _CONTEXT_VALUES, max_size=4),
)
def test_profile_survives_a_toml_round_trip(
    pair: Pair, metadata: dict[str, Any] | None, context: dict[str, Any] | None
) -> None:
    """The generated profiles, and then with any metadata and any context values."""
    _, profile = pair
    if metadata is not None:
        profile = attrs.evolve(profile, city=attrs.evolve(profile.city, metadata=metadata))
    if context is not None:
        profile = attrs.evolve(profile, context={**profile.context, "other": context})
    again = ii.loads_profile(ii.dumps_profile(profile))
    assert again == profile
    assert hash(again) == hash(profile)


@given(st.integers(-5, 15))
def test_an_int_measured_value_scores_as_the_same_float(measured: int) -> None:
    leaf = Criterion(id="share", title=Text(en="Share"), goalposts=Goalposts(min=0, max=10))
    framework = Framework(id="measured", version="1", title=Text(en="M"), criteria=(leaf,))
    as_int = Evidence(criterion="share", rating=measured, source="statistics")
    as_float = Evidence(criterion="share", rating=float(measured), source="statistics")
    assert type(as_int.rating) is float and as_int == as_float
    card = run(profile_of(framework, [as_int]), framework)
    assert card == run(profile_of(framework, [as_float]), framework)
    assert card.node("share").value == min(1.0, max(0.0, measured / 10))


def test_a_bool_is_not_a_measured_value() -> None:
    with pytest.raises(ValueError, match="rating must be"):
        Evidence(criterion="share", rating=True, source="statistics")


def test_every_property_of_the_contract_names_a_test_here() -> None:
    """docs/scoring.md: each "(property)" statement is followed by the name of its test here."""
    import sys

    text = (Path(__file__).resolve().parent.parent / "docs" / "scoring.md").read_text("utf-8")
    statements = text[text.index("\n## ") :].split("**(property)**")[1:]
    assert len(statements) >= 16
    here = Path(__file__).resolve().parent
    for statement in statements:
        # `test_name` is a test of this file; `test_file.py::test_name` one of another file here.
        named = re.search(r"\*Test: `(?:(test_\w+\.py)::)?(test_\w+)`", statement)
        assert named is not None, statement[:80]
        module = sys.modules[__name__]
        if named.group(1):
            module = _module_at(here / named.group(1))
        assert callable(getattr(module, named.group(2), None)), named.group(0)


def _module_at(path: Path) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"_contract_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
