"""The public functions of the cross-city analysis: the vectorised scores of many cities, the
uncertainty and sensitivity of their ranks, and data frames for notebooks.

numpy (the ``analysis`` extra) and pandas (the ``notebook`` extra) are imported inside the
functions, so that importing the package needs neither; each function says what to install.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from integration_index._api.core import resolve_registry, score, scoring_context
from integration_index._api.runs import (
    CohortInput,
    WeightsInput,
    accumulate,
    enough,
    needs_cohort,
    resolve_cohort,
)
from integration_index._model.cohort import CohortStats
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._plugins.registry import Registry
from integration_index._vector import require_numpy
from integration_index._vector.results import RankUncertainty, ScoreArrays, UncertaintySources

__all__ = ["rank_uncertainty", "score_arrays", "to_frame"]


def _compiled(framework: Framework | str, registry: Registry | None) -> Any:
    require_numpy()
    from integration_index._vector.compiled import CompiledFramework

    context = scoring_context([framework], registry=registry)
    resolved = framework if isinstance(framework, Framework) else context.framework(framework)
    return CompiledFramework(resolved, context.aggregations, context.plan(resolved))


def score_arrays(
    cards: Sequence[ScoreCard], framework: Framework | str, *, registry: Registry | None = None
) -> ScoreArrays:
    """Every node of many cities at once, as arrays (the vectorised scoring path).

    The cards (the scalar engine's results, of *framework*) give each leaf's values and the
    modifiers that took effect; every node's score, bounds, coverage and normalised weight are
    recomputed for all cities at once with the engine's semantics, raw and adjusted, as
    ``[city, node]`` arrays. A node whose aggregation a plugin provides is computed through the
    scalar engine, once per city, and listed in ``scalar_nodes``. The cards' run-time weight
    overrides are applied to *framework* (every card must have been scored with the same
    weights). See docs/uncertainty.md.

    Raises:
        AnalysisUnavailable: numpy (the ``analysis`` extra) is not installed (an ImportError).
        ValueError: a card is of another framework, or the cards were scored with different
            weights.
    """
    compiled = _compiled(framework, registry)
    from integration_index._vector.scoring import score_arrays as compute

    result: ScoreArrays = compute(compiled, list(cards))
    return result


def rank_uncertainty(
    inputs: Sequence[CityProfile | ScoreCard],
    framework: Framework | str,
    *,
    draws: int = 1000,
    seed: int = 0,
    sources: UncertaintySources | None = None,
    top_k: int = 10,
    registry: Registry | None = None,
    cohort: CohortInput = None,
    weights: WeightsInput = None,
) -> RankUncertainty:
    """The uncertainty of the cities' ranks, and the share of it each source explains.

    *inputs* are profiles (scored here) or their score cards; the latest assessment of each city
    counts (two different ones on one date are an error). *draws* is the number of model runs:
    with d sources switched on, a Saltelli design of N = draws // (d + 2) base rows (at least
    one) gives N(d + 2) runs. *sources* (default: every source; without the evidence rule when
    *inputs* are cards, which keep no evidence items) says what varies. The same *seed* and
    inputs give identical results. See docs/uncertainty.md for every rule.

    Profiles are scored as ``score_many`` scores them: against *cohort* (statistics or
    profiles) where the framework needs one, else against the profiles given, and with the
    run-time *weights*, if any. Cards keep the weights they were scored with (all the same).

    Raises:
        AnalysisUnavailable: numpy (the ``analysis`` extra) is not installed (an ImportError).
        ValueError: no input, cards of another framework or scored with different weights, the
            evidence rule asked for with cards only, or two different assessments of one city
            on one date.
        AnalysisInputError: bad weights, or a cohort is needed and fewer than two profiles give
            it.
    """
    compiled = _compiled(framework, registry)
    chosen = resolve_registry(registry)
    given = [item for item in inputs if isinstance(item, CityProfile)]
    stats = _cohort(compiled.framework, given, cohort)
    profiles: list[CityProfile] | None = []
    cards: list[ScoreCard] = []
    for item in inputs:
        if isinstance(item, CityProfile):
            cards.append(
                score(item, compiled.framework, registry=chosen, cohort=stats, weights=weights)
            )
            if profiles is not None:
                profiles.append(item)
        else:
            cards.append(item)
            profiles = None
    if sources is None:
        sources = UncertaintySources() if profiles is not None else UncertaintySources.for_cards()
    from integration_index._vector.uncertainty import run_analysis

    result: RankUncertainty = run_analysis(
        compiled, cards, profiles, draws=draws, seed=seed, sources=sources, top_k=top_k,
        cohort=stats,
    )  # fmt: skip
    return result


def _cohort(
    framework: Framework, profiles: Sequence[CityProfile], cohort: CohortInput
) -> CohortStats | None:
    """The statistics to score against: *cohort*'s, else those of *profiles* (None when the
    framework needs none, or when there are no profiles to score)."""
    stats = resolve_cohort(cohort, [framework]).get(framework.id)
    if stats is None and profiles and needs_cohort(framework):
        stats = enough(accumulate(profiles, [framework]))[framework.id]
    return stats


def to_frame(result: Any, *, form: Literal["long", "wide"] = "long", value: str = "score") -> Any:
    """A pandas DataFrame of score cards, a ranking or an uncertainty result.

    *result* is a score card, a sequence of them, a
    [`Ranking`][integration_index.analysis.Ranking], a
    [`RankUncertainty`][integration_index.analysis.RankUncertainty] or
    [`ScoreArrays`][integration_index.analysis.ScoreArrays]. *form* "long" (tidy) gives one
    row per observation (per city and node for cards; per city for a ranking; per city and
    source for the sensitivity of an uncertainty result's ranks); "wide" gives one row per city
    and one column per node (cards: the *value* column, "score" by default) or per statistic.
    See docs/guides/notebook.md.

    Raises:
        ImportError: pandas (the ``notebook`` extra) is not installed; the message says so.
        TypeError: *result* is none of these.
    """
    from integration_index._api.frames import frame

    return frame(result, form=form, value=value)
