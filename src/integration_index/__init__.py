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

from integration_index._api import (
    DEFAULT_POPULATION_BANDS,
    REPORT_FORMATS,
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
    peer_review_markdown,
    plan_markdown,
    profile_markdown,
    progress_markdown,
    rank_cities,
    ranking_markdown,
    read_workbook,
    register_plugin,
    related,
    render,
    score,
    score_many,
    scorecard_from_dict,
    scorecard_from_json,
    scorecard_to_dict,
    scorecard_to_json,
    track_progress,
    unregister_plugin,
    version,
    write_workbook,
)
from integration_index._batch import ScoreResult, expand_inputs
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._plugins.registry import PluginInfo, Registry
from integration_index.hookspecs import hookimpl


def __getattr__(name: str) -> str:
    # Read the version from the package metadata on first use, not at import time.
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'integration_index' has no attribute {name!r}")


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
    "default_registry",
    "development_plan",
    "dumps_framework",
    "dumps_profile",
    "expand_inputs",
    "get_framework",
    "hookimpl",
    "list_frameworks",
    "list_plugins",
    "load_framework",
    "load_profile",
    "loads_framework",
    "loads_profile",
    "merge_reviews",
    "peer_review",
    "peer_review_markdown",
    "plan_markdown",
    "profile_markdown",
    "progress_markdown",
    "rank_cities",
    "ranking_markdown",
    "read_workbook",
    "register_plugin",
    "related",
    "render",
    "score",
    "score_many",
    "scorecard_from_dict",
    "scorecard_from_json",
    "scorecard_to_dict",
    "scorecard_to_json",
    "track_progress",
    "unregister_plugin",
    "version",
    "write_workbook",
]
