"""The public functions of cross-city analysis: cohort statistics, weights and scenario files,
what-if."""

from __future__ import annotations

import os
from collections.abc import Iterable

from integration_index._analysis.whatif import WhatIf, what_if_result
from integration_index._api.core import only_framework, score, score_many, scoring_context
from integration_index._api.runs import CohortInput, WeightsInput, accumulate, resolve_cohort
from integration_index._io import analysis_files
from integration_index._io.toml import with_lines
from integration_index._model.cohort import CohortStats
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scenario import Scenario, apply_scenario, scenario_problems
from integration_index._model.scorecard import ScoreCard
from integration_index._model.weights import Weights
from integration_index._plugins.registry import Registry
from integration_index.exceptions import AnalysisInputError

__all__ = [
    "cohort_stats",
    "dumps_cohort_stats",
    "load_cohort_stats",
    "load_scenario",
    "load_weights",
    "what_if",
]


def cohort_stats(
    cohort: Iterable[CityProfile | str | os.PathLike[str]],
    framework: Framework | str,
    *,
    registry: Registry | None = None,
) -> CohortStats:
    """The statistics of a cohort for the criteria of *framework* that need them (cohort
    normalisation, or missing values imputed with the cohort mean), in one pass that keeps only
    each indicator's float values.

    Args:
        cohort: Profiles, or paths of profile files, directories or globs (unreadable files are
            left out: scoring them reports why).
        framework: The framework (object or registered id).
        registry: Where a framework id is looked up.
    """
    resolved = (
        framework
        if isinstance(framework, Framework)
        else scoring_context([framework], registry=registry).framework(framework)
    )
    if isinstance(cohort, str | os.PathLike | CityProfile):
        cohort = [cohort]
    return accumulate(cohort, [resolved])[resolved.id]


def load_cohort_stats(path: str | os.PathLike[str]) -> CohortStats:
    """Read cohort statistics saved by
    [`dumps_cohort_stats`][integration_index.dumps_cohort_stats] (TOML or JSON).

    Raises:
        AnalysisInputError: with the file, line and key path of every problem.
    """
    return analysis_files.load_cohort_stats_file(path)


def dumps_cohort_stats(stats: CohortStats, *, format: str = "toml") -> str:
    """Cohort statistics as TOML (or ``format="json"``) text; loading it gives them back."""
    return analysis_files.dumps_cohort_stats(stats, format=format)


def load_weights(path: str | os.PathLike[str]) -> Weights:
    """Read a weights file (docs/guides/analysts.md) for ``score(..., weights=...)``.

    Raises:
        AnalysisInputError: with the file, line and key path of every problem.
    """
    return analysis_files.load_weights_file(path)


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read a what-if scenario file (docs/guides/analysts.md).

    Raises:
        AnalysisInputError: with the file, line and key path of every problem.
    """
    return analysis_files.load_scenario_file(path)[0]


def what_if(
    profile: CityProfile,
    scenario: Scenario | str | os.PathLike[str],
    framework: Framework | str | None = None,
    *,
    cohort: CohortInput = None,
    weights: WeightsInput = None,
    registry: Registry | None = None,
) -> WhatIf:
    """Apply a scenario to a profile: the card before and after, the change at every node, and,
    given a cohort of profiles, the change of the city's rank among them.

    The cohort's statistics (for cohort normalisation) are those of the cohort as given, held
    fixed: the scenario moves this city against the same yardstick, and the other cities' cards
    do not change. The rank is the one [`rank_cities`][integration_index.rank_cities] gives:
    each city counts once, by its latest assessment in the cohort, and this city by its card
    before or after the scenario (whatever assessments of it the cohort holds); equal scores
    to 2 decimals share a rank (1, 2, 2, 4). Given statistics alone, there is no rank.

    Raises:
        AnalysisInputError: the scenario does not fit the framework or the profile (with the
            file, line and key path of each problem), or a cohort is needed and not given.
        ProfileError: the cohort holds two different assessments of one city on one date
            (which one to rank would depend on their order), naming both files.
    """
    text = path = None
    if not isinstance(scenario, Scenario):
        path = os.fspath(scenario)
        scenario, text = analysis_files.load_scenario_file(path)
    chosen = framework or scenario.framework or only_framework(profile)
    context = scoring_context([chosen], registry=registry)
    resolved = chosen if isinstance(chosen, Framework) else context.framework(chosen)
    problems = scenario_problems(scenario, profile, resolved)
    if problems:
        located = with_lines(problems, text)
        raise AnalysisInputError(located[0].message, path=path, problems=located)
    profiles = _cohort_profiles(cohort)
    stats = resolve_cohort(profiles if profiles is not None else cohort, [resolved])
    given = stats.get(resolved.id)
    before = score(profile, resolved, cohort=given, weights=weights, registry=registry)
    changed = apply_scenario(profile, resolved, scenario)
    after = score(changed, resolved, cohort=given, weights=weights, registry=registry)
    entries: list[tuple[CityProfile, ScoreCard]] = []
    sources: list[str | None] = []
    if profiles is not None:
        for result in score_many(
            profiles,
            [resolved],
            cohort=stats,
            weights=weights,
            skip_unassessed=True,
            keep_profiles=True,
            registry=registry,
        ):
            if result.profile is not None:
                entries += [(result.profile, card) for card in result.cards]
                sources += [result.source] * len(result.cards)
    return what_if_result(scenario, before, after, entries, sources=sources)


def _cohort_profiles(cohort: CohortInput) -> list[CityProfile | str | os.PathLike[str]] | None:
    """The cohort as a list of profiles or paths, when it is given as such (not statistics)."""
    if cohort is None or isinstance(cohort, CohortStats) or hasattr(cohort, "keys"):
        return None
    if isinstance(cohort, str | os.PathLike | CityProfile):
        return [cohort]
    return list(cohort)
