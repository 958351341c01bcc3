"""What a run may add to scoring: run-time weights and a cohort (statistics, or profiles to take
them from). Shared by ``score``, ``score_many`` and ``what_if``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence

from integration_index._batch import Overrides
from integration_index._io.documents import load_profile_file
from integration_index._io.inputs import expand_inputs
from integration_index._model.cohort import CohortStats
from integration_index._model.criteria import Criterion
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.weights import Weights, override_problems, with_weights
from integration_index._scoring.normalisation import CohortAccumulator
from integration_index.exceptions import AnalysisInputError, IntegrationIndexError, Problem

__all__ = [
    "CohortInput",
    "WeightsInput",
    "accumulate",
    "apply_weights",
    "enough",
    "needs_cohort",
    "resolve_cohort",
]

#: Weights for one run: a Weights (from a file), or a mapping of node id to weight.
WeightsInput = Weights | Mapping[str, float] | None
#: A cohort: its statistics, statistics per framework id, or profiles (objects, files,
#: directories or globs) to take them from.
CohortInput = (
    CohortStats | Mapping[str, CohortStats] | Iterable[CityProfile | str | os.PathLike[str]] | None
)


def apply_weights(
    framework: Framework, weights: WeightsInput
) -> tuple[Framework, Overrides | None]:
    """*framework* with the run's weights, and the overrides to record (None without weights).

    Raises:
        AnalysisInputError: an unknown node id, a negative or non-finite weight, siblings that
            would all weigh 0, or a file written for another framework; with the file, line and
            key of each problem.
    """
    if weights is None:
        return framework, None
    given = weights if isinstance(weights, Weights) else Weights(weights=dict(weights))
    source = given.source
    path = source if isinstance(weights, Weights) and source != "argument" else None
    if given.framework is not None and given.framework != framework.id:
        raise AnalysisInputError(
            f"these weights are for framework {given.framework!r}, not {framework.id!r}",
            path=path,
            key_path="framework",
        )
    problems = override_problems(framework, given.weights)
    if problems:
        located = [
            Problem(p.message, p.key_path, given.lines.get(p.key_path.split(".", 1)[1]))
            for p in problems
        ]
        raise AnalysisInputError(located[0].message, path=path, problems=located)
    changed, overrides = with_weights(framework, given.weights)
    return changed, (overrides, source)


def needs_cohort(framework: Framework) -> bool:
    """True when some criterion of *framework* needs cohort statistics."""

    # A walk of the tree, not a compiled plan: a single score() asks this of every framework.
    def needs(nodes: Sequence[Criterion], inherited: str) -> bool:
        for node in nodes:
            missing = node.missing or inherited
            if node.is_leaf:
                if node.normalisation is not None or missing == "mean":
                    return True
            elif needs(node.children, missing):
                return True
        return False

    return needs(framework.criteria, "skip")


def _profiles(items: Iterable[CityProfile | str | os.PathLike[str]]) -> Iterator[CityProfile]:
    """The profiles of the inputs that can be read (the others are the scoring pass's errors)."""
    for item in items:
        if isinstance(item, CityProfile):
            yield item
            continue
        try:
            for path in expand_inputs([item]):
                try:
                    yield load_profile_file(path)[0]
                except IntegrationIndexError:
                    continue
        except IntegrationIndexError:
            continue


def accumulate(
    items: Iterable[CityProfile | str | os.PathLike[str]],
    frameworks: Sequence[Framework],
    source: str = "profiles",
) -> dict[str, CohortStats]:
    """One pass over *items*: the cohort statistics of each framework (only per-indicator float
    values are kept between profiles, never a profile)."""
    accumulators = [CohortAccumulator(framework) for framework in frameworks]
    for profile in _profiles(items):
        for accumulator in accumulators:
            accumulator.add(profile)
    return {a.framework.id: a.stats(source) for a in accumulators}


def resolve_cohort(cohort: CohortInput, frameworks: Sequence[Framework]) -> dict[str, CohortStats]:
    """The statistics, per framework id, of the *frameworks* that need a cohort."""
    needing = [f for f in frameworks if needs_cohort(f)]
    if cohort is None or not needing:
        return {}
    if isinstance(cohort, CohortStats):  # for the one framework (its id is checked), or its own
        return {needing[0].id if len(needing) == 1 else cohort.framework_id: cohort}
    if isinstance(cohort, Mapping):
        return dict(cohort)
    if isinstance(cohort, str | os.PathLike | CityProfile):
        cohort = [cohort]
    return enough(accumulate(cohort, needing))


#: The fewest profiles a cohort computed from profiles may hold.
MIN_COHORT = 2


def enough(cohorts: dict[str, CohortStats]) -> dict[str, CohortStats]:
    """*cohorts*, each computed from at least ``MIN_COHORT`` profiles.

    Raises:
        AnalysisInputError: one holds fewer, saying how to give the cohort.
    """
    for framework_id, stats in cohorts.items():
        if stats.size < MIN_COHORT:
            raise AnalysisInputError(
                f"framework {framework_id!r} normalises criteria against a cohort, and the cohort "
                f"holds {stats.size} profile(s) of it (at least {MIN_COHORT} needed): score the "
                "whole cohort together, or give it with --cohort PATH (repeatable) or "
                "--cohort-stats FILE (in Python: cohort=[profiles or paths] or "
                "cohort=load_cohort_stats(FILE))"
            )
    return cohorts
