"""Peer reviews across files: one file per reviewer and the city's self-assessment, checked to be
one review and merged; ratings without an assessor are warnings naming the file and the line;
measured indicators get interval alpha; the ratings changed from the self-assessment are listed.
Every expected figure is worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest

import integration_index as ii
from integration_index._analysis.peer_review import SelfAssessmentChange
from integration_index._api import merge_reviews, peer_review
from integration_index.analysis import krippendorff_alpha
from integration_index.exceptions import ProfileError

if TYPE_CHECKING:
    from conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
OSTAVIA = ROOT / "examples" / "profiles" / "eurocities" / "ostavia-peer-review-2023.toml"
SPLIT = ROOT / "examples" / "peer-review" / "ostavia-2023"

# Two rated questions a1, a2 on a three-level scale 0 / 0.5 / 1, and three measured indicators
# m1-m3 between goalposts 0 and 10 (higher is better), so a value v scores 10 v on 0-100.
DUO = """
schema = 1
id = "duo"
version = "1"
title = "Duo"
[settings]
scale = "three"
[[scales]]
id = "three"
title = "Three levels"
levels = [
    { id = "no", value = 0.0, label = "No" },
    { id = "half", value = 0.5, label = "Half" },
    { id = "yes", value = 1.0, label = "Yes" },
]
[[criteria]]
id = "a"
title = "A"
children = [{ id = "a1", title = "A1" }, { id = "a2", title = "A2" }]
[[criteria]]
id = "m"
title = "Measured"
children = [
    { id = "m1", title = "M1", goalposts = { min = 0.0, max = 10.0 } },
    { id = "m2", title = "M2", goalposts = { min = 0.0, max = 10.0 } },
    { id = "m3", title = "M3", goalposts = { min = 0.0, max = 10.0 } },
]
"""

Rating = tuple[str, str | float, str | None]


def review_file(
    assessors: list[str],
    ratings: list[Rating],
    *,
    city: str = "smallton",
    frameworks: str = '["duo"]',
    date: str = "2025-03-01",
    mode: str = "peer-review",
) -> str:
    """A profile's text: each rating is (criterion, level id or measured value, assessor)."""
    names = ", ".join(f'"{name}"' for name in assessors)
    text = (
        f'schema = 1\n[city]\nid = "{city}"\nname = "Smallton"\n'
        f"[assessment]\nframeworks = {frameworks}\ndate = {date}\n"
        f'mode = "{mode}"\nassessors = [{names}]\n'
    )
    for criterion, rating, assessor in ratings:
        value = f'"{rating}"' if isinstance(rating, str) else f"{rating}"
        text += (
            f'\n[[evidence]]\ncriterion = "{criterion}"\nrating = {value}\nsource = "interview"\n'
        )
        if assessor:
            text += f'assessor = "{assessor}"\n'
    return text


def line_of(text: str, wanted: str, nth: int = 0) -> int:
    """The 1-based line of the *nth* line of *text* that reads *wanted* (found by hand)."""
    return [i for i, line in enumerate(text.splitlines(), 1) if line == wanted][nth]


# Reviewer A's file lists A alone, and its items name nobody: they are A's.
A = review_file(
    ["A"],
    [("a1", "half", None), ("a2", "half", None), ("m1", 2, None), ("m2", 4, None), ("m3", 8, None)],
)
# Reviewer B's items name B.
B = review_file(
    ["B"], [("a1", "half", "B"), ("a2", "yes", "B"), ("m1", 4, "B"), ("m2", 4, "B"), ("m3", 6, "B")]
)
# The city's own self-assessment, two months before the review round.
SELF = review_file(
    ["City team"],
    [("a1", "yes", None), ("a2", "half", None), ("m1", 2, None)],
    date="2025-01-10",
    mode="self-assessment",
)


@pytest.fixture
def registry() -> ii.Registry:
    return ii.Registry(entry_points=False)


@pytest.fixture
def duo(registry: ii.Registry) -> ii.Framework:
    return ii.loads_framework(DUO, registry=registry)


def test_reviewers_files_merge_with_interval_alpha_by_hand(
    registry: ii.Registry, duo: ii.Framework
) -> None:
    merged = merge_reviews([ii.loads_profile(A), ii.loads_profile(B)], sources=["a.toml", "b.toml"])
    assert merged.warnings == () and merged.self_assessment is None
    assert merged.sources == ("a.toml", "b.toml")
    assert [item.assessor for item in merged.profile.evidence] == ["A"] * 5 + ["B"] * 5
    assert merged.profile.assessment.assessors == ("A", "B")
    review = peer_review(merged, framework=duo, registry=registry)
    assert review.reviewers == ("A", "B") and review.sources == ("a.toml", "b.toml")
    # Measured values (2, 4), (4, 4), (8, 6) (x 10 on 0-100: interval alpha does not change).
    # Coincidences: o(2,4) = o(4,2) = 1, o(4,4) = 2, o(6,8) = o(8,6) = 1; n_2 = 1, n_4 = 3,
    # n_6 = 1, n_8 = 1, n = 6. Observed: sum o * (c - k)^2 = 2 x 4 + 2 x 4 = 16. Expected:
    # sum n_c n_k (c - k)^2 over ordered pairs = 2 (1*3*4 + 1*1*16 + 1*1*36 + 3*1*4 + 3*1*16
    # + 1*1*4) = 256. alpha = 1 - (n - 1) x 16 / 256 = 1 - 80 / 256 = 11/16.
    assert review.measured_agreement.alpha == pytest.approx(11 / 16)
    assert (review.measured_agreement.units, review.measured_agreement.pairable_values) == (3, 6)
    assert krippendorff_alpha([[20, 40], [40, 40], [80, 60]], metric="interval") == pytest.approx(
        11 / 16
    )
    factors = {factor.criterion: factor for factor in review.factors}
    assert factors["m"].measured_agreement == review.measured_agreement
    assert factors["a"].measured_agreement.alpha is None  # no measured indicator under a
    # Ordinal alpha stays apart, over a1 and a2 only: ranks (1, 1), (1, 2); n_1 = 3, n_2 = 1;
    # d(1,2) = (4 - 2)^2 = 4; alpha = 1 - 3 x (2 x 4) / (2 x 3 x 1 x 4) = 0.
    assert review.agreement.units == 2
    assert review.agreement.alpha == pytest.approx(0.0)
    # m1's consensus: the median of 20 and 40.
    m1 = next(q for q in factors["m"].questions if q.criterion == "m1")
    assert m1.consensus is None and m1.consensus_value == pytest.approx(30.0)


def test_ratings_changed_from_the_self_assessment(registry: ii.Registry, duo: ii.Framework) -> None:
    profiles = [ii.loads_profile(text) for text in (SELF, A, B)]
    merged = merge_reviews(profiles, sources=["self.toml", "a.toml", "b.toml"])
    assert merged.self_assessment == profiles[0]  # kept apart, not merged
    assert (merged.self_assessment_source, merged.sources) == ("self.toml", ("a.toml", "b.toml"))
    assert len(merged.profile.evidence) == 10
    review = peer_review(merged, framework=duo, registry=registry)
    assert review.self_assessment_date is not None
    assert review.self_assessment_date.isoformat() == "2025-01-10"
    # a1: yes, reviewers half and half -> half (-50). a2: half, reviewers half and yes ->
    # median 0.75, the lower level on a tie -> half: unchanged. m1: 2 -> 20/100, reviewers 2 and
    # 4 -> 30/100 (+10). m2 and m3 were not self-assessed: not listed.
    assert review.self_assessment_changes == (
        SelfAssessmentChange(
            criterion="a1", title="A1", self_assessed="yes", consensus="half", change=-50.0
        ),
        SelfAssessmentChange(
            criterion="m1",
            title="M1",
            self_assessed="20/100",
            consensus="30/100",
            change=pytest.approx(10.0),  # type: ignore[arg-type]
        ),
    )
    text = ii.peer_review_markdown(review, merged, framework=duo, registry=registry)
    assert "Merged from 2 reviewer files: a.toml, b.toml; the city's self-assessment: " in text
    assert (
        "Ratings changed from the self-assessment of 10 January 2025: a1 yes -> half (-50.0); "
        "m1 20/100 -> 30/100 (+10.0)." in text
    )
    assert "Krippendorff's alpha (ordinal) 0.000 over 2 questions" in text
    assert (
        "Agreement on measured indicators: Krippendorff's alpha (interval) 0.688 over 3 "
        "measured indicators." in text
    )


def test_a_rating_without_an_assessor_is_a_warning_naming_file_and_line(
    registry: ii.Registry, duo: ii.Framework
) -> None:
    text = review_file(["C", "D"], [("a1", "half", "C"), ("a2", "yes", None), ("a1", "no", "D")])
    line = line_of(text, "[[evidence]]", 1)
    merged = merge_reviews([ii.loads_profile(text)], sources=["c.toml"], texts=[text])
    assert merged.warnings == (
        f"c.toml:{line}: evidence[1]: the rating of a2 names no assessor and the file lists 2 "
        'assessors ("C", "D"): it counts in the consensus, not in inter-rater agreement',
    )
    review = peer_review(merged, framework=duo, registry=registry)
    assert review.warnings == merged.warnings
    a2 = next(q for f in review.factors for q in f.questions if q.criterion == "a2")
    assert [r.assessor for r in a2.log] == [""]  # logged, unnamed, not paired
    # Without the text there is no line; with no assessor listed the warning says so.
    bare = review_file([], [("a1", "half", None)])
    (warning,) = merge_reviews([ii.loads_profile(bare)], sources=["e.toml"]).warnings
    assert warning.startswith("e.toml: evidence[0]: the rating of a1 names no assessor and the ")
    assert "the file lists no assessor:" in warning
    # A single profile read by peer_review warns the same way.
    (warning,) = peer_review(ii.loads_profile(text), framework=duo, registry=registry).warnings
    assert warning.startswith("profile: evidence[1]: the rating of a2")


@pytest.mark.parametrize(
    ("changed", "key", "message"),
    [
        ({"city": "otherton"}, "city.id", "city 'otherton' is not the review's city 'smallton'"),
        (
            {"frameworks": '["duo", "trio"]'},
            "assessment.frameworks",
            "assesses duo, trio, but a.toml assesses duo: every reviewer's file",
        ),
        (
            {"date": "2025-03-02"},
            "assessment.date",
            "dated 2025-03-02, but a.toml is dated 2025-03-01: every reviewer's file of a peer "
            "review must be of the same round",
        ),
    ],
    ids=["city", "framework", "round"],
)
def test_files_of_another_city_framework_or_round_are_refused(
    changed: dict[str, str], key: str, message: str
) -> None:
    other = review_file(["B"], [("a1", "half", "B")], **changed)
    with pytest.raises(ProfileError) as caught:
        merge_reviews(
            [ii.loads_profile(A), ii.loads_profile(other)],
            sources=["a.toml", "b.toml"],
            texts=[A, other],
        )
    written = {"city.id": "id = ", "assessment.frameworks": "frameworks = "}
    start = written.get(key, "date = ")
    line = next(i for i, text in enumerate(other.splitlines(), 1) if text.startswith(start))
    assert (caught.value.path, caught.value.key_path, caught.value.line) == ("b.toml", key, line)
    assert caught.value.format() == f"b.toml:{line}: {key}: {caught.value.problems[0].message}"
    assert message in caught.value.problems[0].message


def test_the_self_assessment_is_checked_too() -> None:
    reviewers = [ii.loads_profile(A), ii.loads_profile(B)]
    later = ii.loads_profile(SELF.replace("date = 2025-01-10", "date = 2025-04-01"))
    with pytest.raises(ProfileError, match="dated 2025-04-01, after the review round"):
        merge_reviews([later, *reviewers])
    elsewhere = ii.loads_profile(SELF.replace('id = "smallton"', 'id = "otherton"'))
    with pytest.raises(ProfileError, match="city 'otherton' is not the review's city"):
        merge_reviews([elsewhere, *reviewers])
    with pytest.raises(ProfileError, match="a second self-assessment"):
        merge_reviews([ii.loads_profile(SELF), ii.loads_profile(SELF), *reviewers])
    # One file alone is the review, whatever its mode.
    assert merge_reviews([ii.loads_profile(SELF)]).self_assessment is None


def test_the_split_ostavia_files_merge_to_the_single_file_review() -> None:
    paths = sorted(SPLIT.glob("*.toml"))
    assert [p.name for p in paths] == ["reviewer-a.toml", "reviewer-b.toml", "reviewer-c.toml"]
    merged = merge_reviews([ii.load_profile(p) for p in paths], sources=[str(p) for p in paths])
    assert merged.warnings == ()  # reviewer-c's items take its only assessor, Sara Haddad
    single = ii.load_profile(OSTAVIA)
    assert sorted(merged.profile.evidence, key=repr) == sorted(single.evidence, key=repr)
    together = ii.peer_review(merged)
    alone = ii.peer_review(single)
    assert together.sources == tuple(str(p) for p in paths)
    assert attrs.evolve(together, sources=()) == alone
    assert alone.reviewers == ("Marta Keller", "Sara Haddad", "Tomas Rovan")
    assert round(alone.agreement.alpha or 0.0, 3) == 0.644


def test_merged_review_on_the_command_line(cli: Cli) -> None:
    paths = sorted(SPLIT.glob("*.toml"))
    result = cli("peer-review", *paths)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Merged from 3 reviewer files: " in result.stdout
    assert "Krippendorff's alpha (ordinal) 0.644 over 33 questions" in result.stdout
    single = cli("peer-review", OSTAVIA)
    assert "Merged from" not in single.stdout
    # Past the header, the merged review reads exactly as the single file's.
    assert result.stdout.split("## 01 ", 1)[1] == single.stdout.split("## 01 ", 1)[1]


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_self_assessment_and_reviewers_on_the_command_line(cli: Cli, tmp_path: Path) -> None:
    framework = write(tmp_path, "duo.toml", DUO)
    files = [write(tmp_path, name, text) for name, text in (("self.toml", SELF), ("a.toml", A))]
    files.append(write(tmp_path, "b.toml", B))
    result = cli("peer-review", *files, "--framework-file", framework)
    assert result.returncode == 0, result.stderr
    assert "a1 yes -> half (-50.0); m1 20/100 -> 30/100 (+10.0)." in result.stdout
    assert "Krippendorff's alpha (interval) 0.688 over 3 measured indicators" in result.stdout
    data = json.loads(
        cli("peer-review", *files, "--framework-file", framework, "--format", "json").stdout
    )
    assert data["measured_agreement"]["alpha"] == pytest.approx(11 / 16)
    assert [c["criterion"] for c in data["self_assessment_changes"]] == ["a1", "m1"]
    assert data["self_assessment_source"] == str(files[0])


def test_the_command_line_refuses_and_warns(cli: Cli, tmp_path: Path) -> None:
    framework = write(tmp_path, "duo.toml", DUO)
    first = write(tmp_path, "a.toml", A)
    late_text = B.replace("date = 2025-03-01", "date = 2025-03-02")
    late = write(tmp_path, "late.toml", late_text)
    refused = cli("peer-review", first, late, "--framework-file", framework)
    assert refused.returncode == 1
    line = line_of(late_text, "date = 2025-03-02")
    assert refused.stderr.startswith(f"{late}:{line}: assessment.date: dated 2025-03-02, but ")
    unnamed_text = review_file(["C", "D"], [("a1", "half", "C"), ("a2", "yes", None)])
    unnamed = write(tmp_path, "c.toml", unnamed_text)
    warned = cli("peer-review", unnamed, "--framework-file", framework)
    assert warned.returncode == 0, warned.stderr
    line = line_of(unnamed_text, "[[evidence]]", 1)
    assert warned.stderr.startswith(f"warning: {unnamed}:{line}: evidence[1]: the rating of a2 ")
    assert f"- {unnamed}:{line}: evidence[1]:" in warned.stdout  # and in the report
