"""Cohort normalisation, missing-value rules, switched-off criteria and run-time weights: the
contract of docs/scoring.md, section 8.

Expected values come from hand arithmetic (COINr's definitions worked by hand, R's quantile type
7), from ``by_hand`` below (a separate reading of section 8 that shares no code with the engine),
or from another input the contract says must score the same.
"""

from __future__ import annotations

import datetime
import importlib
import json
import math
import os
import statistics
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import integration_index as ii
from integration_index.exceptions import AnalysisInputError, FrameworkError
from integration_index.model import (
    Assessment,
    City,
    CityProfile,
    CohortStats,
    Criterion,
    Evidence,
    Framework,
    Goalposts,
    IndicatorStats,
    Level,
    ModifierRule,
    Normalisation,
    Scale,
    ScoreCard,
    Settings,
    Text,
)

REGISTRY = ii.Registry(entry_points=False)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "cohort"
DAY = datetime.date(2026, 1, 1)
METHODS = ("minmax", "zscore", "rank", "distance_to_best", "distance_to_target")

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


# -- a separate reading of docs/scoring.md section 8 -------------------------------------------


def quantile7(values: Sequence[float], q: float) -> float:
    """R's quantile(type = 7), read from R's documentation: x[j] + g (x[j+1] - x[j]) with
    h = (n - 1) q + 1 (1-based)."""
    ordered = sorted(values)
    h = (len(ordered) - 1) * q + 1
    j = math.floor(h)
    g = h - j
    upper = ordered[min(j, len(ordered) - 1)]
    return ordered[j - 1] + g * (upper - ordered[j - 1])


def by_hand(value: float, cohort: Sequence[float], rule: Normalisation) -> float:
    """The normalised value on 0-100 of *value* against *cohort* under *rule*."""
    xs = list(cohort)
    x = value
    if rule.winsorise is not None:
        low, high = (quantile7(xs, q) for q in rule.winsorise)
        xs = [min(max(v, low), high) for v in xs]
        x = min(max(x, low), high)
    better = 1.0 if rule.direction == "higher" else -1.0
    lo, hi = min(xs), max(xs)
    if rule.method == "minmax":
        share = 0.5 if hi == lo else ((x - lo) if better > 0 else (hi - x)) / (hi - lo)
    elif rule.method == "zscore":
        sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
        share = 0.5 if sd == 0 else (50 + 10 * better * (x - statistics.fmean(xs)) / sd) / 100
    elif rule.method == "rank":
        worse = sum(1 for v in xs if (v < x if better > 0 else v > x))
        share = 0.5 if len(xs) < 2 else worse / (len(xs) - 1)
    elif rule.method == "distance_to_best":
        best = hi if better > 0 else lo
        if better > 0:
            share = x / best if best > 0 else float(x >= best)
        else:
            share = best / x if x > 0 else float(x <= best)
    else:
        assert rule.target is not None
        worst = lo if better > 0 else hi
        span = (rule.target - worst) * better
        if span <= 0:
            share = float(x >= rule.target if better > 0 else x <= rule.target)
        else:
            share = (x - worst) * better / span
    return 100.0 * min(1.0, max(0.0, share))


def trimmed_mean(values: Sequence[float], rule: Normalisation) -> float:
    """The mean of *values* winsorised at the rule's quantiles (if any)."""
    if rule.winsorise is None:
        return statistics.fmean(values)
    low, high = (quantile7(values, q) for q in rule.winsorise)
    return statistics.fmean(min(max(v, low), high) for v in values)


# -- frameworks and cohorts for these tests ----------------------------------------------------

STAGE = Scale(
    id="stage",
    title=Text(en="Stage"),
    levels=(
        Level(id="none", value=0.0, label=Text(en="None")),
        Level(id="half", value=0.5, label=Text(en="Half")),
        Level(id="full", value=1.0, label=Text(en="Full")),
    ),
)


def framework_with(
    rule: Normalisation | None,
    *,
    missing: str | None = None,
    weights: tuple[float, float, float] = (1.0, 1.0, 1.0),
    goalposts: Goalposts | None = None,
) -> Framework:
    """Two groups: "a" holds the measured leaf "m" (with *rule* or *goalposts*) and the rated
    leaf "r"; "b" holds the rated leaf "s". *weights* are those of m, r and b."""
    measured = Criterion(
        id="m",
        title=Text(en="measured"),
        normalisation=rule,
        goalposts=goalposts,
        weight=weights[0],
    )
    return Framework(
        id="cohort-test",
        version="1",
        title=Text(en="cohort test"),
        scales=(STAGE,),
        settings=Settings(scale="stage"),
        criteria=(
            Criterion(
                id="a",
                title=Text(en="a"),
                missing=missing,  # type: ignore[arg-type]
                children=(measured, Criterion(id="r", title=Text(en="r"), weight=weights[1])),
            ),
            Criterion(
                id="b",
                title=Text(en="b"),
                weight=weights[2],
                children=(Criterion(id="s", title=Text(en="s")),),
            ),
        ),
    )


def city(index: int, measured: float | None, r: str = "half", s: str = "full") -> CityProfile:
    evidence = [Evidence(criterion="r", rating=r, source="statistics")]
    evidence.append(Evidence(criterion="s", rating=s, source="statistics"))
    if measured is not None:
        evidence.append(Evidence(criterion="m", rating=measured, source="statistics"))
    return CityProfile(
        city=City(id=f"c{index}", name=f"City {index}", population=10_000 * (index + 1)),
        assessment=Assessment(frameworks=("cohort-test",), date=DAY),
        evidence=tuple(evidence),
    )


def cohort_of(values: Sequence[float]) -> list[CityProfile]:
    return [city(i, v) for i, v in enumerate(values)]


@st.composite
def rules(draw: st.DrawFn) -> Normalisation:
    method = draw(st.sampled_from(METHODS))
    # Quantiles as people write them (0.05, 0.125): with q near 1e-129 the by-hand quantile's
    # 1 + (n - 1) q rounds q away (R's too) and a clip an ulp above the target flips the score.
    quantiles = st.tuples(st.integers(0, 450), st.integers(550, 1000))
    winsorise = draw(st.none() | quantiles.map(lambda pair: (pair[0] / 1000, pair[1] / 1000)))
    return Normalisation(
        method=method,  # type: ignore[arg-type]
        direction=draw(st.sampled_from(["higher", "lower"])),
        target=draw(finite) if method == "distance_to_target" else None,
        winsorise=winsorise,
    )


def leaf_score(card: ScoreCard, node: str = "m") -> float | None:
    return card.node(node).adjusted.score


# -- section 8: the normalisation rules --------------------------------------------------------


@given(rule=rules(), values=st.lists(finite, min_size=2, max_size=25), which=st.integers(0, 24))
def test_every_rule_normalises_as_the_contract_says(
    rule: Normalisation, values: list[float], which: int
) -> None:
    framework = framework_with(rule)
    profiles = cohort_of(values)
    stats = ii.cohort_stats(profiles, framework)
    profile = profiles[which % len(profiles)]
    card = ii.score(profile, framework, cohort=stats, registry=REGISTRY)
    expected = by_hand(values[which % len(values)], values, rule)
    assert math.isclose(leaf_score(card) or 0.0, expected, rel_tol=1e-9, abs_tol=1e-7)
    used = {entry.criterion: entry for entry in card.normalisation}["m"]
    assert used.method == rule.method and used.stats.n == len(values)


@given(values=st.lists(finite, min_size=2, max_size=30, unique=True))
def test_minmax_maps_the_cohort_min_to_0_and_max_to_100(values: list[float]) -> None:
    for direction, (low, high) in (("higher", (0.0, 100.0)), ("lower", (100.0, 0.0))):
        rule = Normalisation(method="minmax", direction=direction)  # type: ignore[arg-type]
        framework = framework_with(rule)
        profiles = cohort_of(values)
        at_min = ii.score(profiles[values.index(min(values))], framework, cohort=profiles)
        at_max = ii.score(profiles[values.index(max(values))], framework, cohort=profiles)
        assert leaf_score(at_min) == low and leaf_score(at_max) == high


@given(
    values=st.lists(st.floats(-100, 100, allow_nan=False), min_size=2, max_size=30),
    scale=st.floats(0.1, 10),
    shift=st.floats(-100, 100),
)
def test_rank_is_invariant_to_monotone_transforms(
    values: list[float], scale: float, shift: float
) -> None:
    framework = framework_with(Normalisation(method="rank"))
    transformed = [scale * v**3 + shift for v in values]  # strictly increasing
    if len(set(transformed)) != len(set(values)):
        return  # float rounding merged two values: not a strictly monotone image any more
    plain, moved = cohort_of(values), cohort_of(transformed)
    for i in range(len(values)):
        a = ii.score(plain[i], framework, cohort=plain)
        b = ii.score(moved[i], framework, cohort=moved)
        assert leaf_score(a) == leaf_score(b)


@given(
    values=st.lists(finite, min_size=1, max_size=40),
    low=st.floats(0.0, 0.5),
    high=st.floats(0.5, 1.0),
)
def test_winsorising_never_widens_the_range(values: list[float], low: float, high: float) -> None:
    if not low < high:
        return
    rule = Normalisation(method="minmax", winsorise=(low, high))
    trimmed = IndicatorStats.from_values(values, rule)
    assert min(values) <= trimmed.min <= trimmed.max <= max(values)
    tolerance = 1e-9 * (1.0 + max(abs(v) for v in values))
    assert trimmed.low == pytest.approx(quantile7(values, low), abs=tolerance)
    assert trimmed.high == pytest.approx(quantile7(values, high), abs=tolerance)


def test_coinr_definitions_by_hand() -> None:
    """Numbers worked by hand from COINr's documented formulas (n_minmax with l_u = c(0, 100),
    n_zscore with m_sd = c(50, 10) then clipped, n_dist2max, n_fracmax, n_dist2targ with
    cap_max) and R's quantile type 7."""
    x = [1.0, 2.0, 3.0, 4.0, 5.0]
    minmax = Normalisation(method="minmax")
    assert [by_hand(v, x, minmax) for v in x] == [0.0, 25.0, 50.0, 75.0, 100.0]
    framework = framework_with(minmax)
    profiles = cohort_of(x)
    assert [leaf_score(ii.score(p, framework, cohort=profiles)) for p in profiles] == [
        0.0,
        25.0,
        50.0,
        75.0,
        100.0,
    ]
    # n_zscore: mean 5, sample sd sqrt(32 / 7) = 2.13809; 9 is z = 1.87083: 50 + 18.7083.
    z = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
    framework = framework_with(Normalisation(method="zscore"))
    card = ii.score(cohort_of(z)[7], framework, cohort=cohort_of(z))
    assert leaf_score(card) == pytest.approx(68.7083, abs=1e-4)
    card = ii.score(cohort_of(z)[4], framework, cohort=cohort_of(z))
    assert leaf_score(card) == pytest.approx(50.0)
    # n_dist2max (1 - (max - x) / (max - min)) equals min-max: 20 of [10, 30] gives 50.
    # distance to the best as a share of it (n_fracmax): 10 / 30.
    t = [10.0, 20.0, 30.0]
    best = framework_with(Normalisation(method="distance_to_best"))
    assert leaf_score(ii.score(cohort_of(t)[0], best, cohort=cohort_of(t))) == pytest.approx(
        100 / 3
    )
    # n_dist2targ(x, targ = 25, direction = 1, cap_max = TRUE): (20 - 10) / (25 - 10).
    target = framework_with(Normalisation(method="distance_to_target", target=25.0))
    cards = [ii.score(p, target, cohort=cohort_of(t)) for p in cohort_of(t)]
    assert [leaf_score(c) for c in cards] == pytest.approx([0.0, 200 / 3, 100.0])
    # Percentile rank (PERCENT_RANK, ties at the lowest): [1, 2, 2, 3] -> 0, 1/3, 1/3, 1.
    ranked = framework_with(Normalisation(method="rank"))
    r = [1.0, 2.0, 2.0, 3.0]
    scores = [leaf_score(ii.score(p, ranked, cohort=cohort_of(r))) for p in cohort_of(r)]
    assert scores == pytest.approx([0.0, 100 / 3, 100 / 3, 100.0])
    # quantile(c(1, 2, 3, 4, 10), 0.95, type = 7): h = 4.8, 4 + 0.8 * (10 - 4) = 8.8.
    assert quantile7([1, 2, 3, 4, 10], 0.95) == pytest.approx(8.8)
    stats = IndicatorStats.from_values(
        [1, 2, 3, 4, 10], Normalisation(method="minmax", winsorise=(0.0, 0.95))
    )
    assert stats.high == pytest.approx(8.8) and stats.max == pytest.approx(8.8)


# -- missing values, weight 0, clipping --------------------------------------------------------


@given(values=st.lists(finite, min_size=3, max_size=12), rule=rules())
def test_missing_values_follow_the_declared_rule(values: list[float], rule: Normalisation) -> None:
    profiles = [*cohort_of(values), city(99, None)]
    for missing in (None, "skip", "zero", "mean"):
        framework = framework_with(rule, missing=missing)
        card = ii.score(profiles[-1], framework, cohort=profiles)
        node = card.node("m")
        if missing in (None, "skip"):
            # left out: group a is its other child's value (0.5), renormalised
            assert node.imputed is None and node.adjusted.score is None
            assert card.node("a").adjusted.score == pytest.approx(50.0)
            continue
        assert node.imputed == missing
        # the mean is the cohort's (after winsorising), normalised as a measured value would be
        expected = 0.0 if missing == "zero" else by_hand(trimmed_mean(values, rule), values, rule)
        assert leaf_score(card) == pytest.approx(expected, abs=1e-7)
        assert card.node("a").adjusted.score == pytest.approx((expected + 50.0) / 2, abs=1e-7)
        assert node.adjusted.coverage == 0.0  # a value, not evidence
        assert (node.adjusted.lower, node.adjusted.upper) == (0.0, 100.0)


@given(
    measured=st.floats(0, 100), r=st.sampled_from(["none", "half", "full"]), other=st.floats(0.1, 5)
)
def test_weight_zero_switches_a_criterion_off(measured: float, r: str, other: float) -> None:
    posts = Goalposts(min=0.0, max=100.0)
    off = framework_with(None, goalposts=posts, weights=(0.0, other, 1.0))
    card = ii.score(city(0, measured, r=r), off, registry=REGISTRY)
    node = card.node("m")
    assert node.switched_off and node.adjusted.score == pytest.approx(measured)
    assert node.adjusted.weight == 0.0
    # the group scores as its other child alone
    assert card.node("a").adjusted.score == card.node("r").adjusted.score
    assert card.node("a").adjusted.coverage == 1.0


def test_all_zero_siblings_are_refused_with_their_key_path() -> None:
    with pytest.raises(FrameworkError) as caught:
        framework_with(None, goalposts=Goalposts(min=0, max=1), weights=(0.0, 0.0, 1.0))
    assert "criteria[0].children[0].weight" in str(caught.value)


def test_a_switched_off_criterion_does_not_fail_the_scale_weight_check() -> None:
    """A weight of 0 stays 0 under a scale_weight factor below 1: only the positive weights of
    a group are checked against being scaled down to zero (frameworks(cohort=True) draws both)."""
    base = framework_with(None, goalposts=Goalposts(min=0, max=1), weights=(0.0, 1.0, 1.0))
    halve = ModifierRule(
        id="halve", effect="scale_weight", criteria=("r",), reason=Text(en="x"), factor=0.5
    )
    framework = attrs.evolve(base, modifiers=(halve,))  # no FrameworkError
    card = ii.score(city(0, 5.0), framework, registry=REGISTRY)
    assert card.node("m").switched_off and card.node("m").adjusted.weight == 0.0
    assert card.node("r").adjusted.weight == 1.0
    tiny = attrs.evolve(halve, factor=1e-300)
    with pytest.raises(FrameworkError, match="could reach zero"):
        attrs.evolve(base, modifiers=(attrs.evolve(tiny, id="a"), attrs.evolve(tiny, id="b")))


def test_values_beyond_fixed_goalposts_are_clipped_with_a_warning() -> None:
    framework = framework_with(None, goalposts=Goalposts(min=0, max=100, unit="%"))
    card = ii.score(city(0, 104.0), framework, registry=REGISTRY)
    assert leaf_score(card) == 100.0
    assert card.node("m").measured == 104.0 and card.node("m").unit == "%"
    assert any("104 % is above the goalpost 100 %" in w for w in card.warnings)


# -- weights at run time -----------------------------------------------------------------------


def test_clipping_warnings_do_not_depend_on_the_order_of_criteria_or_items() -> None:
    """By criterion id, then value (found by test_reordering_evidence_or_criteria_changes_nothing)."""
    posts = Goalposts(min=0.0, max=100.0)
    leaves = tuple(Criterion(id=i, title=Text(en=i), goalposts=posts) for i in ("y", "x"))
    framework = Framework(
        id="cohort-test", version="1", title=Text(en="t"), scales=(STAGE,),
        settings=Settings(scale="stage"), criteria=leaves,
    )  # fmt: skip
    items = [("y", 150.0), ("x", -5.0), ("y", -20.0)]
    evidence = tuple(Evidence(criterion=c, rating=v, source="statistics") for c, v in items)
    profile = attrs.evolve(city(0, None), evidence=evidence)
    expected = (
        "criterion 'x': measured value -5 is below the goalpost 0; it was clipped to the goalpost",
        "criterion 'y': measured value -20 is below the goalpost 0; it was clipped to the goalpost",
        "criterion 'y': measured value 150 is above the goalpost 100; it was clipped to the goalpost",
    )
    reordered = attrs.evolve(framework, criteria=leaves[::-1])
    for fw, items_in in ((framework, evidence), (reordered, evidence[::-1])):
        card = ii.score(attrs.evolve(profile, evidence=items_in), fw, registry=REGISTRY)
        assert [w for w in card.warnings if "clipped" in w] == list(expected)


@given(weights=st.tuples(st.floats(0.1, 10), st.floats(0.1, 10), st.floats(0.1, 10)))
def test_weight_overrides_equal_to_the_files_change_nothing(
    weights: tuple[float, float, float],
) -> None:
    framework = framework_with(Normalisation(method="zscore"), weights=weights)
    profiles = cohort_of([1.0, 5.0, 9.0])
    plain = ii.score(profiles[0], framework, cohort=profiles)
    same = {"m": weights[0], "r": weights[1], "b": weights[2], "a": 1.0}
    overridden = ii.score(profiles[0], framework, cohort=profiles, weights=same)
    assert attrs.evolve(overridden, weight_overrides=(), weights_source=None) == plain
    assert {o.criterion for o in overridden.weight_overrides} == set(same)


def test_weight_overrides_are_validated_with_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text("schema = 1\n[weights]\na = 1\nnope = 2\nb = -1\n", encoding="utf-8")
    framework = framework_with(None, goalposts=Goalposts(min=0, max=1))
    with pytest.raises(AnalysisInputError) as caught:
        ii.score(city(0, 0.5), framework, weights=ii.load_weights(path))
    text = caught.value.format()
    assert f"{path}:4: weights.nope: unknown criterion 'nope'" in text
    assert f"{path}:5: weights.b: weight of 'b' must be a finite number, 0 or more" in text
    path.write_text("schema = 1\n[weights]\na = 0\nb = 0\n", encoding="utf-8")
    with pytest.raises(AnalysisInputError, match="every one of the top-level criteria weighs 0"):
        ii.score(city(0, 0.5), framework, weights=ii.load_weights(path))


def test_weights_change_the_card_and_are_recorded() -> None:
    framework = framework_with(None, goalposts=Goalposts(min=0, max=100))
    card = ii.score(city(0, 20.0, r="full", s="none"), framework, weights={"b": 3.0})
    # a = (20 + 100) / 2 = 60, b = 0; weights a 1, b 3: overall 60 / 4 = 15
    assert card.score == pytest.approx(15.0)
    assert [(o.criterion, o.declared, o.used) for o in card.weight_overrides] == [("b", 1.0, 3.0)]
    assert card.weights_source == "argument"


# -- the cohort: statistics, batches, errors ---------------------------------------------------


@given(values=st.lists(finite, min_size=2, max_size=20), rule=rules())
def test_cohort_statistics_survive_toml_and_json(values: list[float], rule: Normalisation) -> None:
    stats = ii.cohort_stats(cohort_of(values), framework_with(rule))
    for fmt in ("toml", "json"):
        text = ii.dumps_cohort_stats(stats, format=fmt)
        from integration_index._io.analysis_files import cohort_stats_from_text

        assert attrs.evolve(cohort_stats_from_text(text), source="profiles") == stats


def test_a_profile_alone_against_a_cohort_rule_says_how_to_give_the_cohort() -> None:
    framework = framework_with(Normalisation(method="minmax"))
    with pytest.raises(AnalysisInputError, match=r"--cohort PATH.*--cohort-stats FILE"):
        ii.score(city(0, 1.0), framework)
    with pytest.raises(AnalysisInputError, match="at least 2"):
        list(ii.score_many([city(0, 1.0)], [framework]))
    with pytest.raises(AnalysisInputError, match="twice"):
        ii.score_many(iter(cohort_of([1.0, 2.0])), [framework])


def test_the_batch_scores_as_score_with_the_cohort_and_as_saved_statistics(
    tmp_path: Path,
) -> None:
    framework = ii.load_framework(EXAMPLE / "framework.toml")
    paths = sorted(str(p) for p in (EXAMPLE / "profiles").glob("*.toml"))
    assert len(paths) >= 30
    batch = [r.cards[0] for r in ii.score_many(paths, [framework])]
    stats = ii.cohort_stats(paths, framework)
    saved = tmp_path / "stats.json"
    saved.write_text(ii.dumps_cohort_stats(stats, format="json"), encoding="utf-8")
    loaded = ii.load_cohort_stats(saved)
    for path, card in list(zip(paths, batch, strict=True))[:6]:
        profile = ii.load_profile(path)
        assert ii.score(profile, framework, cohort=paths) == card
        again = ii.score(profile, framework, cohort=loaded)
        assert again.score == card.score
        assert {n.source for n in again.normalisation} == {str(saved)}
    jobs = [r.cards[0] for r in ii.score_many(paths, [framework], jobs=2)]
    assert jobs == batch


def test_a_cohort_card_survives_a_json_round_trip() -> None:
    framework = ii.load_framework(EXAMPLE / "framework.toml")
    paths = sorted(str(p) for p in (EXAMPLE / "profiles").glob("*.toml"))
    for result in ii.score_many(paths[:8], [framework], weights={"access": 1.0}):
        card = result.cards[0]
        assert ii.scorecard_from_json(ii.scorecard_to_json(card)) == card
        json.loads(ii.scorecard_to_json(card))  # plain JSON: no Infinity, no NaN


def test_stats_for_another_framework_are_refused() -> None:
    framework = framework_with(Normalisation(method="minmax"))
    stats = CohortStats(framework_id="other", indicators={})
    with pytest.raises(AnalysisInputError, match="for framework 'other'"):
        ii.score(city(0, 1.0), framework, cohort=stats)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_cohort_profile_survives_the_workbook_round_trip(language: str, tmp_path: Path) -> None:
    if os.environ.get("CI"):  # CI installs the xlsx extra: a missing one fails there
        importlib.import_module("openpyxl")
    else:
        pytest.importorskip("openpyxl", reason="the xlsx extra (openpyxl) is not installed")
    framework = ii.load_framework(EXAMPLE / "framework.toml")
    for path in sorted((EXAMPLE / "profiles").glob("*.toml"))[:5]:
        profile = ii.load_profile(path)
        target = tmp_path / "profile.xlsx"
        ii.write_workbook(profile, target, frameworks=[framework], language=language)
        assert ii.read_workbook(target, frameworks=[framework]) == profile
