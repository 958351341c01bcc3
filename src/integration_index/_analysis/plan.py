"""Development plans: objectives below target, priority actions ranked by weight x gap."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Literal

import attrs

from integration_index._analysis._weights import overall_shares
from integration_index._model.criteria import Criterion
from integration_index._model.framework import Framework, Practice
from integration_index._model.profile import CityProfile
from integration_index._model.scale import Scale
from integration_index._model.scorecard import ScoreCard

__all__ = ["DevelopmentPlan", "Objective", "PlanAction", "development_plan"]

_EFFORT_ORDER = {"low": 0, "medium": 1, "high": 2}


@attrs.frozen(kw_only=True)
class PlanAction:
    """A rated criterion not yet at its target: a priority action.

    Attributes:
        criterion: The rated criterion (for example a guiding question).
        objective: The top-level criterion it belongs to.
        title: Its text, in English.
        assessed: False when no evidence rates it yet (its current value is taken as 0).
        current: Its current value on 0-100 (None when not assessed).
        current_level: Its current level, on a scale.
        next_level: The next level up, on a scale.
        target: The target on 0-100.
        gap: target - current (current taken as 0 when not assessed).
        weight: Its share of the overall score.
        priority: weight x gap: the ranking key.
        horizon: "quick-win" (one level from the target, or marked low effort) or "long-haul".
        effort: The lowest effort the evidence gives, if any.
        reason: Why it ranks where it does and why it is a quick win or long-haul work.
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
    weight: float
    priority: float
    horizon: Literal["quick-win", "long-haul"]
    effort: str | None
    reason: str


@attrs.frozen(kw_only=True)
class Objective:
    """A top-level criterion below its target.

    Attributes:
        criterion: Its id.
        title: Its title, in English.
        score: Its adjusted score (None when coverage is too low to give one).
        target: Its target on 0-100.
        gap: target - score (score taken as its lower bound when None).
        weight: Its share of the overall score.
        priority: weight x gap.
        actions: Its priority actions, highest priority first.
        examples: What other cities did, from the framework, as inspiration.
    """

    criterion: str
    title: str
    score: float | None
    target: float
    gap: float
    weight: float
    priority: float
    actions: tuple[PlanAction, ...]
    examples: tuple[Practice, ...]


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
        objectives: Top-level criteria below target, highest priority first.
        quick_wins: Ids of actions one level from target or marked low effort, by priority.
        long_haul: Ids of the other actions, by priority.
        method: How objectives and actions were chosen and ranked.
    """

    framework_id: str
    city_id: str
    city_name: str
    assessment_date: datetime.date
    target: float | None
    score: float | None
    objectives: tuple[Objective, ...]
    quick_wins: tuple[str, ...]
    long_haul: tuple[str, ...]
    method: str


METHOD = (
    "Objectives are the top-level criteria whose adjusted score is below target (or that have too "
    "little evidence to be scored). Priority actions are the rated criteria beneath them whose "
    "combined rating is below target, or that are not yet assessed. Each is ranked by priority = "
    "weight x gap, where weight is its share of the overall score (the product of the normalised "
    "weights on its path) and gap is target minus its current value on 0-100 (0 when not "
    "assessed). An action is a quick win when the next level up reaches the target or when its "
    "evidence marks it low effort; otherwise it is long-haul work."
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
    modifiers) is used, else the framework's, else 75.
    """
    if target is not None and not 0.0 <= target <= 100.0:
        raise ValueError(f"target must be within [0, 100], got {target}")
    planning = _Planning(
        card=card,
        framework=framework,
        shares=overall_shares(card),
        efforts=_lowest_efforts(profile, framework) if profile is not None else {},
        target=target,
    )
    objectives: list[Objective] = []
    for top in framework.criteria:
        objective = planning.objective(top)
        if objective is not None:
            objectives.append(objective)
    objectives.sort(key=lambda objective: (-objective.priority, objective.criterion))
    ranked = sorted(
        (a for o in objectives for a in o.actions), key=lambda a: (-a.priority, a.criterion)
    )
    return DevelopmentPlan(
        framework_id=framework.id,
        city_id=card.city_id,
        city_name=card.city_name,
        assessment_date=card.assessment_date,
        target=target,
        score=card.score,
        objectives=tuple(objectives),
        quick_wins=tuple(a.criterion for a in ranked if a.horizon == "quick-win"),
        long_haul=tuple(a.criterion for a in ranked if a.horizon == "long-haul"),
        method=METHOD,
    )


def _lowest_efforts(profile: CityProfile, framework: Framework) -> dict[str, str]:
    """The lowest effort the profile's evidence marks on each criterion of *framework*."""
    efforts: dict[str, str] = {}
    for item in profile.evidence_for(framework.id):
        if item.effort is not None:
            known = efforts.get(item.criterion)
            if known is None or _EFFORT_ORDER[item.effort] < _EFFORT_ORDER[known]:
                efforts[item.criterion] = item.effort
    return efforts


@attrs.frozen(kw_only=True)
class _Planning:
    """What one plan is built from: the card, its framework, each node's share of the overall
    score, the lowest effort marked per criterion, and the target override (if any)."""

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
        """The objective for the top-level criterion *top* (None when met or not applicable)."""
        result = self.card.node(top.id)
        if not result.adjusted.applicable:
            return None
        goal = self.goal(result.target)
        score = result.adjusted.score
        if score is not None and score >= goal:
            return None
        actions = []
        for leaf in (node for node in top.walk() if node.is_leaf):
            action = self.action(top, leaf)
            if action is not None:
                actions.append(action)
        actions.sort(key=lambda action: (-action.priority, action.criterion))
        lower = result.adjusted.lower if result.adjusted.lower is not None else 0.0
        gap = goal - (score if score is not None else lower)
        weight = self.shares.get(top.id, 0.0)
        return Objective(
            criterion=top.id,
            title=top.title.en,
            score=score,
            target=goal,
            gap=gap,
            weight=weight,
            priority=weight * gap,
            actions=tuple(actions),
            examples=top.examples,
        )

    def action(self, top: Criterion, leaf: Criterion) -> PlanAction | None:
        """The priority action on the rated criterion *leaf* under *top* (None when it is at
        its target or not applicable)."""
        leaf_result = self.card.node(leaf.id)
        if not leaf_result.adjusted.applicable:
            return None
        leaf_goal = self.goal(leaf_result.target)
        current = leaf_result.value * 100.0 if leaf_result.value is not None else None
        if current is not None and current >= leaf_goal:
            return None
        scale = self.framework.scale_of(leaf)
        next_level, one_step = _next_level(scale, leaf_result.value, leaf_goal)
        gap = leaf_goal - (current or 0.0)
        weight = self.shares.get(leaf.id, 0.0)
        effort = self.efforts.get(leaf.id)
        quick = one_step or effort == "low"
        return PlanAction(
            criterion=leaf.id,
            objective=top.id,
            title=leaf.title.en,
            assessed=current is not None,
            current=current,
            current_level=leaf_result.level,
            next_level=next_level,
            target=leaf_goal,
            gap=gap,
            weight=weight,
            priority=weight * gap,
            horizon="quick-win" if quick else "long-haul",
            effort=effort,
            reason=_reason(weight, gap, current, next_level, one_step=one_step, effort=effort),
        )


def _next_level(scale: Scale | None, value: float | None, goal: float) -> tuple[str | None, bool]:
    """The next level up from *value* on *scale* (None at the top or off a scale), and whether
    it reaches *goal*."""
    if scale is None:
        return None, False
    base = value if value is not None else -1.0
    above = [level for level in scale.levels if level.value > base + 1e-12]
    if not above:
        return None, False
    return above[0].id, above[0].value * 100.0 >= goal - 1e-9


def _reason(
    weight: float,
    gap: float,
    current: float | None,
    next_level: str | None,
    *,
    one_step: bool,
    effort: str | None,
) -> str:
    """Why an action ranks where it does and why it is a quick win or long-haul work."""
    why = [f"priority = weight {weight:.4f} x gap {gap:.1f} = {weight * gap:.3f}"]
    if current is None:
        why.append("not yet assessed: gather evidence first")
    if one_step:
        why.append(f"quick win: the next level ({next_level}) reaches the target")
    elif effort == "low":
        why.append("quick win: the evidence marks it low effort")
    else:
        why.append("long-haul: more than one level below the target")
    return "; ".join(why)
