"""The modes of use on the examples and on small cases worked out by hand."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import integration_index as ii
from integration_index._analysis.agreement import krippendorff_alpha
from integration_index._analysis.compare import population_band, rank
from integration_index._analysis.peer_review import review
from integration_index._analysis.plan import development_plan
from integration_index._analysis.progress import compare_assessments
from integration_index.model import Assessment, City, CityProfile, Evidence

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
    # Without an effort mark, the horizon the framework declares for the question decides.
    for question in ("01.2", "01.4"):
        declared = framework.node(question).horizon
        assert declared is not None
        assert actions[question].horizon == declared.kind
        assert actions[question].horizon_basis == declared.basis
        assert declared.reason.en in actions[question].horizon_reason
    assert actions["01.4"].priority == pytest.approx(50 / 52)
    second = {a.criterion: a for o in plan.objectives for a in o.actions}["02.1"]
    # The city's low effort mark makes it a quick win, whatever the framework declares.
    assert second.horizon == "quick-win" and second.effort == "low"
    assert second.horizon_reason.startswith("the city marks it low effort")
    # Key factor 02 has five questions: 02.1 weighs 1/13 x 1/5 = 1/65; not in place, gap 75.
    assert second.weight == pytest.approx(1 / 65)
    assert second.priority == pytest.approx(75 / 65)
    unassessed = {a.criterion: a for o in plan.objectives for a in o.actions}["03.1"]
    # Unassessed: evidence to gather, ranked by weight (1/13 x 1/4 = 1/52) x open width 100.
    assert not unassessed.assessed and unassessed.horizon == "gather-evidence"
    assert unassessed.width == pytest.approx(100.0)
    assert unassessed.priority == pytest.approx(100 / 52)
    assert "weight" in actions["01.4"].reason and "x gap" in actions["01.4"].reason
    assert first.examples == framework.node("01").examples
    assert "02.1" in plan.quick_wins and "03.1" in plan.gather_evidence
    assert "03.1" not in plan.quick_wins + plan.long_haul


def test_plan_on_an_example_ranks_by_weight_times_gap() -> None:
    framework = ii.get_framework("eurocities")
    profile = ii.load_profile(EURO / "rivermouth-2024.toml")
    card = ii.score(profile, framework)
    plan = development_plan(card, framework, profile)
    assert "07" not in {o.criterion for o in plan.objectives}  # outside the city's competence
    # 07 is left out, so each of the 12 other key factors weighs 1/12. Key factor 12 has six
    # questions (1/72 each); 12.2 is rated not-in-place (0): gap 75, priority 75/72.
    top = plan.objectives[0]
    assert (top.criterion, top.score) == ("12", 15.0)
    assert top.weight == pytest.approx(1 / 12)
    first = {a.criterion: a for a in top.actions}["12.2"]
    assert (first.current, first.gap) == (0.0, 75.0)
    assert first.weight == pytest.approx(1 / 72) and first.priority == pytest.approx(75 / 72)
    # Key factor 11 has five questions (1/60 each); 11.2 is rated planned (25): gap 50.
    second = plan.objectives[1]
    assert (second.criterion, second.score) == ("11", 35.0)
    action = {a.criterion: a for a in second.actions}["11.2"]
    assert (action.current, action.gap) == (25.0, 50.0)
    assert action.priority == pytest.approx(50 / 60)
    assert all(o.status != "in-place" for o in plan.objectives)
    for objective in plan.objectives:
        for horizon in ("quick-win", "long-haul", "gather-evidence"):
            priorities = [a.priority for a in objective.actions if a.horizon == horizon]
            assert priorities == sorted(priorities, reverse=True)
    assert set(plan.quick_wins).isdisjoint(plan.long_haul)
    assert set(plan.gather_evidence).isdisjoint(plan.quick_wins + plan.long_haul)


def test_progress_between_two_assessments() -> None:
    framework = ii.get_framework("eurocities")
    later = ii.score(ii.load_profile(EURO / "rivermouth-2024.toml"), framework)
    earlier = ii.score(ii.load_profile(EURO / "rivermouth-2022.toml"), framework)
    report = compare_assessments([later, earlier], framework)  # any order
    assert [d.year for d in report.dates] == [2022, 2024]
    # The figures 0.1 published for Rivermouth (README), and the +18.4 the issue tracker quotes.
    assert report.overall == pytest.approx((31.346, 49.757), abs=1e-3)
    assert round(report.overall_delta or 0.0, 1) == 18.4
    moved = [node for node in report.nodes if node.delta is not None]
    assert all((node.delta > 0) == (node.direction == "up") for node in moved)  # type: ignore[operator]
    assert all((node.delta < 0) == (node.direction == "down") for node in moved)  # type: ignore[operator]
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
    # Consensus is the median of the two values: 01.3 -> (0.25 + 1.0) / 2 = 0.625, halfway
    # between partly (0.5) and largely (0.75): the nearest level is the lower one on a tie.
    assert questions["01.3"].consensus_value == pytest.approx(62.5)
    assert questions["01.3"].consensus == "partly"
    # 01.4 -> (0.75 + 0.5) / 2 = 0.625 too.
    assert questions["01.4"].consensus == "partly"
    # Ranks on the five-level scale: units (4,4), (2,2), (1,4), (3,2); each unit has two values,
    # so each ordered pair adds 1 to the coincidence matrix: o44 = 2, o22 = 2, o14 = o41 = 1,
    # o23 = o32 = 1. n_1 = 1, n_2 = 3, n_3 = 1, n_4 = 3, n = 8.
    # Ordinal distances (sum_{g=c..k} n_g - (n_c + n_k) / 2) ** 2:
    #   d12 = (4 - 2) ** 2 = 4, d13 = (5 - 1) ** 2 = 16, d14 = (8 - 2) ** 2 = 36,
    #   d23 = (4 - 2) ** 2 = 4, d24 = (7 - 3) ** 2 = 16, d34 = (4 - 2) ** 2 = 4.
    # D_o = (2 * 36 + 2 * 4) / 8 = 10
    # D_e = 2 (1*3*4 + 1*1*16 + 1*3*36 + 3*1*4 + 3*3*16 + 1*3*4) / (8 * 7) = 608 / 56
    # alpha = 1 - 10 * 56 / 608 = 48 / 608 = 3 / 38
    assert factor.agreement.alpha == pytest.approx(3 / 38)
    assert krippendorff_alpha([[4, 4], [2, 2], [1, 4], [3, 2]], levels=range(5)) == pytest.approx(
        3 / 38
    )
    assert factor.agreement.units == 4
    assert peer.factors[1].agreement.alpha is None and peer.factors[1].agreement.reason
    assert any("Resolve the disagreement on 01.3" in r for r in factor.recommendations)


# Two criteria of two leaves each, on a three-level scale 0 / 0.5 / 1, equal weights; no plugin
# registers it.
TINY = """
schema = 1
id = "tiny"
version = "1"
title = "Tiny"
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
id = "b"
title = "B"
children = [{ id = "b1", title = "B1" }, { id = "b2", title = "B2" }]
"""


def tiny_profile(date: datetime.date, ratings: dict[str, str]) -> CityProfile:
    return CityProfile(
        city=City(id="smallton", name="Smallton", population=50_000),
        assessment=Assessment(frameworks=("tiny",), date=date),
        evidence=tuple(
            Evidence(criterion=leaf, rating=rating, source="document")
            for leaf, rating in ratings.items()
        ),
    )


def test_progress_on_a_case_worked_by_hand() -> None:
    registry = ii.Registry(entry_points=False)
    framework = ii.loads_framework(TINY, registry=registry)
    # 2024: a = (0.5 + 0.5) / 2 = 0.5, b = (0 + 0.5) / 2 = 0.25, overall 37.5.
    earlier = tiny_profile(
        datetime.date(2024, 1, 10), {"a1": "half", "a2": "half", "b1": "no", "b2": "half"}
    )
    # 2025: a = (1 + 0.5) / 2 = 0.75, b = (0 + 1) / 2 = 0.5, overall 62.5.
    later = tiny_profile(
        datetime.date(2025, 1, 15), {"a1": "yes", "a2": "half", "b1": "no", "b2": "yes"}
    )
    cards = [ii.score(p, framework, registry=registry) for p in (later, earlier)]
    report = ii.track_progress(cards, framework=framework, registry=registry)
    assert report.dates == (datetime.date(2024, 1, 10), datetime.date(2025, 1, 15))
    assert report.overall == pytest.approx((37.5, 62.5))
    assert report.overall_delta == pytest.approx(25.0)
    nodes = {node.criterion: node for node in report.nodes}
    assert nodes["a"].delta == pytest.approx(25.0) and nodes["a"].direction == "up"
    assert nodes["b"].delta == pytest.approx(25.0) and nodes["b"].direction == "up"
    assert nodes["a1"].delta == pytest.approx(50.0)  # half -> yes
    assert nodes["b1"].delta == pytest.approx(0.0)  # no -> no
    assert set(report.moved_up) == {"a", "b"} and not report.moved_down
    text = ii.progress_markdown(report, [earlier, later], framework=framework, registry=registry)
    assert "Overall: 37.5 -> 62.5 (+25.0)" in text


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
