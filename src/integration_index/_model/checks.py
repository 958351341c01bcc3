"""Checks of a profile against the frameworks it names: every problem, with its key path."""

from __future__ import annotations

from collections.abc import Mapping

from integration_index._model.criteria import Criterion
from integration_index._model.framework import Framework
from integration_index._model.frozen import items_of
from integration_index._model.profile import CityProfile, ContextValue, Evidence, Exclusion
from integration_index.exceptions import Problem

__all__ = ["check_profile"]


def _choices(ids: list[str], limit: int = 8) -> str:
    shown = ", ".join(repr(i) for i in ids[:limit])
    return shown + (f", ... ({len(ids)} in all)" if len(ids) > limit else "")


def check_profile(
    profile: CityProfile,
    frameworks: Mapping[str, Framework],
) -> list[Problem]:
    """Every way *profile* does not fit the frameworks it names (an empty list when it fits).

    *frameworks* holds the frameworks available by id;
    """
    problems: list[Problem] = []
    named = profile.assessment.frameworks
    resolved = _resolve_named(named, frameworks, problems)
    _check_evidence(profile.evidence, named, resolved, problems)
    _check_context(profile.context, named, resolved, problems)
    _check_exclusions(profile.exclusions, named, resolved, problems)
    return problems


def _not_named(framework_id: str, named: tuple[str, ...], key_path: str) -> Problem:
    """The problem of an item at *key_path* naming a framework the assessment does not name."""
    return Problem(
        f"framework {framework_id!r} is not named in assessment.frameworks "
        f"({_choices(list(named))})",
        key_path,
    )


def _resolve_named(
    named: tuple[str, ...],
    frameworks: Mapping[str, Framework],
    problems: list[Problem],
) -> dict[str, Framework]:
    """The frameworks *named* by id, found in *frameworks*.

    Appends a problem for each framework listed twice or not found.
    """
    resolved: dict[str, Framework] = {}
    for index, framework_id in enumerate(named):
        if framework_id in named[:index]:
            problems.append(
                Problem(
                    f"framework {framework_id!r} is listed twice", f"assessment.frameworks[{index}]"
                )
            )
            continue
        framework = frameworks.get(framework_id)
        if framework is None:
            known = sorted(frameworks)
            problems.append(
                Problem(
                    f"unknown framework {framework_id!r}; expected one of: {_choices(known)}",
                    f"assessment.frameworks[{index}]",
                )
            )
        else:
            resolved[framework_id] = framework
    return resolved


def _framework_for(
    item_framework: str | None,
    key_path: str,
    named: tuple[str, ...],
    resolved: Mapping[str, Framework],
    problems: list[Problem],
) -> Framework | None:
    """The framework an evidence item or exclusion at *key_path* belongs to, if it is known.

    Appends a problem when the item names no framework among several, or one not named.
    """
    if item_framework is None:
        if len(named) != 1:
            problems.append(
                Problem(
                    "missing key 'framework': the assessment names several frameworks, "
                    f"expected one of: {_choices(list(named))}",
                    key_path,
                )
            )
        return resolved.get(named[0]) if len(named) == 1 else None
    if item_framework not in named:
        problems.append(_not_named(item_framework, named, f"{key_path}.framework"))
        return None
    return resolved.get(item_framework)


def _check_evidence(
    evidence: tuple[Evidence, ...],
    named: tuple[str, ...],
    resolved: Mapping[str, Framework],
    problems: list[Problem],
) -> None:
    """Append the problems of each evidence item's framework, criterion and rating."""
    single = resolved.get(named[0]) if len(named) == 1 else None
    single_id = single.id if single is not None else None
    # A read-only view: its subscript looks up at dict speed, its get() as a method call.
    rating_levels = single.rating_levels if single is not None else None
    for index, item in enumerate(evidence):
        framework = item.framework
        if rating_levels is not None and (framework is None or framework == single_id):
            # The common case, checked without building anything.
            try:
                levels = rating_levels[item.criterion]
            except KeyError:
                pass  # an unknown criterion: said below
            else:
                if levels is None:
                    if isinstance(item.rating, float):
                        continue
                elif item.rating in levels:
                    continue
        where = f"evidence[{index}]"
        found = _framework_for(framework, where, named, resolved, problems)
        if found is None:
            continue
        problem = _evidence_problem(item, found, where)
        if problem is not None:
            problems.append(problem)


def _evidence_problem(item: Evidence, framework: Framework, where: str) -> Problem | None:
    """What is wrong with one evidence item's criterion or rating in *framework*, if anything."""
    node = framework.nodes.get(item.criterion)
    if node is None:
        return Problem(
            f"unknown criterion {item.criterion!r} in framework {framework.id!r}; "
            f"expected a rated criterion such as {_choices([leaf.id for leaf in framework.leaves], 5)}",
            f"{where}.criterion",
        )
    if not node.is_leaf:
        return Problem(
            f"criterion {item.criterion!r} is scored from its children and cannot be rated "
            f"directly; expected one of its rated criteria: "
            f"{_choices([n.id for n in node.walk() if n.is_leaf], 5)}",
            f"{where}.criterion",
        )
    return _rating_problem(item.rating, node, framework, where)


def _rating_problem(
    rating: str | float, node: Criterion, framework: Framework, where: str
) -> Problem | None:
    """What is wrong with the rating of the leaf *node*, if anything."""
    measured = node.goalposts or node.normalisation
    if measured is not None:
        if isinstance(rating, float):
            return None
        unit = f" in {measured.unit}" if measured.unit else ""
        return Problem(
            f"criterion {node.id!r} is measured: expected a number{unit}, got {rating!r}",
            f"{where}.rating",
        )
    scale = framework.scale_of(node)
    assert scale is not None
    if not isinstance(rating, str) or rating not in scale.values:
        return Problem(
            f"rating {rating!r} is not a level of scale {scale.id!r}; expected one of: "
            f"{_choices([level.id for level in scale.levels], 12)}",
            f"{where}.rating",
        )
    return None


def _check_context(
    context: Mapping[str, Mapping[str, ContextValue]],
    named: tuple[str, ...],
    resolved: Mapping[str, Framework],
    problems: list[Problem],
) -> None:
    """Append the problems of each framework's contextual values."""
    for framework_id, values in items_of(context):
        if framework_id not in named:
            problems.append(_not_named(framework_id, named, f"context.{framework_id}"))
            continue
        framework = resolved.get(framework_id)
        if framework is None:
            continue
        factors = framework.factors_by_id
        for factor_id, value in items_of(values):
            factor = factors.get(factor_id)
            if factor is None:
                problems.append(
                    Problem(
                        f"unknown contextual factor {factor_id!r}; expected one of: "
                        f"{_choices(list(factors), 12)}",
                        f"context.{framework_id}.{factor_id}",
                    )
                )
            elif not factor.accepts(value):
                problems.append(
                    Problem(
                        f"expected {factor.expected()}, got {value!r}",
                        f"context.{framework_id}.{factor_id}",
                    )
                )


def _check_exclusions(
    exclusions: tuple[Exclusion, ...],
    named: tuple[str, ...],
    resolved: Mapping[str, Framework],
    problems: list[Problem],
) -> None:
    """Append the problems of each exclusion's framework, criterion and factor."""
    for index, exclusion in enumerate(exclusions):
        where = f"exclusions[{index}]"
        framework = _framework_for(exclusion.framework, where, named, resolved, problems)
        if framework is None:
            continue
        allowed = [c for rule in framework.competence_exclusions for c in rule.criteria]
        if exclusion.criterion not in allowed:
            problems.append(
                Problem(
                    f"criterion {exclusion.criterion!r} cannot be declared outside the city's "
                    f"competence in {framework.id!r}; expected one of: {_choices(allowed) or 'none'}",
                    f"{where}.criterion",
                )
            )
        if exclusion.factor is not None and exclusion.factor not in framework.factors_by_id:
            problems.append(
                Problem(
                    f"unknown contextual factor {exclusion.factor!r}; expected one of: "
                    f"{_choices(list(framework.factors_by_id), 12)}",
                    f"{where}.factor",
                )
            )
