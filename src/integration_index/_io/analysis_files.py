"""The files of a cross-city analysis: run-time weights, what-if scenarios and saved cohort
statistics (TOML, or JSON for the statistics), read with the file, line and key path of every
problem. The formats are in docs/guides/analysts.md."""

from __future__ import annotations

import json
import math
import os
from typing import Any

import attrs

from integration_index._io.convert import model_converter
from integration_index._io.documents import load_document
from integration_index._io.toml import locate, read_text
from integration_index._io.toml_writer import dumps
from integration_index._model.cohort import CohortStats
from integration_index._model.frozen import FrozenDict
from integration_index._model.scenario import Scenario
from integration_index._model.validators import value_class
from integration_index._model.weights import Weights
from integration_index.exceptions import AnalysisInputError

__all__ = [
    "cohort_stats_from_text",
    "dumps_cohort_stats",
    "load_cohort_stats_file",
    "load_scenario_file",
    "load_weights_file",
    "scenario_from_text",
    "weights_from_text",
]


@value_class(kw_only=True)
class _WeightsFile:
    weights: FrozenDict[str, float]
    framework: str | None = None
    title: str | None = None


def weights_from_text(text: str, *, path: str | None = None) -> Weights:
    """A weights file's text as Weights (each weight's line kept for later errors)."""
    document = load_document(text, _WeightsFile, AnalysisInputError, path=path)
    lines = {key: locate(text, f"weights.{key}") for key in document.weights}
    return Weights(
        weights=document.weights,
        framework=document.framework,
        source=path or "weights",
        lines={key: line for key, line in lines.items() if line is not None},
    )


def load_weights_file(path: str | os.PathLike[str]) -> Weights:
    """Read a weights file (``schema = 1``, optional ``framework``, a ``[weights]`` table)."""
    name = os.fspath(path)
    return weights_from_text(read_text(name, AnalysisInputError), path=name)


def scenario_from_text(text: str, *, path: str | None = None) -> Scenario:
    """A scenario file's text as a Scenario."""
    return load_document(text, Scenario, AnalysisInputError, path=path)


def load_scenario_file(path: str | os.PathLike[str]) -> tuple[Scenario, str]:
    """Read a scenario file; return it with its text (for the lines of later problems)."""
    name = os.fspath(path)
    text = read_text(name, AnalysisInputError)
    return scenario_from_text(text, path=name), text


@value_class(kw_only=True)
class _StatsFile:
    framework: str
    indicators: FrozenDict[str, Any]
    size: int = 0
    kind: str = "cohort-stats"


def cohort_stats_from_text(text: str, *, path: str | None = None) -> CohortStats:
    """Saved cohort statistics (TOML, or JSON when the text starts with "{") as CohortStats."""
    source = path or "cohort statistics"
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise AnalysisInputError(f"not valid JSON: {exc}", path=path) from None
        text = dumps(data) if isinstance(data, dict) else ""
        if not text:
            raise AnalysisInputError("expected a JSON object", path=path)
    document = load_document(text, _StatsFile, AnalysisInputError, path=path)
    if document.kind != "cohort-stats":
        raise AnalysisInputError(
            f'expected kind = "cohort-stats", got {document.kind!r}', path=path, key_path="kind"
        )
    data = {"framework_id": document.framework, "size": document.size, "source": source}
    try:
        return model_converter().structure(
            {**data, "indicators": dict(document.indicators)}, CohortStats
        )
    except Exception as exc:
        problems = getattr(exc, "exceptions", None)
        detail = problems[0] if problems else exc
        raise AnalysisInputError(
            f"invalid statistics: {detail}", path=path, key_path="indicators"
        ) from None


def load_cohort_stats_file(path: str | os.PathLike[str]) -> CohortStats:
    """Read saved cohort statistics (TOML or JSON)."""
    name = os.fspath(path)
    return cohort_stats_from_text(read_text(name, AnalysisInputError), path=name)


def dumps_cohort_stats(stats: CohortStats, *, format: str = "toml") -> str:
    """Cohort statistics as TOML or JSON text that :func:`cohort_stats_from_text` reads back."""
    indicators = {}
    for leaf, item in stats.indicators.items():
        fields = attrs.asdict(item)
        if not item.values:
            del fields["values"]
        else:
            fields["values"] = list(item.values)
        indicators[leaf] = {k: v for k, v in fields.items() if v is not None}
        for key, value in indicators[leaf].items():
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"indicator {leaf!r}: {key} is not finite")
    data = {
        "schema": 1,
        "kind": "cohort-stats",
        "framework": stats.framework_id,
        "size": stats.size,
        "indicators": indicators,
    }
    if format == "json":
        return json.dumps(data, indent=2) + "\n"
    return dumps(data)
