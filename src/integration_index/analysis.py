"""The results of the modes of use (development plans, progress, peer reviews, rankings) and
the inter-rater agreement they rest on.

The functions that produce them are in the package itself
([`development_plan`][integration_index.development_plan],
[`track_progress`][integration_index.track_progress],
[`peer_review`][integration_index.peer_review], [`rank_cities`][integration_index.rank_cities],
[`what_if`][integration_index.what_if]).
"""

from __future__ import annotations

from integration_index._analysis.agreement import Agreement, krippendorff_alpha
from integration_index._analysis.compare import Ranking, RankingRow
from integration_index._analysis.peer_review import (
    FactorReview,
    LoggedRating,
    PeerReview,
    QuestionReview,
    SelfAssessmentChange,
)
from integration_index._analysis.peers import PeerRule
from integration_index._analysis.plan import (
    DevelopmentPlan,
    ExcludedCriterion,
    Objective,
    PlanAction,
)
from integration_index._analysis.progress import NodeProgress, ProgressReport, UncountedFactor
from integration_index._analysis.review_files import MergedReview
from integration_index._analysis.whatif import NodeChange, WhatIf
from integration_index._vector import AnalysisUnavailable
from integration_index._vector.results import (
    SOURCES,
    AggregationSwitch,
    CityUncertainty,
    ConvergencePoint,
    EvidenceSwitch,
    PassArrays,
    RankUncertainty,
    ScoreArrays,
    SourceSensitivity,
    UncertaintySources,
    WeightNoise,
)

__all__ = [
    "AggregationSwitch",
    "Agreement",
    "AnalysisUnavailable",
    "CityUncertainty",
    "ConvergencePoint",
    "DevelopmentPlan",
    "EvidenceSwitch",
    "ExcludedCriterion",
    "FactorReview",
    "LoggedRating",
    "MergedReview",
    "NodeChange",
    "NodeProgress",
    "Objective",
    "PassArrays",
    "PeerReview",
    "PeerRule",
    "PlanAction",
    "ProgressReport",
    "QuestionReview",
    "RankUncertainty",
    "Ranking",
    "RankingRow",
    "SOURCES",
    "ScoreArrays",
    "SelfAssessmentChange",
    "SourceSensitivity",
    "UncertaintySources",
    "UncountedFactor",
    "WeightNoise",
    "WhatIf",
    "krippendorff_alpha",
]
