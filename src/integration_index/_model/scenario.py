"""What-if scenarios: ratings changed or added, exclusions lifted, applied to a profile."""

from __future__ import annotations

import attrs

from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile, Evidence
from integration_index._model.validators import value_class
from integration_index.exceptions import Problem

__all__ = ["Scenario", "ScenarioRating", "apply_scenario", "scenario_problems"]


@value_class(kw_only=True)
class ScenarioRating:
    """A rating a scenario sets: it replaces every evidence item of the criterion.

    Attributes:
        criterion: The leaf it rates.
        rating: A level id of the leaf's scale, or a measured value.
        note: Why (shown on the evidence item the scenario adds).
    """

    criterion: str
    rating: str | float
    note: str | None = None


@value_class(kw_only=True)
class Scenario:
    """A what-if scenario for one framework (docs/guides/analysts.md, "What-if").

    Attributes:
        title: What it supposes.
        framework: The framework it is written for (None: the profile's only one).
        ratings: Ratings changed or added, each replacing the criterion's evidence items.
        lift_exclusions: Criteria whose competence exclusion the scenario lifts.
    """

    title: str = "scenario"
    framework: str | None = None
    ratings: tuple[ScenarioRating, ...] = ()
    lift_exclusions: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when the scenario changes nothing."""
        return not self.ratings and not self.lift_exclusions


def scenario_problems(
    scenario: Scenario, profile: CityProfile, framework: Framework
) -> list[Problem]:
    """Every way *scenario* does not fit *framework* and *profile*, with key paths in its file."""
    problems: list[Problem] = []
    for index, item in enumerate(scenario.ratings):
        where = f"ratings[{index}]"
        node = framework.nodes.get(item.criterion)
        if node is None or not node.is_leaf:
            what = "unknown criterion" if node is None else "not a rated leaf:"
            problems.append(Problem(f"{what} {item.criterion!r}", f"{where}.criterion"))
            continue
        levels = framework.rating_levels[node.id]
        if levels is None and not isinstance(item.rating, float):
            problems.append(
                Problem(
                    f"{node.id!r} is measured: expected a number, got {item.rating!r}",
                    f"{where}.rating",
                )
            )
        elif levels is not None and item.rating not in levels:
            problems.append(
                Problem(
                    f"rating {item.rating!r} is not a level of {node.id!r}'s scale; expected one "
                    f"of: {', '.join(levels)}",
                    f"{where}.rating",
                )
            )
    excluded = {
        e.criterion for e in profile.exclusions if profile.framework_of(e) in (None, framework.id)
    }
    for index, criterion in enumerate(scenario.lift_exclusions):
        if criterion not in excluded:
            problems.append(
                Problem(
                    f"the profile declares no exclusion of {criterion!r} to lift",
                    f"lift_exclusions[{index}]",
                )
            )
    return problems


def apply_scenario(profile: CityProfile, framework: Framework, scenario: Scenario) -> CityProfile:
    """*profile* with the scenario's ratings replacing the evidence of their criteria and its
    exclusions lifted. Check :func:`scenario_problems` first."""
    if scenario.empty:
        return profile
    changed = {item.criterion for item in scenario.ratings}
    kept = [
        item
        for item in profile.evidence
        if not (item.criterion in changed and profile.framework_of(item) in (None, framework.id))
    ]
    many = len(profile.assessment.frameworks) > 1
    added = [
        Evidence(
            criterion=item.criterion,
            rating=item.rating,
            source="self-assessment",
            framework=framework.id if many else None,
            note=item.note or f"scenario: {scenario.title}",
        )
        for item in scenario.ratings
    ]
    lifted = set(scenario.lift_exclusions)
    exclusions = tuple(
        e
        for e in profile.exclusions
        if not (e.criterion in lifted and profile.framework_of(e) in (None, framework.id))
    )
    return attrs.evolve(profile, evidence=(*kept, *added), exclusions=exclusions)
