"""``--framework-file PATH``: a framework read from a TOML file, used like a registered one.

The frameworks here are registered by no plugin: a copy of the OECD example under another id, and
a tiny framework written for these tests. Every expected score is worked out by hand below.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import integration_index as ii

if TYPE_CHECKING:
    from conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
OECD = ROOT / "examples" / "oecd-checklist"
OECD_FRAMEWORK = OECD / "src" / "integration_index_oecd" / "oecd-checklist.toml"
WESTHAVEN = OECD / "profiles" / "westhaven-2025.toml"

# Two criteria of two leaves each, on a three-level scale 0 / 0.5 / 1, equal weights.
TINY = (Path(__file__).parent / "data" / "frameworks" / "tiny.toml").read_text(encoding="utf-8")


def tiny_profile(
    ratings: dict[str, str],
    *,
    city: str = "smallton",
    population: int = 50_000,
    date: str = "2025-01-15",
) -> str:
    head = (
        f'schema = 1\n[city]\nid = "{city}"\nname = "{city.title()}"\npopulation = {population}\n'
        f'[assessment]\nframeworks = ["tiny"]\ndate = {date}\n'
    )
    return head + "".join(
        f'[[evidence]]\ncriterion = "{leaf}"\nrating = "{rating}"\nsource = "document"\n'
        for leaf, rating in ratings.items()
    )


# a = (1 + 0.5) / 2 = 0.75, b = (0 + 1) / 2 = 0.5, overall (0.75 + 0.5) / 2 = 0.625 -> 62.5.
SMALLTON_2025 = {"a1": "yes", "a2": "half", "b1": "no", "b2": "yes"}
# a = (0.5 + 0.5) / 2 = 0.5, b = (0 + 0.5) / 2 = 0.25, overall (0.5 + 0.25) / 2 -> 37.5.
SMALLTON_2024 = {"a1": "half", "a2": "half", "b1": "no", "b2": "half"}


def line_of(path: Path, text: str) -> int:
    """The 1-based line of *path* that reads *text* exactly (found without the code under test)."""
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    """The tiny framework's file and the 2025 Smallton profile."""
    framework = tmp_path / "tiny.toml"
    framework.write_text(TINY, encoding="utf-8")
    profile = tmp_path / "smallton-2025.toml"
    profile.write_text(tiny_profile(SMALLTON_2025), encoding="utf-8")
    return framework, profile


@pytest.fixture
def oecd_copy(tmp_path: Path) -> tuple[Path, Path]:
    """The OECD example framework renamed ``oecd-copy``, and Westhaven's profile naming it."""
    text = OECD_FRAMEWORK.read_text(encoding="utf-8")
    assert text.count('\nid = "oecd-checklist"\n') == 1
    framework = tmp_path / "oecd-copy.toml"
    framework.write_text(
        text.replace('\nid = "oecd-checklist"\n', '\nid = "oecd-copy"\n'), encoding="utf-8"
    )
    profile_text = WESTHAVEN.read_text(encoding="utf-8")
    renamed = profile_text.replace(
        'frameworks = ["oecd-checklist"]', 'frameworks = ["oecd-copy"]'
    ).replace("[context.oecd-checklist]", "[context.oecd-copy]")
    assert "oecd-checklist]" not in renamed and '"oecd-checklist"' not in renamed
    profile = tmp_path / "westhaven-2025.toml"
    profile.write_text(renamed, encoding="utf-8")
    return framework, profile


def test_no_plugin_registers_the_test_frameworks() -> None:
    registered = {framework.id for framework in ii.list_frameworks()}
    assert registered.isdisjoint({"oecd-copy", "tiny"})


# Westhaven on the OECD checklist, by hand. Levels: not-addressed 0, initiated 1/3, advanced 2/3,
# achieved 1; evidence rule median (two items: their mean); equal weights; min coverage 0.5.
#   b1 = (o1 2/3 + o2 1/3 + o3 1/3) / 3          = 4/9
#   b2 = (o4 2/3 + o5 median(1, 2/3) = 5/6) / 2  = 3/4
#   b3 = (o6 1/3 + o7 2/3 + o8 0) / 3            = 1/3
#   b4: o12 is excluded (not applicable), o11 unassessed: estimate (o9 2/3 + o10 1/3) / 2 = 1/2,
#       bounds (2/3 + 1/3 + 0) / 3 = 1/3 and (2/3 + 1/3 + 1) / 3 = 2/3, coverage 2/3
#       (raw, with o12 counted unassessed: estimate 1/2, coverage 2/4)
#   overall = (4/9 + 3/4 + 1/3 + 1/2) / 4 = (16 + 27 + 12 + 18) / 144 = 73/144 -> 50.69
#   lower   = (16 + 27 + 12 + 12) / 144 = 67/144 -> 46.53
#   upper   = (16 + 27 + 12 + 24) / 144 = 79/144 -> 54.86
#   coverage = (1 + 1 + 1 + 2/3) / 4 = 11/12 -> 0.917
WESTHAVEN_ROW = [
    "Westhaven",
    "oecd-copy",
    "2025-03-14",
    "50.69",
    "50.69",
    "46.53",
    "54.86",
    "0.917",
]


def test_score_with_a_framework_file(cli: Cli, oecd_copy: tuple[Path, Path]) -> None:
    framework, profile = oecd_copy
    result = cli("score", profile, "--framework-file", framework)
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    columns = ["city", "framework", "date", "score", "raw", "lower", "upper", "coverage"]
    assert header.split() == columns
    assert row.split() == WESTHAVEN_ROW
    assert "scored 1 profile(s); 0 failed" in result.stderr

    cards = cli("score", profile, "--framework-file", framework, "--format", "jsonl")
    (line,) = cards.stdout.splitlines()
    overall = json.loads(line)["card"]["overall"]
    assert overall["adjusted"]["score"] == pytest.approx(100 * 73 / 144)
    assert overall["adjusted"]["lower"] == pytest.approx(100 * 67 / 144)
    assert overall["adjusted"]["upper"] == pytest.approx(100 * 79 / 144)
    assert overall["adjusted"]["coverage"] == pytest.approx(11 / 12)
    assert overall["raw"]["score"] == pytest.approx(100 * 73 / 144)
    assert overall["raw"]["coverage"] == pytest.approx((1 + 1 + 1 + 2 / 4) / 4)
    # Secondary: the library agrees with the command line.
    card = ii.score(ii.load_profile(profile), ii.load_framework(framework))
    assert card.score == pytest.approx(overall["adjusted"]["score"])


def test_score_with_a_small_framework_worked_by_hand(cli: Cli, tiny: tuple[Path, Path]) -> None:
    framework, profile = tiny
    result = cli("score", profile, "--framework-file", framework, "--format", "csv")
    assert result.returncode == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    # a = (1 + 0.5) / 2, b = (0 + 1) / 2, overall (0.75 + 0.5) / 2 = 0.625; every leaf is rated,
    # so the bounds are the score and the coverage is 1.
    columns = ("framework", "score", "raw_score", "lower", "upper", "coverage")
    assert [row[c] for c in columns] == ["tiny", "62.50", "62.50", "62.50", "62.50", "1.000"]


def test_without_the_framework_file_the_profile_fails(
    cli: Cli, oecd_copy: tuple[Path, Path]
) -> None:
    _, profile = oecd_copy
    line = line_of(profile, 'frameworks = ["oecd-copy"]')
    expected = f"{profile}:{line}: assessment.frameworks: unknown framework 'oecd-copy'"
    for command in ("score", "plan", "report"):
        result = cli(command, profile)
        assert result.returncode == 1, command
        assert [err for err in result.stderr.splitlines() if err.startswith(expected)], (
            command,
            result.stderr,
        )
        assert "Traceback" not in result.stderr


def test_a_broken_framework_file_lists_every_problem(cli: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    text = (
        TINY.replace('version = "1"', "version = 1")
        .replace("value = 0.5", "value = 1.5")
        .replace('title = "A1"\n', 'title = "A1"\nweight = -1\n')
    )
    broken.write_text(text, encoding="utf-8")
    profile = tmp_path / "smallton.toml"
    profile.write_text(tiny_profile(SMALLTON_2025), encoding="utf-8")
    expected = [
        f"{broken}:{line_of(broken, 'version = 1')}: version: ",
        f"{broken}:{line_of(broken, 'value = 1.5')}: scales[0].levels[1].value: ",
        f"{broken}:{line_of(broken, 'weight = -1')}: criteria[0].children[0].weight: ",
    ]
    for command in (("score", profile), ("plan", profile), ("validate", profile)):
        result = cli(*command, "--framework-file", broken)
        assert result.returncode == 2, command
        assert f"--framework-file {broken}" in result.stderr
        lines = result.stderr.splitlines()
        for start in expected:
            assert [line for line in lines if line.startswith(start)], (start, result.stderr)
        assert result.stdout == ""
    missing = cli("score", profile, "--framework-file", tmp_path / "nope.toml")
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr


def test_plan_with_a_framework_file(cli: Cli, oecd_copy: tuple[Path, Path]) -> None:
    framework, profile = oecd_copy
    result = cli("plan", profile, "--framework-file", framework)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Development plan: Westhaven")
    assert "overall score 50.7 / 100" in result.stdout  # 73/144, see above
    # The weakest block, b3 = 1/3, comes first: weight 1/4, gap 75 - 100/3 = 41.67, priority 10.42.
    assert "## Objective 1: b3 " in result.stdout
    assert "Score 33.3 against target 75 (gap 41.7; weight 0.250; priority 10.42)" in result.stdout


def test_plan_on_a_small_framework_worked_by_hand(cli: Cli, tiny: tuple[Path, Path]) -> None:
    framework, profile = tiny
    result = cli(
        "plan", profile, "--framework-file", framework, "--target", "80", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["framework_id"] == "tiny" and plan["score"] == pytest.approx(62.5)
    # b = 50: gap 30, weight 1/2, priority 15; a = 75: gap 5, weight 1/2, priority 2.5.
    summary = [(o["criterion"], o["gap"], o["priority"]) for o in plan["objectives"]]
    assert summary == [
        ("b", pytest.approx(30.0), pytest.approx(15.0)),
        ("a", pytest.approx(5.0), pytest.approx(2.5)),
    ]
    actions = {a["criterion"]: a for o in plan["objectives"] for a in o["actions"]}
    # Each leaf weighs 1/2 x 1/2 = 1/4. b1 (no): gap 80, priority 20, two levels short.
    # a2 (half): gap 80 - 50 = 30, priority 7.5, and the next level (yes = 100) reaches 80.
    # a1 and b2 (yes = 100) already meet the target.
    assert set(actions) == {"b1", "a2"}
    assert actions["b1"]["weight"] == pytest.approx(0.25)
    assert actions["b1"]["priority"] == pytest.approx(20.0)
    assert actions["b1"]["horizon"] == "long-haul"
    assert actions["a2"]["priority"] == pytest.approx(7.5)
    assert actions["a2"]["horizon"] == "quick-win"


def test_validate_with_a_framework_file(cli: Cli, oecd_copy: tuple[Path, Path]) -> None:
    framework, profile = oecd_copy
    result = cli("validate", profile, "--framework-file", framework)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{profile}: ok\n"
    assert "1 ok, 0 with problems" in result.stderr
    without = cli("validate", profile)
    assert without.returncode == 1
    assert "unknown framework 'oecd-copy'" in without.stderr


def test_report_with_a_framework_file(cli: Cli, oecd_copy: tuple[Path, Path]) -> None:
    framework, profile = oecd_copy
    result = cli("report", profile, "--framework-file", framework)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Westhaven")
    assert "(oecd-copy 2018.1)" in result.stdout
    assert "Overall score: **50.7** / 100" in result.stdout  # 73/144, see above


def test_progress_with_a_framework_file(cli: Cli, tiny: tuple[Path, Path], tmp_path: Path) -> None:
    framework, later = tiny
    earlier = tmp_path / "smallton-2024.toml"
    earlier.write_text(tiny_profile(SMALLTON_2024, date="2024-01-10"), encoding="utf-8")
    result = cli("progress", later, earlier, "--framework-file", framework)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Progress: Smallton, Tiny")
    # 37.5 -> 62.5 (see SMALLTON_2024 and SMALLTON_2025).
    assert "Baseline 10 January 2024, latest 15 January 2025" in result.stdout
    assert "Overall: 37.5 -> 62.5 (+25.0)" in result.stdout
    report = json.loads(
        cli("progress", later, earlier, "--framework-file", framework, "--format", "json").stdout
    )
    assert report["overall"] == [pytest.approx(37.5), pytest.approx(62.5)]
    assert report["overall_delta"] == pytest.approx(25.0)


def test_peer_review_with_a_framework_file(cli: Cli, tiny: tuple[Path, Path]) -> None:
    framework, _ = tiny
    ratings = {
        "a1": ("yes", "yes"),
        "a2": ("half", "no"),
        "b1": ("no", "yes"),
        "b2": ("yes", "half"),
    }
    text = tiny_profile({}).replace(
        "date = 2025-01-15\n", 'date = 2025-01-15\nmode = "peer-review"\n'
    )
    for leaf, pair in ratings.items():
        for assessor, rating in zip("AB", pair, strict=True):
            text += (
                f'[[evidence]]\ncriterion = "{leaf}"\nrating = "{rating}"\n'
                f'source = "interview"\nassessor = "{assessor}"\n'
            )
    profile = framework.parent / "smallton-review.toml"
    profile.write_text(text, encoding="utf-8")
    result = cli("peer-review", profile, "--framework-file", framework)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Peer review: Smallton, Tiny")
    assert "Krippendorff" in result.stdout
    review = json.loads(
        cli("peer-review", profile, "--framework-file", framework, "--format", "json").stdout
    )
    assert review["reviewers"] == ["A", "B"]
    assert review["disagreements"] == ["b1"]  # no vs yes: two levels apart
    # Ordinal alpha over the ranks (2,2), (1,0), (0,2), (2,1): n_0 = 2, n_1 = 2, n_2 = 4, n = 8;
    # d(0,1) = (4 - 2)^2 = 4, d(0,2) = (8 - 3)^2 = 25, d(1,2) = (6 - 3)^2 = 9;
    # D_o = (2*4 + 2*25 + 2*9) / 8 = 9.5; D_e = 2 (4*4 + 8*25 + 8*9) / 56 = 576/56;
    # alpha = 1 - 9.5 * 56 / 576 = 11/144.
    assert review["agreement"]["alpha"] == pytest.approx(11 / 144)
    # Consensus: the median (mean of two) then the nearest level, the lower one on a tie.
    consensus = {q["criterion"]: q["consensus"] for f in review["factors"] for q in f["questions"]}
    assert consensus == {"a1": "yes", "a2": "no", "b1": "half", "b2": "half"}


def test_compare_with_a_framework_file(
    cli: Cli, tiny: tuple[Path, Path], oecd_copy: tuple[Path, Path], tmp_path: Path
) -> None:
    framework, smallton = tiny
    cities = tmp_path / "cities"
    cities.mkdir()
    shutil.copy(smallton, cities / "smallton-2025.toml")
    (cities / "bigton-2024.toml").write_text(
        tiny_profile(SMALLTON_2024, city="bigton", population=2_000_000, date="2024-01-10"),
        encoding="utf-8",
    )
    shutil.copy(oecd_copy[1], cities / "westhaven-2025.toml")  # assesses another framework
    result = cli("compare", cities, "--framework-file", framework)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Ranking: Tiny")
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 1 ")]
    assert len(rows) == 1 and "Smallton" in rows[0] and "62.5" in rows[0]
    assert "| 2 | Bigton |" in result.stdout and "37.5" in result.stdout
    assert "1 profile(s) do not assess 'tiny'" in result.stderr
    as_csv = cli("compare", cities, "--framework-file", framework, "--format", "csv")
    assert [row.split(",")[0] for row in as_csv.stdout.splitlines()[1:]] == ["smallton", "bigton"]


def test_init_with_a_framework_file(cli: Cli, tiny: tuple[Path, Path], tmp_path: Path) -> None:
    framework, _ = tiny
    template = tmp_path / "new.toml"
    result = cli("init", "--framework-file", framework, template, "--city-id", "newtown")
    assert result.returncode == 0, result.stderr
    assert f"wrote {template}: a profile template for tiny" in result.stderr
    text = template.read_text(encoding="utf-8")
    assert 'frameworks = ["tiny"]' in text
    for leaf in ("a1", "a2", "b1", "b2"):
        assert f'# criterion = "{leaf}"' in text
    assert cli("validate", template, "--framework-file", framework).returncode == 0
    assert cli("validate", template).returncode == 1  # no plugin registers "tiny"


def test_frameworks_shows_a_framework_file(cli: Cli, tiny: tuple[Path, Path]) -> None:
    framework, _ = tiny
    result = cli("frameworks", "--framework-file", framework)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Tiny (tiny 1)"
    assert "Scale three: no (0), half (0.5), yes (1)" in lines
    # The tree, children indented under their parent.
    assert lines[-6:] == ["a  A", "    a1  A1", "    a2  A2", "b  B", "    b1  B1", "    b2  B2"]
