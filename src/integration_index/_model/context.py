"""Contextual factors, and the modifier rules and competence exclusions that name them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

from integration_index._model.text import Text
from integration_index._model.validators import check_id, value_class
from integration_index.exceptions import FrameworkError

__all__ = [
    "CONDITION_TESTS",
    "CompetenceExclusion",
    "Condition",
    "ContextualFactor",
    "FactorValue",
    "ModifierRule",
]

FactorValue = str | float | bool

#: The tests a condition can make, as TOML spells them; a condition makes exactly one.
CONDITION_TESTS = ("equals", "in", "below", "above", "present")


@value_class(kw_only=True)
class ContextualFactor:
    """A factor outside the city's control that a profile records beside its score.

    Attributes:
        id: The factor's id, the key of its value in a profile's context table.
        title: Its name.
        description: Its implications, as the source explains them.
        kind: "text", "choice", "number" or "boolean": what value a profile gives.
        choices: The allowed values when kind is "choice".
    """

    id: str = attrs.field(validator=check_id)
    title: Text
    description: Text | None = None
    kind: Literal["text", "choice", "number", "boolean"] = "text"
    choices: tuple[str, ...] = ()

    def accepts(self, value: FactorValue) -> bool:
        """Whether *value* is a valid value of this factor."""
        if self.kind == "text":
            return isinstance(value, str)
        if self.kind == "choice":
            return isinstance(value, str) and value in self.choices
        if self.kind == "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        return isinstance(value, bool)

    def expected(self) -> str:
        """Describe the values this factor accepts, for error messages."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(choice) for choice in self.choices)
        return {"text": "a string", "number": "a number", "boolean": "true or false"}[self.kind]


@value_class(kw_only=True)
class Condition:
    """When a modifier rule applies: one test on one contextual factor's value.

    Exactly one of ``equals``, ``in_``, ``below``, ``above`` and ``present`` is set: a condition
    that combined several would leave unsaid whether they all must hold or any one.

    Attributes:
        factor: The contextual factor tested.
        equals: Applies when the value equals this.
        in_: Applies when the value is one of these (``in`` in TOML).
        below: Applies when the (numeric) value is below this.
        above: Applies when the (numeric) value is above this.
        present: Applies when the profile gives the factor a value (true) or gives none (false).

    Raises:
        FrameworkError: when no test or several tests are set.
    """

    factor: str
    equals: FactorValue | None = None
    in_: tuple[str, ...] = ()
    below: float | None = None
    above: float | None = None
    present: bool | None = None

    def __attrs_post_init__(self) -> None:
        tests = self.tests()
        if len(tests) != 1:
            got = "none" if not tests else f"{len(tests)}: " + ", ".join(tests)
            raise FrameworkError(
                "a condition makes exactly one test, one of "
                f"{', '.join(CONDITION_TESTS)}; got {got}"
            )

    def tests(self) -> tuple[str, ...]:
        """The tests this condition sets, as TOML spells them."""
        values = (self.equals, self.in_ or None, self.below, self.above, self.present)
        return tuple(
            name for name, value in zip(CONDITION_TESTS, values, strict=True) if value is not None
        )

    def holds(self, context: Mapping[str, FactorValue]) -> bool:
        """Whether the condition holds for a profile's context values."""
        if self.factor not in context:
            return self.present is False
        value = context[self.factor]
        if self.present is not None:
            return self.present
        if self.equals is not None:
            # A boolean never equals a number (in Python, True == 1.0).
            if isinstance(value, bool) != isinstance(self.equals, bool):
                return False
            return bool(value == self.equals)
        if self.in_:
            return value in self.in_
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.below is not None:
            return value < self.below
        return self.above is not None and value > self.above


@value_class(kw_only=True)
class ModifierRule:
    """A rule that turns contextual factor values into effects on named criteria.

    Modifiers never change a rating: they change which criteria count, their weights, or targets.

    Attributes:
        id: The rule's id.
        effect: "not_applicable" (left out, sibling weights renormalised), "scale_weight"
            (weight multiplied by ``factor``) or "adjust_target" (target set to ``target``).
        criteria: The criteria it affects; "*" stands for every top-level criterion.
        reason: Why, shown on the score card.
        when: The condition; None means the rule always applies.
        factor: The weight multiplier, for "scale_weight".
        target: The new target, for "adjust_target" (0-100, or a measured value for a
            quantitative leaf).
    """

    id: str = attrs.field(validator=check_id)
    effect: Literal["not_applicable", "scale_weight", "adjust_target"]
    criteria: tuple[str, ...]
    reason: Text
    when: Condition | None = None
    factor: float | None = None
    target: float | None = None


@value_class(kw_only=True)
class CompetenceExclusion:
    """Criteria that a profile may declare outside the city's competence.

    Attributes:
        criteria: The criteria concerned.
        reason: Why they may fall outside the city's competence.
        factor: The contextual factor that explains it.
    """

    criteria: tuple[str, ...]
    reason: Text
    factor: str | None = None
