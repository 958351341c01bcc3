"""Rating scales (ordered levels) and goalposts (the normalisation of measured values)."""

from __future__ import annotations

import functools
import itertools
import types
from collections.abc import Mapping
from typing import Literal

import attrs

from integration_index._model.text import Source, Text
from integration_index._model.validators import check_id, check_unit_interval, to_float, value_class
from integration_index.exceptions import FrameworkError, Problem

__all__ = ["Goalposts", "Level", "Scale", "scale_problems"]


@value_class(kw_only=True)
class Level:
    """One level of a rating scale.

    Attributes:
        id: The level's id, used as a rating in profiles (for example "largely").
        value: Its value in [0, 1]; a scale's first level is 0 and its last is 1.
        label: Its name.
        description: What the level means, if the framework says.
    """

    id: str = attrs.field(validator=check_id)
    value: float = attrs.field(converter=to_float, validator=check_unit_interval)
    label: Text
    description: Text | None = None


@value_class(kw_only=True)
class Scale:
    """An ordered rating scale, lowest level first.

    Attributes:
        id: The scale's id; frameworks refer to it from their settings and criteria.
        title: Its name.
        levels: The levels, lowest first; values strictly increase from 0 to 1.
        description: What the scale is for and why it was chosen.
        version: The version of a shared scale definition, if it has one.
        source: Where a shared scale comes from.

    Raises:
        FrameworkError: listing every problem of the levels at once.
    """

    id: str = attrs.field(validator=check_id)
    title: Text
    levels: tuple[Level, ...]
    description: Text | None = None
    version: str | None = None
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        problems = scale_problems(self)
        if problems:
            raise FrameworkError(problems[0].message, problems=problems)

    @functools.cached_property
    def values(self) -> Mapping[str, float]:
        """Level id to value (a read-only view)."""
        return types.MappingProxyType({level.id: level.value for level in self.levels})

    def level(self, level_id: str) -> Level:
        """Return the level with this id; raise KeyError if there is none."""
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def nearest(self, value: float) -> Level:
        """Return the level whose value is nearest *value* (the lower one on a tie)."""
        return min(self.levels, key=lambda level: (abs(level.value - value), level.value))

    def rank(self, level_id: str) -> int:
        """Return the position of a level, 0 for the lowest."""
        return [level.id for level in self.levels].index(level_id)


def scale_problems(scale: Scale) -> list[Problem]:
    """Every problem of a scale's levels, with key paths relative to the scale (``levels[2].id``)."""
    name = f"scale {scale.id!r}"
    levels = scale.levels
    if len(levels) < 2:
        return [Problem(f"{name} needs at least 2 levels, got {len(levels)}", "levels")]
    problems: list[Problem] = []
    last = len(levels) - 1
    if levels[0].value != 0.0:
        problems.append(
            Problem(
                f"{name}: the first level must be 0.0, got {levels[0].value}", "levels[0].value"
            )
        )
    if levels[last].value != 1.0:
        problems.append(
            Problem(
                f"{name}: the last level must be 1.0, got {levels[last].value}",
                f"levels[{last}].value",
            )
        )
    for index, (below, level) in enumerate(itertools.pairwise(levels), start=1):
        if level.value <= below.value:
            problems.append(
                Problem(
                    f"{name}: level values must strictly increase; {level.id!r} ({level.value}) "
                    f"is not above {below.id!r} ({below.value})",
                    f"levels[{index}].value",
                )
            )
    first_index: dict[str, int] = {}
    for index, level in enumerate(levels):
        if level.id in first_index:
            problems.append(
                Problem(
                    f"{name}: level id {level.id!r} is used twice "
                    f"(levels {first_index[level.id] + 1} and {index + 1})",
                    f"levels[{index}].id",
                )
            )
        else:
            first_index[level.id] = index
    return problems


@value_class(kw_only=True)
class Goalposts:
    """Normalisation of a measured value to [0, 1] for a quantitative criterion.

    Attributes:
        min: The value scoring 0 when higher is better (100 when lower is better).
        max: The value scoring 100 when higher is better (0 when lower is better).
        direction: "higher" or "lower": which way is better.
        target: Optional: a value at or beyond which the score is 100; it replaces the better
            goalpost.
        unit: The unit of measurement, for display.
    """

    min: float = attrs.field(converter=to_float)
    max: float = attrs.field(converter=to_float)
    direction: Literal["higher", "lower"] = "higher"
    target: float | None = None
    unit: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.min < self.max:
            raise ValueError(f"goalposts: min ({self.min}) must be below max ({self.max})")
        if self.direction not in ("higher", "lower"):
            raise ValueError(
                f"goalposts: direction must be 'higher' or 'lower', got {self.direction!r}"
            )
        if self.target is not None and not self.min <= self.target <= self.max:
            raise ValueError("goalposts: target must lie between min and max")

    def normalise(self, measured: float, target: float | None = None) -> float:
        """Map a measured value to [0, 1]; *target* overrides the declared target."""
        target = self.target if target is None else target
        low, high = self.min, self.max
        if self.direction == "higher":
            if target is not None:
                high = target
            if high <= low:
                return 1.0 if measured >= high else 0.0
            share = (measured - low) / (high - low)
        else:
            if target is not None:
                low = target
            if high <= low:
                return 1.0 if measured <= low else 0.0
            share = (high - measured) / (high - low)
        return min(1.0, max(0.0, share))
