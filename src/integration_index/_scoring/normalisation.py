"""Cohort statistics from profiles: one pass that keeps, per indicator, only its float values.

A batch over a framework with cohort rules reads its inputs once to build a
:class:`CohortAccumulator` (memory: one float per profile and indicator, never a profile), turns
it into :class:`CohortStats`, then reads them again to score.
"""

from __future__ import annotations

from collections.abc import Iterable

from integration_index._model.cohort import CohortStats, IndicatorStats
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._scoring.evidence import combine_ratings
from integration_index._scoring.leaves import combine_measured, leaf_values
from integration_index._scoring.plan import Plan

__all__ = ["CohortAccumulator", "cohort_stats"]


class CohortAccumulator:
    """Collects, profile by profile, the values of the indicators that need cohort statistics.

    Each profile contributes one value per indicator it measures: its items combined by the
    evidence rule ("min" meaning the worst), before any normalisation; for a leaf rated on a
    scale (imputed with the cohort mean), its combined level value.
    """

    def __init__(self, framework: Framework, plan: Plan | None = None) -> None:
        self.framework = framework
        self.plan = plan if plan is not None and plan.framework is framework else Plan(framework)
        self.wanted = [self.plan.index[leaf] for leaf in self.plan.needs_cohort]
        self.values: dict[int, list[float]] = {i: [] for i in self.wanted}
        self.size = 0

    def add(self, profile: CityProfile) -> None:
        """Add one profile's values (a profile that does not assess the framework adds none)."""
        if self.framework.id not in profile.assessment.frameworks:
            return
        self.size += 1
        plan = self.plan
        values, dates = leaf_values(plan, profile, self.framework.id)
        for i in self.wanted:
            raw = values.get(i)
            if not raw:
                continue
            measured = plan.goalposts[i] or plan.normalisation[i]
            if measured is None:
                value = combine_ratings(raw, plan.rule[i], dates.get(i, ()))
            else:
                lower = measured.direction == "lower"
                value = combine_measured(raw, plan.rule[i], dates.get(i, ()), lower)
            self.values[i].append(value)

    def stats(self, source: str = "profiles") -> CohortStats:
        """The cohort's statistics, for the indicators at least one profile measures."""
        plan = self.plan
        indicators = {
            plan.ids[i]: IndicatorStats.from_values(values, plan.normalisation[i])
            for i, values in self.values.items()
            if values
        }
        return CohortStats(
            framework_id=self.framework.id, indicators=indicators, size=self.size, source=source
        )


def cohort_stats(
    profiles: Iterable[CityProfile], framework: Framework, *, source: str = "profiles"
) -> CohortStats:
    """The statistics of a cohort of profiles for the indicators of *framework* that need them."""
    accumulator = CohortAccumulator(framework)
    for profile in profiles:
        accumulator.add(profile)
    return accumulator.stats(source)
