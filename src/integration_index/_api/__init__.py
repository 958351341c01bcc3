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


#: The module of each name (a test checks it against the modules' own __all__).
_MODULE_OF: dict[str, str] = {
    "check_profile": "core",
    "cohort_stats": "cohort",
    "DEFAULT_POPULATION_BANDS": "modes",
    "default_registry": "core",
    "development_plan": "modes",
    "dumps_cohort_stats": "cohort",
    "dumps_framework": "core",
    "dumps_profile": "core",
    "get_framework": "core",
    "list_frameworks": "core",
    "list_plugins": "core",
    "load_cohort_stats": "cohort",
    "load_framework": "core",
    "load_profile": "core",
    "load_scenario": "cohort",
    "load_weights": "cohort",
    "loads_framework": "core",
    "loads_profile": "core",
    "merge_reviews": "modes",
    "peer_review": "modes",
    "peer_review_markdown": "reports",
    "plan_markdown": "reports",
    "profile_markdown": "reports",
    "progress_markdown": "reports",
    "rank_cities": "modes",
    "rank_uncertainty": "analysis",
    "ranking_markdown": "reports",
    "read_workbook": "workbooks",
    "register_plugin": "core",
    "related": "core",
    "render": "reports",
    "REPORT_FORMATS": "reports",
    "score": "core",
    "score_arrays": "analysis",
    "score_many": "core",
    "scorecard_from_dict": "core",
    "scorecard_from_json": "core",
    "scorecard_to_dict": "core",
    "scorecard_to_json": "core",
    "to_frame": "analysis",
    "track_progress": "modes",
    "unregister_plugin": "core",
    "version": "core",
    "what_if": "cohort",
    "write_workbook": "workbooks",
}


if not TYPE_CHECKING:  # for mypy, a module __getattr__ would make every name exist

    def __getattr__(name: str) -> Any:
        # Only the module that defines the name is imported: the command line's score imports
        # _api.core and _api.cohort, not the reports, workbooks or analysis code of the others.
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module 'integration_index._api' has no attribute {name!r}")
        value = getattr(importlib.import_module(f"integration_index._api.{module}"), name)
        globals()[name] = value
        return value


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
