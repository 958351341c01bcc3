"""The assessment model: every public value class, for annotations and for building objects.

Frameworks (scales, the criteria tree, contextual factors, modifier rules), city profiles,
score cards, crosswalks and report sections. Every class is a frozen attrs class built by
keyword; none holds a mutable container, so every object hashes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names' types; at run time each is imported on first use (below)
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

#: Where each name lives. Importing this module imports none of them: a name's module is imported
#: when the name is first used, so that a plugin importing ``ReportSection`` at every start does
#: not import the what-if scenarios, say.
_MODULE_OF: dict[str, str] = {
    "Aggregation": "integration_index._scoring.aggregations",
    "AppliedModifier": "integration_index._model.scorecard",
    "Assessment": "integration_index._model.profile",
    "City": "integration_index._model.profile",
    "CityProfile": "integration_index._model.profile",
    "CohortStats": "integration_index._model.cohort",
    "CompetenceExclusion": "integration_index._model.context",
    "Condition": "integration_index._model.context",
    "ContextEntry": "integration_index._model.scorecard",
    "ContextualFactor": "integration_index._model.context",
    "Criterion": "integration_index._model.criteria",
    "Crosswalk": "integration_index._model.crosswalk",
    "Evidence": "integration_index._model.profile",
    "Exclusion": "integration_index._model.profile",
    "Framework": "integration_index._model.framework",
    "FrozenDict": "integration_index._model.frozen",
    "Goalposts": "integration_index._model.scale",
    "Horizon": "integration_index._model.criteria",
    "IndicatorStats": "integration_index._model.cohort",
    "Level": "integration_index._model.scale",
    "Link": "integration_index._model.crosswalk",
    "ModifierRule": "integration_index._model.context",
    "NodeResult": "integration_index._model.scorecard",
    "NodeScore": "integration_index._model.scorecard",
    "Normalisation": "integration_index._model.cohort",
    "NormalisationUsed": "integration_index._model.scorecard",
    "Practice": "integration_index._model.criteria",
    "PracticeCategory": "integration_index._model.criteria",
    "Relation": "integration_index._model.crosswalk",
    "ReportSection": "integration_index._model.report",
    "Scale": "integration_index._model.scale",
    "Scenario": "integration_index._model.scenario",
    "ScenarioRating": "integration_index._model.scenario",
    "ScoreCard": "integration_index._model.scorecard",
    "Settings": "integration_index._model.framework",
    "Source": "integration_index._model.text",
    "Text": "integration_index._model.text",
    "TextBlock": "integration_index._model.framework",
    "WeightOverride": "integration_index._model.scorecard",
    "Weights": "integration_index._model.weights",
}


if not TYPE_CHECKING:  # for mypy, a module __getattr__ would make every name exist

    def __getattr__(name: str) -> Any:
        # PEP 562: import a name's module on first use.
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module 'integration_index.model' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # later uses find it without this function
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
