"""Development plans: objectives not shown in place; actions sorted into quick wins, long-haul work
and evidence to gather first, each with the reason it lands there (docs/development-plans.md)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Literal

import attrs

from integration_index._analysis._weights import overall_shares
from integration_index._model.criteria import Criterion, Horizon
from integration_index._model.framework import Framework, Practice
from integration_index._model.profile import CityProfile
from integration_index._model.scale import Scale
from integration_index._model.scorecard import ScoreCard

__all__ = [
    "METHOD",
    "DevelopmentPlan",
    "ExcludedCriterion",
    "Objective",
    "PlanAction",
    "PlanBasis",
    "PlanHorizon",
    "PlanStatus",
    "development_plan",
]

PlanHorizon = Literal["quick-win", "long-haul", "gather-evidence"]
PlanStatus = Literal["in-place", "likely", "not-shown"]
PlanBasis = Literal["effort", "source", "encoding", "gap", "unrated"]

#: Scores meet a target to this tolerance: rounding never moves a factor exactly at its target.
TOLERANCE = 1e-9

_EFFORT_ORDER = {"low": 0, "medium": 1, "high": 2}
_SECTION_ORDER = {"quick-win": 0, "long-haul": 1, "gather-evidence": 2}
_SECTION_WORDS = {
    "quick-win": "quick win",
    "long-haul": "long-haul",
    "gather-evidence": "gather evidence first",
}
_BASIS_WORDS = {"source": "as its source says", "encoding": "this encoding's judgement"}


@attrs.frozen(kw_only=True)
class PlanAction:
    """A rated criterion not shown at its target: a quick win, long-haul work or evidence to gather.

    Attributes:
        criterion: The rated criterion (for example a guiding question).
        objective: The top-level criterion it belongs to.
        title: Its text, in English.
        assessed: False when no evidence rates it yet.
        current: Its current value on 0-100 (None when not assessed).
        current_level: Its current level, on a scale.
        next_level: The next level up, on a scale.
        target: The target on 0-100.
        gap: target - current (current taken as its lower bound, usually 0, when not assessed).
        width: For an unassessed criterion, upper - lower: the range its evidence leaves open.
        weight: Its share of the overall score.
        priority: The ranking key within its section: weight x gap for quick wins and long-haul
            work, weight x width for evidence to gather.
        horizon: "quick-win", "long-haul" or "gather-evidence" (never more than one).
        horizon_basis: What decided the horizon: "effort" (the city's mark), "source" or
            "encoding" (the framework's declaration and its basis), "gap" (no declaration: the
            next level reaches the target or not), "unrated" (no evidence).
        horizon_reason: Why it lands in its section, in English.
        effort: The highest effort the evidence marks, if any.
        reason: Why it ranks where it does and why it lands in its section.
    """

    criterion: str
    objective: str
    title: str
    assessed: bool
    current: float | None
    current_level: str | None
    next_level: str | None
    target: float
    gap: float
    width: float | None
    weight: float
    priority: float
    horizon: PlanHorizon
    horizon_basis: PlanBasis
    horizon_reason: str
    effort: str | None
    reason: str


@attrs.frozen(kw_only=True)
class Objective:
    """A top-level criterion not shown in place.

    Attributes:
        criterion: Its id.
        title: Its title, in English.
        status: "likely" (its score reaches the target but its lower bound does not) or
            "not-shown" (its score, or its lower bound when it has no score, is below target).
        score: Its adjusted score (None when coverage is too low to give one).
        lower: Its adjusted lower bound (every unassessed leaf at the bottom of its scale).
        upper: Its adjusted upper bound (every unassessed leaf at the top).
        target: Its target on 0-100.
        gap: target - score (score taken as its lower bound when None); 0 when "likely".
        weight: Its share of the overall score.
        priority: weight x gap.
        questions: How many applicable rated criteria it holds.
        unrated: How many of them no evidence rates yet.
        actions: Its actions: quick wins, then long-haul work, then evidence to gather, each by
            priority.
        examples: What other cities did, from the framework, as inspiration.
    """

    criterion: str
    title: str
    status: PlanStatus
    score: float | None
    lower: float | None
    upper: float | None
    target: float
    gap: float
    weight: float
    priority: float
    questions: int
    unrated: int
    actions: tuple[PlanAction, ...]
    examples: tuple[Practice, ...]


@attrs.frozen(kw_only=True)
class ExcludedCriterion:
    """A criterion a modifier left out (not applicable), so the plan does not cover it.

    Attributes:
        criterion: Its id.
        title: Its title, in English.
        reason: Why it was left out (each modifier's reason, joined by "; ").
        origin: "framework" for a framework rule, "profile" for the profile's exclusion.
    """

    criterion: str
    title: str
    reason: str
    origin: Literal["framework", "profile"]


@attrs.frozen(kw_only=True)
class DevelopmentPlan:
    """A development plan built from one score card.

    Attributes:
        framework_id: The framework.
        city_id: The city.
        city_name: The city's name.
        assessment_date: The assessment the plan starts from.
        target: The target used where a criterion sets none (None: each criterion's own).
        score: The overall adjusted score.
        objectives: Top-level criteria not shown in place: "not-shown" ones by priority, then
            "likely" ones.
        in_place: Top-level criteria shown in place (lower bound at or above target).
        quick_wins: Ids of quick-win actions, by priority (weight x gap).
        long_haul: Ids of long-haul actions, by priority (weight x gap).
        gather_evidence: Ids of unassessed criteria, by weight x width.
        excluded: Criteria left out as not applicable, with the reason.
        method: How objectives and actions were chosen, sorted and ranked.
    """

    framework_id: str
    city_id: str
    city_name: str
    assessment_date: datetime.date
    target: float | None
    score: float | None
    objectives: tuple[Objective, ...]
    in_place: tuple[str, ...]
    quick_wins: tuple[str, ...]
    long_haul: tuple[str, ...]
    gather_evidence: tuple[str, ...]
    excluded: tuple[ExcludedCriterion, ...]
    method: str


METHOD = (
    "A top-level criterion is in place when its lower bound (every unassessed question at the "
    "bottom of its scale) reaches the target; it is likely in place when only its score does, and "
    "not shown otherwise. Every criterion not in place is an objective. Beneath it, an assessed "
    "question below target is a quick win or long-haul work: the city's effort mark decides "
    "(low: quick win; high: long-haul), else the horizon the framework declares for the question, "
    "else the gap (quick win when the next level up reaches the target). Unassessed questions go "
    "to 'gather evidence first'. Quick wins and long-haul work are ranked by weight x gap, "
    "evidence to gather by weight x the width of the range it leaves open; weight is the "
    "question's share of the overall score."
)


def development_plan(
    card: ScoreCard,
    framework: Framework,
    profile: CityProfile | None = None,
    *,
    target: float | None = None,
) -> DevelopmentPlan:
    """Build a development plan from a score card.

    *target* (0-100) overrides every criterion's target; by default each criterion's target (after
    modifiers) is used, else the framework's, else 75. *profile* supplies the effort marks.
    """
    if target is not None and not 0.0 <= target <= 100.0:
        raise ValueError(f"target must be within [0, 100], got {target}")
    planning = _Planning(
        card=card,
        framework=framework,
        shares=overall_shares(card),
        efforts=_highest_efforts(profile, framework) if profile is not None else {},
        target=target,
    )
    objectives: list[Objective] = []
    in_place: list[str] = []
    for top in framework.criteria:
        if card.node(top.id).adjusted.applicable:
            objective = planning.objective(top)
            if objective is None:
                in_place.append(top.id)
            else:
                objectives.append(objective)
    objectives.sort(key=lambda o: (o.status == "likely", -o.priority, o.criterion))
    ranked = sorted((a for o in objectives for a in o.actions), key=_rank)
    return DevelopmentPlan(
        framework_id=framework.id,
        city_id=card.city_id,
        city_name=card.city_name,
        assessment_date=card.assessment_date,
        target=target,
        score=card.score,
        objectives=tuple(objectives),
        in_place=tuple(in_place),
        quick_wins=tuple(a.criterion for a in ranked if a.horizon == "quick-win"),
        long_haul=tuple(a.criterion for a in ranked if a.horizon == "long-haul"),
        gather_evidence=tuple(a.criterion for a in ranked if a.horizon == "gather-evidence"),
        excluded=_excluded(card, framework),
        method=METHOD,
    )


def _status(score: float | None, lower: float | None, goal: float) -> PlanStatus:
    """Whether a node is shown in place: its lower bound reaches *goal* ("in-place"), only its
    score does ("likely"), or neither ("not-shown"). Exactly at the target counts as reaching it.
    """
    if lower is not None and lower >= goal - TOLERANCE:
        return "in-place"
    if score is not None and score >= goal - TOLERANCE:
        return "likely"
    return "not-shown"


def _rank(action: PlanAction) -> tuple[int, float, str]:
    return _SECTION_ORDER[action.horizon], -action.priority, action.criterion


def _highest_efforts(profile: CityProfile, framework: Framework) -> dict[str, str]:
    """The highest effort the profile's evidence marks on each criterion of *framework*: when
    assessors disagree, the plan does not promise a quick win that one of them doubts."""
    efforts: dict[str, str] = {}
    for item in profile.evidence_for(framework.id):
        if item.effort is not None:
            known = efforts.get(item.criterion)
            if known is None or _EFFORT_ORDER[item.effort] > _EFFORT_ORDER[known]:
                efforts[item.criterion] = item.effort
    return efforts


def _excluded(card: ScoreCard, framework: Framework) -> tuple[ExcludedCriterion, ...]:
    """The criteria the card's "not_applicable" modifiers left out, in framework order (a
    criterion under one already listed is not listed again)."""
    reasons: dict[str, list[str]] = {}
    origins: dict[str, Literal["framework", "profile"]] = {}
    for modifier in card.modifiers:
        if modifier.effect != "not_applicable":
            continue
        for criterion in modifier.criteria:
            listed = reasons.setdefault(criterion, [])
            if modifier.reason not in listed:
                listed.append(modifier.reason)
            origins.setdefault(criterion, modifier.origin)
    excluded: list[ExcludedCriterion] = []
    for node_id, node in framework.nodes.items():
        if node_id not in reasons or any(a in reasons for a in framework.ancestors(node_id)):
            continue
        excluded.append(
            ExcludedCriterion(
                criterion=node_id,
                title=node.title.en,
                reason="; ".join(reasons[node_id]),
                origin=origins[node_id],
            )
        )
    return tuple(excluded)


@attrs.frozen(kw_only=True)
class _Planning:
    """What one plan is built from: the card, its framework, each node's share of the overall
    score, the highest effort marked per criterion, and the target override (if any)."""

    card: ScoreCard
    framework: Framework
    shares: Mapping[str, float]
    efforts: Mapping[str, str]
    target: float | None

    def goal(self, result_target: float | None) -> float:
        """The target that applies: the plan's override, else the criterion's, else 75."""
        if self.target is not None:
            return self.target
        return result_target if result_target is not None else 75.0

    def objective(self, top: Criterion) -> Objective | None:
        """The objective for the applicable top-level criterion *top* (None when in place)."""
        result = self.card.node(top.id)
        goal = self.goal(result.target)
        score, lower = result.adjusted.score, result.adjusted.lower
        shown = _status(score, lower, goal)
        if shown == "in-place":
            return None
        leaves = [
            leaf
            for leaf in top.walk()
            if leaf.is_leaf and self.card.node(leaf.id).adjusted.applicable
        ]
        actions = [a for a in (self.action(top, leaf) for leaf in leaves) if a is not None]
        actions.sort(key=_rank)
        shown_value = score if score is not None else (lower or 0.0)
        gap = 0.0 if shown == "likely" else goal - shown_value
        weight = self.shares.get(top.id, 0.0)
        return Objective(
            criterion=top.id,
            title=top.title.en,
            status=shown,
            score=score,
            lower=lower,
            upper=result.adjusted.upper,
            target=goal,
            gap=gap,
            weight=weight,
            priority=weight * gap,
            questions=len(leaves),
            unrated=sum(1 for leaf in leaves if self.card.node(leaf.id).value is None),
            actions=tuple(actions),
            examples=top.examples,
        )

    def action(self, top: Criterion, leaf: Criterion) -> PlanAction | None:
        """The action on the applicable rated criterion *leaf* under *top* (None when it is at
        its target): an assessed one is a quick win or long-haul work, ranked by weight x gap;
        an unassessed one is evidence to gather, ranked by weight x the width it leaves open."""
        result = self.card.node(leaf.id)
        goal = self.goal(result.target)
        weight = self.shares.get(leaf.id, 0.0)
        effort = self.efforts.get(leaf.id) if result.value is not None else None
        next_level: str | None = None
        width: float | None = None
        horizon: PlanHorizon
        basis: PlanBasis
        if result.value is None:
            lower = result.adjusted.lower if result.adjusted.lower is not None else 0.0
            upper = result.adjusted.upper if result.adjusted.upper is not None else 100.0
            current, gap, width = None, goal - lower, upper - lower
            priority = weight * width
            horizon, basis, why = "gather-evidence", "unrated", "no evidence yet"
            rank = f"weight {weight:.4f} x open width {width:.1f} = {priority:.3f}"
        else:
            current = result.value * 100.0
            if current >= goal - TOLERANCE:
                return None
            scale = self.framework.scale_of(leaf)
            next_level, one_step = _next_level(scale, result.value, goal)
            horizon, basis, why = _horizon(effort, leaf.horizon, next_level, one_step=one_step)
            gap = goal - current
            priority = weight * gap
            rank = f"weight {weight:.4f} x gap {gap:.1f} = {priority:.3f}"
        return PlanAction(
            criterion=leaf.id,
            objective=top.id,
            title=leaf.title.en,
            assessed=current is not None,
            current=current,
            current_level=result.level,
            next_level=next_level,
            target=goal,
            gap=gap,
            width=width,
            weight=weight,
            priority=priority,
            horizon=horizon,
            horizon_basis=basis,
            horizon_reason=why,
            effort=effort,
            reason=f"priority = {rank}; {_SECTION_WORDS[horizon]}: {why}",
        )


def _horizon(
    effort: str | None, declared: Horizon | None, next_level: str | None, *, one_step: bool
) -> tuple[Literal["quick-win", "long-haul"], PlanBasis, str]:
    """The horizon of an assessed action, what decided it, and why, in English.

    The city's effort mark decides (low: quick win, high: long-haul); "medium" decides nothing.
    Else the framework's declaration for the criterion; else the gap: a quick win when the next
    level up reaches the target.
    """
    if effort in ("low", "high"):
        kind: Literal["quick-win", "long-haul"] = "quick-win" if effort == "low" else "long-haul"
        why = f"the city marks it {effort} effort"
        if declared is not None and declared.kind != kind:
            why += f", which overrides the framework's {_SECTION_WORDS[declared.kind]}"
        return kind, "effort", why
    prefix = "the city marks it medium effort, which decides neither way; " if effort else ""
    if declared is not None:
        why = f"the framework: {declared.reason.en} ({_BASIS_WORDS[declared.basis]})"
        return declared.kind, declared.basis, prefix + why
    if one_step:
        why = (
            f"no horizon declared, so by the gap: the next level ({next_level}) reaches the target"
        )
        return "quick-win", "gap", prefix + why
    short = f"the next level ({next_level}) falls short of" if next_level else "no level reaches"
    return "long-haul", "gap", prefix + f"no horizon declared, so by the gap: {short} the target"


def _next_level(scale: Scale | None, value: float | None, goal: float) -> tuple[str | None, bool]:
    """The next level up from *value* on *scale* (None at the top or off a scale), and whether
    it reaches *goal*."""
    if scale is None:
        return None, False
    base = value if value is not None else -1.0
    above = [level for level in scale.levels if level.value > base + 1e-12]
    if not above:
        return None, False
    return above[0].id, above[0].value * 100.0 >= goal - TOLERANCE
