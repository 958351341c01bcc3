"""Weights given at run time: a framework with some nodes' weights replaced, for one run."""

from __future__ import annotations

import math
from collections.abc import Mapping

import attrs

from integration_index._model.criteria import Criterion
from integration_index._model.framework import Framework
from integration_index._model.frozen import FrozenDict
from integration_index._model.scorecard import WeightOverride
from integration_index._model.validators import value_class
from integration_index.exceptions import Problem

__all__ = ["Weights", "override_problems", "with_weights"]


def _frozen(value: Mapping[str, float]) -> FrozenDict[str, float]:
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


def _frozen_lines(value: Mapping[str, int]) -> FrozenDict[str, int]:
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


def override_problems(framework: Framework, weights: Mapping[str, float]) -> list[Problem]:
    """Every problem of a weight override (key paths ``weights.<node id>``): an unknown node, a
    weight that is not a finite number 0 or more, or siblings whose weights would all be 0."""
    problems: list[Problem] = []
    for node_id, weight in weights.items():
        where = f"weights.{node_id}"
        if node_id not in framework.nodes:
            problems.append(
                Problem(f"unknown criterion {node_id!r} in framework {framework.id!r}", where)
            )
        elif isinstance(weight, bool) or not isinstance(weight, int | float):
            problems.append(
                Problem(f"weight of {node_id!r} must be a number, got {weight!r}", where)
            )
        elif not math.isfinite(weight) or weight < 0.0:
            problems.append(
                Problem(
                    f"weight of {node_id!r} must be a finite number, 0 or more, got {weight!r}",
                    where,
                )
            )
    if problems:
        return problems
    groups = [(None, framework.criteria)] + [
        (node.id, node.children) for node in framework.nodes.values() if node.children
    ]
    for parent, siblings in groups:
        used = [weights.get(node.id, node.weight) for node in siblings]
        if all(w == 0.0 for w in used):
            named = [node.id for node in siblings if node.id in weights]
            what = f"the children of {parent!r}" if parent else "the top-level criteria"
            problems.append(
                Problem(
                    f"with these weights every one of {what} weighs 0; at least one must count",
                    f"weights.{named[0]}",
                )
            )
    return problems


def with_weights(
    framework: Framework, weights: Mapping[str, float]
) -> tuple[Framework, tuple[WeightOverride, ...]]:
    """*framework* with the nodes named in *weights* weighing as given, and the overrides that
    change something (in framework order). Check :func:`override_problems` first."""
    if not weights:
        return framework, ()

    def rebuild(node: Criterion) -> Criterion:
        children = tuple(rebuild(child) for child in node.children)
        weight = float(weights.get(node.id, node.weight))
        if weight == node.weight and all(
            a is b for a, b in zip(children, node.children, strict=True)
        ):
            return node
        return attrs.evolve(node, weight=weight, children=children)

    criteria = tuple(rebuild(node) for node in framework.criteria)
    overrides = tuple(
        WeightOverride(criterion=node_id, declared=node.weight, used=float(weights[node_id]))
        for node_id, node in framework.nodes.items()
        if node_id in weights
    )
    if all(a is b for a, b in zip(criteria, framework.criteria, strict=True)):
        return framework, overrides
    return attrs.evolve(framework, criteria=criteria), overrides


@value_class(kw_only=True)
class Weights:
    """Weights that override a framework's for one run, as a weights file gives them.

    Attributes:
        weights: The weight of each node named, by id.
        framework: The framework the file is written for, if it says.
        source: Where they come from (the file), shown on the cards.
        lines: The line of each weight in the file, for error messages.
    """

    weights: Mapping[str, float] = attrs.field(converter=_frozen)
    framework: str | None = None
    source: str = "argument"
    lines: Mapping[str, int] = attrs.field(factory=dict, converter=_frozen_lines, eq=False)
