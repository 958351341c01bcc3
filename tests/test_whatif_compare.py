"""What-if scenarios, rankings (ties, bounds, peer groups) and the analysis commands.

Expected values are hand arithmetic or a naive reading of the documented definitions (the
quadratic rank the ranking used to compute), never the code under test.
"""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import integration_index as ii
from integration_index._analysis.compare import _bound_ranks, competition_ranks
from integration_index._cli.main import main
from integration_index.analysis import PeerRule
from integration_index.exceptions import AnalysisInputError
from integration_index.model import (
    Assessment,
    City,
    CityProfile,
    NodeResult,
    NodeScore,
    Scenario,
    ScenarioRating,
    ScoreCard,
)
from integration_index.testing import frameworks, profiles

REGISTRY = ii.Registry(entry_points=False)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "cohort"
FRAMEWORK = str(EXAMPLE / "framework.toml")
PROFILES = str(EXAMPLE / "profiles")
DAY = datetime.date(2026, 1, 1)


# -- what-if -----------------------------------------------------------------------------------


@given(data=st.data())
def test_an_empty_scenario_changes_nothing(data: st.DataObject) -> None:
    framework = data.draw(frameworks())
    profile = data.draw(profiles(framework))
    result = ii.what_if(profile, Scenario(), framework, registry=REGISTRY)
    assert result.after == result.before
    assert result.changes == ()
    assert result.rank_before is None and result.rank_change is None


def test_a_scenario_changes_the_card_node_by_node_and_the_rank() -> None:
    framework = ii.load_framework(FRAMEWORK)
    paths = sorted(str(p) for p in (EXAMPLE / "profiles").glob("*.toml"))
    profile = ii.load_profile(EXAMPLE / "profiles" / "barholby.toml")
    scenario = ii.load_scenario(EXAMPLE / "scenario.toml")
    result = ii.what_if(profile, scenario, framework, cohort=paths)
    changed = {c.id: c for c in result.changes}
    # plan: partial (50) -> full (100); strategy has one counted child (the pilot is off)
    assert (changed["plan"].before, changed["plan"].after) == (50.0, 100.0)
    assert changed["strategy"].change == 50.0
    assert "pilot-survey" not in changed
    # waiting-days: imputed mean before; 12 days after, by the z-score against the cohort
    stats = ii.cohort_stats(paths, framework).indicators["waiting-days"]
    expected = 100 * min(1.0, max(0.0, (50 - 10 * (12.0 - stats.mean) / stats.sd) / 100))
    assert changed["waiting-days"].after == pytest.approx(expected)
    # every changed node's change is after - before; the overall one matches the cards
    for change in result.changes:
        assert change.change == pytest.approx(change.after - change.before)  # type: ignore[operator]
    assert changed["overall"].after == result.after.score
    # the rank, by hand: 1 + the other cities scoring more (their cards unchanged)
    scores = [c.score or 0.0 for r in ii.score_many(paths, [framework]) for c in r.cards]
    others = [s for r, s in zip(paths, scores, strict=True) if not r.endswith("barholby.toml")]
    before, after = result.before.score or 0.0, result.after.score or 0.0
    assert result.rank_before == 1 + len([s for s in others if round(s, 2) > round(before, 2)])
    assert result.rank_after == 1 + len([s for s in others if round(s, 2) > round(after, 2)])
    assert result.cohort_size == len(paths)
    assert result.rank_change == result.rank_before - result.rank_after


def test_a_scenario_lifts_an_exclusion() -> None:
    profile = ii.load_profile(
        Path(__file__).resolve().parent.parent
        / "examples"
        / "oecd-checklist"
        / "profiles"
        / "westhaven-2025.toml"
    )
    framework = ii.get_framework("oecd-checklist")
    lifted = ii.what_if(
        profile,
        Scenario(
            lift_exclusions=("o12",), ratings=(ScenarioRating(criterion="o12", rating="achieved"),)
        ),
        framework,
    )
    assert not lifted.before.node("o12").adjusted.applicable
    assert lifted.after.node("o12").adjusted.applicable
    assert lifted.after.node("o12").adjusted.score == 100.0


def test_a_scenario_that_does_not_fit_names_file_line_and_key(tmp_path: Path) -> None:
    scenario = tmp_path / "s.toml"
    scenario.write_text(
        'schema = 1\n[[ratings]]\ncriterion = "plan"\nrating = "maybe"\n'
        '[[ratings]]\ncriterion = "nope"\nrating = 1.0\n',
        encoding="utf-8",
    )
    profile = ii.load_profile(EXAMPLE / "profiles" / "barholby.toml")
    with pytest.raises(AnalysisInputError) as caught:
        ii.what_if(profile, scenario, ii.load_framework(FRAMEWORK), cohort=PROFILES)
    text = caught.value.format()
    assert f"{scenario}:4: ratings[0].rating: rating 'maybe' is not a level" in text
    assert f"{scenario}:6: ratings[1].criterion: unknown criterion 'nope'" in text


# -- ranking -----------------------------------------------------------------------------------


def naive_ranks(scores: list[float | None]) -> list[int]:
    """The rank the ranking used to compute (quadratic), on scores rounded to 2 decimals."""
    keys = [None if s is None else round(s, 2) for s in scores]
    scored = sum(1 for k in keys if k is not None)
    return [
        1 + scored if k is None else 1 + sum(1 for o in keys if o is not None and o > k)
        for k in keys
    ]


@given(st.lists(st.none() | st.floats(0, 100), max_size=60))
def test_competition_ranks_are_the_naive_ranks(scores: list[float | None]) -> None:
    assert competition_ranks(scores) == naive_ranks(scores)


def test_ties_share_a_rank_competition_style() -> None:
    assert competition_ranks([70.0, 80.0, 70.001, 60.0, None]) == [2, 1, 2, 4, 5]


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100)), min_size=1, max_size=40))
def test_bound_ranks_are_the_ranks_the_intervals_allow(pairs: list[tuple[float, float]]) -> None:
    lowers = [min(p) for p in pairs]
    uppers = [max(p) for p in pairs]
    best, worst = _bound_ranks(lowers, uppers)
    for i in range(len(pairs)):
        surely_above = sum(1 for j in range(len(pairs)) if lowers[j] > uppers[i])
        maybe_above = sum(1 for j in range(len(pairs)) if j != i and uppers[j] >= lowers[i])
        assert best[i] == 1 + surely_above
        assert worst[i] == max(best[i], 1 + maybe_above)
        overlapping = any(
            j != i and lowers[j] <= uppers[i] and lowers[i] <= uppers[j] for j in range(len(pairs))
        )
        assert (worst[i] > best[i]) == overlapping


def card(city_id: str, score: float | None, lower: float, upper: float) -> ScoreCard:
    node = NodeScore(score=score, lower=lower, upper=upper, coverage=1.0, weight=1.0)
    overall = NodeResult(
        id="overall", parent=None, depth=0, kind="framework", raw=node, adjusted=node
    )
    return ScoreCard(
        framework_id="f",
        framework_version="1",
        city_id=city_id,
        city_name=city_id.title(),
        assessment_date=DAY,
        mode="self-assessment",
        overall=overall,
        nodes=(),
    )


def profile(city_id: str, **city: object) -> CityProfile:
    return CityProfile(
        city=City(id=city_id, name=city_id.title(), **city),  # type: ignore[arg-type]
        assessment=Assessment(frameworks=("f",), date=DAY),
    )


def test_overlapping_intervals_are_never_shown_as_clearly_ordered() -> None:
    entries = [
        (profile("a", country="X"), card("a", 70.0, 70.0, 70.0)),
        (profile("b", country="X"), card("b", 60.0, 50.0, 72.0)),  # overlaps a
        (profile("c", country="Y"), card("c", 40.0, 40.0, 40.0)),  # clear of both
    ]
    ranking = ii.rank_cities(entries, peers=PeerRule(by="country"))
    rows = {r.city_id: r for r in ranking.rows}
    assert rows["a"].overlaps and rows["b"].overlaps and not rows["c"].overlaps
    assert (rows["a"].rank_best, rows["a"].rank_worst) == (1, 2)
    assert (rows["b"].rank_best, rows["b"].rank_worst) == (1, 2)
    assert (rows["c"].rank_best, rows["c"].rank_worst) == (3, 3)
    assert (rows["c"].band, rows["c"].band_rank, rows["c"].band_size) == ("Y", 1, 1)
    assert (rows["b"].band, rows["b"].band_rank, rows["b"].band_size) == ("X", 2, 2)
    framework = attrs.evolve(ii.load_framework(FRAMEWORK), id="f")
    text = ii.ranking_markdown(ranking, framework=framework)
    assert "| 2 ≈ | B |" in text and "| 3 | C |" in text
    intervals = ii.rank_cities(entries, intervals={"c": (3, 3), "a": (1, 2)})
    shown = {r.city_id: (r.interval_lo, r.interval_hi, r.overlaps) for r in intervals.rows}
    assert shown == {"a": (1, 2, True), "b": (None, None, True), "c": (3, 3, False)}


def test_similar_peers_are_the_k_nearest_by_the_documented_distance() -> None:
    # population on a log10 scale, standardised: 10^4, 10^5, 10^6, 10^6.1
    entries = [
        (profile(name, population=pop), card(name, score, score, score))
        for name, pop, score in (
            ("p", 10_000, 10.0),
            ("q", 100_000, 20.0),
            ("r", 1_000_000, 30.0),
            ("s", round(10**6.1), 40.0),
        )
    ]
    ranking = ii.rank_cities(entries, peers=PeerRule(by="similar", k=1, factors=("population",)))
    rows = {r.city_id: r for r in ranking.rows}
    # nearest: p -> q (1 apart), q -> p (tie with r at 1: broken by id), r -> s, s -> r
    assert (rows["p"].band_rank, rows["p"].band_size) == (2, 2)  # q scores more
    assert rows["q"].band_rank == 1  # beside p
    assert rows["r"].band_rank == 2 and rows["s"].band_rank == 1
    assert ranking.peers == "similar:1:population"
    with pytest.raises(ValueError, match="at least one factor"):
        PeerRule(by="similar")


def test_ranking_10000_cities_matches_the_naive_rank() -> None:
    scores = [math.floor(((i * 7919) % 10_007) / 10.0) for i in range(10_000)]
    entries = [
        (profile(f"c{i}", population=1000 + i), card(f"c{i}", float(s), float(s), float(s)))
        for i, s in enumerate(scores)
    ]
    ranking = ii.rank_cities(entries)
    by_city = {r.city_id: r.rank for r in ranking.rows}
    sample = range(0, 10_000, 97)
    expected = [1 + sum(1 for s in scores if s > scores[i]) for i in sample]  # the naive rank
    assert [by_city[f"c{i}"] for i in sample] == expected


# -- the commands ------------------------------------------------------------------------------


def test_what_if_command(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "what-if",
            str(EXAMPLE / "profiles" / "barholby.toml"),
            str(EXAMPLE / "scenario.toml"),
            "--framework-file",
            FRAMEWORK,
            "--cohort",
            PROFILES,
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Rank in the cohort of 36:" in out and "| plan | 50.00 | 100.00 | +50.00 |" in out


def test_cohort_stats_command_and_score_with_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stats = tmp_path / "stats.toml"
    assert main(["cohort-stats", PROFILES, "--framework-file", FRAMEWORK, "-o", str(stats)]) == 0
    saved = ii.load_cohort_stats(stats)
    assert saved.size == 36 and saved.framework_id == "illustrative-cohort"
    capsys.readouterr()
    one = str(EXAMPLE / "profiles" / "barholby.toml")
    assert main(["score", one, "--framework-file", FRAMEWORK]) == 2
    assert "--cohort-stats FILE" in capsys.readouterr().err
    assert (
        main(
            [
                "score",
                one,
                "--framework-file",
                FRAMEWORK,
                "--cohort-stats",
                str(stats),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    with_stats = capsys.readouterr().out
    assert (
        main(["score", one, "--framework-file", FRAMEWORK, "--cohort", PROFILES, "--format", "csv"])
        == 0
    )
    assert capsys.readouterr().out == with_stats


def test_score_with_weights_and_tidy_csv(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["score", PROFILES, "--framework-file", FRAMEWORK, "--format", "tidy-csv"]
    assert main([*args, "--weights", str(EXAMPLE / "weights.toml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split(",")
    assert header[-4:] == ["measured", "unit", "imputed", "switched_off"]
    pilot = [line for line in lines if ",pilot-survey," in line]
    assert pilot and all(line.endswith(",false") for line in pilot)  # switched on for the run
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    pilot = [line for line in lines if ",pilot-survey," in line]
    assert all(line.endswith(",true") for line in pilot)
    assert any(",interpreting," in line and ",104.0000,%," in line for line in lines)


def test_bad_weights_file_is_a_usage_error_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    weights = tmp_path / "w.toml"
    weights.write_text('schema = 1\n[weights]\naccess = "heavy"\n', encoding="utf-8")
    code = main(["score", PROFILES, "--framework-file", FRAMEWORK, "--weights", str(weights)])
    assert code == 2
    assert f"{weights}:3: weights.access: expected a number" in capsys.readouterr().err


def test_compare_with_peer_groups(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["compare", PROFILES, "--framework-file", FRAMEWORK, "--format", "csv"]
    assert main([*base, "--peers", "region"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].endswith("lower,upper,rank_best,rank_worst,overlaps,interval_lo,interval_hi")
    assert {row.split(",")[4] for row in rows[1:]} == {"north", "south", "east"}
    assert main([*base, "--peers", "similar", "--similar-on", "population", "--k", "3"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert all(row.split(",")[10] == "4" for row in rows)  # itself and its 3 nearest
    assert main([*base, "--peers", "nonsense"]) == 2


def test_the_readme_job_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parent.parent
    assert main(["score", str(root / "examples" / "profiles")]) == 0
    assert "Rivermouth" in capsys.readouterr().out


def test_the_report_says_which_rule_statistics_imputation_and_weights(
    capsys: pytest.CaptureFixture[str],
) -> None:
    one = str(EXAMPLE / "profiles" / "barholby.toml")
    weights = str(EXAMPLE / "weights.toml")
    args = ["report", one, "--framework-file", FRAMEWORK, "--cohort", PROFILES]
    assert main([*args, "--weights", weights]) == 0
    out = capsys.readouterr().out
    assert "Normalised against a cohort (profiles):" in out
    assert "| waiting-days | zscore | n/a | days | 30 | 10-55 |" in out
    assert "Missing values imputed: waiting-days (mean)." in out
    assert f"Weights overridden ({weights}): access 2 to 1" in out
    assert main(args) == 0
    assert (
        "Switched off (weight 0, shown but not counted): pilot-survey." in capsys.readouterr().out
    )
    assert main(["report", one, "--framework-file", FRAMEWORK]) == 2
    assert "--cohort PATH" in capsys.readouterr().err
