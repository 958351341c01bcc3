"""The command line, run through the real console script on the examples and on bad inputs."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
DATA = Path(__file__).resolve().parent / "data"
GOOD = DATA / "good" / "minimal.toml"
BAD = DATA / "bad"


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    executable = shutil.which(
        "integration-index", path=str(Path(sys.executable).parent)
    ) or shutil.which("integration-index")
    command = [executable] if executable else [sys.executable, "-m", "integration_index"]
    env = {**os.environ, "CI": "true"}
    env.pop("INTEGRATION_INDEX_BLOCK_PLUGINS", None)
    return subprocess.run(
        [*command, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=300,
    )


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_version_and_help() -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("integration-index ")
    for command in (
        "score",
        "validate",
        "init",
        "plan",
        "progress",
        "peer-review",
        "compare",
        "frameworks",
        "report",
        "related",
        "plugins",
    ):
        result = cli(command, "--help")
        assert result.returncode == 0, command
        assert "examples:" in result.stdout, command


def test_no_command_is_a_usage_error() -> None:
    assert cli().returncode == 2
    assert cli("score").returncode == 2
    assert cli("score", GOOD, "--jobs", "0").returncode == 2


def test_python_dash_m_works_too() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "integration_index", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "integration-index" in result.stdout


def test_frameworks_lists_and_shows() -> None:
    result = cli("frameworks")
    assert result.returncode == 0
    for framework_id in ("eurocities", "engagement-spectrum", "gfmd-arrival-cities"):
        assert framework_id in result.stdout
    shown = cli("frameworks", "eurocities")
    assert shown.returncode == 0
    assert "01.1" in shown.stdout and "13" in shown.stdout
    assert cli("frameworks", "eurocities", "--language", "fr").returncode == 0
    unknown = cli("frameworks", "nope")
    assert unknown.returncode == 2
    assert "unknown framework 'nope'" in unknown.stderr


def test_plugins_lists_the_built_ins() -> None:
    result = cli("plugins")
    assert "eurocities" in result.stdout and "loaded" in result.stdout
    blocked = subprocess.run(
        [sys.executable, "-m", "integration_index", "plugins"],
        capture_output=True,
        text=True,
        env={**os.environ, "INTEGRATION_INDEX_BLOCK_PLUGINS": "gfmd-arrival-cities"},
    )
    assert "blocked" in blocked.stdout
    assert (
        "gfmd-arrival-cities"
        not in subprocess.run(
            [sys.executable, "-m", "integration_index", "frameworks"],
            capture_output=True,
            text=True,
            env={**os.environ, "INTEGRATION_INDEX_BLOCK_PLUGINS": "gfmd-arrival-cities"},
        ).stdout
    )


def test_score_examples_as_csv(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    result = cli("score", EXAMPLES, "--format", "csv", "--output", out)
    assert result.returncode == 0, result.stderr
    rows = csv_rows(out.read_text(encoding="utf-8"))
    assert {row["framework"] for row in rows} == {
        "eurocities",
        "engagement-spectrum",
        "gfmd-arrival-cities",
    }
    harbourton = [row for row in rows if row["city_id"] == "harbourton"]
    assert len(harbourton) == 3  # one row per city and framework
    for row in rows:
        if row["score"]:
            assert float(row["lower"]) <= float(row["score"]) <= float(row["upper"])
    assert "scored" in result.stderr and "0 failed" in result.stderr


def test_score_formats_agree(tmp_path: Path) -> None:
    jsonl = cli("score", EXAMPLES, "--format", "jsonl")
    cards = [json.loads(line) for line in jsonl.stdout.splitlines()]
    whole = json.loads(cli("score", EXAMPLES, "--format", "json").stdout)
    assert cards == whole
    table = cli("score", EXAMPLES).stdout
    markdown = cli("score", EXAMPLES, "--format", "markdown").stdout
    tidy = csv_rows(cli("score", EXAMPLES, "--format", "tidy-csv").stdout)
    assert len(table.splitlines()) == len(cards) + 1
    assert len(markdown.splitlines()) == len(cards) + 2
    assert {row["node"] for row in tidy} >= {"overall", "01", "01.1", "stakeholders"}
    import integration_index as ii

    for item in cards:
        card = ii.scorecard_from_dict(item["card"])
        assert ii.scorecard_to_dict(card) == item["card"]


def test_jobs_two_gives_the_same_output_in_the_same_order() -> None:
    one = cli("score", EXAMPLES, "--format", "jsonl", "--jobs", "1")
    two = cli("score", EXAMPLES, "--format", "jsonl", "--jobs", "2")
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("malformed.toml", "malformed.toml:5: invalid TOML"),
        (
            "wrong-type.toml",
            "wrong-type.toml:6: city.population: expected a whole number, got str 'many'",
        ),
        (
            "unknown-criterion.toml",
            "unknown-criterion.toml:17: evidence[1].criterion: unknown criterion '99.9'",
        ),
        (
            "rating-outside-scale.toml",
            "rating-outside-scale.toml:13: evidence[0].rating: rating 'excellent' is not a level of scale 'in-place'; expected one of",
        ),
        (
            "missing-key.toml",
            "missing-key.toml:3: city.name: required key is missing; expected a string",
        ),
        ("empty.toml", "empty.toml:1: the file is empty, expected a TOML document"),
        ("not-utf8.toml", "not-utf8.toml:5: invalid UTF-8"),
        ("no-profiles", "no-profiles: no profiles (*.toml files) in this directory"),
    ],
)
def test_a_bad_input_gives_one_clear_line_and_the_good_ones_are_scored(
    name: str, expected: str, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    result = cli(
        "score", GOOD, BAD / name, EXAMPLES / "eurocities", "--format", "csv", "--output", out
    )
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    rows = csv_rows(out.read_text(encoding="utf-8"))
    assert "testville" in {row["city_id"] for row in rows}
    assert len(rows) == 6  # minimal.toml and the five EUROCITIES examples
    error_lines = [line for line in result.stderr.splitlines() if expected.split(":")[0] in line]
    assert len(error_lines) == 1


def test_validate_reports_every_problem() -> None:
    result = cli("validate", GOOD, BAD, BAD / "no-profiles")
    assert result.returncode == 1
    assert f"{GOOD}: ok" in result.stdout
    for name in (
        "malformed",
        "wrong-type",
        "unknown-criterion",
        "rating-outside-scale",
        "missing-key",
        "empty",
        "not-utf8",
    ):
        assert f"{name}.toml" in result.stderr
    assert "no profiles" in result.stderr
    assert cli("validate", EXAMPLES).returncode == 0


def test_fail_fast_stops_and_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    out.write_text("previous results\n", encoding="utf-8")
    result = cli(
        "score", BAD / "empty.toml", GOOD, "--format", "csv", "--output", out, "--fail-fast"
    )
    assert result.returncode == 1
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert "--fail-fast" in result.stderr
    assert not list(tmp_path.glob(".scores.csv.*"))  # no temporary file left behind


def test_init_writes_a_template_that_validates_once_filled(tmp_path: Path) -> None:
    template = tmp_path / "city.toml"
    result = cli(
        "init",
        "--framework",
        "eurocities",
        template,
        "--city-id",
        "newtown",
        "--city-name",
        "Newtown",
    )
    assert result.returncode == 0, result.stderr
    text = template.read_text(encoding="utf-8")
    import integration_index as ii

    framework = ii.get_framework("eurocities")
    for leaf in framework.leaves:
        assert f'# criterion = "{leaf.id}"' in text
    assert cli("validate", template).returncode == 0  # valid as written
    filled = text.replace(
        '# [[evidence]]\n# criterion = "01.1"\n# rating = "not-in-place"\n# source = "document"',
        '[[evidence]]\ncriterion = "01.1"\nrating = "largely"\nsource = "document"',
    )
    filled = filled.replace('# city-resources = ""', 'city-resources = "low"')
    assert filled != text
    template.write_text(filled, encoding="utf-8")
    assert cli("validate", template).returncode == 0
    assert cli("init", "--framework", "eurocities", template).returncode == 2  # no overwrite


def test_init_for_several_frameworks(tmp_path: Path) -> None:
    template = tmp_path / "all.toml"
    assert (
        cli(
            "init", "--framework", "eurocities", "--framework", "gfmd-arrival-cities", template
        ).returncode
        == 0
    )
    assert cli("validate", template).returncode == 0


def test_reports_on_the_examples() -> None:
    euro = EXAMPLES / "eurocities"
    plan = cli("plan", euro / "rivermouth-2024.toml")
    assert plan.returncode == 0, plan.stderr
    assert "# Development plan: Rivermouth" in plan.stdout and "weight" in plan.stdout
    progress = cli("progress", euro / "rivermouth-2024.toml", euro / "rivermouth-2022.toml")
    assert progress.returncode == 0, progress.stderr
    assert "Baseline 2022-03-15" in progress.stdout
    review = cli("peer-review", euro / "ostavia-peer-review-2023.toml")
    assert review.returncode == 0, review.stderr
    assert "Krippendorff" in review.stdout
    compare = cli("compare", EXAMPLES, "--framework", "eurocities")
    assert compare.returncode == 0, compare.stderr
    assert "Rivermouth" in compare.stdout and "peer group" in compare.stdout
    report = cli("report", EXAMPLES / "all-three" / "harbourton-2024.toml")
    assert report.returncode == 0, report.stderr
    assert "Across frameworks" in report.stdout
    related = cli("related", "eurocities", "04")
    assert related.returncode == 0 and "engagement-spectrum" in related.stdout


def test_progress_line_only_when_asked_or_on_a_terminal(tmp_path: Path) -> None:
    quiet = cli("score", EXAMPLES, "--format", "csv", "--output", tmp_path / "a.csv")
    assert "profiles" not in quiet.stderr.replace(
        "profile(s)", ""
    )  # a pipe in CI: no progress line
    forced = cli("score", EXAMPLES, "--format", "csv", "--output", tmp_path / "b.csv", "--progress")
    assert forced.returncode == 0
    assert "profiles" in forced.stderr and "/s" in forced.stderr


def test_arrays_given_as_strings_and_other_odd_inputs_are_reported(tmp_path: Path) -> None:
    odd = tmp_path / "odd.toml"
    odd.write_text(
        'schema = 1\n[city]\nid = "odd"\nname = "Odd\\nName"\npopulation = -5\n[assessment]\n'
        'frameworks = ["eurocities", "eurocities"]\nassessors = "A. Martin"\ndate = 2024-01-01\n',
        encoding="utf-8",
    )
    result = cli("validate", odd)
    assert result.returncode == 1
    assert "odd.toml:5: city.population: 'population' must be >= 0" in result.stderr
    assert "odd.toml:8: assessment.assessors: expected an array, got str" in result.stderr
    twice = (
        odd.read_text(encoding="utf-8")
        .replace("population = -5\n", "")
        .replace('assessors = "A. Martin"\n', "")
    )
    odd.write_text(twice, encoding="utf-8")
    result = cli("validate", odd)
    assert "assessment.frameworks[1]: framework 'eurocities' is listed twice" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_and_target_are_checked_before_any_work(tmp_path: Path) -> None:
    missing = cli("score", GOOD, "--output", tmp_path / "nope" / "out.csv")
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
    directory = cli("score", GOOD, "--output", tmp_path)
    assert directory.returncode == 2
    assert "is a directory" in directory.stderr
    target = cli("plan", EXAMPLES / "eurocities" / "rivermouth-2024.toml", "--target", "150")
    assert target.returncode == 2
    assert "expected a number from 0 to 100" in target.stderr


def test_a_newline_in_a_name_keeps_the_table_intact(tmp_path: Path) -> None:
    profile = tmp_path / "newline.toml"
    profile.write_text(
        GOOD.read_text(encoding="utf-8").replace('name = "Testville"', 'name = "Test\\nville"'),
        encoding="utf-8",
    )
    for fmt in ("table", "markdown"):
        result = cli("score", profile, "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "Test ville" in result.stdout
