"""The assessment model: every public value class, for annotations and for building objects.

Frameworks (scales, the criteria tree, contextual factors, modifier rules), city profiles,
score cards, crosswalks and report sections. Every class is a frozen attrs class built by
keyword; none holds a mutable container, so every object hashes.
"""

from __future__ import annotations

from integration_index._model.cohort import CohortStats, IndicatorStats, Normalisation
from integration_index._model.context import (
    CompetenceExclusion,
    Condition,
    ContextualFactor,
    ModifierRule,
)
from integration_index._model.criteria import Criterion, Horizon, Practice, PracticeCategory
from integration_index._model.crosswalk import Crosswalk, Link, Relation
from integration_index._model.framework import Framework, Settings, TextBlock
from integration_index._model.frozen import FrozenDict
from integration_index._model.profile import Assessment, City, CityProfile, Evidence, Exclusion
from integration_index._model.report import ReportSection
from integration_index._model.scale import Goalposts, Level, Scale
from integration_index._model.scenario import Scenario, ScenarioRating
from integration_index._model.scorecard import (
    AppliedModifier,
    ContextEntry,
    NodeResult,
    NodeScore,
    NormalisationUsed,
    ScoreCard,
    WeightOverride,
)
from integration_index._model.text import Source, Text
from integration_index._model.weights import Weights
from integration_index._scoring.aggregations import Aggregation

__all__ = [
    "Aggregation",
    "AppliedModifier",
    "Assessment",
    "City",
    "CityProfile",
    "CohortStats",
    "CompetenceExclusion",
    "Condition",
    "ContextEntry",
    "ContextualFactor",
    "Criterion",
    "Crosswalk",
    "Evidence",
    "Exclusion",
    "Framework",
    "FrozenDict",
    "Goalposts",
    "Horizon",
    "IndicatorStats",
    "Level",
    "Link",
    "ModifierRule",
    "NodeResult",
    "NodeScore",
    "Normalisation",
    "NormalisationUsed",
    "Practice",
    "PracticeCategory",
    "Relation",
    "ReportSection",
    "Scale",
    "Scenario",
    "ScenarioRating",
    "ScoreCard",
    "Settings",
    "Source",
    "Text",
    "TextBlock",
    "WeightOverride",
    "Weights",
]
