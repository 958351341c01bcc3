"""The command line on the examples and on bad inputs.

Every test calls ``main(argv)`` in this process (the ``cli`` fixture of conftest.py), except
three smoke tests that run the real console script and ``python -m integration_index``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import integration_index as ii

if TYPE_CHECKING:
    from conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
DATA = Path(__file__).resolve().parent / "data"
GOOD = DATA / "good" / "minimal.toml"
BAD = DATA / "bad"

COMMANDS = (
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
)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# -- the real console script: three smoke tests ------------------------------------------------


def console_script() -> list[str]:
    executable = shutil.which(
        "integration-index", path=str(Path(sys.executable).parent)
    ) or shutil.which("integration-index")
    assert executable, "the integration-index console script is not installed"
    return [executable]


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "true"}
    env.pop("INTEGRATION_INDEX_BLOCK_PLUGINS", None)
    return subprocess.run(
        [*console_script(), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_console_script_version_and_help() -> None:
    version = run_script("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout == f"integration-index {ii.__version__}\n"
    helped = run_script("--help")
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("usage: integration-index")
    for command in COMMANDS:
        assert command in helped.stdout, command


def test_console_script_scores_the_examples() -> None:
    result = run_script("score", "examples/profiles")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("city ")
    assert "Harbourton" in result.stdout
    assert "0 failed" in result.stderr


def test_python_dash_m_works_too() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "integration_index", "--version"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"integration-index {ii.__version__}\n"


# -- in process --------------------------------------------------------------------------------


def test_version_and_help(cli: Cli) -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout == f"integration-index {ii.__version__}\n"
    for command in COMMANDS:
        result = cli(command, "--help")
        assert result.returncode == 0, command
        assert "examples:" in result.stdout, command


def test_no_command_is_a_usage_error(cli: Cli) -> None:
    nothing = cli()
    assert nothing.returncode == 2
    assert "usage: integration-index" in nothing.stderr
    assert cli("score").returncode == 2
    zero_jobs = cli("score", GOOD, "--jobs", "0")
    assert zero_jobs.returncode == 2
    assert "expected 1 or more, got 0" in zero_jobs.stderr


def test_frameworks_lists_and_shows(cli: Cli) -> None:
    result = cli("frameworks")
    assert result.returncode == 0
    for framework_id in ("eurocities", "engagement-spectrum", "gfmd-arrival-cities"):
        assert framework_id in result.stdout
    shown = cli("frameworks", "eurocities")
    assert shown.returncode == 0
    assert "01.1" in shown.stdout and "13" in shown.stdout
    french = cli("frameworks", "eurocities", "--language", "fr")
    assert french.returncode == 0
    assert french.stdout != shown.stdout  # the titles are the French ones
    unknown = cli("frameworks", "nope")
    assert unknown.returncode == 2
    assert "unknown framework 'nope'" in unknown.stderr


def test_plugins_lists_the_built_ins(cli: Cli) -> None:
    result = cli("plugins")
    assert result.returncode == 0
    rows = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()[1:]}
    assert rows["eurocities"] == rows["gfmd-arrival-cities"] == "loaded"
    quiet = ii.Registry(blocked={"gfmd-arrival-cities"})
    blocked = cli("plugins", registry=quiet)
    rows = {line.split()[0]: line.split()[1] for line in blocked.stdout.splitlines()[1:]}
    assert rows["gfmd-arrival-cities"] == "blocked"
    assert rows["eurocities"] == "loaded"
    listed = cli("frameworks", registry=quiet)
    assert listed.returncode == 0
    assert "gfmd-arrival-cities" not in listed.stdout
    assert "eurocities" in listed.stdout


def test_the_environment_blocks_plugins_of_a_new_registry(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTEGRATION_INDEX_BLOCK_PLUGINS", "gfmd-arrival-cities")
    registry = ii.Registry()
    assert "blocked" in cli("plugins", registry=registry).stdout
    assert "gfmd-arrival-cities" not in cli("frameworks", registry=registry).stdout


def test_score_examples_as_csv(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    result = cli("score", EXAMPLES, "--format", "csv", "--output", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # everything went to the file
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


def test_score_formats_agree(cli: Cli) -> None:
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
    for item in cards:
        assert item["card"]["schema_version"] == "1.1"
        card = ii.scorecard_from_dict(item["card"])
        assert ii.scorecard_to_dict(card) == item["card"]


def test_jobs_two_gives_the_same_output_in_the_same_order(cli: Cli) -> None:
    one = cli("score", EXAMPLES, "--format", "jsonl", "--jobs", "1")
    two = cli("score", EXAMPLES, "--format", "jsonl", "--jobs", "2")
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    assert len(one.stdout.splitlines()) >= 10


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
    cli: Cli, name: str, expected: str, tmp_path: Path
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


def test_validate_reports_every_problem(cli: Cli) -> None:
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


def test_fail_fast_stops_and_keeps_the_old_output(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    out.write_text("previous results\n", encoding="utf-8")
    result = cli(
        "score", BAD / "empty.toml", GOOD, "--format", "csv", "--output", out, "--fail-fast"
    )
    assert result.returncode == 1
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert "--fail-fast" in result.stderr
    assert not list(tmp_path.glob(".scores.csv.*"))  # no temporary file left behind


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
def test_a_new_output_file_gets_the_mode_open_would_give(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    assert cli("score", GOOD, "--format", "csv", "--output", out).returncode == 0
    assert mode_of(out) == 0o644  # 0o666 & ~0o022
    plain = tmp_path / "plain.txt"
    with open(plain, "w", encoding="utf-8"):
        pass
    assert mode_of(out) == mode_of(plain)
    os.umask(0o077)
    private = tmp_path / "private.csv"
    assert cli("score", GOOD, "--format", "csv", "--output", private).returncode == 0
    assert mode_of(private) == 0o600  # 0o666 & ~0o077


@pytest.mark.usefixtures("umask_022")
def test_an_existing_output_file_keeps_its_mode(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    out.write_text("previous results\n", encoding="utf-8")
    out.chmod(0o600)
    assert cli("score", GOOD, "--format", "csv", "--output", out).returncode == 0
    assert mode_of(out) == 0o600
    assert out.read_text(encoding="utf-8").startswith("source,city_id,")
    out.chmod(0o640)
    plan = tmp_path / "plan.md"
    plan.write_text("old plan\n", encoding="utf-8")
    plan.chmod(0o640)
    euro = EXAMPLES / "eurocities" / "rivermouth-2024.toml"
    assert cli("plan", euro, "--output", plan).returncode == 0
    assert mode_of(plan) == 0o640
    assert plan.read_text(encoding="utf-8").startswith("# Development plan: Rivermouth")


def test_init_writes_a_template_that_validates_once_filled(cli: Cli, tmp_path: Path) -> None:
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
    framework = ii.get_framework("eurocities")
    for leaf in framework.leaves:
        assert f'# criterion = "{leaf.id}"' in text
    assert 'id = "newtown"' in text and 'name = "Newtown"' in text
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


def test_init_for_several_frameworks(cli: Cli, tmp_path: Path) -> None:
    template = tmp_path / "all.toml"
    result = cli(
        "init", "--framework", "eurocities", "--framework", "gfmd-arrival-cities", template
    )
    assert result.returncode == 0, result.stderr
    assert cli("validate", template).returncode == 0
    written = ii.load_profile(template)
    assert sorted(written.assessment.frameworks) == ["eurocities", "gfmd-arrival-cities"]


def test_reports_on_the_examples(cli: Cli) -> None:
    euro = EXAMPLES / "eurocities"
    plan = cli("plan", euro / "rivermouth-2024.toml")
    assert plan.returncode == 0, plan.stderr
    assert "# Development plan: Rivermouth" in plan.stdout and "weight" in plan.stdout
    progress = cli("progress", euro / "rivermouth-2024.toml", euro / "rivermouth-2022.toml")
    assert progress.returncode == 0, progress.stderr
    assert "Baseline 15 March 2022" in progress.stdout
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


def test_progress_line_only_when_asked_or_on_a_terminal(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet = cli("score", EXAMPLES, "--format", "csv", "--output", tmp_path / "a.csv")
    assert quiet.returncode == 0
    # Not a terminal, and CI is set: no progress line.
    assert "profiles" not in quiet.stderr.replace("profile(s)", "")
    forced = cli("score", EXAMPLES, "--format", "csv", "--output", tmp_path / "b.csv", "--progress")
    assert forced.returncode == 0
    assert "profiles" in forced.stderr and "/s" in forced.stderr


def test_the_progress_line_goes_to_the_current_stderr(cli: Cli, tmp_path: Path) -> None:
    forced = cli("score", EXAMPLES, "--format", "csv", "--output", tmp_path / "b.csv", "--progress")
    assert forced.returncode == 0
    assert "profiles" in forced.stderr.replace("profile(s)", "")


def test_arrays_given_as_strings_and_other_odd_inputs_are_reported(
    cli: Cli, tmp_path: Path
) -> None:
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
    assert result.returncode == 1
    assert "assessment.frameworks[1]: framework 'eurocities' is listed twice" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_and_target_are_checked_before_any_work(cli: Cli, tmp_path: Path) -> None:
    missing = cli("score", GOOD, "--output", tmp_path / "nope" / "out.csv")
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
    directory = cli("score", GOOD, "--output", tmp_path)
    assert directory.returncode == 2
    assert "is a directory" in directory.stderr
    target = cli("plan", EXAMPLES / "eurocities" / "rivermouth-2024.toml", "--target", "150")
    assert target.returncode == 2
    assert "expected a number from 0 to 100" in target.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_newline_in_a_name_keeps_the_table_intact(cli: Cli, tmp_path: Path) -> None:
    profile = tmp_path / "newline.toml"
    profile.write_text(
        GOOD.read_text(encoding="utf-8").replace('name = "Testville"', 'name = "Test\\nville"'),
        encoding="utf-8",
    )
    for fmt in ("table", "markdown"):
        result = cli("score", profile, "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "Test ville" in result.stdout
        assert len(result.stdout.splitlines()) == (2 if fmt == "table" else 3)
