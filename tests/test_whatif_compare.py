"""What-if scenarios, rankings (ties, bounds, peer groups) and the analysis commands.

Expected values are hand arithmetic or a naive reading of the documented definitions (the
quadratic rank the ranking used to compute), never the code under test.
"""

from __future__ import annotations

import datetime
import json
import math
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import integration_index as ii
from integration_index._analysis.compare import _bound_ranks, competition_ranks
from integration_index._cli.main import main
from integration_index._i18n import Catalogue
from integration_index._reports.whatif import what_if_rows
from integration_index.analysis import NodeChange, PeerRule, WhatIf
from integration_index.exceptions import AnalysisInputError, ProfileError
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


EUROCITIES = EXAMPLE.parent / "profiles" / "eurocities"


def eurocities_rank(profile_file: str, cohort: list[str]) -> tuple[int, int]:
    """The (rank, size) that ``compare`` gives the card of *profile_file* among the latest
    assessment of every other city of *cohort*."""
    chosen = ii.load_profile(profile_file)
    results = list(ii.score_many(cohort, ["eurocities"], keep_profiles=True))
    entries = [
        (r.profile, c)
        for r in results
        for c in r.cards
        if r.profile is not None and c.city_id != chosen.city.id
    ]
    entries.append((chosen, ii.score(chosen, "eurocities")))
    ranking = ii.rank_cities(entries)
    return {r.city_id: r.rank for r in ranking.rows}[chosen.city.id], len(ranking.rows)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # the ranking of docs/guides/analysts.md: Porto Verde 73.88, Ostavia 55.36, Rivermouth
        # 49.76 (2024; its 2022 card, 31.35, does not count), Lindenburg 43.81
        ("lindenburg-2024.toml", (4, 4)),
        ("rivermouth-2024.toml", (3, 4)),
        ("porto-verde-2024.toml", (1, 4)),
        # Rivermouth by its 2022 card, its 2024 one in the cohort replaced: 31.35, last of 4
        ("rivermouth-2022.toml", (4, 4)),
    ],
)
def test_what_if_ranks_each_city_once_by_its_latest_assessment(
    name: str, expected: tuple[int, int]
) -> None:
    cohort = sorted(str(p) for p in EUROCITIES.glob("*.toml"))  # Rivermouth 2022 and 2024
    result = ii.what_if(ii.load_profile(EUROCITIES / name), Scenario(), cohort=cohort)
    assert (result.rank_before, result.cohort_size) == expected
    assert result.rank_after == result.rank_before and result.rank_change == 0
    assert eurocities_rank(str(EUROCITIES / name), cohort) == expected  # what compare says


def test_what_if_command_counts_each_city_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = str(EUROCITIES / "lindenburg-2024.toml")
    empty = tmp_path / "empty.toml"
    empty.write_text('schema = 1\ntitle = "Nothing"\n', encoding="utf-8")
    assert main(["compare", str(EUROCITIES), "--framework", "eurocities", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert len(rows) == 4 and rows[3].split(",")[0] == "lindenburg"
    assert main(["what-if", profile, str(empty), "--cohort", str(EUROCITIES)]) == 0
    assert "Rank in the cohort of 4: 4 -> 4 (+0 places)" in capsys.readouterr().out


def test_what_if_refuses_two_assessments_of_one_city_on_one_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (EUROCITIES / "lindenburg-2024.toml").read_text(encoding="utf-8")
    scenario = tmp_path / "empty.toml"
    scenario.write_text("schema = 1\n", encoding="utf-8")
    tmp_path = tmp_path / "cohort"
    tmp_path.mkdir()
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    (tmp_path / "b.toml").write_text(text, encoding="utf-8")  # the same assessment twice
    (tmp_path / "porto.toml").write_bytes((EUROCITIES / "porto-verde-2024.toml").read_bytes())
    profile = ii.load_profile(EUROCITIES / "rivermouth-2024.toml")
    same = ii.what_if(profile, Scenario(), cohort=[str(tmp_path)])
    assert (same.rank_before, same.cohort_size) == (2, 3)  # Lindenburg counts once
    changed = text.replace('rating = "partly"', 'rating = "fully"', 1)
    assert changed != text
    (tmp_path / "b.toml").write_text(changed, encoding="utf-8")  # another one, same date
    with pytest.raises(ProfileError, match="ambiguous") as caught:
        ii.what_if(profile, Scenario(), cohort=[str(tmp_path)])
    message = caught.value.format()
    assert "'lindenburg' on 2024-02-28" in message
    assert str(tmp_path / "a.toml") in message and str(tmp_path / "b.toml") in message
    args = ["what-if", str(EUROCITIES / "rivermouth-2024.toml"), str(scenario)]
    assert main([*args, "--cohort", str(tmp_path)]) == 1
    assert "ambiguous: two different assessments of city 'lindenburg'" in capsys.readouterr().err


def test_the_change_shown_is_the_difference_of_the_values_shown() -> None:
    # Barholby's overall score in docs/guides/analysts.md: 49.3615... -> 64.7159..., a change of
    # 15.3543... that alone would round to 15.35, though 64.72 - 49.36 = 15.36
    change = NodeChange(
        id="overall", before=49.36150853109796, after=64.71585525380704, change=15.354346722709074
    )
    assert change.shown_change == 15.36
    tr = Catalogue.load().translator("en")
    card = ii.score(ii.load_profile(EUROCITIES / "lindenburg-2024.toml"), "eurocities")
    result = WhatIf(scenario=Scenario(), before=card, after=card, changes=(change,))
    assert what_if_rows(result, tr) == [["overall", "49.36", "64.72", "+15.36"]]
    assert "| overall | 49.36 | 64.72 | +15.36 |" in ii.render(result)
    assert NodeChange(id="x", before=None, after=3.0, change=None).shown_change is None


@given(st.floats(0, 100), st.floats(0, 100))
def test_the_change_shown_agrees_with_the_values_shown(before: float, after: float) -> None:
    change = NodeChange(id="n", before=before, after=after, change=after - before)
    for language in ("en", "fr"):
        tr = Catalogue.load().translator(language)
        shown = [Decimal(tr.number(v, 2).replace(",", ".")) for v in (before, after)]
        difference = shown[1] - shown[0]  # exact decimal arithmetic on the text shown
        expected = ("-" if difference < 0 else "+") + f"{abs(difference):.2f}"
        shown_change = tr.signed(change.shown_change, 2).replace(",", ".").replace("\u2212", "-")
        assert shown_change == expected


def test_the_json_keeps_the_unrounded_change(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["what-if", str(EXAMPLE / "profiles" / "barholby.toml"), str(EXAMPLE / "scenario.toml")]
    args += ["--framework-file", FRAMEWORK, "--cohort", PROFILES, "--format", "json"]
    assert main(args) == 0
    overall = json.loads(capsys.readouterr().out)["changes"][0]
    assert overall["node"] == "overall"
    assert overall["change"] == overall["after"] - overall["before"]
    assert round(overall["change"], 2) == 15.35  # unrounded: 15.354...


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
