"""Contextual modifiers: turn a profile's context and exclusions into effects on criteria.

Modifiers never change a rating. They decide which criteria count (not applicable), how much they
weigh (weight scaled) and what they aim at (target adjusted). Every effect that takes hold is
recorded, with its reason, on the score card.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile, ContextValue
from integration_index._model.scorecard import AppliedModifier

__all__ = ["Effects", "resolve_effects"]


@attrs.frozen
class Effects:
    """The combined effect of every modifier that applies to one profile and framework.

    Attributes:
        not_applicable: Criteria left out (their siblings' weights are renormalised).
        weight_factors: Weight multipliers by criterion id (products of every rule's factor).
        targets: Adjusted targets by criterion id (the last applicable rule wins).
        applied: The modifiers that took effect, in framework order then profile order.
    """

    not_applicable: frozenset[str] = frozenset()
    weight_factors: Mapping[str, float] = attrs.field(factory=dict)
    targets: Mapping[str, float] = attrs.field(factory=dict)
    applied: tuple[AppliedModifier, ...] = ()

    @property
    def empty(self) -> bool:
        """True when no modifier applies: the adjusted scores are the raw ones."""
        return not self.applied


_NONE = Effects()


def resolve_effects(profile: CityProfile, framework: Framework) -> Effects:
    """Evaluate the framework's rules and the profile's exclusions for one framework."""
    if not framework.modifiers and not profile.exclusions:
        return _NONE  # most profiles: nothing to evaluate
    context: Mapping[str, ContextValue] = profile.context.get(framework.id, {})
    not_applicable: set[str] = set()
    weight_factors: dict[str, float] = {}
    targets: dict[str, float] = {}
    applied: list[AppliedModifier] = []
    top_level = tuple(node.id for node in framework.criteria)
    for rule in framework.modifiers:
        if rule.when is not None and not rule.when.holds(context):
            continue
        criteria = top_level if "*" in rule.criteria else rule.criteria
        if rule.effect == "not_applicable":
            not_applicable.update(criteria)
        elif rule.effect == "scale_weight":
            assert rule.factor is not None  # checked when the framework was built
            for criterion_id in criteria:
                weight_factors[criterion_id] = weight_factors.get(criterion_id, 1.0) * rule.factor
        else:
            assert rule.target is not None
            for criterion_id in criteria:
                targets[criterion_id] = rule.target
        factor = rule.when.factor if rule.when is not None else None
        applied.append(
            AppliedModifier(
                id=rule.id,
                effect=rule.effect,
                criteria=criteria,
                reason=rule.reason.en,
                origin="framework",
                factor=factor,
                factor_value=context.get(factor) if factor is not None else None,
                weight_factor=rule.factor if rule.effect == "scale_weight" else None,
                target=rule.target if rule.effect == "adjust_target" else None,
            )
        )
    for exclusion in profile.exclusions:
        if profile.framework_of(exclusion) != framework.id:
            continue
        not_applicable.add(exclusion.criterion)
        applied.append(
            AppliedModifier(
                id="exclusion",
                effect="not_applicable",
                criteria=(exclusion.criterion,),
                reason=exclusion.reason,
                origin="profile",
                factor=exclusion.factor,
                factor_value=context.get(exclusion.factor) if exclusion.factor else None,
            )
        )
    return Effects(
        not_applicable=frozenset(not_applicable),
        weight_factors=weight_factors,
        targets=targets,
        applied=tuple(applied),
    )
