"""integration-index: score how cities include migrants against benchmark frameworks.

The stable public API is what this module's ``__all__`` lists, together with the documented
submodules: ``integration_index.model`` (the value classes), ``integration_index.analysis`` (the
results of the modes of use), ``integration_index.exceptions``, ``integration_index.hookspecs``
(the plugin hooks) and ``integration_index.testing`` (helpers for plugin authors' tests). See
docs/api.md for the deprecation policy.

``integration_index.__version__`` is the installed version, as
[`version()`][integration_index.version] returns it (read from the distribution's metadata on
first use).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names' types; at run time each is imported on first use (below)
    __version__: str
    from integration_index._api import (
        DEFAULT_POPULATION_BANDS,
        check_profile,
        default_registry,
        development_plan,
        dumps_framework,
        dumps_profile,
        get_framework,
        list_frameworks,
        list_plugins,
        load_framework,
        load_profile,
        loads_framework,
        loads_profile,
        merge_reviews,
        peer_review,
        rank_cities,
        read_workbook,
        register_plugin,
        related,
        score,
        score_many,
        scorecard_from_dict,
        scorecard_from_json,
        scorecard_to_dict,
        scorecard_to_json,
        track_progress,
        unregister_plugin,
        write_workbook,
    )
    from integration_index._api.analysis import rank_uncertainty, score_arrays, to_frame
    from integration_index._api.cohort import (
        cohort_stats,
        dumps_cohort_stats,
        load_cohort_stats,
        load_scenario,
        load_weights,
        what_if,
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
    from integration_index._batch import ScoreResult, expand_inputs
    from integration_index._model.framework import Framework
    from integration_index._model.profile import CityProfile
    from integration_index._model.scorecard import ScoreCard
    from integration_index._plugins.registry import PluginInfo, Registry
    from integration_index.hookspecs import hookimpl

from integration_index._version import version

#: Where each public name lives. ``import integration_index`` imports none of these modules (nor
#: attrs, cattrs or pluggy): a name's module is imported when the name is first used, so that a
#: command (``integration-index --version``) or an application pays only for what it uses.
_LAZY: dict[str, str] = {
    **dict.fromkeys(
        (
            "check_profile",
            "default_registry",
            "dumps_framework",
            "dumps_profile",
            "get_framework",
            "list_frameworks",
            "list_plugins",
            "load_framework",
            "load_profile",
            "loads_framework",
            "loads_profile",
            "register_plugin",
            "related",
            "score",
            "score_many",
            "scorecard_from_dict",
            "scorecard_from_json",
            "scorecard_to_dict",
            "scorecard_to_json",
            "unregister_plugin",
        ),
        "integration_index._api.core",
    ),
    **dict.fromkeys(
        (
            "DEFAULT_POPULATION_BANDS",
            "development_plan",
            "merge_reviews",
            "peer_review",
            "rank_cities",
            "track_progress",
        ),
        "integration_index._api.modes",
    ),
    **dict.fromkeys(
        (
            "REPORT_FORMATS",
            "peer_review_markdown",
            "plan_markdown",
            "profile_markdown",
            "progress_markdown",
            "ranking_markdown",
            "render",
        ),
        "integration_index._api.reports",
    ),
    **dict.fromkeys(
        (
            "cohort_stats",
            "dumps_cohort_stats",
            "load_cohort_stats",
            "load_scenario",
            "load_weights",
            "what_if",
        ),
        "integration_index._api.cohort",
    ),
    **dict.fromkeys(
        (
            "rank_uncertainty",
            "score_arrays",
            "to_frame",
        ),
        "integration_index._api.analysis",
    ),
    "read_workbook": "integration_index._api.workbooks",
    "write_workbook": "integration_index._api.workbooks",
    "ScoreResult": "integration_index._batch",
    "expand_inputs": "integration_index._batch",
    "Framework": "integration_index._model.framework",
    "CityProfile": "integration_index._model.profile",
    "ScoreCard": "integration_index._model.scorecard",
    "PluginInfo": "integration_index._plugins.registry",
    "Registry": "integration_index._plugins.registry",
    "hookimpl": "integration_index.hookspecs",
}


if not TYPE_CHECKING:  # for mypy, a module __getattr__ would make every name exist

    def __getattr__(name: str) -> Any:
        # PEP 562: import a public name's module on first use; read the version from the package
        # metadata on first use, not at import time.
        if name == "__version__":
            return version()
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'integration_index' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # later uses find it without this function
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "CityProfile",
    "DEFAULT_POPULATION_BANDS",
    "Framework",
    "PluginInfo",
    "REPORT_FORMATS",
    "Registry",
    "ScoreCard",
    "ScoreResult",
    "__version__",
    "check_profile",
    "cohort_stats",
    "default_registry",
    "development_plan",
    "dumps_cohort_stats",
    "dumps_framework",
    "dumps_profile",
    "expand_inputs",
    "get_framework",
    "hookimpl",
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
