"""integration-index: score how cities include migrants against benchmark frameworks.

Everything public is re-exported here from private modules; see the documentation for the
stable API, ``integration_index.exceptions`` for errors, ``integration_index.hookspecs`` for the
plugin hooks and ``integration_index.testing`` for plugin authors' test helpers.
"""

from __future__ import annotations

from integration_index._agreement import Agreement, krippendorff_alpha
from integration_index._analysis.compare import Ranking, RankingRow
from integration_index._analysis.peer_review import (
    FactorReview,
    LoggedRating,
    PeerReview,
    QuestionReview,
)
from integration_index._analysis.plan import DevelopmentPlan, Objective, PlanAction
from integration_index._analysis.progress import NodeProgress, ProgressReport
from integration_index._api import (
    check_profile,
    dumps_profile,
    get_framework,
    list_frameworks,
    list_plugins,
    load_framework,
    load_profile,
    loads_profile,
    register_plugin,
    related,
    score,
    scorecard_from_dict,
    scorecard_from_json,
    scorecard_to_dict,
    scorecard_to_json,
    unregister_plugin,
    version,
)
from integration_index._batch import ScoreResult, expand_inputs, score_many
from integration_index._model.crosswalk import Crosswalk, Link, Relation
from integration_index._model.framework import (
    CompetenceExclusion,
    Condition,
    ContextualFactor,
    Criterion,
    Framework,
    Goalposts,
    Level,
    ModifierRule,
    Practice,
    PracticeCategory,
    Scale,
    Settings,
    Source,
    TextBlock,
)
from integration_index._model.profile import Assessment, City, CityProfile, Evidence, Exclusion
from integration_index._model.scorecard import (
    AppliedModifier,
    ContextEntry,
    NodeResult,
    NodeScore,
    ScoreCard,
)
from integration_index._model.text import Text
from integration_index._modes import (
    DEFAULT_POPULATION_BANDS,
    development_plan,
    peer_review,
    peer_review_markdown,
    plan_markdown,
    profile_markdown,
    progress_markdown,
    rank_cities,
    ranking_markdown,
    track_progress,
)
from integration_index._plugins.host import PluginInfo
from integration_index._reports.sections import ReportSection
from integration_index._scoring.aggregations import Aggregation
from integration_index.hookspecs import hookimpl


def __getattr__(name: str) -> str:
    # Read the version from the package metadata on first use, not at import time.
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'integration_index' has no attribute {name!r}")


__all__ = [
    "Aggregation",
    "Agreement",
    "AppliedModifier",
    "Assessment",
    "City",
    "CityProfile",
    "CompetenceExclusion",
    "Condition",
    "ContextEntry",
    "ContextualFactor",
    "Criterion",
    "Crosswalk",
    "DEFAULT_POPULATION_BANDS",
    "DevelopmentPlan",
    "Evidence",
    "Exclusion",
    "FactorReview",
    "Framework",
    "Goalposts",
    "Level",
    "Link",
    "LoggedRating",
    "ModifierRule",
    "NodeProgress",
    "NodeResult",
    "NodeScore",
    "Objective",
    "PeerReview",
    "PlanAction",
    "PluginInfo",
    "Practice",
    "PracticeCategory",
    "ProgressReport",
    "QuestionReview",
    "Ranking",
    "RankingRow",
    "Relation",
    "ReportSection",
    "Scale",
    "ScoreCard",
    "ScoreResult",
    "Settings",
    "Source",
    "Text",
    "TextBlock",
    "__version__",
    "check_profile",
    "development_plan",
    "dumps_profile",
    "expand_inputs",
    "get_framework",
    "hookimpl",
    "krippendorff_alpha",
    "list_frameworks",
    "list_plugins",
    "load_framework",
    "load_profile",
    "loads_profile",
    "peer_review",
    "peer_review_markdown",
    "plan_markdown",
    "profile_markdown",
    "progress_markdown",
    "rank_cities",
    "ranking_markdown",
    "register_plugin",
    "related",
    "score",
    "score_many",
    "scorecard_from_dict",
    "scorecard_from_json",
    "scorecard_to_dict",
    "scorecard_to_json",
    "track_progress",
    "unregister_plugin",
    "version",
]
