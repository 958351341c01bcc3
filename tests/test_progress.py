"""Progress like for like: when the set of counted top-level criteria differs between two
assessments, the report gives the reported change, the change on the common set, and which
criteria entered or left the count, and why. Every expected figure is worked out by hand."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import integration_index as ii
from integration_index._analysis.progress import UncountedFactor, compare_assessments
from integration_index.analysis import ProgressReport
from integration_index.model import Assessment, City, CityProfile, Evidence

if TYPE_CHECKING:
    from conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
EURO = ROOT / "examples" / "profiles" / "eurocities"

# Three criteria: a (weight 1), b (weight 2), c (weight 1), two leaves each, on a three-level
# scale 0 / 0.5 / 1. A framework rule leaves c out when the city says it is a national competence.
TRIO = """
schema = 1
id = "trio"
version = "1"
title = "Trio"
[settings]
scale = "three"
min_coverage = 0.5
[[scales]]
id = "three"
title = "Three levels"
levels = [
    { id = "no", value = 0.0, label = "No" },
    { id = "half", value = 0.5, label = "Half" },
    { id = "yes", value = 1.0, label = "Yes" },
]
[[contextual_factors]]
id = "competence"
title = "Who is competent for c"
kind = "choice"
choices = ["city", "national"]
[[criteria]]
id = "a"
title = "A"
children = [{ id = "a1", title = "A1" }, { id = "a2", title = "A2" }]
[[criteria]]
id = "b"
title = "B"
weight = 2.0
children = [{ id = "b1", title = "B1" }, { id = "b2", title = "B2" }]
[[criteria]]
id = "c"
title = "C"
children = [{ id = "c1", title = "C1" }, { id = "c2", title = "C2" }]
[[modifiers]]
id = "c-national"
effect = "not_applicable"
criteria = ["c"]
reason = "C is a national competence here."
when = { factor = "competence", equals = "national" }
"""

EARLY = datetime.date(2024, 1, 10)
LATE = datetime.date(2025, 1, 15)


@pytest.fixture
def registry() -> ii.Registry:
    return ii.Registry(entry_points=False)


def trio(registry: ii.Registry, text: str = TRIO) -> ii.Framework:
    return ii.loads_framework(text, registry=registry)


def profile(date: datetime.date, ratings: dict[str, str], competence: str = "city") -> CityProfile:
    return CityProfile(
        city=City(id="smallton", name="Smallton"),
        assessment=Assessment(frameworks=("trio",), date=date),
        evidence=tuple(
            Evidence(criterion=leaf, rating=rating, source="document")
            for leaf, rating in ratings.items()
        ),
        context={"trio": {"competence": competence}},
    )


def progress(
    registry: ii.Registry, framework: ii.Framework, *profiles: CityProfile
) -> ProgressReport:
    cards = [ii.score(p, framework, registry=registry) for p in profiles]
    return ii.track_progress(cards, framework=framework, registry=registry)


def test_a_factor_excluded_in_the_later_assessment_only(registry: ii.Registry) -> None:
    framework = trio(registry)
    # 2024: a = (0.5 + 0.5) / 2 = 50, b = (0 + 0.5) / 2 = 25, c = 100;
    #       overall (1 x 50 + 2 x 25 + 1 x 100) / 4 = 50.
    earlier = profile(EARLY, {"a1": "half", "a2": "half", "b1": "no", "b2": "half", "c1": "yes"})
    # 2025: c is a national competence: left out. a = (1 + 0.5) / 2 = 75, b = 75;
    #       overall (1 x 75 + 2 x 75) / 3 = 75.
    later = profile(
        LATE, {"a1": "yes", "a2": "half", "b1": "yes", "b2": "half", "c1": "yes"}, "national"
    )
    report = progress(registry, framework, later, earlier)
    assert report.overall == pytest.approx((50.0, 75.0))
    assert report.overall_delta == pytest.approx(25.0)
    # Like for like on a and b: 2024 (1 x 50 + 2 x 25) / 3 = 100/3; 2025 (75 + 2 x 75) / 3 = 75.
    assert report.counted == ("a", "b")
    assert report.like_for_like == pytest.approx((100 / 3, 75.0))
    assert report.like_for_like_delta == pytest.approx(75.0 - 100 / 3)  # +41.7
    assert report.counted_set_changed
    assert report.entered == ()
    assert report.left == (
        UncountedFactor(
            criterion="c",
            title="C",
            date=LATE,
            why="excluded",
            reason="C is a national competence here.",
        ),
    )
    text = ii.progress_markdown(report, [earlier, later], framework=framework, registry=registry)
    assert (
        "Overall: 50.0 -> 75.0 (+25.0 reported); like for like on the 2 factors counted both "
        "times: +41.7 (33.3 -> 75.0)." in text
    )
    assert (
        "- c C left the count: excluded at 15 January 2025 (C is a national competence here)."
        in text
    )


def test_a_factor_not_assessed_in_the_earlier_assessment(registry: ii.Registry) -> None:
    framework = trio(registry)
    # 2024: c unrated. a = 50, b = 25; overall (50 + 2 x 25) / 3 = 100/3.
    earlier = profile(EARLY, {"a1": "half", "a2": "half", "b1": "no", "b2": "half"})
    # 2025: a = 75, b = 75, c = 0; overall (75 + 2 x 75 + 0) / 4 = 56.25.
    later = profile(
        LATE, {"a1": "yes", "a2": "half", "b1": "yes", "b2": "half", "c1": "no", "c2": "no"}
    )
    report = progress(registry, framework, earlier, later)
    assert report.overall == pytest.approx((100 / 3, 56.25))
    assert report.overall_delta == pytest.approx(56.25 - 100 / 3)  # +22.9 reported
    assert report.like_for_like == pytest.approx((100 / 3, 75.0))  # a and b only
    assert report.like_for_like_delta == pytest.approx(75.0 - 100 / 3)  # +41.7
    assert report.left == ()
    (entered,) = report.entered
    assert (entered.criterion, entered.date, entered.why) == ("c", EARLY, "not assessed")
    assert entered.reason == "nothing rated beneath it"
    text = ii.progress_markdown(report, framework=framework, registry=registry)
    assert "(+22.9 reported); like for like on the 2 factors counted both times: +41.7" in text
    assert (
        "- c C entered the count: not assessed at 10 January 2024 (nothing rated beneath it)."
        in text
    )


def test_a_factor_below_the_minimum_coverage_is_not_assessed(registry: ii.Registry) -> None:
    framework = trio(registry, TRIO.replace("min_coverage = 0.5", "min_coverage = 0.6"))
    # 2024: only c1 of c is rated: coverage 1/2 < 0.6, so c has no score.
    earlier = profile(EARLY, {"a1": "half", "a2": "half", "b1": "no", "b2": "half", "c1": "yes"})
    later = profile(
        LATE, {"a1": "yes", "a2": "half", "b1": "yes", "b2": "half", "c1": "no", "c2": "no"}
    )
    report = progress(registry, framework, earlier, later)
    (entered,) = report.entered
    assert entered.why == "not assessed"
    assert entered.reason == "50% of it rated, below the minimum coverage of 60%"
    assert report.like_for_like == pytest.approx((100 / 3, 75.0))


def test_the_same_factors_counted_keep_the_one_line(registry: ii.Registry) -> None:
    framework = trio(registry)
    earlier = profile(EARLY, {"a1": "half", "a2": "half", "b1": "no", "b2": "half", "c1": "no"})
    later = profile(LATE, {"a1": "yes", "a2": "half", "b1": "yes", "b2": "half", "c1": "half"})
    report = progress(registry, framework, earlier, later)
    # Every factor counted both times: like for like is the reported overall score.
    # 2024 (50 + 2 x 25 + 0) / 4 = 25; 2025 (75 + 2 x 75 + 50) / 4 = 68.75.
    assert not report.counted_set_changed
    assert report.counted == ("a", "b", "c")
    assert report.like_for_like == pytest.approx(report.overall)
    assert report.like_for_like == pytest.approx((25.0, 68.75))
    text = ii.progress_markdown(report, framework=framework, registry=registry)
    assert "Overall: 25.0 -> 68.8 (+43.8)." in text
    assert "like for like" not in text


def rivermouth() -> tuple[ii.ScoreCard, ii.ScoreCard]:
    earlier, later = (
        ii.score(ii.load_profile(EURO / f"rivermouth-{year}.toml"), "eurocities")
        for year in (2022, 2024)
    )
    return earlier, later


def test_rivermouth_like_for_like() -> None:
    earlier, later = rivermouth()
    report = compare_assessments([later, earlier], ii.get_framework("eurocities"))
    # Reported: 31.3 -> 49.8, +18.4; but 07 (12.5 in 2022) was excluded in 2024 only.
    assert round(report.overall_delta or 0.0, 1) == 18.4
    # The twelve other key factors weigh alike: 2022 (407.5 - 12.5) / 12 = 32.92; 2024 49.76.
    assert report.counted == tuple(f"{n:02d}" for n in range(1, 14) if n != 7)
    assert report.like_for_like == pytest.approx((395 / 12, 49.757), abs=1e-3)
    assert round(report.like_for_like_delta or 0.0, 1) == 16.8
    (left,) = report.left
    assert (left.criterion, left.why, left.date) == ("07", "excluded", later.assessment_date)
    assert left.reason.startswith("Since the 2023 national civil-service law")
    assert report.entered == ()
    text = ii.progress_markdown(report)
    assert (
        "Overall: 31.3 -> 49.8 (+18.4 reported); like for like on the 12 factors counted both "
        "times: +16.8" in text
    )
    assert "- 07 Municipal employment left the count: excluded at 20 March 2024 (Since" in text


def test_rivermouth_like_for_like_on_the_command_line(cli: Cli) -> None:
    paths = [EURO / "rivermouth-2022.toml", EURO / "rivermouth-2024.toml"]
    result = cli("progress", *paths)
    assert result.returncode == 0, result.stderr
    assert "(+18.4 reported); like for like on the 12 factors counted both times: +16.8" in (
        result.stdout
    )
    data = json.loads(cli("progress", *paths, "--format", "json").stdout)
    assert round(data["like_for_like_delta"], 1) == 16.8
    assert [(f["criterion"], f["why"]) for f in data["left"]] == [("07", "excluded")]
    assert data["entered"] == []
