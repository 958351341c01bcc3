"""Development plans on small frameworks and profiles built for each rule, worked out by hand.

The rules are those of docs/development-plans.md; ``test_the_worked_example_of_the_docs`` is the
worked example given there, number for number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

import integration_index as ii
from integration_index._analysis.plan import DevelopmentPlan, PlanAction, development_plan
from integration_index._reports.plan import plan_report
from integration_index.model import CityProfile, Framework, ScoreCard

ROOT = Path(__file__).resolve().parent.parent

# A question: (id, weight, horizon) with horizon None or (kind, basis, reason in English).
Question = tuple[str, float, tuple[str, str, str] | None]
# A key factor: (id, weight, its questions).
Factor = tuple[str, float, Sequence[Question]]

SCALE = """
[[scales]]
id = "in-place"
title = "In place"
levels = [
  { id = "not-in-place", value = 0.0, label = { en = "Not in place", fr = "Pas en place" } },
  { id = "planned", value = 0.25, label = { en = "Planned", fr = "Prévu" } },
  { id = "partly", value = 0.5, label = { en = "Partly in place", fr = "Partiellement en place" } },
  { id = "largely", value = 0.75, label = { en = "Largely in place", fr = "Largement en place" } },
  { id = "fully", value = 1.0, label = { en = "Fully in place", fr = "Entièrement en place" } },
]
"""


def framework_text(factors: Sequence[Factor], *, extra: str = "") -> str:
    """A framework on the five-level scale, target 75, minimum coverage 0.5, weighted means."""
    parts = [
        'schema = 1\nid = "mini"\nversion = "1"\ntitle = { en = "Mini", fr = "Mini (fr)" }\n'
        'languages = ["en", "fr"]\n'
        '[settings]\nscale = "in-place"\nmin_coverage = 0.5\ntarget = 75.0\n',
        SCALE,
        extra,
    ]
    for factor, weight, questions in factors:
        parts.append(
            f'\n[[criteria]]\nid = "{factor}"\ntitle = {{ en = "Factor {factor}", '
            f'fr = "Facteur {factor}" }}\nweight = {weight}\n'
        )
        for question, question_weight, horizon in questions:
            parts.append(
                f'[[criteria.children]]\nid = "{question}"\ntitle = {{ en = "Question '
                f'{question}?", fr = "Question {question} ?" }}\nweight = {question_weight}\n'
            )
            if horizon is not None:
                kind, basis, reason = horizon
                parts.append(
                    f'horizon = {{ kind = "{kind}", basis = "{basis}", reason = {{ en = '
                    f'"{reason}", fr = "{reason} (fr)" }} }}\n'
                )
    return "".join(parts)


def profile_text(ratings: Sequence[tuple[str, str, str | None]], *, extra: str = "") -> str:
    """A profile of Smallton rating the given (question, level, effort) on "mini"."""
    head = (
        'schema = 1\n[city]\nid = "smallton"\nname = "Smallton"\n'
        '[assessment]\nframeworks = ["mini"]\ndate = 2025-01-15\n'
    )
    items = []
    for question, level, effort in ratings:
        effort_line = f'effort = "{effort}"\n' if effort else ""
        items.append(
            f'[[evidence]]\ncriterion = "{question}"\nrating = "{level}"\n'
            f'source = "document"\n{effort_line}'
        )
    return head + "".join(items) + extra


def planned(
    factors: Sequence[Factor],
    ratings: Sequence[tuple[str, str, str | None]],
    *,
    target: float | None = None,
    framework_extra: str = "",
    profile_extra: str = "",
) -> tuple[DevelopmentPlan, Framework, ScoreCard, CityProfile]:
    framework = ii.loads_framework(framework_text(factors, extra=framework_extra))
    profile = ii.loads_profile(profile_text(ratings, extra=profile_extra))
    card = ii.score(profile, framework)
    return development_plan(card, framework, profile, target=target), framework, card, profile


def actions_of(plan: DevelopmentPlan) -> dict[str, PlanAction]:
    return {a.criterion: a for o in plan.objectives for a in o.actions}


def three(factor: str) -> list[Question]:
    """Three questions of equal weight, with no declared horizon."""
    return [(f"{factor}{i}", 1.0, None) for i in (1, 2, 3)]


# --- The worked example of docs/development-plans.md --------------------------------------------

DOC = ROOT / "docs" / "development-plans.md"
BLOCK = re.compile(r"```(?P<kind>toml|markdown)\n(?P<body>.*?)```", re.DOTALL)


def doc_blocks() -> dict[str, str]:
    """The worked example's blocks: "framework" and "profile" (TOML, named by their first
    comment line) and "markdown" (the report's sections)."""
    blocks = {}
    for match in BLOCK.finditer(DOC.read_text(encoding="utf-8")):
        body = match.group("body")
        if match.group("kind") == "markdown":
            blocks["markdown"] = body
        elif body.startswith("# worked example: "):
            blocks[body.split("\n", 1)[0].removeprefix("# worked example: ")] = body
    return blocks


def worked() -> tuple[DevelopmentPlan, Framework, ScoreCard, CityProfile]:
    blocks = doc_blocks()
    framework = ii.loads_framework(blocks["framework"])
    profile = ii.loads_profile(blocks["profile"])
    card = ii.score(profile, framework)
    return development_plan(card, framework, profile), framework, card, profile


SOURCE_LONG = ("long-haul", "source", "The source calls it a multi-year effort.")
ENCODING_QUICK = ("quick-win", "encoding", "One decision of the council.")


def test_the_worked_example_of_the_docs() -> None:
    plan, _, card, _ = worked()
    # a = (50 + 25 + 50) / 3 = 41.67; b: b3 unrated, (100 + 0) / 2 = 50, bounds 33.3-66.7.
    assert card.node("a").adjusted.score == pytest.approx(125 / 3)
    assert card.node("b").adjusted.score == pytest.approx(50.0)
    assert card.node("b").adjusted.lower == pytest.approx(100 / 3)
    assert card.node("b").adjusted.upper == pytest.approx(200 / 3)
    assert plan.score == pytest.approx((125 / 3 + 50) / 2)
    # Objectives: a gap 75 - 41.67 = 33.33, weight 1/2, priority 16.67; b gap 25, priority 12.5.
    assert [(o.criterion, o.status) for o in plan.objectives] == [
        ("a", "not-shown"),
        ("b", "not-shown"),
    ]
    assert [o.priority for o in plan.objectives] == [
        pytest.approx(50 / 3),
        pytest.approx(12.5),
    ]
    # Each question weighs 1/2 x 1/3 = 1/6 of the overall score.
    assert plan.quick_wins == ("b2", "a3")  # 75/6 = 12.5, then 25/6 = 4.17
    assert plan.long_haul == ("a2", "a1")  # 50/6 = 8.33, then 25/6 = 4.17
    assert plan.gather_evidence == ("b3",)  # 1/6 x 100 = 16.67
    actions = actions_of(plan)
    assert "b1" not in actions  # fully in place: at its target
    expected = {
        "b2": ("quick-win", "effort", 75 / 6),
        "a3": ("quick-win", "gap", 25 / 6),
        "a2": ("long-haul", "effort", 50 / 6),
        "a1": ("long-haul", "source", 25 / 6),
        "b3": ("gather-evidence", "unrated", 100 / 6),
    }
    for question, (horizon, basis, priority) in expected.items():
        action = actions[question]
        assert (action.horizon, action.horizon_basis) == (horizon, basis), question
        assert action.priority == pytest.approx(priority), question
    assert actions["b2"].horizon_reason == (
        "the city marks it low effort, which overrides the framework's long-haul"
    )
    assert actions["a3"].horizon_reason == (
        "no horizon declared, so by the gap: the next level (largely) reaches the target"
    )
    assert actions["a2"].horizon_reason == (
        "the city marks it high effort, which overrides the framework's quick win"
    )
    assert actions["a1"].horizon_reason == (
        "the city marks it medium effort, which decides neither way; the framework: "
        "Multi-year funding follows the council's budget cycle. (as its source says)"
    )
    assert actions["b3"].horizon_reason == "no evidence yet"
    assert actions["b3"].width == pytest.approx(100.0) and not actions["b3"].assessed
    assert actions["a1"].reason == (
        "priority = weight 0.1667 x gap 25.0 = 4.167; long-haul: " + actions["a1"].horizon_reason
    )


def test_the_worked_example_in_markdown_is_the_docs() -> None:
    plan, framework, card, profile = worked()
    text = plan_report(plan, framework, card, profile)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Quick wins (2)",
        "## Long-haul work (2)",
        "## Gather evidence first (1)",
        "## Objective 1: a Strategy",
        "## Objective 2: b Services",
    ]
    assert doc_blocks()["markdown"] in text
    assert "Status: not shown in place (lower bound 33.3)." in text


# --- One rule at a time -------------------------------------------------------------------------


def test_a_high_effort_mark_demotes_a_would_be_quick_win() -> None:
    # "partly" against 75: by the gap alone (next level "largely" = 75) it would be a quick win,
    # and the framework declares it a quick win too; the city's "high" decides.
    factors: list[Factor] = [("a", 1.0, [("a1", 1.0, ENCODING_QUICK), ("a2", 1.0, None)])]
    plan, *_ = planned(factors, [("a1", "partly", "high"), ("a2", "partly", "high")])
    actions = actions_of(plan)
    for question in ("a1", "a2"):
        assert actions[question].horizon == "long-haul"
        assert actions[question].horizon_basis == "effort"
        assert actions[question].horizon_reason.startswith("the city marks it high effort")
    assert plan.quick_wins == () and plan.long_haul == ("a1", "a2")


def test_a_low_effort_mark_promotes_a_declared_long_haul() -> None:
    factors: list[Factor] = [("a", 1.0, [("a1", 1.0, SOURCE_LONG), ("a2", 1.0, SOURCE_LONG)])]
    plan, *_ = planned(factors, [("a1", "not-in-place", "low"), ("a2", "not-in-place", None)])
    actions = actions_of(plan)
    assert actions["a1"].horizon == "quick-win"
    assert actions["a1"].horizon_reason == (
        "the city marks it low effort, which overrides the framework's long-haul"
    )
    # Without a mark, the declaration stands, with its reason and basis.
    assert actions["a2"].horizon == "long-haul" and actions["a2"].horizon_basis == "source"
    assert "The source calls it a multi-year effort." in actions["a2"].horizon_reason
    assert plan.quick_wins == ("a1",) and plan.long_haul == ("a2",)


def test_the_highest_effort_mark_wins_when_the_evidence_disagrees() -> None:
    factors: list[Factor] = [("a", 1.0, [("a1", 1.0, None), ("a2", 1.0, None)])]
    plan, *_ = planned(factors, [("a1", "partly", "low"), ("a1", "partly", "high")])
    action = actions_of(plan)["a1"]
    assert (action.effort, action.horizon) == ("high", "long-haul")


def test_a_declared_quick_win_holds_however_far_below_target() -> None:
    factors: list[Factor] = [("a", 1.0, [("a1", 1.0, ENCODING_QUICK), ("a2", 1.0, None)])]
    plan, *_ = planned(factors, [("a1", "not-in-place", None), ("a2", "not-in-place", None)])
    actions = actions_of(plan)
    assert actions["a1"].horizon == "quick-win" and actions["a1"].horizon_basis == "encoding"
    assert actions["a1"].horizon_reason == (
        "the framework: One decision of the council. (this encoding's judgement)"
    )
    # No declaration, three levels short: long-haul by the gap, and the reason says so.
    assert actions["a2"].horizon == "long-haul" and actions["a2"].horizon_basis == "gap"
    assert actions["a2"].horizon_reason == (
        "no horizon declared, so by the gap: the next level (planned) falls short of the target"
    )


def test_unrated_questions_gather_evidence_by_weight_times_width() -> None:
    # Factor a weighs 3/4 and factor b 1/4. Under a, the questions weigh 1, 3 and 1: a1 = a3 =
    # 3/4 x 1/5 = 3/20 and a2 = 3/4 x 3/5 = 9/20 of the overall score; b1 = b2 = 1/4 x 1/2 = 1/8.
    factors: list[Factor] = [
        ("a", 3.0, [("a1", 1.0, None), ("a2", 3.0, None), ("a3", 1.0, None)]),
        ("b", 1.0, [("b1", 1.0, None), ("b2", 1.0, None)]),
    ]
    # Even a low-effort, one-step-short question elsewhere does not pull unrated ones along.
    plan, *_ = planned(factors, [("a3", "partly", "low"), ("b1", "fully", None)])
    actions = actions_of(plan)
    # Each unrated question leaves 0-100 open: priority = share x 100.
    assert plan.gather_evidence == ("a2", "a1", "b2")  # 45, 15, 12.5
    assert actions["a2"].priority == pytest.approx(45.0)
    assert actions["a1"].priority == pytest.approx(15.0)
    assert actions["b2"].priority == pytest.approx(12.5)
    assert all(actions[q].horizon_reason == "no evidence yet" for q in plan.gather_evidence)
    assert plan.quick_wins == ("a3",) and plan.long_haul == ()


def test_a_factor_exactly_at_the_target_is_in_place() -> None:
    # a = (100 + 50 + 75 + 75) / 4 = 75 exactly, every question rated: lower bound 75 = target.
    factors: list[Factor] = [
        ("a", 1.0, [(f"a{i}", 1.0, None) for i in (1, 2, 3, 4)]),
        ("b", 1.0, three("b")),
    ]
    ratings = [("a1", "fully", None), ("a2", "partly", None), ("a3", "largely", None)]
    ratings += [("a4", "largely", None), ("b1", "planned", None)]
    plan, framework, card, profile = planned(factors, ratings)
    assert card.node("a").adjusted.lower == 75.0
    assert plan.in_place == ("a",)
    text = plan_report(plan, framework, card, profile)
    assert "Shown in place (lower bound at or above the target): a Factor a." in text
    assert [o.criterion for o in plan.objectives] == ["b"]
    # The target is met, so a2 ("partly") is no action in any section.
    assert "a2" not in plan.quick_wins + plan.long_haul + plan.gather_evidence
    # Raise the target to plan beyond it: a is then an objective. By the gap, a2 ("partly": the
    # next level, 75, falls short of 80) is long-haul; a3 and a4 ("largely": 100 next) are quick
    # wins.
    higher, *_ = planned(factors, ratings, target=80.0)
    assert "a" in {o.criterion for o in higher.objectives} and higher.in_place == ()
    assert "a2" in higher.long_haul
    assert {"a3", "a4"} <= set(higher.quick_wins)


def test_a_score_above_target_with_half_unrated_is_only_likely() -> None:
    # a = (100 + 75) / 2 = 87.5 on half its weight; bounds (175 + 0 + 0) / 4 = 43.75 and
    # (175 + 200) / 4 = 93.75: the score reaches 75, the lower bound does not.
    factors: list[Factor] = [("a", 1.0, [(f"a{i}", 1.0, None) for i in (1, 2, 3, 4)])]
    plan, framework, card, profile = planned(
        factors, [("a1", "fully", None), ("a2", "largely", None)]
    )
    (objective,) = plan.objectives
    assert objective.status == "likely" and plan.in_place == ()
    assert objective.score == pytest.approx(87.5)
    assert objective.lower == pytest.approx(43.75) and objective.upper == pytest.approx(93.75)
    assert (objective.unrated, objective.questions) == (2, 4)
    assert objective.gap == 0.0 and objective.priority == 0.0
    assert plan.gather_evidence == ("a3", "a4") and plan.quick_wins == plan.long_haul == ()
    text = plan_report(plan, framework, card, profile)
    assert "Status: likely in place: 2 of 4 questions unrated (bounds 43.8-93.8)." in text


def test_likely_objectives_come_after_those_not_shown() -> None:
    factors: list[Factor] = [
        ("a", 1.0, [(f"a{i}", 1.0, None) for i in (1, 2, 3, 4)]),
        ("b", 1.0, three("b")),
    ]
    ratings = [("a1", "fully", None), ("a2", "largely", None), ("b1", "largely", None)]
    ratings += [("b2", "largely", None), ("b3", "partly", None)]
    plan, *_ = planned(factors, ratings)
    assert [(o.criterion, o.status) for o in plan.objectives] == [
        ("b", "not-shown"),
        ("a", "likely"),
    ]


EXCLUSIONS = """
[[competence_exclusions]]
criteria = ["b"]
reason = "National law may set it."
"""


def test_an_excluded_factor_is_listed_with_its_reason() -> None:
    factors: list[Factor] = [("a", 1.0, three("a")), ("b", 1.0, three("b"))]
    excluded = '[[exclusions]]\ncriterion = "b"\nreason = "A national agency runs it since 2023."\n'
    plan, framework, card, profile = planned(
        factors,
        [("a1", "partly", None)],
        framework_extra=EXCLUSIONS,
        profile_extra=excluded,
    )
    (item,) = plan.excluded
    assert (item.criterion, item.title, item.origin) == ("b", "Factor b", "profile")
    assert item.reason == "A national agency runs it since 2023."
    assert [o.criterion for o in plan.objectives] == ["a"]
    assert not any(q.startswith("b") for q in actions_of(plan))
    english = plan_report(plan, framework, card, profile)
    assert "## Left out of this plan" in english
    assert (
        "- **b Factor b** (declared by the profile): A national agency runs it since 2023."
        in english
    )
    french = plan_report(plan, framework, card, profile, language="fr")
    assert "## Hors de ce plan" in french
    assert "- **b Facteur b** (déclaré par le profil) : A national agency" in french


def test_no_action_lands_in_two_sections() -> None:
    plan, *_ = worked()
    sections = (plan.quick_wins, plan.long_haul, plan.gather_evidence)
    every = [question for section in sections for question in section]
    assert len(every) == len(set(every)) == len(actions_of(plan))
    for action in actions_of(plan).values():
        chosen = {"quick-win": 0, "long-haul": 1, "gather-evidence": 2}[action.horizon]
        assert action.criterion in sections[chosen]


def test_the_french_plan_has_french_labels_and_reasons() -> None:
    plan, framework, card, profile = worked()
    text = plan_report(plan, framework, card, profile, language="fr")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[:3] == [
        "## Gains rapides (2)",
        "## Travail de longue haleine (2)",
        "## Réunir d’abord des preuves (1)",
    ]
    assert "la ville l’estime d’effort faible, ce qui l’emporte sur « longue haleine »" in text
    assert (
        "le cadre : Un financement pluriannuel suit le cycle budgétaire du conseil. "
        "(selon sa source)"
    ) in text
    assert (
        "| b3 | Are migrants consulted on services? | non évalué | pas encore de preuves |" in text
    )
    for english in ("Quick wins", "not assessed", "the city marks", "no evidence yet"):
        assert english not in text


PRACTICE = """
[[criteria]]
id = "c"
title = "Factor c"

[[criteria.examples]]
city = "Lyon"
text = { en = "Since September 2010, 15 contracts were signed.", fr = "Depuis septembre 2010, 15 contrats ont été signés." }
figures = ["septembre 2010", "15 contrats"]

[[criteria.children]]
id = "c1"
title = "Question c1?"
"""


def test_examples_quote_only_figures_in_the_report_language() -> None:
    factors: list[Factor] = [("a", 1.0, three("a"))]
    framework = ii.loads_framework(framework_text(factors) + PRACTICE)
    profile = ii.loads_profile(profile_text([("a1", "partly", None), ("c1", "planned", None)]))
    card = ii.score(profile, framework)
    plan = development_plan(card, framework, profile)
    english = plan_report(plan, framework, card, profile)
    assert "- **Lyon**: Since September 2010, 15 contracts were signed.\n" in english
    assert "contrats" not in english
    french = plan_report(plan, framework, card, profile, language="fr")
    assert "15 contrats ont été signés. (septembre 2010; 15 contrats)" in french


def test_the_method_is_stated_and_actions_keep_their_section_order() -> None:
    plan, *_ = worked()
    assert "lower bound" in plan.method and "gather evidence first" in plan.method
    for objective in plan.objectives:
        order = [a.horizon for a in objective.actions]
        rank = {"quick-win": 0, "long-haul": 1, "gather-evidence": 2}
        assert order == sorted(order, key=rank.__getitem__)
