"""From a profile's evidence to each leaf's value in [0, 1]: level values, measured values through
goalposts or a cohort rule, several items combined, and missing values imputed.

The engine (:mod:`.engine`) calls these for the raw pass and the adjusted one; the cohort
statistics (:mod:`.normalisation`) use :func:`measured_values` to read the same values a card
shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs

from integration_index._model.cohort import CohortStats, IndicatorStats, Normalisation
from integration_index._model.profile import CityProfile
from integration_index._model.scale import Goalposts
from integration_index._model.scorecard import NormalisationUsed
from integration_index._scoring.evidence import combine_ratings
from integration_index.exceptions import AnalysisInputError

__all__ = [
    "LeafPlan",
    "check_cohort",
    "clipping_warnings",
    "combine_leaves",
    "combine_measured",
    "impute",
    "leaf_values",
    "needs_cohort",
    "normalisation_used",
]


class LeafPlan(Protocol):
    """What these functions read of the engine's compiled plan."""

    ids: list[str]
    index: dict[str, int]
    level_values: list[Mapping[str, float] | None]
    rule: list[str]
    goalposts: list[Goalposts | None]
    normalisation: list[Normalisation | None]
    missing: list[str]
    is_leaf: list[bool]
    leaves: list[int]


def leaf_values(
    plan: LeafPlan, profile: CityProfile, framework_id: str
) -> tuple[dict[int, list[float]], dict[int, list[Any]]]:
    """Each rated leaf's values: level values on a scale, measured values otherwise."""
    values: dict[int, list[float]] = {}
    dates: dict[int, list[Any]] = {}
    single = (
        len(profile.assessment.frameworks) == 1 and profile.assessment.frameworks[0] == framework_id
    )
    for item in profile.evidence:
        if (item.framework is not None or not single) and profile.framework_of(
            item
        ) != framework_id:
            continue
        i = plan.index[item.criterion]
        level_values = plan.level_values[i]
        value = level_values[item.rating] if level_values is not None else float(item.rating)  # type: ignore[index]
        values.setdefault(i, []).append(value)
        if plan.rule[i] == "latest":
            dates.setdefault(i, []).append(item.date)
    return values, dates


def combine_measured(
    raw: Sequence[float], rule: str, dates: Sequence[Any], lower_is_better: bool
) -> float:
    """A measured leaf's items as one measured value by the evidence rule, "min" meaning the
    worst item and "max" the best (whichever way is better)."""
    if not lower_is_better:
        return combine_ratings(list(raw), rule, dates)
    return -combine_ratings([-x for x in raw], rule, dates)


def _direction_lower(plan: LeafPlan, i: int) -> bool:
    posts, rule = plan.goalposts[i], plan.normalisation[i]
    measured = posts if posts is not None else rule
    return measured is not None and measured.direction == "lower"


def combine_leaves(
    plan: LeafPlan,
    values: Mapping[int, list[float]],
    dates: Mapping[int, list[Any]],
    targets: Mapping[int, float],
    cohort: CohortStats | None,
) -> tuple[dict[int, tuple[float, int, float | None]], dict[int, float]]:
    """Each rated leaf's combined value, evidence count and spread (on 0-100); and each measured
    leaf's measured value (its items combined, in its unit)."""
    combined: dict[int, tuple[float, int, float | None]] = {}
    measured: dict[int, float] = {}
    for i, raw in values.items():
        goalposts, rule = plan.goalposts[i], plan.normalisation[i]
        if goalposts is None and rule is None and len(raw) == 1:  # one rating on a scale
            combined[i] = (raw[0], 1, None)
            continue
        if goalposts is not None:
            normalised = [goalposts.normalise(x, targets.get(i)) for x in raw]
        elif rule is not None:
            stats = _stats(plan, i, cohort)
            normalised = [rule.normalise(x, stats) for x in raw]
        else:
            normalised = raw
        if goalposts is not None or rule is not None:
            measured[i] = combine_measured(
                raw, plan.rule[i], dates.get(i, ()), _direction_lower(plan, i)
            )
        value = combine_ratings(normalised, plan.rule[i], dates.get(i, ()))
        spread = (max(normalised) - min(normalised)) * 100.0 if len(normalised) > 1 else None
        combined[i] = (value, len(normalised), spread)
    return combined, measured


def impute(
    plan: LeafPlan,
    rated: Mapping[int, object],
    targets: Mapping[int, float],
    cohort: CohortStats | None,
) -> dict[int, float]:
    """The value in [0, 1] of each unrated leaf whose missing-value rule is "zero" or "mean"
    (the cohort mean of its measured or level values, normalised as a measured value would be)."""
    imputed: dict[int, float] = {}
    for i in plan.leaves:
        rule = plan.missing[i]
        if rule == "skip" or i in rated:
            continue
        if rule == "zero":
            imputed[i] = 0.0
            continue
        stats = _stats(plan, i, cohort)
        goalposts, normalisation = plan.goalposts[i], plan.normalisation[i]
        if goalposts is not None:
            imputed[i] = goalposts.normalise(stats.mean, targets.get(i))
        elif normalisation is not None:
            imputed[i] = normalisation.normalise(stats.mean, stats)
        else:
            imputed[i] = min(1.0, max(0.0, stats.mean))
    return imputed


def needs_cohort(plan: LeafPlan) -> list[str]:
    """The ids of the leaves that need cohort statistics (a cohort rule, or the "mean" rule)."""
    return [
        plan.ids[i]
        for i in plan.leaves
        if plan.normalisation[i] is not None or plan.missing[i] == "mean"
    ]


def check_cohort(framework_id: str, needed: Sequence[str], cohort: CohortStats | None) -> None:
    """Raise AnalysisInputError unless *cohort* gives statistics for every leaf in *needed*."""
    if cohort is None:
        raise AnalysisInputError(
            f"framework {framework_id!r} scores {', '.join(needed[:5])}"
            f"{', ...' if len(needed) > 5 else ''} against a cohort, and no cohort was given: score "
            "the cohort together (score_many, or the command line's score over the whole cohort), "
            "or give it: score(..., cohort=[profiles] or cohort=CohortStats), --cohort PATH "
            "(repeatable) or --cohort-stats FILE",
        )
    if cohort.framework_id != framework_id:
        raise AnalysisInputError(
            f"the cohort statistics ({cohort.source}) are for framework {cohort.framework_id!r}, "
            f"not {framework_id!r}",
            path=cohort.source if cohort.source != "profiles" else None,
            key_path="framework_id",
        )
    for leaf in needed:
        if leaf not in cohort.indicators:
            raise AnalysisInputError(
                f"the cohort statistics ({cohort.source}) have none for criterion {leaf!r}: no "
                "profile of the cohort measures it",
                key_path=f"indicators.{leaf}",
            )


def clipping_warnings(plan: LeafPlan, values: Mapping[int, list[float]]) -> tuple[str, ...]:
    """A warning for each measured value beyond a fixed goalpost (it scores as the goalpost), by
    criterion id and value: neither the order of the criteria nor that of the items changes
    them."""
    warnings: list[str] = []
    for i in sorted(values, key=plan.ids.__getitem__):
        posts = plan.goalposts[i]
        if posts is None:
            continue
        unit = f" {posts.unit}" if posts.unit else ""
        for x in sorted(values[i]):
            if x < posts.min or x > posts.max:
                side, post = ("below", posts.min) if x < posts.min else ("above", posts.max)
                warnings.append(
                    f"criterion {plan.ids[i]!r}: measured value {x:g}{unit} is {side} the "
                    f"goalpost {post:g}{unit}; it was clipped to the goalpost"
                )
    return tuple(warnings)


def normalisation_used(plan: LeafPlan, cohort: CohortStats | None) -> tuple[NormalisationUsed, ...]:
    """The cohort rule and statistics of each leaf that needs them, for the card."""
    if cohort is None:
        return ()
    used = []
    for leaf_id in needs_cohort(plan):
        i = plan.index[leaf_id]
        rule, posts = plan.normalisation[i], plan.goalposts[i]
        stats = cohort.indicators[leaf_id]
        method = rule.method if rule is not None else "goalposts" if posts is not None else "scale"
        direction = rule.direction if rule else posts.direction if posts else "higher"
        used.append(
            NormalisationUsed(
                criterion=leaf_id,
                method=method,
                direction=direction,
                stats=attrs.evolve(stats, values=()) if stats.values else stats,
                target=rule.target if rule is not None else None,
                winsorise=rule.winsorise if rule is not None else None,
                source=cohort.source,
            )
        )
    return tuple(used)


def _stats(plan: LeafPlan, i: int, cohort: CohortStats | None) -> IndicatorStats:
    leaf = plan.ids[i]
    if cohort is None or leaf not in cohort.indicators:  # score_profile checked this before
        check_cohort(cohort.framework_id if cohort else "", [leaf], cohort)
    assert cohort is not None
    return cohort.indicators[leaf]
