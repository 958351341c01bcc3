"""Values a spreadsheet typed otherwise than the profile means, put back.

Spreadsheets change what people type: "01.1" becomes the number 1.1, a measured value may stay
text ("12,5"), a level id gains a capital or a trailing space, TRUE is VRAI in French. Read with
the frameworks a profile names, each such value becomes the one it can only mean. Only values
that would otherwise be refused change: a valid profile reads back exactly as written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from integration_index._model.context import ContextualFactor
from integration_index._model.framework import Framework
from integration_index._model.profile import EFFORTS, SOURCE_KINDS
from integration_index._spreadsheet.cells import text_of

__all__ = ["as_bool", "as_int", "as_number", "repair"]

_TRUE = frozenset({"true", "vrai", "yes", "oui", "1"})
_FALSE = frozenset({"false", "faux", "no", "non", "0"})
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def as_int(value: Any) -> Any:
    """A whole number typed as a float or as text ("540 000") as an int; else *value*."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = _SPACES.sub("", value)
        if re.fullmatch(r"[-+]?\d+", text):
            return int(text)
    return value


def as_bool(value: Any) -> Any:
    """TRUE/FALSE typed as text (in English or French, or yes/no), or 1/0, as a bool."""
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
    return value


def as_number(value: Any) -> Any:
    """A number typed as text ("12.5", "12,5", "1 200") as a float; else *value*."""
    if not isinstance(value, str):
        return value
    text = _SPACES.sub("", value)
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def _one_of(value: Any, choices: Iterable[str]) -> Any:
    """*value* if it is one of *choices*; else the only choice it matches without spaces around
    or case; else *value*."""
    options = list(choices)
    if not isinstance(value, str) or value in options:
        return value
    word = value.strip().casefold()
    found = [option for option in options if option.casefold() == word]
    return found[0] if len(found) == 1 else value


def _node_id(value: Any, framework: Framework, leaves_only: bool) -> Any:
    """A criterion id as typed, matched to the framework's: also a number a spreadsheet made
    of an id (1.1 for "01.1"), when exactly one id reads as that number."""
    ids = [leaf.id for leaf in framework.leaves] if leaves_only else list(framework.nodes)
    if not isinstance(value, str) or value in framework.nodes:
        return value
    matched = _one_of(value, ids)
    if matched != value:
        return matched
    number = as_number(value)
    if not isinstance(number, float):
        return value
    found = [node_id for node_id in ids if as_number(node_id) == number]
    return found[0] if len(found) == 1 else value


def repair(data: dict[str, Any], frameworks: Mapping[str, Framework]) -> None:
    """Put back, in the profile data read from a workbook, the values a spreadsheet changed."""
    assessment = data.get("assessment", {})
    names: list[str] = []
    if isinstance(assessment.get("frameworks"), list):
        assessment["frameworks"] = [_one_of(name, frameworks) for name in assessment["frameworks"]]
        names = [name for name in assessment["frameworks"] if isinstance(name, str)]

    def framework_of(item: dict[str, Any]) -> Framework | None:
        if "framework" in item:
            item["framework"] = _one_of(item["framework"], names)
        chosen = item.get("framework", names[0] if len(names) == 1 else None)
        return frameworks.get(chosen) if isinstance(chosen, str) else None

    for item in data.get("evidence", []):
        for key, choices in (("source", SOURCE_KINDS), ("effort", EFFORTS)):
            if key in item:
                item[key] = _one_of(item[key], choices)
        framework = framework_of(item)
        if framework is not None:
            _repair_rating(item, framework)
    for item in data.get("exclusions", []):
        framework = framework_of(item)
        if framework is not None and "criterion" in item:
            item["criterion"] = _node_id(item["criterion"], framework, leaves_only=False)
            if "factor" in item:
                item["factor"] = _one_of(item["factor"], framework.factors_by_id)
    for framework_id, values in data.get("context", {}).items():
        framework = frameworks.get(framework_id)
        if framework is None:
            continue
        for factor_id, value in values.items():
            factor = framework.factors_by_id.get(factor_id)
            if factor is not None:
                values[factor_id] = _factor_value(value, factor)


def _repair_rating(item: dict[str, Any], framework: Framework) -> None:
    if "criterion" not in item:
        return
    item["criterion"] = _node_id(item["criterion"], framework, leaves_only=True)
    leaf = framework.nodes.get(item["criterion"])
    if leaf is None or not leaf.is_leaf or "rating" not in item:
        return
    rating = item["rating"]
    if leaf.goalposts is not None or leaf.normalisation is not None:
        item["rating"] = as_number(rating)
        return
    scale = framework.scale_of(leaf)
    if scale is not None and not (isinstance(rating, str) and rating in scale.values):
        typed = rating if isinstance(rating, str) else text_of(rating)
        matched = _one_of(typed, scale.values)
        if matched in scale.values:
            item["rating"] = matched


def _factor_value(value: Any, factor: ContextualFactor) -> Any:
    if factor.kind == "number":
        return as_number(value)
    if factor.kind == "boolean":
        return as_bool(value)
    text = text_of(value)
    if factor.kind == "choice":
        return _one_of(text, factor.choices)
    return text
