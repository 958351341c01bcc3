"""The modes of use on the examples and on small cases worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

import integration_index as ii
from integration_index._agreement import krippendorff_alpha
from integration_index._analysis.compare import population_band, rank
from integration_index._analysis.peer_review import review
from integration_index._analysis.plan import development_plan
from integration_index._analysis.progress import compare_assessments

ROOT = Path(__file__).resolve().parent.parent
EURO = ROOT / "examples" / "profiles" / "eurocities"

HEAD = """
schema = 1
[city]
id = "smallcase"
name = "Small Case"
[assessment]
frameworks = ["eurocities"]
date = 2025-01-15
mode = "peer-review"
"""


def evidence(
    criterion: str, rating: str, assessor: str | None = None, effort: str | None = None
) -> str:
    lines = [
        "[[evidence]]",
        f'criterion = "{criterion}"',
        f'rating = "{rating}"',
        'source = "interview"',
    ]
    if assessor:
        lines.append(f'assessor = "{assessor}"')
    if effort:
        lines.append(f'effort = "{effort}"')
    return "\n".join(lines) + "\n"


def test_plan_on_a_case_worked_by_hand() -> None:
    framework = ii.get_framework("eurocities")
    text = HEAD + "".join(
        [
            evidence("01.1", "fully"),
            evidence("01.2", "partly"),
            evidence("01.3", "largely"),
            evidence("01.4", "planned"),
            evidence("02.1", "not-in-place", effort="low"),
        ]
    )
    profile = ii.loads_profile(text)
    card = ii.score(profile)
    assert card.node("01").adjusted.score == pytest.approx(62.5)  # (100 + 50 + 75 + 25) / 4
    plan = development_plan(card, framework, profile, target=75.0)
    first = {o.criterion: o for o in plan.objectives}["01"]
    actions = {a.criterion: a for a in first.actions}
    assert set(actions) == {"01.2", "01.4"}  # 01.1 and 01.3 already meet the target
    # Each question weighs 1/13 (its key factor) x 1/4 (its siblings) of the overall score.
    assert actions["01.2"].weight == pytest.approx(1 / 52)
    assert actions["01.2"].gap == pytest.approx(25.0)
    assert actions["01.2"].priority == pytest.approx(25 / 52)
    assert actions["01.2"].horizon == "quick-win"  # partly -> largely reaches 75
    assert actions["01.4"].priority == pytest.approx(50 / 52)
    assert actions["01.4"].horizon == "long-haul"  # planned -> partly does not
    assert [a.criterion for a in first.actions] == ["01.4", "01.2"]  # by weight x gap
    second = {a.criterion: a for o in plan.objectives for a in o.actions}["02.1"]
    assert second.horizon == "quick-win" and second.effort == "low"
    unassessed = {a.criterion: a for o in plan.objectives for a in o.actions}["03.1"]
    assert not unassessed.assessed and unassessed.gap == pytest.approx(75.0)
    assert "weight" in actions["01.4"].reason and "x gap" in actions["01.4"].reason
    assert first.examples == framework.node("01").examples
    assert plan.quick_wins.index("01.2") < len(plan.quick_wins)


def test_plan_on_an_example_ranks_by_weight_times_gap() -> None:
    framework = ii.get_framework("eurocities")
    profile = ii.load_profile(EURO / "rivermouth-2024.toml")
    card = ii.score(profile, framework)
    plan = development_plan(card, framework, profile)
    assert "07" not in {o.criterion for o in plan.objectives}  # outside the city's competence
    for objective in plan.objectives:
        assert objective.score is None or objective.score < objective.target
        priorities = [a.priority for a in objective.actions]
        assert priorities == sorted(priorities, reverse=True)
        for action in objective.actions:
            assert action.priority == pytest.approx(action.weight * action.gap)
    assert set(plan.quick_wins).isdisjoint(plan.long_haul)


def test_progress_between_two_assessments() -> None:
    framework = ii.get_framework("eurocities")
    later = ii.score(ii.load_profile(EURO / "rivermouth-2024.toml"), framework)
    earlier = ii.score(ii.load_profile(EURO / "rivermouth-2022.toml"), framework)
    report = compare_assessments([later, earlier], framework)  # any order
    assert [d.year for d in report.dates] == [2022, 2024]
    assert report.overall == (earlier.score, later.score)
    assert report.overall_delta == pytest.approx(later.score - earlier.score)  # type: ignore[operator]
    for node in report.nodes:
        if node.direction == "up":
            assert node.delta is not None and node.delta > 0
        if node.direction == "down":
            assert node.delta is not None and node.delta < 0
    assert report.moved_up and report.moved_down
    assert set(report.moved_up).isdisjoint(report.moved_down)
    with pytest.raises(ValueError, match="at least two"):
        compare_assessments([later], framework)


def test_peer_review_consensus_disagreement_and_alpha_by_hand() -> None:
    framework = ii.get_framework("eurocities")
    ratings = {
        "01.1": ("fully", "fully"),
        "01.2": ("partly", "partly"),
        "01.3": ("planned", "fully"),
        "01.4": ("largely", "partly"),
    }
    text = HEAD + "".join(
        evidence(q, a, "A") + evidence(q, b, "B") for q, (a, b) in ratings.items()
    )
    profile = ii.loads_profile(text)
    card = ii.score(profile)
    peer = review(profile, framework, card)
    assert peer.reviewers == ("A", "B")
    factor = peer.factors[0]
    questions = {q.criterion: q for q in factor.questions}
    assert questions["01.3"].disagreement and questions["01.3"].spread_levels == 3
    assert not questions["01.4"].disagreement and questions["01.4"].spread_levels == 1
    assert peer.disagreements == ("01.3",)
    # Consensus is the median of the two values: 01.3 -> (0.25 + 1.0) / 2 = 0.625 -> nearest level.
    assert questions["01.3"].consensus_value == pytest.approx(62.5)
    assert questions["01.3"].consensus in ("partly", "largely")
    # Ranks on the five-level scale: units (4,4), (2,2), (1,4), (3,2).
    assert factor.agreement.alpha == pytest.approx(
        krippendorff_alpha([[4, 4], [2, 2], [1, 4], [3, 2]], levels=range(5))
    )
    assert factor.agreement.units == 4
    assert peer.factors[1].agreement.alpha is None and peer.factors[1].agreement.reason
    assert any("Resolve the disagreement on 01.3" in r for r in factor.recommendations)


def test_peer_review_on_the_example() -> None:
    framework = ii.get_framework("eurocities")
    profile = ii.load_profile(EURO / "ostavia-peer-review-2023.toml")
    peer = review(profile, framework, ii.score(profile, framework))
    assert len(peer.reviewers) == 3
    assert peer.agreement.alpha is not None and -1.0 <= peer.agreement.alpha <= 1.0
    assert len(peer.disagreements) >= 1
    logged = sum(len(q.log) for f in peer.factors for q in f.questions)
    assert logged == len(profile.evidence)  # every item recorded


def test_compare_ranks_within_population_bands() -> None:
    entries = []
    for path in sorted(EURO.glob("*.toml")):
        profile = ii.load_profile(path)
        entries.append((profile, ii.score(profile, "eurocities")))
    ranking = rank(entries, [100_000, 250_000, 500_000, 1_000_000])
    assert len({r.city_id for r in ranking.rows}) == len(ranking.rows)  # latest assessment per city
    rivermouth = next(r for r in ranking.rows if r.city_id == "rivermouth")
    assert rivermouth.assessment_date.startswith("2024")
    scores = [r.score for r in ranking.rows if r.score is not None]
    assert scores == sorted(scores, reverse=True)
    assert population_band(120_000, [100_000, 250_000]) == "100,000-249,999"
    assert population_band(900_000, [100_000, 250_000]) == "250,000+"
    assert ranking.to_csv().splitlines()[0].startswith("city_id,")


def test_public_mode_functions_render_markdown() -> None:
    profile = ii.load_profile(EURO / "rivermouth-2024.toml")
    card = ii.score(profile, "eurocities")
    plan = ii.development_plan(card, profile)
    assert ii.plan_markdown(plan, card, profile).startswith("# Development plan: Rivermouth")
    earlier = ii.score(ii.load_profile(EURO / "rivermouth-2022.toml"), "eurocities")
    assert "## What moved" in ii.progress_markdown(ii.track_progress([earlier, card]))
    reviewed = ii.load_profile(EURO / "ostavia-peer-review-2023.toml")
    assert "Evidence log" in ii.peer_review_markdown(ii.peer_review(reviewed), reviewed)
    entries = [(p, ii.score(p, "eurocities")) for p in (profile, reviewed)]
    assert "peer group" in ii.ranking_markdown(ii.rank_cities(entries))
    assert "Key factors in place" in ii.profile_markdown(profile)
