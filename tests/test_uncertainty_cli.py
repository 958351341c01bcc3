"""``integration-index uncertainty``, ``score --format parquet`` and ``to_frame``: what they
write agrees with the Python API, and without the optional extras they say what to install."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from analysis_extra import analysis_extra, notebook_extra

import integration_index as ii
from integration_index._cli import outputs

if TYPE_CHECKING:
    from conftest import Cli

np = analysis_extra()

EUROCITIES = ["examples/profiles/eurocities", "examples/profiles/all-three"]


def _profiles() -> list[ii.CityProfile]:
    results = ii.score_many(EUROCITIES, ["eurocities"], keep_profiles=True)
    return [r.profile for r in results if r.ok and r.profile is not None]


def test_the_table_names_every_city_and_source(cli: Cli) -> None:
    run = cli("uncertainty", "examples/profiles", "--framework", "eurocities", "--draws", "300")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "framework eurocities: 5 cities, 300 runs (N = 50), seed 0"
    assert lines[1].startswith("sources: unassessed, weights (uniform +-0.25), aggregation")
    for name in ("Porto Verde", "Harbourton", "Ostavia", "Rivermouth", "Lindenburg"):
        assert any(line.split("  ")[1:2] and name in line for line in lines[3:9]), name
    for source in ("unassessed", "weights", "aggregation", "evidence"):
        assert any(line.startswith(source) for line in lines), source


def test_csv_and_json_carry_the_apis_numbers(cli: Cli, tmp_path: Path) -> None:
    expected = ii.rank_uncertainty(_profiles(), "eurocities", draws=240, seed=5, top_k=2)
    args = ["uncertainty", *EUROCITIES, "--framework", "eurocities", "--draws", "240"]
    args += ["--seed", "5", "--top-k", "2"]
    run = cli(*args, "--format", "csv")
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [row["city_id"] for row in rows] == [c.city_id for c in expected.cities]
    for row, city in zip(rows, expected.cities, strict=True):
        assert int(row["median_rank"]) == city.median_rank
        assert (int(row["rank_low"]), int(row["rank_high"])) == (city.rank_low, city.rank_high)
        assert float(row["top_k"]) == pytest.approx(city.top_k, abs=5e-4)
        assert float(row["rank_st_aggregation"]) == pytest.approx(
            city.rank_total["aggregation"], abs=5e-4
        )
    out = tmp_path / "u.json"
    assert cli(*args, "--format", "json", "--output", out).returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(expected.to_dict()))
    assert [s["source"] for s in data["sensitivity"]] == list(expected.sources)
    assert len(data["sensitivity"][0]["convergence"]) == 4


def test_the_same_seed_writes_the_same_output(cli: Cli) -> None:
    args = ["uncertainty", "examples/profiles", "--framework", "eurocities", "--draws", "120"]
    first = cli(*args, "--seed", "9", "--format", "csv").stdout
    assert first == cli(*args, "--seed", "9", "--format", "csv").stdout
    assert first != cli(*args, "--seed", "10", "--format", "csv").stdout


def test_sources_none_gives_the_point_ranking(cli: Cli) -> None:
    run = cli(
        "uncertainty", *EUROCITIES, "--framework", "eurocities", "--sources", "none",
        "--draws", "7", "--format", "csv",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    for row in csv.DictReader(io.StringIO(run.stdout)):
        assert row["rank"] == row["median_rank"] == row["rank_low"] == row["rank_high"]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--sources", "weights,luck"], "unknown luck"),
        (["--weights", "normal:3"], "--weights"),
        (["--weights", "uniform:2"], "spread"),
        (["--evidence-rules", "median,newest"], "evidence"),
        (["--aggregation-levels", "x"], "invalid literal"),
    ],
)
def test_bad_options_are_usage_errors(cli: Cli, option: list[str], message: str) -> None:
    run = cli("uncertainty", "examples/profiles", "--framework", "eurocities", *option)
    assert run.returncode == 2
    assert message in run.stderr


def test_without_numpy_the_command_says_what_to_install(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "numpy", None)
    run = cli("uncertainty", "examples/profiles", "--framework", "eurocities")
    assert run.returncode == 2
    assert "pip install 'integration-index[analysis]'" in run.stderr
    with pytest.raises(ImportError, match=r"integration-index\[analysis\]"):
        ii.rank_uncertainty(_profiles(), "eurocities")


def test_no_profile_of_the_framework_is_an_error(cli: Cli) -> None:
    run = cli("uncertainty", "examples/profiles/gfmd", "--framework", "eurocities")
    assert run.returncode == 1
    assert "nothing to analyse" in run.stderr


# -- parquet -------------------------------------------------------------------------------------


def test_parquet_holds_the_tidy_rows_typed(cli: Cli, tmp_path: Path) -> None:
    pq = notebook_extra("pyarrow.parquet")
    out = tmp_path / "scores.parquet"
    run = cli("score", "examples/profiles", "--format", "parquet", "--output", out)
    assert run.returncode == 0, run.stderr
    tidy = cli("score", "examples/profiles", "--format", "tidy-csv")
    expected = list(csv.DictReader(io.StringIO(tidy.stdout)))
    table = pq.read_table(out).to_pylist()
    assert len(table) == len(expected)
    for got, want in zip(table, expected, strict=True):
        assert (got["city_id"], got["node"], got["kind"]) == (
            want["city_id"], want["node"], want["kind"],
        )  # fmt: skip
        assert got["assessment_date"].isoformat() == want["assessment_date"]
        assert got["applicable"] == (want["applicable"] == "true")
        for column in ("score", "lower", "upper", "weight"):
            if want[column] == "":
                assert got[column] is None
            else:
                assert got[column] == pytest.approx(float(want[column]), abs=0.005 + 1e-9)


def test_parquet_needs_an_output_file_and_pyarrow(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = cli("score", "examples/profiles", "--format", "parquet")
    assert run.returncode == 2 and "--output" in run.stderr
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    out = tmp_path / "kept.parquet"
    out.write_bytes(b"old")
    run = cli("score", "examples/profiles", "--format", "parquet", "--output", out)
    assert run.returncode == 2
    assert "pip install 'integration-index[notebook]'" in run.stderr
    assert out.read_bytes() == b"old"


# -- to_frame ------------------------------------------------------------------------------------


def _cards() -> list[ii.ScoreCard]:
    results = ii.score_many(EUROCITIES, ["eurocities"])
    return [card for r in results for card in r.cards]


def test_cards_as_long_and_wide_frames() -> None:
    notebook_extra()
    cards = _cards()
    long = ii.to_frame(cards)
    assert len(long) == sum(1 + len(card.nodes) for card in cards)
    # The tidy CSV's columns, the city's name in place of the source file.
    assert list(long.columns) == ["city_id", "city_name", *outputs.TIDY_COLUMNS[2:]]
    first = cards[0]
    row = long[(long.city_id == first.city_id) & (long.node == "01.1")].iloc[0]
    assert row["score"] == first.node("01.1").adjusted.score
    assert row["weight"] == first.node("01.1").adjusted.weight
    wide = ii.to_frame(cards, form="wide", value="coverage")
    assert list(wide.columns[:4]) == ["city_id", "framework", "assessment_date", "overall"]
    assert list(wide.city_id) == [card.city_id for card in cards]
    assert wide.iloc[1]["overall"] == cards[1].overall.adjusted.coverage
    with pytest.raises(ValueError, match="value must be one of"):
        ii.to_frame(cards, form="wide", value="colour")


def test_rankings_uncertainty_and_arrays_as_frames() -> None:
    notebook_extra()
    profiles = _profiles()
    cards = [ii.score(p, "eurocities") for p in profiles]
    ranking = ii.rank_cities(list(zip(profiles, cards, strict=True)))
    frame = ii.to_frame(ranking)
    assert list(frame.city_id) == [row.city_id for row in ranking.rows]
    result = ii.rank_uncertainty(profiles, "eurocities", draws=120, seed=2)
    tidy = ii.to_frame(result)
    assert len(tidy) == len(result.cities) * len(result.sources) * 2
    one = tidy[(tidy.source == "weights") & (tidy.output == "rank")].iloc[0]
    assert one.first_order == result.cities[0].rank_first_order["weights"]
    wide = ii.to_frame(result, form="wide")
    assert list(wide.median_rank) == [c.median_rank for c in result.cities]
    arrays = ii.score_arrays(cards, "eurocities")
    by_node = ii.to_frame(arrays, form="wide")
    assert by_node.loc[cards[0].city_id, "overall"] == pytest.approx(
        cards[0].overall.adjusted.score, abs=1e-12
    )
    long = ii.to_frame(arrays)
    assert len(long) == 2 * len(cards) * len(arrays.node_ids)
    with pytest.raises(TypeError, match="to_frame takes"):
        ii.to_frame(42)


def test_without_pandas_to_frame_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"integration-index\[notebook\]"):
        ii.to_frame(_cards())


def test_a_cohort_framework_ranks_against_the_cohort_of_the_profiles_read(cli: Cli) -> None:
    """examples/cohort normalises against the cohort: the command scores the profiles as
    ``score`` does over the whole directory, and the point scores are those cards'."""
    framework = ii.load_framework("examples/cohort/framework.toml")
    cards = [
        card
        for result in ii.score_many(["examples/cohort/profiles"], [framework])
        for card in result.cards
    ]
    args = ["uncertainty", "examples/cohort/profiles"]
    args += ["--framework-file", "examples/cohort/framework.toml", "--draws", "60"]
    run = cli(*args, "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    scores = {city["city_id"]: city["score"] for city in data["cities"]}
    assert scores == pytest.approx({card.city_id: card.overall.adjusted.score for card in cards})


@pytest.mark.parametrize("language", ["en", "fr"])
def test_markdown_and_html_reports_carry_the_apis_numbers(
    cli: Cli, tmp_path: Path, language: str
) -> None:
    """--format markdown|html writes render()'s report: the same text as the API's, in the
    language asked, its chart's rank intervals those of the result."""
    if not os.environ.get("CI"):  # CI installs the reports extra: missing fails there
        pytest.importorskip("jinja2", reason="the reports extra is not installed")
    expected = ii.rank_uncertainty(_profiles(), "eurocities", draws=120, seed=2, top_k=3)
    args = ["uncertainty", *EUROCITIES, "--framework", "eurocities", "--draws", "120"]
    args += ["--seed", "2", "--top-k", "3", "--language", language]
    for fmt in ("markdown", "html"):
        out = tmp_path / f"u.{fmt}"
        run = cli(*args, "--format", fmt, "--output", out)
        assert run.returncode == 0, run.stderr
        text = out.read_text(encoding="utf-8")
        assert text == ii.render(expected, format=fmt, language=language)
    drawn = re.findall(r'<g class="rank-row" data-id="([^"]*)" data-interval="([^"]*)"', text)
    assert drawn == [
        (c.city_id, f"{c.rank_low} {c.median_rank} {c.rank_high}") for c in expected.cities
    ]
    assert f'<html lang="{language}"' in text


def test_compare_shows_the_rank_intervals_of_an_uncertainty_output(
    cli: Cli, tmp_path: Path
) -> None:
    """compare --intervals-from reads uncertainty's JSON: each city's rank interval is the
    ranking's last column; a file for another framework, or not JSON, is a usage error."""
    out = tmp_path / "u.json"
    args = ["uncertainty", "examples/profiles/eurocities", "--framework", "eurocities"]
    assert cli(*args, "--draws", "200", "--format", "json", "-o", out).returncode == 0
    cities = json.loads(out.read_text(encoding="utf-8"))["cities"]
    expected = {c["city_name"]: f"{c['rank_low']}-{c['rank_high']}" for c in cities}
    compare = ["compare", "examples/profiles/eurocities", "--framework", "eurocities"]
    run = cli(*compare, "--intervals-from", out)
    assert run.returncode == 0, run.stderr
    rows = [line.strip("|").split("|") for line in run.stdout.splitlines()]
    rows = [row for row in rows if len(row) > 2 and row[1].strip() in expected]
    assert {row[1].strip(): row[-1].strip() for row in rows} == expected
    other = cli(
        "compare",
        "examples/profiles",
        "--framework",
        "gfmd-arrival-cities",
        "--intervals-from",
        out,
    )
    assert other.returncode == 2 and "framework_id: expected 'gfmd-arrival-cities'" in other.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    run = cli(*compare, "--intervals-from", bad)
    assert run.returncode == 2 and f"--intervals-from {bad}: not JSON" in run.stderr
