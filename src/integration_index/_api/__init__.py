"""The public facade: the functions the package re-exports."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # at run time each name's module is imported on first use (below)
    from integration_index._api.analysis import rank_uncertainty, score_arrays, to_frame
    from integration_index._api.cohort import (
        cohort_stats,
        dumps_cohort_stats,
        load_cohort_stats,
        load_scenario,
        load_weights,
        what_if,
    )
    from integration_index._api.core import (
        check_profile,
        default_registry,
        dumps_framework,
        dumps_profile,
        get_framework,
        list_frameworks,
        list_plugins,
        load_framework,
        load_profile,
        loads_framework,
        loads_profile,
        register_plugin,
        related,
        score,
        score_many,
        scorecard_from_dict,
        scorecard_from_json,
        scorecard_to_dict,
        scorecard_to_json,
        unregister_plugin,
        version,
    )
    from integration_index._api.modes import (
        DEFAULT_POPULATION_BANDS,
        development_plan,
        merge_reviews,
        peer_review,
        rank_cities,
        track_progress,
    )
    from integration_index._api.reports import (
        REPORT_FORMATS,
        peer_review_markdown,
        plan_markdown,
        profile_markdown,
        progress_markdown,
        ranking_markdown,
        render,
    )
    from integration_index._api.workbooks import read_workbook, write_workbook


def __getattr__(name: str) -> Any:
    # The facade's modules are imported when one of their names is first used: the command
    # line's score imports _api.core without the analysis and workbook code of the others.
    for module in ("core", "modes", "reports", "workbooks", "cohort", "analysis"):
        loaded = importlib.import_module(f"integration_index._api.{module}")
        if name in loaded.__all__:
            value = getattr(loaded, name)
            globals()[name] = value
            return value
    raise AttributeError(f"module 'integration_index._api' has no attribute {name!r}")


__all__ = [
    "DEFAULT_POPULATION_BANDS",
    "REPORT_FORMATS",
    "check_profile",
    "cohort_stats",
    "default_registry",
    "development_plan",
    "dumps_cohort_stats",
    "dumps_framework",
    "dumps_profile",
    "get_framework",
    "list_frameworks",
    "list_plugins",
    "load_cohort_stats",
    "load_framework",
    "load_profile",
    "load_scenario",
    "load_weights",
    "loads_framework",
    "loads_profile",
    "merge_reviews",
    "peer_review",
    "peer_review_markdown",
    "plan_markdown",
    "profile_markdown",
    "progress_markdown",
    "rank_cities",
    "rank_uncertainty",
    "ranking_markdown",
    "read_workbook",
    "register_plugin",
    "related",
    "render",
    "score",
    "score_arrays",
    "score_many",
    "scorecard_from_dict",
    "scorecard_from_json",
    "scorecard_to_dict",
    "scorecard_to_json",
    "to_frame",
    "track_progress",
    "unregister_plugin",
    "version",
    "what_if",
    "write_workbook",
]
