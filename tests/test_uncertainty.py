"""The uncertainty and sensitivity of ranks: docs/uncertainty.md.

The estimators are checked against the Ishigami function's analytic indices and against a
separate, whole-array transcription of SALib's ``sobol.analyze`` (and SALib itself when it is
installed); the Monte Carlo against worked examples whose answer follows from the design, and
the "(property)" items of docs/uncertainty.md by Hypothesis on generated frameworks and profiles.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from analysis_extra import analysis_extra, extra_module
from hypothesis import given
from hypothesis import strategies as st

import integration_index as ii
from integration_index.analysis import (
    AggregationSwitch,
    EvidenceSwitch,
    RankUncertainty,
    UncertaintySources,
    WeightNoise,
)
from integration_index.model import (
    Assessment,
    City,
    CityProfile,
    CohortStats,
    Criterion,
    Evidence,
    Framework,
    IndicatorStats,
    Level,
    Normalisation,
    Scale,
    Settings,
    Text,
)
from integration_index.testing import cohorts, frameworks, profiles

np = analysis_extra()

REGISTRY = ii.Registry(entry_points=False)
DAY = datetime.date(2024, 1, 1)
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)
OFF = UncertaintySources.none()


# -- the estimators ------------------------------------------------------------------------------


def ishigami(x: Any, a: float = 7.0, b: float = 0.1) -> Any:
    return np.sin(x[..., 0]) + a * np.sin(x[..., 1]) ** 2 + b * x[..., 2] ** 4 * np.sin(x[..., 0])


def _design(n: int, seed: int) -> tuple[Any, Any, Any]:
    """Ishigami outputs on a Saltelli design: Y_A, Y_B ``[n, 1]``, Y_ABi ``[3, n, 1]``."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(-math.pi, math.pi, (n, 3))
    b = rng.uniform(-math.pi, math.pi, (n, 3))
    ab = np.stack([np.where(np.arange(3) == i, b, a) for i in range(3)])
    return ishigami(a)[:, None], ishigami(b)[:, None], ishigami(ab)[..., None]


def _salib_transcribed(y_a: Any, y_b: Any, y_ab: Any) -> tuple[list[float], list[float]]:
    """SALib's sobol.analyze (no bootstrap), written out on whole arrays: standardise every
    output, then Saltelli 2010 first order and Jansen total over the variance of A and B."""
    everything = np.concatenate([y_a.ravel(), y_b.ravel(), y_ab.ravel()])
    mean, sd = everything.mean(), everything.std()
    a, b = (y_a.ravel() - mean) / sd, (y_b.ravel() - mean) / sd
    variance = np.var(np.r_[a, b])
    first, total = [], []
    for i in range(y_ab.shape[0]):
        ab = (y_ab[i].ravel() - mean) / sd
        first.append(float(np.mean(b * (ab - a)) / variance))
        total.append(float(0.5 * np.mean((a - ab) ** 2) / variance))
    return first, total


def test_the_estimators_find_the_ishigami_indices() -> None:
    from integration_index._vector.sobol import indices

    first, total = indices(*_design(200_000, seed=7))
    assert first[:, 0] == pytest.approx(ISHIGAMI_S1, abs=0.02)
    assert total[:, 0] == pytest.approx(ISHIGAMI_ST, abs=0.02)


def test_streamed_sums_give_salibs_estimates() -> None:
    """Chunk by chunk, the running sums give exactly SALib's whole-array formulas."""
    from integration_index._vector.sobol import SobolSums

    y_a, y_b, y_ab = _design(3000, seed=11)
    sums = SobolSums(3, 1)
    for start in range(0, 3000, 700):
        stop = start + 700
        sums.add(y_a[start:stop], y_b[start:stop], y_ab[:, start:stop])
    first, total = sums.indices()
    expected_first, expected_total = _salib_transcribed(y_a, y_b, y_ab)
    assert first[:, 0] == pytest.approx(expected_first, abs=1e-10)
    assert total[:, 0] == pytest.approx(expected_total, abs=1e-10)


def test_salib_itself_agrees() -> None:
    # SALib comes with the crosscheck extra (in dev): skipped only outside CI when missing.
    sobol = extra_module("SALib.analyze.sobol", "crosscheck")
    from integration_index._vector.sobol import indices

    y_a, y_b, y_ab = _design(2000, seed=3)
    # SALib's layout without second order: per row A, AB_1, ..., AB_d, B.
    rows = np.concatenate([y_a, *y_ab, y_b], axis=1).ravel()
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    found = sobol.analyze(problem, rows, calc_second_order=False, num_resamples=10, seed=1)
    first, total = indices(y_a, y_b, y_ab)
    assert first[:, 0] == pytest.approx(found["S1"], abs=1e-10)
    assert total[:, 0] == pytest.approx(found["ST"], abs=1e-10)


def test_quantiles_of_a_rank_histogram_are_numpys_inverted_cdf() -> None:
    from integration_index._vector.uncertainty import _quantile

    rng = np.random.default_rng(5)
    for runs in (1, 7, 20, 100, 333):
        ranks = rng.integers(1, 6, runs)
        histogram = np.bincount(ranks, minlength=7)[None]
        cumulative = np.cumsum(histogram, axis=1)
        for q in (0.05, 0.5, 0.95):
            expected = np.quantile(ranks, q, method="inverted_cdf")
            assert _quantile(cumulative, runs, q)[0] == expected, (runs, q)


# -- worked examples ---------------------------------------------------------------------------


SCALE = Scale(
    id="s",
    title=Text(en="S"),
    levels=(
        Level(id="no", value=0.0, label=Text(en="No")),
        Level(id="half", value=0.4, label=Text(en="Partly")),
        Level(id="yes", value=1.0, label=Text(en="Yes")),
    ),
)
PAIR = Framework(
    id="pair",
    version="1",
    title=Text(en="Pair"),
    criteria=(
        Criterion(id="a", title=Text(en="A")),
        Criterion(id="b", title=Text(en="B")),
    ),
    scales=(SCALE,),
    settings=Settings(scale="s", min_coverage=0.0),
)


def city(city_id: str, ratings: Sequence[tuple[str, str]]) -> CityProfile:
    return CityProfile(
        city=City(id=city_id, name=city_id.title()),
        assessment=Assessment(frameworks=("pair",), date=DAY),
        evidence=tuple(
            Evidence(criterion=criterion, rating=rating, source="document")
            for criterion, rating in ratings
        ),
    )


def test_the_aggregation_switch_decides_a_ranking_it_alone_drives() -> None:
    """Arithmetic: (1 + 0)/2 = 0.5 beats 0.4; geometric: 0 loses to 0.4. Half the runs each,
    so each city is first about half the time, and the switch explains all the variance."""
    cities = [
        city("spiky", [("a", "yes"), ("b", "no")]),
        city("even", [("a", "half"), ("b", "half")]),
    ]
    sources = UncertaintySources(
        unassessed=False, weights=None, evidence=None, aggregation=AggregationSwitch(levels=(0,))
    )
    result = ii.rank_uncertainty(
        cities, PAIR, draws=6000, seed=2, sources=sources, top_k=1, registry=REGISTRY
    )
    assert result.sources == ("aggregation",)
    assert result.runs == 6000 and result.base_sample == 2000
    spiky, even = sorted(result.cities, key=lambda c: c.city_id != "spiky")
    assert (spiky.score, spiky.rank, even.rank) == (50.0, 1, 2)
    assert even.score == pytest.approx(40.0)
    assert spiky.top_k == pytest.approx(0.5, abs=0.03)
    assert spiky.top_k + even.top_k == pytest.approx(1.0)
    assert (spiky.rank_low, spiky.rank_high) == (1, 2)
    (switch,) = result.sensitivity
    assert switch.first_order == pytest.approx(1.0, abs=0.05)
    assert switch.total == pytest.approx(1.0, abs=0.05)
    assert spiky.rank_total["aggregation"] == pytest.approx(1.0, abs=0.05)
    assert [p.base_sample for p in switch.convergence] == [250, 500, 1000, 2000]
    # Geometric half the time: the spiky city's mean score is half of 50 and half of 0.
    assert spiky.mean_score == pytest.approx(25.0, abs=1.5)


def test_unassessed_criteria_are_drawn_among_their_scales_levels() -> None:
    """One unrated leaf of three levels (0, 0.4, 1): the city's score is (1 + x)/2, its mean
    (1 + 1.4/3)/2 = 0.7333 and its standard deviation 50 * sd(x) = 50 * 0.4110."""
    alone = [city("open", [("a", "yes")]), city("fixed", [("a", "half"), ("b", "yes")])]
    sources = UncertaintySources(weights=None, aggregation=None, evidence=None)
    result = ii.rank_uncertainty(
        alone, PAIR, draws=30_000, seed=4, sources=sources, top_k=1, registry=REGISTRY
    )
    entry = next(c for c in result.cities if c.city_id == "open")
    assert entry.score == 100.0  # the point score: the assessed leaf alone
    assert entry.mean_score == pytest.approx(100 * (1 + 1.4 / 3) / 2, abs=0.5)
    levels = np.array([0.0, 0.4, 1.0])
    assert entry.sd_score == pytest.approx(50 * levels.std(), abs=0.5)
    # It beats "fixed" (0.7) when x = 1, ties it (both first) when x = 0.4, loses when x = 0.
    assert entry.top_k == pytest.approx(2 / 3, abs=0.02)
    assert next(c for c in result.cities if c.city_id == "fixed").top_k == pytest.approx(
        2 / 3, abs=0.02
    )


def test_the_evidence_source_needs_profiles() -> None:
    cards = [ii.score(city("x", [("a", "yes")]), PAIR, registry=REGISTRY)]
    with pytest.raises(ValueError, match="needs the profiles"):
        ii.rank_uncertainty(cards, PAIR, sources=UncertaintySources(), registry=REGISTRY)
    result = ii.rank_uncertainty(cards, PAIR, draws=40, registry=REGISTRY)
    assert result.sources == ("unassessed", "weights", "aggregation")


def test_the_latest_assessment_of_each_city_counts() -> None:
    old = city("x", [("a", "no")])
    new = CityProfile(
        city=old.city,
        assessment=Assessment(frameworks=("pair",), date=DAY.replace(year=2025)),
        evidence=city("x", [("a", "yes")]).evidence,
    )
    result = ii.rank_uncertainty([new, old], PAIR, draws=10, sources=OFF, registry=REGISTRY)
    assert [(c.city_id, c.assessment_date, c.score) for c in result.cities] == [
        ("x", "2025-01-01", 100.0)
    ]
    other = city("x", [("a", "half")])
    with pytest.raises(ValueError, match="ambiguous"):
        ii.rank_uncertainty([old, other], PAIR, draws=10, sources=OFF, registry=REGISTRY)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="spread"):
        WeightNoise(spread=1.5)
    with pytest.raises(ValueError, match="concentration"):
        WeightNoise(kind="dirichlet", concentration=0)
    with pytest.raises(ValueError, match="rules"):
        EvidenceSwitch(rules=("newest",))
    with pytest.raises(ValueError, match="levels"):
        AggregationSwitch(levels=())
    with pytest.raises(ValueError, match="draws"):
        ii.rank_uncertainty([city("x", [])], PAIR, draws=0, registry=REGISTRY)


# -- cohort features (docs/uncertainty.md, section 3) ---------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
ALL_BUT_EVIDENCE = UncertaintySources(evidence=None)


def _pair_with(*criteria: Criterion) -> Framework:
    return Framework(
        id="pair",
        version="1",
        title=Text(en="Pair"),
        criteria=criteria,
        scales=(SCALE,),
        settings=Settings(scale="s", min_coverage=0.0),
    )


def test_an_imputed_leaf_keeps_its_value_in_every_run() -> None:
    """b's missing value counts as 0 (the framework's rule): the unassessed source draws
    nothing, so the city scores (1 + 0)/2 in every run."""
    zero = _pair_with(
        Criterion(id="a", title=Text(en="A")),
        Criterion(id="b", title=Text(en="B"), missing="zero"),
    )
    cities = [city("open", [("a", "yes")]), city("fixed", [("a", "half"), ("b", "yes")])]
    sources = UncertaintySources(weights=None, aggregation=None, evidence=None)
    result = ii.rank_uncertainty(
        cities, zero, draws=300, seed=4, sources=sources, registry=REGISTRY
    )
    entry = next(c for c in result.cities if c.city_id == "open")
    assert (entry.score, entry.mean_score, entry.sd_score) == (50.0, 50.0, 0.0)
    assert result.sensitivity[0].total == 0.0


@pytest.mark.parametrize("noise", [WeightNoise(spread=0.5), WeightNoise(kind="dirichlet")])
def test_a_switched_off_criterion_changes_no_run(noise: WeightNoise) -> None:
    """c weighs 0: whatever its rating (or none), every run, every rank and index is the same."""
    framework = _pair_with(
        Criterion(id="a", title=Text(en="A")),
        Criterion(id="b", title=Text(en="B")),
        Criterion(id="c", title=Text(en="C"), weight=0.0),
    )
    base = [("a", "yes"), ("a", "half"), ("b", "half")]
    sources = UncertaintySources(weights=noise)
    results = []
    for extra in ([], [("c", "no")], [("c", "yes"), ("c", "yes")]):
        cities = [city("x", base + extra), city("y", [("a", "half"), ("b", "yes")]), city("z", [])]
        results.append(
            ii.rank_uncertainty(
                cities, framework, draws=400, seed=7, sources=sources, registry=REGISTRY
            )
        )
    assert results[0] == results[1] == results[2]
    assert results[0].sensitivity and any(s.total > 0 for s in results[0].sensitivity)


def test_the_evidence_source_normalises_against_the_cohort_held_fixed() -> None:
    """Items 20 and 80 on a minmax leaf over a cohort from 0 to 100: the rule "min" scores it
    20 in every run, "max" 80 (the statistics do not move with the rule)."""
    rule = Normalisation(method="minmax")
    framework = _pair_with(Criterion(id="m", title=Text(en="M"), normalisation=rule))
    stats = CohortStats(
        framework_id="pair",
        indicators={"m": IndicatorStats.from_values([0.0, 100.0], rule)},
        size=2,
    )
    measured = [Evidence(criterion="m", rating=value, source="document") for value in (20.0, 80.0)]
    cities = [attrs.evolve(city("x", []), evidence=tuple(measured)), city("y", [])]
    for chosen, expected in (("min", 20.0), ("max", 80.0)):
        sources = UncertaintySources(
            unassessed=False,
            weights=None,
            aggregation=None,
            evidence=EvidenceSwitch(rules=(chosen,)),
        )
        result = ii.rank_uncertainty(
            cities, framework, draws=30, sources=sources, registry=REGISTRY, cohort=stats
        )
        entry = next(c for c in result.cities if c.city_id == "x")
        assert entry.score == pytest.approx(50.0)  # the median, as the card
        assert entry.mean_score == pytest.approx(expected) and entry.sd_score == pytest.approx(0.0)


def _cohort_example() -> tuple[Framework, list[CityProfile], Any]:
    framework = ii.load_framework(ROOT / "examples/cohort/framework.toml")
    profiles_read = [
        result.profile
        for result in ii.score_many(
            [ROOT / "examples/cohort/profiles"], [framework], keep_profiles=True
        )
    ]
    weights = ii.load_weights(ROOT / "examples/cohort/weights.toml")
    return framework, [p for p in profiles_read if p is not None], weights


def test_the_cohort_example_ranks_as_score_many_scores_it() -> None:
    """Profiles are scored against their own cohort (as score_many does), with run-time weights
    when given; cards keep theirs; the point ranking is the cards' adjusted overall scores."""
    framework, cities, weights = _cohort_example()
    for given_weights in (None, weights):
        cards = [
            card
            for result in ii.score_many(cities, [framework], weights=given_weights)
            for card in result.cards
        ]
        expected = {card.city_id: card.overall.adjusted.score for card in cards}
        from_profiles = ii.rank_uncertainty(
            cities, framework, draws=60, seed=3, sources=ALL_BUT_EVIDENCE, weights=given_weights
        )
        assert {c.city_id: c.score for c in from_profiles.cities} == pytest.approx(expected)
        from_cards = ii.rank_uncertainty(
            cards, framework, draws=60, seed=3, sources=ALL_BUT_EVIDENCE
        )
        assert from_cards == from_profiles
        recorded = from_cards.settings.get("weight_overrides")
        overridden = "access 2 to 1, participation 1 to 1, pilot-survey 0 to 1"
        assert recorded == (None if given_weights is None else overridden)
    mixed = [
        ii.score(cities[0], framework, cohort=cities),
        ii.score(cities[1], framework, cohort=cities, weights=weights),
    ]
    with pytest.raises(ValueError, match="different weights"):
        ii.rank_uncertainty(mixed, framework, draws=10, sources=OFF)


# -- properties (docs/uncertainty.md) ------------------------------------------------------------


def _sources(data: st.DataObject) -> UncertaintySources:
    noise = data.draw(
        st.sampled_from(
            [None, WeightNoise(spread=0.3), WeightNoise(kind="dirichlet", concentration=5)]
        )
    )
    levels = data.draw(st.none() | st.lists(st.integers(0, 3), min_size=1, max_size=2, unique=True))
    rules = data.draw(
        st.none()
        | st.lists(
            st.sampled_from(["median", "mean", "min", "max", "latest"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    return UncertaintySources(
        unassessed=data.draw(st.booleans()),
        weights=noise,
        aggregation=None if levels is None else AggregationSwitch(levels=tuple(levels)),
        evidence=None if rules is None else EvidenceSwitch(rules=tuple(rules)),
    )


def _cohort(data: st.DataObject) -> tuple[Framework, list[CityProfile], CohortStats | None]:
    """A framework (half the time with cohort rules, missing-value rules and switched-off
    criteria), its cities, and the cohort statistics they are scored against (if needed)."""
    framework = data.draw(frameworks(max_depth=3, cohort=data.draw(st.booleans())))
    stats = data.draw(cohorts(framework)) if needs_cohort(framework) else None
    drawn = data.draw(st.lists(profiles(framework), min_size=1, max_size=5))
    renamed = [
        CityProfile(
            city=City(id=f"c{i}", name=f"C{i}"),
            assessment=p.assessment,
            evidence=p.evidence,
            context=p.context,
            exclusions=p.exclusions,
        )
        for i, p in enumerate(drawn)
    ]
    return framework, renamed, stats


def needs_cohort(framework: Framework) -> bool:
    return any(
        node.normalisation is not None or node.missing == "mean"
        for node in framework.nodes.values()
    )


def _check_ranges(result: RankUncertainty, n: int) -> None:
    for entry in result.cities:
        assert 1 <= entry.rank_low <= entry.median_rank <= entry.rank_high <= n
        assert 1 <= entry.rank <= n
        assert 0.0 <= entry.top_k <= 1.0
        assert 1 <= entry.mean_rank <= n


@given(st.data())
def test_with_every_source_off_every_run_is_the_point_ranking(data: st.DataObject) -> None:
    framework, cohort, stats = _cohort(data)
    draws = data.draw(st.integers(1, 30))
    k = data.draw(st.integers(1, 3))
    result = ii.rank_uncertainty(
        cohort, framework, draws=draws, sources=OFF, top_k=k, registry=REGISTRY, cohort=stats
    )
    assert result.runs == draws and result.sensitivity == () and result.mean_rank_shift == 0.0
    cards = [ii.score(p, framework, registry=REGISTRY, cohort=stats) for p in cohort]
    by_id = {card.city_id: card for card in cards}
    for entry in result.cities:
        assert entry.rank_low == entry.median_rank == entry.rank_high == entry.rank
        assert entry.mean_rank == entry.rank
        assert entry.top_k == (1.0 if entry.rank <= k else 0.0)
        assert entry.sd_score in (None, 0.0)
        shown = by_id[entry.city_id].overall.adjusted.score
        if shown is not None:  # the point score is the card's (also below min_coverage)
            assert entry.score == pytest.approx(shown, abs=1e-12)
    # The point ranking ranks as compare does: 1 + the number of cities scoring strictly more.
    scores = {c.city_id: c.score for c in result.cities}
    for entry in result.cities:
        better = sum(
            1 for s in scores.values() if s is not None and (entry.score is None or s > entry.score)
        )
        assert entry.rank == 1 + better


@given(st.data())
def test_intervals_contain_the_median_and_indices_are_bounded(data: st.DataObject) -> None:
    framework, cohort, stats = _cohort(data)
    sources = _sources(data)
    result = ii.rank_uncertainty(
        cohort,
        framework,
        draws=data.draw(st.integers(1, 120)),
        seed=data.draw(st.integers(0, 3)),
        sources=sources,
        registry=REGISTRY,
        cohort=stats,
    )
    assert result.sources == sources.active
    n = len(result.cities)
    _check_ranges(result, n)
    assert result.runs == result.base_sample * (len(sources.active) + 2) if sources.active else True
    for source in result.sensitivity:
        assert source.total >= 0.0  # Jansen's estimator is a mean of squares
        assert all(p.total >= 0.0 for p in source.convergence)
    for entry in result.cities:
        assert all(v is not None and v >= 0.0 for v in entry.rank_total.values())


@given(st.data())
def test_the_same_seed_gives_identical_results(data: st.DataObject) -> None:
    framework, cohort, stats = _cohort(data)
    sources = _sources(data)
    seed = data.draw(st.integers(0, 2**32))
    first = ii.rank_uncertainty(
        cohort, framework, draws=60, seed=seed, sources=sources, registry=REGISTRY, cohort=stats
    )
    again = ii.rank_uncertainty(
        cohort, framework, draws=60, seed=seed, sources=sources, registry=REGISTRY, cohort=stats
    )
    assert first == again


@given(st.data())
def test_unassessed_draws_stay_within_the_bounds(data: st.DataObject) -> None:
    """Drawing only the unassessed leaves, every run's score lies within the card's bounds, so
    the mean does too; a source that cannot change anything (weights +-0) explains nothing."""
    framework, cohort, stats = _cohort(data)
    sources = UncertaintySources(weights=WeightNoise(spread=0.0), aggregation=None, evidence=None)
    result = ii.rank_uncertainty(
        cohort, framework, draws=80, seed=1, sources=sources, registry=REGISTRY, cohort=stats
    )
    for entry in result.cities:
        profile = next(p for p in cohort if p.city.id == entry.city_id)
        overall = ii.score(profile, framework, registry=REGISTRY, cohort=stats).overall.adjusted
        low, high = overall.lower, overall.upper
        if low is not None and high is not None and entry.mean_score is not None:
            assert low - 1e-9 <= entry.mean_score <= high + 1e-9
        assert entry.rank_first_order["weights"] == 0.0 and entry.rank_total["weights"] == 0.0
        assert entry.score_total["weights"] == 0.0
    weights = next(s for s in result.sensitivity if s.source == "weights")
    assert (weights.first_order, weights.total) == (0.0, 0.0)


class _HalfPlugin:
    """A plugin's method: the mean of the assessed children, halved (not vectorisable)."""

    @ii.hookimpl
    def integration_index_register_aggregations(self, register: Any) -> None:
        def half(values: Sequence[float | None], weights: Sequence[float], node: object) -> Any:
            known = [v for v in values if v is not None]
            return sum(known) / len(known) / 2 if known else None

        register("half", half, monotone=True, description="half the mean")


def test_a_plugins_method_runs_through_the_scalar_engine_in_every_run() -> None:
    registry = ii.Registry(entry_points=False)
    registry.register_plugin(_HalfPlugin(), name="half")
    halved = Framework(
        id="pair",
        version="1",
        title=Text(en="Pair"),
        criteria=PAIR.criteria,
        scales=(SCALE,),
        settings=Settings(scale="s", min_coverage=0.0, aggregation="half"),
    )
    cities = [city("one", [("a", "yes")]), city("two", [("a", "half"), ("b", "half")])]
    result = ii.rank_uncertainty(cities, halved, draws=12, sources=OFF, registry=registry)
    assert result.scalar_nodes == ("overall",)
    assert [(c.city_id, c.score) for c in result.cities] == [("one", 50.0), ("two", 20.0)]
    drawn = ii.rank_uncertainty(
        cities,
        halved,
        draws=300,
        seed=3,
        sources=UncertaintySources(weights=None, aggregation=None, evidence=None),
        top_k=1,
        registry=registry,
    )
    one = next(c for c in drawn.cities if c.city_id == "one")
    # "one" scores (1 + x)/4 with x drawn among 0, 0.4, 1: always above "two"'s 0.2.
    assert one.top_k == 1.0
    assert one.mean_score == pytest.approx(100 * (1 + 1.4 / 3) / 4, abs=2.0)
